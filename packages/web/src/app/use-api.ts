import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { get, type ApiError, type Params } from './api.js';

export interface Loaded<T> {
  data?: T;
  error?: ApiError;
  loading: boolean;
}

/** One API answer for these parameters, refetched (and the old request cancelled) when they change. */
export function useApi<T>(name: string, params: Params, enabled = true): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: enabled });
  const key = `${name}?${JSON.stringify(params)}`;
  useEffect(() => {
    if (!enabled) return setState({ loading: false });
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    get<T>(name, params, abort.signal).then(
      (data) => setState({ data, loading: false }),
      (error: ApiError) => {
        if (!abort.signal.aborted) setState({ error, loading: false });
      },
    );
    return () => abort.abort();
  }, [key, enabled]);
  return state;
}

export function Failure(props: { error: ApiError }) {
  return html`<div class="failure" role="alert" data-testid="error"><strong>${props.error.code}</strong> ${props.error.message}</div>`;
}
