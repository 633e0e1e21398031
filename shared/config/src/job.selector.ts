// Which configured jobs an event runs, and for every other one why not, in words a
// maintainer understands ("why didn't my job run?").
import type { JobType, Trigger } from './plan.types.js';
import type { JobConfig, PackitConfig } from './config.types.js';
import type { CommentCommand, PlanEvent } from './plan-event.types.js';
import { branchPattern } from './job.parser.js';
import { pathsMatch } from './paths.matcher.js';
import { pushAccountReason } from './allowed-accounts.js';
import type { ReleaseTable } from './release-table.loader.js';
import { resolveTargets } from './target.resolver.js';

/** What a comment command runs. `build` also runs the tests that follow the builds; `test` the builds tests need. */
interface CommandSpec {
  jobs: JobType[];
  mode: 'build' | 'test' | 'plain';
  failedOnly?: boolean;
}

const COMMANDS: Record<string, CommandSpec> = {
  build: { jobs: ['copr_build'], mode: 'build' },
  'copr-build': { jobs: ['copr_build'], mode: 'build' },
  'rebuild-failed': { jobs: ['copr_build'], mode: 'build', failedOnly: true },
  test: { jobs: ['tests'], mode: 'test' },
  'retest-failed': { jobs: ['tests'], mode: 'test', failedOnly: true },
  'upstream-koji-build': { jobs: ['upstream_koji_build'], mode: 'plain' },
  'koji-build': { jobs: ['koji_build'], mode: 'plain' },
  'create-update': { jobs: ['bodhi_update'], mode: 'plain' },
  'propose-downstream': { jobs: ['propose_downstream'], mode: 'plain' },
  'pull-from-upstream': { jobs: ['pull_from_upstream'], mode: 'plain' },
  'vm-image-build': { jobs: ['vm_image_build'], mode: 'plain' },
};

/** The comment that runs each job type by hand. */
const COMMAND_FOR: Record<JobType, string> = {
  copr_build: '/packit build',
  tests: '/packit test',
  upstream_koji_build: '/packit upstream-koji-build',
  koji_build: '/packit koji-build',
  bodhi_update: '/packit create-update',
  propose_downstream: '/packit propose-downstream',
  pull_from_upstream: '/packit pull-from-upstream',
  vm_image_build: '/packit vm-image-build',
};

/** Jobs that react to Fedora dist-git and Koji, not to the upstream repository. */
const DOWNSTREAM: readonly JobType[] = ['koji_build', 'bodhi_update', 'pull_from_upstream'];

const TRIGGER_WORDS: Record<string, string> = {
  pull_request: 'pull requests',
  commit: 'pushes to a branch',
  release: 'releases',
  koji_build: 'finished Koji builds',
};

export interface EventContext {
  /** The trigger of the jobs this event runs; null when it runs none (`reason` says why). */
  trigger: Trigger | null;
  /** Other triggers whose jobs it runs as well (`/packit create-update`: Bodhi jobs after Koji builds). */
  alsoTriggers?: Trigger[];
  reason?: string;
  automatic: boolean;
  branch?: string;
  tag?: string;
  /** For commit jobs without `branch`. */
  defaultBranch?: string;
  command?: CommentCommand & { spec: CommandSpec; text: string };
  /** The event in words: `a pull request`, `/packit build on a pull request`. */
  what: string;
}

