// KCIDB over HTTP: submissions where submitters send them (/api/kcidb), result queries in the
// API family of the rest (/api/v1/kcidb). Controllers only pass the request on to KcidbService.
import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ValidationError } from '@packflow/core';
import { KcidbService } from '@packflow/results';
import { ErrorBody } from '../api/api.schemas.js';
import { KcidbQueries } from './kcidb.decorators.js';

type QueryParams = Record<string, unknown>;

/**
 * KCIDB submissions, as KCIDB's own submit/status: submitters keep these paths
 * (`/api/kcidb/submit`, `/api/kcidb/status`).
 */
@ApiTags('kcidb')
@Controller('api/kcidb')
export class KcidbSubmitController {
  constructor(@Inject(KcidbService) private readonly kcidb: KcidbService) {}

  @Post('submit')
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a KCIDB v5 report (JSON, also sent as text or form data)' })
  @ApiBearerAuth()
  @ApiBody({ schema: { type: 'object', additionalProperties: true, description: 'A KCIDB I/O v5 report' } })
  @ApiAcceptedResponse({ schema: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } } })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'The report is invalid; `errors` names where' })
  @ApiUnauthorizedResponse({ type: ErrorBody })
  submit(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    return this.kcidb.submit(authorization, typeof body === 'string' ? parseReport(body) : body);
  }

  @Get('status')
  @ApiOperation({ summary: 'Where a submission is: ready, processed, or failed with the reasons' })
  @ApiQuery({ name: 'id', description: 'The submission id', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiNotFoundResponse({ type: ErrorBody })
  status(@Query() query: QueryParams) {
    return this.kcidb.status(query);
  }
}

/** The KCIDB result queries, in the API family of the rest (`/api/v1/kcidb/…`). */
@ApiTags('kcidb')
@Controller('api/v1/kcidb')
export class KcidbQueriesController {
  constructor(@Inject(KcidbService) private readonly kcidb: KcidbService) {}

  @Get('trees')
  @KcidbQueries('Trees and their latest checkouts in an interval', { tag: 'Only checkouts carrying this git tag' })
  trees(@Query() query: QueryParams) {
    return this.kcidb.trees(query);
  }

  @Get('revision')
  @KcidbQueries('One revision: its checkouts, builds and test counts', {
    commit: { description: 'The commit (40 hex digits)', required: true },
    patchset: 'The patchset hash ("" or 64 hex digits)',
  })
  revision(@Query() query: QueryParams) {
    return this.kcidb.revision(query);
  }

  @Get('hardware')
  @KcidbQueries('Hardware tested in an interval, with result counts', {})
  hardware(@Query() query: QueryParams) {
    return this.kcidb.hardware(query);
  }

  @Get('hardware/results')
  @KcidbQueries("One hardware's test results", {
    hardware: { description: 'A compatible string or platform name', required: true },
  })
  hardwareResults(@Query() query: QueryParams) {
    return this.kcidb.hardwareResults(query);
  }

  @Get('test-history')
  @KcidbQueries('The history of one test path', {
    path: { description: 'A dotted test path', required: true },
    platform: 'Only this platform',
    config: 'Only this build config',
    branch: 'Only this branch',
    tree: 'Only this tree',
  })
  testHistory(@Query() query: QueryParams) {
    return this.kcidb.testHistory(query);
  }

  @Get('path-rollup')
  @KcidbQueries("A build's test results rolled up by path", {
    build_id: { description: 'A build id "<origin>:<local id>"', required: true },
    prefix: 'Only this path and what is under it',
  })
  pathRollup(@Query() query: QueryParams) {
    return this.kcidb.pathRollup(query);
  }
}

/** A report sent as text (no JSON content type): parsed here, a 400 naming where it breaks otherwise. */
function parseReport(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`the body is not JSON: ${(error as Error).message}`, {
      errors: [{ pointer: '', message: (error as Error).message }],
    });
  }
}
