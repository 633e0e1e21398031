// @packflow/results: the KCIDB v5.3 results store — validation, submissions, ingest, queries.
export type {
  KcidbReport,
  KcidbCheckoutInput,
  KcidbBuildInput,
  KcidbTestInput,
  KcidbIssueInput,
  KcidbIncidentInput,
  KcidbSection,
  KcidbViolation,
} from './report/kcidb-report.types.js';
export { KCIDB_SECTIONS } from './report/kcidb-report.types.js';
export { KCIDB_REPORT_SCHEMA } from './report/kcidb-report.schema.js';
export { validateKcidbReport, MAX_VIOLATIONS, type KcidbValidation } from './report/kcidb-report.validator.js';
export { unstorableText } from './report/kcidb-storable.js';
export { summarizeKcidbStatus } from './report/kcidb-status.js';
export {
  checkKcidbSubmitters,
  toKcidbSubmitters,
  authenticateKcidbSubmitter,
  type KcidbSubmitter,
} from './submit/kcidb-submitters.js';
export { foreignObjects, assertOriginsAllowed } from './submit/kcidb-origins.js';
export { loadKcidbReport, type KcidbLoadCounts } from './ingest/kcidb-ingest.repository.js';
export { KcidbSubmissionProcessor, type ProcessOutcome } from './ingest/kcidb-submission.processor.js';
export { kcidbQueries, type PageOf } from './query/kcidb-query.repository.js';
export { KcidbService, type KcidbServiceDeps } from './kcidb.service.js';
export { announceKcidbSubmission } from './submit/kcidb-announce.js';
