// API tokens for the web API's writes (reruns): created by the operator command
// `packflow api-token create`, each for one person of one forge. Only the SHA-256 of a
// token is stored; the token itself is printed once and never kept.
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "shared"."api_tokens" ("id" bigserial primary key, "token_sha256" text not null, "forge" text not null, "login" text not null, "created_at" timestamptz not null default now(), "last_used_at" timestamptz null, "revoked_at" timestamptz null);
    create unique index "api_tokens_token_sha256_unique" on "shared"."api_tokens" ("token_sha256");
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`drop table "shared"."api_tokens";`);
}
