//! Unit tests of loading and evaluation: each trigger matches and does not, each
//! action, both scopes, dates, and the problems of bad rules.

use jiff::civil::{Date, date};

use super::*;

fn set(text: &str) -> RuleSet {
    RuleSet::from_toml_str("t.toml", text).unwrap_or_else(|e| panic!("{e}"))
}

fn problems(text: &str) -> Vec<Problem> {
    match RuleSet::from_toml_str("t.toml", text) {
        Ok(s) => panic!("expected problems, loaded {} rules", s.len()),
        Err(e) => e.problems().to_vec(),
    }
}

/// One problem expected on `key` at `line`, its message containing `needle`.
fn has_problem(ps: &[Problem], line: usize, key: &str, needle: &str) {
    assert!(
        ps.iter().any(|p| p.line == line
            && p.key.as_deref().unwrap_or("") == key
            && p.message.contains(needle)),
        "no problem on line {line}, key {key}, containing {needle:?} in:\n{}",
        ps.iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

const NONE: &dyn Fn(&str) -> bool = &|_| false;

struct Line {
    procedure: &'static str,
    modifiers: Vec<&'static str>,
    units: i64,
    charge: i64,
    pos: &'static str,
    rendering: &'static str,
    dos: Date,
    pointers: Vec<u8>,
    ndc: &'static str,
    revenue: &'static str,
}

fn line(procedure: &'static str) -> Line {
    Line {
        procedure,
        modifiers: vec![],
        units: 1000,
        charge: 15_000,
        pos: "",
        rendering: "",
        dos: date(2026, 3, 2),
        pointers: vec![1],
        ndc: "",
        revenue: "",
    }
}

struct Claim {
    kind: ClaimKindView,
    payer_id: &'static str,
    payer_name: &'static str,
    pos: &'static str,
    frequency: &'static str,
    billing_npi: &'static str,
    billing_taxonomy: &'static str,
    rendering_npi: &'static str,
    rendering_taxonomy: &'static str,
    age: Option<u32>,
    sex: Option<char>,
    diagnoses: Vec<&'static str>,
    total: Option<i64>,
    lines: Vec<Line>,
}

fn claim(lines: Vec<Line>) -> Claim {
    Claim {
        kind: ClaimKindView::Professional,
        payer_id: "84980",
        payer_name: "Blue Cross Texas",
        pos: "11",
        frequency: "1",
        billing_npi: "1234567893",
        billing_taxonomy: "207Q00000X",
        rendering_npi: "",
        rendering_taxonomy: "",
        age: Some(40),
        sex: Some('F'),
        diagnoses: vec!["E119", "I10"],
        total: None,
        lines,
    }
}

fn run_with(rules: &RuleSet, c: &Claim, present: &dyn Fn(&str) -> bool) -> Vec<RuleHit> {
    let view = RuleClaim {
        kind: c.kind,
        payer_id: c.payer_id,
        payer_name: c.payer_name,
        place_of_service: c.pos,
        frequency: c.frequency,
        billing_npi: c.billing_npi,
        billing_taxonomy: c.billing_taxonomy,
        rendering_npi: c.rendering_npi,
        rendering_taxonomy: c.rendering_taxonomy,
        patient_age_years: c.age,
        patient_sex: c.sex,
        diagnoses: c.diagnoses.clone(),
        total_charge_cents: c
            .total
            .unwrap_or_else(|| c.lines.iter().map(|l| l.charge).sum()),
        first_date_of_service: c
            .lines
            .iter()
            .map(|l| l.dos)
            .min()
            .unwrap_or(date(2026, 3, 2)),
        fields_present: present,
        lines: c
            .lines
            .iter()
            .map(|l| RuleLine {
                procedure: l.procedure,
                modifiers: l.modifiers.clone(),
                units_thousandths: l.units,
                charge_cents: l.charge,
                place_of_service: l.pos,
                rendering_npi: l.rendering,
                date_of_service: l.dos,
                diagnosis_pointers: l.pointers.clone(),
                ndc: l.ndc,
                revenue_code: l.revenue,
            })
            .collect(),
    };
    let mut out = Vec::new();
    rules.evaluate(&view, &mut out);
    out
}

fn run(rules: &RuleSet, c: &Claim) -> Vec<RuleHit> {
    run_with(rules, c, NONE)
}

/// A rule with one trigger line and action error.
fn one(trigger: &str) -> RuleSet {
    set(&format!(
        "[[rule]]\nid = \"R1\"\ndescription = \"Test rule\"\naction = \"error\"\n{trigger}\n"
    ))
}

fn fires(trigger: &str, c: &Claim) -> bool {
    !run(&one(trigger), c).is_empty()
}

const TELE: &str = r#"
# Blue Cross of Texas: telehealth visits need modifier 95
[[rule]]
id = "BCBSTX-TELE-95"
description = "Telehealth E/M visits must carry modifier 95"
payer = ["BCBSTX", "84980"]
place_of_service = ["02", "10"]
procedure = ["99202-99215"]
action = "require_modifier"
modifier = "95"
effective = 2026-01-01
"#;

#[test]
fn the_example_of_the_issue() {
    let rules = set(TELE);
    assert_eq!(rules.len(), 1);
    let r = rules.rules().next().unwrap_or_else(|| panic!("no rule"));
    assert_eq!(r.finding_id(), "payer.BCBSTX-TELE-95");
    assert_eq!(r.scope(), Scope::Line);
    assert_eq!(r.action(), ActionKind::RequireModifier);
    assert_eq!(r.action_detail(), "require_modifier 95");
    assert_eq!(r.line(), 3);
    assert!(
        r.trigger_summary().contains("payer BCBSTX or 84980"),
        "{}",
        r.trigger_summary()
    );
    assert!(r.trigger_summary().contains("procedure 99202-99215"));

    let mut visit = line("99213");
    visit.pos = "02";
    let mut other = line("85025");
    other.pos = "02";
    let c = claim(vec![other, visit]);
    let hits = run(&rules, &c);
    assert_eq!(hits.len(), 1, "{hits:#?}");
    let h = &hits[0];
    assert_eq!(h.rule_id, "payer.BCBSTX-TELE-95");
    assert_eq!(h.severity, RuleSeverity::Error);
    assert_eq!(h.line, Some(1));
    assert_eq!(h.fields[0], "lines[1].modifiers");
    assert!(h.fields.contains(&"lines[1].procedure".to_string()));
    assert!(h.fields.contains(&"lines[1].place_of_service".to_string()));
    assert!(h.message.contains("Modifier 95"), "{}", h.message);
    assert!(h.message.contains("line 2"), "{}", h.message);
    assert!(h.message.contains("99213"), "{}", h.message);
    assert!(h.message.contains("Blue Cross Texas"), "{}", h.message);
    assert!(h.message.contains("place of service 02"), "{}", h.message);
    assert!(
        h.next_step
            .as_deref()
            .is_some_and(|s| s.contains("add modifier 95 to line 2"))
    );

    // With the modifier, nothing.
    let mut ok = line("99213");
    ok.pos = "02";
    ok.modifiers = vec!["95"];
    assert!(run(&rules, &claim(vec![ok])).is_empty());
    // Another payer, nothing.
    let mut visit = line("99213");
    visit.pos = "02";
    let mut c = claim(vec![visit]);
    c.payer_id = "00431";
    c.payer_name = "Aetna";
    assert!(run(&rules, &c).is_empty());
    // The payer by name, any case.
    c.payer_name = "bcbstx";
    assert_eq!(run(&rules, &c).len(), 1);
    // Office visit, nothing.
    assert!(run(&rules, &claim(vec![line("99213")])).is_empty());
    // Before the effective date, nothing.
    let mut early = line("99213");
    early.pos = "02";
    early.dos = date(2025, 12, 31);
    assert!(run(&rules, &claim(vec![early])).is_empty());
}

#[test]
fn payer_trigger() {
    let c = claim(vec![line("99213")]);
    assert!(fires("payer = \"84980\"", &c));
    assert!(fires("payer = \"blue cross texas\"", &c));
    assert!(!fires("payer = [\"Aetna\", \"60054\"]", &c));
}

#[test]
fn claim_kind_and_frequency() {
    let mut c = claim(vec![line("99213")]);
    assert!(fires("claim_kind = \"professional\"", &c));
    assert!(!fires("claim_kind = \"institutional\"", &c));
    assert!(!fires("frequency = [\"7\", \"8\"]", &c));
    c.frequency = "7";
    assert!(fires("frequency = [\"7\", \"8\"]", &c));
    assert!(fires("frequency = 7", &c));
}

#[test]
fn procedure_trigger() {
    let c = claim(vec![line("99213")]);
    assert!(fires("procedure = \"99213\"", &c));
    assert!(fires("procedure = \"992*\"", &c));
    assert!(fires("procedure = [\"J3490\", \"99211-99215\"]", &c));
    assert!(!fires("procedure = \"99214\"", &c));
    assert!(!fires("procedure = \"J*\"", &c));
}

#[test]
fn modifier_triggers() {
    let mut l = line("20610");
    l.modifiers = vec!["RT", "59"];
    let c = claim(vec![l]);
    assert!(fires("modifiers = [\"LT\", \"RT\"]", &c));
    assert!(!fires("modifiers = [\"LT\", \"50\"]", &c));
    assert!(fires("modifiers_all = [\"rt\", \"59\"]", &c));
    assert!(!fires("modifiers_all = [\"RT\", \"XS\"]", &c));
    assert!(fires("missing_modifier = [\"LT\", \"50\"]", &c));
    assert!(!fires("missing_modifier = [\"59\"]", &c));
}

#[test]
fn diagnosis_trigger() {
    let c = claim(vec![line("99213")]);
    assert!(fires("diagnosis = \"E11\"", &c));
    assert!(fires("diagnosis = \"E11*\"", &c));
    assert!(fires("diagnosis = [\"E08-E13\"]", &c));
    assert!(fires("diagnosis = \"E11.9\"", &c));
    assert!(!fires("diagnosis = \"E10\"", &c));
    // A line looks at the diagnoses it points to.
    let mut l = line("99213");
    l.pointers = vec![2];
    let c = claim(vec![l]);
    let line_rule = "procedure = \"99213\"\ndiagnosis = \"E11\"";
    assert!(!fires(line_rule, &c));
    assert!(fires("procedure = \"99213\"\ndiagnosis = \"I10\"", &c));
    // Claim scope looks at every diagnosis.
    assert!(fires(&format!("{line_rule}\nscope = \"claim\""), &c));
    // The finding names the diagnosis and points at it.
    let hits = run(&one("procedure = \"99213\"\ndiagnosis = \"I10\""), &c);
    assert!(
        hits[0].fields.contains(&"diagnoses[1]".to_string()),
        "{hits:#?}"
    );
    assert!(
        hits[0].message.contains("diagnosis I10"),
        "{}",
        hits[0].message
    );
}

#[test]
fn with_and_without_another_procedure() {
    let mut a = line("99214");
    a.modifiers = vec![];
    let b = line("20610");
    let c = claim(vec![a, b]);
    let with = "procedure = \"99202-99215\"\nwith_procedure = \"20600-20611\"";
    let hits = run(&one(with), &c);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].line, Some(0));
    assert!(hits[0].fields.contains(&"lines[1].procedure".to_string()));
    assert!(
        hits[0].message.contains("billed with 20610 on line 2"),
        "{}",
        hits[0].message
    );
    // On another date, no.
    let a = line("99214");
    let mut b = line("20610");
    b.dos = date(2026, 3, 3);
    assert!(!fires(with, &claim(vec![a, b])));
    // A line is not "another procedure" of itself.
    assert!(!fires(
        "procedure = \"20610\"\nwith_procedure = \"20610\"",
        &claim(vec![line("20610")])
    ));
    // Without.
    let without = "procedure = \"G0439\"\nwithout_procedure = \"99497\"";
    assert!(fires(without, &claim(vec![line("G0439")])));
    assert!(!fires(without, &claim(vec![line("G0439"), line("99497")])));
    // Claim scope without a procedure trigger: anywhere on the claim.
    assert!(fires(
        "with_procedure = \"20610\"",
        &claim(vec![line("20610")])
    ));
    assert!(!fires(
        "without_procedure = \"20610\"",
        &claim(vec![line("20610")])
    ));
}

