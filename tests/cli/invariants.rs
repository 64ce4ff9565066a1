//! Properties that hold for every study, checked on random ones: the agencies' benefits add up to
//! the total benefit, and the families' net savings add up to the study's net saving, exactly.

use proptest::prelude::*;
use rust_decimal::Decimal;
use std::sync::Arc;
use tfcalc::costed::Costed;
use tfcalc::costs::{CostBook, table::parse_table};
use tfcalc::diagnostic::Diagnostics;
use tfcalc::input_path::InputPath;
use tfcalc::ledger::{self, RecordInputs, StudyInputs};
use tfcalc::study::{Funding, Intervention, InterventionItem, Published, Study, StudyData};
use tfcalc::usage::{UsageFile, read_usage_bytes};

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
    let mut diagnostics = Diagnostics::new();
    let parsed = parse_table("random.toml", table, false, &mut diagnostics).unwrap();
    let book = CostBook::from_tables(vec![parsed], None, &mut diagnostics).expect("a valid table");
    let mut read = |text: &str| {
        let mut usage = UsageFile::default();
        read_usage_bytes(
            "rows.csv",
            text.as_bytes(),
            &book,
            &mut diagnostics,
            &mut usage,
        );
        usage
    };
    let (before_usage, after_usage) = (read(before), read(after));
    assert!(!diagnostics.has_errors(), "{:?}", diagnostics.problems());
    let study = Study {
        name: "Random".into(),
        path: None,
        window_months: Some(6),
        unit_cost_tables: Vec::new(),
        price_year: None,
        data: StudyData::Records {
            before: InputPath::given("before.csv"),
            after: InputPath::given("after.csv"),
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
        counterfactual_per_family: Decimal::ZERO,
        published: Published::default(),
    };
    let inputs = StudyInputs {
        study,
        book: Arc::new(book),
        records: Some(RecordInputs {
            before: before_usage,
            after: after_usage,
            interventions: Default::default(),
        }),
    };
    Costed::new(ledger::build(inputs).unwrap(), Decimal::new(50, 2))
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

        let family_net: Decimal = ledger.families.iter().map(|family| family.net_saving).sum();
        prop_assert_eq!(family_net, ledger.totals.net_saving);
        for family in &ledger.families {
            prop_assert_eq!(family.net_saving, family.before - family.intervention - family.after);
            prop_assert_eq!(family.gross_saving, family.before - family.after);
        }
        prop_assert_eq!(Some(ledger.totals.net_saving), ledger.totals.before.zip(ledger.totals.after).map(|(b, a)| b - ledger.totals.intervention - a));
        prop_assert!(costed.checks.iter().all(|check| check.agrees), "{:?}", costed.checks);
    }
}
