//! The exact message for every bad-input fixture in tests/fixtures/bad-input, kept as insta
//! snapshots so that messages stay clear and only change on purpose.

use crate::common::{repo, tfcalc};

#[test]
fn bad_input_snapshots() {
    let fixtures = repo().join("tests/fixtures/bad-input");
    let mut cases: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir() && path.file_name().is_some_and(|name| name != "snapshots"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "fixtures missing: {cases:?}");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let extra = std::fs::read_to_string(case.join("args")).unwrap_or_default();
        let output = tfcalc()
            .current_dir(&case)
            .args(["report", "."])
            .args(extra.split_whitespace())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        // Paths resolved to absolute ones depend on where the repository is checked out.
        let stderr = stderr.replace(&format!("{}/", case.display()), "<fixture>/");
        let shown = format!("exit code: {:?}\n{stderr}", output.status.code());
        assert_eq!(output.status.code(), Some(2), "{name}: {shown}");
        assert!(!stderr.contains("panicked"), "{name}: {shown}");
        insta::with_settings!({
            snapshot_path => fixtures.join("snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name.as_str(), shown);
        });
    }
}
