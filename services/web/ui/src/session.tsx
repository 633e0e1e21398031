// Who is signed in (GET /api/v1/me), for the whole page: the masthead shows the person and
// "Sign out", or the "Sign in" links of the forges this deployment has an OAuth app on;
// pages ask it for the CSRF token their POSTs carry.
import { Button } from '@patternfly/react-core';
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { api, getJson, postJson, type Me } from './api';
import { useLocation } from './router';

const FORGE_NAMES: Record<string, string> = { github: 'GitHub', gitlab: 'GitLab' };

const SessionContext = createContext<Me | null>(null);

export const useSession = () => useContext(SessionContext);

export function SessionProvider({ children }: { children: React.ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const load = useCallback(() => {
    getJson<Me>(api('/me')).then(setMe, () => setMe({ user: null, signIn: [] }));
  }, []);
  useEffect(load, [load]);
  return <SessionContext.Provider value={me}>{children}</SessionContext.Provider>;
}

export function SessionMenu() {
  const me = useSession();
  const url = useLocation();
  if (!me) return null;
  if (!me.user) {
    const back = encodeURIComponent(`${url.pathname}${url.search}`);
    return (
      <span className="packflow-session">
        {me.signIn.map((p) => (
          <a key={p.forge} href={`${p.url}?return_to=${back}`}>
            Sign in{me.signIn.length > 1 ? ` with ${FORGE_NAMES[p.forge] ?? p.forge}` : ''}
          </a>
        ))}
      </span>
    );
  }
  const signOut = () => postJson(api('/auth/sign-out'), {}, me.csrfToken).finally(() => window.location.reload());
  return (
    <span className="packflow-session">
      <span aria-label="Signed in as">
        {me.user.login} ({FORGE_NAMES[me.user.forge] ?? me.user.forge})
      </span>
      <Button variant="link" isInline onClick={() => void signOut()}>
        Sign out
      </Button>
    </span>
  );
}