#[test]
fn place_of_service_trigger() {
    let mut c = claim(vec![line("99213")]);
    assert!(fires("place_of_service = \"11\"", &c));
    assert!(!fires("place_of_service = [\"02\", \"10\"]", &c));
    c.lines[0].pos = "10";
    assert!(
        fires("place_of_service = [\"02\", \"10\"]", &c),
        "the line's own place wins"
    );
    c.pos = "";
    c.lines[0].pos = "";
    assert!(!fires("place_of_service = \"11\"", &c));
}

#[test]
fn provider_triggers() {
    let mut c = claim(vec![line("99213")]);
    assert!(fires("billing_npi = \"1234567893\"", &c));
    assert!(!fires("billing_npi = \"1245319599\"", &c));
    assert!(!fires("rendering_npi = \"1245319599\"", &c));
    assert!(fires("provider_npi = \"1234567893\"", &c));
    c.lines[0].rendering = "1245319599";
    assert!(fires("rendering_npi = \"1245319599\"", &c));
    assert!(fires("provider_npi = \"1245319599\"", &c));
    assert!(fires("billing_taxonomy = \"207q00000x\"", &c));
    assert!(fires("taxonomy = \"207Q00000X\"", &c));
    assert!(!fires("rendering_taxonomy = \"207Q00000X\"", &c));
    c.rendering_taxonomy = "207RC0000X";
    assert!(fires("rendering_taxonomy = \"207RC0000X\"", &c));
    assert!(fires("taxonomy = \"207RC0000X\"", &c));
}

