//! Summary statistics of an index: per file and in total.

use crate::index::{Index, TsStats, NO_TS};
use crate::level;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TimeRange {
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    pub first: Option<String>,
    pub last: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FileStats {
    pub path: String,
    pub bytes: u64,
    pub compression: Option<&'static str>,
    pub lines: u64,
    pub entries: u64,
    pub format: &'static str,
    pub format_confidence: f64,
    /// The learned layout: header fields, separators, continuation rule, confidence.
    pub layout: crate::format::describe::LayoutInfo,
    pub time_range: TimeRange,
    /// Entries per canonical level name (only levels that occur).
    pub levels: BTreeMap<&'static str, u64>,
    /// Entries that had no timestamp.
    pub without_timestamp: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub files: Vec<FileStats>,
    pub bytes: u64,
    pub lines: u64,
    pub entries: u64,
    pub time_range: TimeRange,
    pub levels: BTreeMap<&'static str, u64>,
    /// Native heap held by the index (columns, ids, postings), excluding mapped file pages.
    pub index_bytes: u64,
}

fn range(ts: &[i64]) -> TimeRange {
    let Some((lo, hi)) = TsStats::of(ts).bounds else {
        return TimeRange::default();
    };
    TimeRange {
        first_ns: Some(lo),
        last_ns: Some(hi),
        first: Some(crate::time::format_ns(lo)),
        last: Some(crate::time::format_ns(hi)),
    }
}

fn merge_range(a: &TimeRange, b: &TimeRange) -> TimeRange {
    let lo = [a.first_ns, b.first_ns].into_iter().flatten().min();
    let hi = [a.last_ns, b.last_ns].into_iter().flatten().max();
    TimeRange { first_ns: lo, last_ns: hi, first: lo.map(crate::time::format_ns), last: hi.map(crate::time::format_ns) }
}

impl Index {
    pub fn stats(&self) -> Stats {
        let mut files = Vec::with_capacity(self.files.len());
        let mut total_levels: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut total_range = TimeRange::default();
        for f in &self.files {
            let r = f.first as usize..(f.first + f.count) as usize;
            let mut counts = [0u64; 25];
            for &l in &self.cols.level[r.clone()] {
                counts[l.min(24) as usize] += 1;
            }
            let mut levels = BTreeMap::new();
            for (sev, &n) in counts.iter().enumerate() {
                if n > 0 {
                    *levels.entry(level::name(sev as u8)).or_insert(0) += n;
                    *total_levels.entry(level::name(sev as u8)).or_insert(0) += n;
                }
            }
            let tr = range(&self.cols.ts[r.clone()]);
            total_range = merge_range(&total_range, &tr);
            files.push(FileStats {
                path: f.source.path.clone(),
                bytes: f.source.data().len() as u64,
                compression: f.source.compression,
                lines: f.lines,
                entries: f.count as u64,
                format: f.format.kind.name(),
                format_confidence: (f.format.confidence * 1000.0).round() / 1000.0,
                layout: f.format.layout_info(),
                time_range: tr,
                levels,
                without_timestamp: self.cols.ts[r].iter().filter(|&&t| t == NO_TS).count() as u64,
            });
        }
        Stats {
            bytes: files.iter().map(|f| f.bytes).sum(),
            lines: files.iter().map(|f| f.lines).sum(),
            entries: self.len() as u64,
            files,
            time_range: total_range,
            levels: total_levels,
            index_bytes: self.heap_bytes() as u64,
        }
    }
}
