// A list loaded a page at a time (search results, contacts): the first page again whenever
// `key` changes, the next one with more(). An answer to a request no longer wanted (the key
// changed meanwhile, the page is gone) is dropped.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Page } from '../api';

export interface PagedList<T> {
  /** null until the first page is in (or when there is nothing to load). */
  items: T[] | null;
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  more: () => void;
  reload: () => void;
}

interface Loaded<T> {
  items: T[] | null;
  cursor: string | null;
  loading: boolean;
  error: unknown;
}

const IDLE: Loaded<never> = { items: null, cursor: null, loading: false, error: null };

/** `load` null: nothing to load for this key (an empty search). */
export function usePagedList<T>(key: string, load: ((cursor: string | null) => Promise<Page<T>>) | null): PagedList<T> {
  const [state, setState] = useState<Loaded<T>>(IDLE);
  const request = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const fetchPage = (cursor: string | null) => {
    const id = ++request.current;
    const current = loadRef.current;
    if (!current) return setState(IDLE);
    setState((s) => ({ ...s, items: cursor ? s.items : null, loading: true, error: null }));
    current(cursor).then(
      (page) => {
        if (id !== request.current) return;
        setState((s) => ({ items: [...(cursor ? s.items ?? [] : []), ...page.items], cursor: page.next_cursor, loading: false, error: null }));
      },
      (error: unknown) => {
        if (id === request.current) setState((s) => ({ ...s, loading: false, error }));
      },
    );
  };

  useEffect(() => {
    fetchPage(null);
  }, [key]);
  useEffect(() => () => void request.current++, []);

  return {
    items: state.items,
    loading: state.loading,
    error: state.error,
    hasMore: state.cursor !== null && !state.loading,
    more: () => state.cursor !== null && fetchPage(state.cursor),
    reload: () => fetchPage(null),
  };
}
