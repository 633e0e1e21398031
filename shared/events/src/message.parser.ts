// fedora-messaging bodies -> typed events, as the scheduler's consumer or an HTTP bridge hands them over.
// Two shapes arrive: flat (`{"topic": …, …fields}`) and the full envelope (`{"topic",
// "headers", "id", "body"}`). Topics are matched without their environment prefix
// (`org.fedoraproject.prod.`, `org.fedoraproject.stg.`), so staging works the same.
import { ValidationError } from '@packflow/base';
import { parseCommentCommand } from './command.parser.js';
import {
  COPR_STATUSES,
  KOJI_BUILD_STATES,
  KOJI_TASK_STATES,
  type EventProject,
  type PackflowEvent,
} from './event.schema.js';
import { eventOf, ignored, PayloadReader, splitRepositoryUrl, type ParseResult } from './payload.reader.js';

const PROD_DIST_GIT = 'https://src.fedoraproject.org';

/** dist-git instances by topic environment. */
const DIST_GIT = new Map([
  ['org.fedoraproject.prod', PROD_DIST_GIT],
  ['org.fedoraproject.stg', 'https://src.stg.fedoraproject.org'],
]);

export interface BusMessage {
  topic: string;
  /** The envelope's message id, when the message came as an envelope. */
  id: string | null;
  body: PayloadReader;
}

/** Splits either shape into topic, id and body. */
export function readBusMessage(payload: unknown): BusMessage {
  const top = PayloadReader.of(payload, 'message');
  const topic = top.str('topic');
  const enveloped = top.has('body') && typeof top.raw('body') === 'object' && (top.has('headers') || top.has('id'));
  return { topic, id: enveloped ? top.optId('id') : null, body: enveloped ? top.obj('body') : top };
}

/**
 * Parses one bus message. Returns a typed event, `{ignored}` for a topic packflow does
 * not act on, or throws a ValidationError naming the missing field.
 */
export function parseMessage(payload: unknown): ParseResult {
  const { topic, body } = readBusMessage(payload);
  const env = DIST_GIT_ENV.exec(topic)?.[1] ?? null;
  const name = env ? topic.slice(env.length + 1) : topic;
  switch (name) {
    case 'copr.build.start':
    case 'copr.build.end':
      return copr(topic, name === 'copr.build.start' ? 'copr.build_start' : 'copr.build_end', body);
    case 'buildsys.task.state.change':
      return kojiTask(topic, body);
    case 'buildsys.build.state.change':
      return kojiBuild(topic, body);
    case 'buildsys.tag':
      return kojiTag(topic, env, body);
    case 'git.receive':
      return distGitPush(topic, env, body.obj('commit'));
    case 'pagure.git.receive':
      return pagureGitReceive(topic, env, body);
    case 'pagure.pull-request.new':
      return pagurePullRequest(topic, 'pull_request.opened', body);
    case 'pagure.pull-request.updated':
    case 'pagure.pull-request.rebased':
      return pagurePullRequest(topic, 'pull_request.synchronize', body);
    case 'pagure.pull-request.comment.added':
      return pagureComment(body);
    case 'anitya.project.version.update.v2':
      return anitya(topic, env, body.obj('message'), null);
    case 'hotness.update.bug.file':
      return anitya(topic, env, body.obj('trigger').obj('msg').obj('message'), body);
    case 'pagure.pull-request.flag.added':
    case 'pagure.pull-request.flag.updated':
      return pagureFlag(topic, body);
    default:
      return ignored(`topic ${topic} is not acted on`, topic);
  }
}

const DIST_GIT_ENV = /^(org\.[a-z-]+\.(?:prod|stg))\./;

const results = { source: 'messages' as const, project: null, ref: null, sha: null };

function copr(topic: string, type: 'copr.build_start' | 'copr.build_end', body: PayloadReader): ParseResult {
  const status = body.int('status');
  const chroot = body.str('chroot');
  return eventOf(type, {
    ...results,
    actor: body.optStr('user') ?? body.optStr('owner'),
    topic,
    copr: {
      buildId: body.id('build'),
      chroot,
      srpm: chroot === 'srpm-builds',
      owner: body.str('owner'),
      project: body.str('copr'),
      pkg: body.optStr('pkg'),
      version: body.optStr('version'),
      status: COPR_STATUSES[status] ?? 'unknown',
    },
  });
}

