// source-git -> dist-git against repositories built with git in temp directories: which
// commits become patches and how they are named, numbered and merged, what the spec and
// dist-git end up with, idempotence, and the errors for bad input.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestRepo, distGitRepo, sourceGitRepo, specFile, useGitTestEnv } from '@packflow/testing';
import { updateDistGit } from './dist-git.updater.js';

const root = mkdtempSync(join(tmpdir(), 'packflow-update-dist-git-'));
let n = 0;
beforeAll(() => useGitTestEnv());
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh source-git and dist-git pair for one test. */
function pair(options: Parameters<typeof sourceGitRepo>[1] = {}): { sg: TestRepo; dg: TestRepo } {
  const dir = join(root, String(++n));
  return { sg: sourceGitRepo(join(dir, 'src'), options), dg: distGitRepo(join(dir, 'rpms')) };
}

/** The spec's Patch tag lines. */
const patchLines = (spec: string) => spec.split('\n').filter((l) => /^Patch\d*:/.test(l));

describe('updateDistGit', () => {
  it('makes one patch per downstream commit, copies .distro/ and lists exactly those patches', async () => {
    const { sg, dg } = pair();
    const fix = sg.write('src/hello.c', 'int main(void) {\n  return 1;\n}\n').commit('Return 1\n\nDownstream wants 1.');
    sg.write('README', 'hello, downstream\n').commit('Say hello downstream');
    sg.write('.distro/hello.spec', specFile({ release: 2 })).commit('Only packaging');

    const result = await updateDistGit(sg.dir, dg.dir);

    expect(result.patches.map((p) => [p.number, p.file, p.commits])).toEqual([
      [1, '0001-Return-1.patch', [fix]],
      [2, '0002-Say-hello-downstream.patch', [sg.git('rev-parse', 'HEAD~1').trim()]],
    ]);
    expect(result.written).toEqual([
      '0001-Return-1.patch',
      '0002-Say-hello-downstream.patch',
      'gating.yaml',
      'hello.spec',
    ]);
    expect(result.commit).toBeNull();
    const spec = dg.read('hello.spec');
    expect(spec).toBe(
      specFile({ release: 2 }).replace(
        'Source0:        https://example.com/hello-%{version}.tar.gz\n',
        'Source0:        https://example.com/hello-%{version}.tar.gz\n' +
          '# Return 1\n#\n# Downstream wants 1.\nPatch1: 0001-Return-1.patch\n' +
          '# Say hello downstream\nPatch2: 0002-Say-hello-downstream.patch\n',
      ),
    );
    // The patch is git format-patch's, limited to what is outside .distro/.
    const patch = dg.read('0001-Return-1.patch');
    expect(patch).toMatch(new RegExp(`^From ${fix} `));
    expect(patch).toContain('Subject: [PATCH 1/2] Return 1');
    expect(patch).toContain('diff --git a/src/hello.c b/src/hello.c');
    expect(dg.read('0002-Say-hello-downstream.patch')).not.toContain('.distro');
    expect(dg.read('gating.yaml')).toBe(sg.read('.distro/gating.yaml'));
    // source-git.yaml and source-git's .gitignore stay in source-git; dist-git's own files stay.
    expect(dg.git('status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([
      '?? 0001-Return-1.patch',
      '?? 0002-Say-hello-downstream.patch',
      '?? gating.yaml',
      '?? hello.spec',
    ]);
  });

  it('names, numbers, comments and skips patches as the trailers say', async () => {
    const { sg, dg } = pair();
    sg.write('a.c', 'a\n').commit(
      'Add a\n\nPatch-name: add-a.patch\nPatch-id: 100\nSigned-off-by: Ada <ada@example.com>',
    );
    sg.write('b.c', 'b\n').commit('Add b\n\nPatch-status: |\n    # Upstream: no\n    #\n    # Needed for RHEL');
    sg.write('c.c', 'c\n').commit('Add c\n\nIgnore-patch: true');
    sg.write('d.c', 'd\n').commit('Add d\n\nNo-prefix: true\nPatch-name: d.patch');

    const result = await updateDistGit(sg.dir, dg.dir);

    expect(result.patches.map((p) => [p.number, p.file])).toEqual([
      [100, 'add-a.patch'],
      [101, '0002-Add-b.patch'],
      [102, 'd.patch'],
    ]);
    const spec = dg.read('hello.spec');
    expect(spec).toContain(
      '# Add a\nPatch100: add-a.patch\n# Upstream: no\n#\n# Needed for RHEL\nPatch101: 0002-Add-b.patch\n# Add d\nPatch102: d.patch\n',
    );
    expect(dg.files('HEAD').concat(result.written)).not.toContain('0003-Add-c.patch');
    expect(dg.read('d.patch')).toContain('diff --git d.c d.c');
    expect(dg.read('add-a.patch')).toContain('diff --git a/a.c b/a.c');
  });

  it('puts adjacent commits with one Patch-name in one file, steered by the first', async () => {
    const { sg, dg } = pair();
    const one = sg
      .write('a.c', 'a\n')
      .commit('Part one\n\nPatch-name: both.patch\nPatch-id: 5\nPatch-status: "# Two parts"');
    const two = sg.write('a.c', 'a\nb\n').commit('Part two\n\nPatch-name: both.patch\nPatch-id: 9');
    sg.write('c.c', 'c\n').commit('Other');

    const result = await updateDistGit(sg.dir, dg.dir);

    expect(result.patches.map((p) => [p.number, p.file, p.commits])).toEqual([
      [5, 'both.patch', [one, two]],
      [6, '0003-Other.patch', [sg.head()]],
    ]);
    const both = dg.read('both.patch');
    expect(both.match(/^From [0-9a-f]{40} /gm)).toHaveLength(2);
    expect(both.indexOf(one)).toBeLessThan(both.indexOf(two));
    expect(patchLines(dg.read('hello.spec'))).toEqual(['Patch5: both.patch', 'Patch6: 0003-Other.patch']);
    expect(dg.read('hello.spec')).toContain('# Two parts\nPatch5: both.patch\n');
  });

  it('refuses one Patch-name on commits that are not adjacent, naming both', async () => {
    const { sg, dg } = pair();
    const first = sg.write('a.c', 'a\n').commit('First\n\nPatch-name: same.patch');
    sg.write('b.c', 'b\n').commit('Between');
    const third = sg.write('a.c', 'a\nc\n').commit('Third\n\nPatch-name: same.patch');
    await expect(updateDistGit(sg.dir, dg.dir)).rejects.toThrow(
      `commit ${third.slice(0, 12)} ("Third") and commit ${first.slice(0, 12)} ("First") both have Patch-name same.patch but are not adjacent`,
    );
  });

  it('refuses a Patch-id that would not rise with the commits', async () => {
    const { sg, dg } = pair();
    sg.write('a.c', 'a\n').commit('First\n\nPatch-id: 10');
    const low = sg.write('b.c', 'b\n').commit('Second\n\nPatch-id: 3');
    await expect(updateDistGit(sg.dir, dg.dir)).rejects.toThrow(
      `commit ${low.slice(0, 12)} ("Second"): patch 0002-Second.patch would be Patch3, not above the previous patch's 10`,
    );
  });

  it('leaves out patch_generation_ignore_paths and .distro, and commits changing only those', async () => {
    const { sg, dg } = pair({
      config: 'upstream_ref: v1.0\npatch_generation_ignore_paths: [docs, .packit.yaml]\n',
    });
    sg.write('docs/guide.md', 'guide\n').write('.packit.yaml', 'jobs: []\n').commit('Docs only');
    sg.write('docs/more.md', 'more\n').write('src/hello.c', 'changed\n').commit('Code and docs');

    const result = await updateDistGit(sg.dir, dg.dir);

    expect(result.patches.map((p) => p.file)).toEqual(['0001-Code-and-docs.patch']);
    const patch = dg.read('0001-Code-and-docs.patch');
    expect(patch).toContain('src/hello.c');
    expect(patch).not.toContain('docs/more.md');
    // patch_generation_patch_id_digits not set: Packit's default of 4 digits.
    expect(patchLines(dg.read('hello.spec'))).toEqual(['Patch0001: 0001-Code-and-docs.patch']);
  });

  it('keeps the Patch tag of a patch present in the spec, and drops tags of patches no commit makes', async () => {
    const spec = specFile({ extra: '# Kept as written\nPatch7: kept.patch\nPatch8: stale.patch\n' });
    const { sg, dg } = pair({ spec });
    sg.write('k.c', 'k\n').commit('Kept\n\nPatch-name: kept.patch\nPatch-present-in-specfile: true');
    sg.write('n.c', 'n\n').commit('New');

    const result = await updateDistGit(sg.dir, dg.dir);

    expect(result.patches.map((p) => [p.number, p.file, p.presentInSpecfile])).toEqual([
      [7, 'kept.patch', true],
      [8, '0002-New.patch', false],
    ]);
    expect(dg.read('hello.spec')).toContain(
      '# Kept as written\nPatch7: kept.patch\n# New\nPatch8: 0002-New.patch\n\n%description',
    );
    expect(result.warnings).toEqual([]);
  });

  it('commits with -m once, with a From-source-git-commit trailer; a second run changes nothing', async () => {
    const { sg, dg } = pair();
    sg.write('src/hello.c', 'x\n').commit('Change');
    const before = dg.head();

    const first = await updateDistGit(sg.dir, dg.dir, { message: 'Update from source-git\n\nResolves: RHEL-1' });
    expect(first.commit).toBe(dg.head());
    expect(dg.git('rev-parse', 'HEAD~1').trim()).toBe(before);
    expect(dg.message()).toBe(`Update from source-git\n\nResolves: RHEL-1\nFrom-source-git-commit: ${sg.head()}\n\n`);
    expect(dg.git('status', '--porcelain')).toBe('');

    const second = await updateDistGit(sg.dir, dg.dir, { message: 'Update from source-git' });
    expect(second).toMatchObject({ written: [], deleted: [], commit: null });
    expect(dg.head()).toBe(first.commit);
    const third = await updateDistGit(sg.dir, dg.dir);
    expect(third).toMatchObject({ written: [], deleted: [], commit: null });
  });

  it('keeps a committed patch file whose change is the same after a rebase, and deletes what source-git no longer has', async () => {
    const { sg, dg } = pair();
    sg.write('src/hello.c', 'x\n').commit('Change');
    sg.write('.distro/extra.conf', 'a=1\n').commit('Extra packaging file');
    await updateDistGit(sg.dir, dg.dir, { message: 'First' });
    const patchBefore = dg.read('0001-Change.patch');

    // Rewrite the downstream commit (new hash, same change) and drop the extra file.
    sg.git('reset', '--quiet', '--hard', 'HEAD~2');
    sg.write('src/hello.c', 'x\n').commit('Change\n\nReworded body.');
    const result = await updateDistGit(sg.dir, dg.dir, { message: 'Second', force: true });

    expect(result.deleted).toEqual(['extra.conf']);
    expect(result.written).toEqual(['hello.spec']); // only the Patch comment changed
    expect(dg.read('0001-Change.patch')).toBe(patchBefore);
    expect(dg.files()).not.toContain('extra.conf');
  });

  it('refuses to overwrite dist-git commits source-git does not have, unless forced', async () => {
    const { sg, dg } = pair();
    sg.write('src/hello.c', 'x\n').commit('Change');
    await updateDistGit(sg.dir, dg.dir, { message: 'First' });
    const bump = dg
      .write('hello.spec', dg.read('hello.spec').replace('Release:        1', 'Release:        2'))
      .commit('Bump');

    await expect(updateDistGit(sg.dir, dg.dir, { message: 'Again' })).rejects.toThrow(
      `${dg.dir} has 1 commit(s) source-git does not have (commit ${bump.slice(0, 12)} ("Bump")); bring them back with update-source-git first`,
    );
    const forced = await updateDistGit(sg.dir, dg.dir, { message: 'Again', force: true });
    expect(forced.written).toEqual(['hello.spec']);
  });

  describe('bad input', () => {
    it('a directory that is not a git repository', async () => {
      const { sg } = pair();
      const plain = join(root, 'plain');
      mkdirSync(plain, { recursive: true });
      await expect(updateDistGit(sg.dir, plain)).rejects.toThrow(`${plain} is not a git repository`);
      await expect(updateDistGit(join(root, 'missing'), plain)).rejects.toThrow(
        `${join(root, 'missing')} does not exist`,
      );
    });

    it('no upstream_ref in the config, or none in the history', async () => {
      const a = pair({ config: 'downstream_package_name: hello\n' });
      await expect(updateDistGit(a.sg.dir, a.dg.dir)).rejects.toThrow(
        `${a.sg.dir}/.distro/source-git.yaml: upstream_ref is not set`,
      );
      const num = pair({ config: 'upstream_ref: 1.0\n' });
      await expect(updateDistGit(num.sg.dir, num.dg.dir)).rejects.toThrow(
        `${num.sg.dir}/.distro/source-git.yaml:1:15: error: upstream_ref: expected text, got the number 1`,
      );
      const b = pair({ config: 'upstream_ref: v9.9\n' });
      await expect(updateDistGit(b.sg.dir, b.dg.dir)).rejects.toThrow(
        `upstream_ref "v9.9" (.distro/source-git.yaml) names no commit in ${b.sg.dir}`,
      );
      const c = pair({ config: 'upstream_ref: elsewhere\n' });
      c.sg.git('checkout', '--quiet', '--orphan', 'other');
      c.sg.write('x', 'x\n').commit('Unrelated');
      c.sg.git('tag', 'elsewhere');
      c.sg.git('checkout', '--quiet', 'main');
      await expect(updateDistGit(c.sg.dir, c.dg.dir)).rejects.toThrow(
        /upstream_ref "elsewhere" \([0-9a-f]{12}\) is not in the history of HEAD/,
      );
    });

    it('a source-git repository without .distro/source-git.yaml', async () => {
      const repo = TestRepo.init(join(root, 'not-source-git'));
      repo.write('a', 'a\n').commit('A');
      const { dg } = pair();
      await expect(updateDistGit(repo.dir, dg.dir)).rejects.toThrow(
        `${repo.dir} has no .distro/source-git.yaml at HEAD: it is not a source-git repository`,
      );
    });

    it('a commit whose patch does not apply, and nothing written', async () => {
      const { sg, dg } = pair();
      sg.write('new.c', 'one\n').commit('Add new.c\n\nIgnore-patch: true');
      const broken = sg.write('new.c', 'one\ntwo\n').commit('Extend new.c');
      await expect(updateDistGit(sg.dir, dg.dir)).rejects.toThrow(
        new RegExp(
          `the patch of commit ${broken.slice(0, 12)} \\("Extend new.c"\\) does not apply on upstream_ref "v1.0" with the patches before it: error: new.c: does not exist in index`,
        ),
      );
      expect(dg.git('status', '--porcelain')).toBe('');
    });

    it('a spec without %prep', async () => {
      const { sg, dg } = pair({ spec: specFile({ prep: false }) });
      await expect(updateDistGit(sg.dir, dg.dir)).rejects.toThrow(
        `${sg.dir}/.distro/hello.spec has no %prep section, so it cannot apply patches`,
      );
    });

    it('a merge between upstream_ref and HEAD', async () => {
      const { sg, dg } = pair();
      sg.git('checkout', '--quiet', '-b', 'side');
      sg.write('side.c', 's\n').commit('Side');
      sg.git('checkout', '--quiet', 'main');
      sg.write('main.c', 'm\n').commit('Main');
      sg.git('merge', '--quiet', '--no-ff', '-m', 'Merge side', 'side');
      await expect(updateDistGit(sg.dir, dg.dir)).rejects.toThrow(/\("Merge side"\) is a merge; .* must be linear/);
    });
  });
});
