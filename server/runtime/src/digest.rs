//! The digests of `crypto.subtle.digest` and the SHA-256 behind name-derived Durable Object
//! ids, from the RustCrypto hash crates.

use sha2::Digest;

/// The digest of `data` by the algorithm `crypto.subtle.digest` names (upper case, as the
/// platform matches names without regard to case), or `None` for an algorithm it does not know.
pub fn digest(algorithm: &str, data: &[u8]) -> Option<Vec<u8>> {
    Some(match algorithm {
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        "SHA-512" => sha2::Sha512::digest(data).to_vec(),
        "MD5" => md5::Md5::digest(data).to_vec(),
        _ => return None,
    })
}

/// SHA-256 (FIPS 180-4).
pub fn sha256(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(data).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    fn d(alg: &str, data: &[u8]) -> String {
        hex(&digest(alg, data).expect("known algorithm"))
    }

    #[test]
    fn known_digests() {
        assert_eq!(
            d("SHA-1", b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(d("SHA-1", b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(d("MD5", b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(d("MD5", b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            d("SHA-256", b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            d("SHA-384", b"abc"),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            d("SHA-512", b""),
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
        );
        // Several blocks.
        assert_eq!(
            d("SHA-1", &vec![b'a'; 1_000_000]),
            "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
        );
        assert_eq!(digest("SHA-224", b"abc"), None);
        assert_eq!(digest("sha-256", b"abc"), None, "names arrive upper-cased");
    }
}
