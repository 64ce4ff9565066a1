//! Safe, distinct file names for a document's tables, the same from run to run.

/// A table's key made safe as part of a file name: letters, digits, `-` and `_` only, at most 80
/// characters. Two keys can give one part (`A/B` and `A_B`): [`file_names`] keeps file names
/// apart.
pub fn file_name_part(key: &str) -> String {
    let safe: String = key
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || matches!(character, '-' | '_') {
                character
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if safe.is_empty() {
        "table".to_string()
    } else {
        safe
    }
}

/// A file name part for each of a document's table keys, every one different from the others
/// even on a filesystem that ignores case. A key that had to be changed to be safe (`A/B`, or one
/// cut short at 80 characters), or whose part differs from another's only in case (`a` and `A`),
/// has a short hash of the key added (`statement-A_B-1f0c2e9a`), which stays the same from run to
/// run; a key given twice (one family id in two studies) is numbered (`-2`).
pub fn file_names<'k>(keys: impl IntoIterator<Item = &'k str>) -> Vec<String> {
    let keys: Vec<&str> = keys.into_iter().collect();
    let parts: Vec<String> = keys.iter().map(|key| file_name_part(key)).collect();
    // The different keys behind each part, compared as a filesystem that ignores case would.
    let mut by_case: std::collections::HashMap<String, std::collections::HashSet<&str>> =
        std::collections::HashMap::new();
    for (key, part) in keys.iter().zip(&parts) {
        by_case.entry(part.to_lowercase()).or_default().insert(key);
    }
    let mut used = std::collections::HashSet::new();
    keys.iter()
        .zip(parts)
        .map(|(key, part)| {
            let shared = by_case[&part.to_lowercase()].len() > 1;
            let name = if part != *key || shared {
                format!("{part}-{}", short_hash(key))
            } else {
                part
            };
            let mut candidate = name.clone();
            let mut number = 2;
            while !used.insert(candidate.to_lowercase()) {
                candidate = format!("{name}-{number}");
                number += 1;
            }
            candidate
        })
        .collect()
}

/// Eight hex digits of the key's SHA-256: short, and the same for the same key in every run.
fn short_hash(key: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key.as_bytes());
    digest[..4]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_never_collide() {
        let long_a = format!("statement-{}a", "x".repeat(90));
        let long_b = format!("statement-{}b", "x".repeat(90));
        let keys = [
            "statement-A/B",
            "statement-A_B",
            "statement-A B",
            "statement-a",
            "statement-A",
            &long_a,
            &long_b,
            "totals",
            "statement-E",
            "statement-E",
        ];
        let names = file_names(keys);
        let lower: std::collections::HashSet<String> =
            names.iter().map(|name| name.to_lowercase()).collect();
        assert_eq!(lower.len(), keys.len(), "{names:?}");
        // Keys that are safe as they are, and unique, keep their names.
        assert_eq!(names[7], "totals");
        assert_eq!(names[8], "statement-E");
        assert_eq!(names[9], "statement-E-2");
        // A_B is safe, and its part is shared only with keys that changed, but it is one of
        // three parts alike: all three carry a hash.
        assert!(names[1].starts_with("statement-A_B-"), "{names:?}");
        assert_eq!(names, file_names(keys), "stable from run to run");
    }
}
