// The /api/v1 API of the web service: thin controllers over ReadService, which asks one
// repository query per route on the platform's database handle, and the writes (plan,
// reruns through RerunService).
import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { AboutController } from './about.controller.js';
import { EventsController } from './events.controller.js';
import { PipelinesController } from './pipelines.controller.js';
import { ProjectsController } from './projects.controller.js';
import { ReadService } from './read.service.js';
import { RerunService } from './rerun.service.js';
import { WritesController } from './writes.controller.js';

/** The /api/v1 routes: about, projects, events, pipelines and steps; plan and reruns. */
@Module({
  imports: [AuthModule],
  controllers: [AboutController, ProjectsController, EventsController, PipelinesController, WritesController],
  providers: [ReadService, RerunService],
})
export class ApiModule {}
