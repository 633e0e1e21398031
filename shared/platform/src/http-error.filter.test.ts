// The one error body over real HTTP: a service started by startHttpService answers
// domain errors, Nest's own exceptions (unknown route, a pipe) and the body parser's
// errors with `{code, message, errors?}` and the status each stands for.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Body, Controller, Get, Module, ParseIntPipe, Post, Query } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ConflictError,
  ExternalServiceError,
  ForbiddenError,
  NotFoundError,
  PackflowError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '@packflow/core';
import { recordingLogger } from '@packflow/testing';
import { startHttpService } from './bootstrap.js';

const BODY_LIMIT = 1024;
const SECRET_URL = 'postgres://packflow:hunter2@db.internal:5432/packflow';

const problems: Record<string, () => Error> = {
  validation: () =>
    new ValidationError('/limit: expected at most 100 (and 1 more)', {
      errors: [
        { pointer: '/limit', message: 'expected at most 100' },
        { pointer: '/shape', message: 'expected one of flat, tree' },
      ],
    }),
  unauthorized: () => new UnauthorizedError('X-Hub-Signature-256 does not match the body'),
  forbidden: () =>
    new ForbiddenError('/tests/0: origin "maestro" is not yours', {
      errors: [{ pointer: '/tests/0', message: 'origin "maestro" is not yours' }],
    }),
  'not-found': () => new NotFoundError('pipeline', 42),
  conflict: () => new ConflictError('dead letter 7 was already replayed'),
  'too-large': () => new PayloadTooLargeError('the report has more than 100000 objects'),
  unsupported: () => new UnsupportedMediaTypeError('send the body as application/json'),
  'unknown-code': () => new PackflowError('engine_broken', `cannot reach ${SECRET_URL}`),
  retryable: () => new ExternalServiceError('copr', `answered 503 from ${SECRET_URL}`, { status: 503 }),
  unexpected: () => new TypeError(`cannot read properties of undefined (${SECRET_URL})`),
  transient: () => Object.assign(new Error(`connect ECONNREFUSED ${SECRET_URL}`), { code: 'ECONNREFUSED' }),
  'client-status': () => Object.assign(new Error(`GET ${SECRET_URL} answered 404`), { statusCode: 404 }),
};

@Controller()
class ProblemController {
  @Get('problems')
  problem(@Query('kind') kind: string): never {
    throw problems[kind]();
  }

  @Get('items')
  item(@Query('page', ParseIntPipe) page: number): { page: number } {
    return { page };
  }

  @Post('echo')
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

@Module({ controllers: [ProblemController] })
class ProblemModule {}

const { logger: recording, lines } = recordingLogger();

let app: NestFastifyApplication;
let url: string;

beforeAll(async () => {
  ({ app, url } = await startHttpService(ProblemModule, {
    service: 'problems',
    logger: recording,
    host: '127.0.0.1',
    port: 0,
    bodyLimit: BODY_LIMIT,
  }));
});
afterAll(async () => {
  await app?.close();
});

async function answer(path: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}${path}`, init);
  return { status: response.status, body: await response.json() };
}
const post = (body: string | Uint8Array, contentType?: string) =>
  answer('/echo', { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body });

describe('the HTTP error body', () => {
  it.each([
    [
      'validation',
      400,
      {
        code: 'validation_failed',
        message: '/limit: expected at most 100 (and 1 more)',
        errors: [
          { pointer: '/limit', message: 'expected at most 100' },
          { pointer: '/shape', message: 'expected one of flat, tree' },
        ],
      },
    ],
    ['unauthorized', 401, { code: 'unauthorized', message: 'X-Hub-Signature-256 does not match the body' }],
    [
      'forbidden',
      403,
      {
        code: 'forbidden',
        message: '/tests/0: origin "maestro" is not yours',
        errors: [{ pointer: '/tests/0', message: 'origin "maestro" is not yours' }],
      },
    ],
    ['not-found', 404, { code: 'not_found', message: 'pipeline 42 does not exist' }],
    ['conflict', 409, { code: 'conflict', message: 'dead letter 7 was already replayed' }],
    ['too-large', 413, { code: 'payload_too_large', message: 'the report has more than 100000 objects' }],
    ['unsupported', 415, { code: 'unsupported_media_type', message: 'send the body as application/json' }],
  ])('answers a domain error (%s) with its status, code and message', async (kind, status, body) => {
    expect(await answer(`/problems?kind=${kind}`)).toEqual({ status, body });
  });

  it.each([
    ['unknown-code', 500, { code: 'engine_broken', message: 'internal error' }],
    ['retryable', 503, { code: 'external_service_failed', message: 'temporarily unavailable; try again later' }],
    ['unexpected', 500, { code: 'internal_error', message: 'internal error' }],
    ['transient', 503, { code: 'unavailable', message: 'temporarily unavailable; try again later' }],
    ['client-status', 500, { code: 'internal_error', message: 'internal error' }],
  ])('answers %s with %i and a generic message, and logs the error', async (kind, status, body) => {
    lines.splice(0);
    const got = await answer(`/problems?kind=${kind}`);
    expect(got).toEqual({ status, body });
    expect(JSON.stringify(got.body)).not.toContain('hunter2');
    expect(lines).toEqual([
      {
        level: 'error',
        fields: expect.objectContaining({ status, path: '/problems', err: expect.any(Error) }),
        message: 'request failed',
      },
    ]);
  });

  it('answers an unknown route 404 not_found', async () => {
    expect(await answer('/nowhere?token=abc')).toEqual({
      status: 404,
      body: { code: 'not_found', message: 'no route for GET /nowhere' },
    });
    expect(await answer('/problems', { method: 'DELETE' })).toEqual({
      status: 404,
      body: { code: 'not_found', message: 'no route for DELETE /problems' },
    });
  });

  it("answers a Nest pipe's exception 400 validation_failed", async () => {
    expect(await answer('/items?page=two')).toEqual({
      status: 400,
      body: { code: 'validation_failed', message: 'Validation failed (numeric string is expected)' },
    });
    expect(await answer('/items?page=2')).toEqual({ status: 200, body: { page: 2 } });
  });

  it("answers the body parser's errors: not JSON, empty, too large, a content type nothing reads", async () => {
    expect(await post('{"name": ', 'application/json')).toEqual({
      status: 400,
      body: { code: 'validation_failed', message: 'the body is not valid JSON' },
    });
    expect(await post('', 'application/json')).toEqual({
      status: 400,
      body: { code: 'validation_failed', message: 'the body is empty, but its content type is application/json' },
    });
    expect(await post(JSON.stringify({ padding: 'x'.repeat(BODY_LIMIT) }), 'application/json')).toEqual({
      status: 413,
      body: { code: 'payload_too_large', message: `the body is larger than the limit of ${BODY_LIMIT} bytes` },
    });
    expect(await post('<name/>', 'application/xml')).toEqual({
      status: 415,
      body: {
        code: 'unsupported_media_type',
        message: 'unsupported media type: application/xml; send application/json',
      },
    });
    expect(await post('{"name": "widget"}', 'application/json')).toEqual({ status: 201, body: { name: 'widget' } });
  });

  it('logs a 4xx at info with its code, and the path without the query string', async () => {
    lines.splice(0);
    await answer('/nowhere?token=s3cr3t');
    expect(lines).toEqual([
      {
        level: 'info',
        fields: { method: 'GET', path: '/nowhere', status: 404, code: 'not_found' },
        message: 'no route for GET /nowhere',
      },
    ]);
  });
});
