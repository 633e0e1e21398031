// Dashboard sessions (people signed in with their forge account). The cookie's token is a
// random 256-bit value and only its SHA-256 is stored, as for API tokens; the CSRF token
// is a second random value tied to the session, handed to the dashboard by GET /api/v1/me.
// An expired session is never answered; expired rows are deleted as new sessions start.
import { createHash, randomBytes } from 'node:crypto';
import { prepared, type Sql } from '../db/sql.js';

export interface WebSessionOwner {
  id: string;
  forge: string;
  instanceUrl: string;
  login: string;
  csrfToken: string;
  expiresAt: Date;
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const random = () => randomBytes(32).toString('base64url');

export class WebSessionRepository {
  constructor(private readonly sql: Sql) {}

  /** Starts a session; its token is returned once (for the cookie) and stored only as its digest. */
  async create(person: {
    forge: string;
    instanceUrl: string;
    login: string;
    forgeUserId?: string;
    ttlMs: number;
  }): Promise<{ token: string; session: WebSessionOwner }> {
    const token = random();
    await this.sql.query(`delete from shared.web_sessions where expires_at < now()`);
    const { rows } = await this.sql.query<WebSessionOwner>(
      `insert into shared.web_sessions (token_sha256, csrf_token, forge, instance_url, login, forge_user_id, expires_at)
       values ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7::double precision / 1000))
       returning id::text, forge, instance_url as "instanceUrl", login, csrf_token as "csrfToken", expires_at as "expiresAt"`,
      [
        digest(token),
        random(),
        person.forge,
        person.instanceUrl,
        person.login,
        person.forgeUserId ?? null,
        person.ttlMs,
      ],
    );
    return { token, session: rows[0] };
  }

  /** The live (unexpired) session of a cookie's token, else undefined. */
  async find(token: string): Promise<WebSessionOwner | undefined> {
    const { rows } = await this.sql.query<WebSessionOwner>(
      prepared(
        'pf_web_session_find',
        `select id::text, forge, instance_url as "instanceUrl", login, csrf_token as "csrfToken", expires_at as "expiresAt"
           from shared.web_sessions where token_sha256 = $1 and expires_at > now()`,
        [digest(token)],
      ),
    );
    return rows[0];
  }

  /** Ends a session (sign-out); true when there was one. */
  async delete(token: string): Promise<boolean> {
    const { rowCount } = await this.sql.query(`delete from shared.web_sessions where token_sha256 = $1`, [
      digest(token),
    ]);
    return (rowCount ?? 0) > 0;
  }
}
