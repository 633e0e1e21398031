// A merge request on GitLab end to end: the fake GitLab sends its "Merge Request Hook"
// and "Note Hook" (X-Gitlab-Token) to the scheduler, the events go through JetStream to
// the upstream worker (GITLAB_URL at the fake serving https://gitlab.com, GITLAB_TOKEN), which reads .packit.yaml
// from the fake GitLab, builds in the fake Copr, tests in the fake Testing Farm and
// reports GitLab commit statuses, all through the real clients. Real PostgreSQL and
// NATS; every wait is for a condition.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import type { FakeGitlab } from '@packflow/forges/testing';
import { waitFor, type FakeCopr, type FakeTestingFarm, type TestDatabase } from '@packflow/testing';
import { buildAndTestConfig, startUpstreamStack, type UpstreamStack } from './support/stack.js';

// On gitlab.com, not under redhat/centos-stream: a project of the upstream ecosystem.
const PROJECT = 'packit/hello';
const CLONE_URL = 'https://gitlab.com/packit/hello.git';
const MR = 3;
const SHA = 'feed5eed'.padEnd(40, '1');
const NEW_SHA = 'beefcafe'.padEnd(40, '2');
const CHROOTS = ['fedora-41-x86_64', 'fedora-42-x86_64', 'fedora-rawhide-x86_64'];
const logger = createLogger({ name: 'e2e', level: (process.env.E2E_LOG_LEVEL as 'info') ?? 'silent' });

let stack: UpstreamStack;
let db: TestDatabase;
let gitlab: FakeGitlab;
let copr: FakeCopr;
let tf: FakeTestingFarm;
/** The id of the `/packit build` note (edited later). */
let buildNoteId: number;

beforeAll(async () => {
  // Deployed per forge, as the chart does: the GitHub deployment receives every event of
  // this merge request too, and must leave it (and its builds and tests) to the GitLab one.
  stack = await startUpstreamStack(logger, {}, { deployments: 'per-forge' });
  ({ db, gitlab, copr, tf } = stack);
  const notifications =
    'notifications:\n  failure_comment:\n    message: "Something failed, see {{ packit_dashboard_url }}"';
  for (const sha of [SHA, NEW_SHA])
    gitlab.setFile(PROJECT, sha, '.packit.yaml', buildAndTestConfig(CHROOTS, notifications));
  gitlab.setMergeRequestChanges(PROJECT, MR, ['hello.spec', 'src/hello.c']);
  gitlab.setAccessLevel(PROJECT, 'maintainer', 40);
  gitlab.setAccessLevel(PROJECT, 'reporter', 20);
});

afterAll(() => stack?.close());

/** The latest commit status of a name, as the fake GitLab recorded it. */
const status = (name: string, sha = SHA) => gitlab.status(PROJECT, sha, name);
/** Every commit status of a name on a commit, oldest first (a finished status is followed by a new one). */
const statusesNamed = (name: string, sha = SHA) => gitlab.statusesFor(PROJECT, sha).filter((s) => s.name === name);
const history = (name: string, sha = SHA) => status(name, sha)?.history.map((h) => h.status);
const botNotes = () => gitlab.notes.filter((n) => n.author === gitlab.botUser);
const pipelines = async () =>
  (await db.pool().query('select count(*)::int as n from shared.pipelines')).rows[0].n as number;
/** Waits until packflow recorded the Testing Farm request (its notification is matched by id). */
const recorded = (requestId: string) =>
  waitFor(() => stack.recordedTestRequest(requestId), { what: `request ${requestId} to be recorded` });
const chrootBuildsSubmitted = (buildId: number, n: number) =>
  waitFor(async () => (await stack.recordedChrootBuilds(buildId)) === n, {
    what: `${n} chroot builds of Copr build ${buildId} to be recorded`,
  });
const requestFor = (chroot: string, after = 0) =>
  [...tf.testRequests.values()].slice(after).find((r) => JSON.stringify(r.request).includes(`:${chroot}"`));

