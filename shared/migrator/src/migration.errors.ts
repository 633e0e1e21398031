import { PackflowError } from '@packflow/core';

/** Anything the migration runner refuses or cannot do; the CLI prints the message and exits 2. */
export class MigrationError extends PackflowError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, { details });
  }
}

export const unknownBase = (base: string, known: readonly string[]) =>
  new MigrationError('unknown_base', `unknown base "${base}" (bases: ${known.join(', ')})`);

export const unknownMigration = (base: string, name: string) =>
  new MigrationError('unknown_migration', `base ${base} has no migration named "${name}"`);
