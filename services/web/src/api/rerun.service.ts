// Reruns from the web API: who is asking (a person signed in with their forge account,
// or an API token), whether the forge lets them (the same permission check as comment
// commands: write access to the project), then the engine's rerun, the one path comment
// commands and check-run buttons take too. The web process runs no activities: its
// engine records the new pipeline (recordOnly) and notifies the workers, whose engine
// submits its queued targets and reports the checks with the deployment's identity.
import { Inject, Injectable } from '@nestjs/common';
import {
  ApiTokenRepository,
  ForbiddenError,
  NotFoundError,
  PackflowError,
  UnauthorizedError,
  ValidationError,
  type Database,
  type Logger,
} from '@packflow/core';
import { createEngine, type PipelineEngine } from '@packflow/engine';
import { ITEM_KINDS } from '@packflow/ecosystems';
import { CONFIG, DATABASE, LOGGER } from '@packflow/platform';
import { ForgeRegistry, type ProjectCoordinates } from '@packflow/upstream';
import type { FastifyRequest } from 'fastify';
import { SessionService } from '../auth/session.service.js';
import type { WebConfig } from '../web.config.js';
import { ReadService } from './read.service.js';
import type { RerunRequest } from './write.params.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

interface Caller {
  forge: string;
  login: string;
  /** The forge instance a session was signed in on (an API token names none). */
  instanceUrl?: string;
  /** How the caller proved who they are, for messages. */
  via: string;
}

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
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {
    this.engine = createEngine({ db: database, kinds: ITEM_KINDS, activities: { jobs: {} }, logger, recordOnly: true });
    this.tokens = new ApiTokenRepository(database);
    this.forges = new ForgeRegistry(config.forges);
  }

  /** The person asking: an API token's (Authorization header) or the signed-in person's; else undefined. */
  private async caller(http: FastifyRequest): Promise<Caller | undefined> {
    const authorization = http.headers.authorization;
    if (authorization) {
      const token = BEARER.exec(authorization)?.[1];
      const owner = token ? await this.tokens.owner(token) : undefined;
      if (!owner) throw new UnauthorizedError('the API token is not valid');
      return { forge: owner.forge, login: owner.login, via: 'the API token' };
    }
    const session = await this.sessions.current(http);
    return (
      session && { forge: session.forge, login: session.login, instanceUrl: session.instanceUrl, via: 'your session' }
    );
  }

  /** Throws unless `caller` may rerun the pipelines of `project`, as the forge answers for comment commands. */
  private async authorize(caller: Caller | undefined, project: ProjectCoordinates): Promise<void> {
    const name = `${project.namespace}/${project.repo}`;
    if (!caller)
      throw new UnauthorizedError(
        `a rerun of ${name} needs you signed in with your forge account, or an API token (Authorization: Bearer <token>)`,
      );
    if (caller.forge !== project.forge || (caller.instanceUrl && caller.instanceUrl !== project.instanceUrl))
      throw new ForbiddenError(
        `${caller.via} is for ${caller.forge} user ${caller.login}; project ${name} is on ${project.instanceUrl}`,
        { project: name },
      );
    const permission = await this.forges.commandPermission(project, caller.login);
    if (!permission.allowed)
      throw new ForbiddenError(
        `${caller.login} may not rerun pipelines of ${name}: that needs write access (their role: ${permission.role})`,
        { project: name },
      );
  }

  /** Whether the caller may rerun a pipeline, and why not: for the dashboard's buttons. */
  async permissions(pipelineId: string, http: FastifyRequest): Promise<{ rerun: boolean; reason?: string }> {
    const state = await this.engine.getState(pipelineId);
    try {
      await this.authorize(await this.caller(http), state.project);
      return { rerun: true };
    } catch (error) {
      if (error instanceof PackflowError && ['unauthorized', 'forbidden', 'not_configured'].includes(error.code))
        return { rerun: false, reason: error.message };
      throw error;
    }
  }

  /** Starts the rerun and answers the new pipeline. */
  async rerun(pipelineId: string, request: RerunRequest, http: FastifyRequest) {
    const caller = await this.caller(http);
    const state = await this.engine.getState(pipelineId);
    await this.authorize(caller, state.project);
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
