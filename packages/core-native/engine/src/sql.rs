//! SQL over logs: one read-only SELECT, either over the index itself (the `entries` virtual
//! table, read straight from the columns, with no export and no copy of the index) or over a
//! SQLite file opened read-only (a logsift export or any database: `sql --db`). Both go through
//! [`run`], so the statement check, the row cap, cancellation and the value mapping are the
//! same whichever the source.
//!
//! The `entries` table has the column names of the export's `entries` table, so a query
//! written against an export runs unchanged over the log files. Its cheap constraints are
//! pushed down (`xBestIndex`): `id` (equality, range), `file` equality (the file's entry
//! range), `request`/`trace` equality (posting lists), `timestamp_ns` and `severity` ranges,
//! `level`/`thread`/`span`/`parent_span`/`service` equality (column compares in Rust). They
//! only narrow the rows handed to SQLite, which still checks every constraint itself (never
//! `omit`), so a pushed-down constraint can never change an answer, only its cost.
//!
//! Functions beside the table: `field(id, name)` (one parsed field of an entry, typed) and
//! the aggregate `percentile(x, p)` (p in 0..=100, linear interpolation between the closest
//! ranks, as `percentile_cont`), which the bundled SQLite does not have.

use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use crate::indexer::Control;
use crate::level;
use crate::record::{IdKind, Parsed};
use crate::time;
use rusqlite::functions::{Aggregate, Context as FnContext, FunctionFlags};
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef};
use rusqlite::vtab::{
    eponymous_only_module, Context, Filters, IndexConstraintOp, IndexInfo, VTab, VTabConfig, VTabConnection, VTabCursor,
};
use rusqlite::{ffi, Connection, ErrorCode, OpenFlags};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::ffi::c_int;
use std::marker::PhantomData;
use std::sync::atomic::Ordering;
use std::sync::Mutex;

/// Arguments of the `sql` op.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SqlArgs {
    /// One SELECT (or WITH … SELECT) statement.
    pub sql: String,
    /// Rows returned at most (default 1000); `truncated` says when more existed.
    pub max_rows: Option<usize>,
}

pub const DEFAULT_MAX_ROWS: usize = 1000;
/// The most rows one answer may carry (the answer is one JSON text).
pub const MAX_ROWS: usize = 1_000_000;

/// The answer: column names and rows in their order. Integers a JavaScript number cannot hold
/// exactly (beyond ±2^53 − 1, e.g. `timestamp_ns`) are decimal strings, so nothing is rounded;
/// a BLOB is its SQL literal text (`X'0A1B'`).
#[derive(Serialize, Debug, PartialEq)]
pub struct SqlResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    pub truncated: bool,
}

/// The columns of `entries`, in table order (the export's names; `id` is the engine's id).
pub const COLUMNS: [&str; 19] = [
    "id",
    "file",
    "line",
    "offset",
    "timestamp_ns",
    "time",
    "severity",
    "level",
    "level_text",
    "message",
    "thread",
    "request",
    "trace",
    "span",
    "parent_span",
    "service",
    "component",
    "raw",
    // The export's `fields` column (all parsed fields as JSON), for `json_extract(fields, '$.x')`.
    "fields",
];
const COL_ID: c_int = 0;
const COL_FILE: c_int = 1;
const COL_TS: c_int = 4;
const COL_SEVERITY: c_int = 6;
const COL_LEVEL: c_int = 7;
/// thread … service, in `IdKind` order from here.
const COL_IDS: c_int = 10;
const COL_COMPONENT: c_int = 16;

/// Runs one query over the index (the `entries` table and the functions).
pub fn query_index(ix: &Index, a: &SqlArgs, ctl: &Control) -> Result<SqlResult> {
    let conn = Connection::open_in_memory().map_err(|e| db_error(e, "opening the in-memory database"))?;
    // SAFETY of `Shared`: `conn` owns the module and the functions that hold these pointers and
    // is dropped at the end of this function, while `ix` and `ctl` are borrowed for longer.
    let sh = Shared { ix, ctl };
    conn.create_module(c"entries", eponymous_only_module::<EntriesTab>(), Some(sh))
        .map_err(|e| db_error(e, "registering the entries table"))?;
    register_functions(&conn, sh)?;
    run(&conn, a, ctl, "the investigation")
}

