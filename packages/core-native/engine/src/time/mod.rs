//! Timestamp parsing into UTC nanoseconds since the epoch.
//!
//! Small hand-written parsers rather than a date library: they run once per record on the
//! hot path of the index build, and they must accept the many shapes real logs use.

mod format;
pub use format::TsFormat;

pub const NS_PER_SEC: i64 = 1_000_000_000;

/// The zone of stamps written without one (`--timezone`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tz {
    /// A fixed offset, seconds east of UTC (`UTC`, `+02:00`).
    Fixed(i64),
    /// A zone with rules (`Europe/Berlin`, `local`): the offset depends on the date.
    Rules(&'static ZoneRules),
}

impl Default for Tz {
    fn default() -> Self {
        Tz::Fixed(0)
    }
}

impl Tz {
    /// The UTC instant of a local (zone-less) time, as nanoseconds read as if UTC.
    #[inline]
    pub fn utc_ns(self, local_ns: i64) -> Option<i64> {
        let off = match self {
            Tz::Fixed(off) => off,
            Tz::Rules(z) => z.offset_at_local(local_ns.div_euclid(NS_PER_SEC)),
        };
        local_ns.checked_sub(off.checked_mul(NS_PER_SEC)?)
    }

    /// The offset in effect at a UTC instant (for display and tests).
    pub fn offset_at_utc(self, utc_secs: i64) -> i64 {
        match self {
            Tz::Fixed(off) => off,
            Tz::Rules(z) => z.offset_at_utc(utc_secs),
        }
    }
}

/// A stamp's own zone when it has one, else the configured zone.
#[inline]
fn to_utc(local_ns: i64, own: Option<i64>, tz: Tz) -> Option<i64> {
    match own {
        Some(off) => local_ns.checked_sub(off.checked_mul(NS_PER_SEC)?),
        None => tz.utc_ns(local_ns),
    }
}

/// A zone's offsets as a table, so that reading a local time costs one binary search, not a
/// time zone database query per line. Built from jiff's bundled IANA database (nothing is
/// read from the machine's /usr/share/zoneinfo), for the years 1900 to 2200.
///
/// A local time that a daylight-saving change makes ambiguous is read one way: with the
/// offset in effect before the change. In autumn's repeated hour that is the first
/// occurrence (02:30 in Berlin on the last Sunday of October is 00:30 UTC, still summer
/// time); in spring's skipped hour, a time that does not exist (02:30 when clocks jump from
/// 02:00 to 03:00) is read as if the change had not happened yet, which lands after it
/// (02:30 +01:00 = 01:30 UTC = 03:30 summer time). This is jiff's and JavaScript's
/// "compatible" rule.
#[derive(Debug, PartialEq)]
pub struct ZoneRules {
    pub name: String,
    /// Offset before the first transition.
    first: i64,
    /// (UTC second of a transition, local second from which its new offset applies, new offset).
    transitions: Vec<(i64, i64, i64)>,
}

impl ZoneRules {
    fn from_jiff(name: &str, tz: &jiff::tz::TimeZone) -> Option<ZoneRules> {
        let start = jiff::Timestamp::from_second(-2_208_988_800).ok()?; // 1900-01-01
        let end = 7_258_118_400; // 2200-01-01
        let first = tz.to_offset(start).seconds() as i64;
        let mut prev = first;
        let mut transitions = Vec::new();
        for t in tz.following(start) {
            let at = t.timestamp().as_second();
            if at >= end {
                break;
            }
            let off = t.offset().seconds() as i64;
            // The new offset applies from the later of the two wall-clock readings of the
            // change: before it, the old offset (the compatible rule above).
            transitions.push((at, at + prev.max(off), off));
            prev = off;
        }
        Some(ZoneRules { name: name.to_string(), first, transitions })
    }

    #[inline]
    fn offset_at_local(&self, local_secs: i64) -> i64 {
        match self.transitions.partition_point(|t| t.1 <= local_secs) {
            0 => self.first,
            n => self.transitions[n - 1].2,
        }
    }

    fn offset_at_utc(&self, utc_secs: i64) -> i64 {
        match self.transitions.partition_point(|t| t.0 <= utc_secs) {
            0 => self.first,
            n => self.transitions[n - 1].2,
        }
    }
}

