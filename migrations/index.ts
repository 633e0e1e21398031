// The migration bases of packflow. Each owns the Postgres schema of its name and a
// tracking table in it. The ecosystem bases build on the shared base.
import { fileURLToPath } from 'node:url';
import type { BaseDefinition } from '@packflow/migrator';

const dir = (base: string) => fileURLToPath(new URL(`./${base}/`, import.meta.url));

export const BASES: readonly BaseDefinition[] = [
  { name: 'shared', dir: dir('shared'), dependsOn: {} },
  { name: 'upstream', dir: dir('upstream'), dependsOn: { shared: '20261120T220000-initial' } },
  { name: 'stream', dir: dir('stream'), dependsOn: { shared: '20261120T220000-initial' } },
];
