//! The query model: one model used by search and by every investigation op to scope its
//! input. A query arrives structured (JSON from the API) and/or as a compact query string
//! (`level>=error service:checkout "connection reset" -healthcheck duration_ms>500`), which
//! is parsed into the same model. `compile` resolves it against an index (ids interned,
//! times absolute, matchers built) so that evaluation per entry is cheap.

mod compile;
mod fields;
mod parse;
pub mod text;
mod timespec;

pub use compile::{Compiled, IdFilter};
pub use fields::{lookup, Cond, Op};
pub use parse::parse_query_string;
pub use text::TextMatcher;
pub use timespec::{now_ns, parse_duration, parse_time_bound};

use serde::Deserialize;

/// One value or a list of values (`"a"` or `["a","b"]`).
#[derive(Deserialize, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// Where relative times (`last: 30m`) are measured from.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum RelativeTo {
    /// The newest timestamp in the data (default: old logs are common).
    #[default]
    End,
    /// The wall clock.
    Now,
}

/// The structured query (API form). Every field is optional; all given parts must hold (AND).
#[derive(Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Query {
    /// Compact query string, parsed and merged with the other fields.
    pub q: Option<String>,
    /// Substrings that must all occur.
    pub text: Option<OneOrMany>,
    /// Substrings of which at least one must occur.
    pub any: Option<Vec<String>>,
    /// Substrings that must not occur.
    pub exclude: Option<OneOrMany>,
    /// A regular expression (Rust `regex` syntax) that must match.
    pub regex: Option<String>,
    #[serde(default)]
    pub case_sensitive: bool,
    /// Search the whole raw record instead of the message (and its continuation lines).
    #[serde(default)]
    pub raw: bool,
    /// Exact level names or severity numbers.
    pub level: Option<OneOrMany>,
    /// At least this level (`warn` → WARN, ERROR, FATAL).
    pub min_level: Option<String>,
    pub thread: Option<OneOrMany>,
    pub request: Option<OneOrMany>,
    pub trace: Option<OneOrMany>,
    pub span: Option<OneOrMany>,
    pub service: Option<OneOrMany>,
    /// Field conditions: `status>=500`, `user.id=42`, `error exists`, `code in (1,2)`.
    #[serde(rename = "where")]
    pub where_: Option<OneOrMany>,
    /// Absolute (`2024-01-02T03:04:05Z`, epoch) or relative (`-1h`, `30m`) bounds.
    pub after: Option<String>,
    pub before: Option<String>,
    /// Only the last duration of data (`30m`, `2h`, `7d`).
    pub last: Option<String>,
    #[serde(default)]
    pub relative_to: RelativeTo,
    /// Only these files (paths as opened, or base names).
    pub files: Option<OneOrMany>,
}

/// The query after the string form is merged in: plain lists, nothing parsed yet against
/// an index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {
    /// Conjunction of disjunctions: every group must have at least one term occurring.
    pub all: Vec<Vec<String>>,
    pub exclude: Vec<String>,
    pub regex: Vec<String>,
    pub case_sensitive: bool,
    pub raw: bool,
    pub levels: Vec<String>,
    pub min_level: Option<String>,
    /// Values per id kind (thread, request, trace, span, parent, service).
    pub ids: [Vec<String>; 6],
    pub conds: Vec<Cond>,
    pub after: Option<String>,
    pub before: Option<String>,
    pub last: Option<String>,
    pub relative_to: RelativeTo,
    pub files: Vec<String>,
}

impl Query {
    /// Merges the structured fields and the parsed query string into one model.
    pub fn into_model(self) -> crate::Result<Model> {
        let mut m = match &self.q {
            Some(q) => parse_query_string(q)?,
            None => Model::default(),
        };
        if let Some(t) = self.text {
            m.all.extend(t.into_vec().into_iter().map(|s| vec![s]));
        }
        if let Some(any) = self.any {
            if !any.is_empty() {
                m.all.push(any);
            }
        }
        if let Some(x) = self.exclude {
            m.exclude.extend(x.into_vec());
        }
        if let Some(r) = self.regex {
            m.regex.push(r);
        }
        m.case_sensitive |= self.case_sensitive;
        m.raw |= self.raw;
        if let Some(l) = self.level {
            m.levels.extend(l.into_vec());
        }
        if self.min_level.is_some() {
            m.min_level = self.min_level;
        }
        use crate::record::IdKind::*;
        for (kind, v) in [
            (Thread, self.thread),
            (Request, self.request),
            (Trace, self.trace),
            (Span, self.span),
            (Service, self.service),
        ] {
            if let Some(v) = v {
                m.ids[kind as usize].extend(v.into_vec());
            }
        }
        if let Some(w) = self.where_ {
            for (i, c) in w.into_vec().iter().enumerate() {
                m.conds.push(Cond::parse(c).map_err(|e| e.at(format!("where[{i}]")))?);
            }
        }
        m.after = self.after.or(m.after);
        m.before = self.before.or(m.before);
        m.last = self.last.or(m.last);
        m.relative_to = self.relative_to;
        if let Some(f) = self.files {
            m.files.extend(f.into_vec());
        }
        Ok(m)
    }
}
