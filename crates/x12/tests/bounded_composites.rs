//! Procedure modifiers (composite C003) and diagnosis pointers (C004) are held inline, at most
//! four each as the guides bound them: the JSON keeps its shape and refuses a fifth with an
//! error naming the limit, and reading X12 with extra components never panics.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::envelope::{Handler, TxContext, drive_slice};
use rcm_x12::model::claim837::{self, ClaimKind, ClaimTransaction, DiagnosisPointers, ServiceLine};
use rcm_x12::model::{Modifiers, Procedure, TooMany, remit835};
use rcm_x12::synth::{self, Rng};
use rcm_x12::validate::{Options, validate_bytes};
use rcm_x12::{Finding, Segment};
use serde_json::json;

#[test]
fn json_keeps_arrays_of_strings_and_integers() {
    let line = ServiceLine {
        number: 1,
        procedure: Some(Procedure::hc("99213", ["25", "59"].into())),
        diagnosis_pointers: DiagnosisPointers::try_from(&[1u8, 3][..]).unwrap(),
        ..ServiceLine::default()
    };
    let v = serde_json::to_value(&line).unwrap();
    assert_eq!(v["procedure"]["modifiers"], json!(["25", "59"]));
    assert_eq!(v["diagnosis_pointers"], json!([1, 3]));
    let back: ServiceLine = serde_json::from_value(v).unwrap();
    assert_eq!(back, line);

    // Empty lists are left out, and absent ones read as empty.
    let bare = ServiceLine {
        procedure: Some(Procedure::hc("99213", Modifiers::new())),
        ..ServiceLine::default()
    };
    let v = serde_json::to_value(&bare).unwrap();
    assert!(v.get("diagnosis_pointers").is_none());
    assert!(v["procedure"].get("modifiers").is_none());
    let back: ServiceLine = serde_json::from_value(v).unwrap();
    assert_eq!(back, bare);

    // Four of each is the limit, and fits.
    let p: Procedure = serde_json::from_value(
        json!({"qualifier": "HC", "code": "99213", "modifiers": ["25", "59", "XS", "GT"]}),
    )
    .unwrap();
    assert_eq!(p.modifiers.as_slice(), ["25", "59", "XS", "GT"]);
    let ptrs: DiagnosisPointers = serde_json::from_value(json!([4, 3, 2, 1])).unwrap();
    assert_eq!(ptrs.as_slice(), [4, 3, 2, 1]);
}

#[test]
fn json_with_a_fifth_is_an_error_naming_the_limit() {
    let e = serde_json::from_value::<Procedure>(json!({
        "qualifier": "HC", "code": "99213", "modifiers": ["25", "59", "XS", "GT", "76", "77"]
    }))
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("invalid length 6, expected at most 4 procedure modifiers (composite C003)"),
        "{e}"
    );
    let mut line = serde_json::to_value(ServiceLine::default()).unwrap();
    line["diagnosis_pointers"] = json!([1, 2, 3, 4, 5]);
    let e = serde_json::from_value::<ServiceLine>(line)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("invalid length 5, expected at most 4 diagnosis pointers (composite C004)"),
        "{e}"
    );
    // Not an array at all: the same expectation.
    let e = serde_json::from_value::<DiagnosisPointers>(json!("1,2")).unwrap_err();
    assert!(
        e.to_string().contains("at most 4 diagnosis pointers"),
        "{e}"
    );
}

#[test]
fn building_more_than_four_is_an_error_never_a_truncation() {
    let e = Modifiers::try_from(&["25", "59", "XS", "GT", "76"][..]).unwrap_err();
    assert_eq!(
        e,
        TooMany {
            what: "procedure modifiers",
            composite: "C003",
            max: Modifiers::MAX,
            count: 5
        }
    );
    assert_eq!(
        e.to_string(),
        "5 procedure modifiers: composite C003 holds at most 4"
    );
    let e = DiagnosisPointers::try_from_iter(1..=7).unwrap_err();
    assert_eq!(
        e.to_string(),
        "7 diagnosis pointers: composite C004 holds at most 4"
    );
    let mut m = Modifiers::try_from(&["25", "59", "XS", "GT"][..]).unwrap();
    assert!(m.try_push("76").is_err());
    assert_eq!(m.len(), 4);
    let mut p = DiagnosisPointers::try_from_iter(1..=4).unwrap();
    assert!(p.try_push(5).is_err());
    assert_eq!(p.as_slice(), [1, 2, 3, 4]);
}