export function eventContext(event: PlanEvent, instance: string): EventContext {
  const base = { branch: event.branch, defaultBranch: event.defaultBranch, tag: event.tag };
  switch (event.kind) {
    case 'pull_request':
      return { ...base, trigger: 'pull_request', automatic: true, what: 'a pull request' };
    case 'push':
      return { ...base, trigger: 'commit', automatic: true, what: `a push to ${event.branch ?? 'a branch'}` };
    case 'release':
      return { ...base, trigger: 'release', automatic: true, what: `release ${event.tag ?? ''}`.trim() };
    case 'koji_build':
      return { ...base, trigger: 'koji_build', automatic: true, what: 'a finished Koji build' };
    case 'comment': {
      const c = event.comment;
      const none = { ...base, trigger: null, automatic: false, what: 'a comment' };
      if (!c) return { ...none, reason: 'the comment has no /packit command' };
      if (c.instance !== instance)
        return { ...none, reason: `the comment addresses the ${c.instance} instance (/packit-${c.instance})` };
      const spec = COMMANDS[c.command];
      if (!spec) return { ...none, reason: `/packit ${c.command || ''} runs no job`.replace('  ', ' ') };
      const text = `/packit${c.instance === 'stg' ? '-stg' : ''} ${c.command}`;
      const command = { ...c, spec, text };
      if (eventSide(event) === 'dist-git') return distGitCommentContext(event, base, command);
      if (event.commentOn === 'issue')
        return { ...base, trigger: 'release', automatic: false, command, what: `${text} on an issue` };
      if (event.commentOn === 'commit') {
        const what = `${text} on a commit`;
        if (c.release) return { ...base, tag: c.release, trigger: 'release', automatic: false, command, what };
        return {
          ...base,
          branch: c.commit ?? event.branch ?? event.defaultBranch,
          trigger: 'commit',
          automatic: false,
          command,
          what,
        };
      }
      return { ...base, trigger: 'pull_request', automatic: false, command, what: `${text} on a pull request` };
    }
  }
}

/**
 * A command on a dist-git pull request (Packit's dist-git commands): the job of that
 * command runs for the pull request's target branch, with the trigger that job has.
 */
function distGitCommentContext(
  event: PlanEvent,
  base: Pick<EventContext, 'branch' | 'defaultBranch' | 'tag'>,
  command: NonNullable<EventContext['command']>,
): EventContext {
  const what = `${command.text} on a dist-git pull request`;
  switch (command.command) {
    case 'koji-build':
      return { ...base, trigger: 'commit', automatic: false, command, what };
    case 'create-update':
      return { ...base, trigger: 'commit', alsoTriggers: ['koji_build'], automatic: false, command, what };
    case 'pull-from-upstream':
      return { ...base, trigger: 'release', automatic: false, command, what };
    default:
      return {
        ...base,
        trigger: null,
        automatic: false,
        what,
        reason: `${command.text} runs on upstream repositories; on dist-git pull requests packflow runs /packit koji-build, create-update and pull-from-upstream`,
      };
  }
}

export interface SelectInput {
  config: PackitConfig;
  event: PlanEvent;
  ctx: EventContext;
  releases: ReleaseTable;
  instance: string;
}

