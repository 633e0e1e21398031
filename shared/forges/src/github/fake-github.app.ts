// The GitHub App side of the fake GitHub: checks the app's JWT (RS256, `iss` = app id,
// not expired) against the app's public key, knows which installation serves which
// repository, and issues installation tokens that expire.
import { createHmac, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';

export interface FakeInstallation {
  id: number;
  account: string;
  /** `owner/repo` names it serves, or `*` for all. */
  repositories: string[] | '*';
}

export interface IssuedToken {
  installationId: number;
  expiresAt: string;
}

export class FakeGithubApp {
  readonly installations = new Map<number, FakeInstallation>();
  /** Every installation token issued, oldest first (the token itself stays inside the fake). */
  readonly tokensIssued: IssuedToken[] = [];
  private readonly tokens = new Map<string, { installationId: number; expiresAt: number }>();
  private readonly publicKey: KeyObject | undefined;

  constructor(
    readonly appId: number,
    appKey: string | KeyObject | undefined,
    private readonly tokenTtlSeconds: number,
  ) {
    this.publicKey = appKey ? createPublicKey(appKey) : undefined;
  }

  install(installation: FakeInstallation): void {
    this.installations.set(installation.id, installation);
  }

  /** The installation serving `owner/repo`, if any. */
  installationOf(repo: string): FakeInstallation | undefined {
    const name = repo.toLowerCase();
    for (const inst of this.installations.values()) {
      if (inst.repositories === '*' || inst.repositories.some((r) => r.toLowerCase() === name)) return inst;
    }
    return undefined;
  }

  /** Why a JWT is refused, or undefined when it is the app's and valid. */
  jwtProblem(authorization: string | undefined): string | undefined {
    const jwt = /^bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
    if (!jwt) return 'A JSON web token could not be decoded';
    const parts = jwt.split('.');
    if (parts.length !== 3) return 'A JSON web token could not be decoded';
    let payload: { iss?: unknown; exp?: unknown; iat?: unknown };
    try {
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return 'A JSON web token could not be decoded';
    }
    if (String(payload.iss) !== String(this.appId)) return `'Issuer' claim ('iss') must be an Integer`;
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp !== 'number' || payload.exp <= now)
      return "'Expiration time' claim ('exp') is too far in the future or has passed";
    if (typeof payload.iat === 'number' && payload.iat > now + 60)
      return "'Issued at' claim ('iat') must be an Integer representing a time in the past";
    if (this.publicKey) {
      const ok = verify(
        'RSA-SHA256',
        Buffer.from(`${parts[0]}.${parts[1]}`),
        this.publicKey,
        Buffer.from(parts[2], 'base64url'),
      );
      if (!ok) return 'A JSON web token could not be decoded';
    }
    return undefined;
  }

  issueToken(installationId: number): { token: string; expires_at: string } {
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    const expiresAt = Date.now() + this.tokenTtlSeconds * 1000;
    this.tokens.set(token, { installationId, expiresAt });
    const expires_at = new Date(Math.floor(expiresAt / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    this.tokensIssued.push({ installationId, expiresAt: expires_at });
    return { token, expires_at };
  }

  /** The installation of a valid token in an `Authorization: token …` header. */
  tokenInstallation(authorization: string | undefined): number | undefined {
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(authorization ?? '')?.[1];
    const entry = token ? this.tokens.get(token) : undefined;
    if (!entry || entry.expiresAt <= Date.now()) return undefined;
    return entry.installationId;
  }

  /** Revokes every token of an installation (as uninstalling does). */
  revokeTokens(installationId: number): void {
    for (const [token, entry] of this.tokens) if (entry.installationId === installationId) this.tokens.delete(token);
  }
}

/** `sha256=<hex>` HMAC of a webhook body, as GitHub signs X-Hub-Signature-256. */
export function signWebhook(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
