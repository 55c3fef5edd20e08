//! Every route of the route table, called by every role and by nobody: allowed exactly when the
//! role's permissions include the route's, denied (403) otherwise, sent to sign in (API: 401,
//! pages: a redirect to /login) when not signed in; never a server error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Auth, Engine, app};
use rcm_server::auth::role_permissions;
use rcm_server::routes::{Access, Kind, ROUTES};
use rcm_store::Role;

fn concrete(path: &str) -> String {
    path.replace("{id}", "1").replace("{code}", "E11.9")
}

fn request(method: &str, path: &str, auth: &Auth, kind: Kind) -> Request<Body> {
    let b = auth.apply(Request::builder().method(method).uri(concrete(path)));
    match (method, kind) {
        ("GET", _) => b.body(Body::empty()).unwrap(),
        (_, Kind::Api) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap(),
        _ => b
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(""))
            .unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_with_every_role() {
    let t = app(Engine::Sqlite, |_| {}).await;
    let mut checked = 0;
    for role in Role::ALL {
        let user = t
            .login
            .users
            .iter()
            .find(|(_, r)| r == role)
            .map(|(u, _)| u.clone())
            .unwrap();
        let auth = Auth::Session(t.session(&user).await);
        for r in ROUTES {
            // Signing out ends the session the rest of the walk uses; it is walked last, below.
            if r.path == "/logout" {
                continue;
            }
            let reply = t.send(request(r.method, r.path, &auth, r.kind)).await;
            let what = format!("{} {} as {}", r.method, r.path, role.as_str());
            assert!(
                reply.status.as_u16() < 500,
                "{what}: {} {}",
                reply.status,
                reply.text()
            );
            match r.access {
                Access::Public => assert!(
                    reply.status != StatusCode::FORBIDDEN
                        && reply.status != StatusCode::UNAUTHORIZED,
                    "{what}: {}",
                    reply.status
                ),
                Access::Signed(p) => {
                    if role_permissions(*role).contains(&p) {
                        assert!(
                            reply.status != StatusCode::FORBIDDEN
                                && reply.status != StatusCode::UNAUTHORIZED,
                            "{what} should be allowed: {} {}",
                            reply.status,
                            reply.text()
                        );
                    } else {
                        assert_eq!(
                            reply.status,
                            StatusCode::FORBIDDEN,
                            "{what} should be denied: {}",
                            reply.text()
                        );
                    }
                }
            }
            checked += 1;
        }
        let out = t.send(request("POST", "/logout", &auth, Kind::Page)).await;
        assert_eq!(
            out.status,
            StatusCode::SEE_OTHER,
            "sign out as {}",
            role.as_str()
        );
        let after = t.get("/api/me", &auth).await;
        assert_eq!(
            after.status,
            StatusCode::UNAUTHORIZED,
            "the session ends at sign-out"
        );
    }
    // Nobody signed in.
    for r in ROUTES {
        let reply = t.send(request(r.method, r.path, &Auth::None, r.kind)).await;
        let what = format!("{} {} anonymous", r.method, r.path);
        assert!(reply.status.as_u16() < 500, "{what}: {}", reply.status);
        match (r.access, r.kind) {
            (Access::Public, _) => assert_ne!(reply.status, StatusCode::UNAUTHORIZED, "{what}"),
            (Access::Signed(_), Kind::Page) => {
                assert_eq!(reply.status, StatusCode::SEE_OTHER, "{what}");
                assert!(
                    reply.header("location").starts_with("/login?next="),
                    "{what}"
                );
            }
            (Access::Signed(_), _) => {
                assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{what}");
                assert_eq!(
                    reply.header("content-type"),
                    "application/problem+json",
                    "{what}"
                );
            }
        }
        checked += 1;
    }
    assert_eq!(
        checked,
        ROUTES.len() * (Role::ALL.len() + 1) - Role::ALL.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_act_for_their_user_and_stop_when_revoked() {
    let t = app(Engine::Sqlite, |_| {}).await;
    let auditor = t.token("demo-auditor").await;
    assert_eq!(t.get("/api/claims", &auditor).await.status, StatusCode::OK);
    let r = t
        .json("POST", "/api/patients", &auditor, &serde_json::json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "auditors change nothing");
    let Auth::Token(tok) = &auditor else {
        unreachable!()
    };
    let user = t
        .state
        .store
        .user_by_username("demo-auditor")
        .await
        .unwrap()
        .unwrap();
    let tokens = t.state.store.api_tokens(user.id).await.unwrap();
    assert!(
        t.state
            .store
            .revoke_api_token(&rcm_store::Actor::system("test"), user.id, tokens[0].id)
            .await
            .unwrap()
    );
    t.state.tokens.clear();
    assert_eq!(
        t.get("/api/claims", &auditor).await.status,
        StatusCode::UNAUTHORIZED
    );
    let last = if tok.ends_with('a') { 'b' } else { 'a' };
    let forged = Auth::Token(format!("{}{last}", &tok[..tok.len() - 1]));
    assert_eq!(
        t.get("/api/claims", &forged).await.status,
        StatusCode::UNAUTHORIZED
    );
}
