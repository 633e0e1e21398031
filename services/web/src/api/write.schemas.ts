// OpenAPI schemas of the /api/v1 writes (POST /plan, POST /pipelines/{id}/reruns): their
// request bodies and the plan answer. The bodies are checked by write.params.ts; these
// classes only describe them in the document.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class PlanEventDto {
  @ApiPropertyOptional({
    example: 'pull_request',
    description: 'The X-GitHub-Event / X-Gitlab-Event value or Pagure message topic, when the payload does not tell',
  })
  type?: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'A GitHub or GitLab webhook body' })
  payload!: Record<string, unknown>;
}

export class PlanRequestDto {
  @ApiProperty({ description: 'The text of a .packit.yaml', example: 'specfile_path: hello.spec\njobs: []\n' })
  config!: string;
  @ApiProperty({ type: PlanEventDto }) event!: PlanEventDto;
}

export class PlanStepDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: String, nullable: true }) package!: string | null;
  @ApiProperty({ example: 'copr_build' }) job!: string;
  @ApiProperty({ type: String, nullable: true }) identifier!: string | null;
  @ApiProperty({ example: 'pull_request' }) trigger!: string;
  @ApiProperty({ type: [String], example: ['fedora-42-x86_64'] }) targets!: string[];
}

export class PlanEdgeDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Per-target edge, or null for the whole step' })
  target!: string | null;
}

export class PlanSkippedDto {
  @ApiProperty() job!: string;
  @ApiProperty({ type: String, nullable: true }) package!: string | null;
  @ApiProperty({ type: String, nullable: true }) identifier!: string | null;
  @ApiProperty({ description: 'Why the job does not run' }) reason!: string;
}

export class PlanDto {
  @ApiProperty({ type: [PlanStepDto] }) steps!: PlanStepDto[];
  @ApiProperty({ type: [PlanEdgeDto] }) edges!: PlanEdgeDto[];
  @ApiProperty({ type: [PlanSkippedDto], description: 'Jobs that do not run, with why' }) skipped!: PlanSkippedDto[];
  @ApiProperty({ type: [String] }) notes!: string[];
  @ApiProperty({
    type: 'array',
    description: 'Warnings and notes of the config, located',
    items: {
      type: 'object',
      properties: {
        severity: { type: 'string' },
        message: { type: 'string' },
        line: { type: 'integer' },
        column: { type: 'integer' },
        path: { type: 'string' },
      },
    },
  })
  diagnostics!: { severity: string; message: string; line: number; column: number; path: string }[];
}

export const RERUN_SCOPES = ['all', 'failed', 'step', 'targets'] as const;
export type RerunScope = (typeof RERUN_SCOPES)[number];

export class RerunRequestDto {
  @ApiProperty({
    enum: RERUN_SCOPES,
    description:
      '`all`: the whole pipeline; `failed`: what failed and what depends on it; `step`: the step and ' +
      'everything downstream; `targets`: these targets of the step and what depends on them',
  })
  scope!: RerunScope;
  @ApiPropertyOptional({ description: 'The step id (scopes `step` and `targets`)' }) step?: string;
  @ApiPropertyOptional({ type: [String], description: 'Target names of the step (scope `targets`)' })
  targets?: string[];
}
