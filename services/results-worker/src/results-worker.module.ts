import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger, MikroORM } from '@packflow/core';
import { LOGGER, ORM, PlatformModule, type PlatformOptions } from '@packflow/platform';
import { KcidbSubmissionProcessor, kcidbDatabase } from '@packflow/results';
import { KcidbSweeper } from './kcidb-sweeper.js';
import { ResultsEventsController } from './results-events.controller.js';
import type { ResultsWorkerConfig } from './results-worker.config.js';

/** The results worker: loads accepted KCIDB submissions from `results.…` messages, and sweeps up the rest. */
@Module({})
export class ResultsWorkerModule {
  static forRoot(
    platform: Omit<PlatformOptions, 'name' | 'http' | 'config'> & { config: Readonly<ResultsWorkerConfig> },
  ): DynamicModule {
    return {
      module: ResultsWorkerModule,
      imports: [PlatformModule.forRoot({ ...platform, name: 'results-worker' })],
      controllers: [ResultsEventsController],
      providers: [
        {
          provide: KcidbSubmissionProcessor,
          inject: [ORM, LOGGER],
          useFactory: (orm: MikroORM, logger: Logger) =>
            new KcidbSubmissionProcessor(kcidbDatabase(orm), logger.child({ component: 'kcidb-processor' })),
        },
        KcidbSweeper,
      ],
    };
  }
}
