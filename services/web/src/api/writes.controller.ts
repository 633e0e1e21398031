// The /api/v1 writes: POST /plan (what packflow would run, anyone may ask) and
// POST /pipelines/{id}/reruns (a person signed in, or with an API token, and write access
// on the forge) and GET /pipelines/{id}/permissions (may the caller rerun it).
import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiServiceUnavailableResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { loadReleaseTable, planSummary, type ReleaseTable } from '@packflow/config';
import { planWebhook } from '@packflow/forges';
import type { FastifyRequest } from 'fastify';
import { PipelinePermissionsDto } from '../auth/auth.schemas.js';
import { CONFIG } from '@packflow/platform';
import type { WebConfig } from '../web.config.js';
import { parseId } from './api.params.js';
import { ErrorBody, PipelineDto } from './api.schemas.js';
import { RerunService } from './rerun.service.js';
import { parsePlanRequest, parseRerunRequest } from './write.params.js';
import { PlanDto, PlanRequestDto, RerunRequestDto } from './write.schemas.js';

@Controller('api/v1')
export class WritesController {
  private readonly releases: ReleaseTable;

  constructor(
    @Inject(CONFIG) config: Readonly<WebConfig>,
    @Inject(RerunService) private readonly reruns: RerunService,
  ) {
    this.releases = loadReleaseTable(config.releasesFile);
  }

  @Post('plan')
  @HttpCode(200)
  @ApiTags('plan')
  @ApiOperation({
    summary: 'The pipeline packflow would run for a config and a webhook',
    description:
      'The same mapping as `packflow plan` and the workers: the forge driver parses the payload, the event ' +
      'is mapped to what planning knows, and the config is planned. A config with errors is a 400 whose ' +
      '`errors` give each line and column.',
  })
  @ApiBody({ type: PlanRequestDto })
  @ApiOkResponse({ type: PlanDto, description: 'Steps, edges, and the jobs left out with why' })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'A bad config (with line and column) or event' })
  plan(@Body() body: unknown) {
    const request = parsePlanRequest(body);
    const { plan, diagnostics } = planWebhook(
      {
        config: request.config,
        file: '.packit.yaml',
        eventType: request.eventType,
        payload: request.payload,
        configPointer: '/config',
      },
      this.releases,
    );
    return {
      ...planSummary(plan),
      diagnostics: diagnostics.map((d) => ({
        severity: d.severity,
        message: d.message,
        line: d.line,
        column: d.column,
        path: d.path,
      })),
    };
  }

  @Post('pipelines/:id/reruns')
  @ApiTags('pipelines')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Rerun a pipeline, what failed, a step or some targets',
    description:
      'Needs a person signed in with their forge account (the session cookie, with its CSRF token in ' +
      '`X-CSRF-Token`) or an API token (`packflow api-token create`) as `Authorization: Bearer`; the forge ' +
      'is asked whether that person may run commands (write access) on the project, as for comment ' +
      'commands. The new pipeline is recorded at once and the workers are woken to submit its work.',
  })
  @ApiParam({ name: 'id', description: 'The pipeline id', schema: { type: 'string', pattern: '^[1-9][0-9]*$' } })
  @ApiBody({ type: RerunRequestDto })
  @ApiCreatedResponse({ type: PipelineDto, description: 'The new pipeline' })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'A bad body; `errors` names the field' })
  @ApiUnauthorizedResponse({ type: ErrorBody, description: 'Signed out and no API token, or not a valid one' })
  @ApiForbiddenResponse({
    type: ErrorBody,
    description: 'The forge refuses the person (the message names the project), or a missing or wrong CSRF token',
  })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such pipeline' })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'The pipeline was superseded, a rerun of the same scope is running, or nothing to rerun',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorBody,
    description: "This deployment has no identity on the project's forge to ask; the message names the settings",
  })
  rerun(@Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const pipelineId = parseId(id);
    return this.reruns.rerun(pipelineId, parseRerunRequest(body), request);
  }

  @Get('pipelines/:id/permissions')
  @Header('cache-control', 'no-store')
  @ApiTags('pipelines')
  @ApiOperation({
    summary: 'What the caller may do with a pipeline',
    description: 'Asks the forge as a rerun would; the dashboard shows the rerun buttons only when `rerun` is true.',
  })
  @ApiParam({ name: 'id', description: 'The pipeline id', schema: { type: 'string', pattern: '^[1-9][0-9]*$' } })
  @ApiOkResponse({ type: PipelinePermissionsDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such pipeline' })
  permissions(@Param('id') id: string, @Req() request: FastifyRequest) {
    return this.reruns.permissions(parseId(id), request);
  }
}
