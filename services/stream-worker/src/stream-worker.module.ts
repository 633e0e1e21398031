import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformOptions } from '@packflow/platform';
import { StreamEventsController } from './stream-events.controller.js';

/** The stream worker: handles `stream.…` events from JetStream. */
@Module({})
export class StreamWorkerModule {
  static forRoot(platform: Omit<PlatformOptions, 'name' | 'http'>): DynamicModule {
    return {
      module: StreamWorkerModule,
      imports: [PlatformModule.forRoot({ ...platform, name: 'stream-worker' })],
      controllers: [StreamEventsController],
    };
  }
}
