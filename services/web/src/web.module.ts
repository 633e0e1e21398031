import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PlatformModule, type PlatformOptions } from '@packflow/platform';
import { ApiModule } from './api/api.module.js';
import { DashboardModule } from './dashboard/dashboard.js';
import { PackflowErrorFilter } from './http/packflow-error.filter.js';
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
      // Every answer that is an error has the one body `{code, message, errors?}`.
      providers: [{ provide: APP_FILTER, useClass: PackflowErrorFilter }],
    };
  }
}
