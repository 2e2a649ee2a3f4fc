//! Time expressions in queries: absolute (`2024-01-02T03:04:05Z`, `2024-01-02`, epoch) and
//! relative (`-1h`, `30m`, `2d`, `90s`, `1h30m`) measured from a reference instant.

use crate::error::{Code, Error, Result};

/// `30m`, `1h30m`, `2d`, `90s`, `500ms`, `1w` → nanoseconds.
pub fn parse_duration(s: &str) -> Result<i64> {
    let t = s.trim();
    let bad = || {
        Error::new(Code::InvalidTime, format!("invalid duration '{s}': use e.g. 30s, 15m, 2h, 7d, 1h30m"))
            .at(s.to_string())
    };
    if t.is_empty() {
        return Err(bad());
    }
    let b = t.as_bytes();
    let mut i = 0;
    let mut total: i64 = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
            i += 1;
        }
        if start == i {
            return Err(bad());
        }
        let n: f64 = t[start..i].parse().map_err(|_| bad())?;
        let ustart = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit = match &t[ustart..i] {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" | "sec" | "secs" => 1e9,
            "m" | "min" | "mins" => 60e9,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600e9,
            "d" | "day" | "days" => 86_400e9,
            "w" | "week" | "weeks" => 7.0 * 86_400e9,
            _ => return Err(bad()),
        };
        total = total.saturating_add((n * unit) as i64);
    }
    Ok(total)
}

/// A bound given by a user: absolute time, or relative (`-1h`, `1h` meaning "1h before the
/// reference"). `reference_ns` is now or the end of the data.
pub fn parse_time_bound(s: &str, reference_ns: i64, tz_offset: i64) -> Result<i64> {
    let tz_offset = crate::time::Tz::Fixed(tz_offset);
    let t = s.trim();
    if let Some(ns) = crate::time::parse_any(t, tz_offset) {
        return Ok(ns);
    }
    let rel = t.strip_prefix('-').unwrap_or(t);
    match parse_duration(rel) {
        Ok(d) => Ok(reference_ns.saturating_sub(d)),
        Err(_) => Err(Error::new(
            Code::InvalidTime,
            format!(
                "invalid time '{s}': use ISO-8601 (2024-01-02T03:04:05Z), epoch seconds, or a relative time like -1h"
            ),
        )
        .at(s.to_string())),
    }
}

/// Wall clock now in ns.
pub fn now_ns() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::NS_PER_SEC;
    const MINUTE: i64 = 60 * NS_PER_SEC;
    #[test]
    fn durations_and_bounds() {
        assert_eq!(parse_duration("30m").unwrap(), 30 * MINUTE);
        assert_eq!(parse_duration("1h30m").unwrap(), 90 * MINUTE);
        assert_eq!(parse_duration("500ms").unwrap(), 500_000_000);
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("").is_err());
        let end = 1_700_000_000 * NS_PER_SEC;
        assert_eq!(parse_time_bound("-1h", end, 0).unwrap(), end - 60 * MINUTE);
        assert_eq!(parse_time_bound("2h", end, 0).unwrap(), end - 120 * MINUTE);
        assert_eq!(parse_time_bound("2023-11-14T22:13:20Z", end, 0).unwrap(), end);
        assert_eq!(parse_time_bound("1700000000", end, 0).unwrap(), end);
        assert_eq!(parse_time_bound("yesterday-ish", end, 0).unwrap_err().code, Code::InvalidTime);
    }
}
