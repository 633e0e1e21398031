// Conformance over HTTP: every real payload under ../shared/fixtures (webhooks, messages,
// the Testing Farm notification and stream), sent to the scheduler as its real sender
// would (signed, with its token), is accepted (202, published on the subject written
// below) or answered 200 ignored for the reason written below. The builds and test
// requests the result messages name are seeded first, as if packflow had started them.
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { createLogger } from '@packflow/core';
import { validateEventMessage } from '@packflow/events';
import { PACKFLOW_EVENTS_STREAM } from '@packflow/messaging';
import type { RunningService } from '@packflow/platform';
import {
  createTestDatabase,
  sharedFixturesDir,
  publishedMessages,
  startNatsServer,
  type TestDatabase,
  type TestNatsServer,
} from '@packflow/testing';
import { startScheduler } from '../index.js';
import { postGithub, postGitlab, postMessage, postTestingFarm, type Answer } from './testing/webhook.senders.js';

const fixtures = sharedFixturesDir()!;
const SECRET = 'conformance-github-secret';
const GITLAB_TOKEN = 'conformance-gitlab-token';
const MESSAGES_TOKEN = 'conformance-bus-token';

interface Row {
  file: string;
  sender: 'github' | 'gitlab' | 'messages' | 'testing-farm';
  header?: string;
  /** `202 <subject>` or `200 ignored: <reason>`. */
  expect: string;
}

