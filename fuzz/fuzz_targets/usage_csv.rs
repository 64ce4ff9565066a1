//! The service-use CSV reader, from raw bytes: any encoding, any shape. It must never panic, and
//! every row it reads must be accounted for.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    tfcalc::fuzzing::usage_csv(bytes);
});
