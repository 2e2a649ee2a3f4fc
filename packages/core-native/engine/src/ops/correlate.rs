//! `correlate-events`: what happened around an anchor, across every file and service, ranked by
//! how unusual each template is in the window against the baseline before it.
//!
//! The anchor is an entry id, a `FILE:LINE`, a time, or the first match (in time) of a trigger
//! query. The window is `[t − w, t + w]`; the baseline is the time before the window (all of it,
//! or the `baseline` duration just before it). Templates are the session's mined templates (the
//! ids `templates` reports), so nothing is mined twice.
//!
//! Score: a Poisson surprise. A template seen `b` times in a baseline of duration `B` is expected
//! `λ = (b + ½) · W / B` times in a window of duration `W` (the ½ smooths a template never seen
//! before: it is expected half an occurrence per baseline). Seen `k` times in the window, its
//! surprise is `−log10 P(X ≥ k | λ)`: 3 means a burst this large happens by chance once in a
//! thousand windows. Templates seen no more than expected score 0. `rateRatio` is the smoothed
//! rate ratio `((k + ½)/W) / ((b + ½)/B)`, reported beside it.

use super::{basename, is_error, ms, text, time_order};
use crate::entry::Entry;
use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use crate::indexer::Control;
use crate::ops::templates::Templates;
use crate::query::{parse_duration, parse_time_bound};
use crate::record::IdKind;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::sync::atomic::Ordering;

