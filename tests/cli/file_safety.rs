//! Output safety (issue 12, files): no command writes over a file it reads, however the file is
//! named; output is written whole or not at all, even when the run is interrupted; and writing a
//! file keeps what the user set up (permissions, symbolic links, devices and pipes).

use crate::common::Scratch;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

pub(crate) const HEADER: &str = "family_id,service,quantity\n";

/// A study with one family, read by `report .` from the scratch folder.
pub(crate) fn small_study() -> Scratch {
    let scratch = Scratch::new();
    scratch.study(
        &format!("{HEADER}A,arrest,1\n"),
        &format!("{HEADER}A,arrest,0\n"),
    );
    scratch
}

fn read(scratch: &Scratch, name: &str) -> String {
    std::fs::read_to_string(scratch.path().join(name)).unwrap()
}

/// The names in `folder` that are tfcalc temporaries.
pub(crate) fn temporaries(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".tfcalc-"))
        .collect()
}

/// Asserts that tfcalc refused, naming the file it would have destroyed, and left it as it was.
fn refuses_to_overwrite(scratch: &Scratch, args: &[&str], input: &str) {
    let before = std::fs::read(scratch.path().join(input)).unwrap();
    let stderr = scratch.fails(args);
    assert!(
        stderr.contains("it is one of this run's input files"),
        "{args:?}: {stderr}"
    );
    assert_eq!(
        std::fs::read(scratch.path().join(input)).unwrap(),
        before,
        "{args:?} changed {input}"
    );
    assert!(temporaries(scratch.path()).is_empty());
}

#[test]
fn check_never_writes_over_the_files_it_checks() {
    let scratch = small_study();
    refuses_to_overwrite(&scratch, &["check", ".", "-o", "before.csv"], "before.csv");
    // A `.toml` output needs its format named, or it is refused for its extension alone.
    refuses_to_overwrite(
        &scratch,
        &["check", ".", "--format", "json", "-o", "study.toml"],
        "study.toml",
    );
    refuses_to_overwrite(
        &scratch,
        &[
            "check",
            "study.toml",
            "--format",
            "csv",
            "-o",
            "./after.csv",
        ],
        "after.csv",
    );
}

#[test]
fn costs_list_never_writes_over_the_table_it_lists() {
    let scratch = Scratch::new();
    let table =
        std::fs::read_to_string(crate::common::repo().join("unit-costs/hertfordshire-2013.toml"))
            .unwrap();
    scratch.write("c.toml", &table);
    refuses_to_overwrite(
        &scratch,
        &[
            "costs", "list", "--costs", "c.toml", "--format", "csv", "-o", "c.toml",
        ],
        "c.toml",
    );
    refuses_to_overwrite(
        &scratch,
        &[
            "costs", "agencies", "--costs", "c.toml", "--format", "json", "-o", "c.toml",
        ],
        "c.toml",
    );
}

#[test]
fn import_ucd_never_writes_over_the_export_it_imports() {
    let scratch = Scratch::new();
    let export = crate::common::repo().join("unit-costs/source/ucd-v1.2");
    let theme = std::fs::read_dir(&export)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|extension| extension == "csv"))
        .expect("a theme file of the Unit Cost Database export");
    std::fs::copy(&theme, scratch.path().join("fire.csv")).unwrap();
    refuses_to_overwrite(
        &scratch,
        &["costs", "import-ucd", "fire.csv", "--output", "fire.csv"],
        "fire.csv",
    );
}

#[test]
fn the_intervention_file_is_never_written_over() {
    let scratch = small_study();
    scratch
        .write(
            "study.toml",
            "[study]\nname = \"Test\"\nwindow_months = 6\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n[intervention]\nfile = \"iv.txt\"\n",
        )
        .write("iv.txt", "family_id,item,amount\nA,Key worker,1000\n");
    // Every command that reads a study, and every text format (.txt takes any: a .csv would
    // refuse the other formats for their extension first).
    for args in [
        &["report", ".", "-o", "iv.txt"][..],
        &["family", ".", "--summary", "-o", "iv.txt"],
        &["agency", ".", "--format", "json", "-o", "iv.txt"],
        &["roi", ".", "--format", "markdown", "-o", "iv.txt"],
        &["reconcile", ".", "-o", "iv.txt"],
        &["check", ".", "-o", "iv.txt"],
    ] {
        refuses_to_overwrite(&scratch, args, "iv.txt");
    }
}

