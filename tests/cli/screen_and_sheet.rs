//! What reaches a screen or a spreadsheet (issue 12): ids, names and notes from the input files
//! may hold control characters and bidirectional overrides. Shown raw, `\x1b[2J` clears the
//! user's screen, `\x1b]0;...\x07` sets the terminal's title, U+202E makes a row read backwards,
//! and a workbook holding them is not XML. Every way of showing them (terminal tables, errors,
//! warnings, `check`, Markdown, HTML, Excel) writes visible escapes instead; JSON keeps the exact
//! text, escaped as JSON escapes it.

use crate::common::Scratch;
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::io::Read;

const HEADER: &str = "family_id,service,quantity\n";

/// Rows of ordinary families around the hostile ones, as in a real extract.
fn ordinary_rows(quantity: u32) -> String {
    (0..60)
        .map(|n| format!("F{n},arrest,{quantity}\n"))
        .collect()
}

/// The characters nothing shown to a person may hold raw: C0 controls (other than a line break
/// or a tab, which a message or a page may use for its own layout), DEL, C1 controls, the
/// bidirectional marks, embeddings, overrides and isolates, and the line and paragraph
/// separators. Written out here, not taken from tfcalc, so that the test checks the code.
fn hazards(text: &str) -> Vec<(usize, char)> {
    text.char_indices()
        .filter(|(_, character)| {
            let code = *character as u32;
            (code < 0x20 && !matches!(*character, '\n' | '\t'))
                || (0x7f..=0x9f).contains(&code)
                || matches!(code, 0x61c | 0x200e | 0x200f | 0x2028 | 0x2029)
                || (0x202a..=0x202e).contains(&code)
                || (0x2066..=0x2069).contains(&code)
        })
        .collect()
}

fn assert_shown_safely(text: &str, what: &str) {
    let found = hazards(text);
    assert!(
        found.is_empty(),
        "{what} holds raw control or bidi characters {found:?}:\n{}",
        text.escape_debug()
    );
}

/// A study named with an escape sequence and an override (TOML writes them as \u escapes), whose
/// families have ids holding escape sequences, a bell, a backspace, DEL, a C1 control, bidi
/// overrides and isolates, alongside ordinary text in many scripts.
fn hostile_study() -> Scratch {
    let scratch = Scratch::new();
    let hostile_ids = "\"A\u{1b}[31mred\",arrest,1\n\
         \"B\u{7}\u{8}\u{7f}\u{9b}2J\",arrest,2\n\
         \"C\u{202e}lave\u{2066}x\u{2069}|*\",arrest,1\n\
         Zoë-東京-🏠,arrest,1\n";
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"S\\u001b]0;pwned\\u0007 \\u202eevil\"\nwindow_months = 6\n\
             before = \"before.csv\"\nafter = \"after.csv\"\n",
        )
        .write(
            "before.csv",
            format!("{HEADER}{}{hostile_ids}", ordinary_rows(1)),
        )
        .write(
            "after.csv",
            format!(
                "{HEADER}{}{}",
                ordinary_rows(0),
                hostile_ids.replace(",1\n", ",0\n")
            ),
        );
    scratch
}

#[test]
fn an_unknown_service_cannot_clear_the_screen_or_set_the_title_through_its_error() {
    let scratch = Scratch::new();
    scratch.study(
        &format!(
            "{HEADER}{}A,\"\u{1b}[2Ja\",1\nB,\"\u{1b}]0;pwned\u{7}\",1\n",
            ordinary_rows(1)
        ),
        &format!("{HEADER}{}", ordinary_rows(0)),
    );
    for command in ["report", "check"] {
        let output = scratch.tfcalc().args([command, "."]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{command}");
        // `check` lists problems on standard output; the others print errors to standard error.
        let shown = String::from_utf8(if command == "check" {
            output.stdout
        } else {
            output.stderr
        })
        .unwrap();
        assert_shown_safely(&shown, command);
        assert!(
            shown.contains(r"before.csv:62:2: unknown service `\x1b[2Ja`"),
            "{command}: {shown}"
        );
        assert!(
            shown.contains(r"before.csv:63:2: unknown service `\x1b]0;pwned\x07`"),
            "{command}: {shown}"
        );
    }
    // JSON is data: the message holds the service exactly, escaped the way JSON escapes.
    let json = scratch
        .tfcalc()
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap();
    let text = String::from_utf8(json.stdout).unwrap();
    assert_shown_safely(&text, "check --format json");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        report["problems"][0]["message"],
        "unknown service `\u{1b}[2Ja`"
    );
}

