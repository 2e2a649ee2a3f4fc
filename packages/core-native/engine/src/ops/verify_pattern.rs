//! `verify-pattern REGEX`: tests a hypothesis ("every timeout names a pool", "user ids are
//! 5 digits") over a scope. A regex with named groups is run over each entry's message (or
//! raw record): how many entries match, each named group's distinct values (top N with
//! counts), the first and last match in time, and a histogram of the matches over time.
//!
//! Rust's `regex` never backtracks, so matching is linear in the text and no pattern can hang
//! the scan; a "catastrophic" pattern here is one whose automaton is too big to build. The
//! compiled program is bounded by `PATTERN_SIZE_LIMIT` (REGEX_TOO_LARGE past it) and the lazy
//! DFA's cache by `PATTERN_DFA_LIMIT` (past it the regex crate falls back to a slower engine,
//! still linear).
//!
//! The scan runs in parallel over chunks of the scope. The regex crate finds a match with its
//! lazy DFA and runs the capture engine on the matched span only, so entries that do not match
//! cost one DFA pass.

use super::{bucket_ns, is_error, ts_range};
use crate::entry::Entry;
use crate::error::{Code, Error, Result};
use crate::index::{Index, FLAG_MSG_ESCAPED, NO_TS};
use crate::indexer::Control;
use crate::query::text::compile_regex_bounded;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::atomic::Ordering;

