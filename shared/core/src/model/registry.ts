// The entity schemas of the shared base (the `shared` Postgres schema). Each ecosystem
// package exports its own list; @packflow/ecosystems composes them all for MikroORM.
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
import { KcidbBuildRollupSchema } from './shared/kcidb/kcidb-build-rollup.entity.js';
import { KcidbHardwareResultRollupSchema } from './shared/kcidb/kcidb-hardware-result-rollup.entity.js';
import { KcidbIssueSchema } from './shared/kcidb/kcidb-issue.entity.js';
import { KcidbSubmissionSchema } from './shared/kcidb/kcidb-submission.entity.js';
import { KcidbTestSchema } from './shared/kcidb/kcidb-test.entity.js';
import { OutboxMessageSchema } from './shared/outbox-message.entity.js';
import { DeadLetterSchema } from './shared/dead-letter.entity.js';
import { ApiTokenSchema } from './shared/api-token.entity.js';
import { WebSessionSchema } from './shared/web-session.entity.js';
import type { AnyEntitySchema } from './item-kind.registry.js';

export const SHARED_ENTITIES: readonly AnyEntitySchema[] = [
  ProjectSchema,
  ProjectRefSchema,
  CommitSchema,
  EventSchema,
  PipelineSchema,
  PipelineStepSchema,
  PipelineStepEdgeSchema,
  OutboxMessageSchema,
  DeadLetterSchema,
  ApiTokenSchema,
  WebSessionSchema,
  KcidbCheckoutSchema,
  KcidbBuildSchema,
  KcidbTestSchema,
  KcidbIssueSchema,
  KcidbIncidentSchema,
  KcidbSubmissionSchema,
  KcidbHardwareRollupSchema,
  KcidbBuildRollupSchema,
  KcidbHardwareResultRollupSchema,
];
