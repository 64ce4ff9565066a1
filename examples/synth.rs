//! Writes a synthetic national-scale study, for benchmarks: a unit-cost table of 48 services over
//! 8 agencies, service-use records before and after for each family, and a study file.
//!
//! ```sh
//! cargo run --release --example synth -- --families 400000 /tmp/nat
//! cargo run --release --example synth -- --families 400000 --order shuffled /tmp/nat-shuf
//! tfcalc report /tmp/nat --format csv --output /tmp/nat-out/
//! ```
//!
//! The layout matches `shared/bench/gen.py` (the peer scripts read the same files): on average 24
//! rows a family before and 12 after, quantities from 1 to 60, costs with pence. The same seed
//! always writes the same files.
//!
//! `--order` writes the same rows in another order, since extracts come in any (issue 16):
//! `sorted` (by family, as generated), `shuffled` (a seeded shuffle: the same every time),
//! `by-service` (grouped by service, families in order within each), or `reversed` (the sorted
//! rows last to first). Every order has the same totals.

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

/// The order rows are written in (see the module's documentation).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    Sorted,
    Shuffled,
    ByService,
    Reversed,
}

struct Options {
    order: Order,
    families: u64,
    /// Average rows a family has before; after has half as many.
    rows_per_family: u64,
    seed: u64,
    folder: PathBuf,
}

fn options() -> Result<Options, String> {
    let usage = "usage: synth [--families N] [--rows-per-family N] [--seed N] \
                 [--order sorted|shuffled|by-service|reversed] FOLDER";
    let mut options = Options {
        order: Order::Sorted,
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
            "--order" => {
                options.order = match arguments.next().as_deref() {
                    Some("sorted") => Order::Sorted,
                    Some("shuffled") => Order::Shuffled,
                    Some("by-service") => Order::ByService,
                    Some("reversed") => Order::Reversed,
                    _ => {
                        return Err(format!(
                            "--order needs sorted, shuffled, by-service or reversed\n{usage}"
                        ));
                    }
                }
            }
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

    // The shuffle has its own generator, so that every order holds exactly the same rows.
    let mut shuffler = Random(options.seed ^ 0x5DEE_CE66_D1CE_4E5B);
    for (name, rows_per_family) in [
        ("before.csv", options.rows_per_family),
        ("after.csv", options.rows_per_family / 2),
    ] {
        // Rows as generated (sorted by family), each packed into a word: family, service,
        // quantity. Any order but the sorted one is then made from them.
        let mut rows: Vec<u64> = Vec::new();
        for family in 0..options.families {
            for _ in 0..random.between(rows_per_family / 2, rows_per_family * 3 / 2) {
                let service = random.between(0, 47);
                let quantity = random.between(1, 60);
                rows.push(family << 16 | service << 8 | quantity);
            }
        }
        match options.order {
            Order::Sorted => {}
            Order::Reversed => rows.reverse(),
            // Stable: families stay in order within each service.
            Order::ByService => rows.sort_by_key(|row| (row >> 8) & 0xFF),
            Order::Shuffled => {
                // Fisher-Yates.
                for last in (1..rows.len()).rev() {
                    let other = shuffler.between(0, last as u64) as usize;
                    rows.swap(last, other);
                }
            }
        }
        let file = std::fs::File::create(options.folder.join(name))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        out.write_all(b"family_id,service,quantity\n")?;
        let mut line = String::new();
        for row in rows {
            line.clear();
            writeln!(
                line,
                "F{:07},svc_{:02},{}",
                row >> 16,
                (row >> 8) & 0xFF,
                row & 0xFF
            )?;
            out.write_all(line.as_bytes())?;
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
