//! A session: an open index and the dispatch of named operations with JSON arguments.
//! This is the single entry point the napi shell uses, so every capability is reachable
//! the same way (`call("search", "{...}")`) and testable without Node.

use crate::cache;
use crate::error::{Code, Error, Result};
use crate::index::Index;
use crate::indexer::{self, Control, OpenOptions, Skipped};
use crate::ops;
use crate::query::{Compiled, Query};
use crate::search;
use crate::templates::{self, Template, Templates};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::OnceLock;

/// Open options as JSON (camelCase, every field optional; unknown fields are an error).
#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenRequestJson {
    pub format: Option<String>,
    /// Zone for timestamps without one: `UTC`, `+02:00`, `-0500`.
    pub timezone: Option<String>,
    pub year: Option<i64>,
    #[serde(default)]
    pub include: Vec<String>,
    pub chunk_size: Option<usize>,
    #[serde(default)]
    pub serial: bool,
    /// Refuse a compressed input that decompresses to more than this many bytes.
    pub max_decompressed_bytes: Option<u64>,
    /// Use the persistent index cache (default true; see `crate::cache`).
    pub cache: Option<bool>,
    /// The cache directory (default: `cache::Config::from_env`).
    pub cache_dir: Option<String>,
}

#[derive(Clone)]
pub struct OpenRequest {
    pub inputs: Vec<String>,
    pub options: OpenOptions,
    /// Where indexes are cached; None: not cached.
    pub cache: Option<cache::Config>,
}

/// Parses `UTC`, `Z`, `+02:00`, `-0500`, `+2` into seconds east of UTC.
pub fn parse_tz(s: &str) -> Result<i64> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("utc") || t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("gmt") {
        return Ok(0);
    }
    let bad = || {
        Error::new(
            Code::InvalidOption,
            format!(
                "invalid timezone '{s}': use UTC, an offset like +02:00, an IANA name like Europe/Berlin, or local"
            ),
        )
    };
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let (h, m) = if digits.len() <= 2 {
        (digits.parse::<i64>().map_err(|_| bad())?, 0)
    } else {
        let split = digits.len() - 2;
        (digits[..split].parse::<i64>().map_err(|_| bad())?, digits[split..].parse::<i64>().map_err(|_| bad())?)
    };
    if h > 14 || m > 59 {
        return Err(bad());
    }
    Ok(sign * (h * 3600 + m * 60))
}

/// Parses a `timezone` option: a fixed offset (see `parse_tz`), an IANA zone name with its
/// daylight-saving rules (`Europe/Berlin`, `America/New_York`, from the tz database bundled
/// in the engine), or `local` (this machine's zone).
pub fn parse_zone(s: &str) -> Result<crate::time::Tz> {
    let t = s.trim();
    if let Ok(off) = parse_tz(t) {
        return Ok(crate::time::Tz::Fixed(off));
    }
    if t.starts_with(['+', '-']) || t.is_empty() {
        return Err(parse_tz(t).unwrap_err());
    }
    crate::time::zone_rules(t).map(crate::time::Tz::Rules).map_err(|m| {
        Error::new(Code::InvalidOption, format!("invalid timezone '{s}': {m}; use UTC, an offset like +02:00, an IANA name like Europe/Berlin, or local"))
    })
}

/// Deserializes operation arguments, turning serde's complaint into INVALID_OPTION.
pub fn args<T: DeserializeOwned>(op: &str, json: &str) -> Result<T> {
    let json = if json.trim().is_empty() { "{}" } else { json };
    serde_json::from_str(json)
        .map_err(|e| Error::new(Code::InvalidOption, format!("bad arguments for {op}: {e}")).at(op))
}

impl OpenRequest {
    pub fn from_json(inputs: &[String], json: &str) -> Result<OpenRequest> {
        let j: OpenRequestJson = args("open", json)?;
        let mut options = OpenOptions::default();
        if let Some(f) = j.format {
            crate::format::Spec::parse(&f)?;
            options.format = Some(f);
        }
        if let Some(tz) = j.timezone {
            options.tz = parse_zone(&tz)?;
        }
        options.year = j.year;
        options.include = j.include;
        if let Some(c) = j.chunk_size {
            options.chunk_size = c;
        }
        options.serial = j.serial;
        options.limits.max_decompressed = j.max_decompressed_bytes;
        let cache = match (j.cache.unwrap_or(true), j.cache_dir) {
            (false, _) => None,
            (true, Some(dir)) => Some(cache::Config::at(dir)),
            (true, None) => cache::Config::from_env(),
        };
        Ok(OpenRequest { inputs: inputs.to_vec(), options, cache })
    }
}

