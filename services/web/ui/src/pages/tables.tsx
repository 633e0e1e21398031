// The tables of pipelines and events several pages show.
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { EventSummary, PipelineSummary } from '../api';
import { Link } from '../router';
import { StatusLabel, time } from '../status';

export function PipelineTable({ items, label }: { items: PipelineSummary[]; label: string }) {
  return (
    <Table aria-label={label} variant="compact" gridBreakPoint="grid-md">
      <Thead>
        <Tr>
          <Th>Pipeline</Th>
          <Th>Status</Th>
          <Th>Trigger</Th>
          <Th>Ref</Th>
          <Th>Commit</Th>
          <Th>Created</Th>
        </Tr>
      </Thead>
      <Tbody>
        {items.map((p) => (
          <Tr key={p.id}>
            <Td dataLabel="Pipeline">
              <Link href={`/pipelines/${p.id}`}>#{p.id}</Link>
              {p.rerunOf ? (
                <>
                  {' '}
                  (rerun {p.rerunKind} of <Link href={`/pipelines/${p.rerunOf}`}>#{p.rerunOf}</Link>)
                </>
              ) : null}
            </Td>
            <Td dataLabel="Status">
              <StatusLabel status={p.status} compact />
            </Td>
            <Td dataLabel="Trigger">{p.trigger}</Td>
            <Td dataLabel="Ref">
              {p.ref.kind} {p.ref.name}
            </Td>
            <Td dataLabel="Commit">
              <code>{p.commitSha.slice(0, 12)}</code>
            </Td>
            <Td dataLabel="Created">{time(p.createdAt)}</Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}

export function EventTable({ items }: { items: EventSummary[] }) {
  return (
    <Table aria-label="Events" variant="compact" gridBreakPoint="grid-md">
      <Thead>
        <Tr>
          <Th>Event</Th>
          <Th>Type</Th>
          <Th>Actor</Th>
          <Th>Disposition</Th>
          <Th>Received</Th>
        </Tr>
      </Thead>
      <Tbody>
        {items.map((e) => (
          <Tr key={e.id}>
            <Td dataLabel="Event">
              <Link href={`/events/${e.id}`}>#{e.id}</Link>
            </Td>
            <Td dataLabel="Type">{e.type}</Td>
            <Td dataLabel="Actor">{e.actor ?? '—'}</Td>
            <Td dataLabel="Disposition">
              {e.disposition}
              {e.reason ? `: ${e.reason}` : ''}
            </Td>
            <Td dataLabel="Received">{time(e.receivedAt)}</Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
