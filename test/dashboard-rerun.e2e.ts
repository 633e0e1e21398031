// The dashboard through the whole stack, in Debian's Chromium: a pull request webhook to
// the scheduler, the upstream worker building in the fake Copr, one chroot failing, and
// the web service showing the pipeline's DAG with the fake Copr's states. A collaborator
// signs in with their (fake) GitHub account, clicks "Re-run failed", lands on the new
// pipeline, and the fake Copr receives a build of the failed chroot only: the worker
// picks the web's rerun up at once (its reconcile interval is an hour). A signed-out
// visitor, and a signed-in person without write access, see no rerun button.
// PACKFLOW_SCREENSHOT_DIR=docs saves the pipeline page as the README shows it. Last, the
// main pages on a phone-sized and a desktop screen: no console errors, nothing wider
// than the screen, and the links and rerun buttons reachable with Tab.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import type { FakeGithub } from '@packflow/forges/testing';
import type { RunningService } from '@packflow/platform';
import { freePort, waitFor, type FakeCopr, type TestDatabase } from '@packflow/testing';
import { startWeb } from '@packflow/web';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startUpstreamStack, type UpstreamStack } from './support/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REPO = 'acme/gadget';
const SHA = 'da5b0a2d'.padEnd(40, '1');
const CHROOTS = ['fedora-41-x86_64', 'fedora-42-x86_64', 'fedora-rawhide-x86_64'];
const FAILED = CHROOTS[2];
const OAUTH = { clientId: 'Iv1.packflow-dashboard', clientSecret: 'dashboard-oauth-secret' };
const DESKTOP = { width: 1400, height: 1000 };
const PHONE = { width: 390, height: 844 };
const logger = createLogger({ name: 'e2e-dashboard', level: (process.env.E2E_LOG_LEVEL as 'info') ?? 'silent' });

let stack: UpstreamStack;
let db: TestDatabase;
let github: FakeGithub;
let copr: FakeCopr;
let web: RunningService;
let base: string;
let browser: Browser;
let pipelineId: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
  stack = await startUpstreamStack(logger, {}, { githubWebAtFake: true });
  ({ db, github, copr } = stack);
  github.setFile(
    REPO,
    SHA,
    '.packit.yaml',
    `specfile_path: gadget.spec\njobs:\n  - job: copr_build\n    trigger: pull_request\n    targets: [${CHROOTS.join(', ')}]\n`,
  );
  github.setPullRequestFiles(REPO, 3, [{ filename: 'src/gadget.c' }]);
  github.setPermission(REPO, 'collaborator', 'write');
  github.setPermission(REPO, 'onlooker', 'read');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  github.oauth.registerApp({ ...OAUTH, callbackUrl: `${base}/api/v1/auth/github/callback` });
  web = await startWeb({
    env: {
      DATABASE_URL: db.url,
      NATS_URL: stack.nats.url,
      WEB_PORT: String(port),
      WEB_PUBLIC_URL: base,
      // Chromium on http://127.0.0.1: the one place a cookie without Secure is allowed.
      WEB_COOKIE_SECURE: 'false',
      ...stack.githubIdentity,
      GITHUB_OAUTH_CLIENT_ID: OAUTH.clientId,
      GITHUB_OAUTH_CLIENT_SECRET: OAUTH.clientSecret,
    },
    logger,
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await stack?.close();
});

/**
 * A page in a browser context of its own (its own cookies), recording console errors and
 * the answers of GET /pipelines/{id}/permissions (what the page learnt it may do).
 */
async function visit(path: string, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  const permissions: Promise<unknown>[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.url().endsWith(`/pipelines/${pipelineId}/permissions`)) permissions.push(r.json());
  });
  await page.goto(`${base}${path}`);
  await waitFor(() => permissions.length > 0, { what: 'the page to ask what it may do' });
  return { page, problems, permissions, close: () => context.close() };
}

/** target -> status of each row of the copr_build node in the DAG. */
const coprRows = (page: Page) =>
  page.$$eval('g[data-step]', (nodes) => {
    const node = nodes.find((n) => n.querySelector('text')?.textContent?.startsWith('copr_build'));
    return Object.fromEntries(
      [...(node?.querySelectorAll('g[data-target]') ?? [])].map((g) => [
        g.getAttribute('data-target'),
        g.getAttribute('data-status'),
      ]),
    );
  });

