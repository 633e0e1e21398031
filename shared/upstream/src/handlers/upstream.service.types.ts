// What the upstream worker's service is given, and the event shapes it handles.
import type { PackitConfig, ReleaseTable } from '@packflow/config';
import type { Logger } from '@packflow/core';
import type { PipelineEngine } from '@packflow/engine';
import type { EventMessageMeta, EventOfType, EventType } from '@packflow/events';
import type { TestingFarmClient } from '@packflow/clients';
import type { ForgeRegistry } from '../forge/forge.registry.js';
import type { UpstreamRepository } from '../upstream.repository.js';
import type { DistGit } from './dist-git.config.js';
import type { KojiEventsHandler } from './koji-events.handler.js';
import type { TestResultsRecorder } from './test-results.recorder.js';

export interface UpstreamServiceDeps {
  repository: UpstreamRepository;
  engine: PipelineEngine;
  forges: ForgeRegistry;
  releases: ReleaseTable;
  testingFarm: TestingFarmClient;
  results: TestResultsRecorder;
  logger: Logger;
  /** The Fedora dist-git identity (pull_from_upstream reads its config there); none: those events are left alone. */
  distGit?: DistGit;
  /** What Koji's messages start on dist-git (side tags, builds packflow did not make); none: left alone. */
  koji?: KojiEventsHandler;
}

/** A typed event as it arrives in a message (with its event id). */
export type Msg<T extends EventType> = EventOfType<T> & EventMessageMeta;
export type TriggerEvent = Msg<
  | 'pull_request.opened'
  | 'pull_request.reopened'
  | 'pull_request.synchronize'
  | 'push.branch'
  | 'push.tag'
  | 'release.published'
>;
export type CommentEvent = Msg<'pull_request.comment' | 'commit.comment' | 'issue.comment'>;
/** The project an event is about and, for a result, the deployment owning its pipeline. */
export type EventProject = {
  forge: string;
  instanceUrl: string;
  namespace?: string;
  repo?: string;
  owner?: string | null;
};
/** Events on a forge repository (they carry the project). */
export type ForgeEvent = TriggerEvent | CommentEvent | Msg<'pull_request.closed'>;

/** The config at a commit and its errors; undefined when the repository has none. */
export type ConfigAt = { config?: PackitConfig; errors: string[] } | undefined;
