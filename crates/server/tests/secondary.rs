//! After the primary payer's 835, through the API on SQLite and on a real PostgreSQL: the claim to
//! the secondary payer carries the primary's adjudication (2320/2330/2430 with CAS, passed by
//! our validator and by pyx12), the patient's balance moves to the secondary payer once that
//! claim is sent and is never counted twice in A/R, the secondary's 835 (OA-23 for the prior
//! payer) settles it to the cent; and the claim prints on the CMS-1500 (02/12), rendered by
//! PDFium.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use common::{Auth, Engine, TestApp, app, billed, cents, post_file};
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

async fn totals(t: &TestApp, auth: &Auth) -> (i64, i64) {
    (
        cents(&t.get("/api/reports/aging?by=payer", auth).await.json()["total"]),
        cents(&t.get("/api/reports/aging?by=patient", auth).await.json()["total"]),
    )
}

async fn money(t: &TestApp, auth: &Auth, id: i64) -> Value {
    let r = t.get(&format!("/api/claims/{id}/payments"), auth).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

fn x12valid(file: &Path) {
    let bin = root().join(".venv/bin/x12valid");
    assert!(
        bin.exists(),
        "pyx12 is not installed at {}: run `make test` (scripts/install-test-tools.sh)",
        bin.display()
    );
    let out = std::process::Command::new(bin).arg(file).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(": OK"),
        "pyx12 refused the secondary 837: {text}"
    );
}

