//! Writes small seed inputs for the fuzz targets (a few kB each) into a directory.
//!
//! cargo run -p rcm-x12 --example fuzz_seeds -- fuzz/seeds

use rcm_x12::model::claim837::ClaimKind;
use rcm_x12::synth::{self, Rng};
use rcm_x12::validate::{Options, build_999, validate_bytes};

fn main() -> std::process::ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: fuzz_seeds DIR");
        return std::process::ExitCode::from(2);
    };
    let mut rng = Rng::new(99);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, kind) in [
        ("837p", ClaimKind::Professional),
        ("837i", ClaimKind::Institutional),
    ] {
        let t = synth::claim_transaction(&mut rng, kind, 1, 2);
        if let Ok(b) = synth::claim_interchange(&[t], 1) {
            let r = validate_bytes(&b, &Options::default());
            if let Ok(Some(ack)) = build_999(
                &r,
                2,
                rcm_x12::Date {
                    year: 2026,
                    month: 11,
                    day: 20,
                },
                "1200",
            ) {
                files.push((format!("{name}.999"), ack));
            }
            files.push((format!("{name}.x12"), b));
        }
    }
    if let Ok(b) = synth::remit_interchange(&[synth::remittance(&mut rng, 1, 2)], 1) {
        files.push(("835.x12".into(), b));
    }
    for (name, bytes) in files {
        let path = std::path::Path::new(&dir).join(name);
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!("cannot write {}: {e}", path.display());
            return std::process::ExitCode::from(2);
        }
    }
    std::process::ExitCode::SUCCESS
}
