//! Properties that hold for every study, checked on random ones: the agencies' benefits add up to
//! the total benefit, and the families' net savings add up to the study's net saving, exactly.

use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;
use tfcalc::costed::Costed;
use tfcalc::costs::{CostBook, table::parse_table};
use tfcalc::diagnostic::Diagnostics;
use tfcalc::input_path::InputPath;
use tfcalc::input_path::ReadOptions;
use tfcalc::ledger::{self, RecordInputs, StudyInputs};
use tfcalc::study::{Funding, Intervention, InterventionItem, Published, Study, StudyData};
use tfcalc::usage::{Itemise, read_study_usage};

const AGENCIES: [&str; 4] = ["Police", "NHS", "DWP", "County Council"];

/// A random unit-cost table: plain costs with pence, and composites of earlier costs.
fn table() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            0u64..2_000_000,
            0usize..4,
            prop::option::of((0usize..8, 1u32..40)),
        ),
        1..8,
    )
    .prop_map(|entries| {
        let mut text = String::new();
        for (index, (pence, agency, composite)) in entries.iter().enumerate() {
            text.push_str(&format!(
                "[[unit_cost]]\nid = \"s{index}\"\nname = \"Service {index}\"\n"
            ));
            match composite {
                Some((part, quantity)) if index > 0 => {
                    text.push_str(&format!(
                        "components = [{{ id = \"s{}\", quantity = \"{quantity}\" }}]\n\n",
                        part % index
                    ));
                }
                _ => text.push_str(&format!(
                    "cost = \"{}.{:02}\"\nagency = \"{}\"\n\n",
                    pence / 100,
                    pence % 100,
                    AGENCIES[*agency]
                )),
            }
        }
        text
    })
}

/// Random service-use rows: (family, service, quantity in hundredths).
fn rows() -> impl Strategy<Value = Vec<(u8, usize, u32)>> {
    prop::collection::vec((0u8..12, 0usize..8, 0u32..100_000), 1..60)
}

fn csv(rows: &[(u8, usize, u32)], services: usize) -> String {
    let mut text = String::from("family_id,service,quantity\n");
    for (family, service, hundredths) in rows {
        text.push_str(&format!(
            "F{family},s{},{}.{:02}\n",
            service % services,
            hundredths / 100,
            hundredths % 100
        ));
    }
    text
}

fn cost(table: &str, before: &str, after: &str, intervention: Decimal, funding: Funding) -> Costed {
    cost_files(
        table,
        &[before.to_string()],
        &[after.to_string()],
        intervention,
        funding,
    )
}

/// Costs a study whose windows may each be split over several CSV texts.
fn cost_files(
    table: &str,
    before: &[String],
    after: &[String],
    intervention: Decimal,
    funding: Funding,
) -> Costed {
    cost_with(
        table,
        before,
        after,
        intervention,
        funding,
        &ReadOptions::default(),
    )
}

/// Costs a study, reading its files with `options` (which reader, how many threads).
fn cost_with(
    table: &str,
    before: &[impl AsRef<[u8]>],
    after: &[impl AsRef<[u8]>],
    intervention: Decimal,
    funding: Funding,
    options: &ReadOptions,
) -> Costed {
    let mut diagnostics = Diagnostics::new();
    let parsed = parse_table("random.toml", table, false, &mut diagnostics).unwrap();
    let book = CostBook::from_tables(vec![parsed], None, &mut diagnostics).expect("a valid table");
    let folder = tempfile::tempdir().unwrap();
    let write = |name: String, text: &[u8]| {
        let path = folder.path().join(name);
        std::fs::write(&path, text).unwrap();
        InputPath::given(path)
    };
    let before_files: Vec<InputPath> = before
        .iter()
        .enumerate()
        .map(|(index, text)| write(format!("before-{index}.csv"), text.as_ref()))
        .collect();
    let after_files: Vec<InputPath> = after
        .iter()
        .enumerate()
        .map(|(index, text)| write(format!("after-{index}.csv"), text.as_ref()))
        .collect();
    let read = read_study_usage(
        &before_files,
        &after_files,
        &book,
        options,
        Itemise::UpTo(20),
        &mut diagnostics,
    );
    assert!(!diagnostics.has_errors(), "{:?}", diagnostics.problems());
    let study = Study {
        name: "Random".into(),
        path: None,
        window_months: Some(6),
        unit_cost_tables: Vec::new(),
        price_year: None,
        price_year_at: None,
        deflator: None,
        data: StudyData::Records {
            before: before_files.clone(),
            after: after_files.clone(),
            declared_families: None,
        },
        intervention: Intervention {
            items: vec![InterventionItem {
                name: "Keyworker".into(),
                per_family: intervention,
                derivation: None,
            }],
            per_family_file: None,
        },
        funding,
        funding_named_at: Default::default(),
        funding_file: None,
        counterfactual_per_family: Decimal::ZERO,
        published: Published::default(),
        agency_map: Default::default(),
        agency_file: None,
    };
    let inputs = StudyInputs {
        study,
        book: Arc::new(book),
        records: Some(RecordInputs {
            usage: read.usage,
            accounts: read.accounts,
            interventions: Default::default(),
        }),
    };
    let built = ledger::build(
        inputs,
        Decimal::new(50, 2),
        tfcalc::money::Precision::Pounds,
    )
    .unwrap();
    Costed::new(built.ledger, built.context).unwrap()
}

