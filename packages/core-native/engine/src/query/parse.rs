//! The compact query string: what people and agents type.
//!
//! ```text
//! level>=error service:checkout "connection reset" -healthcheck duration_ms>500
//! timeout OR refused   /conn(ection)? reset/i   last:1h   status in (500,503)
//! ```
//! Words and `"quoted phrases"` must all occur (AND); `a OR b` makes a group of which one
//! must occur; `-word` / `NOT word` excludes; `/re/` (or `/re/i`) is a regex; `key:value`,
//! `key=value` and `key<op>value` are filters (levels, ids, times, files, or any field).

use super::{Cond, Model, Op};
use crate::error::{Code, Error, Result};
use crate::record::IdKind;

#[derive(Debug)]
struct Tok {
    text: String,
    pos: usize,
    quoted: bool,
    negated: bool,
}

fn err(msg: String, pos: usize) -> Error {
    Error::new(Code::InvalidQuery, format!("{msg} at position {pos}")).at(format!("query@{pos}"))
}

fn tokenize(s: &str) -> Result<Vec<Tok>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let negated = b[i] == b'-' && i + 1 < b.len() && !b[i + 1].is_ascii_whitespace() && !b[i + 1].is_ascii_digit();
        if negated {
            i += 1;
        }
        if b[i] == b'"' {
            let mut text = String::new();
            let mut j = i + 1;
            let mut closed = false;
            while j < b.len() {
                match b[j] {
                    // The escaped character is a whole one (`\é` is two bytes after the `\`).
                    b'\\' if j + 1 < b.len() => {
                        let ch = s[j + 1..].chars().next().unwrap_or(' ');
                        text.push(ch);
                        j += 1 + ch.len_utf8();
                    }
                    b'"' => {
                        closed = true;
                        j += 1;
                        break;
                    }
                    _ => {
                        let ch = s[j..].chars().next().unwrap_or(' ');
                        text.push(ch);
                        j += ch.len_utf8();
                    }
                }
            }
            if !closed {
                return Err(err("unterminated quote".into(), i));
            }
            out.push(Tok { text, pos: start, quoted: true, negated });
            i = j;
            continue;
        }
        if b[i] == b'/' {
            // A regex runs to the next unescaped '/'.
            let mut j = i + 1;
            while j < b.len() && b[j] != b'/' {
                if b[j] == b'\\' {
                    j += 1;
                }
                j += 1;
            }
            if j >= b.len() {
                return Err(err("unterminated /regex/".into(), i));
            }
            let mut end = j + 1;
            while end < b.len() && !b[end].is_ascii_whitespace() {
                end += 1;
            }
            out.push(Tok { text: s[i..end].to_string(), pos: start, quoted: false, negated });
            i = end;
            continue;
        }
        // A word; a quoted value after an operator stays part of it (`msg="a b"`).
        let mut j = i;
        while j < b.len() && !b[j].is_ascii_whitespace() {
            if b[j] == b'"' {
                let close = s[j + 1..].find('"').ok_or_else(|| err("unterminated quote".into(), j))?;
                j += close + 2;
                continue;
            }
            if b[j] == b'(' {
                // `in (a, b)` lists may contain spaces.
                let close = s[j..].find(')').ok_or_else(|| err("missing ')'".into(), j))?;
                j += close + 1;
                continue;
            }
            j += 1;
        }
        out.push(Tok { text: s[i..j].to_string(), pos: start, quoted: false, negated });
        i = j;
    }
    Ok(out)
}

fn id_kind(key: &str) -> Option<IdKind> {
    Some(match key {
        "thread" | "tid" | "thread_id" => IdKind::Thread,
        "request" | "req" | "request_id" | "requestId" | "correlation" | "correlation_id" => IdKind::Request,
        "trace" | "trace_id" | "traceId" => IdKind::Trace,
        "span" | "span_id" | "spanId" => IdKind::Span,
        "service" | "svc" | "service.name" => IdKind::Service,
        _ => return None,
    })
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',').map(|s| s.trim().trim_matches('"').to_string()).filter(|s| !s.is_empty()).collect()
}

/// Splits `key<op>value` at the first operator; `None` when the token is a plain word.
fn split_filter(t: &str) -> Option<(&str, &str, &str)> {
    let key_end = t.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '@')))?;
    if key_end == 0 {
        return None;
    }
    let rest = &t[key_end..];
    for op in [">=", "<=", "!=", "==", "=", ":", ">", "<"] {
        if let Some(v) = rest.strip_prefix(op) {
            return Some((&t[..key_end], op, v));
        }
    }
    if rest.starts_with(" in") || rest.starts_with(" exists") {
        return None;
    }
    None
}

