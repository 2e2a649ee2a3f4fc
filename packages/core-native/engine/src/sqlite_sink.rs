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

use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use crate::indexer::Control;
use crate::level;
use crate::ops::rows::{
    self, RowArgs, RowBatch, C_COMPONENT, C_FIELDS, C_IDS, C_LEVEL_TEXT, C_MESSAGE, C_RAW, C_TIME, FIELDS_IN_RAW,
    MAX_ROWS,
};
use crate::query::Compiled;
use rusqlite::{Connection, ErrorCode, OpenFlags, Statement};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc::sync_channel;
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
            let inserted = with_retries(a, ctl, || write_batch(&conn, &mut insert, &mut mark, &b, &file_ids, ix))?;
            done.rows += b.len() as u64;
            done.inserted += inserted;
            done.batches += 1;
            done.last = b.last();
            ctl.done.store(done.rows, Ordering::Relaxed);
            on_batch(&done);
        }
        Ok(())
    })?;
    Ok(done)
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

/// One transaction: the batch's rows and the marker; rolled back whole on any failure.
fn write_batch(
    conn: &Connection,
    insert: &mut Statement,
    mark: &mut Statement,
    b: &RowBatch,
    file_ids: &[i64],
    ix: &Index,
) -> rusqlite::Result<u64> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let r = (|| {
        let mut inserted = 0u64;
        for row in 0..b.len() {
            inserted += insert_row(insert, b, row, file_ids, ix)? as u64;
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
    matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

/// A SQLite failure as a typed engine error naming the database.
fn db_error(e: rusqlite::Error, db: &str, doing: &str) -> Error {
    let code = match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Code::DbLocked,
        Some(
            ErrorCode::ReadOnly
            | ErrorCode::CannotOpen
            | ErrorCode::PermissionDenied
            | ErrorCode::AuthorizationForStatementDenied,
        ) => Code::DbReadOnly,
        _ => Code::DbError,
    };
    Error::new(code, format!("{doing}: {db}: {e}")).at(db)
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
