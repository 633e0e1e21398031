// One entry of `jobs:` -> one JobConfig per trigger and package, with the keys it inherits
// from the top level and its package (job keys win), and its own keys checked.
import type { JobType } from './plan.types.js';
import type { ConfiguredTrigger, JobConfig, PackageConfig, TargetSpec } from './config.types.js';
import { JOB_ALIASES, JOB_TYPES, RETIRED_JOBS, TRIGGERS, checkActions, checkKey } from './config.keys.js';
import { type Reporter, describeValue, isRecord, readBool, readText, readTextList } from './config.reporter.js';
import { checkShape, type Shape } from './config.schema.js';
import { suggest } from './key.suggester.js';
import { formatPath, type Path } from './yaml.reader.js';

export interface JobContext {
  reporter: Reporter;
  packages: PackageConfig[];
  monorepo: boolean;
  /** Where each package's inherited keys are written, by package name. */
  packageOrigins: Map<string | null, Record<string, string>>;
}

/** Keys that shape the job itself; they are not passed on as options. */
const STRUCTURAL = new Set(['job', 'trigger', 'packages', 'package', 'metadata', 'jobs', '_']);

const names: Shape = { kind: 'list', of: { kind: 'text' } };

/**
 * Per-target options of the map form of `targets`: Testing Farm's `distros` and the Copr
 * chroot options Packit passes on (its CHROOT_SPECIFIC_COPR_CONFIGURATION). Copr's
 * `bootstrap` and `isolation` are packflow's own additions.
 */
const TARGET_OPTIONS: Record<string, Shape> = {
  distros: names,
  additional_packages: names,
  additional_repos: names,
  additional_modules: { kind: 'text' },
  with_opts: names,
  without_opts: names,
  bootstrap: { kind: 'enum', values: ['default', 'on', 'off', 'image'] },
  isolation: { kind: 'enum', values: ['default', 'nspawn', 'simple'] },
};

/** Per-branch options of the map form of `dist_git_branches`. */
const BRANCH_OPTIONS: Record<string, Shape> = { fast_forward_merge_into: names };

export function parseJob(raw: unknown, index: number, ctx: JobContext): Omit<JobConfig, 'seq'>[] {
  const r = ctx.reporter;
  const path: Path = ['jobs', index];
  if (!isRecord(raw)) {
    r.error(path, `expected a job (a mapping with job, trigger and its options), got ${describeValue(raw)}`);
    return [];
  }

  // The job's own keys, with the old `metadata:` sub-key folded in (job keys win).
  const own: Record<string, unknown> = {};
  const ownOrigins: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    checkKey(r, [...path, key], key, 'job', value);
    if (key === 'metadata') continue;
    put(own, ownOrigins, renamed(key), value, formatPath([...path, key]));
  }
  if ('metadata' in raw) {
    const metadata = raw.metadata;
    if (isRecord(metadata)) {
      for (const [key, value] of Object.entries(metadata)) {
        const at: Path = [...path, 'metadata', key];
        checkKey(r, at, key, 'job', value);
        const name = renamed(key);
        if (!(name in own)) put(own, ownOrigins, name, value, formatPath(at));
      }
    } else if (metadata !== null) {
      r.error([...path, 'metadata'], `metadata: expected a mapping of job options, got ${describeValue(metadata)}`);
    }
  }
  if (own.actions !== undefined) checkActions(r, ownOrigins.actions, own.actions);

  const type = readJobType(r, path, own.job);
  if (!type) return [];
  const triggers = readTriggers(r, path, own.trigger);
  if (!triggers) return [];
  const selected = readPackages(r, path, own, ctx);

  const out: Omit<JobConfig, 'seq'>[] = [];
  for (const pkg of ctx.packages) {
    const entry = selected.get(pkg.name);
    if (!entry) continue;
    const options: Record<string, unknown> = {};
    const origins: Record<string, string> = {};
    const inherited = ctx.packageOrigins.get(pkg.name) ?? {};
    for (const [k, v] of Object.entries(pkg.options)) put(options, origins, k, v, inherited[k] ?? '');
    for (const [k, v] of Object.entries(own)) if (!STRUCTURAL.has(k)) put(options, origins, k, v, ownOrigins[k]);
    for (const [k, v] of Object.entries(entry.overrides)) put(options, origins, k, v, entry.origins[k]);
    const view = { package: pkg.name, ofMany: ctx.packages.length > 1 };
    for (const trigger of triggers) out.push(buildJob(r, path, index, type, trigger, view, options, origins));
  }
  return out;
}

