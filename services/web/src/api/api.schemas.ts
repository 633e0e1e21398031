// OpenAPI schemas of the /api/v1 answers: classes mirroring the repositories' view types
// (each `implements` its type, so the two cannot drift apart silently). Only the document
// uses them; the answers themselves are the JSON the queries build.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TARGET_STATUSES } from '@packflow/core';
import type {
  EdgeView,
  EventSummary,
  EventView,
  Page,
  PipelineSummary,
  PipelineView,
  ProjectView,
  StepNeighbourhood,
  StepSummary,
  StepView,
  TargetState,
  TargetStatus,
} from '@packflow/core';

const STATUSES = [...TARGET_STATUSES];
const nullableString = { type: String, nullable: true } as const;
const time = { type: String, format: 'date-time' } as const;
const nullableTime = { ...time, nullable: true } as const;

export class ErrorBody {
  @ApiProperty({ example: 'not_found', description: 'Stable error code' }) code!: string;
  @ApiProperty({ example: 'pipeline 7 does not exist' }) message!: string;
  @ApiPropertyOptional({
    description: 'What is wrong and where (`pointer` names the parameter or field)',
    type: 'array',
    items: { type: 'object', properties: { pointer: { type: 'string' }, message: { type: 'string' } } },
  })
  errors?: { pointer: string; message: string }[];
}

export class ProjectDto implements ProjectView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'github' }) forge!: string;
  @ApiProperty({ example: 'https://github.com' }) instanceUrl!: string;
  @ApiProperty({ example: 'packit' }) namespace!: string;
  @ApiProperty({ example: 'hello-world' }) repo!: string;
}

export class TargetDto implements TargetState {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'copr_build_target', description: 'Item kind' }) kind!: TargetState['kind'];
  @ApiProperty(nullableString) groupId!: string | null;
  @ApiProperty({ example: 'fedora-42-x86_64', description: 'Chroot, test target or branch' }) target!: string;
  @ApiProperty() attempt!: number;
  @ApiProperty({ enum: STATUSES }) status!: TargetStatus;
  @ApiProperty({ ...nullableString, description: 'Why it failed or was skipped' }) reason!: string | null;
  @ApiProperty({ ...nullableString, description: 'Id in the external system (Copr build, Testing Farm request)' })
  externalId!: string | null;
  @ApiProperty({
    ...nullableString,
    description: 'Key recorded before the external call (pipeline, step, target, attempt)',
  })
  idempotencyKey!: string | null;
  @ApiProperty({ ...nullableString, description: 'Page of the item in the external system' }) webUrl!: string | null;
  @ApiProperty({ ...nullableString, description: 'Its log or artifacts' }) logUrl!: string | null;
  @ApiProperty(nullableTime) queuedAt!: string | null;
  @ApiProperty(nullableTime) startedAt!: string | null;
  @ApiProperty(nullableTime) finishedAt!: string | null;
  @ApiProperty({ ...nullableTime, description: 'When it is overdue and gets polled' }) deadlineAt!: string | null;
  @ApiProperty(time) createdAt!: string;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'Details kept with it' })
  data!: Record<string, unknown> | null;
  @ApiPropertyOptional({ description: 'Reused from an earlier pipeline (a rerun keeps what passed)' })
  reused?: boolean;
}

export class StepSummaryDto implements StepSummary {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'copr_build' }) key!: string;
  @ApiProperty({ example: 'copr_build' }) job!: string;
  @ApiProperty(nullableString) package!: string | null;
  @ApiProperty(nullableString) identifier!: string | null;
  @ApiProperty({ enum: STATUSES }) status!: TargetStatus;
}

export class StepDto extends StepSummaryDto implements StepView {
  @ApiProperty() pipelineId!: string;
  @ApiProperty({ ...nullableString, description: 'The step of the earlier pipeline this one reruns' })
  rerunOf!: string | null;
  @ApiPropertyOptional({ type: 'object', nullable: true, additionalProperties: true })
  options?: Record<string, unknown> | null;
  @ApiProperty({ type: [TargetDto] }) targets!: TargetDto[];
}

export class EdgeDto implements EdgeView {
  @ApiProperty({ description: 'Step id' }) from!: string;
  @ApiProperty({ description: 'Step id' }) to!: string;
  @ApiProperty({ ...nullableString, description: 'The target the edge is for; null for the whole step' })
  target!: string | null;
}