/** Why this job does not run for the event, or undefined when it runs. `asFollower`: a tests job after `/packit build`. */
export function skipReason(job: JobConfig, input: SelectInput, asFollower = false): string | undefined {
  const { event, ctx, config } = input;
  if (job.trigger === 'ignore') return 'trigger is ignore: the job never runs';
  if (!job.instances.includes(input.instance)) {
    return `packit_instances is ${job.instances.join(', ')}: not for this (${input.instance}) instance`;
  }
  const side = eventSide(event);
  if (side === 'upstream' && DOWNSTREAM.includes(job.type))
    return `${job.type} runs on Fedora dist-git and Koji events, not on the upstream repository's`;
  if (side === 'dist-git' && !DOWNSTREAM.includes(job.type))
    return `${job.type} runs on upstream repository events, not on dist-git ones`;
  if (ctx.trigger === null) return ctx.reason ?? 'the event runs no job';
  const sidetag = sidetagReason(job, event);
  if (sidetag) return sidetag;
  if (job.trigger !== ctx.trigger && !updateOfFinishedBuild(job, event) && !ctx.alsoTriggers?.includes(job.trigger))
    return `trigger is ${job.trigger} (runs on ${TRIGGER_WORDS[job.trigger]}); this is ${ctx.what}`;

  const command = ctx.command;
  if (command && !asFollower) {
    if (!command.spec.jobs.includes(job.type))
      return `${command.text} does not run ${job.type} jobs (${COMMAND_FOR[job.type]} does)`;
    const wanted =
      command.identifier ??
      (command.spec.mode === 'test' && !command.labels ? defaultTestIdentifier(config) : undefined);
    if (wanted !== undefined && job.identifier !== wanted) {
      return `${command.text} asks for identifier ${wanted}; this job's identifier is ${job.identifier ?? 'not set'}`;
    }
    const labels =
      command.labels ?? (command.spec.mode === 'test' && !command.identifier ? defaultTestLabels(config) : undefined);
    if (labels && labels.length > 0 && !job.labels.some((l) => labels.includes(l))) {
      return `${command.text} asks for labels ${labels.join(', ')}; this job has ${job.labels.length > 0 ? `labels ${job.labels.join(', ')}` : 'no labels'}`;
    }
  }
  if (command?.package !== undefined) {
    const names = config.packages.map((p) => p.name);
    if (!names.includes(command.package))
      return `--package ${command.package}: no such package (packages: ${names.join(', ')})`;
    if (job.package !== command.package) return `--package ${command.package} leaves out package ${job.package}`;
  }
  if (job.type === 'vm_image_build' && ctx.automatic)
    return 'vm_image_build runs only from a /packit vm-image-build comment';
  if (job.manualTrigger && (ctx.automatic || asFollower)) {
    return `manual_trigger is true: runs only from a ${COMMAND_FOR[job.type]} comment`;
  }
  return (
    branchReason(job, input) ??
    labelReason(job, event) ??
    pathsReason(job, input) ??
    tagReason(job, ctx) ??
    pusherReason(job, event, ctx)
  );
}

/** koji_build on a dist-git push: the committer, or the merged pull request's author, must be allowed. */
function pusherReason(job: JobConfig, event: PlanEvent, ctx: EventContext): string | undefined {
  if (job.type !== 'koji_build' || !ctx.automatic || ctx.trigger !== 'commit' || !event.pushedBy) return undefined;
  return pushAccountReason(job, event.pushedBy);
}

/**
 * `sidetag_group`: jobs of a group run when a build is tagged into the group's side tag,
 * and only then; a bodhi_update of a group waits for those tags, not for a finished build.
 */
function sidetagReason(job: JobConfig, event: PlanEvent): string | undefined {
  const group = typeof job.options.sidetag_group === 'string' ? job.options.sidetag_group : undefined;
  if (event.kind !== 'koji_build') {
    if (group && job.type === 'bodhi_update')
      return `sidetag_group is ${group}: the update is made when the group's builds are tagged into its side tag`;
    return undefined;
  }
  if (event.sidetagGroup === undefined)
    return group ? `sidetag_group is ${group}: runs when builds are tagged into the group's side tag` : undefined;
  if (group !== event.sidetagGroup)
    return `${group ? `sidetag_group is ${group}` : 'no sidetag_group'}; the build was tagged into the side tag of ${event.sidetagGroup}`;
  return undefined;
}

/**
 * Packit's bodhi_update on dist-git names `commit` as its trigger, for the action that led
 * to the build: it runs when a Koji build of the branch finishes, never on the push itself.
 */
function updateOfFinishedBuild(job: JobConfig, event: PlanEvent): boolean {
  return job.type === 'bodhi_update' && job.trigger === 'commit' && event.kind === 'koji_build' && !event.sidetagGroup;
}

