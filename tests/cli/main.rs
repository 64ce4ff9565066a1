//! One integration binary driving the real `tfcalc` on the examples and on bad-input fixtures.

mod appraisal_edges;
mod bad_input;
mod bottom_line;
mod common;
mod contradictions;
mod current_prices;
mod edge_figures;
mod error_snapshots;
mod family_e;
mod file_safety;
mod first_hour;
mod fits;
mod hostile;
mod invariants;
mod json_complete;
mod leicestershire;
mod no_figure_wrong_in_silence;
mod outputs;
mod pseudonymise;
mod reasons;
mod scale;
mod screen_and_sheet;
mod silent_figures;
mod study_format;
mod ucd_v14;
mod unit_costs;
