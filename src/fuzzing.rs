//! Entry points for fuzzing and for the property tests that stand in for it: each takes arbitrary
//! bytes, drives one reader the way the command line does, and panics only if an invariant breaks.
//! A panic here is a bug; an input error is the right answer to bad bytes.

use crate::costs::CostBook;
use crate::costs::table::parse_table;
use crate::diagnostic::Diagnostics;
use crate::input_path::ReadOptions;
use crate::money::{self, Precision};
use crate::text_file::{self, Encoding};
use crate::usage::Itemise;
use crate::usage::accumulator::{Accumulator, FixedCosts};
use crate::usage::detailed::{FileToRead, Reading, read_file};
use crate::usage::row::ServiceIndex;
use std::sync::OnceLock;

fn reference_book() -> &'static CostBook {
    static BOOK: OnceLock<CostBook> = OnceLock::new();
    BOOK.get_or_init(|| {
        let mut diagnostics = Diagnostics::new();
        CostBook::load(&[], None, Encoding::Auto, &mut diagnostics)
            .expect("the built-in tables load")
    })
}

/// Decodes and reads bytes as a service-use file with the detailed reader, in both strict and
/// skip-bad-rows modes; every row read must be accounted for.
pub fn usage_csv(bytes: &[u8]) {
    let book = reference_book();
    let costs = FixedCosts::new(book);
    let services = ServiceIndex::new(book);
    for skip_bad_rows in [false, true] {
        let options = ReadOptions {
            skip_bad_rows,
            ..ReadOptions::default()
        };
        let mut diagnostics = Diagnostics::new();
        let mut accumulator = Accumulator::new(&costs, Itemise::UpTo(20));
        let mut rejected = crate::usage::RejectedRows::default();
        let target = FileToRead {
            file: "fuzz.csv",
            number: 0,
            window: 0,
        };
        // Decoded as the command line decodes: as a stream, in the same pass as the reading.
        let mut records = crate::csv_input::Records::new(text_file::DecodingReader::new(
            bytes,
            Encoding::Auto,
            u64::MAX,
        ));
        let account = read_file(
            &target,
            &mut records,
            &mut Reading {
                book,
                services: &services,
                options: &options,
                accumulator: &mut accumulator,
                rejected: &mut rejected,
                diagnostics: &mut diagnostics,
            },
        );
        assert_eq!(
            account.rows_read,
            account.rows_used + account.rows_blank + account.rows_rejected,
            "every row read is used, blank or rejected"
        );
        assert!(
            rejected.len() <= account.rows_rejected,
            "set-aside rows are counted"
        );
        if let Ok(usage) = accumulator.finish() {
            let families_total: rust_decimal::Decimal =
                usage.families.iter().map(|family| family.money[0]).sum();
            let by_service: rust_decimal::Decimal = usage.quantities[0]
                .iter()
                .zip(book.services())
                .map(|(quantity, service)| *quantity * service.unit_cost)
                .sum();
            assert_eq!(
                families_total, by_service,
                "families and services add up to the same money"
            );
        }
    }
}

/// Parses bytes as a unit-cost table and merges it with the reference tables.
pub fn unit_cost_table(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let mut diagnostics = Diagnostics::new();
    if let Some(table) = parse_table("fuzz.toml", text, false, &mut diagnostics) {
        let book = CostBook::from_tables(vec![table], None, &mut diagnostics);
        if let Some(book) = book {
            for service in book.services() {
                let split: rust_decimal::Decimal =
                    service.agency_split.iter().map(|(_, amount)| *amount).sum();
                assert_eq!(
                    split, service.unit_cost,
                    "an agency split adds up to its cost"
                );
            }
        }
    }
}

/// Parses bytes as a study file.
pub fn study_file(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let mut diagnostics = Diagnostics::new();
    let _ = crate::study::parse_study(
        "fuzz.toml",
        text,
        std::path::Path::new("."),
        None,
        &mut diagnostics,
    );
}

