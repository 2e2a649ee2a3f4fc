import type Database from 'better-sqlite3';

/** Bumped whenever a table or column changes meaning; stored in `meta.schema_version`. */
export const SCHEMA_VERSION = 2;

/** The tables every export database has. Indexes and FTS come later (see `finishIndexes`). */
const TABLES = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
  id          INTEGER PRIMARY KEY,
  path        TEXT NOT NULL UNIQUE,
  size        INTEGER NOT NULL,
  mtime       TEXT,
  format      TEXT,
  compression TEXT,
  lines       INTEGER,
  entries     INTEGER,
  exported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
  id           INTEGER PRIMARY KEY,
  file_id      INTEGER NOT NULL REFERENCES files(id),
  file         TEXT NOT NULL,
  line         INTEGER NOT NULL,
  offset       INTEGER NOT NULL,
  timestamp_ns INTEGER,
  time         TEXT,
  severity     INTEGER NOT NULL,
  level        TEXT NOT NULL,
  level_text   TEXT,
  message      TEXT NOT NULL,
  thread       TEXT,
  request      TEXT,
  trace        TEXT,
  span         TEXT,
  parent_span  TEXT,
  service      TEXT,
  component    TEXT,
  raw          TEXT NOT NULL,
  -- The fields object as JSON; '' when it is the raw record itself (a one-line JSON object:
  -- stored once, not twice); NULL when fields were not exported.
  fields_json  TEXT,
  fields       TEXT GENERATED ALWAYS AS (CASE fields_json WHEN '' THEN raw ELSE fields_json END) VIRTUAL,
  UNIQUE (file_id, offset)
);
CREATE TABLE IF NOT EXISTS export_progress (
  source_key TEXT PRIMARY KEY,
  source     TEXT NOT NULL,
  last_id    INTEGER NOT NULL,
  rows       INTEGER NOT NULL,
  total      INTEGER,
  status     TEXT NOT NULL,
  started    TEXT NOT NULL,
  updated    TEXT NOT NULL
);
`;

/** Secondary indexes: built once after a bulk load (much faster than row by row). */
export const INDEXES = `
CREATE INDEX IF NOT EXISTS entries_time ON entries(timestamp_ns);
CREATE INDEX IF NOT EXISTS entries_level ON entries(severity);
CREATE INDEX IF NOT EXISTS entries_thread ON entries(thread) WHERE thread IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_request ON entries(request) WHERE request IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_trace ON entries(trace) WHERE trace IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_span ON entries(span) WHERE span IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_parent_span ON entries(parent_span) WHERE parent_span IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_service ON entries(service) WHERE service IS NOT NULL;
`;

/** The FTS5 index of the messages: external content, so it stores no second copy of them. */
export const FTS_TABLE = 'entries_fts';
export const FTS_CREATE = `CREATE VIRTUAL TABLE ${FTS_TABLE} USING fts5(message, content='entries', content_rowid='id')`;
export const FTS_INSERT = `INSERT INTO ${FTS_TABLE}(rowid, message) VALUES (?1, ?2)`;
/** Records that the FTS index holds every entry so far (`meta.fts_rowid`, `meta.fts`). */
export const FTS_SYNCED = `INSERT INTO meta(key, value) VALUES ('fts_rowid', (SELECT coalesce(max(id), 0) FROM entries)), ('fts', '${FTS_TABLE}')
  ON CONFLICT(key) DO UPDATE SET value = excluded.value;`;

/** Our tables, dropped by replace mode (and nothing else in the file). */
const OWN_TABLES = ['entries_fts', 'entries', 'files', 'export_progress', 'meta'];

export function createTables(db: Database.Database): void {
  db.exec(TABLES);
}

export function dropOwnTables(db: Database.Database): void {
  db.transaction(() => {
    for (const t of OWN_TABLES) db.exec(`DROP TABLE IF EXISTS "${t}"`);
  })();
}

export function setMeta(db: Database.Database, values: Record<string, string>): void {
  const put = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  for (const [k, v] of Object.entries(values)) put.run(k, v);
}

export function getMeta(db: Database.Database, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

/**
 * Builds the secondary indexes and brings the FTS index up to date with the rows committed
 * so far (after a fresh export the engine's writer has done both: then this finds nothing to
 * do). The FTS table is external-content (it stores no copy of the messages); `meta.fts_rowid`
 * says up to which entry it is synced, so an interrupted run is finished by the next one.
 */
export function finishIndexes(db: Database.Database, fts: boolean): void {
  db.transaction(() => {
    db.exec(INDEXES);
    if (!fts && !hasTable(db, FTS_TABLE)) return;
    if (!hasTable(db, FTS_TABLE)) db.exec(FTS_CREATE);
    const done = Number(getMeta(db, 'fts_rowid') ?? 0);
    db.prepare(`INSERT INTO ${FTS_TABLE}(rowid, message) SELECT id, message FROM entries WHERE id > ?`).run(done);
    db.exec(FTS_SYNCED);
  })();
}

/** True when `name` is a table or view of this database. */
export function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?").get(name) !== undefined;
}
