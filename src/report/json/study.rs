//! One study as JSON: its figures, totals and appraisal, and the parts the other modules write,
//! in the order of the file format's keys.

use super::decimal::{Exact, exact};
use super::{JsonOptions, agencies, assumptions, checks, families, unit_costs};
use crate::costed::Costed;
use crate::usage::FileAccount;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct Study<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    study_file: Option<&'a str>,
    window_months: Option<u64>,
    /// The price year unit costs were uprated to, or null if they are at their own years.
    price_year: Option<String>,
    families: families::Families<'a>,
    agencies: Vec<agencies::Agency<'a>>,
    summary: Summary,
    totals: Totals,
    reconciliation: Vec<checks::Reconciled<'a>>,
    inputs: Vec<Input<'a>>,
    /// Whether each family carries its `lines`: the report leaves them out of a study of more
    /// families than it itemises, as its tables leave out the statements.
    itemised: bool,
    /// What the figures rest on, as the assumptions table shows it.
    assumptions: assumptions::Assumptions<'a>,
    /// Every unit cost the study used, and the parts of its composites.
    unit_costs: Vec<unit_costs::UnitCostUsed<'a>>,
    /// What the notes under the agency table say.
    agency_findings: agencies::Findings<'a>,
    /// Tables whose lines, each rounded as shown, add up to other than the total shown.
    rounding: Vec<checks::Rounding<'a>>,
}

#[derive(Serialize)]
struct Summary {
    families: u64,
    delivery_cost_per_family: Option<Exact>,
    counterfactual_cost_per_family: Exact,
    net_cost_per_family: Option<Exact>,
    benefit_per_family: Option<Exact>,
    roi: Option<Exact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    roi_note: Option<String>,
    /// benefit − families × net cost per family: the bottom line the return on investment agrees
    /// with (`totals.net_saving` leaves the counterfactual out).
    net_benefit: Exact,
    /// families × counterfactual cost per family.
    counterfactual_total: Exact,
    /// families × net cost per family: what the benefit is set against.
    net_cost_total: Exact,
}

#[derive(Serialize)]
struct Totals {
    before: Option<Exact>,
    intervention: Exact,
    after: Option<Exact>,
    gross_saving: Exact,
    net_saving: Exact,
    benefit: Exact,
    /// The delivery cost charged to agencies (0 when no funding is stated).
    funding: Exact,
    /// benefit − funding: the agency table's net total.
    benefit_less_funding: Exact,
}

#[derive(Serialize)]
struct Input<'a> {
    file: &'a str,
    rows_read: u64,
    rows_used: u64,
    rows_blank: u64,
    rows_rejected: u64,
}

pub(super) fn study(figures: &Costed, options: JsonOptions) -> Study<'_> {
    let ledger = &figures.ledger;
    let context = &figures.context;
    let appraisal = &figures.appraisal;
    Study {
        name: &context.name,
        study_file: context.study_file.as_deref(),
        window_months: context.window_months,
        price_year: context
            .book
            .uprating()
            .map(|uprating| uprating.target.to_string()),
        families: families::families(ledger, context, options),
        agencies: agencies::agencies(ledger),
        summary: Summary {
            families: appraisal.families,
            delivery_cost_per_family: appraisal.delivery_cost_per_family.map(exact),
            counterfactual_cost_per_family: exact(appraisal.counterfactual_cost_per_family),
            net_cost_per_family: appraisal.net_cost_per_family.map(exact),
            benefit_per_family: appraisal.benefit_per_family.map(exact),
            roi: appraisal.roi.ratio().map(exact),
            roi_note: appraisal.roi.explanation(),
            net_benefit: exact(appraisal.net_benefit),
            counterfactual_total: exact(appraisal.counterfactual_total),
            net_cost_total: exact(appraisal.net_cost_total),
        },
        totals: Totals {
            before: ledger.totals.before.map(exact),
            intervention: exact(ledger.totals.intervention),
            after: ledger.totals.after.map(exact),
            gross_saving: exact(ledger.totals.benefit),
            net_saving: exact(ledger.totals.net_saving),
            benefit: exact(ledger.totals.benefit),
            funding: exact(ledger.totals.funding),
            benefit_less_funding: exact(ledger.totals.benefit_less_funding),
        },
        reconciliation: checks::reconciliation(&figures.checks),
        inputs: context.inputs.iter().map(input).collect(),
        itemised: options.itemises(ledger),
        assumptions: assumptions::assumptions(ledger, context),
        unit_costs: unit_costs::unit_costs(ledger, context),
        agency_findings: agencies::findings(ledger, context),
        rounding: checks::rounding(&figures.rounding_gaps),
    }
}

fn input(account: &FileAccount) -> Input<'_> {
    Input {
        file: &account.file,
        rows_read: account.rows_read,
        rows_used: account.rows_used,
        rows_blank: account.rows_blank,
        rows_rejected: account.rows_rejected,
    }
}
