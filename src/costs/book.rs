//! The cost book: every loaded table merged, checked across tables, with composites resolved.

use super::builtin;
use super::table::parse_table;
use super::{Confidence, CostBasis, TableInfo, UnitCost};
use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::InputPath;
use crate::suggest;
use crate::text_file::Encoding;
use crate::uprating::Uprating;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// An index into [`CostBook::services`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceId(pub u32);

/// An index into [`CostBook::agencies`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgencyId(pub u32);

/// A unit cost ready to use: its definition, its cost per unit, and who bears that cost.
#[derive(Debug, Clone)]
pub struct Service {
    pub definition: UnitCost,
    /// Index into [`CostBook::tables`] of the table that defines it.
    pub table: usize,
    /// The cost of one unit. For a composite, the sum of its components.
    pub unit_cost: Decimal,
    /// How the cost of one unit splits across agencies, in agency order. Sums to `unit_cost`.
    pub agency_split: Vec<(AgencyId, Decimal)>,
    /// For a plain cost that was uprated, the cost as the table states it, at its own price year.
    pub stated_cost: Option<Decimal>,
    /// How sure the cost is: its table's confidence grade. A composite the table gives no grade
    /// takes the weakest of its components' grades (red below amber below green), and none if any
    /// component has none: a cost built from parts is no surer than its least known part.
    pub grade: Option<Confidence>,
    /// A composite's parts, in the order its table lists them, each with what it adds to one
    /// unit's cost; empty for a plain cost.
    pub parts: Vec<Part>,
}

/// One component of a composite: the unit cost it is, how many of it one unit of the composite
/// takes, and what those cost, worked out (checked) once, when the composite was costed.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub service: ServiceId,
    pub quantity: Decimal,
    /// `quantity` × the part's unit cost.
    pub cost: Decimal,
}

/// A reference cost replaced by a local one (a table with `overrides = true`).
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub id: String,
    pub replaced: Location,
    pub replaced_cost: CostBasis,
    pub by: Location,
    /// The cost that replaced it, as its table states it.
    pub cost: CostBasis,
}

#[derive(Debug, Clone)]
pub struct CostBook {
    tables: Vec<TableInfo>,
    services: Vec<Service>,
    by_id: HashMap<String, ServiceId>,
    agencies: Vec<String>,
    overrides: Vec<Override>,
    /// The price year every cost was uprated to, if uprating was asked for.
    uprating: Option<Uprating>,
    /// Whether no table was named, so the default tables were loaded: a file written when the
    /// defaults were others is then held to their figures (see [`super::earlier_default`]).
    by_default: bool,
}

/// Reads a table compiled into the binary.
fn parse_builtin(
    table: &builtin::BuiltinTable,
    diagnostics: &mut Diagnostics,
) -> Option<(TableInfo, Vec<UnitCost>)> {
    parse_table(
        &builtin::display_name(table.name),
        table.text,
        true,
        diagnostics,
    )
}

/// A table value that is a name (see [`builtin::is_name`]) but not a built-in table's.
fn unknown_table_name(input: &InputPath, diagnostics: &mut Diagnostics) {
    let known: Vec<&str> = builtin::TABLES.iter().map(|table| table.name).collect();
    builtin::unknown_name(input, ("unit-cost table", "tables"), &known, diagnostics);
}

/// Composites nested deeper than this are refused rather than risk the stack on hostile input.
const MAX_COMPOSITE_DEPTH: usize = 64;

impl CostBasis {
    /// The cost as its table states it, for the list of overridden costs: `£33.50`, or the
    /// components of a composite (`36 × attendance_officer_hour`). Exact, since it is the stated
    /// figure a reader checks against the table, not a computed one.
    pub fn stated(&self) -> String {
        match self {
            CostBasis::Amount(amount) => {
                use crate::money::{Precision, format_money};
                match amount.normalize().scale() {
                    0 => format_money(*amount, Precision::Pounds),
                    1 | 2 => format_money(*amount, Precision::Pence),
                    // Finer than pence is shown as stated rather than rounded.
                    _ => format!("£{}", amount.normalize()),
                }
            }
            CostBasis::Components(components) => components
                .iter()
                .map(|component| format!("{} × {}", component.quantity.normalize(), component.id))
                .collect::<Vec<_>>()
                .join(" + "),
        }
    }
}

