//! The zero-copy 835 view gives exactly the owned model (`to_owned() == parse`), on generated
//! remittances, on the shared samples, and on mutated documents (same errors too).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::envelope::{Handler, TransactionSet, TxContext, drive_slice};
use rcm_x12::model::remit835;
use rcm_x12::synth::{self, Rng};
use rcm_x12::{Finding, Segment};
use std::path::Path;

#[derive(Default)]
struct Compare {
    compared: usize,
    claims: usize,
}
impl Handler for Compare {
    fn transaction(&mut self, _ctx: &TxContext, _segments: &[Segment<'_>]) {
        unreachable!("the drivers hand sets over through transaction_set");
    }
    fn transaction_set(&mut self, ctx: &TxContext, tx: TransactionSet<'_, '_>) {
        if ctx.set_id != "835" {
            return;
        }
        let segments = tx.segments;
        let owned = remit835::parse(segments);
        let view = remit835::parse_view(segments);
        // Reading the set's text once (when it is all UTF-8) gives the same view.
        let view_set = remit835::parse_view_set(tx);
        match (&view, &view_set) {
            (Ok(a), Ok(b)) => assert_eq!(a.to_owned(), b.to_owned()),
            (Err(a), Err(b)) => assert_eq!(a, b),
            _ => panic!("the set view and the segment view disagree"),
        }
        match (&owned, &view) {
            (Ok(o), Ok(v)) => {
                assert_eq!(&v.to_owned(), o);
                // Accessors agree with the owned lists.
                for (c, oc) in v.claims().zip(&o.claims) {
                    assert_eq!(c.adjustments().len(), oc.adjustments.len());
                    assert_eq!(c.services().count(), oc.services.len());
                    for (s, os) in c.services().zip(&oc.services) {
                        assert_eq!(s.line_control_number(), os.line_control_number());
                    }
                }
                self.claims += o.claims.len();
            }
            (Err(a), Err(b)) => assert_eq!(a, b),
            _ => panic!(
                "owned and view disagree: {:?} vs {:?}",
                owned.as_ref().err(),
                view.as_ref().err()
            ),
        }
        self.compared += 1;
    }
    fn finding(&mut self, _f: Finding) {}
}

#[test]
fn view_equals_owned_on_generated_835s() {
    let mut h = Compare::default();
    for seed in 0..80 {
        let mut rng = Rng::new(seed);
        let txs: Vec<_> = (0..1 + rng.below(3))
            .map(|k| {
                let claims = 1 + rng.below(12) as usize;
                synth::remittance(&mut rng, k as u32 + 1, claims)
            })
            .collect();
        let bytes = synth::remit_interchange(&txs, seed as u32 + 1).unwrap();
        drive_slice(&bytes, &mut h);
    }
    assert!(
        h.compared >= 80 && h.claims > 300,
        "{} / {}",
        h.compared,
        h.claims
    );
}

fn sample_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            sample_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn view_equals_owned_on_sample_835s() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/x12_samples");
    let mut files = Vec::new();
    sample_files(&root, &mut files);
    let mut h = Compare::default();
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        drive_slice(&bytes, &mut h);
    }
    if root.exists() {
        assert!(
            h.compared > 0,
            "no 835 among the samples in {}",
            root.display()
        );
    }
}

/// Segments moved, dropped, duplicated and elements damaged: both readers still agree.
#[test]
fn view_equals_owned_on_mutated_835s() {
    let mut h = Compare::default();
    for seed in 0..200u64 {
        let mut rng = Rng::new(seed);
        let n = 1 + rng.below(6) as usize;
        let r = synth::remittance(&mut rng, 1, n);
        let bytes = synth::remit_interchange(&[r], 1).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let mut segs: Vec<String> = text.split('~').map(String::from).collect();
        // Body segments only (keep ISA/GS/ST and SE/GE/IEA so the envelope holds).
        let lo = 3;
        let hi = segs.len().saturating_sub(4);
        for _ in 0..1 + rng.below(4) {
            let i = lo + rng.below((hi - lo) as u64) as usize;
            let j = lo + rng.below((hi - lo) as u64) as usize;
            match rng.below(6) {
                5 => segs[i] = segs[i].replacen('*', "*\u{e9}", 1),
                0 => segs.swap(i, j),
                1 => {
                    let s = segs[i].clone();
                    segs[j] = s;
                }
                2 => segs[i] = segs[i].replacen('*', "*X", 1),
                3 => segs[i] = format!("{}*", segs[i]),
                _ => {
                    let s = segs[i].clone();
                    segs.insert(j, s);
                }
            }
        }
        let mut bytes = segs.join("~").into_bytes();
        if rng.chance(30) {
            // A byte that is not UTF-8 inside some element.
            let k = 200 + rng.below(bytes.len() as u64 - 300) as usize;
            if bytes[k].is_ascii_alphanumeric() {
                bytes[k] = 0xC3;
            }
        }
        drive_slice(&bytes, &mut h);
    }
    assert!(h.compared > 100);
}
