//! The unit-cost table loader: parsing, merging and resolving composites. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    tfcalc::fuzzing::unit_cost_table(bytes);
});
