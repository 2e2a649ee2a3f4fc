import type { Entry } from './types.js';

export interface ContextOptions {
  /** Records before (default 5). */
  before?: number;
  /** Records after (default 5). */
  after?: number;
  fields?: boolean;
}

export interface ContextResult {
  file: string;
  line: number;
  /** False when the line is not inside the record (a blank line after it). */
  exact: boolean;
  entry: Entry;
  before: Entry[];
  after: Entry[];
}
