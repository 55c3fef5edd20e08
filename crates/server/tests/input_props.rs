//! Property tests of the web application's input readers (the stable twin of the
//! `server_input` fuzz target): any form or JSON body gives field errors or a claim, never a
//! panic; a well-formed claim reads back exactly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::{HeaderMap, HeaderValue, header};
use proptest::prelude::*;
use rcm_server::api::{ClaimBody, parse_content, read_json};
use rcm_server::forms::{Form, claim_fields};

fn json_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_form_body_reads_without_panicking(body in proptest::collection::vec(any::<u8>(), 0..600)) {
        let f = Form::parse(&body);
        let (dx, lines, _) = claim_fields(&f);
        let _ = parse_content(1, None, &dx, &lines, jiff::civil::date(2026, 11, 2));
    }

    #[test]
    fn editor_fields_with_any_text_give_errors_not_panics(
        dx in proptest::collection::vec("[A-Za-z0-9.\\- ]{0,9}", 12),
        code in "[A-Za-z0-9]{0,7}", charge in "[0-9$,.\\-]{0,9}", units in "[0-9.\\-]{0,5}", ptr in "[A-Za-z0-9, ]{0,9}",
    ) {
        let mut pairs: Vec<(String, String)> = dx.iter().enumerate().map(|(i, d)| (format!("dx{}", i + 1), d.clone())).collect();
        pairs.push(("line1_code".into(), code));
        pairs.push(("line1_charge".into(), charge));
        pairs.push(("line1_units".into(), units));
        pairs.push(("line1_ptr".into(), ptr));
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        let f = Form::parse(body.as_bytes());
        let (dx, lines, _) = claim_fields(&f);
        if let Ok(c) = parse_content(1, None, &dx, &lines, jiff::civil::date(2026, 11, 2)) {
            prop_assert!(!c.diagnoses.is_empty() && !c.lines.is_empty());
            prop_assert!(c.lines.iter().all(|l| l.charge_cents > 0 && l.units_milli > 0));
            prop_assert!(c.lines.iter().all(|l| l.diagnosis_pointers.iter().all(|&p| p >= 1 && usize::from(p) <= c.diagnoses.len())));
        }
    }

    #[test]
    fn any_json_body_reads_without_panicking(body in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(b) = read_json::<ClaimBody>(&json_headers(), &body) {
            let _ = parse_content(b.coverage_id, b.frequency_code.as_deref(), &b.diagnoses, &b.lines, jiff::civil::date(2026, 11, 2));
        }
    }

    #[test]
    fn a_well_formed_claim_reads_back_exactly(
        cents in proptest::collection::vec(1i64..10_000_000, 1..6),
        units in 1i64..100,
    ) {
        let lines: Vec<serde_json::Value> = cents.iter().map(|c| serde_json::json!({
            "procedure_code": "99213",
            "charge": format!("{}.{:02}", c / 100, c % 100),
            "units": units,
            "diagnosis_pointers": [1, 2],
        })).collect();
        let body = serde_json::json!({"encounter_id": 1, "coverage_id": 9, "diagnoses": ["E11.9", "i10"], "lines": lines});
        let b: ClaimBody = read_json(&json_headers(), body.to_string().as_bytes()).unwrap();
        let c = parse_content(b.coverage_id, None, &b.diagnoses, &b.lines, jiff::civil::date(2026, 11, 2)).unwrap();
        prop_assert_eq!(c.diagnoses.clone(), vec!["E119".to_owned(), "I10".to_owned()]);
        prop_assert_eq!(c.lines.iter().map(|l| l.charge_cents).collect::<Vec<_>>(), cents);
        prop_assert!(c.lines.iter().all(|l| l.units_milli == units * 1000));
        prop_assert_eq!(c.total_charge_cents(), c.lines.iter().map(|l| l.charge_cents).sum::<i64>());
    }
}

#[test]
fn errors_name_the_field_but_never_echo_the_value() {
    let cases = [
        (
            r#"{"encounter_id": "Quillfeather", "coverage_id": 1, "diagnoses": [], "lines": []}"#,
            "encounter_id",
        ),
        (
            r#"{"encounter_id": 1, "coverage_id": 1, "diagnoses": [12345678], "lines": []}"#,
            "diagnoses[0]",
        ),
        (
            r#"{"encounter_id": 1, "coverage_id": 1, "diagnoses": [], "lines": [], "nickname": "Rosalind"}"#,
            "",
        ),
    ];
    for (body, field) in cases {
        let p = read_json::<ClaimBody>(&json_headers(), body.as_bytes()).unwrap_err();
        if !field.is_empty() {
            assert_eq!(p.errors[0].field, field, "{body}");
        }
        for secret in ["Quillfeather", "12345678", "Rosalind"] {
            assert!(
                !p.detail.contains(secret) && !p.errors[0].message.contains(secret),
                "{}",
                p.detail
            );
        }
    }
    let unknown = read_json::<ClaimBody>(&json_headers(), br#"{"encounter_id": 1, "nickname": 1}"#)
        .unwrap_err();
    assert!(
        unknown.detail.contains("`nickname`"),
        "the unknown field is named: {}",
        unknown.detail
    );
}
