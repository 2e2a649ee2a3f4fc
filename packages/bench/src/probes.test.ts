import type { Entry } from '@logsift/api';
import { describe, expect, it } from 'vitest';
import { chooseProbes, closestTerm, closestUnion, substringShare, wordFrequencies } from './probes.js';

function entry(i: number, message: string, over: Partial<Entry> = {}): Entry {
  return { id: i, file: 'f', line: i + 1, offset: 0, length: 0, severity: 9, level: 'INFO', message, raw: message, ...over };
}

describe('probes', () => {
  it('counts each word once per message', () => {
    const df = wordFrequencies(['slow slow query', 'slow path', 'ok']);
    expect(df.get('slow')).toBe(2);
    expect(df.get('query')).toBe(1);
    expect(df.has('ok')).toBe(false);
  });

  it('picks the word whose share is closest to the target', () => {
    const df = new Map([
      ['alpha', 60],
      ['beta', 17],
      ['gamma', 20],
    ]);
    expect(closestTerm(df, 100, 0.17)).toEqual({ term: 'beta', share: 0.17 });
    expect(closestTerm(df, 100, 0.6)?.term).toBe('alpha');
    expect(closestTerm(new Map(), 100, 0.6)).toBeNull();
  });

  it('picks a word or a pair of words whose union is closest to the target', () => {
    const messages = ['GET /a', 'GET /b', 'POST /c', 'POST /d', 'PUT /e', 'ping', 'ping', 'ping', 'ping', 'ping'];
    const df = wordFrequencies(messages.map((m) => m.replace('/', 'path')));
    df.set('GET', 2);
    df.set('POST', 2);
    df.set('ping', 5);
    // ping alone is 50%; GET or POST is 40%.
    expect(closestUnion(messages, df, 0.4)).toEqual({ terms: ['GET', 'POST'], share: 0.4 });
    expect(closestUnion(messages, df, 0.5)).toEqual({ terms: ['ping'], share: 0.5 });
    expect(closestUnion([], df, 0.6)).toBeNull();
    expect(substringShare(['a Timeout', 'b'], 'timeout')).toEqual({ term: 'timeout', share: 0.5 });
    expect(substringShare(['b'], 'timeout')).toBeNull();
  });

  it('chooses ids, services per request, errors and numeric fields from entries', () => {
    const entries = [
      entry(0, 'start request', { request: 'r1', service: 'api', thread: 'worker-1', trace: 't1', fields: { duration_ms: 5 } }),
      entry(1, 'call database', { request: 'r1', service: 'db', thread: 'worker-1', trace: 't1', fields: { duration_ms: 7 } }),
      entry(2, 'failed badly', { request: 'r1', service: 'db', severity: 17, level: 'ERROR' }),
      entry(3, 'start request', { request: 'r2', service: 'api', thread: 'worker-2' }),
    ];
    const p = chooseProbes(entries);
    expect(p).toMatchObject({
      sampled: 4,
      request: 'r1',
      requestWithError: 'r1',
      thread: 'worker-1',
      threadRoot: 'worker-1',
      trace: 't1',
      service: 'api',
      comparePair: ['r1', 'r2'],
      numericField: 'duration_ms',
      requestsByServices: { '2': 'r1' },
    });
  });

  it('leaves batch jobs out of the request and trace probes (they have their own scenario)', () => {
    const batch = (i: number) => entry(i, 'reindex part', { request: 'rb', trace: 'tb', service: 'inventory', thread: `batch-1.part-000${i}` });
    const p = chooseProbes([batch(0), batch(1), batch(2), entry(3, 'start request', { request: 'r1', trace: 't1', thread: 'worker-1' })]);
    expect(p).toMatchObject({ request: 'r1', trace: 't1', thread: 'worker-1' });
  });
});
