// One HTTP(S) POST with node:https, for the services that want a client certificate (the
// Koji hub's login, a lookaside cache's upload.cgi), which the global fetch cannot present.
// Answers are read whole (they are small); failures become HttpFailures like the
// fetch-based clients'.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ConfigurationError } from '@packflow/base';
import { HttpFailure, headerRecord, networkFailure } from './http-failure.js';

export interface ClientTls {
  /** PEM client certificate (and key, when `key` is not given). */
  cert?: string;
  key?: string;
  /** PEM CA bundle the server's certificate must chain to (default: the system's). */
  ca?: string;
}

export interface TlsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export async function tlsPost(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  tls: ClientTls,
  timeoutMs: number,
): Promise<TlsAnswer> {
  const target = new URL(url);
  const https = target.protocol === 'https:';
  return new Promise<TlsAnswer>((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(body.length) },
        ...(https ? { cert: tls.cert, key: tls.key ?? (tls.cert ? tls.cert : undefined), ca: tls.ca } : {}),
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (e) => reject(networkFailure(e)));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { name: 'TimeoutError' })));
    req.on('error', (e) => reject(networkFailure(e)));
    req.end(body);
  });
}

/**
 * Checks a client certificate configuration before any call: a certificate without its key
 * (in the same file or a file of its own) would fail every TLS handshake as if the network did.
 */
export function checkClientTls(tls: ClientTls, where: string): void {
  if (tls.cert && !/-----BEGIN CERTIFICATE-----/.test(tls.cert))
    throw new ConfigurationError(`${where}: the client certificate file holds no PEM certificate`);
  if (tls.cert && !(tls.key ?? tls.cert).includes('PRIVATE KEY-----'))
    throw new ConfigurationError(`${where}: the client certificate has no private key; give its key file too`);
}

/** A non-2xx answer as an HttpFailure, its body (HTML or text) as one short line. */
export function tlsFailure(answer: TlsAnswer): HttpFailure {
  const text = answer.body
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return new HttpFailure(answer.status, headerRecord(answer.headers), text.slice(0, 300) || 'no details');
}
