//! Views: report tables as rows of typed cells, built once from the ledger and drawn by every
//! renderer. A view holds exact figures; only a renderer decides how to show them.

use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// An exact amount of money, rounded only when drawn.
    Money(Decimal),
    /// A difference in money, drawn with its sign: `+£3`, `-£3`.
    MoneyDifference(Decimal),
    /// A unit cost: like money, but drawn with its pence whenever it has them, so that £56.25 per
    /// week is never shown as £56.
    UnitCost(Decimal),
    /// A return on investment, drawn as `£0.39 : £1.00`.
    Ratio(Decimal),
    /// A whole number of families or rows.
    Count(u64),
    /// A quantity of service use.
    Quantity(Decimal),
    /// A fraction, drawn as a percentage.
    Percent(Decimal),
    /// A plain number drawn with a fixed number of decimal places.
    Number {
        value: Decimal,
        places: u32,
    },
    /// A sentence with figures in it, such as "62 hours at £33 per hour = £2,046".
    Phrase(Vec<Piece>),
    /// A check's result: "agrees" or "DIFFERS". Renderers that can highlight (HTML, Excel) set a
    /// figure that differs apart, with the word as well as the colour, so that it survives
    /// printing in black and white.
    Verdict {
        agrees: bool,
    },
    Empty,
}

/// Part of a [`Cell::Phrase`].
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    /// Money, drawn at the report's precision.
    Money(Decimal),
    /// A unit cost, drawn with pence whenever it has them, so that "£56.25 per week" is not shown
    /// as "£56 per week".
    UnitCost(Decimal),
    /// A fraction drawn as a percentage: `0.25` is `25.00%`.
    Percent(Decimal),
    /// Money always drawn to the penny, such as an average that whole pounds would hide.
    MoneyPence(Decimal),
    /// A return for each pound, in words: `39p` below £1, `£1.47` from £1 up.
    PerPound(Decimal),
    Quantity(Decimal),
}

impl Piece {
    pub fn text(text: impl Into<String>) -> Piece {
        Piece::Text(text.into())
    }
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// Whether the cell holds a figure, which tables align to the right.
    pub fn is_numeric(&self) -> bool {
        !matches!(
            self,
            Cell::Text(_) | Cell::Phrase(_) | Cell::Verdict { .. } | Cell::Empty
        )
    }
}

/// What a row is, so that renderers can set headings and totals apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Item,
    /// Starts a block, such as "Costs in the 6 months before".
    Heading,
    Total,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub kind: RowKind,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn item(cells: Vec<Cell>) -> Row {
        Row {
            kind: RowKind::Item,
            cells,
        }
    }

    pub fn heading(cells: Vec<Cell>) -> Row {
        Row {
            kind: RowKind::Heading,
            cells,
        }
    }

    pub fn total(cells: Vec<Cell>) -> Row {
        Row {
            kind: RowKind::Total,
            cells,
        }
    }
}

/// Rows of a long table (one per family) that an HTML page or a terminal shows: nobody reads
/// 400,000 rows there. CSV, Excel, JSON and Markdown hold every one, and the totals include them.
pub const ROWS_SHOWN: usize = 500;

/// Rows made one at a time, when asked for: a table of 400,000 families is never held in memory
/// as cells, only streamed through a renderer.
pub struct GeneratedRows<'a> {
    pub count: usize,
    source: Box<dyn RowSource + 'a>,
}

/// Where a table's generated rows come from: the rows of a range of them, each made as it is
/// reached. A source whose rows come in groups (the lines of each family's statement) makes a
/// range from the group it starts in, rather than each row on its own.
pub trait RowSource: Send + Sync {
    /// The rows `range` covers, in order; the range is within the table's generated rows.
    fn rows(&self, range: std::ops::Range<usize>) -> Box<dyn Iterator<Item = Row> + '_>;
}

/// A [`RowSource`] making each row from its index alone.
struct OneByOne<F>(F);

impl<F: Fn(usize) -> Row + Send + Sync> RowSource for OneByOne<F> {
    fn rows(&self, range: std::ops::Range<usize>) -> Box<dyn Iterator<Item = Row> + '_> {
        Box::new(range.map(&self.0))
    }
}

impl<'a> GeneratedRows<'a> {
    /// `count` rows, each made by `row` from its index.
    pub fn new(count: usize, row: impl Fn(usize) -> Row + Send + Sync + 'a) -> GeneratedRows<'a> {
        GeneratedRows::from_source(count, OneByOne(row))
    }

    /// `count` rows, made by `source`.
    pub fn from_source(count: usize, source: impl RowSource + 'a) -> GeneratedRows<'a> {
        GeneratedRows {
            count,
            source: Box::new(source),
        }
    }

    /// The rows `range` covers (cut to the rows there are), made as they are reached.
    pub fn rows(&self, range: std::ops::Range<usize>) -> Box<dyn Iterator<Item = Row> + '_> {
        let range = range.start.min(self.count)..range.end.min(self.count);
        if range.is_empty() {
            return Box::new(std::iter::empty());
        }
        self.source.rows(range)
    }
}

/// Tables made one at a time as they are drawn, after a document's own: the statements of a
/// national study's families are never all held at once.
pub struct GeneratedTables<'a> {
    pub count: usize,
    pub table: Box<dyn Fn(usize) -> TableView<'a> + 'a>,
}

