//! Durable Object ids: 64 lowercase hex digits. The first 24 bytes identify the object (derived
//! from the name, or random); the last 8 bytes are a check value over the namespace key and the
//! first 24, so `idFromString` can tell an id of another namespace from one of this namespace.

/// SHA-256 (FIPS 180-4), used for name-derived ids.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([
                block[4 * i],
                block[4 * i + 1],
                block[4 * i + 2],
                block[4 * i + 3],
            ]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

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
    fn sha256_known_vectors() {
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let long = vec![b'a'; 1000];
        assert_eq!(
            hex(&sha256(&long)),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
        );
    }

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