/// The figures of a study, independent of the order families and agencies were first seen in.
type Figures = (
    BTreeMap<String, [Decimal; 4]>,
    BTreeMap<String, Decimal>,
    [Option<Decimal>; 2],
);

fn figures(costed: &Costed) -> Figures {
    let ledger = &costed.ledger;
    let families = ledger
        .families
        .iter()
        .map(|family| {
            (
                family.family_id.to_string(),
                [
                    family.before,
                    family.after,
                    family.intervention,
                    family.net_saving(),
                ],
            )
        })
        .collect();
    let agencies = ledger
        .agencies
        .iter()
        .map(|agency| (agency.agency.clone(), agency.benefit))
        .collect();
    (
        families,
        agencies,
        [ledger.totals.before, ledger.totals.after],
    )
}

fn no_funding() -> Funding {
    Funding::Unstated
}

/// The fast reader on one thread and on two reads the files exactly as the detailed reader does
/// (read with `detailed`): the same figures, families in the same order, the same rows counted.
fn readers_agree(
    table: &str,
    before: impl Into<Vec<u8>>,
    after: impl Into<Vec<u8>>,
    detailed: ReadOptions,
) -> Result<(), TestCaseError> {
    let (before, after): (Vec<u8>, Vec<u8>) = (before.into(), after.into());
    let (before, after) = ([before], [after]);
    let read = |options: ReadOptions| {
        cost_with(
            table,
            &before,
            &after,
            Decimal::ZERO,
            no_funding(),
            &options,
        )
    };
    let detailed = read(detailed);
    let one_thread = read(ReadOptions {
        threads: Some(1),
        ..ReadOptions::default()
    });
    let two_threads = read(ReadOptions {
        threads: Some(2),
        ..ReadOptions::default()
    });
    prop_assert_eq!(figures(&detailed), figures(&one_thread));
    prop_assert_eq!(figures(&one_thread), figures(&two_threads));
    let order = |costed: &Costed| {
        costed
            .ledger
            .families
            .iter()
            .map(|family| family.family_id.to_string())
            .collect::<Vec<_>>()
    };
    prop_assert_eq!(order(&detailed), order(&two_threads));
    let counts = |costed: &Costed| {
        costed
            .context
            .inputs
            .iter()
            .map(|account| {
                (
                    account.rows_read,
                    account.rows_used,
                    account.rows_blank,
                    account.rows_rejected,
                )
            })
            .collect::<Vec<_>>()
    };
    prop_assert_eq!(counts(&detailed), counts(&two_threads));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn agencies_and_families_add_up_exactly(
        table in table(),
        before in rows(),
        after in rows(),
        intervention_pence in 0u64..1_000_000,
        shares in prop::collection::vec(1u32..100, 1..4),
    ) {
        let services = table.matches("[[unit_cost]]").count();
        let funding = Funding::Amounts(
            shares.iter().enumerate().map(|(index, share)| (AGENCIES[index].to_string(), Decimal::from(*share))).collect(),
        );
        let costed = cost(&table, &csv(&before, services), &csv(&after, services), Decimal::new(intervention_pence as i64, 2), funding);
        let ledger = &costed.ledger;

        let agency_benefit: Decimal = ledger.agencies.iter().map(|agency| agency.benefit).sum();
        prop_assert_eq!(agency_benefit, ledger.totals.benefit);
        let agency_funding: Decimal = ledger.agencies.iter().map(|agency| agency.funding).sum();
        prop_assert_eq!(agency_funding, ledger.totals.intervention);
        let agency_net: Decimal = ledger.agencies.iter().map(|agency| agency.net).sum();
        prop_assert_eq!(agency_net, ledger.totals.benefit_less_funding);

        let family_net: Decimal = ledger.families.iter().map(|family| family.net_saving()).sum();
        prop_assert_eq!(family_net, ledger.totals.net_saving);
        for family in &ledger.families {
            prop_assert_eq!(family.net_saving(), family.before - family.intervention - family.after);
            prop_assert_eq!(family.gross_saving(), family.before - family.after);
        }
        prop_assert_eq!(Some(ledger.totals.net_saving), ledger.totals.before.zip(ledger.totals.after).map(|(b, a)| b - ledger.totals.intervention - a));
        prop_assert!(costed.checks.iter().all(|check| check.agrees), "{:?}", costed.checks);

        // The services add up to the study, and each service's agencies to the service.
        for window in 0..2 {
            let services: Decimal = ledger.services.iter().map(|service| service.money[window]).sum();
            let total = [ledger.totals.before, ledger.totals.after][window].unwrap();
            prop_assert_eq!(services, total);
        }
        let book = &costed.context.book;
        for service in &ledger.services {
            let unit_cost = book.service(service.service).unit_cost;
            for window in 0..2 {
                prop_assert_eq!(service.money[window], service.quantity[window] * unit_cost);
                let by_agency: Decimal = service.by_agency.iter().map(|(_, money)| money[window]).sum();
                prop_assert_eq!(by_agency, service.money[window]);
            }
            prop_assert_eq!(service.grade, book.service(service.service).grade);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn the_fast_reader_on_any_threads_agrees_with_the_detailed_reader(table in table(), before in rows(), after in rows()) {
        let services = table.matches("[[unit_cost]]").count();
        let detailed = ReadOptions { detailed_only: true, ..ReadOptions::default() };
        readers_agree(&table, csv(&before, services), csv(&after, services), detailed)?;
    }

    /// Untidy rows (spaces to trim, CRLF endings, blank lines and rows of commas, quoted fields,
    /// quoted notes with commas and line breaks, many decimal places, columns in another order,
    /// rows padded as spreadsheets pad them, tab- and semicolon-separated files, notes in
    /// Windows-1252 or UTF-8) are read the same by the fast reader, whose shortcut takes only the
    /// tidiest rows and which hands a file it cannot read to the detailed reader, as by the
    /// detailed reader alone.
    #[test]
    fn the_fast_reader_agrees_with_the_detailed_reader_on_untidy_rows(
        table in table(),
        before in prop::collection::vec((0u8..12, 0usize..8, 0u32..100_000, 0u8..12), 1..60),
        after in rows(),
        layout in 0u8..6,
        encoding in 0u8..3,
    ) {
        let services = table.matches("[[unit_cost]]").count();
        let (header, delimiter) = [
            ("family_id,service,quantity", ","),
            ("service,quantity,family_id", ","),
            ("family_id,service,quantity,note", ","),
            ("family_id,service,quantity,note,,", ","),
            ("family_id\tservice\tquantity\tnote", "\t"),
            ("family_id;service;quantity;note", ";"),
        ][layout as usize];
        let mut text: Vec<u8> = format!("{header}\n").into_bytes();
        for (family, service, hundredths, untidy) in &before {
            let family = format!("F{family}");
            let service = format!("s{}", service % services);
            let mut quantity = format!("{}.{:02}", hundredths / 100, hundredths % 100);
            let (mut family_field, mut ending, mut note) = (family.clone(), "\n", "a note".to_string());
            match untidy {
                1 => family_field = format!(" {family} "),
                2 => quantity = format!(" {quantity}"),
                3 => family_field = format!("\"{family}\""),
                4 => ending = "\r\n",
                5 => text.push(b'\n'),
                6 => text.extend_from_slice(format!("{delimiter}{delimiter}\n").as_bytes()),
                7 => quantity = format!("\"{quantity}\""),
                8 => quantity = format!("{quantity}1234567"),
                9 => note = "\"a note, with a comma; and \"\"quotes\"\"\"".to_string(),
                10 => note = "\"a note\nover two lines\"".to_string(),
                11 => note = ["caf\u{e9}", "£5", "caf\u{e9} £5"][encoding as usize % 3].to_string(),
                _ => {}
            }
            let row = match layout {
                0 => format!("{family_field},{service},{quantity}"),
                1 => format!("{service},{quantity},{family_field}"),
                3 => format!("{family_field},{service},{quantity},{note},,"),
                _ => [family_field.as_str(), &service, &quantity, &note].join(delimiter),
            };
            // Notes in Windows-1252 (as Excel's plain "CSV" writes), or UTF-8.
            let row = match encoding {
                1 => encoding_rs::WINDOWS_1252.encode(&row).0.into_owned(),
                _ => row.into_bytes(),
            };
            text.extend_from_slice(&row);
            text.extend_from_slice(ending.as_bytes());
        }
        let detailed = ReadOptions { detailed_only: true, ..ReadOptions::default() };
        readers_agree(&table, text, csv(&after, services), detailed)?;
    }

    #[test]
    fn shuffling_rows_changes_nothing(table in table(), before in rows(), after in rows(), seed in any::<u64>()) {
        let services = table.matches("[[unit_cost]]").count();
        let original = cost(&table, &csv(&before, services), &csv(&after, services), Decimal::ZERO, no_funding());
        let shuffle = |rows: &[(u8, usize, u32)]| {
            let mut shuffled = rows.to_vec();
            // A deterministic shuffle from the seed, so that failures reproduce.
            let mut state = seed | 1;
            for index in (1..shuffled.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                shuffled.swap(index, (state % (index as u64 + 1)) as usize);
            }
            shuffled
        };
        let shuffled = cost(&table, &csv(&shuffle(&before), services), &csv(&shuffle(&after), services), Decimal::ZERO, no_funding());
        prop_assert_eq!(figures(&original), figures(&shuffled));
    }

    #[test]
    fn splitting_a_window_over_two_files_changes_nothing(table in table(), before in rows(), after in rows(), split in 0usize..60) {
        let services = table.matches("[[unit_cost]]").count();
        let original = cost(&table, &csv(&before, services), &csv(&after, services), Decimal::ZERO, no_funding());
        // Each part keeps at least one row: a file with a header and no records is an error.
        prop_assume!(before.len() >= 2);
        let split = 1 + split % (before.len() - 1);
        let (first, second) = before.split_at(split);
        let parts = [csv(first, services), csv(second, services)];
        let split_study = cost_files(&table, &parts, &[csv(&after, services)], Decimal::ZERO, no_funding());
        prop_assert_eq!(figures(&original), figures(&split_study));
        prop_assert_eq!(split_study.context.inputs.len(), 3);
    }

    #[test]
    fn a_row_repeated_as_two_halves_changes_nothing(table in table(), before in rows(), after in rows(), which in 0usize..60) {
        let services = table.matches("[[unit_cost]]").count();
        let original = cost(&table, &csv(&before, services), &csv(&after, services), Decimal::ZERO, no_funding());
        let which = which % before.len();
        let (family, service, hundredths) = before[which];
        let mut text = csv(&before, services);
        let quantity = Decimal::new(hundredths as i64, 2);
        let half = quantity / Decimal::TWO;
        // Replace the row with two rows of half its quantity each.
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines[which + 1] = format!("F{family},s{},{half}", service % services);
        lines.insert(which + 2, format!("F{family},s{},{half}", service % services));
        text = lines.join("\n") + "\n";
        let halved = cost(&table, &text, &csv(&after, services), Decimal::ZERO, no_funding());
        prop_assert_eq!(figures(&original), figures(&halved));
    }

    #[test]
    fn displayed_totals_are_the_exact_totals_rounded(table in table(), before in rows(), after in rows(), intervention_pence in 0u64..1_000_000) {
        let services = table.matches("[[unit_cost]]").count();
        let costed = cost(&table, &csv(&before, services), &csv(&after, services), Decimal::new(intervention_pence as i64, 2), no_funding());
        let document = tfcalc::report::Document {
            title: String::new(),
            charts: Vec::new(),
            tables: vec![tfcalc::report::views::family_summary(&costed.ledger, &costed.context)],
        };
        let text = tfcalc::report::terminal::render_to_string(&document, tfcalc::money::Precision::Pounds);
        let total = crate::common::table_row(&text, &format!("Total ({} {})", costed.ledger.family_count, if costed.ledger.family_count == 1 { "family" } else { "families" }));
        let exact = &costed.ledger.totals;
        let expected = [exact.before.unwrap(), exact.intervention, exact.after.unwrap(), exact.benefit, exact.net_saving]
            .map(|value| tfcalc::money::format_money(value, tfcalc::money::Precision::Pounds));
        prop_assert_eq!(&total[1..], &expected[..]);

        // A reader adding up the net savings as shown gets the total shown, or the reconciliation
        // says what they get instead.
        let shown: Decimal = costed
            .ledger
            .families
            .iter()
            .map(|family| {
                let row = crate::common::table_row(&text, &family.family_id);
                tfcalc::money::parse_money(&row[5]).unwrap()
            })
            .sum();
        let shown_total = tfcalc::money::parse_money(&total[5]).unwrap();
        let gaps = &costed.rounding_gaps;
        let net_gap = gaps.iter().find(|gap| gap.lines.ends_with("net savings"));
        if costed.ledger.families.len() > 1 && shown != shown_total {
            let gap = net_gap.expect("a rounding gap is reported");
            prop_assert_eq!(gap.sum_of_rounded, shown);
            prop_assert_eq!(gap.rounded_total, shown_total);
        } else {
            prop_assert!(net_gap.is_none());
        }
    }
}

/// Arbitrary bytes and strings against every reader: a clear error or a result, never a panic.
/// These stand in for the fuzz targets in `fuzz/` when `cargo test` runs.
mod arbitrary_input {
    use proptest::prelude::*;

    /// Text made of the characters CSV and TOML care about, so that inputs get past the first check.
    fn csvish() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[a-z0-9_,\"\\r\\n £.=+@-]{0,200}").unwrap()
    }

    fn tomlish() -> impl Strategy<Value = String> {
        proptest::string::string_regex("(\\[\\[unit_cost\\]\\]|\\[study\\]|id|name|cost|agency|components|before|families|quantity| = |\"[a-z0-9.£,-]{0,6}\"|\\[|\\]|\\{|\\}|,|\\n|[0-9]{1,3}){0,60}").unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn usage_csv_reader_survives_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            tfcalc::fuzzing::usage_csv(&bytes);
        }

        #[test]
        fn usage_csv_reader_survives_csv_like_text(prefix in prop::sample::select(vec!["family_id,service,quantity\n", "service,quantity,family_id,note\n", ""]), text in csvish()) {
            tfcalc::fuzzing::usage_csv(format!("{prefix}{text}").as_bytes());
        }

        #[test]
        fn unit_cost_loader_survives_any_text(text in tomlish(), bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            tfcalc::fuzzing::unit_cost_table(text.as_bytes());
            tfcalc::fuzzing::unit_cost_table(&bytes);
        }

        #[test]
        fn study_loader_survives_any_text(text in tomlish(), bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            tfcalc::fuzzing::study_file(text.as_bytes());
            tfcalc::fuzzing::study_file(&bytes);
        }

        #[test]
        fn money_parsing_survives_any_text(text in "\\PC{0,40}", numeric in "[-+£ ,.0-9]{0,40}") {
            tfcalc::fuzzing::money(text.as_bytes());
            tfcalc::fuzzing::money(numeric.as_bytes());
        }
    }

    proptest! {
        // Each case is some fifty runs of the whole program, so `cargo test` tries a few; the
        // long runs are `PROPTEST_CASES=N cargo test --release` and the fuzz target
        // `report_study` (see BENCHMARKS.md's fuzzing section).
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// Every command in every format on studies whose figures sit at the edges of Decimal's
        /// range: a clear error or a report, never a panic.
        #[test]
        fn every_report_survives_figures_at_the_edge_of_decimals_range(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            tfcalc::fuzzing::report_study(&bytes);
        }
    }
}
