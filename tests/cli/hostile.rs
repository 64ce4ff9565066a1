//! Hostile and messy input: every case ends in a clear error or a correct result, never a panic,
//! never a silent skip.

use crate::common::Scratch;
use serde_json::Value;

const HEADER: &str = "family_id,service,quantity\n";

fn study_with(before: &[u8], after: &[u8]) -> Scratch {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nbefore = \"before.csv\"\nafter = \"after.csv\"\n",
        )
        .write("before.csv", before)
        .write("after.csv", after);
    scratch
}

fn json_of(scratch: &Scratch, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&scratch.succeeds(&all)).unwrap()
}

#[test]
fn formula_injection_family_ids_are_data_not_formulas() {
    let hostile = r#"=HYPERLINK("http://x","y")"#;
    let before = format!("{HEADER}\"{}\",arrest,1\n", hostile.replace('"', "\"\""));
    let scratch = study_with(
        before.as_bytes(),
        format!("{HEADER}\"{}\",arrest,0\n", hostile.replace('"', "\"\"")).as_bytes(),
    );
    let report = json_of(&scratch, &["family", ".", "--summary"]);
    assert_eq!(report["studies"][0]["families"][0]["family_id"], hostile);
    assert_eq!(report["studies"][0]["families"][0]["before"], "1930");
}