#[test]
fn age_and_sex_triggers() {
    let mut c = claim(vec![line("99213")]);
    assert!(fires("age_min = 18", &c));
    assert!(fires("age_min = 40\nage_max = 40", &c));
    assert!(!fires("age_max = 17", &c));
    assert!(!fires("age_min = 65", &c));
    assert!(fires("sex = \"F\"", &c));
    assert!(fires("sex = [\"female\"]", &c));
    assert!(!fires("sex = \"M\"", &c));
    c.age = None;
    c.sex = None;
    assert!(!fires("age_min = 0", &c), "unknown age does not match");
    assert!(!fires("sex = \"F\"", &c));
}

#[test]
fn units_and_charge_triggers() {
    let mut l = line("97110");
    l.units = 4500;
    l.charge = 125_000;
    let c = claim(vec![l]);
    assert!(fires("units_min = 4", &c));
    assert!(fires("units_min = 4.5", &c));
    assert!(!fires("units_min = \"4.6\"", &c));
    assert!(fires("units_max = 5", &c));
    assert!(!fires("units_max = 4", &c));
    assert!(fires("procedure = \"97110\"\ncharge_min = \"1250.00\"", &c));
    assert!(!fires(
        "procedure = \"97110\"\ncharge_min = \"1250.01\"",
        &c
    ));
    assert!(fires("procedure = \"97110\"\ncharge_max = \"$1,250\"", &c));
    assert!(
        fires("procedure = \"97110\"\ncharge_min = 1000", &c),
        "a whole number is dollars"
    );
    // Claim scope: the total charge.
    let mut c2 = claim(vec![line("99213"), line("99214")]);
    c2.total = Some(500_000);
    let hits = run(&one("charge_min = \"5000.00\""), &c2);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].line, None);
    assert!(hits[0].fields.contains(&"total_charge".to_string()));
    assert!(
        hits[0].message.contains("total charge $5,000.00"),
        "{}",
        hits[0].message
    );
    assert!(!fires("charge_min = \"5000.01\"", &c2));
}

