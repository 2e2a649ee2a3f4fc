import { spawn } from 'node:child_process';
import { JSON_TEXT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { outputMode } from '../output.js';
import { openSources } from '../sources.js';
import type { CommandDef } from '../spec.js';
import { loadWeb } from '../web-module.js';

/** Opens the URL in the desktop's browser (best effort: a machine without one just has the printed URL). */
function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`logsift serve: could not start ${cmd}; open ${url} yourself\n`));
  child.unref();
}

/**
 * `logsift serve`: the web view of the sources (@logsift/web, an optional peer). Prints the
 * URL (with its token) at once, indexes with the progress streamed to the page, and runs
 * until Ctrl-C. Long-running, so not an MCP tool.
 */
export const serveCommand: CommandDef = {
  name: 'serve',
  summary: 'Open the sources in a local web view: histogram, entry list, waterfall, error flow, templates.',
  description:
    'Starts a local read-only web server over the sources and prints its URL, which carries a random token every API request needs. Binds 127.0.0.1 unless --host is given; answers only to its own Host name; runs until Ctrl-C. --json prints the URL as one JSON envelope line. Needs @logsift/web (npm install @logsift/web).',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    { name: 'port', type: 'integer', group: 'command', min: 0, valueName: 'n', description: 'port to listen on (default: a free one)' },
    { name: 'host', type: 'string', group: 'command', valueName: 'addr', description: 'interface to bind (default 127.0.0.1; another one exposes the logs to the network)' },
    { name: 'open', type: 'boolean', group: 'command', description: 'open the URL in the default browser' },
    ...JSON_TEXT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift serve app.log', what: 'print the URL of the web view and serve until Ctrl-C' },
    { cmd: 'logsift serve logs/ --port 8080 --open', what: 'a fixed port, opened in the browser' },
  ],
  uses: ['@logsift/web startServer', 'open'],
  envelope: false,
  mcp: false,
  run: async (ctx) => {
    const started = Date.now();
    const { startServer } = await loadWeb();
    const port = ctx.options['port'];
    const host = ctx.options['host'];
    const server = await startServer({
      open: (control) => openSources(ctx.args, ctx.options, control),
      ...(typeof port === 'number' ? { port } : {}),
      ...(typeof host === 'string' ? { host } : {}),
    });
    // Ctrl-C is handled from before the URL is printed: whoever reads it may stop the server at once.
    const stop = new AbortController();
    const stopped = new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
    const onSignal = (): void => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    ctx.signal.addEventListener('abort', onSignal, { once: true });
    const data = { url: server.url, host: server.host, port: server.port };
    if (outputMode(ctx.options) === 'json') {
      const envelope = { ok: true, command: 'serve', inputs: { args: ctx.args, options: Object.fromEntries(Object.entries(ctx.options).filter(([, v]) => v !== undefined)) }, data, truncated: false, elapsedMs: Date.now() - started };
      await ctx.write(`${JSON.stringify(envelope)}\n`);
    } else {
      await ctx.write(`logsift serve: ${server.url}\n(read-only, ${typeof host === 'string' ? `bound to ${host}` : 'this machine only'}; Ctrl-C to stop)\n`);
    }
    if (ctx.options['open'] === true) openBrowser(server.url);
    try {
      // Runs until a signal; an open that fails (no such file, no logs) ends the command with its error.
      await Promise.race([server.ready.then(() => stopped), stopped]);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await server.close();
    }
    return { data, found: true };
  },
  text: () => '',
};