function buildJob(
  r: Reporter,
  path: Path,
  index: number,
  type: JobType,
  trigger: ConfiguredTrigger,
  view: { package: string | null; ofMany: boolean },
  options: Record<string, unknown>,
  origins: Record<string, string>,
): Omit<JobConfig, 'seq'> {
  const pkg = view.package;
  const at = (key: string): string => origins[key] || formatPath([...path, key]);
  const configured = readText(r, at('identifier'), options.identifier, 'identifier') ?? null;
  if (configured?.includes(':')) {
    r.warning(at('identifier'), `identifier "${configured}" contains ":", which breaks check-run reruns; use - or _`);
  }
  // As Packit's job view of one package of several (JobConfigView): a job without an
  // identifier is identified by its package, so check names read `rpm-build:<chroot>:<package>`.
  const identifier = configured ?? (view.ofMany ? pkg : null);
  const buildIdentifier = readText(r, at('build_identifier'), options.build_identifier, 'build_identifier') ?? null;
  if (buildIdentifier !== null && type !== 'tests') {
    r.warning(at('build_identifier'), `build_identifier only means something on a tests job, not on ${type}`);
  }
  const branch = readText(r, at('branch'), options.branch, 'branch') ?? null;
  if (branch !== null && branchPattern(branch) === null) {
    r.warning(
      at('branch'),
      `branch "${branch}" is not a regular expression packflow can read; it is compared as plain text`,
    );
  }
  return {
    path: formatPath(path),
    index,
    type,
    trigger,
    package: pkg,
    identifier,
    targets: readTargets(r, at('targets'), options.targets, 'targets', TARGET_OPTIONS),
    distGitBranches: readTargets(
      r,
      at('dist_git_branches'),
      options.dist_git_branches,
      'dist_git_branches',
      BRANCH_OPTIONS,
    ),
    branch,
    manualTrigger: readBool(r, at('manual_trigger'), options.manual_trigger, 'manual_trigger') ?? false,
    skipBuild: readBool(r, at('skip_build'), options.skip_build, 'skip_build') ?? false,
    buildIdentifier,
    labels: readTextList(r, at('labels'), options.labels, 'labels') ?? [],
    requireLabels: readRequire(r, at('require'), options.require),
    instances: readTextList(r, at('packit_instances'), options.packit_instances, 'packit_instances') ?? ['prod'],
    buildCandidates: [],
    options,
    origins,
  };
}

/**
 * `branch` is a Python regular expression that Packit matches at the start of the branch
 * name (`re.match`). Returns it as a JavaScript RegExp, or null when it cannot be read.
 */
export function branchPattern(branch: string): RegExp | null {
  const js = branch
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
  try {
    return new RegExp(`^(?:${js})`);
  } catch {
    return null;
  }
}

function put(
  target: Record<string, unknown>,
  origins: Record<string, string>,
  key: string,
  value: unknown,
  origin: string | undefined,
): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  origins[key] = origin ?? '';
}

function renamed(key: string): string {
  return key === 'dist_git_branch' || key === 'dist-git-branch' ? 'dist_git_branches' : key;
}

function readJobType(r: Reporter, path: Path, v: unknown): JobType | undefined {
  if (v === undefined || v === null) {
    r.error(path, `job is missing: say which job this is (${JOB_TYPES.join(', ')})`);
    return undefined;
  }
  if (typeof v !== 'string') {
    r.error([...path, 'job'], `job: expected a job type, got ${describeValue(v)}`);
    return undefined;
  }
  if ((JOB_TYPES as readonly string[]).includes(v)) return v as JobType;
  const alias = JOB_ALIASES[v];
  if (alias) {
    if (alias.deprecated) r.warning([...path, 'job'], `job type ${v} is deprecated: it is now ${alias.type}`);
    return alias.type;
  }
  if (v in RETIRED_JOBS) {
    r.warning([...path, 'job'], `${RETIRED_JOBS[v]}; this job is left out`);
    return undefined;
  }
  r.error(
    [...path, 'job'],
    `unknown job type "${v}"; expected one of ${JOB_TYPES.join(', ')} (or build for copr_build)`,
  );
  return undefined;
}

function readTriggers(r: Reporter, path: Path, v: unknown): ConfiguredTrigger[] | undefined {
  if (v === undefined || v === null) {
    r.error(path, `trigger is missing: say when the job runs (${TRIGGERS.join(', ')}, or several as "a | b")`);
    return undefined;
  }
  if (typeof v !== 'string') {
    r.error([...path, 'trigger'], `trigger: expected ${TRIGGERS.join(', ')} or "a | b", got ${describeValue(v)}`);
    return undefined;
  }
  const out: ConfiguredTrigger[] = [];
  for (const part of v.split('|').map((s) => s.trim())) {
    if (!(TRIGGERS as readonly string[]).includes(part)) {
      r.error([...path, 'trigger'], `unknown trigger "${part}"; expected one of ${TRIGGERS.join(', ')}`);
      return undefined;
    }
    if (!out.includes(part as ConfiguredTrigger)) out.push(part as ConfiguredTrigger);
  }
  return out;
}

interface SelectedPackage {
  overrides: Record<string, unknown>;
  origins: Record<string, string>;
}

