import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateToFile, open, type GenerateSummary, type Investigation } from './index.js';

// An investigation of generated logs whose incident is known: `payments` runs out of database
// connections, and `checkout` / `gateway` fail on the same requests.
let inv: Investigation;
let truth: GenerateSummary;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'logsift-incident-')), 'services.jsonl');
  truth = await generateToFile(file, { entries: 30_000, seed: 7 });
  inv = await open(file);
});

describe('investigating a known incident', () => {
  it('finds the root cause service from the errors alone', async () => {
    const flow = await inv.errorFlow({ query: { q: 'level>=error' } });
    expect(flow.mode).toBe('scope');
    if (flow.mode !== 'scope') return;
    expect(flow.suggestedOrigin).toBe(truth.incident?.rootCauseService);
    const root = (truth.incident?.rootCauseMessage ?? '').split(' ').slice(0, 3).join(' ');
    expect(flow.emerging[0]?.pattern).toContain(root);
  });

  it('follows a failed request across services', async () => {
    const id = truth.incident?.requestIds[0] as string;
    const f = await inv.follow(id);
    expect(f.kind).toBe('request');
    expect(f.outcome).toBe('error');
    expect(f.services).toContain(truth.incident?.rootCauseService);
    const timeline = await inv.timeline({ id });
    expect(timeline.total).toBe(f.total);
    expect(timeline.services.length).toBeGreaterThan(1);
  });

  it('puts the incident first among the emerging errors of triage, and in diff', async () => {
    const root = (truth.incident?.rootCauseMessage ?? '').split(' ').slice(0, 3).join(' ');
    const triage = await inv.triage();
    expect(triage.entries).toBe(30_000);
    expect(triage.emergingErrors[0]?.service).toBe(truth.incident?.rootCauseService);
    const at = truth.incident?.firstTime as string;
    const diff = await inv.diff({ a: { before: at }, b: { after: at } });
    const listed = [...diff.appeared, ...diff.changed].find((t) => t.pattern.includes(root));
    expect(listed && listed.countB > listed.countA).toBe(true);
  });

  it('samples without reading more than asked, and compares two requests', async () => {
    const s = await inv.sample({ strategy: 'diverse', size: 20 });
    expect(s.items.length).toBe(20);
    expect(s.coverage.levels.covered).toBeGreaterThan(1);
    const failed = truth.incident?.requestIds[0] as string;
    const other = truth.incident?.requestIds[1] as string;
    const c = await inv.compare(failed, other);
    expect(c.comparison.a.outcome).toBe('error');
    expect(c.comparison.b.outcome).toBe('error');
    const templates = await inv.templates({ errorsOnly: true, limit: 5 });
    expect(templates.templates.length).toBeGreaterThan(0);
    expect(templates.templates.every((t) => t.errorCount > 0)).toBe(true);
  });
});
