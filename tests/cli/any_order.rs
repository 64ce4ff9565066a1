//! Rows in any order (issue 16): the fast reader's partitioned aggregation, forced on with
//! `TFCALC_READER=partitioned`, gives byte for byte the output of the accumulator alone, on random
//! orders and thread counts; and any order of the same rows gives the same figures as the sorted
//! order.

use crate::common::Scratch;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Six services of an invented table, costs with pence and one of whole pounds.
fn table() -> String {
    let mut table = String::new();
    for service in 0..6 {
        let _ = writeln!(
            table,
            "[[unit_cost]]\nid = \"s{service}\"\nname = \"Service {service}\"\nunit = \"item\"\ncost = \"{}.{:02}\"\nagency = \"Agency {}\"\nprice_year = \"2015/16\"\n",
            service * 113 + 7,
            if service == 3 { 0 } else { service * 17 % 100 },
            service % 3
        );
    }
    table
}

/// A family's id: short (packed into an integer) or longer than eight bytes (hashed).
fn family_id(number: u16, long: bool) -> String {
    if long && number.is_multiple_of(2) {
        format!("FAMILY-NUMBER-{number}")
    } else {
        format!("F{number}")
    }
}

/// Rows as CSV text.
fn csv(rows: &[(u16, u8, u32)], long: bool) -> String {
    let mut text = String::from("family_id,service,quantity\n");
    for (family, service, hundredths) in rows {
        let _ = writeln!(
            text,
            "{},s{},{}.{:02}",
            family_id(*family, long),
            service,
            hundredths / 100,
            hundredths % 100
        );
    }
    text
}

/// Every file `report --format csv` wrote, by name.
fn report(scratch: &Scratch, threads: usize, partitioned: bool) -> BTreeMap<String, Vec<u8>> {
    let output = scratch.path().join("out");
    let _ = std::fs::remove_dir_all(&output);
    let mut command = scratch.tfcalc();
    if partitioned {
        command.env("TFCALC_READER", "partitioned");
    }
    let threads = threads.to_string();
    command
        .args([
            "report", ".", "--format", "csv", "--output", "out/", "--quiet",
        ])
        .args(["--threads", &threads])
        .assert()
        .success();
    std::fs::read_dir(&output)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

/// A deterministic shuffle from the seed, so that failures reproduce.
fn shuffle<T>(rows: &mut [T], seed: u64) {
    let mut state = seed | 1;
    for index in (1..rows.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        rows.swap(index, (state % (index as u64 + 1)) as usize);
    }
}

/// Rows of 25 to 120 families (more than a report itemises, so that the partitions are used), each
/// with rows in both windows.
fn rows() -> impl Strategy<Value = Vec<(u16, u8, u32)>> {
    (25u16..120).prop_flat_map(|families| {
        prop::collection::vec((0..families, 0u8..6, 0u32..100_000), 60..400).prop_map(
            move |mut rows| {
                // Every family at least once, so that each is in both windows.
                rows.extend((0..families).map(|family| (family, family as u8 % 6, 100)));
                rows
            },
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn partitioned_aggregation_gives_the_sorted_paths_output_byte_for_byte(
        before in rows(),
        after in rows(),
        seed in any::<u64>(),
        order in 0u8..4,
        long in any::<bool>(),
        threads in 1usize..4,
    ) {
        let scratch = Scratch::new();
        scratch.write("costs.toml", table()).write(
            "study.toml",
            "[study]\nname = \"Any order\"\nunit_costs = [\"costs.toml\"]\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n[intervention]\nper_family = \"1234.56\"\n",
        );
        let (mut before, mut after) = (before, after);
        let write = |before: &[(u16, u8, u32)], after: &[(u16, u8, u32)]| {
            scratch
                .write("before.csv", csv(before, long))
                .write("after.csv", csv(after, long));
        };
        // The sorted order, read by the accumulator alone.
        before.sort_by_key(|&(family, ..)| family_id(family, long));
        after.sort_by_key(|&(family, ..)| family_id(family, long));
        write(&before, &after);
        let sorted = report(&scratch, 1, false);
        // Another order: shuffled, grouped by service, reversed, or sorted still.
        for rows in [&mut before, &mut after] {
            match order {
                0 => shuffle(rows, seed),
                1 => rows.sort_by_key(|&(_, service, _)| service),
                2 => rows.reverse(),
                _ => {}
            }
        }
        write(&before, &after);
        let plain = report(&scratch, threads, false);
        let partitioned = report(&scratch, threads, true);
        // The same rows in the same order: byte for byte, families in the same order.
        prop_assert_eq!(&plain, &partitioned);
        // The same rows in another order: the same figures, families in the order first read.
        for (name, bytes) in &sorted {
            let text = |bytes: &[u8]| {
                let text = String::from_utf8(bytes.to_vec()).unwrap();
                let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
                lines.sort();
                lines
            };
            prop_assert_eq!(text(bytes), text(&partitioned[name]), "{}", name);
        }
    }
}

/// A family's itemised lines and their notes come in the order of its rows, however many threads
/// read the files, and whether added up by the accumulator or in the partitions: a file of a few
/// megabytes is cut into chunks, a thread that runs out takes a later chunk of another's, and
/// every family here has rows in every chunk (before, the order of a family's lines could change
/// from run to run).
#[test]
fn itemised_lines_are_in_the_order_of_the_rows_whatever_the_threads() {
    let scratch = Scratch::new();
    scratch.write("costs.toml", table()).write(
        "study.toml",
        "[study]\nname = \"Lines\"\nunit_costs = [\"costs.toml\"]\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n[intervention]\nper_family = \"100\"\n",
    );
    for (file, salt) in [("before.csv", 1u64), ("after.csv", 7)] {
        let mut text = String::from("family_id,service,quantity,note\n");
        let mut state = salt;
        let rows = 120_000u64;
        for row in 0..rows {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Services s3, s4 and s5 are first used in the last tenths of the file, and notes
            // appear only in its last four tenths: read out of order, they would come out of
            // order.
            let tenth = row * 10 / rows;
            let service = (state >> 33) % (3 + tenth.saturating_sub(6));
            let note = if tenth >= 6 {
                format!("note {tenth}")
            } else {
                String::new()
            };
            let _ = writeln!(text, "F{},s{service},{},{note}", row % 40, 1 + row % 3);
        }
        scratch.write(file, text);
    }
    let family_json_read = |threads: &str, partitioned: bool| {
        let mut command = scratch.tfcalc();
        if partitioned {
            command.env("TFCALC_READER", "partitioned");
        }
        command
            .args([
                "family",
                ".",
                "--format",
                "json",
                "--quiet",
                "--threads",
                threads,
            ])
            .output()
            .unwrap()
            .stdout
    };
    let family_json = |threads: &str| family_json_read(threads, false);
    let one_thread = family_json("1");
    let parsed: serde_json::Value = serde_json::from_slice(&one_thread).unwrap();
    assert!(
        parsed.to_string().contains("note 9"),
        "the notes are itemised"
    );
    for threads in ["2", "3", "4", "2", "3", "4"] {
        assert!(
            family_json(threads) == one_thread,
            "{threads} threads gave other lines than one"
        );
    }
    // Itemised rows in no order are added up in the partitions too, each family's lines kept
    // once, in the same order.
    for threads in ["1", "2", "3", "4"] {
        assert!(
            family_json_read(threads, true) == one_thread,
            "the partitions on {threads} threads gave other lines than the accumulator"
        );
    }
}
