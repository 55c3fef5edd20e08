//! Independent check: files written by this crate (837P, 837I, 835 and the 999 we send back) must pass
//! pyx12's `x12valid` with zero errors. pyx12 must be installed in `$RCM_VENV` (default
//! `<repo>/.venv`, created by the test setup from scripts/requirements-test.txt). The test fails,
//! never skips, when it is missing.
//!
//! `RCM_PYX12_FILES` sets how many files of each kind (default 40).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use common::{join_segments, pyx12_errors, set_el, split_segments, x12valid};
use rcm_x12::Date;
use rcm_x12::model::claim837::ClaimKind;
use rcm_x12::synth::{self, Rng};
use rcm_x12::validate::{Options, build_999, validate_bytes};
use std::path::PathBuf;

mod common;

/// A way to break a generated 837P, and what it breaks.
type Damage = (&'static str, fn(&mut Vec<String>));

/// The 999 we send back for a validated file (interchange control number `n + 1`).
fn ack_for(report: &rcm_x12::validate::Report, n: u64) -> Vec<u8> {
    let date = Date {
        year: 2026,
        month: 11,
        day: 21,
    };
    build_999(report, (n + 1) as u32, date, "0900")
        .unwrap()
        .unwrap()
}

#[test]
fn generated_files_pass_pyx12() {
    let bin = x12valid();
    let n: u64 = std::env::var("RCM_PYX12_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    // Files with a 2410 drug loop (LIN/CTP), per kind: the new loop must be exercised.
    let mut with_drug = [0usize; 2];
    for i in 0..n {
        for (kind, tag) in [
            (ClaimKind::Professional, "837p"),
            (ClaimKind::Institutional, "837i"),
        ] {
            let mut rng = Rng::new(i * 7919 + tag.len() as u64);
            let txs: Vec<_> = (0..1 + rng.below(2))
                .map(|k| {
                    let claims = 1 + rng.below(5) as usize;
                    synth::claim_transaction(&mut rng, kind, (i * 10 + k + 1) as u32, claims)
                })
                .collect();
            let bytes = synth::claim_interchange(&txs, (i + 1) as u32).unwrap();
            if bytes.windows(5).any(|w| w == b"~LIN*") {
                with_drug[usize::from(kind == ClaimKind::Institutional)] += 1;
            }
            // Our own validator must agree before pyx12 is asked.
            let report = validate_bytes(&bytes, &Options::default());
            assert!(
                report.is_clean(),
                "{tag} #{i}: our validator found: {:#?}",
                report
                    .findings
                    .iter()
                    .map(|f| f.to_string())
                    .collect::<Vec<_>>()
            );
            let path = dir.path().join(format!("{tag}_{i}.x12"));
            std::fs::write(&path, &bytes).unwrap();
            files.push((format!("{tag} #{i}"), path));
            // And the 999 we would send back for it.
            let ack = ack_for(&report, i);
            let apath = dir.path().join(format!("{tag}_{i}.999"));
            std::fs::write(&apath, &ack).unwrap();
            files.push((format!("999 for {tag} #{i}"), apath));
        }
    }
    assert!(
        n < 10 || with_drug.iter().all(|&k| k > 0),
        "no generated 837P/837I file carries a 2410 drug loop: {with_drug:?}"
    );
    // 835s we write (synthetic remittances for benchmarks and posting tests).
    for i in 0..n.div_ceil(4) {
        let mut rng = Rng::new(1000 + i);
        let txs: Vec<_> = (0..1 + rng.below(3))
            .map(|k| {
                let claims = 1 + rng.below(8) as usize;
                synth::remittance(&mut rng, (i * 10 + k + 1) as u32, claims)
            })
            .collect();
        let bytes = synth::remit_interchange(&txs, (i + 1) as u32).unwrap();
        let report = validate_bytes(&bytes, &Options::default());
        assert!(
            report.is_clean(),
            "835 #{i}: our validator found: {:#?}",
            report
                .findings
                .iter()
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
        );
        let path = dir.path().join(format!("835_{i}.x12"));
        std::fs::write(&path, &bytes).unwrap();
        files.push((format!("835 #{i}"), path));
    }
    // 999s rejecting damaged 837Ps: segment and element errors (IK3/IK4) in loops at every depth,
    // component positions, syntax notes, missing and unknown segments.
    let damages: [Damage; 8] = [
        ("claim filing indicator", |s| {
            set_el(s, "SBR*", 9, "QQ");
        }),
        ("subscriber state", |s| {
            let i = s.iter().position(|x| x.starts_with("NM1*IL")).unwrap();
            let n4 = i + s[i..].iter().position(|x| x.starts_with("N4*")).unwrap();
            let mut parts: Vec<String> = s[n4].split('*').map(String::from).collect();
            parts[2] = "ZZ".into();
            s[n4] = parts.join("*");
        }),
        ("place of service component", |s| {
            let i = s.iter().position(|x| x.starts_with("CLM*")).unwrap();
            s[i] = s[i].replacen(":B:", "X:B:", 1);
        }),
        ("PER05 without PER06", |s| {
            set_el(s, "PER*IC", 5, "EX");
        }),
        ("payer name missing", |s| {
            set_el(s, "NM1*PR", 3, "");
        }),
        ("billing provider address removed", |s| {
            let i = s.iter().position(|x| x.starts_with("NM1*85")).unwrap();
            s.remove(i + 1);
        }),
        ("unknown segment", |s| {
            let i = s.iter().position(|x| x.starts_with("CLM*")).unwrap();
            s.insert(i + 1, "ZZZ*1".into());
        }),
        ("line charge not a number", |s| {
            let i = s.iter().position(|x| x.starts_with("SV1*")).unwrap();
            let mut parts: Vec<String> = s[i].split('*').map(String::from).collect();
            parts[2] = "ABC".into();
            s[i] = parts.join("*");
        }),
    ];
    for i in 0..n.div_ceil(2) {
        let (what, damage) = damages[i as usize % damages.len()];
        let mut rng = Rng::new(5000 + i);
        let t = synth::claim_transaction(&mut rng, ClaimKind::Professional, 1, 2);
        let mut segs = split_segments(&synth::claim_interchange(&[t], 1).unwrap());
        damage(&mut segs);
        let report = validate_bytes(&join_segments(&segs), &Options::default());
        let ack = ack_for(&report, i);
        assert!(
            ack.windows(4).any(|w| w == b"IK3*"),
            "{what}: the 999 reports no segment error"
        );
        let apath = dir.path().join(format!("rejected_{i}.999"));
        std::fs::write(&apath, &ack).unwrap();
        files.push((format!("999 rejecting an 837P ({what})"), apath));
    }
    // x12valid starts a Python interpreter per file: run them on every core.
    let checked = files.len();
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let found = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|sc| {
        for _ in 0..workers {
            sc.spawn(|| {
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some((label, path)) = files.get(k) else {
                        break;
                    };
                    if let Some(e) = pyx12_errors(&bin, path) {
                        found.lock().unwrap().push(format!("{label}:\n{e}"));
                    }
                }
            });
        }
    });
    let failures = found.into_inner().unwrap();
    eprintln!(
        "pyx12: {checked} files checked, {} failures",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} files failed pyx12:\n{}",
        failures.len(),
        failures
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
