//! Reports: views built from the ledger, and one [`renderer::Renderer`] per output format.

pub(crate) mod csv;
pub(crate) mod format;
pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod markdown;
mod markup;
pub(crate) mod renderer;
mod svg;
pub mod terminal;
pub mod view;
pub mod views;
pub(crate) mod waves;
pub(crate) mod xlsx;

pub use view::{
    BarSeries, Cell, ChartKind, ChartMeasure, ChartView, Document, GeneratedRows, GeneratedTables,
    Piece, Row, RowKind, StepKind, TableView, WaterfallStep,
};