#[test]
fn errors_not_about_a_row_are_escaped_too() {
    let scratch = Scratch::new();
    // A study path that does not exist, named with a title-setting sequence...
    let stderr = scratch.fails(&["report", "\u{1b}]0;pwned\u{7}.toml"]);
    assert_shown_safely(&stderr, "a missing study");
    assert!(stderr.contains(r"\x1b]0;pwned\x07.toml"), "{stderr}");
    // ...and an output file whose extension is one, which is not a diagnostic but an error
    // main prints.
    let scratch = hostile_study();
    let stderr = scratch.fails(&["report", ".", "--output", "out.\u{1b}[2J\u{202e}"]);
    assert_shown_safely(&stderr, "a bad output extension");
    assert!(
        stderr.contains(r"extension .\x1b[2J\u{202e} of out.\x1b[2J\u{202e}"),
        "{stderr}"
    );
}

#[test]
fn warnings_quote_family_ids_escaped() {
    let scratch = Scratch::new();
    // Two ids differing only in case: `report` warns about them, naming both.
    scratch.study(
        &format!(
            "{HEADER}{}\"a\u{1b}[2J\",arrest,1\n\"A\u{1b}[2J\",arrest,1\n",
            ordinary_rows(1)
        ),
        &format!(
            "{HEADER}{}\"a\u{1b}[2J\",arrest,0\n\"A\u{1b}[2J\",arrest,0\n",
            ordinary_rows(0)
        ),
    );
    let output = scratch.tfcalc().args(["report", "."]).output().unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_shown_safely(&stderr, "report's warnings");
    assert!(
        stderr.contains(r"only in case") && stderr.contains(r"a\x1b[2J and A\x1b[2J"),
        "{stderr}"
    );
    // `check`'s warnings, on standard output, likewise.
    let scratch = hostile_study();
    scratch.write(
        "after.csv",
        format!(
            "{HEADER}{}\"Z\u{1b}]0;x\u{7}\",arrest,0\n",
            ordinary_rows(0)
        ),
    );
    let shown = scratch.succeeds(&["check", "."]);
    assert_shown_safely(&shown, "check's warnings");
    assert!(shown.contains(r"(Z\x1b]0;x\x07)"), "{shown}");
}

#[test]
fn terminal_tables_escape_every_cell_title_and_note() {
    let scratch = hostile_study();
    for args in [
        &["report", "."][..],
        &["family", "."],
        &["family", ".", "--summary"],
        &["agency", "."],
        &["roi", "."],
    ] {
        let shown = scratch.succeeds(args);
        assert_shown_safely(&shown, &format!("{args:?}"));
        if args[0] != "agency" && args[0] != "roi" {
            assert!(shown.contains(r"A\x1b[31mred"), "{args:?}: {shown}");
            assert!(
                shown.contains(r"B\x07\x08\x7f\u{9b}2J"),
                "{args:?}: {shown}"
            );
            assert!(
                shown.contains(r"C\u{202e}lave\u{2066}x\u{2069}|*"),
                "{args:?}: {shown}"
            );
            // Ordinary text in any script is shown as it is.
            assert!(shown.contains("Zoë-東京-🏠"), "{args:?}: {shown}");
        }
        // The study's name is in titles, column headers and notes.
        assert!(
            shown.contains(r"S\x1b]0;pwned\x07 \u{202e}evil"),
            "{args:?}: {shown}"
        );
    }
}

#[test]
fn markdown_escapes_controls_and_overrides_and_keeps_its_own_escaping() {
    let scratch = hostile_study();
    let markdown = scratch.succeeds(&["family", ".", "--summary", "--format", "markdown"]);
    assert_shown_safely(&markdown, "markdown");
    // The escape's backslash is escaped in turn, so that it shows as written; the pipe still
    // cannot end a cell, nor the asterisk start emphasis. (A `[` with no `](` after it makes no
    // link, so it needs no backslash.)
    assert!(markdown.contains(r"| A\\x1b[31mred |"), "{markdown}");
    assert!(
        markdown.contains(r"| C\\u{202e}lave\\u{2066}x\\u{2069}\|\* |"),
        "{markdown}"
    );
    assert!(markdown.contains("| Zoë-東京-🏠 |"), "{markdown}");
}

