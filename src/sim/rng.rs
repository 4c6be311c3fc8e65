//! A small portable random number generator (xoshiro256++ seeded through SplitMix64).
//!
//! Written out here rather than taken from a crate so its stream is pinned forever and is the
//! same on x86-64 and wasm32: traces pinned in tests and share links must keep reproducing.
//! Only integer arithmetic is used (probabilities are parts per million).

/// One stream of random numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

/// SplitMix64: turns any seed (even 0) into well-mixed state words.
fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A stream for `seed`.
    pub fn new(seed: u64) -> Rng {
        let mut x = seed;
        Rng {
            s: [
                splitmix(&mut x),
                splitmix(&mut x),
                splitmix(&mut x),
                splitmix(&mut x),
            ],
        }
    }

    /// An independent sub-stream: each subsystem (network, timers, faults) gets its own, so
    /// changing how often one draws does not shift the others.
    pub fn derive(seed: u64, stream: u64) -> Rng {
        let mut x = seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let mixed = splitmix(&mut x);
        Rng::new(mixed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform on [0, n); 0 when n is 0. Unbiased (Lemire's multiply-and-reject).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            let low = m as u64;
            if low >= n.wrapping_neg() % n {
                return (m >> 64) as u64;
            }
        }
    }

    /// Uniform on [min, max] (inclusive).
    pub fn between(&mut self, min: u64, max: u64) -> u64 {
        if max <= min {
            return min;
        }
        min + self.below(max - min + 1)
    }

    /// True with probability `ppm` / 1,000,000.
    pub fn chance_ppm(&mut self, ppm: u32) -> bool {
        ppm > 0 && self.below(1_000_000) < u64::from(ppm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_pinned() {
        // If this changes, every pinned trace hash and share link changes with it.
        let mut r = Rng::new(42);
        let got: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        let mut again = Rng::new(42);
        assert_eq!(got, (0..3).map(|_| again.next_u64()).collect::<Vec<_>>());
        assert_eq!(got[0], PINNED_FIRST_DRAW_FOR_SEED_42);
    }

    const PINNED_FIRST_DRAW_FOR_SEED_42: u64 = 0xD076_4D4F_4476_689F; // checked against an independent Python xoshiro256++

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut r = Rng::new(7);
        let mut seen = [false; 10];
        for _ in 0..1000 {
            let x = r.below(10);
            assert!(x < 10);
            seen[x as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
        assert_eq!(r.between(5, 5), 5);
    }

    #[test]
    fn chance_matches_its_probability_roughly() {
        let mut r = Rng::new(1);
        let hits = (0..100_000).filter(|_| r.chance_ppm(300_000)).count();
        assert!((28_000..32_000).contains(&hits), "{hits}");
        assert!(!Rng::new(3).chance_ppm(0));
    }

    #[test]
    fn derived_streams_differ() {
        let a = Rng::derive(9, 1).next_u64();
        let b = Rng::derive(9, 2).next_u64();
        assert_ne!(a, b);
    }
}
