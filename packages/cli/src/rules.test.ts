import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logsift, tempFiles } from './test-support.js';

/**
 * A producer logs `job_id`, a consumer picks the job (`job`) 7 ms later and logs two steps on
 * its thread 3 and 6 ms after: each job is 4 records, which the rules must put together.
 */
function producerConsumer(jobs: number): { producer: string; consumer: string } {
  const t = (ms: number) => new Date(Date.UTC(2024, 0, 1) + ms).toISOString();
  const producer: string[] = [];
  const consumer: string[] = [];
  for (let k = 0; k < jobs; k++) {
    producer.push(JSON.stringify({ time: t(50 * k), level: 'info', service: 'producer', thread: 'p-1', msg: 'enqueued job', job_id: `J${k}` }));
    const thread = `c-${k % 3}`;
    consumer.push(JSON.stringify({ time: t(50 * k + 7), level: 'info', service: 'consumer', thread, msg: 'picked job', job: `J${k}` }));
    consumer.push(JSON.stringify({ time: t(50 * k + 10), level: 'info', service: 'consumer', thread, msg: 'step parse' }));
    consumer.push(JSON.stringify({ time: t(50 * k + 13), level: k === 4 ? 'error' : 'info', service: 'consumer', thread, msg: 'step store' }));
  }
  return { producer: `${producer.join('\n')}\n`, consumer: `${consumer.join('\n')}\n` };
}

const RULES = { rules: [{ type: 'field_match', fields: ['job_id', 'job'], name: 'job' }, { type: 'temporal', withinMs: 10 }] };
const files = producerConsumer(9);
const tmp = tempFiles({ 'producer.jsonl': files.producer, 'consumer.jsonl': files.consumer });
const rulesFile = join(tmp.dir, 'rules.json');
writeFileSync(rulesFile, JSON.stringify(RULES));
const env = { LOGSIFT_CACHE_DIR: join(tmp.dir, 'cache') };
afterAll(() => tmp.remove());

describe('--rules: virtual trace ids of correlation rules', () => {
  it('follow, timeline, hierarchy and ids accept the virtual ids (rules from a file)', () => {
    const f = logsift(['follow', tmp.dir, '--rules', rulesFile, '--id', 'job:J4'], { env });
    expect(f.code).toBe(0);
    expect(f.json['data']).toMatchObject({ kind: 'virtual', total: 4, services: ['producer', 'consumer'], outcome: 'error' });
    const messages = (f.json['data'] as { entries: { message: string }[] }).entries.map((e) => e.message);
    expect(messages).toEqual(['enqueued job', 'picked job', 'step parse', 'step store']);

    const t = logsift(['timeline', tmp.dir, '--rules', rulesFile, '--id', 'job:J4'], { env });
    expect(t.json['data']).toMatchObject({ kind: 'virtual', total: 4, durationMs: 13 });

    const h = logsift(['hierarchy', tmp.dir, '--rules', rulesFile, '--id', 'job:J4'], { env });
    expect(h.code).toBe(0);
    expect(h.json['data']).toMatchObject({ kind: 'virtual', tree: { name: 'job:J4' } });

    const ids = logsift(['ids', tmp.dir, '--rules', rulesFile, '--kind', 'virtual', '-n', '100'], { env });
    const list = (ids.json['data'] as { kinds: { kind: string; total: number; ids: { id: string; count: number }[] }[] }).kinds[0];
    expect(list?.kind).toBe('virtual');
    expect(list?.total).toBe(9);
    expect(list?.ids.every((i) => i.count === 4)).toBe(true);
  });

  it('inline JSON works as the file does; bad rules are usage errors saying what is wrong', () => {
    const inline = logsift(['follow', tmp.dir, '--rules', '[{"type":"field_match","fields":["job_id","job"]}]', '--id', 'job_id:J2'], { env });
    expect(inline.json['data']).toMatchObject({ kind: 'virtual', total: 2 });
    const bad = logsift(['follow', tmp.dir, '--rules', '[{"type":"temporal","withinMs":-5}]', '--id', 'x'], { env });
    expect(bad.code).toBe(2);
    expect(JSON.stringify(bad.json['error'])).toMatch(/withinMs/);
    const notJson = logsift(['ids', tmp.dir, '--rules', '[{"type"'], { env });
    expect(notJson.code).toBe(2);
    const missing = logsift(['ids', tmp.dir, '--rules', join(tmp.dir, 'nope.json')], { env });
    expect(missing.code).toBe(2);
    expect(JSON.stringify(missing.json['error'])).toMatch(/cannot read the rules file/);
    const unknown = logsift(['follow', tmp.dir, '--rules', rulesFile, '--id', 'job:J99', '--kind', 'virtual'], { env });
    expect(unknown.json['error']).toMatchObject({ code: 'UNKNOWN_ID' });
  });
});
