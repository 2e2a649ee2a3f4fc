//! Schema discovery: per file, the detected format with its confidence, the time range, the
//! id kinds present, and every field seen in a sample of records with how often it occurs,
//! its JSON types and a few example values.

use crate::index::{Index, NO_TS};
use crate::record::ID_KINDS;
use crate::stats::TimeRange;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SchemaArgs {
    /// Records sampled per file, evenly spread (default 500).
    #[serde(default = "default_sample")]
    pub sample: usize,
    /// Example values kept per field (default 3).
    #[serde(default = "default_examples")]
    pub examples: usize,
}

fn default_sample() -> usize {
    500
}
fn default_examples() -> usize {
    3
}

#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct FieldInfo {
    pub name: String,
    /// Records of the sample holding the field.
    pub count: usize,
    /// Share of the sample holding the field.
    pub share: f64,
    pub types: Vec<&'static str>,
    pub examples: Vec<Value>,
}

#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct IdInfo {
    pub kind: &'static str,
    /// Records of the whole file with this id.
    pub records: u64,
    /// Distinct values in the whole index.
    pub distinct: usize,
}

#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct FileSchema {
    pub path: String,
    pub format: &'static str,
    pub confidence: f64,
    /// The learned layout (as `detect` shows it).
    pub layout: crate::format::describe::LayoutInfo,
    pub entries: u64,
    pub time_range: TimeRange,
    pub ids: Vec<IdInfo>,
    pub sampled: usize,
    pub fields: Vec<FieldInfo>,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Flattens nested objects into dotted names (`user.id`), arrays kept whole.
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        // A record without fields (raw text) has nothing to list.
        Value::Object(m) if m.is_empty() && prefix.is_empty() => {}
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                let name = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&name, v, out);
            }
        }
        _ => out.push((prefix.to_string(), v.clone())),
    }
}

impl Index {
    pub fn schema(&self, args: &SchemaArgs) -> Vec<FileSchema> {
        self.files
            .iter()
            .map(|f| {
                let r = f.first as usize..(f.first + f.count) as usize;
                let n = f.count as usize;
                let want = args.sample.min(n);
                let step = if want == 0 { 1 } else { n.div_ceil(want).max(1) };
                let mut seen: BTreeMap<String, (usize, Vec<&'static str>, Vec<Value>)> = BTreeMap::new();
                let mut sampled = 0;
                for e in (f.first..f.first + f.count).step_by(step).take(want) {
                    sampled += 1;
                    let mut flat = Vec::new();
                    flatten("", &Value::Object(self.fields(e)), &mut flat);
                    for (name, v) in flat {
                        let slot = seen.entry(name).or_insert_with(|| (0, Vec::new(), Vec::new()));
                        slot.0 += 1;
                        let t = type_name(&v);
                        if !slot.1.contains(&t) {
                            slot.1.push(t);
                        }
                        if slot.2.len() < args.examples && !slot.2.contains(&v) {
                            let short = match v {
                                Value::String(s) if s.len() > 120 => {
                                    Value::String(format!("{}…", &s[..s.floor_char_boundary(120)]))
                                }
                                other => other,
                            };
                            slot.2.push(short);
                        }
                    }
                }
                let mut fields: Vec<FieldInfo> = seen
                    .into_iter()
                    .map(|(name, (count, types, examples))| FieldInfo {
                        name,
                        count,
                        share: if sampled == 0 {
                            0.0
                        } else {
                            (count as f64 / sampled as f64 * 1000.0).round() / 1000.0
                        },
                        types,
                        examples,
                    })
                    .collect();
                fields.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
                let ids = ID_KINDS
                    .iter()
                    .filter_map(|&k| {
                        let records = self.cols.ids[k as usize][r.clone()].iter().filter(|&&v| v != 0).count() as u64;
                        (records > 0).then(|| IdInfo {
                            kind: k.name(),
                            records,
                            distinct: self.interner(k).count() - 1,
                        })
                    })
                    .collect();
                let ts: Vec<i64> = self.cols.ts[r].iter().copied().filter(|&t| t != NO_TS).collect();
                let time_range = match (ts.iter().min(), ts.iter().max()) {
                    (Some(&lo), Some(&hi)) => TimeRange {
                        first_ns: Some(lo),
                        last_ns: Some(hi),
                        first: Some(crate::time::format_ns(lo)),
                        last: Some(crate::time::format_ns(hi)),
                    },
                    _ => TimeRange::default(),
                };
                FileSchema {
                    path: f.source.path.clone(),
                    format: f.format.kind.name(),
                    confidence: (f.format.confidence * 1000.0).round() / 1000.0,
                    layout: f.format.layout_info(),
                    entries: f.count as u64,
                    time_range,
                    ids,
                    sampled,
                    fields,
                }
            })
            .collect()
    }
}
