// Links from a pipeline step (shared base) to what it runs (upstream base).
// A step links to exactly one group; a group may be linked from steps of several
// pipelines. Which targets of the group a step counts is linked per target, so a rerun
// of one chroot links the original group, the five chroot builds it reuses and the one
// it redid: shared rows, not copies.
import { EntitySchema } from '@mikro-orm/core';
import { PipelineStep } from '@packflow/core';
import { CoprBuild, CoprBuildTarget } from './copr-build.entity.js';
import { KojiBuild, KojiBuildTarget } from './koji-build.entity.js';
import { SrpmBuild } from './srpm-build.entity.js';
import { TestRun, TestRunTarget } from './test-run.entity.js';
import { JobRun, JobRunTarget } from './job-run.entity.js';

const stepColumn = { kind: 'm:1', entity: () => PipelineStep, primary: true, deleteRule: 'cascade' } as const;
const itemColumn = <T>(entity: () => T) => ({ kind: 'm:1', entity, deleteRule: 'cascade' }) as const;
const itemKeyColumn = <T>(entity: () => T) => ({ ...itemColumn(entity), primary: true }) as const;

export class StepSrpmBuild {
  step!: PipelineStep;
  srpmBuild!: SrpmBuild;
}
export const StepSrpmBuildSchema = new EntitySchema<StepSrpmBuild>({
  class: StepSrpmBuild,
  schema: 'upstream',
  tableName: 'pipeline_step_srpm_builds',
  properties: { step: stepColumn, srpmBuild: itemColumn(() => SrpmBuild) },
  indexes: [{ name: 'pipeline_step_srpm_builds_item_index', properties: ['srpmBuild'] }],
});

export class StepCoprBuild {
  step!: PipelineStep;
  coprBuild!: CoprBuild;
}
export const StepCoprBuildSchema = new EntitySchema<StepCoprBuild>({
  class: StepCoprBuild,
  schema: 'upstream',
  tableName: 'pipeline_step_copr_builds',
  properties: { step: stepColumn, coprBuild: itemColumn(() => CoprBuild) },
  indexes: [{ name: 'pipeline_step_copr_builds_item_index', properties: ['coprBuild'] }],
});

export class StepCoprBuildTarget {
  step!: PipelineStep;
  coprBuildTarget!: CoprBuildTarget;
}
export const StepCoprBuildTargetSchema = new EntitySchema<StepCoprBuildTarget>({
  class: StepCoprBuildTarget,
  schema: 'upstream',
  tableName: 'pipeline_step_copr_build_targets',
  properties: { step: stepColumn, coprBuildTarget: itemKeyColumn(() => CoprBuildTarget) },
  indexes: [{ name: 'pipeline_step_copr_build_targets_item_index', properties: ['coprBuildTarget'] }],
});

export class StepKojiBuild {
  step!: PipelineStep;
  kojiBuild!: KojiBuild;
}
export const StepKojiBuildSchema = new EntitySchema<StepKojiBuild>({
  class: StepKojiBuild,
  schema: 'upstream',
  tableName: 'pipeline_step_koji_builds',
  properties: { step: stepColumn, kojiBuild: itemColumn(() => KojiBuild) },
  indexes: [{ name: 'pipeline_step_koji_builds_item_index', properties: ['kojiBuild'] }],
});

export class StepKojiBuildTarget {
  step!: PipelineStep;
  kojiBuildTarget!: KojiBuildTarget;
}
export const StepKojiBuildTargetSchema = new EntitySchema<StepKojiBuildTarget>({
  class: StepKojiBuildTarget,
  schema: 'upstream',
  tableName: 'pipeline_step_koji_build_targets',
  properties: { step: stepColumn, kojiBuildTarget: itemKeyColumn(() => KojiBuildTarget) },
  indexes: [{ name: 'pipeline_step_koji_build_targets_item_index', properties: ['kojiBuildTarget'] }],
});

export class StepTestRun {
  step!: PipelineStep;
  testRun!: TestRun;
}
export const StepTestRunSchema = new EntitySchema<StepTestRun>({
  class: StepTestRun,
  schema: 'upstream',
  tableName: 'pipeline_step_test_runs',
  properties: { step: stepColumn, testRun: itemColumn(() => TestRun) },
  indexes: [{ name: 'pipeline_step_test_runs_item_index', properties: ['testRun'] }],
});

export class StepTestRunTarget {
  step!: PipelineStep;
  testRunTarget!: TestRunTarget;
}
export const StepTestRunTargetSchema = new EntitySchema<StepTestRunTarget>({
  class: StepTestRunTarget,
  schema: 'upstream',
  tableName: 'pipeline_step_test_run_targets',
  properties: { step: stepColumn, testRunTarget: itemKeyColumn(() => TestRunTarget) },
  indexes: [{ name: 'pipeline_step_test_run_targets_item_index', properties: ['testRunTarget'] }],
});

export class StepJobRun {
  step!: PipelineStep;
  jobRun!: JobRun;
}
export const StepJobRunSchema = new EntitySchema<StepJobRun>({
  class: StepJobRun,
  schema: 'upstream',
  tableName: 'pipeline_step_job_runs',
  properties: { step: stepColumn, jobRun: itemColumn(() => JobRun) },
  indexes: [{ name: 'pipeline_step_job_runs_item_index', properties: ['jobRun'] }],
});

export class StepJobRunTarget {
  step!: PipelineStep;
  jobRunTarget!: JobRunTarget;
}
export const StepJobRunTargetSchema = new EntitySchema<StepJobRunTarget>({
  class: StepJobRunTarget,
  schema: 'upstream',
  tableName: 'pipeline_step_job_run_targets',
  properties: { step: stepColumn, jobRunTarget: itemKeyColumn(() => JobRunTarget) },
  indexes: [{ name: 'pipeline_step_job_run_targets_item_index', properties: ['jobRunTarget'] }],
});
