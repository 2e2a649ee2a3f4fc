import { spawnSync } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, sample } from './test-support.js';

/**
 * tools/list must fit an agent's context: at most this many bytes for all tools. 12 KB held 24
 * tools with ~100 bytes to spare; the 25th, `tail` (347 bytes, as lean as the others), needs
 * half a kilobyte more.
 */
const TOOLS_LIST_BUDGET = 12 * 1024;

/** A real MCP client spawning the built binary: handshake, listTools, tool calls. */
describe('logsift mcp', () => {
  const client = new Client({ name: 'logsift-test', version: '0.0.0' });
  beforeAll(async () => {
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, 'mcp'], stderr: 'pipe' }));
  });
  afterAll(async () => {
    await client.close();
  });

  it('completes the handshake and names itself', () => {
    expect(client.getServerVersion()).toMatchObject({ name: 'logsift' });
    expect(client.getServerCapabilities()?.tools).toBeDefined();
  });

  it('lists the commands as tools with JSON schemas from the definitions', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain('stats');
    expect(names).toContain('schema');
    expect(names).not.toContain('mcp');
    expect(names).not.toContain('emit');
    // Long-running: serve runs until Ctrl-C, so it is a command only.
    expect(names).not.toContain('serve');
    const search = tools.find((t) => t.name === 'search');
    // Sources are optional in the schema because db (a common parameter, in the instructions)
    // can replace them; the shared parameters carry no description (the instructions give it
    // once), the command's own do.
    expect(search?.inputSchema).toMatchObject({
      type: 'object',
      properties: { sources: { type: 'array' }, query: { type: 'string' }, limit: { type: 'integer' }, aggregate: { type: 'array' } },
    });
    // A command's own flag keeps its description.
    expect(tools.find((t) => t.name === 'follow')?.inputSchema.properties?.['id']).toMatchObject({ description: expect.any(String) });
    expect(search?.inputSchema.properties).not.toHaveProperty('db');
    expect(search?.inputSchema.properties?.['query']).not.toHaveProperty('description');
    for (const t of tools) {
      expect(t.description, t.name).toMatch(/^Use /);
      expect(t.outputSchema, t.name).toEqual({ type: 'object' });
    }
    // What the schemas leave out, the instructions say once.
    for (const p of ['*maxBytes (integer)', '*db (string)', '*dbMapping (string)', '*format (string)', 'query (string)', 'sources (array of strings)', 'aggregate (array of strings)', 'allFields (boolean)']) expect(client.getInstructions()).toContain(p);
  });

  it(`keeps tools/list within ${TOOLS_LIST_BUDGET} bytes`, async () => {
    const bytes = Buffer.byteLength(JSON.stringify(await client.listTools()));
    expect(bytes).toBeGreaterThan(4000);
    expect(bytes).toBeLessThanOrEqual(TOOLS_LIST_BUDGET);
  });

  it('returns the envelope as structuredContent (validated by the client against outputSchema) beside the text', async () => {
    const result = await client.callTool({ name: 'count', arguments: { sources: [sample], query: 'level:error' } });
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toMatchObject({ ok: true, command: 'count', data: { total: 150 } });
    expect(JSON.parse((result.content as { text: string }[])[0]?.text ?? '{}')).toEqual(result.structuredContent);
  });

  it('refuses a parameter the tool does not take, naming the valid ones', async () => {
    const r = await client.callTool({ name: 'stats', arguments: { sources: [sample], level: 'error' } });
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toMatchObject({ ok: false, error: { code: 'USAGE', location: 'level' } });
  });

  it('calls stats on the sample and returns the envelope', async () => {
    const result = await client.callTool({ name: 'stats', arguments: { sources: [sample] } });
    expect(result.isError).toBe(false);
    const content = result.content as { type: string; text: string }[];
    expect(content[0]?.type).toBe('text');
    const envelope = JSON.parse(content[0]?.text ?? '{}') as Record<string, unknown>;
    expect(envelope).toMatchObject({ ok: true, command: 'stats', summary: { files: 1, entries: 2000 }, data: { entries: 2000, levels: { ERROR: 150 } } });
  });

  it('returns errors as the same envelope with isError', async () => {
    const missing = await client.callTool({ name: 'stats', arguments: { sources: ['/nonexistent.log'] } });
    expect(missing.isError).toBe(true);
    expect(JSON.parse((missing.content as { text: string }[])[0]?.text ?? '{}')).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
    const bad = await client.callTool({ name: 'schema', arguments: { sources: [sample], sample: 'ten' } });
    expect(bad.isError).toBe(true);
    expect(JSON.parse((bad.content as { text: string }[])[0]?.text ?? '{}')).toMatchObject({ ok: false, error: { code: 'USAGE', location: 'sample' } });
  });

  it('refuses stdin as a source: it is the protocol channel', async () => {
    const r = await client.callTool({ name: 'stats', arguments: { sources: ['-'] } });
    expect(r.structuredContent).toMatchObject({ ok: false, error: { code: 'USAGE', location: 'sources' } });
  });

  it('honours maxBytes', async () => {
    const result = await client.callTool({ name: 'schema', arguments: { sources: [sample], maxBytes: 1024 } });
    const text = (result.content as { text: string }[])[0]?.text ?? '';
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024);
  });
});

/** The raw protocol: what the SDK client never sends. */
describe('logsift mcp over raw stdio', () => {
  const lines = (input: string[]): { replies: Record<string, unknown>[]; status: number | null } => {
    const r = spawnSync(process.execPath, [bin, 'mcp'], { input: `${input.join('\n')}\n`, encoding: 'utf8', timeout: 30_000 });
    return { replies: r.stdout.trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), status: r.status };
  };
  const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } } });

  it('answers malformed JSON with -32700 and a non-message with -32600, and goes on', () => {
    const { replies, status } = lines([init, '{"jsonrpc":"2.0","id":2,', '[1,2]', JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' })]);
    expect(status).toBe(0);
    // Replies to bad lines are immediate; answers to requests come when they are done.
    const errors = replies.filter((r) => r['id'] === null);
    expect(errors).toMatchObject([{ jsonrpc: '2.0', error: { code: -32700 } }, { jsonrpc: '2.0', error: { code: -32600 } }]);
    const list = replies.find((r) => r['id'] === 3);
    expect(list).toMatchObject({ result: { tools: expect.any(Array) } });
    expect(Buffer.byteLength(JSON.stringify(list))).toBeLessThanOrEqual(TOOLS_LIST_BUDGET);
  });

  it('answers a call still running when stdin closes, then exits 0', () => {
    const call = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'stats', arguments: { sources: [sample] } } });
    const { replies, status } = lines([init, call]);
    expect(status).toBe(0);
    expect(replies.find((r) => r['id'] === 2)).toMatchObject({ result: { isError: false, structuredContent: { ok: true, data: { entries: 2000 } } } });
  });

  it('exits 0 at once on an empty stdin', () => {
    expect(lines([]).status).toBe(0);
  });
});
