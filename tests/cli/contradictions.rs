//! Options and inputs that contradict each other, or say something other than what they are
//! (issue 13): each is an error that says what was meant and how to say it, never a silent guess.

use crate::common::{Scratch, repo, tfcalc};

const FAMILY_E: &str = "examples/hertfordshire-family-e";
const YEAR_2: &str = "examples/leicestershire/year-2.toml";
const YEAR_3: &str = "examples/leicestershire/year-3.toml";

/// Runs tfcalc from the repository root, asserts exit code 2 and no panic, and returns stderr.
fn fails(args: &[&str]) -> String {
    let output = tfcalc().args(args).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}:\n{stderr}");
    stderr
}

/// Runs tfcalc from the repository root, asserts success, and returns (stdout, stderr).
fn succeeds(args: &[&str]) -> (String, String) {
    let output = tfcalc().args(args).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{args:?}:\n{stderr}");
    (String::from_utf8(output.stdout).unwrap(), stderr)
}

#[test]
fn format_html_into_an_xlsx_file_is_refused_before_anything_is_written() {
    let scratch = Scratch::new();
    let stderr = scratch.fails(&[
        "roi",
        &repo().join(FAMILY_E).display().to_string(),
        "--format",
        "html",
        "--output",
        "x.xlsx",
    ]);
    assert!(
        stderr.contains("--format html but --output x.xlsx names an Excel workbook"),
        "{stderr}"
    );
    assert!(stderr.contains("--output x.html"), "{stderr}");
    assert!(stderr.contains("leave out --format"), "{stderr}");
    assert!(!scratch.path().join("x.xlsx").exists());
}

#[test]
fn every_format_into_another_formats_extension_is_refused() {
    let scratch = Scratch::new();
    let study = repo().join(FAMILY_E).display().to_string();
    for (format, output) in [
        ("csv", "out.json"),
        ("json", "out.csv"),
        ("markdown", "out.html"),
        ("md", "out.csv"),
        ("table", "out.md"),
        ("xlsx", "out.txt"),
        ("html", "out.htm.md"),
    ] {
        let stderr = scratch.fails(&["roi", &study, "--format", format, "--output", output]);
        assert!(
            stderr.contains(&format!("--output {output} names")),
            "{stderr}"
        );
        assert!(!scratch.path().join(output).exists(), "{output} written");
    }
    // check refuses it too, as it writes its problems in the format asked for.
    let stderr = scratch.fails(&["check", &study, "--format", "csv", "--output", "p.json"]);
    assert!(stderr.contains("names a JSON file"), "{stderr}");
}

#[test]
fn an_extension_that_names_no_format_or_only_text_stays_allowed() {
    let scratch = Scratch::new();
    let study = repo().join(FAMILY_E).display().to_string();
    scratch.succeeds(&["roi", &study, "--format", "csv", "-o", "report.out"]);
    let csv = std::fs::read_to_string(scratch.path().join("report.out")).unwrap();
    assert!(csv.starts_with(",Family E"), "{csv}");
    // .txt says only "text": Markdown, CSV and JSON are text.
    for format in ["markdown", "csv", "json", "html", "table"] {
        scratch.succeeds(&["roi", &study, "--format", format, "-o", "roi.txt"]);
    }
    // The same format under its own extension, in any case.
    scratch.succeeds(&["roi", &study, "--format", "json", "-o", "roi.JSON"]);
}

