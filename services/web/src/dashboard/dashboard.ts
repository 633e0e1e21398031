// The dashboard's static files (services/web/ui, built by `pnpm build:ui` into its dist/),
// served by the web service itself: hashed assets with long caching, and index.html for
// every other page path (the app routes in the browser), such as the `/pipelines/<id>`
// that check runs and comments link to.
import { Controller, Get, Inject, Module, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PackflowError } from '@packflow/core';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where the built dashboard is. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

const INDEX = Symbol('packflow.dashboardIndex');
let indexHtml: string | undefined;

/** Hashed files under /assets/ never change; the rest is revalidated. */
export async function serveDashboardAssets(app: NestFastifyApplication, dir = DASHBOARD_DIR): Promise<void> {
  if (!existsSync(`${dir}index.html`)) return;
  await app.register(fastifyStatic as never, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: false,
    setHeaders: (res: { setHeader(name: string, value: string): void }, path: string) =>
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
}

@ApiExcludeController()
@Controller()
class DashboardController {
  constructor(@Inject(INDEX) private readonly index: () => string) {}

  @Get('*')
  page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const path = request.url.split('?')[0];
    // Unknown API paths stay API answers (the platform's 404 for a route it lacks), never the app.
    if (path === '/api' || path.startsWith('/api/')) throw new NotFoundException();
    const html = this.index();
    reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  }
}

/** The page routes; declared last so every API route is matched before them. */
@Module({
  controllers: [DashboardController],
  providers: [
    {
      provide: INDEX,
      useValue: () => {
        if (indexHtml !== undefined) return indexHtml;
        const file = `${DASHBOARD_DIR}index.html`;
        if (!existsSync(file)) {
          throw new PackflowError(
            'dashboard_not_built',
            `the dashboard is not built (${file} is missing): run pnpm build:ui`,
          );
        }
        indexHtml = readFileSync(file, 'utf8');
        return indexHtml;
      },
    },
  ],
})
export class DashboardModule {}
