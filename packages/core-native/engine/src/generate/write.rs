//! Byte writers for the hot path: decimal and hex numbers and timestamps written straight
//! into the output buffer, without `format!` or any per-line allocation.

use crate::time::{civil_from_days, NS_PER_SEC};

#[inline]
pub fn put(buf: &mut Vec<u8>, s: &[u8]) {
    buf.extend_from_slice(s);
}

/// Decimal digits of `v`.
#[inline]
pub fn put_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// `v` zero-padded to `width` decimal digits (`width` <= 20; wider values are not cut).
#[inline]
pub fn put_padded(buf: &mut Vec<u8>, v: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut x = v;
    let mut i = tmp.len();
    while x > 0 {
        i -= 1;
        tmp[i] = b'0' + (x % 10) as u8;
        x /= 10;
    }
    let start = i.min(tmp.len() - width.min(20));
    buf.extend_from_slice(&tmp[start..]);
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The low `digits` hex digits of `v` (lowercase, zero-padded).
#[inline]
pub fn put_hex(buf: &mut Vec<u8>, v: u64, digits: usize) {
    let mut tmp = [0u8; 16];
    for (i, slot) in tmp[..digits].iter_mut().enumerate() {
        *slot = HEX[((v >> (4 * (digits - 1 - i))) & 0xf) as usize];
    }
    buf.extend_from_slice(&tmp[..digits]);
}

/// Formats timestamps, caching the date part (records of a block share a day almost always).
pub struct Clock {
    day: i64,
    /// `YYYY-MM-DD` of `day`.
    date: [u8; 10],
}

impl Default for Clock {
    fn default() -> Self {
        Clock { day: i64::MIN, date: *b"1970-01-01" }
    }
}

impl Clock {
    fn split(&mut self, ns: i64) -> (i64, i64) {
        let secs = ns.div_euclid(NS_PER_SEC);
        let ms = ns.rem_euclid(NS_PER_SEC) / 1_000_000;
        let day = secs.div_euclid(86_400);
        if day != self.day {
            let (y, m, d) = civil_from_days(day);
            let mut v = Vec::with_capacity(10);
            put_padded(&mut v, y.clamp(0, 9999) as u64, 4);
            v.push(b'-');
            put_padded(&mut v, m as u64, 2);
            v.push(b'-');
            put_padded(&mut v, d as u64, 2);
            self.date.copy_from_slice(&v);
            self.day = day;
        }
        (secs.rem_euclid(86_400), ms)
    }

    /// `2024-01-15T08:00:00.123Z` (RFC 3339, milliseconds, UTC).
    #[inline]
    pub fn rfc3339(&mut self, buf: &mut Vec<u8>, ns: i64) {
        let (sod, ms) = self.split(ns);
        buf.extend_from_slice(&self.date);
        buf.push(b'T');
        time_of_day(buf, sod);
        buf.push(b'.');
        put_padded(buf, ms as u64, 3);
        buf.push(b'Z');
    }

    /// `2024-01-15 08:00:00,123` (log4j's default ISO8601 layout, UTC).
    #[inline]
    pub fn log4j(&mut self, buf: &mut Vec<u8>, ns: i64) {
        let (sod, ms) = self.split(ns);
        buf.extend_from_slice(&self.date);
        buf.push(b' ');
        time_of_day(buf, sod);
        buf.push(b',');
        put_padded(buf, ms as u64, 3);
    }
}

#[inline]
fn time_of_day(buf: &mut Vec<u8>, sod: i64) {
    put_padded(buf, (sod / 3600) as u64, 2);
    buf.push(b':');
    put_padded(buf, ((sod % 3600) / 60) as u64, 2);
    buf.push(b':');
    put_padded(buf, (sod % 60) as u64, 2);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{civil_to_ns, format_ns};

    #[test]
    fn numbers() {
        let mut b = Vec::new();
        put_u64(&mut b, 0);
        b.push(b' ');
        put_u64(&mut b, u64::MAX);
        b.push(b' ');
        put_padded(&mut b, 7, 3);
        b.push(b' ');
        put_padded(&mut b, 12345, 2);
        b.push(b' ');
        put_hex(&mut b, 0xabc, 6);
        assert_eq!(String::from_utf8(b).unwrap(), "0 18446744073709551615 007 12345 000abc");
    }

    #[test]
    fn timestamps_match_the_engine_formatter() {
        let mut c = Clock::default();
        for ns in [
            0,
            civil_to_ns(2024, 1, 15, 8, 0, 0, 123_000_000).unwrap(),
            civil_to_ns(2024, 2, 29, 23, 59, 59, 999_000_000).unwrap(),
        ] {
            let mut b = Vec::new();
            c.rfc3339(&mut b, ns);
            assert_eq!(String::from_utf8(b).unwrap(), format_ns(ns));
        }
        let mut b = Vec::new();
        c.log4j(&mut b, civil_to_ns(2024, 1, 15, 8, 0, 1, 5_000_000).unwrap());
        assert_eq!(b, b"2024-01-15 08:00:01,005");
    }
}
