// The kinds of items the upstream ecosystem's steps run, and where each keeps its rows
// (the `upstream` schema). Handed to the engine and the repositories through the
// process's ItemKinds; nothing outside this package names these tables.
import type { GroupInput, ItemKindDefinition } from '@packflow/core';

const option = (input: GroupInput, key: string) =>
  typeof input.options[key] === 'string' ? (input.options[key] as string) : null;

export const SRPM_BUILD: ItemKindDefinition = {
  kind: 'srpm_build',
  jobs: ['srpm_build'],
  label: 'SRPM build',
  groupTable: null,
  groupColumn: null,
  targetTable: 'upstream.srpm_builds',
  groupLinkTable: 'upstream.pipeline_step_srpm_builds',
  groupLinkColumn: 'srpm_build_id',
  targetLinkTable: null,
  targetLinkColumn: null,
};

export const COPR_BUILD: ItemKindDefinition = {
  kind: 'copr_build',
  jobs: ['copr_build'],
  label: 'build',
  groupTable: 'upstream.copr_builds',
  groupColumn: 'copr_build_id',
  targetTable: 'upstream.copr_build_targets',
  groupLinkTable: 'upstream.pipeline_step_copr_builds',
  groupLinkColumn: 'copr_build_id',
  targetLinkTable: 'upstream.pipeline_step_copr_build_targets',
  targetLinkColumn: 'copr_build_target_id',
  groupValues: (input) => ({
    srpm_build_id: input.predecessors.srpm_build ?? null,
    owner: option(input, 'owner'),
    project_name: option(input, 'project'),
  }),
};

export const TESTS: ItemKindDefinition = {
  kind: 'tests',
  jobs: ['tests'],
  label: 'tests',
  groupTable: 'upstream.test_runs',
  groupColumn: 'test_run_id',
  targetTable: 'upstream.test_run_targets',
  groupLinkTable: 'upstream.pipeline_step_test_runs',
  groupLinkColumn: 'test_run_id',
  targetLinkTable: 'upstream.pipeline_step_test_run_targets',
  targetLinkColumn: 'test_run_target_id',
  groupValues: (input) => ({ copr_build_id: input.predecessors.copr_build ?? null }),
  notificationTokenColumn: 'notification_token_hash',
};

export const KOJI_BUILD: ItemKindDefinition = {
  kind: 'koji_build',
  jobs: ['koji_build', 'upstream_koji_build'],
  label: 'Koji build',
  groupTable: 'upstream.koji_builds',
  groupColumn: 'koji_build_id',
  targetTable: 'upstream.koji_build_targets',
  groupLinkTable: 'upstream.pipeline_step_koji_builds',
  groupLinkColumn: 'koji_build_id',
  targetLinkTable: 'upstream.pipeline_step_koji_build_targets',
  targetLinkColumn: 'koji_build_target_id',
  groupValues: (input) => ({
    srpm_build_id: input.predecessors.srpm_build ?? null,
    scratch: input.options.scratch === true,
  }),
};

/** Every other upstream job (propose_downstream, pull_from_upstream, …): one row per target. */
export const JOB_RUN: ItemKindDefinition = {
  kind: 'job_run',
  jobs: '*',
  groupTable: 'upstream.job_runs',
  groupColumn: 'job_run_id',
  targetTable: 'upstream.job_run_targets',
  groupLinkTable: 'upstream.pipeline_step_job_runs',
  groupLinkColumn: 'job_run_id',
  targetLinkTable: 'upstream.pipeline_step_job_run_targets',
  targetLinkColumn: 'job_run_target_id',
  groupValues: (input) => ({ job: input.job }),
};

export const UPSTREAM_KINDS: readonly ItemKindDefinition[] = [SRPM_BUILD, COPR_BUILD, TESTS, KOJI_BUILD, JOB_RUN];