#[test]
fn html_and_its_inline_svg_hold_no_raw_control_characters() {
    let scratch = hostile_study();
    for args in [&["report", "."][..], &["family", "."]] {
        let mut all = args.to_vec();
        all.extend(["--format", "html"]);
        let html = scratch.succeeds(&all);
        assert_shown_safely(&html, &format!("{args:?} as HTML"));
        let svgs: Vec<&str> = html.split("<svg").skip(1).collect();
        assert!(!svgs.is_empty(), "{args:?}: no charts");
        // The waterfalls have the study in their title, inside the SVG.
        assert!(
            html.contains(r#"-title">S\x1b]0;pwned\x07 \u{202e}evil"#),
            "{html}"
        );
        assert!(html.contains(r"A\x1b[31mred"), "{args:?}");
        assert!(html.contains("Zoë-東京-🏠"), "{args:?}");
    }
}

/// Every XML part of a workbook, by name.
fn xml_parts(path: &std::path::Path) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .filter_map(|index| {
            let mut part = archive.by_index(index).unwrap();
            let name = part.name().unwrap().to_string();
            if !(name.ends_with(".xml") || name.ends_with(".rels")) {
                return None;
            }
            let mut text = String::new();
            part.read_to_string(&mut text).unwrap();
            Some((name, text))
        })
        .collect()
}

/// Whether Excel takes `name` as a sheet name: written out here from Excel's rules.
fn excel_takes_sheet_name(name: &str) -> bool {
    let units = name.encode_utf16().count();
    (1..=31).contains(&units)
        && !name.contains(['[', ']', ':', '*', '?', '/', '\\'])
        && !name.starts_with('\'')
        && !name.ends_with('\'')
        && !name.chars().any(char::is_control)
}

