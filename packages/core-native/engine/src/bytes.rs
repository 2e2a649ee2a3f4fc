//! Byte-string helpers shared by the parsers, the indexer and the index. A leaf module: it
//! depends on nothing else in the crate, so every layer can use it without a cycle.

/// `b` without its trailing blanks (space, tab, CR). A record's bytes end at its last
/// non-blank byte (`Index::record_range`), so spans into a record must end there too.
#[inline]
pub fn trim_end_blank(b: &[u8]) -> &[u8] {
    let mut n = b.len();
    while n > 0 && matches!(b[n - 1], b' ' | b'\t' | b'\r') {
        n -= 1;
    }
    &b[..n]
}

/// Equality of two short byte strings without a `memcmp` call: ids and JSON keys are mostly
/// 4 to 32 bytes, where the call and its dispatch cost more than the compare.
#[inline(always)]
pub fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[i..i + 8]);
        u64::from_le_bytes(w)
    };
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if word(a, i) != word(b, i) {
                return false;
            }
            i += 8;
        }
        // The last word, overlapping the previous one when n is not a multiple of 8.
        return word(a, n - 8) == word(b, n - 8);
    }
    if n >= 4 {
        let half = |s: &[u8], i: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&s[i..i + 4]);
            u32::from_le_bytes(w)
        };
        return half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// Length of the escape sequence at the start of `b` (CSI `ESC [ ... final`, or ESC + one).
pub fn ansi_len(b: &[u8]) -> usize {
    if b.get(1) == Some(&b'[') {
        let mut j = 2;
        while j < b.len() {
            if (0x40..=0x7e).contains(&b[j]) {
                return j + 1;
            }
            j += 1;
        }
        b.len()
    } else {
        2.min(b.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_byte_equality() {
        let s = b"0123456789abcdefghijklmnopqrstuvwxyz";
        for n in 0..s.len() {
            assert!(bytes_eq(&s[..n], &s[..n]));
            for i in 0..n {
                let mut t = s[..n].to_vec();
                t[i] ^= 1;
                assert!(!bytes_eq(&s[..n], &t), "n={n} i={i}");
            }
            assert!(!bytes_eq(&s[..n], &s[..n + 1]));
        }
    }
}