class RefDto {
  @ApiProperty({ example: 'pull_request' }) kind!: string;
  @ApiProperty({ example: '42' }) name!: string;
}

export class PipelineSummaryDto implements PipelineSummary {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: STATUSES }) status!: TargetStatus;
  @ApiProperty({ example: 'pull_request' }) trigger!: string;
  @ApiProperty({ ...nullableString, description: 'The pipeline this one reran' }) rerunOf!: string | null;
  @ApiProperty({ ...nullableString, example: 'failed' }) rerunKind!: string | null;
  @ApiProperty(time) createdAt!: string;
  @ApiProperty(nullableTime) finishedAt!: string | null;
  @ApiProperty() commitSha!: string;
  @ApiProperty({ type: RefDto }) ref!: RefDto;
  @ApiProperty(nullableString) eventId!: string | null;
  @ApiProperty(nullableString) eventType!: string | null;
}

class PipelineEventDto {
  @ApiProperty() id!: string;
  @ApiProperty() type!: string;
  @ApiProperty() deliveryId!: string;
  @ApiProperty(nullableString) actor!: string | null;
  @ApiProperty(time) receivedAt!: string;
}

export class PipelineDto extends PipelineSummaryDto implements PipelineView {
  @ApiProperty({ type: ProjectDto }) project!: ProjectDto;
  @ApiProperty({ type: PipelineEventDto, nullable: true }) event!: PipelineEventDto | null;
  @ApiProperty({ type: [String], description: 'Earlier pipelines this one reran, nearest first' })
  rerunChain!: string[];
  @ApiProperty({ type: [String], description: 'Pipelines that reran this one' }) reruns!: string[];
  @ApiProperty({ type: [StepDto] }) steps!: StepDto[];
  @ApiProperty({ type: [EdgeDto] }) edges!: EdgeDto[];
}

export class EventSummaryDto implements EventSummary {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'github' }) source!: string;
  @ApiProperty({ example: 'pull_request.opened' }) type!: string;
  @ApiProperty() deliveryId!: string;
  @ApiProperty(nullableString) actor!: string | null;
  @ApiProperty({ example: 'accepted' }) disposition!: string;
  @ApiProperty(nullableString) reason!: string | null;
  @ApiProperty(time) receivedAt!: string;
  @ApiProperty(nullableString) commitSha!: string | null;
}

export class EventDto extends EventSummaryDto implements EventView {
  @ApiProperty({ type: ProjectDto, nullable: true }) project!: ProjectDto | null;
}

class StepGroupDto {
  @ApiProperty({ example: 'copr_build' }) kind!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ type: [TargetDto], description: 'Every target and attempt of the group' }) targets!: TargetDto[];
}

export class StepNeighbourhoodDto implements StepNeighbourhood {
  @ApiProperty({ type: StepDto }) step!: StepDto;
  @ApiProperty({ type: PipelineSummaryDto }) pipeline!: PipelineSummaryDto;
  @ApiProperty({ type: EventSummaryDto, nullable: true }) event!: EventSummaryDto | null;
  @ApiProperty({ type: ProjectDto }) project!: ProjectDto;
  @ApiProperty({ type: [StepSummaryDto] }) previous!: StepSummaryDto[];
  @ApiProperty({ type: [StepSummaryDto] }) next!: StepSummaryDto[];
  @ApiProperty({ type: StepGroupDto, nullable: true }) group!: StepGroupDto | null;
}

export const NEXT = 'Cursor of the next page (pass as `cursor`); null on the last page';

export class ProjectPageDto implements Page<ProjectView> {
  @ApiProperty({ type: [ProjectDto] }) items!: ProjectDto[];
  @ApiProperty({ ...nullableString, description: NEXT }) next!: string | null;
}

export class PipelinePageDto implements Page<PipelineSummary> {
  @ApiProperty({ type: [PipelineSummaryDto] }) items!: PipelineSummaryDto[];
  @ApiProperty({ ...nullableString, description: NEXT }) next!: string | null;
}

export class EventPageDto implements Page<EventSummary> {
  @ApiProperty({ type: [EventSummaryDto] }) items!: EventSummaryDto[];
  @ApiProperty({ ...nullableString, description: NEXT }) next!: string | null;
}
