import { Module } from '@nestjs/common';
import type { Logger, MikroORM } from '@packflow/core';
import { CONFIG, LOGGER, ORM } from '@packflow/platform';
import { KcidbService, KcidbSubmissionProcessor, kcidbDatabase } from '@packflow/results';
import type { WebConfig } from '../web.config.js';
import { KcidbController } from './kcidb.controller.js';
import { KcidbProcessingQueue } from './kcidb-processing.queue.js';
import { PackflowErrorFilter } from './packflow-error.filter.js';

/** KCIDB submissions and queries; submissions are loaded by the in-process queue. */
@Module({
  controllers: [KcidbController],
  providers: [
    PackflowErrorFilter,
    {
      provide: KcidbSubmissionProcessor,
      inject: [ORM, LOGGER],
      useFactory: (orm: MikroORM, logger: Logger) =>
        new KcidbSubmissionProcessor(kcidbDatabase(orm), logger.child({ component: 'kcidb-processor' })),
    },
    KcidbProcessingQueue,
    {
      provide: KcidbService,
      inject: [ORM, CONFIG, LOGGER, KcidbProcessingQueue],
      useFactory: (orm: MikroORM, config: WebConfig, logger: Logger, queue: KcidbProcessingQueue) =>
        new KcidbService({
          db: kcidbDatabase(orm),
          submitters: config.kcidb.submitters,
          handOff: (id) => queue.enqueue(id),
          logger: logger.child({ component: 'kcidb' }),
        }),
    },
  ],
})
export class KcidbModule {}
