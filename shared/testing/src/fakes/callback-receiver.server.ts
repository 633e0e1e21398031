// A receiver for what the fakes send (Copr messages, Testing Farm notifications, GitHub
// webhooks) when a test has no scheduler running: it keeps every request and answers 202.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedCallback {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
}

export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  /** The status answered (default 202). */
  status = 202;
  private readonly server: Server;
  private base = '';

  private constructor() {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      this.received.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, rawBody, body });
      res.writeHead(this.status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  }

  static async start(): Promise<CallbackReceiver> {
    const receiver = new CallbackReceiver();
    await new Promise<void>((resolve, reject) => {
      receiver.server.once('error', reject);
      receiver.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = receiver.server.address() as { port: number };
    receiver.base = `http://127.0.0.1:${port}`;
    return receiver;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return this.base;
  }

  /** Requests received on a path. */
  on(path: string): ReceivedCallback[] {
    return this.received.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
