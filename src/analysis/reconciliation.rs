//! The reconciliation stage: every published figure beside the computed one, each published
//! line item beside the lines it covers, the published figures against each other, and for each
//! figure that differs, why where the other checks show it.

use super::Findings;
use super::check::{Check, CheckKind, Measure, Tolerance, compare, per_family_rounding};
use super::roi::Appraisal;
use crate::context::StudyContext;
use crate::diagnostic::InputErrors;
use crate::ledger::StudyLedger;
use crate::money::Pounds;
use crate::study::{Figure, ItemCovers, StatementPart};
use rust_decimal::Decimal;

/// The reconciliation stage: the checks against published figures (see [`reconcile`]).
pub(crate) fn stage(
    ledger: &StudyLedger,
    context: &StudyContext,
    found: &Findings,
) -> Result<Findings, InputErrors> {
    Ok(Findings {
        checks: reconcile(ledger, context, found.appraisal(), context.tolerance),
        ..Findings::default()
    })
}

/// The tolerance given on the command line (or the default), for published money figures.
fn published_tolerance(tolerance: Decimal) -> Tolerance {
    Tolerance {
        amount: tolerance,
        basis: "the tolerance".to_string(),
    }
}

/// Compares each published figure of a study with the computed one, each published line item
/// with the lines it covers, and the published figures with each other; then says, for each
/// figure that differs, why where it can.
pub(crate) fn reconcile(
    ledger: &StudyLedger,
    context: &StudyContext,
    appraisal: &Appraisal,
    tolerance: Decimal,
) -> Vec<Check> {
    let mut checks = Vec::new();
    for published in &context.published.figures {
        let figure = published.figure;
        let measure = measure_of(figure);
        let computed = computed_figure(figure, ledger, appraisal);
        let note = match (figure, computed) {
            (Figure::Roi, None) => appraisal.roi.explanation(),
            (_, None) => Some("not available for this study".to_string()),
            _ => None,
        };
        checks.push(compare(
            context,
            CheckKind::Published,
            figure.label().to_string(),
            figure.key().to_string(),
            measure,
            published.value.value,
            computed,
            (measure == Measure::Money).then(|| published_tolerance(tolerance)),
            Some(published.value.location.clone()),
            note,
        ));
    }
    for (agency, published) in &context.published.agencies {
        let computed = ledger
            .agencies
            .iter()
            .find(|row| &row.agency == agency)
            .map(|row| row.benefit);
        let note = computed
            .is_none()
            .then(|| format!("no agency named {agency:?} bears any cost in this study"));
        checks.push(compare(
            context,
            CheckKind::Published,
            format!("Benefit to {agency}"),
            format!("agency:{agency}"),
            Measure::Money,
            published.value,
            Some(computed.unwrap_or_default()),
            Some(published_tolerance(tolerance)),
            Some(published.location.clone()),
            note,
        ));
    }
    let items = reconcile_items(ledger, context, tolerance);
    let mut consistency = published_consistency(context, tolerance);
    consistency.extend(item_sums(context, tolerance));
    checks.extend(items);
    checks.extend(consistency);
    let reasons: Vec<Option<String>> = checks
        .iter()
        .map(|check| reason(ledger, context, check, &checks))
        .collect();
    for (check, reason) in checks.iter_mut().zip(reasons) {
        check.reason = reason;
    }
    checks
}

fn measure_of(figure: Figure) -> Measure {
    match figure {
        Figure::Families => Measure::Count,
        Figure::Roi => Measure::Ratio,
        _ => Measure::Money,
    }
}

/// A figure in a sentence, after "the published": "costs before", and whether it takes "are".
fn noun(figure: Figure) -> (&'static str, bool) {
    match figure {
        Figure::Families => ("number of families", false),
        Figure::Before => ("costs before", true),
        Figure::Intervention => ("intervention cost", false),
        Figure::After => ("costs after", true),
        Figure::GrossSaving => ("gross saving", false),
        Figure::NetSaving => ("net saving", false),
        Figure::Benefit => ("total benefit", false),
        Figure::DeliveryCostPerFamily => ("delivery cost per family", false),
        Figure::CounterfactualCostPerFamily => ("counterfactual cost per family", false),
        Figure::NetCostPerFamily => ("net cost per family", false),
        Figure::BenefitPerFamily => ("benefit per family", false),
        Figure::Roi => ("return on investment", false),
    }
}

