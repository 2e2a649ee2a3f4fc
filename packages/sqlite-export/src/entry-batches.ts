import type { Entry, Investigation, Query } from '@logsift/api';

/** The scope of a query export: @logsift/api's `Query`. */
export type ExportQuery = Query;

/**
 * Yields the entries after `afterId`, `batchSize` at a time, in entry order, with their
 * fields. Without a query, ids are walked in ranges (entry ids are dense: 0..entries-1);
 * with one, the engine's own iterator does the filtering. Only one batch is materialized
 * per step: the caller's queue decides how many are held at once.
 */
export async function* entryBatches(
  inv: Investigation,
  query: ExportQuery | undefined,
  total: number,
  afterId: number,
  batchSize: number,
  withFields: boolean,
  signal?: AbortSignal,
): AsyncGenerator<Entry[]> {
  if (!query) {
    for (let start = afterId + 1; start < total; start += batchSize) {
      const n = Math.min(batchSize, total - start);
      const ids = new Array<number>(n);
      for (let i = 0; i < n; i++) ids[i] = start + i;
      yield await inv.entries(ids, { fields: withFields });
    }
    return;
  }
  let batch: Entry[] = [];
  const options = signal ? { batchSize, fields: withFields, signal } : { batchSize, fields: withFields };
  for await (const e of inv.iterate(query, options)) {
    // Entries come in file (= id) order, so a resumed export skips what it already has.
    if (e.id <= afterId) continue;
    batch.push(e);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
