// XML-RPC (http://xmlrpc.com/spec.md) as Koji's hub speaks it: the standard types, the
// `<nil/>` extension (Python's allow_none) and `<i8>` for integers past 32 bits (Koji's
// xmlrpcplus marshaller), faults as `{faultCode, faultString}`. One codec for the client
// and the fake hub. The XML read here is only XML-RPC's: elements and text, no attributes
// that matter, no DTDs; anything else is refused with a message saying where.

export type XmlRpcValue =
  null | boolean | number | string | Buffer | Date | XmlRpcValue[] | { [key: string]: XmlRpcValue | undefined };

/** A fault answer (`<fault>`): Koji's error classes have their own codes (1000 GenericError, 1002 AuthError…). */
export class XmlRpcFault extends Error {
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(`fault ${faultCode}: ${faultString}`);
    this.name = 'XmlRpcFault';
  }
}

/** Koji's way to pass keyword arguments: a last struct marked `__starstar` (koji.encode_args). */
export function kojiKwargs(opts: Record<string, XmlRpcValue | undefined>): Record<string, XmlRpcValue | undefined> {
  return { ...opts, __starstar: true };
}

// ---- encoding ----

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function isoDate(date: Date): string {
  // XML-RPC's dateTime.iso8601 without zone: `20260102T03:04:05`, in UTC.
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}` +
    `T${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}`
  );
}

export function encodeValue(value: XmlRpcValue | undefined): string {
  if (value === null || value === undefined) return '<value><nil/></value>';
  if (typeof value === 'boolean') return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`XML-RPC cannot carry the number ${value}`);
    if (!Number.isInteger(value)) return `<value><double>${value}</double></value>`;
    if (!Number.isSafeInteger(value)) throw new TypeError(`XML-RPC integer ${value} is past 2^53`);
    const tag = value >= -2147483648 && value <= 2147483647 ? 'int' : 'i8';
    return `<value><${tag}>${value}</${tag}></value>`;
  }
  if (typeof value === 'string') return `<value><string>${escapeXml(value)}</string></value>`;
  if (Buffer.isBuffer(value)) return `<value><base64>${value.toString('base64')}</base64></value>`;
  if (value instanceof Date) return `<value><dateTime.iso8601>${isoDate(value)}</dateTime.iso8601></value>`;
  if (Array.isArray(value)) return `<value><array><data>${value.map(encodeValue).join('')}</data></array></value>`;
  const members = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<member><name>${escapeXml(k)}</name>${encodeValue(v)}</member>`)
    .join('');
  return `<value><struct>${members}</struct></value>`;
}

const HEAD = "<?xml version='1.0'?>\n";

export function encodeCall(method: string, params: readonly (XmlRpcValue | undefined)[]): string {
  const body = params.map((p) => `<param>${encodeValue(p)}</param>`).join('');
  return `${HEAD}<methodCall><methodName>${escapeXml(method)}</methodName><params>${body}</params></methodCall>`;
}

export function encodeResponse(value: XmlRpcValue): string {
  return `${HEAD}<methodResponse><params><param>${encodeValue(value)}</param></params></methodResponse>`;
}

export function encodeFault(fault: { faultCode: number; faultString: string }): string {
  return `${HEAD}<methodResponse><fault>${encodeValue({ ...fault })}</fault></methodResponse>`;
}

// ---- decoding ----

interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string, at: number): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const named = ENTITIES[ref];
    if (named === undefined) throw new SyntaxError(`XML-RPC: unknown entity ${whole} near offset ${at}`);
    return named;
  });
}

