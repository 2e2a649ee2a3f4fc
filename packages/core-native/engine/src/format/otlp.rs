//! The OTLP/JSON `resourceLogs` envelope (what the OpenTelemetry Collector's file exporter
//! and OTLP/HTTP JSON payloads hold): one line carries many log records, grouped by resource
//! and instrumentation scope. Each log record becomes one entry.
//!
//! An entry's offset is the start of its `logRecords` element inside the line, and its bytes
//! are that JSON object (flag `FLAG_EMBEDDED`: the record ends where the object ends, not at
//! the next entry's offset). So entries keep strictly increasing offsets, the line number is
//! the envelope's, `raw` is the record's own JSON, and the hot-path JSON scanner reads the
//! record's columns unchanged. The service comes from the resource's `service.name`
//! attribute, which lies outside the record's bytes: the indexer interns it from here.

use crate::format::json::{skip_value, skip_ws, string_end};
use serde_json::{Map, Value};

/// One log record of an envelope; byte positions are relative to the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtlpRecord {
    /// The `logRecords` element: `line[start..end]` is its JSON object.
    pub start: usize,
    pub end: usize,
    /// The contents (between the quotes) of the resource's `service.name` string value.
    pub service: Option<(usize, usize)>,
    /// The resource and scope objects the record belongs to.
    pub resource: Option<(usize, usize)>,
    pub scope: Option<(usize, usize)>,
}

/// Whether a JSON line is an OTLP envelope: its first key is `resourceLogs` (a cheap test
/// run on every JSON line).
#[inline]
pub fn is_envelope(line: &[u8]) -> bool {
    let i = skip_ws(line, 0);
    if line.get(i) != Some(&b'{') {
        return false;
    }
    let k = skip_ws(line, i + 1);
    line.get(k..).is_some_and(|r| r.starts_with(b"\"resourceLogs\""))
}

/// Calls `f(key, value_start, value_end)` for each member of the object at `i` (`{`);
/// returns the index past the object.
fn members(b: &[u8], i: usize, mut f: impl FnMut(&[u8], usize, usize)) -> Option<usize> {
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some(i + 1);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let (kend, _) = string_end(b, i + 1)?;
        let key = &b[i + 1..kend];
        i = skip_ws(b, kend + 1);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let vs = skip_ws(b, i + 1);
        let ve = skip_value(b, vs)?;
        f(key, vs, ve);
        i = skip_ws(b, ve);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Some(i + 1),
            _ => return None,
        }
    }
}

/// Calls `f(start, end)` for each element of the array at `i` (`[`).
fn elements(b: &[u8], i: usize, mut f: impl FnMut(usize, usize)) -> Option<usize> {
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let mut i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b']') {
        return Some(i + 1);
    }
    loop {
        let e = skip_value(b, i)?;
        f(i, e);
        i = skip_ws(b, e);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b']') => return Some(i + 1),
            _ => return None,
        }
    }
}

/// The string contents of `{"stringValue":"..."}` at `i`.
fn string_value(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut out = None;
    members(b, i, |k, vs, ve| {
        if k == b"stringValue" && b.get(vs) == Some(&b'"') {
            out = Some((vs + 1, ve - 1));
        }
    })?;
    out
}

/// The `service.name` string in a resource object's `attributes`.
fn service_of(b: &[u8], resource: usize) -> Option<(usize, usize)> {
    let mut out = None;
    members(b, resource, |k, vs, _| {
        if k == b"attributes" {
            elements(b, vs, |es, _| {
                let (mut is_service, mut value) = (false, None);
                members(b, es, |k, vs, _| match k {
                    b"key" => is_service = b.get(vs..vs + 14) == Some(b"\"service.name\""),
                    b"value" => value = Some(vs),
                    _ => {}
                });
                if is_service && out.is_none() {
                    out = value.and_then(|v| string_value(b, v));
                }
            });
        }
    });
    out
}