impl CostBook {
    /// Loads the named table files in order, or the built-in reference tables if none are named.
    pub fn load(
        paths: &[InputPath],
        uprating: Option<&Uprating>,
        encoding: Encoding,
        diagnostics: &mut Diagnostics,
    ) -> Option<CostBook> {
        if let Some(uprating) = uprating
            && !uprating.check_target(None, diagnostics)
        {
            return None;
        }
        let mut tables = Vec::new();
        let by_default = paths.is_empty();
        if by_default {
            for table in builtin::defaults() {
                tables.extend(parse_builtin(table, diagnostics));
            }
        }
        for input in paths {
            let written = input.path.to_string_lossy();
            if builtin::is_name(&written) {
                match builtin::by_name(&written) {
                    Some(table) => tables.extend(parse_builtin(table, diagnostics)),
                    None => unknown_table_name(input, diagnostics),
                }
            } else if let Some(text) = input.read_string("unit-cost table", encoding, diagnostics) {
                tables.extend(parse_table(&input.shown(), &text, false, diagnostics));
            }
        }
        let mut book = CostBook::from_tables(tables, uprating, diagnostics)?;
        book.by_default = by_default;
        Some(book)
    }

    /// Merges tables read with [`parse_table`], in order. Returns `None` if any error was found,
    /// here or before.
    pub fn from_tables(
        parsed: Vec<(TableInfo, Vec<UnitCost>)>,
        uprating: Option<&Uprating>,
        diagnostics: &mut Diagnostics,
    ) -> Option<CostBook> {
        let mut tables = Vec::new();
        let mut definitions: Vec<(UnitCost, usize)> = Vec::new();
        let mut position_of: HashMap<String, usize> = HashMap::new();
        let mut overrides = Vec::new();

        for (table_index, (info, costs)) in parsed.into_iter().enumerate() {
            let mut seen_in_this_table: HashMap<String, Location> = HashMap::new();
            let overrides_before = overrides.len();
            for cost in costs {
                if let Some(first) = seen_in_this_table.get(&cost.id) {
                    diagnostics
                        .error(
                            Some(cost.origin.clone()),
                            format!(
                                "duplicate unit-cost id `{}`: it is already defined at {first}",
                                cost.id
                            ),
                        )
                        .hint("each id may appear once in a table: rename or remove one of them");
                    continue;
                }
                seen_in_this_table.insert(cost.id.clone(), cost.origin.clone());
                match position_of.get(&cost.id) {
                    Some(&existing) if info.overrides => {
                        let (replaced, _) = &definitions[existing];
                        overrides.push(Override {
                            id: cost.id.clone(),
                            replaced: replaced.origin.clone(),
                            replaced_cost: replaced.basis.clone(),
                            by: cost.origin.clone(),
                            cost: cost.basis.clone(),
                        });
                        definitions[existing] = (cost, table_index);
                    }
                    Some(&existing) => {
                        let first = &definitions[existing].0.origin;
                        diagnostics
                            .error(
                                Some(cost.origin.clone()),
                                format!("duplicate unit-cost id `{}`: it is already defined at {first}", cost.id),
                            )
                            .hint(
                                "rename one of them, or, to replace the earlier cost with a local one, \
                                 put `overrides = true` in the [table] header of the later file",
                            );
                    }
                    None => {
                        position_of.insert(cost.id.clone(), definitions.len());
                        definitions.push((cost, table_index));
                    }
                }
            }
            // `overrides = true` on a table that replaces nothing is most likely a local table
            // loaded before the reference one it was meant to override (or one whose ids were
            // misspelt): its costs are used, but not in place of the ones it was written for.
            if info.overrides && overrides.len() == overrides_before {
                diagnostics
                    .warning(
                        Some(Location::file(info.path.clone())),
                        "the table has `overrides = true` but overrides no cost of an earlier table",
                    )
                    .hint(
                        "a table overrides only tables loaded before it: list it after them in \
                         unit_costs (e.g. [\"ucd-v1.2\", \"local.toml\"]), check its ids \
                         against `tfcalc costs list`, or remove `overrides = true`",
                    );
            }
            tables.push(info);
        }

        let mut agencies: Vec<String> = Vec::new();
        let mut agency_ids: HashMap<String, AgencyId> = HashMap::new();
        for (definition, _) in &definitions {
            if let (CostBasis::Amount(_), Some(agency)) = (&definition.basis, &definition.agency)
                && !agency_ids.contains_key(agency)
            {
                agency_ids.insert(agency.clone(), AgencyId(agencies.len() as u32));
                agencies.push(agency.clone());
            }
        }

        warn_of_near_miss_agencies(&definitions, diagnostics);

        let mut resolver = Resolver {
            uprating,
            definitions: &definitions,
            position_of: &position_of,
            agency_ids: &agency_ids,
            states: vec![State::Unvisited; definitions.len()],
            stack: Vec::new(),
            chain_too_deep: false,
            diagnostics,
        };
        for index in 0..definitions.len() {
            resolver.resolve(index);
        }
        let states = resolver.states;

        if diagnostics.has_errors() {
            return None;
        }
        let services = definitions
            .into_iter()
            .zip(states)
            .map(|((definition, table), state)| {
                let State::Done(resolved) = state else {
                    unreachable!("every definition resolves when no error was recorded")
                };
                let stated_cost = match &definition.basis {
                    CostBasis::Amount(amount) if uprating.is_some() => Some(*amount),
                    _ => None,
                };
                Service {
                    definition,
                    table,
                    unit_cost: resolved.unit_cost,
                    agency_split: resolved.split.into_iter().collect(),
                    grade: resolved.grade,
                    stated_cost,
                    parts: resolved.parts,
                }
            })
            .collect::<Vec<_>>();
        let by_id = services
            .iter()
            .enumerate()
            .map(|(index, service)| (service.definition.id.clone(), ServiceId(index as u32)))
            .collect();
        Some(CostBook {
            tables,
            services,
            by_id,
            agencies,
            overrides,
            uprating: uprating.cloned(),
            by_default: false,
        })
    }

