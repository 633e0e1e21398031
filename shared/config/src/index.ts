// @packflow/config: reading `.packit.yaml` and planning pipelines (no NestJS).
export type * from './plan.types.js';
export type * from './config.types.js';
export type * from './plan-event.types.js';
export { findConfigFile, CONFIG_FILE_NAMES } from './config.finder.js';
export { loadConfig, type LoadOptions } from './config.loader.js';
export { ConfigCache } from './config.cache.js';
export { formatDiagnostic } from './config.reporter.js';
export {
  loadReleaseTable,
  parseReleaseTable,
  type Release,
  type ReleaseStatus,
  type ReleaseTable,
} from './release-table.loader.js';
export { readPlanningConfig, type PlanningSettings } from './planning.config.js';
export { resolveTargets, type TargetKind } from './target.resolver.js';
export { commentCommandIn, commentCommandOf, planEventOf, triggerOf, type KnownFacts } from './plan-event.mapper.js';
export { plan, type PlanOptions } from './plan.planner.js';
export {
  accountQuestionsOf,
  accountReason,
  accountsListOf,
  DEFAULT_ALLOWED_BUILDERS,
  DEFAULT_ALLOWED_COMMITTERS,
  DEFAULT_ALLOWED_PR_AUTHORS,
  pushAccountReason,
  type AccountsList,
} from './allowed-accounts.js';
export { planSummary, type PlanSummary } from './plan.summary.js';
