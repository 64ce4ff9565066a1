//! Writes a synthetic national-scale study, for benchmarks: a unit-cost table of 48 services over
//! 8 agencies, service-use records before and after for each family, and a study file.
//!
//! ```sh
//! cargo run --release --example synth -- --families 400000 /tmp/nat
//! tfcalc report /tmp/nat --format csv --output /tmp/nat-out/
//! ```
//!
//! The layout matches `shared/bench/gen.py` (the peer scripts read the same files): on average 24
//! rows a family before and 12 after, quantities from 1 to 60, costs with pence. The same seed
//! always writes the same files.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

const AGENCIES: [&str; 8] = [
    "Police",
    "Ministry of Justice",
    "DWP",
    "NHS",
    "County Council",
    "District Council",
    "Schools",
    "Housing Provider",
];

/// A small, fast, seeded generator (xorshift64*): the data only needs to look random and be
/// reproducible.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number from `low` to `high`, both included.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

struct Options {
    families: u64,
    /// Average rows a family has before; after has half as many.
    rows_per_family: u64,
    seed: u64,
    folder: PathBuf,
}

fn options() -> Result<Options, String> {
    let usage = "usage: synth [--families N] [--rows-per-family N] [--seed N] FOLDER";
    let mut options = Options {
        families: 400_000,
        rows_per_family: 24,
        seed: 7,
        folder: PathBuf::new(),
    };
    let mut arguments = std::env::args().skip(1);
    while let Some(argument) = arguments.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            arguments
                .next()
                .and_then(|value| value.parse().ok())
                .ok_or_else(|| format!("{name} needs a whole number\n{usage}"))
        };
        match argument.as_str() {
            "--families" => options.families = number("--families")?,
            "--rows-per-family" => options.rows_per_family = number("--rows-per-family")?.max(2),
            "--seed" => options.seed = number("--seed")?.max(1),
            "--help" | "-h" => return Err(usage.to_string()),
            folder if !folder.starts_with('-') => options.folder = PathBuf::from(folder),
            other => return Err(format!("unknown option {other}\n{usage}")),
        }
    }
    if options.folder.as_os_str().is_empty() {
        return Err(usage.to_string());
    }
    Ok(options)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    std::fs::create_dir_all(&options.folder)?;
    let mut random = Random(options.seed);

    let mut table =
        String::from("[table]\nname = \"Synthetic benchmark table\"\nprice_year = \"2015/16\"\n\n");
    for index in 0..48 {
        let agency = AGENCIES[index % AGENCIES.len()];
        let cost = format!("{}.{:02}", random.between(5, 20_000), random.between(0, 99));
        writeln!(
            table,
            "[[unit_cost]]\nid = \"svc_{index:02}\"\nname = \"Synthetic service svc_{index:02}\"\nunit = \"item\"\ncost = \"{cost}\"\nagency = \"{agency}\"\n"
        )?;
    }
    std::fs::write(options.folder.join("unit-costs.toml"), table)?;
    std::fs::write(
        options.folder.join("study.toml"),
        format!(
            "[study]\nname = \"Synthetic national cohort ({} families)\"\nwindow_months = 12\nunit_costs = [\"unit-costs.toml\"]\nbefore = \"before.csv\"\nafter = \"after.csv\"\n\n[intervention]\nper_family = \"4000\"\nfunding = {{ \"County Council\" = \"0.5\", \"Police\" = \"0.25\", \"NHS\" = \"0.25\" }}\n",
            options.families
        ),
    )?;

    for (name, rows_per_family) in [
        ("before.csv", options.rows_per_family),
        ("after.csv", options.rows_per_family / 2),
    ] {
        let file = std::fs::File::create(options.folder.join(name))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        out.write_all(b"family_id,service,quantity\n")?;
        let mut line = String::new();
        for family in 0..options.families {
            for _ in 0..random.between(rows_per_family / 2, rows_per_family * 3 / 2) {
                line.clear();
                writeln!(
                    line,
                    "F{family:07},svc_{:02},{}",
                    random.between(0, 47),
                    random.between(1, 60)
                )?;
                out.write_all(line.as_bytes())?;
            }
        }
        out.flush()?;
    }
    eprintln!(
        "wrote {}: {} families, unit-costs.toml, before.csv, after.csv, study.toml",
        options.folder.display(),
        options.families
    );
    Ok(())
}
