import { Module, type DynamicModule } from '@nestjs/common';
import type { Database } from '@packflow/core';
import { DATABASE, PlatformModule, type PlatformOptions } from '@packflow/platform';
import { UPSTREAM_RUNTIME, UpstreamEventsController } from './upstream-events.controller.js';
import { createUpstreamRuntime } from './runtime/upstream.runtime.js';
import type { UpstreamWorkerConfig } from './upstream-worker.config.js';

/** The upstream worker: handles `upstream.…` events from JetStream. */
@Module({})
export class UpstreamWorkerModule {
  static forRoot(
    platform: Omit<PlatformOptions, 'name' | 'http' | 'config'> & { config: Readonly<UpstreamWorkerConfig> },
  ): DynamicModule {
    return {
      module: UpstreamWorkerModule,
      imports: [PlatformModule.forRoot({ ...platform, name: 'upstream-worker' })],
      controllers: [UpstreamEventsController],
      providers: [
        {
          provide: UPSTREAM_RUNTIME,
          inject: [DATABASE],
          useFactory: (database: Database) => createUpstreamRuntime(platform.config, database, platform.logger),
        },
      ],
    };
  }
}