/// The rules of an IANA zone (`Europe/Berlin`) or of this machine's zone (`local`), built
/// once per name per process and kept (a few KiB each) so `ParseCtx` stays `Copy`.
pub fn zone_rules(name: &str) -> Result<&'static ZoneRules, String> {
    static ZONES: std::sync::Mutex<Vec<&'static ZoneRules>> = std::sync::Mutex::new(Vec::new());
    let tz = if name.eq_ignore_ascii_case("local") {
        jiff::tz::TimeZone::try_system().map_err(|e| format!("the machine's time zone is unknown: {e}"))?
    } else {
        jiff::tz::TimeZone::get(name).map_err(|e| format!("unknown time zone '{name}': {e}"))?
    };
    let key = tz.iana_name().unwrap_or(name).to_string();
    let mut zones = ZONES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(z) = zones.iter().find(|z| z.name == key) {
        return Ok(z);
    }
    let rules = ZoneRules::from_jiff(&key, &tz).ok_or_else(|| format!("time zone '{name}' has no usable rules"))?;
    let leaked: &'static ZoneRules = Box::leak(Box::new(rules));
    zones.push(leaked);
    Ok(leaked)
}

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

/// A local time (ns) at `offset` seconds east of UTC, as UTC; `None` when that falls outside
/// the i64 nanosecond range (a stamp in 1677 with a positive zone, in 2262 with a negative).
#[inline]
/// Formats UTC nanoseconds as RFC 3339 with millisecond precision (`2024-01-02T03:04:05.678Z`),
/// or with full precision when the value has sub-millisecond digits.
pub fn format_ns(ns: i64) -> String {
    let secs = ns.div_euclid(NS_PER_SEC);
    let frac = ns.rem_euclid(NS_PER_SEC);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s) = (sod / 3600, (sod % 3600) / 60, sod % 60);
    let (frac, width) = if frac % 1_000_000 == 0 { (frac / 1_000_000, 3) } else { (frac, 9) };
    // Every materialized entry carries its time: digits pushed by hand cost a tenth of `format!`.
    // i64 nanoseconds span the years 1677 to 2262, so four year digits always suffice.
    let mut out = String::with_capacity(30);
    let push = |out: &mut String, v: i64, w: u32| {
        for p in (0..w).rev() {
            out.push((b'0' + (v / 10i64.pow(p) % 10) as u8) as char);
        }
    };
    push(&mut out, y, 4);
    out.push('-');
    push(&mut out, m as i64, 2);
    out.push('-');
    push(&mut out, d as i64, 2);
    out.push('T');
    push(&mut out, h, 2);
    out.push(':');
    push(&mut out, mi, 2);
    out.push(':');
    push(&mut out, s, 2);
    out.push('.');
    push(&mut out, frac, width as u32);
    out.push('Z');
    out
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
pub fn parse_iso(b: &[u8], default_offset: Tz) -> Option<(i64, usize)> {
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
            let ns = default_offset.utc_ns(civil_to_ns(y, mo, d, 0, 0, 0, 0)?)?;
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
    let mut offset = None;
    if let Some((off, used)) = zone(b, i) {
        offset = Some(off);
        i += used;
    } else if b.get(i) == Some(&b' ') {
        if let Some((off, used)) = zone(b, i + 1) {
            // `2024-01-02 03:04:05 +0000` (Apache, git): a zone after one space.
            if used > 1 {
                offset = Some(off);
                i += used + 1;
            }
        }
    }
    let ns = to_utc(civil_to_ns(y, mo, d, h, mi, s, nanos)?, offset, default_offset)?;
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
pub fn parse_any(s: &str, default_offset: Tz) -> Option<i64> {
    let t = s.trim();
    if let Some((ns, used)) = parse_iso(t.as_bytes(), default_offset) {
        if used == t.len() {
            return Some(ns);
        }
    }
    epoch_from_str(t)
}

/// Order of the three fields of a numeric date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateOrder {
    Ymd,
    Mdy,
    Dmy,
}

/// The shapes of timestamps found at the start of plain-text log lines. A file's shape is
/// learned once from a sample (which also settles day-first vs month-first), so the hot path
/// runs exactly one small parser per line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TsShape {
    /// `2024-01-02 03:04:05,678`, `2024/01/02T03:04:05Z`, `17/06/09 20:10:40` (yy/mm/dd),
    /// `10/30/2023 4:49:06 PM`, `30.10.2023 16:49:06`. A 2-digit year is 19xx/20xx.
    Numeric { order: DateOrder, sep: u8 },
    /// `081109 203615` (yymmdd hhmmss), `20240102 030405`, `20240102T030405Z`.
    Compact,
    /// `Jun 14 15:16:01`, `Jun  4 2023 15:16:01` (year from the context when absent).
    MonthDay,
    /// `Sun Dec 04 04:47:44 2005`, `Wed Oct 11 14:32:52.123456 2023`, `Tue Jan  2 03:04:05 UTC 2024`.
    Ctime,
    /// `30/Oct/2023:16:49:06 +0000` (access logs), `02-Jan-2006 15:04:05`, `Mon, 02 Jan 2006 15:04:05 GMT`.
    DayMonth,
    /// Year-less `10.30 16:49:06`, `01-02 03:04:05.678` (logcat); month first unless `day_first`.
    Short { day_first: bool },
    /// Epoch seconds with an optional fraction (`1700000000.123`), or 13/16/19-digit ms/us/ns.
    Epoch,
    /// A time of day alone (`12:34:56.789`, logback/log4j2 defaults): it marks a header but
    /// carries no date, so `parse_ts` never reads an instant from it (see `time_only`).
    TimeOnly,
}

