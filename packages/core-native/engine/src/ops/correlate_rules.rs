//! Correlation rules: virtual trace ids for entries that share no id column.
//!
//! - `field_match` joins entries whose value of any of the listed fields is equal: a producer
//!   logging `job_id=J7` and a consumer logging `job=J7` (`fields: ["job_id", "job"]`), or a
//!   span and its children (`["span_id", "parent_span_id"]`).
//! - `temporal` joins consecutive records of one thread less than `withinMs` apart.
//!
//! All rules together form one union-find over the entries: a virtual trace is a connected
//! component (a consumer's unlabelled lines right after its `job=J7` line join J7 through a
//! temporal rule). It is computed once per investigation and rule set (the session caches it)
//! as a derived id column plus posting lists, so `follow`, `timeline`, `hierarchy` and `ids`
//! read it like a real id. Cost: one parallel pass parsing the fields of the entries whose
//! bytes hold a rule's key, and one pass over the thread column.
//!
//! Names: `<rule name>:<value>` after the earliest field value of the component (the rule's
//! name defaults to its first field), else `<rule name>:<thread>#<k>` (the k-th burst of that
//! thread; temporal rules are named `thread` by default). A lone entry is a virtual trace only
//! when it carries a rule's field.

use super::{text, time_order};
use crate::error::{Code, Error, Result};
use crate::index::{Index, Postings, NO_TS};
use crate::indexer::Control;
use crate::query::lookup;
use crate::record::IdKind;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde_json::Value;
use std::sync::atomic::Ordering;

/// At most this many rules in one set (each costs a pass).
pub const MAX_RULES: usize = 16;

#[derive(Deserialize, Debug, Clone, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    FieldMatch {
        /// Fields whose equal values join entries (dotted paths into nested fields).
        fields: Vec<String>,
        name: Option<String>,
    },
    Temporal {
        #[serde(rename = "withinMs")]
        within_ms: f64,
        name: Option<String>,
    },
}

impl Rule {
    fn name(&self) -> &str {
        match self {
            Rule::FieldMatch { fields, name } => name.as_deref().unwrap_or(fields[0].as_str()),
            Rule::Temporal { name, .. } => name.as_deref().unwrap_or("thread"),
        }
    }
}

/// Parses and checks a rule set: a JSON array of rules, or `{"rules": [...]}` (a rules file or
/// a `logsift.config.json`). An error names the rule (`rule 2 'jobs'`, located at `rules[2]`),
/// so a config file's reader can point at it.
pub fn parse_rules(v: &Value) -> Result<Vec<Rule>> {
    let list = match v {
        Value::Object(m) if m.contains_key("rules") => &m["rules"],
        other => other,
    };
    let Value::Array(items) = list else {
        return Err(Error::new(
            Code::InvalidOption,
            "bad correlation rules: expected a list, e.g. [{\"type\":\"field_match\",\"fields\":[\"job_id\",\"job\"]}, {\"type\":\"temporal\",\"withinMs\":200}]",
        )
        .at("rules"));
    };
    if items.is_empty() || items.len() > MAX_RULES {
        return Err(Error::new(
            Code::InvalidOption,
            format!("give 1 to {MAX_RULES} correlation rules, got {}", items.len()),
        )
        .at("rules"));
    }
    items.iter().enumerate().map(|(i, item)| parse_rule(i, item)).collect()
}

/// One rule of a set, `i` its position (for the error).
fn parse_rule(i: usize, item: &Value) -> Result<Rule> {
    let named = item.get("name").and_then(Value::as_str).map_or(String::new(), |n| format!(" '{n}'"));
    let bad = |m: String| {
        Error::new(Code::InvalidOption, format!("correlation rule {i}{named}: {m}")).at(format!("rules[{i}]"))
    };
    let r: Rule = serde_json::from_value(item.clone()).map_err(|e| {
        bad(format!("{e}; a rule is {{\"type\":\"field_match\",\"fields\":[\"job_id\",\"job\"]}} or {{\"type\":\"temporal\",\"withinMs\":200}}"))
    })?;
    match &r {
        Rule::FieldMatch { fields, .. } => {
            if fields.is_empty() || fields.iter().any(|f| f.trim().is_empty()) {
                return Err(bad("(field_match) fields must be one or more non-empty field names".into()));
            }
        }
        Rule::Temporal { within_ms, .. } => {
            if !(within_ms.is_finite() && *within_ms >= 0.0) {
                return Err(bad(format!("(temporal) withinMs must be a number ≥ 0, got {within_ms}")));
            }
        }
    }
    if r.name().is_empty() || r.name().contains(':') {
        return Err(bad("a name must be non-empty and without ':' (it prefixes the virtual ids)".into()));
    }
    Ok(r)
}

/// The virtual traces of a rule set: names, the virtual id of each entry (0: none) and a
/// posting list per id (entry order), like an interned id column.
#[derive(Default)]
pub struct Virtual {
    /// Index 0 is unused (id 0 = none), as in the interners.
    pub names: Vec<String>,
    by_name: FxHashMap<String, u32>,
    /// The virtual id of each entry.
    pub of: Vec<u32>,
    /// The entries of each id: the index's own CSR posting lists, built from `of`.
    postings: Postings,
}

impl Virtual {
    pub fn get(&self, name: &str) -> Option<u32> {
        self.by_name.get(name).copied()
    }
    /// Entries of a virtual id, in entry order.
    pub fn entries(&self, id: u32) -> &[u32] {
        if id == 0 {
            return &[];
        }
        self.postings.of(id)
    }
    /// Number of ids including the reserved 0.
    pub fn count(&self) -> usize {
        self.names.len()
    }
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[x as usize];
        parent[x as usize] = parent[p as usize];
        x = p;
    }
    x
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    // The smaller entry is the root, so a component's root is its first entry.
    if ra < rb {
        parent[rb as usize] = ra;
    } else if rb < ra {
        parent[ra as usize] = rb;
    }
}

