import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import type { RunningService } from '@packflow/platform';
import {
  CHROOTS,
  createTestDatabase,
  seedPipelineScenario,
  testNatsUrl,
  type SeededScenario,
  type TestDatabase,
} from '@packflow/testing';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startWeb } from '../index.js';
import { DASHBOARD_DIR } from './dashboard.js';

// The dashboard in Debian's Chromium (`apt-get install chromium`; .ci/run installs it), served
// by the web service from the built UI (`pnpm build:ui`, run by pnpm install), on the seeded
// pipelines. The README's screenshot comes from test/dashboard-rerun.e2e.ts (the whole stack).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let db: TestDatabase;
let web: RunningService;
let browser: Browser;
let s: SeededScenario;

beforeAll(async () => {
  if (!existsSync(`${DASHBOARD_DIR}index.html`)) throw new Error(`${DASHBOARD_DIR} has no build: run pnpm build:ui`);
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
  db = await createTestDatabase();
  s = await seedPipelineScenario(db.pool());
  // External links as the activities record them, so the page shows them.
  await db
    .pool()
    .query(
      `update upstream.copr_build_targets set external_id = '9000' || id, web_url = 'https://copr.fedorainfracloud.org/coprs/build/9000' || id`,
    );
  web = await startWeb({
    env: { DATABASE_URL: db.url, NATS_URL: testNatsUrl(), WEB_PORT: '0' },
    logger: createLogger({ name: 'web-dashboard-test', level: 'silent', pretty: false }),
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  await web?.close();
  await db?.drop();
});

/** Opens a page that records console errors and uncaught exceptions. */
async function open(path: string, viewport = { width: 1400, height: 1000 }) {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`${web.url}${path}`);
  return { page, problems };
}

/** target -> status of each chroot row drawn in a step node of the DAG. */
const nodeRows = (page: Page, job: string) =>
  page.$$eval(
    `g[data-step]`,
    (nodes, job) => {
      const node = nodes.find((n) => n.querySelector('text')?.textContent?.startsWith(job));
      return Object.fromEntries(
        [...(node?.querySelectorAll('g[data-target]') ?? [])].map((g) => [
          g.getAttribute('data-target'),
          g.getAttribute('data-status'),
        ]),
      );
    },
    job,
  );

describe('the pipeline page', () => {
  it('shows the DAG with each chroot state, per-target edges, links and skipped reasons, without console errors', async () => {
    const { page, problems } = await open(`/pipelines/${s.pipelineId}`);
    await page.waitForSelector('g[data-step]');
    expect(await page.locator('g[data-step]').count()).toBe(3);
    const copr = await nodeRows(page, 'copr_build');
    expect(Object.keys(copr).sort()).toEqual([...CHROOTS].sort());
    expect(copr[s.redoneChroot]).toBe('failure');
    expect(
      Object.entries(copr)
        .filter(([c]) => c !== s.redoneChroot)
        .every(([, st]) => st === 'success'),
    ).toBe(true);
    expect((await nodeRows(page, 'tests'))[s.redoneChroot]).toBe('skipped');
    // One edge per chroot from the builds to the tests, and one from the SRPM to the builds.
    expect(await page.locator('path[data-edge-target]:not([data-edge-target=""])').count()).toBe(CHROOTS.length);
    expect(await page.locator('path[data-edge-target=""]').count()).toBe(1);
    // The skipped test and its reason, in the list of what was skipped.
    await expect(
      page.locator('li', { hasText: `tests ${s.redoneChroot}: build ${s.redoneChroot} failed` }).isVisible(),
    ).resolves.toBe(true);
    expect(await page.getByRole('link', { name: 'Copr build' }).count()).toBe(CHROOTS.length);
    await expect(page.getByRole('link', { name: `#${s.rerunPipelineId}` }).isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('links the rerun to what it reran, and works by keyboard on a narrow screen', async () => {
    const { page, problems } = await open(`/pipelines/${s.rerunPipelineId}`, { width: 390, height: 844 });
    await page.waitForSelector('g[data-step]');
    expect((await nodeRows(page, 'copr_build'))[s.redoneChroot]).toBe('success');
    // Nothing wider than the screen but the graph's own surface.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    // Tab reaches the link to the pipeline it reran; Enter opens it in place.
    const target = page.getByRole('link', { name: `#${s.pipelineId}` }).first();
    for (let i = 0; i < 30 && !(await target.evaluate((a) => a === a.ownerDocument.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    expect(await target.evaluate((a) => a === a.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/pipelines/${s.pipelineId}`);
    await page.waitForSelector(`text=Pipeline #${s.pipelineId}`);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the other pages', () => {
  it('lists projects, a project pipelines and an event pipelines', async () => {
    const { page, problems } = await open('/');
    await page.getByRole('link', { name: 'packit/hello-world' }).click();
    await page.waitForURL(`**/projects/${s.projectId}`);
    await page
      .getByRole('link', { name: `#${s.rerunPipelineId}` })
      .first()
      .waitFor();
    await page.getByRole('tab', { name: 'Events' }).click();
    await page.getByRole('link', { name: `#${s.rerunEventId}` }).click();
    await page.waitForURL(`**/events/${s.rerunEventId}`);
    await page
      .getByRole('link', { name: `#${s.rerunPipelineId}` })
      .first()
      .waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('answers unknown page paths with the app, and unknown API paths with the error body', async () => {
    const { page, problems } = await open('/nowhere');
    await page.getByText('No page at /nowhere').waitFor();
    expect(problems).toEqual([]);
    await page.close();
    const api = await fetch(`${web.url}/api/v1/nowhere`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: 'not_found' });
  });
});