const ROWS: Row[] = [
  {
    file: 'webhooks/github/checkrun_rerequested.json',
    sender: 'github',
    header: 'check_run',
    expect: '202 upstream.check_run.rerequested',
  },
  {
    file: 'webhooks/github/commit_comment.json',
    sender: 'github',
    header: 'commit_comment',
    expect: '202 upstream.commit.comment',
  },
  {
    file: 'webhooks/github/installation_created.json',
    sender: 'github',
    header: 'installation',
    expect: '202 upstream.installation.created',
  },
  {
    file: 'webhooks/github/issue_comment_help_command.json',
    sender: 'github',
    header: 'issue_comment',
    expect: '202 upstream.issue.comment',
  },
  {
    file: 'webhooks/github/issue_propose_downstream.json',
    sender: 'github',
    header: 'issue_comment',
    expect: '202 upstream.issue.comment',
  },
  {
    file: 'webhooks/github/pr.json',
    sender: 'github',
    header: 'pull_request',
    expect: '202 upstream.pull_request.opened',
  },
  {
    file: 'webhooks/github/pr_comment_build.json',
    sender: 'github',
    header: 'issue_comment',
    expect: '202 upstream.pull_request.comment',
  },
  {
    file: 'webhooks/github/pr_comment_copr_build.json',
    sender: 'github',
    header: 'issue_comment',
    expect: '202 upstream.pull_request.comment',
  },
  {
    file: 'webhooks/github/pr_comment_copr_build_2.json',
    sender: 'github',
    header: 'issue_comment',
    expect: '202 upstream.pull_request.comment',
  },
  {
    file: 'webhooks/github/pr_synchronize.json',
    sender: 'github',
    header: 'pull_request',
    expect: '202 upstream.pull_request.synchronize',
  },
  {
    file: 'webhooks/github/push.json',
    sender: 'github',
    header: 'push',
    expect: '200 ignored: push deleted refs/tags/simple-tag',
  },
  { file: 'webhooks/github/push_branch.json', sender: 'github', header: 'push', expect: '202 upstream.push.branch' },
  {
    file: 'webhooks/github/push_to_pr.json',
    sender: 'github',
    header: 'pull_request',
    expect: '202 upstream.pull_request.synchronize',
  },
  {
    file: 'webhooks/github/release.json',
    sender: 'github',
    header: 'release',
    expect: '202 upstream.release.published',
  },
  {
    file: 'webhooks/gitlab/issue_comment.json',
    sender: 'gitlab',
    header: 'Note Hook',
    expect: '200 ignored: comment without a /packit command',
  },
  {
    file: 'webhooks/gitlab/mr_comment.json',
    sender: 'gitlab',
    header: 'Note Hook',
    expect: '200 ignored: comment without a /packit command',
  },
  {
    file: 'webhooks/gitlab/mr_event.json',
    sender: 'gitlab',
    header: 'Merge Request Hook',
    expect: '202 upstream.pull_request.opened',
  },
  {
    file: 'webhooks/gitlab/mr_pipeline.json',
    sender: 'gitlab',
    header: 'Pipeline Hook',
    expect: '202 stream.ci_pipeline.updated',
  },
  {
    file: 'webhooks/gitlab/push_branch.json',
    sender: 'gitlab',
    header: 'Push Hook',
    expect: '202 upstream.push.branch',
  },
  {
    file: 'webhooks/gitlab/push_with_one_commit.json',
    sender: 'gitlab',
    header: 'Push Hook',
    expect: '202 upstream.push.branch',
  },
  {
    file: 'webhooks/gitlab/release.json',
    sender: 'gitlab',
    header: 'Release Hook',
    expect: '202 upstream.release.published',
  },
  { file: 'webhooks/gitlab/tag_push.json', sender: 'gitlab', header: 'Tag Push Hook', expect: '202 upstream.push.tag' },
  { file: 'messages/copr_build_end.json', sender: 'messages', expect: '202 upstream.copr.build_end' },
  { file: 'messages/copr_build_end_release.json', sender: 'messages', expect: '202 upstream.copr.build_end' },
  { file: 'messages/copr_build_start.json', sender: 'messages', expect: '202 upstream.copr.build_start' },
  { file: 'messages/srpm_build_start.json', sender: 'messages', expect: '202 upstream.copr.build_start' },
  { file: 'messages/distgit_commit.json', sender: 'messages', expect: '202 upstream.push.branch' },
  {
    file: 'messages/koji_build_completed_rawhide.json',
    sender: 'messages',
    expect: '202 upstream.koji.build_state_change',
  },
  { file: 'messages/koji_build_scratch_end.json', sender: 'messages', expect: '202 upstream.koji.task_state_change' },
  { file: 'messages/koji_build_scratch_start.json', sender: 'messages', expect: '202 upstream.koji.task_state_change' },
  {
    file: 'messages/pagure_pr_flag_updated.json',
    sender: 'messages',
    expect: '202 upstream.pull_request.flag_updated',
  },
  { file: 'messages/pagure_pr_new.json', sender: 'messages', expect: '202 upstream.pull_request.opened' },
  { file: 'messages/anitya_version_update.json', sender: 'messages', expect: '202 upstream.anitya.new_version' },
  { file: 'messages/new_hotness_update.json', sender: 'messages', expect: '202 upstream.anitya.new_version' },
  { file: 'messages/distgit_push_packit.json', sender: 'messages', expect: '202 upstream.push.branch' },
  {
    file: 'messages/koji_build_completed_f36.json',
    sender: 'messages',
    // Not packflow's build, but a finished build of a dist-git commit: bodhi_update may follow it.
    expect: '202 upstream.koji.build_state_change',
  },
  {
    file: 'messages/koji_build_start_rawhide.json',
    sender: 'messages',
    expect: '202 upstream.koji.build_state_change',
  },
  { file: 'messages/pagure_pr_comment.json', sender: 'messages', expect: '202 upstream.pull_request.comment' },
  { file: 'messages/pagure_pr_rebased.json', sender: 'messages', expect: '202 upstream.pull_request.synchronize' },
  {
    file: 'webhooks/github/repository_issue_comment_retrigger_bodhi_update.json',
    sender: 'github',
    header: 'issue_comment',
    expect: '202 upstream.issue.comment',
  },
  {
    file: 'webhooks/github/repository_issue_comment_retrigger_koji_build.json',
    sender: 'github',
    header: 'issue_comment',
    expect: '202 upstream.issue.comment',
  },
  {
    file: 'stream/gitlab_mr_pipeline.json',
    sender: 'gitlab',
    header: 'Pipeline Hook',
    expect: '202 stream.ci_pipeline.updated',
  },
  { file: 'testing-farm/notification.json', sender: 'testing-farm', expect: '202 upstream.testing_farm.notification' },
  {
    file: 'stream/fedmsg_fedora-dg-pr-flag-updated.json',
    sender: 'messages',
    expect: '202 upstream.pull_request.flag_updated',
  },
  { file: 'stream/fedmsg_fedora-dg-push.json', sender: 'messages', expect: '202 upstream.push.branch' },
  {
    file: 'stream/gitlab_mr_event.json',
    sender: 'gitlab',
    header: 'Merge Request Hook',
    expect: '202 stream.pull_request.opened',
  },
  {
    file: 'stream/gitlab_pipeline.json',
    sender: 'gitlab',
    header: 'Pipeline Hook',
    expect: '202 stream.ci_pipeline.updated',
  },
  { file: 'stream/gitlab_push.json', sender: 'gitlab', header: 'Push Hook', expect: '202 stream.push.branch' },
];

/**
 * hardly's staging namespaces for the stream fixtures, and CentOS Stream's own. Fedora
 * dist-git (src.fedoraproject.org) stays with upstream, which builds it in Koji.
 */
const ROUTING_RULES = [
  { instance: 'gitlab.com', namespace: 'packit-service/src', ecosystem: 'stream' },
  { instance: 'gitlab.com', namespace: 'packit-service/rpms', ecosystem: 'stream' },
  { instance: 'gitlab.com', namespace: 'packit-as-a-service-stg', ecosystem: 'stream' },
  { instance: 'gitlab.com', namespace: 'redhat/centos-stream/**', ecosystem: 'stream' },
];