/** `git+https://src.fedoraproject.org/rpms/python-ogr.git#e029…` -> project and sha. */
export function distGitSource(source: string | null): { project: EventProject; sha: string } | null {
  const m = source ? /^(?:git\+)?(https:\/\/[^#?]+?)(?:\.git)?(?:\?[^#]*)?#([0-9a-f]{7,64})$/.exec(source) : null;
  if (!m) return null;
  try {
    const { instanceUrl, namespace, repo } = splitRepositoryUrl(m[1], 'request');
    return { project: { forge: 'pagure', instanceUrl, namespace, repo }, sha: m[2] };
  } catch {
    return null;
  }
}

function state(value: unknown, names: readonly string[]): string | null {
  if (typeof value === 'number') return names[value] ?? String(value);
  return typeof value === 'string' ? value : null;
}

function kojiTask(topic: string, body: PayloadReader): ParseResult {
  const attribute = body.optStr('attribute');
  if (attribute && attribute !== 'state')
    return ignored(`Koji task ${attribute} change is not acted on`, 'koji.task_change');
  const info = body.optObj('info');
  const request = info?.has('request') ? info.arr('request') : [];
  const source = typeof request[0] === 'string' ? request[0] : (body.optStr('srpm') ?? null);
  const options = request[2] && typeof request[2] === 'object' ? (request[2] as Record<string, unknown>) : {};
  const newState = state(body.raw('new'), KOJI_TASK_STATES) ?? body.fail('new', 'a task state');
  const dist = distGitSource(source);
  const event: PackflowEvent = {
    type: 'koji.task_state_change',
    source: 'messages',
    project: dist?.project ?? null,
    ref: dist ? { kind: 'commit', name: dist.sha } : null,
    sha: dist?.sha ?? null,
    actor: body.optStr('owner'),
    topic,
    koji: {
      taskId: body.id('id'),
      method: body.optStr('method') ?? info?.optStr('method') ?? null,
      oldState: state(body.raw('old'), KOJI_TASK_STATES),
      newState,
      source,
      target: typeof request[1] === 'string' ? request[1] : null,
      scratch: options.scratch === true,
      owner: body.optStr('owner'),
    },
  };
  return event;
}

function kojiBuild(topic: string, body: PayloadReader): ParseResult {
  const attribute = body.optStr('attribute');
  if (attribute && attribute !== 'state')
    return ignored(`Koji build ${attribute} change is not acted on`, 'koji.build_change');
  const request = body.has('request') ? body.arr('request') : [];
  const dist = distGitSource(typeof request[0] === 'string' ? request[0] : null);
  const newState = state(body.raw('new'), KOJI_BUILD_STATES) ?? body.fail('new', 'a build state');
  return {
    type: 'koji.build_state_change',
    source: 'messages',
    project: dist?.project ?? null,
    ref: dist ? { kind: 'commit', name: dist.sha } : null,
    sha: dist?.sha ?? null,
    actor: body.optStr('owner'),
    topic,
    koji: {
      buildId: body.id('build_id'),
      taskId: body.optId('task_id'),
      nvr: `${body.str('name')}-${body.str('version')}-${body.str('release')}`,
      oldState: state(body.raw('old'), KOJI_BUILD_STATES),
      newState,
      target: typeof request[1] === 'string' ? request[1] : null,
      owner: body.optStr('owner'),
    },
  };
}

/** Koji names its side tags `<build tag>-side-<id>` (the sidetag plugin). */
export const SIDE_TAG = /-side-\d+$/;

/** `buildsys.tag`: a build tagged into a tag; its package's dist-git repository is the project. */
function kojiTag(topic: string, env: string | null, body: PayloadReader): ParseResult {
  const name = body.str('name');
  return {
    type: 'koji.tag',
    source: 'messages',
    project: { forge: 'pagure', instanceUrl: DIST_GIT.get(env ?? '') ?? PROD_DIST_GIT, namespace: 'rpms', repo: name },
    ref: null,
    sha: null,
    actor: body.optStr('user'),
    topic,
    koji: {
      tag: body.str('tag'),
      tagId: body.id('tag_id'),
      buildId: body.id('build_id'),
      name,
      nvr: `${name}-${body.str('version')}-${body.str('release')}`,
      owner: body.optStr('owner'),
      user: body.optStr('user'),
    },
  };
}

function distGitInstance(topic: string, env: string | null): string {
  const instance = env ? DIST_GIT.get(env) : undefined;
  if (!instance) throw new ValidationError(`topic: no dist-git instance is known for ${topic}`, { field: 'topic' });
  return instance;
}

function distGitPushEvent(
  project: EventProject,
  branch: string,
  sha: string,
  actor: string | null,
  pullRequest: number | null = null,
): ParseResult {
  return {
    type: 'push.branch',
    source: 'messages',
    project,
    ref: { kind: 'branch', name: branch },
    sha,
    actor,
    push: { ref: `refs/heads/${branch}`, before: null, commitCount: null, pullRequest },
  };
}

/** `git.receive`: one commit pushed to dist-git. */
function distGitPush(topic: string, env: string | null, commit: PayloadReader): ParseResult {
  const project: EventProject = {
    forge: 'pagure',
    instanceUrl: distGitInstance(topic, env),
    namespace: commit.str('namespace'),
    repo: commit.str('repo'),
  };
  return distGitPushEvent(
    project,
    commit.str('branch'),
    commit.str('rev'),
    commit.optStr('username') ?? commit.optStr('agent'),
  );
}

/** `pagure.git.receive`: a push to a Pagure repository. */
function pagureGitReceive(topic: string, env: string | null, body: PayloadReader): ParseResult {
  const repo = body.obj('repo');
  const fullUrl = repo.optStr('full_url');
  const project: EventProject = fullUrl
    ? { forge: 'pagure', ...splitRepositoryUrl(fullUrl, 'repo.full_url') }
    : {
        forge: 'pagure',
        instanceUrl: distGitInstance(topic, env),
        namespace: repo.optStr('namespace') || '',
        repo: repo.str('name'),
      };
  if (!project.namespace) return repo.fail('namespace', 'a namespace');
  const pullRequest = body.raw('pull_request_id') == null ? null : body.int('pull_request_id');
  return distGitPushEvent(project, body.str('branch'), body.str('end_commit'), body.optStr('agent'), pullRequest);
}

function pagureProject(pr: PayloadReader, key: string): EventProject {
  const repo = pr.obj(key);
  return { forge: 'pagure', ...splitRepositoryUrl(repo.str('full_url'), `pullrequest.${key}.full_url`) };
}

function pagurePullRequest(
  topic: string,
  type: 'pull_request.opened' | 'pull_request.synchronize',
  body: PayloadReader,
): ParseResult {
  const pr = body.obj('pullrequest');
  const number = pr.int('id');
  const sha = pr.str('commit_stop');
  return eventOf(type, {
    source: 'messages',
    project: pagureProject(pr, 'project'),
    ref: { kind: 'pull_request', name: String(number) },
    sha,
    actor: body.optStr('agent') ?? pr.optObj('user')?.optStr('name') ?? null,
    pullRequest: {
      number,
      title: pr.optStr('title'),
      url: pr.optStr('full_url'),
      sourceBranch: pr.optStr('branch_from'),
      targetBranch: pr.optStr('branch'),
      sourceProject: pr.has('repo_from') ? pagureProject(pr, 'repo_from') : null,
      merged: pr.optStr('status') === 'Merged',
    },
  });
}

function pagureFlag(topic: string, body: PayloadReader): ParseResult {
  const pr = body.obj('pullrequest');
  const flag = body.obj('flag');
  const sha = flag.optStr('commit_hash') ?? pr.str('commit_stop');
  return {
    type: 'pull_request.flag_updated',
    source: 'messages',
    project: pagureProject(pr, 'project'),
    ref: { kind: 'pull_request', name: String(pr.int('id')) },
    sha,
    actor: body.optStr('agent'),
    topic,
    flag: {
      status: flag.str('status'),
      username: flag.optStr('username'),
      comment: flag.optStr('comment'),
      url: flag.optStr('url'),
    },
  };
}

/**
 * `pagure.pull-request.comment.added`: the newest comment of the pull request (the one
 * added) is read for a `/packit` command, as on GitHub and GitLab.
 */
function pagureComment(body: PayloadReader): ParseResult {
  const pr = body.obj('pullrequest');
  const comments = pr.objects('comments');
  const added = comments.at(-1);
  if (!added) return pr.fail('comments', 'the added comment');
  const text = added.optStr('comment') ?? '';
  const command = parseCommentCommand(text);
  if (!command) return ignored('comment without a /packit command', 'pull_request.comment');
  const project = pagureProject(pr, 'project');
  const id = added.id('id');
  return {
    type: 'pull_request.comment',
    source: 'messages',
    project,
    ref: { kind: 'pull_request', name: String(pr.int('id')) },
    sha: pr.optStr('commit_stop'),
    actor: body.optStr('agent') ?? added.optObj('user')?.optStr('name') ?? null,
    comment: { id, body: text, url: `${pr.str('full_url')}#comment-${id}` },
    command,
  };
}

/**
 * A new upstream version from release-monitoring.org: Anitya's own message, or the one
 * the-new-hotness relays (with the package and the bug it filed). The Fedora package, when
 * named, is the dist-git project.
 */
function anitya(topic: string, env: string | null, message: PayloadReader, hotness: PayloadReader | null): ParseResult {
  const project = message.obj('project');
  const packages = (message.has('packages') ? message.objects('packages') : []).map((p) => ({
    distro: p.str('distro'),
    name: p.str('package_name'),
  }));
  const fedora = hotness?.optStr('package') ?? packages.find((p) => p.distro === 'Fedora')?.name ?? null;
  const upstreamVersions = message.has('upstream_versions')
    ? message.arr('upstream_versions').filter((v): v is string => typeof v === 'string')
    : [];
  return {
    type: 'anitya.new_version',
    source: 'messages',
    project: fedora
      ? { forge: 'pagure', instanceUrl: DIST_GIT.get(env ?? '') ?? PROD_DIST_GIT, namespace: 'rpms', repo: fedora }
      : null,
    ref: null,
    sha: null,
    actor: message.optStr('agent'),
    topic,
    anitya: {
      projectId: project.id('id'),
      name: project.str('name'),
      version: project.str('version'),
      oldVersion: message.optStr('old_version'),
      upstreamVersions,
      packages,
      bugId: hotness?.optObj('bug')?.optId('bug_id') ?? null,
    },
  };
}
