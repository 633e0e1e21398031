// `pnpm bench <name> [--quick]` runs bench/<name>.bench.ts; `pnpm bench all [--quick]`
// runs every benchmark, each in a process of its own. A benchmark prints its figures for
// a person and, as its last line, one JSON object: {"bench":"<name>", …numbers}.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();

const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith('-'));
const quick = args.includes('--quick');

if (!name || args.includes('--help') || args.includes('-h')) {
  process.stdout.write(
    `usage: pnpm bench <name|all> [--quick]\n\nbenchmarks: ${available.join(', ') || '(none yet)'}\n`,
  );
  process.exit(name ? 0 : 2);
}

const names = name === 'all' ? available : [name];
for (const n of names) {
  if (!available.includes(n)) {
    process.stderr.write(`pnpm bench: no benchmark named "${n}" (available: ${available.join(', ')})\n`);
    process.exit(2);
  }
}

let failed = 0;
for (const n of names) {
  if (names.length > 1) process.stdout.write(`\n--- bench ${n}${quick ? ' (quick)' : ''}\n`);
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      fileURLToPath(new URL('../tools/register.mjs', import.meta.url)),
      `${dir}${n}.bench.ts`,
      ...(quick ? ['--quick'] : []),
    ],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) {
    failed++;
    process.stderr.write(`bench ${n} failed (exit ${result.status ?? result.signal})\n`);
  }
}
process.exit(failed ? 1 : 0);
