//! The scrubber benchmark (see `scripts/bench/claims-bench.sh` and BENCHMARKS.md).
//!
//! `scrub_bench gen OUT.837 CLAIMS` writes an 837P batch of CLAIMS claims with five lines each
//! (real ICD-10-CM codes, CPT/HCPCS-shaped procedures, several subscribers and patients).
//! `scrub_bench run DATA_DIR FILE.837 [RUNS]` loads what DATA_DIR has imported, then reads,
//! parses and scrubs the file RUNS times, printing each run and the median.

use rcm_claims::input::ClaimInput;
use rcm_claims::x12::{Envelope, to_transaction};
use rcm_claims::{Claim, ClaimKind};
use rcm_edits::Scrubber;
use rcm_edits::rules::RuleSet;
use rcm_x12::writer::{GroupHeader, InterchangeHeader, SegmentWriter, write_interchange};
use std::time::Instant;

const DX: &[&str] = &[
    "E11.9", "I10", "E78.5", "J02.9", "M25.561", "M54.50", "R07.9", "Z00.00", "J06.9", "K21.9",
    "F41.1", "N39.0", "R51.9", "M17.11", "E55.9", "L03.115", "H66.91", "J45.909", "G43.909",
];
const PROC: &[&str] = &[
    "99213", "99214", "99203", "36415", "80061", "83036", "93000", "20610", "97110", "97140",
    "87880", "81002", "90471", "90686", "96372", "J3301", "71046", "73562", "85025", "80053",
];

