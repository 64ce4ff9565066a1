//! Issue 11: no figure wrong in silence. Each test is named after a defect that changed figures
//! while every command exited 0; each fails on the code before the fix.

use crate::common::Scratch;
use serde_json::Value;

const HEADER: &str = "family_id,service,quantity";

fn study(before: impl AsRef<[u8]>, after: impl AsRef<[u8]>) -> Scratch {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"Test\"\nwindow_months = 6\nunit_costs = [\"costs.toml\"]\nbefore = \"before.csv\"\nafter = \"after.csv\"\n[intervention]\nper_family = \"0\"\n",
        )
        .write(
            "costs.toml",
            "[table]\nname = \"t\"\nprice_year = \"2013/14\"\n\
             [[unit_cost]]\nid = \"arrest\"\nname = \"Arrest\"\ncost = \"1930\"\nagency = \"Police\"\n\
             [[unit_cost]]\nid = \"police_hour\"\nname = \"Police\"\nunit = \"hour\"\ncost = \"33\"\nagency = \"Police\"\n",
        )
        .write("before.csv", before)
        .write("after.csv", after);
    scratch
}

fn after() -> String {
    format!("{HEADER}\nF1,arrest,0\n")
}

fn report(scratch: &Scratch) -> Value {
    report_with(scratch, &[])
}

/// `tfcalc report . --format json` with more options, which must succeed.
fn report_with(scratch: &Scratch, options: &[&str]) -> Value {
    let mut args = vec!["report", ".", "--format", "json"];
    args.extend(options);
    serde_json::from_str(&scratch.succeeds(&args)).unwrap()
}

/// `tfcalc check`'s output and whether it passed.
fn check(scratch: &Scratch) -> (bool, String) {
    let output = scratch.tfcalc().args(["check", "."]).output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

#[test]
fn an_unclosed_quote_no_longer_swallows_the_rest_of_the_file() {
    let scratch = study(
        format!("{HEADER},note\nF1,arrest,2,\"oops\nF2,arrest,3,\nF3,arrest,1,\nF4,arrest,1,\n"),
        after(),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("error: before.csv:2:13: a quote opened here is never closed: everything after it, 3 more lines to line 5, would be read as one field"),
        "{stderr}"
    );
    let (passed, text) = check(&scratch);
    assert!(!passed && text.contains("never closed"), "{text}");
}

#[test]
fn a_quoted_field_that_swallows_a_record_is_a_warning_naming_both_lines() {
    // A stray quote on line 2 closed by another at the end of line 4: lines 3 and 4 become F1's note.
    let scratch = study(
        format!("{HEADER},note\nF1,arrest,2,\"oops\nF2,arrest,3,\nF3,arrest,1,x\"\nF4,arrest,1,\n"),
        after(),
    );
    let (passed, text) = check(&scratch);
    assert!(passed, "{text}");
    assert!(
        text.contains("warning: before.csv:2: the quoted field that opens on line 2 takes in line 3, which reads as a record of its own (\"F2,arrest,3,\")"),
        "{text}"
    );
    assert!(
        text.contains("1 quoted field runs over more than one line (lines 2-4)"),
        "{text}"
    );
}

#[test]
fn a_real_multi_line_note_is_read_and_check_says_so() {
    let scratch = study(
        format!("{HEADER},note\nF1,arrest,2,\"seen twice,\nonce at home\"\nF2,arrest,1,\n"),
        after(),
    );
    let report = report(&scratch);
    assert_eq!(report["studies"][0]["totals"]["before"], "5790");
    let (passed, text) = check(&scratch);
    assert!(passed, "{text}");
    assert!(
        text.contains("before.csv:2: 1 quoted field runs over more than one line (lines 2-3): each is read as one field with its line breaks"),
        "{text}"
    );
    assert!(!text.contains("reads as a record"), "{text}");
}

#[test]
fn an_unquoted_thousands_separator_behind_an_optional_column_is_an_error() {
    // Was costed as 1 hour with the note "200".
    let scratch = study(format!("{HEADER},note\nA1,police_hour,1,200,\n"), after());
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:2:5: the row has 5 fields but the header names 4: a value has an unquoted comma?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("put numbers with thousands separators in quotes"),
        "{stderr}"
    );
    // A value under a column the header leaves unnamed is the same mistake in a padded file.
    let scratch = study(format!("{HEADER},note,\nA1,police_hour,1,,200\n"), after());
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains(
            "before.csv:2:5: the row has a value in column 5, which the header leaves unnamed"
        ),
        "{stderr}"
    );
    // Padding as spreadsheets write it, header included, is fine.
    let scratch = study(
        format!("{HEADER},note,,\nA1,police_hour,1,200,,\n,,,,,\n"),
        after(),
    );
    assert_eq!(report(&scratch)["studies"][0]["totals"]["before"], "33");
}