pub struct Session {
    pub index: Index,
    pub skipped: Vec<Skipped>,
    /// Templates of all entries, mined on first use and kept: the `templates` and
    /// `templateOf` ops must agree on ids, and mining is the costly part.
    templates: OnceLock<Templates>,
    /// Lazily built helpers of the investigation ops (sorted id names, the full scope).
    pub cache: ops::Cache,
    /// How the index was opened (None: from bytes in memory), to re-check the files.
    request: Option<OpenRequest>,
    /// Virtual traces of the correlation rule sets asked for (rules JSON → traces), the most
    /// recent last: computing them is a pass over the index, asking again is free.
    virtuals: std::sync::Mutex<Vec<(String, std::sync::Arc<ops::correlate_rules::Virtual>)>>,
}

/// Rule sets whose virtual traces a session keeps.
const KEPT_RULE_SETS: usize = 4;

/// A session shared by a long-lived process (the napi shell, an MCP server, a watcher): each
/// `current` re-checks the files and swaps in the refreshed session (`Session::refreshed`),
/// so no call answers from an index older than the files. Calls already running keep the
/// session they started with.
pub struct LiveSession {
    current: std::sync::Mutex<std::sync::Arc<Session>>,
}

impl LiveSession {
    pub fn new(s: Session) -> LiveSession {
        LiveSession { current: std::sync::Mutex::new(std::sync::Arc::new(s)) }
    }

    /// The session as of the files now (refreshed first when one changed).
    pub fn current(&self, ctl: &Control) -> Result<std::sync::Arc<Session>> {
        let mut cur = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(next) = cur.refreshed(ctl)? {
            *cur = std::sync::Arc::new(next);
        }
        Ok(cur.clone())
    }

    /// Runs `op` on the current session; when it failed because the index it read was
    /// reopened from a cache file found damaged (or truncated) meanwhile, runs it once more
    /// on the session opened again, so the caller gets the answer of a rebuilt index.
    pub fn run<T>(&self, ctl: &Control, op: impl Fn(&Session) -> Result<T>) -> Result<T> {
        let s = self.current(ctl)?;
        match op(&s) {
            Err(e) if e.code == Code::SourceChanged && (s.index.damaged() || s.index.cache_faulted()) => {
                drop(s);
                let again = self.current(ctl)?;
                op(&again)
            }
            r => r,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TemplatesArgs {
    /// At most this many templates (all when absent).
    limit: Option<usize>,
    /// Only templates with at least one ERROR-or-above entry, most errors first.
    #[serde(default)]
    errors_only: bool,
    /// Entry ids whose template ids to return alongside.
    ids: Option<Vec<u32>>,
    /// Counts of each returned template in this many equal time buckets over the data's range.
    sparkline: Option<usize>,
}

/// Per returned template, its counts over equal time buckets (same order as `templates`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sparklines {
    first_ns: i64,
    bucket_ns: i64,
    counts: Vec<Vec<u64>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TemplatesJson<'a> {
    templates: Vec<&'a Template>,
    /// Templates matching the filter before `limit`.
    total: usize,
    /// Entries mined.
    entries: usize,
    truncated: bool,
    /// Template id of each requested entry, in request order.
    #[serde(skip_serializing_if = "Option::is_none")]
    template_ids: Option<Vec<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sparklines: Option<Sparklines>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TemplateOfArgs {
    ids: Vec<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EntriesArgs {
    ids: Vec<u32>,
    #[serde(default)]
    fields: bool,
}

/// Two requests / threads / traces side by side.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CompareArgs {
    a: String,
    b: String,
    /// Id kind of both (auto-detected per id when absent).
    kind: Option<String>,
    /// Scope both sides (time range, filters).
    query: Option<crate::query::Query>,
}

/// Two periods (or any two scopes): each side is a query, usually a time range.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DiffArgs {
    a: crate::query::Query,
    b: crate::query::Query,
    /// Templates listed per category (default 10).
    top: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SkippedJson<'a> {
    path: &'a str,
    code: &'static str,
    reason: &'a str,
}

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::new(Code::Internal, format!("cannot serialize result: {e}")))
}

