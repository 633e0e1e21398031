// The common part of the fake external services: a node:http server on 127.0.0.1:0 with
// a small router, a log of every request, scripted failures ("the next call answers 503
// with Retry-After: 1", "401", a dropped connection) and a JSON poster for the callbacks
// the real services send (messages, notifications, webhooks).
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

export interface FakeRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The body's bytes (uploads, multipart forms). */
  rawBytes: Buffer;
  /** The JSON body, or undefined when there is none or it is not JSON. */
  body: unknown;
  /** Over TLS: the common name of a client certificate the server's CA verified, else null. */
  clientCertName?: string | null;
}

/** PEM server certificate and key, and the CA client certificates must chain to. */
export interface FakeTls {
  cert: string;
  key: string;
  clientCa?: string;
}

export interface FakeResponse {
  status: number;
  /** A JSON body… */
  json?: unknown;
  /** …or a text body (with its content type). */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface ScriptedFailure {
  /** Answer status (default 503). */
  status?: number;
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
  headers?: Record<string, string>;
  /** Answer body (default: the service's own error shape for the status). */
  json?: unknown;
  /** How many matching calls fail (default 1). */
  times?: number;
  method?: string;
  /** Only calls whose path starts with this (string) or matches it (RegExp). */
  path?: string | RegExp;
  /** Close the connection without answering (a network error for the client). */
  drop?: boolean;
  /**
   * Do the work first, then fail the answer: the service created the build or request,
   * the caller never learns it (a connection reset after the commit, a gateway timeout).
   */
  afterDoing?: boolean;
}

/** A call the fake holds on to (see `holdNext`): the caller waits, as on a slow service. */
export interface HeldCall {
  /** Resolves when a matching call has arrived (and, with `afterDoing`, been done). */
  arrived: Promise<void>;
  /** Lets it go on: answered if its caller still listens; not done at all if the caller left first (without `afterDoing`). */
  release(): void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
}

/** The answer to a callback the fake sent (message, notification, webhook). */
export interface Delivery<T = unknown> {
  url: string | null;
  payload: T;
  /** The receiver's status, when it answered. */
  status?: number;
  responseText?: string;
  error?: string;
}

interface Route {
  method: string;
  segments: string[];
  handler: FakeHandler;
}

export abstract class FakeHttpServer {
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[] = [];
  /** Errors of work the fake did by itself (see `later`), oldest first. */
  readonly backgroundErrors: Error[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly routeTable: Route[] = [];
  private readonly failures: (ScriptedFailure & { left: number })[] = [];
  private readonly holds: {
    method: string;
    path: string | RegExp;
    afterDoing: boolean;
    arrive: () => void;
    released: Promise<void>;
  }[] = [];
  private server: Server | undefined;
  private base = '';

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return this.base;
  }

  protected route(method: string, pattern: string, handler: FakeHandler): void {
    this.routeTable.push({ method, segments: pattern.split('/').filter(Boolean), handler });
  }

  /** The service's error body for a status (Copr `{"error"}`, GitHub `{"message"}`…). */
  protected abstract errorBody(status: number, message: string): unknown;

  /** Headers on every answer (GitHub's rate-limit headers). */
  protected commonHeaders(): Record<string, string> {
    return {};
  }

  /** Makes the next matching call(s) fail as described. */
  failNext(failure: ScriptedFailure = {}): this {
    this.failures.push({ ...failure, left: failure.times ?? 1 });
    return this;
  }