/// Every shape, in order of preference when several parse the same sample equally well.
pub const TS_SHAPES: [TsShape; 16] = [
    TsShape::Numeric { order: DateOrder::Ymd, sep: b'-' },
    TsShape::Numeric { order: DateOrder::Ymd, sep: b'/' },
    TsShape::Numeric { order: DateOrder::Ymd, sep: b'.' },
    TsShape::Numeric { order: DateOrder::Mdy, sep: b'/' },
    TsShape::Numeric { order: DateOrder::Dmy, sep: b'/' },
    TsShape::Numeric { order: DateOrder::Dmy, sep: b'.' },
    TsShape::Numeric { order: DateOrder::Mdy, sep: b'-' },
    TsShape::Numeric { order: DateOrder::Dmy, sep: b'-' },
    TsShape::Compact,
    TsShape::MonthDay,
    TsShape::Ctime,
    TsShape::DayMonth,
    TsShape::Short { day_first: false },
    TsShape::Short { day_first: true },
    TsShape::Epoch,
    TsShape::Numeric { order: DateOrder::Mdy, sep: b'.' },
];

/// Reads 1..=`max` ASCII digits at `pos`: (value, count). Count 0 when there is no digit.
#[inline]
fn digit_run(b: &[u8], pos: usize, max: usize) -> (u32, usize) {
    let mut v = 0u32;
    let mut n = 0;
    while n < max {
        match b.get(pos + n) {
            Some(&c) if c.is_ascii_digit() => {
                v = v * 10 + (c - b'0') as u32;
                n += 1;
            }
            _ => break,
        }
    }
    (v, n)
}

#[inline]
fn is_digit_at(b: &[u8], pos: usize) -> bool {
    b.get(pos).is_some_and(u8::is_ascii_digit)
}

#[inline]
fn is_alnum_at(b: &[u8], pos: usize) -> bool {
    b.get(pos).is_some_and(u8::is_ascii_alphanumeric)
}

fn full_year(y: u32, len: usize) -> i64 {
    match len {
        2 if y < 70 => 2000 + y as i64,
        2 => 1900 + y as i64,
        _ => y as i64,
    }
}

/// A time of day at `pos`: `h:mm`, `hh:mm:ss`, with a `.`/`,` fraction and an `AM`/`PM`
/// suffix. Returns (seconds of day, nanos, bytes).
#[inline]
pub fn time_of_day(b: &[u8], pos: usize) -> Option<(u32, u32, usize)> {
    let (h, hl) = digit_run(b, pos, 2);
    if hl == 0 || b.get(pos + hl) != Some(&b':') {
        return None;
    }
    let mut i = pos + hl + 1;
    let mi = digits(b, i, 2)?;
    i += 2;
    let mut s = 0;
    if b.get(i) == Some(&b':') {
        s = digits(b, i + 1, 2)?;
        i += 3;
    }
    if is_digit_at(b, i) {
        return None;
    }
    let (nanos, used) = fraction(b, i);
    i += used;
    let mut h = h;
    if b.get(i) == Some(&b' ') {
        if let Some(&[a, m]) = b.get(i + 1..i + 3) {
            let pm = a.eq_ignore_ascii_case(&b'p');
            if (pm || a.eq_ignore_ascii_case(&b'a')) && m.eq_ignore_ascii_case(&b'm') && !is_alnum_at(b, i + 3) {
                if !(1..=12).contains(&h) {
                    return None;
                }
                h = h % 12 + if pm { 12 } else { 0 };
                i += 3;
            }
        }
    }
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some((h * 3600 + mi * 60 + s, nanos, i - pos))
}

/// A zone right after a time (`Z`, `+02:00`, `-0500`) or after one space (`+0000`, `UTC`,
/// `GMT`): (offset seconds, bytes), `None` when there is none.
#[inline]
fn zone_after(b: &[u8], pos: usize) -> Option<(i64, usize)> {
    match b.get(pos) {
        Some(b'Z') if !is_alnum_at(b, pos + 1) => Some((0, 1)),
        Some(b'+') | Some(b'-') => zone(b, pos),
        Some(b' ') => match b.get(pos + 1) {
            Some(b'+') | Some(b'-') => {
                let (off, used) = zone(b, pos + 1)?;
                (used >= 5 && !is_alnum_at(b, pos + 1 + used)).then_some((off, used + 1))
            }
            Some(b'U') | Some(b'G') => {
                let w = b.get(pos + 1..pos + 4)?;
                ((w == b"UTC" || w == b"GMT") && !is_alnum_at(b, pos + 4)).then_some((0, 4))
            }
            _ => None,
        },
        _ => None,
    }
}

