//! `rcm ar …`: import an 835 from the terminal, the same file again, a refused one; the queue,
//! unmatched payments, aging (table, JSON, CSV) and the summary, with their exit statuses. Claims
//! are written through `rcm-store` into the database `rcm store bootstrap` created.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{array, rcm, tempdir};
use jiff::civil::date;
use rcm_store::*;

fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Two submitted claims (one line of $200.00 each) in the bootstrapped organization.
async fn two_submitted_claims(data: &Path) -> Vec<Claim> {
    let key =
        EncryptionKey::parse(&std::fs::read_to_string(data.join("store.key")).unwrap()).unwrap();
    let store = Store::open(&StoreOptions::new(
        format!("sqlite://{}", data.join("rcm.sqlite3").display()),
        key,
    ))
    .await
    .unwrap();
    let a = Actor::system("test");
    let org = store.organizations().await.unwrap()[0].id;
    let provider = store
        .create_billing_provider(
            &a,
            &NewBillingProvider {
                organization_id: org,
                name: "Lakeside".into(),
                npi: "1234567893".into(),
                tax_id: "123456789".into(),
                taxonomy: None,
                address_line1: "1 Main St".into(),
                address_line2: None,
                city: "Springfield".into(),
                state: "IL".into(),
                postal_code: "627010000".into(),
            },
        )
        .await
        .unwrap();
    let payer = store
        .create_payer(
            &a,
            &NewPayer {
                organization_id: org,
                name: "Prairie Mutual".into(),
                payer_code: "PM01".into(),
                claim_filing_indicator: "CI".into(),
            },
        )
        .await
        .unwrap();
    let patient = store
        .create_patient(
            &a,
            &PatientData {
                organization_id: org,
                last_name: "Zebrawood".into(),
                first_name: "Ines".into(),
                middle_name: None,
                birth_date: date(1970, 2, 3),
                sex: Sex::Female,
                address: None,
                phone: None,
            },
        )
        .await
        .unwrap();
    let coverage = store
        .create_coverage(
            &a,
            &CoverageData {
                patient_id: patient.id,
                payer_id: payer.id,
                order: 1,
                member_id: "ZW123".into(),
                group_number: None,
                relationship: Relationship::Own,
                subscriber_last_name: "Zebrawood".into(),
                subscriber_first_name: "Ines".into(),
                subscriber_birth_date: None,
                effective_from: date(2026, 1, 1),
                effective_to: None,
            },
        )
        .await
        .unwrap();
    let mut claims = Vec::new();
    for _ in 0..2 {
        let encounter = store
            .create_encounter(
                &a,
                &EncounterData {
                    organization_id: org,
                    patient_id: patient.id,
                    billing_provider_id: provider.id,
                    rendering_provider_id: None,
                    service_date: date(2026, 9, 1),
                    place_of_service: "11".into(),
                    notes: None,
                },
            )
            .await
            .unwrap();
        let c = store
            .create_claim(
                &a,
                &NewClaim {
                    organization_id: org,
                    encounter_id: encounter.id,
                    kind: ClaimKind::Professional,
                    content: ClaimContent {
                        coverage_id: coverage.id,
                        frequency_code: "1".into(),
                        diagnoses: vec!["I10".into()],
                        lines: vec![ServiceLine {
                            procedure_code: "99214".into(),
                            modifiers: vec![],
                            charge_cents: 20_000,
                            units_milli: 1000,
                            diagnosis_pointers: vec![1],
                            service_date: date(2026, 9, 1),
                            place_of_service: None,
                            rendering_provider_id: None,
                        }],
                    },
                },
            )
            .await
            .unwrap();
        let c = store
            .set_claim_status(&a, c.id, c.version, ClaimStatus::Ready, None)
            .await
            .unwrap();
        claims.push(c);
    }
    let ids: Vec<i64> = claims.iter().map(|c| c.id).collect();
    store
        .create_batch(&a, org, ClaimKind::Professional, &ids)
        .await
        .unwrap();
    store.close().await;
    claims
}

