// API tokens of the web API: a person of a forge (their login there) behind a bearer
// token. Only the SHA-256 of a token is stored and compared; tokens are random 256-bit
// values, so a plain digest (no salt, no slow hash) cannot be reversed or guessed.
import { createHash, randomBytes } from 'node:crypto';
import { prepared, type Sql } from '../db/sql.js';

/** Whom a token speaks for. */
export interface ApiTokenOwner {
  id: string;
  forge: string;
  login: string;
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Tokens start with this, so a leaked one is recognisable (secret scanners, logs). */
export const API_TOKEN_PREFIX = 'pfa_';

export class ApiTokenRepository {
  constructor(private readonly sql: Sql) {}

  /** Creates a token for `login` on `forge`; the token is returned once and stored only as its digest. */
  async create(owner: { forge: string; login: string }): Promise<{ id: string; token: string }> {
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const { rows } = await this.sql.query<{ id: string }>(
      `insert into shared.api_tokens (token_sha256, forge, login) values ($1, $2, $3) returning id::text`,
      [digest(token), owner.forge, owner.login],
    );
    return { id: rows[0].id, token };
  }

  /** The owner of a token that exists and is not revoked (and notes its use), else undefined. */
  async owner(token: string): Promise<ApiTokenOwner | undefined> {
    const { rows } = await this.sql.query<ApiTokenOwner>(
      prepared(
        'pf_api_token_owner',
        `update shared.api_tokens set last_used_at = now()
          where token_sha256 = $1 and revoked_at is null
          returning id::text, forge, login`,
        [digest(token)],
      ),
    );
    return rows[0];
  }
}
