//! Explicit timestamp formats, strftime-like (`%d/%b/%Y:%H:%M:%S %z`), for saved custom
//! formats whose stamps the shape guesser should not have to guess.
//!
//! A format is compiled once per open into a list of items; reading a stamp walks that list
//! over the bytes with no allocation, so it can run on the per-record hot path.
//!
//! Directives: `%Y` (4-digit year), `%y` (2-digit, 70..99 → 19xx), `%m` (month, 1-2 digits),
//! `%b`/`%h`/`%B` (month name or abbreviation), `%d` (day, 1-2 digits), `%e` (day, maybe
//! space-padded), `%j` (day of the year), `%H` (hour 0-23), `%I` + `%p` (12-hour clock with
//! AM/PM), `%M`, `%S`, `%f` (fraction digits: `%S.%f`), `%z` (`Z`, `+hh:mm`, `+hhmm`, `+hh`),
//! `%Z` (`UTC`, `GMT` or `Z`), `%a`/`%A` (a weekday name, skipped), `%s` (epoch seconds),
//! `%T` (= `%H:%M:%S`), `%F` (= `%Y-%m-%d`), `%%`. A space matches any run of spaces and tabs
//! (also none), as in strptime; every other character matches itself.

use super::{date_ns, days_from_civil, digit_run, month_word, zone, Tz, NS_PER_SEC};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Item {
    Lit(u8),
    Space,
    Year4,
    Year2,
    Month,
    MonthName,
    Day,
    DaySpace,
    DayOfYear,
    Hour,
    Hour12,
    Minute,
    Second,
    Frac,
    AmPm,
    Zone,
    ZoneName,
    Weekday,
    Epoch,
}

/// A compiled timestamp format.
#[derive(Clone, Debug)]
pub struct TsFormat {
    items: Vec<Item>,
    source: String,
    has_year: bool,
}