#[test]
fn formula_injection_in_the_rejects_file_is_defused() {
    let scratch = study_with(
        format!("{HEADER}A,arrest,1\n=SUM(1+1),no_such_service,1\n").as_bytes(),
        format!("{HEADER}A,arrest,0\n").as_bytes(),
    );
    scratch.succeeds(&["report", ".", "--skip-bad-rows", "--rejects", "bad.csv"]);
    let rejects = std::fs::read_to_string(scratch.path().join("bad.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(rejects.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "before.csv");
    assert_eq!(&rows[0][1], "3");
    assert!(
        rows[0][3].starts_with("unknown service `no_such_service`"),
        "{rejects}"
    );
    // The row as written starts with "=": the rejects file defuses it with an apostrophe.
    assert_eq!(&rows[0][4], "'=SUM(1+1),no_such_service,1", "{rejects}");
}

#[test]
fn path_like_and_very_long_ids_are_just_ids() {
    let long = "F".repeat(10_000);
    let before =
        format!("{HEADER}../../etc/passwd,arrest,1\n{long},police_hour,2\n  F 1  ,arrest,1\n");
    let scratch = study_with(
        before.as_bytes(),
        HEADER.replace('\n', "\nX,arrest,0\n").as_bytes(),
    );
    let report = json_of(&scratch, &["family", ".", "--summary"]);
    let ids: Vec<&str> = report["studies"][0]["families"]
        .as_array()
        .unwrap()
        .iter()
        .map(|family| family["family_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["../../etc/passwd", long.as_str(), "F 1", "X"]);
    assert!(!scratch.path().join("etc").exists());
}

#[test]
fn zero_byte_one_byte_and_header_only_files_are_clear_errors() {
    for (contents, expected) in [
        (
            &b""[..],
            "before.csv: the file is empty: it has no header row",
        ),
        (
            &b"a"[..],
            "before.csv:1: missing required column `family_id`; the columns found are: a",
        ),
        (&b"\n"[..], "before.csv: the file is empty"),
    ] {
        let scratch = study_with(contents, format!("{HEADER}A,arrest,1\n").as_bytes());
        let stderr = scratch.fails(&["report", "."]);
        assert!(stderr.contains(expected), "{contents:?}: {stderr}");
    }
    // A header with no records, or only blank ones, is a window in which nobody used anything.
    for (contents, blank) in [
        (HEADER.as_bytes(), 0),
        (b"family_id,service,quantity\n\n\n,,\n", 3),
    ] {
        let scratch = study_with(contents, format!("{HEADER}A,arrest,1\n").as_bytes());
        let report = json_of(&scratch, &["report", "."]);
        let inputs = &report["studies"][0]["inputs"][0];
        assert_eq!(
            (
                inputs["rows_read"].as_u64(),
                inputs["rows_used"].as_u64(),
                inputs["rows_blank"].as_u64()
            ),
            (Some(blank), Some(0), Some(blank))
        );
        assert_eq!(report["studies"][0]["families"][0]["before"], "0");
    }
}

#[test]
fn nul_bytes_and_binary_files_are_refused() {
    let scratch = study_with(
        b"family_id,service,quantity\nA,arr\0est,1\n",
        format!("{HEADER}A,arrest,1\n").as_bytes(),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr
            .contains("before.csv:2: the service-use file has a NUL byte: it is binary or corrupt"),
        "{stderr}"
    );

    let scratch = study_with(
        b"PK\x03\x04\x14\x00\x06\x00workbook",
        format!("{HEADER}A,arrest,1\n").as_bytes(),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv: the service-use file is an Excel workbook (.xlsx)"),
        "{stderr}"
    );
    assert!(stderr.contains("CSV UTF-8"), "{stderr}");
}

#[test]
fn windows_1252_from_excel_is_decoded_and_said_so() {
    // "£1,930" written by Excel on Windows: the pound sign is byte 0xA3.
    let scratch = study_with(
        b"family_id,service,quantity,note\r\nA,police_hour,1000,caf\xE9 \xA31\r\n",
        format!("{HEADER}A,arrest,0\n").as_bytes(),
    );
    let output = scratch
        .tfcalc()
        .args(["family", ".", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("warning: before.csv: the file is not UTF-8: read it as Windows-1252"),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["studies"][0]["families"][0]["before"], "33000");

    let stderr = scratch.fails(&["family", ".", "--encoding", "utf-8"]);
    assert!(
        stderr.contains(
            "before.csv:2:23: the service-use file is not UTF-8 text (byte 0xE9 at line 2, column 23)"
        ),
        "{stderr}"
    );
    let quiet = scratch
        .tfcalc()
        .args(["family", ".", "--encoding", "windows-1252"])
        .output()
        .unwrap();
    assert!(quiet.status.success());
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
}

#[test]
fn quoted_fields_with_commas_and_newlines_trailing_columns_and_odd_headers() {
    let before = "  SERVICE ,Quantity , Family_Id,Note,,\n\
                  arrest,1,\"Smith, J\",\"two\nlines\",,\n\
                  police_hour,\"1,000\",\"Smith, J\"\n\
                  \n\
                  arrest,2,B,,,\n";
    let scratch = study_with(
        before.as_bytes(),
        format!("{HEADER}B,arrest,1\n").as_bytes(),
    );
    let report = json_of(&scratch, &["family", "."]);
    let families = report["studies"][0]["families"].as_array().unwrap();
    assert_eq!(families[0]["family_id"], "Smith, J");
    assert_eq!(families[0]["before"], "34930");
    assert_eq!(families[1]["before"], "3860");
    let inputs = &report["studies"][0]["inputs"][0];
    assert_eq!(inputs["rows_read"], 4);
    assert_eq!(inputs["rows_used"], 3);
    assert_eq!(inputs["rows_blank"], 1);
}

#[test]
fn duplicated_headers_are_an_error() {
    let scratch = study_with(
        b"family_id,service,quantity,Quantity\nA,arrest,1,2\n",
        format!("{HEADER}A,arrest,1\n").as_bytes(),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains(
            "before.csv:1: the column `quantity` appears twice in the header (columns 3 and 4)"
        ),
        "{stderr}"
    );
}

#[test]
fn a_line_over_a_megabyte_or_ten_million_columns_is_refused_without_exhausting_memory() {
    let mut long_line = String::from(HEADER);
    long_line.push_str(&format!("A,arrest,{}\n", "9".repeat(2 * 1024 * 1024)));
    let scratch = study_with(
        long_line.as_bytes(),
        format!("{HEADER}A,arrest,1\n").as_bytes(),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains(
            "before.csv:2: the service-use file has a line over the limit of 1 MB (line 2 is longer than 1048576 bytes)"
        ),
        "{stderr}"
    );
    // Issue 11, defect 9: one rule on every path. A 3 MB line was accepted by the fast reader,
    // and refused only once the file also held a quote (which sent it to the detailed reader).
    for quote in ["", "A,arrest,\"1\"\n"] {
        let three_mb = format!("{HEADER}{quote}A,arrest,1{}\n", " ".repeat(3 << 20));
        let scratch = study_with(
            three_mb.as_bytes(),
            format!("{HEADER}A,arrest,1\n").as_bytes(),
        );
        let stderr = scratch.fails(&["report", "."]);
        assert!(
            stderr.contains("has a line over the limit of 1 MB"),
            "{quote:?}: {stderr}"
        );
    }

    let mut wide = String::from(HEADER);
    wide.push_str("A,arrest,1");
    wide.push_str(&",".repeat(10_000_000));
    wide.push('\n');
    let scratch = study_with(wide.as_bytes(), format!("{HEADER}A,arrest,1\n").as_bytes());
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:2: the service-use file has a line over the limit of 1 MB"),
        "{stderr}"
    );
}

#[test]
fn no_backtrace_even_with_rust_backtrace_set() {
    let scratch = study_with(format!("{HEADER}A,nope,1\n").as_bytes(), HEADER.as_bytes());
    let output = scratch
        .tfcalc()
        .env("RUST_BACKTRACE", "full")
        .args(["report", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: before.csv:2:2: unknown service `nope`"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("backtrace") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn skip_bad_rows_sets_them_aside_and_the_counts_add_up() {
    let before =
        format!("{HEADER}A,arrest,1\nA,arest,1\nB,arrest,-1\n\nB,police_hour,2\nC,arrest,many\n");
    let scratch = study_with(
        before.as_bytes(),
        format!("{HEADER}A,arrest,0\n").as_bytes(),
    );
    // Without --skip-bad-rows, any bad row is an error.
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:3:2: unknown service `arest`"),
        "{stderr}"
    );
    assert!(stderr.contains("before.csv:4:3"), "{stderr}");
    assert!(stderr.contains("before.csv:7:3"), "{stderr}");

    let output = scratch
        .tfcalc()
        .args(["report", ".", "--skip-bad-rows", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("3 bad rows set aside: written to tfcalc-rejects.csv"),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let inputs = &report["studies"][0]["inputs"][0];
    assert_eq!(inputs["rows_read"], 6);
    assert_eq!(inputs["rows_used"], 2);
    assert_eq!(inputs["rows_blank"], 1);
    assert_eq!(inputs["rows_rejected"], 3);
    assert_eq!(report["studies"][0]["families"][0]["before"], "1930");
    let rejects = std::fs::read_to_string(scratch.path().join("tfcalc-rejects.csv")).unwrap();
    assert_eq!(
        rejects.lines().collect::<Vec<_>>(),
        [
            "file,line,column,reason,row",
            "before.csv,3,2,unknown service `arest`,\"A,arest,1\"",
            "before.csv,4,3,\"bad `quantity`: \"\"-1\"\" is negative, and quantities must be zero or more\",\"B,arrest,-1\"",
            "before.csv,7,3,\"bad `quantity`: \"\"many\"\" is not a number\",\"C,arrest,many\"",
        ]
    );
}

#[test]
fn output_refuses_to_overwrite_an_input() {
    let scratch = study_with(
        format!("{HEADER}A,arrest,1\n").as_bytes(),
        format!("{HEADER}A,arrest,2\nB,nope,1\n").as_bytes(),
    );
    let stderr = scratch.fails(&["report", ".", "--skip-bad-rows", "--rejects", "before.csv"]);
    assert!(
        stderr.contains("it is one of this run's input files"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(scratch.path().join("before.csv")).unwrap(),
        format!("{HEADER}A,arrest,1\n")
    );
}

#[test]
fn pseudonymise_replaces_family_ids_everywhere_stably() {
    let before = "family_id,service,quantity,note\nSmith-1234,arrest,1,father arrested\nJones-5678,arrest,2,\n";
    let scratch = study_with(
        before.as_bytes(),
        format!("{HEADER}Smith-1234,arrest,0\n").as_bytes(),
    );
    let first = json_of(
        &scratch,
        &["report", ".", "--pseudonymise", "board-paper-key"],
    );
    let text = serde_json::to_string(&first).unwrap();
    assert!(!text.contains("Smith") && !text.contains("Jones"), "{text}");
    let id = first["studies"][0]["families"][0]["family_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(id.starts_with('P') && id.len() == 17, "{id}");
    assert_eq!(first["studies"][0]["families"][0]["before"], "1930");

    // The same key gives the same pseudonym, so reports join; another key does not.
    let again = json_of(
        &scratch,
        &[
            "family",
            ".",
            "--summary",
            "--pseudonymise",
            "board-paper-key",
        ],
    );
    assert_eq!(again["studies"][0]["families"][0]["family_id"], id.as_str());
    let other = json_of(
        &scratch,
        &["family", ".", "--summary", "--pseudonymise", "another key"],
    );
    assert_ne!(other["studies"][0]["families"][0]["family_id"], id.as_str());

    // The terminal statement carries neither the id nor the note.
    let statement = scratch.succeeds(&["family", ".", "--pseudonymise", "board-paper-key"]);
    assert!(
        !statement.contains("Smith") && !statement.contains("father arrested"),
        "{statement}"
    );
    assert!(statement.contains(&id), "{statement}");

    // The key may come from the environment instead of the command line.
    let output = scratch
        .tfcalc()
        .env("TFCALC_PSEUDONYMISE_KEY", "board-paper-key")
        .args(["family", ".", "--summary"])
        .output()
        .unwrap();
    assert!(String::from_utf8(output.stdout).unwrap().contains(&id));
}

#[test]
fn check_lists_every_problem_with_a_count_and_exits_2() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n[intervention]\nper_family = \"100\"\nfunding = { \"County council\" = \"1\" }\n",
        )
        .write("before.csv", format!("{HEADER}A,arest,1\nB,arrest,-1\nC,cpp_setup,1\nD,arrest,x\n"))
        .write("after.csv", format!("{HEADER}A,arrest,1\nE,jsa_week,2\n"));
    let output = scratch.tfcalc().args(["check", "."]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "error: before.csv:2:2: unknown service `arest`",
        "error: before.csv:3:3: bad `quantity`: \"-1\" is negative",
        "error: before.csv:5:3: bad `quantity`: \"x\" is not a number",
        "warning: study.toml:8:32: funding agency \"County council\" differs from the cost agency \"County Council\" only in case",
        "check: 3 errors and 1 warning",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn check_warns_of_one_window_families_and_services_and_passes_when_clean() {
    let scratch = study_with(
        format!("{HEADER}A,arrest,1\nB,arrest,1\n").as_bytes(),
        format!("{HEADER}A,arrest,1\nC,police_hour,1\n").as_bytes(),
    );
    let text = scratch.succeeds(&["check", "."]);
    for expected in [
        "warning: before.csv: 1 family has before rows but none after (B): they are costed at £0 after",
        "warning: after.csv: 1 family has after rows but none before (C)",
        "note: after.csv: a service is used only after the intervention, never before: police_hour",
        "check: 0 errors, 2 warnings and 1 note",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }

    let clean = study_with(
        format!("{HEADER}A,arrest,2\n").as_bytes(),
        format!("{HEADER}A,arrest,1\n").as_bytes(),
    );
    let text = clean.succeeds(&["check", "."]);
    assert_eq!(
        text,
        "check: no problems in 1 study (2 service-use files, 2 rows read)\n"
    );

    let json: Value =
        serde_json::from_str(&scratch.succeeds(&["check", ".", "--format", "json"])).unwrap();
    assert_eq!(json["errors"], 0);
    assert_eq!(json["warnings"], 2);
    assert_eq!(json["notes"], 1);
    assert_eq!(json["problems"][0]["file"], "before.csv");
}

#[test]
fn a_repeated_error_is_one_error_listing_its_lines() {
    let mut before = String::from(HEADER);
    for family in 0..120 {
        before.push_str(&format!("F{family},nope,1\n"));
    }
    let scratch = study_with(
        before.as_bytes(),
        format!("{HEADER}A,arrest,1\n").as_bytes(),
    );
    // Issue 11, defect 10: 120 rows with one unknown service are one error, not 120.
    let output = scratch.tfcalc().args(["check", "."]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.matches("unknown service `nope`").count(), 1, "{text}");
    assert!(
        text.contains(
            "before.csv:2:2: unknown service `nope`, on 120 lines: 2, 3, 4, 5, 6, and 115 more"
        ),
        "{text}"
    );
    let stderr = scratch.fails(&["report", "."]);
    assert_eq!(
        stderr.matches("unknown service `nope`").count(),
        1,
        "{stderr}"
    );
    // Different errors are each listed, with their own lines.
    let scratch = study_with(
        format!("{HEADER}A,nope,1\nB,,1\nC,nope,1\nD,arrest,x\n").as_bytes(),
        format!("{HEADER}A,arrest,1\n").as_bytes(),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:2:2: unknown service `nope`, on 2 lines: 2, 4\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("before.csv:3:2: the `service` is empty\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("unknown service ``"), "{stderr}");
}

#[test]
fn a_bad_row_deep_in_the_file_names_its_line() {
    let mut before = String::from(HEADER);
    for family in 0..5000 {
        before.push_str(&format!("F{family},arrest,1\n"));
    }
    before.push_str("F9,arrest,1.2.3\n");
    let scratch = study_with(
        before.as_bytes(),
        format!("{HEADER}A,arrest,1\n").as_bytes(),
    );
    let stderr = scratch.fails(&["report", "."]);
    assert!(
        stderr.contains("before.csv:5002:3: bad `quantity`: \"1.2.3\" is not a number"),
        "{stderr}"
    );
    let output = scratch.tfcalc().args(["check", "."]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("before.csv:5002:3"), "{text}");
    assert!(text.contains("check: 1 error and"), "{text}");
}

#[test]
fn thousands_of_threads_are_capped_with_a_warning_and_the_figures_unchanged() {
    let scratch = study_with(
        format!("{HEADER}A,arrest,2\nB,arrest,1\n").as_bytes(),
        format!("{HEADER}A,arrest,1\n").as_bytes(),
    );
    for asked in ["5000", "18446744073709551615"] {
        let output = scratch
            .tfcalc()
            .args([
                "--threads",
                asked,
                "family",
                ".",
                "--summary",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.contains(&format!(
                "warning: --threads {asked} is more than 4 per core"
            )),
            "{stderr}"
        );
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["studies"][0]["families"][0]["before"], "3860");
    }
    for refused in ["0", "-1", "99999999999999999999999", "four"] {
        let output = scratch
            .tfcalc()
            .args([&format!("--threads={refused}"), "roi", "."])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "--threads {refused}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("--threads"), "{stderr}");
    }
}

/// Found by the edge-of-range property test: `check --output FOLDER/` tried to write the folder
/// itself as a file ("Not a directory"), and left later runs unable to use the folder.
#[test]
fn check_writes_its_problems_into_an_output_folder() {
    let scratch = study_with(
        format!("{HEADER}A,arrest,1\n").as_bytes(),
        format!("{HEADER}A,arrest,0\n").as_bytes(),
    );
    let output = scratch
        .tfcalc()
        .args(["check", ".", "--output", "out/"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let problems = std::fs::read_to_string(scratch.path().join("out/problems.csv")).unwrap();
    assert!(
        problems.starts_with("severity,file,line,column,message,hint\n"),
        "{problems}"
    );
    // The folder is still a folder for the next command.
    scratch.succeeds(&["roi", ".", "--output", "out/"]);
    assert!(scratch.path().join("out/roi.csv").is_file());
}

/// A device given as the study is named as what it is, at once: not read forever, and not said
/// not to exist.
#[test]
fn a_device_as_the_study_is_not_a_regular_file() {
    let scratch = Scratch::new();
    let error = scratch.fails(&["report", "/dev/zero"]);
    assert!(
        error.contains(
            "the study file /dev/zero is not a regular file (it is a device, a pipe or a socket)"
        ),
        "{error}"
    );
    assert!(!error.contains("does not exist"), "{error}");
}

/// A folder with no study.toml names the .toml files it holds, so the fix is one step.
#[test]
fn a_folder_without_study_toml_lists_the_toml_files_it_holds() {
    let scratch = Scratch::new();
    scratch
        .write("year-3.toml", "[study]\n")
        .write("year-2.toml", "[study]\n")
        .write("notes.txt", "not a study");
    let error = scratch.fails(&["report", "."]);
    assert!(
        error.contains("has no study.toml, but holds year-2.toml, year-3.toml: if one is the study, name it, as in ./year-2.toml"),
        "{error}"
    );
    let empty = Scratch::new();
    let error = empty.fails(&["report", "."]);
    assert!(
        error.contains("has no study.toml; name the study file itself"),
        "{error}"
    );
}

/// A generated table with a composite's components all on one line over 1 MB is refused at that
/// line, with a hint that fits a TOML file (not one about CSV rows).
#[test]
fn a_toml_line_over_the_limit_gets_a_hint_for_toml() {
    let scratch = Scratch::new();
    let components: Vec<String> = (0..40_000)
        .map(|index| format!("{{ id = \"part_{index:06}\", quantity = \"1\" }}"))
        .collect();
    let table = format!(
        "[table]\nname = \"t\"\n\n[[unit_cost]]\nid = \"many\"\nname = \"Many\"\ncomponents = [{}]\n",
        components.join(", ")
    );
    assert!(table.len() > 1024 * 1024);
    scratch.write("costs.toml", table.as_bytes());
    let error = scratch.fails(&["costs", "list", "--costs", "costs.toml"]);
    assert!(
        error.contains("costs.toml:7: the unit-cost table has a line over the limit of 1 MB"),
        "{error}"
    );
    assert!(
        error.contains("a composite's components) can be broken over several lines"),
        "{error}"
    );
    assert!(!error.contains("CSV input has one short row"), "{error}");
}
