// The typed events packflow acts on, as schemas (one source of truth: the TypeScript
// types are inferred from them, and the JetStream transport validates received payloads
// with them).
//
// Every event has the same envelope: `type` (dotted, lowercase; the subject is
// `<ecosystem>.<type>`), `source` (which intake endpoint it came from), the `project`,
// `ref` and `sha` it happened on (null where the payload does not say: a comment on a
// GitHub PR carries no sha, a Copr result no project), and the `actor` who caused it.
// GitHub pull requests, GitLab merge requests and Pagure pull requests are all
// `pull_request.*`; GitHub, GitLab and dist-git pushes are all `push.*`; the forge is
// in `project.forge`.
import { z } from 'zod';

export const FORGES = ['github', 'gitlab', 'pagure'] as const;
export const REF_KINDS = ['pull_request', 'branch', 'release', 'issue', 'commit'] as const;
export const EVENT_SOURCES = ['github', 'gitlab', 'messages', 'testing-farm'] as const;

export const projectSchema = z.object({
  forge: z.enum(FORGES),
  /** Origin of the forge instance: `https://github.com`, `https://gitlab.com`, `https://src.fedoraproject.org`. */
  instanceUrl: z.string().min(1),
  /** Everything before the last path segment: `packit`, `redhat/centos-stream/rpms`, `rpms`. */
  namespace: z.string().min(1),
  repo: z.string().min(1),
});
export type EventProject = z.infer<typeof projectSchema>;

export const refSchema = z.object({
  kind: z.enum(REF_KINDS),
  /** PR/MR/issue number, branch name, tag name, or the sha for `commit`. */
  name: z.string().min(1),
});
export type EventRef = z.infer<typeof refSchema>;

const envelope = {
  source: z.enum(EVENT_SOURCES),
  project: projectSchema.nullable(),
  ref: refSchema.nullable(),
  sha: z.string().min(1).nullable(),
  actor: z.string().nullable(),
};

/**
 * What planning needs to know about a forge event, when the payload says (absent or null
 * when it does not: planning then leaves out no job for it). Optional, so events recorded
 * before these fields existed still validate.
 */
const planningFields = {
  /** The repository's default branch: where `trigger: commit` jobs without `branch` run. */
  defaultBranch: z.string().min(1).nullable().optional(),
  /** Labels of the pull request the event is on (for `require.label`). */
  labels: z.array(z.string()).nullable().optional(),
  /**
   * How the author of the pull request or comment relates to the repository: GitHub's
   * `author_association` (`OWNER`, `MEMBER`, `COLLABORATOR`, `CONTRIBUTOR`, `NONE`…).
   */
  authorAssociation: z.string().nullable().optional(),
  /** Files the pushed commits added, modified or removed (a push that lists them all). */
  changedFiles: z.array(z.string()).nullable().optional(),
};

/**
 * Whose the event is, where one forge instance has several identities: a GitHub webhook
 * names the App installation it was delivered for (absent on other forges, and on events
 * recorded before it existed).
 */
const identityFields = {
  installationId: z.number().int().nullable().optional(),
};

const forgeEnvelope = { ...envelope, project: projectSchema, ref: refSchema, ...planningFields, ...identityFields };

/** The comment commands packflow knows (as Packit names them); `copr-build` is `build`. */
export const COMMAND_NAMES = [
  'build',
  'test',
  'retest-failed',
  'rebuild-failed',
  'propose-downstream',
  'koji-build',
  'upstream-koji-build',
  'create-update',
  'pull-from-upstream',
  'vm-image-build',
  'help',
] as const;

/** A parsed `/packit …` (or `/packit-stg …`) comment command. */
export const commandSchema = z.object({
  prefix: z.enum(['/packit', '/packit-stg']),
  /** Normalised command: `copr-build` is `build`; anything unknown is `help`. */
  name: z.enum(COMMAND_NAMES),
  /** The command word as written (`copr-build`, `frobnicate`…). */
  word: z.string(),
  /** Set when the word was not a known command: the reply explains the commands. */
  unknown: z.string().nullable(),
  /** `--identifier X` (`test`). */
  identifier: z.string().nullable(),
  /** `--package NAME` (monorepos). */
  package: z.string().nullable(),
  /** `--labels a,b` (`test`: the tests jobs with one of these labels). */
  labels: z.array(z.string()).nullable().optional(),
  /** `--commit BRANCH` / `--release TAG` (a comment on a commit or an issue). */
  commit: z.string().nullable().optional(),
  release: z.string().nullable().optional(),
  /** `--koji-target TARGET` (`koji-build`, `upstream-koji-build`): the Koji target to build in. */
  kojiTarget: z.string().nullable().optional(),
  /** `--version X` (`pull-from-upstream`): the upstream version to land. */
  version: z.string().nullable().optional(),
  /** `namespace/repo#123` (`test`: test with that pull request's builds). */
  buildsFrom: z.string().nullable().optional(),
  /** Every other argument, in order. */
  args: z.array(z.string()),
});
export type PackitCommand = z.infer<typeof commandSchema>;

