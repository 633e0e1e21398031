// `/projects/<id>`: a project with its pipelines and its events (tabs).
import { PageSection, Tab, Tabs, TabTitleText, Title } from '@patternfly/react-core';
import { api, type EventSummary, type PipelineSummary, type Project } from '../api';
import { useApi } from '../hooks';
import { navigate } from '../router';
import { ListState, Loading, usePages } from './common';
import { EventTable, PipelineTable } from './tables';

function Pipelines({ id }: { id: string }) {
  const { items, error, loading, more } = usePages<PipelineSummary>(api(`/projects/${id}/pipelines`));
  return (
    <>
      <ListState error={error} loading={loading} empty={items.length === 0} />
      {items.length > 0 && <PipelineTable items={items} label="Pipelines" />}
      {more}
    </>
  );
}

function Events({ id }: { id: string }) {
  const { items, error, loading, more } = usePages<EventSummary>(api(`/projects/${id}/events`));
  return (
    <>
      <ListState error={error} loading={loading} empty={items.length === 0} />
      {items.length > 0 && <EventTable items={items} />}
      {more}
    </>
  );
}

export function ProjectPage({ id, tab }: { id: string; tab: string | null }) {
  const project = useApi<Project>(api(`/projects/${id}`));
  const active = tab === 'events' ? 'events' : 'pipelines';
  return (
    <PageSection>
      <Loading state={project}>
        {(p) => (
          <>
            <Title headingLevel="h1">
              {p.namespace}/{p.repo}
            </Title>
            <p>
              {p.forge} · <a href={`${p.instanceUrl}/${p.namespace}/${p.repo}`}>{p.instanceUrl}</a>
            </p>
            <Tabs
              activeKey={active}
              onSelect={(_, key) => navigate(`/projects/${id}${key === 'events' ? '?tab=events' : ''}`)}
              aria-label="Project views"
            >
              <Tab eventKey="pipelines" title={<TabTitleText>Pipelines</TabTitleText>}>
                {active === 'pipelines' && <Pipelines id={id} />}
              </Tab>
              <Tab eventKey="events" title={<TabTitleText>Events</TabTitleText>}>
                {active === 'events' && <Events id={id} />}
              </Tab>
            </Tabs>
          </>
        )}
      </Loading>
    </PageSection>
  );
}
