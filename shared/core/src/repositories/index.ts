export * from './views.types.js';
export { PipelineRepository } from './pipeline.repository.js';
export { EventRepository } from './event.repository.js';
export { ProjectRepository, type ProjectSearch } from './project.repository.js';
export { LIMIT_RULE, MAX_PAGE, clampLimit, parseLimit } from './page.js';
export { stepTargetsSql, targetJson, targetProjectsSql, projectJson } from './step-targets.sql.js';
export {
  IntakeRepository,
  type IntakeEvent,
  type RecordOutcome,
  type ResultOwner,
  type ResultKind,
} from './intake.repository.js';
export { ApiTokenRepository, API_TOKEN_PREFIX, type ApiTokenOwner } from './api-token.repository.js';
export { WebSessionRepository, type WebSessionOwner } from './web-session.repository.js';