#[test]
fn format_takes_the_extensions_as_aliases() {
    let markdown = succeeds(&["roi", YEAR_2, "--format", "markdown"]).0;
    assert_eq!(succeeds(&["roi", YEAR_2, "--format", "md"]).0, markdown);
    let table = succeeds(&["roi", YEAR_2, "--format", "table"]).0;
    assert_eq!(succeeds(&["roi", YEAR_2, "--format", "txt"]).0, table);
    assert_eq!(succeeds(&["roi", YEAR_2, "--format", "text"]).0, table);
    let scratch = Scratch::new();
    let study = repo().join(YEAR_2).display().to_string();
    scratch.succeeds(&["roi", &study, "--format", "htm", "-o", "roi.html"]);
    let page = std::fs::read_to_string(scratch.path().join("roi.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..40]);
    // Not every near-name: an Excel 97 workbook is another format.
    let stderr = fails(&["roi", YEAR_2, "--format", "xls"]);
    assert!(stderr.contains("invalid value 'xls'"), "{stderr}");
}

#[test]
fn import_ucd_refuses_an_output_that_is_not_toml() {
    let scratch = Scratch::new();
    let export = repo()
        .join("unit-costs/source/ucd-v1.2/fire.csv")
        .display()
        .to_string();
    let stderr = scratch.fails(&["costs", "import-ucd", &export, "--output", "f.json"]);
    assert!(
        stderr.contains("--output f.json names a .json file, but costs import-ucd writes a unit-cost table, which is TOML: name it f.toml"),
        "{stderr}"
    );
    assert!(!scratch.path().join("f.json").exists());
    let stderr = scratch.fails(&["costs", "import-ucd", &export, "--format", "json"]);
    assert!(stderr.contains("--format json does not apply"), "{stderr}");
    let stderr = scratch.fails(&["costs", "import-ucd", &export, "--output", "tables/"]);
    assert!(stderr.contains("is a folder"), "{stderr}");
    // .toml, in any case, or no extension at all, is a table.
    scratch.succeeds(&["costs", "import-ucd", &export, "-q", "--output", "f.TOML"]);
    scratch.succeeds(&[
        "costs",
        "import-ucd",
        &export,
        "-q",
        "--output",
        "fire-costs",
    ]);
    let table = std::fs::read_to_string(scratch.path().join("fire-costs")).unwrap();
    assert!(table.contains("[[unit_cost]]"));
}

#[test]
fn price_year_on_a_summary_study_is_a_warning_naming_it() {
    let (uprated, stderr) = succeeds(&["roi", YEAR_2, YEAR_3, "--price-year", "2013/14"]);
    for name in ["Year 2 (Phase 1 2013/14)", "Year 3 (Phase 1 2014/15)"] {
        assert!(
            stderr.contains(&format!(
                "--price-year 2013/14 does not apply to \"{name}\": it is a summary study"
            )),
            "{stderr}"
        );
    }
    // Its figures are as published, and nothing says they are in 2013/14 prices.
    assert_eq!(uprated, succeeds(&["roi", YEAR_2, YEAR_3]).0);
    let json = crate::common::json(&["roi", YEAR_2, "--price-year", "2013/14", "-q"]);
    assert_eq!(json["studies"][0]["price_year"], serde_json::Value::Null);
    // A records study in the same run is uprated, with no warning about it.
    let (_, stderr) = succeeds(&["roi", YEAR_2, FAMILY_E, "--price-year", "2013/14"]);
    assert!(!stderr.contains("Family E\": it is a summary"), "{stderr}");
    // check lists it as a warning, and still passes.
    let (listing, _) = succeeds(&["check", YEAR_2, "--price-year", "2013/14"]);
    assert!(
        listing.contains("warning: examples/leicestershire/year-2.toml: --price-year"),
        "{listing}"
    );
}

#[test]
fn a_summary_studys_own_price_year_is_a_warning_too() {
    let scratch = Scratch::new();
    scratch.write(
        "study.toml",
        "[study]\nname = \"S\"\nfamilies = 2\nprice_year = \"2013/14\"\n[intervention]\nper_family = \"10\"\n[benefit]\nper_family = \"20\"\n",
    );
    let output = scratch.tfcalc().args(["roi", "."]).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: study.toml: price_year = \"2013/14\" does not apply to \"S\""),
        "{stderr}"
    );
}

#[test]
fn a_bare_year_is_refused_as_ambiguous() {
    let stderr = fails(&["roi", FAMILY_E, "--price-year", "2014"]);
    assert!(
        stderr.contains("2014 is ambiguous: the financial year 2014/15 or 2013/14? write 2014/15"),
        "{stderr}"
    );
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\n",
        "family_id,service,quantity\n",
    );
    let study = std::fs::read_to_string(scratch.path().join("study.toml")).unwrap();
    scratch.write(
        "study.toml",
        study.replace("[study]\n", "[study]\nprice_year = \"2013\"\n"),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains(
            "error: study.toml:2:14: 2013 is ambiguous: the financial year 2013/14 or 2012/13?"
        ),
        "{stderr}"
    );
    // The forms the README gives still work.
    for year in ["2013/14", "2013-14", "2013/2014"] {
        succeeds(&["roi", FAMILY_E, "--price-year", year]);
    }
}

