//! Timestamp parsing into UTC nanoseconds since the epoch.
//!
//! Small hand-written parsers rather than a date library: they run once per record on the
//! hot path of the index build, and they must accept the many shapes real logs use.

pub const NS_PER_SEC: i64 = 1_000_000_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Nanoseconds of a civil date-time read as UTC; `None` when a field is out of range.
pub fn civil_to_ns(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> Option<i64> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 24 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h as i64 * 3600 + mi as i64 * 60 + s as i64;
    secs.checked_mul(NS_PER_SEC)?.checked_add(nanos as i64)
}

/// Formats UTC nanoseconds as RFC 3339 with millisecond precision (`2024-01-02T03:04:05.678Z`),
/// or with full precision when the value has sub-millisecond digits.
pub fn format_ns(ns: i64) -> String {
    let secs = ns.div_euclid(NS_PER_SEC);
    let frac = ns.rem_euclid(NS_PER_SEC);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s) = (sod / 3600, (sod % 3600) / 60, sod % 60);
    if frac % 1_000_000 == 0 {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", frac / 1_000_000)
    } else {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{frac:09}Z")
    }
}

/// Reads `n` ASCII digits at `pos`.
#[inline]
pub fn digits(b: &[u8], pos: usize, n: usize) -> Option<u32> {
    let s = b.get(pos..pos + n)?;
    let mut v = 0u32;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u32;
    }
    Some(v)
}

/// Reads a fraction of a second (`.123`, `,123456`) starting at the separator; returns
/// (nanos, bytes consumed including the separator).
#[inline]
pub fn fraction(b: &[u8], pos: usize) -> (u32, usize) {
    match b.get(pos) {
        Some(b'.') | Some(b',') => {}
        _ => return (0, 0),
    }
    let mut i = pos + 1;
    let mut nanos = 0u32;
    let mut n = 0;
    while let Some(&c) = b.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        if n < 9 {
            nanos = nanos * 10 + (c - b'0') as u32;
            n += 1;
        }
        i += 1;
    }
    if i == pos + 1 {
        return (0, 0);
    }
    for _ in n..9 {
        nanos *= 10;
    }
    (nanos, i - pos)
}

/// Reads a zone designator (`Z`, `+02:00`, `+0200`, `-05`) at `pos`: (offset seconds, bytes).
#[inline]
pub fn zone(b: &[u8], pos: usize) -> Option<(i64, usize)> {
    match b.get(pos)? {
        b'Z' | b'z' => Some((0, 1)),
        &c @ (b'+' | b'-') => {
            let sign = if c == b'-' { -1 } else { 1 };
            let h = digits(b, pos + 1, 2)? as i64;
            let (m, used) = if b.get(pos + 3) == Some(&b':') {
                (digits(b, pos + 4, 2)? as i64, 6)
            } else if let Some(m) = digits(b, pos + 3, 2) {
                (m as i64, 5)
            } else {
                (0, 3)
            };
            Some((sign * (h * 3600 + m * 60), used))
        }
        _ => None,
    }
}

/// ISO-8601 / RFC 3339: `2024-01-02T03:04:05.678Z`, `2024-01-02 03:04:05,678+02:00`,
/// `2024-01-02T03:04:05` (no zone: `default_offset` seconds east of UTC applies).
/// Returns (ns, bytes consumed).
pub fn parse_iso(b: &[u8], default_offset: i64) -> Option<(i64, usize)> {
    let y = digits(b, 0, 4)? as i64;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let mo = digits(b, 5, 2)?;
    let d = digits(b, 8, 2)?;
    match b.get(10) {
        Some(b'T') | Some(b't') | Some(b' ') | Some(b'_') => {}
        _ => {
            // A bare date.
            let ns = civil_to_ns(y, mo, d, 0, 0, 0, 0)? - default_offset * NS_PER_SEC;
            return Some((ns, 10));
        }
    }
    let h = digits(b, 11, 2)?;
    if b.get(13) != Some(&b':') {
        return None;
    }
    let mi = digits(b, 14, 2)?;
    let (s, mut i) = if b.get(16) == Some(&b':') { (digits(b, 17, 2)?, 19) } else { (0, 16) };
    let (nanos, used) = fraction(b, i);
    i += used;
    let mut offset = default_offset;
    if let Some((off, used)) = zone(b, i) {
        offset = off;
        i += used;
    } else if b.get(i) == Some(&b' ') {
        if let Some((off, used)) = zone(b, i + 1) {
            // `2024-01-02 03:04:05 +0000` (Apache, git): a zone after one space.
            if used > 1 {
                offset = off;
                i += used + 1;
            }
        }
    }
    let ns = civil_to_ns(y, mo, d, h, mi, s, nanos)? - offset * NS_PER_SEC;
    Some((ns, i))
}

