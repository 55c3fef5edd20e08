//! Writes synthetic, guide-valid 835 and 837P files of a target size for benchmarks.
//!
//! cargo run --release -p rcm-x12 --example synth -- OUT_DIR [SIZES...]
//! SIZES are like 1MB 100MB 1GB (default: 1MB 100MB). Files: OUT_DIR/synth-835-1MB.x12 and
//! OUT_DIR/synth-837p-1MB.x12. Each interchange holds many transaction sets of ~50 claims, so
//! memory while reading is bounded by one transaction, not the file. Keep OUT_DIR outside the repo.

use rcm_x12::Delimiters;
use rcm_x12::model::claim837::{self, ClaimKind};
use rcm_x12::model::remit835;
use rcm_x12::synth::{self, Rng};
use rcm_x12::writer::{GroupHeader, InterchangeHeader, SegmentWriter};
use std::io::Write;

fn parse_size(s: &str) -> Option<u64> {
    let u = s.to_ascii_uppercase();
    let (n, mul) = if let Some(n) = u.strip_suffix("GB") {
        (n, 1u64 << 30)
    } else if let Some(n) = u.strip_suffix("MB") {
        (n, 1 << 20)
    } else if let Some(n) = u.strip_suffix("KB") {
        (n, 1 << 10)
    } else {
        (u.as_str(), 1)
    };
    n.parse::<u64>().ok().map(|v| v * mul)
}

/// Writes one file of about `target` bytes: ISA, GS, N transaction sets, GE, IEA.
fn write_file(path: &std::path::Path, target: u64, kind: &str) -> std::io::Result<u64> {
    let mut f = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut w = SegmentWriter::new(Delimiters::default()).with_newlines(true);
    let isa = InterchangeHeader {
        sender_qualifier: "ZZ".into(),
        sender_id: "OPENRCM".into(),
        receiver_qualifier: "ZZ".into(),
        receiver_id: "BENCH".into(),
        date_yymmdd: "261120".into(),
        time_hhmm: "1200".into(),
        control_number: 1,
        ack_requested: false,
        production: false,
    };
    let (fid, version) = if kind == "835" {
        ("HP", "005010X221A1")
    } else {
        ("HC", "005010X222A1")
    };
    w.isa(&isa).map_err(std::io::Error::other)?;
    w.simple(
        "GS",
        &[
            fid, "OPENRCM", "BENCH", "20261120", "1200", "1", "X", version,
        ],
    )
    .map_err(std::io::Error::other)?;
    let mut written = 0u64;
    let mut n = 0u32;
    let mut rng = Rng::new(42);
    while written < target.saturating_sub(200) {
        n += 1;
        let control = n % 999_999_999;
        if kind == "835" {
            let r = synth::remittance(&mut rng, control.max(1), 50);
            remit835::write(&r, &mut w).map_err(std::io::Error::other)?;
        } else {
            let t = synth::claim_transaction(&mut rng, ClaimKind::Professional, control.max(1), 50);
            claim837::write(&t, &mut w).map_err(std::io::Error::other)?;
        }
        let b = w.take_bytes();
        written += b.len() as u64;
        f.write_all(&b)?;
    }
    let gs = GroupHeader {
        functional_id: fid.into(),
        sender_code: String::new(),
        receiver_code: String::new(),
        date: String::new(),
        time: String::new(),
        control_number: 1,
        version: version.into(),
    };
    w.simple("GE", &[&n.to_string(), &gs.control_number.to_string()])
        .map_err(std::io::Error::other)?;
    w.simple("IEA", &["1", "000000001"])
        .map_err(std::io::Error::other)?;
    f.write_all(&w.take_bytes())?;
    f.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: synth OUT_DIR [1MB 100MB 1GB]");
        return std::process::ExitCode::from(2);
    };
    let sizes: Vec<String> = if args.len() > 1 {
        args[1..].to_vec()
    } else {
        vec!["1MB".into(), "100MB".into()]
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("cannot create {dir}: {e}");
        return std::process::ExitCode::from(2);
    }
    for s in &sizes {
        let Some(bytes) = parse_size(s) else {
            eprintln!("bad size {s}");
            return std::process::ExitCode::from(2);
        };
        for kind in ["835", "837p"] {
            let path = std::path::Path::new(dir).join(format!("synth-{kind}-{s}.x12"));
            match write_file(&path, bytes, kind) {
                Ok(n) => println!("{} {} bytes", path.display(), n),
                Err(e) => {
                    eprintln!("cannot write {}: {e}", path.display());
                    return std::process::ExitCode::from(2);
                }
            }
        }
    }
    std::process::ExitCode::SUCCESS
}