#[test]
fn every_spelling_of_an_input_is_refused_including_links() {
    let scratch = small_study();
    std::fs::create_dir(scratch.path().join("dir")).unwrap();
    std::os::unix::fs::symlink("before.csv", scratch.path().join("link.csv")).unwrap();
    std::fs::hard_link(
        scratch.path().join("before.csv"),
        scratch.path().join("hard.csv"),
    )
    .unwrap();
    for output in ["./before.csv", "dir/../before.csv", "link.csv", "hard.csv"] {
        refuses_to_overwrite(&scratch, &["report", ".", "-o", output], "before.csv");
    }
    // The absolute path, too.
    let absolute = scratch.path().join("after.csv");
    refuses_to_overwrite(
        &scratch,
        &[
            "report",
            ".",
            "--format",
            "csv",
            "-o",
            absolute.to_str().unwrap(),
        ],
        "after.csv",
    );
}

#[test]
fn rejects_and_output_naming_one_file_is_an_error_before_any_work() {
    let scratch = Scratch::new();
    scratch.study(
        &format!("{HEADER}A,arrest,1\nB,no_such_service,1\n"),
        &format!("{HEADER}A,arrest,0\n"),
    );
    let stderr = scratch.fails(&[
        "report",
        ".",
        "--skip-bad-rows",
        "--rejects",
        "out.csv",
        "--format",
        "csv",
        "--output",
        "./out.csv",
    ]);
    assert!(stderr.contains("is also the rejects file"), "{stderr}");
    assert!(!scratch.path().join("out.csv").exists(), "nothing written");
    // The default rejects file counts too.
    let stderr = scratch.fails(&[
        "family",
        ".",
        "--summary",
        "--skip-bad-rows",
        "--output",
        "tfcalc-rejects.csv",
    ]);
    assert!(stderr.contains("is also the rejects file"), "{stderr}");
    assert!(!scratch.path().join("tfcalc-rejects.csv").exists());
}

#[test]
fn rejects_naming_an_input_is_refused() {
    let scratch = Scratch::new();
    scratch.study(
        &format!("{HEADER}A,arrest,1\n"),
        &format!("{HEADER}A,arrest,0\nB,nope,1\n"),
    );
    for input in ["study.toml", "./after.csv"] {
        let stderr = scratch.fails(&["report", ".", "--skip-bad-rows", "--rejects", input]);
        assert!(stderr.contains("give --rejects another file"), "{stderr}");
    }
    assert_eq!(
        read(&scratch, "after.csv"),
        format!("{HEADER}A,arrest,0\nB,nope,1\n")
    );
}