/// A figure as a reason shows it: money in whole pounds unless it has pence, a ratio as `£0.39 :
/// £1.00`, a count as a number.
fn shown(measure: Measure, value: Decimal) -> String {
    match measure {
        Measure::Money if value.fract().is_zero() => Pounds(value).to_string(),
        Measure::Money => crate::money::format_money(value, crate::money::Precision::Pence),
        Measure::Ratio => crate::money::format_ratio(value),
        Measure::Count => crate::money::format_quantity(value),
    }
}

/// How much less or more a figure is than another, in words: "£3 less", "£0.07 more".
fn less_or_more(difference: Decimal, measure: Measure) -> String {
    let size = shown(measure, difference.abs());
    if difference.is_sign_negative() {
        format!("{size} less")
    } else {
        format!("{size} more")
    }
}

/// The published figures that give another, and how: `net_saving = before - intervention - after`.
enum Relation {
    /// The first figure less the others.
    Difference(Figure, &'static [Figure]),
    /// The first divided by the second.
    Quotient(Figure, Figure),
    /// The number of families times a per-family figure, within 50p a family of rounding.
    PerFamily(Figure),
}

fn relation(figure: Figure) -> Option<Relation> {
    match figure {
        Figure::NetSaving => Some(Relation::Difference(
            Figure::Before,
            &[Figure::Intervention, Figure::After],
        )),
        Figure::GrossSaving => Some(Relation::Difference(Figure::Before, &[Figure::After])),
        Figure::NetCostPerFamily => Some(Relation::Difference(
            Figure::DeliveryCostPerFamily,
            &[Figure::CounterfactualCostPerFamily],
        )),
        Figure::Roi => Some(Relation::Quotient(
            Figure::BenefitPerFamily,
            Figure::NetCostPerFamily,
        )),
        Figure::Benefit => Some(Relation::PerFamily(Figure::BenefitPerFamily)),
        _ => None,
    }
}

impl Relation {
    fn inputs(&self) -> Vec<Figure> {
        match self {
            Relation::Difference(first, rest) => std::iter::once(*first)
                .chain(rest.iter().copied())
                .collect(),
            Relation::Quotient(numerator, denominator) => vec![*numerator, *denominator],
            Relation::PerFamily(per_family) => vec![Figure::Families, *per_family],
        }
    }

