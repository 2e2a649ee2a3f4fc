//! SQLite's own ceiling for the export (issue #19 item 5): the bare prepared-insert loop of the
//! very rows an export wrote, with the same schema, pragmas and batch transactions, then the
//! same CREATE INDEX and FTS statements. No logsift code runs in the timed part: the rows are
//! read from an export into memory first, the schema is copied from its `sqlite_master`.
//!
//! `sqlite-ceiling SOURCE.sqlite OUT.sqlite [BATCH=5000] [CACHE_KB=4096] [PAGE_SIZE=16384]`
//! prints `{"rows":…,"insertMs":…,"indexMs":…,"ftsMs":…,"totalMs":…}` (`indexMs` includes
//! `ftsMs`, the FTS5 build alone: what running it beside the indexes can save at most). The bench (`sqlite.export-ceiling`)
//! runs it right after a whole default export of the same data, for the ratio.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use std::time::Instant;

/// The columns the exporter's INSERT binds (everything but `id` and the generated `fields`).
const COLUMNS: &str = "file_id, file, line, offset, timestamp_ns, time, severity, level, level_text, message, \
    thread, request, trace, span, parent_span, service, component, raw, fields_json";

fn main() {
    if let Err(e) = run() {
        eprintln!("sqlite-ceiling: {e}");
        std::process::exit(2);
    }
}

fn arg(args: &[String], i: usize, default: u64) -> Result<u64, String> {
    args.get(i).map_or(Ok(default), |s| s.parse().map_err(|_| format!("argument {i} must be a number, got {s}")))
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return Err("usage: sqlite-ceiling SOURCE.sqlite OUT.sqlite [BATCH] [CACHE_KB] [PAGE_SIZE]".into());
    }
    let (src, out) = (&args[1], &args[2]);
    let batch = arg(&args, 3, 5000)? as usize;
    let cache_kb = arg(&args, 4, 4096)?;
    let page_size = arg(&args, 5, 16_384)?;
    let e = |e: rusqlite::Error| e.to_string();

    // Untimed: the schema and every row, in memory.
    let s = Connection::open_with_flags(src, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(e)?;
    let schema = |kind: &str| -> Result<Vec<String>, String> {
        let mut st = s
            .prepare(
                "SELECT sql FROM sqlite_master WHERE type = ?1 AND sql IS NOT NULL
                 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'entries_fts%' ORDER BY rowid",
            )
            .map_err(e)?;
        let rows = st.query_map([kind], |r| r.get::<_, String>(0)).map_err(e)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(e)
    };
    let (tables, indexes) = (schema("table")?, schema("index")?);
    let fts: Option<String> =
        s.query_row("SELECT sql FROM sqlite_master WHERE name = 'entries_fts'", [], |r| r.get(0)).ok();
    let copy = |sql: &str| -> Result<Vec<Vec<Value>>, String> {
        let mut st = s.prepare(sql).map_err(e)?;
        let n = st.column_count();
        let rows = st.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect()).map_err(e)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(e)
    };
    let files = copy("SELECT * FROM files")?;
    let rows = copy(&format!("SELECT {COLUMNS} FROM entries ORDER BY id"))?;
    drop(s);
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{out}{suffix}"));
    }

    let start = Instant::now();
    let c = Connection::open(out).map_err(e)?;
    c.execute_batch(&format!(
        "PRAGMA page_size = {page_size}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -{cache_kb};"
    ))
    .map_err(e)?;
    for t in &tables {
        c.execute_batch(t).map_err(e)?;
    }
    let marks = files.first().map_or(0, |f| f.len());
    let file_sql = format!("INSERT INTO files VALUES ({})", vec!["?"; marks].join(", "));
    for f in &files {
        c.execute(&file_sql, params_from_iter(f.iter())).map_err(e)?;
    }
    c.execute_batch("INSERT INTO export_progress VALUES ('k', 'ceiling', -1, 0, NULL, 'running', 'now', 'now')")
        .map_err(e)?;
    let marks: Vec<String> = (1..=19).map(|i| format!("?{i}")).collect();
    let mut insert =
        c.prepare(&format!("INSERT OR IGNORE INTO entries ({COLUMNS}) VALUES ({})", marks.join(", "))).map_err(e)?;
    let mut mark = c.prepare("UPDATE export_progress SET last_id = ?1, rows = rows + ?2").map_err(e)?;
    for (k, chunk) in rows.chunks(batch.max(1)).enumerate() {
        c.execute_batch("BEGIN IMMEDIATE").map_err(e)?;
        for r in chunk {
            insert.execute(params_from_iter(r.iter())).map_err(e)?;
        }
        mark.execute(((k * batch + chunk.len()) as i64, chunk.len() as i64)).map_err(e)?;
        c.execute_batch("COMMIT").map_err(e)?;
    }
    drop((insert, mark));
    let inserted = start.elapsed();
    c.execute_batch("BEGIN").map_err(e)?;
    for i in &indexes {
        c.execute_batch(i).map_err(e)?;
    }
    let indexed = start.elapsed();
    if let Some(f) = &fts {
        c.execute_batch(f).map_err(e)?;
        c.execute_batch("INSERT INTO entries_fts(rowid, message) SELECT id, message FROM entries").map_err(e)?;
    }
    let fts_done = start.elapsed();
    c.execute_batch("COMMIT").map_err(e)?;
    drop(c);
    let total = start.elapsed();
    println!(
        "{{\"rows\":{},\"insertMs\":{:.1},\"indexMs\":{:.1},\"ftsMs\":{:.1},\"totalMs\":{:.1},\"fts\":{}}}",
        rows.len(),
        inserted.as_secs_f64() * 1000.0,
        (total - inserted).as_secs_f64() * 1000.0,
        (fts_done - indexed).as_secs_f64() * 1000.0,
        total.as_secs_f64() * 1000.0,
        fts.is_some()
    );
    Ok(())
}