/** Whether every step of the DAG is drawn inside the graph's box (laid out and fitted). */
async function dagInView(page: Page): Promise<boolean> {
  if ((await page.locator('.packflow-graph[data-fitted]').count()) === 0) return false;
  const view = (await page.locator('.packflow-graph').boundingBox())!;
  const nodes = await page
    .locator('g[data-step]')
    .evaluateAll((gs) =>
      gs.map((g) => g.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })),
    );
  return (
    nodes.length > 0 &&
    nodes.every(
      (n) =>
        n.w > 0 &&
        n.x >= view.x &&
        n.y >= view.y &&
        n.x + n.w <= view.x + view.width &&
        n.y + n.h <= view.y + view.height,
    )
  );
}

/**
 * Through "Sign in": the fake GitHub's authorize page lets `login` in and sends the
 * browser back. Answers what the page then learns it may do.
 */
async function signIn(visit: { page: Page; permissions: Promise<unknown>[] }, login: string): Promise<unknown> {
  github.oauth.browserUser = login;
  const { page, permissions } = visit;
  const [back, asked] = [page.url(), permissions.length];
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL(back);
  await page.getByLabel('Signed in as').getByText(login).waitFor();
  await waitFor(() => permissions.length > asked, { what: 'the signed-in page to ask what it may do' });
  return permissions.at(-1);
}

describe('the dashboard, through the stack', () => {
  it('shows the pull request pipeline as a DAG with the fake Copr states', async () => {
    expect((await github.emitPullRequest(REPO, { number: 3, headSha: SHA, sender: 'collaborator' })).status).toBe(202);
    const build = await stack.coprBuild(undefined, { timeoutMs: 30_000 });
    await copr.startBuild(build.id, 'srpm-builds');
    await copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
    await waitFor(async () => (await stack.recordedChrootBuilds(build.id)) === CHROOTS.length, {
      what: 'the chroot builds to be submitted',
    });
    for (const c of CHROOTS) {
      await copr.startBuild(build.id, c);
      await copr.finishBuild(build.id, c, c === FAILED ? 'failed' : 'succeeded');
    }
    pipelineId = await waitFor(
      async () =>
        (await db.pool().query<{ id: string }>(`select id::text from shared.pipelines where status = 'failure'`))
          .rows[0]?.id,
      { what: 'the pipeline to fail' },
    );

    const visitor = await visit(`/pipelines/${pipelineId}`);
    await waitFor(() => dagInView(visitor.page), { what: 'the DAG laid out in view' });
    expect(await coprRows(visitor.page)).toEqual({
      [CHROOTS[0]]: 'success',
      [CHROOTS[1]]: 'success',
      [FAILED]: 'failure',
    });
    // Signed out: a "Sign in" link, and no rerun button once the page knows it may not rerun.
    expect(await visitor.permissions[0]).toMatchObject({ rerun: false });
    await visitor.page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await visitor.page.getByRole('button', { name: /^Re-run/ }).count()).toBe(0);
    expect(visitor.problems).toEqual([]);
    await visitor.close();
  });

  it('shows no rerun button to a signed-in person without write access', async () => {
    const onlooker = await visit(`/pipelines/${pipelineId}`);
    expect(await signIn(onlooker, 'onlooker')).toEqual({
      rerun: false,
      reason: expect.stringContaining(REPO),
    });
    await onlooker.page.waitForSelector('g[data-step]');
    expect(await onlooker.page.getByRole('button', { name: /^Re-run/ }).count()).toBe(0);
    expect(onlooker.problems).toEqual([]);
    await onlooker.close();
  });

  it('a collaborator signs in, clicks "Re-run failed", and the new pipeline rebuilds only the failed chroot', async () => {
    const collaborator = await visit(`/pipelines/${pipelineId}`);
    expect(await signIn(collaborator, 'collaborator')).toEqual({ rerun: true });
    const button = collaborator.page.getByRole('button', { name: 'Re-run failed' });
    await button.waitFor();
    // All four reruns are offered: the pipeline, what failed, a step, a chroot.
    await collaborator.page.getByRole('button', { name: 'Re-run all' }).waitFor();
    await collaborator.page.getByRole('button', { name: 'Re-run from copr_build' }).waitFor();
    await collaborator.page
      .getByRole('button', { name: `Re-run ${FAILED}` })
      .first()
      .waitFor();
    await waitFor(() => dagInView(collaborator.page), { what: 'the DAG laid out in view' });
    if (process.env.PACKFLOW_SCREENSHOT_DIR)
      await collaborator.page.screenshot({ path: join(process.env.PACKFLOW_SCREENSHOT_DIR, 'dashboard-pipeline.png') });

    const builds = copr.builds.size;
    await button.click();
    await collaborator.page.waitForURL(
      (url) => /^\/pipelines\/\d+$/.test(url.pathname) && !url.pathname.endsWith(`/${pipelineId}`),
    );
    const rerunId = new URL(collaborator.page.url()).pathname.split('/').pop()!;
    await collaborator.page.getByText(`Pipeline #${rerunId}`).waitFor();
    await collaborator.page
      .getByRole('link', { name: `#${pipelineId}` })
      .first()
      .waitFor();
    const { rows } = await db
      .pool()
      .query(`select rerun_of_id::text, rerun_kind from shared.pipelines where id = $1`, [rerunId]);
    expect(rows).toEqual([{ rerun_of_id: pipelineId, rerun_kind: 'failed' }]);

    // The worker submits it at once (NOTIFY), not at its hourly reconcile: only the failed chroot.
    const rebuild = await waitFor(() => [...copr.builds.values()].slice(builds)[0], { what: 'the rebuild in Copr' });
    expect([...rebuild.chroots.keys()]).toEqual([FAILED]);
    expect(copr.builds.size).toBe(builds + 1);
    expect(collaborator.problems).toEqual([]);
    await collaborator.close();
  });
});

