//! A content hash that is the same on every machine, build and run.
//!
//! `std`'s `DefaultHasher` is allowed to change between Rust releases and is seeded per
//! process in `HashMap`; a snapshot taken by one camplint (the LSP) and checked by
//! another must agree, so the hash is spelled out here: FNV-1a over 128 bits. It only
//! has to notice accidental changes (an editor saving, a `git checkout`), together with
//! the length and the modification time, not resist someone forging a collision.

/// A stable 128-bit FNV-1a hash of some bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContentHash(pub u128);

const OFFSET_BASIS: u128 = 0x6c62272e07bb014262b821756295c58d;
const PRIME: u128 = 0x0000000001000000000000000000013B;

impl ContentHash {
    /// Hashes the bytes.
    pub fn of(bytes: &[u8]) -> ContentHash {
        let mut h = OFFSET_BASIS;
        for &b in bytes {
            h ^= u128::from(b);
            h = h.wrapping_mul(PRIME);
        }
        ContentHash(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_fnv1a_128_vectors() {
        // Fixed values so that a change to the algorithm cannot slip through: a changed
        // hash would make every snapshot taken by an older build look stale.
        assert_eq!(ContentHash::of(b"").0, OFFSET_BASIS);
        assert_eq!(ContentHash::of(b"a").0, 0xd228cb696f1a8caf78912b704e4a8964);
    }

    #[test]
    fn one_byte_changes_the_hash() {
        assert_ne!(ContentHash::of(b"a,b\r\n"), ContentHash::of(b"a,b\n"));
    }
}
