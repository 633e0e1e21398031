import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformOptions } from '@packflow/platform';
import { UpstreamEventsController } from './upstream-events.controller.js';

/** The upstream worker: handles `upstream.…` events from JetStream. */
@Module({})
export class UpstreamWorkerModule {
  static forRoot(platform: Omit<PlatformOptions, 'name' | 'http'>): DynamicModule {
    return {
      module: UpstreamWorkerModule,
      imports: [PlatformModule.forRoot({ ...platform, name: 'upstream-worker' })],
      controllers: [UpstreamEventsController],
    };
  }
}
