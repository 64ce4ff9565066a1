//! The raw parse floor the benchmark compares tfcalc with: the csv crate reading every file named,
//! one reused `ByteRecord`, summing the third column as integers. No money, no families: the least
//! work that still reads every row.
//!
//! ```sh
//! cargo run --release --example floor -- /tmp/nat/before.csv /tmp/nat/after.csv
//! ```

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut total: u64 = 0;
    let mut rows: u64 = 0;
    for path in std::env::args().skip(1) {
        let mut reader = csv::Reader::from_path(&path)?;
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record)? {
            let quantity = record.get(2).unwrap_or_default();
            total += quantity.iter().fold(0u64, |sum, &digit| {
                sum * 10 + u64::from(digit.wrapping_sub(b'0'))
            });
            rows += 1;
        }
    }
    println!("{rows} rows, quantities sum to {total}");
    Ok(())
}
