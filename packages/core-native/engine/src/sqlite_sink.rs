//! The bulk path of `@logsift/sqlite-export`: the rows of a query scope written into an
//! existing SQLite database, batch after batch, each batch one transaction together with the
//! caller's progress marker.
//!
//! Why here and not in JavaScript: binding ~19 values per row through a JS SQLite driver
//! costs several microseconds a row, more than SQLite's own work; from Rust the whole batch
//! is bound and stepped without crossing into JS. The schema stays the exporter's: it passes
//! the INSERT and marker statements, and this module binds their parameters in a fixed order
//! (see [`SinkArgs::insert_sql`]).
//!
//! Pipelining: a producer thread fetches batch k+1 from the index (`ops::rows`) while this
//! thread commits batch k; a bounded channel of `queue_size` batches holds the producer back
//! when writing lags (backpressure, never unbounded buffering).
//!
//! Finishing (`finish_sql`, `fts`): after the last batch the same connection builds the
//! secondary indexes in one transaction. SQLite allows one writer per database file, so the
//! FTS5 index cannot be filled in the export's file while the indexes are built there; it is
//! filled instead on a third thread, in a scratch database of its own (`<db>.fts-build`),
//! from the very batches this thread commits (their messages and the row ids SQLite gave
//! them), while the rows are written and then while the indexes are built. When both are
//! done, the finished FTS5 shadow tables are copied into the export inside the indexes'
//! transaction: a few thousand segment pages and one small row per document, instead of
//! tokenising every message on the writer's core. A killed or failed finish rolls back whole
//! (the rows stay committed; the exporter's next run finishes the indexes).

use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use crate::indexer::Control;
use crate::level;
use crate::ops::rows::{
    self, RowArgs, RowBatch, C_COMPONENT, C_FIELDS, C_IDS, C_LEVEL_TEXT, C_MESSAGE, C_RAW, C_TIME, FIELDS_IN_RAW,
    MAX_ROWS,
};
use crate::query::Compiled;
use rusqlite::{Connection, OpenFlags, Statement};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{sync_channel, Receiver};
use std::time::Duration;

/// Arguments of `sqliteSink` (beside the query that scopes the rows).
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SinkArgs {
    /// The database file; it must exist with its tables (the exporter creates them).
    pub db: String,
    /// One-row INSERT whose parameters ?1..?19 are bound, in this order: file_id, file, line,
    /// offset, timestamp_ns, time, severity, level, level_text, message, thread, request,
    /// trace, span, parent_span, service, component, raw, fields_json (`''` when the fields
    /// object is the raw record itself, NULL without `fields`).
    pub insert_sql: String,
    /// Run once per batch inside its transaction: ?1 = the batch's last entry id, ?2 = its rows.
    pub mark_sql: String,
    /// The `files` row id of every file the rows may name, keyed by the path the engine uses.
    pub file_ids: HashMap<String, i64>,
    /// Rows after this entry id (a resumed export); from the start when absent.
    pub after_id: Option<u32>,
    /// Rows per batch and per transaction (1..=100000).
    pub batch_size: usize,
    /// Fetched batches that may wait for the writer (at least 1).
    pub queue_size: usize,
    /// Fill `fields_json` (all parsed fields as JSON).
    #[serde(default)]
    pub fields: bool,
    /// Attempts per batch while the database is busy, with doubling delays from `retry_delay_ms`.
    pub retries: u32,
    pub retry_delay_ms: u64,
    /// SQLite's own wait for a lock before reporting busy.
    pub busy_timeout_ms: u64,
    /// Page cache of the writing connection, in KiB.
    pub cache_kb: u64,
    /// Statements run after the last batch in one transaction (the secondary indexes), with
    /// the FTS index of `fts` when it is given.
    pub finish_sql: Option<String>,
    /// An FTS5 index of the rows this run inserts, built on its own thread (see the module
    /// doc). Only for a table that does not exist yet and rows that are all this run's: the
    /// exporter catches up an existing FTS table itself.
    pub fts: Option<FtsArgs>,
}

/// The FTS5 table built beside the rows.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FtsArgs {
    /// Its name: the shadow tables `<table>_*` are what is copied into the export.
    pub table: String,
    /// The CREATE VIRTUAL TABLE statement (no IF NOT EXISTS: an existing table is an error,
    /// never merged into); run in the scratch database, then in the finishing transaction.
    pub create_sql: String,
    /// One-row INSERT into it: ?1 = the entry's row id, ?2 = its message.
    pub insert_sql: String,
}

