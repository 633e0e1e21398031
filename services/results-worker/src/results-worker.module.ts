import { Module, type DynamicModule } from '@nestjs/common';
import type { Database, Logger } from '@packflow/core';
import { DATABASE, LOGGER, PlatformModule, type PlatformOptions } from '@packflow/platform';
import { KcidbSubmissionProcessor } from '@packflow/results';
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
          inject: [DATABASE, LOGGER],
          useFactory: (database: Database, logger: Logger) =>
            new KcidbSubmissionProcessor(database, logger.child({ component: 'kcidb-processor' }), {
              instance: platform.config.instance,
              batchSize: platform.config.loadBatch,
              parallel: platform.config.loadParallel,
            }),
        },
        KcidbSweeper,
      ],
    };
  }
}
