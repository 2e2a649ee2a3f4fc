import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateToFile, open, UsageError, type GenerateSummary, type Investigation } from './index.js';

// Generated logs whose incident (payments out of DB connections) and requests are known.
let inv: Investigation;
let truth: GenerateSummary;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'logsift-agent-ops-')), 'services.jsonl');
  // 60K entries span about two minutes: a 30 s window has a baseline before it.
  truth = await generateToFile(file, { entries: 60_000, seed: 42 });
  inv = await open(file);
});

const hex = (n: number): string => `^[0-9a-f]{${n}}$`;

/** Zipkin v2 `ListOfSpans`, as zipkin-api's zipkin2-api.yaml defines a Span (closed: no other keys). */
const zipkinSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['traceId', 'id'],
    properties: {
      traceId: { type: 'string', minLength: 16, maxLength: 32, pattern: '^[0-9a-f]{16,32}$' },
      id: { type: 'string', pattern: hex(16) },
      parentId: { type: 'string', pattern: hex(16) },
      name: { type: 'string' },
      kind: { enum: ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'] },
      timestamp: { type: 'integer', minimum: 1 },
      duration: { type: 'integer', minimum: 1 },
      debug: { type: 'boolean' },
      shared: { type: 'boolean' },
      localEndpoint: { $ref: '#/$defs/endpoint' },
      remoteEndpoint: { $ref: '#/$defs/endpoint' },
      annotations: {
        type: 'array',
        items: { type: 'object', additionalProperties: false, required: ['timestamp', 'value'], properties: { timestamp: { type: 'integer' }, value: { type: 'string' } } },
      },
      tags: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
  $defs: {
    endpoint: {
      type: 'object',
      additionalProperties: false,
      properties: { serviceName: { type: 'string' }, ipv4: { type: 'string' }, ipv6: { type: 'string' }, port: { type: 'integer' } },
    },
  },
};

/** Jaeger's JSON model (jaeger-query `/api/traces`, which the UI's "upload JSON" reads). */
const keyValue = {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'type', 'value'],
  properties: { key: { type: 'string' }, type: { enum: ['string', 'bool', 'int64', 'float64', 'binary'] }, value: {} },
};
const jaegerSchema = {
  type: 'object',
  required: ['data'],
  properties: {
    data: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['traceID', 'spans', 'processes'],
        properties: {
          traceID: { type: 'string', pattern: '^[0-9a-f]{16,32}$' },
          warnings: { type: ['array', 'null'] },
          processes: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['serviceName'],
              properties: { serviceName: { type: 'string' }, tags: { type: 'array', items: keyValue } },
            },
          },
          spans: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['traceID', 'spanID', 'operationName', 'startTime', 'duration', 'processID'],
              properties: {
                traceID: { type: 'string', pattern: '^[0-9a-f]{16,32}$' },
                spanID: { type: 'string', pattern: hex(16) },
                operationName: { type: 'string' },
                flags: { type: 'integer' },
                references: {
                  type: 'array',
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['refType', 'traceID', 'spanID'],
                    properties: { refType: { enum: ['CHILD_OF', 'FOLLOWS_FROM'] }, traceID: { type: 'string' }, spanID: { type: 'string', pattern: hex(16) } },
                  },
                },
                startTime: { type: 'integer', minimum: 0 },
                duration: { type: 'integer', minimum: 0 },
                tags: { type: 'array', items: keyValue },
                logs: {
                  type: 'array',
                  items: { type: 'object', additionalProperties: false, required: ['timestamp', 'fields'], properties: { timestamp: { type: 'integer' }, fields: { type: 'array', items: keyValue } } },
                },
                processID: { type: 'string' },
                warnings: { type: ['array', 'null'] },
              },
            },
          },
        },
      },
    },
  },
};

interface OtlpValue {
  stringValue: string;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: OtlpValue }[];
  events: { timeUnixNano: string; name: string; attributes: { key: string; value: OtlpValue }[] }[];
  droppedEventsCount?: number;
  status: { code?: number; message?: string };
}
interface OtlpDocument {
  resourceSpans: { resource: { attributes: { key: string; value: OtlpValue }[] }; scopeSpans: { scope: { name: string; version: string }; spans: OtlpSpan[] }[] }[];
}

const hrTime = (ns: string): [number, number] => [Number(BigInt(ns) / 1_000_000_000n), Number(BigInt(ns) % 1_000_000_000n)];
const attrs = (list: { key: string; value: OtlpValue }[]): Record<string, string> => Object.fromEntries(list.map((a) => [a.key, a.value.stringValue]));

/**
 * OpenTelemetry JS's own OTLP/JSON serializer, fed the spans our document describes (as the
 * SDK's ReadableSpan): what it writes must contain everything we wrote, value for value.
 */
function officialOtlp(doc: OtlpDocument): unknown {
  const spans = doc.resourceSpans.flatMap((rs) => {
    const resource = resourceFromAttributes(attrs(rs.resource.attributes));
    return rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({
        name: s.name,
        kind: s.kind - 1, // the SDK's SpanKind is OTLP's minus one (INTERNAL = 0)
        spanContext: () => ({ traceId: s.traceId, spanId: s.spanId, traceFlags: 1 }),
        parentSpanContext: s.parentSpanId ? { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: 1 } : undefined,
        startTime: hrTime(s.startTimeUnixNano),
        endTime: hrTime(s.endTimeUnixNano),
        status: { code: s.status.code ?? 0, ...(s.status.message !== undefined ? { message: s.status.message } : {}) },
        attributes: attrs(s.attributes),
        links: [],
        events: s.events.map((e) => ({ name: e.name, time: hrTime(e.timeUnixNano), attributes: attrs(e.attributes) })),
        duration: [0, 0] as [number, number],
        ended: true,
        resource,
        instrumentationScope: ss.scope,
        droppedAttributesCount: 0,
        droppedEventsCount: s.droppedEventsCount ?? 0,
        droppedLinksCount: 0,
      })),
    );
  });
  const bytes = JsonTraceSerializer.serializeRequest(spans as unknown as Parameters<typeof JsonTraceSerializer.serializeRequest>[0]);
  return JSON.parse(new TextDecoder().decode(bytes));
}