#[test]
fn revenue_code_trigger() {
    let mut l = line("99283");
    l.revenue = "0450";
    let mut c = claim(vec![l]);
    c.kind = ClaimKindView::Institutional;
    assert!(fires("revenue_code = \"045*\"", &c));
    assert!(!fires("revenue_code = \"0360-0369\"", &c));
}

#[test]
fn date_range() {
    let rule = "procedure = \"99213\"\neffective = 2026-01-01\nuntil = \"2026-06-30\"";
    let mut c = claim(vec![line("99213")]);
    assert!(fires(rule, &c));
    c.lines[0].dos = date(2026, 6, 30);
    assert!(fires(rule, &c));
    c.lines[0].dos = date(2026, 7, 1);
    assert!(!fires(rule, &c));
    c.lines[0].dos = date(2025, 12, 31);
    assert!(!fires(rule, &c));
    // Line by line: only the lines inside the dates.
    let mut a = line("99213");
    a.dos = date(2025, 12, 31);
    let b = line("99213");
    let hits = run(&one(rule), &claim(vec![a, b]));
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].line, Some(1));
}

#[test]
fn actions_and_severities() {
    let c = claim(vec![line("99213")]);
    let sev = |action: &str| {
        let r = set(&format!(
            "[[rule]]\nid = \"A\"\ndescription = \"D\"\nprocedure = \"99213\"\naction = \"{action}\"\n"
        ));
        run(&r, &c).first().map(|h| h.severity)
    };
    assert_eq!(sev("error"), Some(RuleSeverity::Error));
    assert_eq!(sev("warning"), Some(RuleSeverity::Warning));
    assert_eq!(sev("hold"), Some(RuleSeverity::Hold));
    assert_eq!(sev("note"), Some(RuleSeverity::Info));
    let hold = set(
        "[[rule]]\nid = \"H\"\ndescription = \"Big claims\"\nprocedure = \"99213\"\naction = \"hold\"\n",
    );
    let h = &run(&hold, &c)[0];
    assert!(h.message.starts_with("Hold for review"), "{}", h.message);
    assert!(h.next_step.is_some());
    let note = set(
        "[[rule]]\nid = \"N\"\ndescription = \"FYI\"\nprocedure = \"99213\"\naction = \"note\"\n",
    );
    assert_eq!(run(&note, &c)[0].next_step, None);
}