/// Runs one query over a SQLite file, opened read-only (its tables as they are).
pub fn query_file(path: &str, a: &SqlArgs, ctl: &Control) -> Result<SqlResult> {
    if !std::path::Path::new(path).is_file() {
        return Err(Error::new(Code::NotFound, format!("no such database file: {path}")).at(path));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| db_error(e, path).at(path))?;
    // The functions need no index here but `percentile` is as useful over an export.
    conn.create_aggregate_function("percentile", 2, FunctionFlags::SQLITE_DETERMINISTIC, Percentile)
        .map_err(|e| db_error(e, "registering percentile()"))?;
    run(&conn, a, ctl, path).map_err(|e| if e.location.is_none() { e.at(path) } else { e })
}

/// The statement check, the stepping with a row cap, and cancellation, for both sources.
fn run(conn: &Connection, a: &SqlArgs, ctl: &Control, source: &str) -> Result<SqlResult> {
    let max_rows = a.max_rows.unwrap_or(DEFAULT_MAX_ROWS);
    if max_rows > MAX_ROWS {
        return Err(
            Error::new(Code::InvalidOption, format!("maxRows must be 0..={MAX_ROWS}, got {max_rows}")).at("maxRows")
        );
    }
    let head = first_keyword(&a.sql);
    if head != "SELECT" && head != "WITH" {
        return Err(not_read_only("only one SELECT (or WITH … SELECT) statement can be run"));
    }
    // A cancelled caller interrupts SQLite between VM steps (sorts and GROUP BYs included).
    let sh = CtlPtr(ctl);
    conn.progress_handler(10_000, Some(move || sh.get().cancel.load(Ordering::Relaxed)));
    // Read-only by construction: the statement may read tables and call functions, nothing
    // else (a write hidden in a WITH, an ATTACH, a PRAGMA fail to prepare).
    conn.authorizer(Some(|c: AuthContext<'_>| match c.action {
        AuthAction::Select | AuthAction::Read { .. } | AuthAction::Function { .. } | AuthAction::Recursive => {
            Authorization::Allow
        }
        // FTS5 asks it of its own tables before a MATCH (a read).
        AuthAction::Pragma { pragma_name: "data_version", pragma_value: None } => Authorization::Allow,
        _ => Authorization::Deny,
    }));
    let mut st = conn.prepare(&a.sql).map_err(|e| sql_error(e, source))?;
    if !st.readonly() || st.column_count() == 0 {
        return Err(not_read_only("the statement is not a read-only query"));
    }
    let columns: Vec<String> = st.column_names().into_iter().map(str::to_owned).collect();
    let n = columns.len();
    let mut rows = Vec::new();
    let mut truncated = false;
    let mut it = st.raw_query();
    loop {
        let row = match it.next() {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) => return Err(sql_error(e, source)),
        };
        if rows.len() == max_rows {
            truncated = true;
            break;
        }
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            out.push(json_value(row.get_ref(i).map_err(|e| sql_error(e, source))?));
        }
        rows.push(out);
    }
    Ok(SqlResult { columns, rows, truncated })
}

/// The first keyword of a statement, after blanks and comments, upper-cased.
fn first_keyword(sql: &str) -> String {
    let mut s = sql.trim_start();
    loop {
        if let Some(rest) = s.strip_prefix("--") {
            s = rest.find('\n').map_or("", |i| &rest[i + 1..]).trim_start();
        } else if let Some(rest) = s.strip_prefix("/*") {
            s = rest.find("*/").map_or("", |i| &rest[i + 2..]).trim_start();
        } else {
            break;
        }
    }
    s.chars().take_while(|c| c.is_ascii_alphabetic()).collect::<String>().to_ascii_uppercase()
}

