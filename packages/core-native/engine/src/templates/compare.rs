//! `diff` (two time periods) and `compare` (two requests or threads) by template.
//!
//! Both sides are mined with one miner, side A first then side B, so a template id means
//! the same thing on both sides. Callers resolve ids or time windows to entry lists.

use super::{add_entry, is_error, Config, Mined, TemplateMiner};
use crate::index::Index;
use serde::Serialize;

/// Volume and error rate of one period.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PeriodSide {
    pub entries: u64,
    pub errors: u64,
    /// errors / entries (0 for an empty period).
    pub error_rate: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_ns: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_ns: Option<i64>,
}

/// A template's presence in both periods. Shares are count / period entries, so periods of
/// different lengths or volumes compare fairly.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TemplateChange {
    pub template_id: u32,
    pub pattern: String,
    pub count_a: u64,
    pub count_b: u64,
    pub share_a: f64,
    pub share_b: f64,
    /// share_b − share_a: the part of the volume that moved to (+) or from (−) this template.
    pub change: f64,
    /// An example entry (from B when present there, else from A).
    pub example: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PeriodDiff {
    pub a: PeriodSide,
    pub b: PeriodSide,
    /// In B but not in A, most frequent first.
    pub appeared: Vec<TemplateChange>,
    /// In A but not in B, most frequent first.
    pub vanished: Vec<TemplateChange>,
    /// In both, largest |change| first.
    pub changed: Vec<TemplateChange>,
    /// Distinct templates over both periods.
    pub template_count: u32,
}

fn side(index: &Index, entries: &[u32]) -> PeriodSide {
    let errors = entries.iter().filter(|&&e| is_error(index, e)).count() as u64;
    let ts = entries.iter().filter_map(|&e| index.ts(e));
    let (first_ns, last_ns) = ts.fold((None, None), |(f, l): (Option<i64>, Option<i64>), t| {
        (Some(f.map_or(t, |f| f.min(t))), Some(l.map_or(t, |l| l.max(t))))
    });
    let n = entries.len() as u64;
    PeriodSide {
        entries: n,
        errors,
        error_rate: if n == 0 { 0.0 } else { errors as f64 / n as f64 },
        first_ns,
        last_ns,
    }
}

/// Template ids of both sides from one miner (A first).
fn mine_both(index: &Index, a: &[u32], b: &[u32]) -> (Mined, Vec<u32>, Vec<u32>) {
    let mut miner = TemplateMiner::new(Config::default());
    let ta: Vec<u32> = a.iter().map(|&e| add_entry(&mut miner, index, e)).collect();
    let tb: Vec<u32> = b.iter().map(|&e| add_entry(&mut miner, index, e)).collect();
    let mined = miner.finish();
    let ta = ta.into_iter().map(|t| mined.template_of(t)).collect();
    let tb = tb.into_iter().map(|t| mined.template_of(t)).collect();
    (mined, ta, tb)
}

/// Compares two periods: volume, error rate, and the `top` templates that appeared,
/// vanished, or changed their share of the volume the most.
pub fn diff_periods(index: &Index, a: &[u32], b: &[u32], top: usize) -> PeriodDiff {
    let (miner, ta, tb) = mine_both(index, a, b);
    let n = miner.len();
    let (mut ca, mut cb) = (vec![0u64; n], vec![0u64; n]);
    let mut example = vec![u32::MAX; n];
    for (&e, &t) in a.iter().zip(&ta) {
        ca[t as usize] += 1;
        if example[t as usize] == u32::MAX {
            example[t as usize] = e;
        }
    }
    let mut example_b = vec![u32::MAX; n];
    for (&e, &t) in b.iter().zip(&tb) {
        cb[t as usize] += 1;
        if example_b[t as usize] == u32::MAX {
            example_b[t as usize] = e;
        }
    }
    let share = |c: u64, total: usize| if total == 0 { 0.0 } else { c as f64 / total as f64 };
    let changes: Vec<TemplateChange> = (0..n)
        .map(|t| {
            let (share_a, share_b) = (share(ca[t], a.len()), share(cb[t], b.len()));
            TemplateChange {
                template_id: t as u32,
                pattern: miner.pattern(t as u32).to_string(),
                count_a: ca[t],
                count_b: cb[t],
                share_a,
                share_b,
                change: share_b - share_a,
                example: if example_b[t] != u32::MAX { example_b[t] } else { example[t] },
            }
        })
        .collect();
    let pick = |keep: &dyn Fn(&TemplateChange) -> bool, key: &dyn Fn(&TemplateChange) -> f64| {
        let mut v: Vec<TemplateChange> = changes.iter().filter(|c| keep(c)).cloned().collect();
        v.sort_by(|x, y| key(y).total_cmp(&key(x)).then(x.template_id.cmp(&y.template_id)));
        v.truncate(top);
        v
    };
    PeriodDiff {
        a: side(index, a),
        b: side(index, b),
        appeared: pick(&|c| c.count_a == 0 && c.count_b > 0, &|c| c.count_b as f64),
        vanished: pick(&|c| c.count_a > 0 && c.count_b == 0, &|c| c.count_a as f64),
        changed: pick(&|c| c.count_a > 0 && c.count_b > 0 && c.change != 0.0, &|c| c.change.abs()),
        template_count: n as u32,
    }
}

/// One side of a sequence comparison.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SequenceSide {
    pub entries: u64,
    pub errors: u64,
    /// `error` when any entry is at ERROR or above, else `ok`.
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_ns: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_ns: Option<i64>,
    /// last − first timestamp (none without timestamps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ns: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<u32>,
}

/// The entry at a position of one sequence, with its template.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SequenceStep {
    pub entry: u32,
    pub template_id: u32,
    pub pattern: String,
}

/// The first position where the two template sequences differ. A side that has already
/// ended at that position has no step.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Divergence {
    pub index: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a: Option<SequenceStep>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<SequenceStep>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Compare {
    pub a: SequenceSide,
    pub b: SequenceSide,
    /// None when both sequences have the same templates in the same order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub divergence: Option<Divergence>,
}

fn sequence_side(index: &Index, entries: &[u32]) -> SequenceSide {
    let p = side(index, entries);
    let first_error = entries.iter().copied().find(|&e| is_error(index, e));
    SequenceSide {
        entries: p.entries,
        errors: p.errors,
        outcome: if p.errors > 0 { "error" } else { "ok" },
        first_ns: p.first_ns,
        last_ns: p.last_ns,
        duration_ns: p.first_ns.zip(p.last_ns).map(|(f, l)| l - f),
        first_error,
    }
}

/// Compares two entry sequences (each in the order given, normally time order).
pub fn compare_sequences(index: &Index, a: &[u32], b: &[u32]) -> Compare {
    let (miner, ta, tb) = mine_both(index, a, b);
    let step = |entries: &[u32], ids: &[u32], i: usize| {
        entries.get(i).map(|&entry| SequenceStep {
            entry,
            template_id: ids[i],
            pattern: miner.pattern(ids[i]).to_string(),
        })
    };
    let common = ta.iter().zip(&tb).position(|(x, y)| x != y);
    let at = match common {
        Some(i) => Some(i),
        None if ta.len() != tb.len() => Some(ta.len().min(tb.len())),
        None => None,
    };
    Compare {
        a: sequence_side(index, a),
        b: sequence_side(index, b),
        divergence: at.map(|i| Divergence { index: i as u32, a: step(a, &ta, i), b: step(b, &tb, i) }),
    }
}