#[test]
fn an_unquoted_thousands_separator_in_the_intervention_file_is_an_error() {
    // Was costed as £1 with "500" thrown away.
    let scratch = study(format!("{HEADER}\nF1,arrest,1\n"), after());
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"Test\"\nwindow_months = 6\nunit_costs = [\"costs.toml\"]\nbefore = \"before.csv\"\nafter = \"after.csv\"\n[intervention]\nfile = \"intervention.csv\"\n",
        )
        .write("intervention.csv", "family_id,item,amount\nF1,Keyworker,1,500\n");
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("intervention.csv:2: the row has 4 fields but the header names 3: a value has an unquoted comma?"),
        "{stderr}"
    );
}

#[test]
fn an_encoding_fallback_no_longer_rewrites_family_ids() {
    // Zoë in UTF-8, and one stray 0xFF in a note: was read as Windows-1252, so Zoë became ZoÃ«.
    let scratch = study(
        b"family_id,service,quantity,note\nZo\xC3\xAB,arrest,1,\nZo\xC3\xAB,arrest,1,bad \xFF byte\n",
        "family_id,service,quantity\nZo\u{eb},arrest,1\n",
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("error: before.csv:3:18: the service-use file is UTF-8 text except for byte 0xFF at line 3, column 18 (the file has UTF-8 characters, the first at line 2, column 3)"),
        "{stderr}"
    );
    // Given --encoding windows-1252 the user says what it is, and it is read so.
    report_with(&scratch, &["--encoding", "windows-1252"]);
}

