//! Reports: views built from the ledger, and one [`renderer::Renderer`] per output format.

pub mod csv;
pub mod format;
pub mod html;
pub mod json;
pub mod markdown;
mod markup;
pub(crate) mod renderer;
mod svg;
pub mod terminal;
pub mod view;
pub mod views;
pub mod xlsx;

pub use view::{
    BarSeries, Cell, ChartKind, ChartMeasure, ChartView, Document, GeneratedRows, Piece, Row,
    RowKind, StepKind, TableView, WaterfallStep,
};
