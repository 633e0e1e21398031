import { Module, type DynamicModule } from '@nestjs/common';
import type { Database } from '@packflow/core';
import { DATABASE, PlatformModule, type PlatformOptions } from '@packflow/platform';
import { STREAM_RUNTIME, StreamEventsController } from './stream-events.controller.js';
import { createStreamRuntime } from './runtime/stream.runtime.js';
import type { StreamWorkerConfig } from './stream-worker.config.js';

/** The stream worker: handles `stream.…` events from JetStream. */
@Module({})
export class StreamWorkerModule {
  static forRoot(
    platform: Omit<PlatformOptions, 'name' | 'http' | 'config'> & { config: Readonly<StreamWorkerConfig> },
  ): DynamicModule {
    return {
      module: StreamWorkerModule,
      imports: [PlatformModule.forRoot({ ...platform, name: 'stream-worker' })],
      controllers: [StreamEventsController],
      providers: [
        {
          provide: STREAM_RUNTIME,
          inject: [DATABASE],
          useFactory: (database: Database) => createStreamRuntime(platform.config, database, platform.logger),
        },
      ],
    };
  }
}