  /**
   * Holds the next matching call: before doing it (the service never saw it, as when the
   * caller dies while connecting) or, with `afterDoing`, after doing it and before
   * answering (the service did the work, the caller never learns it). For kill -9 trials.
   */
  holdNext(method: string, path: string | RegExp, options: { afterDoing?: boolean } = {}): HeldCall {
    let arrive!: () => void;
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ method, path, afterDoing: options.afterDoing ?? false, arrive, released });
    return { arrived, release };
  }

  /** Forgets scripted failures that have not fired. */
  clearFailures(): void {
    this.failures.length = 0;
  }

  /**
   * Listens on 127.0.0.1, on `port` when given (a fake that must keep its address), else on
   * any free one; over HTTPS when `tls` is given (asking for, not requiring, a client
   * certificate).
   */
  protected async listen({ tls, port: wanted = 0 }: { tls?: FakeTls; port?: number } = {}): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    const server = tls
      ? createHttpsServer(
          {
            cert: tls.cert,
            key: tls.key,
            ca: tls.clientCa,
            requestCert: Boolean(tls.clientCa),
            rejectUnauthorized: false,
          },
          handler,
        )
      : createServer(handler);
    // Connections stay open for the next call, as the real services keep them: fetch
    // (undici) reuses a connection only until a threshold (1-2 s) before the keep-alive
    // the server announces, so a shorter one closed every connection after one call.
    server.keepAliveTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(wanted, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as { port: number };
    this.server = server;
    this.base = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return this;
  }

  /**
   * Runs `fn` after `ms`, as a real service does work later by itself (the realistic-delay
   * modes of the fakes); pending ones are dropped at close. Errors go to `backgroundErrors`.
   */
  protected later(ms: number, fn: () => Promise<unknown> | unknown): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void Promise.resolve()
        .then(fn)
        .catch((error: Error) => this.backgroundErrors.push(error));
    }, ms);
    this.timers.add(timer);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  protected json(status: number, json: unknown, headers?: Record<string, string>): FakeResponse {
    return { status, json, headers };
  }

  protected error(status: number, message: string, headers?: Record<string, string>): FakeResponse {
    return { status, json: this.errorBody(status, message), headers };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBytes = Buffer.concat(chunks);
    const rawBody = rawBytes.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.search,
      headers: req.headers,
      body,
      status: 0,
    };
    this.requests.push(record);

    const failure = this.takeFailure(method, url.pathname);
    let answer: FakeResponse;
    const dispatch = () =>
      this.dispatch({
        method,
        path: url.pathname,
        params: {},
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        rawBytes,
        body,
        clientCertName: clientCertName(req),
      });
    if (failure?.afterDoing) await dispatch();
    const hold = this.takeHold(method, url.pathname);
    if (hold) {
      let answered: FakeResponse | undefined;
      if (hold.afterDoing) answered = await dispatch();
      hold.arrive();
      await hold.released;
      if (req.socket.destroyed) {
        record.status = -1;
        return;
      }
      answered ??= await dispatch();
      record.status = answered.status;
      this.write(res, answered);
      return;
    }
    if (failure?.drop) {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    if (failure) {
      const status = failure.status ?? 503;
      answer = {
        status,
        json: failure.json ?? this.errorBody(status, status >= 500 ? 'Service Unavailable' : 'scripted failure'),
        headers: {
          ...(failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {}),
          ...failure.headers,
        },
      };
    } else {
      answer = await dispatch();
    }
    record.status = answer.status;
    this.write(res, answer);
  }

  private write(res: ServerResponse, answer: FakeResponse): void {
    const headers: Record<string, string> = { ...this.commonHeaders(), ...answer.headers };
    let payload = '';
    if (answer.text !== undefined) {
      headers['content-type'] = answer.contentType ?? 'text/plain; charset=utf-8';
      payload = answer.text;
    } else if (answer.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(answer.json);
    }
    res.writeHead(answer.status, headers);
    res.end(payload);
  }

  private takeHold(method: string, path: string) {
    const index = this.holds.findIndex(
      (h) =>
        h.method.toUpperCase() === method && (typeof h.path === 'string' ? path.startsWith(h.path) : h.path.test(path)),
    );
    return index < 0 ? undefined : this.holds.splice(index, 1)[0];
  }

  private takeFailure(method: string, path: string): ScriptedFailure | undefined {
    const index = this.failures.findIndex(
      (f) =>
        (!f.method || f.method.toUpperCase() === method) &&
        (!f.path || (typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path))),
    );
    if (index < 0) return undefined;
    const failure = this.failures[index];
    failure.left -= 1;
    if (failure.left <= 0) this.failures.splice(index, 1);
    return failure;
  }

  private async dispatch(request: FakeRequest): Promise<FakeResponse> {
    const segments = request.path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.routeTable) {
      const params = match(route.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== request.method) continue;
      try {
        return await route.handler({ ...request, params });
      } catch (error) {
        return this.error(500, `fake failed: ${(error as Error).message}`);
      }
    }
    return pathMatched ? this.error(405, 'Method Not Allowed') : this.error(404, 'Not Found');
  }
}

function clientCertName(req: IncomingMessage): string | null {
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return null;
  const cn = socket.getPeerCertificate()?.subject?.CN;
  return typeof cn === 'string' ? cn : Array.isArray(cn) ? (cn[0] ?? null) : null;
}

function match(pattern: string[], segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.startsWith('*')) {
      if (i >= segments.length) return undefined;
      params[p.slice(1)] = segments.slice(i).map(decode).join('/');
      return params;
    }
    if (i >= segments.length) return undefined;
    if (p.startsWith(':')) params[p.slice(1)] = decode(segments[i]);
    else if (p !== segments[i]) return undefined;
  }
  return pattern.length === segments.length ? params : undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** POSTs JSON to a receiver and reports what it answered (never throws). */
export async function deliver<T>(
  url: string | null | undefined,
  payload: T,
  headers: Record<string, string> = {},
  rawBody?: string,
): Promise<Delivery<T>> {
  if (!url) return { url: null, payload };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: rawBody ?? JSON.stringify(payload),
      signal: AbortSignal.timeout(15_000),
    });
    return { url, payload, status: response.status, responseText: await response.text() };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return { url, payload, error: e.cause?.code ?? e.message };
  }
}

/** Python's `str(datetime.utcnow())`: `2020-12-07 17:22:36.061250`, as Testing Farm writes times. */
export function pythonTimestamp(at: Date = new Date()): string {
  return `${at.toISOString().replace('T', ' ').replace('Z', '')}000`;
}
