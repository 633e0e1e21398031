// `/steps/<id>`: a step in its context: pipeline, event, project, the steps before and
// after it, and every item of its group (other chroots and attempts included).
import { PageSection, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { api, type Step, type Target } from '../api';
import { useApi } from '../hooks';
import { Link } from '../router';
import { StatusLabel, time } from '../status';
import { Loading } from './common';

interface StepView {
  step: Step & { pipelineId: string };
  pipeline: { id: string };
  event: { id: string; type: string } | null;
  project: { id: string; namespace: string; repo: string };
  previous: Step[];
  next: Step[];
  group: { kind: string; id: string; targets: Target[] } | null;
}

const stepLinks = (steps: Step[]) =>
  steps.length === 0
    ? 'none'
    : steps.map((s, i) => (
        <span key={s.id}>
          {i > 0 ? ', ' : ''}
          <Link href={`/steps/${s.id}`}>{s.job}</Link>
        </span>
      ));

export function StepPage({ id }: { id: string }) {
  const state = useApi<StepView>(api(`/steps/${id}`));
  return (
    <PageSection>
      <Loading state={state}>
        {(v) => (
          <>
            <Title headingLevel="h1">
              Step {v.step.job} <StatusLabel status={v.step.status} />
            </Title>
            <p>
              In <Link href={`/pipelines/${v.pipeline.id}`}>pipeline #{v.pipeline.id}</Link> of{' '}
              <Link href={`/projects/${v.project.id}`}>
                {v.project.namespace}/{v.project.repo}
              </Link>
              {v.event ? (
                <>
                  , started by <Link href={`/events/${v.event.id}`}>{v.event.type}</Link>
                </>
              ) : null}
            </p>
            <p>Runs after: {stepLinks(v.previous)}</p>
            <p>Followed by: {stepLinks(v.next)}</p>
            {v.group ? (
              <>
                <Title headingLevel="h2" style={{ marginTop: '1rem' }}>
                  All items of its {v.group.kind} #{v.group.id}
                </Title>
                <Table aria-label="Items of the group" variant="compact" gridBreakPoint="grid-md">
                  <Thead>
                    <Tr>
                      <Th>Target</Th>
                      <Th>Attempt</Th>
                      <Th>Status</Th>
                      <Th>Finished</Th>
                      <Th>Link</Th>
                    </Tr>
                  </Thead>
                  <Tbody>
                    {v.group.targets.map((t) => (
                      <Tr key={t.id}>
                        <Td dataLabel="Target">{t.target}</Td>
                        <Td dataLabel="Attempt">{t.attempt}</Td>
                        <Td dataLabel="Status">
                          <StatusLabel status={t.status} compact /> {t.reason ?? ''}
                        </Td>
                        <Td dataLabel="Finished">{time(t.finishedAt)}</Td>
                        <Td dataLabel="Link">{t.webUrl ? <a href={t.webUrl}>open</a> : '—'}</Td>
                      </Tr>
                    ))}
                  </Tbody>
                </Table>
              </>
            ) : null}
          </>
        )}
      </Loading>
    </PageSection>
  );
}
