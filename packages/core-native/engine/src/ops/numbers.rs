//! Numbers inside record bytes: a field's value (`"bytes":512`, `bytes=512`, `bytes: 512`) and
//! durations (`"duration_ms":12`, `took 12ms`, `in 250ms`, `latency: 1.2s`), normalized to ms.
//!
//! These read the raw record bytes directly instead of parsing the whole record: a memmem /
//! Aho-Corasick pass finds the key, and only the few bytes after it are parsed. That keeps a
//! metric over 1M entries a byte scan, with no allocation per entry.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::OnceLock;

/// Duration keys recognized in records, longest first within a family so that `duration_ms`
/// wins over `duration`. The value's unit comes from the key suffix; a bare number under a key
/// without a unit suffix is taken as milliseconds.
const DURATION_KEYS: [&str; 22] = [
    "duration_ms",
    "durationMs",
    "duration_us",
    "duration_ns",
    "duration_s",
    "elapsed_ms",
    "elapsedMs",
    "took_ms",
    "tookMs",
    "latency_ms",
    "latencyMs",
    "response_time_ms",
    "responseTimeMs",
    "response_time",
    "duration",
    "elapsed",
    "took",
    "latency",
    "Duration",
    "Elapsed",
    "Took",
    "Latency",
];

/// Message words after which a number with an explicit unit is a duration (`request done in
/// 250ms`). Unlike keys, these need a unit: `in 3 places` is not a duration.
const DURATION_WORDS: [&str; 2] = ["in", "after"];

fn matcher() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        // Keys only: short words like `in` would defeat the automaton's SIMD prefilter.
        let pats: Vec<&str> = DURATION_KEYS.to_vec();
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(pats)
            .unwrap_or_else(|_| AhoCorasick::new(["\u{0}never"]).expect("static pattern"))
    })
}

/// Milliseconds per unit of a key without an explicit unit in its value.
pub fn key_unit_ms(key: &str) -> f64 {
    let k = key.to_ascii_lowercase();
    if k.ends_with("_ms") || k.ends_with("ms") || k.ends_with("millis") {
        1.0
    } else if k.ends_with("_us") || k.ends_with("micros") {
        1e-3
    } else if k.ends_with("_ns") || k.ends_with("nanos") {
        1e-6
    } else if k.ends_with("_s") || k.ends_with("_sec") || k.ends_with("seconds") || k.ends_with("secs") {
        1e3
    } else {
        1.0
    }
}