#[derive(Default)]
struct Collect {
    claims: Vec<ClaimTransaction>,
    remits: Vec<remit835::Remittance>,
}
impl Handler for Collect {
    fn transaction(&mut self, ctx: &TxContext, segments: &[Segment<'_>]) {
        match ctx.set_id.as_str() {
            "837" => self.claims.push(claim837::parse(segments).unwrap()),
            "835" => {
                let owned = remit835::parse(segments).unwrap();
                let view = remit835::parse_view(segments).unwrap();
                assert_eq!(view.to_owned(), owned);
                self.remits.push(owned);
            }
            other => panic!("unexpected set {other}"),
        }
    }
    fn finding(&mut self, f: Finding) {
        panic!("unexpected finding {f}");
    }
}

fn read(bytes: &[u8]) -> Collect {
    let mut c = Collect::default();
    assert!(drive_slice(bytes, &mut c).is_none());
    c
}

/// Replaces the first segment starting with `prefix` (up to its terminator) with `with`.
fn replace_first(text: &str, prefix: &str, with: &str) -> String {
    let start = text.find(prefix).unwrap();
    let end = start + text[start..].find('~').unwrap();
    format!("{}{}{}", &text[..start], with, &text[end..])
}

#[test]
fn extra_components_in_sv101_and_sv107_are_not_modifiers_or_pointers() {
    let mut rng = Rng::new(7);
    let t = synth::claim_transaction(&mut rng, ClaimKind::Professional, 1, 2);
    let text = String::from_utf8(synth::claim_interchange(&[t], 1).unwrap()).unwrap();
    // Nine components in SV101 (C003 has seven) and six in SV107 (C004 has four), one of
    // the four pointer places empty and one unreadable.
    let bad = replace_first(
        &text,
        "SV1*",
        "SV1*HC:99213:25:59:XS:GT:OFFICE VISIT:76:77*100*UN*1*11**1:2::x:5:6",
    );
    let c = read(bad.as_bytes());
    let line = &c.claims[0].billing_providers[0].subscribers[0];
    let line = line
        .claims
        .first()
        .or_else(|| line.patients[0].claims.first())
        .map(|c| &c.lines[0])
        .unwrap();
    let p = line.procedure.as_ref().unwrap();
    assert_eq!(p.code, "99213");
    assert_eq!(p.modifiers.as_slice(), ["25", "59", "XS", "GT"]);
    assert_eq!(p.description, "OFFICE VISIT");
    assert_eq!(line.diagnosis_pointers.as_slice(), [1, 2]);
    // The validator reports the extra components.
    let report = validate_bytes(bad.as_bytes(), &Options::default());
    let found: Vec<String> = report.findings.iter().map(|f| f.to_string()).collect();
    for what in [
        "SV101 has more than 7 components",
        "SV107 has more than 4 components",
    ] {
        assert!(found.iter().any(|f| f.contains(what)), "{what}: {found:#?}");
    }
}

#[test]
fn a_modifier_place_that_is_not_utf8_is_skipped_like_an_empty_one() {
    let mut rng = Rng::new(7);
    let t = synth::claim_transaction(&mut rng, ClaimKind::Professional, 1, 2);
    let text = String::from_utf8(synth::claim_interchange(&[t], 1).unwrap()).unwrap();
    let bad = replace_first(&text, "SV1*", "SV1*HC:99213:25:\u{1}:59*100*UN*1*11**1");
    let mut bytes = bad.into_bytes();
    let at = bytes.iter().position(|&b| b == 1).unwrap();
    bytes[at] = 0xFF;
    let c = read(&bytes);
    let g = &c.claims[0].billing_providers[0].subscribers[0];
    let claim = g.claims.first().or_else(|| g.patients[0].claims.first());
    let p = claim.unwrap().lines[0].procedure.clone().unwrap();
    assert_eq!(p.modifiers.as_slice(), ["25", "59"]);
}

#[test]
fn extra_components_in_svc01_are_not_modifiers() {
    let mut rng = Rng::new(11);
    let r = synth::remittance(&mut rng, 1, 2);
    let text = String::from_utf8(synth::remit_interchange(&[r], 1).unwrap()).unwrap();
    let start = text.find("~SVC*").unwrap() + 1;
    let end = start + text[start..].find('~').unwrap();
    let svc = &text[start..end];
    let rest = &svc[svc.find('*').unwrap() + 1..];
    let rest = &rest[rest.find('*').unwrap()..];
    let bad = format!(
        "{}SVC*HC:99213:25:59:XS:GT:VISIT:76:77{}{}",
        &text[..start],
        rest,
        &text[end..]
    );
    let c = read(bad.as_bytes());
    let s = &c.remits[0].claims[0].services[0];
    assert_eq!(s.procedure.modifiers.as_slice(), ["25", "59", "XS", "GT"]);
    assert_eq!(s.procedure.description, "VISIT");
}
