//! The Parquet layout of an export (the OpenTelemetry log data model with the column names of
//! the OpenTelemetry Collector's ClickHouse exporter table `otel_logs`, plus logsift's own
//! columns), and reading such files back as a log source.
//!
//! Why read-back decodes into JSON lines: every operation works on a source's bytes (the
//! index keeps offsets into them, the search scans them). A Parquet file is decoded once,
//! row group by row group, into one JSON object per row in an unlinked temporary file, exactly
//! as a compressed input is decompressed (`source`); the JSON keys are ones the json format
//! already knows (`time`, `level`, `msg`, `trace_id`, ...), so nothing downstream changes.
//! Memory stays at one row group's values whatever the file size.

use crate::error::{Code, Error, Result};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::{Field, Row};
use std::io::Write;

/// The schema, in `otel_logs` column order. Strings are required and empty when absent (as
/// the exporter writes them); the timestamp is the only optional column (a record without
/// one stays a record). `TIMESTAMP(NANOS,false)`: UTC nanoseconds read as a plain
/// nanosecond timestamp by DuckDB (`TIMESTAMP_NS`) and ClickHouse (`DateTime64(9)`); the
/// UTC-adjusted flavour is read by DuckDB as a microsecond `TIMESTAMPTZ`, losing digits.
pub const SCHEMA: &str = "message otel_logs {
  OPTIONAL INT64 Timestamp (TIMESTAMP(NANOS,false));
  REQUIRED BYTE_ARRAY TraceId (STRING);
  REQUIRED BYTE_ARRAY SpanId (STRING);
  REQUIRED BYTE_ARRAY SeverityText (STRING);
  REQUIRED INT32 SeverityNumber (INTEGER(8,false));
  REQUIRED BYTE_ARRAY ServiceName (STRING);
  REQUIRED BYTE_ARRAY Body (STRING);
  REQUIRED group ResourceAttributes (MAP) {
    REPEATED group key_value {
      REQUIRED BYTE_ARRAY key (STRING);
      REQUIRED BYTE_ARRAY value (STRING);
    }
  }
  REQUIRED BYTE_ARRAY ScopeName (STRING);
  REQUIRED group LogAttributes (MAP) {
    REPEATED group key_value {
      REQUIRED BYTE_ARRAY key (STRING);
      REQUIRED BYTE_ARRAY value (STRING);
    }
  }
  REQUIRED BYTE_ARRAY File (STRING);
  REQUIRED INT32 Line (INTEGER(32,false));
  REQUIRED BYTE_ARRAY ThreadId (STRING);
  REQUIRED BYTE_ARRAY RequestId (STRING);
  REQUIRED BYTE_ARRAY ParentSpanId (STRING);
}";

/// The first bytes (and the last) of every Parquet file.
pub const MAGIC: &[u8; 4] = b"PAR1";

/// Decodes the Parquet file `file` (named `path` in errors) into JSON lines written to `out`;
/// returns the bytes written. Files of another schema are refused: read-back is for logsift's
/// own exports (other Parquet has no agreed log layout to map).
pub fn decode(file: std::fs::File, path: &str, out: &mut impl Write) -> Result<u64> {
    let bad =
        |what: String| Error::new(Code::Decompress, format!("cannot read the Parquet file {path}: {what}")).at(path);
    let reader = SerializedFileReader::new(file).map_err(|e| bad(e.to_string()))?;
    let names: Vec<String> =
        reader.metadata().file_metadata().schema().get_fields().iter().map(|f| f.name().to_string()).collect();
    let want = parquet::schema::parser::parse_message_type(SCHEMA).map_err(|e| bad(e.to_string()))?;
    let want: Vec<&str> = want.get_fields().iter().map(|f| f.name()).collect();
    if names != want {
        return Err(bad(format!("not a logsift export (columns {names:?}, expected {want:?})")));
    }
    let mut written = 0u64;
    let mut line = Vec::with_capacity(512);
    for row in reader.get_row_iter(None).map_err(|e| bad(e.to_string()))? {
        let row = row.map_err(|e| bad(e.to_string()))?;
        line.clear();
        json_line(&row, &mut line);
        out.write_all(&line).map_err(|e| Error::io(path, &e))?;
        written += line.len() as u64;
    }
    Ok(written)
}

/// One row as a JSON object with the keys the json format maps to the index's columns.
fn json_line(row: &Row, out: &mut Vec<u8>) {
    let mut obj = serde_json::Map::new();
    let mut put = |k: &str, v: serde_json::Value| {
        obj.insert(k.to_string(), v);
    };
    let mut attrs = serde_json::Map::new();
    for (name, field) in row.get_column_iter() {
        match (name.as_str(), field) {
            // The row API has no nanosecond variant: INT64 TIMESTAMP(NANOS) comes out as Long.
            ("Timestamp", Field::Long(ns)) => put("time", crate::time::format_ns(*ns).into()),
            ("SeverityNumber", Field::UByte(n)) if *n > 0 => put("severityNumber", (*n).into()),
            ("Line", Field::UInt(n)) => put("line", (*n).into()),
            ("ResourceAttributes" | "LogAttributes", Field::MapInternal(m)) => {
                for (k, v) in m.entries() {
                    if let (Field::Str(k), Field::Str(v)) = (k, v) {
                        // service.name is the ServiceName column again; the rest are fields.
                        if !(name == "ResourceAttributes" && k == "service.name") {
                            attrs.insert(k.clone(), v.clone().into());
                        }
                    }
                }
            }
            (_, Field::Str(s)) if !s.is_empty() => {
                let key = match name.as_str() {
                    "TraceId" => "trace_id",
                    "SpanId" => "span_id",
                    "SeverityText" => "level",
                    "ServiceName" => "service",
                    "Body" => "msg",
                    "ScopeName" => "logger",
                    "File" => "file",
                    "ThreadId" => "thread",
                    "RequestId" => "request_id",
                    "ParentSpanId" => "parent_span_id",
                    _ => continue,
                };
                put(key, s.clone().into());
            }
            _ => {}
        }
    }
    if !attrs.is_empty() {
        obj.insert("attributes".into(), attrs.into());
    }
    // Writing a Map of Strings into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, &obj);
    out.push(b'\n');
}