#[test]
fn check_quiet_prints_only_errors_and_counts_the_warnings_it_hides() {
    // Family E has no warnings, only notes (services used in one window only): hidden, counted.
    let (listing, _) = succeeds(&["check", FAMILY_E, "-q"]);
    assert_eq!(
        listing,
        "check: no problems in 1 study (2 service-use files, 12 rows read); 2 notes not shown: --quiet\n"
    );
    let (listing, _) = succeeds(&["check", FAMILY_E]);
    assert!(listing.contains("note:"), "{listing}");
    assert!(
        listing.ends_with(
            "check: no problems in 1 study (2 service-use files, 12 rows read); 2 notes\n"
        ),
        "{listing}"
    );
    let json = crate::common::json(&["check", FAMILY_E, "-q"]);
    assert_eq!(json["notes"], 2);
    assert_eq!(json["notes_not_shown"], 2);
    assert_eq!(json["problems"], serde_json::json!([]));
    let (csv, _) = succeeds(&["check", FAMILY_E, "-q", "--format", "csv"]);
    assert_eq!(csv, "severity,file,line,column,message,hint\n");
    // A warning (a family with records before and none after) is hidden and counted too.
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\nA,arrest,1\nB,arrest,1\n",
        "family_id,service,quantity\nB,arrest,0\n",
    );
    let output = scratch
        .tfcalc()
        .args(["check", ".", "-q"])
        .output()
        .unwrap();
    let listing = String::from_utf8(output.stdout).unwrap();
    assert!(!listing.contains("warning:"), "{listing}");
    assert!(listing.contains("1 warning"), "{listing}");
    assert!(listing.ends_with("not shown: --quiet)\n"), "{listing}");
    let json: serde_json::Value = serde_json::from_slice(
        &scratch
            .tfcalc()
            .args(["check", ".", "-q", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(json["warnings_not_shown"], 1);
    // Errors are still listed, with the warnings counted: a study with no `after` files (a
    // warning) and an unknown service (an error).
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nbefore = \"before.csv\"\n",
        )
        .write("before.csv", "family_id,service,quantity\nA,arest,1\n");
    let check = |quiet: bool| {
        let mut command = scratch.tfcalc();
        command.args(["check", "."]);
        if quiet {
            command.arg("--quiet");
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        String::from_utf8(output.stdout).unwrap()
    };
    let loud = check(false);
    assert!(loud.contains("warning: "), "{loud}");
    assert!(loud.ends_with("check: 1 error and 1 warning\n"), "{loud}");
    let quiet = check(true);
    assert!(quiet.contains("unknown service `arest`"), "{quiet}");
    assert!(!quiet.contains("warning: "), "{quiet}");
    assert!(
        quiet.ends_with("check: 1 error (1 warning not shown: --quiet)\n"),
        "{quiet}"
    );
}

#[test]
fn a_unit_cost_table_given_as_a_study_says_what_it_is() {
    let stderr = fails(&["report", "unit-costs/hertfordshire-2013.toml"]);
    assert!(
        stderr.contains("error: unit-costs/hertfordshire-2013.toml: this is a unit-cost table"),
        "{stderr}"
    );
    assert!(
        stderr.contains("give it with --costs unit-costs/hertfordshire-2013.toml"),
        "{stderr}"
    );
    assert!(stderr.contains("unit_costs"), "{stderr}");
    assert!(!stderr.contains("invalid TOML"), "{stderr}");
    // check lists it among the problems of the other studies.
    let output = tfcalc()
        .args(["check", FAMILY_E, "unit-costs/ucd-v1.2.toml"])
        .output()
        .unwrap();
    let listing = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(2), "{listing}");
    assert!(
        listing.contains("error: unit-costs/ucd-v1.2.toml: this is a unit-cost table"),
        "{listing}"
    );
    // ... and still checks the study beside it, whose two notes are listed.
    assert!(
        listing.ends_with("check: 1 error, 0 warnings and 2 notes\n"),
        "{listing}"
    );
}

#[test]
fn a_csv_given_as_a_study_says_how_to_use_it() {
    let stderr = fails(&["family", "examples/hertfordshire-family-e/before.csv"]);
    assert!(
        stderr.contains("before.csv: this is a service-use CSV, not a study"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--before examples/hertfordshire-family-e/before.csv --after after.csv"),
        "{stderr}"
    );
    assert!(!stderr.contains("invalid TOML"), "{stderr}");
    let stderr = fails(&["family", "examples/hertfordshire-family-e/after.csv"]);
    assert!(stderr.contains("after = \"after.csv\""), "{stderr}");
    // Detected by its header whatever it is called, and an intervention file by its columns.
    let scratch = Scratch::new();
    scratch
        .write("extract.txt", "Family_ID,Service,Quantity\nA,arrest,1\n")
        .write("costs.dat", "family_id,item,amount\nA,keyworker,100\n")
        .write("themes.csv", "CR1.0,Crime,x\n");
    let stderr = scratch.fails(&["report", "extract.txt"]);
    assert!(stderr.contains("this is a service-use CSV"), "{stderr}");
    let stderr = scratch.fails(&["report", "costs.dat"]);
    assert!(stderr.contains("this is an intervention CSV"), "{stderr}");
    assert!(stderr.contains("file = \"costs.dat\""), "{stderr}");
    let stderr = scratch.fails(&["report", "themes.csv"]);
    assert!(
        stderr.contains("this is a CSV file, not a study"),
        "{stderr}"
    );
}

#[test]
fn published_roi_may_be_written_as_tfcalc_shows_it() {
    let scratch = Scratch::new();
    let study = |roi: &str, funding: &str| {
        format!(
            "[study]\nname = \"S\"\nfamilies = 10\n[intervention]\nper_family = \"1000\"\nfunding = {{ {funding} }}\n[benefit]\nper_family = \"4100\"\n[published]\nroi = \"{roi}\"\n"
        )
    };
    for roi in ["£4.10 : £1.00", "4.10:1", "4.1", "£4.10 : £1"] {
        scratch.write("study.toml", study(roi, "\"Police\" = \"1\""));
        // --strict exits 1 unless the published return agrees with the computed 4.10.
        scratch.succeeds(&["reconcile", ".", "--strict"]);
    }
    scratch.write("study.toml", study("£0.39 : £1.00", "\"Police\" = \"1\""));
    let output = scratch
        .tfcalc()
        .args(["reconcile", ".", "--strict"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "0.39 differs from 4.10 and is read as 0.39"
    );
    scratch.write("study.toml", study("£4.10 : £2.00", "\"Police\" = \"1\""));
    let stderr = scratch.fails(&["reconcile", "."]);
    assert!(stderr.contains("is not a return per £1"), "{stderr}");
}

#[test]
fn funding_shares_may_be_percentages() {
    let scratch = Scratch::new();
    scratch.write(
        "study.toml",
        "[study]\nname = \"S\"\nfamilies = 10\n[intervention]\nper_family = \"1000\"\nfunding = { \"Police\" = \"10%\", \"NHS\" = \"90%\" }\n[benefit.by_agency]\n\"Police\" = \"100\"\n\"NHS\" = \"100\"\n",
    );
    let json = scratch.succeeds(&["agency", ".", "--net", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let agencies = &json["studies"][0]["agencies"];
    let funding = |name: &str| {
        agencies
            .as_array()
            .unwrap()
            .iter()
            .find(|agency| agency["agency"] == name)
            .unwrap_or_else(|| panic!("{name} in {agencies}"))["funding"]
            .clone()
    };
    // Exactly what the fractions give.
    let (police, nhs) = (funding("Police"), funding("NHS"));
    scratch.write(
        "study.toml",
        std::fs::read_to_string(scratch.path().join("study.toml"))
            .unwrap()
            .replace("\"10%\"", "\"0.1\"")
            .replace("\"90%\"", "\"0.9\""),
    );
    let json = scratch.succeeds(&["agency", ".", "--net", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let agencies = &json["studies"][0]["agencies"];
    assert_eq!(police, agencies[0]["funding"], "{agencies}");
    assert_eq!(nhs, agencies[1]["funding"], "{agencies}");
    assert_eq!(police, "1000");
    assert_eq!(nhs, "9000");
    // Percentages are checked as shares: they must add up to 100%.
    scratch.write(
        "study.toml",
        "[study]\nname = \"S\"\nfamilies = 10\n[intervention]\nper_family = \"1000\"\nfunding = { \"Police\" = \"10%\", \"NHS\" = \"95%\" }\n[benefit]\nper_family = \"4100\"\n",
    );
    let stderr = scratch.fails(&["agency", "."]);
    assert!(
        stderr.contains("the funding shares sum to 1.05, not 1"),
        "{stderr}"
    );
    // Not in funding_amounts, which are pounds.
    scratch.write(
        "study.toml",
        "[study]\nname = \"S\"\nfamilies = 10\n[intervention]\nper_family = \"1000\"\nfunding_amounts = { \"Police\" = \"10%\" }\n[benefit]\nper_family = \"4100\"\n",
    );
    scratch.fails(&["agency", "."]);
}
