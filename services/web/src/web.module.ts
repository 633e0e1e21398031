import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformOptions } from '@packflow/platform';
import { ApiModule } from './api/api.module.js';
import { DashboardModule } from './dashboard/dashboard.js';
import { KcidbModule } from './kcidb/kcidb.module.js';

/** The web service: REST API (/api/v1, KCIDB submissions at /api/kcidb) and the dashboard at /. */
@Module({})
export class WebModule {
  static forRoot(platform: Omit<PlatformOptions, 'name' | 'http'>): DynamicModule {
    return {
      module: WebModule,
      imports: [
        PlatformModule.forRoot({ ...platform, name: 'web', http: true }),
        KcidbModule,
        ApiModule,
        // Last: its catch-all page route must not shadow an API route.
        DashboardModule,
      ],
    };
  }
}
