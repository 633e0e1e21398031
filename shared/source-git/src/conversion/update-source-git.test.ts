// dist-git -> source-git and the sync status, against repositories built with git: the
// round trip (a release bump in dist-git comes back to .distro/ and converting again gives
// the same dist-git), the refusals, and what status reports on either side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestRepo, distGitRepo, sourceGitRepo, useGitTestEnv } from '@packflow/testing';
import { GitRepository } from '../git/git.repository.js';
import { updateDistGit } from './dist-git.updater.js';
import { SyncRefusedError, updateSourceGit } from './source-git.updater.js';
import { syncStatus } from './sync.status.js';

const root = mkdtempSync(join(tmpdir(), 'packflow-update-source-git-'));
let n = 0;
beforeAll(() => useGitTestEnv());
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A source-git repository with one downstream patch, converted and committed to dist-git. */
async function synced(): Promise<{ sg: TestRepo; dg: TestRepo }> {
  const dir = join(root, String(++n));
  const sg = sourceGitRepo(join(dir, 'src'));
  const dg = distGitRepo(join(dir, 'rpms'));
  sg.write('src/hello.c', 'int main(void) { return 1; }\n').commit('Return 1\n\nPatch-name: return-1.patch');
  await updateDistGit(sg.dir, dg.dir, { message: 'Update from source-git' });
  return { sg, dg };
}

async function status(sg: TestRepo, dg: TestRepo) {
  return syncStatus(await GitRepository.open(sg.dir), await GitRepository.open(dg.dir));
}

/** A provenpackager's release bump with a changelog entry, committed in dist-git. */
function bumpRelease(dg: TestRepo, release: number): string {
  const spec = dg
    .read('hello.spec')
    .replace(/^Release:( +)\d+/m, `Release:$1${release}`)
    .replace(
      '%changelog\n',
      `%changelog\n* Tue Jan 02 2024 Pat Packager <pat@example.com> - 1.0-${release}\n- Rebuilt\n\n`,
    );
  dg.write('hello.spec', spec);
  dg.git('commit', '--quiet', '-am', `Bump to ${release}`, '--author=Pat Packager <pat@example.com>');
  return dg.head();
}

