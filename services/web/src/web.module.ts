import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformOptions } from '@packflow/platform';
import { KcidbModule } from './kcidb/kcidb.module.js';

/** The web service: REST API and dashboard. */
@Module({})
export class WebModule {
  static forRoot(platform: Omit<PlatformOptions, 'name' | 'http'>): DynamicModule {
    return {
      module: WebModule,
      imports: [PlatformModule.forRoot({ ...platform, name: 'web', http: true }), KcidbModule],
    };
  }
}
