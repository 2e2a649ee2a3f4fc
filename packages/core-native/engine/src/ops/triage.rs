//! `triage`: a one-call overview for an on-call engineer or an agent: volume, error rate and
//! its trend, the top error templates, the most affected services and threads, the first
//! error, and the commands worth running next.
//!
//! Trend: the error rate of the last third of the time buckets against the first third:
//! `rising` when it is at least 1.5× higher and higher by at least 1 point, `falling` for the
//! mirror case, else `stable` (`unknown` without timestamps or with fewer than 3 buckets).

use super::templates::Templates;
use super::timeline::ServiceMap;
use super::{bucket_ns, is_error, ms, text, ts_range};
use crate::entry::Entry;
use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use crate::level;
use crate::record::IdKind;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TriageArgs {
    /// Bucket size in ms for the trend (default: a round size giving at most 24 buckets).
    pub bucket_ms: Option<f64>,
    /// Entries in each top list (default 5).
    pub top: Option<usize>,
    /// Entry ids to restrict to; intersected with `query` when both are given.
    pub scope: Option<Vec<u32>>,
    /// The search query model (time range, levels, ids, text, fields, files) scoping the input.
    pub query: Option<crate::query::Query>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TrendBucket {
    pub start_ns: i64,
    pub count: usize,
    pub errors: usize,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TopTemplate {
    pub template: Option<String>,
    pub count: usize,
    pub example: String,
    pub example_entry: u32,
    pub first_ns: Option<i64>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Affected {
    pub name: String,
    pub errors: usize,
    pub entries: usize,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TriageResult {
    pub entries: usize,
    pub start_ns: Option<i64>,
    pub end_ns: Option<i64>,
    pub duration_ms: Option<f64>,
    pub levels: BTreeMap<&'static str, usize>,
    pub errors: usize,
    pub error_rate: f64,
    /// `rising`, `falling`, `stable` or `unknown`.
    pub trend: &'static str,
    pub bucket_ms: Option<f64>,
    pub buckets: Vec<TrendBucket>,
    pub top_errors: Vec<TopTemplate>,
    /// Error templates that start partway through the scope (see `error-flow`): what changed.
    pub emerging_errors: Vec<super::error_flow::Emerging>,
    /// By error count (service id, else file name).
    pub services: Vec<Affected>,
    pub threads: Vec<Affected>,
    pub first_error: Option<Entry>,
    pub suggestions: Vec<String>,
}

/// Quotes an argument for a POSIX shell when it needs it.
fn shell(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:/@=+,".contains(&b)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn trend(buckets: &[TrendBucket]) -> &'static str {
    if buckets.len() < 3 {
        return "unknown";
    }
    let third = buckets.len() / 3;
    let rate = |b: &[TrendBucket]| {
        let (c, e) = b.iter().fold((0usize, 0usize), |(c, e), x| (c + x.count, e + x.errors));
        if c == 0 {
            0.0
        } else {
            e as f64 / c as f64
        }
    };
    let (a, z) = (rate(&buckets[..third]), rate(&buckets[buckets.len() - third..]));
    if z >= a * 1.5 && z - a >= 0.01 {
        "rising"
    } else if a >= z * 1.5 && a - z >= 0.01 {
        "falling"
    } else {
        "stable"
    }
}

pub fn triage(ix: &Index, scope: &[u32], templates: &dyn Templates, args: &TriageArgs) -> Result<TriageResult> {
    let top = args.top.unwrap_or(5);
    if top == 0 {
        return Err(Error::new(Code::InvalidOption, "top must be at least 1"));
    }
    let range = ts_range(ix, scope.iter().copied());
    let mut levels: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut lv = [0usize; 25];
    let mut errors: Vec<u32> = Vec::new();
    for &e in scope {
        let l = ix.cols.level[e as usize];
        lv[l.min(24) as usize] += 1;
        if is_error(l) {
            errors.push(e);
        }
    }
    for (l, &c) in lv.iter().enumerate() {
        if c > 0 {
            *levels.entry(level::name(l as u8)).or_default() += c;
        }
    }
    // Trend buckets.
    let mut buckets = Vec::new();
    let mut bucket = None;
    if let Some((lo, hi)) = range {
        let b = bucket_ns(lo, hi, args.bucket_ms, 24)?;
        bucket = Some(b);
        let nb = ((hi - lo) / b + 1) as usize;
        let mut counts = vec![(0usize, 0usize); nb];
        for &e in scope {
            let t = ix.cols.ts[e as usize];
            if t != NO_TS {
                let i = ((t - lo) / b) as usize;
                counts[i].0 += 1;
                if is_error(ix.cols.level[e as usize]) {
                    counts[i].1 += 1;
                }
            }
        }
        buckets = counts
            .iter()
            .enumerate()
            .map(|(i, &(count, errors))| TrendBucket { start_ns: lo + i as i64 * b, count, errors })
            .collect();
    }
    // Errors in time order for "first error".
    let first_error = errors
        .iter()
        .copied()
        .min_by_key(|&e| (if ix.cols.ts[e as usize] == NO_TS { i64::MAX } else { ix.cols.ts[e as usize] }, e));
    // Top error templates.
    let tids = templates.ids(&errors);
    let mut by_t: FxHashMap<u32, (usize, u32)> = FxHashMap::default();
    for (&t, &e) in tids.iter().zip(&errors) {
        let a = by_t.entry(t).or_insert((0, e));
        a.0 += 1;
    }
    let mut tops: Vec<(u32, usize, u32)> = by_t.into_iter().map(|(t, (c, e))| (t, c, e)).collect();
    tops.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    let top_errors = tops
        .iter()
        .take(top)
        .map(|&(t, count, e)| TopTemplate {
            template: templates.pattern(t),
            count,
            example: ix.message(e),
            example_entry: e,
            first_ns: ix.ts(e),
        })
        .collect();
    // Most affected services and threads (by errors, then volume).
    let svc = ServiceMap::new(ix, None)?;
    let mut emerging_errors =
        super::error_flow::emerging_errors(ix, &errors, templates, |e| svc.name(ix, svc.key(ix, e)));
    emerging_errors.truncate(top);
    let mut svc_acc: FxHashMap<(u32, usize), (usize, usize)> = FxHashMap::default();
    let tn = ix.interner(IdKind::Thread).count();
    let mut thr_acc = vec![(0usize, 0usize); tn];
    for &e in scope {
        let err = is_error(ix.cols.level[e as usize]) as usize;
        let a = svc_acc.entry(svc.key(ix, e)).or_default();
        a.0 += err;
        a.1 += 1;
        let th = ix.id(IdKind::Thread, e) as usize;
        if th != 0 {
            thr_acc[th].0 += err;
            thr_acc[th].1 += 1;
        }
    }
    let mut services: Vec<Affected> = svc_acc
        .into_iter()
        .filter(|(_, a)| a.0 > 0)
        .map(|(k, a)| Affected { name: svc.name(ix, k), errors: a.0, entries: a.1 })
        .collect();
    services.sort_by(|a, b| b.errors.cmp(&a.errors).then(b.entries.cmp(&a.entries)).then(a.name.cmp(&b.name)));
    services.truncate(top);
    let mut thr: Vec<usize> = (1..tn).filter(|&t| thr_acc[t].0 > 0).collect();
    thr.sort_by(|&a, &b| thr_acc[b].0.cmp(&thr_acc[a].0).then(thr_acc[b].1.cmp(&thr_acc[a].1)).then(a.cmp(&b)));
    let threads = thr
        .iter()
        .take(top)
        .map(|&t| Affected {
            name: text(&ix.id_name(IdKind::Thread, t as u32)),
            errors: thr_acc[t].0,
            entries: thr_acc[t].1,
        })
        .collect();
    // Suggestions, most specific first.
    let mut suggestions = Vec::new();
    if let Some(e) = first_error {
        for kind in [IdKind::Request, IdKind::Trace] {
            let id = ix.id(kind, e);
            if id != 0 {
                let v = shell(&text(&ix.id_name(kind, id)));
                suggestions.push(format!("logsift error-flow <sources> --id {v}"));
                suggestions.push(format!("logsift follow <sources> --id {v}"));
                suggestions.push(format!("logsift hierarchy <sources> --id {v}"));
                suggestions.push(format!("logsift timeline <sources> --id {v}"));
                break;
            }
        }
        let th = ix.id(IdKind::Thread, e);
        if th != 0 && suggestions.is_empty() {
            suggestions
                .push(format!("logsift follow <sources> --id {}", shell(&text(&ix.id_name(IdKind::Thread, th)))));
        }
        let f = &ix.files[ix.file_of(e)];
        suggestions.push(format!("logsift context <sources> --file {} --line {}", shell(&f.source.path), ix.line(e)));
    }
    if !errors.is_empty() {
        suggestions.push("logsift error-flow <sources>".to_string());
        suggestions.push("logsift templates <sources> --errors-only".to_string());
        suggestions.push("logsift sample <sources> --strategy errors".to_string());
    } else {
        suggestions.push("logsift sample <sources> --strategy diverse".to_string());
    }
    suggestions.push("logsift metrics <sources>".to_string());
    let buckets_ref = &buckets;
    Ok(TriageResult {
        entries: scope.len(),
        start_ns: range.map(|r| r.0),
        end_ns: range.map(|r| r.1),
        duration_ms: range.map(|(a, b)| ms(b - a)),
        levels,
        errors: errors.len(),
        error_rate: if scope.is_empty() { 0.0 } else { errors.len() as f64 / scope.len() as f64 },
        trend: trend(buckets_ref),
        bucket_ms: bucket.map(ms),
        top_errors,
        emerging_errors,
        services,
        threads,
        first_error: first_error.map(|e| ix.entry(e, false)),
        suggestions,
        buckets,
    })
}
