// The two cookies of the dashboard's sign-in, read and written by hand (two cookies do not
// warrant a plugin): the session (a random token; HttpOnly, SameSite=Lax, Secure unless
// configured off for http://localhost) and the short-lived OAuth state of a sign-in in
// progress, which only the callback path receives.
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'pf_session';
export const OAUTH_COOKIE = 'pf_oauth';
/** Where the OAuth state cookie is sent: only to the sign-in routes. */
export const OAUTH_COOKIE_PATH = '/api/v1/auth';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export interface CookieOptions {
  secure: boolean;
  path?: string;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
}

export function setCookie(reply: FastifyReply, name: string, value: string, options: CookieOptions): void {
  const attributes = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path ?? '/'}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAge))}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ];
  const previous = reply.getHeader('set-cookie');
  const list = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)];
  reply.header('set-cookie', [...list, attributes.join('; ')]);
}