#[test]
fn import_an_835_read_the_queue_aging_and_summary() {
    let dir = tempdir();
    let data = dir.path();
    rcm(
        data,
        &[
            "store",
            "bootstrap",
            "--organization",
            "Lakeside",
            "--admin",
            "admin1",
        ],
    )
    .assert_code(0);
    let claims = block(two_submitted_claims(data));
    let billed: Vec<rcm_x12::synth::BilledForRemit> = claims
        .iter()
        .map(|c| rcm_x12::synth::BilledForRemit {
            patient_control_number: format!("RCM{}", c.id),
            patient_last_name: "ZEBRAWOOD".into(),
            patient_first_name: "INES".into(),
            member_id: "ZW123".into(),
            lines: vec![("99214".into(), vec![], rcm_x12::Money(20_000))],
        })
        .collect();
    // The first claim paid ($128.00, coinsurance $32.00), the second denied.
    let remit = rcm_x12::synth::remittance_paying("CLI0001", &billed, 2);
    let file = data.join("remit.835");
    std::fs::write(
        &file,
        rcm_x12::synth::remit_interchange(std::slice::from_ref(&remit), 5).unwrap(),
    )
    .unwrap();
    let f = file.to_str().unwrap();

    let run = rcm(data, &["--json", "ar", "import", f]);
    run.assert_code(0);
    let v = run.json();
    let p = &v["files"][0]["payments"][0];
    assert_eq!(
        (p["claims_posted"].as_u64(), p["denials"].as_u64()),
        (Some(2), Some(1)),
        "{v}"
    );
    assert_eq!(p["payment"], "128.00");
    for secret in ["ZEBRAWOOD", "INES", "Zebrawood"] {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "PHI printed"
        );
    }

    // Again: nothing changes.
    let run = rcm(data, &["ar", "import", f]);
    run.assert_code(0);
    assert!(run.stdout.contains("imported before"), "{}", run.stdout);

    // A refused file (unbalanced) exits 1 and posts nothing; a missing file exits 2.
    let mut bad = remit.clone();
    bad.trace.number = "CLI0002".into();
    bad.payment.amount = rcm_x12::Money(1);
    let bad_file = data.join("bad.835");
    std::fs::write(
        &bad_file,
        rcm_x12::synth::remit_interchange(&[bad], 6).unwrap(),
    )
    .unwrap();
    let run = rcm(data, &["ar", "import", bad_file.to_str().unwrap()]);
    run.assert_code(1);
    assert!(run.stderr.contains("nothing was posted"), "{}", run.stderr);
    rcm(
        data,
        &["ar", "import", data.join("missing.835").to_str().unwrap()],
    )
    .assert_code(2);

    let queue = rcm(data, &["--json", "ar", "queue"]);
    queue.assert_code(0);
    let items = queue.json();
    assert_eq!(items["total"], 1);
    assert_eq!(items["items"][0]["reason"], "50");
    assert!(
        items["items"][0]["next_step"]
            .as_str()
            .unwrap()
            .contains("appeal")
    );
    rcm(data, &["ar", "unmatched"]).assert_code(0);

    let aging = rcm(
        data,
        &[
            "--json",
            "ar",
            "aging",
            "--by",
            "patient",
            "--as-of",
            "2026-11-24",
        ],
    );
    aging.assert_code(0);
    let v = aging.json();
    assert_eq!(array(&v["rows"]).len(), 1);
    assert_eq!(v["rows"][0]["buckets"][2], "32.00", "{v}");
    let csv = rcm(data, &["ar", "aging", "--as-of", "2026-11-24", "--csv"]);
    csv.assert_code(0);
    assert!(
        csv.stdout
            .starts_with("payer,0-30,31-60,61-90,91-120,120+,total,claims\r\n"),
        "{}",
        csv.stdout
    );
    let summary = rcm(data, &["--json", "ar", "summary", "--as-of", "2026-11-24"]);
    summary.assert_code(0);
    let s = summary.json();
    assert_eq!(s["patient_ar"], "32.00", "{s}");
    assert_eq!(s["insurance_ar"], "0.00", "{s}");
    rcm(data, &["ar", "aging", "--as-of", "not-a-date"]).assert_code(2);
}