fn not_read_only(message: &str) -> Error {
    Error::new(Code::SqlNotReadOnly, message.to_string()).at("sql")
}

/// A failure while preparing or running the statement: cancelled, or the query's fault
/// (bad SQL, an error raised by a function), or the database's.
fn sql_error(e: rusqlite::Error, source: &str) -> Error {
    match &e {
        rusqlite::Error::MultipleStatement => not_read_only("only one statement can be run"),
        // The read-only authorizer refused it (the shared mapping's `SqlNotReadOnly`, with the
        // message and location of every other refusal).
        _ if Error::sqlite(&e, source).code == Code::SqlNotReadOnly => {
            not_read_only("the statement is not a read-only query")
        }
        _ if e.sqlite_error_code() == Some(ErrorCode::OperationInterrupted) => {
            Error::new(Code::Cancelled, "the query was cancelled")
        }
        // SQLite refuses a write to the eponymous `entries` table before asking the authorizer.
        _ if e.to_string().ends_with("may not be modified") => not_read_only("the statement is not a read-only query"),
        rusqlite::Error::SqlInputError { msg, offset, .. } => {
            Error::new(Code::InvalidQuery, format!("bad SQL: {msg}")).at(format!("sql:{offset}"))
        }
        rusqlite::Error::SqliteFailure(f, msg) if f.code == ErrorCode::Unknown => {
            Error::new(Code::InvalidQuery, format!("bad SQL: {}", msg.as_deref().unwrap_or("the statement failed")))
                .at("sql")
        }
        _ => db_error(e, source),
    }
}

fn db_error(e: rusqlite::Error, doing: &str) -> Error {
    Error::sqlite(&e, doing)
}

/// A SQL value as JSON (see `SqlResult`).
fn json_value(v: ValueRef<'_>) -> Value {
    const SAFE: i64 = (1 << 53) - 1;
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) if (-SAFE..=SAFE).contains(&i) => Value::from(i),
        ValueRef::Integer(i) => Value::String(i.to_string()),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => {
            let hex: String = b.iter().map(|x| format!("{x:02X}")).collect();
            Value::String(format!("X'{hex}'"))
        }
    }
}

/// The index and control the table and the functions read. Raw pointers because SQLite's
/// modules and functions must be `'static`; only [`query_index`] makes one, for a connection
/// it drops before it returns (see the SAFETY note there).
#[derive(Clone, Copy)]
struct Shared {
    ix: *const Index,
    ctl: *const Control,
}
// SAFETY: both point to `Sync` values that outlive every use (see `query_index`).
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

impl Shared {
    fn ix(&self) -> &Index {
        // SAFETY: see `query_index`.
        unsafe { &*self.ix }
    }
    fn ctl(&self) -> &Control {
        // SAFETY: see `query_index`.
        unsafe { &*self.ctl }
    }
}

#[derive(Clone, Copy)]
struct CtlPtr(*const Control);
// SAFETY: the progress handler is replaced with the connection's end; `run` borrows `ctl`
// for the connection's whole use (the handler is only called while a statement of `run` steps).
unsafe impl Send for CtlPtr {}
impl CtlPtr {
    fn get(&self) -> &Control {
        // SAFETY: see the impl of Send.
        unsafe { &*self.0 }
    }
}

fn register_functions(conn: &Connection, sh: Shared) -> Result<()> {
    // The last entry's fields, kept: `field(id, 'a'), field(id, 'b')` parses the record once.
    let last: Mutex<Option<(u32, Map<String, Value>)>> = Mutex::new(None);
    conn.create_scalar_function(
        "field",
        2,
        FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_UTF8,
        move |ctx| field_fn(sh.ix(), &last, ctx),
    )
    .and_then(|_| conn.create_aggregate_function("percentile", 2, FunctionFlags::SQLITE_DETERMINISTIC, Percentile))
    .map_err(|e| db_error(e, "registering the SQL functions"))
}

