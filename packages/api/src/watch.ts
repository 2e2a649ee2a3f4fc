import { CancelledError, fromNative, UsageError } from './errors.js';
import { native } from './native.js';
import { withResolvedFormat } from './saved-formats.js';
import type { Query } from './query.js';
import type { SearchHit } from './search.js';

/**
 * What to follow and how. The query keys are those of `search` (the query's relative times
 * count from the wall clock); `last` here is where to start, not a query filter.
 */
export interface WatchOptions extends Omit<Query, 'last' | 'relativeTo'> {
  /** Replay the files from their start before following (default: start at their end). */
  fromStart?: boolean;
  /** Replay the last duration first (`5m`, `1h`): from each file's first record stamped since. */
  last?: string;
  /** Include every parsed field of the entries. */
  fields?: boolean;
  /** Quiet time after which a file's last record is complete (default 100 ms). */
  settleMs?: number;
  /** Interval of the full rescan for new files and missed events (default 1000 ms). */
  rescanMs?: number;
  /** How long a file renamed away or deleted is still read after it last grew (default 2000 ms). */
  lingerMs?: number;
  /** Rescan only (every `rescanMs`, at most 250 ms), without filesystem notifications. */
  polling?: boolean;
  /** Open options (see `OpenOptions`): the format is detected once per file, at its start. */
  format?: string;
  timezone?: string;
  year?: number;
  include?: string[];
}

export interface WatchControl {
  /** Stops the watch: the iterator throws a `CancelledError`. */
  signal?: AbortSignal | undefined;
}

/** Options of one `tail` call: a watch's, plus the cursor of the previous call. */
export interface TailOptions extends WatchOptions {
  /** Where the previous call left off (its `cursor`). */
  cursor?: string;
  /** About this many entries at most per call (default 1000); `more` says when more is new. */
  limit?: number;
  /**
   * The entries' JSON stays within this many bytes (at least one entry is returned); the
   * cursor then stands before the first entry left out, so none is skipped.
   */
  maxBytes?: number;
}

export interface TailResult {
  /** Matching entries new since the cursor, in order per file. */
  entries: SearchHit[];
  /** Pass to the next call: per file, its inode and the first byte not yet returned. */
  cursor: string;
  /** Files followed. */
  files: string[];
  /** Files of the given cursor no longer at any watched path (rotated away or deleted). */
  lost: string[];
  /** Files found but not followed (compressed, binary). */
  skipped: string[];
  /** More was new than this call returns: call again with `cursor`. */
  more: boolean;
}

/** How long one native poll waits before returning empty (it returns at once on cancel). */
const POLL_MS = 1000;

function sourceList(sources: string | readonly string[]): string[] {
  const list = typeof sources === 'string' ? [sources] : [...sources];
  if (list.includes('-')) throw new UsageError('INVALID_OPTION', 'stdin (-) cannot be watched: name files', '-');
  return list;
}

/**
 * Follows files, directories and globs as they are written: an async iterator of the entries
 * that match the query, in order per file, each once. Follows rotation (rename + create,
 * copytruncate), new files in watched directories or globs, and files that shrink. Runs off
 * the main thread; ends with a `CancelledError` when `signal` aborts.
 */
export async function* watch(
  sources: string | readonly string[],
  options: WatchOptions = {},
  control: WatchControl = {},
): AsyncGenerator<SearchHit, void, undefined> {
  const list = sourceList(sources);
  const { signal } = control;
  if (signal?.aborted) throw new CancelledError();
  let handle;
  try {
    handle = await native().watch(list, JSON.stringify(withResolvedFormat(options)));
  } catch (error) {
    throw fromNative(error);
  }
  const stop = handle;
  const abort = (): void => stop.cancel();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw new CancelledError();
      let json: string;
      try {
        json = await handle.poll(POLL_MS);
      } catch (error) {
        throw fromNative(error);
      }
      for (const hit of JSON.parse(json) as SearchHit[]) yield hit;
    }
  } finally {
    signal?.removeEventListener('abort', abort);
    handle.cancel();
  }
}

/**
 * One look: the matching entries new since `cursor` (without one: from the end, or the start
 * / the last duration), and the cursor to pass next time. For agents that poll.
 */
export async function tail(sources: string | readonly string[], options: TailOptions = {}): Promise<TailResult> {
  const list = sourceList(sources);
  try {
    return JSON.parse(await native().tail(list, JSON.stringify(withResolvedFormat(options)))) as TailResult;
  } catch (error) {
    throw fromNative(error);
  }
}
