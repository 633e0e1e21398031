// `/events/<id>`: an event, its project and the pipelines it started.
import {
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  PageSection,
  Title,
} from '@patternfly/react-core';
import { api, type EventView, type PipelineSummary } from '../api';
import { useApi } from '../hooks';
import { Link } from '../router';
import { time } from '../status';
import { ListState, Loading, usePages } from './common';
import { PipelineTable } from './tables';

export function EventPage({ id }: { id: string }) {
  const event = useApi<EventView>(api(`/events/${id}`));
  const pipelines = usePages<PipelineSummary>(api(`/events/${id}/pipelines`));
  return (
    <PageSection>
      <Loading state={event}>
        {(e) => (
          <>
            <Title headingLevel="h1">
              Event #{e.id}: {e.type}
            </Title>
            <DescriptionList isHorizontal isCompact style={{ margin: '1rem 0' }}>
              <DescriptionListGroup>
                <DescriptionListTerm>Project</DescriptionListTerm>
                <DescriptionListDescription>
                  {e.project ? (
                    <Link href={`/projects/${e.project.id}`}>
                      {e.project.namespace}/{e.project.repo}
                    </Link>
                  ) : (
                    'none'
                  )}
                </DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Actor</DescriptionListTerm>
                <DescriptionListDescription>{e.actor ?? '—'}</DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Disposition</DescriptionListTerm>
                <DescriptionListDescription>
                  {e.disposition}
                  {e.reason ? `: ${e.reason}` : ''}
                </DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Received</DescriptionListTerm>
                <DescriptionListDescription>{time(e.receivedAt)}</DescriptionListDescription>
              </DescriptionListGroup>
            </DescriptionList>
            <Title headingLevel="h2">Pipelines</Title>
            <ListState error={pipelines.error} loading={pipelines.loading} empty={pipelines.items.length === 0} />
            {pipelines.items.length > 0 && <PipelineTable items={pipelines.items} label="Pipelines of the event" />}
            {pipelines.more}
          </>
        )}
      </Loading>
    </PageSection>
  );
}