/// Parses a compact query string into the model.
pub fn parse_query_string(s: &str) -> Result<Model> {
    let toks = tokenize(s)?;
    let mut m = Model::default();
    let mut i = 0;
    while i < toks.len() {
        let tok = &toks[i];
        let upper = tok.text.to_ascii_uppercase();
        if !tok.quoted && !tok.negated && upper == "AND" {
            i += 1;
            continue;
        }
        if !tok.quoted && !tok.negated && upper == "NOT" {
            let next = toks.get(i + 1).ok_or_else(|| err("NOT needs a term after it".into(), tok.pos))?;
            m.exclude.push(next.text.clone());
            i += 2;
            continue;
        }
        if !tok.quoted && upper == "OR" {
            return Err(err("OR needs a term on each side".into(), tok.pos));
        }
        // `field in (a,b)` and `field exists` are written with spaces: join them.
        if !tok.quoted {
            if let Some(next) = toks.get(i + 1) {
                let nl = next.text.to_ascii_lowercase();
                if !next.quoted
                    && (nl == "exists"
                        || nl == "!exists"
                        || nl.starts_with("in(")
                        || nl.starts_with("in (")
                        || (nl == "in" && toks.get(i + 2).is_some()))
                {
                    let mut text = format!("{} {}", tok.text, next.text);
                    let mut used = 2;
                    if nl == "in" {
                        text = format!("{} in {}", tok.text, toks[i + 2].text);
                        used = 3;
                    }
                    let mut c = Cond::parse(&text).map_err(|e| err(e.message, tok.pos))?;
                    if tok.negated {
                        c.op = if c.op == Op::Exists {
                            Op::Missing
                        } else {
                            return Err(err("cannot negate this condition".into(), tok.pos));
                        };
                    }
                    m.conds.push(c);
                    i += used;
                    continue;
                }
            }
        }
        // OR groups: a OR b OR c.
        if toks.get(i + 1).is_some_and(|n| !n.quoted && n.text.eq_ignore_ascii_case("OR")) && !tok.negated {
            let mut group = vec![tok.text.clone()];
            let mut j = i + 1;
            while toks.get(j).is_some_and(|n| !n.quoted && n.text.eq_ignore_ascii_case("OR")) {
                let term = toks.get(j + 1).ok_or_else(|| err("OR needs a term on each side".into(), toks[j].pos))?;
                group.push(term.text.clone());
                j += 2;
            }
            m.all.push(group);
            i = j;
            continue;
        }
        apply_token(&mut m, tok)?;
        i += 1;
    }
    Ok(m)
}

