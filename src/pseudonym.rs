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
            lines.clear_notes();
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

/// Records the problems found with a CSV file's header. With a key, the names the header holds
/// are not shown: a header that lacks the columns wanted is most often a file's first row of data
/// (the header line left out of the extract), whose first field is a family's id, and the
/// suggestions of which column was meant would quote it just the same. What is missing is still
/// said.
pub fn header_problems(
    found: crate::diagnostic::Diagnostics,
    columns: &str,
    key: Option<&Key>,
    diagnostics: &mut crate::diagnostic::Diagnostics,
) {
    if key.is_none() {
        diagnostics.extend(found);
        return;
    }
    for problem in found.problems() {
        let mut problem = problem.clone();
        if let Some(at) = problem.message.find(HEADER_NAMES_FOUND) {
            problem.message.truncate(at);
            problem.hint = Some(format!(
                "the first row must name the columns {columns} (in any order); what it holds is not shown with --pseudonymise, as in a file without its header line it is a family's id"
            ));
        }
        diagnostics.push(problem);
    }
}

/// How [`crate::csv_input::find_columns`] goes on to list the names a header holds.
const HEADER_NAMES_FOUND: &str = "; the columns found are:";

/// Makes sure no note is left in a ledger built from pseudonymised records (see
/// [`pseudonymise_records`]).
pub fn mark_pseudonymised(ledger: &mut StudyLedger) {
    for family in &mut ledger.families {
        if let Some(lines) = family.lines_mut() {
            lines.clear_notes();
        }
    }
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

    #[test]
    fn an_empty_or_blank_key_is_refused_and_a_key_is_never_shown() {
        assert!(parse_key("").unwrap_err().contains("the key is empty"));
        assert!(parse_key(" \t").unwrap_err().contains("the key is blank"));
        assert_eq!(parse_key(" k ").unwrap(), " k ", "a key is used as given");
        let key = Key::new("the-secret-key");
        assert!(!format!("{key:?}").contains("secret"));
        let options = crate::input_path::ReadOptions {
            pseudonymise: Some(key.clone()),
            ..Default::default()
        };
        assert!(!format!("{options:?}").contains("secret"));
        assert_eq!(shown(Some(&key), "F1"), pseudonym("the-secret-key", "F1"));
        assert_eq!(shown(None, "F1"), "F1");
    }

    #[test]
    fn a_header_that_is_a_row_of_data_is_not_quoted_with_a_key() {
        use crate::diagnostic::Diagnostics;
        let header = csv::ByteRecord::from(vec!["SECRET-7", "arrest", "1"]);
        let problems = |key: Option<&Key>| {
            let mut found = Diagnostics::new();
            let columns = crate::csv_input::find_columns(
                "before.csv",
                &header,
                &["family_id", "service", "quantity"],
                &[],
                &mut found,
            );
            assert!(columns.is_none());
            let mut diagnostics = Diagnostics::new();
            header_problems(found, "family_id,service,quantity", key, &mut diagnostics);
            diagnostics.problems().to_vec()
        };
        // Without a key the names are listed (which is how the test below can fail).
        let plain = problems(None);
        assert!(plain[0].message.contains("secret-7"), "{:?}", plain[0]);
        let hidden = problems(Some(&Key::new("k")));
        assert_eq!(hidden.len(), 3);
        for problem in &hidden {
            assert!(problem.message.starts_with("missing required column `"));
            let text = format!("{problem:?}").to_lowercase();
            assert!(!text.contains("secret"), "{text}");
        }
    }
}
