import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformOptions } from '@packflow/platform';
import { IntakeModule } from './intake/intake.module.js';

/** The scheduler: webhook and message intake, routing to the ecosystem workers. */
@Module({})
export class SchedulerModule {
  static forRoot(platform: Omit<PlatformOptions, 'name' | 'http'>): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [PlatformModule.forRoot({ ...platform, name: 'scheduler', http: true }), IntakeModule],
    };
  }
}
