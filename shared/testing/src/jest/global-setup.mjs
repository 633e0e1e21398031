// Runs once per jest run: migrates the template database that every test file clones.
// jest loads global setup outside its ESM transform, so the TypeScript runs in a child
// node with the same loader the services use.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function globalSetup() {
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  execFileSync(process.execPath, ['--import', './tools/register.mjs', 'shared/testing/src/jest/prepare-template.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}
