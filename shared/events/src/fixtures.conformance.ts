// Conformance: every real payload under ../shared/fixtures (webhooks, messages, the
// Testing Farm notification and stream) parses into the event type, project, ref and
// sha written below, validates against its message schema, and routes to the ecosystem
// written below. A fixture without a row here fails the suite.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { sharedFixturesDir } from '@packflow/testing';
import {
  createRouter,
  DEFAULT_ROUTING_RULES,
  isIgnored,
  parseGithub,
  parseGitlab,
  parseMessage,
  parseTestingFarm,
  toEventMessage,
  eventSubject,
  validateEventMessage,
  type Ecosystem,
  type ParseResult,
  type RoutingRule,
} from './index.js';

const fixtures = sharedFixturesDir()!;

type Sender = 'github' | 'gitlab' | 'messages' | 'testing-farm';

interface Row {
  file: string;
  sender: Sender;
  /** X-GitHub-Event / X-Gitlab-Event. */
  header?: string;
  /** Event type, or `ignored: <reason>`. */
  expect: string;
  /** `instance namespace/repo`, or `-` when the event has none. */
  project?: string;
  /** `kind:name`. */
  ref?: string;
  sha?: string | null;
  ecosystem?: Ecosystem;
  /** Extra fields to check. */
  fields?: Record<string, unknown>;
}

const GH = 'https://github.com';
const GL = 'https://gitlab.com';
const DG = 'https://src.fedoraproject.org';

