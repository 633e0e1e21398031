import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformOptions } from '@packflow/platform';
import { OutboxRelayService } from './outbox/outbox-relay.service.js';
import { IntakeModule } from './intake/intake.module.js';

/** The scheduler: webhook and message intake, routing to the ecosystem workers. */
@Module({})
export class SchedulerModule {
  static forRoot(platform: Omit<PlatformOptions, 'name' | 'http'>): DynamicModule {
    return {
      module: SchedulerModule,
      providers: [OutboxRelayService],
      imports: [PlatformModule.forRoot({ ...platform, name: 'scheduler', http: true }), IntakeModule],
    };
  }
}
