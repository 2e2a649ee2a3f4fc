/**
 * The page's one way to the server: GET /api/<name> with the token from the page's URL as a
 * bearer header (a custom header: another origin's page could not send it without CORS,
 * which the server never grants).
 */
export const token = new URLSearchParams(location.search).get('token') ?? '';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export type Params = Record<string, string | number | undefined>;

export async function get<T>(name: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, String(v));
  const res = await fetch(`/api/${name}?${query}`, { headers: { Authorization: `Bearer ${token}` }, signal });
  const body = (await res.json()) as { error?: { code: string; message: string } };
  if (!res.ok) throw new ApiError(body.error?.code ?? 'HTTP', body.error?.message ?? res.statusText, res.status);
  return body as T;
}

/** The indexing progress, streamed (server-sent events) until the index is ready. */
export function watchStatus(onStatus: (s: OpenStatus) => void): () => void {
  const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
  source.onmessage = (e) => {
    const s = JSON.parse(e.data as string) as OpenStatus;
    onStatus(s);
    if (s.state !== 'indexing') source.close();
  };
  return () => source.close();
}

export interface OpenStatus {
  state: 'indexing' | 'ready' | 'failed';
  done: number;
  total: number;
  error?: { code: string; message: string };
}
