import { open, type Investigation, type OpenOptions } from '@logsift/api';
import { openFresh } from '../api-surface.js';
import type { DataFormat } from '../data-cache.js';
import { prepared, type Scenario } from '../scenario.js';

function build(name: string, format: DataFormat, title: string, options: OpenOptions = {}, target?: string): Scenario {
  return {
    name,
    suite: 'index',
    title,
    ...(target ? { target } : {}),
    setup: async (ctx) => {
      const file = ctx.data.files[format];
      return prepared<Investigation>({
        run: () => openFresh(file.path, options),
        release: (inv) => inv.close(),
        gcBetweenRuns: true,
        units: { entries: file.entries, bytes: file.bytes },
        inputs: { file: file.path, ...options },
        // Index size as the engine reports it: native heap held by the index, mapped pages excluded.
        describe: async (inv) => {
          const stats = await inv.stats();
          return {
            entries: stats.entries,
            indexBytes: stats.indexBytes,
            indexBytesPerEntry: stats.entries > 0 ? Math.round((stats.indexBytes / stats.entries) * 10) / 10 : null,
          };
        },
      });
    },
  };
}

/** Re-opening an unchanged file: the api's index cache (path, size, mtime) answers. */
const reopen: Scenario = {
  name: 'index.reopen-cached',
  suite: 'index',
  title: 're-open the unchanged JSON file (api index cache hit)',
  setup: async (ctx) => {
    const file = ctx.data.files.json;
    const first = await open(file.path);
    return prepared<Investigation>({
      run: () => open(file.path),
      release: (inv) => inv.close(),
      teardown: () => first.close(),
      inputs: { file: file.path },
    });
  },
};

/** The generated text layout as a custom pattern: the saved-format path (regex per line, then the stamp). */
const TEXT_PATTERN = '^(?P<ts>\\S+ \\S+) (?P<level>\\w+) +\\[(?P<thread>[^\\]]+)\\] (?P<service>\\S+) - (?P<message>.*)$';

export const indexScenarios: Scenario[] = [
  build('index.build-json', 'json', 'open + index JSON lines (parallel)', {}, '≥ 1.5M entries/s at 1M; ≤ 64 B/entry native'),
  build('index.build-text', 'text', 'open + index plain text (parallel)', {}, '≥ 2.5M entries/s at 1M; faster than lnav'),
  build('index.build-logfmt', 'logfmt', 'open + index logfmt (parallel)'),
  build('index.build-json-gzip', 'jsonGz', 'open + index gzip-compressed JSON lines (decompress included)'),
  build('index.build-json-serial', 'json', 'open + index JSON lines on one thread (serial: true)', { serial: true }),
  // A saved format's cost: the same text file through a custom pattern, its stamp's shape
  // detected (regex:) or read with an explicit strftime-like format (custom:, time::TsFormat).
  build('index.build-text-regex', 'text', 'open + index plain text with a regex: custom format (stamp shape detected)', {
    format: `regex:${TEXT_PATTERN.replace('?P<ts>', '?P<timestamp>')}`,
  }),
  build('index.build-text-saved-format', 'text', 'open + index plain text with a saved format (explicit timestamp format %Y-%m-%d %H:%M:%S,%f)', {
    format: `custom:${JSON.stringify({ regex: TEXT_PATTERN, timestamp: '%Y-%m-%d %H:%M:%S,%f', fields: { ts: 'timestamp' } })}`,
  }),
  reopen,
];
