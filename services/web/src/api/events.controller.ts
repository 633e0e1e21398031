// GET /api/v1/events…: one event with its project, and the pipelines it started.
import { Controller, Get, Inject, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRead } from './api.decorators.js';
import { parseId, parsePage } from './api.params.js';
import { EventDto, PipelinePageDto } from './api.schemas.js';
import { EtagInterceptor } from './etag.interceptor.js';
import { ReadService } from './read.service.js';

@ApiTags('events')
@Controller('api/v1/events')
@UseInterceptors(EtagInterceptor)
export class EventsController {
  constructor(@Inject(ReadService) private readonly read: ReadService) {}

  @Get(':id')
  @ApiOperation({ summary: 'One event with its project' })
  @ApiRead(EventDto, { summary: 'The event', id: 'event' })
  event(@Param('id') id: string) {
    return this.read.event(parseId(id));
  }

  @Get(':id/pipelines')
  @ApiOperation({ summary: 'The pipelines an event started (reruns it asked for included)' })
  @ApiRead(PipelinePageDto, { summary: 'Oldest first', id: 'event', list: true })
  pipelines(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    return this.read.eventPipelines(parseId(id), parsePage(query));
  }
}
