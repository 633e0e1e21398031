export * from './engine.types.js';
export { PipelineEngine, createEngine } from './pipeline.engine.js';
export type { EngineOptions } from './engine.options.js';
export { ENGINE_DUE_CHANNEL } from './store/due.notify.js';
export { advance, settle, stepStatus, pipelineStatus, describeFailure, idempotencyKey } from './transitions.js';
export {
  rerunAll,
  rerunFrom,
  rerunTargets,
  rerunFailed,
  rerunSelected,
  targetClosure,
  downstreamSteps,
} from './rerun.selector.js';
