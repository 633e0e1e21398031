// The dashboard: PatternFly page with a masthead and the routes of packflow's pages.
import '@patternfly/react-core/dist/styles/base.css';
import '@patternfly/react-topology/dist/esm/css/topology-components.css';
import {
  Banner,
  Label,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  Page,
  PageSection,
  Title,
} from '@patternfly/react-core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { About } from './api';
import { useApi } from './hooks';
import { EventPage } from './pages/event';
import { KcidbPage } from './pages/kcidb';
import { PipelinePage } from './pages/pipeline';
import { ProjectPage } from './pages/project';
import { ProjectsPage } from './pages/projects';
import { StepPage } from './pages/step';
import { Link, LocationProvider, match, useLocation } from './router';
import { SessionMenu, SessionProvider } from './session';

function Routes() {
  const url = useLocation();
  const path = url.pathname;
  let m: Record<string, string> | null;
  if ((m = match('/pipelines/:id', path))) return <PipelinePage id={m.id} />;
  if ((m = match('/steps/:id', path))) return <StepPage id={m.id} />;
  if ((m = match('/events/:id', path))) return <EventPage id={m.id} />;
  if ((m = match('/projects/:id', path))) return <ProjectPage id={m.id} tab={url.searchParams.get('tab')} />;
  if ((m = match('/kcidb/:view', path)) || (m = match('/kcidb', path))) return <KcidbPage view={m.view ?? 'trees'} />;
  if (path === '/' || path === '/projects') return <ProjectsPage />;
  return (
    <PageSection>
      <Title headingLevel="h1">Not found</Title>
      <p>
        No page at {path}. <Link href="/">Projects</Link>
      </p>
    </PageSection>
  );
}

function App() {
  // The sandbox of `pnpm start` says so on every page: its forge, Copr and Testing Farm are fakes.
  const sandbox = useApi<About>('/api/v1/about').data?.sandbox === true;
  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadBrand>
          <MastheadLogo component={(props) => <Link {...props} href="/" />}>
            <span className="packflow-brand">packflow</span>
          </MastheadLogo>
          {sandbox && (
            <Label color="orange" className="packflow-sandbox-label">
              sandbox
            </Label>
          )}
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <nav aria-label="Main" className="packflow-nav">
          <Link href="/">Projects</Link>
          <Link href="/kcidb">KCIDB results</Link>
          <a href="/api/v1/openapi.json">API</a>
        </nav>
        <SessionMenu />
      </MastheadContent>
    </Masthead>
  );
  return (
    <Page masthead={masthead}>
      {sandbox && (
        <Banner color="orange" screenReaderText="Sandbox" data-testid="sandbox-banner">
          Sandbox: this packflow runs against a local forge, Copr and Testing Farm (fakes started by{' '}
          <code>pnpm start</code>); nothing here is built for real. Start a pipeline with{' '}
          <code>pnpm packflow sandbox pull-request</code>.
        </Banner>
      )}
      <Routes />
    </Page>
  );
}

const style = document.createElement('style');
style.textContent = `
  .packflow-brand { color: var(--pf-t--global--text--color--regular); font-size: 1.25rem; font-weight: 600; }
  .packflow-sandbox-label { margin-inline-start: 0.75rem; align-self: center; }
  .packflow-nav { display: flex; gap: 1.25rem; flex-wrap: wrap; }
  .packflow-nav a { color: var(--pf-t--global--text--color--regular); }
  .packflow-session { margin-left: auto; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
  .packflow-session a { color: var(--pf-t--global--text--color--regular); }
  .packflow-step-rerun { font-size: var(--pf-t--global--font--size--body--default); }
  .packflow-actions { display: flex; gap: 0.75rem; flex-wrap: wrap; margin-bottom: 1rem; }
  .packflow-graph { height: 460px; border: 1px solid var(--pf-t--global--border--color--default); }
  @media (max-width: 768px) { .packflow-graph { height: 360px; } }
`;
document.head.append(style);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LocationProvider>
      <SessionProvider>
        <App />
      </SessionProvider>
    </LocationProvider>
  </StrictMode>,
);
