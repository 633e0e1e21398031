import { Module } from '@nestjs/common';
import type { Database, Logger } from '@packflow/core';
import { CONFIG, DATABASE, LOGGER } from '@packflow/platform';
import { KcidbService, announceKcidbSubmission } from '@packflow/results';
import type { WebConfig } from '../web.config.js';
import { KcidbBodyParser } from './kcidb-body.parser.js';
import { KcidbQueriesController, KcidbSubmitController } from './kcidb.controller.js';

/**
 * KCIDB submissions and queries. A submission is stored with its outbox row in one
 * transaction; the results worker loads it when the message arrives.
 */
@Module({
  controllers: [KcidbSubmitController, KcidbQueriesController],
  providers: [
    KcidbBodyParser,
    {
      provide: KcidbService,
      inject: [DATABASE, CONFIG, LOGGER],
      useFactory: (database: Database, config: WebConfig, logger: Logger) =>
        new KcidbService({
          db: database,
          submitters: config.kcidb.submitters,
          recordInTransaction: (tx, id, origins) => announceKcidbSubmission(tx, id, origins, config.instance),
          logger: logger.child({ component: 'kcidb' }),
        }),
    },
  ],
})
export class KcidbModule {}
