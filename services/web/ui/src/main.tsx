// The dashboard: PatternFly page with a masthead and the routes of packflow's pages.
import '@patternfly/react-core/dist/styles/base.css';
import '@patternfly/react-topology/dist/esm/css/topology-components.css';
import {
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
  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadBrand>
          <MastheadLogo component={(props) => <Link {...props} href="/" />}>
            <span className="packflow-brand">packflow</span>
          </MastheadLogo>
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
      <Routes />
    </Page>
  );
}

const style = document.createElement('style');
style.textContent = `
  .packflow-brand { color: var(--pf-t--global--text--color--regular); font-size: 1.25rem; font-weight: 600; }
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
