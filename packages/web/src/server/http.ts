import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogsiftError, type Investigation, type Progress, type TaskControl } from '@logsift/api';
import { ROUTES } from './routes.js';
import { allowedHosts, hostAllowed, newToken, securityHeaders, tokenMatches, tokenOf } from './security.js';

export interface ServeOptions {
  /** Opens the investigation; called once at start, its progress streamed to the page. */
  open: (control: TaskControl) => Promise<Investigation>;
  /** Interface to bind: 127.0.0.1 unless given (another one is reachable from the network). */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The API token; a fresh random one by default. */
  token?: string;
  /** The built page (default: `app/` beside this module in dist). */
  appDir?: string;
}

export interface RunningServer {
  /** The page's address with its token: what `logsift serve` prints. */
  url: string;
  host: string;
  port: number;
  token: string;
  /** Resolves once the sources are indexed (rejects as the open did). */
  ready: Promise<Investigation>;
  close(): Promise<void>;
}

/** What the page shows while the index is built. */
interface OpenState {
  state: 'indexing' | 'ready' | 'failed';
  done: number;
  total: number;
  error?: { code: string; message: string; location?: string };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function errorBody(error: unknown): { code: string; message: string; location?: string } {
  if (LogsiftError.isInstance(error)) return { code: error.code, message: error.message, ...(error.location ? { location: error.location } : {}) };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** Status for an api error: the caller's mistake (400), an unknown id (404), or ours (500). */
function statusOf(code: string): number {
  if (code === 'UNKNOWN_ID') return 404;
  if (code === 'CANCELLED') return 499;
  return /^(INVALID_|REGEX_TOO_LARGE)/.test(code) ? 400 : 500;
}

/**
 * Starts the server: the page's static files, the read-only JSON API under `/api/`, and
 * `/api/events` (server-sent events) streaming the indexing progress. Only GET and HEAD
 * exist; nothing can write.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const appDir = options.appDir ?? fileURLToPath(new URL('./app/', import.meta.url));
  const status: OpenState = { state: 'indexing', done: 0, total: 0 };
  const listeners = new Set<(s: OpenState) => void>();
  const publish = (): void => {
    for (const l of listeners) l(status);
  };
  const onProgress = (p: Progress): void => {
    status.done = p.done;
    status.total = p.total;
    publish();
  };
  const closing = new AbortController();
  const ready = options.open({ onProgress, signal: closing.signal }).then(
    (inv) => {
      status.state = 'ready';
      publish();
      return inv;
    },
    (error: unknown) => {
      status.state = 'failed';
      status.error = errorBody(error);
      publish();
      throw error;
    },
  );
  // A failed open is reported to the page (and by `ready`), never an unhandled rejection.
  ready.catch(() => {});
  let allowed = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    securityHeaders(res);
    if (!hostAllowed(req, allowed)) return sendJson(res, 403, { error: { code: 'FORBIDDEN_HOST', message: 'this server answers only to its own address (Host header refused)' } });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendJson(res, 405, { error: { code: 'READ_ONLY', message: 'this server is read-only: GET and HEAD only' } });
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/api/')) return serveStatic(appDir, url.pathname, res);
    if (!tokenMatches(tokenOf(req, url), token)) return sendJson(res, 401, { error: { code: 'UNAUTHORIZED', message: 'missing or wrong token: open the URL logsift serve printed' } });
    const name = url.pathname.slice(5);
    if (name === 'status') return sendJson(res, 200, status);
    if (name === 'events') return streamStatus(req, res, status, listeners);
    const route = ROUTES[name];
    if (!route) return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no endpoint /api/${name}` } });
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    try {
      const inv = await ready;
      sendJson(res, 200, await route(inv, url.searchParams, abort.signal));
    } catch (error) {
      if (res.destroyed) return;
      const body = errorBody(error);
      sendJson(res, statusOf(body.code), { error: body });
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: errorBody(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  allowed = allowedHosts(host, port);
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/?token=${token}`,
    host,
    port,
    token,
    ready,
    close: async () => {
      closing.abort();
      listeners.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const inv = await ready.catch(() => undefined);
      inv?.close();
    },
  };
}

/** Server-sent events: the open state now and at every change, until ready or failed. */
function streamStatus(req: IncomingMessage, res: ServerResponse, status: OpenState, listeners: Set<(s: OpenState) => void>): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
  const send = (s: OpenState): void => {
    res.write(`data: ${JSON.stringify(s)}\n\n`);
    if (s.state !== 'indexing') {
      listeners.delete(send);
      res.end();
    }
  };
  listeners.add(send);
  req.on('close', () => listeners.delete(send));
  send(status);
}

/** The page's files, from the built app directory only (no path escapes it). */
async function serveStatic(appDir: string, pathname: string, res: ServerResponse): Promise<void> {
  const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = normalize(join(appDir, rel));
  if (!file.startsWith(normalize(appDir.endsWith(sep) ? appDir : appDir + sep))) return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'not found' } });
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': rel === 'index.html' ? 'no-store' : 'max-age=3600' });
    res.end(body);
  } catch {
    sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no file ${pathname}` } });
  }
}
