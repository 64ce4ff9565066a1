//! Issue 11, "No figure wrong in silence": inputs that were accepted and gave a wrong or
//! meaningless figure without a word. Each test is named after the defect it pins.

use crate::common::Scratch;

const HEADER: &str = "family_id,service,quantity\n";

// ---- E: plurals ---------------------------------------------------------------------------------

#[test]
fn one_error_beyond_those_shown_is_one_more_error_not_errors() {
    let scratch = Scratch::new();
    let agencies: String = (1..=21)
        .map(|n| format!("\"Agency {n}\" = \"x\"\n"))
        .collect();
    scratch.study(
        &format!("{HEADER}A,arrest,1\n"),
        &format!("{HEADER}A,arrest,0\n"),
    );
    scratch.write(
        "study.toml",
        format!(
            "[study]\nname = \"T\"\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n[published.agencies]\n{agencies}"
        ),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("\n... and 1 more error (run `tfcalc check` to list them all)"),
        "{stderr}"
    );
}