impl TsFormat {
    /// Compiles a format; the error says which directive is wrong or what is missing.
    pub fn compile(fmt: &str) -> Result<TsFormat, String> {
        let b = fmt.as_bytes();
        let mut items = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c != b'%' {
                items.push(if c == b' ' { Item::Space } else { Item::Lit(c) });
                i += 1;
                continue;
            }
            let Some(&d) = b.get(i + 1) else { return Err(format!("'{fmt}' ends with a lone %")) };
            let mut push = |xs: &[Item]| items.extend_from_slice(xs);
            match d {
                b'Y' => push(&[Item::Year4]),
                b'y' => push(&[Item::Year2]),
                b'm' => push(&[Item::Month]),
                b'b' | b'h' | b'B' => push(&[Item::MonthName]),
                b'd' => push(&[Item::Day]),
                b'e' => push(&[Item::DaySpace]),
                b'j' => push(&[Item::DayOfYear]),
                b'H' => push(&[Item::Hour]),
                b'I' => push(&[Item::Hour12]),
                b'M' => push(&[Item::Minute]),
                b'S' => push(&[Item::Second]),
                b'f' => push(&[Item::Frac]),
                b'p' => push(&[Item::AmPm]),
                b'z' => push(&[Item::Zone]),
                b'Z' => push(&[Item::ZoneName]),
                b'a' | b'A' => push(&[Item::Weekday]),
                b's' => push(&[Item::Epoch]),
                b'T' => push(&[Item::Hour, Item::Lit(b':'), Item::Minute, Item::Lit(b':'), Item::Second]),
                b'F' => push(&[Item::Year4, Item::Lit(b'-'), Item::Month, Item::Lit(b'-'), Item::Day]),
                b'%' => push(&[Item::Lit(b'%')]),
                _ => {
                    return Err(format!(
                        "'{fmt}': unknown directive %{} at byte {i} (known: %Y %y %m %b %B %h %d %e %j %H %I %M %S %f %p %z %Z %a %A %s %T %F %%)",
                        d as char
                    ))
                }
            }
            i += 2;
        }
        let has = |x: Item| items.contains(&x);
        let epoch = has(Item::Epoch);
        if !epoch {
            let month = has(Item::Month) || has(Item::MonthName);
            let day = has(Item::Day) || has(Item::DaySpace);
            if !((month && day) || has(Item::DayOfYear)) {
                return Err(format!(
                    "'{fmt}' needs a date: a month (%m or %b) and a day (%d or %e), a day of the year (%j), or %s"
                ));
            }
            if !(has(Item::Hour) || has(Item::Hour12)) {
                return Err(format!("'{fmt}' needs an hour (%H, or %I with %p)"));
            }
        }
        if has(Item::Hour12) != has(Item::AmPm) {
            return Err(format!("'{fmt}': %I (12-hour clock) and %p (AM/PM) go together"));
        }
        let has_year = epoch || has(Item::Year4) || has(Item::Year2);
        Ok(TsFormat { items, source: fmt.to_string(), has_year })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Reads a stamp at the start of `b`: (UTC ns, bytes read, whether `year` was used because
    /// the format has no year). `tz` applies when the stamp carries no zone.
    #[inline]
    pub fn parse(&self, b: &[u8], tz: Tz, year: i64) -> Option<(i64, usize, bool)> {
        let (mut y, mut mo, mut d, mut yday) = (year, 1u32, 1u32, 0u32);
        let (mut h, mut mi, mut s, mut nanos) = (0u32, 0u32, 0u32, 0u32);
        let (mut pm, mut offset, mut epoch) = (None::<bool>, None::<i64>, None::<i64>);
        let mut i = 0;
        for &item in &self.items {
            match item {
                Item::Lit(c) => {
                    if b.get(i) != Some(&c) {
                        return None;
                    }
                    i += 1;
                }
                Item::Space => {
                    while matches!(b.get(i), Some(b' ' | b'\t')) {
                        i += 1;
                    }
                }
                Item::Year4 => {
                    y = number(b, &mut i, 4, 4)? as i64;
                }
                Item::Year2 => {
                    let v = number(b, &mut i, 2, 2)? as i64;
                    y = if v < 70 { 2000 + v } else { 1900 + v };
                }
                Item::Month => mo = number(b, &mut i, 1, 2)?,
                Item::MonthName => {
                    let (m, used) = month_word(b, i)?;
                    mo = m;
                    i += used;
                }
                Item::Day => d = number(b, &mut i, 1, 2)?,
                Item::DaySpace => {
                    if b.get(i) == Some(&b' ') {
                        i += 1;
                    }
                    d = number(b, &mut i, 1, 2)?;
                }
                Item::DayOfYear => yday = number(b, &mut i, 1, 3)?,
                Item::Hour | Item::Hour12 => h = number(b, &mut i, 1, 2)?,
                Item::Minute => mi = number(b, &mut i, 2, 2)?,
                Item::Second => s = number(b, &mut i, 2, 2)?,
                Item::Frac => {
                    let start = i;
                    let mut n = 0;
                    while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
                        if n < 9 {
                            nanos = nanos * 10 + (c - b'0') as u32;
                            n += 1;
                        }
                        i += 1;
                    }
                    if i == start {
                        return None;
                    }
                    nanos *= 10u32.pow(9 - n);
                }
                Item::AmPm => {
                    let w = b.get(i..i + 2)?;
                    pm = Some(match [w[0].to_ascii_uppercase(), w[1].to_ascii_uppercase()] {
                        [b'A', b'M'] => false,
                        [b'P', b'M'] => true,
                        _ => return None,
                    });
                    i += 2;
                }
                Item::Zone => {
                    let (off, used) = zone(b, i)?;
                    offset = Some(off);
                    i += used;
                }
                Item::ZoneName => {
                    let used = [&b"UTC"[..], b"GMT", b"Z"].iter().find(|n| b[i..].starts_with(n))?.len();
                    offset = Some(0);
                    i += used;
                }
                Item::Weekday => {
                    let start = i;
                    while b.get(i).is_some_and(u8::is_ascii_alphabetic) {
                        i += 1;
                    }
                    if i - start < 3 {
                        return None;
                    }
                }
                Item::Epoch => {
                    let start = i;
                    let mut v = 0i64;
                    while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
                        v = v.checked_mul(10)?.checked_add((c - b'0') as i64)?;
                        i += 1;
                    }
                    if i == start {
                        return None;
                    }
                    epoch = Some(v);
                }
            }
        }
        if let Some(pm) = pm {
            if !(1..=12).contains(&h) {
                return None;
            }
            h = h % 12 + if pm { 12 } else { 0 };
        }
        if h > 23 || mi > 59 || s > 60 {
            return None;
        }
        let sod = h * 3600 + mi * 60 + s;
        let local = match epoch {
            Some(e) => return Some((e.checked_mul(NS_PER_SEC)?.checked_add(nanos as i64)?, i, false)),
            None if yday > 0 => {
                if yday > 366 {
                    return None;
                }
                let days = days_from_civil(y, 1, 1) + yday as i64 - 1;
                (days * 86_400 + sod as i64).checked_mul(NS_PER_SEC)?.checked_add(nanos as i64)?
            }
            None => date_ns(y, mo, d, sod, nanos)?,
        };
        let utc = match offset {
            Some(off) => local.checked_sub(off.checked_mul(NS_PER_SEC)?)?,
            None => tz.utc_ns(local)?,
        };
        Some((utc, i, !self.has_year))
    }
}

