import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, idColumn, optionalTextColumn, textColumn } from '../columns.js';

/**
 * A person signed in to the dashboard with their forge account. The browser holds a
 * random token in an HttpOnly cookie; only its SHA-256 is kept here. The CSRF token is
 * the synchronizer token the dashboard sends with every POST of this session. Read and
 * written by WebSessionRepository.
 */
export class WebSession {
  id!: string;
  /** Hex SHA-256 of the cookie's token. */
  tokenSha256!: string;
  csrfToken!: string;
  /** `github` or `gitlab`, the forge instance (origin) and the person's login and id there. */
  forge!: string;
  instanceUrl!: string;
  login!: string;
  forgeUserId?: string | null;
  createdAt!: Date;
  expiresAt!: Date;
}

export const WebSessionSchema = new EntitySchema<WebSession>({
  class: WebSession,
  schema: 'shared',
  tableName: 'web_sessions',
  properties: {
    id: idColumn,
    tokenSha256: { ...textColumn, unique: 'web_sessions_token_sha256_unique' },
    csrfToken: textColumn,
    forge: textColumn,
    instanceUrl: textColumn,
    login: textColumn,
    forgeUserId: optionalTextColumn,
    createdAt: createdAtColumn,
    expiresAt: { type: 'Date', columnType: 'timestamptz' },
  },
  indexes: [{ name: 'web_sessions_expires_at_index', properties: ['expiresAt'] }],
});
