//! The HIPAA technical safeguards as a user meets them: cookies, CSRF, sign-in throttling,
//! automatic logoff, security headers, the audit of sign-ins, and the API's own description.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Auth, Engine, app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_cookie_is_http_only_same_site_and_signs_out_after_inactivity() {
    let t = app(Engine::Sqlite, |c| {
        c.idle_timeout = Duration::from_millis(1500)
    })
    .await;
    let r = t.sign_in("demo-coder", &t.login.password).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = r.header("set-cookie");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    let s = t.session("demo-coder").await;
    let auth = Auth::Session(s);
    assert_eq!(t.get("/claims", &auth).await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(
        t.get("/claims", &auth).await.status,
        StatusCode::OK,
        "activity keeps the session"
    );
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(t.get("/claims", &auth).await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1700)).await;
    let expired = t.get("/claims", &auth).await;
    assert_eq!(expired.status, StatusCode::SEE_OTHER);
    assert!(
        expired.header("location").contains("expired=1"),
        "{}",
        expired.header("location")
    );
    assert_eq!(
        t.get("/api/me", &auth).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_without_the_csrf_token_are_refused() {
    let t = app(Engine::Sqlite, |_| {}).await;
    let s = t.session("demo-biller").await;
    let body = "last_name=Forged&first_name=X&birth_date=1990-01-01&sex=F";
    let forged = t
        .send(
            Request::post("/patients")
                .header(header::COOKIE, &s.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let wrong = t
        .send(
            Request::post("/patients")
                .header(header::COOKIE, &s.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("{body}&_csrf=00{}", &s.csrf[2..])))
                .unwrap(),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let json = t
        .send(
            Request::post("/api/patients")
                .header(header::COOKIE, &s.cookie)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(
        json.status,
        StatusCode::FORBIDDEN,
        "scripts with the cookie need the header too"
    );
    let good = t
        .send(
            Request::post("/patients")
                .header(header::COOKIE, &s.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("{body}&_csrf={}", s.csrf)))
                .unwrap(),
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.text());
    assert!(good.header("location").starts_with("/patients/"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failed_sign_ins_lock_the_account_for_a_while_and_are_audited() {
    let t = app(Engine::Sqlite, |_| {}).await;
    for _ in 0..5 {
        let r = t.sign_in("demo-biller", "wrong password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text().contains("not right"));
    }
    let locked = t.sign_in("demo-biller", &t.login.password).await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(locked.header("retry-after").parse::<u64>().unwrap() > 0);
    assert_eq!(
        t.sign_in("demo-coder", &t.login.password).await.status,
        StatusCode::SEE_OTHER,
        "others are not locked out"
    );
    let events = t
        .state
        .store
        .audit_events(Some("demo-biller"), None, None, 50)
        .await
        .unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "sign-in-failed")
            .count(),
        5
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_security_headers_and_are_not_cached() {
    let t = app(Engine::Sqlite, |_| {}).await;
    let auth = Auth::Session(t.session("demo-biller").await);
    let r = t.get("/patients", &auth).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("cache-control"), "no-store");
    assert_eq!(r.header("x-frame-options"), "DENY");
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert!(
        r.header("content-security-policy")
            .contains("script-src 'self'")
    );
    assert!(
        r.text().contains("Alvarez"),
        "the demo's synthetic patients are listed"
    );
    let health = t.get("/healthz", &Auth::None).await;
    assert_eq!(health.status, StatusCode::OK);
    let login_page = t.get("/login", &Auth::None).await;
    assert_eq!(login_page.status, StatusCode::OK);
    // Values are escaped in pages.
    let created = t
        .json(
            "POST",
            "/api/patients",
            &auth,
            &serde_json::json!({"last_name": "<script>alert(1)</script>", "first_name": "X", "birth_date": "1990-01-01", "sex": "U"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["id"].as_i64().unwrap();
    let page = t.get(&format!("/patients/{id}"), &auth).await.text();
    assert!(!page.contains("<script>alert(1)"), "escaped");
    assert!(page.contains("&lt;script&gt;alert(1)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_every_api_route() {
    let t = app(Engine::Sqlite, |_| {}).await;
    let doc = t.get("/api/openapi.json", &Auth::None).await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for r in rcm_server::routes::ROUTES
        .iter()
        .filter(|r| r.kind == rcm_server::routes::Kind::Api)
    {
        let op = &doc["paths"][r.path][r.method.to_ascii_lowercase()];
        assert!(
            op.is_object(),
            "{} {} missing from the document",
            r.method,
            r.path
        );
    }
    // Every $ref points at a schema that is there.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling $ref {name}"
        );
    }
    // An independent validator (make test installs it into .venv).
    let venv = std::env::var_os("RCM_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv")
        });
    let validator = venv.join("bin/openapi-spec-validator");
    assert!(
        validator.exists(),
        "{} is not installed: run scripts/install-test-tools.sh (make test does)",
        validator.display()
    );
    {
        let path = std::env::temp_dir().join(format!("rcm-openapi-{}.json", std::process::id()));
        std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
        let out = std::process::Command::new(&validator)
            .arg(&path)
            .output()
            .expect("openapi-spec-validator runs");
        let _ = std::fs::remove_file(&path);
        assert!(
            out.status.success(),
            "openapi-spec-validator: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