/// Finishes a timestamp: time of day at `pos`, optional zone; returns (ns, end).
#[inline]
fn finish(b: &[u8], pos: usize, y: i64, mo: u32, d: u32, tz: Tz) -> Option<(i64, usize)> {
    let (sod, nanos, used) = time_of_day(b, pos)?;
    let mut i = pos + used;
    let mut offset = None;
    if let Some((off, zl)) = zone_after(b, i) {
        offset = Some(off);
        i += zl;
    }
    Some((to_utc(date_ns(y, mo, d, sod, nanos)?, offset, tz)?, i))
}

/// Nanoseconds of a date plus seconds of day, read as UTC; `None` for an impossible date.
#[inline]
pub fn date_ns(y: i64, mo: u32, d: u32, sod: u32, nanos: u32) -> Option<i64> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + sod as i64;
    secs.checked_mul(NS_PER_SEC)?.checked_add(nanos as i64)
}

/// A month name (`Jan`, `January`) at `pos`: (month, bytes).
#[inline]
fn month_word(b: &[u8], pos: usize) -> Option<(u32, usize)> {
    let m = month_from_name(b.get(pos..pos + 3)?)?;
    let mut n = 3;
    while n < 9 && b.get(pos + n).is_some_and(u8::is_ascii_alphabetic) {
        n += 1;
    }
    if n != 3 && b.get(pos + n).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    Some((m, n))
}

/// Parses a timestamp of the given shape at the start of `b`. `tz` (seconds east of UTC)
/// applies when the stamp has no zone, `year` when it has no year. Returns (UTC ns, bytes).
pub fn parse_ts(b: &[u8], shape: TsShape, tz: Tz, year: i64) -> Option<(i64, usize)> {
    parse_ts_year(b, shape, tz, year).map(|(ns, used, _)| (ns, used))
}