    pub fn lookup(&self, id: &str) -> Option<ServiceId> {
        self.by_id.get(id).copied()
    }

    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id.0 as usize]
    }

    pub fn services(&self) -> &[Service] {
        &self.services
    }

    pub fn agencies(&self) -> &[String] {
        &self.agencies
    }

    pub fn agency_name(&self, id: AgencyId) -> &str {
        &self.agencies[id.0 as usize]
    }

    pub fn tables(&self) -> &[TableInfo] {
        &self.tables
    }

    pub fn overrides(&self) -> &[Override] {
        &self.overrides
    }

    /// The price year costs were uprated to, if they were.
    pub fn uprating(&self) -> Option<&Uprating> {
        self.uprating.as_ref()
    }

    /// A composite's own `agency` when it bears none of the composite's cost: the cost goes to
    /// the components' agencies, so that name would say one agency while another pays.
    pub fn contradicted_agency<'a>(&self, service: &'a Service) -> Option<&'a str> {
        let CostBasis::Components(_) = service.definition.basis else {
            return None;
        };
        let stated = service.definition.agency.as_deref()?;
        let bears_some = service
            .agency_split
            .iter()
            .any(|(agency, _)| self.agency_name(*agency) == stated);
        (!bears_some && !service.agency_split.is_empty()).then_some(stated)
    }

    /// The agencies a unit cost's cost goes to, in agency order: "Court, Police".
    pub fn bearers(&self, service: &Service) -> String {
        service
            .agency_split
            .iter()
            .map(|(agency, _)| self.agency_name(*agency))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether the default tables were loaded because no table was named.
    pub fn is_by_default(&self) -> bool {
        self.by_default
    }

    /// "did you mean ...?" for an unknown service id; or, for an id the default tables lack
    /// but the earlier defaults had, which table to name.
    pub fn suggest(&self, unknown: &str) -> Option<String> {
        if self.by_default && super::earlier_default::earlier_default_has(unknown) {
            return Some(format!(
                "`{unknown}` is in the Unit Cost Database v1.2, the default table before v1.4: to cost with it, name the tables (unit_costs = [\"ucd-v1.2\", \"hertfordshire-2013\"] in the study, or --costs ucd-v1.2 --costs hertfordshire-2013)."
            ));
        }
        suggest::did_you_mean(
            unknown,
            self.services.iter().map(|s| s.definition.id.as_str()),
        )
    }
}

#[derive(Debug, Clone)]
struct Resolved {
    unit_cost: Decimal,
    split: BTreeMap<AgencyId, Decimal>,
    /// The cost's confidence grade (see [`Service::grade`]).
    grade: Option<Confidence>,
    /// A composite's parts (see [`Service::parts`]).
    parts: Vec<Part>,
    /// Levels of composites below and including this one: 0 for a plain cost. The depth limit is
    /// on this, so that it holds the same whatever order the entries are written in (a chain
    /// written bottom up resolves one level at a time, and never grows the stack).
    depth: usize,
}

