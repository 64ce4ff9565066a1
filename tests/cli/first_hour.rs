//! The first hour with tfcalc: built-in tables by name, local tables on top of them, finding a
//! cost by its database code, and a new study that runs at once.

use crate::common::{Scratch, repo, tfcalc};

/// Copies every file of a folder (not recursive: the examples are flat).
fn copy_folder(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn report_json(folder: &std::path::Path) -> serde_json::Value {
    let output = tfcalc()
        .current_dir(folder)
        .args(["report", ".", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "report failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_copied_example_folder_reports_the_same_figures_anywhere() {
    let copy = Scratch::new();
    let example = repo().join("examples/hertfordshire-family-e");
    copy_folder(&example, copy.path());
    let here = report_json(&example);
    let there = report_json(copy.path());
    let figures = |report: &serde_json::Value| report["studies"][0]["totals"].clone();
    assert!(!figures(&here).is_null(), "the report has totals");
    assert_eq!(figures(&here), figures(&there));
    assert_eq!(
        here["studies"][0]["families"],
        there["studies"][0]["families"]
    );
}

#[test]
fn costs_accepts_a_builtin_table_by_name() {
    let output = tfcalc()
        .args(["costs", "show", "arrest", "--costs", "hertfordshire-2013"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("1,930"));
}

#[test]
fn an_unknown_table_name_is_an_error_listing_the_known_names() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nwindow_months = 6\nunit_costs = [\"ucd-v1.3\"]\nbefore = \"b.csv\"\nafter = \"a.csv\"\n",
        )
        .write("b.csv", "family_id,service,quantity\nA,cr2.0,1\n")
        .write("a.csv", "family_id,service,quantity\nA,cr2.0,1\n");
    let output = tfcalc()
        .current_dir(scratch.path())
        .args(["report", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("study.toml:4"), "{stderr}");
    assert!(
        stderr.contains("`ucd-v1.3` is not the name of a built-in unit-cost table"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `ucd-v1.2` or `ucd-v1.4`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ucd-v1.4, hertfordshire-2013, ucd-v1.2"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

const LOCAL_POLICE: &str = "[table]\nname = \"Local\"\noverrides = true\nprice_year = \"2013/14\"\n\n[[unit_cost]]\nid = \"police_hour\"\nname = \"Police time, local rate\"\nunit = \"hour\"\ncost = \"40\"\nagency = \"Police\"\n";

fn local_study(local: &str) -> Scratch {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nwindow_months = 6\nunit_costs = [\"hertfordshire-2013\", \"local.toml\"]\nbefore = \"b.csv\"\nafter = \"a.csv\"\n",
        )
        .write("local.toml", local)
        .write("b.csv", "family_id,service,quantity\nA,police_hour,10\n")
        .write("a.csv", "family_id,service,quantity\nA,police_hour,1\n");
    scratch
}

#[test]
fn a_local_table_overrides_a_builtin_one_and_the_report_shows_both_costs() {
    let scratch = local_study(LOCAL_POLICE);
    let output = tfcalc()
        .current_dir(scratch.path())
        .args(["report", ".", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let study = &report["studies"][0];
    // 10 hours before at the local £40, not Hertfordshire's £33.
    assert_eq!(study["families"][0]["before"], "400");
    let overridden = &study["assumptions"]["overrides"][0];
    assert_eq!(overridden["id"], "police_hour");
    assert_eq!(overridden["replaced_cost"], "33");
    assert_eq!(overridden["cost"], "40");

    let table = tfcalc()
        .current_dir(scratch.path())
        .args(["report", "."])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("police_hour: £33 (unit-costs/hertfordshire-2013.toml (built in):"),
        "{text}"
    );
    assert!(text.contains("replaced by £40 (local.toml:"), "{text}");
}

#[test]
fn a_table_with_overrides_that_overrides_nothing_is_warned_of() {
    let scratch = local_study(&LOCAL_POLICE.replace("police_hour", "police_hour_local"));
    let output = tfcalc()
        .current_dir(scratch.path())
        .args(["report", "."])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("local.toml: the table has `overrides = true` but overrides no cost"),
        "{stderr}"
    );
}

#[test]
fn costs_show_finds_a_cost_by_its_database_code_in_any_case() {
    for wanted in ["CR2.0", "cr2.0", "Cr2.0"] {
        let output = tfcalc().args(["costs", "show", wanted]).output().unwrap();
        assert!(
            output.status.success(),
            "{wanted}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("Unit cost cr2.0"), "{wanted}: {text}");
        assert!(text.contains("2,470"), "{wanted}: {text}");
    }
}

#[test]
fn costs_show_lists_the_ids_of_a_code_on_several_costs() {
    let output = tfcalc()
        .args(["costs", "show", "CR7.0.3", "--costs", "ucd-v1.2"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the code `CR7.0.3` is on 3 unit costs"),
        "{stderr}"
    );
    assert!(stderr.contains("`cr7.0.3-prisons`"), "{stderr}");
}

#[test]
fn a_new_study_runs_at_once_with_no_warning() {
    let scratch = Scratch::new();
    let folder = scratch.path().join("my-study");
    tfcalc().args(["new"]).arg(&folder).assert().success();
    for file in ["study.toml", "local-costs.toml", "before.csv", "after.csv"] {
        assert!(folder.join(file).is_file(), "{file} written");
    }
    let study = std::fs::read_to_string(folder.join("study.toml")).unwrap();
    assert!(
        study.contains(r#"unit_costs = ["ucd-v1.4", "local-costs.toml"]"#)
            && study.contains(r#"deflator = "hmt-gdp-deflator-2024""#),
        "{study}"
    );
    let output = tfcalc()
        .arg("report")
        .arg(&folder)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "no warnings: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // Three anti-social behaviour incidents at £500 in 2002/03 prices, uprated to the study's
    // 2023/24 with HM Treasury's calendar series under the 3/4 + 1/4 rule (2002/03 is
    // ¾ × 56.911 + ¼ × 58.266 = 57.24975; 2023/24 is ¾ × 96.2507 + ¼ × 100 = 97.188025), and four
    // local visits at £85, priced in 2023/24 already: 1500 × 97.188025 / 57.24975 + 340.
    assert_eq!(
        report["studies"][0]["families"][0]["before"],
        "2886.422255119"
    );
}

#[test]
fn new_refuses_a_folder_that_is_not_empty() {
    let scratch = Scratch::new();
    scratch.write("study.toml", "# mine\n");
    let output = tfcalc().arg("new").arg(scratch.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("already exists and is not an empty folder"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(scratch.path().join("study.toml")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn completions_complete_the_commands_for_every_shell() {
    let bash = crate::common::stdout(&["completions", "bash"]);
    assert!(bash.contains("report"), "{bash}");
    assert!(bash.contains("reconcile"), "{bash}");
    for shell in ["zsh", "fish", "powershell"] {
        let script = crate::common::stdout(&["completions", shell]);
        assert!(script.contains("report"), "{shell}: {script}");
    }
}

#[test]
fn the_man_page_is_roff_and_names_the_commands() {
    let page = crate::common::stdout(&["man"]);
    assert!(page.contains(".TH"), "{page}");
    assert!(page.contains("reconcile"), "{page}");
}
