//! Per-record message fingerprints: 32 bits summarising which (case-folded) byte trigrams a
//! record's one-line message contains, so a search can reject most column survivors without
//! touching their message bytes (scattered over the mapping, each one a cache miss).
//!
//! A trigram sets bit `hash >> 27` of a multiplicative hash of its three bytes, each folded
//! with `| 0x20`. That fold is coarser than ASCII case folding (it also merges a few
//! punctuation pairs and non-ASCII bytes), which keeps it sound for case-insensitive,
//! ASCII-case-insensitive and exact search alike: bytes equal under any of them fold equal.
//! A record containing a term therefore has every bit of the term's fingerprint; a record
//! missing one cannot contain it. Measured on the bench's 1M-entry JSON data, 18% of the
//! `level>=warn` messages without "timeout" pass the test (so ~4 in 5 misses are skipped);
//! hashing only a sample of the trigrams rejects more for some terms and far less for others.

/// The fingerprint that rejects nothing (stored where the plain message span is not what a
/// search examines, and for terms too short to have a trigram).
pub const ALL: u32 = u32::MAX;

/// Multiplier of the trigram hash (the 32-bit golden ratio); its top 5 bits pick the bit.
const K: u32 = 0x9E37_79B1;

/// The fingerprint of `bytes`: one bit per distinct trigram hash; 0 for fewer than 3 bytes.
/// Of a search term, these are the bits every record containing it has.
/// A trigram's value is its three folded bytes little-endian (`b0 | b1 << 8 | b2 << 16`).
/// This runs once per record at index time, so it reads 8 bytes at a time and hashes the six
/// trigrams that start in them independently (no serial dependency from byte to byte: about
/// a third of the time of a byte-at-a-time rolling loop).
#[inline]
pub fn of(bytes: &[u8]) -> u32 {
    const FOLD: u64 = 0x2020_2020_2020_2020;
    let hash = |t: u32| 1u32 << ((t & 0x00ff_ffff).wrapping_mul(K) >> 27);
    let mut bits = 0u32;
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[i..i + 8]);
        let w = u64::from_le_bytes(w) | FOLD;
        bits |= hash(w as u32)
            | hash((w >> 8) as u32)
            | hash((w >> 16) as u32)
            | hash((w >> 24) as u32)
            | hash((w >> 32) as u32)
            | hash((w >> 40) as u32);
        i += 6;
    }
    while i + 3 <= bytes.len() {
        let t = (bytes[i] | 0x20) as u32 | ((bytes[i + 1] | 0x20) as u32) << 8 | ((bytes[i + 2] | 0x20) as u32) << 16;
        bits |= hash(t);
        i += 1;
    }
    bits
}

/// The bits every record matching one of `alternatives` has: those all of them share; 0
/// when one is shorter than 3 bytes (it constrains nothing).
pub fn of_any<T: AsRef<[u8]>>(alternatives: &[T]) -> u32 {
    let mut each = alternatives.iter().map(|t| of(t.as_ref()));
    each.next().map_or(0, |first| each.fold(first, |acc, b| acc & b))
}

/// Whether a record with fingerprint `record` may contain everything `need` stands for.
#[inline(always)]
pub fn may_match(record: u32, need: u32) -> bool {
    record & need == need
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_has_the_bits_of_every_substring_in_any_case() {
        let text = b"Upstream TIMEOUT after 30s (conn=\"db-1\")";
        for a in 0..text.len() {
            for b in a..=text.len() {
                assert!(may_match(of(text), of(&text[a..b])), "{:?}", &text[a..b]);
                let lower = text[a..b].to_ascii_lowercase();
                assert!(may_match(of(text), of(&lower)));
            }
        }
        assert!(may_match(of(text), of(b"Timeout")));
    }

    #[test]
    fn the_word_loop_and_the_byte_tail_agree() {
        // Every trigram counted once whatever the length (word steps of 6, then the tail).
        let text: Vec<u8> = (0..200u32).map(|i| (i * 37 % 251) as u8).collect();
        for n in 0..text.len() {
            let slow = text[..n].windows(3).fold(0u32, |acc, w| acc | of(w));
            assert_eq!(of(&text[..n]), slow, "length {n}");
        }
    }

    #[test]
    fn short_terms_constrain_nothing_and_absent_terms_are_mostly_rejected() {
        assert_eq!(of(b""), 0);
        assert_eq!(of(b"ab"), 0);
        assert_ne!(of(b"abc"), 0);
        assert_eq!(of(b"abc"), of(b"ABC"));
        assert_eq!(of_any(&["timeout", "ab"]), 0);
        assert_eq!(of_any::<&str>(&[]), 0);
        assert_eq!(of_any(&["timeout"]), of(b"timeout"));
        assert_eq!(of_any(&["timeout", "timed out"]) & !of(b"timeout"), 0);
        // A trigram absent from a short text: its bit is clear there.
        let text = b"GET /api/products/96702 started";
        assert!(!may_match(of(text), of(b"timeout")));
        assert!(may_match(of(text), of(b"PRODUCTS")));
    }
}
