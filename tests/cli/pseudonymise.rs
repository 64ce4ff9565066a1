//! `--pseudonymise KEY`: no raw family id (and no note) in any output, warning or error of any
//! command, in any format; and a key that protects nothing is refused.

use crate::common::Scratch;
use std::io::Read;
use std::path::Path;

/// Every raw id and note of the study below holds this word (in one case or another); a pseudonym
/// is `P` and hex digits, which cannot spell it. So a case-insensitive search for it finds any leak.
const SECRET: &str = "secret";

/// A key that must never be shown either.
const KEY: &str = "board-paper-key-2024-not-shown";

/// A study whose ids are distinctive and which warns of all it can about families: one only
/// before, one only after, ids differing only in case, a quoted note swallowing a line that reads
/// as a record, and a family named only in the intervention file.
fn secret_study() -> Scratch {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"Pilot\"\nwindow_months = 6\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n\
             [intervention]\nper_family = \"100\"\nfile = \"interventions.csv\"\nfunding = { \"County Council\" = \"1\" }\n\n\
             [published]\nbefore = \"1\"\n",
        )
        .write(
            "before.csv",
            "family_id,service,quantity,note\n\
             SECRETALPHA,arrest,1,mother said SecretNote\n\
             SECRETALPHA,jsa_week,2,\n\
             SECRETBRAVO,arrest,2,\"a note that runs on\nSECRETSWALLOWED,arrest,1\"\n\
             SecretCase,arrest,1,\n\
             SECRETCASE,arrest,1,\n",
        )
        .write(
            "after.csv",
            "family_id,service,quantity,note\n\
             SECRETALPHA,arrest,0,secret after note\n\
             SecretCase,jsa_week,1,\n\
             SECRETCHARLIE,arrest,1,\n",
        )
        .write(
            "interventions.csv",
            "family_id,item,amount\nSECRETALPHA,Extra sessions,250\nSECRETDELTA,Extra sessions,50\n",
        );
    scratch
}

/// Every leak of a raw id, a note or the key in `text`, for the message.
fn leaks(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut found = Vec::new();
    for needle in [SECRET, &KEY.to_lowercase()] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(needle) {
            let at = from + at;
            let start = lower[..at]
                .char_indices()
                .rev()
                .nth(40)
                .map_or(0, |(i, _)| i);
            let end = (at + 60).min(lower.len());
            let end = (end..=lower.len())
                .find(|&i| lower.is_char_boundary(i))
                .unwrap();
            found.push(text[start..end].to_string());
            from = at + needle.len();
        }
    }
    found
}