fn rng(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn claim(n: usize, seed: &mut u64) -> Claim {
    let ndx = 1 + (rng(seed) % 4) as usize;
    let mut dx: Vec<&str> = Vec::new();
    while dx.len() < ndx {
        let d = DX[(rng(seed) as usize) % DX.len()];
        if !dx.contains(&d) {
            dx.push(d);
        }
    }
    // October 1 to November 20, 2026: the NCCI quarter 2026Q4 of the synthetic tables, and
    // the ICD-10-CM release `make data` installs still answers.
    let month = 10 + (rng(seed) % 2) as usize;
    let day = 1 + (rng(seed) % 20) as usize;
    let mut lines = Vec::new();
    let mut used: Vec<&str> = Vec::new();
    while lines.len() < 5 {
        let p = PROC[(rng(seed) as usize) % PROC.len()];
        if used.contains(&p) {
            continue;
        }
        used.push(p);
        let cents = 2_000 + (rng(seed) % 30_000) as i64;
        lines.push(serde_json::json!({
            "procedure": p,
            "charge": rcm_claims::Money(cents).to_string(),
            "units": "1",
            "diagnosis_pointers": [1 + (rng(seed) as usize) % ndx],
            "date_of_service": format!("2026-{month:02}-{day:02}"),
        }));
        if p.starts_with('J')
            && let Some(l) = lines.last_mut()
        {
            l["ndc"] = serde_json::json!("00409-4888-02");
            l["ndc_quantity"] = serde_json::json!("2");
            l["ndc_unit"] = serde_json::json!("ML");
        }
    }
    let total: i64 = lines
        .iter()
        .filter_map(|l| l["charge"].as_str())
        .filter_map(|c| rcm_claims::Money::parse(c).ok())
        .map(|m| m.cents())
        .sum();
    let child = rng(seed).is_multiple_of(3);
    let mut v = serde_json::json!({
        "patient_control_number": format!("PCN{n:08}"),
        "billing_provider": {"npi": "1234567893", "name": "BENCH MEDICAL GROUP", "tax_id": "74-1234567",
            "taxonomy": "207Q00000X",
            "address": {"line1": "100 MAIN ST", "city": "AUSTIN", "state": "TX", "zip": "787011234"}},
        "rendering_provider": {"npi": "1245319599", "last_name": "RIVERA", "first_name": "ANA"},
        "subscriber": {"member_id": format!("M{:09}", n / 2), "last_name": format!("SUBSCRIBER{}", n / 2),
            "first_name": "ALEX", "birth_date": "1970-03-02", "sex": if n.is_multiple_of(2) { "F" } else { "M" },
            "address": {"line1": "1 ELM ST", "city": "AUSTIN", "state": "TX", "zip": "78702"}},
        "payers": [{"name": "BENCH HEALTH PLAN", "payer_id": "BHP01", "responsibility": "primary",
            "filing_indicator": "CI"}],
        "place_of_service": "11",
        "diagnoses": dx,
        "total_charge": rcm_claims::Money(total).to_string(),
        "lines": lines,
    });
    if child {
        v["patient"] = serde_json::json!({"relationship": "19", "last_name": format!("CHILD{n}"),
            "first_name": "SAM", "birth_date": "2012-06-01", "sex": "F",
            "address": {"line1": "1 ELM ST", "city": "AUSTIN", "state": "TX", "zip": "78702"}});
    }
    let input: ClaimInput = serde_json::from_value(v).unwrap_or_default();
    match input.build("claims[0]").claim {
        Some(c) => c,
        None => {
            eprintln!("generated claim {n} does not build");
            std::process::exit(2);
        }
    }
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn generate(out: &str, count: usize) -> Result<(), String> {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let claims: Vec<Claim> = (0..count).map(|n| claim(n, &mut seed)).collect();
    let env = Envelope {
        submitter_name: "BENCH MEDICAL GROUP".into(),
        submitter_id: "BENCH01".into(),
        contact_name: "BILLING".into(),
        contact_phone: "5125550100".into(),
        receiver_name: "DEMO CLEARINGHOUSE".into(),
        receiver_id: "DEMOCH".into(),
        reference: "BENCH".into(),
        control_number: "0001".into(),
        created: jiff::civil::date(2026, 11, 20),
        created_time: "1200".into(),
    };
    // 5,000 claims per transaction set, as clearinghouses limit them.
    let refs: Vec<&Claim> = claims.iter().collect();
    let txs: Vec<_> = refs
        .chunks(5_000)
        .enumerate()
        .map(|(i, part)| {
            let mut e = env.clone();
            e.control_number = format!("{:04}", i + 1);
            to_transaction(&e, ClaimKind::Professional, part).map_err(|e| e.to_string())
        })
        .collect::<Result<_, _>>()?;
    let isa = InterchangeHeader {
        sender_qualifier: "ZZ".into(),
        sender_id: "BENCH01".into(),
        receiver_qualifier: "ZZ".into(),
        receiver_id: "DEMOCH".into(),
        date_yymmdd: "261120".into(),
        time_hhmm: "1200".into(),
        control_number: 1,
        ack_requested: false,
        production: false,
    };
    let gs = GroupHeader {
        functional_id: "HC".into(),
        sender_code: "BENCH01".into(),
        receiver_code: "DEMOCH".into(),
        date: "20261120".into(),
        time: "1200".into(),
        control_number: 1,
        version: "005010X222A1".into(),
    };
    let bytes = write_interchange(
        rcm_x12::Delimiters::default(),
        &isa,
        &gs,
        txs.len(),
        |w: &mut SegmentWriter| {
            txs.iter()
                .try_for_each(|t| rcm_x12::model::claim837::write(t, w))
        },
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(out, &bytes).map_err(|e| e.to_string())?;
    println!("{out}: {count} claims, {} bytes", bytes.len());
    Ok(())
}

fn run(data_dir: &str, file: &str, runs: usize) -> Result<(), String> {
    let t = Instant::now();
    let scrubber = Scrubber::open(
        std::path::Path::new(data_dir),
        RuleSet::default(),
        jiff::civil::date(2026, 11, 24),
    )
    .map_err(|e| e.to_string())?;
    let load_ms = t.elapsed().as_secs_f64() * 1000.0;
    let setup = scrubber.setup();
    println!(
        "loaded in {load_ms:.1} ms: ICD-10-CM {:?}, NCCI {:?}",
        setup.icd10cm_versions, setup.ncci_tables
    );
    let mut times = Vec::new();
    for r in 0..runs {
        let t = Instant::now();
        let bytes = std::fs::read(file).map_err(|e| e.to_string())?;
        let parsed = t.elapsed().as_secs_f64();
        let batch = scrubber.check_837(&bytes);
        let reports = batch.reports;
        let total = t.elapsed().as_secs_f64();
        let findings: usize = reports.iter().map(|r| r.findings.len()).sum();
        let errors = reports.iter().filter(|r| r.has_errors()).count();
        println!(
            "run {}: {} claims ({} MB) read {:.0} ms, parsed and scrubbed {:.0} ms, total {:.0} ms; {findings} findings, {errors} claims with errors; file problems {}",
            r + 1,
            reports.len(),
            bytes.len() / 1_000_000,
            parsed * 1000.0,
            (total - parsed) * 1000.0,
            total * 1000.0,
            batch.file_problems.len()
        );
        times.push(total);
    }
    times.sort_by(f64::total_cmp);
    if let Some(m) = times.get(times.len() / 2) {
        println!(
            "median {:.0} ms over {runs} runs; peak RSS {:.0} MiB",
            m * 1000.0,
            peak_rss_mib()
        );
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(1).map(String::as_str) {
        Some("gen") if args.len() == 4 => match args[3].parse() {
            Ok(n) => generate(&args[2], n),
            Err(_) => Err("CLAIMS must be a number".into()),
        },
        Some("run") if args.len() >= 4 => run(
            &args[2],
            &args[3],
            args.get(4).and_then(|r| r.parse().ok()).unwrap_or(5),
        ),
        _ => Err(
            "usage: scrub_bench gen OUT.837 CLAIMS | scrub_bench run DATA_DIR FILE.837 [RUNS]"
                .into(),
        ),
    };
    if let Err(e) = result {
        eprintln!("scrub_bench: {e}");
        std::process::exit(2);
    }
}
