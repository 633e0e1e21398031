// Pieces the pages share: loading and error states, and "more" for cursor pages.
import { Alert, Button, Spinner } from '@patternfly/react-core';
import { useEffect, useState } from 'react';
import { getJson, type Page } from '../api';
import type { Loaded } from '../hooks';

export function Loading<T>({ state, children }: { state: Loaded<T>; children: (data: T) => React.ReactNode }) {
  if (state.error && !state.data) {
    return <Alert variant="danger" isInline title={state.error.message} />;
  }
  if (!state.data) return <Spinner size="lg" aria-label="Loading" />;
  return <>{children(state.data)}</>;
}

/** All pages of a list loaded so far, and a button loading the next one. */
export function usePages<T>(path: string, extra = '') {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const load = (cursor: string | null, reset: boolean) => {
    setLoading(true);
    const query = new URLSearchParams(extra);
    if (cursor !== null) query.set('cursor', cursor);
    getJson<Page<T>>(`${path}?${query}`).then(
      (page) => {
        setItems((old) => (reset ? page.items : [...old, ...page.items]));
        setNext(page.next);
        setError(null);
        setLoading(false);
      },
      (e: Error) => {
        setError(e);
        setLoading(false);
      },
    );
  };
  useEffect(() => load(null, true), [path, extra]);
  // A cursor may be "" (the KCIDB path rollup's root path); only null ends the list.
  const more =
    next !== null ? (
      <Button variant="secondary" isLoading={loading} onClick={() => load(next, false)}>
        Load more
      </Button>
    ) : null;
  return { items, error, loading, more };
}

export function ListState({ error, loading, empty }: { error: Error | null; loading: boolean; empty: boolean }) {
  if (error) return <Alert variant="danger" isInline title={error.message} />;
  if (loading && empty) return <Spinner size="lg" aria-label="Loading" />;
  if (empty) return <p>Nothing here yet.</p>;
  return null;
}
