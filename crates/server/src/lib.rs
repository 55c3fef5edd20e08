//! `rcm-server`: the multi-user web application and JSON API behind `rcm serve`.
//!
//! Owns HTTP: the route table ([`routes::ROUTES`], which also drives the OpenAPI document and the
//! every-route-every-role test), sign-in, sessions, CSRF, API tokens, throttling, the pages and the
//! API handlers. It holds no business rules of its own: claims are checked by `rcm-edits`, built
//! and written by `rcm-claims`, and stored (encrypted, audited) by `rcm-store`. It must not log PHI:
//! request logs carry the route pattern, never the path's values or a query string.

pub mod api;
pub mod auth;
pub mod coding;
pub mod coordination;
pub mod demo;
pub mod forms;
pub mod openapi;
pub mod pages;
pub mod problem;
pub mod receivables;
pub mod routes;
pub mod service;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};

use auth::{Permission, Principal, SessionLookup, Sessions, Throttle, TokenCache, Via};
use problem::Problem;
use routes::{Access, Kind, RouteSpec};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub data_dir: PathBuf,
    /// Sign out after this long without a request.
    pub idle_timeout: Duration,
    /// Cookies marked Secure (always when serving TLS).
    pub secure_cookies: bool,
    /// The organization this server bills for.
    pub organization_id: i64,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
}

impl ServerConfig {
    pub fn new(data_dir: PathBuf, organization_id: i64) -> ServerConfig {
        ServerConfig {
            data_dir,
            idle_timeout: Duration::from_secs(15 * 60),
            secure_cookies: false,
            organization_id,
            max_body_bytes: 1024 * 1024,
        }
    }
}

pub struct Inner {
    pub store: rcm_store::Store,
    pub coding: coding::Coding,
    pub config: ServerConfig,
    pub sessions: Sessions,
    pub tokens: TokenCache,
    pub throttle: Throttle,
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(store: rcm_store::Store, coding: coding::Coding, config: ServerConfig) -> AppState {
        AppState(Arc::new(Inner {
            sessions: Sessions::new(config.idle_timeout),
            tokens: TokenCache::new(Duration::from_secs(30)),
            throttle: Throttle::new(
                5,
                50,
                Duration::from_secs(15 * 60),
                Duration::from_secs(15 * 60),
            ),
            store,
            coding,
            config,
        }))
    }

    pub fn org(&self) -> i64 {
        self.config.organization_id
    }

    /// The session cookie's name: the `__Host-` prefix (Secure, path /, no domain) when served
    /// over TLS, which a network attacker cannot plant.
    pub fn cookie_name(&self) -> &'static str {
        if self.config.secure_cookies {
            "__Host-rcm_session"
        } else {
            "rcm_session"
        }
    }

    pub fn session_cookie(&self, value: &str) -> String {
        format!(
            "{}={value}; Path=/; HttpOnly; SameSite=Strict{}",
            self.cookie_name(),
            if self.config.secure_cookies {
                "; Secure"
            } else {
                ""
            }
        )
    }

    pub fn clear_cookie(&self) -> String {
        format!(
            "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
            self.cookie_name(),
            if self.config.secure_cookies {
                "; Secure"
            } else {
                ""
            }
        )
    }
}

/// The cookie's value, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn client_ip(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}

/// Who is asking: an API token first, then the session cookie.
pub async fn identify(state: &AppState, headers: &HeaderMap, ip: String) -> Identified {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let Some(token) = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
        else {
            return Identified::Nobody;
        };
        if let Some(user) = state.tokens.get(token) {
            return Identified::Principal(Principal {
                user,
                via: Via::Token,
                ip,
            });
        }
        return match state.store.user_for_api_token(token).await {
            Ok(Some(user)) => {
                state.tokens.put(token, user.clone());
                Identified::Principal(Principal {
                    user,
                    via: Via::Token,
                    ip,
                })
            }
            Ok(None) => Identified::Nobody,
            Err(e) => Identified::Failed(e.into()),
        };
    }
    match cookie(headers, state.cookie_name()) {
        Some(c) => match state.sessions.lookup(c) {
            SessionLookup::Active(user, csrf) => Identified::Principal(Principal {
                user,
                via: Via::Session { csrf },
                ip,
            }),
            SessionLookup::Expired => Identified::Expired,
            SessionLookup::Unknown => Identified::Nobody,
        },
        None => Identified::Nobody,
    }
}

pub enum Identified {
    Principal(Principal),
    Expired,
    Nobody,
    Failed(Problem),
}

#[derive(Clone)]
struct Guard {
    state: AppState,
    access: Access,
    kind: Kind,
    max_body: usize,
}

fn refuse(kind: Kind, status: StatusCode, problem: Problem, path: &str) -> Response {
    match kind {
        Kind::Page if status == StatusCode::UNAUTHORIZED => {
            let expired = problem.kind.ends_with("expired");
            let mut target = format!("/login?next={}", forms::url_encode(path));
            if expired {
                target.push_str("&expired=1");
            }
            Redirect::to(&target).into_response()
        }
        Kind::Page => pages::error_page(&problem),
        _ => problem.into_response(),
    }
}

const CSRF_FIELD: &str = "_csrf";
const CSRF_HEADER: &str = "x-csrf-token";