const ROWS: Row[] = [
  // GitHub
  {
    file: 'webhooks/github/checkrun_rerequested.json',
    sender: 'github',
    header: 'check_run',
    expect: 'check_run.rerequested',
    project: `${GH} packit/hello-world`,
    ref: 'commit:0e5d8b51fd5dfa460605e1497d22a76d65c6d7fd',
    sha: '0e5d8b51fd5dfa460605e1497d22a76d65c6d7fd',
    ecosystem: 'upstream',
    fields: { checkRun: { id: '3659360488', name: 'testing-farm:fedora-rawhide-x86_64', externalId: '123456' } },
  },
  {
    file: 'webhooks/github/commit_comment.json',
    sender: 'github',
    header: 'commit_comment',
    expect: 'commit.comment',
    project: `${GH} packit/packit`,
    ref: 'commit:eea05dd6fab70d8c4afc10b58ef14ecb25e4f9d8',
    sha: 'eea05dd6fab70d8c4afc10b58ef14ecb25e4f9d8',
    ecosystem: 'upstream',
    fields: { command: { name: 'build', word: 'build' } },
  },
  {
    file: 'webhooks/github/installation_created.json',
    sender: 'github',
    header: 'installation',
    expect: 'installation.created',
    project: '-',
    sha: null,
    ecosystem: 'upstream',
    fields: {
      installation: { id: '1708454', instanceUrl: GH, account: 'packit-service', repositories: ['jpopelka/brewutils'] },
    },
  },
  {
    file: 'webhooks/github/issue_comment_help_command.json',
    sender: 'github',
    header: 'issue_comment',
    expect: 'issue.comment',
    project: `${GH} packit/hello-world`,
    ref: 'issue:296',
    sha: null,
    ecosystem: 'upstream',
    fields: { command: { name: 'help' } },
  },
  {
    file: 'webhooks/github/issue_propose_downstream.json',
    sender: 'github',
    header: 'issue_comment',
    expect: 'issue.comment',
    project: `${GH} packit-service/packit`,
    ref: 'issue:512',
    sha: null,
    ecosystem: 'upstream',
    fields: { command: { name: 'propose-downstream' } },
  },
  {
    file: 'webhooks/github/pr.json',
    sender: 'github',
    header: 'pull_request',
    expect: 'pull_request.opened',
    project: `${GH} packit-service/packit`,
    ref: 'pull_request:342',
    sha: '528b803be6f93e19ca4130bf4976f2800a3004c4',
    ecosystem: 'upstream',
    fields: { actor: 'lbarcziova', pullRequest: { number: 342, sourceBranch: 'master', targetBranch: 'master' } },
  },
  {
    file: 'webhooks/github/pr_comment_build.json',
    sender: 'github',
    header: 'issue_comment',
    expect: 'pull_request.comment',
    project: `${GH} packit-service/hello-world`,
    ref: 'pull_request:9',
    sha: null,
    ecosystem: 'upstream',
    fields: { command: { name: 'build', word: 'build' } },
  },
  {
    file: 'webhooks/github/pr_comment_copr_build.json',
    sender: 'github',
    header: 'issue_comment',
    expect: 'pull_request.comment',
    project: `${GH} packit-service/hello-world`,
    ref: 'pull_request:9',
    sha: null,
    ecosystem: 'upstream',
    fields: { command: { name: 'build', word: 'copr-build' } },
  },
  {
    file: 'webhooks/github/pr_comment_copr_build_2.json',
    sender: 'github',
    header: 'issue_comment',
    expect: 'pull_request.comment',
    project: `${GH} packit-service/hello-world`,
    ref: 'pull_request:26',
    sha: null,
    ecosystem: 'upstream',
    fields: { command: { name: 'build', word: 'copr-build' } },
  },
  {
    file: 'webhooks/github/pr_synchronize.json',
    sender: 'github',
    header: 'pull_request',
    expect: 'pull_request.synchronize',
    project: `${GH} packit-service/hello-world`,
    ref: 'pull_request:26',
    sha: '711e0faad307e0142947c2c3c5660917ad68c8d5',
    ecosystem: 'upstream',
    fields: {
      pullRequest: { sourceProject: { forge: 'github', instanceUrl: GH, namespace: 'rpitonak', repo: 'hello-world' } },
    },
  },
  {
    file: 'webhooks/github/push.json',
    sender: 'github',
    header: 'push',
    expect: 'ignored: push deleted refs/tags/simple-tag',
  },
  {
    file: 'webhooks/github/push_branch.json',
    sender: 'github',
    header: 'push',
    expect: 'push.branch',
    project: `${GH} packit-service/hello-world`,
    ref: 'branch:build-branch',
    sha: '04885ff850b0fa0e206cd09db73565703d48f99b',
    ecosystem: 'upstream',
  },
  {
    file: 'webhooks/github/push_to_pr.json',
    sender: 'github',
    header: 'pull_request',
    expect: 'pull_request.synchronize',
    project: `${GH} RedHatInsights/insights-core`,
    ref: 'pull_request:4418',
    sha: '98c722169d72dfeacc7aee065cf807cad6b60352',
    ecosystem: 'upstream',
  },
  {
    file: 'webhooks/github/release.json',
    sender: 'github',
    header: 'release',
    expect: 'release.published',
    project: `${GH} packit-service/hello-world`,
    ref: 'release:0.3.0',
    sha: null,
    ecosystem: 'upstream',
    fields: { release: { tag: '0.3.0', name: 'test' } },
  },
  // GitLab
  {
    file: 'webhooks/gitlab/issue_comment.json',
    sender: 'gitlab',
    header: 'Note Hook',
    expect: 'ignored: comment without a /packit command',
  },
  {
    file: 'webhooks/gitlab/mr_comment.json',
    sender: 'gitlab',
    header: 'Note Hook',
    expect: 'ignored: comment without a /packit command',
  },
  {
    file: 'webhooks/gitlab/mr_event.json',
    sender: 'gitlab',
    header: 'Merge Request Hook',
    expect: 'pull_request.opened',
    project: `${GL} testing/packit/hello-there`,
    ref: 'pull_request:1',
    sha: '1f6a716aa7a618a9ffe56970d77177d99d100022',
    ecosystem: 'upstream',
  },
  {
    file: 'webhooks/gitlab/mr_pipeline.json',
    sender: 'gitlab',
    header: 'Pipeline Hook',
    expect: 'ci_pipeline.updated',
    project: `${GL} redhat/centos-stream/rpms/luksmeta`,
    ref: 'pull_request:4',
    sha: 'ee58e259da263ecb4c1f0129be7aef8cfd4dedd6',
    ecosystem: 'stream',
    fields: { pipeline: { id: '384095584', status: 'failed', source: 'merge_request_event', ref: '9-c9s-src-5' } },
  },
  {
    file: 'webhooks/gitlab/push_branch.json',
    sender: 'gitlab',
    header: 'Push Hook',
    expect: 'push.branch',
    project: `${GL} testing/packit/hello-there`,
    ref: 'branch:test',
    sha: '952cfd32c1a9317f4c460dbe4a6bb3ac406c1002',
    ecosystem: 'upstream',
    fields: { push: { commitCount: 9 } },
  },
  {
    file: 'webhooks/gitlab/push_with_one_commit.json',
    sender: 'gitlab',
    header: 'Push Hook',
    expect: 'push.branch',
    project: `${GL} testing/packit/hello-there`,
    ref: 'branch:test2',
    sha: 'cb2859505e101785097e082529dced35bbee0c8f',
    ecosystem: 'upstream',
  },
  {
    file: 'webhooks/gitlab/release.json',
    sender: 'gitlab',
    header: 'Release Hook',
    expect: 'release.published',
    project: `${GL} fedora/src/python-teamcity-messages`,
    ref: 'release:v1.32',
    sha: '6147b3de219ecdda30ba727cf74a0414ca1e618a',
    ecosystem: 'upstream',
  },
  {
    file: 'webhooks/gitlab/tag_push.json',
    sender: 'gitlab',
    header: 'Tag Push Hook',
    expect: 'push.tag',
    project: `${GL} fedora/src/python-teamcity-messages`,
    ref: 'release:v1.32',
    sha: '6147b3de219ecdda30ba727cf74a0414ca1e618a',
    ecosystem: 'upstream',
  },
  // fedora-messaging
  {
    file: 'messages/copr_build_end.json',
    sender: 'messages',
    expect: 'copr.build_end',
    project: '-',
    sha: null,
    fields: {
      copr: {
        buildId: '1044215',
        chroot: 'fedora-rawhide-x86_64',
        srpm: false,
        status: 'succeeded',
        owner: 'packit',
        project: 'packit-service-hello-world-24',
      },
    },
  },
  {
    file: 'messages/copr_build_end_release.json',
    sender: 'messages',
    expect: 'copr.build_end',
    project: '-',
    sha: null,
    fields: { copr: { buildId: '1044215', project: 'packit-service-hello-world-releases' } },
  },
  {
    file: 'messages/copr_build_start.json',
    sender: 'messages',
    expect: 'copr.build_start',
    project: '-',
    sha: null,
    fields: { copr: { buildId: '1044215', status: 'running', srpm: false } },
  },
  {
    file: 'messages/srpm_build_start.json',
    sender: 'messages',
    expect: 'copr.build_start',
    project: '-',
    sha: null,
    fields: { copr: { buildId: '3122876', chroot: 'srpm-builds', srpm: true, pkg: null } },
  },
  {
    file: 'messages/distgit_commit.json',
    sender: 'messages',
    expect: 'push.branch',
    project: `${DG} rpms/buildah`,
    ref: 'branch:main',
    sha: 'abcd',
    ecosystem: 'upstream',
  },
  {
    file: 'messages/koji_build_completed_rawhide.json',
    sender: 'messages',
    expect: 'koji.build_state_change',
    project: `${DG} rpms/python-ogr`,
    ref: 'commit:e029dd5250dde9a37a2cdddb6d822d973b09e5da',
    sha: 'e029dd5250dde9a37a2cdddb6d822d973b09e5da',
    fields: {
      koji: {
        buildId: '1874074',
        taskId: '80860894',
        nvr: 'python-ogr-0.34.0-1.fc36',
        newState: 'COMPLETE',
        target: 'rawhide',
      },
    },
  },
  {
    file: 'messages/koji_build_scratch_end.json',
    sender: 'messages',
    expect: 'koji.task_state_change',
    project: '-',
    sha: null,
    fields: { koji: { taskId: '45270170', oldState: 'OPEN', newState: 'CLOSED', scratch: true, target: 'rawhide' } },
  },
  {
    file: 'messages/koji_build_scratch_start.json',
    sender: 'messages',
    expect: 'koji.task_state_change',
    project: '-',
    sha: null,
    fields: { koji: { taskId: '45270170', oldState: 'FREE', newState: 'OPEN' } },
  },
  {
    file: 'messages/pagure_pr_flag_updated.json',
    sender: 'messages',
    expect: 'pull_request.flag_updated',
    project: `${DG} rpms/packit`,
    ref: 'pull_request:268',
    sha: 'c69960e6f562c90905435fec824fcae952abfad6',
    ecosystem: 'upstream',
    fields: { flag: { status: 'success', username: 'Zuul' } },
  },
  {
    file: 'messages/pagure_pr_new.json',
    sender: 'messages',
    expect: 'pull_request.opened',
    project: `${DG} rpms/optee_os`,
    ref: 'pull_request:2',
    sha: '889f07af35d27bbcaf9c535c17a63b974aa42ee3',
    ecosystem: 'upstream',
    fields: { actor: 'zbyszek' },
  },
  // Testing Farm
  {
    file: 'testing-farm/notification.json',
    sender: 'testing-farm',
    expect: 'testing_farm.notification',
    project: '-',
    sha: null,
    fields: { testingFarm: { requestId: '129bd474-e4d3-49e0-9dec-d994a99feebc' } },
  },
  // stream (packit/hardly): routed with the staging rules below
  {
    file: 'stream/fedmsg_fedora-dg-pr-flag-updated.json',
    sender: 'messages',
    expect: 'pull_request.flag_updated',
    project: `${DG} rpms/python-httpretty`,
    ref: 'pull_request:25',
    sha: 'd0143f413982f696550bddfda1a0e0cb8466c855',
    ecosystem: 'upstream',
  },
  {
    file: 'stream/fedmsg_fedora-dg-push.json',
    sender: 'messages',
    expect: 'push.branch',
    project: `${DG} rpms/python-httpretty`,
    ref: 'branch:main',
    sha: '22316f250c392d60ce9db2fcae0d28d453bde646',
    ecosystem: 'upstream',
  },
  {
    file: 'stream/gitlab_mr_event.json',
    sender: 'gitlab',
    header: 'Merge Request Hook',
    expect: 'pull_request.opened',
    project: `${GL} packit-service/src/open-vm-tools`,
    ref: 'pull_request:5',
    sha: '82f9b8108e06a90e9cd0b43e8aafa6b991f981d9',
    ecosystem: 'stream',
    fields: {
      pullRequest: {
        targetBranch: 'c9s',
        sourceProject: { forge: 'gitlab', instanceUrl: GL, namespace: 'jpopelka', repo: 'src-open-vm-tools' },
      },
    },
  },
  {
    file: 'stream/gitlab_pipeline.json',
    sender: 'gitlab',
    header: 'Pipeline Hook',
    expect: 'ci_pipeline.updated',
    project: `${GL} packit-as-a-service-stg/open-vm-tools`,
    ref: 'pull_request:25',
    sha: '5e8406e38c0bc7bc105e291c408913971126fe40',
    ecosystem: 'stream',
  },
  {
    file: 'stream/gitlab_push.json',
    sender: 'gitlab',
    header: 'Push Hook',
    expect: 'push.branch',
    project: `${GL} packit-service/rpms/open-vm-tools`,
    ref: 'branch:c9s',
    sha: '15af92227f9e965b392e85ba2f08a41a5aeb278a',
    ecosystem: 'stream',
  },
];

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

function parse(row: Row, payload: unknown): ParseResult {
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
