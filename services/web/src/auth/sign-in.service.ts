// Signing in with the forge account (OAuth authorization-code flow). `begin` sends the
// browser to the forge with a random `state`, kept in a short-lived HttpOnly cookie that
// only the callback receives; `finish` accepts the callback only when its state matches
// that cookie (a forged or replayed callback is refused), exchanges the code for the
// person, and starts a session. The person's forge token is dropped at once: permissions
// are asked with the deployment's own identity, as for comment commands.
import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NotConfiguredError, NotFoundError, UnauthorizedError, ValidationError, type Logger } from '@packflow/core';
import { GithubOAuth, GitlabOAuth, type ForgeOAuth } from '@packflow/forges';
import { CONFIG, LOGGER } from '@packflow/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebConfig } from '../web.config.js';
import { OAUTH_COOKIE, OAUTH_COOKIE_PATH, readCookie, setCookie } from './session.cookies.js';
import { sameSecret, SessionService } from './session.service.js';

export const SIGN_IN_FORGES = ['github', 'gitlab'] as const;
type SignInForge = (typeof SIGN_IN_FORGES)[number];

const SETTINGS: Record<SignInForge, string[]> = {
  github: ['GITHUB_OAUTH_CLIENT_ID', 'GITHUB_OAUTH_CLIENT_SECRET', 'WEB_PUBLIC_URL'],
  gitlab: ['GITLAB_OAUTH_CLIENT_ID', 'GITLAB_OAUTH_CLIENT_SECRET', 'WEB_PUBLIC_URL'],
};
const STATE_TTL_SECONDS = 600;

/** A local path to come back to after signing in (never another site). */
export function localPath(path: string | undefined): string {
  return path && path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') ? path : '/';
}

@Injectable()
export class SignInService {
  private readonly flows = new Map<SignInForge, ForgeOAuth>();

  constructor(
    @Inject(CONFIG) private readonly config: Readonly<WebConfig>,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {
    const { github, gitlab } = config.auth.oauth;
    if (github) this.flows.set('github', new GithubOAuth(github));
    if (gitlab) this.flows.set('gitlab', new GitlabOAuth(gitlab));
  }

  /** The forges one can sign in with here, and where each sign-in starts. */
  providers(): { forge: SignInForge; url: string }[] {
    return [...this.flows.keys()].map((forge) => ({ forge, url: `/api/v1/auth/${forge}/sign-in` }));
  }

  private flow(forge: string): { forge: SignInForge; flow: ForgeOAuth; redirectUri: string } {
    if (!SIGN_IN_FORGES.includes(forge as SignInForge)) throw new NotFoundError('sign-in forge', forge);
    const flow = this.flows.get(forge as SignInForge);
    if (!flow)
      throw new NotConfiguredError(
        `signing in with ${forge} is not configured: set ${SETTINGS[forge as SignInForge].join(', ')}`,
        SETTINGS[forge as SignInForge],
      );
    return {
      forge: forge as SignInForge,
      flow,
      redirectUri: `${this.config.auth.publicUrl}/api/v1/auth/${forge}/callback`,
    };
  }

  /** The forge's authorize URL; the state (and where to come back to) goes into a cookie. */
  begin(forge: string, returnTo: string | undefined, reply: FastifyReply): string {
    const { flow, redirectUri } = this.flow(forge);
    const state = randomBytes(24).toString('base64url');
    const value = [forge, state, Buffer.from(localPath(returnTo)).toString('base64url')].join('.');
    setCookie(reply, OAUTH_COOKIE, value, {
      secure: this.config.auth.cookieSecure,
      path: OAUTH_COOKIE_PATH,
      maxAge: STATE_TTL_SECONDS,
    });
    return flow.authorizeUrl({ redirectUri, state });
  }

  /** Checks the callback's state, signs the person in, and answers where to go next. */
  async finish(
    forge: string,
    query: { code?: string; state?: string; error?: string; error_description?: string },
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<string> {
    const { flow, redirectUri, forge: name } = this.flow(forge);
    const [cookieForge, cookieState, cookieReturn] = (readCookie(request, OAUTH_COOKIE) ?? '').split('.');
    // The state is spent whatever happens next.
    setCookie(reply, OAUTH_COOKIE, '', { secure: this.config.auth.cookieSecure, path: OAUTH_COOKIE_PATH, maxAge: 0 });
    if (!cookieState || cookieForge !== name || !query.state || !sameSecret(query.state, cookieState))
      throw new ValidationError(
        `the sign-in's state parameter does not match the one this browser started with; start again at /api/v1/auth/${name}/sign-in`,
        { errors: [{ pointer: '/state', message: 'does not match the sign-in this browser started' }] },
      );
    if (query.error)
      throw new UnauthorizedError(
        `${name} did not sign you in (${query.error}${query.error_description ? `: ${query.error_description}` : ''})`,
      );
    if (!query.code)
      throw new ValidationError('the sign-in callback has no code', {
        errors: [{ pointer: '/code', message: 'is missing' }],
      });
    const user = await flow.signIn({ code: query.code, redirectUri });
    const instanceUrl = this.config.auth.oauth[name]!.webUrl;
    const session = await this.sessions.start(reply, name, instanceUrl, user);
    this.logger.info({ forge: name, login: user.login, session: session.id }, 'signed in');
    return localPath(Buffer.from(cookieReturn ?? '', 'base64url').toString('utf8'));
  }
}
