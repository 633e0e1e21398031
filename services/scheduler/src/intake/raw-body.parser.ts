import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const WEBHOOK_PATH_PREFIX = '/webhooks/';

/**
 * JSON bodies of `/webhooks/*` reach the intake as the raw bytes: a signature is
 * computed over exactly those bytes, and nothing is parsed before it is verified.
 * Other routes keep Fastify's JSON parser. The body limit (WEBHOOK_BODY_LIMIT, 413
 * above it) is the application's.
 */
@Injectable()
export class RawBodyParser implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || typeof fastify.addContentTypeParser !== 'function') return;
    const json = fastify.getDefaultJsonParser('error', 'error');
    fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer' },
      (request: FastifyRequest, body: Buffer, done) => {
        if (request.url.startsWith(WEBHOOK_PATH_PREFIX)) {
          done(null, body);
          return;
        }
        json(request, body as unknown as string, done);
      },
    );
  }
}
