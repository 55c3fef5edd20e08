//! The whole job through the API on SQLite and on a real PostgreSQL: register a patient and a
//! coverage, start an encounter, code it (the scrubber catches a header code), fix it, mark it
//! ready, create a batch and download an 837P that the X12 validator accepts. Idempotency keys,
//! version conflicts, organization isolation and bad input on the way.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Engine, TestApp, app};
use serde_json::{Value, json};

async fn workflow(t: &TestApp) {
    let biller = t.token("demo-biller").await;
    let refs = t.get("/api/reference", &biller).await.json();
    let payer = refs["payers"][1]["id"].as_i64().unwrap();
    let billing = refs["billing_providers"][0]["id"].as_i64().unwrap();

    // A patient, created once even when the request is retried with the same key.
    let patient_body = json!({
        "last_name": "Quillfeather", "first_name": "Rosalind", "birth_date": "1971-03-09", "sex": "F",
        "address": {"line1": "12 ELM STREET", "city": "SPRINGFIELD", "state": "IL", "postal_code": "62704"}
    });
    let send_patient = |body: Value, key: &'static str| {
        let req = biller
            .apply(Request::post("/api/patients"))
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", key)
            .body(Body::from(serde_json::to_vec(&body).unwrap()))
            .unwrap();
        t.send(req)
    };
    let first = send_patient(patient_body.clone(), "patient-1").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let again = send_patient(patient_body.clone(), "patient-1").await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(
        first.json()["id"],
        again.json()["id"],
        "a retry returns the first answer"
    );
    let mut other = patient_body.clone();
    other["first_name"] = json!("Someone");
    let reused = send_patient(other, "patient-1").await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reused.json()["type"],
        "urn:openrcm:problem:idempotency-key-reused"
    );
    let patient = first.json()["id"].as_i64().unwrap();
    let list = t.get("/api/patients?limit=500", &biller).await.json();
    let named: Vec<&Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["last_name"] == "Quillfeather")
        .collect();
    assert_eq!(named.len(), 1, "one patient, not two");
    // Found by last name (any case, spaces) and date of birth through the blind index.
    let found = t
        .get(
            "/api/patients?last_name=quill%20feather&birth_date=1971-03-09",
            &biller,
        )
        .await
        .json();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["id"], first.json()["id"]);
    let none = t
        .get(
            "/api/patients?last_name=Quillfeather&birth_date=1971-03-10",
            &biller,
        )
        .await
        .json();
    assert_eq!(none["total"], 0);
    let half = t.get("/api/patients?last_name=Quillfeather", &biller).await;
    assert_eq!(half.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Bad input: every wrong field named at once.
    let bad = t
        .json(
            "POST",
            "/api/patients",
            &biller,
            &json!({"last_name": "", "first_name": "X", "birth_date": "1971-02-30", "sex": "Q"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.header("content-type"), "application/problem+json");
    let fields: Vec<String> = bad.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["last_name", "birth_date", "sex"]);
    let unknown = t
        .json(
            "POST",
            "/api/patients",
            &biller,
            &json!({"last_name": "A", "nickname": "B"}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.json()["detail"]
            .as_str()
            .unwrap()
            .contains("nickname")
    );

    let cov = t
        .json(
            "POST",
            &format!("/api/patients/{patient}/coverages"),
            &biller,
            &json!({"payer_id": payer, "order": 1, "member_id": "PHP88812", "relationship": "self", "effective_from": "2025-01-01"}),
        )
        .await;
    assert_eq!(cov.status, StatusCode::CREATED, "{}", cov.text());
    let coverage = cov.json()["id"].as_i64().unwrap();
    let enc = t
        .json(
            "POST",
            "/api/encounters",
            &biller,
            &json!({"patient_id": patient, "billing_provider_id": billing, "service_date": "2026-11-02", "place_of_service": "11"}),
        )
        .await;
    assert_eq!(enc.status, StatusCode::CREATED, "{}", enc.text());
    let encounter = enc.json()["id"].as_i64().unwrap();

    // Coded with a header code: saved as a draft, with the scrubber's error.
    let line = json!({"procedure_code": "99213", "charge": "125.00", "units": 1, "diagnosis_pointers": [1]});
    let created = t
        .json(
            "POST",
            "/api/claims",
            &biller,
            &json!({"encounter_id": encounter, "coverage_id": coverage, "diagnoses": ["E11"], "lines": [line]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let c = created.json();
    let claim = c["id"].as_i64().unwrap();
    assert_eq!(c["status"], "draft");
    assert_eq!(c["total_charge"], "125.00");
    assert!(c["scrub"]["errors"].as_u64().unwrap() >= 1, "{c}");
    assert!(
        c["scrub"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "code.icd10cm.header"),
        "{c}"
    );
    let refused = t
        .json(
            "POST",
            &format!("/api/claims/{claim}/status"),
            &biller,
            &json!({"status": "ready", "version": 1}),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not ready with errors"
    );
    let errors_filter = t
        .get("/api/claims?has_errors=true&limit=500", &biller)
        .await
        .json();
    assert!(
        errors_filter["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == claim)
    );

    // A float amount is refused: binary floats cannot hold cents.
    let float = t
        .json(
            "PUT",
            &format!("/api/claims/{claim}"),
            &biller,
            &json!({"version": 1, "coverage_id": coverage, "diagnoses": ["E11.9"],
                    "lines": [{"procedure_code": "99213", "charge": 125.5, "units": 1, "diagnosis_pointers": [1]}]}),
        )
        .await;
    assert_eq!(
        float.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        float.text()
    );

    // Fixed: clean. A stale save afterwards is a conflict and changes nothing.
    let fix =
        json!({"version": 1, "coverage_id": coverage, "diagnoses": ["E11.9"], "lines": [line]});
    let fixed = t
        .json("PUT", &format!("/api/claims/{claim}"), &biller, &fix)
        .await;
    assert_eq!(fixed.status, StatusCode::OK, "{}", fixed.text());
    assert_eq!(fixed.json()["scrub"]["errors"], 0, "{}", fixed.text());
    assert_eq!(fixed.json()["version"], 2);
    let mut stale = fix.clone();
    stale["diagnoses"] = json!(["I10"]);
    let conflict = t
        .json("PUT", &format!("/api/claims/{claim}"), &biller, &stale)
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_eq!(conflict.json()["current_version"], 2);
    let now = t.get(&format!("/api/claims/{claim}"), &biller).await.json();
    assert_eq!(
        now["diagnoses"],
        json!(["E119"]),
        "the stale save changed nothing"
    );

    let ready = t
        .json(
            "POST",
            &format!("/api/claims/{claim}/status"),
            &biller,
            &json!({"status": "ready", "version": 2}),
        )
        .await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.text());

    // The batch: 837P written, validated, claims submitted, file downloadable.
    let batch = t
        .json(
            "POST",
            "/api/batches",
            &biller,
            &json!({"claim_ids": [claim]}),
        )
        .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.text());
    let file_url = batch.json()["file"].as_str().unwrap().to_owned();
    let file = t.get(&file_url, &biller).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.header("content-type"), "application/edi-x12");
    assert!(file.body.starts_with(b"ISA*"), "{}", file.text());
    let report =
        rcm_x12::validate::validate_bytes(&file.body, &rcm_x12::validate::Options::default());
    assert!(report.is_clean(), "{:?}", report.findings);
    let text = file.text();
    assert!(
        text.contains(&format!("CLM*RCM{claim}*125***11:B:1")),
        "{text}"
    );
    assert!(text.contains("HI*ABK:E119"), "{text}");
    let submitted = t.get(&format!("/api/claims/{claim}"), &biller).await.json();
    assert_eq!(submitted["status"], "submitted");
    let history = t
        .get(&format!("/api/claims/{claim}/history"), &biller)
        .await
        .json();
    let moves: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to"].as_str().unwrap())
        .collect();
    assert_eq!(moves, ["draft", "ready", "submitted"]);
    let again = t
        .json(
            "POST",
            "/api/batches",
            &biller,
            &json!({"claim_ids": [claim]}),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a submitted claim is not sent twice"
    );

    // The audit log has every view and change, and its chain is intact.
    let auditor = t.token("demo-auditor").await;
    let events = t
        .get(
            &format!("/api/audit?record_type=claim&record_id={claim}"),
            &auditor,
        )
        .await
        .json();
    let actions: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"create") && actions.contains(&"view") && actions.contains(&"update"),
        "{actions:?}"
    );
    let v = t.get("/api/audit/verify", &auditor).await.json();
    assert_eq!(v["intact"], true, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workflow_on_sqlite_and_no_phi_in_the_database_file() {
    let t = app(Engine::Sqlite, |_| {}).await;
    workflow(&t).await;
    t.state.store.close().await;
    let mut raw = std::fs::read(t.sqlite_file.as_ref().unwrap()).unwrap();
    for wal in ["rcm.sqlite3-wal"] {
        if let Ok(more) = std::fs::read(t.dir.path().join(wal)) {
            raw.extend(more);
        }
    }
    for phi in [
        "Quillfeather",
        "QUILLFEATHER",
        "Rosalind",
        "PHP88812",
        "1971-03-09",
        "ELM STREET",
    ] {
        assert!(
            !raw.windows(phi.len()).any(|w| w == phi.as_bytes()),
            "{phi} found in clear in the database file"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workflow_on_postgresql() {
    let t = app(Engine::Postgres, |_| {}).await;
    workflow(&t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_organizations_records_are_not_found() {
    let t = app(Engine::Sqlite, |_| {}).await;
    let actor = rcm_store::Actor::system("test");
    let other = t
        .state
        .store
        .create_organization(
            &actor,
            &rcm_store::NewOrganization {
                name: "Other".into(),
                npi: None,
                tax_id: None,
            },
        )
        .await
        .unwrap();
    let p = t
        .state
        .store
        .create_patient(
            &actor,
            &rcm_store::PatientData {
                organization_id: other.id,
                last_name: "Elsewhere".into(),
                first_name: "Ada".into(),
                middle_name: None,
                birth_date: jiff::civil::date(1980, 1, 1),
                sex: rcm_store::Sex::Female,
                address: None,
                phone: None,
            },
        )
        .await
        .unwrap();
    let biller = t.token("demo-biller").await;
    let r = t.get(&format!("/api/patients/{}", p.id), &biller).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.text().contains("Elsewhere"));
    let page = t.get(&format!("/patients/{}", p.id), &biller).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_problems_not_server_errors() {
    let t = app(Engine::Sqlite, |c| c.max_body_bytes = 4096).await;
    let biller = t.token("demo-biller").await;
    let broken = t
        .send(
            biller
                .apply(Request::post("/api/patients"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"last_name\": "))
                .unwrap(),
        )
        .await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert!(
        broken.json()["detail"].as_str().unwrap().contains("line 1"),
        "{}",
        broken.text()
    );
    let wrong_type = t
        .send(
            biller
                .apply(Request::post("/api/patients"))
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = t
        .send(
            biller
                .apply(Request::post("/api/patients"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(vec![b' '; 10_000]))
                .unwrap(),
        )
        .await;
    assert_eq!(
        huge.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        huge.text()
    );
    let id = t.get("/api/patients/not-a-number", &biller).await;
    assert_eq!(id.status, StatusCode::NOT_FOUND);
    let long = t
        .get(&format!("/api/codes/search?q={}", "a".repeat(300)), &biller)
        .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing = t.get("/api/nothing-here", &biller).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("content-type"), "application/problem+json");
    let bad_date = t.get("/api/claims?from=2026-13-01", &biller).await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_date.json()["errors"][0]["field"], "from");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_search_and_details_answer_from_the_official_code_set() {
    let t = app(Engine::Sqlite, |_| {}).await;
    let coder = t.token("demo-coder").await;
    let hits = t
        .get("/api/codes/search?q=type%202%20diabetes&limit=5", &coder)
        .await
        .json();
    let codes: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["code"].as_str().unwrap())
        .collect();
    assert!(codes.iter().any(|c| c.starts_with("E11")), "{codes:?}");
    let d = t
        .get("/api/codes/S72.001?date=2026-11-02", &coder)
        .await
        .json();
    assert_eq!(d["billable"], false);
    assert!(
        d["allowed_seventh"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["character"] == "A"),
        "{d}"
    );
    let e = t.get("/api/codes/E11.9", &coder).await.json();
    assert_eq!(e["billable"], true);
    assert!(
        e["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "useAdditionalCode"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administration_and_tokens_through_the_api() {
    let t = app(Engine::Sqlite, |_| {}).await;
    let admin = t.token("demo-admin").await;
    let created = t
        .json(
            "POST",
            "/api/users",
            &admin,
            &json!({"username": "new.coder", "display_name": "New Coder", "password": "long enough password", "roles": ["coder"]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert!(
        !created.text().contains("long enough"),
        "the password is never echoed"
    );
    let dup = t
        .json(
            "POST",
            "/api/users",
            &admin,
            &json!({"username": "new.coder", "display_name": "X", "password": "long enough password", "roles": ["nurse"]}),
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(dup.json()["errors"][0]["field"], "roles[0]");
    let users = t.get("/api/users", &admin).await.json();
    assert!(
        users
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["username"] == "new.coder" && u["roles"] == json!(["coder"]))
    );
    let edi = t.get("/api/settings/edi", &admin).await.json();
    assert_eq!(edi["receiver_id"], "DEMOCLEARING");
    let mut changed = edi.clone();
    changed["contact_phone"] = json!("12");
    let bad = t.json("PUT", "/api/settings/edi", &admin, &changed).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["errors"][0]["field"], "contact_phone");
    changed["contact_phone"] = json!("2175550199");
    assert_eq!(
        t.json("PUT", "/api/settings/edi", &admin, &changed)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        t.get("/api/settings/edi", &admin).await.json()["contact_phone"],
        "2175550199"
    );
    // The new user makes a token through the API with the first one, then revokes the first.
    let user = t
        .state
        .store
        .user_by_username("new.coder")
        .await
        .unwrap()
        .unwrap();
    let (first, text) = t
        .state
        .store
        .create_api_token(&rcm_store::Actor::system("test"), user.id, "first")
        .await
        .unwrap();
    let coder = common::Auth::Token(text);
    let made = t
        .json("POST", "/api/tokens", &coder, &json!({"name": "second"}))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let second = common::Auth::Token(made.json()["token"].as_str().unwrap().to_owned());
    let listed = t.get("/api/tokens", &second).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x.get("token").is_none()),
        "tokens are shown once"
    );
    let revoked = t
        .send(
            second
                .apply(Request::post(format!("/api/tokens/{}/revoke", first.id)))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.get("/api/me", &coder).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(t.get("/api/me", &second).await.status, StatusCode::OK);
    // Encounters of a patient, with their claims.
    let p = t
        .get("/api/patients?limit=1", &t.token("demo-biller").await)
        .await
        .json();
    let id = p["items"][0]["id"].as_i64().unwrap();
    let enc = t
        .get(
            &format!("/api/patients/{id}/encounters"),
            &t.token("demo-biller").await,
        )
        .await;
    assert_eq!(enc.status, StatusCode::OK);
    assert!(enc.json().is_array());
}
