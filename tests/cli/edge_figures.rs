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
