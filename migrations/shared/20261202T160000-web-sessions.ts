// Dashboard sessions: a person signed in with their forge account (OAuth). The browser's
// cookie holds a random token; only its SHA-256 is stored, beside the session's CSRF
// (synchronizer) token and when it expires. No forge token is kept.
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "shared"."web_sessions" ("id" bigserial primary key, "token_sha256" text not null, "csrf_token" text not null, "forge" text not null, "instance_url" text not null, "login" text not null, "forge_user_id" text null, "created_at" timestamptz not null default now(), "expires_at" timestamptz not null);
    create unique index "web_sessions_token_sha256_unique" on "shared"."web_sessions" ("token_sha256");
    create index "web_sessions_expires_at_index" on "shared"."web_sessions" ("expires_at");
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`drop table "shared"."web_sessions";`);
}