/// Parses bytes as money; what parses displays, and its plain display parses back to the rounded
/// value.
pub fn money(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Ok(value) = money::parse_money(text) {
        for precision in [Precision::Pounds, Precision::Pence] {
            let shown = money::format_money(value, precision);
            let plain = money::format_money_plain(value, precision);
            let reparsed = money::parse_money(&shown).expect("displayed money parses");
            assert_eq!(
                reparsed,
                money::parse_money(&plain).expect("plain money parses")
            );
            assert_eq!(
                reparsed,
                money::round_for_display(value, precision.places())
            );
        }
    }
    let _ = money::parse_quantity(text);
}

/// Reads the choices a fuzzer's bytes make, one byte at a time; past the end every choice is the
/// first option, so any input, even an empty one, makes a whole study.
struct Choices<'a> {
    bytes: &'a [u8],
}

impl<'a> Choices<'a> {
    fn byte(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((&first, rest)) => {
                self.bytes = rest;
                first
            }
            None => 0,
        }
    }

    fn pick<T: Copy>(&mut self, options: &[T]) -> T {
        options[usize::from(self.byte()) % options.len()]
    }

    fn chance(&mut self, in_256: u8) -> bool {
        self.byte() < in_256
    }
}

/// Costs at the edges of Decimal's range (7.9×10²⁸, 10⁻²⁸), near them, and ordinary figures.
const EDGE_COSTS: &[&str] = &[
    "0",
    "1",
    "0.5",
    "858",
    "6208",
    "0.0000000000000000000000000001",
    "79228162514264337593543950335",
    "39614081257132168796771975168",
    "1000000000000000000000000000",
    "0.0001",
    "12345.6789",
    "7922816251426433759354395033.5",
    "0.3333333333333333333333333333",
];

/// Figures that may be negative too (published figures, benefits): the costs and their negatives.
const EDGE_MONEY: &[&str] = &[
    "0",
    "1",
    "-1",
    "0.5",
    "858",
    "-36978",
    "0.0000000000000000000000000001",
    "-0.0000000000000000000000000001",
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "39614081257132168796771975168",
    "-39614081257132168796771975168",
    "1000000000000000000000000000",
    "0.0001",
    "12345.6789",
    "-7922816251426433759354395033.5",
];

const EDGE_QUANTITIES: &[&str] = &[
    "0",
    "1",
    "2",
    "0.5",
    "79228162514264337593543950335",
    "0.0000000000000000000000000001",
    "1000000000000",
    "3.333333333333333333333333333",
];

const EDGE_COUNTS: &[&str] = &["1", "2", "3", "75", "18446744073709551615", "4294967296"];

const AGENCIES: &[&str] = &["Police", "NHS", "County Council", "DWP"];

