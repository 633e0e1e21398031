// What the repository queries return (JSON built in SQL, camelCase keys). Ids are strings
// (bigint), times ISO strings.
import type { TargetStatus } from '../model/status.js';
import type { ItemKind } from '../model/item-kind.registry.js';

export interface ProjectView {
  id: string;
  forge: string;
  instanceUrl: string;
  namespace: string;
  repo: string;
}

/**
 * A target (one chroot build, one test target, one SRPM build…): the one read model of
 * it, as the engine decides on it, as activities and reporters get it, and as the
 * pipeline views show it.
 */
export interface TargetState {
  id: string;
  kind: ItemKind;
  groupId: string | null;
  target: string;
  attempt: number;
  status: TargetStatus;
  reason: string | null;
  externalId: string | null;
  /** (pipeline, step, target, attempt): recorded before the external call is made. */
  idempotencyKey: string | null;
  webUrl: string | null;
  logUrl: string | null;
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  deadlineAt: string | null;
  createdAt: string;
  /** Details kept with the target (results, the forge's status id…). */
  data: Record<string, unknown> | null;
  /** In views: true when an earlier pipeline's step ran this target and this step reuses it. */
  reused?: boolean;
}

export interface StepSummary {
  id: string;
  key: string;
  job: string;
  package: string | null;
  identifier: string | null;
  status: TargetStatus;
}

export interface StepView extends StepSummary {
  pipelineId: string;
  rerunOf: string | null;
  /** The job's resolved options (in whole-pipeline views). */
  options?: Record<string, unknown> | null;
  targets: TargetState[];
}

export interface EdgeView {
  from: string;
  to: string;
  target: string | null;
}

export interface PipelineSummary {
  id: string;
  status: TargetStatus;
  trigger: string;
  rerunOf: string | null;
  rerunKind: string | null;
  createdAt: string;
  finishedAt: string | null;
  commitSha: string;
  ref: { kind: string; name: string };
  eventId: string | null;
  eventType: string | null;
}

export interface PipelineView extends PipelineSummary {
  project: ProjectView;
  event: { id: string; type: string; deliveryId: string; actor: string | null; receivedAt: string } | null;
  /** Earlier attempts this pipeline reran, nearest first. */
  rerunChain: string[];
  /** Pipelines that reran this one. */
  reruns: string[];
  steps: StepView[];
  edges: EdgeView[];
}

export interface StepNeighbourhood {
  step: StepView;
  /** The pipeline the step is in. */
  pipeline: PipelineSummary;
  /** The event that started that pipeline (null for pipelines without one). */
  event: EventSummary | null;
  project: ProjectView;
  previous: StepSummary[];
  next: StepSummary[];
  /** The group the step runs ({kind, id}) with all its targets, other chroots and attempts included. */
  group: { kind: string; id: string; targets: TargetState[] } | null;
}

export interface EventSummary {
  id: string;
  source: string;
  type: string;
  deliveryId: string;
  actor: string | null;
  disposition: string;
  reason: string | null;
  receivedAt: string;
  commitSha: string | null;
}

/** An event with the project it happened on (null for events with none, e.g. unknown builds). */
export interface EventView extends EventSummary {
  project: ProjectView | null;
}

export interface Page<T> {
  items: T[];
  /** Cursor of the next page (the last item's id; keyset, so stable under inserts); null on the last page. */
  next: string | null;
}
