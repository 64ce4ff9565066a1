//! The study loader. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    tfcalc::fuzzing::study_file(bytes);
});
