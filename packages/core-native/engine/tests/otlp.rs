//! The OTLP/JSON `resourceLogs` envelope: one line, many log records, one entry each.

use logsift_engine::index::Index;
use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::record::IdKind;
use logsift_engine::source::Source;
use serde_json::json;

fn index_bytes(data: &[u8], opts: &OpenOptions) -> Index {
    build(vec![Source::from_bytes("otlp.jsonl", data.to_vec()).unwrap()], opts, &Control::default()).unwrap()
}

/// Two resources (the second lists `scopeLogs` before `resource`), three scopes, five
/// records with every kind of attribute value, as the Collector's file exporter writes them.
const ENVELOPE: &str = r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}},{"key":"host.name","value":{"stringValue":"node-1"}}]},"scopeLogs":[{"scope":{"name":"checkout.http","version":"1.2.0"},"logRecords":[{"timeUnixNano":"1700000000000000000","severityNumber":9,"severityText":"INFO","body":{"stringValue":"order placed"},"attributes":[{"key":"order.id","value":{"intValue":"4711"}},{"key":"express","value":{"boolValue":true}},{"key":"total","value":{"doubleValue":19.5}}],"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"},{"timeUnixNano":"1700000001000000000","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"payment \"declined\""},"attributes":[{"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"2"}]}}},{"key":"card","value":{"kvlistValue":{"values":[{"key":"brand","value":{"stringValue":"visa"}}]}}}],"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175"}]},{"scope":{"name":"checkout.db"},"logRecords":[{"timeUnixNano":"1700000002000000000","severityNumber":13,"severityText":"WARN","body":{"stringValue":"slow query"},"traceId":"","spanId":""}]}]},{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000003000000000","severityNumber":5,"body":{"stringValue":"cache warm"}},{"observedTimeUnixNano":"1700000004000000000","severityText":"FATAL","severityNumber":21,"body":{"stringValue":"out of memory"},"attributes":[{"key":"service.name","value":{"stringValue":"ignored-attribute"}}]}],"scope":{"name":"payments.core"}}],"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"payments"}}]}}]}"#;

fn sample() -> String {
    format!(
        "{}\n{ENVELOPE}\n{}\n",
        r#"{"time":"2023-11-14T22:13:19Z","level":"info","service":"gateway","msg":"before"}"#,
        r#"{"time":"2023-11-14T22:13:25Z","level":"info","service":"gateway","msg":"after"}"#
    )
}

#[test]
fn each_log_record_is_an_entry_of_the_envelope_line() {
    let data = sample();
    let ix = index_bytes(data.as_bytes(), &OpenOptions::default());
    assert_eq!(ix.files[0].format.kind.name(), "json");
    assert_eq!(ix.len(), 7);
    let entries: Vec<_> = (0..7).map(|e| ix.entry(e, false)).collect();
    let msgs: Vec<&str> = entries.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        msgs,
        ["before", "order placed", "payment \"declined\"", "slow query", "cache warm", "out of memory", "after"]
    );
    let lines: Vec<u32> = entries.iter().map(|e| e.line).collect();
    assert_eq!(lines, [1, 2, 2, 2, 2, 2, 3]);
    let services: Vec<_> = entries.iter().map(|e| e.service.as_deref().unwrap_or("")).collect();
    assert_eq!(services, ["gateway", "checkout", "checkout", "checkout", "payments", "payments", "gateway"]);
    let levels: Vec<&str> = entries.iter().map(|e| e.level).collect();
    assert_eq!(levels, ["INFO", "INFO", "ERROR", "WARN", "DEBUG", "FATAL", "INFO"]);
    assert_eq!(entries[1].timestamp_ns, Some(1_700_000_000_000_000_000));
    assert_eq!(entries[5].timestamp_ns, Some(1_700_000_004_000_000_000), "observedTimeUnixNano as a fallback");
    assert_eq!(entries[1].trace.as_deref(), Some("5b8efff798038103d269b633813fc60c"));
    assert_eq!(entries[2].span.as_deref(), Some("eee19b7ec3c1b175"));
    assert_eq!(entries[3].trace, None, "empty ids are absent");
    // Each entry's raw text is its own record's JSON, at its own offset inside the line.
    for e in &entries[1..6] {
        let v: serde_json::Value = serde_json::from_str(&e.raw).expect("record JSON");
        assert!(v.get("body").is_some(), "{}", e.raw);
        assert_eq!(&data[e.offset as usize..e.offset as usize + e.length as usize], e.raw);
    }
    assert!(entries[1].raw.starts_with(r#"{"timeUnixNano":"1700000000000000000""#));
    assert!(entries[2].offset > entries[1].offset + entries[1].length as u64);
    // Following the trace finds both records that carry it.
    let t = ix.id(IdKind::Trace, 1);
    assert_eq!(&*ix.entries_with(IdKind::Trace, t), &[1, 2]);
}

#[test]
fn otlp_fields_decode_attributes_resource_and_scope() {
    let ix = index_bytes(sample().as_bytes(), &OpenOptions::default());
    let f = ix.fields(1);
    assert_eq!(f["attributes"], json!({"order.id": 4711, "express": true, "total": 19.5}));
    assert_eq!(f["body"], json!("order placed"));
    assert_eq!(f["resource"], json!({"service.name": "checkout", "host.name": "node-1"}));
    assert_eq!(f["scope"], json!({"name": "checkout.http", "version": "1.2.0"}));
    let f = ix.fields(2);
    assert_eq!(f["attributes"], json!({"tags": ["a", 2], "card": {"brand": "visa"}}));
    let f = ix.fields(4);
    assert_eq!(f["scope"], json!({"name": "payments.core"}));
    assert_eq!(f["resource"], json!({"service.name": "payments"}));
    // Plain JSON lines around the envelope keep their own fields.
    assert_eq!(ix.fields(0)["msg"], json!("before"));
}

#[test]
fn otlp_parallel_equals_serial_and_bad_envelopes_stay_records() {
    let mut data = String::new();
    for i in 0..300 {
        data.push_str(&ENVELOPE.replace("1700000000000000000", &format!("17000000{i:02}000000000")));
        data.push('\n');
        if i % 7 == 0 {
            data.push_str(r#"{"level":"info","msg":"plain"}"#);
            data.push('\n');
        }
    }
    let tiny = OpenOptions { chunk_size: 4096, ..Default::default() };
    let par = index_bytes(data.as_bytes(), &tiny);
    let ser = index_bytes(data.as_bytes(), &OpenOptions { serial: true, ..tiny });
    assert_eq!(par.len(), 300 * 5 + 43);
    let rows = |ix: &Index| {
        (0..ix.len() as u32)
            .map(|e| {
                (
                    ix.cols.offset(e as usize),
                    ix.cols.ts[e as usize],
                    ix.raw(e).len(),
                    ix.line(e),
                    ix.id(IdKind::Service, e),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(rows(&par), rows(&ser));
    // Truncated or record-less envelopes are ordinary records (one entry per line), no panic.
    let bad = format!(
        "{}\n{}\n{}\n",
        &ENVELOPE[..ENVELOPE.len() / 2],
        r#"{"resourceLogs":[]}"#,
        r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[]}]}]}"#
    );
    let ix = index_bytes(bad.as_bytes(), &OpenOptions { format: Some("json".into()), ..Default::default() });
    assert_eq!(ix.len(), 3);
    for e in 0..3 {
        let _ = ix.entry(e, true);
    }
}