#[test]
fn a_csv_folder_holding_an_input_is_refused_before_any_file_is_written() {
    // The service-use file is named as one of the report's tables would be.
    let scratch = Scratch::new();
    scratch
        .write(
            "out/study.toml",
            "[study]\nname = \"Test\"\nwindow_months = 6\nbefore = \"totals.csv\"\nafter = \"after.csv\"\n",
        )
        .write("out/totals.csv", format!("{HEADER}A,arrest,1\n"))
        .write("out/after.csv", format!("{HEADER}A,arrest,0\n"));
    let stderr = scratch.fails(&["report", "out", "--output", "out/"]);
    assert!(
        stderr.contains("it is one of this run's input files"),
        "{stderr}"
    );
    assert_eq!(
        read(&scratch, "out/totals.csv"),
        format!("{HEADER}A,arrest,1\n")
    );
    // All or nothing: the tables before `totals` were not written either.
    let mut names: Vec<String> = std::fs::read_dir(scratch.path().join("out"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["after.csv", "study.toml", "totals.csv"]);
}

#[test]
fn a_csv_folder_is_written_all_or_nothing() {
    let scratch = small_study();
    // A folder where one table's file would go makes that file fail, after the first tables.
    std::fs::create_dir_all(scratch.path().join("out/totals.csv")).unwrap();
    scratch.write("out/families.csv", "from an earlier run\n");
    let stderr = scratch.fails(&["report", ".", "--output", "out/"]);
    assert!(stderr.contains("out/totals.csv"), "{stderr}");
    assert_eq!(read(&scratch, "out/families.csv"), "from an earlier run\n");
    assert!(!scratch.path().join("out/statement-A.csv").exists());
    assert!(temporaries(&scratch.path().join("out")).is_empty());

    // The same as NAME.csv, for NAME-<table>.csv.
    std::fs::create_dir_all(scratch.path().join("r-totals.csv")).unwrap();
    scratch.fails(&["report", ".", "--output", "r.csv"]);
    assert!(!scratch.path().join("r-families.csv").exists());
    assert!(temporaries(scratch.path()).is_empty());
}

#[test]
fn a_one_table_document_goes_into_a_csv_folder() {
    let scratch = Scratch::new();
    scratch.succeeds(&["costs", "agencies", "--output", "out/"]);
    let names: Vec<String> = std::fs::read_dir(scratch.path().join("out"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].ends_with(".csv"), "{names:?}");
}

#[test]
fn writing_over_a_file_keeps_its_permissions() {
    let scratch = small_study();
    for (name, mode) in [("private.csv", 0o600), ("shared.json", 0o664)] {
        scratch.write(name, "old\n");
        let path = scratch.path().join(name);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        scratch.succeeds(&["family", ".", "--summary", "--output", name]);
        assert_ne!(read(&scratch, name), "old\n");
        let kept = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(kept, mode, "{name}: {kept:o}");
    }
    // A new file is an ordinary one, readable by others unless the umask says otherwise.
    scratch.succeeds(&["family", ".", "--summary", "--output", "new.csv"]);
    let mode = std::fs::metadata(scratch.path().join("new.csv"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o600, 0o600, "{mode:o}");
    assert_eq!(mode & 0o111, 0, "{mode:o}");
}

#[test]
fn a_symbolic_link_is_written_through_and_stays_a_link() {
    let scratch = small_study();
    scratch.write("reports/latest.csv", "old\n");
    std::os::unix::fs::symlink("reports/latest.csv", scratch.path().join("link.csv")).unwrap();
    scratch.succeeds(&["family", ".", "--summary", "--output", "link.csv"]);
    let link = scratch.path().join("link.csv");
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    let written = read(&scratch, "reports/latest.csv");
    assert!(written.starts_with("Family,"), "{written}");
    assert!(temporaries(scratch.path()).is_empty());
    assert!(temporaries(&scratch.path().join("reports")).is_empty());

    // A link to a file not there yet creates it.
    std::os::unix::fs::symlink("reports/new.json", scratch.path().join("new.json")).unwrap();
    scratch.succeeds(&["roi", ".", "--output", "new.json"]);
    assert!(read(&scratch, "reports/new.json").starts_with('{'));
    assert!(
        scratch
            .path()
            .join("new.json")
            .symlink_metadata()
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_fifo_is_written_in_place_and_stays_a_fifo() {
    let scratch = small_study();
    let fifo = scratch.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    scratch.succeeds(&["family", ".", "--summary", "--output", "pipe.csv"]);
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo(),
        "the FIFO was replaced"
    );
    let text = reader.join().unwrap();
    assert!(text.starts_with("Family,Before"), "{text}");
    assert!(temporaries(scratch.path()).is_empty());
}

#[test]
fn dev_null_is_written_in_place() {
    let scratch = small_study();
    for format in ["csv", "json", "xlsx"] {
        scratch.succeeds(&["report", ".", "--format", format, "-o", "/dev/null"]);
    }
    let metadata = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(metadata.file_type().is_char_device());
    assert!(temporaries(Path::new("/dev")).is_empty());
}

#[test]
fn a_socket_is_refused_not_replaced() {
    let scratch = small_study();
    let socket = scratch.path().join("s.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let stderr = scratch.fails(&[
        "family",
        ".",
        "--summary",
        "--format",
        "csv",
        "-o",
        "s.sock",
    ]);
    assert!(stderr.contains("it is a socket"), "{stderr}");
    assert!(
        std::fs::symlink_metadata(&socket)
            .unwrap()
            .file_type()
            .is_socket()
    );
}

#[test]
fn a_stale_rejects_file_is_emptied_by_a_run_with_no_bad_rows() {
    let scratch = Scratch::new();
    scratch.study(
        &format!("{HEADER}A,arrest,1\nB,no_such_service,1\n"),
        &format!("{HEADER}A,arrest,0\n"),
    );
    scratch.succeeds(&["roi", ".", "--skip-bad-rows", "--rejects", "bad.csv"]);
    assert_eq!(read(&scratch, "bad.csv").lines().count(), 2);
    // The bad row is put right; the rejects file of the earlier run must not stay.
    scratch.write("before.csv", format!("{HEADER}A,arrest,1\nB,arrest,1\n"));
    let output = scratch
        .tfcalc()
        .args(["roi", ".", "--skip-bad-rows", "--rejects", "bad.csv"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("bad.csv (from an earlier run) now holds only its header row"),
        "{stderr}"
    );
    assert_eq!(read(&scratch, "bad.csv"), "file,line,column,reason,row\n");
    // With no earlier file, a clean run writes none.
    scratch.succeeds(&["roi", ".", "--skip-bad-rows"]);
    assert!(!scratch.path().join("tfcalc-rejects.csv").exists());
}

/// A study of families with ids that one file name part would hold all of: `A/B`, `A_B` and
/// `A B`; `a` and `A` (one file on a filesystem that ignores case); and two long ids that share
/// their first 80 characters. (A file per family is written when asked, with `--file-per-family`:
/// see issue 16.)
#[test]
fn statement_file_names_never_collide_and_each_names_its_family() {
    let long = "L".repeat(90);
    let ids = [
        "A/B".to_string(),
        "A_B".to_string(),
        "A B".to_string(),
        "a".to_string(),
        "A".to_string(),
        format!("{long}1"),
        format!("{long}2"),
    ];
    let mut before = String::from(HEADER);
    let mut after = String::from(HEADER);
    for (index, id) in ids.iter().enumerate() {
        before.push_str(&format!("{id},arrest,{}\n", index + 1));
        after.push_str(&format!("{id},arrest,0\n"));
    }
    let scratch = Scratch::new();
    scratch.study(&before, &after);
    scratch.succeeds(&[
        "family",
        ".",
        "--quiet",
        "--output",
        "out/",
        "--file-per-family",
    ]);
    let files: Vec<String> = std::fs::read_dir(scratch.path().join("out"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), ids.len(), "{files:?}");
    let lowercase: std::collections::HashSet<String> =
        files.iter().map(|name| name.to_lowercase()).collect();
    assert_eq!(lowercase.len(), ids.len(), "{files:?}");
    // Each file names its family in a first column, and its figures are that family's.
    let mut named = Vec::new();
    for file in &files {
        let text = read(&scratch, &format!("out/{file}"));
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(&reader.headers().unwrap()[0], "Family", "{text}");
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let family = rows[0][0].to_string();
        assert!(rows.iter().all(|row| row[0] == *family), "{text}");
        let index = ids.iter().position(|id| *id == family).unwrap();
        let arrests = 1930 * (index + 1);
        assert_eq!(&rows[0][2], arrests.to_string(), "{file}: {text}");
        named.push(family);
    }
    named.sort();
    let mut expected = ids.to_vec();
    expected.sort();
    assert_eq!(named, expected);
}

/// Two studies with a family of one id (and a families table each) write every table: the
/// second of a name is numbered, where it used to replace the first.
#[test]
fn tables_of_one_name_from_two_studies_are_all_written() {
    let scratch = Scratch::new();
    for (folder, arrests) in [("one", 1), ("two", 2)] {
        scratch
            .write(
                &format!("{folder}/study.toml"),
                format!("[study]\nname = \"{folder}\"\nwindow_months = 6\nbefore = \"before.csv\"\nafter = \"after.csv\"\n"),
            )
            .write(
                &format!("{folder}/before.csv"),
                format!("{HEADER}E,arrest,{arrests}\n"),
            )
            .write(&format!("{folder}/after.csv"), format!("{HEADER}E,arrest,0\n"));
    }
    scratch.succeeds(&["report", "one", "two", "--quiet", "--output", "out/"]);
    for (name, arrests) in [
        ("statement-E.csv", "1930"),
        ("statement-E-2.csv", "3860"),
        ("families.csv", "1930"),
        ("families-2.csv", "3860"),
    ] {
        let text = read(&scratch, &format!("out/{name}"));
        assert!(text.contains(&format!(",{arrests},")), "{name}: {text}");
    }
}

/// Whether the tests run as root, who may write any file whatever its permissions.
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|metadata| metadata.uid() == 0)
}

#[test]
fn a_read_only_file_is_refused_not_replaced() {
    if running_as_root() {
        eprintln!("skipped: root may write a read-only file, as `>` would");
        return;
    }
    let scratch = small_study();
    scratch.write("kept.md", "final\n");
    let path = scratch.path().join("kept.md");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let stderr = scratch.fails(&["roi", ".", "--output", "kept.md"]);
    assert!(stderr.contains("it is read-only"), "{stderr}");
    assert_eq!(read(&scratch, "kept.md"), "final\n");
}

#[test]
fn the_deflator_series_and_the_agency_file_are_inputs_the_output_never_replaces() {
    let scratch = Scratch::new();
    let deflator = std::fs::read_to_string(
        crate::common::repo().join("unit-costs/hmt-gdp-deflator-2024.toml"),
    )
    .unwrap();
    scratch
        .write("d.toml", &deflator)
        .write("ag.toml", "[agencies]\n\"Police\" = \"Constabulary\"\n")
        .write(
            "study.toml",
            "[study]\nname = \"S\"\nunit_costs = [\"hertfordshire-2013\"]\ndeflator = \"d.toml\"\nagencies = \"ag.toml\"\nprice_year = \"2024\"\nbefore = \"before.csv\"\nafter = \"after.csv\"\n",
        )
        .write("before.csv", "family_id,service,quantity\nA,police_hour,2\n")
        .write("after.csv", "family_id,service,quantity\nA,police_hour,1\n");
    for (args, file, what) in [
        (
            &["report", ".", "--format", "table", "--output", "d.toml"][..],
            "d.toml",
            "the deflator series ./d.toml",
        ),
        (
            &["report", ".", "--format", "table", "--output", "ag.toml"][..],
            "ag.toml",
            "the agency file ./ag.toml",
        ),
        (
            &[
                "costs",
                "list",
                "--deflator",
                "d.toml",
                "--price-year",
                "2024",
                "--format",
                "table",
                "--output",
                "d.toml",
            ][..],
            "d.toml",
            "the deflator series d.toml",
        ),
    ] {
        let before = std::fs::read(scratch.path().join(file)).unwrap();
        let stderr = scratch.fails(args);
        assert!(
            stderr.contains(&format!("it is one of this run's input files ({what})")),
            "{args:?}: {stderr}"
        );
        assert_eq!(
            std::fs::read(scratch.path().join(file)).unwrap(),
            before,
            "{file} untouched"
        );
    }
}

#[test]
fn an_endless_toml_input_is_an_error_not_a_hang() {
    let scratch = Scratch::new();
    scratch.study(
        "family_id,service,quantity\nA,police_hour,2\n",
        "family_id,service,quantity\nA,police_hour,1\n",
    );
    for (flag, what) in [
        ("--costs", "unit-cost table"),
        ("--deflator", "deflator series"),
    ] {
        let stderr = scratch.fails(&["report", ".", flag, "/dev/zero"]);
        assert!(
            stderr.contains(&format!("/dev/zero: the {what} is over 256 MiB")),
            "{flag}: {stderr}"
        );
    }
}

/// `-o -` is standard output, as for most tools: the output is printed, and no file named `-`
/// is written (one run of the national study wrote 3.6 GB to `./-`). `./-` is still a file.
#[test]
fn a_dash_for_output_is_standard_output() {
    let scratch = small_study();
    let printed = scratch.succeeds(&["report", ".", "--format", "json", "-o", "-"]);
    let report: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(
        report["studies"][0]["families"].as_array().unwrap().len(),
        1
    );
    assert!(!scratch.path().join("-").exists());
    let csv = scratch.succeeds(&["family", ".", "--format", "csv", "--output", "-"]);
    assert!(
        csv.starts_with("Family,Item,Amount,Unit cost\nA,Costs in the 6 months before,1930,\n"),
        "{csv}"
    );
    assert!(!scratch.path().join("-").exists());
    assert_eq!(
        scratch.succeeds(&["report", ".", "--format", "json", "-o", "./-"]),
        ""
    );
    assert!(scratch.path().join("-").is_file());
}
