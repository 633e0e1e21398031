// The shape of a KCIDB v5.x report once it passed validation. Every field but the keys is
// optional; `null` never appears (absent fields are simply left out).
import type { KcidbResource, KcidbStatus } from '@packflow/core';

export interface KcidbVersion {
  major: 5;
  minor?: number;
}

interface KcidbObject {
  id: string;
  origin: string;
  comment?: string;
  misc?: Record<string, unknown>;
  _timestamp?: string;
}

export interface KcidbCheckoutInput extends KcidbObject {
  tree_name?: string;
  git_repository_url?: string;
  git_commit_hash?: string;
  git_commit_name?: string;
  git_commit_tags?: string[];
  git_commit_message?: string;
  git_repository_branch?: string;
  git_repository_branch_tip?: boolean;
  patchset_files?: KcidbResource[];
  patchset_hash?: string;
  message_id?: string;
  start_time?: string;
  origin_builds_finish_time?: string;
  origin_tests_finish_time?: string;
  log_url?: string;
  log_excerpt?: string;
  valid?: boolean;
}

export interface KcidbBuildInput extends KcidbObject {
  checkout_id: string;
  start_time?: string;
  duration?: number;
  architecture?: string;
  command?: string;
  compiler?: string;
  input_files?: KcidbResource[];
  output_files?: KcidbResource[];
  config_name?: string;
  config_url?: string;
  log_url?: string;
  log_excerpt?: string;
  status?: KcidbStatus;
}

export interface KcidbTestInput extends KcidbObject {
  build_id: string;
  environment?: { compatible?: string[]; comment?: string; misc?: Record<string, unknown> };
  path?: string;
  log_url?: string;
  log_excerpt?: string;
  status?: KcidbStatus;
  number?: { value: number; unit?: string; prefix?: 'metric' | 'binary' };
  start_time?: string;
  duration?: number;
  input_files?: KcidbResource[];
  output_files?: KcidbResource[];
}

export interface KcidbIssueInput extends KcidbObject {
  version: number;
  report_url?: string;
  report_subject?: string;
  culprit?: { code?: boolean; tool?: boolean; harness?: boolean };
  categories?: string[];
}

export interface KcidbIncidentInput extends KcidbObject {
  issue_id: string;
  issue_version: number;
  build_id?: string;
  test_id?: string;
  present?: boolean;
}

export interface KcidbReport {
  version: KcidbVersion;
  checkouts?: KcidbCheckoutInput[];
  builds?: KcidbBuildInput[];
  tests?: KcidbTestInput[];
  issues?: KcidbIssueInput[];
  incidents?: KcidbIncidentInput[];
}

/** The object lists of a report, in the order they are loaded (parents first). */
export const KCIDB_SECTIONS = ['checkouts', 'builds', 'tests', 'issues', 'incidents'] as const;
export type KcidbSection = (typeof KCIDB_SECTIONS)[number];

/** One thing wrong with a document: where (a JSON pointer, RFC 6901) and what. */
export interface KcidbViolation {
  pointer: string;
  message: string;
}