/// A number read as an epoch timestamp, its unit guessed from its magnitude
/// (s, ms, us, ns): values are plausible dates between 1973 and 2286.
pub fn epoch_guess(v: f64) -> Option<i64> {
    if !v.is_finite() || v <= 0.0 {
        return None;
    }
    let scale = epoch_scale(v.trunc() as i64)?;
    let ns = v * scale as f64;
    if ns > 9.2e18 {
        return None;
    }
    Some(ns as i64)
}

/// Nanoseconds per unit for an epoch value of this magnitude.
fn epoch_scale(int_part: i64) -> Option<i64> {
    Some(match int_part {
        i64::MIN..=0 => return None,
        1..=99_999_999_999 => 1_000_000_000,
        100_000_000_000..=99_999_999_999_999 => 1_000_000,
        100_000_000_000_000..=99_999_999_999_999_999 => 1_000,
        _ => 1,
    })
}

/// Epoch number as text (`1700000000`, `1700000000.123`, `1700000000123`), exact for integers
/// and for decimal fractions down to the nanosecond.
pub fn epoch_from_str(s: &str) -> Option<i64> {
    let (int_s, frac_s) = match s.find('.') {
        Some(p) => (&s[..p], &s[p + 1..]),
        None => (s, ""),
    };
    if int_s.is_empty() || !int_s.bytes().all(|c| c.is_ascii_digit()) || !frac_s.bytes().all(|c| c.is_ascii_digit()) {
        return s.parse::<f64>().ok().and_then(epoch_guess);
    }
    let int: i64 = int_s.parse().ok()?;
    let scale = epoch_scale(int)?;
    let mut frac_ns: i64 = 0;
    let mut unit = scale;
    for c in frac_s.bytes().take(18) {
        unit /= 10;
        if unit == 0 {
            break;
        }
        frac_ns += (c - b'0') as i64 * unit;
    }
    int.checked_mul(scale)?.checked_add(frac_ns)
}

/// Month abbreviation (`Jan`, `jan`, `JANUARY`) to 1..=12.
pub fn month_from_name(b: &[u8]) -> Option<u32> {
    if b.len() < 3 {
        return None;
    }
    let m = [b[0].to_ascii_lowercase(), b[1].to_ascii_lowercase(), b[2].to_ascii_lowercase()];
    Some(match &m {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
        _ => return None,
    })
}

/// Parses a time given by a user or found in a JSON string value: RFC 3339 / ISO-8601, or an
/// epoch number (unit guessed). Zone-less values use `default_offset`.
pub fn parse_any(s: &str, default_offset: i64) -> Option<i64> {
    let t = s.trim();
    if let Some((ns, used)) = parse_iso(t.as_bytes(), default_offset) {
        if used == t.len() {
            return Some(ns);
        }
    }
    epoch_from_str(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-1000i64, 0, 1, 365, 10_957, 19_723, 40_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn iso_shapes() {
        let base = civil_to_ns(2015, 10, 18, 18, 1, 47, 978_000_000).unwrap();
        assert_eq!(parse_iso(b"2015-10-18 18:01:47,978 INFO", 0), Some((base, 23)));
        assert_eq!(parse_iso(b"2015-10-18T18:01:47.978Z", 0), Some((base, 24)));
        assert_eq!(parse_iso(b"2015-10-18T20:01:47.978+02:00", 0), Some((base, 29)));
        assert_eq!(parse_iso(b"2015-10-18T20:01:47.978+0200", 0), Some((base, 28)));
        assert_eq!(parse_iso(b"2015-10-18T18:01:47.978", 0), Some((base, 23)));
        assert_eq!(parse_iso(b"2015-10-18T19:01:47.978", 3600), Some((base, 23)));
        assert!(parse_iso(b"2015-13-18T18:01:47", 0).is_none());
        assert_eq!(format_ns(base), "2015-10-18T18:01:47.978Z");
    }

    #[test]
    fn epoch_units() {
        let s = 1_700_000_000i64;
        assert_eq!(epoch_guess(s as f64), Some(s * NS_PER_SEC));
        assert_eq!(epoch_guess((s * 1000) as f64), Some(s * NS_PER_SEC));
        assert_eq!(epoch_guess((s * 1_000_000) as f64), Some(s * NS_PER_SEC));
        assert_eq!(parse_any("1700000000.5", 0), Some(s * NS_PER_SEC + 500_000_000));
        assert_eq!(epoch_from_str("1700000000123"), Some(s * NS_PER_SEC + 123_000_000));
        assert_eq!(epoch_from_str("1700000000123456789"), Some(s * NS_PER_SEC + 123_456_789));
        assert_eq!(epoch_from_str("abc"), None);
    }
}