describe('updateSourceGit', () => {
  it('round trip: a dist-git release bump comes back to .distro/ and converting again gives the same dist-git', async () => {
    const { sg, dg } = await synced();
    const bump = bumpRelease(dg, 2);
    const distTree = dg.git('rev-parse', 'HEAD^{tree}').trim();
    expect(await status(sg, dg)).toMatchObject({
      inSync: false,
      sourceGitOnly: [],
      distGitOnly: [{ sha: bump, subject: 'Bump to 2' }],
    });

    const result = await updateSourceGit(dg.dir, sg.dir);

    expect(result.commits).toEqual([
      { distGit: bump, sourceGit: sg.head(), subject: 'Bump to 2', files: ['.distro/hello.spec'] },
    ]);
    expect(sg.message()).toBe(`Bump to 2\n\nFrom-dist-git-commit: ${bump}\n\n`);
    expect(sg.git('log', '-1', '--format=%an <%ae>').trim()).toBe('Pat Packager <pat@example.com>');
    const spec = sg.read('.distro/hello.spec');
    expect(spec).toMatch(/^Release: +2%\{\?dist\}$/m);
    expect(spec).toContain('- 1.0-2\n- Rebuilt\n');
    expect(spec).not.toMatch(/^Patch/m); // source-git's spec keeps no Patch tags
    expect(sg.git('status', '--porcelain')).toBe('');
    expect(await status(sg, dg)).toMatchObject({ inSync: true, sourceGitOnly: [], distGitOnly: [] });

    const again = await updateDistGit(sg.dir, dg.dir, { message: 'Update from source-git' });
    expect(again).toMatchObject({ written: [], deleted: [], commit: null });
    expect(dg.git('rev-parse', 'HEAD^{tree}').trim()).toBe(distTree);
    expect(dg.head()).toBe(bump);
  });

  it('brings back a given range only, then the rest: one source-git commit per dist-git commit', async () => {
    const { sg, dg } = await synced();
    const start = dg.head();
    const two = bumpRelease(dg, 2);
    dg.write('gating.yaml', '--- !Policy\nproduct_versions: [rhel-10]\n').commit('Gate on RHEL 10');
    const three = bumpRelease(dg, 3);

    const first = await updateSourceGit(dg.dir, sg.dir, { range: `${start}..${two}` });
    expect(first.commits.map((c) => [c.distGit, c.subject])).toEqual([[two, 'Bump to 2']]);

    const rest = await updateSourceGit(dg.dir, sg.dir);
    expect(rest.commits.map((c) => [c.subject, c.files])).toEqual([
      ['Gate on RHEL 10', ['.distro/gating.yaml']],
      ['Bump to 3', ['.distro/hello.spec']],
    ]);
    expect(sg.subjects('HEAD~3..')).toEqual(['Bump to 3', 'Gate on RHEL 10', 'Bump to 2']);
    expect(sg.read('.distro/gating.yaml')).toContain('rhel-10');
    expect(sg.read('.distro/hello.spec')).toMatch(/^Release: +3%/m);
    expect(sg.message()).toContain(`From-dist-git-commit: ${three}`);
    expect((await status(sg, dg)).inSync).toBe(true);
  });

  it('makes a commit for a dist-git commit that changes nothing source-git keeps, so the two stay in sync', async () => {
    const { sg, dg } = await synced();
    const empty = dg.commit('Mass rebuild (rpmautospec)', { allowEmpty: true });
    const result = await updateSourceGit(dg.dir, sg.dir);
    expect(result.commits).toEqual([
      { distGit: empty, sourceGit: sg.head(), subject: 'Mass rebuild (rpmautospec)', files: [] },
    ]);
    expect((await status(sg, dg)).inSync).toBe(true);
  });

  it('refuses a range that changes patches, their Patch tags or the sources file, naming each commit and file', async () => {
    const { sg, dg } = await synced();
    bumpRelease(dg, 2);
    const patch = dg
      .write('return-1.patch', dg.read('return-1.patch').replace('return 1', 'return 2'))
      .commit('Edit the patch');
    const sources = dg.write('sources', 'SHA512 (hello-1.1.tar.gz) = 5678\n').commit('New sources');
    const tag = dg
      .write('hello.spec', dg.read('hello.spec').replace(/^Patch1: return-1.patch\n/m, ''))
      .commit('Drop the patch tag');
    const before = sg.head();

    const error = await updateSourceGit(dg.dir, sg.dir).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SyncRefusedError);
    expect((error as SyncRefusedError).offending).toEqual([
      { commit: patch, subject: 'Edit the patch', files: ['return-1.patch'] },
      { commit: sources, subject: 'New sources', files: ['sources'] },
      { commit: tag, subject: 'Drop the patch tag', files: ['hello.spec (its Patch tags)'] },
    ]);
    expect((error as Error).message).toContain(`commit ${sources.slice(0, 12)} ("New sources"): sources`);
    expect(sg.head()).toBe(before); // nothing brought back, not even the release bump
    expect(sg.git('status', '--porcelain')).toBe('');
  });

  it('refuses when source-git has commits dist-git lacks, unless forced', async () => {
    const { sg, dg } = await synced();
    const local = sg.write('src/more.c', 'more\n').commit('More code');
    bumpRelease(dg, 2);
    await expect(updateSourceGit(dg.dir, sg.dir)).rejects.toThrow(
      `${sg.dir} has 1 commit(s) dist-git does not have (commit ${local.slice(0, 12)} ("More code")); convert them with update-dist-git first`,
    );
    const forced = await updateSourceGit(dg.dir, sg.dir, { range: 'HEAD~1..', force: true });
    expect(forced.commits.map((c) => c.subject)).toEqual(['Bump to 2']);
  });

  it('refuses a change that does not merge into .distro/, leaving .distro/ as it was', async () => {
    const { sg, dg } = await synced();
    sg.write('.distro/gating.yaml', 'source-git side\n').commit('Edit gating in source-git');
    await updateDistGit(sg.dir, dg.dir, { message: 'Sync' });
    sg.write('.distro/gating.yaml', 'diverged\n').commit('Diverge\n\nFrom-dist-git-commit: ' + dg.head());
    const bad = dg.write('gating.yaml', 'dist-git side\n').commit('Edit gating in dist-git');

    await expect(updateSourceGit(dg.dir, sg.dir)).rejects.toThrow(
      `commit ${bad.slice(0, 12)} ("Edit gating in dist-git") of ${dg.dir}: its change to gating.yaml does not merge into .distro/gating.yaml (1 conflict(s))`,
    );
    expect(sg.read('.distro/gating.yaml')).toBe('diverged\n');
    expect(sg.git('status', '--porcelain')).toBe('');
  });

  it('says when there is nothing to bring back, and asks for a range when there is no sync point', async () => {
    const { sg, dg } = await synced();
    expect(await updateSourceGit(dg.dir, sg.dir)).toEqual({ commits: [] });

    const fresh = join(root, String(++n));
    const sg2 = sourceGitRepo(join(fresh, 'src'));
    const dg2 = distGitRepo(join(fresh, 'rpms'));
    await expect(updateSourceGit(dg2.dir, sg2.dir)).rejects.toThrow('give a RANGE');
    await expect(updateSourceGit(dg2.dir, sg2.dir, { range: 'nope..' })).rejects.toThrow(
      `"nope.." is not a revision range of ${dg2.dir}`,
    );
  });
});

