//! Issue 13, "Reasons, not just verdicts": `reconcile` says why a published figure differs,
//! checks the published figures against each other and against the paper's own line items, says
//! what tolerance each check used, and highlights DIFFERS in the HTML page and the workbook.

use super::common::{Scratch, json, stdout, table_row, tfcalc};
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::io::Read;

const FAMILY_E: &str = "examples/hertfordshire-family-e";
const YEAR_2: &str = "examples/leicestershire/year-2.toml";

fn checks(args: &[&str]) -> Vec<serde_json::Value> {
    json(args)["studies"][0]["reconciliation"]
        .as_array()
        .unwrap()
        .clone()
}

fn check<'a>(checks: &'a [serde_json::Value], figure: &str) -> &'a serde_json::Value {
    checks
        .iter()
        .find(|check| check["figure"] == figure)
        .unwrap_or_else(|| panic!("no check {figure} in {checks:#?}"))
}

#[test]
fn family_e_net_saving_follows_from_the_printed_before_costs_which_are_3_less_than_the_items() {
    let checks = checks(&["reconcile", FAMILY_E]);
    let net_saving = check(&checks, "net_saving");
    assert_eq!(net_saving["published"], "32191");
    assert_eq!(net_saving["computed"], "32194");
    assert_eq!(net_saving["agrees"], false);
    assert_eq!(
        net_saving["reason"],
        "the published net saving follows from the published costs before (£42,999), which are £3 less than the items add up to (£43,002)"
    );
    // The paper's own arithmetic holds: £42,999 − £6,208 − £4,600 = £32,191.
    let arithmetic = check(&checks, "consistency:published:net_saving");
    assert_eq!(arithmetic["kind"], "published consistency");
    assert_eq!(arithmetic["published"], "32191");
    assert_eq!(arithmetic["expected"], "32191");
    assert_eq!(arithmetic["computed"], "32191");
    assert_eq!(arithmetic["agrees"], true);

    // The terminal table says so too, in the Why column.
    let text = stdout(&["reconcile", FAMILY_E]);
    let row = text
        .lines()
        .find(|line| line.contains("Net saving (before less"))
        .unwrap();
    assert!(
        row.contains("follows from the published costs before (£42,999), which are £3 less"),
        "{row}"
    );
}

#[test]
fn family_e_items_each_agree_so_the_3_is_in_the_printed_total() {
    let checks = checks(&["reconcile", FAMILY_E]);
    let items: Vec<&serde_json::Value> = checks
        .iter()
        .filter(|check| check["kind"] == "published item")
        .collect();
    assert_eq!(items.len(), 12, "7 before, 2 intervention, 3 after");
    for item in &items {
        assert_eq!(item["agrees"], true, "{item}");
        assert_eq!(item["difference"], "0", "{item}");
    }
    // One by one: an item of two unit costs is the sum of both.
    let protection = check(&checks, "item:before:cpp_setup+cpp_month");
    assert_eq!(
        protection["description"],
        "Costs before: Child Protection Plan"
    );
    assert_eq!(protection["published"], "8231");
    assert_eq!(protection["computed"], "8231");
    let background = check(&checks, "item:intervention:Background cost");
    assert_eq!(background["computed"], "3789");

    let sum = check(&checks, "consistency:published:items:before");
    assert_eq!(sum["published"], "42999");
    assert_eq!(sum["computed"], "43002");
    assert_eq!(sum["difference"], "3");
    assert_eq!(sum["agrees"], false);
    let expected_reason = "every published item agrees with its computed line, and the items add up to £43,002, the computed costs before; the published costs before (£42,999) are £3 less than their own items";
    assert_eq!(sum["reason"], expected_reason);
    assert_eq!(check(&checks, "before")["reason"], expected_reason);
    for part in ["intervention", "after"] {
        assert_eq!(
            check(&checks, &format!("consistency:published:items:{part}"))["agrees"],
            true
        );
    }
}