/**
 * Presses Tab from the top of a freshly loaded page until each target has had the focus;
 * answers the targets that never had it.
 */
async function notReachedByTab(page: Page, targets: Locator[], presses = 80): Promise<string[]> {
  const left = new Set(targets);
  for (let i = 0; i < presses && left.size > 0; i++) {
    await page.keyboard.press('Tab');
    for (const target of left) {
      if (await target.evaluate((el) => el.ownerDocument.activeElement === el)) left.delete(target);
    }
  }
  return [...left].map(String);
}

/** Whether the page is wider than the window (a horizontal scroll bar). */
const overflows = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth');

describe('the main pages on a phone and a desktop screen', () => {
  beforeAll(async () => {
    await db.pool().query(
      `insert into shared.kcidb_checkouts (id, origin, tree_name, git_repository_url, git_repository_branch, git_commit_hash, git_commit_tags, start_time)
       values ('e2e:c1', 'e2e', 'mainline', 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git',
         'master', repeat('a', 40), '{v6.13-rc1}', now() - interval '1 hour')`,
    );
  });

  it.each([
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ])(
    'on a %s screen: no console errors, nothing wider than the screen, links and reruns reachable by Tab',
    async (_, size) => {
      const visitor = await visit(`/pipelines/${pipelineId}`, size);
      await signIn(visitor, 'collaborator');
      const { page } = visitor;
      // Each main page: what shows it is loaded, and what Tab must reach on it.
      const pages: [string, Locator, Locator[]][] = [
        [
          '/',
          page.getByRole('link', { name: REPO }),
          [page.getByRole('link', { name: 'KCIDB results' }), page.getByRole('link', { name: REPO })],
        ],
        [
          `/pipelines/${pipelineId}`,
          page.getByRole('button', { name: 'Re-run failed' }),
          [page.getByRole('button', { name: 'Re-run failed' }), page.getByRole('button', { name: 'Re-run all' })],
        ],
        [
          '/kcidb/trees',
          page.getByText('e2e:c1'),
          [page.getByRole('tab', { name: 'Test history' }), page.getByRole('link', { name: 'Projects' })],
        ],
      ];
      for (const [path, shown, reachable] of pages) {
        await page.goto(`${base}${path}`);
        await shown.first().waitFor();
        expect({ path, overflows: await overflows(page) }).toEqual({ path, overflows: false });
        const notReached = await notReachedByTab(
          page,
          reachable.map((target) => target.first()),
        );
        expect({ path, notReached }).toEqual({ path, notReached: [] });
      }
      expect(visitor.problems).toEqual([]);
      await visitor.close();
    },
  );
});
