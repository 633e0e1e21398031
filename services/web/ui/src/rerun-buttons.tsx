// The four reruns of a pipeline (all, what failed, from a step, some targets), shown only
// when the API says the visitor may start them (GET /pipelines/{id}/permissions asks the
// forge as the rerun itself would). A started rerun opens the new pipeline's page.
import { Alert, Button } from '@patternfly/react-core';
import { createContext, useContext, useState } from 'react';
import { api, postJson, type Pipeline, type RerunRequest } from './api';
import { useApi } from './hooks';
import { navigate } from './router';
import { useSession } from './session';

interface Rerunner {
  start(request: RerunRequest): void;
  busy: boolean;
}

const RerunContext = createContext<Rerunner | null>(null);

/** The rerun starter of a pipeline page, or null when the visitor may not rerun. */
export const useRerun = () => useContext(RerunContext);

export function RerunProvider({ pipeline, children }: { pipeline: Pipeline; children: React.ReactNode }) {
  const me = useSession();
  // Asked once who is signed in is known (signing in or out loads the page again).
  const permissions = useApi<{ rerun: boolean; reason?: string }>(
    me ? api(`/pipelines/${pipeline.id}/permissions`) : null,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = (request: RerunRequest) => {
    setBusy(true);
    setError(null);
    postJson<Pipeline>(api(`/pipelines/${pipeline.id}/reruns`), request, me?.csrfToken).then(
      (created) => navigate(`/pipelines/${created.id}`),
      (e: Error) => {
        setError(e.message);
        setBusy(false);
      },
    );
  };
  const allowed = permissions.data?.rerun === true;
  return (
    <RerunContext.Provider value={allowed ? { start, busy } : null}>
      {error ? (
        <Alert variant="danger" isInline title="The rerun did not start" style={{ marginBottom: '1rem' }}>
          {error}
        </Alert>
      ) : null}
      {children}
    </RerunContext.Provider>
  );
}

/** "Re-run all" and "Re-run failed" for the whole pipeline. */
export function PipelineRerunButtons({ pipeline }: { pipeline: Pipeline }) {
  const rerun = useRerun();
  if (!rerun) return null;
  const failed = pipeline.steps.some((s) => s.targets.some((t) => t.status === 'failure' || t.status === 'error'));
  return (
    <div className="packflow-actions" role="group" aria-label="Reruns">
      <Button variant="primary" isDisabled={rerun.busy || !failed} onClick={() => rerun.start({ scope: 'failed' })}>
        Re-run failed
      </Button>
      <Button variant="secondary" isDisabled={rerun.busy} onClick={() => rerun.start({ scope: 'all' })}>
        Re-run all
      </Button>
    </div>
  );
}

/** "Re-run from here": a step and everything after it. */
export function StepRerunButton({ step, label }: { step: string; label: string }) {
  const rerun = useRerun();
  if (!rerun) return null;
  return (
    <Button
      variant="link"
      isInline
      isDisabled={rerun.busy}
      aria-label={`Re-run from ${label}`}
      onClick={() => rerun.start({ scope: 'step', step })}
    >
      Re-run from here
    </Button>
  );
}

/** "Re-run" of one target (a chroot) of a step and what depends on it. */
export function TargetRerunButton({ step, target }: { step: string; target: string }) {
  const rerun = useRerun();
  if (!rerun) return null;
  return (
    <Button
      variant="link"
      isInline
      isDisabled={rerun.busy}
      aria-label={`Re-run ${target}`}
      onClick={() => rerun.start({ scope: 'targets', step, targets: [target] })}
    >
      Re-run
    </Button>
  );
}