#[test]
fn a_byte_order_mark_before_windows_1252_is_read_as_windows_1252() {
    // Was shown as `Caf� �1`.
    let scratch = study(
        b"\xEF\xBB\xBFfamily_id,service,quantity,note\nCaf\xE9,arrest,1,\xA31\n",
        after(),
    );
    let output = scratch
        .tfcalc()
        .args(["family", ".", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: before.csv: the file is not UTF-8: read it as Windows-1252"),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let families = report["studies"][0]["families"].as_array().unwrap();
    assert!(
        families.iter().any(|family| family["family_id"] == "Café"),
        "{families:?}"
    );
}

#[test]
fn a_lone_surrogate_in_utf16_is_an_error_not_a_replacement_character() {
    let utf16 =
        |text: &str| -> Vec<u8> { text.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(utf16("family_id\tservice\tquantity\r\nA"));
    bytes.extend(0xDC00u16.to_le_bytes());
    bytes.extend(utf16("\tarrest\t1\r\n"));
    let scratch = study(bytes, after());
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:2:2: the service-use file is UTF-16 with a lone surrogate"),
        "{stderr}"
    );
}

#[test]
fn the_encoding_option_applies_to_csv_inputs_only_not_to_toml() {
    // A table holding "£1,250" broke under --encoding windows-1252: TOML is UTF-8 by definition.
    let scratch = study(format!("{HEADER}\nF1,arrest,1\n"), after());
    scratch.write(
        "costs.toml",
        "[table]\nname = \"t\"\nprice_year = \"2013/14\"\n[[unit_cost]]\nid = \"arrest\"\nname = \"Arrest\"\ncost = \"£1,250\"\nagency = \"Police\"\n",
    );
    let report = report_with(&scratch, &["--encoding", "windows-1252"]);
    assert_eq!(report["studies"][0]["totals"]["before"], "1250");
    // And a TOML file that is not UTF-8 is an error at its byte, whatever --encoding says.
    scratch.write("costs.toml", b"[table]\nname = \"t\xA3\"\n");
    let stderr = scratch.fails(&["report", "."]);
    assert!(stderr.contains("costs.toml:2:10: the unit-cost table is not UTF-8 text (byte 0xA3 at line 2, column 10)"), "{stderr}");
}

#[test]
fn a_pound_sign_in_a_quantity_is_an_error() {
    // Was costed as 1,930 arrests = £3,724,900, with `check: 0 errors`.
    let scratch = study(format!("{HEADER}\nA1,arrest,\"£1,930\"\n"), after());
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:2:3: the `quantity` \"£1,930\" has a £ sign: it looks like a cost, not a number of units"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the cost of each comes from the unit-cost table"),
        "{stderr}"
    );
}

#[test]
fn a_thousands_separator_in_a_quantity_is_a_warning() {
    let scratch = study(
        format!("{HEADER}\nA1,police_hour,\"1,200\"\nA2,arrest,2\n"),
        after(),
    );
    let (passed, text) = check(&scratch);
    assert!(passed, "{text}");
    assert!(
        text.contains("warning: before.csv:2: 1 quantity is written with a thousands separator (line 2: 1,200)"),
        "{text}"
    );
    assert_eq!(report(&scratch)["studies"][0]["totals"]["before"], "43460");
}

#[test]
fn tab_and_semicolon_separated_files_are_read_and_check_says_so() {
    // Excel's "Unicode text": UTF-16 and tab-separated.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "family_id\tservice\tquantity\r\nA1\tarrest\t2\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let scratch = study(utf16, "family_id;service;quantity\r\nA1;arrest;1\r\n");
    let report = report(&scratch);
    assert_eq!(report["studies"][0]["totals"]["before"], "3860");
    assert_eq!(report["studies"][0]["totals"]["after"], "1930");
    let (passed, text) = check(&scratch);
    assert!(passed, "{text}");
    assert!(
        text.contains("before.csv: the file is tab-separated"),
        "{text}"
    );
    assert!(
        text.contains("after.csv: the file is semicolon-separated"),
        "{text}"
    );
    assert!(!text.contains("rename the column"), "{text}");
}

/// A named pipe in `scratch` fed by a thread with `contents`, repeated `times` (or until the reader
/// stops reading).
#[cfg(unix)]
fn fifo(
    scratch: &Scratch,
    name: &str,
    contents: &'static [u8],
    times: u64,
) -> std::thread::JoinHandle<()> {
    let path = scratch.path().join(name);
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    std::thread::spawn(move || {
        use std::io::Write;
        let Ok(mut pipe) = std::fs::OpenOptions::new().write(true).open(&path) else {
            return;
        };
        for _ in 0..times {
            if pipe.write_all(contents).is_err() {
                return;
            }
        }
    })
}

#[cfg(unix)]
#[test]
fn a_pipe_is_read_once_in_one_pass() {
    // A FIFO hung for ever (opened twice), and process substitution said "the file is empty".
    let scratch = study(format!("{HEADER}\nF1,arrest,3\n"), after());
    std::fs::remove_file(scratch.path().join("before.csv")).unwrap();
    let writer = fifo(
        &scratch,
        "before.csv",
        b"family_id,service,quantity\nF1,arrest,3\n",
        1,
    );
    let report = report(&scratch);
    writer.join().unwrap();
    assert_eq!(report["studies"][0]["totals"]["before"], "5790");
    assert_eq!(report["studies"][0]["inputs"][0]["rows_read"], 1);
}

#[cfg(unix)]
#[test]
fn an_input_that_never_ends_is_stopped_at_the_size_limit() {
    let scratch = study(format!("{HEADER}\nF1,arrest,3\n"), after());
    std::fs::remove_file(scratch.path().join("before.csv")).unwrap();
    let writer = fifo(
        &scratch,
        "before.csv",
        b"family_id,service,quantity\nF1,arrest,3\n",
        u64::MAX,
    );
    let stderr = scratch.fails(&["report", ".", "--max-input-size", "1M"]);
    writer.join().unwrap();
    assert!(
        stderr.contains("the service-use file is over the limit of 1 MiB for one input: it may be a device or a pipe that never ends"),
        "{stderr}"
    );
    assert!(
        stderr.contains("give a larger --max-input-size"),
        "{stderr}"
    );
    // A device of NUL bytes is refused at once, not read into memory.
    let stderr = scratch.fails(&[
        "report",
        "--before",
        "/dev/zero",
        "--after",
        "after.csv",
        "--costs",
        "costs.toml",
    ]);
    assert!(
        stderr.contains("/dev/zero:1: the service-use file has a NUL byte"),
        "{stderr}"
    );
}

/// A chain of `levels` composites over one plain cost, written top down or bottom up.
fn composite_chain(levels: usize, bottom_up: bool) -> String {
    let mut entries: Vec<String> = (0..levels)
        .map(|level| {
            format!(
                "[[unit_cost]]\nid = \"c{level}\"\nname = \"C{level}\"\nagency = \"Police\"\ncomponents = [{{ id = \"c{}\", quantity = \"1\" }}]\n",
                level + 1
            )
        })
        .collect();
    entries.push(format!(
        "[[unit_cost]]\nid = \"c{levels}\"\nname = \"Plain\"\ncost = \"2\"\nagency = \"Police\"\n"
    ));
    if bottom_up {
        entries.reverse();
    }
    format!(
        "[table]\nname = \"chain\"\nprice_year = \"2013/14\"\n{}",
        entries.join("")
    )
}

#[test]
fn the_composite_depth_limit_does_not_depend_on_the_order_of_entries() {
    // A chain written bottom up was resolved one level at a time, and passed at any depth.
    for bottom_up in [false, true] {
        let scratch = study(
            format!("{HEADER}\nF1,c0,1\n"),
            format!("{HEADER}\nF1,c0,0\n"),
        );
        scratch.write("costs.toml", composite_chain(64, bottom_up));
        assert_eq!(
            report(&scratch)["studies"][0]["totals"]["before"],
            "2",
            "bottom up: {bottom_up}"
        );
        scratch.write("costs.toml", composite_chain(65, bottom_up));
        let stderr = scratch.fails(&["report", "."]);
        assert!(
            stderr.contains("is nested more than 64 levels deep"),
            "bottom up: {bottom_up}: {stderr}"
        );
        assert_eq!(stderr.matches("levels deep").count(), 1, "{stderr}");
    }
}

#[test]
fn rows_set_aside_beyond_those_held_in_memory_all_reach_the_rejects_file_in_order() {
    // Past the first 10,000, rejected rows go to a temporary file as they are found, so that memory
    // does not grow with bad rows; the rejects file must still have every one, in order.
    let mut before = format!("{HEADER}\nF1,arrest,1\n");
    for family in 0..25_000 {
        before.push_str(&format!("B{family},nope,1\n"));
    }
    let scratch = study(before, after());
    let report = report_with(&scratch, &["--skip-bad-rows", "--rejects", "rejects.csv"]);
    assert_eq!(report["studies"][0]["inputs"][0]["rows_rejected"], 25_000);
    let rejects = std::fs::read_to_string(scratch.path().join("rejects.csv")).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines.len(), 25_001);
    assert_eq!(
        lines[1],
        "before.csv,3,2,unknown service `nope`,\"B0,nope,1\""
    );
    assert_eq!(
        lines[25_000],
        "before.csv,25002,2,unknown service `nope`,\"B24999,nope,1\""
    );
    assert!(lines.windows(2).skip(1).all(|pair| {
        let line = |text: &str| text.split(',').nth(1).unwrap().parse::<u64>().unwrap();
        line(pair[1]) == line(pair[0]) + 1
    }));
}
