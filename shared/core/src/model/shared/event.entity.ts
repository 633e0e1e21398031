import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, idColumn, jsonColumn, optionalTextColumn, textColumn } from '../columns.js';
import { Commit } from './commit.entity.js';
import { Project } from './project.entity.js';
import { ProjectRef } from './project-ref.entity.js';

export type EventSource = 'github' | 'gitlab' | 'messages' | 'testing-farm' | 'web';
/** `rejected`: a bus message that could not be parsed (kept with the reason, never retried). */
export type EventDisposition = 'accepted' | 'ignored' | 'rejected';

/** One received event. `deliveryId` is unique so a redelivered webhook is recorded once. */
export class Event {
  id!: string;
  source!: EventSource;
  /** Typed event name, e.g. `pull_request.opened`, `copr.build_end`. */
  type!: string;
  deliveryId!: string;
  actor?: string | null;
  ecosystem?: string | null;
  disposition!: EventDisposition;
  /** Why an event was ignored, in words. */
  reason?: string | null;
  project?: Project | null;
  ref?: ProjectRef | null;
  commit?: Commit | null;
  payload!: unknown;
  receivedAt!: Date;
}

export const EventSchema = new EntitySchema<Event>({
  class: Event,
  schema: 'shared',
  tableName: 'events',
  properties: {
    id: idColumn,
    source: textColumn,
    type: textColumn,
    deliveryId: { ...textColumn, unique: 'events_delivery_id_unique' },
    actor: optionalTextColumn,
    ecosystem: optionalTextColumn,
    disposition: { ...textColumn, default: 'accepted' },
    reason: optionalTextColumn,
    project: { kind: 'm:1', entity: () => Project, nullable: true, deleteRule: 'cascade' },
    ref: { kind: 'm:1', entity: () => ProjectRef, nullable: true, deleteRule: 'set null' },
    commit: { kind: 'm:1', entity: () => Commit, nullable: true, deleteRule: 'set null' },
    payload: { ...jsonColumn, nullable: false },
    receivedAt: createdAtColumn,
  },
  indexes: [{ name: 'events_project_received_index', properties: ['project', 'receivedAt', 'id'] }],
});