#[test]
fn a_workbook_with_control_characters_in_ids_is_xml_and_opens() {
    let scratch = hostile_study();
    scratch.succeeds(&["family", ".", "--output", "families.xlsx"]);
    scratch.succeeds(&["report", ".", "--output", "report.xlsx"]);
    for file in ["families.xlsx", "report.xlsx"] {
        let path = scratch.path().join(file);
        // XML 1.0 allows no C0 control but tab, line feed and carriage return, raw or as a
        // character reference. (The writer turns them into Excel's _x001B_ in cells, but wrote
        // them raw into sheet names, so that workbook.xml was not XML.)
        for (name, xml) in xml_parts(&path) {
            let raw: Vec<char> = xml
                .chars()
                .filter(|c| (*c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
                .collect();
            assert!(raw.is_empty(), "{file} {name}: raw {raw:?}");
            assert!(
                !xml.contains("&#x1b;") && !xml.contains("&#27;"),
                "{file} {name}"
            );
        }
        open_in_openpyxl(&path);
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let names = book.sheet_names();
        for name in &names {
            assert!(excel_takes_sheet_name(name), "{file}: sheet {name:?}");
        }
        // Cells show the escapes a terminal shows, whichever program reads them.
        if file == "families.xlsx" {
            // Every statement on one sheet (issue 16), each row naming its family with its
            // escape sequence shown.
            let range = book.worksheet_range("Statements").unwrap();
            let title = range.get_value((0, 0)).cloned().unwrap_or(Data::Empty);
            assert_eq!(
                title,
                Data::String(r"S\x1b]0;pwned\x07 \u{202e}evil: family statements".into())
            );
            let ids: Vec<String> = range
                .rows()
                .filter_map(|row| row.first().map(|cell| cell.to_string()))
                .collect();
            assert!(ids.contains(&r"A\x1b[31mred".to_string()), "{ids:?}");
        } else {
            let range = book.worksheet_range("Families").unwrap();
            let ids: Vec<String> = range
                .rows()
                .filter_map(|row| row.first().map(|cell| cell.to_string()))
                .collect();
            assert!(ids.contains(&r"A\x1b[31mred".to_string()), "{ids:?}");
            assert!(
                ids.contains(&r"B\x07\x08\x7f\u{9b}2J".to_string()),
                "{ids:?}"
            );
            assert!(ids.contains(&"Zoë-東京-🏠".to_string()), "{ids:?}");
        }
    }
}

#[test]
fn sheet_names_keep_to_excels_rules_whatever_the_family_ids() {
    // Ids that make a sheet name too long in UTF-16 (each house is two units, as Excel counts),
    // ids the same but for case, and ids the same once Excel's forbidden characters are replaced.
    let ids = format!(
        "{},arrest,1\nx,arrest,1\nX,arrest,1\nq[1],arrest,1\nq_1_,arrest,1\n",
        "🏠".repeat(20)
    );
    let scratch = Scratch::new();
    scratch.study(&format!("{HEADER}{ids}"), &format!("{HEADER}{ids}"));
    // A sheet per statement is the report's, for a study of a few families (`family` writes
    // every statement on one sheet: issue 16).
    scratch.succeeds(&["report", ".", "--output", "families.xlsx"]);
    let path = scratch.path().join("families.xlsx");
    open_in_openpyxl(&path);
    let book: Xlsx<_> = open_workbook(&path).unwrap();
    let names = book.sheet_names();
    let mut folded = std::collections::HashSet::new();
    for name in &names {
        assert!(excel_takes_sheet_name(name), "sheet {name:?}");
        assert!(folded.insert(name.to_lowercase()), "{name:?} twice");
    }
    let statements: Vec<String> = names
        .iter()
        .filter(|name| name.starts_with("Statement "))
        .cloned()
        .collect();
    assert_eq!(
        statements,
        [
            format!("Statement {}", "🏠".repeat(10)),
            "Statement x".to_string(),
            "Statement X (2)".to_string(),
            "Statement q_1_".to_string(),
            "Statement q_1_ (2)".to_string(),
        ]
    );
}

/// Opens a workbook with openpyxl, which refuses XML that is not well-formed, where Python and
/// openpyxl are installed; says so and passes where they are not.
fn open_in_openpyxl(path: &std::path::Path) {
    let script = "import sys, openpyxl\n\
                  book = openpyxl.load_workbook(sys.argv[1])\n\
                  for sheet in book.worksheets:\n    \
                      for row in sheet.iter_rows(values_only=True):\n        pass\n\
                  print(len(book.sheetnames))\n";
    let Ok(output) = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
    else {
        eprintln!("note: python3 is not installed; the workbook was not opened with openpyxl");
        return;
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("No module named 'openpyxl'") {
        eprintln!("note: openpyxl is not installed; the workbook was not opened with it");
        return;
    }
    assert!(
        output.status.success(),
        "openpyxl cannot open {}: {stderr}",
        path.display()
    );
}

fn summary_study(name: &str, intervention: &str, benefit: &str) -> String {
    format!(
        "[study]\nname = \"{name}\"\nfamilies = 1\n[intervention]\nper_family = \"{intervention}\"\n\
         [counterfactual]\nper_family = \"0\"\n[benefit]\nper_family = \"{benefit}\"\n"
    )
}

#[test]
fn charts_of_a_huge_and_a_zero_study_are_drawn_with_readable_labels() {
    let scratch = Scratch::new();
    scratch
        .write(
            "huge.toml",
            summary_study("Huge", "1", "79228162514264337593543950335"),
        )
        .write(
            "negative.toml",
            summary_study("Negative", "0", "-79228162514264337593543950335"),
        )
        .write("zero.toml", summary_study("Zero", "0", "0"))
        .write(
            "tiny.toml",
            summary_study("Tiny", "1", "0.0000000000000000000000000001"),
        );
    let html = scratch.succeeds(&[
        "report",
        "huge.toml",
        "negative.toml",
        "zero.toml",
        "tiny.toml",
        "--format",
        "html",
    ]);
    let labels: Vec<&str> = html
        .split("<text")
        .skip(1)
        .filter_map(|text| text.split_once('>'))
        .map(|(_, rest)| rest.split('<').next().unwrap_or(""))
        .collect();
    assert!(!labels.is_empty());
    // Each bar carries its exact figure, rounded to the pound as in the tables...
    assert!(
        labels.contains(&"£79,228,162,514,264,337,593,543,950,335"),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"-£79,228,162,514,264,337,593,543,950,335"),
        "{labels:?}"
    );
    // ...and the axis is in round steps, not a float's rounding error (£99999999999999991611392m).
    for label in &labels {
        assert!(
            !label.contains("9999") && !label.contains("0000000"),
            "{label:?} in {labels:?}"
        );
        assert!(
            !label.contains("NaN") && !label.contains("inf"),
            "{labels:?}"
        );
    }
    assert!(
        labels.contains(&"£1e29") && labels.contains(&"-£1e29"),
        "{labels:?}"
    );
    // A study of zeros alone has an axis of its own, not a division by zero.
    let zero = scratch.succeeds(&["report", "zero.toml", "--format", "html"]);
    assert!(zero.contains("<svg") && !zero.contains("NaN"), "{zero}");
}