    /// How the relation reads: "costs before less intervention cost less costs after".
    fn words(&self) -> String {
        match self {
            Relation::Difference(first, rest) => std::iter::once(noun(*first).0)
                .chain(rest.iter().map(|figure| noun(*figure).0))
                .collect::<Vec<_>>()
                .join(" less "),
            Relation::Quotient(numerator, denominator) => {
                format!("{} ÷ {}", noun(*numerator).0, noun(*denominator).0)
            }
            Relation::PerFamily(per_family) => format!("families × {}", noun(*per_family).0),
        }
    }
}

fn published_value(context: &StudyContext, figure: Figure) -> Option<Decimal> {
    context
        .published
        .figures
        .iter()
        .find(|published| published.figure == figure)
        .map(|published| published.value.value)
}

/// Each published figure that other published figures give, against what they give.
fn published_consistency(context: &StudyContext, tolerance: Decimal) -> Vec<Check> {
    let mut checks = Vec::new();
    for published in &context.published.figures {
        let figure = published.figure;
        let Some(relation) = relation(figure) else {
            continue;
        };
        let Some(inputs) = relation
            .inputs()
            .into_iter()
            .map(|input| published_value(context, input))
            .collect::<Option<Vec<Decimal>>>()
        else {
            continue;
        };
        let (derived, allowance, figures) = match &relation {
            Relation::Difference(..) => (
                inputs
                    .iter()
                    .skip(1)
                    .try_fold(inputs[0], |value, input| value.checked_sub(*input)),
                published_tolerance(tolerance),
                inputs
                    .iter()
                    .map(|input| shown(Measure::Money, *input))
                    .collect::<Vec<_>>()
                    .join(" − "),
            ),
            Relation::Quotient(..) => (
                (!inputs[1].is_zero())
                    .then(|| crate::money::divide(inputs[0], inputs[1]))
                    .flatten(),
                published_tolerance(tolerance),
                format!(
                    "{} ÷ {}",
                    shown(Measure::Money, inputs[0]),
                    shown(Measure::Money, inputs[1])
                ),
            ),
            Relation::PerFamily(_) => (
                inputs[0].checked_mul(inputs[1]),
                per_family_rounding(inputs[0]),
                format!(
                    "{} × {}",
                    shown(Measure::Count, inputs[0]),
                    shown(Measure::Money, inputs[1])
                ),
            ),
        };
        let measure = measure_of(figure);
        let (name, _) = noun(figure);
        checks.push(compare(
            context,
            CheckKind::PublishedConsistency,
            format!(
                "The published {name} against the published {} ({figures})",
                relation.words()
            ),
            format!("consistency:published:{}", figure.key()),
            measure,
            published.value.value,
            derived,
            (measure == Measure::Money).then_some(allowance),
            Some(published.value.location.clone()),
            derived
                .is_none()
                .then(|| "cannot be worked out from the published figures".to_string()),
        ));
    }
    checks
}

/// What the study's records give for one statement part's services: each service's quantity
/// in the window times its unit cost. `Err` says why it cannot be worked out.
fn service_total(
    ledger: &StudyLedger,
    context: &StudyContext,
    part: StatementPart,
    service: &str,
) -> Result<Decimal, String> {
    if ledger.is_summary {
        return Err("a summary study has no service records to compare items with".to_string());
    }
    let Some(id) = context.book.lookup(service) else {
        return Err(format!("no unit cost of this study has the id `{service}`"));
    };
    let window = match part {
        StatementPart::Before => 0,
        StatementPart::After => 1,
        StatementPart::Intervention => {
            return Err("an intervention item names no service".to_string());
        }
    };
    Ok(ledger
        .service(id)
        .map_or(Decimal::ZERO, |service| service.money[window]))
}

/// Each published line item against the lines it covers.
fn reconcile_items(ledger: &StudyLedger, context: &StudyContext, tolerance: Decimal) -> Vec<Check> {
    let mut checks = Vec::new();
    for item in &context.published.items {
        let (computed, what) = match &item.covers {
            ItemCovers::Services(services) => {
                let totals: Result<Vec<Decimal>, String> = services
                    .iter()
                    .map(|(service, _)| service_total(ledger, context, item.part, service))
                    .collect();
                let computed = totals.and_then(|totals| {
                    crate::money::checked_sum(totals)
                        .ok_or_else(|| "more than can be computed exactly".to_string())
                });
                let ids: Vec<&str> = services
                    .iter()
                    .map(|(service, _)| service.as_str())
                    .collect();
                (computed, ids.join("+"))
            }
            ItemCovers::InterventionItem(name) => {
                let computed = context
                    .intervention_items
                    .iter()
                    .find(|known| &known.name == name)
                    .ok_or_else(|| format!("no intervention item is named {name:?}"))
                    .and_then(|known| {
                        known
                            .per_family
                            .checked_mul(Decimal::from(ledger.family_count))
                            .ok_or_else(|| "more than can be computed exactly".to_string())
                    });
                (computed, item.label.clone())
            }
        };
        let (computed, note) = match computed {
            Ok(computed) => (Some(computed), None),
            Err(why) => (None, Some(why)),
        };
        checks.push(compare(
            context,
            CheckKind::Item,
            format!("{}: {}", item.part.figure().label(), item.label),
            format!("item:{}:{what}", item.part.key()),
            Measure::Money,
            item.value.value,
            computed,
            Some(published_tolerance(tolerance)),
            Some(item.value.location.clone()),
            note,
        ));
    }
    checks
}

/// For each part with published items and a published total: the items against the total.
fn item_sums(context: &StudyContext, tolerance: Decimal) -> Vec<Check> {
    let mut checks = Vec::new();
    for part in [
        StatementPart::Before,
        StatementPart::Intervention,
        StatementPart::After,
    ] {
        let values: Vec<Decimal> = context
            .published
            .items
            .iter()
            .filter(|item| item.part == part)
            .map(|item| item.value.value)
            .collect();
        let Some(total) = context
            .published
            .figures
            .iter()
            .find(|published| published.figure == part.figure())
        else {
            continue;
        };
        if values.is_empty() {
            continue;
        }
        let (name, _) = noun(part.figure());
        checks.push(compare(
            context,
            CheckKind::PublishedConsistency,
            format!(
                "The published items of the {name} ({}) add up to the published {name}",
                values.len()
            ),
            format!("consistency:published:items:{}", part.key()),
            Measure::Money,
            total.value.value,
            crate::money::checked_sum(values),
            Some(published_tolerance(tolerance)),
            Some(total.value.location.clone()),
            None,
        ));
    }
    checks
}

/// Why a check differs, where the other checks show it.
fn reason(
    ledger: &StudyLedger,
    context: &StudyContext,
    check: &Check,
    checks: &[Check],
) -> Option<String> {
    if check.agrees {
        return None;
    }
    let find = |key: &str| checks.iter().find(|other| other.key == key);
    if check.kind == CheckKind::PublishedConsistency
        && let Some(part) = check.key.strip_prefix("consistency:published:items:")
    {
        return item_reason(ledger, context, part, checks);
    }
    if check.kind != CheckKind::Published {
        return None;
    }
    let figure = Figure::ALL
        .into_iter()
        .find(|figure| figure.key() == check.key)?;
    let (name, _) = noun(figure);
    if let Some(relation) = relation(figure)
        && let Some(consistent) = find(&format!("consistency:published:{}", figure.key()))
    {
        if !consistent.agrees {
            return Some(format!(
                "the published {name} is not what the published {} give{}: the published figures disagree with each other",
                relation.words(),
                consistent
                    .computed
                    .map(|derived| format!(" ({})", shown(check.measure, derived)))
                    .unwrap_or_default()
            ));
        }
        let differing: Vec<String> = relation
            .inputs()
            .into_iter()
            .filter_map(|input| find(input.key()))
            .filter(|input| !input.agrees)
            .filter_map(|input| {
                let input_figure = Figure::ALL
                    .into_iter()
                    .find(|figure| figure.key() == input.key)?;
                let (input_name, plural) = noun(input_figure);
                let computed = input.computed?;
                // Checked: a published figure at the edge of Decimal's range less the computed one
                // can overflow; the reason is then left unsaid rather than wrong.
                let gap = input.expected.checked_sub(computed)?;
                let against = match input_figure {
                    Figure::Before | Figure::After if !ledger.is_summary => "the items add up to",
                    _ => "computed",
                };
                Some(format!(
                    "the published {input_name} ({}), which {} {} than {against} ({})",
                    shown(input.measure, input.expected),
                    if plural { "are" } else { "is" },
                    less_or_more(gap, input.measure),
                    shown(input.measure, computed)
                ))
            })
            .collect();
        return Some(if differing.is_empty() {
            format!(
                "the published {name} follows from the published {}, each within the tolerance of the computed figure: their small differences add up",
                relation.words()
            )
        } else {
            format!(
                "the published {name} follows from {}",
                differing.join(", and from ")
            )
        });
    }
    if let Some(part) = [
        StatementPart::Before,
        StatementPart::Intervention,
        StatementPart::After,
    ]
    .into_iter()
    .find(|part| part.figure() == figure)
    {
        if context.published.items.iter().any(|item| item.part == part) {
            return item_reason(ledger, context, part.key(), checks);
        }
        if !ledger.is_summary && part != StatementPart::Intervention {
            return Some(format!(
                "the computed {name} are the sum of the statement's lines; list the source's items under [[published.items]] to find the line that differs"
            ));
        }
    }
    None
}

/// Why a part's published total differs from its computed one, or from its published items:
/// the items that differ, the services no item covers, or the total itself.
fn item_reason(
    ledger: &StudyLedger,
    context: &StudyContext,
    part_key: &str,
    checks: &[Check],
) -> Option<String> {
    let part = [
        StatementPart::Before,
        StatementPart::Intervention,
        StatementPart::After,
    ]
    .into_iter()
    .find(|part| part.key() == part_key)?;
    let (name, plural) = noun(part.figure());
    let prefix = format!("item:{part_key}:");
    let items: Vec<&Check> = checks
        .iter()
        .filter(|check| check.key.starts_with(&prefix))
        .collect();
    let mut clauses = Vec::new();
    let differing: Vec<String> = items
        .iter()
        .filter(|item| !item.agrees)
        .map(|item| {
            let label = item
                .subject
                .split_once(": ")
                .map_or(item.subject.as_str(), |(_, label)| label);
            match item.computed {
                Some(computed) => format!(
                    "{label} (published {}, computed {})",
                    shown(Measure::Money, item.expected),
                    shown(Measure::Money, computed)
                ),
                None => format!("{label} (cannot be computed)"),
            }
        })
        .collect();
    if !differing.is_empty() {
        clauses.push(format!(
            "the published items that differ are {}",
            differing.join(", ")
        ));
    }
    if part != StatementPart::Intervention && !ledger.is_summary {
        let covered: Vec<&str> = context
            .published
            .items
            .iter()
            .filter(|item| item.part == part)
            .flat_map(|item| match &item.covers {
                ItemCovers::Services(services) => services
                    .iter()
                    .map(|(service, _)| service.as_str())
                    .collect(),
                ItemCovers::InterventionItem(_) => Vec::new(),
            })
            .collect();
        let uncovered: Vec<String> = ledger
            .services
            .iter()
            .map(|service| service.service)
            .filter(|&service| {
                !covered.contains(&context.book.service(service).definition.id.as_str())
            })
            .filter_map(|service| {
                let id = &context.book.service(service).definition.id;
                let amount = service_total(ledger, context, part, id).ok()?;
                (!amount.is_zero()).then(|| format!("{id} ({})", shown(Measure::Money, amount)))
            })
            .collect();
        if !uncovered.is_empty() {
            clauses.push(format!("no published item covers {}", uncovered.join(", ")));
        }
    }
    if !clauses.is_empty() {
        return Some(clauses.join("; "));
    }
    let total = context
        .published
        .figures
        .iter()
        .find(|published| published.figure == part.figure())?
        .value
        .value;
    let sum = crate::money::checked_sum(items.iter().map(|item| item.expected))?;
    let computed = crate::money::checked_sum(items.iter().filter_map(|item| item.computed))?;
    let total_difference = sum.checked_sub(total)?;
    if total_difference.is_zero() {
        return None;
    }
    Some(format!(
        "every published item agrees with its computed line, and the items add up to {}{}; the published {name} ({}) {} {} than {} own items",
        shown(Measure::Money, sum),
        if sum == computed {
            format!(", the computed {name}")
        } else {
            String::new()
        },
        shown(Measure::Money, total),
        if plural { "are" } else { "is" },
        less_or_more(total.checked_sub(sum)?, Measure::Money),
        if plural { "their" } else { "its" },
    ))
}

/// The computed value of a figure that can be published.
pub(crate) fn computed_figure(
    figure: Figure,
    ledger: &StudyLedger,
    appraisal: &Appraisal,
) -> Option<Decimal> {
    let totals = &ledger.totals;
    match figure {
        Figure::Families => Some(Decimal::from(ledger.family_count)),
        Figure::Before => totals.before,
        Figure::Intervention => Some(totals.intervention),
        Figure::After => totals.after,
        Figure::GrossSaving | Figure::Benefit => Some(totals.benefit),
        Figure::NetSaving => Some(totals.net_saving),
        Figure::DeliveryCostPerFamily => appraisal.delivery_cost_per_family,
        Figure::CounterfactualCostPerFamily => Some(appraisal.counterfactual_cost_per_family),
        Figure::NetCostPerFamily => appraisal.net_cost_per_family,
        Figure::BenefitPerFamily => appraisal.benefit_per_family,
        Figure::Roi => appraisal.roi.ratio(),
    }
}
