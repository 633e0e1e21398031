import { Module } from '@nestjs/common';
import type { Logger, MikroORM } from '@packflow/core';
import { CONFIG, LOGGER, ORM } from '@packflow/platform';
import { KcidbService, announceKcidbSubmission, kcidbDatabase } from '@packflow/results';
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
      inject: [ORM, CONFIG, LOGGER],
      useFactory: (orm: MikroORM, config: WebConfig, logger: Logger) =>
        new KcidbService({
          db: kcidbDatabase(orm),
          submitters: config.kcidb.submitters,
          recordInTransaction: announceKcidbSubmission,
          logger: logger.child({ component: 'kcidb' }),
        }),
    },
  ],
})
export class KcidbModule {}
