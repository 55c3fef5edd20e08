//! Every route of the application in one table: method, path, who may call it, what it is. The
//! router, the OpenAPI document and the every-route-every-role test are all built from it, so
//! none of them can forget a route.

use axum::routing::{MethodRouter, get, post, put};
use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::auth::Permission;
use crate::{AppState, api, pages};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    Signed(Permission),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// HTML for people; signed-out visitors are sent to the sign-in page.
    Page,
    /// JSON for programs; errors are problem details.
    Api,
    /// Stylesheet and script.
    Asset,
}

pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

pub fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// One route.
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub kind: Kind,
    pub summary: &'static str,
    /// API only: the JSON body it takes, its query parameters, what it answers.
    pub body: Option<SchemaFn>,
    pub query: Option<SchemaFn>,
    pub response: Option<SchemaFn>,
    /// API creates take an `Idempotency-Key` header.
    pub idempotent: bool,
    pub handler: fn() -> MethodRouter<AppState>,
}

const fn page(
    method: &'static str,
    path: &'static str,
    access: Access,
    summary: &'static str,
    handler: fn() -> MethodRouter<AppState>,
) -> RouteSpec {
    RouteSpec {
        method,
        path,
        access,
        kind: Kind::Page,
        summary,
        body: None,
        query: None,
        response: None,
        idempotent: false,
        handler,
    }
}

#[allow(clippy::too_many_arguments)]
const fn api(
    method: &'static str,
    path: &'static str,
    access: Access,
    summary: &'static str,
    body: Option<SchemaFn>,
    query: Option<SchemaFn>,
    response: Option<SchemaFn>,
    handler: fn() -> MethodRouter<AppState>,
) -> RouteSpec {
    RouteSpec {
        method,
        path,
        access,
        kind: Kind::Api,
        summary,
        body,
        query,
        response,
        idempotent: false,
        handler,
    }
}

const fn idempotent(mut r: RouteSpec) -> RouteSpec {
    r.idempotent = true;
    r
}

use Access::{Public, Signed};
use Permission::*;