function branchReason(job: JobConfig, { event, ctx, releases }: SelectInput): string | undefined {
  if (eventSide(event) === 'dist-git') {
    if (job.type === 'bodhi_update' && job.trigger === 'commit' && event.kind === 'push')
      return 'bodhi_update runs when a Koji build of the branch finishes, not on the push itself';
    if ((job.trigger !== 'commit' && job.trigger !== 'koji_build' && !ctx.command) || ctx.branch === undefined)
      return undefined;
    const branches = resolveTargets(
      (job.distGitBranches ?? []).map((s) => s.name),
      releases,
      'branch',
    );
    const allowed = branches.length > 0 ? branches : ['rawhide'];
    return allowed.includes(ctx.branch)
      ? undefined
      : `dist-git branch ${ctx.branch} is not one of dist_git_branches (${allowed.join(', ')})`;
  }
  if (ctx.trigger === 'pull_request') {
    if (job.branch === null || ctx.branch === undefined) return undefined;
    return branchMatches(job.branch, ctx.branch)
      ? undefined
      : `branch is ${job.branch}: runs on pull requests into matching branches, not into ${ctx.branch}`;
  }
  if (ctx.trigger === 'commit') {
    const pattern = job.branch ?? ctx.defaultBranch;
    if (ctx.branch === undefined) return undefined;
    if (pattern === undefined)
      return 'the job runs on the default branch, and the event does not say which branch that is';
    if (branchMatches(pattern, ctx.branch)) return undefined;
    return job.branch === null
      ? `runs on pushes to the default branch ${pattern} (no branch set); this push is to ${ctx.branch}`
      : `branch is ${job.branch}; this push is to ${ctx.branch}`;
  }
  return undefined;
}

/** Where the event happened: Koji builds are downstream events even when the caller does not say. */
export function eventSide(event: PlanEvent): 'upstream' | 'dist-git' {
  return event.repository ?? (event.kind === 'koji_build' ? 'dist-git' : 'upstream');
}

/** Packit matches `branch` as a Python regular expression at the start of the name (`re.match`). */
export function branchMatches(pattern: string, branch: string): boolean {
  const re = branchPattern(pattern);
  return re ? re.test(branch) : pattern === branch;
}

function labelReason(job: JobConfig, event: PlanEvent): string | undefined {
  if (job.trigger !== 'pull_request' || event.labels === undefined) return undefined;
  const { present, absent } = job.requireLabels;
  if (present.length > 0 && !present.some((l) => event.labels!.includes(l))) {
    return `require.label.present: needs one of the labels ${present.join(', ')} on the pull request`;
  }
  const blocking = absent.filter((l) => event.labels!.includes(l));
  if (blocking.length > 0) return `require.label.absent: the pull request has the label ${blocking.join(', ')}`;
  return undefined;
}

function pathsReason(job: JobConfig, { config, event, ctx }: SelectInput): string | undefined {
  if (!ctx.automatic || event.changedFiles === undefined) return undefined;
  if (ctx.trigger !== 'pull_request' && ctx.trigger !== 'commit') return undefined;
  const pkg = config.packages.find((p) => p.name === job.package);
  if (!pkg || pathsMatch(pkg.paths, event.changedFiles)) return undefined;
  return `paths unchanged: no changed file is under ${pkg.paths.join(', ')}${pkg.name ? ` (package ${pkg.name})` : ''}`;
}

function tagReason(job: JobConfig, { tag }: EventContext): string | undefined {
  if (tag === undefined || (job.type !== 'propose_downstream' && job.type !== 'pull_from_upstream')) return undefined;
  const include = job.options.upstream_tag_include;
  const exclude = job.options.upstream_tag_exclude;
  if (typeof include === 'string' && !branchMatches(include, tag))
    return `upstream_tag_include ${include} does not match tag ${tag}`;
  if (typeof exclude === 'string' && branchMatches(exclude, tag))
    return `upstream_tag_exclude ${exclude} matches tag ${tag}`;
  return undefined;
}

function testCommand(config: PackitConfig): Record<string, unknown> {
  const v = config.packages[0]?.options.test_command;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function defaultTestIdentifier(config: PackitConfig): string | undefined {
  const v = testCommand(config).default_identifier;
  return typeof v === 'string' ? v : undefined;
}

function defaultTestLabels(config: PackitConfig): string[] | undefined {
  const v = testCommand(config).default_labels;
  return Array.isArray(v) ? v.map(String) : undefined;
}
