import { EntitySchema } from '@mikro-orm/core';
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
  },
  indexes: [
    { name: 'pipelines_project_index', properties: ['project', 'id'] },
    { name: 'pipelines_event_index', properties: ['event'] },
    { name: 'pipelines_commit_index', properties: ['commit'] },
    { name: 'pipelines_rerun_of_index', properties: ['rerunOf'] },
  ],
});