async fn secondary_claim(t: &TestApp) {
    let biller = t.token("demo-biller").await;
    // A draft of the demo office made ready and sent alone.
    let drafts = t
        .get("/api/claims?status=draft&limit=500", &biller)
        .await
        .json();
    let mut primary = None;
    for d in drafts["items"].as_array().unwrap() {
        let r = t
            .json(
                "POST",
                &format!("/api/claims/{}/status", d["id"]),
                &biller,
                &json!({"status": "ready", "version": d["version"]}),
            )
            .await;
        if r.status == StatusCode::OK {
            primary = d["id"].as_i64();
            break;
        }
    }
    let primary = primary.expect("the demo office has a clean draft");
    let batch = t
        .json(
            "POST",
            "/api/batches",
            &biller,
            &json!({"claim_ids": [primary]}),
        )
        .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.text());

    // The primary pays: allowed 80 %, CO-45 for the rest, the patient owes 20 % of allowed.
    let first = billed(t, &biller, primary).await;
    let charge: i64 = first.lines.iter().map(|l| l.2.cents()).sum();
    let coins: i64 = first
        .lines
        .iter()
        .map(|l| l.2.cents() * 80 / 100 * 20 / 100)
        .sum();
    assert!(coins > 0);
    let remit = rcm_x12::synth::remittance_paying("EFTPRI1", std::slice::from_ref(&first), 0);
    let r = post_file(
        t,
        &biller,
        &rcm_x12::synth::remit_interchange(&[remit], 91).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(
        cents(&money(t, &biller, primary).await["patient_balance"]),
        coins
    );

    // No secondary coverage yet: refused with the reason.
    let r = t
        .json(
            "POST",
            &format!("/api/claims/{primary}/next-payer"),
            &biller,
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("no secondary coverage"), "{}", r.text());

    // The patient's secondary coverage, with another payer.
    let claim = t
        .get(&format!("/api/claims/{primary}"), &biller)
        .await
        .json();
    let patient_id = claim["patient_id"].as_i64().unwrap();
    let coverages = t
        .get(&format!("/api/patients/{patient_id}/coverages"), &biller)
        .await
        .json();
    let primary_payer = coverages
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == claim["coverage_id"])
        .unwrap()["payer_id"]
        .as_i64()
        .unwrap();
    let reference = t.get("/api/reference", &biller).await.json();
    let other_payer = reference["payers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .find(|&id| id != primary_payer)
        .unwrap();
    let r = t
        .json(
            "POST",
            &format!("/api/patients/{patient_id}/coverages"),
            &biller,
            &json!({"payer_id": other_payer, "order": 2, "member_id": "SEC4455", "relationship": "self",
                    "effective_from": "2020-01-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let secondary_coverage = r.json()["id"].as_i64().unwrap();

    let (payer_before, patient_before) = totals(t, &biller).await;
    let r = t
        .json(
            "POST",
            &format!("/api/claims/{primary}/next-payer"),
            &biller,
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let second = r.json();
    let secondary = second["id"].as_i64().unwrap();
    assert_eq!(second["coverage_id"], secondary_coverage);
    assert_eq!(cents(&second["total_charge"]), charge);
    assert_eq!(second["status"], "draft");
    assert_eq!(
        second["scrub"]["errors"], 0,
        "the claim to the secondary payer scrubs clean: {second}"
    );
    let again = t
        .json(
            "POST",
            &format!("/api/claims/{primary}/next-payer"),
            &biller,
            &json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().contains("already bills"), "{}", again.text());

    // Not sent yet: the primary's patient still owes it, the secondary claim owes nothing in A/R.
    let m = money(t, &biller, secondary).await;
    assert_eq!(m["primary_claim_id"], primary);
    assert_eq!(cents(&m["prior_payer_settled"]), charge - coins, "{m}");
    assert_eq!(cents(&m["insurance_balance"]), coins, "{m}");
    assert_eq!(m["patient_balance"], "0.00");
    let p = money(t, &biller, primary).await;
    assert_eq!(p["next_payer_claim_ids"], json!([secondary]));
    assert_eq!(cents(&p["patient_balance"]), coins);
    assert_eq!(totals(t, &biller).await, (payer_before, patient_before));

    // Sent: the 837 carries the primary's adjudication, and both validators pass it.
    let r = t
        .json(
            "POST",
            &format!("/api/claims/{secondary}/status"),
            &biller,
            &json!({"status": "ready", "version": second["version"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let batch = t
        .json(
            "POST",
            "/api/batches",
            &biller,
            &json!({"claim_ids": [secondary]}),
        )
        .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.text());
    let file = t
        .get(batch.json()["file"].as_str().unwrap(), &biller)
        .await
        .body;
    let text = String::from_utf8_lossy(&file).to_string();
    let lines = first.lines.len();
    for needle in [
        "SBR*S*18*".to_string(),
        "SBR*P*18*".to_string(),
        format!("AMT*D*{}", rcm_x12::Money(charge * 80 / 100 - coins)),
        format!("AMT*EAF*{}", rcm_x12::Money(coins)),
        "NM1*IL*1*".to_string(),
        "*MI*SEC4455~".to_string(),
        "DTP*573*D8*20261120~".to_string(),
    ] {
        assert!(text.contains(&needle), "{needle} not in {text}");
    }
    assert_eq!(text.matches("SVD*").count(), lines, "{text}");
    assert_eq!(text.matches("CAS*CO*45*").count(), lines, "{text}");
    assert_eq!(text.matches("CAS*PR*2*").count(), lines, "{text}");
    let report = rcm_x12::validate::validate_bytes(&file, &rcm_x12::validate::Options::default());
    assert_eq!(report.error_count(), 0, "{:?}", report.findings);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secondary.837");
    std::fs::write(&path, &file).unwrap();
    x12valid(&path);

    // The patient's balance moved to the secondary payer: counted once.
    let p = money(t, &biller, primary).await;
    assert_eq!(p["patient_balance"], "0.00", "{p}");
    assert_eq!(cents(&p["transferred_to_next_payer"]), coins);
    assert_eq!(
        totals(t, &biller).await,
        (payer_before + coins, patient_before - coins)
    );

    // The secondary pays the coinsurance but one dollar, which it leaves to the patient; OA-23
    // carries the primary's part.
    let mut remit =
        rcm_x12::synth::remittance_paying("EFTSEC1", &[billed(t, &biller, secondary).await], 0);
    let c = &mut remit.claims[0];
    c.status = "2".into();
    c.paid = rcm_x12::Money::ZERO;
    for (n, svc) in c.services.iter_mut().enumerate() {
        let line_coins = svc.charge.cents() * 80 / 100 * 20 / 100;
        let left = if n == 0 { 100.min(line_coins) } else { 0 };
        svc.paid = rcm_x12::Money(line_coins - left);
        svc.allowed = None;
        svc.adjustments = vec![rcm_x12::model::Adjustment {
            group: "OA".into(),
            reason: "23".into(),
            amount: svc.charge - rcm_x12::Money(line_coins),
            quantity: None,
        }];
        if left > 0 {
            svc.adjustments.push(rcm_x12::model::Adjustment {
                group: "PR".into(),
                reason: "1".into(),
                amount: rcm_x12::Money(left),
                quantity: None,
            });
        }
        c.paid += svc.paid;
    }
    let left = 100.min(first.lines[0].2.cents() * 80 / 100 * 20 / 100);
    c.patient_responsibility = Some(rcm_x12::Money(left));
    remit.payment.amount = c.paid;
    let r = post_file(
        t,
        &biller,
        &rcm_x12::synth::remit_interchange(&[remit], 92).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let m = money(t, &biller, secondary).await;
    assert_eq!(cents(&m["paid"]), coins - left, "{m}");
    assert_eq!(m["insurance_balance"], "0.00", "{m}");
    assert_eq!(cents(&m["patient_balance"]), left, "{m}");
    assert_eq!(
        t.get(&format!("/api/claims/{secondary}"), &biller)
            .await
            .json()["status"],
        "paid"
    );
    assert_eq!(
        totals(t, &biller).await,
        (payer_before, patient_before - coins + left),
        "the visit's money: primary paid, secondary paid, the patient owes the dollar"
    );

    // Voiding the secondary claim (back to draft, then void) gives the balance back to the patient.
    for to in ["draft", "void"] {
        let c = t
            .get(&format!("/api/claims/{secondary}"), &biller)
            .await
            .json();
        let r = t
            .json(
                "POST",
                &format!("/api/claims/{secondary}/status"),
                &biller,
                &json!({"status": to, "version": c["version"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{to}: {}", r.text());
    }
    let p = money(t, &biller, primary).await;
    assert_eq!(cents(&p["patient_balance"]), coins, "{p}");
    assert_eq!(p["transferred_to_next_payer"], "0.00");
    assert_eq!(totals(t, &biller).await, (payer_before, patient_before));

    // The claim on paper: the form drawn in red with the data, and the data alone.
    let session = Auth::Session(t.session("demo-biller").await);
    let pdf = t
        .get(&format!("/claims/{primary}/cms1500.pdf"), &session)
        .await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.text());
    assert_eq!(pdf.header("content-type"), "application/pdf");
    let (rendered, _dir) = common::render_pdf(&pdf.body, "form");
    let page = &rendered["pages"][0];
    assert_eq!(
        (page["width"].as_i64(), page["height"].as_i64()),
        (Some(918), Some(1188)),
        "US Letter"
    );
    let text = page["text"].as_str().unwrap();
    assert!(text.contains(&format!("RCM{primary}")), "box 26: {text}");
    assert!(text.contains("HEALTH INSURANCE CLAIM FORM"), "{text}");
    let charge_box = format!("{} {:02}", charge / 100, charge % 100);
    assert!(text.contains(&charge_box), "box 28 {charge_box}: {text}");
    let with_form = page["ink"].as_f64().unwrap();
    let data = t
        .get(
            &format!("/claims/{primary}/cms1500.pdf?style=data-only"),
            &session,
        )
        .await;
    assert_eq!(data.status, StatusCode::OK);
    let (rendered, _dir) = common::render_pdf(&data.body, "data");
    let page = &rendered["pages"][0];
    let data_ink = page["ink"].as_f64().unwrap();
    assert!(
        data_ink > 0.0 && data_ink < with_form,
        "data only {data_ink} < with the form {with_form}"
    );
    assert!(
        page["text"]
            .as_str()
            .unwrap()
            .contains(&format!("RCM{primary}"))
    );
    assert!(
        !page["text"]
            .as_str()
            .unwrap()
            .contains("HEALTH INSURANCE CLAIM FORM")
    );
    let bad = t
        .get(
            &format!("/claims/{primary}/cms1500.pdf?style=blue"),
            &session,
        )
        .await;
    assert!(bad.status.is_client_error(), "{}", bad.status);

    // The claim pages link the two claims; the button is there for the primary.
    let page = t
        .get(&format!("/claims/{secondary}"), &session)
        .await
        .text();
    assert!(
        page.contains(&format!("href=\"/claims/{primary}\"")),
        "{page}"
    );
    let page = t.get(&format!("/claims/{primary}"), &session).await.text();
    assert!(
        page.contains(&format!("href=\"/claims/{secondary}\"")) && page.contains("cms1500.pdf"),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secondary_claim_on_sqlite() {
    let t = app(Engine::Sqlite, |_| {}).await;
    secondary_claim(&t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secondary_claim_on_postgresql() {
    let t = app(Engine::Postgres, |_| {}).await;
    secondary_claim(&t).await;
}
