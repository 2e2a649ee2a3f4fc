import type { Investigation, Query, RowBatch } from '@logsift/api';

/** The scope of a query export: @logsift/api's `Query`. */
export type ExportQuery = Query;

/**
 * Yields the entries after `afterId` as column batches (`inv.rowBatches`), in entry order.
 * A resumed export starts the engine's cursor after the last committed entry, so nothing
 * already written is fetched again. Batches reuse `recycle` sets of arrays in turn, so the
 * caller must hold fewer than `recycle` batches at once (its queue plus the one it writes).
 */
export function entryBatches(
  inv: Investigation,
  query: ExportQuery | undefined,
  afterId: number,
  batchSize: number,
  withFields: boolean,
  recycle: number,
  signal?: AbortSignal,
): AsyncGenerator<RowBatch> {
  return inv.rowBatches(query ?? {}, {
    batchSize,
    fields: withFields,
    recycle,
    ...(afterId >= 0 ? { after: afterId } : {}),
    ...(signal ? { signal } : {}),
  });
}
