import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, idColumn, optionalTimeColumn, textColumn } from '../columns.js';

/**
 * A token a person uses for the web API's writes (reruns), created by an operator
 * (`pnpm packflow api-token create`). Only the SHA-256 of the token is kept; what the person
 * may do is asked of their forge at each request. Read and written by ApiTokenRepository.
 */
export class ApiToken {
  id!: string;
  /** Hex SHA-256 of the token. */
  tokenSha256!: string;
  /** `github` or `gitlab`, and the person's login there. */
  forge!: string;
  login!: string;
  createdAt!: Date;
  lastUsedAt?: Date | null;
  /** A revoked token is refused. */
  revokedAt?: Date | null;
}

export const ApiTokenSchema = new EntitySchema<ApiToken>({
  class: ApiToken,
  schema: 'shared',
  tableName: 'api_tokens',
  properties: {
    id: idColumn,
    tokenSha256: { ...textColumn, unique: 'api_tokens_token_sha256_unique' },
    forge: textColumn,
    login: textColumn,
    createdAt: createdAtColumn,
    lastUsedAt: optionalTimeColumn,
    revokedAt: optionalTimeColumn,
  },
});
