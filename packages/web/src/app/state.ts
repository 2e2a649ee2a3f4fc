/**
 * The view's state lives in the URL fragment (the token stays in the query string): a link
 * is shareable, and back / forward replay it. Changing state pushes a history entry.
 */
export type View = 'entries' | 'trace' | 'errors' | 'templates' | 'compare';

export interface ViewState {
  view: View;
  q: string;
  /** Zoomed time range (RFC 3339), empty when not zoomed. */
  after: string;
  before: string;
  /** The id a trace / error-flow view follows. */
  id: string;
  /** The two ids of the compare view. */
  a: string;
  b: string;
}

const VIEWS: View[] = ['entries', 'trace', 'errors', 'templates', 'compare'];
const KEYS = ['q', 'after', 'before', 'id', 'a', 'b'] as const;

export function readState(): ViewState {
  const p = new URLSearchParams(location.hash.slice(1));
  const view = p.get('view') as View | null;
  const state: ViewState = { view: view && VIEWS.includes(view) ? view : 'entries', q: '', after: '', before: '', id: '', a: '', b: '' };
  for (const k of KEYS) state[k] = p.get(k) ?? '';
  return state;
}

export function hashOf(state: ViewState): string {
  const p = new URLSearchParams();
  p.set('view', state.view);
  for (const k of KEYS) if (state[k]) p.set(k, state[k]);
  return `#${p}`;
}

/** Moves to a new state (a history entry); the app re-reads it on `hashchange`. */
export function navigate(patch: Partial<ViewState>): void {
  const next = hashOf({ ...readState(), ...patch });
  if (next !== location.hash) location.hash = next;
}
