// Loading API data in components: one request per path, again every `pollMs` while
// `poll` says so (a running pipeline); stale answers of an earlier path are dropped.
import { useEffect, useState } from 'react';
import { getJson } from './api';

export interface Loaded<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
}

export function useApi<T>(path: string | null, options: { pollMs?: number; poll?: (data: T) => boolean } = {}) {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: path !== null });
  const { pollMs, poll } = options;
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState({ data: null, error: null, loading: true });
    const load = () =>
      getJson<T>(path, controller.signal).then(
        (data) => {
          setState({ data, error: null, loading: false });
          if (pollMs && (!poll || poll(data))) timer = setTimeout(load, pollMs);
        },
        (error: Error) => {
          if (controller.signal.aborted) return;
          setState((s) => ({ data: s.data, error, loading: false }));
        },
      );
    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
    // `poll` is a predicate on the data; a new function each render must not restart polling.
  }, [path, pollMs]);
  return state;
}
