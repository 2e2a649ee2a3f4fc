//! `metrics`: statistics of numeric values over the scope: count, min, max, mean, stddev
//! (population), p50 / p95 / p99 (nearest rank: the value at rank ⌈p/100 × n⌉), per time bucket,
//! and anomalous buckets by robust z-score (0.6745 × (mean − median) / MAD over the bucket
//! means; when the MAD is 0, the mean absolute deviation × 1.2533 stands in).
//!
//! Fields: `duration` (the default) is every duration a record states, in ms (`duration_ms`,
//! `elapsed`, `took 12ms`, `in 250ms`, `latency: 1.2s`, ...; see `numbers`). Any other name is
//! a field key: `"key": 12` in JSON, `key=12` / `key: 12` in text; values with a duration unit
//! are converted to ms. A dotted name (`http.status`) is checked against the parsed record.
//! Each record's bytes are searched for the key first; only records holding it are parsed.

use super::numbers;
use super::{bucket_ns, ms};
use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetricsArgs {
    /// Field names (default `["duration"]`).
    pub fields: Option<Vec<String>>,
    /// Bucket size in ms (default: a round size giving at most 60 buckets).
    pub bucket_ms: Option<f64>,
    /// |z| above which a bucket is an anomaly (default 3.5).
    pub z_threshold: Option<f64>,
    /// Entry ids to restrict to; intersected with `query` when both are given.
    pub scope: Option<Vec<u32>>,
    /// The search query model (time range, levels, ids, text, fields, files) scoping the input.
    pub query: Option<crate::query::Query>,
}

#[derive(Serialize, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub count: usize,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
    pub stddev: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Bucket {
    pub start_ns: i64,
    pub count: usize,
    pub mean: f64,
    pub p50: f64,
    /// The bucket's p95 ("p95 of a duration per minute" is a question on its own).
    pub p95: f64,
    pub max: f64,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Anomaly {
    pub start_ns: i64,
    /// The bucket's mean.
    pub value: f64,
    pub z: f64,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FieldMetrics {
    pub field: String,
    /// `ms` for durations; absent for plain numbers.
    pub unit: Option<&'static str>,
    #[serde(flatten)]
    pub summary: Summary,
    /// Values without a timestamp (counted above, not bucketed).
    pub without_timestamp: usize,
    pub bucket_ms: Option<f64>,
    pub buckets: Vec<Bucket>,
    pub anomalies: Vec<Anomaly>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MetricsResult {
    pub scope_size: usize,
    pub z_threshold: f64,
    pub fields: Vec<FieldMetrics>,
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank.min(sorted.len()) - 1).copied()
}

pub fn summarize(values: &mut [f64]) -> Summary {
    if values.is_empty() {
        return Summary::default();
    }
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    Summary {
        count: values.len(),
        min: values.first().copied(),
        max: values.last().copied(),
        mean: Some(mean),
        stddev: Some(var.sqrt()),
        p50: percentile(values, 50.0),
        p95: percentile(values, 95.0),
        p99: percentile(values, 99.0),
    }
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Robust z-scores of values (see the module doc); None when they have no spread.
pub fn robust_z(values: &[f64]) -> Option<Vec<f64>> {
    if values.len() < 3 {
        return None;
    }
    let mut s = values.to_vec();
    s.sort_unstable_by(f64::total_cmp);
    let med = median(&s);
    let mut dev: Vec<f64> = values.iter().map(|v| (v - med).abs()).collect();
    dev.sort_unstable_by(f64::total_cmp);
    let mad = median(&dev);
    let scale = if mad > 0.0 {
        mad / 0.6745
    } else {
        let mean_ad = dev.iter().sum::<f64>() / dev.len() as f64;
        mean_ad * 1.253_314
    };
    (scale > 0.0).then(|| values.iter().map(|v| (v - med) / scale).collect())
}

enum Extract<'a> {
    Duration,
    Key { key: &'a str, finder: Box<memchr::memmem::Finder<'a>>, dotted: bool },
}

fn json_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => numbers::parse_duration_ms(s.as_bytes(), Some(1.0)),
        _ => None,
    }
}