/// One table of a report.
pub struct TableView<'a> {
    /// A short name for file and sheet names: `families`, `agencies`.
    pub key: String,
    pub title: String,
    pub columns: Vec<String>,
    /// Rows made on demand, which come first (one per family, say)...
    pub generated: Option<GeneratedRows<'a>>,
    /// ...then the rows held here (a total row, say).
    pub rows: Vec<Row>,
    /// The column that says what each row is, whose items are indented under their headings in
    /// a statement: the first, unless a column before it says whose the row is (the family, in
    /// the statements of a whole study).
    pub item_column: usize,
    /// Sentences shown under the table.
    pub notes: Vec<Vec<Piece>>,
    /// What the table finds, in a few sentences, for a report to open with (the HTML page): the
    /// first is a lead, the rest its points. Empty for most tables.
    pub summary: Vec<Vec<Piece>>,
}

impl std::fmt::Debug for TableView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableView")
            .field("key", &self.key)
            .field("title", &self.title)
            .field("columns", &self.columns)
            .field(
                "generated",
                &self.generated.as_ref().map(|generated| generated.count),
            )
            .field("rows", &self.rows)
            .finish()
    }
}

impl<'a> TableView<'a> {
    pub fn new(
        key: impl Into<String>,
        title: impl Into<String>,
        columns: &[&str],
    ) -> TableView<'a> {
        TableView {
            key: key.into(),
            title: title.into(),
            columns: columns.iter().map(|column| column.to_string()).collect(),
            generated: None,
            rows: Vec::new(),
            item_column: 0,
            notes: Vec::new(),
            summary: Vec::new(),
        }
    }

    /// Adds a note in plain words.
    pub fn note(&mut self, text: impl Into<String>) {
        self.notes.push(vec![Piece::Text(text.into())]);
    }

    /// Adds a note with figures in it.
    pub fn note_with_figures(&mut self, pieces: Vec<Piece>) {
        self.notes.push(pieces);
    }

    /// How many rows the table has, generated and held.
    pub fn row_count(&self) -> usize {
        self.generated
            .as_ref()
            .map_or(0, |generated| generated.count)
            + self.rows.len()
    }

    /// Every row in order: the generated ones, made as they are reached, then the held ones.
    pub fn all_rows(&self) -> impl Iterator<Item = std::borrow::Cow<'_, Row>> + '_ {
        self.first_rows(usize::MAX)
    }

    /// The first `generated` generated rows, then every held row: what a renderer looks at to
    /// judge a column (whether it holds figures, how wide it is), so that a table of 400,000
    /// families is not made twice; and what a page or a terminal shows of a long table (see
    /// [`ROWS_SHOWN`]).
    pub fn first_rows(
        &self,
        generated: usize,
    ) -> impl Iterator<Item = std::borrow::Cow<'_, Row>> + '_ {
        let made = self
            .generated
            .iter()
            .flat_map(move |rows| rows.rows(0..generated).map(std::borrow::Cow::Owned));
        made.chain(self.rows.iter().map(std::borrow::Cow::Borrowed))
    }

    /// Whether a column holds figures (so is right-aligned): it has a figure and no text.
    pub fn is_numeric_column(&self, column: usize) -> bool {
        let sample: Vec<Cell> = self
            .first_rows(100)
            .filter_map(|row| row.cells.get(column).cloned())
            .collect();
        sample.iter().any(Cell::is_numeric)
            && sample
                .iter()
                .all(|cell| cell.is_numeric() || matches!(cell, Cell::Empty))
    }
}

/// A chart of figures from the ledger. Like a table, it holds exact figures; the renderers that
/// can draw pictures (HTML) draw it, and the others leave it out, as its figures are in the tables.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartView {
    /// A short name, as for tables.
    pub key: String,
    pub title: String,
    pub kind: ChartKind,
    /// Sentences shown under the chart.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChartKind {
    /// Bars up from a zero axis, and down below it for negative values: one group of bars per
    /// category, one bar in each group per series (one series per study, say).
    Bars {
        categories: Vec<String>,
        series: Vec<BarSeries>,
        measure: ChartMeasure,
        /// A line across the chart at this value, with its label (break-even for a return).
        reference: Option<(Decimal, String)>,
    },
    /// Steps from a starting total, through additions and subtractions, to a final total.
    Waterfall { steps: Vec<WaterfallStep> },
}

/// What the bars measure, so that labels and axes are written the right way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartMeasure {
    Money,
    /// A return for each £1: drawn as `£0.39 : £1.00`.
    Ratio,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BarSeries {
    pub name: String,
    /// One value per category; `None` where the series has no figure for it.
    pub values: Vec<Option<Decimal>>,
}

/// A step of a waterfall, with where its bar starts and ends as the analysis worked them out:
/// the renderer draws them and adds nothing up.
#[derive(Debug, Clone, PartialEq)]
pub struct WaterfallStep {
    pub label: String,
    pub kind: StepKind,
    /// For a total, its value; for a change, the amount added (negative for one taken away).
    pub value: Decimal,
    /// Where the bar starts: zero for a total, the running total before a change.
    pub start: Decimal,
    /// Where the bar ends: the total, or the running total after the change.
    pub end: Decimal,
}

pub use crate::analysis::waterfall::StepKind;

/// A whole report: a title, its charts and its tables, in order.
#[derive(Debug)]
pub struct Document<'a> {
    pub title: String,
    pub charts: Vec<ChartView>,
    pub tables: Vec<TableView<'a>>,
}