/// A field value as a join key (strings as they are, numbers and booleans as written).
fn key_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The (entry, value) pairs of a field_match rule (in entry order, the fields of one entry in
/// rule order): entries whose bytes hold a field's top-level
/// key are parsed (in parallel), the rest skipped unread.
fn field_values(ix: &Index, fields: &[String], ctl: &Control) -> Result<Vec<(u32, String)>> {
    let finders: Vec<memchr::memmem::Finder> = fields
        .iter()
        .map(|f| memchr::memmem::Finder::new(f.split('.').next().unwrap_or(f).as_bytes()).into_owned())
        .collect();
    let n = ix.len() as u32;
    let chunks: Vec<u32> = (0..n).step_by(8192).collect();
    let parts: Vec<Vec<(u32, String)>> = chunks
        .par_iter()
        .map(|&lo| {
            let mut out = Vec::new();
            if ctl.cancel.load(Ordering::Relaxed) {
                return out;
            }
            for e in lo..(lo + 8192).min(n) {
                let raw = ix.raw(e);
                if !finders.iter().any(|f| f.find(raw).is_some()) {
                    continue;
                }
                let m = ix.fields(e);
                // Every listed field it has: a span's `span_id` and `parent_span_id` both join.
                for k in fields.iter().filter_map(|f| lookup(&m, f).and_then(key_of)) {
                    out.push((e, k));
                }
            }
            out
        })
        .collect();
    if ctl.cancel.load(Ordering::Relaxed) {
        return Err(Error::new(Code::Cancelled, "correlation rules were cancelled"));
    }
    Ok(parts.into_iter().flatten().collect())
}

/// Unions consecutive records (time order) of each thread less than `within_ns` apart.
fn temporal(ix: &Index, parent: &mut [u32], within_ns: i64) {
    // Threads have no posting lists in the index (to keep it small): group the entries by
    // thread with the same counting sort, then each group in time order.
    let threads = ix.interner(IdKind::Thread).count();
    let by_thread = Postings::build(&ix.cols.ids[IdKind::Thread as usize], threads);
    let mut group = Vec::new();
    for t in 1..threads as u32 {
        group.clear();
        group.extend_from_slice(by_thread.of(t));
        time_order(ix, &mut group);
        for w in group.windows(2) {
            let (a, b) = (ix.cols.ts[w[0] as usize], ix.cols.ts[w[1] as usize]);
            if a != NO_TS && b != NO_TS && b - a <= within_ns {
                union(parent, w[0], w[1]);
            }
        }
    }
}

/// Computes the virtual traces of a rule set over the whole index.
pub fn compute(ix: &Index, rules: &[Rule], ctl: &Control) -> Result<Virtual> {
    let n = ix.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    // Per entry: (rule, value) of its earliest field key, to name the component.
    let mut labels: FxHashMap<u32, (usize, String)> = FxHashMap::default();
    for (ri, rule) in rules.iter().enumerate() {
        match rule {
            Rule::FieldMatch { fields, .. } => {
                let mut first: FxHashMap<String, u32> = FxHashMap::default();
                for (e, k) in field_values(ix, fields, ctl)? {
                    match first.get(&k) {
                        Some(&f) => union(&mut parent, f, e),
                        None => {
                            first.insert(k.clone(), e);
                            labels.entry(e).or_insert((ri, k));
                        }
                    }
                }
            }
            Rule::Temporal { within_ms, .. } => temporal(ix, &mut parent, (within_ms * 1e6) as i64),
        }
        ctl.check()?;
    }
    // Component sizes and labels (by root), then ids in order of each component's first entry.
    let mut size = vec![0u32; n];
    for e in 0..n as u32 {
        let r = find(&mut parent, e);
        size[r as usize] += 1;
    }
    let mut root_label: FxHashMap<u32, (u32, usize, String)> = FxHashMap::default();
    for (e, (ri, k)) in labels {
        let r = find(&mut parent, e);
        let slot = root_label.entry(r).or_insert((u32::MAX, ri, String::new()));
        if e < slot.0 {
            *slot = (e, ri, k);
        }
    }
    let mut v = Virtual { names: vec![String::new()], of: vec![0; n], ..Default::default() };
    let mut id_of_root: FxHashMap<u32, u32> = FxHashMap::default();
    let mut bursts: FxHashMap<u32, u32> = FxHashMap::default();
    let thread_col = &ix.cols.ids[IdKind::Thread as usize];
    for e in 0..n as u32 {
        let r = find(&mut parent, e);
        let labelled = root_label.get(&r);
        if size[r as usize] < 2 && labelled.is_none() {
            continue;
        }
        let id = match id_of_root.get(&r) {
            Some(&id) => id,
            None => {
                // `r` is the component's first entry, met first here.
                let name = match labelled {
                    Some((_, ri, k)) => format!("{}:{k}", rules[*ri].name()),
                    None => {
                        let t = thread_col[r as usize];
                        let k = bursts.entry(t).or_insert(0);
                        *k += 1;
                        let rule =
                            rules.iter().find(|r| matches!(r, Rule::Temporal { .. })).map_or("thread", |r| r.name());
                        format!("{rule}:{}#{k}", text(&ix.id_name(IdKind::Thread, t)))
                    }
                };
                let id = v.names.len() as u32;
                v.by_name.insert(name.clone(), id);
                v.names.push(name);
                id_of_root.insert(r, id);
                id
            }
        };
        v.of[e as usize] = id;
    }
    v.postings = Postings::build(&v.of, v.names.len());
    Ok(v)
}
