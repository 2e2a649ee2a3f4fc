//! `export-trace ID`: the spans of one trace / request (or the subtree of a span or thread) in a
//! tracing tool's format: OTLP/JSON (`resourceSpans`, what an OpenTelemetry collector's
//! `/v1/traces` takes), Jaeger's JSON (the UI's "upload JSON" shape: `{data:[{traceID, spans,
//! processes}]}`) or Zipkin v2 JSON (a list of spans).
//!
//! Spans are the nodes of `hierarchy` (span ids and parent span ids, else threads, naming and
//! temporal nesting), so an export shows the tree `hierarchy` prints. The request / trace group
//! node becomes a span only when it has records of its own; its children are then its
//! children, otherwise they are roots. A node's records become span events (Jaeger logs,
//! Zipkin annotations), at most `maxEvents` each (OTLP counts the rest in `droppedEventsCount`).
//!
//! Ids: a trace id of 32 hex digits (or 16, left-padded) and span ids of 16 hex digits are kept
//! as written; any other name (`req-42`, `worker-1.task-a`) gets a stable id hashed from it
//! (FNV-1a), and the name is kept in the `logsift.name` attribute. Times: start = the node's
//! first record; end = its last record, or start + the duration a record states when that is
//! later.

use super::correlate_rules::Virtual;
use super::hierarchy::{build_tree, HierarchyArgs, NodeKey, NodeOut};
use super::{text, Cache};
use crate::error::{Code, Error, Result};
use crate::index::Index;
use crate::record::IdKind;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Span events per span by default (each is one record).
const DEFAULT_MAX_EVENTS: usize = 100;
const MAX_EVENTS: usize = 100_000;

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportTraceArgs {
    pub id: String,
    /// `request`, `trace`, `span` or `thread`; auto-detected when absent.
    pub kind: Option<String>,
    /// `otlp`, `jaeger` or `zipkin`.
    pub format: String,
    /// Records attached to each span as events (default 100).
    pub max_events: Option<usize>,
    pub scope: Option<Vec<u32>>,
    pub query: Option<crate::query::Query>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ExportTraceResult {
    pub id: String,
    pub kind: &'static str,
    pub format: &'static str,
    /// The trace id written (32 hex digits).
    pub trace_id: String,
    pub span_count: usize,
    pub services: Vec<String>,
    pub error_spans: usize,
    /// Records not attached as events (over `maxEvents`).
    pub dropped_events: usize,
    /// The document in the chosen format.
    pub document: Value,
}

/// Trace formats.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Otlp,
    Jaeger,
    Zipkin,
}

impl Format {
    fn parse(s: &str) -> Result<Format> {
        match s {
            "otlp" => Ok(Format::Otlp),
            "jaeger" => Ok(Format::Jaeger),
            "zipkin" => Ok(Format::Zipkin),
            _ => Err(Error::new(
                Code::InvalidOption,
                format!("unknown trace format '{s}' (known: otlp, jaeger, zipkin)"),
            )
            .at("format")),
        }
    }
    fn name(self) -> &'static str {
        match self {
            Format::Otlp => "otlp",
            Format::Jaeger => "jaeger",
            Format::Zipkin => "zipkin",
        }
    }
}

