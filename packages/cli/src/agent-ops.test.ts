import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateToFile, type GenerateSummary } from '@logsift/api';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, logsift, sample, tempFiles } from './test-support.js';

/** The JSON-lines service sample (requests, traces, spans across five services). */
const services = join(sample, '..', 'services.jsonl');

// Generated logs (seed 42) whose incident is known: payments runs out of DB connections.
const dir = tempFiles({});
const generated = join(dir.dir, 'services.jsonl');
let truth: GenerateSummary;
beforeAll(async () => {
  truth = await generateToFile(generated, { entries: 60_000, seed: 42 });
});
afterAll(() => dir.remove());

describe('verify-pattern', () => {
  it('counts what count --regex counts, splits groups by value, and renders a view', () => {
    const re = '(?<method>GET|POST) /api/(?<resource>[a-z]+)';
    const r = logsift(['verify-pattern', services, '-p', re, '--top', '2']);
    expect(r.code).toBe(0);
    const d = r.json['data'] as { matches: number; groups: string[]; values: { name: string; distinct: number; top: { count: number }[] }[] };
    const count = logsift(['count', services, '--regex', re]);
    expect(d.matches).toBe((count.json['data'] as { total: number }).total);
    expect(d.groups).toEqual(['method', 'resource']);
    expect(d.values[1]?.top).toHaveLength(2);
    const text = logsift(['verify-pattern', services, '-p', re, '--text', '--no-color']).stdout;
    expect(text).toMatch(/matches\s+656 of 3,000 entries/);
    expect(text).toContain('over time');
    expect(text).toMatch(/^method\s+captured in 656 matches/m);
  });

  it('scopes by the query flags and says when nothing matched (exit 1)', () => {
    const r = logsift(['verify-pattern', sample, '-p', 'Exception in (?<where>\\w+)', '--level', 'error']);
    const all = logsift(['count', sample, '--level', 'error']);
    expect((r.json['data'] as { scanned: number }).scanned).toBe((all.json['data'] as { total: number }).total);
    expect(logsift(['verify-pattern', sample, '-p', 'no such (?<x>thing) anywhere']).code).toBe(1);
  });

  it('refuses an invalid or catastrophic pattern with a typed error (exit 2)', () => {
    const bad = logsift(['verify-pattern', sample, '-p', '(?<x>open']);
    expect(bad.code).toBe(2);
    expect(bad.json).toMatchObject({ ok: false, error: { code: 'INVALID_REGEX' } });
    const huge = logsift(['verify-pattern', sample, '-p', '(?<x>\\w{1000}){1000}']);
    expect(huge.code).toBe(2);
    expect(huge.json).toMatchObject({ ok: false, error: { code: 'REGEX_TOO_LARGE', hint: expect.any(String) } });
  });
});

describe('correlate-events', () => {
  it('puts the root cause first around the first gateway error of the incident', () => {
    const at = truth.incident?.firstTime ?? '';
    const r = logsift(['correlate-events', generated, '--trigger', `service:gateway level>=error after:${at}`, '--window', '30s', '-n', '5']);
    expect(r.code).toBe(0);
    const d = r.json['data'] as { anchor: { kind: string; entry: { service: string } }; events: { pattern: string; services: { name: string }[] }[]; truncated: boolean };
    expect(d.anchor).toMatchObject({ kind: 'trigger', entry: { service: 'gateway' } });
    expect(d.events[0]?.pattern).toContain(truth.incident?.rootCauseMessage);
    expect(d.events[0]?.services[0]?.name).toBe(truth.incident?.rootCauseService);
    expect(d.events).toHaveLength(5);
    expect(d.truncated).toBe(true);
    // The same anchor as FILE:LINE; the text view is a table with the template first.
    const entry = r.json['data'] as { anchor: { entry: { line: number } } };
    const text = logsift(['correlate-events', generated, '--at', `services.jsonl:${entry.anchor.entry.line}`, '-n', '3', '--text', '--no-color']).stdout;
    expect(text).toMatch(/surprise\s+window\/base/);
    expect(text.split('\n').find((l) => /new/.test(l))).toContain('database connection pool exhausted');
  });

  it('needs exactly one anchor', () => {
    expect(logsift(['correlate-events', services]).code).toBe(2);
    expect(logsift(['correlate-events', services, '--entry', '3', '--time', '-1s']).code).toBe(2);
  });
});

