// The XML-RPC codec against documents Python's xmlrpc.client wrote (what Koji's hub and CLI
// use): a call with nil, the scalar types, base64 and a struct; a fault; Koji's i8.
import { describe, expect, it } from '@jest/globals';
import { adler32Hex } from './adler32.js';
import {
  decodeCall,
  decodeResponse,
  encodeCall,
  encodeFault,
  encodeResponse,
  kojiKwargs,
  XmlRpcFault,
} from './xmlrpc.codec.js';

// xmlrpc.client.dumps(({'a': None, 'b': [1, -7, 1.5, True, 'x<&y'], 'c': Binary(b'\x00\xffhi')}, 's'), 'build', allow_none=True)
const PYTHON_CALL =
  "<?xml version='1.0'?>\n<methodCall>\n<methodName>build</methodName>\n<params>\n<param>\n<value><struct>\n<member>\n<name>a</name>\n<value><nil/></value></member>\n<member>\n<name>b</name>\n<value><array><data>\n<value><int>1</int></value>\n<value><int>-7</int></value>\n<value><double>1.5</double></value>\n<value><boolean>1</boolean></value>\n<value><string>x&lt;&amp;y</string></value>\n</data></array></value>\n</member>\n<member>\n<name>c</name>\n<value><base64>\nAP9oaQ==\n</base64></value>\n</member>\n</struct></value>\n</param>\n<param>\n<value><string>s</string></value>\n</param>\n</params>\n</methodCall>\n";
// xmlrpc.client.dumps(Fault(1002, 'koji.AuthError: nope'), methodresponse=True)
const PYTHON_FAULT =
  "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>1002</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>koji.AuthError: nope</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n";

describe('XML-RPC codec', () => {
  it("reads Python's call with nil, ints, double, boolean, escaped text and base64", () => {
    const { method, params } = decodeCall(PYTHON_CALL);
    expect(method).toBe('build');
    expect(params).toEqual([{ a: null, b: [1, -7, 1.5, true, 'x<&y'], c: Buffer.from([0, 255, 104, 105]) }, 's']);
  });

  it('writes what it reads back, Koji keyword arguments and i8 included', () => {
    const params = [
      'cli-build/1.2/x.src.rpm',
      'rawhide',
      { scratch: true },
      kojiKwargs({ priority: 2 ** 40, none: null }),
    ];
    const xml = encodeCall('build', params);
    expect(xml).toContain('<i8>1099511627776</i8>');
    expect(decodeCall(xml).params).toEqual([
      'cli-build/1.2/x.src.rpm',
      'rawhide',
      { scratch: true },
      { priority: 2 ** 40, none: null, __starstar: true },
    ]);
    expect(decodeResponse(encodeResponse([null, 'a&b', new Date('2026-01-02T03:04:05Z')]))).toEqual([
      null,
      'a&b',
      new Date('2026-01-02T03:04:05Z'),
    ]);
  });

  it("throws Python's fault as an XmlRpcFault, and writes one Python's shape", () => {
    expect(() => decodeResponse(PYTHON_FAULT)).toThrow(new XmlRpcFault(1002, 'koji.AuthError: nope'));
    expect(() => decodeResponse(encodeFault({ faultCode: 1000, faultString: 'x' }))).toThrow(XmlRpcFault);
  });

  it('refuses broken documents, naming what is wrong', () => {
    expect(() =>
      decodeResponse('<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>'),
    ).toThrow(/bad integer "x"/);
    expect(() => decodeResponse('<methodResponse><params>')).toThrow(/never closed/);
    expect(() => decodeResponse('<!DOCTYPE x [<!ENTITY a "b">]><methodResponse/>')).toThrow(
      /declarations are not accepted/,
    );
  });

  it("computes adler32 as zlib and koji do ('%08x')", () => {
    expect(adler32Hex(Buffer.from('hello world'))).toBe('1a0b045d');
    expect(adler32Hex(Buffer.alloc(0))).toBe('00000001');
    // Long input crosses zlib's 5552-byte block (python3: '%08x' % zlib.adler32(bytes(range(256)) * 100)).
    expect(adler32Hex(Buffer.from(Array.from({ length: 25600 }, (_, i) => i % 256)))).toBe('747fd0e0');
  });
});
