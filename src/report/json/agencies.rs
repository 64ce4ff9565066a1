//! A study's agencies as JSON: each agency's costs, benefit, funding and net, and what the notes
//! under the agency table say of them.

use super::decimal::{Exact, exact};
use crate::context::StudyContext;
use crate::ledger::StudyLedger;
use crate::report::views;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct Findings<'a> {
    /// Whether the study says who pays for delivery: if not, no agency is charged any of it.
    funding_stated: bool,
    come_out_ahead: Vec<&'a str>,
    fund_more_than_they_gain: Vec<&'a str>,
    costs_rose_for: Vec<&'a str>,
}

#[derive(Serialize)]
pub(super) struct Agency<'a> {
    agency: &'a str,
    before: Option<Exact>,
    after: Option<Exact>,
    benefit: Exact,
    funding: Exact,
    net: Exact,
}

/// Each of the ledger's agencies, as the agency table lists them.
pub(super) fn agencies(ledger: &StudyLedger) -> Vec<Agency<'_>> {
    ledger
        .agencies
        .iter()
        .map(|agency| Agency {
            agency: &agency.agency,
            before: agency.before.map(exact),
            after: agency.after.map(exact),
            benefit: exact(agency.benefit),
            funding: exact(agency.funding),
            net: exact(agency.net),
        })
        .collect()
}

pub(super) fn findings<'a>(ledger: &'a StudyLedger, context: &'a StudyContext) -> Findings<'a> {
    let found = views::AgencyFindings::of(ledger, context);
    Findings {
        funding_stated: found.funding_stated,
        come_out_ahead: found.come_out_ahead,
        fund_more_than_they_gain: found.fund_more_than_they_gain,
        costs_rose_for: found.costs_rose_for,
    }
}
