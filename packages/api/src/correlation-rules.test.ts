import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_FILE,
  configRules,
  generateToFile,
  open,
  validateFormatConfig,
  type CorrelationRule,
  type GeneratedIncident,
  type Investigation,
} from './index.js';
import { LogsiftError } from './errors.js';

/**
 * Correlation rules at the api level, on generated traffic whose requests are known: the
 * generator's `request_id` is renamed `ticket` in the gateway's records and `ref` in the
 * other services', and its `trace_id` dropped, so no id column joins a request's records
 * across services any more. A `field_match` rule on `ticket`/`ref` must rebuild each request
 * exactly (the ground truth is the original `request_id`), and the ops on one id must find the
 * injected incident's origin in a failed request.
 */
const dir = mkdtempSync(join(tmpdir(), 'logsift-rules-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RULES: CorrelationRule[] = [{ type: 'field_match', fields: ['ticket', 'ref'], name: 'ticket' }];
/** Request id → entry numbers (0-based) of its records, from the generator's own ids. */
const truth = new Map<string, number[]>();
let incident: GeneratedIncident;
let inv: Investigation;
const file = join(dir, 'renamed.jsonl');

beforeAll(async () => {
  const original = join(dir, 'generated.jsonl');
  const summary = await generateToFile(original, { entries: 20_000, seed: 42 });
  if (!summary.incident) throw new Error('the generator wrote no incident');
  incident = summary.incident;
  const out: string[] = [];
  let entry = -1;
  for (const line of readFileSync(original, 'utf8').split('\n')) {
    // A record is a JSON line; the stack-trace lines after one continue it, kept as they are.
    if (!line.startsWith('{')) {
      if (line !== '') out.push(line);
      continue;
    }
    entry++;
    const { request_id: req, trace_id: _, ...rest } = JSON.parse(line) as Record<string, unknown>;
    if (typeof req === 'string') {
      truth.set(req, [...(truth.get(req) ?? []), entry]);
      rest[rest['service'] === 'gateway' ? 'ticket' : 'ref'] = req;
    }
    out.push(JSON.stringify(rest));
  }
  expect(entry + 1).toBe(summary.entries);
  writeFileSync(file, `${out.join('\n')}\n`);
  inv = await open(file, { cache: false });
});
afterAll(() => inv?.close());

describe('correlation rules (api)', () => {
  it('without the rules no id joins a request across services', async () => {
    const req = incident.requestIds[0]!;
    await expect(inv.follow(req)).rejects.toMatchObject({ code: 'UNKNOWN_ID' });
    const ids = await inv.ids({ kind: 'request' });
    expect(ids.kinds[0]?.total ?? 0).toBe(0);
  });

  it('a field_match rule rebuilds every request exactly', async () => {
    const ids = await inv.ids({ kind: 'virtual', rules: RULES, limit: 100_000 });
    const list = ids.kinds[0]!;
    expect(list.kind).toBe('virtual');
    expect(list.total).toBe(truth.size);
    const counts = new Map(list.ids.map((i) => [i.id, i.count]));
    for (const [req, entries] of truth) expect(counts.get(`ticket:${req}`), req).toBe(entries.length);
    // Entry by entry, for the failed requests of the incident.
    expect(incident.requestIds.length).toBeGreaterThan(0);
    for (const req of incident.requestIds) {
      const f = await inv.follow(`ticket:${req}`, { rules: RULES, limit: 1000 });
      expect(f.kind).toBe('virtual');
      expect([...f.entryIds].sort((a, b) => a - b)).toEqual(truth.get(req));
      expect(f.services).toEqual(expect.arrayContaining(['gateway', incident.rootCauseService]));
      expect(f.outcome).toBe('error');
    }
  });

  it("one failed request's virtual id: its error flow starts at the incident's origin; bottlenecks, hierarchy, export, compare", async () => {
    const id = `ticket:${incident.requestIds[0]!}`;
    const flow = await inv.errorFlow({ id, rules: RULES });
    if (flow.mode !== 'tree') throw new Error(`tree mode expected, got ${flow.mode}`);
    expect(flow.kind).toBe('virtual');
    const origin = flow.rootCauses[0]!;
    expect(origin.node.service).toBe(incident.rootCauseService);
    expect(origin.firstErrorMessage).toContain(incident.rootCauseMessage);
    // The chain climbs from the origin to the virtual root, through the services that failed because of it.
    expect(origin.chain.at(-1)?.name).toBe(id);

    const h = await inv.hierarchy(id, { rules: RULES });
    expect(h.kind).toBe('virtual');
    expect(h.nodes.reduce((n, node) => n + node.entryCount, 0)).toBe(truth.get(incident.requestIds[0]!)!.length);

    const b = await inv.bottlenecks(id, { rules: RULES, minShare: 0 });
    expect(b.kind).toBe('virtual');
    expect(b.nodes.every((n) => n.path[0] === id)).toBe(true);

    const t = await inv.exportTrace(id, { format: 'otlp', rules: RULES });
    expect(t.kind).toBe('virtual');
    expect(t.services).toEqual(expect.arrayContaining(['gateway', incident.rootCauseService]));
    expect(t.errorSpans).toBeGreaterThan(0);

    const good = [...truth.keys()].find((r) => !incident.requestIds.includes(r))!;
    const c = await inv.compare(id, `ticket:${good}`, { rules: RULES });
    expect(c.a).toBe(id);
  });
});

describe('correlation rules in logsift.config.json (api configRules)', () => {
  const project = join(dir, 'project');
  const user = join(dir, 'user');
  mkdirSync(join(project, 'sub'), { recursive: true });
  mkdirSync(user, { recursive: true });

  it("reads the project's rules (over the user's), checked by the engine", async () => {
    writeFileSync(join(user, CONFIG_FILE), JSON.stringify({ rules: [{ type: 'temporal', withinMs: 5 }] }));
    expect(await configRules({ cwd: join(project, 'sub'), userConfigDir: user })).toEqual({ file: join(user, CONFIG_FILE), scope: 'user', rules: [{ type: 'temporal', withinMs: 5 }] });
    writeFileSync(join(project, CONFIG_FILE), JSON.stringify({ formats: {}, rules: RULES }));
    const saved = await configRules({ cwd: join(project, 'sub'), userConfigDir: user });
    expect(saved).toEqual({ file: join(project, CONFIG_FILE), scope: 'project', rules: RULES });
    // What the config holds works as `rules` does.
    const f = await inv.follow(`ticket:${incident.requestIds[0]!}`, { rules: saved!.rules });
    expect(f.total).toBe(truth.get(incident.requestIds[0]!)!.length);
    expect(await configRules({ cwd: dir, userConfigDir: join(dir, 'none') })).toBeUndefined();
  });

  it('a bad rule is INVALID_CONFIG naming the file and the rule; format validate reports it', async () => {
    const cfg = join(project, CONFIG_FILE);
    writeFileSync(cfg, JSON.stringify({ rules: [RULES[0], { type: 'temporal', withinMs: -1, name: 'bursts' }] }));
    const error = await configRules({ cwd: project, userConfigDir: user }).catch((e: unknown) => e);
    expect(LogsiftError.isInstance(error)).toBe(true);
    const e = error as LogsiftError;
    expect(e.code).toBe('INVALID_CONFIG');
    expect(e.location).toBe(`${cfg}#rules[1]`);
    expect(e.message).toContain(cfg);
    expect(e.message).toContain("correlation rule 1 'bursts'");
    const report = await validateFormatConfig({ cwd: project, userConfigDir: user });
    expect(report.problems).toEqual([expect.objectContaining({ file: cfg, key: 'rules[1]', code: 'INVALID_CONFIG' })]);
    expect(report.files.find((f) => f.file === cfg)?.rules).toBe(2);

    writeFileSync(cfg, JSON.stringify({ rules: { type: 'temporal' } }));
    await expect(configRules({ cwd: project, userConfigDir: user })).rejects.toMatchObject({ code: 'INVALID_CONFIG', location: `${cfg}#rules` });
  });
});