/// The files of a study built from a fuzzer's choices: its study.toml, and for a study with
/// family records, its unit-cost table and service-use files.
pub struct EdgeStudy {
    pub files: Vec<(&'static str, String)>,
    pub has_families: bool,
    /// Whether the reports show pence (a second set of display paths).
    pub pence: bool,
}

impl EdgeStudy {
    /// A study whose every figure is chosen from values at and near the edges of Decimal's range.
    pub fn from_bytes(bytes: &[u8]) -> EdgeStudy {
        let mut choose = Choices { bytes };
        let has_families = choose.chance(128);
        let pence = choose.chance(128);
        let mut study = String::from("[study]\nname = \"Edge\"\n");
        let mut files = Vec::new();
        if has_families {
            study.push_str(&format!(
                "window_months = {}\nunit_costs = [\"costs.toml\"]\nbefore = \"before.csv\"\nafter = \"after.csv\"\n",
                choose.pick(&["6", "1", "12", "18446744073709551615"])
            ));
            let mut table =
                String::from("[table]\nname = \"Edge costs\"\nprice_year = \"2013/14\"\n");
            for (number, id) in ["a", "b", "c"].iter().enumerate() {
                table.push_str(&format!(
                    "[[unit_cost]]\nid = \"{id}\"\nname = \"Cost {id}\"\nunit = \"case\"\nagency = \"{}\"\n",
                    choose.pick(AGENCIES)
                ));
                if number == 2 && choose.chance(128) {
                    table.push_str(&format!(
                        "components = [{{ id = \"a\", quantity = \"{}\" }}, {{ id = \"b\", quantity = \"{}\" }}]\n",
                        choose.pick(EDGE_QUANTITIES),
                        choose.pick(EDGE_QUANTITIES)
                    ));
                } else {
                    table.push_str(&format!("cost = \"{}\"\n", choose.pick(EDGE_COSTS)));
                }
            }
            files.push(("costs.toml", table));
            for window in ["before.csv", "after.csv"] {
                let mut rows = String::from("family_id,service,quantity\n");
                for _ in 0..1 + choose.byte() % 4 {
                    rows.push_str(&format!(
                        "{},{},{}\n",
                        choose.pick(&["A", "B", "a", "A", "B", "F\u{1b}[2J"]),
                        choose.pick(&["a", "b", "c"]),
                        choose.pick(EDGE_QUANTITIES)
                    ));
                }
                files.push((window, rows));
            }
        } else {
            study.push_str(&format!("families = {}\n", choose.pick(EDGE_COUNTS)));
        }
        study.push_str("[intervention]\n");
        if choose.chance(128) {
            study.push_str(&format!("per_family = \"{}\"\n", choose.pick(EDGE_COSTS)));
        } else {
            study.push_str(&format!(
                "items = [{{ name = \"Keyworker\", per_family = \"{}\" }}, {{ name = \"Running costs\", running_costs = \"{}\", families_per_year = \"{}\" }}]\n",
                choose.pick(EDGE_COSTS),
                choose.pick(EDGE_COSTS),
                choose.pick(EDGE_COUNTS)
            ));
        }
        match choose.byte() % 3 {
            0 => {}
            1 => {
                let (police, council) = choose.pick(&[
                    ("0.5", "0.5"),
                    ("1", "0"),
                    (
                        "0.0000000000000000000000000001",
                        "0.9999999999999999999999999999",
                    ),
                    (
                        "0.3333333333333333333333333333",
                        "0.6666666666666666666666666667",
                    ),
                ]);
                study.push_str(&format!(
                    "funding = {{ \"Police\" = \"{police}\", \"County Council\" = \"{council}\" }}\n"
                ));
            }
            _ => study.push_str(&format!(
                "funding_amounts = {{ \"Police\" = \"{}\", \"NHS\" = \"{}\" }}\n",
                choose.pick(EDGE_COSTS),
                choose.pick(EDGE_COSTS)
            )),
        }
        study.push_str(&format!(
            "[counterfactual]\nper_family = \"{}\"\n",
            choose.pick(EDGE_COSTS)
        ));
        if !has_families {
            if choose.chance(128) {
                study.push_str(&format!(
                    "[benefit]\nper_family = \"{}\"\n",
                    choose.pick(EDGE_MONEY)
                ));
            } else {
                study.push_str("[benefit.by_agency]\n");
                for agency in &AGENCIES[..1 + usize::from(choose.byte()) % AGENCIES.len()] {
                    study.push_str(&format!("\"{agency}\" = \"{}\"\n", choose.pick(EDGE_MONEY)));
                }
            }
        }
        study.push_str("[published]\n");
        // Every figure the study format can publish, from its one table, so that a new one is
        // fuzzed as soon as it exists.
        for figure in crate::study::Figure::ALL.map(crate::study::Figure::key) {
            let figure = &figure;
            if choose.chance(80) {
                let value = if *figure == "families" {
                    choose.pick(EDGE_COUNTS)
                } else if *figure == "roi" && choose.chance(128) {
                    choose.pick(&[
                        "£0.39 : £1.00",
                        "£79228162514264337593543950335 : £1",
                        "0.39:1",
                    ])
                } else {
                    choose.pick(EDGE_MONEY)
                };
                study.push_str(&format!("{figure} = \"{value}\"\n"));
            }
        }
        if choose.chance(80) {
            study.push_str(&format!(
                "agencies = {{ \"Police\" = \"{}\" }}\n",
                choose.pick(EDGE_MONEY)
            ));
        }
        // The paper's line items, reconciled one by one against the statements.
        if has_families {
            for window in ["before", "after"] {
                if choose.chance(100) {
                    study.push_str(&format!(
                        "[[published.items]]\nwindow = \"{window}\"\nlabel = \"Item \\u001b[2J\"\n{}amount = \"{}\"\n",
                        choose.pick(&["service = \"a\"\n", "services = [\"a\", \"c\"]\n"]),
                        choose.pick(EDGE_MONEY)
                    ));
                }
            }
        }
        files.insert(0, ("study.toml", study));
        EdgeStudy {
            files,
            has_families,
            pence,
        }
    }
}

/// Runs every command that reports figures, in every format, on a study at the edges of
/// Decimal's range, in a fresh folder. An error is a fine answer (the figures may be too large to
/// report); a panic is a bug. Returns the errors the runs ended in.
pub fn report_every_format(study: &EdgeStudy) -> Vec<String> {
    report_runs(study, |_, _| true)
}

/// The commands that report figures, as `tfcalc` takes them.
const COMMANDS: &[&[&str]] = &[
    &["report"],
    &["agency"],
    &["agency", "--net"],
    &["roi"],
    &["reconcile"],
    &["reconcile", "--tolerance", "79228162514264337593543950335"],
    &["check"],
    &["family"],
    &["family", "--summary"],
];

/// Each format, and the output it is written to.
const FORMATS: &[(&str, &str)] = &[
    ("table", "out.txt"),
    ("markdown", "out.md"),
    ("csv", "csv/"),
    ("json", "out.json"),
    ("xlsx", "out.xlsx"),
    ("html", "out.html"),
];

/// Runs the commands and formats that `chosen(run number, runs)` picks, on the study in a fresh
/// folder.
fn report_runs(study: &EdgeStudy, chosen: impl Fn(usize, usize) -> bool) -> Vec<String> {
    use clap::Parser;
    crate::commands::free_studies_after_each_command();
    let folder = tempfile::tempdir().expect("a temporary folder");
    for (name, text) in &study.files {
        std::fs::write(folder.path().join(name), text).expect("the study's files are written");
    }
    let study_path = folder.path().join("study.toml");
    let study_path = study_path.to_str().expect("a temporary path is UTF-8");
    let runs = COMMANDS
        .iter()
        // A summary study has no families to itemise.
        .filter(|command| study.has_families || command[0] != "family")
        .flat_map(|command| FORMATS.iter().map(move |format| (*command, *format)))
        // `check` lists problems as a table, CSV or JSON.
        .filter(|(command, (format, _))| {
            command[0] != "check" || matches!(*format, "table" | "csv" | "json")
        })
        .collect::<Vec<_>>();
    let mut errors = Vec::new();
    for (number, (command, (format, output))) in runs.iter().enumerate() {
        if !chosen(number, runs.len()) {
            continue;
        }
        let output = folder.path().join(output);
        let mut args = vec!["tfcalc", "--quiet"];
        args.extend(command.iter());
        args.push(study_path);
        args.extend(["--format", format, "--output"]);
        args.push(output.to_str().expect("a temporary path is UTF-8"));
        if study.pence {
            args.push("--pence");
        }
        let cli = crate::cli::Cli::try_parse_from(&args).expect("the arguments parse");
        if let Err(error) = crate::run(cli) {
            errors.push(format!("{error:#}"));
        }
    }
    errors
}

/// Builds a study from bytes and reports it in every format (see [`report_every_format`]).
pub fn report_study(bytes: &[u8]) {
    report_every_format(&EdgeStudy::from_bytes(bytes));
}

/// For a fuzzer, which wants many quick runs: the first byte picks one command and format, the
/// rest build the study.
pub fn report_study_once(bytes: &[u8]) {
    let (pick, rest) = bytes.split_first().unwrap_or((&0, &[]));
    let pick = usize::from(*pick);
    report_runs(&EdgeStudy::from_bytes(rest), |number, runs| {
        number == pick % runs
    });
}