#[test]
fn require_modifier_any_of_several_and_severity() {
    let r = set(r#"[[rule]]
id = "ABN"
description = "Screening needs GA or GZ"
procedure = "G0105"
action = "require_modifier"
modifier = ["GA", "GZ"]
severity = "warning"
"#);
    let hits = run(&r, &claim(vec![line("G0105")]));
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].severity, RuleSeverity::Warning);
    assert!(hits[0].message.contains("GA or GZ"), "{}", hits[0].message);
    let mut l = line("G0105");
    l.modifiers = vec!["GZ"];
    assert!(run(&r, &claim(vec![l])).is_empty());
}

#[test]
fn require_field_claim_and_line() {
    let pa = set(r#"[[rule]]
id = "MCD-PA"
description = "MRI needs prior authorization"
payer = "Medicaid"
procedure = ["70551-70553"]
action = "require_field"
field = "prior_authorization"
"#);
    let mut c = claim(vec![line("70553")]);
    c.payer_name = "MEDICAID";
    let hits = run(&pa, &c);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].fields[0], "prior_authorization");
    assert!(
        hits[0]
            .message
            .contains("prior authorization number is missing"),
        "{}",
        hits[0].message
    );
    assert!(hits[0].message.contains("70553"));
    assert!(
        hits[0]
            .next_step
            .as_deref()
            .is_some_and(|s| s.starts_with("Enter the prior authorization"))
    );
    assert!(run_with(&pa, &c, &|f| f == "prior_authorization").is_empty());

    let ndc = set(r#"[[rule]]
id = "NDC"
description = "Drug codes need the NDC"
procedure = "J*"
action = "require_field"
field = "ndc"
"#);
    let mut drug = line("J1100");
    let hits = run(&ndc, &claim(vec![line("99213"), line("J1100")]));
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].fields[0], "lines[1].ndc");
    assert!(
        hits[0]
            .next_step
            .as_deref()
            .is_some_and(|s| s.contains("on line 2"))
    );
    drug.ndc = "00009047313";
    assert!(run(&ndc, &claim(vec![drug])).is_empty());

    let rendering = set(r#"[[rule]]
id = "REND"
description = "Rendering provider required"
procedure = "9*"
action = "require_field"
field = "rendering_provider"
"#);
    assert_eq!(run(&rendering, &claim(vec![line("99213")])).len(), 1);
    let mut own = line("99213");
    own.rendering = "1245319599";
    assert!(
        run(&rendering, &claim(vec![own])).is_empty(),
        "the line's own rendering provider counts"
    );
}

