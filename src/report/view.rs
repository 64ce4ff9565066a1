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
        !matches!(self, Cell::Text(_) | Cell::Phrase(_) | Cell::Empty)
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

/// One table of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct TableView {
    /// A short name for file and sheet names: `families`, `agencies`.
    pub key: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    /// Sentences shown under the table.
    pub notes: Vec<Vec<Piece>>,
}

impl TableView {
    pub fn new(key: impl Into<String>, title: impl Into<String>, columns: &[&str]) -> TableView {
        TableView {
            key: key.into(),
            title: title.into(),
            columns: columns.iter().map(|column| column.to_string()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
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

    /// Whether a column holds figures (so is right-aligned): it has a figure and no text.
    pub fn is_numeric_column(&self, column: usize) -> bool {
        let cells = || self.rows.iter().filter_map(|row| row.cells.get(column));
        cells().any(Cell::is_numeric)
            && cells().all(|cell| cell.is_numeric() || matches!(cell, Cell::Empty))
    }
}

/// A whole report: a title and its tables, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub tables: Vec<TableView>,
}
