//! Shared by the tests that read the loghub corpus: where it is, and a CSV reader for its
//! `_structured.csv` ground truth. Included with `#[path = "support/loghub.rs"] mod loghub_support;`.
#![allow(dead_code)]

use std::path::PathBuf;

/// A minimal RFC 4180 reader: quoted fields with `""` escapes and embedded separators.
pub fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// The loghub corpus: `LOGHUB_DIR`, else `shared/corpus/loghub` beside the repository clone.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("LOGHUB_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/corpus/loghub"),
    };
    dir.is_dir().then_some(dir)
}
