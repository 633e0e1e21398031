// One row of the fixtures conformance suite: a real payload and what it parses into.
import type { Ecosystem } from '@packflow/events';

export type Sender = 'github' | 'gitlab' | 'messages' | 'testing-farm';

export interface FixtureRow {
  file: string;
  sender: Sender;
  /** X-GitHub-Event / X-Gitlab-Event. */
  header?: string;
  /** Event type, or `ignored: <reason>`. */
  expect: string;
  /** `instance namespace/repo`, or `-` when the event has none. */
  project?: string;
  /** `kind:name`. */
  ref?: string;
  sha?: string | null;
  ecosystem?: Ecosystem;
  /** Extra fields to check. */
  fields?: Record<string, unknown>;
}