/// A file an open would index, with the identity used to reuse a cached index.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub path: String,
    pub size: u64,
    pub mtime_ns: i64,
}

/// Expands inputs as `open` would and returns each file's identity (path, size, mtime),
/// without reading any file.
pub fn identify(inputs: &[String], json: &str) -> Result<Vec<Identity>> {
    let req = OpenRequest::from_json(inputs, json)?;
    let found = crate::source::expand(&req.inputs, &req.options.include)?.found;
    let mut out = Vec::with_capacity(found.len());
    for f in found {
        let path = f.path.to_string_lossy().into_owned();
        match std::fs::metadata(&f.path) {
            Ok(meta) => out.push(Identity { path, size: meta.len(), mtime_ns: crate::source::mtime_ns(&meta) }),
            // Gone since the walk found it: `open` will list it as skipped.
            Err(_) if !f.explicit => {}
            Err(e) => return Err(Error::io(&path, &e)),
        }
    }
    Ok(out)
}

impl Session {
    /// Opens and indexes the request's inputs, through the index cache when it has one.
    pub fn open(req: OpenRequest, ctl: &Control) -> Result<Session> {
        let (sources, skipped) = indexer::open_inputs(&req.inputs, &req.options, ctl)?;
        let index = match &req.cache {
            Some(cfg) => cache::open_sources(sources, &req.options, cfg, ctl)?,
            None => indexer::build(sources, &req.options, ctl)?,
        };
        // A file truncated or rewritten while it was being indexed: the index may hold zeros.
        index.check_sources()?;
        let mut s = Session::new(index, skipped);
        s.request = Some(req);
        Ok(s)
    }

    /// A session over an index built elsewhere (tests, in-memory sources).
    pub fn new(index: Index, skipped: Vec<Skipped>) -> Session {
        Session {
            index,
            skipped,
            templates: OnceLock::new(),
            cache: ops::Cache::default(),
            request: None,
            virtuals: Default::default(),
        }
    }

    /// The session as of the files now: None when no indexed file changed (size, mtime,
    /// inode); else a new session whose index is extended by what was appended (one file
    /// that only grew) or built again (several files: unchanged ones come from the cache).
    /// A long-lived process calls this before each operation instead of answering from a
    /// stale index. Entry ids of the old session stay valid in the new one when the only
    /// change is an append to the last (or only) file.
    pub fn refreshed(&self, ctl: &Control) -> Result<Option<Session>> {
        let Some(req) = &self.request else { return Ok(None) };
        // The cache file this index is mapped from was truncated under it: its columns may
        // read as zeros; open again (the damaged cache file is detected and rebuilt).
        if self.index.cache_faulted() || self.index.damaged() {
            return Session::open(req.clone(), ctl).map(Some);
        }
        if !self.index.files.iter().any(|f| f.source.changed()) {
            return Ok(None);
        }
        // A file deleted since (not replaced): its mapping still holds the bytes indexed, and
        // there is nothing newer to index; keep answering from it.
        if self.index.files.iter().any(|f| f.source.file_id().is_some() && std::fs::metadata(&f.source.path).is_err()) {
            return Ok(None);
        }
        if self.index.files.len() == 1 {
            if let Some(index) = cache::refresh_file(&self.index, &req.options, req.cache.as_ref(), ctl)? {
                let mut s = Session::new(index, self.skipped.clone());
                s.request = Some(req.clone());
                return Ok(Some(s));
            }
        }
        Session::open(req.clone(), ctl).map(Some)
    }

    /// Fails with UNKNOWN_ID on the first id that is not an entry.
    fn check_ids(&self, ids: &[u32]) -> Result<()> {
        let n = self.index.len() as u32;
        match ids.iter().find(|&&id| id >= n) {
            Some(bad) => Err(Error::new(Code::UnknownId, format!("no entry {bad} (the index has {n})"))),
            None => Ok(()),
        }
    }

    /// The templates of all entries (scope 0..len), mined once per session.
    pub fn templates(&self, ctl: &Control) -> Result<&Templates> {
        if let Some(t) = self.templates.get() {
            return Ok(t);
        }
        let scope: Vec<u32> = (0..self.index.len() as u32).collect();
        let mined = templates::mine_with(&self.index, &scope, &ctl.cancel)?;
        Ok(self.templates.get_or_init(|| mined))
    }