/** Parses the element tree of an XML-RPC document. */
function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#root', children: [], text: '' };
  const stack: XmlElement[] = [root];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? xml.length : lt;
    if (textEnd > i) stack[stack.length - 1].text += unescapeXml(xml.slice(i, textEnd), i);
    if (lt < 0) break;
    const after = (end: string): number => {
      const at = xml.indexOf(end, lt);
      if (at < 0) throw new SyntaxError(`XML-RPC: markup at offset ${lt} is never ended with ${end}`);
      return at;
    };
    if (xml.startsWith('<?', lt)) {
      i = after('?>') + 2;
    } else if (xml.startsWith('<!--', lt)) {
      i = after('-->') + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = after(']]>');
      stack[stack.length - 1].text += xml.slice(lt + 9, end);
      i = end + 3;
    } else if (xml.startsWith('<!', lt)) {
      throw new SyntaxError(`XML-RPC: declarations are not accepted (offset ${lt})`);
    } else {
      const gt = after('>');
      const tag = xml.slice(lt + 1, gt).trim();
      if (tag.startsWith('/')) {
        const name = tag.slice(1).trim();
        const open = stack.pop();
        if (!open || open.name !== name)
          throw new SyntaxError(`XML-RPC: </${name}> closes <${open?.name ?? 'nothing'}> at offset ${lt}`);
      } else {
        const selfClosing = tag.endsWith('/');
        const name = (selfClosing ? tag.slice(0, -1) : tag).trim().split(/\s+/)[0];
        const element: XmlElement = { name, children: [], text: '' };
        stack[stack.length - 1].children.push(element);
        if (!selfClosing) stack.push(element);
      }
      i = gt + 1;
    }
  }
  if (stack.length !== 1) throw new SyntaxError(`XML-RPC: <${stack[stack.length - 1].name}> is never closed`);
  return root;
}

function only(element: XmlElement, name: string, where: string): XmlElement {
  const found = element.children.filter((c) => c.name === name);
  if (found.length !== 1) throw new SyntaxError(`XML-RPC: expected one <${name}> in ${where}, found ${found.length}`);
  return found[0];
}

function parseDate(text: string): Date {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) throw new SyntaxError(`XML-RPC: bad dateTime.iso8601 "${text}"`);
  const zone = m[7] ? (m[7] === 'Z' ? 'Z' : m[7].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`);
}

function decodeValue(value: XmlElement, where: string): XmlRpcValue {
  if (value.children.length === 0) return value.text; // a bare `<value>text</value>` is a string
  const typed = value.children[0];
  const text = typed.text;
  switch (typed.name) {
    case 'nil':
    case 'ex:nil':
      return null;
    case 'boolean':
      if (text.trim() !== '0' && text.trim() !== '1')
        throw new SyntaxError(`XML-RPC: bad boolean "${text}" in ${where}`);
      return text.trim() === '1';
    case 'int':
    case 'i4':
    case 'i8':
    case 'ex:i8': {
      const n = Number(text.trim());
      if (!/^[+-]?\d+$/.test(text.trim()) || !Number.isSafeInteger(n))
        throw new SyntaxError(`XML-RPC: bad integer "${text}" in ${where}`);
      return n;
    }
    case 'double': {
      const n = Number(text.trim());
      if (Number.isNaN(n)) throw new SyntaxError(`XML-RPC: bad double "${text}" in ${where}`);
      return n;
    }
    case 'string':
      return text;
    case 'base64':
      return Buffer.from(text.replace(/\s+/g, ''), 'base64');
    case 'dateTime.iso8601':
      return parseDate(text);
    case 'array': {
      const data = only(typed, 'data', where);
      return data.children.map((v, i) => decodeValue(v, `${where}[${i}]`));
    }
    case 'struct': {
      const out: Record<string, XmlRpcValue> = {};
      for (const member of typed.children) {
        const name = only(member, 'name', `${where} member`).text;
        out[name] = decodeValue(only(member, 'value', `${where}.${name}`), `${where}.${name}`);
      }
      return out;
    }
    default:
      throw new SyntaxError(`XML-RPC: unknown type <${typed.name}> in ${where}`);
  }
}

/** The method and parameters of a `<methodCall>`. */
export function decodeCall(xml: string): { method: string; params: XmlRpcValue[] } {
  const call = only(parseXml(xml), 'methodCall', 'the document');
  const method = only(call, 'methodName', 'methodCall').text.trim();
  const params = call.children.find((c) => c.name === 'params');
  return {
    method,
    params: (params?.children ?? []).map((p, i) => decodeValue(only(p, 'value', `param ${i}`), `param ${i}`)),
  };
}

/** The value of a `<methodResponse>`; a `<fault>` is thrown as an XmlRpcFault. */
export function decodeResponse(xml: string): XmlRpcValue {
  const response = only(parseXml(xml), 'methodResponse', 'the document');
  const fault = response.children.find((c) => c.name === 'fault');
  if (fault) {
    const value = decodeValue(only(fault, 'value', 'fault'), 'fault') as Record<string, unknown>;
    throw new XmlRpcFault(Number(value?.faultCode), String(value?.faultString ?? ''));
  }
  const params = only(response, 'params', 'methodResponse');
  const param = only(params, 'param', 'params');
  return decodeValue(only(param, 'value', 'param'), 'the answer');
}
