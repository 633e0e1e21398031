// The external id packflow gives each check run (GitHub) it reports: `<pipeline>:<step>:<target>`.
// The reporter writes it; a re-run request from the forge names it, and the handler reads
// it back to know what to rerun. One format, owned here.

export interface CheckRunRef {
  pipelineId: string;
  stepId: string;
  target: string;
}

/** `<pipeline>:<step>:<target>`: what a re-run request of one check names. */
export const formatCheckRunId = (ref: CheckRunRef): string => `${ref.pipelineId}:${ref.stepId}:${ref.target}`;

/** The pipeline, step and target of a packflow check run; undefined for anything else. */
export function parseCheckRunId(value: string | null | undefined): CheckRunRef | undefined {
  const m = /^(\d+):(\d+):(.+)$/.exec(value ?? '');
  return m ? { pipelineId: m[1], stepId: m[2], target: m[3] } : undefined;
}
