// `/`: the projects, searchable by forge, namespace and name.
import { Form, FormGroup, FormSelect, FormSelectOption, PageSection, TextInput, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import { api, type Project } from '../api';
import { Link } from '../router';
import { ListState, usePages } from './common';

export function ProjectsPage() {
  const [forge, setForge] = useState('');
  const [namespace, setNamespace] = useState('');
  const [name, setName] = useState('');
  const query = new URLSearchParams();
  if (forge) query.set('forge', forge);
  if (namespace) query.set('namespace', namespace);
  if (name) query.set('name', name);
  const { items, error, loading, more } = usePages<Project>(api('/projects'), query.toString());
  return (
    <PageSection>
      <Title headingLevel="h1">Projects</Title>
      <Form isHorizontal={false} onSubmit={(e) => e.preventDefault()} style={{ margin: '1rem 0', maxWidth: 720 }}>
        <div style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap' }}>
          <FormGroup label="Forge" fieldId="forge">
            <FormSelect id="forge" value={forge} onChange={(_, v) => setForge(v)} aria-label="Forge">
              <FormSelectOption value="" label="Any" />
              <FormSelectOption value="github" label="GitHub" />
              <FormSelectOption value="gitlab" label="GitLab" />
              <FormSelectOption value="pagure" label="Pagure" />
              <FormSelectOption value="forgejo" label="Forgejo" />
            </FormSelect>
          </FormGroup>
          <FormGroup label="Namespace" fieldId="namespace">
            <TextInput id="namespace" value={namespace} onChange={(_, v) => setNamespace(v)} />
          </FormGroup>
          <FormGroup label="Name" fieldId="name">
            <TextInput id="name" value={name} onChange={(_, v) => setName(v)} />
          </FormGroup>
        </div>
      </Form>
      <ListState error={error} loading={loading} empty={items.length === 0} />
      {items.length > 0 && (
        <Table aria-label="Projects" variant="compact" gridBreakPoint="grid-md">
          <Thead>
            <Tr>
              <Th>Project</Th>
              <Th>Forge</Th>
              <Th>Instance</Th>
            </Tr>
          </Thead>
          <Tbody>
            {items.map((p) => (
              <Tr key={p.id}>
                <Td dataLabel="Project">
                  <Link href={`/projects/${p.id}`}>
                    {p.namespace}/{p.repo}
                  </Link>
                </Td>
                <Td dataLabel="Forge">{p.forge}</Td>
                <Td dataLabel="Instance">{p.instanceUrl}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {more}
    </PageSection>
  );
}
