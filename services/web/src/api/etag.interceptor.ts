// ETags for the read routes, so the dashboard can poll a running pipeline cheaply: the tag
// is a digest of the answer; a request whose If-None-Match holds it gets 304 and no body.
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';

@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
        reply.header('etag', etag).header('cache-control', 'no-cache');
        const wanted = request.headers['if-none-match'];
        if (wanted && wanted.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
          reply.status(304);
          return undefined;
        }
        return body;
      }),
    );
  }
}