impl Extract<'_> {
    fn value(&self, ix: &Index, e: u32) -> Option<f64> {
        let raw = ix.raw(e);
        match self {
            Extract::Duration => numbers::duration_ms(raw),
            Extract::Key { key, finder, dotted: false } => numbers::field_number(raw, finder, key.as_bytes()),
            Extract::Key { key, finder, dotted: true } => {
                finder.find(raw)?;
                let fields = ix.fields(e);
                crate::query::lookup(&fields, key).and_then(json_number)
            }
        }
    }
}

pub fn metrics(ix: &Index, scope: &[u32], args: &MetricsArgs) -> Result<MetricsResult> {
    let z_threshold = args.z_threshold.unwrap_or(3.5);
    if !(z_threshold.is_finite() && z_threshold > 0.0) {
        return Err(Error::new(
            Code::InvalidOption,
            format!("zThreshold must be a positive number, got {z_threshold}"),
        ));
    }
    let names: Vec<String> = args.fields.clone().unwrap_or_else(|| vec!["duration".to_string()]);
    if names.is_empty() || names.iter().any(|n| n.is_empty()) {
        return Err(Error::new(Code::InvalidOption, "fields must name at least one non-empty field"));
    }
    let mut out = Vec::new();
    for name in &names {
        let ex = if name == "duration" {
            Extract::Duration
        } else {
            let last = name.rsplit('.').next().unwrap_or(name);
            Extract::Key {
                key: name,
                finder: Box::new(memchr::memmem::Finder::new(last.as_bytes())),
                dotted: name.contains('.'),
            }
        };
        // The byte scan is the cost: run it on all cores, keeping scope order.
        let found: Vec<(i64, f64)> = {
            use rayon::prelude::*;
            let ex = &ex;
            scope
                .par_chunks(32 * 1024)
                .map(|chunk| {
                    chunk
                        .iter()
                        .filter_map(|&e| ex.value(ix, e).map(|v| (ix.cols.ts[e as usize], v)))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
                .concat()
        };
        let mut values: Vec<f64> = found.iter().map(|x| x.1).collect();
        let mut timed: Vec<(i64, f64)> = found.into_iter().filter(|x| x.0 != NO_TS).collect();
        let summary = summarize(&mut values);
        let mut buckets = Vec::new();
        let mut anomalies = Vec::new();
        let mut size = None;
        if let (Some(lo), Some(hi)) = (timed.iter().map(|x| x.0).min(), timed.iter().map(|x| x.0).max()) {
            let b = bucket_ns(lo, hi, args.bucket_ms, 60)?;
            size = Some(ms(b));
            timed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let mut i = 0;
            while i < timed.len() {
                let start = lo + (timed[i].0 - lo) / b * b;
                let mut j = i;
                while j < timed.len() && timed[j].0 < start + b {
                    j += 1;
                }
                let mut vals: Vec<f64> = timed[i..j].iter().map(|x| x.1).collect();
                let s = summarize(&mut vals);
                buckets.push(Bucket {
                    start_ns: start,
                    count: s.count,
                    mean: s.mean.unwrap_or(0.0),
                    p50: s.p50.unwrap_or(0.0),
                    p95: s.p95.unwrap_or(0.0),
                    max: s.max.unwrap_or(0.0),
                });
                i = j;
            }
            let means: Vec<f64> = buckets.iter().map(|b| b.mean).collect();
            if let Some(z) = robust_z(&means) {
                for (bk, z) in buckets.iter().zip(z) {
                    if z.abs() > z_threshold {
                        anomalies.push(Anomaly {
                            start_ns: bk.start_ns,
                            value: bk.mean,
                            z: (z * 100.0).round() / 100.0,
                        });
                    }
                }
            }
        }
        out.push(FieldMetrics {
            field: name.clone(),
            unit: matches!(ex, Extract::Duration).then_some("ms"),
            without_timestamp: summary.count - timed.len(),
            summary,
            bucket_ms: size,
            buckets,
            anomalies,
        });
    }
    Ok(MetricsResult { scope_size: scope.len(), z_threshold, fields: out })
}
