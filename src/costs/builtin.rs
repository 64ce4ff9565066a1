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
    // Imported from the v1.4 workbook (March 2015), the database councils download today.
    table!("ucd-v1.4", default = true),
    table!("hertfordshire-2013", default = true),
    // The CSV export of v1.2 (2013/14 prices): by name, and for files written before v1.4.
    table!("ucd-v1.2", default = false),
];

/// The tables loaded when no table was named before v1.4 became the default. A file that names
/// no table may have been written for these: [`super::earlier_default`] holds it to the figures
/// they give.
pub const EARLIER_DEFAULTS: &[&str] = &["ucd-v1.2", "hertfordshire-2013"];

/// One deflator series compiled into the binary, named like a table.
#[derive(Debug)]
pub struct BuiltinDeflator {
    pub name: &'static str,
    /// Where it lies in the repository, for messages.
    pub file: &'static str,
    pub text: &'static str,
}

/// Every built-in deflator series. Each database table is uprated by default with the series
/// published with it ([`deflator_for_tables`]), so that its own updated figures are reproduced.
pub const DEFLATORS: &[BuiltinDeflator] = &[
    BuiltinDeflator {
        name: "gdp-deflator-ucd-v1.2",
        file: "unit-costs/gdp-deflator.toml",
        text: include_str!("../../unit-costs/gdp-deflator.toml"),
    },
    BuiltinDeflator {
        name: "gdp-deflator-ucd-v1.4",
        file: "unit-costs/gdp-deflator-ucd-v1.4.toml",
        text: include_str!("../../unit-costs/gdp-deflator-ucd-v1.4.toml"),
    },
    BuiltinDeflator {
        name: "hmt-gdp-deflator-2024",
        file: "unit-costs/hmt-gdp-deflator-2024.toml",
        text: include_str!("../../unit-costs/hmt-gdp-deflator-2024.toml"),
    },
];

impl BuiltinDeflator {
    /// The series, named in messages as its file, built in. Every built-in series is valid (a
    /// test parses them all), so this cannot fail.
    pub fn parse(&self) -> crate::uprating::Deflator {
        let mut diagnostics = crate::diagnostic::Diagnostics::new();
        crate::uprating::Deflator::parse(
            &format!("{} (built in)", self.file),
            self.text,
            &mut diagnostics,
        )
        .expect("every built-in deflator series is valid")
    }
}

/// The built-in deflator series called `name`, if there is one.
pub fn deflator_by_name(name: &str) -> Option<&'static BuiltinDeflator> {
    DEFLATORS.iter().find(|deflator| deflator.name == name)
}

/// The series a study that names none is uprated with: the one published with the first
/// database table it loads (named, or by default), so that v1.4's costs move with v1.4's
/// series and v1.2's with v1.2's; v1.2's for tables of other kinds, as it always was.
pub fn deflator_for_tables<'a>(
    named_tables: impl IntoIterator<Item = &'a str>,
) -> &'static BuiltinDeflator {
    let mut named_tables = named_tables.into_iter().peekable();
    let v1_2 = &DEFLATORS[0];
    let v1_4 = &DEFLATORS[1];
    if named_tables.peek().is_none() {
        return if defaults().any(|table| table.name == "ucd-v1.4") {
            v1_4
        } else {
            v1_2
        };
    }
    named_tables
        .find_map(|name| match name {
            "ucd-v1.4" => Some(v1_4),
            "ucd-v1.2" => Some(v1_2),
            _ => None,
        })
        .unwrap_or(v1_2)
}

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

/// The error for a name (`ucd-v1.3`) that no built-in table or series has: at the place it is
/// written, with the nearest names and how to name a file instead. `what` is "unit-cost table"
/// or "deflator series", `plural` "tables" or "series"; `known` are the names of its kind.
pub fn unknown_name(
    input: &crate::input_path::InputPath,
    (what, plural): (&str, &str),
    known: &[&str],
    diagnostics: &mut crate::diagnostic::Diagnostics,
) {
    let name = input.path.to_string_lossy();
    let nearest = crate::suggest::did_you_mean(&name, known.iter().copied())
        .map(|suggestion| format!("{suggestion} "))
        .unwrap_or_default();
    let location = input
        .named_at
        .clone()
        .unwrap_or_else(|| crate::diagnostic::Location::file(input.shown()));
    diagnostics
        .error(
            Some(location),
            format!("`{name}` is not the name of a built-in {what}"),
        )
        .hint(format!(
            "{nearest}the built-in {plural} are {}; a file of your own is named with its .toml \
             ending or a folder, such as \"{name}.toml\" or \"./{name}\"",
            known.join(", ")
        ));
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

    #[test]
    fn each_database_is_uprated_with_its_own_series() {
        assert_eq!(deflator_for_tables([]).name, "gdp-deflator-ucd-v1.4");
        assert_eq!(
            deflator_for_tables(["ucd-v1.2", "local.toml"]).name,
            "gdp-deflator-ucd-v1.2"
        );
        assert_eq!(
            deflator_for_tables(["local.toml", "ucd-v1.4", "ucd-v1.2"]).name,
            "gdp-deflator-ucd-v1.4"
        );
        assert_eq!(
            deflator_for_tables(["hertfordshire-2013"]).name,
            "gdp-deflator-ucd-v1.2"
        );
        for deflator in DEFLATORS {
            assert!(deflator_by_name(deflator.name).is_some());
            let mut diagnostics = crate::diagnostic::Diagnostics::new();
            assert!(
                crate::uprating::Deflator::parse(deflator.name, deflator.text, &mut diagnostics)
                    .is_some(),
                "{}: {:?}",
                deflator.name,
                diagnostics.problems()
            );
            assert!(deflator.file.starts_with("unit-costs/"));
        }
    }
}
