// `packflow source-git …` as an operator runs it: what it prints and its exit codes
// (0 done / in sync, 1 not in sync, 2 bad input or refused, with one clear line).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GIT_TEST_ENV, type TestRepo, distGitRepo, sourceGitRepo, useGitTestEnv } from '@packflow/testing';
import { updateDistGit } from '@packflow/source-git';
import { runCli } from '../testing/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'packflow-cli-source-git-'));
beforeAll(() => useGitTestEnv());
afterAll(() => rmSync(root, { recursive: true, force: true }));
// Each case starts the CLI a few times (a child process loading every command).
const SLOW = 180_000;
let n = 0;

const cli = (args: string[]) => runCli(['source-git', ...args], { ...GIT_TEST_ENV });

function pair(): { sg: TestRepo; dg: TestRepo } {
  const dir = join(root, String(++n));
  const sg = sourceGitRepo(join(dir, 'src'));
  const dg = distGitRepo(join(dir, 'rpms'));
  sg.write('src/hello.c', 'int main(void) { return 1; }\n').commit('Return 1\n\nPatch-name: return-1.patch');
  return { sg, dg };
}

describe('packflow source-git', () => {
  it(
    'update-dist-git prints the patches and files, commits with -m, and a second run changes nothing',
    async () => {
      const { sg, dg } = pair();
      const r = await cli(['update-dist-git', sg.dir, dg.dir, '-m', 'Update from source-git']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(
        `Patch1: return-1.patch (${sg.head().slice(0, 12)})\n` +
          `${dg.dir}:\n  wrote   gating.yaml\n  wrote   hello.spec\n  wrote   return-1.patch\n` +
          `committed ${dg.head().slice(0, 12)} in ${dg.dir}\n`,
      );
      expect(dg.message()).toContain(`From-source-git-commit: ${sg.head()}`);

      const again = await cli(['update-dist-git', sg.dir, dg.dir, '-m', 'Update from source-git']);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(
        `Patch1: return-1.patch (${sg.head().slice(0, 12)})\n${dg.dir}: no file to change\nnothing to commit\n`,
      );

      const json = await cli(['update-dist-git', sg.dir, dg.dir, '--json']);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ specFile: 'hello.spec', written: [], deleted: [], commit: null });
    },
    SLOW,
  );

  it(
    'status: exit 1 with the commits on either side, 0 once in sync; --json',
    async () => {
      const { sg, dg } = pair();
      await updateDistGit(sg.dir, dg.dir, { message: 'Sync' });
      dg.write('hello.spec', dg.read('hello.spec').replace(/^Release:( +)1/m, 'Release:$12')).commit('Bump release');

      const behind = await cli(['status', sg.dir, dg.dir]);
      expect(behind.code).toBe(1);
      expect(behind.stdout).toContain(`${sg.dir} and ${dg.dir} are not in sync\n`);
      expect(behind.stdout).toContain(
        `dist-git commits source-git does not have (update-source-git):\n  ${dg.head().slice(0, 12)} Bump release\n`,
      );
      const json = await cli(['status', sg.dir, dg.dir, '--json']);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({
        inSync: false,
        sourceGitOnly: [],
        distGitOnly: [{ subject: 'Bump release' }],
      });

      const back = await cli(['update-source-git', dg.dir, sg.dir]);
      expect(back.code).toBe(0);
      expect(back.stdout).toBe(
        `${dg.head().slice(0, 12)} -> ${sg.head().slice(0, 12)} Bump release (.distro/hello.spec)\n`,
      );

      const inSync = await cli(['status', sg.dir, dg.dir]);
      expect(inSync.code).toBe(0);
      expect(inSync.stdout).toBe(
        `last sync: source-git ${sg.head().slice(0, 12)} = dist-git ${dg.head().slice(0, 12)}\n${sg.dir} and ${dg.dir} are in sync\n`,
      );
    },
    SLOW,
  );

  it(
    'update-source-git refuses patch and sources changes: exit 2, the files named',
    async () => {
      const { sg, dg } = pair();
      await updateDistGit(sg.dir, dg.dir, { message: 'Sync' });
      const sources = dg.write('sources', 'SHA512 (hello-1.1.tar.gz) = 9\n').commit('New sources');
      const r = await cli(['update-source-git', dg.dir, sg.dir, 'HEAD~1..']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `packflow: dist-git changes that belong in source-git (patches or the sources file), so nothing was brought back: ` +
          `commit ${sources.slice(0, 12)} ("New sources"): sources\n`,
      );
    },
    SLOW,
  );

  it.each([
    [
      'a directory that is not a git repository',
      () => ['update-dist-git', plainDir(), plainDir()],
      /is not a git repository\n$/,
    ],
    ['a missing argument', () => ['status', root], /error: missing required argument 'dist-git'/],
  ])(
    'exit 2 with one clear line for %s',
    async (_name, args, message) => {
      const r = await cli(args());
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('packflow:') || l.startsWith('error:'))).toHaveLength(1);
    },
    SLOW,
  );

  it(
    'exit 2 for a spec without %prep and for a patch that does not apply',
    async () => {
      const { sg, dg } = pair();
      sg.write('.distro/hello.spec', sg.read('.distro/hello.spec').replace('%prep\n%autosetup -p1\n', '')).commit(
        'No prep',
      );
      const noPrep = await cli(['update-dist-git', sg.dir, dg.dir]);
      expect(noPrep.code).toBe(2);
      expect(noPrep.stderr).toBe(
        `packflow: ${sg.dir}/.distro/hello.spec has no %prep section, so it cannot apply patches\n`,
      );

      const other = pair();
      other.sg.write('new.c', 'one\n').commit('Add new.c\n\nIgnore-patch: true');
      other.sg.write('new.c', 'one\ntwo\n').commit('Extend new.c');
      const broken = await cli(['update-dist-git', other.sg.dir, other.dg.dir]);
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(
        /^packflow: the patch of commit [0-9a-f]{12} \("Extend new.c"\) does not apply on upstream_ref "v1.0"/,
      );
    },
    SLOW,
  );

  it(
    '--help',
    async () => {
      const r = await cli(['update-source-git', '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(
        'Usage: packflow source-git update-source-git [options] <dist-git> <source-git> [range]',
      );
      expect(r.stdout).toContain('Exit status: 0 done (or nothing to do), 2 refused or bad input.');
    },
    SLOW,
  );
});

function plainDir(): string {
  const dir = join(root, `plain-${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
