//! Figures at the edge of Decimal's range are shown, never a panic: display helpers scaled by 100
//! and formatted to fixed places with Decimal's own buffer, which overflowed (issue 12's panics).

use crate::common::Scratch;

fn summary(benefit_per_family: &str, published: &str) -> String {
    format!(
        "[study]\nname = \"Edge\"\nfamilies = 1\n[intervention]\nper_family = \"1\"\n[counterfactual]\nper_family = \"0\"\n[benefit]\nper_family = \"{benefit_per_family}\"\n{published}"
    )
}

#[test]
fn figures_at_the_edge_of_decimals_range_are_shown_in_every_format_without_a_panic() {
    let studies = [
        // An ROI of 10²⁷ : 1, which was multiplied by 100 for "pence per pound".
        summary("1000000000000000000000000000", ""),
        // A difference of 10²⁷ times the published figure, multiplied by 100 for its percentage.
        summary(
            "100000000000000000000000",
            "[published]\nbenefit = \"0.0001\"\n",
        ),
        // Published ratios of 28 digits, formatted to two places in a 28-digit buffer.
        summary("1", "[published]\nroi = \"1000000000000000000000000001\"\n"),
        summary(
            "1",
            "[published]\nroi = \"0.0000000000000000000000000001\"\n",
        ),
    ];
    for (number, study) in studies.iter().enumerate() {
        let scratch = Scratch::new();
        scratch.write("edge.toml", study);
        for command in ["roi", "agency", "reconcile", "report"] {
            for format in ["table", "markdown", "csv", "json", "html", "xlsx"] {
                let mut args = vec![command, "edge.toml", "--format", format];
                let output_path = format!("out-{command}.{format}");
                if matches!(format, "xlsx") {
                    args.extend(["--output", &output_path]);
                }
                if command == "report" && format == "csv" {
                    args.extend(["--output", "csv-out/"]);
                }
                let output = scratch.tfcalc().args(&args).output().unwrap();
                let stderr = String::from_utf8_lossy(&output.stderr);
                assert!(
                    matches!(output.status.code(), Some(0 | 2)) && !stderr.contains("panicked"),
                    "study {number}, {args:?}: {:?} {stderr}",
                    output.status
                );
            }
        }
    }
    // And the figures are right: the ROI in full, and the difference as a percentage.
    let scratch = Scratch::new();
    scratch.write("edge.toml", &studies[0]);
    let text = scratch.succeeds(&["roi", "edge.toml"]);
    assert!(
        text.contains("£1,000,000,000,000,000,000,000,000,000.00 : £1.00"),
        "{text}"
    );
    scratch.write("edge.toml", &studies[1]);
    let text = scratch.succeeds(&["reconcile", "edge.toml"]);
    assert!(text.contains("99999999999999999999999999900.00%"), "{text}");
}

#[test]
fn funding_shares_too_large_to_add_up_are_an_error_not_a_panic() {
    let scratch = Scratch::new();
    scratch.write(
        "edge.toml",
        "[study]\nname = \"Edge\"\nfamilies = 1\n[intervention]\nper_family = \"1\"\n\
         funding = { \"Police\" = \"79000000000000000000000000000\", \"NHS\" = \"79000000000000000000000000000\" }\n\
         [counterfactual]\nper_family = \"0\"\n[benefit]\nper_family = \"1\"\n",
    );
    let stderr = scratch.fails(&["report", "edge.toml"]);
    assert!(stderr.contains("shares are between 0 and 1"), "{stderr}");
}

/// Found by the edge-of-range property test: a service-use file whose totals overflow left no
/// record of the services used, and a later check indexed into it.
#[test]
fn totals_too_large_to_hold_are_an_error_not_a_panic() {
    let scratch = Scratch::new();
    scratch
        .write(
            "costs.toml",
            "[table]\nname = \"Edge costs\"\nprice_year = \"2013/14\"\n\
             [[unit_cost]]\nid = \"a\"\nname = \"Cost a\"\nunit = \"case\"\nagency = \"DWP\"\ncost = \"1\"\n\
             [[unit_cost]]\nid = \"c\"\nname = \"Cost c\"\nunit = \"case\"\nagency = \"DWP\"\ncost = \"1\"\n",
        )
        .write(
            "study.toml",
            "[study]\nname = \"Edge\"\nunit_costs = [\"costs.toml\"]\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\
             [intervention]\nper_family = \"1\"\n",
        )
        .write(
            "before.csv",
            "family_id,service,quantity\nA,a,79228162514264337593543950335\nB,c,79228162514264337593543950335\n",
        )
        .write("after.csv", "family_id,service,quantity\nA,a,1\n");
    for command in ["agency", "report", "check"] {
        let stderr_or_out = {
            let output = scratch
                .tfcalc()
                .args([command, "study.toml"])
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(2), "{command}");
            String::from_utf8_lossy(&output.stderr).to_string()
                + &String::from_utf8_lossy(&output.stdout)
        };
        assert!(
            (stderr_or_out.contains("before costs cannot be computed exactly")
                || stderr_or_out.contains("a total is too large to hold exactly"))
                && !stderr_or_out.contains("internal error"),
            "{command}: {stderr_or_out}"
        );
    }
}

/// A count past TOML's integers (i64) is read whole up to u64, and past that the message quotes
/// what was written, never the float it would round to (18446744073709551616 is not
/// 18446744073709552000).
#[test]
fn integers_past_tomls_range_are_quoted_as_written() {
    let scratch = Scratch::new();
    let study = |families: &str| {
        format!(
            "[study]\nname = \"X\"\nfamilies = {families}\n[intervention]\nper_family = \"1\"\n[benefit]\nper_family = \"1\"\n"
        )
    };
    scratch.write("s.toml", study("18446744073709551615"));
    let text = scratch.succeeds(&["roi", "s.toml", "--format", "json"]);
    assert!(
        text.contains("\"families\": 18446744073709551615"),
        "{text}"
    );
    scratch.write("s.toml", study("18446744073709551616"));
    let stderr = scratch.fails(&["roi", "s.toml"]);
    assert!(
        stderr.contains("write a larger number as a string"),
        "{stderr}"
    );
    scratch.write(
        "s.toml",
        "[study]\nname = \"X\"\nfamilies = 2\nwindow_months = 1e30\n[intervention]\nper_family = \"1\"\n[benefit]\nper_family = \"1\"\n",
    );
    let stderr = scratch.fails(&["roi", "s.toml"]);
    assert!(stderr.contains("(1e30)"), "{stderr}");
    assert!(!stderr.contains("18446744073709552000"), "{stderr}");
}