pub static ROUTES: &[RouteSpec] = &[
    // Public.
    api(
        "GET",
        "/healthz",
        Public,
        "Liveness: 200 when the server and its database answer",
        None,
        None,
        None,
        || get(api::healthz),
    ),
    api(
        "GET",
        "/api/openapi.json",
        Public,
        "This API described as OpenAPI 3.1",
        None,
        None,
        None,
        || get(api::openapi),
    ),
    RouteSpec {
        kind: Kind::Asset,
        ..page("GET", "/assets/app.css", Public, "Stylesheet", || {
            get(pages::css)
        })
    },
    RouteSpec {
        kind: Kind::Asset,
        ..page(
            "GET",
            "/assets/app.js",
            Public,
            "Code search and claim form script",
            || get(pages::js),
        )
    },
    RouteSpec {
        kind: Kind::Asset,
        ..page("GET", "/assets/icon.svg", Public, "Icon", || {
            get(pages::icon)
        })
    },
    RouteSpec {
        kind: Kind::Asset,
        ..page(
            "GET",
            "/favicon.ico",
            Public,
            "Icon for browsers that ask for it by this name",
            || get(pages::icon),
        )
    },
    page("GET", "/login", Public, "Sign-in form", || {
        get(pages::login_form)
    }),
    page("POST", "/login", Public, "Sign in", || post(pages::login)),
    // The web application.
    page("POST", "/logout", Signed(UseApp), "Sign out", || {
        post(pages::logout)
    }),
    page("GET", "/", Signed(UseApp), "Dashboard", || {
        get(pages::dashboard)
    }),
    page(
        "GET",
        "/account",
        Signed(UseApp),
        "Your account and API tokens",
        || get(pages::account),
    ),
    page(
        "POST",
        "/account/tokens",
        Signed(UseApp),
        "Create an API token",
        || post(pages::create_token),
    ),
    page(
        "POST",
        "/account/tokens/{id}/revoke",
        Signed(UseApp),
        "Revoke an API token",
        || post(pages::revoke_token),
    ),
    page("GET", "/codes", Signed(SearchCodes), "Code search", || {
        get(pages::codes)
    }),
    page("GET", "/patients", Signed(ViewPatients), "Patients", || {
        get(pages::patients)
    }),
    page(
        "GET",
        "/patients/new",
        Signed(EditPatients),
        "New patient form",
        || get(pages::new_patient),
    ),
    page(
        "POST",
        "/patients",
        Signed(EditPatients),
        "Register a patient",
        || post(pages::create_patient),
    ),
    page(
        "GET",
        "/patients/{id}",
        Signed(ViewPatients),
        "A patient, coverages and encounters",
        || get(pages::patient),
    ),
    page(
        "POST",
        "/patients/{id}/coverages",
        Signed(EditPatients),
        "Add a coverage",
        || post(pages::add_coverage),
    ),
    page(
        "POST",
        "/patients/{id}/encounters",
        Signed(CodeClaims),
        "Start an encounter",
        || post(pages::add_encounter),
    ),
    page(
        "GET",
        "/encounters/{id}",
        Signed(ViewPatients),
        "Code an encounter",
        || get(pages::encounter),
    ),
    page(
        "POST",
        "/encounters/{id}/claim",
        Signed(CodeClaims),
        "Save the encounter's claim and scrub it",
        || post(pages::create_claim),
    ),
    page(
        "GET",
        "/claims",
        Signed(ViewPatients),
        "Claims list",
        || get(pages::claims),
    ),
    page(
        "GET",
        "/claims/{id}",
        Signed(ViewPatients),
        "A claim: coding, findings, history",
        || get(pages::claim),
    ),
    page(
        "POST",
        "/claims/{id}",
        Signed(CodeClaims),
        "Save a claim and scrub it",
        || post(pages::save_claim),
    ),
    page(
        "POST",
        "/claims/{id}/status",
        Signed(CodeClaims),
        "Mark a claim ready, back to draft, or void",
        || post(pages::claim_status),
    ),
    page(
        "GET",
        "/batches",
        Signed(SubmitClaims),
        "Batches and claims ready to send",
        || get(pages::batches),
    ),
    page(
        "POST",
        "/batches",
        Signed(SubmitClaims),
        "Create a batch (837P)",
        || post(pages::create_batch),
    ),
    page(
        "GET",
        "/batches/{id}/837",
        Signed(SubmitClaims),
        "Download a batch's 837",
        || get(api::batch_file),
    ),
    page(
        "GET",
        "/audit",
        Signed(ViewAudit),
        "Audit log search",
        || get(pages::audit),
    ),
    page(
        "GET",
        "/admin",
        Signed(Administer),
        "Users and EDI settings",
        || get(pages::admin),
    ),
    page(
        "POST",
        "/admin/users",
        Signed(Administer),
        "Create a user",
        || post(pages::create_user),
    ),
    page(
        "POST",
        "/admin/edi",
        Signed(Administer),
        "Save the EDI settings",
        || post(pages::save_edi),
    ),
    // The API.
    api(
        "GET",
        "/api/me",
        Signed(UseApp),
        "The signed-in user, roles and permissions",
        None,
        None,
        Some(schema::<api::Me>),
        || get(api::me),
    ),
    api(
        "GET",
        "/api/codes/search",
        Signed(SearchCodes),
        "ICD-10-CM search as you type",
        None,
        Some(schema::<api::SearchQuery>),
        Some(schema::<Vec<api::CodeHit>>),
        || get(api::search_codes),
    ),
    api(
        "GET",
        "/api/codes/{code}",
        Signed(SearchCodes),
        "One ICD-10-CM code: validity, notes, 7th characters",
        None,
        Some(schema::<api::DateQuery>),
        Some(schema::<api::CodeDetail>),
        || get(api::code_detail),
    ),
    api(
        "GET",
        "/api/reference",
        Signed(ViewPatients),
        "Billing and rendering providers and payers of the organization",
        None,
        None,
        Some(schema::<api::Reference>),
        || get(api::reference),
    ),
    api(
        "GET",
        "/api/patients",
        Signed(ViewPatients),
        "Patients, newest first (paged), or found by last name and date of birth",
        None,
        Some(schema::<api::PatientQuery>),
        Some(schema::<api::Page<api::PatientOut>>),
        || get(api::list_patients),
    ),
    idempotent(api(
        "POST",
        "/api/patients",
        Signed(EditPatients),
        "Register a patient",
        Some(schema::<api::PatientBody>),
        None,
        Some(schema::<api::PatientOut>),
        || post(api::create_patient),
    )),
    api(
        "GET",
        "/api/patients/{id}",
        Signed(ViewPatients),
        "A patient",
        None,
        None,
        Some(schema::<api::PatientOut>),
        || get(api::get_patient),
    ),
    api(
        "GET",
        "/api/patients/{id}/coverages",
        Signed(ViewPatients),
        "A patient's coverages",
        None,
        None,
        Some(schema::<Vec<api::CoverageOut>>),
        || get(api::list_coverages),
    ),
    idempotent(api(
        "POST",
        "/api/patients/{id}/coverages",
        Signed(EditPatients),
        "Add a coverage",
        Some(schema::<api::CoverageBody>),
        None,
        Some(schema::<api::CoverageOut>),
        || post(api::create_coverage),
    )),
    api(
        "GET",
        "/api/patients/{id}/encounters",
        Signed(ViewPatients),
        "A patient's encounters and their claims",
        None,
        None,
        Some(schema::<Vec<api::EncounterRow>>),
        || get(api::patient_encounters),
    ),
    idempotent(api(
        "POST",
        "/api/encounters",
        Signed(CodeClaims),
        "Start an encounter",
        Some(schema::<api::EncounterBody>),
        None,
        Some(schema::<api::EncounterOut>),
        || post(api::create_encounter),
    )),
    api(
        "GET",
        "/api/encounters/{id}",
        Signed(ViewPatients),
        "An encounter",
        None,
        None,
        Some(schema::<api::EncounterOut>),
        || get(api::get_encounter),
    ),
    api(
        "GET",
        "/api/claims",
        Signed(ViewPatients),
        "Claims (filtered, paged)",
        None,
        Some(schema::<api::ClaimQuery>),
        Some(schema::<api::Page<api::ClaimSummaryOut>>),
        || get(api::list_claims),
    ),
    idempotent(api(
        "POST",
        "/api/claims",
        Signed(CodeClaims),
        "Create a claim for an encounter and scrub it",
        Some(schema::<api::ClaimBody>),
        None,
        Some(schema::<api::ClaimOut>),
        || post(api::create_claim),
    )),
    api(
        "POST",
        "/api/claims/check",
        Signed(CodeClaims),
        "Scrub a claim without saving it",
        Some(schema::<api::ClaimBody>),
        None,
        Some(schema::<api::Findings>),
        || post(api::check_claim),
    ),
    api(
        "GET",
        "/api/claims/{id}",
        Signed(ViewPatients),
        "A claim with the scrubber's findings",
        None,
        None,
        Some(schema::<api::ClaimOut>),
        || get(api::get_claim),
    ),
    api(
        "PUT",
        "/api/claims/{id}",
        Signed(CodeClaims),
        "Save a claim's content (version must match) and scrub it",
        Some(schema::<api::ClaimUpdate>),
        None,
        Some(schema::<api::ClaimOut>),
        || put(api::update_claim),
    ),
    api(
        "POST",
        "/api/claims/{id}/status",
        Signed(CodeClaims),
        "Change a claim's status (ready, draft, void)",
        Some(schema::<api::StatusBody>),
        None,
        Some(schema::<api::ClaimOut>),
        || post(api::set_status),
    ),
    api(
        "GET",
        "/api/claims/{id}/history",
        Signed(ViewPatients),
        "A claim's status history",
        None,
        None,
        Some(schema::<Vec<api::HistoryOut>>),
        || get(api::claim_history),
    ),
    api(
        "GET",
        "/api/batches",
        Signed(SubmitClaims),
        "Batches, newest first",
        None,
        Some(schema::<api::PageQuery>),
        Some(schema::<Vec<api::BatchOut>>),
        || get(api::list_batches),
    ),
    idempotent(api(
        "POST",
        "/api/batches",
        Signed(SubmitClaims),
        "Create a batch from ready claims and write its 837P",
        Some(schema::<api::BatchBody>),
        None,
        Some(schema::<api::BatchOut>),
        || post(api::create_batch),
    )),
    api(
        "GET",
        "/api/batches/{id}/837",
        Signed(SubmitClaims),
        "The batch's 837 file (X12)",
        None,
        None,
        None,
        || get(api::batch_file),
    ),
    api(
        "GET",
        "/api/audit",
        Signed(ViewAudit),
        "Audit log entries, newest first",
        None,
        Some(schema::<api::AuditQuery>),
        Some(schema::<Vec<api::AuditOut>>),
        || get(api::audit),
    ),
    api(
        "GET",
        "/api/tokens",
        Signed(UseApp),
        "Your API tokens",
        None,
        None,
        Some(schema::<Vec<api::TokenOut>>),
        || get(api::list_tokens),
    ),
    idempotent(api(
        "POST",
        "/api/tokens",
        Signed(UseApp),
        "Create an API token (the answer shows it once)",
        Some(schema::<api::TokenBody>),
        None,
        Some(schema::<api::TokenOut>),
        || post(api::create_token),
    )),
    api(
        "POST",
        "/api/tokens/{id}/revoke",
        Signed(UseApp),
        "Revoke one of your API tokens",
        None,
        None,
        None,
        || post(api::revoke_token),
    ),
    api(
        "GET",
        "/api/users",
        Signed(Administer),
        "Users and their roles",
        None,
        None,
        Some(schema::<Vec<api::UserOut>>),
        || get(api::list_users),
    ),
    idempotent(api(
        "POST",
        "/api/users",
        Signed(Administer),
        "Create a user",
        Some(schema::<api::UserBody>),
        None,
        Some(schema::<api::UserOut>),
        || post(api::create_user),
    )),
    api(
        "GET",
        "/api/settings/edi",
        Signed(Administer),
        "The organization's EDI settings",
        None,
        None,
        Some(schema::<api::EdiBody>),
        || get(api::get_edi),
    ),
    api(
        "PUT",
        "/api/settings/edi",
        Signed(Administer),
        "Set the organization's EDI settings",
        Some(schema::<api::EdiBody>),
        None,
        Some(schema::<api::EdiBody>),
        || put(api::put_edi),
    ),
    api(
        "GET",
        "/api/audit/verify",
        Signed(ViewAudit),
        "Verify the audit log's hash chain",
        None,
        None,
        Some(schema::<api::AuditVerifyOut>),
        || get(api::audit_verify),
    ),
];