describe('a GitLab merge request, end to end', () => {
  it('builds, tests and reports every chroot as GitLab commit statuses', async () => {
    const sent = await gitlab.emitMergeRequest(PROJECT, { iid: MR, headSha: SHA, sender: 'maintainer' });
    expect(sent.status).toBe(202);
    const eventId = (JSON.parse(sent.responseText!) as { event_id: string }).event_id;
    const { rows: events } = await db.pool().query(
      `select e.source, e.type, e.ecosystem, p.forge, p.instance_url, p.namespace, p.repo
         from shared.events e join shared.projects p on p.id = e.project_id where e.id = $1`,
      [eventId],
    );
    expect(events).toEqual([
      {
        source: 'gitlab',
        type: 'pull_request.opened',
        ecosystem: 'upstream',
        forge: 'gitlab',
        instance_url: 'https://gitlab.com',
        namespace: 'packit',
        repo: 'hello',
      },
    ]);

    // Every build and test is reported pending at once, on the merge request's head.
    await waitFor(() => CHROOTS.every((c) => status(`rpm-build:${c}`) && status(`testing-farm:${c}`)), {
      what: 'pending statuses',
      timeoutMs: 30_000,
    });
    for (const c of CHROOTS) {
      for (const name of [`rpm-build:${c}`, `testing-farm:${c}`]) {
        expect(status(name)).toMatchObject({
          status: 'pending',
          ref: 'feature',
          targetUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:8081\/pipelines\/\d+$/),
        });
      }
    }
    // The worker read the configuration at the head commit and the merge request's changes
    // from the fake GitLab, with its token.
    const config = gitlab.requests.find(
      (r) => r.path === `/api/v4/projects/packit%2Fhello/repository/files/.packit.yaml/raw`,
    );
    expect(config).toMatchObject({ method: 'GET', query: `?ref=${SHA}`, status: 200 });
    expect(config!.headers['private-token']).toBe(gitlab.token);
    expect(
      gitlab.requests.some(
        (r) => r.path === `/api/v4/projects/packit%2Fhello/merge_requests/${MR}/diffs` && r.status === 200,
      ),
    ).toBe(true);

    // Copr builds the SRPM from the GitLab repository at the head commit, then the chroots.
    const build = await stack.coprBuild();
    // As Packit's: packit prepare-sources of the merge request's head, packit from its Copr repository.
    expect(build.request.script).toContain(
      `--ref '${SHA}' --pr-id '${MR}' --no-merge-pr --no-create-symlinks '${CLONE_URL}'`,
    );
    expect(build.request).toMatchObject({ builddeps: ['packit'], repos: 'copr://packit/packit-stable' });
    expect([...build.chroots.keys()].sort()).toEqual(CHROOTS);
    await copr.startBuild(build.id, 'srpm-builds');
    await waitFor(() => status('srpm-build')?.status === 'running', { what: 'srpm-build to be running' });
    await copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
    await chrootBuildsSubmitted(build.id, CHROOTS.length);
    for (const c of CHROOTS) {
      await copr.startBuild(build.id, c);
      await waitFor(() => status(`rpm-build:${c}`)?.status === 'running', { what: `rpm-build:${c} to be running` });
      await copr.finishBuild(build.id, c, c === CHROOTS[2] ? 'failed' : 'succeeded');
    }

    // Testing Farm tests the GitLab repository at the head commit, with the chroot's build.
    const [good, bad] = await waitFor(
      () => requestFor(CHROOTS[0]) && requestFor(CHROOTS[1]) && [requestFor(CHROOTS[0])!, requestFor(CHROOTS[1])!],
      {
        what: 'Testing Farm requests for the built chroots',
      },
    );
    expect(good.fmf).toMatchObject({ url: CLONE_URL, ref: SHA });
    expect(good.environments[0].artifacts).toEqual([
      expect.objectContaining({ type: 'fedora-copr-build', id: `${build.id}:${CHROOTS[0]}` }),
    ]);
    await recorded(good.id);
    await recorded(bad.id);
    await tf.start(good.id);
    await waitFor(() => status(`testing-farm:${CHROOTS[0]}`)?.status === 'running', { what: 'the test to be running' });
    await tf.finish(good.id, 'passed');
    await tf.finish(bad.id, 'failed');

    // (Statuses of one change are sent concurrently: wait for every final one.)
    const final: Record<string, string> = {
      'srpm-build': 'success',
      [`rpm-build:${CHROOTS[0]}`]: 'success',
      [`rpm-build:${CHROOTS[1]}`]: 'success',
      [`rpm-build:${CHROOTS[2]}`]: 'failed',
      [`testing-farm:${CHROOTS[0]}`]: 'success',
      [`testing-farm:${CHROOTS[1]}`]: 'failed',
      [`testing-farm:${CHROOTS[2]}`]: 'canceled',
    };
    await waitFor(() => Object.entries(final).every(([name, state]) => status(name)?.status === state), {
      what: 'the final statuses',
    });
    expect(history(`rpm-build:${CHROOTS[0]}`)).toEqual(['pending', 'running', 'success']);
    expect(history(`rpm-build:${CHROOTS[1]}`)).toEqual(['pending', 'running', 'success']);
    expect(history(`rpm-build:${CHROOTS[2]}`)).toEqual(['pending', 'running', 'failed']);
    expect(status(`rpm-build:${CHROOTS[2]}`)!.description).toBe('Build failed: Copr build failed');
    expect(history(`testing-farm:${CHROOTS[0]}`)).toEqual(['pending', 'running', 'success']);
    expect(history(`testing-farm:${CHROOTS[1]}`)?.at(-1)).toBe('failed');
    // The test of the chroot that did not build is skipped, reported as canceled (not green), saying why.
    expect(status(`testing-farm:${CHROOTS[2]}`)!.description).toBe(`Tests skipped: build ${CHROOTS[2]} failed`);
    expect(history('srpm-build')).toEqual(['pending', 'running', 'success']);
    // One status per name: GitLab refuses a state a status already has, packflow takes that as done.
    const names = gitlab.statusesFor(PROJECT, SHA).map((s) => s.name);
    expect(names).toHaveLength(new Set(names).size);
    expect(tf.testRequests.size).toBe(2);
    // notifications.failure_comment: one note on the merge request per failed target.
    const failures = await waitFor(() => (botNotes().length === 2 ? botNotes() : undefined), {
      what: 'the failure notes',
    });
    for (const note of failures) {
      expect(note).toMatchObject({ noteableType: 'MergeRequest', iid: MR, project: PROJECT });
      expect(note.body).toMatch(/^Something failed, see http:\/\/127\.0\.0\.1:8081\/pipelines\/\d+/);
    }
    expect(failures.map((n) => n.body.split('(')[1].split(':').slice(0, 2).join(':')).sort()).toEqual([
      `rpm-build:${CHROOTS[2]}`,
      `testing-farm:${CHROOTS[1]}`,
    ]);
  });

  it('a "/packit build" note from a developer builds every chroot again and reports it in new statuses', async () => {
    const [builds, requests] = [copr.builds.size, tf.testRequests.size];
    const sent = await gitlab.emitMergeRequestNote(PROJECT, MR, '/packit build', { sender: 'maintainer' });
    expect(sent.status).toBe(202);
    buildNoteId = sent.noteId;

    const rebuild = await stack.coprBuild((all) => all[builds]);
    expect([...rebuild.chroots.keys()].sort()).toEqual(CHROOTS);
    expect(rebuild.request.script).toContain(`--ref '${SHA}'`);
    // The finished statuses stay; GitLab starts a new status of the same name.
    await waitFor(() => CHROOTS.every((c) => statusesNamed(`rpm-build:${c}`).length === 2), {
      what: 'new rpm-build statuses',
    });
    for (const c of CHROOTS)
      expect(statusesNamed(`rpm-build:${c}`).map((s) => s.status)).toEqual([
        c === CHROOTS[2] ? 'failed' : 'success',
        'pending',
      ]);

    await copr.startBuild(rebuild.id, 'srpm-builds');
    await copr.finishBuild(rebuild.id, 'srpm-builds', 'succeeded');
    await chrootBuildsSubmitted(rebuild.id, CHROOTS.length);
    for (const c of CHROOTS) {
      await copr.startBuild(rebuild.id, c);
      await waitFor(() => status(`rpm-build:${c}`)?.status === 'running', {
        what: `the rebuild of ${c} to be running`,
      });
      await copr.finishBuild(rebuild.id, c, 'succeeded');
    }
    await waitFor(() => CHROOTS.every((c) => requestFor(c, requests)), { what: 'a test of every rebuilt chroot' });
    for (const c of CHROOTS) {
      const request = requestFor(c, requests)!;
      expect(request.environments[0].artifacts[0].id).toBe(`${rebuild.id}:${c}`);
      await recorded(request.id);
      await tf.finish(request.id, 'passed');
    }
    await waitFor(
      () =>
        CHROOTS.every(
          (c) => status(`rpm-build:${c}`)?.status === 'success' && status(`testing-farm:${c}`)?.status === 'success',
        ),
      {
        what: 'every build and test to pass',
      },
    );
    for (const c of CHROOTS) {
      expect(history(`rpm-build:${c}`)).toEqual(['pending', 'running', 'success']);
      expect(status(`rpm-build:${c}`)!.ref).toBe('feature');
    }
    expect(statusesNamed(`testing-farm:${CHROOTS[2]}`).map((s) => s.status)).toEqual(['canceled', 'success']);
    expect(copr.builds.size).toBe(builds + 1);
  });

  it('an edited "/packit build" note (GitLab sends the hook again) runs nothing', async () => {
    const [before, builds] = [await pipelines(), copr.builds.size];
    const sent = await gitlab.emitMergeRequestNote(PROJECT, MR, '/packit build', {
      sender: 'maintainer',
      edit: buildNoteId,
    });
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.responseText!)).toMatchObject({ ignored: 'note action "update" is not acted on' });
    // Ignored at the intake: recorded, never published to the worker.
    const { rows } = await db
      .pool()
      .query(`select disposition, ecosystem from shared.events where delivery_id = $1`, [sent.uuid]);
    expect(rows).toEqual([{ disposition: 'ignored', ecosystem: null }]);
    expect(await pipelines()).toBe(before);
    expect(copr.builds.size).toBe(builds);
  });

  it('the same command from a reporter runs nothing and gets a reply note', async () => {
    const [before, builds] = [await pipelines(), copr.builds.size];
    const sent = await gitlab.emitMergeRequestNote(PROJECT, MR, '/packit build', { sender: 'reporter' });
    expect(sent.status).toBe(202);
    const reply = await waitFor(() => botNotes().find((n) => n.body.includes('@reporter')), { what: 'the reply note' });
    expect(reply).toMatchObject({ noteableType: 'MergeRequest', iid: MR, project: PROJECT });
    expect(reply.body).toContain('your role: reporter');
    expect(await pipelines()).toBe(before);
    expect(copr.builds.size).toBe(builds);
  });

  it('new commits on the merge request build the new head; closing it cancels what is unfinished', async () => {
    const builds = copr.builds.size;
    const sent = await gitlab.emitMergeRequest(PROJECT, {
      iid: MR,
      action: 'update',
      headSha: NEW_SHA,
      oldrev: SHA,
      sender: 'maintainer',
    });
    expect(sent.status).toBe(202);
    const build = await stack.coprBuild((all) => all[builds]);
    expect(build.request.script).toContain(`--ref '${NEW_SHA}'`);
    await waitFor(() => CHROOTS.every((c) => status(`rpm-build:${c}`, NEW_SHA)?.status === 'pending'), {
      what: 'pending statuses on the new head',
    });
    await copr.startBuild(build.id, 'srpm-builds');
    await waitFor(() => status('srpm-build', NEW_SHA)?.status === 'running', { what: 'the SRPM build to be running' });

    const closed = await gitlab.emitMergeRequest(PROJECT, {
      iid: MR,
      action: 'close',
      headSha: NEW_SHA,
      sender: 'maintainer',
    });
    expect(closed.status).toBe(202);
    await waitFor(
      () =>
        ['srpm-build', ...CHROOTS.flatMap((c) => [`rpm-build:${c}`, `testing-farm:${c}`])].every(
          (name) => status(name, NEW_SHA)?.status === 'canceled',
        ),
      { what: 'every status of the new head to be canceled' },
    );
    await waitFor(() => copr.build(build.id).canceled, { what: 'the Copr build to be canceled' });
    expect(history('srpm-build', NEW_SHA)).toEqual(['pending', 'running', 'canceled']);
    // The statuses of the earlier head are left as they were.
    for (const c of CHROOTS) expect(status(`testing-farm:${c}`)!.status).toBe('success');
  });

  it('was served by the GitLab deployment alone: the GitHub one acknowledged every event and wrote no dead letter', async () => {
    await stack.settled();
    expect((await db.pool().query('select consumer, subject, error from shared.dead_letters')).rows).toEqual([]);
    // One status per name and commit each time round: nobody reported twice.
    for (const c of CHROOTS) expect(statusesNamed(`rpm-build:${c}`, NEW_SHA)).toHaveLength(1);
  });
});