#[test]
fn claim_scope_gives_one_finding() {
    let r = set(r#"[[rule]]
id = "REF"
description = "Specialist visits need a referring provider"
payer = "84980"
procedure = "992*"
scope = "claim"
action = "require_field"
field = "referring_provider"
"#);
    let hits = run(&r, &claim(vec![line("99213"), line("99214")]));
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].line, None);
    assert_eq!(hits[0].fields[0], "referring_provider");
    assert!(hits[0].fields.contains(&"lines[0].procedure".to_string()));
}

#[test]
fn custom_message_and_next_step() {
    let r = set(r#"[[rule]]
id = "MSG"
description = "d"
procedure = "99213"
action = "warning"
message = "{payer} pays {procedure} at POS {place_of_service} only with {modifiers} (line {line}, {charge}, {date_of_service}, {diagnosis})"
next_step = "Call {payer}"
"#);
    let hits = run(&r, &claim(vec![line("99213")]));
    assert_eq!(
        hits[0].message,
        "Blue Cross Texas pays 99213 at POS 11 only with none (line 1, $150.00, 2026-03-02, )"
    );
    assert_eq!(hits[0].next_step.as_deref(), Some("Call Blue Cross Texas"));
}

#[test]
fn rules_run_in_file_order_once_each() {
    let r = set(r#"[[rule]]
id = "B"
description = "by id and by name"
payer = ["84980", "Blue Cross Texas"]
action = "note"
[[rule]]
id = "A"
description = "any payer"
procedure = "99213"
action = "note"
[[rule]]
id = "C"
description = "by name"
payer = "BLUE CROSS TEXAS"
action = "note"
"#);
    let ids: Vec<String> = run(&r, &claim(vec![line("99213")]))
        .into_iter()
        .map(|h| h.rule_id)
        .collect();
    assert_eq!(ids, ["payer.B", "payer.A", "payer.C"]);
}

#[test]
fn every_problem_at_once_with_positions() {
    let text = r#"[[rule]]
id = "X-1"
description = "bad things"
procedure = ["99213", "99215-99202"]
age_min = 65
age_max = 18
charge_min = 125.5
action = "require_modifier"
colour = "red"

[[rule]]
id = "X-1"
description = "same id"
payer = "Aetna"
action = "require_field"
field = "favourite_colour"

[[rule]]
description = "no id, no action"
diagnosis = "11E"
"#;
    let ps = problems(text);
    has_problem(&ps, 4, "procedure", "backwards");
    has_problem(&ps, 6, "age_max", "less than age_min");
    has_problem(&ps, 7, "charge_min", "\"125.50\"");
    has_problem(&ps, 8, "modifier", "require_modifier needs the modifier");
    has_problem(&ps, 9, "colour", "unknown key");
    has_problem(&ps, 12, "id", "already used by the rule at t.toml:2");
    has_problem(&ps, 16, "field", "unknown field \"favourite_colour\"");
    assert!(
        !ps.iter().any(|p| p.message.contains("require_field needs")),
        "one problem per mistake"
    );
    has_problem(&ps, 18, "id", "no id");
    has_problem(&ps, 18, "action", "no action");
    has_problem(&ps, 20, "diagnosis", "not an ICD-10-CM code");
    let p = ps.iter().find(|p| p.key.as_deref() == Some("procedure"));
    assert_eq!(p.map(|p| p.column), Some(23), "the column of the bad range");
    assert_eq!(p.and_then(|p| p.rule.clone()).as_deref(), Some("X-1"));
    let rendered = p.map(|p| p.to_string()).unwrap_or_default();
    assert!(
        rendered.starts_with("t.toml:4:23: X-1: procedure: "),
        "{rendered}"
    );
    let anonymous = ps.iter().find(|p| p.line == 20);
    assert_eq!(
        anonymous.and_then(|p| p.rule.clone()).as_deref(),
        Some("rule #3")
    );
}

#[test]
fn more_problems() {
    let ps = problems("payer = \"x\"\n[rule]\nid = \"a\"\n");
    has_problem(&ps, 1, "payer", "outside any rule");
    has_problem(&ps, 2, "rule", "[[rule]]");
    let ps = problems("[[rule]]\nid = \"a\"\ndescription = \"d\"\naction = \"error\"\n");
    has_problem(&ps, 1, "rule", "no trigger");
    let ps = problems(
        "[[rule]]\nid = \"a\"\ndescription = \"d\"\naction = \"note\"\nprocedre = \"99213\"\n",
    );
    has_problem(&ps, 5, "procedre", "did you mean \"procedure\"");
    let ps = problems(
        "[[rule]]\nid = \"a b\"\ndescription = \"d\"\naction = \"explode\"\nprocedure = \"99213\"\nscope = \"claim\"\nmodifier = \"9\"\n",
    );
    has_problem(&ps, 2, "id", "not a usable id");
    has_problem(&ps, 4, "action", "unknown action \"explode\"");
    has_problem(&ps, 7, "modifier", "not a modifier");
    let ps = problems(
        "[[rule]]\nid = \"a\"\ndescription = \"d\"\naction = \"require_modifier\"\nmodifier = \"95\"\nprocedure = \"99213\"\nscope = \"claim\"\n",
    );
    has_problem(&ps, 7, "scope", "use scope = \"line\"");
    let ps = problems(
        "[[rule]]\nid = \"a\"\ndescription = \"d\"\naction = \"error\"\nbilling_npi = \"1234567890\"\n",
    );
    has_problem(&ps, 5, "billing_npi", "check digit");
    let ps = problems(
        "[[rule]]\nid = \"a\"\ndescription = \"d\"\naction = \"error\"\neffective = 2026-02-30\n",
    );
    has_problem(&ps, 5, "", "not valid TOML");
    let ps = problems(
        "[[rule]]\nid = \"a\"\ndescription = \"d\"\naction = \"error\"\nprocedure = \"99213\"\neffective = 2026-06-01\nuntil = 2026-01-01\nmessage = \"{oops}\"\nseverity = \"hold\"\n",
    );
    has_problem(&ps, 7, "until", "before effective");
    has_problem(&ps, 8, "message", "unknown placeholder {oops}");
    has_problem(&ps, 9, "severity", "set by the action");
    let ps = problems("[[rule]\nid = 1\n");
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0].line, 1);
    assert!(
        ps[0].message.contains("not valid TOML"),
        "{}",
        ps[0].message
    );
    let ps = problems(
        "[[rule]]\nid = \"a\"\ndescription = \"d\"\naction = \"error\"\nunits_min = 3\nunits_max = 2\ncharge_max = 10.0\nplace_of_service = []\n",
    );
    has_problem(&ps, 6, "units_max", "less than units_min");
    has_problem(&ps, 7, "charge_max", "quotes");
    has_problem(&ps, 8, "place_of_service", "empty");
}

#[test]
fn scope_defaults() {
    let r = one("procedure = \"99213\"");
    assert_eq!(r.rules().next().map(Rule::scope), Some(Scope::Line));
    let r = one("payer = \"Aetna\"");
    assert_eq!(r.rules().next().map(Rule::scope), Some(Scope::Claim));
}

#[test]
fn empty_file_is_an_empty_set() {
    let r = set("# nothing yet\n");
    assert!(r.is_empty());
    assert_eq!(r.len(), 0);
}
