import { randomBytes } from 'node:crypto';

let counter = 0;

/** A stream, consumer or subject prefix no other test (or concurrent run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
}
