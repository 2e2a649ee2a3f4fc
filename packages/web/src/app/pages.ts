import type { SearchHit, SearchResult } from '@logsift/api';
import { ApiError, get, type Params } from './api.js';

export const PAGE = 200;
/** Pages kept in memory (10,000 entries): scrolling far drops the oldest. */
const KEEP = 50;

interface Page {
  entries: SearchHit[];
  nextCursor?: string;
}

/**
 * The matches of one query, fetched a page at a time as the list needs them. A page right
 * after one already fetched continues from its cursor (the engine then skips nothing); a jump
 * (scrollbar drag, End, go to #) asks by offset.
 */
export class MatchPages {
  #pages = new Map<number, Page>();
  #loading = new Map<number, Promise<void>>();
  /** The last page that failed to load (shown above the list; scrolling retries). */
  error: ApiError | undefined;
  constructor(
    readonly params: Params,
    readonly onLoad: () => void,
  ) {}

  entry(index: number): SearchHit | undefined {
    return this.#pages.get(Math.floor(index / PAGE))?.entries[index % PAGE];
  }

  /** Starts fetching the pages holding `from..to` (inclusive); `onLoad` fires as each lands. */
  want(from: number, to: number): void {
    for (let p = Math.floor(from / PAGE); p <= Math.floor(to / PAGE); p++) void this.load(p);
  }

  load(page: number): Promise<void> {
    if (this.#pages.has(page)) return Promise.resolve();
    const pending = this.#loading.get(page);
    if (pending) return pending;
    const before = this.#pages.get(page - 1)?.nextCursor;
    const where = before ? { cursor: before } : { offset: page * PAGE };
    const task = get<SearchResult>('search', { ...this.params, ...where, limit: PAGE })
      .then((r) => {
        this.#pages.set(page, { entries: r.entries, ...(r.nextCursor ? { nextCursor: r.nextCursor } : {}) });
        while (this.#pages.size > KEEP) this.#pages.delete(this.#pages.keys().next().value as number);
        this.error = undefined;
        this.onLoad();
      })
      .catch((error: unknown) => {
        this.error = error instanceof ApiError ? error : new ApiError('FETCH_FAILED', String(error), 0);
        this.onLoad();
      })
      .finally(() => this.#loading.delete(page));
    this.#loading.set(page, task);
    return task;
  }
}
