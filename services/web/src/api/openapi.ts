// The OpenAPI 3 document of the web service, generated from the controllers' decorators,
// served at /api/v1/openapi.json.
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export const OPENAPI_PATH = 'api/v1/openapi.json';

export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('packflow')
    .setDescription(
      'Projects, events, pipelines and steps of packflow, and the KCIDB results. Reads are public. ' +
        'Lists are paginated by cursor: pass the `next` of a page as `cursor`. Errors answer ' +
        '`{"code", "message", "errors"?}`.',
    )
    .setVersion('1')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves the document (built once, on first request) at /api/v1/openapi.json. */
export function serveOpenApi(app: NestFastifyApplication): void {
  let document: OpenAPIObject | undefined;
  app
    .getHttpAdapter()
    .getInstance()
    .get(`/${OPENAPI_PATH}`, (_request, reply) => {
      document ??= openApiDocument(app);
      return reply.header('cache-control', 'no-cache').send(document);
    });
}
