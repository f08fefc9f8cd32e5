//! Object ids and secrets: a Stripe prefix followed by base62 characters.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

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

/// Characters of an id that count time; the other [`ID_RANDOM`] are random.
const ID_TIME: usize = 9;
/// 89 bits: ids stay unguessable and never collide.
const ID_RANDOM: usize = 15;

/// A new object id such as `cus_…`: 24 base62 characters, as Stripe's newer ids have. The first nine count
/// microseconds (increasing within the process), the other fifteen are random. Ids made one after another
/// are therefore neighbours in every index keyed by id: a new row lands on the index page the previous one
/// dirtied instead of on a random page, which more than doubled SQLite's inserts per second (measured with
/// 100,000 rows in place). 62^9 microseconds last until the year 2398.
pub fn new_id(prefix: &str) -> String {
    let mut id = String::with_capacity(prefix.len() + 1 + ID_TIME + ID_RANDOM);
    id.push_str(prefix);
    id.push('_');
    push_base62(&mut id, next_tick(), ID_TIME);
    id.push_str(&random_base62(ID_RANDOM));
    id
}

/// Microseconds since the Unix epoch, strictly increasing from one call to the next.
fn next_tick() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros() as u64);
    let previous =
        LAST.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| Some(now.max(last + 1))).unwrap_or_default();
    now.max(previous + 1)
}

/// `value` as exactly `width` base62 digits, most significant first (so text order is numeric order).
fn push_base62(out: &mut String, mut value: u64, width: usize) {
    let mut digits = [0u8; 16];
    for digit in digits[..width].iter_mut().rev() {
        *digit = BASE62[(value % 62) as usize];
        value /= 62;
    }
    out.extend(digits[..width].iter().map(|&b| b as char));
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

    #[test]
    fn ids_made_later_sort_after_earlier_ones() {
        let ids: Vec<String> = (0..1000).map(|_| new_id("evt")).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "text order is creation order");
    }

    #[test]
    fn base62_digits_keep_numeric_order() {
        let text = |n| {
            let mut out = String::new();
            push_base62(&mut out, n, ID_TIME);
            out
        };
        assert_eq!(text(0), "000000000");
        assert_eq!(text(61), "00000000z");
        assert_eq!(text(62), "000000010");
        assert!(text(1_800_000_000_000_000) < text(1_800_000_000_000_001));
        assert!(text(9) < text(10) && text(35) < text(36), "digits < upper case < lower case, as in ASCII");
    }
}
