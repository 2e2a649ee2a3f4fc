import { open } from '@logsift/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './http.js';
import { appDir, raw, servicesLog } from '../test/support.js';

/**
 * The server's promises, over real HTTP on the bundled sample: loopback only by default, the
 * token on every API request, the Host header checked, a strict CSP, no CORS, GET only, and
 * every answer the api's own.
 */
describe('the web server', () => {
  let server: RunningServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    server = await startServer({ open: (control) => open(servicesLog, { ...control, cache: false }), appDir });
    auth = { Authorization: `Bearer ${server.token}` };
    await server.ready;
  });
  afterAll(() => server.close());

  it('binds 127.0.0.1 by default and prints a URL with its token', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses an API request without the token, or with a wrong one (401)', async () => {
    expect((await raw(server.port, '/api/stats')).status).toBe(401);
    expect((await raw(server.port, '/api/stats', { Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await raw(server.port, `/api/stats?token=${server.token.slice(1)}`)).status).toBe(401);
    const ok = await raw(server.port, '/api/stats', auth);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ entries: 3000 });
  });

  it('refuses a foreign Host header even with the token (DNS rebinding): 403', async () => {
    for (const host of [`evil.example:${server.port}`, 'localhost:1', `127.0.0.1.nip.io:${server.port}`]) {
      const r = await raw(server.port, '/api/stats', { ...auth, Host: host });
      expect(r.status, host).toBe(403);
      expect(JSON.parse(r.body).error.code).toBe('FORBIDDEN_HOST');
    }
    expect((await raw(server.port, '/', { Host: 'evil.example' })).status).toBe(403);
    expect((await raw(server.port, '/api/stats', { ...auth, Host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('sends a strict CSP on the page and the API, and no CORS header whatever the Origin', async () => {
    for (const path of ['/', '/api/stats']) {
      const r = await raw(server.port, path, { ...auth, Origin: 'https://evil.example' });
      expect(r.headers['content-security-policy']).toMatch(/default-src 'none'.*script-src 'self'.*connect-src 'self'.*frame-ancestors 'none'/);
      expect(r.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    const page = await raw(server.port, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="app">');
    // Every script and stylesheet of the page is served from here (no CDN); the icon is an empty data: URL.
    for (const m of page.body.matchAll(/(?:src|href)="(?!data:)([^"]+)"/g)) {
      expect(m[1]).toMatch(/^\.\/assets\//);
      expect((await raw(server.port, m[1]!.slice(1))).status).toBe(200);
    }
  });

  it('is read-only: every method but GET and HEAD is refused (405)', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const r = await raw(server.port, '/api/stats', auth, method);
      expect(r.status, method).toBe(405);
      expect(r.headers['allow']).toBe('GET, HEAD');
    }
  });

  it('serves only the built page: no path escapes it', async () => {
    for (const path of ['/../package.json', '/%2e%2e/%2e%2e/package.json', '/assets/../../index.js']) {
      expect((await raw(server.port, path)).status, path).toBe(404);
    }
  });

  it('answers with the api: counts by level and time, pages by cursor, typed errors', async () => {
    const inv = await server.ready;
    const h = JSON.parse((await raw(server.port, '/api/histogram?q=level%3E%3Derror&bucketMs=60000', auth)).body);
    const c = await inv.count({ q: 'level>=error', aggregate: ['level'] });
    expect(h.total).toBe(c.total);
    expect(h.aggregations.level).toEqual(c.aggregations.level);
    const bars = h.aggregations.timeLevel.buckets as [number, Record<string, number>][];
    expect(bars.reduce((s, [, l]) => s + Object.values(l).reduce((a, b) => a + b, 0), 0)).toBe(c.total);
    const p1 = JSON.parse((await raw(server.port, '/api/search?limit=50', auth)).body);
    const p2 = JSON.parse((await raw(server.port, `/api/search?limit=50&cursor=${encodeURIComponent(p1.nextCursor)}`, auth)).body);
    const byOffset = JSON.parse((await raw(server.port, '/api/search?limit=50&offset=50', auth)).body);
    expect(p2.entries.map((e: { id: number }) => e.id)).toEqual(byOffset.entries.map((e: { id: number }) => e.id));
    const bad = await raw(server.port, '/api/search?q=%2F(%2F', auth);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe('INVALID_REGEX');
    expect((await raw(server.port, '/api/follow?id=no-such-id', auth)).status).toBe(404);
    expect((await raw(server.port, '/api/follow', auth)).status).toBe(400);
    expect((await raw(server.port, '/api/nothing', auth)).status).toBe(404);
  });

  it('streams the indexing state as server-sent events, ending when ready', async () => {
    const r = await raw(server.port, `/api/events?token=${server.token}`);
    expect(r.headers['content-type']).toBe('text/event-stream');
    const events = r.body.split('\n\n').filter(Boolean).map((e) => JSON.parse(e.replace(/^data: /, '')));
    expect(events.at(-1)).toMatchObject({ state: 'ready' });
  });
});

describe('a server whose sources fail to open', () => {
  it('reports the failure to the page and through ready', async () => {
    const server = await startServer({ open: (control) => open('/no/such/file.log', control), appDir });
    await expect(server.ready).rejects.toMatchObject({ code: 'ENOENT' });
    const r = await raw(server.port, '/api/status', { Authorization: `Bearer ${server.token}` });
    expect(JSON.parse(r.body)).toMatchObject({ state: 'failed', error: { code: 'ENOENT' } });
    await server.close();
  });
});
