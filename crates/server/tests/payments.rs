//! Getting paid through the API and the pages, on SQLite and on a real PostgreSQL: submit a batch,
//! import the 999 the clearinghouse would send for it, a 277CA (one claim rejected), then the
//! payer's 835 (one claim paid, one denied, one unknown): balances to the cent, the work queue,
//! unmatched payments, the reports and their CSV; the same files again change nothing; an
//! unbalanced or truncated 835 is refused whole.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Auth, Engine, TestApp, app, cents, post_file};
use serde_json::{Value, json};

fn x12_file(
    functional: &str,
    set: &str,
    version: &str,
    control: u32,
    segments: &[String],
) -> Vec<u8> {
    let mut out = format!(
        "ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*DEMO           *261124*1200*^*00501*{control:09}*0*T*:~\
         GS*{functional}*CLEARINGHOUSE*DEMO*20261124*1200*{control}*X*{version}~ST*{set}*0001*{version}~"
    );
    for seg in segments {
        out.push_str(seg);
        out.push('~');
    }
    out.push_str(&format!(
        "SE*{}*0001~GE*1*{control}~IEA*1*{control:09}~",
        segments.len() + 2
    ));
    out.into_bytes()
}

fn ack_277(answers: &[(String, &str, &str)], control: u32) -> Vec<u8> {
    let mut segs = vec![
        "BHT*0085*08*ACK277*20261124*1200*TH".to_string(),
        "HL*1**20*1".into(),
        "NM1*PR*2*DEMO PAYER*****PI*DEMO1".into(),
        "TRN*1*T277".into(),
        "DTP*050*D8*20261124".into(),
        "DTP*009*D8*20261124".into(),
        "HL*2*1*21*1".into(),
        "NM1*41*2*DEMO FAMILY PRACTICE*****46*SUB1".into(),
        "TRN*2*BATCH1".into(),
        "STC*A1:19*20261124*WQ*100".into(),
        "HL*3*2*19*1".into(),
        "NM1*85*2*DEMO FAMILY PRACTICE*****XX*1234567893".into(),
        "TRN*1*PROV1".into(),
        // The provider level (2200C) status carries no date.
        "STC*A1:19**WQ*100".into(),
    ];
    for (i, (pcn, stc, ccn)) in answers.iter().enumerate() {
        segs.push(format!("HL*{}*3*PT", 4 + i));
        segs.push("NM1*QC*1*DOE*JANE****MI*M1".into());
        segs.push(format!("TRN*2*{pcn}"));
        segs.push(format!("STC*{stc}*20261124*WQ*100"));
        if !ccn.is_empty() {
            segs.push(format!("REF*1K*{ccn}"));
        }
        segs.push("DTP*472*D8*20261101".into());
    }
    x12_file("HN", "277", "005010X214", control, &segs)
}

