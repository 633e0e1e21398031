// `/pipelines/<id>` (the page check runs and comments link to): the pipeline's DAG, every
// item with its attempts and external links, what was skipped and why, and its reruns.
// While the pipeline runs the page polls (the answers' ETags make unchanged polls cheap).
import {
  Alert,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  PageSection,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, type Pipeline, type Step, type Target } from '../api';
import { useApi } from '../hooks';
import { PipelineGraph } from '../pipeline-graph';
import { PipelineRerunButtons, RerunProvider, StepRerunButton, TargetRerunButton } from '../rerun-buttons';
import { Link } from '../router';
import { StatusLabel, isRunning, time } from '../status';
import { Loading } from './common';

const POLL_MS = 5000;

/** What the external link of an item is called. */
function linkName(t: Target): string {
  if (t.kind.startsWith('copr')) return 'Copr build';
  if (t.kind.startsWith('test')) return 'Testing Farm request';
  if (t.kind.startsWith('koji')) return 'Koji task';
  return 'Details';
}

function Links({ target }: { target: Target }) {
  return (
    <>
      {target.webUrl ? <a href={target.webUrl}>{linkName(target)}</a> : null}
      {target.webUrl && target.logUrl ? ' · ' : null}
      {target.logUrl ? <a href={target.logUrl}>{target.kind.startsWith('test') ? 'Artifacts' : 'Logs'}</a> : null}
      {!target.webUrl && !target.logUrl ? '—' : null}
    </>
  );
}

function StepItems({ step }: { step: Step }) {
  return (
    <section style={{ marginTop: '1.5rem' }} aria-labelledby={`step-${step.id}`}>
      <Title headingLevel="h3" id={`step-${step.id}`}>
        <Link href={`/steps/${step.id}`}>{step.job}</Link> {step.package ? `(${step.package})` : ''}{' '}
        <StatusLabel status={step.status} compact />{' '}
        <span className="packflow-step-rerun">
          <StepRerunButton step={step.id} label={step.job} />
        </span>
      </Title>
      <Table aria-label={`Items of ${step.job}`} variant="compact" gridBreakPoint="grid-md">
        <Thead>
          <Tr>
            <Th>Target</Th>
            <Th>Status</Th>
            <Th>Attempt</Th>
            <Th>Started</Th>
            <Th>Finished</Th>
            <Th>Links</Th>
            <Th screenReaderText="Rerun" />
          </Tr>
        </Thead>
        <Tbody>
          {step.targets.map((t) => (
            <Tr key={t.id}>
              <Td dataLabel="Target">
                {t.target}
                {t.reused ? ' (reused)' : ''}
              </Td>
              <Td dataLabel="Status">
                <StatusLabel status={t.status} compact />
                {t.reason ? <div>{t.reason}</div> : null}
              </Td>
              <Td dataLabel="Attempt">{t.attempt}</Td>
              <Td dataLabel="Started">{time(t.startedAt)}</Td>
              <Td dataLabel="Finished">{time(t.finishedAt)}</Td>
              <Td dataLabel="Links">
                <Links target={t} />
              </Td>
              <Td dataLabel="Rerun">
                <TargetRerunButton step={step.id} target={t.target} />
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </section>
  );
}

function Skipped({ pipeline }: { pipeline: Pipeline }) {
  const skipped = pipeline.steps.flatMap((s) =>
    s.targets.filter((t) => t.status === 'skipped').map((t) => ({ step: s, target: t })),
  );
  if (skipped.length === 0) return null;
  return (
    <Alert variant="info" isInline title={`${skipped.length} skipped`} style={{ marginTop: '1rem' }}>
      <ul>
        {skipped.map(({ step, target }) => (
          <li key={target.id}>
            {step.job} {target.target}: {target.reason ?? 'no reason recorded'}
          </li>
        ))}
      </ul>
    </Alert>
  );
}

function Header({ pipeline: p }: { pipeline: Pipeline }) {
  return (
    <>
      <Title headingLevel="h1">
        Pipeline #{p.id} <StatusLabel status={p.status} />
      </Title>
      <DescriptionList isHorizontal isCompact style={{ margin: '1rem 0' }} columnModifier={{ lg: '2Col' }}>
        <DescriptionListGroup>
          <DescriptionListTerm>Project</DescriptionListTerm>
          <DescriptionListDescription>
            <Link href={`/projects/${p.project.id}`}>
              {p.project.namespace}/{p.project.repo}
            </Link>
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Event</DescriptionListTerm>
          <DescriptionListDescription>
            {p.event ? <Link href={`/events/${p.event.id}`}>{p.event.type}</Link> : '—'}
            {p.event?.actor ? ` by ${p.event.actor}` : ''}
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Ref</DescriptionListTerm>
          <DescriptionListDescription>
            {p.ref.kind} {p.ref.name} at <code>{p.commitSha.slice(0, 12)}</code>
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Times</DescriptionListTerm>
          <DescriptionListDescription>
            created {time(p.createdAt)}, finished {time(p.finishedAt)}
          </DescriptionListDescription>
        </DescriptionListGroup>
        {p.rerunOf ? (
          <DescriptionListGroup>
            <DescriptionListTerm>Reruns</DescriptionListTerm>
            <DescriptionListDescription>
              {p.rerunKind} rerun of{' '}
              {p.rerunChain.map((id, i) => (
                <span key={id}>
                  {i > 0 ? ', which reran ' : ''}
                  <Link href={`/pipelines/${id}`}>#{id}</Link>
                </span>
              ))}
            </DescriptionListDescription>
          </DescriptionListGroup>
        ) : null}
        {p.reruns.length > 0 ? (
          <DescriptionListGroup>
            <DescriptionListTerm>Rerun by</DescriptionListTerm>
            <DescriptionListDescription>
              {p.reruns.map((id, i) => (
                <span key={id}>
                  {i > 0 ? ', ' : ''}
                  <Link href={`/pipelines/${id}`}>#{id}</Link>
                </span>
              ))}
            </DescriptionListDescription>
          </DescriptionListGroup>
        ) : null}
      </DescriptionList>
    </>
  );
}

export function PipelinePage({ id }: { id: string }) {
  const state = useApi<Pipeline>(api(`/pipelines/${id}`), { pollMs: POLL_MS, poll: (p) => isRunning(p.status) });
  return (
    <PageSection>
      <Loading state={state}>
        {(p) => (
          <RerunProvider pipeline={p}>
            <Header pipeline={p} />
            <PipelineRerunButtons pipeline={p} />
            <PipelineGraph pipeline={p} />
            <Skipped pipeline={p} />
            <Title headingLevel="h2" style={{ marginTop: '1.5rem' }}>
              Steps
            </Title>
            {p.steps.map((s) => (
              <StepItems key={s.id} step={s} />
            ))}
          </RerunProvider>
        )}
      </Loading>
    </PageSection>
  );
}
