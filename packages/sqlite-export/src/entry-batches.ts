import type { Entry, Investigation } from '@logsift/api';

/** A query as understood by `Investigation.iterate` / `search` (see @logsift/api's `Query`). */
export type ExportQuery = Record<string, unknown>;

/** The streaming iterator of newer @logsift/api versions; detected at run time. */
type Iterating = Investigation & {
  iterate(query: ExportQuery, options: { batchSize: number }): AsyncIterable<Entry>;
};

export function canIterate(inv: Investigation): inv is Iterating {
  return typeof (inv as Partial<Iterating>).iterate === 'function';
}

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
  if (!canIterate(inv)) throw new Error('unreachable: query exports are checked before starting');
  let batch: Entry[] = [];
  for await (const e of inv.iterate(query, { batchSize })) {
    if (e.id <= afterId) continue;
    batch.push(e);
    if (batch.length >= batchSize) {
      yield await withFieldsOf(inv, batch, withFields);
      batch = [];
    }
  }
  if (batch.length > 0) yield await withFieldsOf(inv, batch, withFields);
}

/** The iterator may not materialize `fields`; fetch them for the batch when asked for. */
async function withFieldsOf(inv: Investigation, batch: Entry[], withFields: boolean): Promise<Entry[]> {
  if (!withFields || batch.every((e) => e.fields !== undefined)) return batch;
  return inv.entries(
    batch.map((e) => e.id),
    { fields: true },
  );
}
