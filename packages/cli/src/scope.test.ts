import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logsift } from './test-support.js';

// The generated multi-service sample, whose incident is known: payments runs out of
// database connections partway through.
const services = join(import.meta.dirname, '..', '..', '..', 'examples', 'sample', 'services.jsonl');

describe('investigation commands take the query flags as their scope', () => {
  it('samples only what the query selects', () => {
    const r = logsift(['sample', services, '--level', 'error', '--strategy', 'random', '-n', '5']);
    expect(r.code).toBe(0);
    const items = (r.json['data'] as { items: { entry: { level: string } }[] }).items;
    expect(items).toHaveLength(5);
    expect(items.every((i) => i.entry.level === 'ERROR')).toBe(true);
  });

  it('triage names the incident among new errors, and scopes to a service', () => {
    const all = logsift(['triage', services]);
    const data = all.json['data'] as { entries: number; emergingErrors: { service: string }[] };
    expect(data.emergingErrors[0]?.service).toBe('payments');
    const scoped = logsift(['triage', services, '--service', 'payments']);
    const sdata = scoped.json['data'] as { entries: number; services: { name: string }[] };
    expect(sdata.entries).toBeLessThan(data.entries);
    expect(sdata.services.map((s) => s.name)).toEqual(['payments']);
  });

  it('error-flow over the errors suggests the origin; a bad scope is a usage error', () => {
    const r = logsift(['error-flow', services, '--min-level', 'error']);
    expect((r.json['data'] as { suggestedOrigin: string }).suggestedOrigin).toBe('payments');
    const bad = logsift(['error-flow', services, '--regex', 'a(b']);
    expect(bad.code).toBe(2);
    expect(bad.json).toMatchObject({ ok: false, error: { code: 'INVALID_REGEX' } });
  });

  it('compare takes the scope too', () => {
    const ids = logsift(['ids', services, '--kind', 'request', '-n', '2']).json['data'] as { kinds: { ids: { id: string }[] }[] };
    const [a, b] = (ids.kinds[0]?.ids ?? []).map((i) => i.id);
    const all = logsift(['compare', services, '--a', a as string, '--b', b as string]);
    const infos = logsift(['compare', services, '--a', a as string, '--b', b as string, '--level', 'info']);
    type Side = { entries: number };
    const n = (r: typeof all) => (r.json['data'] as { comparison: { a: Side } }).comparison.a.entries;
    expect(all.code).toBe(0);
    expect(n(infos)).toBeGreaterThan(0);
    expect(n(infos)).toBeLessThan(n(all));
  });
});
