// The /api/v1 read API of the web service: thin controllers over ReadService, which asks one
// repository query per route on the service's own connection (WebDatabase).
import { Module } from '@nestjs/common';
import { EventsController } from './events.controller.js';
import { PipelinesController } from './pipelines.controller.js';
import { ProjectsController } from './projects.controller.js';
import { ReadService } from './read.service.js';
import { WebDatabase } from './web.database.js';

/** The /api/v1 read routes: projects, events, pipelines and steps. */
@Module({
  controllers: [ProjectsController, EventsController, PipelinesController],
  providers: [WebDatabase, ReadService],
})
export class ApiModule {}
