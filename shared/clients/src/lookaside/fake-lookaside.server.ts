// A fake dist-git lookaside cache over HTTPS: `upload.cgi` answers the presence check
// (`name`, `<hash>sum`, `filename` -> `Available`/`Missing`) and stores an uploaded `file`
// after checking its hash, as dist-git's upload.cgi does; uploads need a client certificate
// of a known packager. Tests read what is stored from `files`.
import { createHash } from 'node:crypto';
import { FakeHttpServer, type FakeRequest, type FakeResponse, type FakeTls } from '@packflow/testing';

export interface FakeLookasideOptions {
  tls: FakeTls;
  /** Certificate common names allowed to upload (default `packit`). */
  users?: string[];
}

export interface FakeLookasideFile {
  pkg: string;
  filename: string;
  hash: string;
  content: Buffer;
  uploadedBy: string;
}

export class FakeLookaside extends FakeHttpServer {
  readonly files: FakeLookasideFile[] = [];

  private constructor(private readonly options: FakeLookasideOptions) {
    super();
    this.route('POST', '/repo/pkgs/upload.cgi', (r) => this.upload(r));
  }

  static async start(options: FakeLookasideOptions): Promise<FakeLookaside> {
    return new FakeLookaside(options).listen({ tls: options.tls });
  }

  get uploadUrl(): string {
    return `${this.url}/repo/pkgs/upload.cgi`;
  }

  file(pkg: string, filename: string, hash?: string): FakeLookasideFile | undefined {
    return this.files.find((f) => f.pkg === pkg && f.filename === filename && (!hash || f.hash === hash));
  }

  protected errorBody(_status: number, message: string): unknown {
    return message;
  }

  private text(status: number, text: string): FakeResponse {
    return { status, text: `${text}\n`, contentType: 'text/plain' };
  }

  private upload(request: FakeRequest): FakeResponse {
    const user = request.clientCertName;
    if (!user || !(this.options.users ?? ['packit']).includes(user))
      return this.text(403, 'You must connect with a valid certificate and be a packager to upload.');
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/.exec(String(request.headers['content-type'] ?? ''));
    if (!boundary) return this.text(400, 'Expected a multipart/form-data body.');
    const fields = parseMultipart(request.rawBytes, boundary[1] ?? boundary[2]);
    const required = (name: string): string | undefined => fields.get(name)?.value.toString('utf8');
    const pkg = required('name');
    if (!pkg) return this.text(400, 'Required field "name" is not present.');
    const hashField = ['sha512sum', 'md5sum'].find((n) => fields.has(n));
    if (hashField !== 'sha512sum') return this.text(400, 'Required field "sha512sum" is not present.');
    const hash = required('sha512sum')!;
    const file = fields.get('file');
    if (!file) {
      const filename = required('filename');
      if (!filename) return this.text(400, 'Required field "filename" is not present.');
      return this.text(200, this.file(pkg, filename, hash) ? 'Available' : 'Missing');
    }
    const filename = file.filename ?? '';
    if (!/^[^/\\]+$/.test(filename)) return this.text(400, `Bad file name "${filename}".`);
    const received = createHash('sha512').update(file.value).digest('hex');
    if (received !== hash) return this.text(400, `SHA512 check failed. Received ${received} instead of ${hash}.`);
    if (this.file(pkg, filename, hash)) return this.text(200, `File ${filename} already exists`);
    this.files.push({ pkg, filename, hash, content: file.value, uploadedBy: user });
    return this.text(200, `Stored ${filename} size ${file.value.length}`);
  }
}

function parseMultipart(body: Buffer, boundary: string): Map<string, { value: Buffer; filename?: string }> {
  const out = new Map<string, { value: Buffer; filename?: string }>();
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2); // after CRLF, before the CRLF that precedes the delimiter
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const name = /[;\s]name="([^"]*)"/.exec(headers)?.[1];
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    if (name) out.set(name, { value: part.subarray(headerEnd + 4), ...(filename !== undefined ? { filename } : {}) });
    at = next;
  }
  return out;
}
