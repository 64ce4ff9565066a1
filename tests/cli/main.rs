//! One integration binary driving the real `tfcalc` on the examples and on bad-input fixtures.

mod bad_input;
mod common;
mod family_e;
mod study_format;
