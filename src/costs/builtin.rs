//! The reference unit-cost tables compiled into the binary. Each has a name (`ucd-v1.2`) that a
//! study's `unit_costs` and `--costs` accept in place of a path, so that a study folder copied
//! anywhere still finds them; the default ones are used when no table is named at all.

/// One table compiled into the binary.
#[derive(Debug)]
pub struct BuiltinTable {
    /// The name studies and `--costs` use: the file name in `unit-costs/` without `.toml`.
    pub name: &'static str,
    /// The file's contents.
    pub text: &'static str,
    /// Whether the table is loaded when no table is named.
    pub default: bool,
}

/// A table from `unit-costs/NAME.toml`, named NAME: adding one to [`TABLES`] is one line.
macro_rules! table {
    ($name:literal, default = $default:literal) => {
        BuiltinTable {
            name: $name,
            text: include_str!(concat!("../../unit-costs/", $name, ".toml")),
            default: $default,
        }
    };
}

/// Every built-in table, in the order the default ones load.
pub const TABLES: &[BuiltinTable] = &[
    table!("ucd-v1.2", default = true),
    table!("hertfordshire-2013", default = true),
    // Imported from the v1.4 workbook (March 2015); by name only until it becomes the default.
    table!("ucd-v1.4", default = false),
];

/// The tables loaded when no table is named.
pub fn defaults() -> impl Iterator<Item = &'static BuiltinTable> {
    TABLES.iter().filter(|table| table.default)
}

/// The built-in table called `name`, if there is one.
pub fn by_name(name: &str) -> Option<&'static BuiltinTable> {
    TABLES.iter().find(|table| table.name == name)
}

/// Whether a value given for a table is a name rather than a path: it has no folder separator
/// and does not end in `.toml`. The rule looks at the text only, never at the file system, so
/// that what a study means does not change with the files that happen to lie beside it; a local
/// file is always named as one (`local.toml`, `./ucd-v1.2`).
pub fn is_name(value: &str) -> bool {
    !value.is_empty()
        && !value.contains(['/', '\\'])
        && !value.to_ascii_lowercase().ends_with(".toml")
}

/// The names of every built-in table, for messages: `ucd-v1.2, hertfordshire-2013`.
pub fn known_names() -> String {
    TABLES
        .iter()
        .map(|table| table.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a built-in table is named in messages and reports.
pub fn display_name(name: &str) -> String {
    format!("unit-costs/{name}.toml (built in)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_told_from_paths_by_their_text() {
        assert!(is_name("ucd-v1.2"));
        assert!(is_name("hertfordshire-2013"));
        assert!(!is_name("local.toml"));
        assert!(!is_name("LOCAL.TOML"));
        assert!(!is_name("../../unit-costs/ucd-v1.2"));
        assert!(!is_name("costs\\ucd-v1.2"));
        assert!(!is_name(""));
    }

    #[test]
    fn every_builtin_table_is_found_by_its_name() {
        for table in TABLES {
            assert_eq!(
                by_name(table.name).map(|found| found.name),
                Some(table.name)
            );
        }
        assert!(by_name("ucd-v9").is_none());
    }
}
