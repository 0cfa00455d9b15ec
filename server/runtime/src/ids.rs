//! Durable Object ids: 64 lowercase hex digits. The first 24 bytes identify the object (derived
//! from the name, or random); the last 8 bytes are a check value over the namespace key and the
//! first 24, so `idFromString` can tell an id of another namespace from one of this namespace.

use crate::digest::sha256;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn check_value(namespace: &str, body: &[u8]) -> [u8; 8] {
    let mut input = b"dols-do-id-check\0".to_vec();
    input.extend_from_slice(namespace.as_bytes());
    input.push(0);
    input.extend_from_slice(body);
    let digest = sha256(&input);
    digest[..8].try_into().expect("8 bytes")
}

fn finish(namespace: &str, body: &[u8]) -> String {
    format!("{}{}", hex(body), hex(&check_value(namespace, body)))
}

/// The id for `name` in `namespace`: the same inputs always give the same id.
pub fn id_from_name(namespace: &str, name: &str) -> String {
    let mut input = b"dols-do-id-name\0".to_vec();
    input.extend_from_slice(namespace.as_bytes());
    input.push(0);
    input.extend_from_slice(name.as_bytes());
    finish(namespace, &sha256(&input)[..24])
}

/// A fresh id from 24 random bytes.
pub fn unique_id(namespace: &str, random: &[u8; 24]) -> String {
    finish(namespace, random)
}

/// Why an id string is not acceptable for a namespace.
#[derive(Debug, PartialEq, Eq)]
pub enum IdError {
    /// Not 64 hex digits.
    Format,
    /// Well-formed, but minted for another namespace.
    Namespace,
}

/// Validates an id string; on success returns it in lowercase.
pub fn check_id(namespace: &str, id: &str) -> Result<String, IdError> {
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(IdError::Format);
    }
    let lower = id.to_ascii_lowercase();
    let bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&lower[2 * i..2 * i + 2], 16).expect("hex"))
        .collect();
    if check_value(namespace, &bytes[..24]) != bytes[24..] {
        return Err(IdError::Namespace);
    }
    Ok(lower)
}

/// A small non-cryptographic generator (xorshift64*), seeded from the process and the clock.
pub struct Rng(u64);

impl Rng {
    pub fn from_entropy() -> Self {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.write_u32(std::process::id());
        Rng(h.finish() | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_deterministic_and_checked() {
        let a = id_from_name("w:Counter", "alice");
        assert_eq!(a.len(), 64);
        assert_eq!(a, id_from_name("w:Counter", "alice"));
        assert_ne!(a, id_from_name("w:Counter", "bob"));
        assert_eq!(check_id("w:Counter", &a.to_uppercase()), Ok(a.clone()));
        assert_eq!(check_id("w:Other", &a), Err(IdError::Namespace));
        assert_eq!(check_id("w:Counter", "abc"), Err(IdError::Format));
        let u = unique_id("w:Counter", &[7; 24]);
        assert!(check_id("w:Counter", &u).is_ok());
    }
}