pub const SINK_KEYS: &[&str] = &[
    "db",
    "insertSql",
    "markSql",
    "fileIds",
    "afterId",
    "batchSize",
    "queueSize",
    "fields",
    "retries",
    "retryDelayMs",
    "busyTimeoutMs",
    "cacheKb",
    "finishSql",
    "fts",
];

/// What has been committed so far (reported after every batch, and at the end).
#[derive(Serialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SinkProgress {
    /// Rows handled (inserted or already present).
    pub rows: u64,
    /// Rows actually inserted (the rest hit the table's unique key).
    pub inserted: u64,
    pub batches: u64,
    /// The last committed entry id: where a resumed run starts.
    pub last: Option<u32>,
}

/// Writes the rows of scope `q` into `a.db`; `on_batch` runs after each commit (its return
/// is awaited before the next batch, so a caller that cancels there stops at this boundary).
pub fn write(
    ix: &Index,
    q: &Compiled,
    a: &SinkArgs,
    ctl: &Control,
    mut on_batch: impl FnMut(&SinkProgress),
) -> Result<SinkProgress> {
    if a.batch_size == 0 || a.batch_size > MAX_ROWS {
        return Err(invalid("batchSize", format!("batchSize must be 1..={MAX_ROWS}, got {}", a.batch_size)));
    }
    if a.queue_size == 0 {
        return Err(invalid("queueSize", "queueSize must be at least 1".into()));
    }
    if a.retries == 0 {
        return Err(invalid("retries", "retries must be at least 1".into()));
    }
    let conn = connect(a)?;
    let mut insert = conn.prepare(&a.insert_sql).map_err(|e| db_error(e, &a.db, "preparing the INSERT"))?;
    let mut mark = conn.prepare(&a.mark_sql).map_err(|e| db_error(e, &a.db, "preparing the marker update"))?;
    check_params(&insert, 19, "insertSql")?;
    check_params(&mark, 2, "markSql")?;
    // `files` ids by file index, resolved once.
    let file_ids = ix
        .files
        .iter()
        .map(|f| {
            let p = &f.source.path;
            a.file_ids.get(p).copied().ok_or_else(|| invalid("fileIds", format!("fileIds has no id for {p}")))
        })
        .collect::<Result<Vec<i64>>>()?;

    // The FTS scratch database is made before any thread starts: a bad statement fails first.
    let scratch = a.fts.as_ref().map(|f| Scratch::create(f, a, &conn)).transpose()?;

    let mut done = SinkProgress::default();
    let (tx, rx) = sync_channel::<Result<RowBatch>>(a.queue_size);
    std::thread::scope(|s| {
        s.spawn(move || {
            let mut args = RowArgs { after_id: a.after_id, limit: a.batch_size, fields: a.fields };
            loop {
                let b = rows::row_batch(ix, q, &args, rows::MAX_TEXT, ctl);
                let (last, end) = match &b {
                    Ok(b) => (b.last(), b.done),
                    Err(_) => (None, true),
                };
                // A closed channel means the writer stopped (error or cancel): so do we.
                if tx.send(b).is_err() || end || last.is_none() {
                    return;
                }
                args.after_id = last;
            }
        });
        // The FTS filler, fed each committed batch with the row ids of its inserted rows; a
        // bounded channel holds this thread back when tokenising lags.
        let (mut fts_tx, mut filler) = (None, None);
        if let (Some(f), Some(sc)) = (&a.fts, &scratch) {
            let (t, r) = sync_channel::<Filled>(a.queue_size);
            let conn = sc.open(a)?;
            fts_tx = Some(t);
            filler = Some(s.spawn(move || fill(conn, &f.insert_sql, r)));
        }
        let mut ids = fts_tx.as_ref().map(|_| Vec::new());
        // Owned here so that an early return drops it: a producer blocked on a full channel
        // then fails its send and ends, and the scope can join it.
        let rx = rx;
        for b in rx.iter() {
            let b = b?;
            if ctl.cancel.load(Ordering::Relaxed) {
                return Err(Error::new(Code::Cancelled, "the export was cancelled"));
            }
            if b.is_empty() {
                continue;
            }
            // A batch read from a file truncated or rewritten meanwhile may hold zeros or other
            // bytes: never commit it. The export stops with SOURCE_CHANGED; what was committed
            // before stays good.
            ix.check_sources()?;
            let inserted =
                with_retries(a, ctl, || write_batch(&conn, &mut insert, &mut mark, &b, &file_ids, ix, ids.as_mut()))?;
            done.rows += b.len() as u64;
            done.inserted += inserted;
            done.batches += 1;
            done.last = b.last();
            ctl.done.store(done.rows, Ordering::Relaxed);
            on_batch(&done);
            if let (Some(t), Some(ids)) = (&fts_tx, ids.as_mut()) {
                // A closed channel means the filler failed: its error is the export's.
                if t.send((b, std::mem::take(ids))).is_err() {
                    return Err(joined(filler.take(), scratch.as_ref()).err().unwrap_or_else(|| {
                        Error::new(Code::Internal, "the FTS thread stopped before the last batch")
                    }));
                }
            }
        }
        if a.finish_sql.is_none() && a.fts.is_none() {
            return Ok(());
        }
        if ctl.cancel.load(Ordering::Relaxed) {
            return Err(Error::new(Code::Cancelled, "the export was cancelled"));
        }
        // No more batches: the filler finishes its last ones while the indexes are built.
        drop(fts_tx);
        finish(&conn, a, ctl, || joined(filler.take(), scratch.as_ref()))
    })?;
    Ok(done)
}

