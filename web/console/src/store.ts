// A tiny observable store: one immutable state object, replaced on every change, and a
// hook that re-renders a component only when the slice it selected changed.
import { useEffect, useReducer, useRef } from 'preact/hooks';

type Listener = () => void;

export class Store<S> {
  private listeners = new Set<Listener>();

  constructor(private state: S) {}

  get(): S {
    return this.state;
  }

  /** Shallow-merges a patch (or the patch a function computes from the current state). */
  set(patch: Partial<S> | ((state: S) => Partial<S>)): void {
    const changes = typeof patch === 'function' ? patch(this.state) : patch;
    this.state = { ...this.state, ...changes };
    for (const listener of [...this.listeners]) listener();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function useStore<S, T>(store: Store<S>, select: (state: S) => T): T {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const selectRef = useRef(select);
  selectRef.current = select;
  const value = select(store.get());
  const valueRef = useRef(value);
  valueRef.current = value;
  useEffect(() => {
    const check = () => {
      if (!Object.is(selectRef.current(store.get()), valueRef.current)) rerender(0);
    };
    check(); // the state may have changed between render and subscribing
    return store.subscribe(check);
  }, [store]);
  return value;
}
