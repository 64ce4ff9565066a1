//! The whole program: a study built from the bytes (figures at the edges of Decimal's range)
//! run through every command in every format. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    tfcalc::fuzzing::report_study_once(bytes);
});