/// A committed batch and the (row in batch, row id) of each row it inserted.
type Filled = (RowBatch, Vec<(u32, i64)>);

/// The FTS scratch database `<db>.fts-build`: removed when the export ends, however it ends
/// (a killed export leaves it behind, and the next one removes it before starting).
struct Scratch {
    path: String,
}

impl Scratch {
    fn create(f: &FtsArgs, a: &SinkArgs, main: &Connection) -> Result<Scratch> {
        let sc = Scratch { path: format!("{}.fts-build", a.db) };
        sc.remove();
        let err = |e| db_error(e, &sc.path, "creating the FTS scratch database");
        let page_size: i64 = main.query_row("PRAGMA page_size", [], |r| r.get(0)).map_err(err)?;
        let conn = sc.open(a)?;
        // The same page size as the export: the pages copied from here fit it the same way.
        conn.execute_batch(&format!("PRAGMA page_size = {page_size};")).map_err(err)?;
        conn.execute_batch(&f.create_sql).map_err(err)?;
        check_params(&conn.prepare(&f.insert_sql).map_err(err)?, 2, "fts.insertSql")?;
        Ok(sc)
    }

    /// A connection to it. No journal and no syncs: nothing here is kept if the export fails.
    fn open(&self, a: &SinkArgs) -> Result<Connection> {
        let conn = Connection::open(&self.path)
            .and_then(|c| {
                c.execute_batch(&format!(
                    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -{};",
                    a.cache_kb
                ))?;
                Ok(c)
            })
            .map_err(|e| db_error(e, &self.path, "opening the FTS scratch database"))?;
        Ok(conn)
    }

    fn remove(&self) {
        for suffix in ["", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path));
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        self.remove();
    }
}