describe('exportTrace', () => {
  const request = (): string => truth.incident?.requestIds[0] as string;

  it('writes OTLP/JSON that OpenTelemetry JS itself would write for the same spans', async () => {
    const r = await inv.exportTrace(request(), { format: 'otlp' });
    const tree = await inv.hierarchy(request());
    expect(r.spanCount).toBe(tree.nodes.filter((n) => n.kind === 'span' || n.entryCount > 0).length);
    const doc = r.document as OtlpDocument;
    const spans = doc.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    expect(spans).toHaveLength(r.spanCount);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([r.traceId]));
    expect(r.services).toEqual(expect.arrayContaining(['gateway', 'payments']));
    expect(officialOtlp(doc)).toMatchObject(doc);
    // Failed request: some span carries an error status.
    expect(spans.some((s) => s.status.code === 2)).toBe(true);
  });

  it('writes Jaeger JSON and Zipkin v2 JSON that their schemas accept, with the same tree', async () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const jaeger = await inv.exportTrace(request(), { format: 'jaeger' });
    const validJaeger = ajv.compile(jaegerSchema);
    expect(validJaeger(jaeger.document), JSON.stringify(validJaeger.errors)).toBe(true);
    const zipkin = await inv.exportTrace(request(), { format: 'zipkin', maxEvents: 2 });
    const validZipkin = ajv.compile(zipkinSchema);
    expect(validZipkin(zipkin.document), JSON.stringify(validZipkin.errors)).toBe(true);
    // The same parent links in both.
    const jSpans = (jaeger.document as { data: { spans: { spanID: string; references: { spanID: string }[] }[] }[] }).data[0]?.spans ?? [];
    const zSpans = zipkin.document as { id: string; parentId?: string }[];
    const jLinks = new Map(jSpans.map((s) => [s.spanID, s.references[0]?.spanID]));
    expect(new Map(zSpans.map((s) => [s.id, s.parentId]))).toEqual(jLinks);
    // A schema that would catch a wrong document: a 15-digit span id fails it.
    expect(validZipkin([{ traceId: zipkin.traceId, id: 'abc' }])).toBe(false);
  });

  it('refuses an unknown format or id with typed errors', async () => {
    await expect(inv.exportTrace(request(), { format: 'xml' as 'otlp' })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(inv.exportTrace('no-such-id', { format: 'otlp' })).rejects.toMatchObject({ code: 'UNKNOWN_ID' });
  });
});

describe('correlateEvents', () => {
  it("ranks payments' pool-exhausted template first around the first gateway error of the incident", async () => {
    const incident = truth.incident;
    expect(incident?.rootCauseService).toBe('payments');
    const r = await inv.correlateEvents({ trigger: { service: 'gateway', minLevel: 'error', after: incident?.firstTime } }, { window: '30s' });
    expect(r.anchor.entry?.service).toBe('gateway');
    expect(r.events[0]?.pattern).toContain(incident?.rootCauseMessage);
    expect(r.events[0]?.services[0]?.name).toBe('payments');
    expect(r.events[0]?.new).toBe(true);
    // The gateway's own consequence is among the top, and began after the root cause.
    const gateway = r.events.slice(0, 3).find((e) => e.services[0]?.name === 'gateway');
    expect(gateway?.offsetMs).toBeGreaterThan(r.events[0]?.offsetMs ?? 0);
    expect(r.baselineEmpty).toBe(false);
    // Its template id is the one templates() reports.
    const [tid] = await inv.templateOf([r.events[0]?.first.id as number]);
    expect(tid).toBe(r.events[0]?.templateId);
  });

  it('takes exactly one anchor', async () => {
    await expect(inv.correlateEvents({ entry: 1, time: '-1m' } as unknown as { entry: number })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('verifyPattern', () => {
  it('counts a hypothesis against search and splits its groups by value', async () => {
    const r = await inv.verifyPattern('(?<method>GET|POST) /api/(?<resource>[a-z]+)', { top: 3 });
    const count = await inv.count({ regex: '(GET|POST) /api/[a-z]+' });
    expect(r.matches).toBe(count.total);
    expect(r.groups).toEqual(['method', 'resource']);
    const method = r.values[0];
    expect(method?.distinct).toBe(2);
    expect((method?.top ?? []).reduce((n, v) => n + v.count, 0)).toBe(r.matches);
    expect(r.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(r.matches);
    expect(r.first?.timestampNs).toBeLessThanOrEqual(r.last?.timestampNs ?? 0);
  });

  it('refuses invalid and too large patterns with typed errors', async () => {
    await expect(inv.verifyPattern('(?<x>unclosed')).rejects.toMatchObject({ code: 'INVALID_REGEX' });
    const tooLarge = inv.verifyPattern('(?<x>\\w{1000}){1000}');
    await expect(tooLarge).rejects.toBeInstanceOf(UsageError);
    await expect(tooLarge).rejects.toMatchObject({ code: 'REGEX_TOO_LARGE' });
  });
});
