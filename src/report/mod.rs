//! Reports: views built from the ledger, and one renderer per output format.

pub mod format;
pub mod json;
pub mod terminal;
pub mod view;
pub mod views;

pub use view::{Cell, Document, Piece, Row, RowKind, TableView};
