//! Reports: views built from the ledger, and one renderer per output format.

pub mod csv;
pub mod format;
pub mod json;
pub mod terminal;
pub mod view;
pub mod views;

pub use view::{Cell, Document, GeneratedRows, Piece, Row, RowKind, TableView};
