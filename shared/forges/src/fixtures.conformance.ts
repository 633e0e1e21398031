// Conformance: every real payload under ../shared/fixtures (webhooks, messages, the
// Testing Farm notification and stream) parses into the event type, project, ref and
// sha written in the rows (github/github.fixtures.ts, gitlab/gitlab.fixtures.ts,
// bus.fixtures.ts), validates against its message schema, and routes to the ecosystem
// written there. A fixture without a row fails the suite.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { sharedFixturesDir } from '@packflow/testing';
import {
  createRouter,
  DEFAULT_ROUTING_RULES,
  isIgnored,
  parseMessage,
  parseTestingFarm,
  toEventMessage,
  eventSubject,
  validateEventMessage,
  type ParseResult,
  type RoutingRule,
} from '@packflow/events';
import { BUS_FIXTURES } from './bus.fixtures.js';
import type { FixtureRow } from './fixture.row.js';
import { GITHUB_FIXTURES } from './github/github.fixtures.js';
import { GITLAB_FIXTURES } from './gitlab/gitlab.fixtures.js';
import { parseGithub, parseGitlab } from './index.js';

const fixtures = sharedFixturesDir()!;

const ROWS: FixtureRow[] = [...GITHUB_FIXTURES, ...GITLAB_FIXTURES, ...BUS_FIXTURES];

/**
 * hardly's staging namespaces, as an operator would configure them (ROUTING_RULES).
 * Fedora dist-git (src.fedoraproject.org) stays with upstream, which builds it in Koji.
 */
const STREAM_STAGING_RULES: RoutingRule[] = [
  { instance: 'gitlab.com', namespace: 'packit-service/src', ecosystem: 'stream' },
  { instance: 'gitlab.com', namespace: 'packit-service/rpms', ecosystem: 'stream' },
  { instance: 'gitlab.com', namespace: 'packit-as-a-service-stg', ecosystem: 'stream' },
  ...DEFAULT_ROUTING_RULES,
];

function parse(row: FixtureRow, payload: unknown): ParseResult {
  switch (row.sender) {
    case 'github':
      return parseGithub(row.header!, payload);
    case 'gitlab':
      return parseGitlab(row.header!, payload);
    case 'messages':
      return parseMessage(payload);
    case 'testing-farm':
      return parseTestingFarm(payload);
  }
}

describe('fixtures conformance: parsing', () => {
  it('has a row for every fixture file', () => {
    const files = ['webhooks/github', 'webhooks/gitlab', 'messages', 'stream']
      .flatMap((dir) => readdirSync(join(fixtures, dir)).map((f) => `${dir}/${f}`))
      .concat('testing-farm/notification.json')
      .sort();
    expect(ROWS.map((r) => r.file).sort()).toEqual(files);
  });

  it.each(ROWS.map((row) => [row.file, row] as const))('%s', (_file, row) => {
    const payload: unknown = JSON.parse(readFileSync(join(fixtures, row.file), 'utf8'));
    const result = parse(row, payload);
    if (row.expect.startsWith('ignored: ')) {
      expect(result).toMatchObject({ ignored: row.expect.slice('ignored: '.length) });
      return;
    }
    if (isIgnored(result)) throw new Error(`expected ${row.expect}, got ignored: ${result.ignored}`);
    expect(result.type).toBe(row.expect);
    expect(
      result.project ? `${result.project.instanceUrl} ${result.project.namespace}/${result.project.repo}` : '-',
    ).toBe(row.project);
    if (row.ref) expect(result.ref ? `${result.ref.kind}:${result.ref.name}` : '-').toBe(row.ref);
    expect(result.sha).toBe(row.sha);
    if (row.fields) expect(result).toMatchObject(row.fields);

    if (row.ecosystem) {
      const router = createRouter(row.file.startsWith('stream/') ? STREAM_STAGING_RULES : DEFAULT_ROUTING_RULES);
      const target =
        result.project ??
        (result.type === 'installation.created'
          ? { instanceUrl: result.installation.instanceUrl, namespace: result.installation.account }
          : null);
      expect(target && router.ecosystemOf(target)).toBe(row.ecosystem);
    }

    // What the transport receives validates against the schema of its subject.
    const ecosystem = row.ecosystem ?? 'upstream';
    const message = JSON.parse(
      JSON.stringify(toEventMessage(result, { eventId: '1', deliveryId: row.file, ecosystem })),
    );
    expect(validateEventMessage(eventSubject(result, ecosystem), message)).toEqual(message);
  });
});
