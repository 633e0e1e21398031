import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnsupportedMediaTypeError } from '@packflow/core';

export const KCIDB_SUBMIT_PATH = '/api/kcidb/submit';

const FORM = 'application/x-www-form-urlencoded';

/**
 * A KCIDB report is JSON whatever the request says it is: submitters post it with
 * `curl --data @report.json` (form-urlencoded), as text/plain or with no content type.
 * For the submit route such bodies reach the controller as text (Fastify already reads
 * text/plain as text), which parses them. Elsewhere a form is a form, and a type
 * nothing reads is answered 415.
 */
@Injectable()
export class KcidbBodyParser implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || typeof fastify.addContentTypeParser !== 'function') return;
    const isSubmit = (request: FastifyRequest) => request.url.split('?')[0] === KCIDB_SUBMIT_PATH;
    if (fastify.hasContentTypeParser(FORM)) fastify.removeContentTypeParser(FORM);
    fastify.addContentTypeParser(FORM, { parseAs: 'string' }, (request: FastifyRequest, body: string, done) =>
      done(null, isSubmit(request) ? body : Object.fromEntries(new URLSearchParams(body))),
    );
    fastify.addContentTypeParser('*', { parseAs: 'string' }, (request: FastifyRequest, body: string, done) => {
      if (isSubmit(request)) return done(null, body);
      const type = request.headers['content-type'] ?? '(none)';
      return done(new UnsupportedMediaTypeError(`unsupported media type: ${type}; send application/json`), undefined);
    });
  }
}
