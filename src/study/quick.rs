//! A study made from command-line options (`--before`, `--after`, ...), with no study file.

use super::{Funding, Intervention, InterventionItem, Published, Study, StudyData};
use crate::input_path::InputPath;
use indexmap::IndexMap;
use rust_decimal::Decimal;
use std::path::PathBuf;

/// A study made from command-line options, with no study file.
pub struct QuickStudy {
    pub before: Vec<PathBuf>,
    pub after: Vec<PathBuf>,
    pub unit_cost_tables: Vec<InputPath>,
    pub intervention_per_family: Option<Decimal>,
    pub counterfactual_per_family: Option<Decimal>,
    pub window_months: Option<u64>,
    pub name: Option<String>,
}

impl QuickStudy {
    pub fn into_study(self) -> Study {
        Study {
            name: self.name.unwrap_or_else(|| "Quick run".to_string()),
            path: None,
            window_months: self.window_months,
            unit_cost_tables: self.unit_cost_tables,
            price_year: None,
            price_year_at: None,
            deflator: None,
            data: StudyData::Records {
                before: self.before.into_iter().map(InputPath::given).collect(),
                after: self.after.into_iter().map(InputPath::given).collect(),
                declared_families: None,
            },
            intervention: Intervention {
                items: self
                    .intervention_per_family
                    .map(|amount| InterventionItem {
                        name: "Intervention cost per family".to_string(),
                        per_family: amount,
                        derivation: None,
                    })
                    .into_iter()
                    .collect(),
                per_family_file: None,
            },
            funding: Funding::Unstated,
            funding_named_at: IndexMap::new(),
            funding_file: None,
            counterfactual_per_family: self.counterfactual_per_family.unwrap_or_default(),
            published: Published::default(),
            agency_map: crate::agency_map::AgencyMap::default(),
            agency_file: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quick_run_is_a_study_of_the_files_given_with_one_intervention_item() {
        let study = QuickStudy {
            before: vec![PathBuf::from("b.csv")],
            after: vec![PathBuf::from("a.csv")],
            unit_cost_tables: Vec::new(),
            intervention_per_family: Some(Decimal::from(2419)),
            counterfactual_per_family: None,
            window_months: Some(6),
            name: None,
        }
        .into_study();
        assert_eq!(study.name, "Quick run");
        assert_eq!(study.path, None);
        let StudyData::Records { before, after, .. } = &study.data else {
            panic!("a study of records");
        };
        assert_eq!(before, &[InputPath::given("b.csv")]);
        assert_eq!(after, &[InputPath::given("a.csv")]);
        assert_eq!(study.intervention.items.len(), 1);
        assert_eq!(study.intervention.items[0].per_family, Decimal::from(2419));
        assert_eq!(study.counterfactual_per_family, Decimal::ZERO);
    }
}