    fn templates_op(&self, json: &str, ctl: &Control) -> Result<String> {
        let a: TemplatesArgs = args("templates", json)?;
        if let Some(ids) = &a.ids {
            self.check_ids(ids)?;
        }
        let t = self.templates(ctl)?;
        let mut list: Vec<&Template> = t.templates.iter().filter(|x| !a.errors_only || x.error_count > 0).collect();
        if a.errors_only {
            list.sort_by(|x, y| y.error_count.cmp(&x.error_count).then(y.count.cmp(&x.count)).then(x.id.cmp(&y.id)));
        } else {
            list.sort_by(|x, y| y.count.cmp(&x.count).then(x.id.cmp(&y.id)));
        }
        let total = list.len();
        let limit = a.limit.unwrap_or(total);
        list.truncate(limit);
        let template_ids = a.ids.map(|ids| ids.iter().map(|&e| t.assignment[e as usize]).collect());
        let sparklines = a.sparkline.map(|n| self.sparklines(t, &list, n)).transpose()?;
        to_json(&TemplatesJson {
            templates: list,
            total,
            entries: t.assignment.len(),
            truncated: total > limit,
            template_ids,
            sparklines,
        })
    }

    /// One pass over the entries: each listed template's count per time bucket.
    fn sparklines(&self, t: &Templates, list: &[&Template], buckets: usize) -> Result<Sparklines> {
        if !(1..=500).contains(&buckets) {
            return Err(Error::new(Code::InvalidOption, format!("sparkline must be within 1..500, got {buckets}"))
                .at("sparkline"));
        }
        let mut counts = vec![vec![0u64; buckets]; list.len()];
        let Some((lo, hi)) = self.index.ts_bounds() else {
            return Ok(Sparklines { first_ns: 0, bucket_ns: 0, counts });
        };
        let bucket_ns = ((hi - lo) / buckets as i64 + 1).max(1);
        let mut row = vec![usize::MAX; t.templates.len()];
        for (i, x) in list.iter().enumerate() {
            row[x.id as usize] = i;
        }
        for (e, &tid) in t.assignment.iter().enumerate() {
            let r = row[tid as usize];
            if r == usize::MAX {
                continue;
            }
            if let Some(ts) = self.index.ts(e as u32) {
                counts[r][(((ts - lo) / bucket_ns) as usize).min(buckets - 1)] += 1;
            }
        }
        Ok(Sparklines { first_ns: lo, bucket_ns, counts })
    }

