//! Round trip: documents written by the crate parse back to the same model and re-write to the
//! same bytes (the same segments).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::envelope::{Handler, TxContext, drive_slice};
use rcm_x12::model::claim837::ClaimKind;
use rcm_x12::model::{ack999, claim837, remit835};
use rcm_x12::synth::{self, Rng};
use rcm_x12::writer::SegmentWriter;
use rcm_x12::{Delimiters, Finding, Segment};

#[derive(Default)]
struct Collect {
    txs: Vec<(TxContext, Vec<u8>, Vec<Vec<u8>>)>,
}
impl Handler for Collect {
    fn transaction(&mut self, ctx: &TxContext, segments: &[Segment<'_>]) {
        let mut raw = Vec::new();
        for s in segments {
            raw.extend_from_slice(s.raw());
            raw.push(b'~');
        }
        self.txs.push((
            ctx.clone(),
            raw,
            segments.iter().map(|s| s.raw().to_vec()).collect(),
        ));
    }
    fn finding(&mut self, f: Finding) {
        panic!("unexpected finding {f}");
    }
}

fn transactions(bytes: &[u8]) -> Collect {
    let mut c = Collect::default();
    assert!(drive_slice(bytes, &mut c).is_none());
    c
}

fn segs_of(raw: &[u8]) -> Vec<Segment<'_>> {
    let d = Delimiters::default();
    let mut out = Vec::new();
    let mut off = 0;
    for (i, part) in raw.split(|&b| b == b'~').enumerate() {
        if !part.is_empty() {
            out.push(Segment::new(part, d, off, i as u64 + 1));
        }
        off += part.len() as u64 + 1;
    }
    out
}

#[test]
fn claims_round_trip() {
    for seed in 0..60 {
        for kind in [ClaimKind::Professional, ClaimKind::Institutional] {
            let mut rng = Rng::new(seed);
            let t =
                synth::claim_transaction(&mut rng, kind, 1 + seed as u32, 1 + (seed % 7) as usize);
            let bytes = synth::claim_interchange(std::slice::from_ref(&t), 1).unwrap();
            for (_, raw, _) in transactions(&bytes).txs {
                let segs = segs_of(&raw);
                let parsed = claim837::parse(&segs).unwrap();
                assert_eq!(parsed, t, "seed {seed} {kind:?}: model differs after parse");
                let mut w = SegmentWriter::new(Delimiters::default());
                claim837::write(&parsed, &mut w).unwrap();
                assert_eq!(
                    String::from_utf8_lossy(w.as_bytes()),
                    String::from_utf8_lossy(&raw),
                    "seed {seed}"
                );
            }
        }
    }
}

#[test]
fn remittances_round_trip() {
    for seed in 0..60 {
        let mut rng = Rng::new(seed);
        let r = synth::remittance(&mut rng, 1 + seed as u32, 1 + (seed % 9) as usize);
        let bytes = synth::remit_interchange(std::slice::from_ref(&r), 1).unwrap();
        for (_, raw, _) in transactions(&bytes).txs {
            let segs = segs_of(&raw);
            let parsed = remit835::parse(&segs).unwrap();
            assert_eq!(parsed, r, "seed {seed}");
            let mut w = SegmentWriter::new(Delimiters::default());
            remit835::write(&parsed, &mut w).unwrap();
            assert_eq!(
                String::from_utf8_lossy(w.as_bytes()),
                String::from_utf8_lossy(&raw)
            );
        }
    }
}

#[test]
fn acks_round_trip_including_the_shared_samples() {
    for name in ["999_Sample_Accepted.txt", "999_Sample_Rejected.txt"] {
        let path = format!(
            "{}/../../../shared/data/x12_samples/herophilus_assets/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap();
        let c = transactions(&bytes);
        for (_, raw, segs_raw) in c.txs {
            let d = rcm_x12::SegmentReader::new(&bytes)
                .next()
                .unwrap()
                .unwrap()
                .delimiters();
            let segs: Vec<Segment<'_>> = segs_raw
                .iter()
                .enumerate()
                .map(|(i, r)| Segment::new(r, d, 0, i as u64))
                .collect();
            let a = ack999::parse(&segs).unwrap();
            let mut w = SegmentWriter::new(d);
            ack999::write(&a, &mut w).unwrap();
            let written: Vec<&[u8]> = w
                .as_bytes()
                .split(|&b| b == d.segment)
                .filter(|s| !s.is_empty())
                .collect();
            let original: Vec<&[u8]> = segs_raw.iter().map(|v| v.as_slice()).collect();
            assert_eq!(written, original, "{name}");
            let _ = raw;
        }
    }
}

#[test]
fn shared_835_samples_parse_to_typed_models() {
    let dir = format!(
        "{}/../../../shared/data/x12_samples",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut n = 0;
    for sub in ["herophilus_assets", "linuxforhealth_x12/835_005010X221A1"] {
        for e in std::fs::read_dir(format!("{dir}/{sub}")).unwrap().flatten() {
            let bytes = std::fs::read(e.path()).unwrap();
            if !bytes.windows(12).any(|w| w == b"005010X221A1") {
                continue;
            }
            let mut c = Collect2::default();
            drive_slice(&bytes, &mut c);
            assert!(!c.remits.is_empty(), "{}", e.path().display());
            for r in &c.remits {
                assert!(!r.claims.is_empty(), "{}", e.path().display());
            }
            n += 1;
        }
    }
    assert!(n >= 10, "only {n} 835 samples");
}

#[derive(Default)]
struct Collect2 {
    remits: Vec<remit835::Remittance>,
}
impl Handler for Collect2 {
    fn transaction(&mut self, _ctx: &TxContext, segments: &[Segment<'_>]) {
        // Malformed amounts in a sample are reported, not panicked on; skip those.
        if let Ok(r) = remit835::parse(segments) {
            self.remits.push(r);
        }
    }
    fn finding(&mut self, _f: Finding) {}
}

#[test]
fn models_round_trip_through_json() {
    for seed in 0..20 {
        let mut rng = Rng::new(seed);
        let t = synth::claim_transaction(&mut rng, ClaimKind::Professional, 3, 4);
        let json = serde_json::to_string(&t).unwrap();
        let back: claim837::ClaimTransaction = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        let r = synth::remittance(&mut rng, 3, 4);
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"2026-"), "dates are ISO strings in JSON");
        let back: remit835::Remittance = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    }
}

#[test]
fn shared_277ca_samples_parse() {
    use rcm_x12::model::status277;
    for (name, accepted) in [
        ("277CA_Sample_Accepted.txt", true),
        ("277CA_Sample_Rejected.txt", false),
    ] {
        let path = format!(
            "{}/../../../shared/data/x12_samples/herophilus_assets/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap();
        #[derive(Default)]
        struct H(Vec<status277::ClaimAck277>);
        impl Handler for H {
            fn transaction(&mut self, _ctx: &TxContext, segments: &[Segment<'_>]) {
                self.0.push(status277::parse(segments).unwrap());
            }
            fn finding(&mut self, _f: Finding) {}
        }
        let mut h = H::default();
        drive_slice(&bytes, &mut h);
        let ack = &h.0[0];
        assert!(!ack.claims.is_empty(), "{name}");
        let c = &ack.claims[0];
        assert!(!c.patient_control_number.is_empty());
        assert_eq!(
            c.statuses.iter().all(|s| s.is_accepted()),
            accepted,
            "{name}: {:?}",
            c.statuses
        );
    }
}
