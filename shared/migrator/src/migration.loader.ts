import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MigrationError } from './migration.errors.js';
import type { BaseDefinition, LoadedMigration, MigrationModule } from './migration.types.js';

/** Migration files are `<YYYYMMDDTHHMMSS>-<kebab-name>.ts`; their order is their name's. */
export const MIGRATION_FILE = /^(\d{8}T\d{6}-[a-z0-9]+(?:-[a-z0-9]+)*)\.ts$/;

export async function loadBase(base: BaseDefinition): Promise<LoadedMigration[]> {
  const files = (await readdir(base.dir)).filter((f) => MIGRATION_FILE.test(f)).sort();
  const deps = Object.entries(base.dependsOn).map(([b, name]) => `${b}:${name}`);
  const out: LoadedMigration[] = [];
  for (const file of files) {
    const name = file.replace(/\.ts$/, '');
    const module = (await import(pathToFileURL(join(base.dir, file)).href)) as MigrationModule;
    if (typeof module.up !== 'function' || typeof module.down !== 'function') {
      throw new MigrationError('invalid_migration', `${join(base.dir, file)}: must export async functions up and down`);
    }
    out.push({
      base: base.name,
      name,
      id: `${base.name}:${name}`,
      requires: [...deps, ...(module.requires ?? [])],
      module,
    });
  }
  return out;
}

export function migrationTemplate(): string {
  return `import type { MigrationContext } from '@packflow/migrator';

// Migrations of other bases this one needs, as 'base:name' (optional).
export const requires: string[] = [];

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(\`\`);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(\`\`);
}
`;
}
