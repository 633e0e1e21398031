// One HTTP(S) POST to the Koji hub with node:https, because the hub's login wants a client
// certificate and the global fetch cannot present one. Answers are read whole (the hub's
// XML-RPC answers are small); failures become HttpFailures like the fetch-based clients'.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HttpFailure, headerRecord, networkFailure } from '../http/http-failure.js';

export interface KojiTls {
  /** PEM client certificate (and key, when `key` is not given). */
  cert?: string;
  key?: string;
  /** PEM CA bundle the hub's certificate must chain to (default: the system's). */
  ca?: string;
}

export interface HubAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export async function postToHub(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  tls: KojiTls,
  timeoutMs: number,
): Promise<HubAnswer> {
  const target = new URL(url);
  const https = target.protocol === 'https:';
  return new Promise<HubAnswer>((resolve, reject) => {
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

/** A non-2xx answer as an HttpFailure (the hub answers faults with 200). */
export function hubFailure(answer: HubAnswer): HttpFailure {
  const text = answer.body
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return new HttpFailure(answer.status, headerRecord(answer.headers), text.slice(0, 300) || 'no details');
}
