// GET /api/v1/pipelines/{id} (the whole workflow) and /api/v1/steps/{id} (a step in context).
import { Controller, Get, Inject, Param, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRead } from './api.decorators.js';
import { parseId } from './api.params.js';
import { PipelineDto, StepNeighbourhoodDto } from './api.schemas.js';
import { EtagInterceptor } from './etag.interceptor.js';
import { ReadService } from './read.service.js';

@ApiTags('pipelines')
@Controller('api/v1')
@UseInterceptors(EtagInterceptor)
export class PipelinesController {
  constructor(@Inject(ReadService) private readonly read: ReadService) {}

  @Get('pipelines/:id')
  @ApiOperation({
    summary: 'A whole pipeline',
    description:
      'Steps, edges with their targets, every item with status, attempt, times and external links, ' +
      'the pipeline it reran and those that reran it. Answers carry an ETag: poll with If-None-Match.',
  })
  @ApiRead(PipelineDto, { summary: 'The pipeline', id: 'pipeline' })
  pipeline(@Param('id') id: string) {
    return this.read.pipeline(parseId(id));
  }

  @Get('steps/:id')
  @ApiOperation({
    summary: 'A step with its previous and next steps, the other items of its group, its event and project',
  })
  @ApiRead(StepNeighbourhoodDto, { summary: 'The step in its context', id: 'step' })
  step(@Param('id') id: string) {
    return this.read.step(parseId(id));
  }
}