let db: TestDatabase;
let pool: pg.Pool;
let service: RunningService;
let nats: TestNatsServer;

/** The builds and the test request the result fixtures name, as packflow records them when it starts them. */
async function seedStartedBuilds(): Promise<void> {
  const q = async (text: string, params: unknown[] = []) =>
    String((await pool.query(`${text} returning id`, params)).rows[0].id);
  const srpm = await q(`insert into upstream.srpm_builds (target, external_id) values ('srpm-builds', '3122876')`);
  const copr = await q(`insert into upstream.copr_builds (srpm_build_id) values ($1)`, [srpm]);
  await q(
    `insert into upstream.copr_build_targets (copr_build_id, target, external_id) values ($1, 'fedora-rawhide-x86_64', '1044215')`,
    [copr],
  );
  const koji = await q(`insert into upstream.koji_builds default values`);
  for (const task of ['45270170', '80860894']) {
    await q(`insert into upstream.koji_build_targets (koji_build_id, target, external_id) values ($1, 'rawhide', $2)`, [
      koji,
      task,
    ]);
  }
  const run = await q(`insert into upstream.test_runs default values`);
  const notification = JSON.parse(readFileSync(join(fixtures, 'testing-farm/notification.json'), 'utf8')) as {
    request_id: string;
    token: string;
  };
  await q(
    `insert into upstream.test_run_targets (test_run_id, target, external_id, notification_token_hash) values ($1, 'fedora-rawhide-x86_64', $2, $3)`,
    [run, notification.request_id, createHash('sha256').update(notification.token).digest('hex')],
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
  nats = await startNatsServer();
  await seedStartedBuilds();
  service = await startScheduler({
    env: {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      SCHEDULER_PORT: '0',
      GITHUB_WEBHOOK_SECRET: SECRET,
      GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN,
      MESSAGES_TOKEN,
      ROUTING_RULES: JSON.stringify(ROUTING_RULES),
    },
    logger: createLogger({ name: 'conformance', level: 'silent' }),
  });
});
afterAll(async () => {
  await service?.close();
  await db?.drop();
  await nats?.dispose();
});

function send(row: Row, body: Buffer): Promise<Answer> {
  const url = service.url!;
  switch (row.sender) {
    case 'github':
      return postGithub(url, { secret: SECRET, event: row.header!, body });
    case 'gitlab':
      return postGitlab(url, { token: GITLAB_TOKEN, event: row.header!, body });
    case 'messages':
      return postMessage(url, { token: MESSAGES_TOKEN, body });
    case 'testing-farm':
      return postTestingFarm(url, body);
  }
}

describe('fixtures conformance: HTTP intake', () => {
  it('has a row for every fixture file', () => {
    const files = ['webhooks/github', 'webhooks/gitlab', 'messages', 'stream']
      .flatMap((dir) => readdirSync(join(fixtures, dir)).map((f) => `${dir}/${f}`))
      .concat('testing-farm/notification.json')
      .sort();
    expect(ROWS.map((r) => r.file).sort()).toEqual(files);
  });

  it.each(ROWS.map((row) => [row.file, row] as const))('%s', async (_file, row) => {
    // The bytes of the file, exactly as the sender would post them.
    const answer = await send(row, readFileSync(join(fixtures, row.file)));
    const [status, rest] = [Number(row.expect.slice(0, 3)), row.expect.slice(4)];
    expect(answer.status).toBe(status);
    if (status === 200) {
      expect(answer.body).toEqual({ ignored: rest.slice('ignored: '.length), event_id: expect.any(String) });
      return;
    }
    const { rows } = await pool.query<{ delivery_id: string }>(`select delivery_id from shared.events where id = $1`, [
      answer.body.event_id,
    ]);
    const published = await publishedMessages({
      pool,
      natsUrl: nats.url,
      stream: PACKFLOW_EVENTS_STREAM,
      msgIds: [rows[0].delivery_id],
    });
    expect(published).toHaveLength(1);
    expect(published[0].subject).toBe(rest);
    expect(validateEventMessage(published[0].subject, published[0].data).eventId).toBe(answer.body.event_id);
  });

  it('answers a fixture posted again with the same delivery id as a duplicate', async () => {
    const body = readFileSync(join(fixtures, 'webhooks/github/pr.json'));
    const delivery = randomUUID();
    expect((await postGithub(service.url!, { secret: SECRET, event: 'pull_request', body, delivery })).status).toBe(
      202,
    );
    expect(await postGithub(service.url!, { secret: SECRET, event: 'pull_request', body, delivery })).toMatchObject({
      status: 200,
      body: { duplicate: delivery },
    });
  });
});
