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
use crate::usage::detailed::{FileToRead, read_file};
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
            book,
            &services,
            &options,
            &mut accumulator,
            &mut rejected,
            &mut diagnostics,
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
