//! Pseudonymising family ids for outputs that leave the analyst's hands (`--pseudonymise KEY`).
//!
//! Each id becomes a keyed hash (HMAC-SHA-256 with the key, shortened): the same id and key always
//! give the same pseudonym, so reports can be joined, but without the key the ids cannot be
//! recovered or guessed by hashing likely ids. Free-text notes may name people, so they are dropped.

use crate::ledger::StudyLedger;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Hex digits kept of the hash: 64 bits, so collisions are vanishingly unlikely even for 400,000
/// families.
const DIGITS: usize = 16;

pub fn pseudonym(key: &str, family_id: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(family_id.as_bytes());
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("P{}", &hex[..DIGITS])
}

/// Replaces every family id in a ledger with its pseudonym, and drops the notes.
pub fn pseudonymise(ledger: &mut StudyLedger, key: &str) {
    for family in &mut ledger.families {
        family.family_id = pseudonym(key, &family.family_id).into();
        if let Some(lines) = &mut family.lines {
            for line in lines.before.iter_mut().chain(&mut lines.after) {
                line.notes.clear();
            }
        }
    }
    ledger.pseudonymised = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_keyed_and_distinct() {
        let first = pseudonym("secret", "E");
        assert_eq!(first, pseudonym("secret", "E"));
        assert_eq!(first.len(), 1 + DIGITS);
        assert_ne!(first, pseudonym("other key", "E"));
        assert_ne!(first, pseudonym("secret", "F"));
        assert!(!first.contains('E') || first.starts_with('P'));
    }
}
