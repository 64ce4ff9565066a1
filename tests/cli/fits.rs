//! Issue 13, "Fits where it is read": every shipped output fits an 80-column terminal, the long
//! `--help` texts wrap between words, and Markdown survives a real renderer (and a paste into a
//! word processor) without entities or stray backslashes.

use crate::common::{Scratch, repo, tfcalc};
use unicode_width::UnicodeWidthStr;

const FAMILY_E: &str = "examples/hertfordshire-family-e";
const YEAR_2: &str = "examples/leicestershire/year-2.toml";
const YEAR_3: &str = "examples/leicestershire/year-3.toml";

/// Standard output of tfcalc run with `COLUMNS` set (piped, as in a test), asserting success.
fn at_width(columns: u16, directory: &std::path::Path, args: &[&str]) -> String {
    let output = tfcalc()
        .current_dir(directory)
        .env("COLUMNS", columns.to_string())
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "tfcalc {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Lines wider than `width` display columns (a `£` is one column, a CJK character two).
fn too_wide(text: &str, width: usize) -> Vec<String> {
    text.lines()
        .filter(|line| line.width() > width)
        .map(|line| format!("{} columns: {line}", line.width()))
        .collect()
}

/// A study of 30 families built from the Hertfordshire unit costs, each family using a different
/// mix of services, so that its tables (families, agencies, unit costs used) are as wide as a real
/// cohort's.
fn thirty_families() -> Scratch {
    let services = [
        "police_hour",
        "arrest",
        "jsa_week",
        "dla_week",
        "notice_seeking_possession",
        "rent_arrears",
        "domestic_violence_case",
        "cpp_setup",
        "cpp_month",
        "truancy_case",
        "drugs_programme",
    ];
    let mut before = String::from("family_id,service,quantity\n");
    let mut after = String::from("family_id,service,quantity\n");
    for family in 1..=30 {
        for (index, service) in services.iter().enumerate() {
            if (family + index) % 3 != 0 {
                before.push_str(&format!(
                    "F{family:02},{service},{}\n",
                    (family * 7 + index) % 20 + 1
                ));
            }
            if (family + index) % 4 == 0 {
                after.push_str(&format!(
                    "F{family:02},{service},{}\n",
                    (family * 3 + index) % 5 + 1
                ));
            }
        }
    }
    let scratch = Scratch::new();
    let costs = repo().join("unit-costs/hertfordshire-2013.toml");
    scratch
        .write(
            "study.toml",
            format!(
                "[study]\nname = \"Thirty families\"\nwindow_months = 6\nunit_costs = [{:?}]\n\
                 before = \"before.csv\"\nafter = \"after.csv\"\n\n[intervention]\nper_family = \"6208\"\n\
                 funding = {{ \"County Council\" = \"1\" }}\n",
                costs.display().to_string()
            ),
        )
        .write("before.csv", before)
        .write("after.csv", after);
    scratch
}

#[test]
fn every_shipped_output_fits_80_columns() {
    let commands: &[&[&str]] = &[
        &["report", FAMILY_E],
        &["report", YEAR_2, YEAR_3],
        &["report", FAMILY_E, YEAR_2, YEAR_3],
        &["family", FAMILY_E],
        &["family", "--summary", FAMILY_E],
        &["agency", FAMILY_E],
        &["agency", YEAR_2, YEAR_3],
        &["agency", "--net", YEAR_2, YEAR_3],
        &["agency", "--net", FAMILY_E],
        &["roi", YEAR_2, YEAR_3],
        &["roi", FAMILY_E],
        &["reconcile", FAMILY_E],
        &["reconcile", FAMILY_E, YEAR_2, YEAR_3],
        &["costs", "list"],
        &["costs", "show", "cr2.0"],
        &[
            "costs",
            "show",
            "police_hour",
            "--costs",
            "unit-costs/hertfordshire-2013.toml",
        ],
        &["check", FAMILY_E, YEAR_2, YEAR_3],
    ];
    let mut failures = Vec::new();
    for args in commands {
        let text = at_width(80, &repo(), args);
        let wide = too_wide(&text, 80);
        if !wide.is_empty() {
            failures.push(format!("tfcalc {}:\n{}", args.join(" "), wide.join("\n")));
        }
    }
    let scratch = thirty_families();
    for args in [
        &["report", "."][..],
        &["family", "."],
        &["agency", "--net", "."],
        &["check", "."],
    ] {
        let text = at_width(80, scratch.path(), args);
        if args[0] == "family" {
            assert!(text.contains("F30"), "{text}");
        }
        let wide = too_wide(&text, 80);
        if !wide.is_empty() {
            failures.push(format!(
                "30 families, tfcalc {}:\n{}",
                args.join(" "),
                wide.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Wrapping happens between words: every word and figure of the unwrapped output is still there,
/// whole, in the wrapped one.
#[test]
fn wrapping_never_breaks_a_word_or_a_figure() {
    for args in [
        &["reconcile", FAMILY_E, YEAR_2, YEAR_3][..],
        &["agency", "--net", YEAR_2, YEAR_3],
        &["family", FAMILY_E],
    ] {
        let natural = at_width(1000, &repo(), args);
        let narrow = at_width(80, &repo(), args);
        let words = |text: &str| -> std::collections::BTreeSet<String> {
            text.split(|character: char| {
                character.is_whitespace() || "│┆┌┐└┘─┬┴╞╡╪═".contains(character)
            })
            .filter(|word| !word.is_empty())
            .map(str::to_string)
            .collect()
        };
        let missing: Vec<String> = words(&natural)
            .difference(&words(&narrow))
            .cloned()
            .collect();
        // "(continued)" is only added; nothing may be taken away or cut in two.
        assert!(
            missing.is_empty(),
            "tfcalc {args:?} at 80 columns lost {missing:?}:\n{narrow}"
        );
        for figure in ["£42,999", "£43,002", "-£36,978", "£118,192", "+£3", "0.01%"] {
            if natural.contains(figure) {
                assert!(narrow.contains(figure), "{figure} broken in:\n{narrow}");
            }
        }
    }
}

/// A statement item wrapped onto more lines keeps its indent under its heading.
#[test]
fn a_wrapped_statement_item_stays_indented() {
    let text = at_width(80, &repo(), &["family", FAMILY_E]);
    let lines: Vec<&str> = text.lines().collect();
    let first = lines
        .iter()
        .position(|line| line.contains("Police call outs:"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(lines[first].starts_with("│   Police call outs:"), "{text}");
    // Its continuation lines, up to the next item, are indented as it is.
    let continuation = &lines[first + 1];
    assert!(
        continuation.starts_with("│   ") && !continuation.starts_with("│    "),
        "{text}"
    );
    assert!(continuation.contains("per hour"), "{text}");
    // A composite's parts, indented further, keep their deeper indent.
    let part = lines
        .iter()
        .position(|line| line.contains("each child is"))
        .unwrap();
    assert!(lines[part].starts_with("│       each child is"), "{text}");
    assert!(lines[part + 1].starts_with("│       "), "{text}");
}

/// Piped without COLUMNS, nothing wraps: each row stays on one line, for grep.
#[test]
fn piped_without_columns_nothing_wraps() {
    let text = crate::common::stdout(&["reconcile", FAMILY_E]);
    assert!(
        text.lines().any(
            |line| line.contains("Net saving (before less intervention less after)")
                && line.contains("£32,191")
                && line.contains("DIFFERS")
        ),
        "{text}"
    );
    assert!(!text.contains("(continued)"), "{text}");
    let family = crate::common::stdout(&["family", FAMILY_E]);
    assert!(family.contains("Police call outs: 62 hours at £33 per hour = £2,046 (14 police logs in two months in 2011)"), "{family}");
}

/// A table too wide for the width even wrapped is drawn in panels, each repeating the columns
/// that say what a row is.
#[test]
fn a_table_too_wide_even_wrapped_is_drawn_in_panels_that_name_each_row() {
    let text = at_width(80, &repo(), &["agency", "--net", YEAR_2, YEAR_3]);
    assert!(
        text.contains("Benefits and funding by agency (continued)"),
        "{text}"
    );
    // Each study's three columns together, and every agency named in both panels.
    // Each panel's table, up to its bottom border (the notes follow the last).
    let panels: Vec<&str> = text
        .split("(continued)")
        .map(|panel| panel.split('└').next().unwrap_or(panel))
        .collect();
    assert_eq!(panels.len(), 2, "{text}");
    assert!(
        panels[0].contains("benefit")
            && panels[0].contains("2013/14")
            && !panels[0].contains("2014/15"),
        "{text}"
    );
    assert!(
        panels[1].contains("2014/15") && !panels[1].contains("2013/14): "),
        "{text}"
    );
    for panel in &panels {
        assert!(panel.contains("NHS") && panel.contains("Total"), "{text}");
    }
    let reconcile = at_width(80, &repo(), &["reconcile", FAMILY_E]);
    let second = reconcile
        .split("(continued)")
        .nth(1)
        .unwrap_or_else(|| panic!("{reconcile}"));
    assert!(
        second.contains("Study") && second.contains("Figure") && second.contains("Result"),
        "{reconcile}"
    );
    assert!(
        second.contains("DIFFERS") && second.contains("Costs before"),
        "{reconcile}"
    );
}

/// `costs show` piped into a pager: long fields wrap at 100 columns without COLUMNS, and at
/// COLUMNS when it is set.
#[test]
fn costs_show_piped_wraps_long_fields() {
    let text = crate::common::stdout(&["costs", "show", "cr2.0"]);
    assert!(too_wide(&text, 100).is_empty(), "{text}");
    assert!(
        text.contains("This cost is based upon the Walby (2009) publication"),
        "{text}"
    );
    let narrow = at_width(60, &repo(), &["costs", "show", "cr2.0"]);
    assert!(too_wide(&narrow, 60).is_empty(), "{narrow}");
    // Written to a file, it is not wrapped.
    let scratch = Scratch::new();
    scratch.succeeds(&["costs", "show", "cr2.0", "--output", "cr2.txt"]);
    let file = std::fs::read_to_string(scratch.path().join("cr2.txt")).unwrap();
    assert!(file.lines().any(|line| line.width() > 200), "{file}");
}

/// Help text at a given width.
fn help(columns: u16, args: &[&str]) -> String {
    let output = tfcalc()
        .env("COLUMNS", columns.to_string())
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn long_help_wraps_between_phrases_not_at_source_line_breaks() {
    for columns in [80, 120] {
        let top = help(columns, &["--help"]);
        let report = help(columns, &["report", "--help"]);
        for text in [&top, &report] {
            for line in text.lines() {
                assert!(line.width() <= usize::from(columns), "{columns}: {line}");
            }
            // A line broken mid-paragraph by a hard line break is short while the paragraph goes
            // on: the line after it starts in lower case, continuing the sentence.
            let lines: Vec<&str> = text.lines().collect();
            for pair in lines.windows(2) {
                let (line, next) = (pair[0], pair[1].trim_start());
                let continues = next.chars().next().is_some_and(char::is_lowercase)
                    && !pair[1].starts_with("  ")
                    && !line.trim().is_empty();
                assert!(
                    !(continues && line.width() < usize::from(columns) * 6 / 10),
                    "at {columns} columns, a paragraph breaks early:\n{line}\n{next}"
                );
            }
        }
        assert!(
            top.lines()
                .any(|line| line.contains("from published unit costs"))
                || columns < 100,
            "{top}"
        );
    }
    let top = help(80, &["--help"]);
    assert!(
        top.lines()
            .any(|line| line.contains("costs, and reports the saving per family"))
            || top
                .lines()
                .any(|line| line.contains("from published unit costs")),
        "{top}"
    );
}

/// The text of every table cell of `markdown` as a GitHub-flavoured renderer shows it, and the
/// HTML it renders to.
fn rendered_cells(markdown: &str) -> (Vec<String>, String) {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut cells = Vec::new();
    let mut cell: Option<String> = None;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => cells.extend(cell.take()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(cell) = cell.as_mut() {
                    cell.push_str(&text);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                panic!("raw HTML {html:?} in the markdown:\n{markdown}")
            }
            _ => {}
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(markdown, options));
    (cells, html)
}

#[test]
fn markdown_renders_and_pastes_as_plain_text() {
    let family_e = crate::common::stdout(&["report", FAMILY_E, "--format", "markdown"]);
    let leicestershire = crate::common::stdout(&["report", YEAR_2, YEAR_3, "--format", "markdown"]);
    for markdown in [&family_e, &leicestershire] {
        assert!(!markdown.contains("&emsp;"), "{markdown}");
        let (cells, html) = rendered_cells(markdown);
        assert!(!cells.is_empty());
        assert!(
            !html.contains("&amp;emsp;") && !html.contains("&emsp;"),
            "{html}"
        );
        for cell in &cells {
            assert!(!cell.contains('\\'), "a stray backslash in {cell:?}");
        }
        // The notes, too, render without backslashes (a backtick in a note is escaped, and
        // shows as a backtick).
        assert!(!html.contains('\\'), "{html}");
    }
    let (cells, _) = rendered_cells(&family_e);
    for expected in [
        "police_hour",
        "£32,191",
        "£43,002",
        "notice_seeking_possession",
        "attendance_officer_hour",
    ] {
        assert!(
            cells.iter().any(|cell| cell == expected),
            "no cell {expected:?} in {cells:?}"
        );
    }
    // Items are indented under their heading with no-break spaces, which a paste keeps.
    let item = cells
        .iter()
        .find(|cell| cell.contains("Police call outs"))
        .unwrap();
    assert!(
        item.starts_with("\u{a0}\u{a0}\u{a0}\u{a0}Police call outs: 62 hours"),
        "{item:?}"
    );
    let part = cells
        .iter()
        .find(|cell| cell.contains("each child is"))
        .unwrap();
    assert!(
        part.starts_with("\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}each child is"),
        "{part:?}"
    );
    let (cells, _) = rendered_cells(&leicestershire);
    for expected in ["-£36,978", "£118,192", "School/ educational establishment"] {
        assert!(
            cells.iter().any(|cell| cell == expected),
            "no cell {expected:?} in {cells:?}"
        );
    }
}

/// Text that would change the rendering is still escaped, and renders as itself.
#[test]
fn markdown_still_escapes_what_would_render() {
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\nA|*b*_c_<i>,police_hour,1\n",
        "family_id,service,quantity\n",
    );
    let markdown = scratch.succeeds(&["family", ".", "--summary", "--format", "markdown"]);
    let (cells, html) = rendered_cells(&markdown);
    assert!(
        cells.iter().any(|cell| cell == "A|*b*_c_<i>"),
        "{cells:?}\n{markdown}"
    );
    assert!(!html.contains("<em>") && !html.contains("<i>"), "{html}");
}