/// The log records of an envelope line, in order; None when the line is not a well-formed
/// envelope (it is then read as a plain JSON record).
pub fn records(line: &[u8]) -> Option<Vec<OtlpRecord>> {
    let mut out = Vec::new();
    let mut ok = true;
    let top = skip_ws(line, 0);
    members(line, top, |k, vs, _| {
        if k != b"resourceLogs" {
            return;
        }
        ok &= elements(line, vs, |rs, _| {
            let (mut resource, mut service, first) = (None, None, out.len());
            ok &= members(line, rs, |k, vs, ve| match k {
                b"resource" => {
                    resource = Some((vs, ve));
                    service = service_of(line, vs);
                }
                b"scopeLogs" => {
                    ok &= elements(line, vs, |ss, _| {
                        // `scope` may come before or after `logRecords`.
                        let (mut scope, from) = (None, out.len());
                        ok &= members(line, ss, |k, vs, ve| match k {
                            b"scope" => scope = Some((vs, ve)),
                            b"logRecords" => {
                                ok &= elements(line, vs, |start, end| {
                                    if line.get(start) == Some(&b'{') {
                                        out.push(OtlpRecord { start, end, service: None, resource: None, scope: None });
                                    }
                                })
                                .is_some();
                            }
                            _ => {}
                        })
                        .is_some();
                        for r in &mut out[from..] {
                            r.scope = scope;
                        }
                    })
                    .is_some();
                }
                _ => {}
            })
            .is_some();
            // The resource (which may follow `scopeLogs`) applies to every record of this element.
            for r in &mut out[first..] {
                r.service = service;
                r.resource = resource;
            }
        })
        .is_some();
    })?;
    (ok && !out.is_empty()).then_some(out)
}

/// An OTLP `AnyValue` (`{"stringValue": ...}`, `intValue`, `arrayValue`, `kvlistValue`, ...)
/// as a plain JSON value.
fn any_value(v: &Value) -> Value {
    let Some(m) = v.as_object() else { return v.clone() };
    let Some((k, inner)) = m.iter().next() else { return Value::Null };
    match k.as_str() {
        // intValue is a string in OTLP/JSON (64-bit integers).
        "intValue" => match inner {
            Value::String(s) => s.parse::<i64>().map(Value::from).unwrap_or_else(|_| inner.clone()),
            _ => inner.clone(),
        },
        "arrayValue" => Value::Array(
            inner
                .get("values")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(any_value).collect())
                .unwrap_or_default(),
        ),
        "kvlistValue" => Value::Object(key_values(inner.get("values"))),
        _ => inner.clone(),
    }
}

/// `[{"key": k, "value": AnyValue}, ...]` as an object.
fn key_values(list: Option<&Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for kv in list.and_then(Value::as_array).into_iter().flatten() {
        if let Some(k) = kv.get("key").and_then(Value::as_str) {
            out.insert(k.to_string(), kv.get("value").map(any_value).unwrap_or(Value::Null));
        }
    }
    out
}

/// All fields of the record at `line[rel..]`: the record's own members with `attributes`
/// and `body` decoded from OTLP values, plus `resource` (its attributes) and `scope`.
pub fn fields(line: &[u8], rel: usize) -> Option<Map<String, Value>> {
    let recs = records(line)?;
    let r = recs.iter().find(|r| r.start == rel)?;
    let mut m = match serde_json::from_slice::<Value>(&line[r.start..r.end]).ok()? {
        Value::Object(m) => m,
        _ => return None,
    };
    // Decoded in place: no copy of the raw values.
    if let Some(a) = m.get_mut("attributes") {
        *a = Value::Object(key_values(Some(&*a)));
    }
    if let Some(b) = m.get_mut("body") {
        *b = any_value(b);
    }
    if let Some((s, e)) = r.resource {
        if let Ok(res) = serde_json::from_slice::<Value>(&line[s..e]) {
            m.insert("resource".into(), Value::Object(key_values(res.get("attributes"))));
        }
    }
    if let Some((s, e)) = r.scope {
        if let Ok(scope) = serde_json::from_slice::<Value>(&line[s..e]) {
            m.insert("scope".into(), scope);
        }
    }
    Some(m)
}