fn field_fn(
    ix: &Index,
    last: &Mutex<Option<(u32, Map<String, Value>)>>,
    ctx: &FnContext<'_>,
) -> rusqlite::Result<ToSqlOutput<'static>> {
    let id = match ctx.get_raw(0) {
        ValueRef::Null => return Ok(ToSqlOutput::Owned(SqlValue::Null)),
        ValueRef::Integer(i) if i >= 0 && (i as usize) < ix.len() => i as u32,
        v => return Err(user_error(format!("field(): no entry {v:?} (ids are 0..{})", ix.len()))),
    };
    let name = match ctx.get_raw(1) {
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        _ => return Err(user_error("field(): the field name must be text".into())),
    };
    let mut guard = last.lock().unwrap_or_else(|p| p.into_inner());
    if guard.as_ref().map(|(e, _)| *e) != Some(id) {
        *guard = Some((id, ix.fields(id)));
    }
    let v = guard.as_ref().and_then(|(_, m)| m.get(&name));
    Ok(ToSqlOutput::Owned(match v {
        None | Some(Value::Null) => SqlValue::Null,
        Some(Value::Bool(b)) => SqlValue::Integer(i64::from(*b)),
        Some(Value::Number(n)) => {
            n.as_i64().map_or_else(|| SqlValue::Real(n.as_f64().unwrap_or(f64::NAN)), SqlValue::Integer)
        }
        Some(Value::String(s)) => SqlValue::Text(s.clone()),
        Some(other) => SqlValue::Text(other.to_string()),
    }))
}

fn user_error(message: String) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(message.into())
}

/// `percentile(x, p)`: numbers (and numeric text) of x; NULLs and other text are left out.
struct Percentile;

impl Aggregate<(Vec<f64>, Option<f64>), Option<f64>> for Percentile {
    fn init(&self, _: &mut FnContext<'_>) -> rusqlite::Result<(Vec<f64>, Option<f64>)> {
        Ok((Vec::new(), None))
    }
    fn step(&self, ctx: &mut FnContext<'_>, acc: &mut (Vec<f64>, Option<f64>)) -> rusqlite::Result<()> {
        let p = match ctx.get_raw(1) {
            ValueRef::Integer(i) => i as f64,
            ValueRef::Real(f) => f,
            _ => f64::NAN,
        };
        if !(0.0..=100.0).contains(&p) || acc.1.is_some_and(|q| q != p) {
            return Err(user_error("percentile(x, p): p must be one number in 0..=100".into()));
        }
        acc.1 = Some(p);
        let x = match ctx.get_raw(0) {
            ValueRef::Integer(i) => Some(i as f64),
            ValueRef::Real(f) => Some(f),
            ValueRef::Text(t) => std::str::from_utf8(t).ok().and_then(|s| s.trim().parse::<f64>().ok()),
            _ => None,
        };
        if let Some(x) = x.filter(|x| !x.is_nan()) {
            acc.0.push(x);
        }
        Ok(())
    }
    fn finalize(&self, _: &mut FnContext<'_>, acc: Option<(Vec<f64>, Option<f64>)>) -> rusqlite::Result<Option<f64>> {
        let Some((mut xs, Some(p))) = acc else { return Ok(None) };
        if xs.is_empty() {
            return Ok(None);
        }
        xs.sort_by(f64::total_cmp);
        let rank = p / 100.0 * (xs.len() - 1) as f64;
        let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
        Ok(Some(xs[lo] + (xs[hi] - xs[lo]) * (rank - lo as f64)))
    }
}

/// The `entries` virtual table.
#[repr(C)]
struct EntriesTab {
    /// Base class, first (rusqlite's contract).
    base: ffi::sqlite3_vtab,
    sh: Shared,
}

