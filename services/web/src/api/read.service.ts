// What the /api/v1 read routes answer: each one repository query (one SQL statement); a
// missing row is a NotFoundError, which the error filter answers 404.
import { Inject, Injectable } from '@nestjs/common';
import {
  EventRepository,
  NotFoundError,
  PipelineRepository,
  ProjectRepository,
  type Database,
  type ProjectSearch,
} from '@packflow/core';
import { ITEM_KINDS } from '@packflow/ecosystems';
import { DATABASE } from '@packflow/platform';
import type { PageQuery } from './api.params.js';

function found<T>(value: T | null, what: string, id: string): T {
  if (value === null) throw new NotFoundError(what, id);
  return value;
}

@Injectable()
export class ReadService {
  private readonly projects: ProjectRepository;
  private readonly events: EventRepository;
  private readonly pipelines: PipelineRepository;

  constructor(@Inject(DATABASE) database: Database) {
    this.projects = new ProjectRepository(database);
    this.events = new EventRepository(database);
    this.pipelines = new PipelineRepository(database, ITEM_KINDS);
  }

  searchProjects(search: Omit<ProjectSearch, 'after' | 'limit'>, page: PageQuery) {
    return this.projects.search({ ...search, after: page.cursor, limit: page.limit });
  }

  async project(id: string) {
    return found(await this.projects.get(id), 'project', id);
  }

  async projectPipelines(id: string, page: PageQuery) {
    return found(await this.pipelines.listForProject(id, { before: page.cursor, limit: page.limit }), 'project', id);
  }

  async projectEvents(id: string, page: PageQuery) {
    return found(await this.events.listForProject(id, { before: page.cursor, limit: page.limit }), 'project', id);
  }

  async event(id: string) {
    return found(await this.events.getView(id), 'event', id);
  }

  async eventPipelines(id: string, page: PageQuery) {
    return found(await this.pipelines.listForEvent(id, { after: page.cursor, limit: page.limit }), 'event', id);
  }

  async pipeline(id: string) {
    return found(await this.pipelines.getView(id), 'pipeline', id);
  }

  async step(id: string) {
    return found(await this.pipelines.getStepNeighbourhood(id), 'step', id);
  }
}