#[derive(Debug, Clone)]
enum State {
    Unvisited,
    InProgress,
    Done(Resolved),
    Failed,
}

/// Works out each composite's cost from its components, depth first, catching cycles.
struct Resolver<'a> {
    uprating: Option<&'a Uprating>,
    definitions: &'a [(UnitCost, usize)],
    position_of: &'a HashMap<String, usize>,
    agency_ids: &'a HashMap<String, AgencyId>,
    states: Vec<State>,
    /// The composites being resolved, outermost first: the path shown when a cycle is found.
    stack: Vec<usize>,
    /// A chain of composites went past the depth limit below the ones being resolved.
    chain_too_deep: bool,
    diagnostics: &'a mut Diagnostics,
}

impl Resolver<'_> {
    fn resolve(&mut self, index: usize) -> Option<Resolved> {
        match &self.states[index] {
            State::Done(resolved) => return Some(resolved.clone()),
            State::Failed => return None,
            State::InProgress => {
                self.report_cycle(index);
                return None;
            }
            State::Unvisited => {}
        }
        let definition = &self.definitions[index].0;
        let result = match &definition.basis {
            CostBasis::Amount(amount) => {
                let agency = definition
                    .agency
                    .as_ref()
                    .and_then(|name| self.agency_ids.get(name))
                    .copied();
                let amount = self.uprate(definition, *amount);
                match (agency, amount) {
                    (Some(agency), Some(amount)) => Some(Resolved {
                        unit_cost: amount,
                        split: BTreeMap::from([(agency, amount)]),
                        grade: definition.confidence,
                        parts: Vec::new(),
                        depth: 0,
                    }),
                    _ => None,
                }
            }
            CostBasis::Components(components) => {
                if self.stack.len() >= MAX_COMPOSITE_DEPTH {
                    // The chain above is too deep already: said at its top, once it fails.
                    self.chain_too_deep = true;
                    self.states[index] = State::Failed;
                    return None;
                }
                self.states[index] = State::InProgress;
                self.stack.push(index);
                let result = self.resolve_components(definition, components);
                self.stack.pop();
                match result {
                    Some(resolved) if resolved.depth > MAX_COMPOSITE_DEPTH => {
                        self.too_deep(definition);
                        self.states[index] = State::Failed;
                        return None;
                    }
                    result => result,
                }
            }
        };
        // A cycle found deeper down may already have marked this one as failed.
        if matches!(self.states[index], State::Failed) {
            return None;
        }
        self.states[index] = match &result {
            Some(resolved) => State::Done(resolved.clone()),
            None => State::Failed,
        };
        result
    }

    fn resolve_components(
        &mut self,
        definition: &UnitCost,
        components: &[super::Component],
    ) -> Option<Resolved> {
        // The weakest grade of the components so far; `None` once one has no grade.
        let mut weakest = (!components.is_empty()).then_some(Confidence::Green);
        let mut total = Resolved {
            unit_cost: Decimal::ZERO,
            split: BTreeMap::new(),
            grade: None,
            parts: Vec::with_capacity(components.len()),
            depth: 1,
        };
        let mut complete = true;
        for component in components {
            let Some(&position) = self.position_of.get(&component.id) else {
                let hint = suggest::did_you_mean(
                    &component.id,
                    self.definitions.iter().map(|(d, _)| d.id.as_str()),
                )
                .unwrap_or_else(|| {
                    "components must be unit-cost ids defined in a loaded table".to_string()
                });
                self.diagnostics
                    .error(
                        Some(component.location.clone()),
                        format!(
                            "composite `{}` uses unknown unit cost `{}`",
                            definition.id, component.id
                        ),
                    )
                    .hint(hint);
                complete = false;
                continue;
            };
            let Some(part) = self.resolve(position) else {
                // A chain too deep to follow is reported once, at its top.
                if self.chain_too_deep {
                    if self.stack.len() == 1 {
                        self.chain_too_deep = false;
                        self.too_deep(definition);
                    }
                    return None;
                }
                complete = false;
                continue;
            };
            total.depth = total.depth.max(part.depth + 1);
            weakest = weakest
                .zip(part.grade)
                .map(|(so_far, grade)| so_far.max(grade));
            let Some(cost) = part.unit_cost.checked_mul(component.quantity) else {
                self.overflow(definition);
                return None;
            };
            total.unit_cost = total.unit_cost.checked_add(cost).or_else(|| {
                self.overflow(definition);
                None
            })?;
            // Services are made in the order of the definitions, so a position is its id.
            total.parts.push(Part {
                service: ServiceId(position as u32),
                quantity: component.quantity,
                cost,
            });
            for (agency, amount) in part.split {
                // A share is at most the part's cost, checked above, so this fits too; were it
                // ever not to, the composite is refused with an error rather than left unresolved
                // with none (which the book treats as a bug).
                let entry = total.split.entry(agency).or_insert(Decimal::ZERO);
                let Some(sum) = amount
                    .checked_mul(component.quantity)
                    .and_then(|share| entry.checked_add(share))
                else {
                    self.overflow(definition);
                    return None;
                };
                *entry = sum;
            }
        }
        total.grade = definition.confidence.or(weakest);
        complete.then_some(total)
    }

    /// A plain cost in the target price year, or the cost as stated if no uprating was asked for.
    fn uprate(&mut self, definition: &UnitCost, amount: Decimal) -> Option<Decimal> {
        let Some(uprating) = self.uprating else {
            return Some(amount);
        };
        let Some(from) = definition.price_year else {
            self.diagnostics
                .error(
                    Some(definition.origin.clone()),
                    format!(
                        "unit cost `{}` has no price year, so it cannot be uprated to {}",
                        definition.id, uprating.target
                    ),
                )
                .hint("add price_year = \"2013/14\" (the year its cost is in) to the entry, or to the table's [table] header");
            return None;
        };
        match uprating.deflator.uprate(amount, from, uprating.target) {
            Ok(uprated) => Some(uprated),
            Err(message) => {
                self.diagnostics
                    .error(
                        Some(definition.origin.clone()),
                        format!("cannot uprate `{}` from {from}: {message}", definition.id),
                    )
                    .hint("choose a --price-year the deflator series covers");
                None
            }
        }
    }

    fn too_deep(&mut self, definition: &UnitCost) {
        self.diagnostics
            .error(
                Some(definition.origin.clone()),
                format!(
                    "composite `{}` is nested more than {MAX_COMPOSITE_DEPTH} levels deep",
                    definition.id
                ),
            )
            .hint("flatten the chain of composites");
    }

    fn overflow(&mut self, definition: &UnitCost) {
        self.diagnostics
            .error(
                Some(definition.origin.clone()),
                format!(
                    "the cost of composite `{}` is too large to hold exactly",
                    definition.id
                ),
            )
            .hint("check the component quantities");
    }

    fn report_cycle(&mut self, repeated: usize) {
        let start = self
            .stack
            .iter()
            .position(|&index| index == repeated)
            .unwrap_or(0);
        let cycle: Vec<usize> = self.stack[start..].to_vec();
        let mut path: Vec<&str> = cycle
            .iter()
            .map(|&index| self.definitions[index].0.id.as_str())
            .collect();
        path.push(&self.definitions[repeated].0.id);
        let first = &self.definitions[repeated].0;
        self.diagnostics
            .error(
                Some(first.origin.clone()),
                format!("composite unit costs form a cycle: {}", path.join(" → ")),
            )
            .hint("a composite cannot contain itself, directly or through other composites");
        for index in cycle {
            self.states[index] = State::Failed;
        }
    }
}