/// `parse_ts`, also telling whether the stamp had no year of its own (`year` was used): the
/// indexer then rolls the year over where such a file crosses New Year.
pub fn parse_ts_year(b: &[u8], shape: TsShape, tz: Tz, year: i64) -> Option<(i64, usize, bool)> {
    let with_year = |r: Option<(i64, usize)>| r.map(|(ns, used)| (ns, used, false));
    with_year(match shape {
        TsShape::Numeric { order, sep } => {
            let (a, la) = digit_run(b, 0, 4);
            if la == 0 || b.get(la) != Some(&sep) {
                return None;
            }
            let (m2, l2) = digit_run(b, la + 1, 2);
            let p3 = la + 1 + l2;
            if l2 == 0 || b.get(p3) != Some(&sep) {
                return None;
            }
            let (c, l3) = digit_run(b, p3 + 1, 4);
            let mut i = p3 + 1 + l3;
            if l3 == 0 || is_digit_at(b, i) {
                return None;
            }
            let (y, mo, d) = match order {
                DateOrder::Ymd if (la == 4 || la == 2) && l3 <= 2 => (full_year(a, la), m2, c),
                DateOrder::Mdy if la <= 2 && (l3 == 4 || l3 == 2) => (full_year(c, l3), a, m2),
                DateOrder::Dmy if la <= 2 && (l3 == 4 || l3 == 2) => (full_year(c, l3), m2, a),
                _ => return None,
            };
            match b.get(i) {
                // `2025-06-24  14:36:25` (apt's history.log pads with two blanks).
                Some(b' ') => {
                    i += 1;
                    if b.get(i) == Some(&b' ') {
                        i += 1;
                    }
                }
                Some(b'T') | Some(b'_') => i += 1,
                _ => return None,
            }
            finish(b, i, y, mo, d, tz)
        }
        TsShape::Compact => {
            let (v, l) = digit_run(b, 0, 8);
            let (y, mo, d) = match l {
                6 => (full_year(v / 10_000, 2), v / 100 % 100, v % 100),
                8 => (v as i64 / 10_000, v / 100 % 100, v % 100),
                _ => return None,
            };
            // `20240102 030405`, `20240102T030405Z`, or with a dashed clock time
            // `20171223-22:15:29:606` (HealthApp; its milliseconds follow a colon).
            let ((h, mi, s), mut i) = match b.get(l) {
                Some(b' ' | b'T') => {
                    let (t, tl) = digit_run(b, l + 1, 6);
                    if tl != 6 || is_digit_at(b, l + 7) {
                        return None;
                    }
                    ((t / 10_000, t / 100 % 100, t % 100), l + 7)
                }
                Some(b'-') if l == 8 => {
                    let (h, hl) = digit_run(b, l + 1, 2);
                    let (mi, ml) = digit_run(b, l + 4, 2);
                    let (s, sl) = digit_run(b, l + 7, 2);
                    if hl != 2 || ml != 2 || sl != 2 || b.get(l + 3) != Some(&b':') || b.get(l + 6) != Some(&b':') {
                        return None;
                    }
                    ((h, mi, s), l + 9)
                }
                _ => return None,
            };
            if h > 23 || mi > 59 || s > 60 {
                return None;
            }
            let (nanos, used) = match fraction(b, i) {
                // Milliseconds, not a fraction: HealthApp writes them unpadded (`:96` = 96 ms).
                (_, 0) if b.get(i) == Some(&b':') && b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                    let (ms, ml) = digit_run(b, i + 1, 3);
                    if is_digit_at(b, i + 1 + ml) {
                        return None;
                    }
                    (ms * 1_000_000, 1 + ml)
                }
                f => f,
            };
            i += used;
            let mut offset = None;
            if let Some((off, zl)) = zone_after(b, i) {
                offset = Some(off);
                i += zl;
            }
            Some((to_utc(date_ns(y, mo, d, h * 3600 + mi * 60 + s, nanos)?, offset, tz)?, i))
        }
        TsShape::MonthDay => return month_day(b, 0, tz, year, false),
        TsShape::Ctime => {
            let w = b.get(0..3)?;
            if !w.iter().all(u8::is_ascii_alphabetic) || b.get(3) != Some(&b' ') {
                return None;
            }
            return month_day(b, 4, tz, year, true);
        }
        TsShape::DayMonth => {
            let mut i = 0;
            if b.get(3) == Some(&b',') && b.get(4) == Some(&b' ') && b[..3].iter().all(u8::is_ascii_alphabetic) {
                i = 5;
            }
            let (d, dl) = digit_run(b, i, 2);
            if dl == 0 {
                return None;
            }
            i += dl;
            let sep = *b.get(i)?;
            if !matches!(sep, b'/' | b'-' | b' ') {
                return None;
            }
            let (mo, ml) = month_word(b, i + 1)?;
            i += 1 + ml;
            if b.get(i) != Some(&sep) {
                return None;
            }
            let (y, yl) = digit_run(b, i + 1, 4);
            if yl != 4 {
                return None;
            }
            i += 5;
            match b.get(i) {
                Some(b':') | Some(b' ') | Some(b'T') => i += 1,
                _ => return None,
            }
            finish(b, i, y as i64, mo, d, tz)
        }
        TsShape::Short { day_first } => {
            let (a, la) = digit_run(b, 0, 2);
            if la == 0 || !matches!(b.get(la), Some(b'.') | Some(b'/') | Some(b'-')) {
                return None;
            }
            let (c, lc) = digit_run(b, la + 1, 2);
            let i = la + 1 + lc;
            if lc == 0 || b.get(i) != Some(&b' ') {
                return None;
            }
            let (mo, d) = if day_first { (c, a) } else { (a, c) };
            return finish(b, i + 1, year, mo, d, tz).map(|(ns, used)| (ns, used, true));
        }
        TsShape::TimeOnly => None,
        TsShape::Epoch => {
            let (_, l) = digit_run(b, 0, 9);
            let mut n = l;
            while is_digit_at(b, n) {
                n += 1;
            }
            let mut end = n;
            match n {
                10 => {
                    if b.get(10) == Some(&b'.') && is_digit_at(b, 11) {
                        end = 11;
                        while is_digit_at(b, end) {
                            end += 1;
                        }
                    }
                }
                13 | 16 | 19 => {}
                _ => return None,
            }
            if is_alnum_at(b, end) || matches!(b.get(end), Some(b'-') | Some(b'/') | Some(b':')) {
                return None;
            }
            let s = std::str::from_utf8(&b[..end]).ok()?;
            let ns = epoch_from_str(s)?;
            // Plausible instants only (2001..2100), so counters and ids are not read as times.
            (978_307_200 * NS_PER_SEC..4_102_444_800 * NS_PER_SEC).contains(&ns).then_some((ns, end))
        }
    })
}