/// One span, format-neutral.
struct SpanOut {
    span_id: String,
    parent_id: Option<String>,
    name: String,
    service: String,
    start_ns: i64,
    end_ns: i64,
    /// Node name and how it was inferred (attributes / tags).
    attrs: Vec<(&'static str, String)>,
    /// The first error record's message, when the node has errors.
    error: Option<String>,
    /// (time ns, level, message) of its records, at most `max_events`.
    events: Vec<(i64, &'static str, String)>,
    dropped: usize,
}

/// FNV-1a 64 of bytes from a given offset basis (two bases make a 128-bit id).
fn fnv(bytes: &[u8], basis: u64) -> u64 {
    bytes.iter().fold(basis, |h, &b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit()) && s.bytes().any(|b| b != b'0')
}

/// A 32-hex trace id for a group name.
fn trace_hex(name: &str) -> String {
    if is_hex(name, 32) {
        return name.to_ascii_lowercase();
    }
    if is_hex(name, 16) {
        return format!("{:0>32}", name.to_ascii_lowercase());
    }
    let (a, b) = (fnv(name.as_bytes(), 0xcbf2_9ce4_8422_2325), fnv(name.as_bytes(), 0x6c62_272e_07bb_0142));
    format!("{a:016x}{:016x}", b.max(1))
}

/// A 16-hex span id for a node (its span id when it is one, else a hash of kind and name).
fn span_hex(key: NodeKey, name: &str) -> String {
    if matches!(key, NodeKey::Span(_)) && is_hex(name, 16) {
        return name.to_ascii_lowercase();
    }
    let h = fnv(format!("{}:{name}", key.kind()).as_bytes(), 0xcbf2_9ce4_8422_2325);
    format!("{:016x}", h.max(1))
}

/// The trace id of the export: the tree's trace id when its records carry one, else the group's.
fn trace_id_of(ix: &Index, entries: &[u32], fallback: &str) -> String {
    let t = entries.iter().map(|&e| ix.id(IdKind::Trace, e)).find(|&t| t != 0);
    match t {
        Some(t) => trace_hex(&text(&ix.id_name(IdKind::Trace, t))),
        None => trace_hex(fallback),
    }
}

pub fn export_trace(
    ix: &Index,
    virt: Option<&Virtual>,
    cache: &Cache,
    scope: &[u32],
    args: &ExportTraceArgs,
) -> Result<ExportTraceResult> {
    let format = Format::parse(&args.format)?;
    let max_events = args.max_events.unwrap_or(DEFAULT_MAX_EVENTS);
    if max_events > MAX_EVENTS {
        return Err(Error::new(Code::InvalidOption, format!("maxEvents is limited to {MAX_EVENTS}")).at("maxEvents"));
    }
    let hargs = HierarchyArgs {
        id: args.id.clone(),
        kind: args.kind.clone(),
        max_depth: None,
        min_confidence: None,
        scope: None,
        query: None,
    };
    let tree = build_tree(ix, virt, cache, scope, &hargs)?;
    let all: Vec<u32> = tree.nodes.iter().flat_map(|n| n.entries.iter().copied()).collect();
    let trace_id = trace_id_of(ix, &all, &args.id);
    let outs: Vec<NodeOut> = (0..tree.nodes.len()).map(|i| tree.node_out(ix, i)).collect();
    // The group node (a request, trace or virtual trace) is a span only with records of its own.
    let is_span = |i: usize| {
        !matches!(tree.nodes[i].key, NodeKey::Group(..) | NodeKey::Virtual) || !tree.nodes[i].entries.is_empty()
    };
    let ids: Vec<String> = outs.iter().map(|o| span_hex(tree.nodes[o.index].key, &o.name)).collect();
    let mut spans = Vec::new();
    for (i, o) in outs.iter().enumerate() {
        if !is_span(i) {
            continue;
        }
        let node = &tree.nodes[i];
        let (Some(start), Some(last)) = (o.first_ns, o.last_ns) else { continue };
        let stated_end =
            o.duration_ms.filter(|_| o.duration_source == Some("record")).map(|d| start + (d * 1e6) as i64);
        let end = stated_end.map_or(last, |s| s.max(last));
        let mut entries = node.entries.clone();
        super::time_order(ix, &mut entries);
        let name = entries
            .first()
            .map(|&e| {
                let m = ix.message(e);
                let line = m.lines().next().unwrap_or("").trim();
                line.chars().take(80).collect::<String>()
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| o.name.clone());
        let mut attrs = vec![("logsift.name", o.name.clone()), ("logsift.kind", o.kind.to_string())];
        if let Some(m) = o.method {
            attrs.push(("logsift.parent_method", m.to_string()));
        }
        if let Some(c) = o.confidence {
            attrs.push(("logsift.parent_confidence", c.to_string()));
        }
        attrs.push(("logsift.entries", o.entry_count.to_string()));
        let thread = entries.iter().map(|&e| ix.id(IdKind::Thread, e)).find(|&t| t != 0);
        if let Some(t) = thread {
            attrs.push(("thread.name", text(&ix.id_name(IdKind::Thread, t))));
        }
        let events: Vec<(i64, &'static str, String)> = entries
            .iter()
            .take(max_events)
            .filter_map(|&e| {
                let ts = ix.ts(e)?;
                Some((ts, crate::level::name(ix.cols.level[e as usize]), ix.message(e)))
            })
            .collect();
        // The nearest ancestor that is a span.
        let mut parent = o.parent;
        while let Some(p) = parent {
            if is_span(p) {
                break;
            }
            parent = outs[p].parent;
        }
        spans.push(SpanOut {
            span_id: ids[i].clone(),
            parent_id: parent.map(|p| ids[p].clone()),
            name,
            service: o.service.clone().unwrap_or_else(|| "unknown".to_string()),
            start_ns: start,
            end_ns: end,
            attrs,
            error: node.first_error.map(|e| ix.message(e).lines().next().unwrap_or("").to_string()),
            dropped: entries.len() - events.len(),
            events,
        });
    }
    if spans.is_empty() {
        return Err(Error::new(Code::UnknownId, format!("'{}' has no timestamped records to export", args.id)).at("id"));
    }
    let mut services: Vec<String> = spans.iter().map(|s| s.service.clone()).collect();
    services.sort();
    services.dedup();
    let document = match format {
        Format::Otlp => otlp(&trace_id, &spans, &services),
        Format::Jaeger => jaeger(&trace_id, &spans, &services),
        Format::Zipkin => zipkin(&trace_id, &spans),
    };
    Ok(ExportTraceResult {
        id: args.id.clone(),
        kind: tree.root_kind,
        format: format.name(),
        trace_id,
        span_count: spans.len(),
        error_spans: spans.iter().filter(|s| s.error.is_some()).count(),
        dropped_events: spans.iter().map(|s| s.dropped).sum(),
        services,
        document,
    })
}

fn otlp_str(key: &str, v: &str) -> Value {
    json!({ "key": key, "value": { "stringValue": v } })
}

/// OTLP/JSON (opentelemetry-proto's JSON mapping: ids as hex, 64-bit times as decimal strings,
/// enums as numbers). One resource per service.
fn otlp(trace_id: &str, spans: &[SpanOut], services: &[String]) -> Value {
    let resource_spans: Vec<Value> = services
        .iter()
        .map(|svc| {
            let list: Vec<Value> = spans
                .iter()
                .filter(|s| &s.service == svc)
                .map(|s| {
                    let mut o = Map::new();
                    o.insert("traceId".into(), json!(trace_id));
                    o.insert("spanId".into(), json!(s.span_id));
                    if let Some(p) = &s.parent_id {
                        o.insert("parentSpanId".into(), json!(p));
                    }
                    o.insert("name".into(), json!(s.name));
                    o.insert("kind".into(), json!(1)); // SPAN_KIND_INTERNAL
                    o.insert("startTimeUnixNano".into(), json!(s.start_ns.to_string()));
                    o.insert("endTimeUnixNano".into(), json!(s.end_ns.to_string()));
                    o.insert("attributes".into(), Value::Array(s.attrs.iter().map(|(k, v)| otlp_str(k, v)).collect()));
                    o.insert(
                        "events".into(),
                        Value::Array(
                            s.events
                                .iter()
                                .map(|(t, level, msg)| {
                                    json!({ "timeUnixNano": t.to_string(), "name": msg, "attributes": [otlp_str("log.severity", level)] })
                                })
                                .collect(),
                        ),
                    );
                    if s.dropped > 0 {
                        o.insert("droppedEventsCount".into(), json!(s.dropped));
                    }
                    o.insert(
                        "status".into(),
                        match &s.error {
                            Some(m) => json!({ "code": 2, "message": m }), // STATUS_CODE_ERROR
                            None => json!({}),
                        },
                    );
                    Value::Object(o)
                })
                .collect();
            json!({
                "resource": { "attributes": [otlp_str("service.name", svc)] },
                "scopeSpans": [{ "scope": { "name": "logsift", "version": env!("CARGO_PKG_VERSION") }, "spans": list }],
            })
        })
        .collect();
    json!({ "resourceSpans": resource_spans })
}

fn us(ns: i64) -> i64 {
    ns.div_euclid(1000)
}

/// Jaeger's JSON (jaeger-query's `/api/traces` answer, which the UI's "JSON file" upload reads):
/// times and durations in microseconds, one process per service.
fn jaeger(trace_id: &str, spans: &[SpanOut], services: &[String]) -> Value {
    let pid = |svc: &str| format!("p{}", services.iter().position(|s| s == svc).map_or(0, |i| i + 1));
    let list: Vec<Value> = spans
        .iter()
        .map(|s| {
            let mut tags: Vec<Value> =
                s.attrs.iter().map(|(k, v)| json!({ "key": k, "type": "string", "value": v })).collect();
            if s.error.is_some() {
                tags.push(json!({ "key": "error", "type": "bool", "value": true }));
            }
            let references: Vec<Value> = s
                .parent_id
                .iter()
                .map(|p| json!({ "refType": "CHILD_OF", "traceID": trace_id, "spanID": p }))
                .collect();
            json!({
                "traceID": trace_id,
                "spanID": s.span_id,
                "operationName": s.name,
                "references": references,
                "flags": 1,
                "startTime": us(s.start_ns),
                "duration": (us(s.end_ns) - us(s.start_ns)).max(0),
                "tags": tags,
                "logs": s.events.iter().map(|(t, level, msg)| json!({
                    "timestamp": us(*t),
                    "fields": [
                        { "key": "event", "type": "string", "value": msg },
                        { "key": "level", "type": "string", "value": level },
                    ],
                })).collect::<Vec<_>>(),
                "processID": pid(&s.service),
                "warnings": Value::Null,
            })
        })
        .collect();
    let processes: Map<String, Value> =
        services.iter().map(|svc| (pid(svc), json!({ "serviceName": svc, "tags": [] }))).collect();
    json!({ "data": [{ "traceID": trace_id, "spans": list, "processes": processes, "warnings": Value::Null }] })
}

/// Zipkin v2 JSON (zipkin-api's `ListOfSpans`): microsecond times, a duration of at least 1 µs
/// (0 means "unknown"), tags as a string map, `error` tag on failed spans.
fn zipkin(trace_id: &str, spans: &[SpanOut]) -> Value {
    Value::Array(
        spans
            .iter()
            .map(|s| {
                let mut tags: Map<String, Value> = s.attrs.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
                if let Some(m) = &s.error {
                    tags.insert("error".into(), json!(m));
                }
                let mut o = Map::new();
                o.insert("traceId".into(), json!(trace_id));
                o.insert("id".into(), json!(s.span_id));
                if let Some(p) = &s.parent_id {
                    o.insert("parentId".into(), json!(p));
                }
                o.insert("name".into(), json!(s.name));
                o.insert("timestamp".into(), json!(us(s.start_ns)));
                o.insert("duration".into(), json!((us(s.end_ns) - us(s.start_ns)).max(1)));
                o.insert("localEndpoint".into(), json!({ "serviceName": s.service }));
                o.insert(
                    "annotations".into(),
                    Value::Array(
                        s.events
                            .iter()
                            .map(|(t, level, msg)| json!({ "timestamp": us(*t), "value": format!("{level}: {msg}") }))
                            .collect(),
                    ),
                );
                o.insert("tags".into(), Value::Object(tags));
                Value::Object(o)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_hex_and_hash_the_rest() {
        assert_eq!(trace_hex("4BF92F3577B34DA6A3CE929D0E0E4736"), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(trace_hex("00f067aa0ba902b7"), "000000000000000000f067aa0ba902b7");
        let h = trace_hex("req-42");
        assert!(is_hex(&h, 32));
        assert_eq!(h, trace_hex("req-42"));
        assert_ne!(h, trace_hex("req-43"));
        assert!(is_hex(&span_hex(NodeKey::Thread(1), "worker-1.task-a"), 16));
        assert_eq!(span_hex(NodeKey::Span(1), "00f067aa0ba902b7"), "00f067aa0ba902b7");
        // All-zero ids are invalid in every format: never kept.
        assert!(!is_hex("0000000000000000", 16));
    }
}