async fn guard(State(g): State<Guard>, req: Request, next: Next) -> Response {
    let Access::Signed(permission) = g.access else {
        return next.run(req).await;
    };
    let path = req.uri().path().to_owned();
    let ip = client_ip(&req);
    let principal = match identify(&g.state, req.headers(), ip).await {
        Identified::Principal(p) => p,
        Identified::Expired => {
            let mut p = Problem::unauthorized();
            p.kind = "urn:openrcm:problem:session-expired".into();
            p.detail = "you were signed out after a period of inactivity; sign in again".into();
            return refuse(g.kind, StatusCode::UNAUTHORIZED, p, &path);
        }
        Identified::Nobody => {
            return refuse(
                g.kind,
                StatusCode::UNAUTHORIZED,
                Problem::unauthorized(),
                &path,
            );
        }
        Identified::Failed(p) => return refuse(g.kind, p.status(), p, &path),
    };
    if !principal.can(permission) {
        return refuse(g.kind, StatusCode::FORBIDDEN, Problem::forbidden(), &path);
    }
    let mut req = req;
    // Cross-site request forgery: a state-changing request made with the session cookie must
    // carry the session's token, in a header (scripts) or a form field (pages).
    if let Via::Session { csrf } = &principal.via
        && !matches!(*req.method(), Method::GET | Method::HEAD)
    {
        let header_ok = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| auth::same_secret(v, csrf));
        if !header_ok {
            let is_form = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
            let (parts, body) = req.into_parts();
            let bytes = match axum::body::to_bytes(body, g.max_body).await {
                Ok(b) => b,
                Err(_) => {
                    return refuse(
                        g.kind,
                        StatusCode::PAYLOAD_TOO_LARGE,
                        Problem::new(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "too-large",
                            format!("the request is larger than {} bytes", g.max_body),
                        ),
                        &path,
                    );
                }
            };
            let form_ok = if is_form {
                forms::pairs(&bytes)
                    .iter()
                    .any(|(k, v)| k == CSRF_FIELD && auth::same_secret(v, csrf))
            } else {
                multipart_csrf(&parts.headers, bytes.clone())
                    .await
                    .is_some_and(|v| auth::same_secret(&v, csrf))
            };
            if !form_ok {
                let p = Problem::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "this form is out of date or did not come from this application; reload the page and try again",
                );
                return refuse(g.kind, StatusCode::FORBIDDEN, p, &path);
            }
            req = Request::from_parts(parts, Body::from(bytes));
        }
    }
    req.extensions_mut().insert(principal);
    next.run(req).await
}

/// The `_csrf` field of a multipart form (file uploads), when the body is one.
async fn multipart_csrf(headers: &HeaderMap, body: axum::body::Bytes) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if !ct.starts_with("multipart/form-data") {
        return None;
    }
    let boundary = multer::parse_boundary(ct).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(CSRF_FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

/// Security headers on every response; PHI pages and API answers are never cached.
async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".into());
    let method = req.method().clone();
    let started = std::time::Instant::now();
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    if !route.starts_with("/assets/") {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.secure_cookies {
        h.insert(
            "strict-transport-security",
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    tracing::info!(
        method = %method,
        route = %route,
        status = resp.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    resp
}

async fn not_found() -> Response {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "there is no such address; the API is described at /api/openapi.json",
    )
    .into_response()
}

/// The application: every route of [`routes::ROUTES`] behind its guard.
pub fn app(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for spec in routes::ROUTES {
        router = add_route(router, spec, &state);
    }
    let limit = state.config.max_body_bytes;
    router
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(state.clone(), headers))
        .with_state(state)
}

fn add_route(router: Router<AppState>, spec: &RouteSpec, state: &AppState) -> Router<AppState> {
    let max_body = spec.max_body.unwrap_or(state.config.max_body_bytes);
    let g = Guard {
        state: state.clone(),
        access: spec.access,
        kind: spec.kind,
        max_body,
    };
    let mut method_router = (spec.handler)().route_layer(middleware::from_fn_with_state(g, guard));
    if spec.max_body.is_some() {
        method_router = method_router.layer(axum::extract::DefaultBodyLimit::max(max_body));
    }
    router.route(spec.path, method_router)
}

/// Whether a permission is needed by any route (for the role test and the docs).
pub fn permission_used(p: Permission) -> bool {
    routes::ROUTES.iter().any(|r| r.access == Access::Signed(p))
}

/// Serves until Ctrl-C or SIGTERM; TLS with rustls when a certificate and key are given.
pub async fn serve(
    state: AppState,
    listen: SocketAddr,
    tls: Option<(PathBuf, PathBuf)>,
) -> std::io::Result<()> {
    let app = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let handle = axum_server::Handle::new();
    let shutdown = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        shutdown.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    match tls {
        Some((cert, key)) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
                .await
                .map_err(|e| {
                    std::io::Error::new(
                        e.kind(),
                        format!(
                            "cannot read the TLS certificate {} or key {}: {e}",
                            cert.display(),
                            key.display()
                        ),
                    )
                })?;
            axum_server::bind_rustls(listen, config)
                .handle(handle)
                .serve(app)
                .await
        }
        None => axum_server::bind(listen).handle(handle).serve(app).await,
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
