import type { AggregationKind, Query, SearchOptions } from '@logsift/api';
import type { FlagDef, Options } from './spec.js';

function str(options: Options, key: string): string | undefined {
  const v = options[key];
  return typeof v === 'string' ? v : undefined;
}

function list(options: Options, key: string): string[] | undefined {
  const v = options[key];
  return Array.isArray(v) && v.length > 0 ? v : undefined;
}

function int(options: Options, key: string): number | undefined {
  const v = options[key];
  return typeof v === 'number' ? v : undefined;
}

/** Drops undefined keys: the engine rejects nothing it does not know, but echoes stay clean. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The query flags (QUERY_FLAGS) as the api's Query. */
export function toQuery(options: Options): Query {
  return defined({
    q: str(options, 'query'),
    level: list(options, 'level'),
    minLevel: str(options, 'minLevel'),
    regex: str(options, 'regex'),
    caseSensitive: options['caseSensitive'] === true ? true : undefined,
    exclude: list(options, 'excludeQuery'),
    thread: list(options, 'thread'),
    request: list(options, 'request'),
    trace: list(options, 'trace'),
    service: list(options, 'service'),
    where: list(options, 'where'),
    after: str(options, 'after'),
    before: str(options, 'before'),
    last: str(options, 'last'),
  });
}

/** The query flags as an investigation op's scope (`{ query }`), or nothing when none is set. */
export function toScope(options: Options): { query?: Query } {
  const query = toQuery(options);
  return Object.keys(query).length > 0 ? { query } : {};
}

/** Query plus paging, context and aggregation flags as the api's SearchOptions. */
export function toSearchOptions(options: Options): SearchOptions {
  return defined({
    ...toQuery(options),
    order: str(options, 'order') as SearchOptions['order'],
    limit: int(options, 'limit'),
    offset: int(options, 'offset'),
    cursor: str(options, 'cursor'),
    tail: int(options, 'tail'),
    context: int(options, 'context'),
    contextBefore: int(options, 'beforeContext'),
    contextAfter: int(options, 'afterContext'),
    fields: options['allFields'] === true ? true : undefined,
    aggregate: list(options, 'aggregate') as AggregationKind[] | undefined,
    bucket: str(options, 'bucket'),
  });
}

export const AGGREGATE_FLAGS: FlagDef[] = [
  {
    name: 'aggregate',
    type: 'list',
    // Shared by search and count: described once in the MCP instructions.
    group: 'output',
    valueName: 'kinds',
    description: 'count by level, thread, service, file, time',
  },
  { name: 'bucket', type: 'string', group: 'output', valueName: 'size', description: 'time bucket (1m, 1h; default: auto)' },
];

export const ALL_FIELDS_FLAG: FlagDef = {
  name: 'all-fields',
  type: 'boolean',
  // An output option of several commands: described once in the MCP instructions.
  group: 'output',
  description: 'every parsed field of each entry',
};
