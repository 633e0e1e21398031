// Testing Farm's xunit (`<testsuites overall-result> <testsuite> <testcase name result>
// <logs><log href name/></logs>`) as a list of test cases. A small reader for this one
// well-known shape, not a general XML parser: attributes, nesting of testsuite/testcase
// and the JUnit child elements <failure>, <error>, <skipped>.

export interface TestCaseLog {
  name: string;
  href: string;
}

export interface TestCaseResult {
  /** The tmt test name (`/tests/smoke`). */
  name: string;
  /** The plan (testsuite name) it ran in, when the xunit names one. */
  plan: string | null;
  /** Testing Farm's result word: passed, failed, error, skipped, info, warn, … */
  result: string;
  durationSeconds: number | null;
  /** The test's output log (`testout.log`), else its first log. */
  logUrl: string | null;
  logs: TestCaseLog[];
}

export interface XunitSummary {
  overall: string | null;
  tests: TestCaseResult[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code =
        entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

export function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) out[m[1]] = decode(m[3] ?? m[4] ?? '');
  return out;
}

/** Each `<name …>…</name>` or `<name …/>` element directly found in `xml` (not nested ones of the same name). */
function elements(xml: string, name: string): { attrs: Record<string, string>; inner: string }[] {
  const out: { attrs: Record<string, string>; inner: string }[] = [];
  const open = new RegExp(`<${name}(?=[\\s/>])([^>]*?)(/?)>`, 'g');
  let m: RegExpExecArray | null;
  while ((m = open.exec(xml))) {
    const attrs = attributes(m[1]);
    if (m[2] === '/') {
      out.push({ attrs, inner: '' });
      continue;
    }
    // Find the matching close tag, counting nested elements of the same name.
    const tag = new RegExp(`<(/?)${name}(?=[\\s/>])[^>]*?(/?)>`, 'g');
    tag.lastIndex = open.lastIndex;
    let depth = 1;
    let t: RegExpExecArray | null;
    let end = xml.length;
    let next = xml.length;
    while ((t = tag.exec(xml))) {
      if (t[1] === '/') depth -= 1;
      else if (t[2] !== '/') depth += 1;
      if (depth === 0) {
        end = t.index;
        next = tag.lastIndex;
        break;
      }
    }
    out.push({ attrs, inner: xml.slice(open.lastIndex, end) });
    open.lastIndex = next;
  }
  return out;
}

function resultOf(attrs: Record<string, string>, inner: string): string {
  if (attrs.result) return attrs.result.toLowerCase();
  if (/<failure[\s/>]/.test(inner)) return 'failed';
  if (/<error[\s/>]/.test(inner)) return 'error';
  if (/<skipped[\s/>]/.test(inner)) return 'skipped';
  return 'passed';
}

function testCase(attrs: Record<string, string>, inner: string, plan: string | null): TestCaseResult {
  const logs = elements(inner, 'log')
    .map((l) => ({ name: l.attrs.name ?? '', href: l.attrs.href ?? '' }))
    .filter((l) => l.href);
  const out = logs.find((l) => l.name === 'testout.log') ?? logs.find((l) => /out\.log$/.test(l.href)) ?? logs[0];
  const time = attrs.time !== undefined ? Number(attrs.time) : NaN;
  return {
    name: attrs.name ?? '',
    plan,
    result: resultOf(attrs, inner),
    durationSeconds: Number.isFinite(time) ? time : null,
    logUrl: out?.href ?? null,
    logs,
  };
}

/** The test cases of a Testing Farm xunit document (testcases outside any testsuite count too). */
export function parseXunit(xml: string): XunitSummary {
  const root = elements(xml, 'testsuites')[0];
  const body = root ? root.inner : xml;
  const tests: TestCaseResult[] = [];
  const suites = elements(body, 'testsuite');
  for (const suite of suites) {
    const plan = suite.attrs.name ?? null;
    for (const c of elements(suite.inner, 'testcase')) tests.push(testCase(c.attrs, c.inner, plan));
  }
  if (suites.length === 0) for (const c of elements(body, 'testcase')) tests.push(testCase(c.attrs, c.inner, null));
  const overall = root?.attrs['overall-result'] ?? null;
  return { overall: overall ? overall.toLowerCase() : null, tests };
}
