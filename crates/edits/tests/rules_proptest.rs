//! Whatever text is fed to the rules loader, it answers with rules or problems, never a
//! panic; and a loaded rule set evaluates any claim without panicking.

use jiff::civil::date;
use proptest::prelude::*;
use rcm_edits::rules::{ClaimKindView, RuleClaim, RuleLine, RuleSet, RulesError};

/// Fragments of rule files, so that generated documents get past the TOML parser often.
const PIECES: &[&str] = &[
    "[[rule]]\n",
    "[rule]\n",
    "id = \"R\"\n",
    "id = \"R2\"\n",
    "description = \"d\"\n",
    "action = \"error\"\n",
    "action = \"require_modifier\"\n",
    "action = \"require_field\"\n",
    "field = \"ndc\"\n",
    "modifier = [\"95\", \"GT\"]\n",
    "procedure = [\"99202-99215\", \"J*\"]\n",
    "procedure = \"99215-99202\"\n",
    "diagnosis = [\"E08-E13\", \"O*\"]\n",
    "charge_min = 12.5\n",
    "charge_max = \"1,000.00\"\n",
    "age_min = 99999999999999999999\n",
    "age_max = -1\n",
    "units_min = 1e400\n",
    "effective = 2026-01-01T10:00:00Z\n",
    "until = \"2026-13-01\"\n",
    "scope = \"claim\"\n",
    "message = \"{payer} {line} {\"\n",
    "payer = []\n",
    "sex = [\"F\", 1]\n",
    "place_of_service = [2, \"02\", \"x\"]\n",
    "x = { a = 1 }\n",
    "\u{feff}",
    "é = 1\n",
];

fn evaluate_any(set: &RuleSet) {
    let present = |_: &str| false;
    let claim = RuleClaim {
        kind: ClaimKindView::Professional,
        payer_id: "R",
        payer_name: "",
        place_of_service: "02",
        frequency: "7",
        billing_npi: "",
        billing_taxonomy: "",
        rendering_npi: "",
        rendering_taxonomy: "",
        patient_age_years: Some(30),
        patient_sex: Some('F'),
        diagnoses: vec!["E119", ""],
        total_charge_cents: i64::MAX,
        first_date_of_service: date(2026, 1, 1),
        fields_present: &present,
        lines: vec![RuleLine {
            procedure: "99213",
            modifiers: vec!["", "é"],
            units_thousandths: -1,
            charge_cents: i64::MIN,
            place_of_service: "",
            rendering_npi: "",
            date_of_service: date(2026, 1, 1),
            diagnosis_pointers: vec![0, 2, 255],
            ndc: "",
            revenue_code: "",
        }],
    };
    let mut out = Vec::new();
    set.evaluate(&claim, &mut out);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        match RuleSet::from_toml_str("p.toml", &text) {
            Ok(set) => evaluate_any(&set),
            Err(RulesError::Problems(ps)) => prop_assert!(!ps.is_empty()),
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    #[test]
    fn assembled_rule_files_never_panic(parts in proptest::collection::vec(0..PIECES.len(), 0..24)) {
        let text: String = parts.iter().map(|i| PIECES[*i]).collect();
        match RuleSet::from_toml_str("p.toml", &text) {
            Ok(set) => evaluate_any(&set),
            Err(RulesError::Problems(ps)) => {
                for p in &ps {
                    prop_assert!(p.line >= 1 && p.column >= 1, "{p}");
                }
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}