const pullRequestFields = z.object({
  number: z.number().int().nonnegative(),
  title: z.string().nullable(),
  url: z.string().nullable(),
  sourceBranch: z.string().nullable(),
  targetBranch: z.string().nullable(),
  /** The repository the changes come from (a fork, or the project itself). */
  sourceProject: projectSchema.nullable(),
  merged: z.boolean(),
});

const pullRequestEvent = <T extends string>(type: T) =>
  z.object({ type: z.literal(type), ...forgeEnvelope, sha: z.string().min(1), pullRequest: pullRequestFields });

const pushEvent = <T extends string>(type: T) =>
  z.object({
    type: z.literal(type),
    ...forgeEnvelope,
    sha: z.string().min(1),
    push: z.object({
      ref: z.string(),
      before: z.string().nullable(),
      commitCount: z.number().int().nonnegative().nullable(),
      /** The pull request the push merged, when the message says (Pagure's `pull_request_id`). */
      pullRequest: z.number().int().positive().nullable().optional(),
    }),
  });

const commentEvent = <T extends string>(type: T) =>
  z.object({
    type: z.literal(type),
    ...forgeEnvelope,
    comment: z.object({ id: z.string(), body: z.string(), url: z.string().nullable() }),
    command: commandSchema,
    /** A comment on an issue: the issue's title and description, when the payload has them. */
    issue: z.object({ title: z.string().nullable(), body: z.string().nullable() }).nullable().optional(),
  });

const checkRunEvent = <T extends string>(type: T) =>
  z.object({
    type: z.literal(type),
    ...forgeEnvelope,
    sha: z.string().min(1),
    checkRun: z.object({ id: z.string(), name: z.string(), externalId: z.string().nullable() }),
    /** `check_run.requested_action`: the identifier of the button pressed. */
    requestedAction: z.object({ identifier: z.string() }).nullable(),
  });

const installationEvent = <T extends string>(type: T) =>
  z.object({
    type: z.literal(type),
    ...envelope,
    installation: z.object({
      id: z.string(),
      instanceUrl: z.string(),
      account: z.string(),
      /** `namespace/repo` of the repositories the event lists. */
      repositories: z.array(z.string()),
    }),
  });

/** Copr's build states, in the order of its numeric status codes (`status: 1` is `succeeded`). */
export const COPR_STATUSES = [
  'failed',
  'succeeded',
  'canceled',
  'running',
  'pending',
  'skipped',
  'starting',
  'importing',
  'forked',
  'waiting',
  'unknown',
] as const;
const coprStatus = z.enum(COPR_STATUSES);

/** Koji's TASK_STATES, in the order of their numbers (`state: 2` is `CLOSED`). */
export const KOJI_TASK_STATES = ['FREE', 'OPEN', 'CLOSED', 'CANCELED', 'ASSIGNED', 'FAILED'] as const;
/** Koji's BUILD_STATES, in the order of their numbers (`state: 1` is `COMPLETE`). */
export const KOJI_BUILD_STATES = ['BUILDING', 'COMPLETE', 'DELETED', 'FAILED', 'CANCELED'] as const;

const coprEvent = <T extends string>(type: T) =>
  z.object({
    type: z.literal(type),
    ...envelope,
    topic: z.string(),
    copr: z.object({
      buildId: z.string(),
      chroot: z.string(),
      /** Chroot `srpm-builds`: the SRPM build of a Copr build. */
      srpm: z.boolean(),
      owner: z.string(),
      project: z.string(),
      pkg: z.string().nullable(),
      version: z.string().nullable(),
      status: coprStatus,
    }),
  });