/// Family E with the paper's arrests printed as £5,793: the difference is traced to that item.
#[test]
fn an_item_that_differs_is_named_with_both_figures() {
    let scratch = Scratch::new();
    scratch
        .write(
            "before.csv",
            "family_id,service,quantity\nE,police_hour,62\nE,arrest,3\n",
        )
        .write(
            "study.toml",
            r#"[study]
name = "Test"
window_months = 6
before = "before.csv"

[published]
before = "7839"

[[published.items]]
window = "before"
label = "Police call outs"
service = "police_hour"
amount = "2046"

[[published.items]]
window = "before"
label = "Arrests"
service = "arrest"
amount = "5793"
"#,
        );
    let output = scratch
        .tfcalc()
        .args(["reconcile", ".", "--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let checks = report["studies"][0]["reconciliation"].as_array().unwrap();
    let arrests = check(checks, "item:before:arrest");
    assert_eq!(arrests["computed"], "5790");
    assert_eq!(arrests["difference"], "-3");
    assert_eq!(arrests["agrees"], false);
    assert_eq!(
        check(checks, "before")["reason"],
        "the published items that differ are Arrests (published £5,793, computed £5,790)"
    );
    // The printed total is its items' sum, so the paper agrees with itself.
    assert_eq!(
        check(checks, "consistency:published:items:before")["agrees"],
        true
    );
}

#[test]
fn a_published_item_naming_no_service_or_an_unknown_window_is_a_located_error() {
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\nE,arrest,3\n",
        "family_id,service,quantity\n",
    );
    let study = std::fs::read_to_string(scratch.path().join("study.toml")).unwrap();
    scratch.write(
        "study.toml",
        format!(
            "{study}\n[[published.items]]\nwindow = \"during\"\nlabel = \"Arrests\"\nservice = \"arrest\"\namount = \"5790\"\n\n[[published.items]]\nwindow = \"before\"\nlabel = \"Police\"\namount = \"1\"\n"
        ),
    );
    let output = scratch.tfcalc().args(["check", "."]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    // `check` lists its problems on standard output.
    let stderr =
        String::from_utf8(output.stdout).unwrap() + &String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("error: study.toml:")
            && stderr.contains(":10: the published item \"Arrests\" has window = \"during\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("the published item \"Police\" names no service"),
        "{stderr}"
    );
}

#[test]
fn a_published_item_naming_an_unknown_service_is_an_error_with_the_nearest_id() {
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\nE,arrest,3\n",
        "family_id,service,quantity\n",
    );
    let study = std::fs::read_to_string(scratch.path().join("study.toml")).unwrap();
    scratch.write(
        "study.toml",
        format!(
            "{study}\n[[published.items]]\nwindow = \"before\"\nlabel = \"Arrests\"\nservice = \"arest\"\namount = \"5790\"\n"
        ),
    );
    for command in ["reconcile", "check"] {
        let output = scratch.tfcalc().args([command, "."]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{command}");
        let text =
            String::from_utf8(output.stdout).unwrap() + &String::from_utf8(output.stderr).unwrap();
        assert!(
            text.contains("the published item \"Arrests\" names the unknown service `arest`")
                && text.contains("did you mean `arrest`?"),
            "{command}: {text}"
        );
    }
}

#[test]
fn a_check_within_tolerance_says_the_tolerance_and_the_difference_in_every_format() {
    // 75 families × £858 = £64,350 against £64,345: +£5, within 50p a family.
    let table = stdout(&["reconcile", YEAR_2]);
    let row = table_row(&table, "Year 2 (Phase 1 2013/14)");
    assert_eq!(row[1], "published");
    let line = table
        .lines()
        .find(|line| line.contains("75 families ×"))
        .unwrap();
    assert!(
        line.contains("a difference of +£5 is within £37.50 (50p a family, the rounding of a whole-pound figure)"),
        "{line}"
    );
    let markdown = stdout(&["reconcile", YEAR_2, "--format", "markdown"]);
    assert!(
        markdown.contains("| agrees | £37.50 | a difference of +£5 is within £37.50 (50p a family"),
        "{markdown}"
    );
    let csv = stdout(&["reconcile", YEAR_2, "--format", "csv"]);
    assert!(
        csv.contains(",64345,64350,5,0.01,agrees,37.50,\"a difference of +£5 is within £37.50 (50p a family, the rounding of a whole-pound figure)\"\n"),
        "{csv}"
    );
    let html = stdout(&["reconcile", YEAR_2, "--format", "html"]);
    assert!(
        html.contains("a difference of +£5 is within £37.50 (50p a family"),
        "{html}"
    );
    let benefit = check(
        &checks(&["reconcile", YEAR_2]),
        "consistency:benefit_per_family",
    )
    .clone();
    assert_eq!(benefit["expected"], "64345");
    assert_eq!(benefit["tolerance"], "37.5");
    // A consistency check's expected figure is a total, not a published one.
    assert!(benefit.get("published").is_none(), "{benefit}");
}

#[test]
fn the_tolerance_footnote_follows_tolerance_in_every_format() {
    let footnote = |tolerance: &str| {
        format!(
            "Money agrees when the difference is at most the tolerance: {tolerance} for published figures (--tolerance sets it)"
        )
    };
    for format in ["table", "markdown", "html"] {
        let text = stdout(&["reconcile", FAMILY_E, "--format", format]);
        assert!(text.contains(&footnote("£0.50")), "{format}: {text}");
        for tolerance in ["£5", "5"] {
            let text = stdout(&[
                "reconcile",
                FAMILY_E,
                "--format",
                format,
                "--tolerance",
                tolerance,
            ]);
            assert!(
                text.contains(&footnote("£5")),
                "{format} --tolerance {tolerance}: {text}"
            );
            assert!(!text.contains(&footnote("£0.50")), "{format}");
        }
    }
    // The difference's sign is said once, under the table.
    let text = stdout(&["reconcile", FAMILY_E]);
    assert_eq!(
        text.matches("Difference is Computed less Expected: + means tfcalc computes more")
            .count(),
        1
    );
    // CSV holds no notes: each row's Tolerance column says it.
    let csv = stdout(&[
        "reconcile",
        FAMILY_E,
        "--format",
        "csv",
        "--tolerance",
        "£5",
    ]);
    assert!(
        csv.starts_with(
            "Study,Check,Figure,Expected,Computed,Difference,Difference %,Result,Tolerance,Why\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("Family E,published,Costs after,4600,4600,0,0.00,agrees,5,\n"),
        "{csv}"
    );
    // With £5, the £3 is accepted, and said to be within it.
    assert!(
        csv.contains("Family E,published,Costs before,42999,43002,3,0.01,agrees,5,a difference of +£3 is within £5 (the tolerance)\n"),
        "{csv}"
    );

    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("reconcile.xlsx");
    tfcalc()
        .args(["reconcile", FAMILY_E, "--tolerance", "£5", "--output"])
        .arg(&path)
        .assert()
        .success();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let sheet = book.worksheet_range("Reconciliation").unwrap();
    let texts: Vec<String> = sheet
        .rows()
        .flat_map(|row| row.iter())
        .filter_map(|cell| match cell {
            Data::String(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(
        texts.iter().any(|text| text.starts_with(&footnote("£5"))),
        "{texts:?}"
    );
}

#[test]
fn the_html_page_opens_with_a_summary_and_highlights_differs() {
    let html = stdout(&["report", FAMILY_E, "--format", "html"]);
    let summary = html
        .find("<section class=\"summary differs\"")
        .expect("a summary");
    let first_table = html.find("<table>").unwrap();
    assert!(summary < first_table, "the summary comes first");
    assert!(html.contains("<p>Reconciliation: 14 of 16 published figures and items agree with the computed ones; 3 checks differ:</p>"), "{html}");
    assert!(html.contains("<li><strong>DIFFERS</strong>: Family E, Costs before (published): published £42,999, computed £43,002 (+£3). Every published item agrees"), "{html}");
    assert_eq!(
        html.matches("<td class=\"differs\"><strong>DIFFERS</strong></td>")
            .count(),
        3
    );
    assert!(html.contains("td.differs { border: 2px solid #b3261e;"));
    // A study whose figures all agree says so, and highlights nothing.
    let html = stdout(&["report", YEAR_2, "--format", "html"]);
    assert!(html.contains("<p>Reconciliation: 5 of 5 published figures and items agree with the computed ones; every check agrees.</p>"), "{html}");
    assert!(!html.contains("<td class=\"differs\">"));
}

#[test]
fn the_workbook_styles_a_differs_cell_apart() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("reconcile.xlsx");
    tfcalc()
        .args(["reconcile", FAMILY_E, "--output"])
        .arg(&path)
        .assert()
        .success();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let sheet = book.worksheet_range("Reconciliation").unwrap();
    assert_eq!(
        sheet.get_value((2, 7)),
        Some(&Data::String("DIFFERS".into()))
    );
    assert_eq!(
        sheet.get_value((3, 7)),
        Some(&Data::String("agrees".into()))
    );
    let styles = book.worksheet_style("Reconciliation").unwrap();
    let differs = styles.get((2, 7)).expect("a DIFFERS cell has a style");
    assert!(differs.font.as_ref().unwrap().is_bold());
    let fill = format!("{:?}", differs.fill);
    assert!(fill.contains("red: 255, green: 199, blue: 206"), "{fill}");
    let borders = format!("{:?}", differs.borders);
    assert!(borders.contains("Medium"), "{borders}");
    let agrees = format!("{:?}", styles.get((3, 7)));
    assert_ne!(agrees, format!("{:?}", Some(differs)));
    assert!(!agrees.contains("Medium"), "{agrees}");

    // And in the file itself: a fill of that colour is among the workbook's styles.
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut styles = String::new();
    archive
        .by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(styles.contains("FFFFC7CE"), "{styles}");
}
