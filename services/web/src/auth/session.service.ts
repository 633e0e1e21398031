// Who is signed in to the dashboard: the session behind the request's cookie (looked up
// once per request), starting one after a sign-in, ending it at sign-out, and the CSRF
// check of a POST the cookie authorizes (the synchronizer token of the session, sent by
// the dashboard in X-CSRF-Token). Tokens are never logged.
import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ForbiddenError, WebSessionRepository, type Database, type WebSessionOwner } from '@packflow/core';
import type { SignedInUser } from '@packflow/forges';
import { CONFIG, DATABASE } from '@packflow/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebConfig } from '../web.config.js';
import { readCookie, SESSION_COOKIE, setCookie } from './session.cookies.js';

export const CSRF_HEADER = 'x-csrf-token';

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

@Injectable()
export class SessionService {
  private readonly sessions: WebSessionRepository;
  private readonly lookups = new WeakMap<FastifyRequest, Promise<WebSessionOwner | undefined>>();

  constructor(
    @Inject(DATABASE) database: Database,
    @Inject(CONFIG) private readonly config: Readonly<WebConfig>,
  ) {
    this.sessions = new WebSessionRepository(database);
  }

  /** The live session of the request's cookie, if any. */
  current(request: FastifyRequest): Promise<WebSessionOwner | undefined> {
    let lookup = this.lookups.get(request);
    if (!lookup) {
      const token = readCookie(request, SESSION_COOKIE);
      lookup = token ? this.sessions.find(token) : Promise.resolve(undefined);
      this.lookups.set(request, lookup);
    }
    return lookup;
  }

  async start(reply: FastifyReply, forge: string, instanceUrl: string, user: SignedInUser): Promise<WebSessionOwner> {
    const { token, session } = await this.sessions.create({
      forge,
      instanceUrl,
      login: user.login,
      forgeUserId: user.id,
      ttlMs: this.config.auth.sessionTtlMs,
    });
    setCookie(reply, SESSION_COOKIE, token, {
      secure: this.config.auth.cookieSecure,
      maxAge: this.config.auth.sessionTtlMs / 1000,
    });
    return session;
  }

  /** Ends the request's session (if any) and deletes the cookie. */
  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = readCookie(request, SESSION_COOKIE);
    if (token) await this.sessions.delete(token);
    setCookie(reply, SESSION_COOKIE, '', { secure: this.config.auth.cookieSecure, maxAge: 0 });
  }

  /**
   * A request that changes something and carries a live session cookie must carry the
   * session's CSRF token too; a request without a session cookie (an API token's, a
   * KCIDB submitter's) is not authorized by a cookie and needs none.
   */
  async checkCsrf(request: FastifyRequest): Promise<void> {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return;
    const session = await this.current(request);
    if (!session) return;
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sent)
      throw new ForbiddenError(
        `a request signed in by the session cookie needs the CSRF token in the ${CSRF_HEADER} header (from GET /api/v1/me)`,
      );
    if (!sameSecret(sent, session.csrfToken))
      throw new ForbiddenError(
        `the ${CSRF_HEADER} header does not hold this session's CSRF token (see GET /api/v1/me)`,
      );
  }
}
