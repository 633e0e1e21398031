// Which entity schemas belong to which migration base (and so to which Postgres schema).
import type { EntitySchema } from '@mikro-orm/core';
import { CommitSchema } from './shared/commit.entity.js';
import { EventSchema } from './shared/event.entity.js';
import { PipelineStepEdgeSchema } from './shared/pipeline-step-edge.entity.js';
import { PipelineStepSchema } from './shared/pipeline-step.entity.js';
import { PipelineSchema } from './shared/pipeline.entity.js';
import { ProjectRefSchema } from './shared/project-ref.entity.js';
import { ProjectSchema } from './shared/project.entity.js';
import { KcidbBuildSchema } from './shared/kcidb/kcidb-build.entity.js';
import { KcidbCheckoutSchema } from './shared/kcidb/kcidb-checkout.entity.js';
import { KcidbIncidentSchema } from './shared/kcidb/kcidb-incident.entity.js';
import { KcidbHardwareRollupSchema } from './shared/kcidb/kcidb-hardware-rollup.entity.js';
import { KcidbIssueSchema } from './shared/kcidb/kcidb-issue.entity.js';
import { KcidbSubmissionSchema } from './shared/kcidb/kcidb-submission.entity.js';
import { KcidbTestSchema } from './shared/kcidb/kcidb-test.entity.js';
import { OutboxMessageSchema } from './shared/outbox-message.entity.js';
import { DeadLetterSchema } from './shared/dead-letter.entity.js';
import { CoprBuildSchema, CoprBuildTargetSchema } from './upstream/copr-build.entity.js';
import { KojiBuildSchema, KojiBuildTargetSchema } from './upstream/koji-build.entity.js';
import { SrpmBuildSchema } from './upstream/srpm-build.entity.js';
import {
  StepCoprBuildSchema,
  StepCoprBuildTargetSchema,
  StepKojiBuildSchema,
  StepKojiBuildTargetSchema,
  StepSrpmBuildSchema,
  StepTestRunSchema,
  StepTestRunTargetSchema,
  StepJobRunSchema,
  StepJobRunTargetSchema,
} from './upstream/step-links.entity.js';
import { JobRunSchema, JobRunTargetSchema } from './upstream/job-run.entity.js';
import { TestRunSchema, TestRunTargetSchema } from './upstream/test-run.entity.js';
import { MrPairSchema } from './stream/mr-pair.entity.js';
import { SyncRunSchema } from './stream/sync-run.entity.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySchema = EntitySchema<any>;

const bases: Record<string, readonly AnySchema[]> = {
  shared: [
    ProjectSchema,
    ProjectRefSchema,
    CommitSchema,
    EventSchema,
    PipelineSchema,
    PipelineStepSchema,
    PipelineStepEdgeSchema,
    OutboxMessageSchema,
    DeadLetterSchema,
    KcidbCheckoutSchema,
    KcidbBuildSchema,
    KcidbTestSchema,
    KcidbIssueSchema,
    KcidbIncidentSchema,
    KcidbSubmissionSchema,
    KcidbHardwareRollupSchema,
  ],
  upstream: [
    SrpmBuildSchema,
    CoprBuildSchema,
    CoprBuildTargetSchema,
    KojiBuildSchema,
    KojiBuildTargetSchema,
    TestRunSchema,
    TestRunTargetSchema,
    StepSrpmBuildSchema,
    StepCoprBuildSchema,
    StepCoprBuildTargetSchema,
    StepKojiBuildSchema,
    StepKojiBuildTargetSchema,
    StepTestRunSchema,
    StepTestRunTargetSchema,
    JobRunSchema,
    JobRunTargetSchema,
    StepJobRunSchema,
    StepJobRunTargetSchema,
  ],
  stream: [MrPairSchema, SyncRunSchema],
};

export function entitiesOfBase(base: string): readonly AnySchema[] {
  return bases[base] ?? [];
}

export const ALL_ENTITIES = (): AnySchema[] => Object.values(bases).flat();

/** Migration bases in dependency order; each owns the Postgres schema of the same name. */
export const BASES = ['shared', 'upstream', 'stream'] as const;
