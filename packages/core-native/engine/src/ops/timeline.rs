//! `timeline`: a cross-service timeline of a request / trace id (or of the scope, e.g. a time
//! window): each record attributed to a service, times relative to the first record, the
//! gaps longer than a threshold, and a per-service breakdown.
//!
//! Service attribution per record: its service id; else the `services` option mapping its
//! file (full path or basename) to a name; else the file's basename.

use super::correlate_rules::Virtual;
use super::{basename, is_error, ms, page, resolve_any, restrict, text, time_order, KindMatch};
use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use crate::level;
use crate::record::IdKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Service names of records (see the module doc).
pub struct ServiceMap {
    per_file: Vec<(String, &'static str)>,
}

impl ServiceMap {
    /// Every mapping key must name an open file, else INVALID_OPTION (a typo must not silently
    /// fall back to basenames).
    pub fn new(ix: &Index, mapping: Option<&BTreeMap<String, String>>) -> Result<ServiceMap> {
        let mut per_file: Vec<(String, &'static str)> =
            ix.files.iter().map(|f| (basename(&f.source.path).to_string(), "file")).collect();
        if let Some(m) = mapping {
            for (key, svc) in m {
                let mut hit = false;
                for (i, f) in ix.files.iter().enumerate() {
                    if f.source.path == *key || basename(&f.source.path) == key {
                        per_file[i] = (svc.clone(), "mapping");
                        hit = true;
                    }
                }
                if !hit {
                    return Err(
                        Error::new(Code::InvalidOption, format!("services: no open file matches '{key}'")).at(key)
                    );
                }
            }
        }
        Ok(ServiceMap { per_file })
    }

    /// (service id, file index): the service id when the record has one, else its file.
    #[inline]
    pub fn key(&self, ix: &Index, e: u32) -> (u32, usize) {
        let s = ix.id(IdKind::Service, e);
        if s != 0 {
            (s, usize::MAX)
        } else {
            (0, ix.file_of(e))
        }
    }

    pub fn name(&self, ix: &Index, key: (u32, usize)) -> String {
        if key.0 != 0 {
            text(&ix.id_name(IdKind::Service, key.0))
        } else {
            self.per_file.get(key.1).map_or_else(String::new, |p| p.0.clone())
        }
    }

    /// How the name was found: `field`, `mapping` or `file`.
    pub fn source(&self, key: (u32, usize)) -> &'static str {
        if key.0 != 0 {
            "field"
        } else {
            self.per_file.get(key.1).map_or("file", |p| p.1)
        }
    }
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TimelineArgs {
    /// A request / trace (or any followable) id; without it, the whole scope.
    pub id: Option<String>,
    pub kind: Option<String>,
    /// Gaps between consecutive records longer than this are reported (default 1000 ms).
    pub gap_ms: Option<f64>,
    /// Service per file path or basename, for records without a service id.
    pub services: Option<BTreeMap<String, String>>,
    /// Page of timeline items (default offset 0, limit 1000).
    #[serde(default)]
    pub offset: usize,
    pub limit: Option<usize>,
    /// Entry ids to restrict to; intersected with `query` when both are given.
    pub scope: Option<Vec<u32>>,
    /// The search query model (time range, levels, ids, text, fields, files) scoping the input.
    pub query: Option<crate::query::Query>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TimelineItem {
    pub entry: u32,
    pub ts_ns: Option<i64>,
    /// Milliseconds since the first record with a timestamp.
    pub rel_ms: Option<f64>,
    pub service: String,
    pub level: &'static str,
    pub message: String,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Gap {
    pub after_entry: u32,
    pub before_entry: u32,
    pub start_ns: i64,
    pub end_ns: i64,
    pub rel_ms: f64,
    pub ms: f64,
    pub from_service: String,
    pub to_service: String,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServiceBreakdown {
    pub service: String,
    /// `field`, `mapping` or `file`.
    pub source: &'static str,
    pub count: usize,
    pub errors: usize,
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    pub first_rel_ms: Option<f64>,
    pub last_rel_ms: Option<f64>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TimelineResult {
    pub id: Option<String>,
    pub kind: Option<&'static str>,
    pub matched_kinds: Vec<KindMatch>,
    pub total: usize,
    pub start_ns: Option<i64>,
    pub end_ns: Option<i64>,
    pub duration_ms: Option<f64>,
    pub gap_ms: f64,
    pub gaps: Vec<Gap>,
    /// Services in order of first appearance.
    pub services: Vec<ServiceBreakdown>,
    pub offset: usize,
    pub limit: usize,
    pub items: Vec<TimelineItem>,
}

/// count, errors, first ts, last ts.
type Tally = (usize, usize, Option<i64>, Option<i64>);

pub fn timeline(ix: &Index, scope: &[u32], args: &TimelineArgs) -> Result<TimelineResult> {
    timeline_in(ix, None, scope, args)
}

/// `timeline`, with the virtual trace ids of correlation rules (`virt`) accepted too.
pub fn timeline_in(ix: &Index, virt: Option<&Virtual>, scope: &[u32], args: &TimelineArgs) -> Result<TimelineResult> {
    let gap_ms = args.gap_ms.unwrap_or(1000.0);
    if !(gap_ms.is_finite() && gap_ms >= 0.0) {
        return Err(Error::new(Code::InvalidOption, format!("gapMs must be a number ≥ 0, got {gap_ms}")));
    }
    let limit = args.limit.unwrap_or(1000);
    if limit == 0 {
        return Err(Error::new(Code::InvalidOption, "limit must be at least 1"));
    }
    let svc = ServiceMap::new(ix, args.services.as_ref())?;
    let (mut entries, kind, matched) = match &args.id {
        Some(id) => {
            let r = resolve_any(ix, virt, id, args.kind.as_deref())?;
            (restrict(ix, scope, &r.entries), Some(r.kind), r.matched_kinds)
        }
        None => {
            if args.kind.is_some() {
                return Err(Error::new(Code::InvalidOption, "kind needs an id"));
            }
            (scope.to_vec(), None, Vec::new())
        }
    };
    time_order(ix, &mut entries);
    let ts_of = |e: u32| Some(ix.cols.ts[e as usize]).filter(|&t| t != NO_TS);
    let start = entries.iter().find_map(|&e| ts_of(e));
    let end = entries.iter().rev().find_map(|&e| ts_of(e));
    let rel = |t: Option<i64>| Some(ms(t? - start?));
    // Per-service breakdown, keyed by (service id, file) so names are built once per key.
    let mut order: Vec<(u32, usize)> = Vec::new();
    let mut acc: rustc_hash::FxHashMap<(u32, usize), Tally> = Default::default();
    let mut gaps = Vec::new();
    let mut prev: Option<(u32, i64)> = None;
    let gap_ns = (gap_ms * 1e6) as i64;
    for &e in &entries {
        let key = svc.key(ix, e);
        let a = acc.entry(key).or_insert_with(|| {
            order.push(key);
            (0, 0, None, None)
        });
        a.0 += 1;
        if is_error(ix.cols.level[e as usize]) {
            a.1 += 1;
        }
        if let Some(t) = ts_of(e) {
            a.2 = Some(a.2.map_or(t, |x: i64| x.min(t)));
            a.3 = Some(a.3.map_or(t, |x: i64| x.max(t)));
            if let Some((pe, pt)) = prev {
                if t - pt > gap_ns {
                    gaps.push(Gap {
                        after_entry: pe,
                        before_entry: e,
                        start_ns: pt,
                        end_ns: t,
                        rel_ms: rel(Some(pt)).unwrap_or(0.0),
                        ms: ms(t - pt),
                        from_service: svc.name(ix, svc.key(ix, pe)),
                        to_service: svc.name(ix, key),
                    });
                }
            }
            prev = Some((e, t));
        }
    }
    let services = order
        .iter()
        .map(|&k| {
            let a = acc[&k];
            ServiceBreakdown {
                service: svc.name(ix, k),
                source: svc.source(k),
                count: a.0,
                errors: a.1,
                first_ns: a.2,
                last_ns: a.3,
                first_rel_ms: rel(a.2),
                last_rel_ms: rel(a.3),
            }
        })
        .collect();
    let items = page(&entries, args.offset, limit)
        .iter()
        .map(|&e| TimelineItem {
            entry: e,
            ts_ns: ts_of(e),
            rel_ms: rel(ts_of(e)),
            service: svc.name(ix, svc.key(ix, e)),
            level: level::name(ix.cols.level[e as usize]),
            message: ix.message(e),
        })
        .collect();
    Ok(TimelineResult {
        id: args.id.clone(),
        kind,
        matched_kinds: matched,
        total: entries.len(),
        start_ns: start,
        end_ns: end,
        duration_ms: match (start, end) {
            (Some(a), Some(b)) => Some(ms(b - a)),
            _ => None,
        },
        gap_ms,
        gaps,
        services,
        offset: args.offset,
        limit,
        items,
    })
}
