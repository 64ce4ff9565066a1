//! Pseudonymising family ids for outputs that leave the analyst's hands (`--pseudonymise KEY`).
//!
//! Each id becomes a keyed hash (HMAC-SHA-256 with the key, shortened): the same id and key always
//! give the same pseudonym, so reports can be joined, but without the key the ids cannot be
//! recovered or guessed by hashing likely ids. Free-text notes may name people, so they are dropped.

use crate::intervention_file::FamilyInterventions;
use crate::ledger::StudyLedger;
use crate::usage::StudyUsage;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::borrow::Cow;
use std::sync::Arc;

/// Hex digits kept of the hash: 64 bits, so collisions are vanishingly unlikely even for 400,000
/// families.
const DIGITS: usize = 16;

/// Keys shorter than this are warned of: HMAC hides ids only while the key cannot be guessed, and
/// whoever knows one family's id and pseudonym can try short keys offline until one fits.
pub const SHORT_KEY: usize = 16;

pub fn pseudonym(key: &str, family_id: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(family_id.as_bytes());
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("P{}", &hex[..DIGITS])
}

/// Checks a `--pseudonymise` key (from the command line or `TFCALC_PSEUDONYMISE_KEY`, which clap
/// passes through the same parser). An empty or blank key is refused: the pseudonyms it gives can
/// be computed by anyone, so they would protect nothing while looking as if they did.
pub fn parse_key(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        let what = if text.is_empty() { "empty" } else { "blank" };
        return Err(format!(
            "the key is {what}, so anyone could work out the pseudonyms it gives: give a long \
             random key (and keep it, to give the same pseudonyms again), or leave out \
             --pseudonymise and TFCALC_PSEUDONYMISE_KEY"
        ));
    }
    Ok(text.to_string())
}

/// The key ids are pseudonymised with, where ids are read and their messages written. Its
/// `Debug` never shows it, as options are printed in debugging and the key is the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Arc<str>);

impl Key {
    pub fn new(key: &str) -> Key {
        Key(key.into())
    }

    pub fn pseudonym(&self, family_id: &str) -> String {
        pseudonym(&self.0, family_id)
    }

    /// How long the key is, in characters, for the warning of a short key.
    pub fn characters(&self) -> usize {
        self.0.chars().count()
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(hidden)")
    }
}

/// A family id as a message shows it: as read, or its pseudonym when there is a key. Every message
/// that names a family before ids are replaced (see [`pseudonymise_records`]) goes through this.
pub fn shown<'a>(key: Option<&Key>, family_id: &'a str) -> Cow<'a, str> {
    match key {
        Some(key) => Cow::Owned(key.pseudonym(family_id)),
        None => Cow::Borrowed(family_id),
    }
}

/// Replaces every family id of a study's records with its pseudonym, and drops the notes, as soon
/// as they are read: then the ledger, every message about its families (a figure too large, a
/// family in one window only) and every output hold pseudonyms and nothing else, without each
/// having to remember to. Pseudonyms are as unique as the ids (64 bits), so a family's intervention
/// items still find it.
pub fn pseudonymise_records(
    usage: &mut StudyUsage,
    interventions: &mut FamilyInterventions,
    key: &Key,
) {
    for family in &mut usage.families {
        family.family_id = key.pseudonym(&family.family_id).into();
        if let Some(lines) = &mut family.lines {
            for service in lines.iter_mut().flat_map(|window| window.values_mut()) {
                service.notes.clear();
            }
        }
    }
    *interventions = std::mem::take(interventions)
        .into_iter()
        .map(|(family_id, items)| (key.pseudonym(&family_id), items))
        .collect();
}

/// Added to the hint of a warning that names families by pseudonym: the analyst who must fix the
/// input needs the ids, and has them without the key.
pub const TO_SEE_THE_IDS: &str =
    " (the families are named by pseudonym: run without --pseudonymise to see their ids)";

/// Marks a ledger built from pseudonymised records (see [`pseudonymise_records`]) as such, making
/// sure on the way that no note is left.
pub fn mark_pseudonymised(ledger: &mut StudyLedger) {
    for family in &mut ledger.families {
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
