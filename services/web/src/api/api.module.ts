// The /api/v1 read API of the web service: thin controllers over ReadService, which asks one
// repository query per route on the platform's database handle.
import { Module } from '@nestjs/common';
import { EventsController } from './events.controller.js';
import { PipelinesController } from './pipelines.controller.js';
import { ProjectsController } from './projects.controller.js';
import { ReadService } from './read.service.js';

/** The /api/v1 read routes: projects, events, pipelines and steps. */
@Module({
  controllers: [ProjectsController, EventsController, PipelinesController],
  providers: [ReadService],
})
export class ApiModule {}
