// Upload to a dist-git lookaside cache the way fedpkg/pyrpkg does (CGILookasideCache): a
// multipart POST to `upload.cgi` with `name`, `sha512sum` and `filename` first, answered
// `Available` or `Missing`; only a missing file is then sent (`name`, `sha512sum`, `file`).
// The cache checks the hash of what it received. Authentication is a client certificate
// (Fedora's cache takes Kerberos too; packflow does not speak GSSAPI yet).
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigurationError, type ExternalServiceError } from '@packflow/base';
import { HttpFailure, toServiceError } from '../http/http-failure.js';
import { checkClientTls, tlsFailure, tlsPost, type ClientTls } from '../http/tls-post.js';

export interface LookasideClientOptions {
  /** `https://src.fedoraproject.org/repo/pkgs/upload.cgi`. */
  uploadUrl: string;
  /** Client certificate (PEM, with its key unless `keyPath` is given). */
  certPath?: string;
  keyPath?: string;
  /** CA bundle of the cache's certificate (default: the system's). */
  caPath?: string;
  timeoutMs?: number;
}

export interface LookasideUpload {
  /** `sha512`, hex. */
  hash: string;
  /** False when the cache had the file already (nothing was sent). */
  uploaded: boolean;
  /** The `sources` line for the file: `SHA512 (name-1.0.tar.gz) = …`. */
  sourcesLine: string;
}

export class LookasideClient {
  private readonly tls: ClientTls;

  constructor(private readonly options: LookasideClientOptions) {
    const read = (path: string | undefined, what: string): string | undefined => {
      if (!path) return undefined;
      try {
        return readFileSync(path, 'utf8');
      } catch (error) {
        throw new ConfigurationError(`lookaside ${what} ${path} cannot be read: ${(error as Error).message}`);
      }
    };
    this.tls = {
      cert: read(options.certPath, 'client certificate'),
      key: read(options.keyPath, 'client key'),
      ca: read(options.caPath, 'CA'),
    };
    checkClientTls(this.tls, `lookaside (${options.certPath ?? 'no certificate'})`);
  }

  /** Whether the cache holds this file of this package with this hash. */
  async exists(pkg: string, filename: string, sha512: string): Promise<boolean> {
    const answer = await this.post(`check ${pkg}/${filename}`, [
      { name: 'name', value: pkg },
      { name: 'sha512sum', value: sha512 },
      { name: 'filename', value: filename },
    ]);
    if (answer === 'Available') return true;
    if (answer === 'Missing') return false;
    throw this.fail(`check ${pkg}/${filename}`, new HttpFailure(502, {}, `unexpected answer "${answer.slice(0, 80)}"`));
  }

  /** Uploads a source file unless the cache has it; returns its hash and `sources` line. */
  async upload(pkg: string, filename: string, content: Buffer): Promise<LookasideUpload> {
    if (!/^[^/\\]+$/.test(filename) || filename.startsWith('.'))
      throw new ConfigurationError(`lookaside upload: "${filename}" is not a plain file name`);
    const hash = createHash('sha512').update(content).digest('hex');
    const sourcesLine = `SHA512 (${filename}) = ${hash}`;
    if (await this.exists(pkg, filename, hash)) return { hash, uploaded: false, sourcesLine };
    await this.post(`upload ${pkg}/${filename}`, [
      { name: 'name', value: pkg },
      { name: 'sha512sum', value: hash },
      { name: 'file', value: content, filename },
    ]);
    return { hash, uploaded: true, sourcesLine };
  }

  private async post(what: string, parts: FormPart[]): Promise<string> {
    const boundary = `----packflow${randomBytes(12).toString('hex')}`;
    let answer;
    try {
      answer = await tlsPost(
        this.options.uploadUrl,
        { 'content-type': `multipart/form-data; boundary=${boundary}`, 'user-agent': 'packflow' },
        multipart(boundary, parts),
        this.tls,
        this.options.timeoutMs ?? 300_000,
      );
    } catch (error) {
      throw this.fail(what, error instanceof HttpFailure ? error : new HttpFailure(undefined, {}, String(error)));
    }
    if (answer.status !== 200) throw this.fail(what, tlsFailure(answer));
    return answer.body.trim();
  }

  private fail(what: string, failure: HttpFailure): ExternalServiceError {
    return toServiceError(failure, { service: 'lookaside', what, secrets: [] });
  }
}

interface FormPart {
  name: string;
  value: string | Buffer;
  /** Set for a file part. */
  filename?: string;
}

/** RFC 7578 multipart/form-data. Names and file names here are plain (no quotes, no line breaks). */
function multipart(boundary: string, parts: FormPart[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const quoted = (s: string) => s.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
    const disposition = `form-data; name="${quoted(part.name)}"${part.filename !== undefined ? `; filename="${quoted(part.filename)}"` : ''}`;
    const type = part.filename !== undefined ? '\r\nContent-Type: application/octet-stream' : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`));
    chunks.push(typeof part.value === 'string' ? Buffer.from(part.value) : part.value);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
