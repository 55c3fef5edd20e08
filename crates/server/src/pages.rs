//! The web application: server-rendered HTML (maud escapes every value), one form per task,
//! errors next to the field, keyboard first. The only script is `assets/app.js`: code search as
//! you type and the scrubber's findings while the claim is edited; every page works without it.

use std::collections::HashMap;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{DOCTYPE, Markup, html};
use rcm_claims::Money;
use rcm_store::{self as store, ClaimStatus, Role};

use crate::AppState;
use crate::api::{self, ClaimQuery, Fields, LineBody};
use crate::auth::{Permission, Principal};
use crate::forms::{self, Form};
use crate::problem::{ApiResult, Problem};
use crate::service::{self, CheckedClaim};

const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");
const ICON: &str = include_str!("../assets/icon.svg");

pub async fn css() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

pub async fn js() -> Response {
    asset(JS, "text/javascript; charset=utf-8")
}

pub async fn icon() -> Response {
    asset(ICON, "image/svg+xml")
}

fn asset(body: &'static str, ct: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    r
}

pub(crate) fn layout(who: Option<&Principal>, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(p) = who {
                    meta name="csrf-token" content=(p.csrf());
                }
                title { (title) " · OpenRCM" }
                link rel="stylesheet" href="/assets/app.css";
                link rel="icon" href="/assets/icon.svg" type="image/svg+xml";
                script src="/assets/app.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/" { "OpenRCM" }
                    @if let Some(p) = who {
                        nav {
                            @if p.can(Permission::ViewPatients) { a href="/patients" accesskey="p" { "Patients" } }
                            @if p.can(Permission::ViewPatients) { a href="/claims" accesskey="c" { "Claims" } }
                            @if p.can(Permission::SubmitClaims) { a href="/batches" accesskey="b" { "Batches" } }
                            @if p.can(Permission::PostPayments) { a href="/payments" accesskey="y" { "Payments" } }
                            @if p.can(Permission::ViewReceivables) { a href="/work-queue" accesskey="w" { "Work queue" } }
                            @if p.can(Permission::ViewReceivables) { a href="/reports" accesskey="r" { "Reports" } }
                            @if p.can(Permission::SearchCodes) { a href="/codes" accesskey="s" { "Code search" } }
                            @if p.can(Permission::ViewAudit) { a href="/audit" { "Audit log" } }
                            @if p.can(Permission::Administer) { a href="/admin" { "Admin" } }
                        }
                        div.who {
                            a href="/account" { (p.user.display_name) }
                            " "
                            span.roles { (p.user.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")) }
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="_csrf" value=(p.csrf());
                                button.link type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

fn page(who: &Principal, title: &str, body: Markup) -> Response {
    html_response(StatusCode::OK, layout(Some(who), title, body))
}

pub(crate) fn html_response(status: StatusCode, m: Markup) -> Response {
    let mut r = (status, m.into_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// A problem shown as a page.
pub fn error_page(p: &Problem) -> Response {
    html_response(
        p.status(),
        layout(
            None,
            p.title,
            html! {
                h1 { (p.title) }
                p.error { (p.detail) }
                @if !p.errors.is_empty() {
                    ul.errors { @for e in &p.errors { li { code { (e.field) } ": " (e.message) } } }
                }
                p { a href="/" { "Back to the dashboard" } }
            },
        ),
    )
}

pub(crate) fn fail(p: Problem) -> Response {
    error_page(&p)
}

pub(crate) fn csrf_field(who: &Principal) -> Markup {
    html! { input type="hidden" name="_csrf" value=(who.csrf()); }
}

/// Field errors by form field name.
type Errors = HashMap<String, String>;

fn field(errors: &Errors, name: &str, label: &str, input: Markup) -> Markup {
    let err = errors.get(name);
    html! {
        label.field.has-error[err.is_some()] for=(name) {
            span.label { (label) }
            (input)
            @if let Some(e) = err { span.field-error role="alert" { (e) } }
        }
    }
}

fn text_input(errors: &Errors, name: &str, label: &str, value: &str, extra: &str) -> Markup {
    let required = extra.contains("required");
    let kind = if extra.contains("date") {
        "date"
    } else {
        "text"
    };
    field(
        errors,
        name,
        label,
        html! { input id=(name) name=(name) type=(kind) value=(value) required[required] aria-invalid=[errors.get(name).map(|_| "true")]; },
    )
}

fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}

// ---------------------------------------------------------------- sign in

#[derive(serde::Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
}

fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn login_markup(next: &str, message: Option<&str>, username: &str) -> Markup {
    layout(
        None,
        "Sign in",
        html! {
            section.narrow {
                h1 { "Sign in" }
                @if let Some(m) = message { p.error role="alert" { (m) } }
                form method="post" action="/login" {
                    input type="hidden" name="next" value=(next);
                    label.field for="username" { span.label { "User name" } input id="username" name="username" autocomplete="username" value=(username) required autofocus; }
                    label.field for="password" { span.label { "Password" } input id="password" name="password" type="password" autocomplete="current-password" required; }
                    button.primary type="submit" { "Sign in" }
                }
            }
        },
    )
}

pub async fn login_form(Query(q): Query<LoginQuery>) -> Response {
    let msg = q
        .expired
        .is_some()
        .then_some("You were signed out after a period of inactivity. Sign in again.");
    html_response(
        StatusCode::OK,
        login_markup(&safe_next(q.next.as_deref()), msg, ""),
    )
}

pub async fn login(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    let ip = crate::client_ip(&req);
    let body = match axum::body::to_bytes(req.into_body(), 16 * 1024).await {
        Ok(b) => b,
        Err(_) => return fail(Problem::bad_request("the sign-in form is too large")),
    };
    let form = Form::parse(&body);
    let username = form.get("username").trim().to_owned();
    let password = form.get("password").to_owned();
    let next = safe_next(Some(form.get("next")));
    if username.is_empty() || password.is_empty() || username.len() > 64 || password.len() > 1024 {
        return html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            login_markup(&next, Some("Enter your user name and password."), &username),
        );
    }
    if let Some(wait) = state.throttle.locked(&username, &ip) {
        let mut r = html_response(
            StatusCode::TOO_MANY_REQUESTS,
            login_markup(
                &next,
                Some(&format!(
                    "Too many failed sign-ins. Try again in {} minute(s), or ask an administrator.",
                    wait.div_ceil(60)
                )),
                &username,
            ),
        );
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    match state.store.sign_in(&username, &password, &ip).await {
        Ok(Some(user)) => {
            state.throttle.succeeded(&username);
            let Some((cookie, _csrf)) = state.sessions.start(user) else {
                return fail(Problem::internal());
            };
            let mut r = redirect(&next);
            if let Ok(v) = HeaderValue::from_str(&state.session_cookie(&cookie)) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Ok(None) => {
            state.throttle.failed(&username, &ip);
            html_response(
                StatusCode::UNAUTHORIZED,
                login_markup(
                    &next,
                    Some("The user name or password is not right."),
                    &username,
                ),
            )
        }
        Err(e) => fail(e.into()),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
) -> Response {
    if let Some(c) = crate::cookie(&headers, state.cookie_name()) {
        state.sessions.end(c);
    }
    let _ = state
        .store
        .append_audit(
            &who.user.username,
            store::AuditAction::SignOut,
            "user",
            &who.user.id.to_string(),
            &who.ip,
            jiff::Timestamp::now(),
        )
        .await;
    let mut r = redirect("/login");
    if let Ok(v) = HeaderValue::from_str(&state.clear_cookie()) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

// ---------------------------------------------------------------- dashboard and account

pub async fn dashboard(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
) -> Response {
    let mut counts = Vec::new();
    if who.can(Permission::ViewPatients) {
        for s in ClaimStatus::ALL {
            let filter = store::ClaimFilter {
                organization_id: state.org(),
                status: Some(*s),
                ..Default::default()
            };
            match state.store.list_claims(&filter, 0, 1).await {
                Ok((_, n)) => counts.push((*s, n)),
                Err(e) => return fail(e.into()),
            }
        }
    }
    let with_errors = if who.can(Permission::ViewPatients) {
        let filter = store::ClaimFilter {
            organization_id: state.org(),
            has_errors: Some(true),
            ..Default::default()
        };
        state
            .store
            .list_claims(&filter, 0, 1)
            .await
            .map(|x| x.1)
            .unwrap_or(0)
    } else {
        0
    };
    page(
        &who,
        "Dashboard",
        html! {
            h1 { "Good day, " (who.user.display_name) }
            @if !counts.is_empty() {
                section.cards {
                    @for (s, n) in &counts {
                        a.card href={ "/claims?status=" (s.as_str()) } { span.count { (n) } span { (s.as_str()) } }
                    }
                    a.card.warn href="/claims?has_errors=true" { span.count { (with_errors) } span { "with scrubber errors" } }
                }
            }
            ul.actions {
                @if who.can(Permission::EditPatients) { li { a href="/patients/new" { "Register a patient" } } }
                @if who.can(Permission::ViewPatients) { li { a href="/patients" { "Find a patient and code an encounter" } } }
                @if who.can(Permission::SubmitClaims) { li { a href="/batches" { "Send ready claims" } } }
                @if who.can(Permission::SearchCodes) { li { a href="/codes" { "Search ICD-10-CM" } } }
                @if who.can(Permission::ViewAudit) { li { a href="/audit" { "Review the audit log" } } }
                @if who.can(Permission::Administer) { li { a href="/admin" { "Users and EDI settings" } } }
            }
        },
    )
}

async fn account_page(
    state: &AppState,
    who: &Principal,
    new_token: Option<&str>,
    error: Option<&str>,
) -> Response {
    let tokens = match state.store.api_tokens(who.user.id).await {
        Ok(t) => t,
        Err(e) => return fail(e.into()),
    };
    page(
        who,
        "Account",
        html! {
            h1 { "Your account" }
            p { "Signed in as " strong { (who.user.username) } " with roles " (who.user.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")) "." }
            p.muted { "You are signed out after " (state.config.idle_timeout.as_secs() / 60) " minutes without activity." }
            h2 { "API tokens" }
            p.muted { "A token acts as you for programs calling the API (" a href="/api/openapi.json" { "OpenAPI" } "). It is shown once." }
            @if let Some(t) = new_token {
                p.notice role="status" { "New token (copy it now): " code id="new-token" { (t) } }
            }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/account/tokens" {
                (csrf_field(who))
                label.field for="token-name" { span.label { "Name" } input id="token-name" name="name" maxlength="100" required placeholder="clearinghouse sync"; }
                button type="submit" { "Create token" }
            }
            table {
                thead { tr { th { "Name" } th { "Created" } th { "State" } th {} } }
                tbody {
                    @for t in &tokens {
                        tr {
                            td { (t.name) }
                            td { (t.created_at.strftime("%Y-%m-%d %H:%M UTC")) }
                            td { @if t.revoked_at.is_some() { "revoked" } @else { "active" } }
                            td {
                                @if t.revoked_at.is_none() {
                                    form.inline method="post" action={ "/account/tokens/" (t.id) "/revoke" } {
                                        (csrf_field(who))
                                        button.link type="submit" { "Revoke" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub async fn account(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
) -> Response {
    account_page(&state, &who, None, None).await
}

pub async fn create_token(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    body: Bytes,
) -> Response {
    let form = Form::parse(&body);
    match state
        .store
        .create_api_token(&who.actor(), who.user.id, form.get("name"))
        .await
    {
        Ok((_, token)) => account_page(&state, &who, Some(&token), None).await,
        Err(store::StoreError::Invalid { reason, .. }) => {
            account_page(&state, &who, None, Some(&format!("Name: {reason}"))).await
        }
        Err(e) => fail(e.into()),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return fail(Problem::not_found("token"));
    };
    match api::revoke(&state, &who, id).await {
        Ok(()) => redirect("/account"),
        Err(p) => fail(p),
    }
}

// ---------------------------------------------------------------- code search

#[derive(serde::Deserialize)]
pub struct CodesQuery {
    q: Option<String>,
    date: Option<String>,
    code: Option<String>,
}

pub async fn codes(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    q: Result<Query<CodesQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = q else {
        return fail(Problem::bad_request("the search address is not readable"));
    };
    let text = q.q.clone().unwrap_or_default();
    let hits = if text.trim().is_empty() {
        Ok(Vec::new())
    } else {
        api::search(
            &state,
            &api::SearchQuery {
                q: text.clone(),
                date: q.date.clone(),
                limit: Some(25),
                billable: None,
            },
        )
    };
    let detail = q
        .code
        .as_deref()
        .map(|c| api::detail(&state, c, q.date.as_deref()));
    page(
        &who,
        "Code search",
        html! {
            h1 { "ICD-10-CM code search" }
            form.search method="get" action="/codes" {
                input.code-search id="code-search" name="q" value=(text) autofocus autocomplete="off" placeholder="words, abbreviations or a code: chf, type 2 diabetes, S72.001" aria-label="Search";
                input type="date" name="date" value=(q.date.clone().unwrap_or_default()) aria-label="Date of service";
                button type="submit" { "Search" }
            }
            @match &hits {
                Err(p) => p.error { (p.detail) },
                Ok(h) => {
                    @if !h.is_empty() {
                        table.hits {
                            thead { tr { th { "Code" } th { "Title" } th { "Status" } th { "Why" } } }
                            tbody {
                                @for hit in h {
                                    tr {
                                        td { a href={ "/codes?code=" (forms::url_encode(&hit.code)) "&q=" (forms::url_encode(&text)) } { code { (hit.code) } } }
                                        td { (hit.title) }
                                        td { (status_label(hit.billable, hit.needs_seventh.as_deref())) }
                                        td.muted { (hit.why.join("; ")) }
                                    }
                                }
                            }
                        }
                    } @else if !text.trim().is_empty() {
                        p { "No code matches." }
                    }
                }
            }
            @if let Some(d) = detail {
                (code_detail_markup(d))
            }
        },
    )
}

fn status_label(billable: bool, seventh: Option<&str>) -> String {
    match (billable, seventh) {
        (true, _) => "billable".into(),
        (false, Some(s)) => format!("needs 7th: {s}"),
        (false, None) => "header".into(),
    }
}

fn code_detail_markup(d: ApiResult<api::CodeDetail>) -> Markup {
    match d {
        Err(p) => html! { p.error { (p.detail) } },
        Ok(d) => html! {
            section.detail {
                h2 { code { (d.code.clone().unwrap_or(d.input.clone())) } " " (d.title.clone().unwrap_or_default()) }
                p.{ @if d.billable { "ok" } @else { "error" } } { (d.message) }
                @if !d.allowed_seventh.is_empty() {
                    h3 { "7th characters" }
                    ul { @for s in &d.allowed_seventh { li { code { (s.character) } " " (s.meaning) } } }
                }
                @if !d.notes.is_empty() {
                    h3 { "Notes (with where they come from)" }
                    ul.notes { @for n in &d.notes { li { span.tag { (n.kind) } " " (n.text) " " span.muted { "(" (n.source) ")" } } } }
                }
                @if !d.suggestions.is_empty() {
                    h3 { "Codes to consider" }
                    ul { @for s in &d.suggestions { li { code { (s.code) } " " (s.title) } } }
                }
                p.muted { "Version " (d.version) }
            }
        },
    }
}

// ---------------------------------------------------------------- patients

pub async fn patients(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    RawQuery(raw): RawQuery,
) -> Response {
    let f = Form::parse(raw.as_deref().unwrap_or("").as_bytes());
    let offset = f.id("offset").unwrap_or(0).max(0);
    const PAGE: i64 = 25;
    let searching = f.opt("last_name").is_some() || f.opt("birth_date").is_some();
    let mut search_error = None;
    let (rows, total) = if searching {
        let mut fields = Fields::default();
        let last = fields.text("last_name", f.get("last_name"), 60);
        let dob = fields.date("birth_date", f.get("birth_date"));
        match (dob, fields.0.is_empty()) {
            (Some(d), true) => match state
                .store
                .find_patients(&who.actor(), state.org(), &last, d)
                .await
            {
                Ok(found) => {
                    let n = found.len() as i64;
                    (
                        found
                            .into_iter()
                            .map(|patient| store::PatientRow {
                                patient,
                                encounters: -1,
                            })
                            .collect(),
                        n,
                    )
                }
                Err(e) => return fail(e.into()),
            },
            _ => {
                search_error = Some("Give the last name and the date of birth (YYYY-MM-DD).");
                (Vec::new(), 0)
            }
        }
    } else {
        match state
            .store
            .patients_page(&who.actor(), state.org(), offset, PAGE)
            .await
        {
            Ok(x) => x,
            Err(e) => return fail(e.into()),
        }
    };
    page(
        &who,
        "Patients",
        html! {
            h1 { "Patients" }
            @if who.can(Permission::EditPatients) { p { a.button href="/patients/new" accesskey="n" { "Register a patient" } } }
            form.filters method="get" action="/patients" role="search" {
                label { "Last name " input name="last_name" value=(f.get("last_name")) autocomplete="off"; }
                label { "Date of birth " input type="date" name="birth_date" value=(f.get("birth_date")); }
                button type="submit" { "Find" }
                @if searching { a href="/patients" { "Show all" } }
            }
            @if let Some(e) = search_error { p.error role="alert" { (e) } }
            @if searching && search_error.is_none() && rows.is_empty() { p { "No patient with that last name and date of birth." } }
            table {
                thead { tr { th { "#" } th { "Name" } th { "Born" } th { "Sex" } th { "Encounters" } } }
                tbody {
                    @for r in &rows {
                        tr {
                            td { (r.patient.id) }
                            td { a href={ "/patients/" (r.patient.id) } { (r.patient.data.last_name) ", " (r.patient.data.first_name) } }
                            td { (r.patient.data.birth_date) }
                            td { (r.patient.data.sex.as_str()) }
                            td { @if r.encounters >= 0 { (r.encounters) } }
                        }
                    }
                }
            }
            @if !searching { (pager("/patients?", offset, PAGE, total)) }
        },
    )
}

fn pager(base: &str, offset: i64, page: i64, total: i64) -> Markup {
    html! {
        nav.pager {
            span { (if total == 0 { 0 } else { offset + 1 }) "–" ((offset + page).min(total)) " of " (total) }
            @if offset > 0 { a href={ (base) "offset=" ((offset - page).max(0)) } rel="prev" { "← Previous" } }
            @if offset + page < total { a href={ (base) "offset=" (offset + page) } rel="next" { "Next →" } }
        }
    }
}

fn patient_form(who: &Principal, errors: &Errors, f: &Form) -> Markup {
    html! {
        form.grid method="post" action="/patients" {
            (csrf_field(who))
            (text_input(errors, "last_name", "Last name", f.get("last_name"), "required"))
            (text_input(errors, "first_name", "First name", f.get("first_name"), "required"))
            (text_input(errors, "middle_name", "Middle name", f.get("middle_name"), ""))
            (text_input(errors, "birth_date", "Date of birth", f.get("birth_date"), "required date"))
            (field(errors, "sex", "Sex", html! {
                select id="sex" name="sex" required {
                    option value="" { "—" }
                    @for (v, l) in [("F", "Female"), ("M", "Male"), ("U", "Unknown")] {
                        option value=(v) selected[f.get("sex") == v] { (l) }
                    }
                }
            }))
            (text_input(errors, "phone", "Phone", f.get("phone"), ""))
            (text_input(errors, "address.line1", "Address", f.get("address.line1"), ""))
            (text_input(errors, "address.line2", "Address line 2", f.get("address.line2"), ""))
            (text_input(errors, "address.city", "City", f.get("address.city"), ""))
            (text_input(errors, "address.state", "State", f.get("address.state"), ""))
            (text_input(errors, "address.postal_code", "ZIP", f.get("address.postal_code"), ""))
            div.actions { button.primary type="submit" { "Register patient" } }
        }
    }
}

pub async fn new_patient(Extension(who): Extension<Principal>) -> Response {
    page(
        &who,
        "New patient",
        html! { h1 { "Register a patient" } (patient_form(&who, &Errors::new(), &Form::parse(b""))) },
    )
}

fn errors_of(p: &Problem) -> Errors {
    p.errors
        .iter()
        .map(|e| (e.field.clone(), e.message.clone()))
        .collect()
}

pub async fn create_patient(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    body: Bytes,
) -> Response {
    let f = Form::parse(&body);
    let address = f.opt("address.line1").map(|line1| api::AddressBody {
        line1,
        line2: f.opt("address.line2"),
        city: f.get("address.city").to_owned(),
        state: f.get("address.state").to_owned(),
        postal_code: f.get("address.postal_code").to_owned(),
    });
    let b = api::PatientBody {
        last_name: f.get("last_name").to_owned(),
        first_name: f.get("first_name").to_owned(),
        middle_name: f.opt("middle_name"),
        birth_date: f.get("birth_date").to_owned(),
        sex: f.get("sex").to_owned(),
        address,
        phone: f.opt("phone"),
    };
    let result = match b.parse(state.org()) {
        Ok(data) => state
            .store
            .create_patient(&who.actor(), &data)
            .await
            .map_err(Problem::from),
        Err(p) => Err(p),
    };
    match result {
        Ok(p) => redirect(&format!("/patients/{}", p.id)),
        Err(p) if !p.errors.is_empty() => html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            layout(
                Some(&who),
                "New patient",
                html! {
                    h1 { "Register a patient" }
                    p.error role="alert" { "Please correct the fields marked below." }
                    (patient_form(&who, &errors_of(&p), &f))
                },
            ),
        ),
        Err(p) => fail(p),
    }
}

async fn patient_page(
    state: &AppState,
    who: &Principal,
    id: i64,
    errors: &Errors,
    form: &Form,
    status: StatusCode,
) -> Response {
    let actor = who.actor();
    let p = match service::patient(state, &actor, id).await {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let (coverages, encounters, reference) = match (
        state.store.coverages(&actor, id).await,
        state.store.encounters_of_patient(id).await,
        api::reference_data(state).await,
    ) {
        (Ok(c), Ok(e), Ok(r)) => (c, e, r),
        (Err(e), _, _) | (_, Err(e), _) => return fail(e.into()),
        (_, _, Err(p)) => return fail(p),
    };
    let payer_name = |pid: i64| {
        reference
            .payers
            .iter()
            .find(|x| x.id == pid)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let d = &p.data;
    let today = crate::coding::today().to_string();
    html_response(
        status,
        layout(
            Some(who),
            "Patient",
            html! {
                h1 { (d.last_name) ", " (d.first_name) @if let Some(m) = &d.middle_name { " " (m) } }
                p.muted { "Patient #" (p.id) " · born " (d.birth_date) " · sex " (d.sex.as_str())
                    @if let Some(a) = &d.address { " · " (a.line1) ", " (a.city) " " (a.state) " " (a.postal_code) } }
                @if who.can(Permission::ViewReceivables) {
                    p { a href={ "/patients/" (id) "/statement.pdf" } download { "Patient statement (PDF)" } }
                }
                h2 { "Coverages" }
                @if coverages.is_empty() { p.warn { "No coverage yet: add the patient's insurance before coding a claim." } }
                table {
                    thead { tr { th { "Order" } th { "Payer" } th { "Member id" } th { "Subscriber" } th { "Effective" } } }
                    tbody { @for c in &coverages { tr {
                        td { (match c.data.order { 1 => "primary", 2 => "secondary", _ => "tertiary" }) }
                        td { (payer_name(c.data.payer_id)) }
                        td { (c.data.member_id) }
                        td { (c.data.subscriber_last_name) ", " (c.data.subscriber_first_name) " (" (c.data.relationship.as_str()) ")" }
                        td { (c.data.effective_from) " – " (c.data.effective_to.map(|x| x.to_string()).unwrap_or_default()) }
                    } } }
                }
                @if who.can(Permission::EditPatients) {
                    details open[coverages.is_empty() || errors.keys().any(|k| k.starts_with("cov."))] {
                        summary { "Add a coverage" }
                        form.grid method="post" action={ "/patients/" (p.id) "/coverages" } {
                            (csrf_field(who))
                            (field(errors, "cov.payer_id", "Payer", html! { select id="cov.payer_id" name="cov.payer_id" required {
                                @for py in &reference.payers { option value=(py.id) selected[form.get("cov.payer_id") == py.id.to_string()] { (py.name) " (" (py.payer_code) ")" } }
                            } }))
                            (field(errors, "cov.order", "Order", html! { select id="cov.order" name="cov.order" {
                                option value="1" { "primary" } option value="2" selected[form.get("cov.order") == "2"] { "secondary" } option value="3" selected[form.get("cov.order") == "3"] { "tertiary" }
                            } }))
                            (text_input(errors, "cov.member_id", "Member id", form.get("cov.member_id"), "required"))
                            (text_input(errors, "cov.group_number", "Group number", form.get("cov.group_number"), ""))
                            (field(errors, "cov.relationship", "Patient is the subscriber's", html! { select id="cov.relationship" name="cov.relationship" {
                                @for (v, l) in [("self", "self (patient is the subscriber)"), ("spouse", "spouse"), ("child", "child"), ("other", "other")] {
                                    option value=(v) selected[form.get("cov.relationship") == v] { (l) }
                                }
                            } }))
                            (text_input(errors, "cov.subscriber_last_name", "Subscriber last name (if not self)", form.get("cov.subscriber_last_name"), ""))
                            (text_input(errors, "cov.subscriber_first_name", "Subscriber first name", form.get("cov.subscriber_first_name"), ""))
                            (text_input(errors, "cov.subscriber_birth_date", "Subscriber date of birth", form.get("cov.subscriber_birth_date"), "date"))
                            (text_input(errors, "cov.effective_from", "Effective from", if form.get("cov.effective_from").is_empty() { "" } else { form.get("cov.effective_from") }, "required date"))
                            (text_input(errors, "cov.effective_to", "Effective to", form.get("cov.effective_to"), "date"))
                            div.actions { button type="submit" { "Add coverage" } }
                        }
                    }
                }
                h2 { "Encounters" }
                table {
                    thead { tr { th { "Date of service" } th { "Place" } th { "Claim" } } }
                    tbody { @for (eid, date, pos, claim) in &encounters { tr {
                        td { a href={ "/encounters/" (eid) } { (date) } }
                        td { (pos) }
                        td { @if let Some(c) = claim { a href={ "/claims/" (c) } { "claim #" (c) } } @else { "not coded" } }
                    } } }
                }
                @if who.can(Permission::CodeClaims) && !coverages.is_empty() {
                    details open[errors.keys().any(|k| k.starts_with("enc."))] {
                        summary { "Start an encounter" }
                        form.grid method="post" action={ "/patients/" (p.id) "/encounters" } {
                            (csrf_field(who))
                            (text_input(errors, "enc.service_date", "Date of service", if form.get("enc.service_date").is_empty() { &today } else { form.get("enc.service_date") }, "required date"))
                            (text_input(errors, "enc.place_of_service", "Place of service", if form.get("enc.place_of_service").is_empty() { "11" } else { form.get("enc.place_of_service") }, "required"))
                            (field(errors, "enc.billing_provider_id", "Billing provider", html! { select id="enc.billing_provider_id" name="enc.billing_provider_id" {
                                @for b in &reference.billing_providers { option value=(b.id) { (b.name) " (NPI " (b.npi) ")" } }
                            } }))
                            (field(errors, "enc.rendering_provider_id", "Rendering provider", html! { select id="enc.rendering_provider_id" name="enc.rendering_provider_id" {
                                option value="" { "— same as billing —" }
                                @for r in &reference.rendering_providers { option value=(r.id) { (r.name) " (NPI " (r.npi) ")" } }
                            } }))
                            (field(errors, "enc.notes", "Notes", html! { textarea id="enc.notes" name="enc.notes" rows="3" maxlength="10000" { (form.get("enc.notes")) } }))
                            div.actions { button.primary type="submit" { "Start encounter and code it" } }
                        }
                    }
                }
            },
        ),
    )
}

pub async fn patient(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return fail(Problem::not_found("patient"));
    };
    patient_page(
        &state,
        &who,
        id,
        &Errors::new(),
        &Form::parse(b""),
        StatusCode::OK,
    )
    .await
}

fn prefixed(p: &Problem, prefix: &str) -> Errors {
    p.errors
        .iter()
        .map(|e| (format!("{prefix}{}", e.field), e.message.clone()))
        .collect()
}

pub async fn add_coverage(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    body: Bytes,
) -> Response {
    let Ok(Path(id)) = id else {
        return fail(Problem::not_found("patient"));
    };
    let f = Form::parse(&body);
    let b = api::CoverageBody {
        payer_id: f.id("cov.payer_id").unwrap_or(0),
        order: f.id("cov.order").unwrap_or(1),
        member_id: f.get("cov.member_id").to_owned(),
        group_number: f.opt("cov.group_number"),
        relationship: f.get("cov.relationship").to_owned(),
        subscriber_last_name: f.opt("cov.subscriber_last_name"),
        subscriber_first_name: f.opt("cov.subscriber_first_name"),
        subscriber_birth_date: f.opt("cov.subscriber_birth_date"),
        effective_from: f.get("cov.effective_from").to_owned(),
        effective_to: f.opt("cov.effective_to"),
    };
    match api::add_coverage(&state, &who, id, &b).await {
        Ok(_) => redirect(&format!("/patients/{id}")),
        Err(p) if !p.errors.is_empty() => {
            patient_page(
                &state,
                &who,
                id,
                &prefixed(&p, "cov."),
                &f,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(p) => fail(p),
    }
}

pub async fn add_encounter(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    body: Bytes,
) -> Response {
    let Ok(Path(id)) = id else {
        return fail(Problem::not_found("patient"));
    };
    let f = Form::parse(&body);
    let b = api::EncounterBody {
        patient_id: id,
        billing_provider_id: f.id("enc.billing_provider_id").unwrap_or(0),
        rendering_provider_id: f.id("enc.rendering_provider_id"),
        service_date: f.get("enc.service_date").to_owned(),
        place_of_service: f.get("enc.place_of_service").to_owned(),
        notes: f.opt("enc.notes"),
    };
    match api::start_encounter(&state, &who, &b).await {
        Ok(e) => redirect(&format!("/encounters/{}", e.id)),
        Err(p) if !p.errors.is_empty() => {
            patient_page(
                &state,
                &who,
                id,
                &prefixed(&p, "enc."),
                &f,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(p) => fail(p),
    }
}

// ---------------------------------------------------------------- coding a claim

/// What the claim editor shows.
struct Editor<'a> {
    action: String,
    encounter: &'a store::Encounter,
    coverages: &'a [store::Coverage],
    payers: &'a [api::PayerOut],
    coverage_id: i64,
    version: Option<i64>,
    /// Twelve slots, as typed.
    diagnoses: Vec<String>,
    lines: Vec<LineBody>,
    errors: Errors,
    editable: bool,
    claim_id: Option<i64>,
    /// A draft (not yet ready): the findings say what to do next.
    draft: bool,
}

/// Maps a problem's or a finding's field path to the editor's input name.
fn editor_field(path: &str) -> Option<String> {
    let path = path.strip_prefix("claim.").unwrap_or(path);
    if let Some(rest) = path.strip_prefix("diagnoses[") {
        let i: usize = rest.split(']').next()?.parse().ok()?;
        return Some(format!("dx{}", i + 1));
    }
    if let Some(rest) = path.strip_prefix("lines[") {
        let (i, tail) = rest.split_once(']')?;
        let row = i.parse::<usize>().ok()? + 1;
        let col = match tail
            .trim_start_matches('.')
            .split(['.', '['])
            .next()
            .unwrap_or("")
        {
            "procedure" | "procedure_code" => "code",
            "modifiers" => "mod",
            "charge" => "charge",
            "units" => "units",
            "diagnosis_pointers" => "ptr",
            "date_of_service" | "service_date" => "date",
            _ => "code",
        };
        return Some(format!("line{row}_{col}"));
    }
    None
}

fn editor_markup(who: &Principal, e: &Editor, findings: Option<&api::Findings>) -> Markup {
    let rows = (e.lines.len() + 3).clamp(4, forms::MAX_FORM_LINES);
    let dos = e.encounter.data.service_date.to_string();
    let ro = !e.editable;
    html! {
        form.claim id="claim-form" method="post" action=(e.action) data-encounter=(e.encounter.id) data-date=(dos) {
            (csrf_field(who))
            @if let Some(v) = e.version { input type="hidden" name="version" value=(v); }
            (field(&e.errors, "coverage_id", "Bill to", html! {
                select id="coverage_id" name="coverage_id" disabled[ro] {
                    @for c in e.coverages {
                        option value=(c.id) selected[c.id == e.coverage_id] {
                            (match c.data.order { 1 => "Primary: ", 2 => "Secondary: ", _ => "Tertiary: " })
                            (e.payers.iter().find(|p| p.id == c.data.payer_id).map(|p| p.name.as_str()).unwrap_or("payer"))
                            " · member " (c.data.member_id)
                        }
                    }
                }
            }))
            fieldset.diagnoses {
                legend { "Diagnoses (ICD-10-CM, principal first) — type words or a code; ↓ ↑ Enter to pick" }
                div.dx-grid {
                    @for i in 0..forms::MAX_FORM_DIAGNOSES {
                        @let name = format!("dx{}", i + 1);
                        label.dx.has-error[e.errors.contains_key(&name)] for=(name) {
                            span.ptr { (char::from(b'A' + i as u8)) }
                            input.code-search id=(name) name=(name) value=(e.diagnoses.get(i).map(String::as_str).unwrap_or("")) autocomplete="off" readonly[ro] data-search="dx" aria-label={ "Diagnosis " (char::from(b'A' + i as u8)) };
                            @if let Some(err) = e.errors.get(&name) { span.field-error role="alert" { (err) } }
                        }
                    }
                }
                div.code-notes id="code-notes" aria-live="polite" {}
            }
            fieldset.lines {
                legend { "Service lines" }
                table.lines {
                    thead { tr { th { "#" } th { "CPT/HCPCS" } th { "Modifiers" } th { "Charge $" } th { "Units" } th { "Dx pointers" } th { "Date" } } }
                    tbody {
                        @for r in 1..=rows {
                            @let l = e.lines.get(r - 1);
                            @let cell = |col: &str| format!("line{r}_{col}");
                            tr.has-error[["code","mod","charge","units","ptr","date"].iter().any(|c| e.errors.contains_key(&cell(c)))] {
                                td { (r) }
                                td { input name=(cell("code")) value=(l.map(|l| l.procedure_code.as_str()).unwrap_or("")) size="7" readonly[ro] aria-label={ "Line " (r) " procedure" }; }
                                td { input name=(cell("mod")) value=(l.map(|l| l.modifiers.join(" ")).unwrap_or_default()) size="8" readonly[ro] aria-label={ "Line " (r) " modifiers" }; }
                                td { input name=(cell("charge")) value=(l.map(|l| l.charge.0.as_str()).unwrap_or("")) size="8" inputmode="decimal" readonly[ro] aria-label={ "Line " (r) " charge" }; }
                                td { input name=(cell("units")) value=(l.map(|l| l.units.0.as_str()).unwrap_or("")) size="4" inputmode="decimal" readonly[ro] aria-label={ "Line " (r) " units" }; }
                                td { input name=(cell("ptr")) value=(l.map(|l| l.diagnosis_pointers.iter().map(|p| char::from(b'A' + p.saturating_sub(1)).to_string()).collect::<Vec<_>>().join(",")).unwrap_or_default()) size="7" placeholder="A,B" readonly[ro] aria-label={ "Line " (r) " diagnosis pointers" }; }
                                td { input name=(cell("date")) type="date" value=(l.and_then(|l| l.service_date.clone()).unwrap_or_else(|| if l.is_some() { dos.clone() } else { String::new() })) readonly[ro] aria-label={ "Line " (r) " date" }; }
                            }
                            @for c in ["code","mod","charge","units","ptr","date"] {
                                @if let Some(err) = e.errors.get(&cell(c)) { tr.row-error { td {} td colspan="6" { span.field-error role="alert" { "Line " (r) ": " (err) } } } }
                            }
                        }
                    }
                }
            }
            @if e.editable {
                div.actions {
                    button.primary id="save-claim" type="submit" accesskey="s" { "Save and scrub" }
                    span.muted { "Alt+S saves. Findings update as you type." }
                }
            }
        }
        section.findings id="findings" aria-live="polite" {
            (findings_markup(findings, e.claim_id.is_some(), e.draft))
        }
    }
}

fn findings_markup(f: Option<&api::Findings>, saved: bool, draft: bool) -> Markup {
    html! {
        h2 { "Scrubber findings" }
        @match f {
            None => p.muted { "Save the claim to scrub it." },
            Some(f) if f.findings.is_empty() => p.ok { "Clean: no finding." @if saved && draft { " Mark it ready when coding is complete." } },
            Some(f) => {
                p { strong { (f.errors) " error(s)" } ", " (f.warnings) " other finding(s)." }
                ul.findings {
                    @for x in &f.findings {
                        li.{ "sev-" (x.severity) } data-fields=(x.fields.iter().filter_map(|p| editor_field(p)).collect::<Vec<_>>().join(" ")) {
                            span.sev { (x.severity) }
                            " " (x.message)
                            @if let Some(n) = &x.next_step { br; span.next { "→ " (n) } }
                            " " code.muted { (x.id) }
                        }
                    }
                }
            }
        }
    }
}

async fn editor_context(
    state: &AppState,
    who: &Principal,
    encounter_id: i64,
) -> ApiResult<(
    store::Encounter,
    store::Patient,
    Vec<store::Coverage>,
    api::Reference,
)> {
    let actor = who.actor();
    let enc = service::encounter(state, &actor, encounter_id).await?;
    let patient = service::patient(state, &actor, enc.data.patient_id).await?;
    let coverages = state.store.coverages(&actor, patient.id).await?;
    let reference = api::reference_data(state).await?;
    Ok((enc, patient, coverages, reference))
}

fn encounter_header(patient: &store::Patient, enc: &store::Encounter) -> Markup {
    html! {
        p.crumbs {
            a href={ "/patients/" (patient.id) } { (patient.data.last_name) ", " (patient.data.first_name) }
            " · born " (patient.data.birth_date) " · " (patient.data.sex.as_str())
            " · encounter #" (enc.id) " on " (enc.data.service_date) " (POS " (enc.data.place_of_service) ")"
        }
        @if let Some(n) = &enc.data.notes { blockquote.note { (n) } }
    }
}

pub async fn encounter(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return fail(Problem::not_found("encounter"));
    };
    match state.store.claim_id_for_encounter(id).await {
        Ok(Some(c)) => return redirect(&format!("/claims/{c}")),
        Ok(None) => {}
        Err(e) => return fail(e.into()),
    }
    let (enc, patient, coverages, reference) = match editor_context(&state, &who, id).await {
        Ok(x) => x,
        Err(p) => return fail(p),
    };
    let editor = Editor {
        action: format!("/encounters/{id}/claim"),
        encounter: &enc,
        coverages: &coverages,
        payers: &reference.payers,
        coverage_id: coverages.first().map(|c| c.id).unwrap_or(0),
        version: None,
        diagnoses: Vec::new(),
        lines: Vec::new(),
        errors: Errors::new(),
        editable: who.can(Permission::CodeClaims),
        claim_id: None,
        draft: true,
    };
    page(
        &who,
        "Code encounter",
        html! {
            h1 { "Code the encounter" }
            (encounter_header(&patient, &enc))
            (editor_markup(&who, &editor, None))
        },
    )
}

/// Reads the editor's form; problems come back keyed by input name.
fn read_editor(
    f: &Form,
    dos: jiff::civil::Date,
) -> (
    Vec<String>,
    Vec<LineBody>,
    Result<store::ClaimContent, Errors>,
) {
    let (dx, lines, pointer_errors) = forms::claim_fields(f);
    let coverage = f.id("coverage_id").unwrap_or(0);
    let parsed = api::parse_content(coverage, Some("1"), &dx, &lines, dos);
    let mut errors: Errors = pointer_errors.into_iter().collect();
    let result = match parsed {
        Ok(c) if errors.is_empty() => Ok(c),
        Ok(_) => Err(errors),
        Err(p) => {
            for e in &p.errors {
                let name = editor_field(&e.field).unwrap_or_else(|| e.field.clone());
                errors.entry(name).or_insert_with(|| e.message.clone());
            }
            if errors.is_empty() {
                errors.insert("form".into(), p.detail);
            }
            Err(errors)
        }
    };
    (dx, lines, result)
}

pub async fn create_claim(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    body: Bytes,
) -> Response {
    let Ok(Path(id)) = id else {
        return fail(Problem::not_found("encounter"));
    };
    let (enc, patient, coverages, reference) = match editor_context(&state, &who, id).await {
        Ok(x) => x,
        Err(p) => return fail(p),
    };
    let f = Form::parse(&body);
    let (dx, lines, parsed) = read_editor(&f, enc.data.service_date);
    let errors = match parsed {
        Ok(content) => match service::create_claim(&state, &who.actor(), id, content).await {
            Ok(c) => return redirect(&format!("/claims/{}", c.claim.id)),
            Err(p) if !p.errors.is_empty() => errors_of(&p),
            Err(p) => return fail(p),
        },
        Err(e) => e,
    };
    let editor = Editor {
        action: format!("/encounters/{id}/claim"),
        encounter: &enc,
        coverages: &coverages,
        payers: &reference.payers,
        coverage_id: f.id("coverage_id").unwrap_or(0),
        version: None,
        diagnoses: dx,
        lines,
        errors,
        editable: true,
        claim_id: None,
        draft: true,
    };
    html_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        layout(
            Some(&who),
            "Code encounter",
            html! {
                h1 { "Code the encounter" }
                (encounter_header(&patient, &enc))
                p.error role="alert" { "The claim was not saved: correct the fields marked below." }
                (editor_markup(&who, &editor, None))
            },
        ),
    )
}

pub(crate) async fn claim_page(
    state: &AppState,
    who: &Principal,
    checked: &CheckedClaim,
    form: Option<(&Form, Errors)>,
    notice: Option<Markup>,
    status: StatusCode,
) -> Response {
    let actor = who.actor();
    let claim = &checked.claim;
    let (coverages, reference, history) = match (
        state
            .store
            .coverages(&actor, checked.records.patient.id)
            .await,
        api::reference_data(state).await,
        api::history(state, who, claim.id).await,
    ) {
        (Ok(c), Ok(r), Ok(h)) => (c, r, h),
        (Err(e), _, _) => return fail(e.into()),
        (_, Err(p), _) | (_, _, Err(p)) => return fail(p),
    };
    let money = match state.store.claim_money(state.org(), claim.id).await {
        Ok(m) => m,
        Err(e) => return fail(e.into()),
    };
    let editable = claim.status.is_editable() && who.can(Permission::CodeClaims);
    let (diagnoses, lines, errors, coverage_id) = match form {
        Some((f, errors)) => {
            let (dx, lines, _) = forms::claim_fields(f);
            (
                dx,
                lines,
                errors,
                f.id("coverage_id").unwrap_or(claim.content.coverage_id),
            )
        }
        None => (
            claim.content.diagnoses.iter().map(|d| dotted(d)).collect(),
            claim.content.lines.iter().map(api::line_out).collect(),
            // The scrubber's errors, next to the fields they name.
            checked
                .report
                .findings
                .iter()
                .filter(|f| f.severity == rcm_edits::Severity::Error)
                .flat_map(|f| {
                    f.fields
                        .iter()
                        .filter_map(|p| editor_field(p))
                        .map(|name| (name, f.message.clone()))
                })
                .collect(),
            claim.content.coverage_id,
        ),
    };
    let findings = api::Findings::from(&checked.report);
    let editor = Editor {
        action: format!("/claims/{}", claim.id),
        encounter: &checked.records.encounter,
        coverages: &coverages,
        payers: &reference.payers,
        coverage_id,
        version: Some(claim.version),
        diagnoses,
        lines,
        errors,
        editable,
        claim_id: Some(claim.id),
        draft: claim.status == ClaimStatus::Draft,
    };
    html_response(
        status,
        layout(
            Some(who),
            "Claim",
            html! {
                h1 { "Claim #" (claim.id) " " span.status.{ "st-" (claim.status.as_str()) } { (claim.status.as_str()) } }
                (encounter_header(&checked.records.patient, &checked.records.encounter))
                p.muted { "Total " strong { "$" (Money(claim.total_charge_cents).to_plain()) } " · version " (claim.version) " · saved by " (claim.updated_by) " · PCN " (crate::coding::patient_control_number(claim.id)) }
                @if let Some(n) = notice { (n) }
                (editor_markup(who, &editor, Some(&findings)))
                @if who.can(Permission::CodeClaims) {
                    section.status-actions {
                        h2 { "Status" }
                        @for (to, label, needs) in [(ClaimStatus::Ready, "Mark ready to send", ClaimStatus::Draft), (ClaimStatus::Draft, "Back to draft", ClaimStatus::Ready)] {
                            @if claim.status == needs || (to == ClaimStatus::Draft && matches!(claim.status, ClaimStatus::Rejected | ClaimStatus::Denied)) {
                                form.inline method="post" action={ "/claims/" (claim.id) "/status" } {
                                    (csrf_field(who))
                                    input type="hidden" name="version" value=(claim.version);
                                    input type="hidden" name="status" value=(to.as_str());
                                    button.primary[to == ClaimStatus::Ready] type="submit" disabled[to == ClaimStatus::Ready && findings.errors > 0] { (label) }
                                }
                            }
                        }
                        @if claim.status.can_move_to(ClaimStatus::Void) {
                            form.inline method="post" action={ "/claims/" (claim.id) "/status" } {
                                (csrf_field(who))
                                input type="hidden" name="version" value=(claim.version);
                                input type="hidden" name="status" value="void";
                                button.danger type="submit" { "Void" }
                            }
                        }
                        @if claim.status == ClaimStatus::Draft && findings.errors > 0 { p.muted { "Fix the errors to mark the claim ready." } }
                    }
                }
                (crate::receivables::claim_money_section(&money))
                (crate::receivables::coordination_section(claim.id, claim.status, &money, who.can(Permission::CodeClaims).then(|| csrf_field(who))))
                @if who.can(Permission::PostPayments) && claim.status != ClaimStatus::Void {
                    (crate::receivables::patient_payment_form(claim.id, csrf_field(who)))
                }
                section.history {
                    h2 { "History" }
                    table {
                        thead { tr { th { "When" } th { "From" } th { "To" } th { "By" } th { "Note" } } }
                        tbody { @for h in &history { tr { td { (h.at) } td { (h.from.clone().unwrap_or_default()) } td { (h.to) } td { (h.by) } td { (h.note.clone().unwrap_or_default()) } } } }
                    }
                }
            },
        ),
    )
}

/// `E119` → `E11.9` for display.
fn dotted(code: &str) -> String {
    if code.len() > 3 && !code.contains('.') {
        format!("{}.{}", &code[..3], &code[3..])
    } else {
        code.to_owned()
    }
}

pub async fn claim(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return fail(Problem::not_found("claim"));
    };
    match service::checked_claim(&state, &who.actor(), id).await {
        Ok(c) => claim_page(&state, &who, &c, None, None, StatusCode::OK).await,
        Err(p) => fail(p),
    }
}

pub async fn save_claim(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    body: Bytes,
) -> Response {
    let Ok(Path(id)) = id else {
        return fail(Problem::not_found("claim"));
    };
    let f = Form::parse(&body);
    let current = match service::checked_claim(&state, &who.actor(), id).await {
        Ok(c) => c,
        Err(p) => return fail(p),
    };
    let Some(version) = f.id("version") else {
        return fail(Problem::bad_request(
            "the form has no version; reload the claim",
        ));
    };
    let (_, _, parsed) = read_editor(&f, current.records.encounter.data.service_date);
    match parsed {
        Ok(content) => {
            match service::update_claim(&state, &who.actor(), id, version, content).await {
                Ok(c) => {
                    claim_page(
                        &state,
                        &who,
                        &c,
                        None,
                        Some(html! { p.notice role="status" { "Saved and scrubbed." } }),
                        StatusCode::OK,
                    )
                    .await
                }
                Err(p) if p.status() == StatusCode::CONFLICT => {
                    let note = html! { p.error role="alert" { (p.detail) " Your changes are below; the stored claim is version " (p.current_version.unwrap_or(0)) "." } };
                    claim_page(
                        &state,
                        &who,
                        &current,
                        Some((&f, Errors::new())),
                        Some(note),
                        StatusCode::CONFLICT,
                    )
                    .await
                }
                Err(p) if !p.errors.is_empty() => {
                    let errors: Errors = p
                        .errors
                        .iter()
                        .map(|e| {
                            (
                                editor_field(&e.field).unwrap_or_else(|| e.field.clone()),
                                e.message.clone(),
                            )
                        })
                        .collect();
                    claim_page(&state, &who, &current, Some((&f, errors)), Some(html! { p.error role="alert" { "Not saved: correct the fields marked below." } }), StatusCode::UNPROCESSABLE_ENTITY).await
                }
                Err(p) => fail(p),
            }
        }
        Err(errors) => claim_page(
            &state,
            &who,
            &current,
            Some((&f, errors)),
            Some(html! { p.error role="alert" { "Not saved: correct the fields marked below." } }),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await,
    }
}

pub async fn claim_status(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    body: Bytes,
) -> Response {
    let Ok(Path(id)) = id else {
        return fail(Problem::not_found("claim"));
    };
    let f = Form::parse(&body);
    let (Some(version), Some(to)) = (f.id("version"), ClaimStatus::parse(f.get("status"))) else {
        return fail(Problem::bad_request(
            "the form is missing the status or the version; reload the claim",
        ));
    };
    match service::set_status(
        &state,
        &who.actor(),
        id,
        version,
        to,
        f.opt("note").as_deref(),
    )
    .await
    {
        Ok(_) => redirect(&format!("/claims/{id}")),
        Err(p) => match service::checked_claim(&state, &who.actor(), id).await {
            Ok(c) => {
                let note = html! { p.error role="alert" { (p.detail) } };
                claim_page(&state, &who, &c, None, Some(note), p.status()).await
            }
            Err(_) => fail(p),
        },
    }
}

// ---------------------------------------------------------------- claims list

pub async fn claims(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    RawQuery(raw): RawQuery,
) -> Response {
    let f = Form::parse(raw.as_deref().unwrap_or("").as_bytes());
    let q = ClaimQuery {
        status: f.opt("status"),
        payer_id: f.id("payer_id"),
        billing_provider_id: f.id("billing_provider_id"),
        patient_id: f.id("patient_id"),
        from: f.opt("from"),
        to: f.opt("to"),
        has_errors: match f.get("has_errors") {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        offset: f.id("offset"),
        limit: None,
    };
    const PAGE: i64 = 50;
    let filter = match api::parse_claim_query(&q, state.org()) {
        Ok(x) => x,
        Err(p) => return fail(p),
    };
    let offset = q.offset.unwrap_or(0).max(0);
    let ((rows, total), reference) = match (
        state.store.list_claims(&filter, offset, PAGE).await,
        api::reference_data(&state).await,
    ) {
        (Ok(x), Ok(r)) => (x, r),
        (Err(e), _) => return fail(e.into()),
        (_, Err(p)) => return fail(p),
    };
    let name = |list: &[api::PayerOut], id: i64| {
        list.iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let base: String = {
        let kept: Vec<String> = [
            "status",
            "payer_id",
            "billing_provider_id",
            "patient_id",
            "from",
            "to",
            "has_errors",
        ]
        .iter()
        .filter_map(|k| f.opt(k).map(|v| format!("{k}={}", forms::url_encode(&v))))
        .collect();
        format!(
            "/claims?{}{}",
            kept.join("&"),
            if kept.is_empty() { "" } else { "&" }
        )
    };
    page(
        &who,
        "Claims",
        html! {
            h1 { "Claims" }
            form.filters method="get" action="/claims" {
                label { "Status " select name="status" { option value="" { "any" } @for s in ClaimStatus::ALL { option value=(s.as_str()) selected[f.get("status") == s.as_str()] { (s.as_str()) } } } }
                label { "Payer " select name="payer_id" { option value="" { "any" } @for p in &reference.payers { option value=(p.id) selected[f.get("payer_id") == p.id.to_string()] { (p.name) } } } }
                label { "Provider " select name="billing_provider_id" { option value="" { "any" } @for b in &reference.billing_providers { option value=(b.id) selected[f.get("billing_provider_id") == b.id.to_string()] { (b.name) } } } }
                label { "From " input type="date" name="from" value=(f.get("from")); }
                label { "To " input type="date" name="to" value=(f.get("to")); }
                label { "Scrubber " select name="has_errors" { option value="" { "any" } option value="true" selected[f.get("has_errors") == "true"] { "has errors" } option value="false" selected[f.get("has_errors") == "false"] { "clean" } } }
                button type="submit" { "Filter" }
            }
            table.claims {
                thead { tr { th { "Claim" } th { "Date of service" } th { "Payer" } th { "Status" } th.num { "Charge" } th { "Scrubber" } } }
                tbody {
                    @for c in &rows {
                        tr {
                            td { a href={ "/claims/" (c.id) } { "#" (c.id) } }
                            td { (c.service_date) }
                            td { (name(&reference.payers, c.payer_id)) }
                            td { span.status.{ "st-" (c.status.as_str()) } { (c.status.as_str()) } }
                            td.num { "$" (Money(c.total_charge_cents).to_plain()) }
                            td { @match c.scrub_errors { Some(0) => span.ok { "clean" @if let Some(w) = c.scrub_warnings.filter(|w| *w > 0) { " · " (w) " warning(s)" } }, Some(n) => span.error { (n) " error(s)" }, None => span.muted { "not scrubbed" } } }
                        }
                    }
                }
            }
            (pager(&base, offset, PAGE, total))
        },
    )
}

// ---------------------------------------------------------------- batches

async fn batches_page(
    state: &AppState,
    who: &Principal,
    message: Option<Markup>,
    status: StatusCode,
) -> Response {
    let filter = store::ClaimFilter {
        organization_id: state.org(),
        status: Some(ClaimStatus::Ready),
        ..Default::default()
    };
    let (ready, batches, edi) = match (
        state.store.list_claims(&filter, 0, 500).await,
        state.store.batches(state.org(), 0, 50).await,
        state.store.edi_settings(state.org()).await,
    ) {
        (Ok((r, _)), Ok(b), Ok(e)) => (r, b, e),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return fail(e.into()),
    };
    html_response(
        status,
        layout(
            Some(who),
            "Batches",
            html! {
                h1 { "Batches" }
                @if let Some(m) = message { (m) }
                @if edi.is_none() { p.warn { "The EDI settings are not set: an administrator sets the submitter and receiver ids under Admin before a batch can be written." } }
                h2 { "Ready to send (" (ready.len()) ")" }
                @if ready.is_empty() { p.muted { "No claim is ready. Mark clean claims ready on their page." } }
                @else {
                    form id="batch-form" method="post" action="/batches" {
                        (csrf_field(who))
                        table {
                            thead { tr { th { input id="select-all" type="checkbox" checked aria-label="Select all"; } th { "Claim" } th { "Date of service" } th.num { "Charge" } } }
                            tbody { @for c in &ready { tr {
                                td { input type="checkbox" name="claim_id" value=(c.id) checked aria-label={ "Claim " (c.id) }; }
                                td { a href={ "/claims/" (c.id) } { "#" (c.id) } }
                                td { (c.service_date) }
                                td.num { "$" (Money(c.total_charge_cents).to_plain()) }
                            } } }
                        }
                        button.primary type="submit" { "Create batch and write the 837P" }
                    }
                }
                h2 { "Sent" }
                table {
                    thead { tr { th { "Batch" } th { "Interchange" } th { "Claims" } th { "Created" } th { "By" } th { "File" } } }
                    tbody { @for b in &batches { tr {
                        td { "#" (b.id) }
                        td { (format!("{:09}", b.interchange_control_number)) }
                        td { (b.claim_ids.len()) }
                        td { (b.created_at.strftime("%Y-%m-%d %H:%M UTC")) }
                        td { (b.created_by) }
                        td { a href={ "/batches/" (b.id) "/837" } download { "837P" } }
                    } } }
                }
            },
        ),
    )
}

pub async fn batches(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
) -> Response {
    batches_page(&state, &who, None, StatusCode::OK).await
}

pub async fn create_batch(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    body: Bytes,
) -> Response {
    let f = Form::parse(&body);
    let mut ids = Vec::new();
    for v in f.all("claim_id") {
        match v.trim().parse::<i64>() {
            Ok(i) => ids.push(i),
            Err(_) => return fail(Problem::field("claim_id", "claim ids are whole numbers")),
        }
    }
    match service::create_batch(&state, &who.actor(), &ids).await {
        Ok(b) => batches_page(&state, &who, Some(html! {
            p.notice role="status" { "Batch #" (b.id) " created with " (b.claim_ids.len()) " claim(s): "
                a id="download-837" href={ "/batches/" (b.id) "/837" } download { "download the 837P" } "." }
        }), StatusCode::OK).await,
        Err(p) => {
            let detail = if p.errors.is_empty() { p.detail.clone() } else { p.errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ") };
            batches_page(&state, &who, Some(html! { p.error role="alert" { "No batch was created: " (detail) } }), p.status()).await
        }
    }
}

// ---------------------------------------------------------------- audit

pub async fn audit(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    RawQuery(raw): RawQuery,
) -> Response {
    let f = Form::parse(raw.as_deref().unwrap_or("").as_bytes());
    let q = api::AuditQuery {
        actor: f.opt("actor"),
        record_type: f.opt("record_type"),
        record_id: f.opt("record_id"),
        before: f.id("before"),
        limit: Some(100),
    };
    let entries = match api::audit_entries(&state, &q).await {
        Ok(e) => e,
        Err(p) => return fail(p),
    };
    let verified = if f.get("verify") == "1" {
        match api::verify(&state).await {
            Ok(v) => Some(v),
            Err(p) => return fail(p),
        }
    } else {
        None
    };
    page(
        &who,
        "Audit log",
        html! {
            h1 { "Audit log" }
            p.muted { "Every view and change of patient data and every sign-in, append-only and hash-chained." }
            @if let Some(v) = &verified {
                @if v.intact { p.ok role="status" { "The chain is intact: " (v.entries) " entries verified." } }
                @else { p.error role="alert" { "The chain is broken at entry " (v.first_broken_seq.unwrap_or(0)) ": " (v.problem.clone().unwrap_or_default()) } }
            }
            form.filters method="get" action="/audit" {
                label { "User " input name="actor" value=(f.get("actor")); }
                label { "Record type " select name="record_type" {
                    option value="" { "any" }
                    @for t in ["patient", "coverage", "encounter", "claim", "batch", "user", "api_token", "organization"] { option value=(t) selected[f.get("record_type") == t] { (t) } }
                } }
                label { "Record id " input name="record_id" value=(f.get("record_id")) size="8"; }
                button type="submit" { "Search" }
                button type="submit" name="verify" value="1" { "Verify the chain" }
            }
            table {
                thead { tr { th { "#" } th { "When (UTC)" } th { "User" } th { "Action" } th { "Record" } th { "From" } } }
                tbody { @for e in &entries { tr {
                    td { (e.seq) } td { (e.at) } td { (e.actor) } td { (e.action) } td { (e.record_type) " " (e.record_id) } td { (e.ip) }
                } } }
            }
            @if let Some(last) = entries.last() {
                @if entries.len() == 100 {
                    nav.pager { a href={ "/audit?before=" (last.seq) "&actor=" (forms::url_encode(f.get("actor"))) "&record_type=" (forms::url_encode(f.get("record_type"))) "&record_id=" (forms::url_encode(f.get("record_id"))) } { "Older →" } }
                }
            }
        },
    )
}

// ---------------------------------------------------------------- administration

async fn admin_page(
    state: &AppState,
    who: &Principal,
    message: Option<Markup>,
    errors: &Errors,
    status: StatusCode,
) -> Response {
    let (users, edi) = match (
        state.store.users().await,
        state.store.edi_settings(state.org()).await,
    ) {
        (Ok(u), Ok(e)) => (u, e.unwrap_or_default()),
        (Err(e), _) | (_, Err(e)) => return fail(e.into()),
    };
    html_response(
        status,
        layout(
            Some(who),
            "Admin",
            html! {
                h1 { "Administration" }
                @if let Some(m) = message { (m) }
                h2 { "Users" }
                table {
                    thead { tr { th { "User" } th { "Name" } th { "Roles" } th { "State" } } }
                    tbody { @for u in &users { tr {
                        td { (u.username) } td { (u.display_name) } td { (u.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")) } td { @if u.disabled { "disabled" } @else { "active" } }
                    } } }
                }
                details {
                    summary { "Create a user" }
                    form.grid method="post" action="/admin/users" {
                        (csrf_field(who))
                        (text_input(errors, "username", "User name", "", "required"))
                        (text_input(errors, "display_name", "Full name", "", "required"))
                        (field(errors, "password", "Password (12 characters or more)", html! { input id="password" name="password" type="password" minlength="12" required autocomplete="new-password"; }))
                        fieldset { legend { "Roles" } @for r in Role::ALL { label.check { input type="checkbox" name="role" value=(r.as_str()); " " (r.as_str()) } } }
                        div.actions { button type="submit" { "Create user" } }
                    }
                }
                h2 { "EDI settings" }
                p.muted { "Who this organization's 837 files come from and go to; the clearinghouse gives these ids." }
                form.grid method="post" action="/admin/edi" {
                    (csrf_field(who))
                    (text_input(errors, "submitter_id", "Submitter id (ETIN, ISA06)", &edi.submitter_id, "required"))
                    (text_input(errors, "contact_name", "Contact name", &edi.contact_name, "required"))
                    (text_input(errors, "contact_phone", "Contact phone (digits)", &edi.contact_phone, "required"))
                    (text_input(errors, "receiver_id", "Receiver id (ISA08)", &edi.receiver_id, "required"))
                    (text_input(errors, "receiver_name", "Receiver name", &edi.receiver_name, "required"))
                    div.actions { button type="submit" { "Save EDI settings" } }
                }
            },
        ),
    )
}

pub async fn admin(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
) -> Response {
    admin_page(&state, &who, None, &Errors::new(), StatusCode::OK).await
}

fn store_errors(e: store::StoreError) -> Result<Errors, Problem> {
    match e {
        store::StoreError::Invalid { field, reason } => {
            Ok([(field.to_owned(), reason)].into_iter().collect())
        }
        other => Err(other.into()),
    }
}

pub async fn create_user(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    body: Bytes,
) -> Response {
    let f = Form::parse(&body);
    let b = api::UserBody {
        username: f.get("username").to_owned(),
        display_name: f.get("display_name").to_owned(),
        password: f.get("password").to_owned(),
        roles: f.all("role").iter().map(|r| (*r).to_owned()).collect(),
    };
    match api::add_user(&state, &who, &b).await {
        Ok(u) => {
            admin_page(
                &state,
                &who,
                Some(html! { p.notice role="status" { "User " (u.username) " created." } }),
                &Errors::new(),
                StatusCode::OK,
            )
            .await
        }
        Err(p) if !p.errors.is_empty() => {
            let errors: Errors = p
                .errors
                .iter()
                .map(|e| {
                    (
                        if e.field.starts_with("roles") {
                            "role".to_owned()
                        } else {
                            e.field.clone()
                        },
                        e.message.clone(),
                    )
                })
                .collect();
            admin_page(
                &state,
                &who,
                Some(html! { p.error { "The user was not created." } }),
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(p) => fail(p),
    }
}

pub async fn save_edi(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    body: Bytes,
) -> Response {
    let f = Form::parse(&body);
    let s = store::EdiSettings {
        submitter_id: f.get("submitter_id").trim().to_owned(),
        contact_name: f.get("contact_name").trim().to_owned(),
        contact_phone: f
            .get("contact_phone")
            .chars()
            .filter(char::is_ascii_digit)
            .collect(),
        receiver_id: f.get("receiver_id").trim().to_owned(),
        receiver_name: f.get("receiver_name").trim().to_owned(),
    };
    match state
        .store
        .set_edi_settings(&who.actor(), state.org(), &s)
        .await
    {
        Ok(()) => {
            admin_page(
                &state,
                &who,
                Some(html! { p.notice role="status" { "EDI settings saved." } }),
                &Errors::new(),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => match store_errors(e) {
            Ok(errors) => {
                admin_page(
                    &state,
                    &who,
                    Some(html! { p.error { "Not saved." } }),
                    &errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(p) => fail(p),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_paths_map_to_editor_inputs() {
        assert_eq!(editor_field("diagnoses[0]").as_deref(), Some("dx1"));
        assert_eq!(
            editor_field("lines[1].modifiers").as_deref(),
            Some("line2_mod")
        );
        assert_eq!(
            editor_field("lines[0].procedure").as_deref(),
            Some("line1_code")
        );
        assert_eq!(
            editor_field("lines[2].modifiers[0]").as_deref(),
            Some("line3_mod")
        );
        assert_eq!(editor_field("subscriber.member_id"), None);
    }

    #[test]
    fn sign_in_only_returns_to_this_site() {
        assert_eq!(
            safe_next(Some("/claims?status=ready")),
            "/claims?status=ready"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
