//! Money parsing and display: never a panic, and what displays parses back to the rounded value.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    tfcalc::fuzzing::money(bytes);
});