/// One pushed-down constraint: the column and the operator, in `argv` order (the plan's
/// `idx_str`, e.g. `"4>=,4<,15="`).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Eq,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    fn of(op: IndexConstraintOp) -> Option<Op> {
        use IndexConstraintOp::*;
        Some(match op {
            SQLITE_INDEX_CONSTRAINT_EQ => Op::Eq,
            SQLITE_INDEX_CONSTRAINT_GT => Op::Gt,
            SQLITE_INDEX_CONSTRAINT_GE => Op::Ge,
            SQLITE_INDEX_CONSTRAINT_LT => Op::Lt,
            SQLITE_INDEX_CONSTRAINT_LE => Op::Le,
            _ => return None,
        })
    }
    fn text(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
        }
    }
    fn parse(s: &str) -> Option<Op> {
        [Op::Eq, Op::Gt, Op::Ge, Op::Lt, Op::Le].into_iter().find(|o| o.text() == s)
    }
}

/// Whether a constraint on column `col` with `op` is pushed down.
fn pushable(col: c_int, op: Op) -> bool {
    match col {
        -1 | COL_ID | COL_TS | COL_SEVERITY => true,
        COL_FILE | COL_LEVEL => op == Op::Eq,
        c if (COL_IDS..COL_IDS + 6).contains(&c) => op == Op::Eq,
        _ => false,
    }
}

unsafe impl<'vtab> VTab<'vtab> for EntriesTab {
    type Aux = Shared;
    type Cursor = EntriesCursor<'vtab>;

    fn connect(db: &mut VTabConnection, aux: Option<&Shared>, _args: &[&[u8]]) -> rusqlite::Result<(String, Self)> {
        let sh = *aux.ok_or_else(|| rusqlite::Error::ModuleError("entries: no index".into()))?;
        db.config(VTabConfig::DirectOnly)?;
        let types = |c: &str| match c {
            "id" | "line" | "offset" | "timestamp_ns" | "severity" => "INTEGER",
            _ => "TEXT",
        };
        let cols: Vec<String> = COLUMNS.iter().map(|c| format!("{c} {}", types(c))).collect();
        Ok((format!("CREATE TABLE x({})", cols.join(", ")), EntriesTab { base: ffi::sqlite3_vtab::default(), sh }))
    }

    fn best_index(&self, info: &mut IndexInfo) -> rusqlite::Result<()> {
        let n = self.sh.ix().len().max(1) as f64;
        let mut plan = Vec::new();
        let mut rows = n;
        let mut usable = Vec::new();
        for (i, c) in info.constraints().enumerate() {
            let Some(op) = Op::of(c.operator()) else { continue };
            if c.is_usable() && pushable(c.column(), op) {
                usable.push((i, c.column(), op));
            }
        }
        for (i, col, op) in usable {
            // Text compares in Rust are byte equality: only under SQLite's BINARY collation.
            if col != -1 && !matches!(col, COL_ID | COL_TS | COL_SEVERITY) && info.collation(i)? != "BINARY" {
                continue;
            }
            plan.push(format!("{col}{}", op.text()));
            let mut u = info.constraint_usage(i);
            u.set_argv_index(plan.len() as c_int);
            u.set_omit(false);
            rows *= match (col, op) {
                (-1 | COL_ID, Op::Eq) => 1.0 / n,
                (COL_IDS..=14, Op::Eq) => 0.001,
                (_, Op::Eq) => 0.1,
                _ => 0.5,
            };
        }
        let rows = rows.max(1.0);
        // Rows come in ascending id order: an ORDER BY id (ascending) needs no sort.
        let by_id = {
            let mut obs = info.order_bys();
            matches!(obs.next(), Some(o) if matches!(o.column(), -1 | COL_ID) && !o.is_order_by_desc())
                && obs.next().is_none()
        };
        info.set_order_by_consumed(by_id);
        info.set_estimated_rows(rows as i64);
        info.set_estimated_cost(rows);
        info.set_idx_str(&plan.join(","));
        Ok(())
    }

    fn open(&'vtab mut self) -> rusqlite::Result<EntriesCursor<'vtab>> {
        Ok(EntriesCursor {
            base: ffi::sqlite3_vtab_cursor::default(),
            sh: self.sh,
            rows: Rows::Range(0, 0),
            pos: 0,
            filter: RowFilter::default(),
            current: 0,
            eof: true,
            parsed: Mutex::new(None),
            phantom: PhantomData,
        })
    }
}

impl rusqlite::vtab::CreateVTab<'_> for EntriesTab {
    const KIND: rusqlite::vtab::VTabKind = rusqlite::vtab::VTabKind::EponymousOnly;
}

