//! Object ids and secrets: a Stripe prefix followed by random base62 characters.

use rand::RngExt as _;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Random base62 text of `len` characters from the operating system's CSPRNG.
pub fn random_base62(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len).map(|_| BASE62[rng.random_range(0..BASE62.len())] as char).collect()
}

/// Random upper-case hexadecimal text, as in Stripe's generated invoice prefixes (`7FE1103`).
pub fn random_upper_hex(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len).map(|_| b"0123456789ABCDEF"[rng.random_range(0..16)] as char).collect()
}

/// A new object id such as `cus_…`: 24 random base62 characters, as Stripe's newer ids have.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_base62(24))
}

/// A client secret for an object (`seti_…_secret_…`): 128+ bits of randomness, unguessable.
pub fn client_secret(object_id: &str) -> String {
    format!("{object_id}_secret_{}", random_base62(25))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_prefix_and_24_base62_characters() {
        let id = new_id("cus");
        assert!(id.starts_with("cus_"));
        assert_eq!(id.len(), 4 + 24);
        assert!(id[4..].bytes().all(|b| BASE62.contains(&b)));
        assert_ne!(new_id("cus"), id);
    }
}