/// The filler thread: every inserted row's message into the scratch FTS table, in one
/// transaction (the FTS5 build SQLite itself does for `INSERT … SELECT`); hands back the
/// connection for the copy.
fn fill(conn: Connection, insert_sql: &str, rx: Receiver<Filled>) -> rusqlite::Result<Connection> {
    conn.execute_batch("BEGIN")?;
    {
        let mut st = conn.prepare(insert_sql)?;
        for (b, ids) in rx {
            for (row, id) in ids {
                st.raw_bind_parameter(1, id)?;
                st.raw_bind_parameter(2, b.cell(row as usize, C_MESSAGE).unwrap_or(""))?;
                st.raw_execute()?;
            }
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(conn)
}

/// The filler's outcome: its connection to the finished scratch database, or its error.
fn joined(
    h: Option<std::thread::ScopedJoinHandle<'_, rusqlite::Result<Connection>>>,
    sc: Option<&Scratch>,
) -> Result<Option<Connection>> {
    let (Some(h), Some(sc)) = (h, sc) else { return Ok(None) };
    let r = h.join().map_err(|_| Error::new(Code::Internal, "the FTS thread panicked"))?;
    r.map(Some).map_err(|e| db_error(e, &sc.path, "building the FTS index"))
}

/// The finishing transaction: `finish_sql` (the indexes), then the FTS table created in the
/// export and its shadow tables copied from the scratch database once the filler is done.
fn finish(
    conn: &Connection,
    a: &SinkArgs,
    ctl: &Control,
    filler: impl FnOnce() -> Result<Option<Connection>>,
) -> Result<()> {
    with_retries(a, ctl, || conn.execute_batch("BEGIN IMMEDIATE").map(|_| 0))?;
    let r = (|| {
        if let Some(sql) = &a.finish_sql {
            conn.execute_batch(sql).map_err(|e| db_error(e, &a.db, "building the indexes"))?;
        }
        if let (Some(f), Some(scratch)) = (&a.fts, filler()?) {
            let err = |e| db_error(e, &a.db, "copying the FTS index");
            conn.execute_batch(&f.create_sql).map_err(err)?;
            copy_shadow_tables(&scratch, conn, &f.table).map_err(err)?;
        }
        conn.execute_batch("COMMIT").map_err(|e| db_error(e, &a.db, "committing the indexes"))
    })();
    if r.is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    r
}

/// Replaces the rows of every shadow table `<table>_*` of `to` by those of `from`. FTS5 keeps
/// its whole index in them (segments, the term index, document sizes, the structure record
/// and its configuration), so the copy is that index, rowids included.
fn copy_shadow_tables(from: &Connection, to: &Connection, table: &str) -> rusqlite::Result<()> {
    let prefix = format!("{table}_");
    let names = from
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?2) = ?1 ORDER BY name")?
        .query_map((&prefix, prefix.chars().count() as i64), |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for name in names {
        let q = format!("\"{}\"", name.replace('"', "\"\""));
        to.execute(&format!("DELETE FROM main.{q}"), [])?;
        let mut read = from.prepare(&format!("SELECT * FROM {q}"))?;
        let n = read.column_count();
        let marks = (1..=n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        let mut write = to.prepare(&format!("INSERT INTO main.{q} VALUES ({marks})"))?;
        let mut rows = read.raw_query();
        while let Some(r) = rows.next()? {
            for i in 0..n {
                write.raw_bind_parameter(i + 1, rusqlite::types::ToSqlOutput::Borrowed(r.get_ref(i)?))?;
            }
            write.raw_execute()?;
        }
    }
    Ok(())
}

fn invalid(what: &str, message: String) -> Error {
    Error::new(Code::InvalidOption, message).at(what)
}

fn connect(a: &SinkArgs) -> Result<Connection> {
    // READ_WRITE without CREATE: the exporter made the file and its tables; a missing file
    // here is an error, not a silently created empty database.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&a.db, flags).map_err(|e| db_error(e, &a.db, "opening the database"))?;
    conn.busy_timeout(Duration::from_millis(a.busy_timeout_ms))
        .and_then(|_| {
            // NORMAL: a killed process loses nothing committed (the OS has the writes); only
            // a power cut between commit and checkpoint could cost the last batches.
            // Foreign keys off: every `file_id` bound here comes from `fileIds`, i.e. from the
            // exporter's own `files` rows, so a per-row lookup would only cost time.
            conn.execute_batch(&format!(
                "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -{};",
                a.cache_kb
            ))
        })
        .map_err(|e| db_error(e, &a.db, "configuring the connection"))?;
    Ok(conn)
}

fn check_params(st: &Statement, want: usize, what: &str) -> Result<()> {
    let n = st.parameter_count();
    if n != want {
        return Err(invalid(what, format!("{what} must take {want} parameters, it takes {n}")));
    }
    Ok(())
}

/// Runs one batch write, again while the database is busy (each attempt all-or-nothing).
fn with_retries(a: &SinkArgs, ctl: &Control, mut f: impl FnMut() -> rusqlite::Result<u64>) -> Result<u64> {
    let mut attempt = 1;
    loop {
        match f() {
            Ok(n) => return Ok(n),
            Err(e) if is_busy(&e) && attempt < a.retries => {
                if ctl.cancel.load(Ordering::Relaxed) {
                    return Err(Error::new(Code::Cancelled, "the export was cancelled"));
                }
                std::thread::sleep(Duration::from_millis(a.retry_delay_ms.saturating_mul(1 << (attempt - 1).min(20))));
                attempt += 1;
            }
            Err(e) => {
                return Err(db_error(e, &a.db, &format!("writing a batch (attempt {attempt} of {})", a.retries)));
            }
        }
    }
}

/// One transaction: the batch's rows and the marker; rolled back whole on any failure. With
/// `ids`, the (row, row id) of every row inserted (for the FTS filler).
fn write_batch(
    conn: &Connection,
    insert: &mut Statement,
    mark: &mut Statement,
    b: &RowBatch,
    file_ids: &[i64],
    ix: &Index,
    mut ids: Option<&mut Vec<(u32, i64)>>,
) -> rusqlite::Result<u64> {
    if let Some(ids) = ids.as_deref_mut() {
        ids.clear();
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let r = (|| {
        let mut inserted = 0u64;
        for row in 0..b.len() {
            let n = insert_row(insert, b, row, file_ids, ix)?;
            if let (1, Some(ids)) = (n, ids.as_deref_mut()) {
                ids.push((row as u32, conn.last_insert_rowid()));
            }
            inserted += n as u64;
        }
        mark.execute((b.last().map(i64::from), b.len() as i64))?;
        conn.execute_batch("COMMIT")?;
        Ok(inserted)
    })();
    if r.is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    r
}

fn insert_row(st: &mut Statement, b: &RowBatch, row: usize, file_ids: &[i64], ix: &Index) -> rusqlite::Result<usize> {
    let file = b.file[row] as usize;
    let (file_id, path) = (file_ids[file], ix.files[file].source.path.as_str());
    let cell = |c: usize| b.cell(row, c);
    let sev = b.severity[row];
    st.raw_bind_parameter(1, file_id)?;
    st.raw_bind_parameter(2, path)?;
    st.raw_bind_parameter(3, i64::from(b.line[row]))?;
    st.raw_bind_parameter(4, b.offset[row] as i64)?;
    st.raw_bind_parameter(5, (b.ts[row] != NO_TS).then_some(b.ts[row]))?;
    st.raw_bind_parameter(6, cell(C_TIME))?;
    st.raw_bind_parameter(7, i64::from(sev))?;
    st.raw_bind_parameter(8, level::name(sev))?;
    st.raw_bind_parameter(9, cell(C_LEVEL_TEXT))?;
    st.raw_bind_parameter(10, cell(C_MESSAGE).unwrap_or(""))?;
    for k in 0..6 {
        st.raw_bind_parameter(11 + k, cell(C_IDS + k))?;
    }
    st.raw_bind_parameter(17, cell(C_COMPONENT))?;
    st.raw_bind_parameter(18, cell(C_RAW).unwrap_or(""))?;
    let fields = if b.present[row] & FIELDS_IN_RAW != 0 { Some("") } else { cell(C_FIELDS) };
    st.raw_bind_parameter(19, fields)?;
    st.raw_execute()
}

fn is_busy(e: &rusqlite::Error) -> bool {
    Error::sqlite(e, "").code == Code::DbLocked
}

/// A SQLite failure as a typed engine error naming the database (the engine's one mapping).
fn db_error(e: rusqlite::Error, db: &str, doing: &str) -> Error {
    Error::sqlite(&e, &format!("{doing}: {db}")).at(db)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indexer::{self, OpenOptions};
    use crate::query::Query;
    use crate::source::Source;

    const SCHEMA: &str = "CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT);
        CREATE TABLE entries (id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files(id), file TEXT,
          line INTEGER, offset INTEGER, timestamp_ns INTEGER, time TEXT, severity INTEGER, level TEXT, level_text TEXT,
          message TEXT, thread TEXT, request TEXT, trace TEXT, span TEXT, parent_span TEXT, service TEXT,
          component TEXT, raw TEXT, fields_json TEXT, UNIQUE (file_id, offset));
        CREATE TABLE progress (last_id INTEGER, rows INTEGER);
        INSERT INTO files VALUES (7, 'app.jsonl');
        INSERT INTO progress VALUES (-1, 0);";
    const INSERT: &str = "INSERT OR IGNORE INTO entries (file_id, file, line, offset, timestamp_ns, time, severity,
        level, level_text, message, thread, request, trace, span, parent_span, service, component, raw, fields_json)
        VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)";
    const MARK: &str = "UPDATE progress SET last_id = ?1, rows = rows + ?2";

    fn log(n: usize) -> String {
        (0..n)
            .map(|i| {
                let level = if i % 7 == 0 { "error" } else { "info" };
                format!(
                    "{{\"time\":\"2024-01-01T00:00:{:02}.{:03}Z\",\"level\":\"{level}\",\"msg\":\"step {i} caf\\u00e9\",\"thread\":\"t{}\",\"n\":{i}}}\n",
                    i / 1000,
                    i % 1000,
                    i % 3
                )
            })
            .collect()
    }

    fn setup(n: usize) -> (tempdir::Dir, String, Index) {
        let dir = tempdir::Dir::new();
        let db = dir.path("out.sqlite");
        Connection::open(&db).unwrap().execute_batch(SCHEMA).unwrap();
        let src = Source::from_bytes("app.jsonl", log(n).into_bytes()).unwrap();
        let ix = indexer::build(vec![src], &OpenOptions::default(), &Control::default()).unwrap();
        (dir, db, ix)
    }

    fn args(db: &str, after: Option<u32>, batch: usize) -> SinkArgs {
        SinkArgs {
            db: db.into(),
            insert_sql: INSERT.into(),
            mark_sql: MARK.into(),
            file_ids: HashMap::from([("app.jsonl".to_string(), 7)]),
            after_id: after,
            batch_size: batch,
            queue_size: 2,
            fields: true,
            retries: 2,
            retry_delay_ms: 1,
            busy_timeout_ms: 10,
            cache_kb: 1024,
            finish_sql: None,
            fts: None,
        }
    }

    /// The one integer a `SELECT count(*) ...` returns.
    fn count(db: &str, sql: &str) -> i64 {
        Connection::open(db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn scope(ix: &Index, q: Query) -> Compiled {
        Compiled::new(q, ix).unwrap()
    }

    /// A temporary directory removed on drop (no extra crate for one test module).
    mod tempdir {
        pub struct Dir(std::path::PathBuf);
        impl Dir {
            pub fn new() -> Dir {
                use std::sync::atomic::{AtomicU32, Ordering};
                static N: AtomicU32 = AtomicU32::new(0);
                let p = std::env::temp_dir().join(format!(
                    "logsift-sink-{}-{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::create_dir_all(&p).unwrap();
                Dir(p)
            }
            pub fn path(&self, name: &str) -> String {
                self.0.join(name).to_string_lossy().into_owned()
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn writes_every_row_with_its_columns_in_batches() {
        let (_dir, db, ix) = setup(250);
        let mut seen = Vec::new();
        let p =
            write(&ix, &scope(&ix, Query::default()), &args(&db, None, 100), &Control::default(), |p| seen.push(*p))
                .unwrap();
        assert_eq!((p.rows, p.inserted, p.batches, p.last), (250, 250, 3, Some(249)));
        assert_eq!(seen.iter().map(|p| p.rows).collect::<Vec<_>>(), [100, 200, 250]);
        let c = Connection::open(&db).unwrap();
        let (n, errors): (i64, i64) = c
            .query_row("SELECT count(*), sum(level = 'ERROR') FROM entries WHERE file_id = 7", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((n, errors), (250, 36));
        let row: (i64, i64, String, String, Option<String>, String) = c
            .query_row(
                "SELECT line, timestamp_ns, message, level_text, thread, fields_json FROM entries WHERE line = 2",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .unwrap();
        assert_eq!(
            row,
            (2, 1_704_067_200_001_000_000, "step 1 café".into(), "info".into(), Some("t1".into()), String::new())
        );
        let mark: (i64, i64) =
            c.query_row("SELECT last_id, rows FROM progress", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_eq!(mark, (249, 250));
    }

    const FTS_CREATE: &str =
        "CREATE VIRTUAL TABLE entries_fts USING fts5(message, content='entries', content_rowid='id')";

    fn with_fts(mut a: SinkArgs) -> SinkArgs {
        a.finish_sql =
            Some("CREATE INDEX entries_time ON entries(timestamp_ns); UPDATE progress SET rows = -rows;".into());
        a.fts = Some(FtsArgs {
            table: "entries_fts".into(),
            create_sql: FTS_CREATE.into(),
            insert_sql: "INSERT INTO entries_fts(rowid, message) VALUES (?1, ?2)".into(),
        });
        a
    }

    /// Every row of every FTS5 shadow table, in order: the whole index as stored.
    fn fts_tables(db: &str) -> Vec<(String, Vec<rusqlite::types::Value>)> {
        let c = Connection::open(db).unwrap();
        let mut out = Vec::new();
        for t in ["entries_fts_config", "entries_fts_data", "entries_fts_docsize", "entries_fts_idx"] {
            let mut st = c.prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2")).unwrap();
            let n = st.column_count();
            let rows = st.query_map([], |r| (0..n).map(|i| r.get(i)).collect::<rusqlite::Result<Vec<_>>>()).unwrap();
            out.extend(rows.map(|r| (t.to_string(), r.unwrap())));
        }
        out
    }

    #[test]
    fn builds_the_indexes_and_the_fts_index_beside_the_rows_as_sqlite_would() {
        let (dir, db, ix) = setup(30_000);
        let a = with_fts(args(&db, None, 1000));
        let p = write(&ix, &scope(&ix, Query::default()), &a, &Control::default(), |_| {}).unwrap();
        assert_eq!((p.rows, p.batches), (30_000, 30));
        assert!(!std::path::Path::new(&format!("{db}.fts-build")).exists(), "the scratch database is removed");
        let c = Connection::open(&db).unwrap();
        // The finishing statements ran, once, in the same run.
        assert_eq!(count(&db, "SELECT rows FROM progress"), -30_000);
        assert_eq!(count(&db, "SELECT count(*) FROM sqlite_master WHERE name = 'entries_time'"), 1);
        // FTS5's own check of an external-content index against its content table.
        c.execute_batch("INSERT INTO entries_fts(entries_fts) VALUES ('integrity-check')").unwrap();
        assert_eq!(count(&db, "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'step'"), 30_000);
        assert_eq!(
            count(&db, "SELECT f.rowid FROM entries_fts f WHERE entries_fts MATCH '\"step 12345\"'"),
            count(&db, "SELECT id FROM entries WHERE message = 'step 12345 café'")
        );
        // Byte for byte the index SQLite builds in the file itself from the same rows.
        let serial = dir.path("serial.sqlite");
        std::fs::copy(&db, &serial).unwrap();
        Connection::open(&serial)
            .unwrap()
            .execute_batch(&format!(
                "DROP TABLE entries_fts; {FTS_CREATE}; INSERT INTO entries_fts(rowid, message) SELECT id, message FROM entries;"
            ))
            .unwrap();
        assert_eq!(fts_tables(&db), fts_tables(&serial));
    }

    #[test]
    fn a_failed_finish_keeps_the_rows_and_adds_no_index() {
        let (dir, db, ix) = setup(3000);
        let q = scope(&ix, Query::default());
        let mut a = with_fts(args(&db, None, 1000));
        a.finish_sql = Some("CREATE INDEX entries_time ON entries(timestamp_ns); CREATE INDEX x ON nowhere(y);".into());
        let e = write(&ix, &q, &a, &Control::default(), |_| {}).unwrap_err();
        assert_eq!(e.code, Code::DbError, "{e}");
        assert_eq!(count(&db, "SELECT count(*) FROM entries"), 3000);
        assert_eq!(count(&db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'entries\\_%' ESCAPE '\\'"), 0);
        assert!(!std::path::Path::new(&dir.path("out.sqlite.fts-build")).exists());
        // An FTS table that exists already is never merged into: an error, the table as it was.
        Connection::open(&db).unwrap().execute_batch(FTS_CREATE).unwrap();
        let e = write(&ix, &q, &with_fts(args(&db, None, 1000)), &Control::default(), |_| {}).unwrap_err();
        assert_eq!(e.code, Code::DbError, "{e}");
        assert!(e.message.contains("already exists"), "{e}");
        assert_eq!(count(&db, "SELECT count(*) FROM entries_fts_docsize"), 0);
    }

    #[test]
    fn resumes_after_an_id_and_never_duplicates() {
        let (_dir, db, ix) = setup(120);
        let q = scope(&ix, Query::default());
        write(&ix, &q, &args(&db, None, 50), &Control::default(), |_| {}).unwrap();
        // Again from id 99: 20 rows handled, none new (unique key file_id + offset).
        let p = write(&ix, &q, &args(&db, Some(99), 50), &Control::default(), |_| {}).unwrap();
        assert_eq!((p.rows, p.inserted), (20, 0));
        assert_eq!(count(&db, "SELECT count(*) FROM entries"), 120);
    }

    #[test]
    fn writes_only_the_query_scope() {
        let (_dir, db, ix) = setup(100);
        let q = Query { min_level: Some("error".into()), ..Query::default() };
        let p = write(&ix, &scope(&ix, q), &args(&db, None, 10), &Control::default(), |_| {}).unwrap();
        assert_eq!(p.rows, 15);
        assert_eq!(count(&db, "SELECT count(*) FROM entries WHERE level <> 'ERROR'"), 0);
    }

    #[test]
    fn cancelling_in_the_callback_stops_at_a_batch_boundary() {
        let (_dir, db, ix) = setup(2000);
        let ctl = Control::default();
        let e = write(&ix, &scope(&ix, Query::default()), &args(&db, None, 100), &ctl, |p| {
            if p.batches == 2 {
                ctl.cancel.store(true, Ordering::Relaxed);
            }
        })
        .unwrap_err();
        assert_eq!(e.code, Code::Cancelled);
        assert_eq!(count(&db, "SELECT count(*) FROM entries"), 200);
    }

    #[test]
    fn a_source_truncated_during_the_export_commits_no_batch_after_it() {
        let dir = tempdir::Dir::new();
        let db = dir.path("out.sqlite");
        Connection::open(&db).unwrap().execute_batch(SCHEMA).unwrap();
        let path = dir.path("app.jsonl");
        std::fs::write(&path, log(20_000)).unwrap();
        let src = Source::open(&path, &Default::default()).unwrap();
        let ix = indexer::build(vec![src], &OpenOptions::default(), &Control::default()).unwrap();
        let mut a = args(&db, None, 500);
        a.file_ids = HashMap::from([(path.clone(), 7)]);
        let e = write(&ix, &scope(&ix, Query::default()), &a, &Control::default(), |p| {
            if p.batches == 2 {
                // What copytruncate does: the mapped pages past the new end now fault.
                std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(100).unwrap();
            }
        })
        .unwrap_err();
        assert_eq!(e.code, Code::SourceChanged, "{e}");
        // The two batches committed before are whole and right; nothing read after is stored.
        assert_eq!(count(&db, "SELECT count(*) FROM entries"), 1000);
        assert_eq!(count(&db, "SELECT rows FROM progress"), 1000);
        assert_eq!(count(&db, "SELECT count(*) FROM entries WHERE message = 'step ' || (line - 1) || ' café'"), 1000);
    }

    #[test]
    fn a_locked_database_is_db_locked_after_the_retries() {
        let (_dir, db, ix) = setup(10);
        let holder = Connection::open(&db).unwrap();
        holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let e =
            write(&ix, &scope(&ix, Query::default()), &args(&db, None, 5), &Control::default(), |_| {}).unwrap_err();
        assert_eq!(e.code, Code::DbLocked, "{e}");
        assert_eq!(e.location.as_deref(), Some(db.as_str()));
        holder.execute_batch("ROLLBACK").unwrap();
    }

    #[test]
    fn bad_arguments_are_typed_errors() {
        let (dir, db, ix) = setup(10);
        let q = scope(&ix, Query::default());
        let ctl = Control::default();
        let missing = dir.path("missing.sqlite");
        assert_eq!(write(&ix, &q, &args(&missing, None, 5), &ctl, |_| {}).unwrap_err().code, Code::DbReadOnly);
        assert!(!std::path::Path::new(&missing).exists(), "a missing database is not created");
        let mut a = args(&db, None, 5);
        a.insert_sql = "INSERT INTO entries (file_id) VALUES (?1)".into();
        assert_eq!(write(&ix, &q, &a, &ctl, |_| {}).unwrap_err().location.as_deref(), Some("insertSql"));
        let mut a = args(&db, None, 5);
        a.file_ids.clear();
        assert_eq!(write(&ix, &q, &a, &ctl, |_| {}).unwrap_err().location.as_deref(), Some("fileIds"));
        let mut a = args(&db, None, 5);
        a.insert_sql = "INSERT INTO nowhere VALUES (?1)".into();
        assert_eq!(write(&ix, &q, &a, &ctl, |_| {}).unwrap_err().code, Code::DbError);
        assert_eq!(write(&ix, &q, &args(&db, None, 0), &ctl, |_| {}).unwrap_err().code, Code::InvalidOption);
    }
}
