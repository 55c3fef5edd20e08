//! NCCI tables at full size: import time of the synthetic CMS-layout files (500,000
//! practitioner PTP pairs in four parts, 15,000 MUE rows), load time from the prebuilt
//! tables (goal ≤ 200 ms), nanoseconds per PTP and MUE lookup, peak memory. Medians.
//!
//! cargo bench -p rcm-edits --bench ncci

#[path = "../examples/ncci_synth.rs"]
mod synth;

use std::hint::black_box;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use rcm_edits::ncci::{ImportOptions, MueSetting, NcciTables, PtpSetting, import};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().any(|a| a == "--list") {
        println!("ncci: bench");
        return Ok(());
    }
    let tmp = tempfile::tempdir()?;
    let files = synth::write_all(&tmp.path().join("files"))?;
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    println!("synthetic files: {} ({} bytes zipped)", files.len(), bytes);

    // Load and lookups first, in a data dir imported once, so the RSS after loading is
    // not the import's.
    let data = tmp.path().join("data");
    let t0 = Instant::now();
    let report = import(&data, &files, &ImportOptions::default())?;
    let first_import = t0.elapsed();
    for t in &report.tables {
        println!("  {} {}: {} rows", t.table.slug(), t.quarter, t.rows);
    }
    let rss_before_load = status_kb("VmRSS:");
    let dos = Date::new(2026, 11, 2)?;
    let mut loads = Vec::new();
    for _ in 0..11 {
        let t = Instant::now();
        let tables = NcciTables::open(&data)?;
        black_box(tables.ptp(PtpSetting::Practitioner, "00000", "00000", dos)?);
        black_box(tables.mue(MueSetting::Practitioner, "00000", dos)?);
        loads.push(t.elapsed());
    }
    let load = median(loads);

    let tables = NcciTables::open(&data)?;
    tables.load_all()?;
    let rss_loaded = status_kb("VmRSS:");
    // Queries: the pairs of the synthetic files (hits) and shuffled pairs (mostly misses).
    let col1 = synth::code_pool(12_500, 7);
    let col2 = synth::code_pool(20_000, 11);
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut queries = Vec::with_capacity(1 << 20);
    for _ in 0..(1 << 20) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let a = &col1[(x % col1.len() as u64) as usize];
        let b = &col2[((x >> 20) % col2.len() as u64) as usize];
        queries.push((a.clone(), b.clone()));
    }
    let mut ptp_runs = Vec::new();
    let mut hits = 0usize;
    for _ in 0..5 {
        let t = Instant::now();
        hits = 0;
        for (a, b) in &queries {
            if tables.ptp(PtpSetting::Practitioner, a, b, dos)?.is_some() {
                hits += 1;
            }
        }
        ptp_runs.push(t.elapsed());
    }
    let ptp_ns = median(ptp_runs).as_nanos() as f64 / queries.len() as f64;
    let mue_codes = synth::code_pool(15_000, 13);
    let mut mue_runs = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        for (i, (a, _)) in queries.iter().enumerate() {
            let c = if i % 2 == 0 {
                a
            } else {
                &mue_codes[i % mue_codes.len()]
            };
            black_box(tables.mue(MueSetting::Practitioner, c, dos)?);
        }
        mue_runs.push(t.elapsed());
    }
    let mue_ns = median(mue_runs).as_nanos() as f64 / queries.len() as f64;

    // Import: a fresh data dir each time; then a re-import (unchanged).
    let mut imports = vec![first_import];
    for i in 0..2 {
        let d = tmp.path().join(format!("data{i}"));
        let t = Instant::now();
        import(&d, &files, &ImportOptions::default())?;
        imports.push(t.elapsed());
    }
    let import_t = median(imports);
    let t = Instant::now();
    import(&data, &files, &ImportOptions::default())?;
    let reimport = t.elapsed();
    let table_bytes: u64 = std::fs::read_dir(data.join("edits"))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tbl"))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();

    println!("import (4 PTP parts + MUE, fresh data dir): {import_t:.2?} median of 3");
    println!("re-import, unchanged: {reimport:.2?}");
    println!(
        "prebuilt tables on disk: {:.1} MiB",
        table_bytes as f64 / 1048576.0
    );
    println!("load (open + first PTP and MUE lookup): {load:.2?} median of 11 (goal <= 200 ms)");
    println!(
        "PTP lookup: {ptp_ns:.0} ns ({hits} hits of {} queries); MUE lookup: {mue_ns:.0} ns",
        queries.len()
    );
    println!(
        "RSS: {:.1} MiB before load, {:.1} MiB with the tables loaded; peak (import included) {:.1} MiB",
        rss_before_load as f64 / 1024.0,
        rss_loaded as f64 / 1024.0,
        status_kb("VmHWM:") as f64 / 1024.0
    );
    Ok(())
}
