import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LogsiftError, open, type Investigation, type TemplatesOptions } from './index.js';

let inv: Investigation;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-templates-'));
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const t = 1700000000000 + i * 1000;
    if (i % 3 === 2) {
      lines.push(JSON.stringify({ time: t, level: 'error', msg: `disk full on /dev/sd${i} after ${i}ms` }));
    } else {
      lines.push(JSON.stringify({ time: t, level: 'info', msg: `user u${i} logged in from 10.0.0.${i} port ${4000 + i}` }));
    }
  }
  const file = join(dir, 'app.jsonl');
  writeFileSync(file, lines.join('\n'));
  inv = await open(file);
});

describe('templates', () => {
  it('mines templates with counts, examples and parameters', async () => {
    const r = await inv.templates();
    expect(r.total).toBe(2);
    expect(r.entries).toBe(60);
    expect(r.truncated).toBe(false);
    const [login, disk] = r.templates;
    expect(login!.pattern).toBe('user <*> logged in from <*> port <*>');
    expect(login!.count).toBe(40);
    expect(login!.parameters).toEqual([1, 5, 7]);
    expect(login!.example).toBe(0);
    expect(disk!.pattern).toBe('disk full on <*> after <*>');
    expect(disk!.errorCount).toBe(20);
    expect(disk!.lastNs! - disk!.firstNs!).toBe(57e9);
  });

  it('filters to errors, limits, and assigns entries', async () => {
    const r = await inv.templates({ errorsOnly: true, limit: 5, ids: [0, 2, 3] });
    expect(r.templates.map((t) => t.pattern)).toEqual(['disk full on <*> after <*>']);
    const disk = r.templates[0]!.id;
    expect(r.templateIds).toEqual([r.templateIds![0], disk, r.templateIds![0]]);
    expect(r.templateIds![0]).not.toBe(disk);
    expect(await inv.templateOf([2, 0])).toEqual([disk, r.templateIds![0]]);
  });

  it('rejects unknown entries and options', async () => {
    const bad = await inv.templateOf([60]).catch((e: unknown) => e);
    expect(LogsiftError.isInstance(bad) && bad.code).toBe('UNKNOWN_ID');
    const option = await inv.templates({ top: 3 } as unknown as TemplatesOptions).catch((e: unknown) => e);
    expect(LogsiftError.isInstance(option) && option.code).toBe('INVALID_OPTION');
  });
});