/// Bound of the compiled program (`RegexBuilder::size_limit`): generous for real patterns,
/// small enough that building it takes milliseconds.
pub const PATTERN_SIZE_LIMIT: usize = 10 << 20;
/// Bound of the lazy DFA's cache per search thread (`RegexBuilder::dfa_size_limit`).
pub const PATTERN_DFA_LIMIT: usize = 8 << 20;
/// Most values listed per group.
const MAX_TOP: usize = 1000;
/// Distinct values kept per group: past it, further new values are counted in `otherValues`
/// (memory stays bounded on a group that captures unique ids).
const MAX_DISTINCT: usize = 100_000;

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifyPatternArgs {
    /// The regex (Rust syntax), usually with named groups `(?P<name>...)` or `(?<name>...)`.
    pub pattern: String,
    /// Match the whole raw record instead of the message.
    #[serde(default)]
    pub raw: bool,
    /// Values listed per group (default 10).
    pub top: Option<usize>,
    /// Histogram bucket in ms (default: a round size giving at most 60 buckets).
    pub bucket_ms: Option<f64>,
    /// Matching entries returned as examples (default 3).
    pub examples: Option<usize>,
    pub scope: Option<Vec<u32>>,
    pub query: Option<crate::query::Query>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ValueCount {
    pub value: String,
    pub count: u64,
    /// Share of the group's captured values.
    pub share: f64,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GroupValues {
    pub name: String,
    /// Matches in which the group took part (an optional group may not).
    pub captured: u64,
    pub distinct: usize,
    /// Whether `distinct` stopped at the bound (further new values not told apart).
    pub distinct_capped: bool,
    pub top: Vec<ValueCount>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Histogram {
    pub bucket_ms: f64,
    pub start_ns: i64,
    /// Matches per bucket, from `startNs`.
    pub counts: Vec<u64>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VerifyPatternResult {
    pub pattern: String,
    /// Named groups, in pattern order.
    pub groups: Vec<String>,
    /// Entries tested (the scope).
    pub scanned: usize,
    pub matches: u64,
    /// matches / scanned.
    pub match_rate: f64,
    /// Matches at ERROR or above.
    pub error_matches: u64,
    /// Earliest and latest match in time (entry order for entries without a timestamp).
    pub first: Option<Entry>,
    pub last: Option<Entry>,
    pub values: Vec<GroupValues>,
    /// None when no match has a timestamp.
    pub histogram: Option<Histogram>,
    pub examples: Vec<Entry>,
}

/// What one chunk of the scan found.
#[derive(Default)]
struct Part {
    matched: Vec<u32>,
    errors: u64,
    /// Per named group: value → count, and matches capturing it.
    values: Vec<FxHashMap<Vec<u8>, u64>>,
    captured: Vec<u64>,
    capped: Vec<bool>,
}

impl Part {
    fn new(groups: usize) -> Part {
        Part {
            values: vec![FxHashMap::default(); groups],
            captured: vec![0; groups],
            capped: vec![false; groups],
            ..Part::default()
        }
    }

    fn merge(mut self, o: Part) -> Part {
        self.matched.extend(o.matched);
        self.errors += o.errors;
        for g in 0..self.values.len() {
            self.captured[g] += o.captured[g];
            self.capped[g] |= o.capped[g];
            for (v, n) in o.values[g].iter() {
                if let Some(c) = self.values[g].get_mut(v) {
                    *c += n;
                } else if self.values[g].len() < MAX_DISTINCT {
                    self.values[g].insert(v.clone(), *n);
                } else {
                    self.capped[g] = true;
                }
            }
        }
        self
    }
}

/// The text a pattern is matched against: the message (JSON escapes decoded) or the raw record.
fn text(ix: &Index, e: u32, raw: bool) -> Cow<'_, [u8]> {
    if raw {
        Cow::Borrowed(ix.raw(e))
    } else if ix.cols.flags[e as usize] & FLAG_MSG_ESCAPED != 0 {
        Cow::Owned(ix.message(e).into_bytes())
    } else {
        Cow::Borrowed(ix.message_bytes(e))
    }
}

pub fn verify_pattern(
    ix: &Index,
    scope: &[u32],
    args: &VerifyPatternArgs,
    ctl: &Control,
) -> Result<VerifyPatternResult> {
    if args.pattern.is_empty() {
        return Err(Error::new(Code::InvalidOption, "a pattern is required").at("pattern"));
    }
    let top = args.top.unwrap_or(10);
    if top > MAX_TOP {
        return Err(Error::new(Code::InvalidOption, format!("top is limited to {MAX_TOP}, got {top}")).at("top"));
    }
    let re = compile_regex_bounded(&args.pattern, PATTERN_SIZE_LIMIT, Some(PATTERN_DFA_LIMIT))?;
    // (capture index, name) of the named groups.
    let named: Vec<(usize, String)> =
        re.capture_names().enumerate().filter_map(|(i, n)| n.map(|n| (i, n.to_string()))).collect();
    let chunks: Vec<&[u32]> = scope.chunks(1 << 14).collect();
    let part = chunks
        .into_par_iter()
        .map(|chunk| {
            let mut p = Part::new(named.len());
            if ctl.cancel.load(Ordering::Relaxed) {
                return p;
            }
            let mut locs = re.capture_locations();
            for &e in chunk {
                let t = text(ix, e, args.raw);
                // With groups, one capture search (a DFA finds the match, the capture engine
                // runs on its span only); without, the cheaper yes/no test.
                let hit = if named.is_empty() { re.is_match(&t) } else { re.captures_read(&mut locs, &t).is_some() };
                if !hit {
                    continue;
                }
                p.matched.push(e);
                if is_error(ix.cols.level[e as usize]) {
                    p.errors += 1;
                }
                for (g, (ci, _)) in named.iter().enumerate() {
                    let Some((a, b)) = locs.get(*ci) else { continue };
                    p.captured[g] += 1;
                    let v = &t[a..b];
                    if let Some(c) = p.values[g].get_mut(v) {
                        *c += 1;
                    } else if p.values[g].len() < MAX_DISTINCT {
                        p.values[g].insert(v.to_vec(), 1);
                    } else {
                        p.capped[g] = true;
                    }
                }
            }
            p
        })
        .reduce(|| Part::new(named.len()), Part::merge);
    if ctl.cancel.load(Ordering::Relaxed) {
        return Err(Error::new(Code::Cancelled, "verify-pattern was cancelled"));
    }
    let matched = &part.matched;
    let values = named
        .iter()
        .enumerate()
        .map(|(g, (_, name))| {
            let mut list: Vec<(&Vec<u8>, u64)> = part.values[g].iter().map(|(v, &n)| (v, n)).collect();
            list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let captured = part.captured[g];
            GroupValues {
                name: name.clone(),
                captured,
                distinct: list.len(),
                distinct_capped: part.capped[g],
                top: list
                    .iter()
                    .take(top)
                    .map(|&(v, n)| ValueCount {
                        value: String::from_utf8_lossy(v).into_owned(),
                        count: n,
                        share: if captured > 0 { n as f64 / captured as f64 } else { 0.0 },
                    })
                    .collect(),
            }
        })
        .collect();
    // Earliest / latest by (timestamp, entry); untimed entries sort after the timed ones.
    let key = |e: u32| {
        let t = ix.cols.ts[e as usize];
        (t == NO_TS, t, e)
    };
    let first = matched.iter().copied().min_by_key(|&e| key(e));
    let last = matched.iter().copied().max_by_key(|&e| {
        let t = ix.cols.ts[e as usize];
        (t != NO_TS, t, e)
    });
    let histogram = match ts_range(ix, matched.iter().copied()) {
        Some((lo, hi)) => {
            let size = bucket_ns(lo, hi, args.bucket_ms, 60)?;
            let mut counts = vec![0u64; ((hi - lo) / size) as usize + 1];
            for &e in matched {
                let t = ix.cols.ts[e as usize];
                if t != NO_TS {
                    counts[((t - lo) / size) as usize] += 1;
                }
            }
            Some(Histogram { bucket_ms: super::ms(size), start_ns: lo, counts })
        }
        None => None,
    };
    let n_examples = args.examples.unwrap_or(3).min(100);
    Ok(VerifyPatternResult {
        pattern: args.pattern.clone(),
        groups: named.into_iter().map(|(_, n)| n).collect(),
        scanned: scope.len(),
        matches: matched.len() as u64,
        match_rate: if scope.is_empty() { 0.0 } else { matched.len() as f64 / scope.len() as f64 },
        error_matches: part.errors,
        first: first.map(|e| ix.entry(e, false)),
        last: last.map(|e| ix.entry(e, false)),
        values,
        histogram,
        examples: matched.iter().take(n_examples).map(|&e| ix.entry(e, false)).collect(),
    })
}
