//! Family ids that differ only in case (`A1` and `a1`, `Zoë` and `ZOË`): tfcalc compares ids
//! exactly, so they are two families, which is right for two families and wrong for one family
//! typed two ways in two extracts. Either way it is worth a warning.
//!
//! A national study has hundreds of thousands of families, so the check is one pass over the ids
//! with no allocation per id: each id's lower-case form is hashed and compared character by
//! character as it is lowered, never built as a string.

use std::hash::{BuildHasher, Hasher};

/// Ids that differ only in case, grouped, in the order the ids were given. Each group holds two
/// or more distinct ids; an id given twice is counted once.
pub fn differing_only_in_case<'a, Ids>(ids: Ids) -> Vec<Vec<&'a str>>
where
    Ids: IntoIterator<Item = &'a str>,
    Ids::IntoIter: Clone,
{
    let ids = ids.into_iter();
    if cannot_differ_only_in_case(ids.clone()) {
        return Vec::new();
    }
    let ids: Vec<&str> = ids.collect();
    let state = rustc_hash::FxBuildHasher;
    let mut table: hashbrown::HashTable<&str> = hashbrown::HashTable::with_capacity(ids.len());
    // The rare clashes: each group, and where the id that leads it is in the table.
    let mut groups: Vec<Vec<&str>> = Vec::new();
    let mut group_of: rustc_hash::FxHashMap<&str, usize> = Default::default();
    for id in ids {
        let hash = lower_case_hash(&state, id);
        match table
            .find(hash, |&other| same_but_for_case(other, id))
            .copied()
        {
            None => {
                table.insert_unique(hash, id, |&other| lower_case_hash(&state, other));
            }
            Some(first) => {
                let group = *group_of.entry(first).or_insert_with(|| {
                    groups.push(vec![first]);
                    groups.len() - 1
                });
                if !groups[group].contains(&id) {
                    groups[group].push(id);
                }
            }
        }
    }
    groups.retain(|group| group.len() > 1);
    groups
}

/// Whether the ids are all ASCII and either none has a capital letter or none has a small one:
/// then each id's lower case is different from every other's, and there is nothing to compare.
/// That is most extracts (digits only, `F0000001`, `abc-12`), found in one pass that stops at
/// the first id that could need the full comparison.
fn cannot_differ_only_in_case<'a>(ids: impl Iterator<Item = &'a str>) -> bool {
    let (mut upper, mut lower) = (false, false);
    for id in ids {
        for byte in id.bytes() {
            upper |= byte.is_ascii_uppercase();
            lower |= byte.is_ascii_lowercase();
            if !byte.is_ascii() || (upper && lower) {
                return false;
            }
        }
    }
    true
}

fn lower_case_hash(state: &impl BuildHasher, id: &str) -> u64 {
    let mut hasher = state.build_hasher();
    // The same sequence of characters either way, so that an ASCII id and a non-ASCII one with
    // the same lower case (`k1` and `K1` with the Kelvin sign) hash alike.
    if id.is_ascii() {
        for byte in id.bytes() {
            hasher.write_u32(u32::from(byte.to_ascii_lowercase()));
        }
    } else {
        for character in id.chars().flat_map(char::to_lowercase) {
            hasher.write_u32(u32::from(character));
        }
    }
    hasher.finish()
}

fn same_but_for_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ids_that_differ_only_in_case() {
        assert_eq!(
            differing_only_in_case(["A1", "b2", "a1", "Zoë", "ZOË", "zoë", "c3", "A1"]),
            vec![vec!["A1", "a1"], vec!["Zoë", "ZOË", "zoë"]]
        );
        assert!(differing_only_in_case(["1", "2", "a", "b"]).is_empty());
        assert!(differing_only_in_case(["F0000001", "F0000002"]).is_empty());
        assert!(differing_only_in_case(["Ab1", "aB2"]).is_empty());
        assert_eq!(
            differing_only_in_case(["AB", "x", "ab"]),
            vec![vec!["AB", "ab"]]
        );
        // The Kelvin sign lowers to an ASCII k.
        assert_eq!(
            differing_only_in_case(["k1", "\u{212A}1"]),
            vec![vec!["k1", "\u{212A}1"]]
        );
    }
}
