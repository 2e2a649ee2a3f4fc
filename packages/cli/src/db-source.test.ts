import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logsift, tempFiles } from './test-support.js';

const services = join(import.meta.dirname, '..', '..', '..', 'examples', 'sample', 'services.jsonl');

describe('--db: a SQLite database as the log source', () => {
  it('answers the same as the files it was exported from', () => {
    const tmp = tempFiles({});
    try {
      const db = join(tmp.dir, 'out.sqlite');
      expect(logsift(['export', services, '--out', db]).code).toBe(0);
      const fromFiles = logsift(['count', services, '--level', 'error']).json['data'] as { total: number };
      const fromDb = logsift(['count', '--db', db, '--level', 'error']).json['data'] as { total: number };
      expect(fromDb.total).toBe(fromFiles.total);
      const stats = logsift(['stats', '--db', db]);
      expect((stats.json['data'] as { entries: number }).entries).toBe(3000);
      const both = logsift(['stats', services, '--db', db]);
      expect(both.code).toBe(2);
      expect(both.json).toMatchObject({ ok: false, error: { code: 'USAGE' } });
      const badMapping = logsift(['stats', '--db', db, '--db-mapping', '{nope']);
      expect(badMapping.code).toBe(2);
    } finally {
      tmp.remove();
    }
  });
});
