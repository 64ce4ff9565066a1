//! The statements of a whole study as one table: every family's statement, one after another,
//! each row with its family in a first column, made family by family as a renderer reaches them.

use super::statement;
use crate::context::StudyContext;
use crate::ledger::{FamilyLedger, StudyLedger};
use crate::report::view::{Cell, GeneratedRows, Row, RowSource, TableView};

/// The key of a study's statements table, and so the name of its file (`statements.csv`).
pub const STATEMENTS_KEY: &str = "statements";

/// Every family's statement in one table, with the columns of a statement after a `Family`
/// column: it reads as the statements do, one after another, and a spreadsheet can filter it to
/// one family. The notes are a statement's own, said once.
pub fn statements<'a>(ledger: &'a StudyLedger, context: &'a StudyContext) -> TableView<'a> {
    let mut table = TableView::new(
        STATEMENTS_KEY,
        format!("{}: family statements", context.name),
        &["Family", "Item", "Amount", "Unit cost"],
    );
    table.item_column = 1;
    if let Some(first) = ledger.families.first() {
        table.notes = statement(context, first).notes;
    }
    let rows = StatementRows::new(ledger, context);
    table.generated = Some(GeneratedRows::from_source(rows.count(), rows));
    table
}

/// How many rows a family's statement has, without making it: a heading and the lines of each
/// window and of the intervention, and the savings.
pub fn statement_rows(context: &StudyContext, family: &FamilyLedger) -> usize {
    // Both windows' lines, each with a row for each part of a composite.
    let lines: usize = family.lines().map_or(0, |lines| {
        lines
            .iter()
            .map(|line| 1 + context.book.service(line.service()).parts.len())
            .sum()
    });
    3 + lines + family.intervention_items(context).count() + 1
}

/// How many rows the statements of a study's families take, all told.
pub fn statements_rows(ledger: &StudyLedger, context: &StudyContext) -> usize {
    ledger
        .families
        .iter()
        .map(|family| statement_rows(context, family))
        .sum()
}

/// The rows of every family's statement, a range found by the row each family starts at.
struct StatementRows<'a> {
    ledger: &'a StudyLedger,
    context: &'a StudyContext,
    /// The first row of each family, and then the row count.
    starts: Vec<usize>,
}

impl<'a> StatementRows<'a> {
    fn new(ledger: &'a StudyLedger, context: &'a StudyContext) -> StatementRows<'a> {
        let mut starts = Vec::with_capacity(ledger.families.len() + 1);
        let mut next = 0;
        starts.push(next);
        for family in &ledger.families {
            next += statement_rows(context, family);
            starts.push(next);
        }
        StatementRows {
            ledger,
            context,
            starts,
        }
    }

    fn count(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }
}

impl RowSource for StatementRows<'_> {
    fn rows(&self, range: std::ops::Range<usize>) -> Box<dyn Iterator<Item = Row> + '_> {
        // The family whose statement holds the range's first row.
        let first = self.starts.partition_point(|&start| start <= range.start) - 1;
        let skip = range.start - self.starts[first];
        let rows = self.ledger.families[first..].iter().flat_map(|family| {
            let made = statement(self.context, family);
            debug_assert_eq!(made.rows.len(), statement_rows(self.context, family));
            made.rows.into_iter().map(move |row| Row {
                kind: row.kind,
                cells: std::iter::once(Cell::text(&*family.family_id))
                    .chain(row.cells)
                    .collect(),
            })
        });
        Box::new(rows.skip(skip).take(range.len()))
    }
}
