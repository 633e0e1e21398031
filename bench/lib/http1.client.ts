// A lean HTTP/1.1 client for load generators: one keep-alive connection, one request at a
// time, the request head written with its body in one write, the response read until its
// Content-Length is complete. It sends what node:http sends on the wire; it only skips
// node:http's per-request objects (ClientRequest, the agent's bookkeeping, header
// validation, IncomingMessage), which cost the intake bench's load process about 0.3-0.4
// ms of CPU per request, on the same 2 cores as the server it measures.
import { connect, type Socket } from 'node:net';

const HEAD_END = Buffer.from('\r\n\r\n');

export interface Http1Response {
  status: number;
  body: Buffer;
}

export class Http1Connection {
  private readonly socket: Socket;
  private readonly ready: Promise<void>;
  private chunks: Buffer[] = [];
  private received = 0;
  private waiting?: { resolve: (r: Http1Response) => void; reject: (e: Error) => void };
  private failure?: Error;

  constructor(private readonly url: URL) {
    this.socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port), noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error(`connection to ${url.host} closed`)));
  }

  /** Sends one request (headers by name, Content-Length added) and resolves with the whole response. */
  async request(method: string, path: string, headers: Record<string, string>, body: Buffer): Promise<Http1Response> {
    await this.ready;
    if (this.failure) throw this.failure;
    if (this.waiting) throw new Error('one request at a time on an Http1Connection');
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.url.host}\r\nconnection: keep-alive\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    head += `content-length: ${body.length}\r\n\r\n`;
    return new Promise<Http1Response>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.cork();
      this.socket.write(head, 'latin1');
      this.socket.write(body);
      this.socket.uncork();
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.received += chunk.length;
    const data = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.received);
    this.chunks = [data];
    const headEnd = data.indexOf(HEAD_END);
    if (headEnd === -1) return;
    const head = data.toString('latin1', 0, headEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) {
      this.fail(new Error(`response without Content-Length: ${head.split('\r\n')[0]}`));
      return;
    }
    const end = headEnd + HEAD_END.length + Number(length[1]);
    if (data.length < end) return;
    if (data.length > end) {
      this.fail(new Error('response bytes beyond the one answer asked for'));
      return;
    }
    this.chunks = [];
    this.received = 0;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ status, body: data.subarray(headEnd + HEAD_END.length, end) });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}