/// The candidate rows of a scan: a range of ids or a posting list (ascending either way).
enum Rows<'a> {
    Range(u32, u32),
    List(Cow<'a, [u32]>),
}

/// The pushed-down checks applied to each candidate row (all must hold).
struct RowFilter {
    ts: (i64, i64),
    ts_bound: bool,
    severity: [bool; 256],
    /// (kind, id) pairs each row must carry.
    ids: Vec<(IdKind, u32)>,
    empty: bool,
}

impl Default for RowFilter {
    fn default() -> Self {
        RowFilter { ts: (i64::MIN, i64::MAX), ts_bound: false, severity: [true; 256], ids: Vec::new(), empty: false }
    }
}

#[repr(C)]
struct EntriesCursor<'vtab> {
    /// Base class, first (rusqlite's contract).
    base: ffi::sqlite3_vtab_cursor,
    sh: Shared,
    rows: Rows<'vtab>,
    /// Next position in `rows`.
    pos: usize,
    filter: RowFilter,
    current: u32,
    eof: bool,
    /// The current row's first line re-parsed (level text, component), on first use.
    parsed: Mutex<Option<(u32, Parsed)>>,
    phantom: PhantomData<&'vtab EntriesTab>,
}

/// An integer bound from a constraint value, rounded so the bound keeps every matching row
/// (`None`: not a number, so no narrowing).
fn int_bound(v: ValueRef<'_>, op: Op) -> Option<i64> {
    match v {
        ValueRef::Integer(i) => Some(i),
        ValueRef::Real(f) if f.is_finite() => Some(match op {
            Op::Gt | Op::Ge => f.floor() as i64,
            Op::Lt | Op::Le => f.ceil() as i64,
            Op::Eq if f.fract() == 0.0 => f as i64,
            Op::Eq => return None,
        }),
        _ => None,
    }
}

/// Narrows `[lo, hi]` by `x op v`.
fn narrow(lo: &mut i64, hi: &mut i64, op: Op, v: i64) {
    match op {
        Op::Eq => {
            *lo = (*lo).max(v);
            *hi = (*hi).min(v);
        }
        Op::Gt => *lo = (*lo).max(v.saturating_add(1)),
        Op::Ge => *lo = (*lo).max(v),
        Op::Lt => *hi = (*hi).min(v.saturating_sub(1)),
        Op::Le => *hi = (*hi).min(v),
    }
}

impl<'vtab> EntriesCursor<'vtab> {
    fn ix(&self) -> &'vtab Index {
        // SAFETY: see `query_index`; the cursor does not outlive the connection.
        unsafe { &*self.sh.ix }
    }

    /// Moves to the next candidate that passes the filter (or to the end).
    fn advance(&mut self) -> rusqlite::Result<()> {
        let ix = self.ix();
        let f = &self.filter;
        let mut steps = 0u32;
        loop {
            let e = match &self.rows {
                Rows::Range(_, hi) => {
                    let e = self.pos as u64;
                    if e >= u64::from(*hi) {
                        None
                    } else {
                        Some(e as u32)
                    }
                }
                Rows::List(l) => l.get(self.pos).copied(),
            };
            let Some(e) = e else {
                self.eof = true;
                return Ok(());
            };
            self.pos += 1;
            steps += 1;
            if steps.is_multiple_of(65_536) && self.sh.ctl().cancel.load(Ordering::Relaxed) {
                return Err(rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_INTERRUPT), None));
            }
            let i = e as usize;
            if f.ts_bound {
                let t = ix.cols.ts[i];
                if t == NO_TS || t < f.ts.0 || t > f.ts.1 {
                    continue;
                }
            }
            if !f.severity[ix.cols.level[i] as usize] {
                continue;
            }
            if f.ids.iter().any(|&(k, id)| ix.id(k, e) != id) {
                continue;
            }
            self.current = e;
            return Ok(());
        }
    }

    fn with_parsed<T>(&self, f: impl FnOnce(&[u8], &Parsed) -> T) -> Option<T> {
        let ix = self.ix();
        let e = self.current;
        let first = ix.first_line(e);
        let mut guard = self.parsed.lock().unwrap_or_else(|p| p.into_inner());
        if guard.as_ref().map(|(id, _)| *id) != Some(e) {
            let mut p = Parsed::default();
            let ok = ix.files[ix.file_of(e)].format.parse(first, &mut p);
            *guard = ok.then_some((e, p));
            guard.as_ref()?;
        }
        guard.as_ref().map(|(_, p)| f(first, p))
    }
}