/// `min..=max` digits at `*i` (advanced past them).
#[inline]
fn number(b: &[u8], i: &mut usize, min: usize, max: usize) -> Option<u32> {
    let (v, n) = digit_run(b, *i, max);
    if n < min {
        return None;
    }
    *i += n;
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::super::civil_to_ns;
    use super::*;

    fn at(fmt: &str, s: &str) -> Option<i64> {
        TsFormat::compile(fmt).unwrap().parse(s.as_bytes(), Tz::Fixed(0), 2020).map(|(ns, _, _)| ns)
    }

    #[test]
    fn reads_common_layouts_exactly() {
        assert_eq!(at("%d/%b/%Y:%H:%M:%S %z", "10/Oct/2000:13:55:36 -0700"), civil_to_ns(2000, 10, 10, 20, 55, 36, 0));
        assert_eq!(
            at("%Y-%m-%d %H:%M:%S,%f", "2024-03-05 07:08:09,123"),
            civil_to_ns(2024, 3, 5, 7, 8, 9, 123_000_000)
        );
        assert_eq!(
            at("%F %T.%f%z", "2024-03-05 07:08:09.123456789+02:00"),
            civil_to_ns(2024, 3, 5, 5, 8, 9, 123_456_789)
        );
        assert_eq!(at("%m/%d/%y %I:%M:%S %p", "12/31/99 12:00:01 AM"), civil_to_ns(1999, 12, 31, 0, 0, 1, 0));
        assert_eq!(at("%m/%d/%y %I:%M:%S %p", "1/2/24 1:02:03 pm"), civil_to_ns(2024, 1, 2, 13, 2, 3, 0));
        assert_eq!(at("%a %b %e %H:%M:%S %Y", "Tue Mar  5 07:08:09 2024"), civil_to_ns(2024, 3, 5, 7, 8, 9, 0));
        assert_eq!(at("%Y.%j %H:%M", "2024.060 10:00"), civil_to_ns(2024, 2, 29, 10, 0, 0, 0));
        assert_eq!(at("%s.%f", "1700000000.5"), Some(1_700_000_000 * NS_PER_SEC + 500_000_000));
        assert_eq!(at("%Y%m%dT%H%M%SZ", "20240305T070809Z"), civil_to_ns(2024, 3, 5, 7, 8, 9, 0));
        assert_eq!(at("%H:%M:%S %Z %d.%m.%Y", "07:08:09 UTC 05.03.2024"), civil_to_ns(2024, 3, 5, 7, 8, 9, 0));
    }

    #[test]
    fn zone_and_year_defaults() {
        let f = TsFormat::compile("%b %d %H:%M:%S").unwrap();
        let (ns, used, year_less) = f.parse(b"Mar 05 07:08:09 host", Tz::Fixed(3600), 2023).unwrap();
        assert_eq!((Some(ns), used, year_less), (civil_to_ns(2023, 3, 5, 6, 8, 9, 0), 15, true));
    }

    #[test]
    fn refuses_what_does_not_fit() {
        for (fmt, s) in [
            ("%Y-%m-%d %H:%M:%S", "2024-13-05 07:08:09"),
            ("%Y-%m-%d %H:%M:%S", "2024-03-05 25:08:09"),
            ("%Y-%m-%d %H:%M:%S", "2024-03-05 07:08"),
            ("%Y-%m-%d %H:%M:%S", "24-03-05 07:08:09"),
            ("%d/%b/%Y:%H:%M:%S %z", "10/Foo/2000:13:55:36 -0700"),
            ("%m/%d/%y %I:%M:%S %p", "1/2/24 13:02:03 PM"),
        ] {
            assert_eq!(at(fmt, s), None, "{fmt} on {s}");
        }
    }

    #[test]
    fn compile_errors_say_what_is_wrong() {
        assert!(TsFormat::compile("%Y-%q").unwrap_err().contains("%q"));
        assert!(TsFormat::compile("%H:%M:%S").unwrap_err().contains("needs a date"));
        assert!(TsFormat::compile("%Y-%m-%d").unwrap_err().contains("needs an hour"));
        assert!(TsFormat::compile("%F %I:%M").unwrap_err().contains("%p"));
        assert!(TsFormat::compile("%F %H%").unwrap_err().contains("lone %"));
    }
}
