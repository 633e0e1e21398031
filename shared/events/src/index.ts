// @packflow/events: the one typed event schema, the bus and Testing Farm parsers, and the
// payload reader and comment-command parser the forge drivers (@packflow/forges) parse with.
// No NestJS; the scheduler (intake) and the JetStream transport (validation on receive)
// both use it.
export {
  EVENT_TYPES,
  EVENT_SOURCES,
  FORGES,
  KOJI_BUILD_STATES,
  KOJI_TASK_STATES,
  REF_KINDS,
  RESULT_EVENT_TYPES,
  commandSchema,
  eventSchema,
  eventSchemas,
  isResultEvent,
  projectSchema,
  refSchema,
  type EventOfType,
  type EventProject,
  type EventRef,
  type EventType,
  type PackflowEvent,
  type PackitCommand,
  type ResultEvent,
} from './event.schema.js';
export {
  eventOf,
  ignored,
  isIgnored,
  PayloadReader,
  splitFullName,
  splitRepositoryUrl,
  ZERO_SHA,
  type Ignored,
  type ParseResult,
} from './payload.reader.js';
export { parseCommentCommand, COMMAND_PREFIXES } from './command.parser.js';
export { parseMessage, readBusMessage, SIDE_TAG, type BusMessage } from './message.parser.js';
export { parseTestingFarm, testingFarmToken } from './testing-farm.parser.js';
export {
  DEFAULT_ECOSYSTEM,
  DEFAULT_ROUTING_RULES,
  ECOSYSTEMS,
  checkRoutingRules,
  createRouter,
  type Ecosystem,
  type Router,
  type RoutingRule,
} from './routing.js';
export {
  allSubjects,
  ecosystemSubjects,
  eventSubject,
  instanceSubject,
  localSubject,
  parseSubject,
  splitSubject,
  streamSubjects,
  KCIDB_LOADED_SUBJECT,
  KCIDB_SUBMITTED_SUBJECT,
  RESULTS_SUBJECTS,
} from './subject.scheme.js';
export {
  toEventMessage,
  validateEvent,
  validateEventMessage,
  type EventMessage,
  type EventMessageMeta,
} from './event-message.schema.js';
export {
  kcidbLoadedMessage,
  kcidbLoadedSchema,
  kcidbSubmittedMessage,
  kcidbSubmittedSchema,
  validateResultsMessage,
  validateStreamMessage,
  type KcidbLoadedMessage,
  type KcidbSubmittedMessage,
} from './results-message.schema.js';