unsafe impl VTabCursor for EntriesCursor<'_> {
    fn filter(&mut self, _idx_num: c_int, idx_str: Option<&str>, args: &Filters<'_>) -> rusqlite::Result<()> {
        let ix = self.ix();
        let mut f = RowFilter::default();
        let (mut id_lo, mut id_hi) = (0i64, ix.len() as i64 - 1);
        let mut list: Option<Cow<'_, [u32]>> = None;
        let (mut sev_lo, mut sev_hi) = (0i64, 255i64);
        let plan = idx_str.unwrap_or("").split(',').filter(|s| !s.is_empty());
        let values: Vec<ValueRef<'_>> = args.iter().collect();
        for (k, item) in plan.enumerate() {
            let split = item.find(|c: char| !c.is_ascii_digit() && c != '-').unwrap_or(item.len());
            let (Ok(col), Some(op)) = (item[..split].parse::<c_int>(), Op::parse(&item[split..])) else {
                return Err(rusqlite::Error::ModuleError(format!("entries: bad plan {item}")));
            };
            let v = values.get(k).copied().unwrap_or(ValueRef::Null);
            if matches!(v, ValueRef::Null) {
                // A comparison with NULL holds for no row.
                f.empty = true;
                continue;
            }
            match col {
                -1 | COL_ID => {
                    if let Some(b) = int_bound(v, op) {
                        narrow(&mut id_lo, &mut id_hi, op, b);
                    }
                }
                COL_TS => {
                    if let Some(b) = int_bound(v, op) {
                        f.ts_bound = true;
                        narrow(&mut f.ts.0, &mut f.ts.1, op, b);
                    }
                }
                COL_SEVERITY => {
                    if let Some(b) = int_bound(v, op) {
                        narrow(&mut sev_lo, &mut sev_hi, op, b);
                    }
                }
                COL_LEVEL => {
                    if let ValueRef::Text(t) = v {
                        for s in 0..256 {
                            f.severity[s] &= level::name(s as u8).as_bytes() == t;
                        }
                    }
                }
                COL_FILE => {
                    if let ValueRef::Text(t) = v {
                        match ix.files.iter().find(|fi| fi.source.path.as_bytes() == t) {
                            Some(fi) => {
                                narrow(&mut id_lo, &mut id_hi, Op::Ge, i64::from(fi.first));
                                narrow(&mut id_lo, &mut id_hi, Op::Lt, i64::from(fi.first + fi.count));
                            }
                            None => f.empty = true,
                        }
                    }
                }
                c => {
                    let kind = crate::record::ID_KINDS[(c - COL_IDS) as usize];
                    if let ValueRef::Text(t) = v {
                        match ix.interner(kind).get(t).filter(|&id| id != 0) {
                            // The first selective id drives the scan; the others are checks.
                            Some(id) if list.is_none() && matches!(kind, IdKind::Request | IdKind::Trace) => {
                                list = Some(ix.entries_with(kind, id));
                            }
                            Some(id) => f.ids.push((kind, id)),
                            None => f.empty = true,
                        }
                    }
                }
            }
        }
        for (s, ok) in f.severity.iter_mut().enumerate() {
            *ok &= (sev_lo..=sev_hi).contains(&(s as i64));
        }
        id_lo = id_lo.max(0);
        id_hi = id_hi.min(ix.len() as i64 - 1);
        if f.empty || id_lo > id_hi || f.ts.0 > f.ts.1 {
            self.rows = Rows::Range(0, 0);
        } else if let Some(l) = list {
            let (a, b) = (id_lo as u32, id_hi as u32);
            let from = l.partition_point(|&e| e < a);
            let to = l.partition_point(|&e| e <= b);
            self.rows = Rows::List(match l {
                Cow::Borrowed(s) => Cow::Borrowed(&s[from..to]),
                Cow::Owned(v) => Cow::Owned(v[from..to].to_vec()),
            });
        } else {
            self.rows = Rows::Range(id_lo as u32, id_hi as u32 + 1);
        }
        self.pos = match self.rows {
            Rows::Range(lo, _) => lo as usize,
            Rows::List(_) => 0,
        };
        self.filter = f;
        self.eof = false;
        self.advance()
    }

    fn next(&mut self) -> rusqlite::Result<()> {
        self.advance()
    }

    fn eof(&self) -> bool {
        self.eof
    }

    fn column(&self, ctx: &mut Context, i: c_int) -> rusqlite::Result<()> {
        let ix = self.ix();
        let e = self.current;
        let ei = e as usize;
        match i {
            COL_ID => ctx.set_result(&i64::from(e)),
            COL_FILE => ctx.set_result(&ix.files[ix.file_of(e)].source.path.as_str()),
            2 => ctx.set_result(&i64::from(ix.line(e))),
            3 => ctx.set_result(&(ix.cols.offset(ei) as i64)),
            COL_TS => ctx.set_result(&ix.ts(e)),
            5 => ctx.set_result(&ix.ts(e).map(time::format_ns)),
            COL_SEVERITY => ctx.set_result(&i64::from(ix.cols.level[ei])),
            COL_LEVEL => ctx.set_result(&level::name(ix.cols.level[ei])),
            8 | COL_COMPONENT => {
                let v = self
                    .with_parsed(|first, p| {
                        let sp = if i == 8 { p.level_text } else { p.component };
                        sp.map(|sp| String::from_utf8_lossy(sp.slice(first)).into_owned())
                    })
                    .flatten();
                ctx.set_result(&v)
            }
            9 => ctx.set_result(&ix.message(e)),
            c if (COL_IDS..COL_IDS + 6).contains(&c) => {
                let kind = crate::record::ID_KINDS[(c - COL_IDS) as usize];
                let id = ix.id(kind, e);
                if id == 0 {
                    ctx.set_result(&rusqlite::types::Null)
                } else {
                    ctx.set_result(&String::from_utf8_lossy(&ix.id_name(kind, id)).as_ref())
                }
            }
            17 => ctx.set_result(&String::from_utf8_lossy(ix.raw(e)).as_ref()),
            18 => {
                let text = serde_json::to_string(&ix.fields(e))
                    .map_err(|err| rusqlite::Error::ModuleError(format!("fields of entry {e}: {err}")))?;
                ctx.set_result(&text)
            }
            _ => ctx.set_result(&rusqlite::types::Null),
        }
    }

    fn rowid(&self) -> rusqlite::Result<i64> {
        Ok(i64::from(self.current))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_keyword_skips_blanks_and_comments() {
        assert_eq!(first_keyword("  -- c\n /* x */ select 1"), "SELECT");
        assert_eq!(first_keyword("/* a */-- b\nWITH x AS (SELECT 1) SELECT * FROM x"), "WITH");
        assert_eq!(first_keyword("/* unterminated"), "");
        assert_eq!(first_keyword("delete from t"), "DELETE");
    }

    #[test]
    fn json_values_keep_large_integers_exact() {
        assert_eq!(
            json_value(ValueRef::Integer(1_704_067_200_001_000_000)),
            Value::String("1704067200001000000".into())
        );
        assert_eq!(json_value(ValueRef::Integer(42)), Value::from(42));
        assert_eq!(json_value(ValueRef::Blob(&[10, 27])), Value::String("X'0A1B'".into()));
    }
}