describe('syncStatus', () => {
  it('lists the commits on either side after the newest linked pair', async () => {
    const { sg, dg } = await synced();
    const distSynced = dg.head();
    expect(await status(sg, dg)).toEqual({
      inSync: true,
      syncPoint: { sourceGit: sg.head(), distGit: distSynced, recordedIn: 'dist-git' },
      sourceGitOnly: [],
      distGitOnly: [],
    });
    const s = sg.write('src/x.c', 'x\n').commit('Source change');
    const d = bumpRelease(dg, 2);
    expect(await status(sg, dg)).toMatchObject({
      inSync: false,
      sourceGitOnly: [{ sha: s, subject: 'Source change' }],
      distGitOnly: [{ sha: d, subject: 'Bump to 2' }],
    });
  });

  it('without any trailer: never synced, every commit on either side listed', async () => {
    const dir = join(root, String(++n));
    const sg = sourceGitRepo(join(dir, 'src'));
    const dg = distGitRepo(join(dir, 'rpms'));
    const result = await syncStatus(
      await GitRepository.open(sg.dir),
      await GitRepository.open(dg.dir),
      sg.git('rev-parse', 'v1.0').trim(),
    );
    expect(result).toEqual({
      inSync: false,
      syncPoint: null,
      sourceGitOnly: [{ sha: sg.head(), subject: 'Initialize as a source-git repository' }],
      distGitOnly: [{ sha: dg.head(), subject: 'Initial import' }],
    });
  });

  it('names a trailer that points at a commit the other repository does not have', async () => {
    const { sg, dg } = await synced();
    dg.commit('Bogus\n\nFrom-source-git-commit: 0123456789abcdef0123456789abcdef01234567', { allowEmpty: true });
    await expect(status(sg, dg)).rejects.toThrow(
      `From-source-git-commit: 0123456789abcdef0123456789abcdef01234567 (trailer of commit ${dg.head().slice(0, 12)} in ${dg.dir}) names no commit of ${sg.dir}`,
    );
  });
});