fn apply_token(m: &mut Model, tok: &Tok) -> Result<()> {
    let t = tok.text.as_str();
    if tok.quoted {
        if tok.negated {
            m.exclude.push(t.to_string());
        } else {
            m.all.push(vec![t.to_string()]);
        }
        return Ok(());
    }
    if t.starts_with('/') {
        let close = t.rfind('/').unwrap_or(0);
        let flags = &t[close + 1..];
        let body = &t[1..close];
        if tok.negated {
            return Err(err("a /regex/ cannot be negated; use -word or NOT \"phrase\"".into(), tok.pos));
        }
        match flags {
            "" => m.regex.push(body.to_string()),
            "i" => m.regex.push(format!("(?i){body}")),
            _ => return Err(err(format!("unknown regex flag '{flags}' (only i)"), tok.pos + close + 1)),
        }
        return Ok(());
    }
    let Some((key, op, value)) = split_filter(t) else {
        if tok.negated {
            m.exclude.push(t.to_string());
        } else {
            m.all.push(vec![t.to_string()]);
        }
        return Ok(());
    };
    let value_pos = tok.pos + usize::from(tok.negated) + key.len() + op.len();
    let keyword = matches!(
        key,
        "level" | "lvl" | "severity" | "after" | "since" | "before" | "until" | "last" | "file" | "regex" | "has"
    ) || id_kind(key).is_some();
    // Things like `http://x` or `Error:` are words, not filters.
    if value.starts_with('/') || (value.is_empty() && !keyword) {
        if tok.negated {
            m.exclude.push(t.to_string());
        } else {
            m.all.push(vec![t.to_string()]);
        }
        return Ok(());
    }
    if value.is_empty() {
        return Err(err(format!("'{key}{op}' needs a value"), value_pos));
    }
    let plain = op == ":" || op == "=" || op == "==";
    match key {
        "level" | "lvl" | "severity" if !tok.negated => {
            match op {
                ">=" => m.min_level = Some(value.to_string()),
                ">" => m.min_level = Some(format!(">{value}")),
                _ if plain => {
                    if let Some(v) = value.strip_suffix('+') {
                        m.min_level = Some(v.to_string());
                    } else {
                        m.levels.extend(split_list(value));
                    }
                }
                _ => return Err(err(format!("level supports =, : and >= (got {op})"), value_pos - op.len())),
            }
            Ok(())
        }
        "after" | "since" if plain && !tok.negated => {
            m.after = Some(value.to_string());
            Ok(())
        }
        "before" | "until" if plain && !tok.negated => {
            m.before = Some(value.to_string());
            Ok(())
        }
        "last" if plain && !tok.negated => {
            m.last = Some(value.to_string());
            Ok(())
        }
        "file" if plain && !tok.negated => {
            m.files.extend(split_list(value));
            Ok(())
        }
        "regex" if plain && !tok.negated => {
            m.regex.push(value.trim_matches('"').to_string());
            Ok(())
        }
        "has" if plain => {
            m.conds.push(Cond {
                path: value.to_string(),
                op: if tok.negated { Op::Missing } else { Op::Exists },
                values: vec![],
            });
            Ok(())
        }
        _ => {
            if let (Some(kind), true, false) = (id_kind(key), plain, tok.negated) {
                m.ids[kind as usize].extend(split_list(value));
                return Ok(());
            }
            if value == "*" && plain {
                m.conds.push(Cond {
                    path: key.to_string(),
                    op: if tok.negated { Op::Missing } else { Op::Exists },
                    values: vec![],
                });
                return Ok(());
            }
            let mut c = Cond::parse(&format!("{key}{}{value}", if op == ":" { "=" } else { op }))
                .map_err(|e| err(e.message, tok.pos))?;
            if tok.negated {
                c.op = match c.op {
                    Op::Eq => Op::Ne,
                    Op::Ne => Op::Eq,
                    Op::Lt => Op::Ge,
                    Op::Le => Op::Gt,
                    Op::Gt => Op::Le,
                    Op::Ge => Op::Lt,
                    other => other,
                };
            }
            m.conds.push(c);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example() {
        let m = parse_query_string(r#"level>=error service:checkout "connection reset" -healthcheck duration_ms>500"#)
            .unwrap();
        assert_eq!(m.min_level.as_deref(), Some("error"));
        assert_eq!(m.ids[IdKind::Service as usize], vec!["checkout"]);
        assert_eq!(m.all, vec![vec!["connection reset".to_string()]]);
        assert_eq!(m.exclude, vec!["healthcheck"]);
        assert_eq!(m.conds, vec![Cond { path: "duration_ms".into(), op: Op::Gt, values: vec!["500".into()] }]);
    }

    #[test]
    fn or_not_regex_times_lists() {
        let m = parse_query_string(r#"timeout OR refused OR "reset by peer" NOT debug /conn(ection)?/i last:1h status in (500, 503) level=warn,error user.id exists -region:eu"#).unwrap();
        assert_eq!(m.all, vec![vec!["timeout".to_string(), "refused".into(), "reset by peer".into()]]);
        assert_eq!(m.exclude, vec!["debug"]);
        assert_eq!(m.regex, vec!["(?i)conn(ection)?"]);
        assert_eq!(m.last.as_deref(), Some("1h"));
        assert_eq!(m.levels, vec!["warn", "error"]);
        assert_eq!(m.conds.len(), 3);
        assert_eq!(m.conds[0].op, Op::In);
        assert_eq!(m.conds[1].op, Op::Exists);
        assert_eq!(m.conds[2], Cond { path: "region".into(), op: Op::Ne, values: vec!["eu".into()] });
    }

    #[test]
    fn words_that_look_like_filters() {
        let m = parse_query_string("http://example.com/x Exception: -5").unwrap();
        assert_eq!(m.all, vec![vec!["http://example.com/x".to_string()], vec!["Exception:".into()], vec!["-5".into()]]);
    }

    #[test]
    fn errors_say_what_and_where() {
        assert_eq!(parse_query_string(r#""a \é b""#).unwrap().all, vec![vec!["a é b".to_string()]]);
        let e = parse_query_string(r#"level>=error "unterminated"#).unwrap_err();
        assert_eq!(e.code, Code::InvalidQuery);
        assert!(e.message.contains("unterminated quote at position 13"), "{}", e.message);
        let e = parse_query_string("a OR").unwrap_err();
        assert!(e.message.contains("position 2"), "{}", e.message);
        let e = parse_query_string("service: x").unwrap_err();
        assert!(e.message.contains("needs a value at position 8"), "{}", e.message);
        let e = parse_query_string("/abc").unwrap_err();
        assert!(e.message.contains("unterminated /regex/ at position 0"), "{}", e.message);
        let e = parse_query_string("level<warn").unwrap_err();
        assert!(e.message.contains("level supports"), "{}", e.message);
    }
}
