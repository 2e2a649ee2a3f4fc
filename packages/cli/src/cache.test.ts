import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logsift, sample, tempFiles } from './test-support.js';

interface StatsData {
  entries: number;
  files: { cache: string }[];
}

describe('logsift cache and --no-cache', () => {
  it('a second call maps the index the first wrote; an append is indexed for its new lines; list, path, clear', () => {
    const t = tempFiles({});
    const env = { LOGSIFT_CACHE_DIR: join(t.dir, 'cache') };
    try {
      const file = join(t.dir, 'hadoop.log');
      writeFileSync(file, logsift(['emit', sample, '--fields', 'raw']).stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { raw: string }).raw).join('\n') + '\n');
      const stats = (): StatsData => logsift(['stats', file], { env }).json['data'] as StatsData;
      const first = stats();
      expect(first.files[0]?.cache).toBe('built');
      const second = stats();
      expect(second.files[0]?.cache).toBe('hit');
      expect(second.entries).toBe(first.entries);
      expect(logsift(['count', file, '-q', 'zzz-nowhere-zzz'], { env }).code).toBe(1);

      appendFileSync(file, '2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.Appended: zzz-nowhere-zzz once\n');
      const grown = stats();
      expect(grown.files[0]?.cache).toBe('extended');
      expect(grown.entries).toBe(first.entries + 1);
      const counted = logsift(['count', file, '-q', 'zzz-nowhere-zzz'], { env });
      expect((counted.json['data'] as { total: number }).total).toBe(1);

      const off = logsift(['stats', file, '--no-cache'], { env }).json['data'] as StatsData;
      expect(off.files[0]?.cache).toBe('off');

      const list = logsift(['cache', 'list'], { env }).json['data'] as { dir: string; files: { source: string }[] };
      expect(list.dir).toBe(env.LOGSIFT_CACHE_DIR);
      expect(list.files.map((f) => f.source)).toEqual([file]);
      expect((logsift(['cache', 'path'], { env }).json['data'] as { dir: string }).dir).toBe(env.LOGSIFT_CACHE_DIR);
      expect((logsift(['cache', 'clear'], { env }).json['data'] as { removed: number }).removed).toBe(1);
      expect((logsift(['cache', 'list'], { env }).json['data'] as { files: unknown[] }).files).toEqual([]);
      const bad = logsift(['cache', 'nope'], { env });
      expect(bad.code).toBe(2);
    } finally {
      t.remove();
    }
  });
});