describe('export-trace', () => {
  it('prints the document, or writes it with -o and says what it wrote', () => {
    const r = logsift(['export-trace', services, '--id', 'req-02d435b0be7c', '--to', 'zipkin']);
    expect(r.code).toBe(0);
    const d = r.json['data'] as { spanCount: number; services: string[]; document: { id: string; parentId?: string }[] };
    expect(d.spanCount).toBe(5);
    expect(d.services).toEqual(['auth', 'checkout', 'gateway', 'inventory', 'payments']);
    expect(d.document.filter((s) => !s.parentId)).toHaveLength(1);
    const out = join(dir.dir, 'trace.json');
    const w = logsift(['export-trace', services, '--id', 'req-02d435b0be7c', '--to', 'jaeger', '-o', out]);
    expect(w.code).toBe(0);
    expect(w.json['data']).toMatchObject({ out, spanCount: 5 });
    expect(w.json['data']).not.toHaveProperty('document');
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { data: { spans: unknown[]; processes: Record<string, unknown> }[] };
    expect(doc.data[0]?.spans).toHaveLength(5);
    expect(Object.keys(doc.data[0]?.processes ?? {})).toHaveLength(5);
    expect(logsift(['export-trace', services, '--id', 'req-02d435b0be7c', '--to', 'otlp', '--text', '--no-color']).stdout).toMatch(/spans\s+5, 2 with errors/);
  });

  it('refuses a missing format or an unknown id', () => {
    expect(logsift(['export-trace', services, '--id', 'req-02d435b0be7c']).code).toBe(2);
    expect(logsift(['export-trace', services, '--id', 'req-02d435b0be7c', '--to', 'xml']).code).toBe(2);
    expect(logsift(['export-trace', services, '--id', 'nope', '--to', 'otlp']).json).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ID' } });
  });
});

describe('the three tools over MCP (official SDK client)', () => {
  const client = new Client({ name: 'logsift-agent-ops-test', version: '0.0.0' });
  beforeAll(async () => {
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, 'mcp'], stderr: 'pipe' }));
  });
  afterAll(async () => {
    await client.close();
  });

  it('lists them with "Use ..." descriptions and their own parameters', async () => {
    const { tools } = await client.listTools();
    for (const name of ['verify-pattern', 'correlate-events', 'export-trace']) expect(tools.find((t) => t.name === name)?.description, name).toMatch(/^Use /);
    expect(tools.find((t) => t.name === 'export-trace')?.inputSchema).toMatchObject({ required: ['id', 'to'], properties: { to: { enum: ['otlp', 'jaeger', 'zipkin'] } } });
  });

  it('answers verify-pattern, correlate-events and export-trace with the envelope', async () => {
    const v = await client.callTool({ name: 'verify-pattern', arguments: { sources: [services], pattern: '(?<method>GET|POST) /api/' } });
    expect(v.structuredContent).toMatchObject({ ok: true, data: { matches: 656, groups: ['method'] } });
    const at = truth.incident?.firstTime ?? '';
    const c = await client.callTool({ name: 'correlate-events', arguments: { sources: [generated], trigger: `service:gateway level>=error after:${at}`, limit: 3 } });
    const events = (c.structuredContent as { data: { events: { pattern: string }[] } }).data.events;
    expect(events[0]?.pattern).toContain(truth.incident?.rootCauseMessage);
    const t = await client.callTool({ name: 'export-trace', arguments: { sources: [services], id: 'req-02d435b0be7c', to: 'otlp' } });
    expect(t.structuredContent).toMatchObject({ ok: true, data: { spanCount: 5, document: { resourceSpans: expect.any(Array) } } });
    const bad = await client.callTool({ name: 'verify-pattern', arguments: { sources: [services], pattern: '(?<x>\\w{1000}){1000}' } });
    expect(bad.isError).toBe(true);
    expect(bad.structuredContent).toMatchObject({ ok: false, error: { code: 'REGEX_TOO_LARGE' } });
  });
});
