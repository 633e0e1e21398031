import { BigIntType, EntitySchema } from '@mikro-orm/core';
import {
  createdAtColumn,
  idColumn,
  optionalTextColumn,
  optionalTimeColumn,
  textColumn,
  updatedAtColumn,
} from '../columns.js';
import type { TargetStatus } from '../status.js';
import { Commit } from './commit.entity.js';
import { Event } from './event.entity.js';
import { Project } from './project.entity.js';

/**
 * One run of the configured jobs for one event. Monorepos get one pipeline per event
 * whose steps carry their package, so `depends` edges can cross packages.
 * A rerun is a new pipeline pointing at the one it reran.
 */
export class Pipeline {
  id!: string;
  project!: Project;
  event?: Event | null;
  commit!: Commit;
  /** `pull_request`, `commit`, `release`, `koji_build`, or `comment` for command-driven runs. */
  trigger!: string;
  /** `supersede` or `independent`. */
  strategy!: string;
  status!: TargetStatus;
  rerunOf?: Pipeline | null;
  /** What the rerun was: `all`, `from-step`, `targets`, `failed`. */
  rerunKind?: string | null;
  createdAt!: Date;
  updatedAt!: Date;
  finishedAt?: Date | null;
  /**
   * Reporting ledger (engine/src/report.ledger.ts): bumped by every change to report,
   * caught up by every report that went out; behind after `reportRetryAt`, the reconciler
   * reports again (`reportAttempts` times at most).
   */
  reportSeq!: string;
  reportedSeq!: string;
  reportRetryAt?: Date | null;
  reportAttempts!: number;
  /**
   * The deployment that acted on the pipeline's event (WORKER_DURABLE of an upstream
   * worker); its reconciler alone resumes the pipeline. Null on rows from before owners.
   */
  owner?: string | null;
}

export const PipelineSchema = new EntitySchema<Pipeline>({
  class: Pipeline,
  schema: 'shared',
  tableName: 'pipelines',
  properties: {
    id: idColumn,
    project: { kind: 'm:1', entity: () => Project, deleteRule: 'cascade' },
    event: { kind: 'm:1', entity: () => Event, nullable: true, deleteRule: 'set null' },
    commit: { kind: 'm:1', entity: () => Commit, deleteRule: 'cascade' },
    trigger: textColumn,
    strategy: { ...textColumn, default: 'independent' },
    status: { ...textColumn, default: 'pending' },
    rerunOf: { kind: 'm:1', entity: () => Pipeline, nullable: true, deleteRule: 'set null' },
    rerunKind: optionalTextColumn,
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
    finishedAt: optionalTimeColumn,
    reportSeq: { type: new BigIntType('string'), default: 0 },
    reportedSeq: { type: new BigIntType('string'), default: 0 },
    reportRetryAt: optionalTimeColumn,
    reportAttempts: { type: 'integer', default: 0 },
    owner: optionalTextColumn,
  },
  indexes: [
    { name: 'pipelines_project_index', properties: ['project', 'id'] },
    { name: 'pipelines_event_index', properties: ['event'] },
    { name: 'pipelines_commit_index', properties: ['commit'] },
    { name: 'pipelines_rerun_of_index', properties: ['rerunOf'] },
    {
      name: 'pipelines_report_due_index',
      expression:
        'create index "pipelines_report_due_index" on "shared"."pipelines" ("report_retry_at") where "reported_seq" < "report_seq"',
    },
  ],
  uniques: [
    {
      // One pipeline started per event (reruns excepted): a redelivered event starts nothing.
      name: 'pipelines_event_start_unique',
      expression:
        'create unique index "pipelines_event_start_unique" on "shared"."pipelines" ("event_id") where "rerun_of_id" is null',
    },
  ],
});