    /// The entries an investigation op works on: those its `query` selects (the search query
    /// model: time range, levels, ids, text, fields, files) and/or its explicit `scope` entry ids
    /// (validated); both given: their intersection; neither: every entry.
    fn scope(&self, query: Option<Query>, scope: Option<Vec<u32>>, ctl: &Control) -> Result<Cow<'_, [u32]>> {
        let explicit = scope.map(|s| ops::check_scope(&self.index, s)).transpose()?;
        match (query, explicit) {
            (None, None) => Ok(Cow::Borrowed(self.cache.all(&self.index))),
            (None, Some(s)) => Ok(Cow::Owned(s)),
            (Some(q), None) => Ok(Cow::Owned(search::select(&self.index, q, ctl)?)),
            (Some(q), Some(s)) => {
                let sel = search::select(&self.index, q, ctl)?;
                Ok(Cow::Owned(ops::restrict(&self.index, &sel, &s)))
            }
        }
    }

    /// Takes the `rules` argument (correlation rules) out of an op's JSON arguments: the
    /// arguments without it, and the virtual traces of the rules (computed once per rule set).
    fn take_rules(
        &self,
        op: &str,
        json: &str,
        ctl: &Control,
    ) -> Result<(String, Option<std::sync::Arc<ops::correlate_rules::Virtual>>)> {
        if !json.contains("\"rules\"") {
            return Ok((json.to_string(), None));
        }
        let mut v: serde_json::Value = args(op, json)?;
        let Some(rules) = v.as_object_mut().and_then(|m| m.remove("rules")) else {
            return Ok((json.to_string(), None));
        };
        let key = rules.to_string();
        let mut kept = self.virtuals.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(i) = kept.iter().position(|(k, _)| *k == key) {
            let hit = kept.remove(i);
            let virt = hit.1.clone();
            kept.push(hit);
            return Ok((v.to_string(), Some(virt)));
        }
        let parsed = ops::correlate_rules::parse_rules(&rules)?;
        let virt = std::sync::Arc::new(ops::correlate_rules::compute(&self.index, &parsed, ctl)?);
        if kept.len() >= KEPT_RULE_SETS {
            kept.remove(0);
        }
        kept.push((key, virt.clone()));
        Ok((v.to_string(), Some(virt)))
    }

    /// Indexes bytes already in memory (stdin), named `name` in results.
    pub fn open_bytes(name: &str, data: Vec<u8>, json: &str, ctl: &Control) -> Result<Session> {
        let req = OpenRequest::from_json(&[], json)?;
        let src = crate::source::Source::from_bytes_limited(name, data, &req.options.limits)?;
        if crate::source::looks_binary(src.data()) {
            return Err(Error::new(Code::BinaryInput, format!("{name} looks like binary data, not a log")).at(name));
        }
        let index = indexer::build(vec![src], &req.options, ctl)?;
        Ok(Session::new(index, Vec::new()))
    }

    /// The `rows` op: the next batch of a query scope as columns (see `ops::rows`). It is not
    /// JSON (a batch is a handful of buffers), so it has its own entry point beside `call`.
    /// `max_text` bounds the batch's text block (see `ops::rows::row_batch`).
    pub fn rows(&self, json: &str, max_text: usize, ctl: &Control) -> Result<ops::rows::RowBatch> {
        self.checked(|| self.rows_op(json, max_text, ctl))
    }

    fn rows_op(&self, json: &str, max_text: usize, ctl: &Control) -> Result<ops::rows::RowBatch> {
        let (query, a) = search::split_args::<ops::rows::RowArgs>("rows", json, ops::rows::ROW_KEYS)?;
        let q = Compiled::new(query, &self.index)?;
        ops::rows::row_batch(&self.index, &q, &a, max_text, ctl)
    }

    /// Writes the rows of a query scope into a SQLite database (`sqlite_sink`), calling
    /// `on_batch` after each committed batch.
    pub fn sqlite_sink(
        &self,
        json: &str,
        ctl: &Control,
        on_batch: impl FnMut(&crate::sqlite_sink::SinkProgress),
    ) -> Result<crate::sqlite_sink::SinkProgress> {
        self.checked(|| {
            let (query, a) =
                search::split_args::<crate::sqlite_sink::SinkArgs>("sqliteSink", json, crate::sqlite_sink::SINK_KEYS)?;
            let q = Compiled::new(query, &self.index)?;
            crate::sqlite_sink::write(&self.index, &q, &a, ctl, on_batch)
        })
    }

    /// Runs `op` on the sources' bytes, and answers SOURCE_CHANGED instead of its result when
    /// a source was truncated or rewritten meanwhile: a read past the new end of a file read
    /// zeros (see `mapped`), a rewritten page read other bytes, so the result may be wrong.
    /// Also when `op` failed or panicked: garbage in, anything out.
    fn checked<T>(&self, op: impl FnOnce() -> Result<T>) -> Result<T> {
        self.index.check_faults()?;
        let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(op));
        self.index.check_sources()?;
        // An index reopened from a cache file may still be under its integrity check (see
        // `index::Pending`): the operation ran beside it, and its answer (or panic) counts
        // only once the check passed.
        if !self.index.trusted() {
            let path = self.index.files.first().map_or("", |f| f.source.path.as_str());
            return Err(Error::new(
                Code::SourceChanged,
                format!("the cached index of {path} is damaged (it is rebuilt when opened again); re-open it"),
            )
            .at(path));
        }
        res.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }

    /// Runs a named operation. Unknown operations are an error, never a no-op.
    pub fn call(&self, op: &str, json: &str, ctl: &Control) -> Result<String> {
        self.checked(|| self.call_op(op, json, ctl))
    }

    fn call_op(&self, op: &str, json: &str, ctl: &Control) -> Result<String> {
        let ix = &self.index;
        match op {
            "stats" => to_json(&self.index.stats()),
            "skipped" => to_json(
                &self
                    .skipped
                    .iter()
                    .map(|s| SkippedJson { path: &s.path, code: s.code.as_str(), reason: &s.reason })
                    .collect::<Vec<_>>(),
            ),
            "entries" => {
                let a: EntriesArgs = args(op, json)?;
                self.check_ids(&a.ids)?;
                to_json(&a.ids.iter().map(|&e| self.index.entry(e, a.fields)).collect::<Vec<_>>())
            }
            "templates" => self.templates_op(json, ctl),
            "templateOf" => {
                let a: TemplateOfArgs = args(op, json)?;
                self.check_ids(&a.ids)?;
                let t = self.templates(ctl)?;
                to_json(&a.ids.iter().map(|&e| t.assignment[e as usize]).collect::<Vec<_>>())
            }
            "schema" => to_json(&self.index.schema(&args::<crate::schema::SchemaArgs>(op, json)?)),
            "search" => {
                let (query, page) = search::split_args::<search::PageOptions>(op, json, search::PAGE_KEYS)?;
                to_json(&search::search(&self.index, query, &page, ctl)?)
            }
            "count" => {
                let (query, mut page) = search::split_args::<search::PageOptions>(op, json, search::PAGE_KEYS)?;
                page.count_only = true;
                let r = search::search(&self.index, query, &page, ctl)?;
                to_json(&serde_json::json!({ "total": r.total_matches, "aggregations": r.aggregations }))
            }
            "ids" => {
                let (json, virt) = self.take_rules(op, json, ctl)?;
                let mut a: ops::ids::IdsArgs = args(op, &json)?;
                let scope = self.scope(a.query.take(), a.scope.take(), ctl)?;
                to_json(&ops::ids::ids_in(ix, virt.as_deref(), &scope, &a)?)
            }
            "follow" => {
                let (json, virt) = self.take_rules(op, json, ctl)?;
                let mut a: ops::follow::FollowArgs = args(op, &json)?;
                let scope = self.scope(a.query.take(), a.scope.take(), ctl)?;
                to_json(&ops::follow::follow_in(ix, virt.as_deref(), &scope, &a)?)
            }
            "compare" => {
                let (json, virt) = self.take_rules(op, json, ctl)?;
                let mut a: CompareArgs = args(op, &json)?;
                let scope = self.scope(a.query.take(), None, ctl)?;
                let side = |id: &str| -> Result<Vec<u32>> {
                    let all = ops::resolve_any(ix, virt.as_deref(), id, a.kind.as_deref())?.entries;
                    let mut entries = ops::restrict(ix, &scope, &all);
                    ops::time_order(ix, &mut entries);
                    Ok(entries)
                };
                let (ea, eb) = (side(&a.a)?, side(&a.b)?);
                to_json(&serde_json::json!({
                    "a": a.a,
                    "b": a.b,
                    "comparison": templates::compare_sequences(ix, &ea, &eb),
                }))
            }
            "diff" => {
                let a: DiffArgs = args(op, json)?;
                let mut ea = search::select(ix, a.a, ctl)?;
                let mut eb = search::select(ix, a.b, ctl)?;
                ops::time_order(ix, &mut ea);
                ops::time_order(ix, &mut eb);
                to_json(&templates::diff_periods(ix, &ea, &eb, a.top.unwrap_or(10)))
            }
            "context" => {
                let a: ops::context::ContextArgs = args(op, json)?;
                to_json(&ops::context::context(ix, &a)?)
            }
            "hierarchy" => {
                let (json, virt) = self.take_rules(op, json, ctl)?;
                let mut a: ops::hierarchy::HierarchyArgs = args(op, &json)?;
                let scope = self.scope(a.query.take(), a.scope.take(), ctl)?;
                to_json(&ops::hierarchy::hierarchy(ix, virt.as_deref(), &self.cache, &scope, &a)?)
            }
            "bottlenecks" => {
                let (json, virt) = self.take_rules(op, json, ctl)?;
                let mut a: ops::bottlenecks::BottlenecksArgs = args(op, &json)?;
                let scope = self.scope(a.query.take(), a.scope.take(), ctl)?;
                to_json(&ops::bottlenecks::bottlenecks(ix, virt.as_deref(), &self.cache, &scope, &a)?)
            }
            "errorFlow" => {
                let (json, virt) = self.take_rules(op, json, ctl)?;
                let mut a: ops::error_flow::ErrorFlowArgs = args(op, &json)?;
                let scope = self.scope(a.query.take(), a.scope.take(), ctl)?;
                to_json(&ops::error_flow::error_flow(
                    ix,
                    virt.as_deref(),
                    &self.cache,
                    &scope,
                    self.templates(ctl)?,
                    &a,
                )?)
            }
            "timeline" => {
                let (json, virt) = self.take_rules(op, json, ctl)?;
                let mut a: ops::timeline::TimelineArgs = args(op, &json)?;
                let scope = self.scope(a.query.take(), a.scope.take(), ctl)?;
                to_json(&ops::timeline::timeline_in(ix, virt.as_deref(), &scope, &a)?)
            }
            "sample" => {
                let mut a: ops::sample::SampleArgs = args(op, json)?;
                let scope = self.scope(a.query.take(), a.scope.take(), ctl)?;
                to_json(&ops::sample::sample(ix, &scope, self.templates(ctl)?, &a)?)
            }
            "metrics" => {
                let mut a: ops::metrics::MetricsArgs = args(op, json)?;
                let scope = self.scope(a.query.take(), a.scope.take(), ctl)?;
                to_json(&ops::metrics::metrics(ix, &scope, &a)?)
            }
            "triage" => {
                let mut a: ops::triage::TriageArgs = args(op, json)?;
                let scope = self.scope(a.query.take(), a.scope.take(), ctl)?;
                to_json(&ops::triage::triage(ix, &scope, self.templates(ctl)?, &a)?)
            }
            "exportTrace" => {
                let (json, virt) = self.take_rules(op, json, ctl)?;
                let mut a: ops::trace_export::ExportTraceArgs = args(op, &json)?;
                let scope = self.scope(a.query.take(), a.scope.take(), ctl)?;
                to_json(&ops::trace_export::export_trace(ix, virt.as_deref(), &self.cache, &scope, &a)?)
            }
            "correlateEvents" => {
                let mut a: ops::correlate::CorrelateArgs = args(op, json)?;
                let scope = self.scope(a.query.take(), a.scope.take(), ctl)?;
                to_json(&ops::correlate::correlate(ix, &scope, self.templates(ctl)?, &a, ctl)?)
            }
            "exportParquet" => {
                let (query, a) = search::split_args::<crate::parquet_export::ParquetArgs>(
                    op,
                    json,
                    crate::parquet_export::PARQUET_KEYS,
                )?;
                let query = (query != Query::default()).then_some(query);
                let scope = self.scope(query, None, ctl)?;
                to_json(&crate::parquet_export::export(ix, &scope, &a, ctl)?)
            }
            "verifyPattern" => {
                let mut a: ops::verify_pattern::VerifyPatternArgs = args(op, json)?;
                let scope = self.scope(a.query.take(), a.scope.take(), ctl)?;
                to_json(&ops::verify_pattern::verify_pattern(ix, &scope, &a, ctl)?)
            }
            "parseSample" => to_json(&ops::parse_sample::parse_sample(ix, &args(op, json)?)?),
            "sql" => to_json(&crate::sql::query_index(ix, &args::<crate::sql::SqlArgs>(op, json)?, ctl)?),
            _ => Err(Error::new(Code::InvalidOption, format!("unknown operation '{op}'")).at(op)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn timezones() {
        assert_eq!(parse_tz("UTC").unwrap(), 0);
        assert_eq!(parse_tz("+02:00").unwrap(), 7200);
        assert_eq!(parse_tz("-0530").unwrap(), -(5 * 3600 + 30 * 60));
        assert_eq!(parse_tz("+2").unwrap(), 7200);
        assert_eq!(parse_tz("Europe/Paris").unwrap_err().code, Code::InvalidOption);
        assert_eq!(parse_zone("+02:00").unwrap(), crate::time::Tz::Fixed(7200));
        assert!(matches!(parse_zone("Europe/Paris").unwrap(), crate::time::Tz::Rules(z) if z.name == "Europe/Paris"));
        assert!(matches!(parse_zone("local").unwrap(), crate::time::Tz::Rules(_)));
        let e = parse_zone("Mars/Base").unwrap_err();
        assert_eq!(e.code, Code::InvalidOption);
        assert!(e.message.contains("Europe/Berlin"), "{}", e.message);
        assert_eq!(parse_zone("+25:00").unwrap_err().code, Code::InvalidOption);
        let req = OpenRequest::from_json(&["x".into()], r#"{"timezone":"America/New_York"}"#).unwrap();
        assert!(matches!(req.options.tz, crate::time::Tz::Rules(z) if z.name == "America/New_York"));
    }
}
