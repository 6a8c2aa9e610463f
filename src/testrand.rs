//! The tests' random numbers: one xorshift step (Marsaglia's 13/7/17 on 64 bits), so that
//! generated inputs are the same on every run and every machine.

/// The number after `x` (`x` not zero).
pub(crate) fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}
