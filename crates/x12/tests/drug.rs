//! 2410 drug identification (LIN/CTP/REF) on 837P and 837I service lines: read, write, round
//! trip, placement, JSON compatibility and validation rules.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::envelope::{Handler, TxContext, drive_slice};
use rcm_x12::model::claim837::{
    self, ClaimKind, ClaimTransaction, DrugIdentification, ServiceLine,
};
use rcm_x12::model::{Modifiers, Procedure};
use rcm_x12::synth::{self, Rng};
use rcm_x12::validate::{Options, Report, validate_bytes};
use rcm_x12::values::Decimal;
use rcm_x12::{Finding, Segment};

use common::{join_segments as join, set_el, split_segments as segs};

mod common;

#[derive(Default)]
struct Collect {
    txs: Vec<ClaimTransaction>,
}
impl Handler for Collect {
    fn transaction(&mut self, _ctx: &TxContext, segments: &[Segment<'_>]) {
        self.txs.push(claim837::parse(segments).unwrap());
    }
    fn finding(&mut self, f: Finding) {
        panic!("unexpected finding {f}");
    }
}

fn parse_all(bytes: &[u8]) -> Vec<ClaimTransaction> {
    let mut c = Collect::default();
    assert!(drive_slice(bytes, &mut c).is_none());
    c.txs
}

/// A generated transaction whose first line of the first claim bills J3301 with a drug.
fn with_drug(seed: u64, kind: ClaimKind, drug: DrugIdentification) -> ClaimTransaction {
    let mut rng = Rng::new(seed);
    let mut t = synth::claim_transaction(&mut rng, kind, 1, 3);
    let claim = t
        .billing_providers
        .iter_mut()
        .flat_map(|b| b.subscribers.iter_mut())
        .flat_map(|g| {
            g.claims
                .iter_mut()
                .chain(g.patients.iter_mut().flat_map(|p| p.claims.iter_mut()))
        })
        .next()
        .unwrap();
    let line = &mut claim.lines[0];
    line.procedure = Some(Procedure::hc("J3301", Modifiers::new()));
    line.drug = Some(drug);
    t
}

fn lines(t: &ClaimTransaction) -> Vec<&ServiceLine> {
    t.billing_providers
        .iter()
        .flat_map(|b| b.subscribers.iter())
        .flat_map(|g| {
            g.claims
                .iter()
                .chain(g.patients.iter().flat_map(|p| p.claims.iter()))
        })
        .flat_map(|c| c.lines.iter())
        .collect()
}

fn drug() -> DrugIdentification {
    DrugIdentification {
        ndc: "00003029305".into(),
        quantity: Decimal::parse(b"2.5").unwrap(),
        unit: "ML".into(),
        prescription_number: "RX123456".into(),
    }
}

fn has(r: &Report, rule: &str, seg: u64, el: usize) -> bool {
    r.findings.iter().any(|f| {
        f.rule == rule && f.location.segment_number == seg && f.location.element == Some(el)
    })
}

#[test]
fn drug_round_trips_and_sits_between_2400_and_2420() {
    for kind in [ClaimKind::Professional, ClaimKind::Institutional] {
        for seed in 0..10 {
            let t = with_drug(seed, kind, drug());
            let bytes = synth::claim_interchange(std::slice::from_ref(&t), 1).unwrap();
            let back = parse_all(&bytes);
            assert_eq!(back, vec![t.clone()], "{kind:?} seed {seed}");
            let s = segs(&bytes);
            let lin = s.iter().position(|x| x.starts_with("LIN*")).unwrap();
            assert_eq!(s[lin], "LIN**N4*00003029305");
            assert_eq!(s[lin + 1], "CTP****2.5*ML");
            assert_eq!(s[lin + 2], "REF*XZ*RX123456");
            // After the line's own DTP/REF, before the next line or 2420/2430.
            assert!(s[lin - 1].starts_with("REF*6R"), "{}", s[lin - 1]);
            assert!(
                ["LX*", "NM1*", "SVD*", "CLM*", "HL*", "SE*"]
                    .iter()
                    .any(|p| s[lin + 3].starts_with(p)),
                "{}",
                s[lin + 3]
            );
            let r = validate_bytes(&bytes, &Options::default());
            assert!(
                r.findings.is_empty(),
                "{kind:?} seed {seed}: {:#?}",
                r.findings
            );
        }
    }
}

#[test]
fn drug_without_prescription_number_and_before_providers() {
    let mut d = drug();
    d.prescription_number.clear();
    d.unit = "UN".into();
    d.quantity = Decimal::from_int(3);
    let mut t = with_drug(7, ClaimKind::Professional, d);
    // A rendering provider on the drug line: 2420A follows 2410.
    let first = t.billing_providers[0].subscribers[0]
        .claims
        .first()
        .cloned();
    if first.is_none() {
        return; // seed 7 puts the claim under a patient; covered by the other test
    }
    let l = &mut t.billing_providers[0].subscribers[0].claims[0].lines[0];
    l.providers.push(claim837::ClaimProvider {
        party: rcm_x12::model::Party {
            entity: "82".into(),
            kind: "1".into(),
            last_or_org: "SMITH".into(),
            first: "ANA".into(),
            id_qualifier: "XX".into(),
            id: "1234567893".into(),
            ..Default::default()
        },
        ..Default::default()
    });
    let bytes = synth::claim_interchange(std::slice::from_ref(&t), 1).unwrap();
    let s = segs(&bytes);
    let lin = s.iter().position(|x| x.starts_with("LIN*")).unwrap();
    assert_eq!(s[lin + 1], "CTP****3*UN");
    assert!(s[lin + 2].starts_with("NM1*82"), "{}", s[lin + 2]);
    assert_eq!(parse_all(&bytes), vec![t]);
    let r = validate_bytes(&bytes, &Options::default());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn synth_bills_drugs_on_j_code_lines() {
    let mut with = 0;
    for seed in 0..40 {
        for kind in [ClaimKind::Professional, ClaimKind::Institutional] {
            let mut rng = Rng::new(seed);
            let t = synth::claim_transaction(&mut rng, kind, 1 + seed as u32, 6);
            for l in lines(&t) {
                let is_j = l
                    .procedure
                    .as_ref()
                    .is_some_and(|p| p.code.as_str().starts_with('J'));
                assert_eq!(is_j, l.drug.is_some());
                if let Some(d) = &l.drug {
                    with += 1;
                    assert_eq!(d.ndc.len(), 11);
                    assert!(claim837::DRUG_UNITS.contains(&d.unit.as_str()));
                }
            }
            let bytes = synth::claim_interchange(std::slice::from_ref(&t), 1).unwrap();
            assert_eq!(parse_all(&bytes), vec![t]);
        }
    }
    assert!(with > 10, "only {with} drug lines generated");
}

#[test]
fn json_without_drug_still_reads_and_drug_round_trips() {
    // JSON written before 2410 existed has no "drug" key.
    let base = ServiceLine {
        number: 1,
        unit_basis: "UN".into(),
        units: Decimal::from_int(1),
        ..ServiceLine::default()
    };
    let mut v: serde_json::Value = serde_json::to_value(&base).unwrap();
    assert!(v.get("drug").is_none());
    v.as_object_mut().unwrap().remove("drug");
    let l: ServiceLine = serde_json::from_value(v).unwrap();
    assert_eq!(l.drug, None);
    let with = ServiceLine {
        drug: Some(drug()),
        ..l.clone()
    };
    let v = serde_json::to_string(&with).unwrap();
    assert!(v.contains("\"drug\""), "{v}");
    assert!(v.contains("\"prescription_number\":\"RX123456\""), "{v}");
    assert_eq!(serde_json::from_str::<ServiceLine>(&v).unwrap(), with);
    let mut d = drug();
    d.prescription_number.clear();
    let v = serde_json::to_string(&d).unwrap();
    assert!(!v.contains("prescription_number"), "{v}");
    assert_eq!(serde_json::from_str::<DrugIdentification>(&v).unwrap(), d);
}

#[test]
fn drug_rules() {
    let bytes =
        synth::claim_interchange(&[with_drug(3, ClaimKind::Professional, drug())], 1).unwrap();
    let base = segs(&bytes);
    let check = |s: &[String]| validate_bytes(&join(s), &Options::default());

    let mut s = base.clone();
    let n = set_el(&mut s, "LIN*", 2, "UP");
    let r = check(&s);
    assert!(has(&r, "837-DRUG-QUALIFIER", n, 2), "{:#?}", r.findings);

    let mut s = base.clone();
    let n = set_el(&mut s, "LIN*", 2, "ZZ");
    assert!(has(&check(&s), "EL-CODE", n, 2));

    for bad in ["0000302930", "000030293055", "00003-0293-05", "0000302930A"] {
        let mut s = base.clone();
        let n = set_el(&mut s, "LIN*", 3, bad);
        let r = check(&s);
        assert!(has(&r, "837-DRUG-NDC", n, 3), "{bad}: {:#?}", r.findings);
    }

    let mut s = base.clone();
    let n = set_el(&mut s, "CTP*", 4, "0");
    let r = check(&s);
    assert!(has(&r, "837-DRUG-QUANTITY", n, 4), "{:#?}", r.findings);

    let mut s = base.clone();
    let n = set_el(&mut s, "CTP*", 5, "XX");
    assert!(has(&check(&s), "EL-CODE", n, 5));

    let mut s = base.clone();
    let n = set_el(&mut s, "REF*XZ", 1, "VY");
    assert!(check(&s).findings.is_empty(), "REF*VY is valid in 2410");
    let _ = n;

    let mut s = base.clone();
    let n = set_el(&mut s, "LIN*", 1, "1");
    assert!(
        !check(&s)
            .findings
            .iter()
            .all(|f| f.location.segment_number != n),
        "LIN01 is not used"
    );

    // CTP missing: a required segment of 2410.
    let mut s = base.clone();
    let i = s.iter().position(|x| x.starts_with("CTP*")).unwrap();
    s.remove(i);
    let se = s.iter().position(|x| x.starts_with("SE*")).unwrap();
    let count = se - s.iter().position(|x| x.starts_with("ST*")).unwrap() + 1;
    set_el(&mut s, "SE*", 1, &count.to_string());
    assert!(
        !check(&s).findings.is_empty(),
        "missing CTP must be reported"
    );

    // 837I: only N4 in the table.
    let bytes =
        synth::claim_interchange(&[with_drug(3, ClaimKind::Institutional, drug())], 1).unwrap();
    let mut s = segs(&bytes);
    let n = set_el(&mut s, "LIN*", 2, "UP");
    assert!(has(&check(&s), "EL-CODE", n, 2));
}

#[test]
fn unreadable_drug_quantity_is_a_model_error() {
    let bytes =
        synth::claim_interchange(&[with_drug(3, ClaimKind::Professional, drug())], 1).unwrap();
    let mut s = segs(&bytes);
    set_el(&mut s, "CTP*", 4, "X");
    struct H(Option<String>);
    impl Handler for H {
        fn transaction(&mut self, _ctx: &TxContext, segments: &[Segment<'_>]) {
            self.0 = claim837::parse(segments).err().map(|e| e.what);
        }
        fn finding(&mut self, _f: Finding) {}
    }
    let mut h = H(None);
    drive_slice(&join(&s), &mut h);
    assert!(h.0.is_some_and(|w| w.contains("CTP04")));
}