#[inline]
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Parses a number at the start of `b`; returns it and the bytes consumed.
pub fn number_prefix(b: &[u8]) -> Option<(f64, usize)> {
    let mut i = 0;
    if matches!(b.first(), Some(b'-') | Some(b'+')) {
        i += 1;
    }
    let digits_start = i;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    if i == digits_start {
        return None;
    }
    // Exponent (1.5e3), only when digits follow.
    if i + 1 < b.len() && matches!(b[i], b'e' | b'E') {
        let mut j = i + 1;
        if matches!(b[j], b'-' | b'+') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    let s = std::str::from_utf8(&b[..i]).ok()?;
    s.parse::<f64>().ok().filter(|v| v.is_finite()).map(|v| (v, i))
}

/// A duration unit at the start of `b` (after optional spaces): ms per unit and bytes consumed.
fn unit_prefix(b: &[u8]) -> Option<(f64, usize)> {
    let mut i = 0;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    let start = i;
    while i < b.len() && (b[i].is_ascii_alphabetic() || b[i] >= 0x80) {
        i += 1;
    }
    let word = &b[start..i];
    let per = match word {
        b"ns" | b"nanos" | b"nanoseconds" => 1e-6,
        b"us" | b"\xc2\xb5s" | b"\xce\xbcs" | b"micros" | b"microseconds" => 1e-3,
        b"ms" | b"millis" | b"msec" | b"msecs" | b"milliseconds" => 1.0,
        b"s" | b"sec" | b"secs" | b"second" | b"seconds" => 1e3,
        b"m" | b"min" | b"mins" | b"minute" | b"minutes" => 60e3,
        b"h" | b"hr" | b"hrs" | b"hour" | b"hours" => 3_600e3,
        _ => return None,
    };
    Some((per, i))
}

/// Parses a duration value: `12`, `12ms`, `1.2 s`, `"250ms"`, `1m30s`. Without a unit, the
/// number is multiplied by `bare_unit_ms` (None: a unit is required).
pub fn parse_duration_ms(b: &[u8], bare_unit_ms: Option<f64>) -> Option<f64> {
    let b = b.strip_prefix(b"\"").unwrap_or(b);
    let (v, n) = number_prefix(b)?;
    match unit_prefix(&b[n..]) {
        Some((per, used)) => {
            let mut total = v * per;
            let mut rest = &b[n + used..];
            // Compound values (`1m30s`, `1h2m3.5s`).
            while let Some((v2, n2)) = number_prefix(rest) {
                match unit_prefix(&rest[n2..]) {
                    Some((per2, used2)) => {
                        total += v2 * per2;
                        rest = &rest[n2 + used2..];
                    }
                    None => break,
                }
            }
            Some(total)
        }
        None => {
            // A bare number must end there (not `12abc`).
            if b.get(n).is_some_and(|&c| is_word(c)) {
                return None;
            }
            bare_unit_ms.map(|u| v * u)
        }
    }
}

/// After a key ending at `end` in `raw`: skips a closing quote, spaces, and one `:` or `=`;
/// returns where the value starts and whether a separator was seen.
fn value_start(raw: &[u8], mut i: usize) -> (usize, bool) {
    if raw.get(i) == Some(&b'"') {
        i += 1;
    }
    while raw.get(i) == Some(&b' ') {
        i += 1;
    }
    let sep = matches!(raw.get(i), Some(b':') | Some(b'='));
    if sep {
        i += 1;
        while raw.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    (i, sep)
}

/// The duration of a record in ms, from a duration key (`"duration_ms": 12`, `took=12ms`,
/// `latency: 1.2s`, `took 12ms`) or a message phrase (`in 250ms`). Keys win over phrases; the
/// first match of each kind counts.
pub fn duration_ms(raw: &[u8]) -> Option<f64> {
    for m in matcher().find_iter(raw) {
        let (s, e) = (m.start(), m.end());
        // Whole words only.
        if s > 0 && is_word(raw[s - 1]) || raw.get(e).is_some_and(|&c| is_word(c)) {
            continue;
        }
        let key = DURATION_KEYS[m.pattern().as_usize()];
        let (vs, sep) = value_start(raw, e);
        // A key with a separator takes bare numbers in the key's unit; a key used as a word
        // (`took 12ms`) needs a unit.
        let bare = sep.then(|| key_unit_ms(key));
        if let Some(v) = parse_duration_ms(&raw[vs..], bare) {
            return Some(v);
        }
    }
    phrase_duration_ms(raw)
}

/// `… in 250ms`, `… after 1.5s`: a word followed by a number with a unit.
fn phrase_duration_ms(raw: &[u8]) -> Option<f64> {
    static FINDERS: OnceLock<Vec<memchr::memmem::Finder<'static>>> = OnceLock::new();
    let finders = FINDERS.get_or_init(|| {
        DURATION_WORDS.iter().map(|w| memchr::memmem::Finder::new(w.as_bytes()).into_owned()).collect()
    });
    for (w, f) in DURATION_WORDS.iter().zip(finders) {
        for s in f.find_iter(raw) {
            let e = s + w.len();
            if s > 0 && is_word(raw[s - 1]) || raw.get(e) != Some(&b' ') {
                continue;
            }
            let mut i = e;
            while raw.get(i) == Some(&b' ') {
                i += 1;
            }
            if let Some(v) = parse_duration_ms(&raw[i..], None) {
                return Some(v);
            }
        }
    }
    None
}

/// A number under `key` in the record bytes: `"key": 12`, `"key":"12"`, `key=12`, `key: 12`.
/// Durations with a unit (`"250ms"`) are converted to ms. Returns the first parseable value.
pub fn field_number(raw: &[u8], finder: &memchr::memmem::Finder<'_>, key: &[u8]) -> Option<f64> {
    let mut from = 0;
    while let Some(rel) = finder.find(&raw[from..]) {
        let s = from + rel;
        let e = s + key.len();
        from = s + 1;
        if s > 0 && (is_word(raw[s - 1]) || raw[s - 1] == b'.') || raw.get(e).is_some_and(|&c| is_word(c)) {
            continue;
        }
        let (vs, sep) = value_start(raw, e);
        if !sep {
            continue;
        }
        let v = &raw[vs..];
        let v = v.strip_prefix(b"\"").unwrap_or(v);
        if let Some((n, used)) = number_prefix(v) {
            if let Some((per, _)) = unit_prefix(&v[used..]) {
                return parse_duration_ms(v, None).or(Some(n * per));
            }
            if v.get(used).is_some_and(|&c| is_word(c)) {
                continue;
            }
            return Some(n);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_records() {
        assert_eq!(duration_ms(br#"{"msg":"x","duration_ms":12}"#), Some(12.0));
        assert_eq!(duration_ms(br#"{"msg":"x","duration":"1.5s"}"#), Some(1500.0));
        assert_eq!(duration_ms(br#"{"elapsed_us":2500}"#), None);
        assert_eq!(duration_ms(b"request done took 12ms"), Some(12.0));
        assert_eq!(duration_ms(b"served in 250ms"), Some(250.0));
        assert_eq!(duration_ms(b"found in 3 places"), None);
        assert_eq!(duration_ms(b"latency: 1.2s ok"), Some(1200.0));
        assert_eq!(duration_ms(b"duration=1m30s"), Some(90_000.0));
        assert_eq!(duration_ms(b"took 12"), None);
        assert_eq!(duration_ms(b"tookover 12ms"), None);
        assert_eq!(duration_ms(b"done in 5ms took=7"), Some(7.0));
    }

    #[test]
    fn field_numbers() {
        let f = memchr::memmem::Finder::new(b"bytes");
        assert_eq!(field_number(br#"{"bytes":512,"x":1}"#, &f, b"bytes"), Some(512.0));
        assert_eq!(field_number(br#"{"bytes": "1e3"}"#, &f, b"bytes"), Some(1000.0));
        assert_eq!(field_number(b"sent bytes=7 ok", &f, b"bytes"), Some(7.0));
        assert_eq!(field_number(b"the bytes were many", &f, b"bytes"), None);
        assert_eq!(field_number(b"rxbytes=9", &f, b"bytes"), None);
    }
}
