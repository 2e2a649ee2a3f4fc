import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, sample } from './test-support.js';

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
    const stats = tools.find((t) => t.name === 'stats');
    // Sources are optional in the schema because --db can replace them.
    expect(stats?.inputSchema).toMatchObject({
      type: 'object',
      properties: { sources: { type: 'array', items: { type: 'string' } }, db: { type: 'string' }, maxBytes: { type: 'integer', minimum: 256 } },
    });
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

  it('honours maxBytes', async () => {
    const result = await client.callTool({ name: 'schema', arguments: { sources: [sample], maxBytes: 1024 } });
    const text = (result.content as { text: string }[])[0]?.text ?? '';
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024);
  });
});