async fn getting_paid(t: &TestApp) {
    let biller = t.token("demo-biller").await;
    // The demo office has a paid history already: measure what this test adds to it.
    let payer_before = cents(&t.get("/api/reports/aging?by=payer", &biller).await.json()["total"]);
    let patient_before =
        cents(&t.get("/api/reports/aging?by=patient", &biller).await.json()["total"]);
    let summary_before = t.get("/api/reports/summary", &biller).await.json();
    let n = |v: &Value, k: &str| v[k].as_i64().unwrap();
    // A clean draft made ready, beside the demo office's ready claims.
    let drafts = t
        .get("/api/claims?status=draft&limit=500", &biller)
        .await
        .json();
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
            break;
        }
    }
    let ready = t
        .get("/api/claims?status=ready&limit=500", &biller)
        .await
        .json();
    let ids: Vec<i64> = ready["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .take(3)
        .collect();
    assert_eq!(ids.len(), 3, "the demo office has ready claims: {ready}");
    let batch = t
        .json("POST", "/api/batches", &biller, &json!({"claim_ids": ids}))
        .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.text());
    let file_837 = t
        .get(batch.json()["file"].as_str().unwrap(), &biller)
        .await
        .body;

    // The 999 the clearinghouse sends for our own 837: accepted, the claims stay submitted.
    let report =
        rcm_x12::validate::validate_bytes(&file_837, &rcm_x12::validate::Options::default());
    let ack = rcm_x12::validate::build_999(
        &report,
        77,
        rcm_x12::Date {
            year: 2026,
            month: 11,
            day: 24,
        },
        "1200",
    )
    .unwrap()
    .unwrap();
    let r = post_file(t, &biller, &ack).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let out = r.json();
    assert_eq!(out["kind"], "999");
    assert_eq!(out["acknowledged"].as_array().unwrap().len(), 3, "{out}");
    assert!(
        out["acknowledged"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["accepted"] == true)
    );

    // 277CA: the first and third accepted, the second rejected (invalid NPI).
    let pcn = |i: usize| format!("RCM{}", ids[i]);
    let file_277 = ack_277(
        &[
            (pcn(0), "A2:20", "PCC0001"),
            (pcn(1), "A7:562:85", ""),
            (pcn(2), "A2:20", "PCC0003"),
        ],
        78,
    );
    let r = post_file(t, &biller, &file_277).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let rejected = t
        .get(&format!("/api/claims/{}", ids[1]), &biller)
        .await
        .json();
    assert_eq!(rejected["status"], "rejected");
    let again = post_file(t, &biller, &file_277).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["already_imported"], true);

    // The 835: the first claim paid, the third denied, and a claim that is not ours.
    let mut billed = Vec::new();
    for &id in &[ids[0], ids[2]] {
        billed.push(common::billed(t, &biller, id).await);
    }
    let mut stranger = billed[0].clone();
    stranger.patient_control_number = "XYZ123".into();
    billed.push(stranger);
    let remit = rcm_x12::synth::remittance_paying("EFT7001", &billed, 2);
    let file_835 = rcm_x12::synth::remit_interchange(std::slice::from_ref(&remit), 79).unwrap();

    // Broken versions first: refused whole, nothing posted.
    let mut unbalanced = remit.clone();
    unbalanced.payment.amount = rcm_x12::Money(unbalanced.payment.amount.cents() + 100);
    let bad = rcm_x12::synth::remit_interchange(&[unbalanced], 80).unwrap();
    let r = post_file(t, &biller, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(
        r.json()["type"],
        "urn:openrcm:problem:received-file-refused"
    );
    let r = post_file(t, &biller, &file_835[..file_835.len() - 40]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let r = post_file(t, &biller, b"not an X12 file at all").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let wrong_type = t
        .send(
            biller
                .apply(Request::post("/api/received-files"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let m = t
        .get(&format!("/api/claims/{}/payments", ids[0]), &biller)
        .await
        .json();
    assert_eq!(
        m["paid"], "0.00",
        "nothing was posted by the refused files: {m}"
    );

    let r = post_file(t, &biller, &file_835).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let out = r.json();
    assert_eq!(out["payments"][0]["claims_posted"], 2, "{out}");
    assert_eq!(out["payments"][0]["claims_unmatched"], 1, "{out}");
    assert_eq!(out["payments"][0]["denials"], 1, "{out}");

    // Balances to the cent: allowed 80 %, coinsurance 20 % of allowed.
    let charge0 = cents(
        &t.get(&format!("/api/claims/{}", ids[0]), &biller)
            .await
            .json()["total_charge"],
    );
    let m = t
        .get(&format!("/api/claims/{}/payments", ids[0]), &biller)
        .await
        .json();
    let allowed: i64 = billed[0].lines.iter().map(|l| l.2.cents() * 80 / 100).sum();
    let coins: i64 = billed[0]
        .lines
        .iter()
        .map(|l| l.2.cents() * 80 / 100 * 20 / 100)
        .sum();
    assert_eq!(cents(&m["paid"]), allowed - coins, "{m}");
    assert_eq!(cents(&m["adjusted"]), charge0 - allowed, "{m}");
    assert_eq!(cents(&m["patient_responsibility"]), coins, "{m}");
    assert_eq!(m["insurance_balance"], "0.00");
    assert_eq!(cents(&m["patient_balance"]), coins);
    assert_eq!(m["payer_claim_control_number"], "EFT7001C000001");
    assert_eq!(
        t.get(&format!("/api/claims/{}", ids[0]), &biller)
            .await
            .json()["status"],
        "paid"
    );
    assert_eq!(
        t.get(&format!("/api/claims/{}", ids[2]), &biller)
            .await
            .json()["status"],
        "denied"
    );

    // The same 835 again: nothing changes.
    let again = post_file(t, &biller, &file_835).await;
    assert_eq!(again.json()["already_imported"], true);
    let m2 = t
        .get(&format!("/api/claims/{}/payments", ids[0]), &biller)
        .await
        .json();
    assert_eq!(m, m2);

    // The queue: the 277CA rejection and the CO-50 denial, with meaning and next step.
    let groups = t.get("/api/work-items/groups", &biller).await.json();
    let reasons: Vec<&str> = groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"50") && reasons.contains(&"A7:562"),
        "{groups}"
    );
    let items = t.get("/api/work-items?kind=denied", &biller).await.json();
    let denial = &items["items"][0];
    assert_eq!(denial["claim_id"], ids[2]);
    assert!(
        denial["reason_meaning"]
            .as_str()
            .unwrap()
            .contains("medical necessity")
            || denial["reason_meaning"]
                .as_str()
                .unwrap()
                .contains("not deemed"),
        "{denial}"
    );
    assert!(
        denial["next_step"].as_str().unwrap().contains("appeal"),
        "{denial}"
    );
    let item = denial["id"].as_i64().unwrap();
    let r = t
        .json(
            "POST",
            &format!("/api/work-items/{item}/notes"),
            &biller,
            &json!({"note": "Appeal sent with the visit note"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = t
        .json(
            "POST",
            &format!("/api/work-items/{item}/assign"),
            &biller,
            &json!({"assigned_to": "demo-biller"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let r = t
        .json(
            "POST",
            &format!("/api/work-items/{item}/assign"),
            &biller,
            &json!({"assigned_to": "no-such-user"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    // The appeal is recorded with what was sent; the item stays open until the payer answers.
    let r = t
        .json(
            "POST",
            &format!("/api/work-items/{item}/appeal"),
            &biller,
            &json!({"note": "Records and letter of medical necessity faxed"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let appealed = t
        .get(&format!("/api/work-items?claim_id={}", ids[2]), &biller)
        .await
        .json();
    assert!(
        appealed["items"][0]["appealed_at"].is_string(),
        "{appealed}"
    );
    assert!(appealed["items"][0]["resolved_at"].is_null(), "{appealed}");
    let notes = t
        .get(&format!("/api/work-items/{item}/notes"), &biller)
        .await
        .json();
    assert_eq!(notes[0]["note"], "Appeal sent with the visit note");
    assert_eq!(
        notes[1]["note"],
        "Appeal sent: Records and letter of medical necessity faxed"
    );
    // The auditor reads the queue but cannot work it.
    let auditor = t.token("demo-auditor").await;
    assert_eq!(
        t.get("/api/work-items", &auditor).await.status,
        StatusCode::OK
    );
    let r = t
        .json(
            "POST",
            &format!("/api/work-items/{item}/resolve"),
            &auditor,
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let unmatched = t.get("/api/unmatched-payments", &biller).await.json();
    assert_eq!(unmatched.as_array().unwrap().len(), 1, "{unmatched}");
    assert_eq!(unmatched[0]["patient_control_number"], "XYZ123");
    // Reports: the rejected claim is owed by the payer, the coinsurance by the patient.
    let charge1 = cents(
        &t.get(&format!("/api/claims/{}", ids[1]), &biller)
            .await
            .json()["total_charge"],
    );
    let aging = t.get("/api/reports/aging?by=payer", &biller).await.json();
    assert_eq!(cents(&aging["total"]) - payer_before, charge1, "{aging}");
    let aging = t.get("/api/reports/aging?by=patient", &biller).await.json();
    assert_eq!(cents(&aging["total"]) - patient_before, coins, "{aging}");
    let csv = t.get("/api/reports/aging.csv?by=payer", &biller).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").starts_with("text/csv"));
    let text = csv.text();
    assert!(
        text.starts_with("payer,0-30,31-60,61-90,91-120,120+,total,claims\r\n"),
        "{text}"
    );
    let summary = t.get("/api/reports/summary", &biller).await.json();
    let added = |k: &str| n(&summary, k) - n(&summary_before, k);
    assert_eq!(
        (added("first_pass_accepted"), added("first_answers")),
        (2, 3),
        "{summary}"
    );
    assert_eq!(
        (added("denied_claims"), added("adjudicated_claims")),
        (1, 2),
        "{summary}"
    );
    // The payer mistyped the patient control number: the biller posts it to the right claim.
    let before = t
        .get(&format!("/api/claims/{}/payments", ids[1]), &biller)
        .await
        .json();
    assert_eq!(before["paid"], "0.00");
    let r = t
        .json(
            "POST",
            &format!("/api/unmatched-payments/{}/post", unmatched[0]["id"]),
            &biller,
            &json!({"claim_id": 999_999_999}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = t
        .json(
            "POST",
            &format!("/api/unmatched-payments/{}/post", unmatched[0]["id"]),
            &biller,
            &json!({"claim_id": ids[1]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let after = t
        .get(&format!("/api/claims/{}/payments", ids[1]), &biller)
        .await
        .json();
    assert_eq!(after["paid"], unmatched[0]["paid"], "{after}");
    assert_eq!(
        t.get(&format!("/api/claims/{}", ids[1]), &biller)
            .await
            .json()["status"],
        "paid"
    );
    let left = t.get("/api/unmatched-payments", &biller).await.json();
    assert_eq!(left.as_array().unwrap().len(), 0, "{left}");
    // Posted once: a second try finds nothing to post.
    let r = t
        .json(
            "POST",
            &format!("/api/unmatched-payments/{}/post", unmatched[0]["id"]),
            &biller,
            &json!({"claim_id": ids[1]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let bad = t.get("/api/reports/aging?as_of=yesterday", &biller).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let periods = t.get("/api/reports/periods.csv", &biller).await;
    assert!(
        periods
            .text()
            .starts_with("period,provider,charges,payments,adjustments")
    );

    // A correction of the paid claim goes out as a replacement (frequency 7) naming the payer's
    // claim number (REF*F8), in a new batch.
    let paid = t
        .get(&format!("/api/claims/{}", ids[0]), &biller)
        .await
        .json();
    let r = t
        .json(
            "POST",
            &format!("/api/claims/{}/status", ids[0]),
            &biller,
            &json!({"status": "draft", "version": paid["version"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let draft = r.json();
    let r = t
        .json(
            "PUT",
            &format!("/api/claims/{}", ids[0]),
            &biller,
            &json!({"version": draft["version"], "coverage_id": draft["coverage_id"], "frequency_code": "7",
                    "diagnoses": draft["diagnoses"], "lines": draft["lines"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["scrub"]["errors"], 0, "{}", r.text());
    let r = t
        .json(
            "POST",
            &format!("/api/claims/{}/status", ids[0]),
            &biller,
            &json!({"status": "ready", "version": r.json()["version"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let batch = t
        .json(
            "POST",
            "/api/batches",
            &biller,
            &json!({"claim_ids": [ids[0]]}),
        )
        .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.text());
    let replacement = t
        .get(batch.json()["file"].as_str().unwrap(), &biller)
        .await
        .text();
    assert!(
        replacement.contains(&format!("CLM*RCM{}*", ids[0])) && replacement.contains(":B:7*"),
        "{replacement}"
    );
    assert!(
        replacement.contains("REF*F8*EFT7001C000001~"),
        "{replacement}"
    );

    // The patient's statement: a PDF that a reader renders (PDFium), with the coinsurance due.
    let patient_id = t
        .get(&format!("/api/claims/{}", ids[0]), &biller)
        .await
        .json()["patient_id"]
        .as_i64()
        .unwrap();
    let session0 = t.session("demo-biller").await;
    let pdf = t
        .get(
            &format!("/patients/{patient_id}/statement.pdf"),
            &Auth::Session(session0),
        )
        .await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.text());
    assert_eq!(pdf.header("content-type"), "application/pdf");
    let (rendered, dir) = common::render_pdf(&pdf.body, "statement");
    let page = &rendered["pages"][0];
    assert_eq!(
        (page["width"].as_i64(), page["height"].as_i64()),
        (Some(918), Some(1188))
    );
    let ink = page["ink"].as_f64().unwrap();
    assert!(ink > 0.005 && ink < 0.2, "ink share {ink}");
    let text = page["text"].as_str().unwrap();
    let due = format!("${}.{:02}", coins / 100, coins % 100);
    assert!(
        text.contains("STATEMENT") && text.contains("Amount due"),
        "{text}"
    );
    assert!(
        text.contains(&format!("Claim {}", ids[0])) && text.contains(&due),
        "{due} in {text}"
    );
    assert!(dir.path().join("statement-1.png").exists());

    // The patient pays half at the front desk: the patient balance goes down by it, to the cent.
    let half = coins / 2;
    let r = t
        .json(
            "POST",
            &format!("/api/claims/{}/patient-payments", ids[0]),
            &biller,
            &json!({"amount": format!("{}.{:02}", half / 100, half % 100), "method": "card", "reference": "R-1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(cents(&r.json()["patient_balance"]), coins - half);
    for bad in [
        json!({"amount": "12.345", "method": "card"}),
        json!({"amount": 12.5, "method": "card"}),
        json!({"amount": "10.00", "method": "barter"}),
        json!({"amount": "0", "method": "cash"}),
    ] {
        let r = t
            .json(
                "POST",
                &format!("/api/claims/{}/patient-payments", ids[0]),
                &biller,
                &bad,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.text()
        );
    }
    let m = t
        .get(&format!("/api/claims/{}/payments", ids[0]), &biller)
        .await
        .json();
    assert_eq!(cents(&m["patient_balance"]), coins - half, "{m}");
    assert_eq!(cents(&m["patient_paid"]), half, "{m}");

    // The pages: the upload form (with its CSRF token in the multipart body), the queue, reports.
    let session = t.session("demo-biller").await;
    let auth = Auth::Session(session.clone());
    let boundary = "XBOUNDARYX";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n",
            session.csrf
        )
        .as_bytes(),
    );
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"remit.835\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(&file_835);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let cookie_only = |b: axum::http::request::Builder| b.header(header::COOKIE, &session.cookie);
    let page = t
        .send(
            cookie_only(Request::post("/payments"))
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert!(page.text().contains("imported before"), "{}", page.text());
    // Without the token: refused.
    let forged: Vec<u8> = String::from_utf8_lossy(&body)
        .replace(&session.csrf, "forged")
        .into_bytes();
    let page = t
        .send(
            cookie_only(Request::post("/payments"))
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(forged))
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    for path in [
        "/payments",
        "/work-queue",
        "/reports",
        &format!("/work-queue/{item}"),
        &format!("/claims/{}", ids[0]),
    ] {
        let p = t.get(path, &auth).await;
        assert_eq!(p.status, StatusCode::OK, "{path}: {}", p.text());
    }
    let reports = t.get("/reports", &auth).await.text();
    assert!(
        reports.contains("<svg") && reports.contains("A/R aging by payer"),
        "{reports}"
    );
    let claim_page = t.get(&format!("/claims/{}", ids[0]), &auth).await.text();
    assert!(
        claim_page.contains("id=\"patient-payment\""),
        "{claim_page}"
    );
    assert!(
        claim_page.contains("Payments and acknowledgements") && claim_page.contains("EFT7001"),
        "{claim_page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn getting_paid_on_sqlite() {
    let t = app(Engine::Sqlite, |_| {}).await;
    getting_paid(&t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn getting_paid_on_postgresql() {
    let t = app(Engine::Postgres, |_| {}).await;
    getting_paid(&t).await;
}
