import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** A line longer than this is refused (the SDK's own stdio limit). */
const MAX_LINE = 10 * 1024 * 1024;

type Id = string | number;

function idOf(value: unknown): Id | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/**
 * MCP over stdio, one JSON-RPC message per line, as the SDK's StdioServerTransport but
 * answering what that one drops: a line that is not JSON gets a -32700 reply and one that is
 * not a JSON-RPC message a -32600 (JSON-RPC 2.0, id null). When stdin ends, requests still
 * running are answered first, then the transport closes (so `logsift mcp` exits 0).
 */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private buffer = '';
  private discarding = false;
  private ended = false;
  private closed = false;
  private readonly pending = new Set<Id>();

  constructor(
    private readonly isMessage: (value: unknown) => boolean,
    private readonly input: NodeJS.ReadableStream = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stdout,
  ) {}

  private readonly onData = (chunk: Buffer | string): void => {
    this.buffer += chunk.toString();
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      if (this.discarding) this.discarding = false;
      else this.line(line);
    }
    if (this.buffer.length > MAX_LINE) {
      this.buffer = '';
      this.discarding = true;
      this.reply(null, -32700, `Parse error: a message longer than ${MAX_LINE} bytes`);
    }
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    if (this.buffer.trim() !== '') this.line(this.buffer);
    this.buffer = '';
    this.closeWhenIdle();
  };

  private readonly onInputError = (error: Error): void => {
    this.onerror?.(error);
  };

  private line(line: string): void {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      this.reply(null, -32700, `Parse error: ${(error as Error).message}`);
      return;
    }
    if (!this.isMessage(value)) {
      this.reply(idOf(value), -32600, 'Invalid Request: not a JSON-RPC 2.0 message');
      return;
    }
    const message = value as JSONRPCMessage;
    const id = idOf(message);
    if ('method' in message && id !== null) this.pending.add(id);
    this.onmessage?.(message);
  }

  private reply(id: Id | null, code: number, message: string): void {
    void this.write({ jsonrpc: '2.0', id, error: { code, message } });
  }

  private write(message: unknown): Promise<void> {
    return new Promise((resolve) => {
      if (this.output.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.output.once('drain', () => resolve());
    });
  }

  private closeWhenIdle(): void {
    if (this.ended && this.pending.size === 0) void this.close();
  }

  async start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('end', this.onEnd);
    this.input.on('error', this.onInputError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    await this.write(message);
    const id = idOf(message);
    if (!('method' in message) && id !== null) {
      this.pending.delete(id);
      this.closeWhenIdle();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('error', this.onInputError);
    this.onclose?.();
  }
}