/// The text of every file under `folder` (every part of a workbook, unzipped), with its name.
/// Names are searched too, as they hold ids (`statement-F1.csv`): so they are given relative to
/// `folder`, whose own temporary name could hold anything.
fn texts_under(folder: &Path) -> Vec<(String, String)> {
    let mut texts = Vec::new();
    for entry in walk(folder) {
        let bytes = std::fs::read(&entry).unwrap();
        let name = entry.strip_prefix(folder).unwrap().display().to_string();
        texts.push(("a file name".to_string(), name.clone()));
        if entry
            .extension()
            .is_some_and(|extension| extension == "xlsx")
        {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            assert!(!archive.is_empty(), "{name} has no parts");
            for index in 0..archive.len() {
                let mut part = archive.by_index(index).unwrap();
                let part_name = part.name().unwrap().to_string();
                let mut content = Vec::new();
                part.read_to_end(&mut content).unwrap();
                texts.push((
                    format!("{name}:{part_name}"),
                    String::from_utf8_lossy(&content).into_owned(),
                ));
            }
        } else {
            texts.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    texts
}

fn walk(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Runs tfcalc in `scratch` with `args` and the key, writing any output into a fresh folder, and
/// returns what it printed and wrote, each with what it is, and its exit code.
fn run_pseudonymised(
    scratch: &Scratch,
    args: &[&str],
    format: &str,
    key_from_env: bool,
) -> (Vec<(String, String)>, Option<i32>) {
    let out = tempfile::tempdir().unwrap();
    let mut command = scratch.tfcalc();
    command.args(args).args(["--format", format]);
    match format {
        // The commands of many tables write a folder of CSV files (named by family, for
        // statements); the others write one table, to stdout.
        "csv" if args[0] == "report" || (args[0] == "family" && !args.contains(&"--summary")) => {
            command.args([
                "--output",
                &format!("{}/", out.path().join("csv").display()),
            ]);
        }
        "xlsx" | "html" => {
            command.args([
                "--output",
                &out.path()
                    .join(format!("out.{format}"))
                    .display()
                    .to_string(),
            ]);
        }
        _ => {}
    }
    if key_from_env {
        command.env("TFCALC_PSEUDONYMISE_KEY", KEY);
    } else {
        command.args(["--pseudonymise", KEY]);
    }
    let output = command.output().unwrap();
    let mut texts = vec![
        (
            "stdout".to_string(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        ),
        (
            "stderr".to_string(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ),
    ];
    texts.extend(texts_under(out.path()));
    (texts, output.status.code())
}

#[test]
fn no_raw_id_note_or_key_in_any_output_of_any_command_in_any_format() {
    let scratch = secret_study();
    // Without a key the ids are there to be found: the search below can fail.
    let unkeyed = scratch.tfcalc().args(["check", "."]).output().unwrap();
    let shown = String::from_utf8_lossy(&unkeyed.stdout).into_owned();
    assert!(
        shown.contains("SECRETBRAVO") && shown.contains("SecretCase"),
        "the study should warn naming families:\n{shown}"
    );

    let commands: &[&[&str]] = &[
        &["report", "."],
        &["family", "."],
        &["family", ".", "--summary"],
        &["agency", "."],
        &["agency", ".", "--net"],
        &["roi", "."],
        &["reconcile", "."],
        &["check", "."],
        &["report", "--before", "before.csv", "--after", "after.csv"],
        &[
            "family",
            "--before",
            "before.csv",
            "--after",
            "after.csv",
            "--intervention",
            "6208",
        ],
    ];
    let mut failures = Vec::new();
    let mut runs = 0;
    for args in commands {
        for format in ["table", "markdown", "csv", "json", "xlsx", "html"] {
            for key_from_env in [false, true] {
                let (texts, code) = run_pseudonymised(&scratch, args, format, key_from_env);
                let stderr = &texts[1].1;
                assert!(
                    !stderr.contains("panicked"),
                    "panic for {args:?} {format}:\n{stderr}"
                );
                // check lists problems as a table, csv or json only, and says so.
                let refused = args[0] == "check" && matches!(format, "markdown" | "xlsx" | "html");
                assert_eq!(
                    code,
                    Some(if refused { 2 } else { 0 }),
                    "{args:?} {format}:\n{stderr}"
                );
                if !refused {
                    let written: usize = texts.iter().map(|(_, text)| text.len()).sum();
                    assert!(written > 100, "{args:?} {format} wrote nothing");
                }
                runs += 1;
                for (what, text) in &texts {
                    for leak in leaks(text) {
                        failures.push(format!("{args:?} --format {format}, {what}: …{leak}…"));
                    }
                }
            }
        }
    }
    assert_eq!(runs, 120);
    assert!(
        failures.is_empty(),
        "{} leaks:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn check_names_the_warned_families_by_pseudonym() {
    let scratch = secret_study();
    let output = scratch
        .tfcalc()
        .args(["check", ".", "--pseudonymise", KEY])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    // The analyst can still follow the warning: the pseudonyms are those of the reports.
    let summary = scratch.succeeds(&[
        "family",
        ".",
        "--summary",
        "--format",
        "json",
        "--pseudonymise",
        KEY,
    ]);
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let ids: Vec<&str> = summary["studies"][0]["families"]
        .as_array()
        .unwrap()
        .iter()
        .map(|family| family["family_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 6, "{ids:?}");
    // The intervention file's items still find their families, under their pseudonyms: the
    // delivery cost and SECRETALPHA's own, and SECRETDELTA's alone (it has no service use).
    let families = &summary["studies"][0]["families"];
    assert_eq!(families[0]["intervention"], "350", "{families}");
    assert_eq!(families[1]["intervention"], "100", "{families}");
    assert_eq!(families[5]["intervention"], "150", "{families}");
    assert_eq!(families[5]["before"], "0", "{families}");
    let bravo = ids[1];
    assert!(
        text.contains(&format!("before rows but none after ({bravo}, ")),
        "{text}"
    );
    let case_clash = format!(
        "only in case, and each id is counted as a family of its own: {} and {}",
        ids[2], ids[3]
    );
    assert!(text.contains(&case_clash), "{text}");
    assert!(leaks(&text).is_empty(), "{text}");
}

#[test]
fn an_overflow_naming_a_family_names_its_pseudonym() {
    let scratch = Scratch::new();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"T\"\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n[intervention]\nfile = \"interventions.csv\"\n",
        )
        .write("before.csv", "family_id,service,quantity\nSECRETALPHA,arrest,1\n")
        .write("after.csv", "family_id,service,quantity\nSECRETALPHA,arrest,1\n")
        .write(
            "interventions.csv",
            "family_id,item,amount\nSECRETALPHA,a,79228162514264337593543950335\nSECRETALPHA,b,79228162514264337593543950335\n",
        );
    // Without a key the message names the family, which is what makes it useful.
    let plain = scratch.fails(&["report", "."]);
    assert!(
        plain.contains("family SECRETALPHA's intervention costs cannot be computed exactly"),
        "{plain}"
    );
    for command in ["report", "check"] {
        let stderr = scratch.fails(&[command, ".", "--pseudonymise", KEY]);
        let stdout = String::from_utf8(
            scratch
                .tfcalc()
                .args([command, ".", "--pseudonymise", KEY])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        let both = format!("{stdout}{stderr}");
        assert!(leaks(&both).is_empty(), "{both}");
        assert!(
            both.contains("family P")
                && both.contains("'s intervention costs cannot be computed exactly"),
            "{both}"
        );
    }
}

#[test]
fn bad_row_errors_and_the_rejects_file_carry_no_raw_id() {
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity,note,carer\nSECRETALPHA,arrest,1,,\nSECRETBRAVO,arest,1,secret note,Secret Carer\nSECRETCHARLIE,arrest,x,,\n\"SECRETQ\"x,arrest,1,,\nSECRETECHO,arrest,1,his, so, secretly\n",
        "family_id,service,quantity\nSECRETALPHA,arrest,0\n",
    );
    // Errors name lines and columns, never families.
    for command in ["report", "check"] {
        let output = scratch
            .tfcalc()
            .args([command, ".", "--pseudonymise", KEY])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let both = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(both.contains("unknown service `arest`"), "{both}");
        assert!(leaks(&both).is_empty(), "{both}");
    }

    // Set aside, each row keeps its file, line and reason, with its family id pseudonymised and
    // its note left out; stderr says so.
    let output = scratch
        .tfcalc()
        .args(["report", ".", "--skip-bad-rows", "--pseudonymise", KEY])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("pseudonymised"), "{stderr}");
    let rejects = std::fs::read_to_string(scratch.path().join("tfcalc-rejects.csv")).unwrap();
    assert!(leaks(&rejects).is_empty(), "{rejects}");
    assert!(leaks(&stderr).is_empty(), "{stderr}");
    let rows: Vec<&str> = rejects.lines().collect();
    assert_eq!(rows.len(), 5, "{rejects}");
    assert!(
        rows[1].starts_with("before.csv,3,2,unknown service `arest`,"),
        "{rejects}"
    );
    let bravo = tfcalc::pseudonym::pseudonym(KEY, "SECRETBRAVO");
    assert!(
        rows[1].ends_with(&format!("\"{bravo},arest,1,,\"")),
        "{rejects}"
    );

    // Without a key the rejects file is the analyst's, raw, to fix the input by.
    scratch.succeeds(&["report", ".", "--skip-bad-rows", "--quiet"]);
    let raw = std::fs::read_to_string(scratch.path().join("tfcalc-rejects.csv")).unwrap();
    assert!(
        raw.contains("SECRETBRAVO,arest,1,secret note,Secret Carer"),
        "{raw}"
    );
}

#[test]
fn an_empty_or_blank_key_is_refused() {
    let scratch = secret_study();
    for key in ["", " ", "\t  "] {
        let stderr = scratch.fails(&["report", ".", "--pseudonymise", key]);
        assert!(stderr.contains("--pseudonymise"), "{stderr}");
        let said = if key.is_empty() {
            "the key is empty"
        } else {
            "the key is blank"
        };
        assert!(stderr.contains(said), "{stderr}");
        let output = scratch
            .tfcalc()
            .env("TFCALC_PSEUDONYMISE_KEY", key)
            .args(["report", "."])
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{key:?}: {stderr}");
        assert!(stderr.contains(said), "{stderr}");
        assert!(stderr.contains("TFCALC_PSEUDONYMISE_KEY"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn a_short_key_is_warned_of() {
    let scratch = secret_study();
    let output = scratch
        .tfcalc()
        .args(["family", ".", "--summary", "--pseudonymise", "abc"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("the --pseudonymise key is only 3 characters"),
        "{stderr}"
    );
    let long = scratch
        .tfcalc()
        .args(["family", ".", "--summary", "--quiet", "--pseudonymise", KEY])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8(long.stderr)
            .unwrap()
            .contains("key is only")
    );
}

#[test]
fn a_file_without_its_header_line_is_not_quoted() {
    let scratch = Scratch::new();
    scratch.study(
        "SECRETALPHA,arrest,1\nSECRETBRAVO,arrest,2\n",
        "family_id,service,quantity\nSECRETALPHA,arrest,0\n",
    );
    // Without a key the first row is listed as the names found, which helps see what happened.
    let output = scratch.tfcalc().args(["check", "."]).output().unwrap();
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(shown.contains("secretalpha"), "{shown}");
    for command in ["report", "check"] {
        let output = scratch
            .tfcalc()
            .args([command, ".", "--pseudonymise", KEY])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let both = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            both.contains("before.csv:1: missing required column `family_id`"),
            "{both}"
        );
        assert!(leaks(&both).is_empty(), "{both}");
    }
}