/// `Mon dd [yyyy] hh:mm:ss[.frac]` at `pos`; with `ctime`, an optional zone name and a year
/// may follow the time (`Sun Dec 04 04:47:44 2005`). The flag: no year in the stamp.
#[inline]
fn month_day(b: &[u8], pos: usize, tz: Tz, year: i64, ctime: bool) -> Option<(i64, usize, bool)> {
    let (mo, ml) = month_word(b, pos)?;
    let mut i = pos + ml;
    if b.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    if b.get(i) == Some(&b' ') {
        i += 1;
    }
    let (d, dl) = digit_run(b, i, 2);
    i += dl;
    if b.get(i) == Some(&b',') {
        // `Jan 02, 2024 3:04:05 PM` (java.util.logging).
        i += 1;
    }
    if dl == 0 || b.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    let mut y = year;
    let mut year_less = true;
    let (yv, yl) = digit_run(b, i, 4);
    if yl == 4 && b.get(i + 4) == Some(&b' ') {
        y = yv as i64;
        year_less = false;
        i += 5;
    }
    let (sod, nanos, used) = time_of_day(b, i)?;
    i += used;
    let mut offset = None;
    if let Some((off, zl)) = zone_after(b, i) {
        offset = Some(off);
        i += zl;
    }
    if ctime {
        let (yv, yl) = digit_run(b, i + 1, 4);
        if b.get(i) == Some(&b' ') && yl == 4 && !is_alnum_at(b, i + 5) {
            y = yv as i64;
            year_less = false;
            i += 5;
        }
    }
    Some((to_utc(date_ns(y, mo, d, sod, nanos)?, offset, tz)?, i, year_less))
}

/// A time of day alone at the start of `b` (`hh:mm:ss` with an optional fraction): its length.
pub fn time_only(b: &[u8]) -> Option<usize> {
    let (_, _, used) = time_of_day(b, 0)?;
    (b.get(2) == Some(&b':') && used >= 8 && !is_alnum_at(b, used)).then_some(used)
}

