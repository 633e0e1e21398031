// GET /api/v1/projects…: projects, and a project's pipelines and events.
import { Controller, Get, Inject, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiRead } from './api.decorators.js';
import { parseId, parsePage, parseText } from './api.params.js';
import { EventPageDto, PipelinePageDto, ProjectDto, ProjectPageDto } from './api.schemas.js';
import { EtagInterceptor } from './etag.interceptor.js';
import { ReadService } from './read.service.js';

type QueryParams = Record<string, unknown>;

@ApiTags('projects')
@Controller('api/v1/projects')
@UseInterceptors(EtagInterceptor)
export class ProjectsController {
  constructor(@Inject(ReadService) private readonly read: ReadService) {}

  @Get()
  @ApiOperation({ summary: 'Search projects' })
  @ApiRead(ProjectPageDto, { summary: 'Projects matching every filter given, oldest first', list: true })
  @ApiQuery({ name: 'forge', required: false, description: 'Exactly this forge, e.g. `github`, `gitlab`' })
  @ApiQuery({ name: 'namespace', required: false, description: 'Namespace contains this (any case)' })
  @ApiQuery({ name: 'name', required: false, description: 'Repository name contains this (any case)' })
  search(@Query() query: QueryParams) {
    const search = {
      forge: parseText(query.forge, 'forge'),
      namespace: parseText(query.namespace, 'namespace'),
      name: parseText(query.name, 'name'),
    };
    return this.read.searchProjects(search, parsePage(query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One project' })
  @ApiRead(ProjectDto, { summary: 'The project', id: 'project' })
  project(@Param('id') id: string) {
    return this.read.project(parseId(id));
  }

  @Get(':id/pipelines')
  @ApiOperation({ summary: "A project's pipelines" })
  @ApiRead(PipelinePageDto, { summary: 'Newest first', id: 'project', list: true })
  pipelines(@Param('id') id: string, @Query() query: QueryParams) {
    return this.read.projectPipelines(parseId(id), parsePage(query));
  }

  @Get(':id/events')
  @ApiOperation({ summary: "A project's events" })
  @ApiRead(EventPageDto, { summary: 'Newest first', id: 'project', list: true })
  events(@Param('id') id: string, @Query() query: QueryParams) {
    return this.read.projectEvents(parseId(id), parsePage(query));
  }
}
