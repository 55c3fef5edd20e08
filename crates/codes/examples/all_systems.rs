//! Loads every code system imported in a data directory (as of a date of service),
//! answers lookups and searches in each, and reports timings and peak memory: the
//! numbers of the code-sets benchmark in BENCHMARKS.md.
//!
//! cargo run --release -p rcm-codes --example all_systems -- DATA_DIR YYYY-MM-DD

use std::time::Instant;

use rcm_codes::{Catalog, CodeSystem, SearchOptions};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time_us(rounds: usize, mut f: impl FnMut()) -> f64 {
    f();
    median(
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect(),
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).ok_or("give DATA_DIR")?);
    let dos: jiff::civil::Date = args.get(2).ok_or("give a date of service")?.parse()?;
    let catalog = Catalog::open(&dir)?;
    let t = Instant::now();
    let (cm, _) = catalog.load_for_date(CodeSystem::Icd10cm, dos)?;
    let (pcs, _, _) = catalog.load_pcs_for_date(dos)?;
    let (hcpcs, _, _) = catalog.load_hcpcs_for_date(dos)?;
    let (indexes, _) = catalog.load_indexes_for_date(dos)?;
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    let opts = SearchOptions {
        limit: 10,
        ..Default::default()
    };
    println!(
        "load of every system: {load_ms:.1} ms ({} index/table sets)",
        indexes.len()
    );
    println!(
        "icd10cm lookup: {:.3} us",
        time_us(2001, || {
            std::hint::black_box(cm.lookup("S72.001A"));
        })
    );
    println!(
        "icd10cm search with index: {:.0} us",
        time_us(201, || {
            std::hint::black_box(cm.search_with_indexes("fall from bed", &opts, &indexes));
        })
    );
    println!(
        "pcs validate: {:.3} us",
        time_us(2001, || {
            std::hint::black_box(pcs.validate("0DTJ4ZZ"));
        })
    );
    println!(
        "pcs search: {:.0} us",
        time_us(201, || {
            std::hint::black_box(pcs.search("laparoscopic appendectomy", 10));
        })
    );
    println!(
        "hcpcs lookup: {:.3} us",
        time_us(2001, || {
            std::hint::black_box(hcpcs.lookup("K0001"));
        })
    );
    println!(
        "hcpcs search: {:.0} us",
        time_us(201, || {
            std::hint::black_box(hcpcs.search("wheelchair", 10));
        })
    );
    for set in &indexes {
        println!(
            "{:?} walk: {:.1} us",
            set.kind(),
            time_us(201, || {
                std::hint::black_box(set.walk("Aspirin"));
            })
        );
    }
    let status = std::fs::read_to_string("/proc/self/status")?;
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("VmHWM: ?");
    println!(
        "peak memory with everything loaded: {}",
        hwm.trim_start_matches("VmHWM:").trim()
    );
    Ok(())
}
