// The web service's connection for the read queries: a pg pool on DATABASE_URL, closed with
// the application. Local on purpose: it goes when shared/core has its one Database handle.
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import type { CommonConfig, Sql } from '@packflow/core';
import { CONFIG } from '@packflow/platform';

@Injectable()
export class WebDatabase implements OnApplicationShutdown {
  readonly pool: pg.Pool;

  constructor(@Inject(CONFIG) config: CommonConfig) {
    this.pool = new pg.Pool({ connectionString: config.databaseUrl, max: 5 });
  }

  get sql(): Sql {
    return this.pool;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
