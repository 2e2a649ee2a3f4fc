//! Field conditions (`status>=500`, `user.id=42`, `error exists`, `code in (500,503)`):
//! parsed from text, evaluated against an entry's lazily parsed fields.

use crate::error::{Code, Error, Result};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Exists,
    Missing,
    In,
}

/// One condition on a field given by a dotted path.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    pub path: String,
    pub op: Op,
    pub values: Vec<String>,
}

fn is_path_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '@' | '$' | '/')
}

fn unquote(s: &str) -> String {
    let t = s.trim();
    if t.len() >= 2 && ((t.starts_with('"') && t.ends_with('"')) || (t.starts_with('\'') && t.ends_with('\''))) {
        t[1..t.len() - 1].to_string()
    } else {
        t.to_string()
    }
}

impl Cond {
    /// Parses `path OP value`, `path exists`, `path !exists`, `path in (a, b)`.
    pub fn parse(text: &str) -> Result<Cond> {
        let s = text.trim();
        let bad = |msg: &str, pos: usize| {
            Error::new(Code::InvalidQuery, format!("{msg} in condition '{s}' at position {pos}"))
                .at(format!("{s}@{pos}"))
        };
        let path_end = s.find(|c: char| !is_path_char(c)).unwrap_or(s.len());
        if path_end == 0 {
            return Err(bad("expected a field name", 0));
        }
        let path = s[..path_end].to_string();
        let rest = s[path_end..].trim_start();
        let rest_pos = s.len() - rest.len();
        let lower = rest.to_ascii_lowercase();
        if lower == "exists" || lower == "exists()" {
            return Ok(Cond { path, op: Op::Exists, values: vec![] });
        }
        if lower == "!exists" || lower == "not exists" || lower == "missing" {
            return Ok(Cond { path, op: Op::Missing, values: vec![] });
        }
        if lower.starts_with("in") && rest[2..].trim_start().starts_with('(') {
            let inner = rest[2..].trim_start();
            let Some(close) = inner.rfind(')') else {
                return Err(bad("missing ')'", s.len()));
            };
            let values: Vec<String> = inner[1..close].split(',').map(unquote).filter(|v| !v.is_empty()).collect();
            if values.is_empty() {
                return Err(bad("empty list", rest_pos));
            }
            return Ok(Cond { path, op: Op::In, values });
        }
        let (op, len) = if rest.starts_with(">=") {
            (Op::Ge, 2)
        } else if rest.starts_with("<=") {
            (Op::Le, 2)
        } else if rest.starts_with("!=") {
            (Op::Ne, 2)
        } else if rest.starts_with("==") {
            (Op::Eq, 2)
        } else if rest.starts_with('=') || rest.starts_with(':') {
            (Op::Eq, 1)
        } else if rest.starts_with('>') {
            (Op::Gt, 1)
        } else if rest.starts_with('<') {
            (Op::Lt, 1)
        } else {
            return Err(bad("expected an operator (=, !=, <, <=, >, >=, exists, in (...))", rest_pos));
        };
        let value = unquote(&rest[len..]);
        if value.is_empty() {
            return Err(bad("expected a value", s.len()));
        }
        Ok(Cond { path, op, values: vec![value] })
    }

    /// The key text a record must contain for this condition to possibly hold (prefilter
    /// for self-describing formats), or `None` when no byte check applies.
    pub fn key_hint(&self) -> Option<&str> {
        if self.op == Op::Missing || self.op == Op::Ne {
            return None;
        }
        self.path.rsplit('.').next()
    }

    /// Evaluates against a looked-up value (`None` = field absent).
    pub fn eval(&self, v: Option<&Value>) -> bool {
        match self.op {
            Op::Exists => v.is_some_and(|v| !v.is_null()),
            Op::Missing => v.is_none_or(Value::is_null),
            Op::In => {
                v.is_some_and(|v| self.values.iter().any(|want| compare(v, want) == Some(std::cmp::Ordering::Equal)))
            }
            Op::Ne => match v {
                None => true,
                Some(v) => compare(v, &self.values[0]) != Some(std::cmp::Ordering::Equal),
            },
            op => {
                let Some(v) = v else { return false };
                let Some(ord) = compare(v, &self.values[0]) else { return false };
                use std::cmp::Ordering::*;
                match op {
                    Op::Eq => ord == Equal,
                    Op::Lt => ord == Less,
                    Op::Le => ord != Greater,
                    Op::Gt => ord == Greater,
                    Op::Ge => ord != Less,
                    _ => false,
                }
            }
        }
    }
}

/// Numeric comparison when both sides are numbers, else string comparison (booleans and
/// null compare by their text).
fn compare(v: &Value, want: &str) -> Option<std::cmp::Ordering> {
    let text;
    let have: &str = match v {
        Value::String(s) => s,
        Value::Number(n) => {
            if let (Some(a), Ok(b)) = (n.as_f64(), want.parse::<f64>()) {
                return a.partial_cmp(&b);
            }
            text = n.to_string();
            &text
        }
        Value::Bool(b) => {
            if *b {
                "true"
            } else {
                "false"
            }
        }
        Value::Null => "null",
        _ => return None,
    };
    if let (Ok(a), Ok(b)) = (have.parse::<f64>(), want.parse::<f64>()) {
        return a.partial_cmp(&b);
    }
    Some(have.cmp(want))
}

/// Looks a dotted path up in a field map: nested objects first, then a literal dotted key.
pub fn lookup<'a>(fields: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    if let Some(v) = fields.get(path) {
        return Some(v);
    }
    let mut parts = path.split('.');
    let mut cur = fields.get(parts.next()?)?;
    for p in parts {
        cur = match cur {
            Value::Object(m) => m.get(p)?,
            Value::Array(a) => a.get(p.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn holds(cond: &str, v: Value) -> bool {
        let c = Cond::parse(cond).unwrap();
        let m = v.as_object().unwrap().clone();
        c.eval(lookup(&m, &c.path))
    }

    #[test]
    fn operators() {
        let rec = json!({"status": 503, "duration_ms": "250.5", "user": {"id": 42}, "name": "bob", "ok": false});
        assert!(holds("status>=500", rec.clone()));
        assert!(!holds("status<500", rec.clone()));
        assert!(holds("duration_ms>250", rec.clone()));
        assert!(holds("user.id=42", rec.clone()));
        assert!(holds("user.id != 41", rec.clone()));
        assert!(holds("name=bob", rec.clone()));
        assert!(holds("name > alice", rec.clone()));
        assert!(holds("status in (500, 503)", rec.clone()));
        assert!(!holds("status in (500,502)", rec.clone()));
        assert!(holds("user exists", rec.clone()));
        assert!(holds("nope !exists", rec.clone()));
        assert!(!holds("nope exists", rec.clone()));
        assert!(holds("ok=false", rec.clone()));
        assert!(holds("name='bob'", rec));
    }

    #[test]
    fn errors_say_where() {
        let e = Cond::parse("status ~ 5").unwrap_err();
        assert_eq!(e.code, Code::InvalidQuery);
        assert!(e.message.contains("position 7"), "{}", e.message);
        assert!(Cond::parse(">=5").is_err());
        assert!(Cond::parse("a in (").is_err());
        assert!(Cond::parse("a=").is_err());
    }
}
