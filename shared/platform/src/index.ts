import 'reflect-metadata';

export * from './tokens.js';
export { PlatformModule, type PlatformOptions } from './platform.module.js';
export { HealthController } from './health.controller.js';
export { HealthParts, type HealthPartState } from './health.parts.js';
export { MetricsController } from './metrics.controller.js';
export { serveWorkerHttp, type WorkerHttpServer, type WorkerHttpOptions } from './worker-http.server.js';
export { healthAnswer, type HealthSources, type HealthAnswer, type HealthBody } from './health.report.js';
export { connectNats, natsReachable } from './nats.connection.js';
export { PinoNestLogger } from './nest-logger.js';
export {
  HttpErrorFilter,
  errorAnswer,
  HTTP_STATUS_OF_CODE,
  type ErrorBody,
  type ErrorAnswer,
  type ErrorAnswerContext,
} from './http-error.filter.js';
export {
  startHttpService,
  startContext,
  closeOnSignal,
  type HttpServiceOptions,
  type SignalStop,
} from './bootstrap.js';
export type { ServiceStartOptions, RunningService, SharedConnections } from './service.types.js';
