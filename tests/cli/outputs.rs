//! Every output format on the published examples: insta snapshots of the text formats, the Excel
//! workbook read back cell by cell, the HTML page checked for what it holds and what it must not
//! load, and the safety of `--output`.

use crate::common::{Scratch, repo, stdout, tfcalc};
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::io::Read;
use std::path::Path;

const FAMILY_E: &[&str] = &["report", "examples/hertfordshire-family-e"];
const LEICESTERSHIRE: &[&str] = &[
    "report",
    "examples/leicestershire/year-2.toml",
    "examples/leicestershire/year-3.toml",
];

fn with_format(args: &[&str], format: &str) -> String {
    let mut all = args.to_vec();
    all.extend(["--format", format]);
    stdout(&all)
}

/// A CSV report is a folder of files, one per table: shown here one after another.
fn csv_folder(args: &[&str]) -> String {
    let folder = tempfile::tempdir().unwrap();
    let target = format!("{}/", folder.path().display());
    let mut all = args.to_vec();
    all.extend(["--format", "csv", "--quiet", "--output", &target]);
    stdout(&all);
    let mut names: Vec<String> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(folder.path().join(name)).unwrap();
            format!("== {name}\n{text}")
        })
        .collect()
}

#[test]
fn family_e_table() {
    let text = with_format(FAMILY_E, "table");
    assert!(
        !text.contains('\u{1b}'),
        "no escape codes when not on a terminal"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn family_e_markdown() {
    insta::assert_snapshot!(with_format(FAMILY_E, "markdown"));
}

#[test]
fn family_e_csv() {
    insta::assert_snapshot!(csv_folder(FAMILY_E));
}

#[test]
fn family_e_json() {
    insta::assert_snapshot!(with_format(FAMILY_E, "json"));
}

#[test]
fn leicestershire_table() {
    insta::assert_snapshot!(with_format(LEICESTERSHIRE, "table"));
}

#[test]
fn leicestershire_markdown() {
    insta::assert_snapshot!(with_format(LEICESTERSHIRE, "markdown"));
}

#[test]
fn leicestershire_csv() {
    insta::assert_snapshot!(csv_folder(LEICESTERSHIRE));
}

#[test]
fn leicestershire_json() {
    insta::assert_snapshot!(with_format(LEICESTERSHIRE, "json"));
}

#[test]
fn pence_are_shown_everywhere_with_pence() {
    let mut args = LEICESTERSHIRE.to_vec();
    args.push("--pence");
    let markdown = with_format(&args, "markdown");
    assert!(
        markdown.contains("| Average benefit per family | £857.93 | £2,412.08 |"),
        "{markdown}"
    );
    let folder = csv_folder(&args);
    assert!(
        folder.contains("Average benefit per family,857.93,2412.08"),
        "{folder}"
    );
    let table = with_format(&args, "table");
    assert!(table.contains("£857.93"), "{table}");
}

/// The format follows the extension of `--output` when `--format` is not given.
#[test]
fn the_output_extension_chooses_the_format() {
    let folder = tempfile::tempdir().unwrap();
    for (name, starts) in [
        ("r.md", &b"### "[..]),
        ("r.json", &b"{"[..]),
        ("r.html", &b"<!DOCTYPE html>"[..]),
        ("r.xlsx", &b"PK"[..]),
        ("r.txt", "Roi".as_bytes()),
    ] {
        let path = folder.path().join(name);
        tfcalc()
            .args(["roi", "examples/leicestershire/year-2.toml", "--output"])
            .arg(&path)
            .assert()
            .success();
        let written = std::fs::read(&path).unwrap();
        let starts = if name == "r.txt" {
            &b"Return on investment"[..]
        } else {
            starts
        };
        assert!(
            written.starts_with(starts),
            "{name}: {:?}",
            String::from_utf8_lossy(&written[..40.min(written.len())])
        );
    }
    let unknown = tfcalc()
        .args(["roi", "examples/leicestershire/year-2.toml", "--output"])
        .arg(folder.path().join("r.docx"))
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    let message = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        message.contains("cannot tell the output format from the extension .docx"),
        "{message}"
    );
    assert!(message.contains("--format"), "{message}");
}

/// An `--output` that names a folder gets CSV files, one per table, without `--format`; any other
/// format to a folder is refused at once, before the inputs are read.
#[test]
fn a_folder_output_is_csv_and_other_formats_to_a_folder_are_refused() {
    let folder = tempfile::tempdir().unwrap();
    let target = format!("{}/", folder.path().join("out").display());
    let mut args = FAMILY_E.to_vec();
    args.extend(["--quiet", "--output", &target]);
    stdout(&args);
    let families = std::fs::read_to_string(folder.path().join("out/families.csv")).unwrap();
    assert!(
        families.starts_with(
            "Family,Before,Intervention,After,Gross saving,Net saving\nE,43002,6208,4600,"
        ),
        "{families}"
    );
    for (format, extension) in [("markdown", "md"), ("table", "txt"), ("xlsx", "xlsx")] {
        let refused = tfcalc()
            .args([
                "report",
                "no-such-study.toml",
                "--format",
                format,
                "--output",
                &target,
            ])
            .output()
            .unwrap();
        assert_eq!(refused.status.code(), Some(2), "{format}");
        let message = String::from_utf8_lossy(&refused.stderr);
        // The output is checked first: the missing study is never reached.
        assert!(
            message.contains("is a folder, which holds CSV files (one per table)")
                && message.contains(&format!("report.{extension}")),
            "{format}: {message}"
        );
    }
}

fn workbook(args: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("report.xlsx");
    tfcalc()
        .args(args)
        .arg("--output")
        .arg(&path)
        .assert()
        .success();
    (folder, path)
}

fn cell(range: &calamine::Range<Data>, row: u32, column: u32) -> Data {
    range
        .get_value((row, column))
        .cloned()
        .unwrap_or(Data::Empty)
}

/// The XML of one part of the workbook, for what calamine does not read (frozen panes, widths).
fn workbook_part(path: &Path, part: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn the_workbook_has_a_sheet_per_table_with_money_as_pound_formatted_numbers() {
    let (_folder, path) = workbook(LEICESTERSHIRE);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Totals", "Agencies", "ROI", "Assumptions", "Reconciliation"]
    );

    // Leicestershire's Table 3: agencies down, figures as numbers, the exact totals.
    let agencies = book.worksheet_range("Agencies").unwrap();
    assert_eq!(
        cell(&agencies, 0, 0),
        Data::String("Benefits and funding by agency".into())
    );
    assert_eq!(cell(&agencies, 1, 0), Data::String("Agency".into()));
    assert_eq!(
        cell(&agencies, 2, 0),
        Data::String("Leicestershire County Council".into())
    );
    assert_eq!(cell(&agencies, 2, 1), Data::Float(-36978.0));
    assert_eq!(cell(&agencies, 8, 1), Data::Float(69320.0));
    assert_eq!(cell(&agencies, 10, 0), Data::String("Total".into()));
    assert_eq!(cell(&agencies, 10, 1), Data::Float(64345.0));
    assert_eq!(cell(&agencies, 10, 4), Data::Float(118192.0));
    let styles = book.worksheet_style("Agencies").unwrap();
    let format_of = |row: u32, column: u32| {
        styles
            .get((row, column))
            .and_then(|style| style.number_format.as_ref())
            .map(|format| format.format_code.clone())
    };
    assert_eq!(format_of(2, 1).as_deref(), Some("£#,##0;-£#,##0"));
    assert!(
        styles
            .get((10, 1))
            .unwrap()
            .font
            .as_ref()
            .unwrap()
            .is_bold(),
        "totals are bold"
    );
    assert!(
        styles.get((1, 0)).unwrap().font.as_ref().unwrap().is_bold(),
        "headers are bold"
    );

    // Table 2: the return is a number shown as "£0.39 : £1.00", the exact ratio behind it.
    let roi = book.worksheet_range("ROI").unwrap();
    assert_eq!(
        cell(&roi, 6, 0),
        Data::String("Return on Investment".into())
    );
    let Data::Float(ratio) = cell(&roi, 6, 1) else {
        panic!("the ROI is a number: {:?}", cell(&roi, 6, 1));
    };
    assert!((ratio - 0.3934).abs() < 0.0001, "{ratio}");
    let roi_styles = book.worksheet_style("ROI").unwrap();
    assert_eq!(
        roi_styles
            .get((6, 1))
            .unwrap()
            .number_format
            .as_ref()
            .unwrap()
            .format_code,
        "\"£\"0.00\" : £1.00\""
    );
    // The benefit per family is the exact figure: £857.9333..., shown as £858.
    let Data::Float(benefit) = cell(&roi, 5, 1) else {
        panic!("{:?}", cell(&roi, 5, 1));
    };
    assert!((benefit - 64345.0 / 75.0).abs() < 1e-9, "{benefit}");

    // Nothing in the workbook is a formula.
    for sheet in book.sheet_names() {
        let formulas = book.worksheet_formula(&sheet).unwrap();
        assert!(
            formulas.used_cells().next().is_none(),
            "{sheet} has formulas"
        );
    }

    // Headers frozen, columns sized, A4.
    let sheet = workbook_part(&path, "xl/worksheets/sheet2.xml");
    assert!(
        sheet.contains(
            r#"<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{sheet}"
    );
    assert!(sheet.contains("<cols>"), "column widths are set");
    assert!(sheet.contains(r#"paperSize="9""#), "A4");
}

#[test]
fn the_workbook_lists_every_unit_cost_used_and_each_family() {
    let (_folder, path) = workbook(FAMILY_E);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Statement E",
            "Families",
            "Totals",
            "Agencies",
            "ROI",
            "Assumptions",
            "Reconciliation",
            "Inputs",
            "Sources"
        ]
    );
    let sources = book.worksheet_range("Sources").unwrap();
    let header: Vec<Data> = (0..8).map(|column| cell(&sources, 1, column)).collect();
    assert_eq!(
        header,
        [
            "Unit cost",
            "Name",
            "Cost",
            "Per",
            "Agency",
            "Price year",
            "Confidence",
            "Source"
        ]
        .map(|name| Data::String(name.into()))
    );
    // Eleven unit costs, and the attendance officer hour inside the truancy composite.
    assert_eq!(sources.height(), 2 + 12);
    let police = (2..14)
        .find(|row| cell(&sources, *row, 0) == Data::String("police_hour".into()))
        .expect("police_hour is listed");
    assert_eq!(cell(&sources, police, 2), Data::Float(33.0));
    assert_eq!(cell(&sources, police, 4), Data::String("Police".into()));
    assert_eq!(cell(&sources, police, 5), Data::String("2013/14".into()));

    let families = book.worksheet_range("Families").unwrap();
    let row: Vec<Data> = (0..6).map(|column| cell(&families, 2, column)).collect();
    assert_eq!(
        row,
        [
            Data::String("E".into()),
            Data::Float(43002.0),
            Data::Float(6208.0),
            Data::Float(4600.0),
            Data::Float(38402.0),
            Data::Float(32194.0)
        ]
    );

    // The reconciliation shows the published figure and the computed one, as numbers.
    let reconciliation = book.worksheet_range("Reconciliation").unwrap();
    assert_eq!(
        cell(&reconciliation, 2, 2),
        Data::String("Costs before".into())
    );
    assert_eq!(cell(&reconciliation, 2, 3), Data::Float(42999.0));
    assert_eq!(cell(&reconciliation, 2, 4), Data::Float(43002.0));
    assert_eq!(cell(&reconciliation, 2, 5), Data::Float(3.0));
    assert_eq!(cell(&reconciliation, 2, 7), Data::String("DIFFERS".into()));
}

#[test]
fn the_workbook_is_to_the_penny_with_pence() {
    let mut args = LEICESTERSHIRE.to_vec();
    args.push("--pence");
    let (_folder, path) = workbook(&args);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let styles = book.worksheet_style("Agencies").unwrap();
    assert_eq!(
        styles
            .get((2, 1))
            .unwrap()
            .number_format
            .as_ref()
            .unwrap()
            .format_code,
        "£#,##0.00;-£#,##0.00"
    );
}

#[test]
fn the_html_report_is_self_contained_and_holds_the_figures_and_charts() {
    let html = with_format(FAMILY_E, "html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Nothing to fetch, nothing to run.
    for forbidden in [
        "<script", "<link", "src=", "@import", "url(", "https://", "<iframe",
    ] {
        assert!(!html.contains(forbidden), "the page has {forbidden:?}");
    }
    // The only address is the SVG namespace, which is a name and is never fetched.
    assert_eq!(
        html.matches("http://").count(),
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    assert!(html.contains("@page { size: A4;"));
    // Three charts: who benefits, the waterfall, the return.
    assert_eq!(html.matches("<svg").count(), 3);
    assert!(html.contains("<figcaption>Benefit by agency</figcaption>"));
    assert!(html.contains("<figcaption>Family E: from costs before to net saving</figcaption>"));
    assert!(html.contains("<figcaption>Return on investment by study</figcaption>"));
    // The waterfall's steps, and the negative agency benefits drawn as bars (below the axis).
    for figure in ["£43,002", "-£6,208", "-£4,600", "£32,194"] {
        assert!(
            html.contains(&format!("font-weight=\"600\">{figure}</text>")),
            "waterfall {figure}"
        );
    }
    assert!(html.contains("<title>DWP: -£1,896</title>"));
    assert!(html.contains("<title>NHS: -£1,000</title>"));
    // The tables, with the published figure beside the computed one.
    assert!(html.contains(
        "<td>Costs before</td><td class=\"num\">£42,999</td><td class=\"num\">£43,002</td>"
    ));
    assert!(html.contains("<tr class=\"total\"><td>Total</td><td class=\"num\">£38,402</td>"));
}

#[test]
fn leicestershire_html_charts_both_studies_with_negative_bars_below_the_axis() {
    let html = with_format(LEICESTERSHIRE, "html");
    // One waterfall per study, the agency chart and the return chart.
    assert_eq!(html.matches("<svg").count(), 4);
    assert!(html.contains(
        "<title>Year 2 (Phase 1 2013/14), Leicestershire County Council: -£36,978</title>"
    ));
    assert!(html.contains("<title>Year 3 (Phase 1 2014/15), NHS: £108,349</title>"));
    assert!(html.contains("<title>Year 2 (Phase 1 2013/14): £0.39 : £1.00</title>"));
    assert!(html.contains("break-even"));
    // A negative bar starts at the zero line and goes down: its top is the axis.
    let axis = html
        .split("stroke=\"#57606a\" stroke-width=\"1.5\"")
        .next()
        .and_then(|before| before.rsplit("y1=\"").next())
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let council = html
        .split("<title>Year 2 (Phase 1 2013/14), Leicestershire County Council")
        .next()
        .unwrap();
    let bar = &council[council.rfind("<rect").unwrap()..];
    assert!(
        bar.contains(&format!("y=\"{axis}\"")),
        "bar {bar} should hang from the axis at {axis}"
    );
}

/// A family id that a spreadsheet would run as a formula stays text in every format.
#[test]
fn a_hostile_family_id_is_text_in_csv_excel_html_and_markdown() {
    let hostile = r#"=HYPERLINK("http://x","y")"#;
    let quoted = hostile.replace('"', "\"\"");
    let scratch = Scratch::new();
    scratch.study(
        &format!("family_id,service,quantity\n\"{quoted}\",arrest,1\n-1+1,arrest,1\n"),
        &format!("family_id,service,quantity\n\"{quoted}\",arrest,0\n"),
    );

    let csv = scratch.succeeds(&["family", ".", "--summary", "--format", "csv"]);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(&rows[0][0], format!("'{hostile}"), "{csv}");
    assert_eq!(&rows[0][1], "1930");
    assert_eq!(&rows[1][0], "'-1+1", "{csv}");

    scratch.succeeds(&["family", ".", "--summary", "--output", "families.xlsx"]);
    let mut book: Xlsx<_> = open_workbook(scratch.path().join("families.xlsx")).unwrap();
    let range = book.worksheet_range("Families").unwrap();
    assert_eq!(cell(&range, 2, 0), Data::String(hostile.into()));
    let formulas = book.worksheet_formula("Families").unwrap();
    assert!(formulas.used_cells().next().is_none());

    let html = scratch.succeeds(&["family", ".", "--summary", "--format", "html"]);
    assert!(html.contains("<td>=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</td>"));
    assert!(!html.contains("\"http://x\""));

    let markdown = scratch.succeeds(&["family", ".", "--summary", "--format", "markdown"]);
    assert!(
        markdown.contains(r#"| =HYPERLINK("http://x","y") | £1,930 |"#),
        "{markdown}"
    );
}

#[test]
fn output_never_overwrites_an_input_and_leaves_no_partial_file() {
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\nA,arrest,1\n",
        "family_id,service,quantity\nA,arrest,0\n",
    );
    // Each format against an input whose extension does not contradict it (`--format json
    // --output before.csv` is refused for that first).
    for (target, format) in [
        ("before.csv", "csv"),
        ("study.toml", "json"),
        ("study.toml", "markdown"),
        ("study.toml", "xlsx"),
    ] {
        let message = scratch.fails(&["report", ".", "--format", format, "--output", target]);
        assert!(
            message.contains("it is one of this run's input files"),
            "{message}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(scratch.path().join("before.csv")).unwrap(),
        "family_id,service,quantity\nA,arrest,1\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".tfcalc-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `tfcalc family --summary | head` stops quietly: a closed pipe is not an error.
#[test]
fn a_closed_pipe_exits_quietly_with_success() {
    let scratch = Scratch::new();
    let mut before = String::from("family_id,service,quantity\n");
    for family in 0..30_000 {
        before.push_str(&format!("F{family:06},arrest,1\n"));
    }
    scratch.study(&before, "family_id,service,quantity\nF000000,arrest,0\n");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("tfcalc"))
        .current_dir(scratch.path())
        .args(["family", ".", "--summary"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn check_says_which_formats_it_writes() {
    let output = tfcalc()
        .current_dir(repo())
        .args([
            "check",
            "examples/hertfordshire-family-e",
            "--format",
            "html",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--format table, csv or json"));
}

/// Three families each saving £16.50 show as £17 each, £51 added up, but the total shown is the
/// exact £49.50 rounded, £50: the reconciliation says so in a row, which a CSV keeps.
#[test]
fn rounding_gaps_are_rows_of_the_reconciliation_in_every_format() {
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\nA,police_hour,0.5\nB,police_hour,0.5\nC,police_hour,0.5\n",
        "family_id,service,quantity\nA,police_hour,0\nB,police_hour,0\nC,police_hour,0\n",
    );
    let csv = scratch.succeeds(&["reconcile", ".", "--format", "csv"]);
    assert!(
        csv.contains("Test,rounding,\"the 3 families' net savings, each rounded as shown, added up\",50,51,1,,rounding only,,the total shown is the exact total rounded\n"),
        "{csv}"
    );
    let table = scratch.succeeds(&["reconcile", "."]);
    assert!(table.contains("+£1"), "{table}");
    // To the penny there is nothing to round.
    let pence = scratch.succeeds(&["reconcile", ".", "--format", "csv", "--pence"]);
    assert!(!pence.contains(",rounding,"), "{pence}");
}
