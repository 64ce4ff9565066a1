//! Micro-benchmarks of the parse-and-accumulate loop, so that a regression shows before it reaches
//! the national benchmark (bench/run.sh).
//!
//! ```sh
//! cargo bench --bench parse
//! ```

use std::fmt::Write as _;
use std::path::PathBuf;
use tfcalc::costs::CostBook;
use tfcalc::costs::table::parse_table;
use tfcalc::diagnostic::Diagnostics;
use tfcalc::input_path::{InputPath, ReadOptions};
use tfcalc::usage::{Itemise, read_study_usage};

fn main() {
    divan::main();
}

/// A synthetic study: 48 services, `families` families with about 24 rows before and 12 after.
struct Fixture {
    _folder: tempfile::TempDir,
    book: CostBook,
    before: PathBuf,
    after: PathBuf,
}

fn fixture(families: u32) -> Fixture {
    let folder = tempfile::tempdir().unwrap();
    let mut table = String::new();
    for service in 0..48 {
        let _ = writeln!(
            table,
            "[[unit_cost]]\nid = \"svc_{service:02}\"\nname = \"S\"\ncost = \"{}.{:02}\"\nagency = \"Agency {}\"\n",
            (service * 7919) % 20_000 + 5,
            (service * 37) % 100,
            service % 8
        );
    }
    let mut diagnostics = Diagnostics::new();
    let parsed = parse_table("bench.toml", &table, false, &mut diagnostics).unwrap();
    let book = CostBook::from_tables(vec![parsed], None, &mut diagnostics).unwrap();
    let mut state: u64 = 7;
    let mut next = |limit: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % limit
    };
    let mut write = |name: &str, rows: u64| {
        let mut text = String::from("family_id,service,quantity\n");
        for family in 0..families {
            for _ in 0..rows / 2 + next(rows) {
                let _ = writeln!(text, "F{family:07},svc_{:02},{}", next(48), 1 + next(60));
            }
        }
        let path = folder.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let before = write("before.csv", 24);
    let after = write("after.csv", 12);
    Fixture {
        _folder: folder,
        book,
        before,
        after,
    }
}

/// Reading and adding up a study, on one thread and on every core.
#[divan::bench(args = [1, 0])]
fn read_and_accumulate(bencher: divan::Bencher, threads: usize) {
    let fixture = fixture(20_000);
    let options = ReadOptions {
        threads: (threads > 0).then_some(threads),
        quiet: true,
        ..ReadOptions::default()
    };
    let before = [InputPath::given(&fixture.before)];
    let after = [InputPath::given(&fixture.after)];
    let rows = std::fs::read_to_string(&fixture.before)
        .unwrap()
        .lines()
        .count()
        + std::fs::read_to_string(&fixture.after)
            .unwrap()
            .lines()
            .count()
        - 2;
    bencher
        .counter(divan::counter::ItemsCount::new(rows))
        .bench(|| {
            let mut diagnostics = Diagnostics::new();
            let read = read_study_usage(
                &before,
                &after,
                &fixture.book,
                &options,
                Itemise::Never,
                &mut diagnostics,
            );
            assert!(!diagnostics.has_errors());
            divan::black_box(read.usage.families.len())
        });
}

/// Quantities as they are written: the plain fast path, and the full parser's forms.
#[divan::bench(args = ["37", "1.5", "1,200", "£1,930.00"])]
fn read_quantity(text: &str) -> tfcalc::usage::accumulator::Quantity {
    tfcalc::usage::row::read_quantity(divan::black_box(text)).unwrap()
}