/// Smoothing added to both counts (see the module doc).
pub const SMOOTHING: f64 = 0.5;

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CorrelateArgs {
    /// Anchor: an entry id.
    pub entry: Option<u32>,
    /// Anchor: `FILE:LINE` (a path as opened, or a unique basename).
    pub line: Option<String>,
    /// Anchor: a time (RFC 3339, epoch, or relative to the end of the data: `-10m`).
    pub time: Option<String>,
    /// Anchor: the earliest entry this query matches.
    pub trigger: Option<crate::query::Query>,
    /// Half-width of the window (`30s` before and after the anchor). Default 30s.
    pub window: Option<String>,
    /// Baseline: this long before the window (default: everything before it).
    pub baseline: Option<String>,
    /// Templates listed (default 20).
    pub limit: Option<usize>,
    pub scope: Option<Vec<u32>>,
    pub query: Option<crate::query::Query>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Anchor {
    /// `entry`, `line`, `time` or `trigger`.
    pub kind: &'static str,
    pub ns: i64,
    /// The anchor's entry (none for a time anchor).
    pub entry: Option<Entry>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    pub start_ns: i64,
    pub end_ns: i64,
    pub duration_ms: f64,
    pub entries: u64,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct NameCount {
    pub name: String,
    pub count: u64,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CorrelatedEvent {
    pub template_id: u32,
    pub pattern: String,
    pub window_count: u64,
    pub baseline_count: u64,
    /// λ: occurrences the baseline rate predicts in the window.
    pub expected: f64,
    pub rate_ratio: f64,
    /// −log10 P(X ≥ windowCount | expected), 0 when not above expectation.
    pub surprise: f64,
    /// Never seen in the baseline.
    pub new: bool,
    pub error_count: u64,
    /// Its first entry in the window, and when that was relative to the anchor (negative: before).
    pub first: Entry,
    pub offset_ms: f64,
    /// Services (else files) of its window entries, most first.
    pub services: Vec<NameCount>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CorrelateResult {
    pub anchor: Anchor,
    pub window: Span,
    pub baseline: Span,
    /// No baseline time (the window starts the data): λ is the smoothing alone.
    pub baseline_empty: bool,
    /// Scoped entries without a timestamp (in neither window nor baseline).
    pub untimed: u64,
    /// Distinct templates in the window.
    pub templates: usize,
    pub events: Vec<CorrelatedEvent>,
    pub truncated: bool,
    /// Entries per service (else file) in the window.
    pub services: Vec<NameCount>,
}

fn bad(msg: impl Into<String>) -> Error {
    Error::new(Code::InvalidOption, msg)
}

/// Resolves the anchor to a time (and its entry).
fn anchor(ix: &Index, a: &CorrelateArgs, ctl: &Control) -> Result<(Anchor, Option<u32>)> {
    let given = [a.entry.is_some(), a.line.is_some(), a.time.is_some(), a.trigger.is_some()];
    if given.iter().filter(|&&g| g).count() != 1 {
        return Err(bad("give exactly one anchor: entry, line (FILE:LINE), time or trigger").at("anchor"));
    }
    let of_entry = |kind: &'static str, e: u32| -> Result<(Anchor, Option<u32>)> {
        let ns = ix.ts(e).ok_or_else(|| {
            Error::new(Code::InvalidOption, format!("entry {e} has no timestamp: anchor on a time or another entry"))
                .at(kind)
        })?;
        Ok((Anchor { kind, ns, entry: Some(ix.entry(e, false)) }, Some(e)))
    };
    if let Some(e) = a.entry {
        if e as usize >= ix.len() {
            return Err(Error::new(Code::UnknownId, format!("no entry {e} (the index has {})", ix.len())).at("entry"));
        }
        return of_entry("entry", e);
    }
    if let Some(l) = &a.line {
        let (file, line) = l
            .rsplit_once(':')
            .and_then(|(f, n)| Some((f, n.parse::<u64>().ok()?)))
            .ok_or_else(|| bad(format!("line anchor '{l}' must be FILE:LINE")).at("line"))?;
        let (_, e, _) = super::context::record_at(ix, file, line)?;
        return of_entry("line", e);
    }
    if let Some(t) = &a.time {
        let end = ix.ts_bounds().map_or_else(crate::query::now_ns, |(_, hi)| hi);
        return Ok((Anchor { kind: "time", ns: parse_time_bound(t, end, 0)?, entry: None }, None));
    }
    let q = a.trigger.clone().unwrap_or_default();
    let mut hits = crate::search::select(ix, q, ctl)?;
    hits.retain(|&e| ix.cols.ts[e as usize] != NO_TS);
    time_order(ix, &mut hits);
    match hits.first() {
        Some(&e) => of_entry("trigger", e),
        None => Err(Error::new(Code::UnknownId, "the trigger query matches no timestamped entry").at("trigger")),
    }
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~15 significant digits).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// −log10 P(X ≥ k) for X ~ Poisson(λ); 0 when k ≤ λ (not a burst).
pub fn poisson_surprise(k: u64, lambda: f64) -> f64 {
    let kf = k as f64;
    if k == 0 || kf <= lambda || lambda <= 0.0 {
        return 0.0;
    }
    // log P(X = k), then the tail as a sum of ratios λ/(i+1) < 1 (k > λ), in log space.
    let log_pk = -lambda + kf * lambda.ln() - ln_gamma(kf + 1.0);
    let (mut sum, mut term) = (1.0f64, 1.0f64);
    for i in k..k + 100_000 {
        term *= lambda / (i as f64 + 1.0);
        sum += term;
        if term < sum * 1e-16 {
            break;
        }
    }
    (-(log_pk + sum.ln()) / std::f64::consts::LN_10).max(0.0)
}

/// Services (else file base names) of entries, most first.
fn by_service(ix: &Index, entries: impl Iterator<Item = u32>, top: usize) -> Vec<NameCount> {
    let mut counts: FxHashMap<String, u64> = FxHashMap::default();
    for e in entries {
        let s = ix.id(IdKind::Service, e);
        let name = if s != 0 {
            text(&ix.id_name(IdKind::Service, s))
        } else {
            basename(&ix.files[ix.file_of(e)].source.path).to_string()
        };
        *counts.entry(name).or_default() += 1;
    }
    let mut v: Vec<NameCount> = counts.into_iter().map(|(name, count)| NameCount { name, count }).collect();
    v.sort_unstable_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    v.truncate(top);
    v
}

pub fn correlate(
    ix: &Index,
    scope: &[u32],
    templates: &dyn Templates,
    args: &CorrelateArgs,
    ctl: &Control,
) -> Result<CorrelateResult> {
    let half = parse_duration(args.window.as_deref().unwrap_or("30s")).map_err(|e| e.at("window"))?;
    if half <= 0 {
        return Err(bad("window must be a positive duration").at("window"));
    }
    let baseline_len = args.baseline.as_deref().map(parse_duration).transpose().map_err(|e| e.at("baseline"))?;
    if baseline_len.is_some_and(|b| b <= 0) {
        return Err(bad("baseline must be a positive duration").at("baseline"));
    }
    let limit = args.limit.unwrap_or(20);
    let (anchor, _) = anchor(ix, args, ctl)?;
    let (ws, we) = (anchor.ns.saturating_sub(half), anchor.ns.saturating_add(half));
    let data_start = super::ts_range(ix, scope.iter().copied()).map_or(ws, |(lo, _)| lo);
    let bs = match baseline_len {
        Some(b) => ws.saturating_sub(b).max(data_start.min(ws)),
        None => data_start.min(ws),
    };
    let ids = templates.ids(scope);
    // Per template: (window count, baseline count, window errors).
    let mut counts: FxHashMap<u32, (u64, u64, u64)> = FxHashMap::default();
    let mut in_window: Vec<u32> = Vec::new();
    let mut tid_of: FxHashMap<u32, u32> = FxHashMap::default();
    let (mut base_total, mut untimed) = (0u64, 0u64);
    for (c, (chunk, tids)) in scope.chunks(1 << 16).zip(ids.chunks(1 << 16)).enumerate() {
        if c % 8 == 7 && ctl.cancel.load(Ordering::Relaxed) {
            return Err(Error::new(Code::Cancelled, "correlate-events was cancelled"));
        }
        for (&e, &t) in chunk.iter().zip(tids) {
            let ts = ix.cols.ts[e as usize];
            if ts == NO_TS {
                untimed += 1;
            } else if ts >= ws && ts <= we {
                let s = counts.entry(t).or_default();
                s.0 += 1;
                if is_error(ix.cols.level[e as usize]) {
                    s.2 += 1;
                }
                in_window.push(e);
                tid_of.insert(e, t);
            } else if ts >= bs && ts < ws {
                counts.entry(t).or_default().1 += 1;
                base_total += 1;
            }
        }
    }
    let w_ns = (we - ws) as f64;
    let b_ns = (ws - bs) as f64;
    let baseline_empty = b_ns <= 0.0;
    let mut ranked: Vec<(u32, u64, u64, f64, f64, f64, u64)> = counts
        .iter()
        .filter(|(_, c)| c.0 > 0)
        .map(|(&t, &(k, b, errs))| {
            let lambda = if baseline_empty { SMOOTHING } else { (b as f64 + SMOOTHING) * w_ns / b_ns };
            let ratio =
                if baseline_empty { (k as f64 + SMOOTHING) / SMOOTHING } else { (k as f64 + SMOOTHING) / lambda };
            (t, k, b, lambda, ratio, poisson_surprise(k, lambda), errs)
        })
        .collect();
    ranked.sort_unstable_by(|a, b| b.5.total_cmp(&a.5).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0)));
    let distinct = ranked.len();
    let truncated = distinct > limit;
    ranked.truncate(limit);
    // Window entries of the listed templates, in time order, for their first entry and services.
    time_order(ix, &mut in_window);
    let listed: FxHashMap<u32, usize> = ranked.iter().enumerate().map(|(i, r)| (r.0, i)).collect();
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); ranked.len()];
    for &e in &in_window {
        if let Some(&i) = tid_of.get(&e).and_then(|t| listed.get(t)) {
            members[i].push(e);
        }
    }
    let events = ranked
        .iter()
        .zip(&members)
        .filter_map(|(&(t, k, b, lambda, ratio, surprise, errs), m)| {
            let &first = m.first()?;
            Some(CorrelatedEvent {
                template_id: t,
                pattern: templates.pattern(t).unwrap_or_default(),
                window_count: k,
                baseline_count: b,
                expected: round3(lambda),
                rate_ratio: round3(ratio),
                surprise: round3(surprise),
                new: b == 0,
                error_count: errs,
                first: ix.entry(first, false),
                offset_ms: ms(ix.cols.ts[first as usize] - anchor.ns),
                services: by_service(ix, m.iter().copied(), 5),
            })
        })
        .collect();
    let services = by_service(ix, in_window.iter().copied(), usize::MAX);
    Ok(CorrelateResult {
        anchor,
        window: Span { start_ns: ws, end_ns: we, duration_ms: ms(we - ws), entries: in_window.len() as u64 },
        baseline: Span { start_ns: bs, end_ns: ws, duration_ms: ms(ws - bs), entries: base_total },
        baseline_empty,
        untimed,
        templates: distinct,
        events,
        truncated,
        services,
    })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_tail_matches_known_values() {
        // P(X >= 3 | 1) = 1 - e^-1 (1 + 1 + 1/2) = 0.0803014...
        let p = 1.0 - (-1.0f64).exp() * 2.5;
        assert!((poisson_surprise(3, 1.0) - (-p.log10())).abs() < 1e-9);
        // P(X >= 1 | 0.1) = 1 - e^-0.1
        let p = 1.0 - (-0.1f64).exp();
        assert!((poisson_surprise(1, 0.1) - (-p.log10())).abs() < 1e-9);
        assert_eq!(poisson_surprise(2, 5.0), 0.0);
        // Far tails stay finite and grow with the count.
        let (a, b) = (poisson_surprise(500, 0.001), poisson_surprise(1000, 0.001));
        assert!(a.is_finite() && b > a && a > 1000.0);
        assert!((ln_gamma(10.0) - 362_880f64.ln()).abs() < 1e-9);
    }
}
