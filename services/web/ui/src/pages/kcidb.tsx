// `/kcidb/<view>`: the KCIDB results: trees, one revision, hardware and a test's history,
// from the /api/v1/kcidb queries, paged by cursor like the other lists ("Load more"). Rows
// are shown as the queries answer them; counts objects ({pass, fail, …}) read as
// "pass 3 · fail 1".
import {
  Button,
  Form,
  FormGroup,
  PageSection,
  Tab,
  Tabs,
  TabTitleText,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import { api } from '../api';
import { navigate, useLocation } from '../router';
import { ListState, usePages } from './common';

type Row = Record<string, unknown>;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(cell).join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as Row)
      .map(([k, v]) => `${k} ${cell(v)}`)
      .join(' · ');
  }
  return String(value);
}

function Rows({ rows, label }: { rows: Row[]; label: string }) {
  const columns = Object.keys(rows[0]);
  return (
    <Table aria-label={label} variant="compact" gridBreakPoint="grid-md">
      <Thead>
        <Tr>
          {columns.map((c) => (
            <Th key={c}>{c.replace(/_/g, ' ')}</Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {rows.map((r, i) => (
          <Tr key={i}>
            {columns.map((c) => (
              <Td key={c} dataLabel={c}>
                {cell(r[c])}
              </Td>
            ))}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}

/** One KCIDB list: `query` is its query string (without cursor and limit). */
function Query({ path, query = '', label }: { path: string; query?: string; label: string }) {
  const { items, error, loading, more } = usePages<Row>(path, query);
  return (
    <>
      <ListState error={error} loading={loading} empty={items.length === 0} />
      {items.length > 0 && <Rows rows={items} label={label} />}
      {more}
    </>
  );
}

const param = (name: string, value: string) => new URLSearchParams({ [name]: value }).toString();

function Ask({ name, label, value }: { name: string; label: string; value: string }) {
  const [text, setText] = useState(value);
  const url = useLocation();
  return (
    <Form
      onSubmit={(e) => {
        e.preventDefault();
        navigate(`${url.pathname}?${name}=${encodeURIComponent(text)}`);
      }}
      style={{ margin: '1rem 0', maxWidth: 640 }}
    >
      <FormGroup label={label} fieldId={`kcidb-${name}`}>
        <TextInput id={`kcidb-${name}`} value={text} onChange={(_, v) => setText(v)} />
      </FormGroup>
      <Button type="submit">Show</Button>
    </Form>
  );
}

const VIEWS = ['trees', 'revision', 'hardware', 'test-history'] as const;

export function KcidbPage({ view }: { view: string }) {
  const url = useLocation();
  const active = (VIEWS as readonly string[]).includes(view) ? view : 'trees';
  const commit = url.searchParams.get('commit') ?? '';
  const path = url.searchParams.get('path') ?? '';
  const hardware = url.searchParams.get('hardware') ?? '';
  return (
    <PageSection>
      <Title headingLevel="h1">KCIDB results</Title>
      <Tabs activeKey={active} onSelect={(_, key) => navigate(`/kcidb/${key}`)} aria-label="KCIDB views">
        <Tab eventKey="trees" title={<TabTitleText>Trees</TabTitleText>}>
          {active === 'trees' && <Query path={api('/kcidb/trees')} label="Trees" />}
        </Tab>
        <Tab eventKey="revision" title={<TabTitleText>Revision</TabTitleText>}>
          {active === 'revision' && (
            <>
              <Ask name="commit" label="Commit (40 hex digits)" value={commit} />
              {commit && <Query path={api('/kcidb/revision')} query={param('commit', commit)} label="Builds" />}
            </>
          )}
        </Tab>
        <Tab eventKey="hardware" title={<TabTitleText>Hardware</TabTitleText>}>
          {active === 'hardware' &&
            (hardware ? (
              <Query
                path={api('/kcidb/hardware/results')}
                query={param('hardware', hardware)}
                label={`Results on ${hardware}`}
              />
            ) : (
              <Query path={api('/kcidb/hardware')} label="Hardware" />
            ))}
        </Tab>
        <Tab eventKey="test-history" title={<TabTitleText>Test history</TabTitleText>}>
          {active === 'test-history' && (
            <>
              <Ask name="path" label="Test path (e.g. ltp.sem01)" value={path} />
              {path && (
                <Query path={api('/kcidb/test-history')} query={param('path', path)} label={`History of ${path}`} />
              )}
            </>
          )}
        </Tab>
      </Tabs>
    </PageSection>
  );
}
