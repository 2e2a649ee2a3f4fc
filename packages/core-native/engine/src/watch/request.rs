//! Watch requests as JSON (what the napi shell passes): one flat object holding the open
//! options (`format`, `timezone`, `year`, `include`), the watch options below, and the query
//! (every other key, as for `search`).

use super::cursor::Cursor;
use super::{Start, Watch, WatchOptions};
use crate::error::{Code, Error, Result};
use crate::query::parse_duration;
use crate::search::Hit;
use crate::session::{args, OpenRequest};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::time::Duration;

const OPEN_KEYS: &[&str] = &["format", "timezone", "year", "include"];
const WATCH_KEYS: &[&str] =
    &["fromStart", "last", "cursor", "fields", "settleMs", "rescanMs", "lingerMs", "polling", "limit", "maxBytes"];

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WatchArgs {
    /// Replay the files from their start first.
    #[serde(default)]
    from_start: bool,
    /// Replay the last duration first (`5m`): from the first record stamped since.
    last: Option<String>,
    /// Resume where a `tail` call left off.
    cursor: Option<String>,
    #[serde(default)]
    fields: bool,
    settle_ms: Option<u64>,
    rescan_ms: Option<u64>,
    linger_ms: Option<u64>,
    /// Rescan only, no filesystem notifications.
    #[serde(default)]
    polling: bool,
    /// `tail`: at most about this many entries per call (default 1000).
    limit: Option<usize>,
    /// `tail`: the entries' JSON stays within this many bytes (at least one entry is
    /// returned); the cursor then stands before the first entry left out.
    max_bytes: Option<usize>,
}

/// What a `tail` call may return at most.
#[derive(Debug, Clone, Copy)]
pub struct TailBounds {
    pub limit: usize,
    pub max_bytes: Option<usize>,
}

/// Parses a watch request; also returns the `tail` bounds.
pub fn from_json(inputs: &[String], json: &str) -> Result<(WatchOptions, TailBounds)> {
    let json = if json.trim().is_empty() { "{}" } else { json };
    let v: Value = serde_json::from_str(json)
        .map_err(|e| Error::new(Code::InvalidOption, format!("bad arguments for watch: {e}")).at("watch"))?;
    let Value::Object(map) = v else {
        return Err(Error::new(Code::InvalidOption, "arguments for watch must be an object").at("watch"));
    };
    let (mut open, mut watch, mut query) = (Map::new(), Map::new(), Map::new());
    for (k, v) in map {
        let part = if OPEN_KEYS.contains(&k.as_str()) {
            &mut open
        } else if WATCH_KEYS.contains(&k.as_str()) {
            &mut watch
        } else {
            &mut query
        };
        part.insert(k, v);
    }
    let open = OpenRequest::from_json(inputs, &Value::Object(open).to_string())?.options;
    let w: WatchArgs = args("watch", &Value::Object(watch).to_string())?;
    let query = serde_json::from_value(Value::Object(query))
        .map_err(|e| Error::new(Code::InvalidOption, format!("bad query for watch: {e}")).at("watch"))?;
    let start = match (w.cursor, w.last, w.from_start) {
        (Some(_), Some(_), _) | (Some(_), _, true) | (None, Some(_), true) => {
            return Err(Error::new(Code::InvalidOption, "use one of cursor, last and fromStart").at("watch"))
        }
        (Some(c), None, false) => Start::Cursor(Cursor::decode(&c)?),
        (None, Some(last), false) => Start::Since(crate::query::now_ns().saturating_sub(parse_duration(&last)?)),
        (None, None, true) => Start::Beginning,
        (None, None, false) => Start::End,
    };
    let d = WatchOptions::default();
    let ms = |v: Option<u64>, default: Duration| v.map_or(default, Duration::from_millis);
    let opts = WatchOptions {
        open,
        query,
        fields: w.fields,
        start,
        settle: ms(w.settle_ms, d.settle),
        rescan: ms(w.rescan_ms, d.rescan).max(Duration::from_millis(10)),
        linger: ms(w.linger_ms, d.linger),
        notify: !w.polling,
    };
    Ok((opts, TailBounds { limit: w.limit.unwrap_or(1000).max(1), max_bytes: w.max_bytes }))
}

/// What `tail` returns: the matching entries new since the cursor, and the next cursor.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TailResult {
    pub entries: Vec<Hit>,
    pub cursor: String,
    /// Files followed.
    pub files: Vec<String>,
    /// Files of the given cursor no longer at any watched path (rotated away, deleted).
    pub lost: Vec<String>,
    /// Files found but not followed (compressed, binary).
    pub skipped: Vec<String>,
    /// More was new than one call returns: call again with `cursor`.
    pub more: bool,
}

/// One `tail` call: starts like a watch (at the end, the start, the last duration or a
/// cursor), returns everything new now and the cursor to continue from.
pub fn tail(inputs: &[String], json: &str) -> Result<TailResult> {
    let (mut opts, bounds) = from_json(inputs, json)?;
    // One look now: no notifications to wait for.
    opts.notify = false;
    let mut w = Watch::new(inputs, opts)?;
    let mut d = w.drain(bounds.limit)?;
    let mut cursor = w.cursor();
    let keep = match bounds.max_bytes {
        Some(budget) => within_bytes(&d.hits, budget),
        None => d.hits.len(),
    };
    if keep < d.hits.len() {
        // Each file with an entry left out resumes at the first of them: what came before it
        // in that file was returned or did not match.
        for (h, id) in d.hits[keep..].iter().zip(&d.from[keep..]) {
            if let Some(m) = cursor.files.iter_mut().find(|m| (m.dev, m.ino) == *id && m.offset > h.entry.offset) {
                m.offset = h.entry.offset;
                m.lines = u64::from(h.entry.line.saturating_sub(1));
            }
        }
        d.hits.truncate(keep);
        d.more = true;
    }
    Ok(TailResult {
        more: d.more,
        cursor: cursor.encode(),
        files: w.followed(),
        lost: std::mem::take(&mut w.lost),
        skipped: w.skipped.iter().map(|s| s.path.clone()).collect(),
        entries: d.hits,
    })
}

/// How many of the first hits fit in `budget` bytes of JSON (at least one).
fn within_bytes(hits: &[Hit], budget: usize) -> usize {
    let mut used = 0;
    for (i, h) in hits.iter().enumerate() {
        used += serde_json::to_string(h).map_or(0, |s| s.len() + 1);
        if used > budget && i > 0 {
            return i;
        }
    }
    hits.len()
}