/// Tries every shape at the start of `b` (slow: for values of unknown shape, such as a custom
/// format's `timestamp` group). Returns (ns, bytes) of the first shape that reads a stamp.
pub fn parse_any_shape(b: &[u8], tz: Tz, year: i64) -> Option<(i64, usize)> {
    if let Some(r) = parse_iso(b, tz).filter(|&(_, used)| used > 10) {
        return Some(r);
    }
    TS_SHAPES.iter().find_map(|&s| parse_ts(b, s, tz, year))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_rules_follow_daylight_saving_and_resolve_changes_one_way() {
        let berlin = Tz::Rules(zone_rules("Europe/Berlin").unwrap());
        let at = |y, mo, d, h, mi| berlin.utc_ns(ns(y, mo, d, h, mi, 0, 0)).unwrap();
        assert_eq!(at(2024, 1, 15, 12, 0), ns(2024, 1, 15, 11, 0, 0, 0), "winter: +01:00");
        assert_eq!(at(2024, 7, 1, 12, 0), ns(2024, 7, 1, 10, 0, 0, 0), "summer: +02:00");
        // Spring: clocks jump from 02:00 to 03:00 (01:00 UTC). A skipped time is read with the
        // offset before the change, which lands after it.
        assert_eq!(at(2024, 3, 31, 1, 59), ns(2024, 3, 31, 0, 59, 0, 0));
        assert_eq!(at(2024, 3, 31, 2, 30), ns(2024, 3, 31, 1, 30, 0, 0));
        assert_eq!(at(2024, 3, 31, 3, 0), ns(2024, 3, 31, 1, 0, 0, 0));
        // Autumn: 03:00 falls back to 02:00 (01:00 UTC). The repeated hour is its first
        // occurrence (summer time), the local time after it winter time.
        assert_eq!(at(2024, 10, 27, 2, 30), ns(2024, 10, 27, 0, 30, 0, 0));
        assert_eq!(at(2024, 10, 27, 3, 0), ns(2024, 10, 27, 2, 0, 0, 0));
        assert_eq!(at(2024, 10, 27, 1, 59), ns(2024, 10, 26, 23, 59, 0, 0));
        let ny = Tz::Rules(zone_rules("America/New_York").unwrap());
        assert_eq!(ny.utc_ns(ns(2024, 7, 4, 12, 0, 0, 0)), Some(ns(2024, 7, 4, 16, 0, 0, 0)));
        assert_eq!(ny.utc_ns(ns(2024, 12, 4, 12, 0, 0, 0)), Some(ns(2024, 12, 4, 17, 0, 0, 0)));
        assert_eq!(ny.offset_at_utc(ns(2024, 7, 4, 16, 0, 0, 0) / NS_PER_SEC), -4 * 3600);
        // Parsers apply it to zone-less stamps only, whatever their shape.
        let iso = TsShape::Numeric { order: DateOrder::Ymd, sep: b'-' };
        assert_eq!(parse_ts(b"2024-07-01 12:00:00", iso, berlin, 0).map(|x| x.0), Some(ns(2024, 7, 1, 10, 0, 0, 0)));
        assert_eq!(parse_ts(b"2024-07-01 12:00:00Z", iso, berlin, 0).map(|x| x.0), Some(ns(2024, 7, 1, 12, 0, 0, 0)));
        assert_eq!(
            parse_ts(b"Jan 15 12:00:00", TsShape::MonthDay, berlin, 2024).map(|x| x.0),
            Some(ns(2024, 1, 15, 11, 0, 0, 0))
        );
        assert_eq!(parse_iso(b"2024-07-01T12:00:00", berlin).map(|x| x.0), Some(ns(2024, 7, 1, 10, 0, 0, 0)));
        // One table per zone, shared; unknown names are an error.
        assert!(std::ptr::eq(zone_rules("Europe/Berlin").unwrap(), zone_rules("Europe/Berlin").unwrap()));
        assert!(zone_rules("Mars/Olympus_Mons").unwrap_err().contains("Mars/Olympus_Mons"));
        assert!(zone_rules("local").is_ok());
    }

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
        assert_eq!(parse_iso(b"2015-10-18 18:01:47,978 INFO", Tz::Fixed(0)), Some((base, 23)));
        assert_eq!(parse_iso(b"2015-10-18T18:01:47.978Z", Tz::Fixed(0)), Some((base, 24)));
        assert_eq!(parse_iso(b"2015-10-18T20:01:47.978+02:00", Tz::Fixed(0)), Some((base, 29)));
        assert_eq!(parse_iso(b"2015-10-18T20:01:47.978+0200", Tz::Fixed(0)), Some((base, 28)));
        assert_eq!(parse_iso(b"2015-10-18T18:01:47.978", Tz::Fixed(0)), Some((base, 23)));
        assert_eq!(parse_iso(b"2015-10-18T19:01:47.978", Tz::Fixed(3600)), Some((base, 23)));
        assert!(parse_iso(b"2015-13-18T18:01:47", Tz::Fixed(0)).is_none());
        assert_eq!(format_ns(base), "2015-10-18T18:01:47.978Z");
    }

    #[test]
    fn format_ns_matches_format_macro() {
        let slow = |ns: i64| {
            let (secs, frac) = (ns.div_euclid(NS_PER_SEC), ns.rem_euclid(NS_PER_SEC));
            let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
            let sod = secs.rem_euclid(86_400);
            let (h, mi, s) = (sod / 3600, (sod % 3600) / 60, sod % 60);
            if frac % 1_000_000 == 0 {
                format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", frac / 1_000_000)
            } else {
                format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{frac:09}Z")
            }
        };
        let base = civil_to_ns(2024, 2, 29, 23, 59, 59, 0).unwrap();
        for ns in [0, 1, -1, base, base + 7_000_000, base + 123_456_789, i64::MAX, i64::MIN] {
            assert_eq!(format_ns(ns), slow(ns), "{ns}");
        }
        assert_eq!(format_ns(base + 123_456_789), "2024-02-29T23:59:59.123456789Z");
    }

    #[test]
    fn epoch_units() {
        let s = 1_700_000_000i64;
        assert_eq!(epoch_guess(s as f64), Some(s * NS_PER_SEC));
        assert_eq!(epoch_guess((s * 1000) as f64), Some(s * NS_PER_SEC));
        assert_eq!(epoch_guess((s * 1_000_000) as f64), Some(s * NS_PER_SEC));
        assert_eq!(parse_any("1700000000.5", Tz::Fixed(0)), Some(s * NS_PER_SEC + 500_000_000));
        assert_eq!(epoch_from_str("1700000000123"), Some(s * NS_PER_SEC + 123_000_000));
        assert_eq!(epoch_from_str("1700000000123456789"), Some(s * NS_PER_SEC + 123_456_789));
        assert_eq!(epoch_from_str("abc"), None);
    }

    fn ns(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, n: u32) -> i64 {
        civil_to_ns(y, mo, d, h, mi, s, n).unwrap()
    }

    #[test]
    fn every_shape() {
        use DateOrder::*;
        use TsShape::*;
        let cases: &[(&str, TsShape, i64, usize)] = &[
            (
                "2015-10-18 18:01:47,978 INFO",
                Numeric { order: Ymd, sep: b'-' },
                ns(2015, 10, 18, 18, 1, 47, 978_000_000),
                23,
            ),
            ("2024-01-02T03:04:05.678Z x", Numeric { order: Ymd, sep: b'-' }, ns(2024, 1, 2, 3, 4, 5, 678_000_000), 24),
            ("2024-01-02T05:04:05+02:00 x", Numeric { order: Ymd, sep: b'-' }, ns(2024, 1, 2, 3, 4, 5, 0), 25),
            ("2024-01-02 03:04:05 +0000 x", Numeric { order: Ymd, sep: b'-' }, ns(2024, 1, 2, 3, 4, 5, 0), 25),
            ("2024-01-02 03:04:05 UTC x", Numeric { order: Ymd, sep: b'-' }, ns(2024, 1, 2, 3, 4, 5, 0), 23),
            ("2024/01/02 03:04:05 [error]", Numeric { order: Ymd, sep: b'/' }, ns(2024, 1, 2, 3, 4, 5, 0), 19),
            ("17/06/09 20:10:40 INFO", Numeric { order: Ymd, sep: b'/' }, ns(2017, 6, 9, 20, 10, 40, 0), 17),
            ("10/30/2023 16:49:06 x", Numeric { order: Mdy, sep: b'/' }, ns(2023, 10, 30, 16, 49, 6, 0), 19),
            ("10/30/2023 4:49:06 PM x", Numeric { order: Mdy, sep: b'/' }, ns(2023, 10, 30, 16, 49, 6, 0), 21),
            ("30/10/2023 16:49:06 x", Numeric { order: Dmy, sep: b'/' }, ns(2023, 10, 30, 16, 49, 6, 0), 19),
            (
                "30.10.2023 16:49:06.5 x",
                Numeric { order: Dmy, sep: b'.' },
                ns(2023, 10, 30, 16, 49, 6, 500_000_000),
                21,
            ),
            ("081109 203615 148 INFO", Compact, ns(2008, 11, 9, 20, 36, 15, 0), 13),
            ("20240102T030405Z x", Compact, ns(2024, 1, 2, 3, 4, 5, 0), 16),
            ("20171223-22:15:29:606|Step_LSC|1", Compact, ns(2017, 12, 23, 22, 15, 29, 606_000_000), 21),
            ("20171223-22:15:35:96|Step_LSC|1", Compact, ns(2017, 12, 23, 22, 15, 35, 96_000_000), 20),
            ("Jun 14 15:16:01 combo", MonthDay, ns(2005, 6, 14, 15, 16, 1, 0), 15),
            ("Jun  4 15:16:01 combo", MonthDay, ns(2005, 6, 4, 15, 16, 1, 0), 15),
            ("Sun Dec 04 04:47:44 2005] x", Ctime, ns(2005, 12, 4, 4, 47, 44, 0), 24),
            ("Wed Oct 11 14:32:52.123456 2023] x", Ctime, ns(2023, 10, 11, 14, 32, 52, 123_456_000), 31),
            ("Tue Jan  2 03:04:05 UTC 2024 x", Ctime, ns(2024, 1, 2, 3, 4, 5, 0), 28),
            ("30/Oct/2023:16:49:06 +0100] x", DayMonth, ns(2023, 10, 30, 15, 49, 6, 0), 26),
            ("Mon, 02 Jan 2006 15:04:05 GMT x", DayMonth, ns(2006, 1, 2, 15, 4, 5, 0), 29),
            ("10.30 16:49:06] x", Short { day_first: false }, ns(2005, 10, 30, 16, 49, 6, 0), 14),
            ("1700000000.123 x", Epoch, 1_700_000_000_123_000_000, 14),
            ("1700000000123 x", Epoch, 1_700_000_000_123_000_000, 13),
        ];
        for &(text, shape, want, used) in cases {
            assert_eq!(parse_ts(text.as_bytes(), shape, Tz::Fixed(0), 2005), Some((want, used)), "{text} as {shape:?}");
        }
        // Zone-less stamps take the configured offset; zoned ones ignore it.
        let t = parse_ts(b"2024-01-02 05:04:05", TsShape::Numeric { order: Ymd, sep: b'-' }, Tz::Fixed(7200), 0);
        assert_eq!(t.map(|x| x.0), Some(ns(2024, 1, 2, 3, 4, 5, 0)));
        let t = parse_ts(b"2024-01-02 03:04:05Z", TsShape::Numeric { order: Ymd, sep: b'-' }, Tz::Fixed(7200), 0);
        assert_eq!(t.map(|x| x.0), Some(ns(2024, 1, 2, 3, 4, 5, 0)));
        // Ambiguity is left to the caller: each order rejects what it cannot read.
        assert!(parse_ts(b"10/30/2023 16:49:06", Numeric { order: Dmy, sep: b'/' }, Tz::Fixed(0), 0).is_none());
        assert!(parse_ts(b"30/10/2023 16:49:06", Numeric { order: Mdy, sep: b'/' }, Tz::Fixed(0), 0).is_none());
        assert!(parse_ts(b"12345678901 x", Epoch, Tz::Fixed(0), 0).is_none());
        assert!(parse_ts(b"1234567 x", Epoch, Tz::Fixed(0), 0).is_none());
        assert!(parse_ts(b"2024-01-02 25:04:05", Numeric { order: Ymd, sep: b'-' }, Tz::Fixed(0), 0).is_none());
        assert_eq!(
            parse_any_shape(b"Jun 14 15:16:01", Tz::Fixed(0), 2020).map(|x| x.0),
            Some(ns(2020, 6, 14, 15, 16, 1, 0))
        );
    }
}
