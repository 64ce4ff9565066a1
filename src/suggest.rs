//! "Did you mean ...?": the known names nearest to a misspelt one.

/// Up to `limit` candidates closest to `wanted`, best first. Candidates that share nothing with it
/// are left out, so an unrelated list never produces a silly suggestion.
pub fn nearest<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|candidate| {
            let candidate_lower = candidate.to_lowercase();
            let mut score = strsim::jaro_winkler(&wanted_lower, &candidate_lower);
            // A candidate that contains what was typed (or the reverse) is usually what was meant.
            if !wanted_lower.is_empty()
                && (candidate_lower.contains(&wanted_lower)
                    || wanted_lower.contains(&candidate_lower))
            {
                score += 0.2;
            }
            (score, candidate)
        })
        .filter(|(score, _)| *score >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(limit)
        .map(|(_, candidate)| candidate)
        .collect()
}

/// "did you mean `a`, `b` or `c`?", or `None` if nothing is close.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let found = nearest(wanted, candidates, 3);
    let quoted: Vec<String> = found.iter().map(|name| format!("`{name}`")).collect();
    match quoted.as_slice() {
        [] => None,
        [only] => Some(format!("did you mean {only}?")),
        [init @ .., last] => Some(format!("did you mean {} or {last}?", init.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let ids = ["police_hour", "arrest", "jsa_week", "dla_week", "cpp_setup"];
        assert_eq!(nearest("arest", ids, 3), vec!["arrest"]);
        assert_eq!(nearest("police", ids, 1), vec!["police_hour"]);
        assert!(nearest("zzzzzz", ids, 3).is_empty());
        assert_eq!(
            did_you_mean("jsa_weak", ids).unwrap(),
            "did you mean `jsa_week` or `dla_week`?"
        );
    }
}
