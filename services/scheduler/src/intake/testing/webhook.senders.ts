// Test helpers: post to the intake as each real sender does (GitHub signs the raw body
// with HMAC-SHA256, GitLab sends its token, the bus bridge a bearer token, Testing Farm
// the token packflow gave the request).
import { createHmac, randomUUID } from 'node:crypto';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function post(url: string, headers: Record<string, string>, body: string | Buffer): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export function githubSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function postGithub(
  base: string,
  options: {
    secret: string;
    event: string;
    body: string | Buffer;
    delivery?: string;
    headers?: Record<string, string | undefined>;
  },
): Promise<Answer> {
  const headers: Record<string, string | undefined> = {
    'x-github-event': options.event,
    'x-github-delivery': options.delivery ?? randomUUID(),
    'x-hub-signature-256': githubSignature(options.secret, options.body),
    ...options.headers,
  };
  return post(`${base}/webhooks/github`, defined(headers), options.body);
}

export function postGitlab(
  base: string,
  options: {
    token: string;
    event: string;
    body: string | Buffer;
    uuid?: string;
    headers?: Record<string, string | undefined>;
  },
): Promise<Answer> {
  const headers: Record<string, string | undefined> = {
    'x-gitlab-event': options.event,
    'x-gitlab-event-uuid': options.uuid ?? randomUUID(),
    'x-gitlab-token': options.token,
    ...options.headers,
  };
  return post(`${base}/webhooks/gitlab`, defined(headers), options.body);
}

export function postMessage(base: string, options: { token: string | null; body: string | Buffer }): Promise<Answer> {
  return post(
    `${base}/webhooks/messages`,
    options.token === null ? {} : { authorization: `Bearer ${options.token}` },
    options.body,
  );
}

export function postTestingFarm(base: string, body: string | Buffer): Promise<Answer> {
  return post(`${base}/webhooks/testing-farm`, {}, body);
}

function defined(headers: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
}
