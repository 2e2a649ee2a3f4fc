import { mkdirSync, writeFileSync } from 'node:fs';
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

  it('bottlenecks, error-flow, export-trace and compare accept them too', () => {
    const b = logsift(['bottlenecks', tmp.dir, '--rules', rulesFile, '--id', 'job:J4'], { env });
    expect(b.code).toBe(0);
    expect(b.json['data']).toMatchObject({ kind: 'virtual', totalMs: 13, nodes: [{ name: 'c-1', durationMs: 6, path: ['job:J4', 'c-1'], errorCount: 1 }] });

    const f = logsift(['error-flow', tmp.dir, '--rules', rulesFile, '--id', 'job:J4'], { env });
    expect(f.code).toBe(0);
    expect(f.json['data']).toMatchObject({ kind: 'virtual', rootCauses: [{ node: { name: 'c-1' }, firstErrorMessage: 'step store' }] });
    const noId = logsift(['error-flow', tmp.dir, '--rules', rulesFile], { env });
    expect(noId.code).toBe(2);

    const t = logsift(['export-trace', tmp.dir, '--rules', rulesFile, '--id', 'job:J4', '--to', 'jaeger'], { env });
    expect(t.code).toBe(0);
    expect(t.json['data']).toMatchObject({ kind: 'virtual', spanCount: 2, services: expect.arrayContaining(['producer', 'consumer']) });

    const c = logsift(['compare', tmp.dir, '--rules', rulesFile, '--a', 'job:J3', '--b', 'job:J4'], { env });
    expect(c.code).toBe(0);
    expect(c.json['data']).toMatchObject({ a: 'job:J3', b: 'job:J4' });
  });
});

describe('correlation rules in logsift.config.json', () => {
  const project = tempFiles({});
  const cwd = join(project.dir, 'deeper');
  mkdirSync(cwd);
  const cfg = join(project.dir, 'logsift.config.json');
  // No user config of the machine's: an empty XDG_CONFIG_HOME.
  const cfgEnv = { ...env, XDG_CONFIG_HOME: join(project.dir, 'xdg') };
  afterAll(() => project.remove());

  it('every command taking rules uses the config when no --rules is given; --rules overrides', () => {
    writeFileSync(cfg, JSON.stringify({ formats: {}, ...RULES }));
    for (const [cmd, ...rest] of [['follow', '--id', 'job:J4'], ['timeline', '--id', 'job:J4'], ['hierarchy', '--id', 'job:J4'], ['bottlenecks', '--id', 'job:J4'], ['error-flow', '--id', 'job:J4'], ['export-trace', '--id', 'job:J4', '--to', 'zipkin']] as string[][]) {
      const r = logsift([cmd!, tmp.dir, ...rest], { env: cfgEnv, cwd });
      expect(r.code, `${cmd}: ${r.stdout}`).toBe(0);
      expect((r.json['data'] as { kind: string }).kind, cmd).toBe('virtual');
    }
    const ids = logsift(['ids', tmp.dir, '--kind', 'virtual'], { env: cfgEnv, cwd });
    expect(ids.json['data']).toMatchObject({ kinds: [{ kind: 'virtual', total: 9 }] });
    // --rules replaces the config's rules: without the temporal rule a job is 2 records, named after job_id.
    const over = logsift(['follow', tmp.dir, '--rules', '[{"type":"field_match","fields":["job_id","job"]}]', '--id', 'job_id:J4'], { env: cfgEnv, cwd });
    expect(over.json['data']).toMatchObject({ kind: 'virtual', total: 2 });
    // Without a config (another directory), the virtual id is unknown.
    const none = logsift(['follow', tmp.dir, '--id', 'job:J4'], { env: cfgEnv, cwd: tmp.dir });
    expect(none.json['error']).toMatchObject({ code: 'UNKNOWN_ID' });
  });

  it('a bad rule in the config is INVALID_CONFIG naming the file and the rule; format validate shows it', () => {
    writeFileSync(cfg, JSON.stringify({ rules: [RULES.rules[0], { type: 'temporal', withinMs: 'soon', name: 'bursts' }] }));
    const r = logsift(['follow', tmp.dir, '--id', 'job:J4'], { env: cfgEnv, cwd });
    expect(r.code).toBe(2);
    const error = r.json['error'] as { code: string; message: string; location?: string };
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(cfg);
    expect(error.message).toContain("correlation rule 1 'bursts'");
    // --rules given: the config's rules are not read.
    expect(logsift(['follow', tmp.dir, '--rules', rulesFile, '--id', 'job:J4'], { env: cfgEnv, cwd }).code).toBe(0);
    const v = logsift(['format', 'validate'], { env: cfgEnv, cwd });
    expect(v.code).toBe(2);
    expect(JSON.stringify(v.json['error'])).toContain('rules[1]');
  });
});

