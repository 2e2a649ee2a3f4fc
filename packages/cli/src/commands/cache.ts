import { clearDiskCache, diskCacheInfo, type DiskCacheInfo } from '@logsift/api';
import { CliError } from '../envelope.js';
import { OUTPUT_FLAGS } from '../flags.js';
import { colors, formatBytes, formatCount, keyValues, table } from '../render.js';
import type { CommandDef } from '../spec.js';

const ACTIONS = ['list', 'clear', 'path'] as const;

/** `logsift cache list|clear|path`: the persistent index cache (api `diskCacheInfo`, `clearDiskCache`). */
export const cacheCommand: CommandDef = {
  name: 'cache',
  summary: 'The persistent index cache: list what it holds, clear it, or print its directory.',
  description:
    'Every open writes the index of each file it built to the cache directory ($LOGSIFT_CACHE_DIR, else $XDG_CACHE_HOME/logsift, else ~/.cache/logsift; at most $LOGSIFT_CACHE_MAX_BYTES, default 2 GiB, least recently used first). The next open of the unchanged file maps it back in milliseconds; a file that only grew is indexed for its new bytes only. --no-cache on any command skips it.',
  args: [{ name: 'action', description: 'list (default), clear, or path', required: false }],
  flags: OUTPUT_FLAGS,
  examples: [
    { cmd: 'logsift cache list', what: 'the cached indexes, most recently used first' },
    { cmd: 'logsift cache clear', what: 'remove them all' },
    { cmd: 'logsift cache path', what: 'the cache directory' },
  ],
  uses: ['diskCacheInfo', 'clearDiskCache'],
  mcp: false,
  run: async (ctx) => {
    const action = ctx.args[0] ?? 'list';
    if (ctx.args.length > 1 || !(ACTIONS as readonly string[]).includes(action)) {
      throw new CliError('USAGE', `unknown cache action '${ctx.args.join(' ')}'`, `use one of: ${ACTIONS.join(', ')}`);
    }
    if (action === 'clear') {
      const r = clearDiskCache();
      return { data: r, summary: { removed: r.removed, bytes: r.bytes }, found: true };
    }
    const info = diskCacheInfo();
    if (action === 'path') return { data: { dir: info.dir }, found: true };
    const bytes = info.files.reduce((n, f) => n + f.bytes, 0);
    return { data: info, summary: { files: info.files.length, bytes, maxBytes: info.maxBytes }, found: info.files.length > 0 };
  },
  text: (raw, ctx) => {
    const d = raw as Partial<DiskCacheInfo> & { removed?: number; bytes?: number };
    const c = colors(ctx);
    if (d.removed !== undefined) return `removed ${formatCount(d.removed)} cached index(es), ${formatBytes(d.bytes ?? 0)} from ${d.dir ?? ''}`;
    if (!d.files) return d.dir ?? '';
    const rows = d.files.map((f) => [
      f.source ?? c.dim('(unreadable: rebuilt on next use)'),
      formatCount(f.entries ?? 0),
      formatBytes(f.bytes),
      new Date(f.usedMs).toISOString(),
    ]);
    const total = d.files.reduce((n, f) => n + f.bytes, 0);
    return [
      table(['source', 'entries', 'index size', 'last used'], rows, ctx),
      '',
      keyValues([['dir', d.dir ?? ''], ['total', `${formatBytes(total)} of ${formatBytes(d.maxBytes ?? 0)}`]], ctx),
    ].join('\n');
  },
};
