//! The fast, parallel reader on a multi-megabyte input: exactly the same output as one thread, and
//! a bad row deep in a big file still named by its file and line.

use crate::common::Scratch;
use std::fmt::Write as _;

/// A synthetic study of `families` families, about 36 rows each (like `examples/synth.rs`, small),
/// sorted by family.
fn synthetic(scratch: &Scratch, families: u32) {
    synthetic_in_order(scratch, families, false);
}

/// The same, with the after file's families in reverse order when `reverse_after`.
fn synthetic_in_order(scratch: &Scratch, families: u32, reverse_after: bool) {
    let mut table = String::new();
    for service in 0..48 {
        let _ = writeln!(
            table,
            "[[unit_cost]]\nid = \"svc_{service:02}\"\nname = \"Service {service}\"\nunit = \"item\"\ncost = \"{}.{:02}\"\nagency = \"Agency {}\"\nprice_year = \"2015/16\"\n",
            (service * 7919) % 20_000 + 5,
            (service * 37) % 100,
            service % 8
        );
    }
    let mut state: u64 = 7;
    let mut next = |limit: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % limit
    };
    let mut before = String::from("family_id,service,quantity\n");
    let mut after_rows: Vec<String> = Vec::new();
    for family in 0..families {
        for _ in 0..12 + next(24) {
            let _ = writeln!(before, "F{family:07},svc_{:02},{}", next(48), 1 + next(60));
        }
        let mut rows = String::new();
        for _ in 0..6 + next(12) {
            let _ = writeln!(
                rows,
                "svc_{:02},F{family:07},{}.{}",
                next(48),
                1 + next(60),
                next(10)
            );
        }
        after_rows.push(rows);
    }
    if reverse_after {
        after_rows.reverse();
    }
    let after = String::from("service,family_id,quantity\n") + &after_rows.concat();
    scratch
        .write("costs.toml", table)
        .write(
            "study.toml",
            "[study]\nname = \"Synthetic\"\nunit_costs = [\"costs.toml\"]\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n[intervention]\nper_family = \"1234.56\"\nfunding = { \"Agency 1\" = \"0.5\", \"Agency 2\" = \"0.5\" }\n",
        )
        .write("before.csv", before)
        .write("after.csv", after);
}

/// `tfcalc report` of the study here, on `threads` threads, in `format`, to `output`.
fn report(scratch: &Scratch, threads: &str, format: &str, output: &str) {
    scratch.succeeds(&[
        "report",
        ".",
        "--threads",
        threads,
        "--format",
        format,
        "--output",
        output,
        "--quiet",
    ]);
}

#[test]
fn parallel_reading_gives_byte_identical_output_to_one_thread() {
    let scratch = Scratch::new();
    synthetic(&scratch, 10_000);
    let size = std::fs::metadata(scratch.path().join("before.csv"))
        .unwrap()
        .len();
    assert!(
        size > 3_000_000,
        "the input should be several megabytes, not {size} bytes"
    );
    for threads in ["1", "2", "3"] {
        report(&scratch, threads, "csv", &format!("csv-{threads}/"));
        report(&scratch, threads, "json", &format!("report-{threads}.json"));
    }
    let read = |name: &str| std::fs::read(scratch.path().join(name)).unwrap();
    for table in ["families", "agencies-net", "totals", "roi", "inputs"] {
        let single = read(&format!("csv-1/{table}.csv"));
        assert!(!single.is_empty());
        for threads in ["2", "3"] {
            assert!(
                single == read(&format!("csv-{threads}/{table}.csv")),
                "{table}.csv differs on {threads} threads"
            );
        }
    }
    let single = read("report-1.json");
    assert!(
        single == read("report-2.json") && single == read("report-3.json"),
        "the JSON differs between thread counts"
    );
    let report: serde_json::Value = serde_json::from_slice(&single).unwrap();
    assert_eq!(report["studies"][0]["summary"]["families"], 10_000);
    assert_eq!(report["studies"][0]["inputs"][0]["rows_rejected"], 0);
}

/// Families in a different order in each file: the threads meet them out of order, and must find
/// them in their tables rather than by the order they came in.
#[test]
fn parallel_reading_of_files_in_different_orders_matches_one_thread() {
    let scratch = Scratch::new();
    synthetic_in_order(&scratch, 6_000, true);
    for threads in ["1", "2", "3"] {
        report(&scratch, threads, "csv", &format!("csv-{threads}/"));
    }
    let read = |name: &str| std::fs::read_to_string(scratch.path().join(name)).unwrap();
    let single = read("csv-1/families.csv");
    assert_eq!(
        single.lines().count(),
        6_000 + 2,
        "a header, the families and a total"
    );
    assert!(
        single.starts_with("Family,Before,Intervention,After,Gross saving,Net saving\nF0000000,")
    );
    for threads in ["2", "3"] {
        for table in ["families", "agencies-net", "totals"] {
            assert!(
                read(&format!("csv-1/{table}.csv")) == read(&format!("csv-{threads}/{table}.csv")),
                "{table}.csv differs on {threads} threads"
            );
        }
    }
}

#[test]
fn a_bad_row_deep_in_a_big_file_names_its_file_and_line() {
    let scratch = Scratch::new();
    synthetic(&scratch, 6_000);
    let path = scratch.path().join("before.csv");
    let mut before = std::fs::read_to_string(&path).unwrap();
    let lines = before.lines().count();
    before.push_str("F0005999,svc_99,3\n");
    std::fs::write(&path, before).unwrap();
    let stderr = scratch.fails(&["report", ".", "--threads", "2"]);
    assert!(
        stderr.contains(&format!(
            "before.csv:{}:2: unknown service `svc_99`",
            lines + 1
        )),
        "{stderr}"
    );
}

#[test]
fn tfcalc_log_debug_tells_where_the_time_went_and_which_reader_read() {
    let scratch = crate::common::Scratch::new();
    scratch.study(
        "family_id,service,quantity\nA,police_hour,2\n",
        "family_id,service,quantity\nA,police_hour,1\n",
    );
    let run = |env: &[(&str, &str)]| {
        let mut command = scratch.tfcalc();
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command.args(["roi", "."]).output().unwrap();
        assert!(output.status.success());
        (
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let (quiet_out, quiet_err) = run(&[]);
    assert_eq!(quiet_err, "");
    let (out, err) = run(&[("TFCALC_LOG", "debug")]);
    assert_eq!(out, quiet_out, "logging never changes the output");
    assert!(err.contains("tfcalc: fast reader, "), "{err}");
    assert!(err.contains("tfcalc: ledger built in "), "{err}");
    let (out, err) = run(&[("TFCALC_READER", "detailed"), ("TFCALC_LOG", "debug")]);
    assert_eq!(out, quiet_out);
    assert!(!err.contains("fast reader"), "{err}");
    let (_, err) = run(&[("TFCALC_LOG", "loud")]);
    assert!(
        err.contains("warning: TFCALC_LOG=\"loud\" is not a level"),
        "{err}"
    );
}
