import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ValidationError } from '@packflow/core';
import { KcidbService } from '@packflow/results';

type QueryParams = Record<string, unknown>;

/** The KCIDB API: submissions (as KCIDB's own submit/status) and the result queries. */
@Controller('api/kcidb')
export class KcidbController {
  constructor(@Inject(KcidbService) private readonly kcidb: KcidbService) {}

  @Post('submit')
  @HttpCode(202)
  submit(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    return this.kcidb.submit(authorization, typeof body === 'string' ? parseReport(body) : body);
  }

  @Get('status')
  status(@Query() query: QueryParams) {
    return this.kcidb.status(query);
  }

  @Get('trees')
  trees(@Query() query: QueryParams) {
    return this.kcidb.trees(query);
  }

  @Get('revision')
  revision(@Query() query: QueryParams) {
    return this.kcidb.revision(query);
  }

  @Get('hardware')
  hardware(@Query() query: QueryParams) {
    return this.kcidb.hardware(query);
  }

  @Get('hardware/results')
  hardwareResults(@Query() query: QueryParams) {
    return this.kcidb.hardwareResults(query);
  }

  @Get('test-history')
  testHistory(@Query() query: QueryParams) {
    return this.kcidb.testHistory(query);
  }

  @Get('path-rollup')
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
