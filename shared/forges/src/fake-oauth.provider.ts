// The OAuth 2.0 authorization-code part of the fake forges (GitHub's OAuth apps, GitLab's
// applications): registered apps with their secret and callback, the person signed in to
// the forge in "the browser" (who the authorize page lets in), codes that are used once
// and expire after ten minutes as on both forges, and the access tokens they become.
// The wire shapes differ per forge and live beside each fake (fake-*.oauth.ts).
import { randomBytes } from 'node:crypto';
import type { FakeHandler } from '@packflow/testing';

export interface FakeOAuthApp {
  clientId: string;
  clientSecret: string;
  /** The registered callback URL. */
  callbackUrl: string;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  login: string;
  expiresAt: number;
}

/** Registers a route on the fake server (its protected `route`). */
export type RouteFn = (method: string, pattern: string, handler: FakeHandler) => void;

/** Why a code exchange is refused. */
export type ExchangeRefusal = 'client' | 'code' | 'redirect_uri';

export class FakeOAuthProvider {
  private readonly apps = new Map<string, FakeOAuthApp>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, string>();
  /** The person signed in to the forge in the browser; the authorize page asks nothing else. */
  browserUser: string | undefined;
  /** Codes exchanged and refused so far, for assertions. */
  readonly exchanges: { clientId: string; refused?: ExchangeRefusal }[] = [];

  registerApp(app: FakeOAuthApp): void {
    this.apps.set(app.clientId, app);
  }

  app(clientId: string | null | undefined): FakeOAuthApp | undefined {
    return clientId ? this.apps.get(clientId) : undefined;
  }

  /** A code for the browser's person, for `redirectUri`. */
  issueCode(clientId: string, redirectUri: string, login: string): string {
    const code = randomBytes(10).toString('hex');
    this.codes.set(code, { clientId, redirectUri, login, expiresAt: Date.now() + 10 * 60_000 });
    return code;
  }

  /**
   * Exchanges a code for an access token: the client must authenticate, the code must be
   * one it was given, unused and unexpired, and the redirect URI the one of the authorize
   * request. A code is spent by any exchange that names it, as on the real forges.
   */
  exchange(input: {
    clientId?: string | null;
    clientSecret?: string | null;
    code?: string | null;
    redirectUri?: string | null;
    redirectUriRequired: boolean;
  }): { token: string; login: string } | { refused: ExchangeRefusal } {
    const app = this.app(input.clientId);
    const refuse = (refused: ExchangeRefusal) => {
      this.exchanges.push({ clientId: input.clientId ?? '', refused });
      return { refused };
    };
    if (!app || app.clientSecret !== input.clientSecret) return refuse('client');
    const issued = input.code ? this.codes.get(input.code) : undefined;
    if (input.code) this.codes.delete(input.code);
    if (!issued || issued.clientId !== app.clientId || issued.expiresAt < Date.now()) return refuse('code');
    if (input.redirectUri ? input.redirectUri !== issued.redirectUri : input.redirectUriRequired)
      return refuse('redirect_uri');
    const token = randomBytes(20).toString('hex');
    this.tokens.set(token, issued.login);
    this.exchanges.push({ clientId: app.clientId });
    return { token, login: issued.login };
  }

  /** The person an `Authorization: Bearer|token <t>` header speaks for. */
  userOf(authorization: string | undefined): string | undefined {
    const token = /^(?:bearer|token)\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    return token ? this.tokens.get(token) : undefined;
  }
}

/** Adds `code` and `state` (and any extra parameters) to a redirect URI. */
export function withParams(uri: string, params: Record<string, string | null | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) url.searchParams.set(k, v);
  return url.toString();
}

/** The form (or JSON) body of a token request, merged over its query. */
export function formOf(rawBody: string, body: unknown, query: URLSearchParams): URLSearchParams {
  const form = new URLSearchParams(query);
  const fields =
    body && typeof body === 'object'
      ? Object.entries(body as Record<string, unknown>)
      : [...new URLSearchParams(rawBody)];
  for (const [k, v] of fields) if (v !== undefined && v !== null) form.set(k, String(v));
  return form;
}
