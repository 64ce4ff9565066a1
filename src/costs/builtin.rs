//! The reference unit-cost tables compiled into the binary, used when no table is named: the Unit
//! Cost Database v1.2 and the Hertfordshire case-study costs.

/// File name and contents of each built-in table, in load order.
pub const TABLES: &[(&str, &str)] = &[
    (
        "ucd-v1.2.toml",
        include_str!("../../unit-costs/ucd-v1.2.toml"),
    ),
    (
        "hertfordshire-2013.toml",
        include_str!("../../unit-costs/hertfordshire-2013.toml"),
    ),
];

/// How a built-in table is named in messages and reports.
pub fn display_name(file_name: &str) -> String {
    format!("unit-costs/{file_name} (built in)")
}