/** The packages a job runs for: `packages:` (a list, or a mapping with per-package overrides), else all. */
function readPackages(
  r: Reporter,
  path: Path,
  own: Record<string, unknown>,
  ctx: JobContext,
): Map<string | null, SelectedPackage> {
  const all = new Map<string | null, SelectedPackage>(
    ctx.packages.map((p) => [p.name, { overrides: {}, origins: {} }]),
  );
  const key = 'packages' in own ? 'packages' : 'package' in own ? 'package' : undefined;
  if (key === undefined || own[key] === null) return all;
  const at: Path = [...path, key];
  if (!ctx.monorepo) {
    r.warning(at, `${key} has no effect: this file defines no packages: section`, 'key');
    return all;
  }
  const names = ctx.packages.map((p) => p.name as string);
  const chosen = new Map<string | null, SelectedPackage>();
  const pick = (name: string, where: Path, overrides: Record<string, unknown> = {}): void => {
    if (!names.includes(name)) {
      r.error(where, `unknown package "${name}"; the packages of this file are ${names.join(', ')}`);
      return;
    }
    const origins: Record<string, string> = {};
    for (const k of Object.keys(overrides)) {
      checkKey(r, [...where, k], k, 'job', overrides[k]);
      origins[k] = formatPath([...where, k]);
    }
    chosen.set(name, { overrides, origins });
  };
  const v = own[key];
  if (typeof v === 'string') pick(v, at);
  else if (Array.isArray(v)) {
    v.forEach((item, i) => {
      if (typeof item === 'string') pick(item, [...at, i]);
      else r.error([...at, i], `${key}: expected a package name, got ${describeValue(item)}`);
    });
  } else if (isRecord(v)) {
    for (const [name, overrides] of Object.entries(v)) {
      if (overrides === null || isRecord(overrides)) pick(name, [...at, name], overrides ?? {});
      else r.error([...at, name], `options of package ${name}: expected a mapping, got ${describeValue(overrides)}`);
    }
  } else {
    r.error(at, `${key}: expected a list of package names, got ${describeValue(v)}`);
  }
  return chosen;
}

/** `targets` / `dist_git_branches`: a name, a list of names, or a mapping of name -> options. */
function readTargets(
  r: Reporter,
  at: string,
  v: unknown,
  what: string,
  known: Record<string, Shape>,
): TargetSpec[] | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return [{ name: v, options: {}, path: at }];
  if (Array.isArray(v)) {
    const out: TargetSpec[] = [];
    v.forEach((item, i) => {
      if (typeof item === 'string') out.push({ name: item, options: {}, path: `${at}[${i}]` });
      else
        r.error(
          `${at}[${i}]`,
          `${what}: expected a target name such as fedora-rawhide-x86_64, got ${describeValue(item)}`,
        );
    });
    return out.length > 0 ? out : null;
  }
  if (isRecord(v)) {
    const out: TargetSpec[] = [];
    for (const [name, options] of Object.entries(v)) {
      const where = formatPathOf(at, name);
      if (options !== null && !isRecord(options)) {
        r.error(
          where,
          `options of ${what} ${name}: expected a mapping (e.g. additional_repos: [...]), got ${describeValue(options)}`,
        );
        continue;
      }
      for (const [k, value] of Object.entries(options ?? {})) {
        const shape = Object.prototype.hasOwnProperty.call(known, k) ? known[k] : undefined;
        if (shape) {
          checkShape(r, formatPathOf(where, k), `${what}.${name}.${k}`, shape, value);
          continue;
        }
        const close = suggest(k, Object.keys(known));
        r.warning(
          formatPathOf(where, k),
          `unknown option "${k}" of ${what} ${name}${close ? ` (did you mean "${close}"?)` : ''}; packflow passes it on as is`,
          'key',
        );
      }
      out.push({ name, options: options ?? {}, path: where });
    }
    return out.length > 0 ? out : null;
  }
  r.error(at, `${what}: expected a list of targets or a mapping of target -> options, got ${describeValue(v)}`);
  return null;
}

function formatPathOf(base: string, key: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_+-]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

function readRequire(r: Reporter, at: string, v: unknown): { present: string[]; absent: string[] } {
  const none = { present: [], absent: [] };
  if (v === undefined || v === null) return none;
  if (!isRecord(v)) {
    r.error(
      at,
      `require: expected a mapping such as {label: {present: [...], absent: [...]}}, got ${describeValue(v)}`,
    );
    return none;
  }
  for (const k of Object.keys(v))
    if (k !== 'label') r.warning(`${at}.${k}`, `unknown requirement "${k}"; packflow knows require.label`, 'key');
  const label = v.label;
  if (label === undefined || label === null) return none;
  if (!isRecord(label)) {
    r.error(`${at}.label`, `require.label: expected a mapping with present and/or absent, got ${describeValue(label)}`);
    return none;
  }
  for (const k of Object.keys(label)) {
    if (k !== 'present' && k !== 'absent')
      r.warning(`${at}.label.${k}`, `unknown key "${k}" of require.label; expected present or absent`, 'key');
  }
  return {
    present: readTextList(r, `${at}.label.present`, label.present, 'require.label.present') ?? [],
    absent: readTextList(r, `${at}.label.absent`, label.absent, 'require.label.absent') ?? [],
  };
}