export const eventSchemas = [
  pullRequestEvent('pull_request.opened'),
  pullRequestEvent('pull_request.reopened'),
  pullRequestEvent('pull_request.synchronize'),
  pullRequestEvent('pull_request.closed'),
  z.object({
    type: z.literal('pull_request.flag_updated'),
    ...forgeEnvelope,
    sha: z.string().min(1),
    topic: z.string(),
    flag: z.object({
      status: z.string(),
      username: z.string().nullable(),
      comment: z.string().nullable(),
      url: z.string().nullable(),
    }),
  }),
  pushEvent('push.branch'),
  pushEvent('push.tag'),
  z.object({
    type: z.literal('release.published'),
    ...forgeEnvelope,
    release: z.object({ tag: z.string(), name: z.string().nullable(), url: z.string().nullable() }),
  }),
  commentEvent('pull_request.comment'),
  commentEvent('issue.comment'),
  commentEvent('commit.comment'),
  checkRunEvent('check_run.rerequested'),
  checkRunEvent('check_run.requested_action'),
  installationEvent('installation.created'),
  installationEvent('installation.deleted'),
  z.object({
    type: z.literal('ci_pipeline.updated'),
    ...forgeEnvelope,
    sha: z.string().min(1),
    pipeline: z.object({
      id: z.string(),
      status: z.string(),
      source: z.string().nullable(),
      ref: z.string().nullable(),
      mergeRequest: z
        .object({
          iid: z.number().int(),
          url: z.string().nullable(),
          sourceProjectId: z.string().nullable(),
          targetProjectId: z.string().nullable(),
        })
        .nullable(),
      /** The pipeline's jobs as the hook lists them (GitLab's `builds`); older messages have none. */
      jobs: z
        .array(
          z.object({
            id: z.string(),
            name: z.string(),
            stage: z.string().nullable(),
            status: z.string(),
            allowFailure: z.boolean(),
          }),
        )
        .default([]),
    }),
  }),
  coprEvent('copr.build_start'),
  coprEvent('copr.build_end'),
  z.object({
    type: z.literal('koji.task_state_change'),
    ...envelope,
    topic: z.string(),
    koji: z.object({
      taskId: z.string(),
      method: z.string().nullable(),
      oldState: z.string().nullable(),
      newState: z.string(),
      /** Source of the build: an SRPM name or a dist-git URL. */
      source: z.string().nullable(),
      target: z.string().nullable(),
      scratch: z.boolean(),
      owner: z.string().nullable(),
    }),
  }),
  z.object({
    type: z.literal('koji.build_state_change'),
    ...envelope,
    topic: z.string(),
    koji: z.object({
      buildId: z.string(),
      taskId: z.string().nullable(),
      nvr: z.string(),
      oldState: z.string().nullable(),
      newState: z.string(),
      target: z.string().nullable(),
      owner: z.string().nullable(),
    }),
  }),
  z.object({
    /**
     * A build tagged into a Koji tag (`buildsys.tag`). `project` is the dist-git repository
     * of the build's package; side tags of a `sidetag_group` move on with these.
     */
    type: z.literal('koji.tag'),
    ...envelope,
    topic: z.string(),
    koji: z.object({
      tag: z.string(),
      tagId: z.string(),
      buildId: z.string(),
      name: z.string(),
      nvr: z.string(),
      /** Who owns the build, and who tagged it. */
      owner: z.string().nullable(),
      user: z.string().nullable(),
    }),
  }),
  z.object({
    /**
     * A new upstream version found by release-monitoring.org (Anitya), directly or as
     * the-new-hotness relays it. `project` is the Fedora dist-git repository of the
     * package when the message names one.
     */
    type: z.literal('anitya.new_version'),
    ...envelope,
    topic: z.string(),
    anitya: z.object({
      projectId: z.string(),
      /** The upstream project's name on release-monitoring.org. */
      name: z.string(),
      version: z.string(),
      oldVersion: z.string().nullable(),
      /** The new versions in this update (newest last, as Anitya lists them). */
      upstreamVersions: z.array(z.string()),
      /** Packages of the project in distributions: `{distro: 'Fedora', name: 'redis'}`. */
      packages: z.array(z.object({ distro: z.string(), name: z.string() })),
      /** the-new-hotness: the Bugzilla bug it filed for the update. */
      bugId: z.string().nullable(),
    }),
  }),
  z.object({
    type: z.literal('testing_farm.notification'),
    ...envelope,
    /** The token Testing Farm sent back is checked by the scheduler and never kept here. */
    testingFarm: z.object({ requestId: z.string().min(1) }),
  }),
] as const;

export const eventSchema = z.discriminatedUnion('type', eventSchemas);

/** Any typed event. Narrow on `type`. */
export type PackflowEvent = z.infer<typeof eventSchema>;
export type EventType = PackflowEvent['type'];
export type EventOfType<T extends EventType> = Extract<PackflowEvent, { type: T }>;

/** Every event type, in a stable order. */
export const EVENT_TYPES: readonly EventType[] = eventSchemas.map((s) => s.shape.type.value);

/** Results of builds and tests: routed to the ecosystem that owns the build or test. */
export const RESULT_EVENT_TYPES = [
  'copr.build_start',
  'copr.build_end',
  'koji.task_state_change',
  'koji.build_state_change',
  'testing_farm.notification',
] as const satisfies readonly EventType[];
export type ResultEvent = EventOfType<(typeof RESULT_EVENT_TYPES)[number]>;

export function isResultEvent(event: PackflowEvent): event is ResultEvent {
  return (RESULT_EVENT_TYPES as readonly string[]).includes(event.type);
}