/// Agency names that differ only in case, spacing or punctuation are almost always one agency
/// spelt two ways, which would split its figures across two rows: warn, naming both.
fn warn_of_near_miss_agencies(definitions: &[(UnitCost, usize)], diagnostics: &mut Diagnostics) {
    let mut seen: HashMap<String, (&str, &Location)> = HashMap::new();
    let mut warned: std::collections::HashSet<(String, String)> = std::collections::HashSet::new();
    for (definition, _) in definitions {
        let Some(agency) = &definition.agency else {
            continue;
        };
        let key = agency_key(agency);
        match seen.get(&key) {
            Some((first, first_at)) if *first != agency.as_str() => {
                if warned.insert((first.to_string(), agency.clone())) {
                    diagnostics
                        .warning(
                            Some(definition.origin.clone()),
                            format!(
                                "agency \"{agency}\" differs from \"{first}\" (at {first_at}) only in case, spacing or punctuation; they are counted as two agencies"
                            ),
                        )
                        .hint("spell the agency the same way everywhere");
                }
            }
            Some(_) => {}
            None => {
                seen.insert(key, (agency.as_str(), &definition.origin));
            }
        }
    }
}

/// An agency name reduced to letters and digits in lower case, for spotting near misses.
pub fn agency_key(agency: &str) -> String {
    agency
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|character| character.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests;
