// Reruns from the web API: who is asking (an API token), whether the forge lets them
// (the same permission check as comment commands: write access to the project), then the
// engine's rerun, the one path comment commands and check-run buttons take too. The web
// process runs no activities: its engine records the new pipeline (recordOnly), whose
// queued targets and reports are due at once for the upstream worker's reconciler, which
// submits them and reports the checks with the deployment's activities and identity.
import { Inject, Injectable } from '@nestjs/common';
import {
  ApiTokenRepository,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
  type Database,
  type Logger,
} from '@packflow/core';
import { createEngine, type PipelineEngine } from '@packflow/engine';
import { ITEM_KINDS } from '@packflow/ecosystems';
import { CONFIG, DATABASE, LOGGER } from '@packflow/platform';
import { ForgeRegistry } from '@packflow/upstream';
import type { WebConfig } from '../web.config.js';
import { ReadService } from './read.service.js';
import type { RerunRequest } from './write.params.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

@Injectable()
export class RerunService {
  private readonly engine: PipelineEngine;
  private readonly tokens: ApiTokenRepository;
  private readonly forges: ForgeRegistry;

  constructor(
    @Inject(DATABASE) database: Database,
    @Inject(CONFIG) config: Readonly<WebConfig>,
    @Inject(LOGGER) logger: Logger,
    @Inject(ReadService) private readonly read: ReadService,
  ) {
    this.engine = createEngine({ db: database, kinds: ITEM_KINDS, activities: { jobs: {} }, logger, recordOnly: true });
    this.tokens = new ApiTokenRepository(database);
    this.forges = new ForgeRegistry(config.forges);
  }

  /** The person behind the Authorization header; 401 without a valid token. */
  private async caller(authorization: string | undefined) {
    const token = authorization ? BEARER.exec(authorization)?.[1] : undefined;
    if (!token) throw new UnauthorizedError('a rerun needs an API token: send Authorization: Bearer <token>');
    const owner = await this.tokens.owner(token);
    if (!owner) throw new UnauthorizedError('the API token is not valid');
    return owner;
  }

  /** Starts the rerun and answers the new pipeline. */
  async rerun(pipelineId: string, request: RerunRequest, authorization: string | undefined) {
    const caller = await this.caller(authorization);
    const state = await this.engine.getState(pipelineId);
    const project = state.project;
    const name = `${project.namespace}/${project.repo}`;
    if (caller.forge !== project.forge)
      throw new ForbiddenError(
        `the API token is for ${caller.forge} user ${caller.login}; project ${name} is on ${project.forge}`,
        { project: name },
      );
    const permission = await this.forges.for(project).permission(ForgeRegistry.repo(project), { login: caller.login });
    if (!permission.canRunCommands)
      throw new ForbiddenError(
        `${caller.login} may not rerun pipelines of ${name}: that needs write access (their role: ${permission.role})`,
        { project: name },
      );
    const step = 'step' in request ? request.step : undefined;
    if (step !== undefined && !state.steps.some((s) => s.id === step))
      throw new ValidationError(`step ${step} is not a step of pipeline ${pipelineId}`, {
        errors: [{ pointer: '/step', message: `is not a step of pipeline ${pipelineId}` }],
      });
    const id = await this.start(pipelineId, request);
    const view = await this.read.pipeline(id);
    if (!view) throw new NotFoundError('pipeline', id);
    return view;
  }

  private start(pipelineId: string, request: RerunRequest): Promise<string> {
    switch (request.scope) {
      case 'all':
        return this.engine.rerunPipeline(pipelineId);
      case 'failed':
        return this.engine.rerunFailed(pipelineId);
      case 'step':
        return this.engine.rerunFrom(request.step);
      case 'targets':
        return this.engine.rerunTargets(request.step, request.targets);
    }
  }
}
