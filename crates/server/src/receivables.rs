//! Getting paid, over HTTP: importing what payers send (835, 999, 277CA) through the API or an
//! upload form, the work queue, unmatched payments, a claim's payments, and the receivables
//! reports with server-rendered SVG charts and CSV downloads. The rules live in
//! `rcm_claims::posting` and `rcm-store`; this module only speaks HTTP.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use maud::{Markup, html};
use rcm_claims::posting::{self, amount, csv_record};
use rcm_store::{self as store, AGING_BUCKETS, AgingBy, ImportOutcome};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::api::{Page, id_param, paging, read_json};
use crate::auth::{Permission, Principal};
use crate::forms::Form;
use crate::pages::{csrf_field, fail, html_response, layout};
use crate::problem::{ApiResult, Problem};

/// The largest file a payer sends that we accept: a 10,000-claim 835 is about 5 MB.
pub const MAX_RECEIVED_FILE_BYTES: usize = 64 * 1024 * 1024;

// ---------------------------------------------------------------- DTOs

#[derive(Debug, Serialize, JsonSchema)]
pub struct ImportOut {
    /// The received file's id (the earlier one when the file was imported before).
    pub file_id: i64,
    /// 835, 999 or 277CA (absent when imported before).
    pub kind: Option<String>,
    /// True when this exact file was imported before: nothing changed.
    pub already_imported: bool,
    pub payments: Vec<PaymentOut>,
    pub acknowledged: Vec<AckOut>,
    /// Patient control numbers or group control numbers that name nothing of this office.
    pub unknown: Vec<String>,
    /// Implementation-guide errors in the payer's file that did not stop the import.
    pub notices: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PaymentOut {
    /// Absent when this payment (payer and trace number) was posted before and was skipped.
    pub remittance_id: Option<i64>,
    pub payer: String,
    pub trace_number: String,
    pub payment: String,
    pub claims_posted: usize,
    pub claims_unmatched: usize,
    pub denials: usize,
    pub provider_adjustments: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AckOut {
    pub claim_id: i64,
    pub accepted: bool,
    pub code: String,
    pub message: String,
    pub new_status: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ReceivedFileOut {
    pub id: i64,
    pub kind: String,
    pub summary: String,
    pub imported_at: String,
    pub imported_by: String,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkQuery {
    /// rejected, denied or line_denied.
    pub kind: Option<String>,
    /// CARC (denials) or category:status (277CA rejections).
    pub reason: Option<String>,
    pub payer_id: Option<i64>,
    pub assigned_to: Option<String>,
    pub claim_id: Option<i64>,
    /// Include resolved items (default: open only).
    pub include_resolved: Option<bool>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct WorkItemOut {
    pub id: i64,
    pub claim_id: i64,
    pub kind: String,
    /// 835, 277CA or 999.
    pub source: String,
    pub group: String,
    pub reason: String,
    pub reason_meaning: String,
    pub remark: String,
    pub remark_meaning: Option<String>,
    pub next_step: String,
    pub amount: String,
    pub payer_id: i64,
    pub payer: String,
    pub service_date: Option<String>,
    pub opened_at: String,
    pub assigned_to: Option<String>,
    /// When an appeal was sent.
    pub appealed_at: Option<String>,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct WorkGroupOut {
    pub kind: String,
    pub reason: String,
    pub reason_meaning: String,
    pub next_step: String,
    pub payer_id: i64,
    pub payer: String,
    pub items: i64,
    pub amount: String,
    pub oldest_opened_at: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// A user name, or null to unassign.
    pub assigned_to: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    /// 1 to 2000 characters.
    pub note: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct NoteOut {
    pub written_at: String,
    pub author: String,
    pub note: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct UnmatchedOut {
    pub id: i64,
    pub remittance_id: i64,
    pub trace_number: String,
    pub payer: String,
    pub patient_control_number: String,
    pub payer_claim_control_number: String,
    pub status_code: String,
    pub charge: String,
    pub paid: String,
    pub reason: String,
    pub resolved_at: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ClaimMoneyOut {
    pub charge: String,
    pub paid: String,
    pub adjusted: String,
    pub patient_responsibility: String,
    pub patient_paid: String,
    pub insurance_balance: String,
    pub patient_balance: String,
    /// On a claim to the secondary (next) payer: the primary's claim and the part of the charge
    /// it settled (owed by nobody).
    pub primary_claim_id: Option<i64>,
    pub prior_payer_settled: String,
    /// The patient balance a claim to the next payer took over.
    pub transferred_to_next_payer: String,
    pub next_payer_claim_ids: Vec<i64>,
    pub payer_claim_control_number: Option<String>,
    pub payments: Vec<PostedPaymentOut>,
    pub acknowledgements: Vec<AcknowledgementOut>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PostedPaymentOut {
    pub remittance_id: i64,
    pub payer: String,
    pub trace_number: String,
    pub payment_date: Option<String>,
    pub status_code: String,
    pub status_meaning: Option<String>,
    pub charge: String,
    pub paid: String,
    pub patient_responsibility: String,
    pub adjusted: String,
    pub payer_claim_control_number: String,
    pub adjustments: Vec<AdjustmentOut>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AdjustmentOut {
    pub line_number: Option<i64>,
    pub group: String,
    pub reason: String,
    pub reason_meaning: String,
    pub amount: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AcknowledgementOut {
    pub kind: String,
    pub accepted: bool,
    pub code: String,
    pub message: String,
    pub received_at: String,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgingQuery {
    /// payer (insurance balances, default) or patient.
    pub by: Option<String>,
    /// YYYY-MM-DD, default today.
    pub as_of: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AgingOut {
    pub as_of: String,
    pub by: String,
    pub buckets: Vec<String>,
    pub rows: Vec<AgingRowOut>,
    pub totals: Vec<String>,
    pub total: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AgingRowOut {
    pub id: i64,
    pub name: String,
    pub buckets: Vec<String>,
    pub total: String,
    pub claims: i64,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AsOfQuery {
    /// YYYY-MM-DD, default today.
    pub as_of: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SummaryOut {
    pub as_of: String,
    pub insurance_ar: String,
    pub patient_ar: String,
    pub charges_last_90_days: String,
    /// Total A/R over the average daily charge of the last 90 days; absent without charges.
    pub days_in_ar: Option<String>,
    pub first_pass_accepted: i64,
    pub first_answers: i64,
    pub denied_claims: i64,
    pub adjudicated_claims: i64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DenialRateOut {
    pub payer_id: i64,
    pub payer: String,
    pub reason: String,
    pub reason_meaning: String,
    pub denied_claims: i64,
    pub adjudicated_claims: i64,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    /// YYYY-MM-DD, default: the first day of the month a year ago.
    pub from: Option<String>,
    /// YYYY-MM-DD, default today.
    pub to: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PeriodOut {
    /// YYYY-MM.
    pub period: String,
    pub billing_provider_id: i64,
    pub provider: String,
    pub charges: String,
    pub payments: String,
    pub adjustments: String,
}

// ---------------------------------------------------------------- shared

fn date_param(field: &str, v: Option<&str>, default: Date) -> ApiResult<Date> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v
            .parse::<Date>()
            .map_err(|_| Problem::field(field, "a date as YYYY-MM-DD")),
    }
}

fn aging_by(v: Option<&str>) -> ApiResult<AgingBy> {
    match v.unwrap_or("payer") {
        "payer" | "" => Ok(AgingBy::Payer),
        "patient" => Ok(AgingBy::Patient),
        _ => Err(Problem::field("by", "payer or patient")),
    }
}

fn item_out(w: &store::WorkItem) -> WorkItemOut {
    WorkItemOut {
        id: w.id,
        claim_id: w.claim_id,
        kind: w.kind.clone(),
        source: w.source.clone(),
        group: w.group_code.clone(),
        reason: w.reason_code.clone(),
        reason_meaning: posting::work_reason_meaning(&w.kind, &w.reason_code),
        remark: w.remark_code.clone(),
        remark_meaning: rcm_x12::codes::rarc_meaning(&w.remark_code).map(str::to_string),
        next_step: posting::work_next_step(&w.kind, &w.reason_code).to_string(),
        amount: amount(w.amount_cents),
        payer_id: w.payer_id,
        payer: w.payer_name.clone(),
        service_date: w.service_date.map(|d| d.to_string()),
        opened_at: w.opened_at.to_string(),
        assigned_to: w.assigned_to.clone(),
        appealed_at: w.appealed_at.map(|t| t.to_string()),
        resolved_at: w.resolved_at.map(|t| t.to_string()),
        resolved_by: w.resolved_by.clone(),
    }
}

fn import_out(outcome: ImportOutcome, notices: Vec<String>) -> (StatusCode, ImportOut) {
    match outcome {
        ImportOutcome::AlreadyImported { file_id, .. } => (
            StatusCode::OK,
            ImportOut {
                file_id,
                kind: None,
                already_imported: true,
                payments: vec![],
                acknowledged: vec![],
                unknown: vec![],
                notices,
            },
        ),
        ImportOutcome::Imported(r) => (
            StatusCode::CREATED,
            ImportOut {
                file_id: r.file_id,
                kind: Some(r.kind.to_string()),
                already_imported: false,
                payments: r
                    .payments
                    .iter()
                    .map(|p| PaymentOut {
                        remittance_id: p.remittance_id,
                        payer: p.payer_name.clone(),
                        trace_number: p.trace_number.clone(),
                        payment: amount(p.payment_cents),
                        claims_posted: p.claims_posted,
                        claims_unmatched: p.claims_unmatched,
                        denials: p.denials,
                        provider_adjustments: amount(p.provider_adjustment_cents),
                    })
                    .collect(),
                acknowledged: r
                    .acknowledged
                    .iter()
                    .map(|a| AckOut {
                        claim_id: a.claim_id,
                        accepted: a.accepted,
                        code: a.code.clone(),
                        message: a.message.clone(),
                        new_status: a.new_status.map(|s| s.as_str().to_string()),
                    })
                    .collect(),
                unknown: r.unknown,
                notices,
            },
        ),
    }
}

/// Reads, checks and imports a received file: refused files change nothing.
async fn import(
    state: &AppState,
    who: &Principal,
    bytes: &[u8],
) -> ApiResult<(StatusCode, ImportOut)> {
    if bytes.is_empty() {
        return Err(Problem::bad_request("the file is empty"));
    }
    let read = posting::read_received(bytes).map_err(|e| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "received-file-refused",
            format!("nothing was imported: {e}"),
        )
    })?;
    let notices = read.notices.iter().map(|f| f.to_string()).collect();
    let outcome = state
        .store
        .import_received(&who.actor(), state.org(), bytes, &read.content)
        .await?;
    Ok(import_out(outcome, notices))
}

fn json_response<T: Serialize>(status: StatusCode, v: &T) -> Response {
    (status, axum::Json(v)).into_response()
}

fn csv_response(name: &str, body: String) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

// ---------------------------------------------------------------- API handlers

pub async fn api_import(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ok_type = [
        "application/edi-x12",
        "text/plain",
        "application/octet-stream",
    ]
    .iter()
    .any(|t| ct.starts_with(t));
    if !ok_type {
        return Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "media-type",
            "send the X12 file as the body with Content-Type application/edi-x12",
        )
        .into_response();
    }
    match import(&state, &who, &body).await {
        Ok((status, out)) => json_response(status, &out),
        Err(p) => p.into_response(),
    }
}

pub async fn api_received_files(
    State(state): State<AppState>,
) -> ApiResult<axum::Json<Vec<ReceivedFileOut>>> {
    let files = state.store.received_files(state.org(), 200).await?;
    Ok(axum::Json(
        files
            .into_iter()
            .map(|f| ReceivedFileOut {
                id: f.id,
                kind: f.kind,
                summary: f.summary,
                imported_at: f.imported_at.to_string(),
                imported_by: f.imported_by,
            })
            .collect(),
    ))
}

fn work_filter(state: &AppState, q: &WorkQuery) -> store::WorkFilter {
    store::WorkFilter {
        organization_id: state.org(),
        include_resolved: q.include_resolved.unwrap_or(false),
        kind: q.kind.clone().filter(|v| !v.is_empty()),
        reason_code: q.reason.clone().filter(|v| !v.is_empty()),
        payer_id: q.payer_id,
        assigned_to: q.assigned_to.clone().filter(|v| !v.is_empty()),
        claim_id: q.claim_id,
        item_id: None,
    }
}

pub async fn api_work_items(
    State(state): State<AppState>,
    q: Result<Query<WorkQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::Json<Page<WorkItemOut>>> {
    let Query(q) = q.map_err(|e| Problem::bad_request(e.body_text()))?;
    let (offset, limit) = paging(q.offset, q.limit);
    let (items, total) = state
        .store
        .work_items(&work_filter(&state, &q), limit, offset)
        .await?;
    Ok(axum::Json(Page {
        items: items.iter().map(item_out).collect(),
        total,
        offset,
        limit,
    }))
}

fn group_out(g: &store::WorkGroup) -> WorkGroupOut {
    WorkGroupOut {
        kind: g.kind.clone(),
        reason: g.reason_code.clone(),
        reason_meaning: posting::work_reason_meaning(&g.kind, &g.reason_code),
        next_step: posting::work_next_step(&g.kind, &g.reason_code).to_string(),
        payer_id: g.payer_id,
        payer: g.payer_name.clone(),
        items: g.items,
        amount: amount(g.amount_cents),
        oldest_opened_at: g.oldest.to_string(),
    }
}

pub async fn api_work_groups(
    State(state): State<AppState>,
) -> ApiResult<axum::Json<Vec<WorkGroupOut>>> {
    let groups = state.store.work_groups(state.org()).await?;
    Ok(axum::Json(groups.iter().map(group_out).collect()))
}

pub async fn api_assign(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let id = id_param(id)?;
    let b: AssignBody = read_json(&headers, &body)?;
    state
        .store
        .assign_work_item(&who.actor(), state.org(), id, b.assigned_to.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn api_add_note(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let id = id_param(id)?;
    let b: NoteBody = read_json(&headers, &body)?;
    state
        .store
        .add_work_note(&who.actor(), state.org(), id, &b.note)
        .await?;
    Ok(StatusCode::CREATED)
}

pub async fn api_appeal(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let id = id_param(id)?;
    let b: NoteBody = read_json(&headers, &body)?;
    state
        .store
        .record_appeal(&who.actor(), state.org(), id, &b.note)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn api_notes(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> ApiResult<axum::Json<Vec<NoteOut>>> {
    let id = id_param(id)?;
    let notes = state
        .store
        .work_notes(&who.actor(), state.org(), id)
        .await?;
    Ok(axum::Json(
        notes
            .into_iter()
            .map(|n| NoteOut {
                written_at: n.written_at.to_string(),
                author: n.author,
                note: n.note,
            })
            .collect(),
    ))
}

pub async fn api_resolve(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> ApiResult<StatusCode> {
    let id = id_param(id)?;
    state
        .store
        .resolve_work_item(&who.actor(), state.org(), id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn unmatched_out(u: &store::UnmatchedPayment) -> UnmatchedOut {
    UnmatchedOut {
        id: u.id,
        remittance_id: u.remittance_id,
        trace_number: u.trace_number.clone(),
        payer: u.payer_name.clone(),
        patient_control_number: u.patient_control_number.clone(),
        payer_claim_control_number: u.payer_claim_control_number.clone(),
        status_code: u.status_code.clone(),
        charge: amount(u.charge_cents),
        paid: amount(u.paid_cents),
        reason: u.reason.clone(),
        resolved_at: u.resolved_at.map(|t| t.to_string()),
    }
}

pub async fn api_unmatched(
    State(state): State<AppState>,
) -> ApiResult<axum::Json<Vec<UnmatchedOut>>> {
    let rows = state.store.unmatched_payments(state.org(), false).await?;
    Ok(axum::Json(rows.iter().map(unmatched_out).collect()))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostUnmatchedBody {
    /// The claim this payment belongs to.
    pub claim_id: i64,
}

pub async fn api_post_unmatched(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<axum::Json<PaymentOut>> {
    let id = id_param(id)?;
    let b: PostUnmatchedBody = read_json(&headers, &body)?;
    let p = state
        .store
        .post_unmatched(&who.actor(), state.org(), id, b.claim_id)
        .await?;
    Ok(axum::Json(PaymentOut {
        remittance_id: p.remittance_id,
        payer: p.payer_name,
        trace_number: p.trace_number,
        payment: amount(p.payment_cents),
        claims_posted: p.claims_posted,
        claims_unmatched: 0,
        denials: p.denials,
        provider_adjustments: amount(0),
    }))
}

pub async fn post_unmatched_page(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    body: Bytes,
) -> Response {
    let id = match id_param(id) {
        Ok(i) => i,
        Err(p) => return fail(p),
    };
    let f = Form::parse(&body);
    let Some(claim_id) = f
        .opt("claim_id")
        .and_then(|v| v.trim().trim_start_matches('#').parse::<i64>().ok())
    else {
        return payments_page(
            &state,
            &who,
            Some(html! { p.error role="alert" id="import-error" { "Give the claim number (digits) to post this payment to." } }),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match state
        .store
        .post_unmatched(&who.actor(), state.org(), id, claim_id)
        .await
    {
        Ok(p) => payments_page(
            &state,
            &who,
            Some(html! { p.notice role="status" id="import-result" {
                "Posted $" (amount(p.payment_cents)) " to " a href={ "/claims/" (claim_id) } { "claim #" (claim_id) } "." } }),
            StatusCode::OK,
        )
        .await,
        Err(e) => {
            let p = Problem::from(e);
            payments_page(
                &state,
                &who,
                Some(html! { p.error role="alert" id="import-error" { "Not posted: " (p.detail) } }),
                p.status(),
            )
            .await
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatientPaymentBody {
    /// Dollars and cents as a string ("20.00"); negative for a refund.
    pub amount: String,
    /// cash, check, card or other.
    pub method: String,
    /// Check or receipt number.
    #[serde(default)]
    pub reference: String,
    /// YYYY-MM-DD, default today.
    pub received_on: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PatientPaymentOut {
    pub claim_id: i64,
    /// What the patient still owes on the claim.
    pub patient_balance: String,
}

async fn patient_payment(
    state: &AppState,
    who: &Principal,
    claim_id: i64,
    b: &PatientPaymentBody,
) -> ApiResult<PatientPaymentOut> {
    let cents = rcm_claims::Money::parse(&b.amount)
        .map_err(|e| Problem::field("amount", e.to_string()))?
        .cents();
    let on = date_param(
        "received_on",
        b.received_on.as_deref(),
        crate::coding::today(),
    )?;
    let balance = state
        .store
        .record_patient_payment(
            &who.actor(),
            state.org(),
            claim_id,
            cents,
            b.method.trim(),
            &b.reference,
            on,
        )
        .await?;
    Ok(PatientPaymentOut {
        claim_id,
        patient_balance: amount(balance),
    })
}

pub async fn api_patient_payment(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, axum::Json<PatientPaymentOut>)> {
    let id = id_param(id)?;
    let b: PatientPaymentBody = read_json(&headers, &body)?;
    let out = patient_payment(&state, &who, id, &b).await?;
    Ok((StatusCode::CREATED, axum::Json(out)))
}

pub async fn patient_payment_page(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    body: Bytes,
) -> Response {
    let id = match id_param(id) {
        Ok(i) => i,
        Err(p) => return fail(p),
    };
    let f = Form::parse(&body);
    let b = PatientPaymentBody {
        amount: f.opt("amount").unwrap_or_default(),
        method: f.opt("method").unwrap_or_default(),
        reference: f.opt("reference").unwrap_or_default(),
        received_on: f.opt("received_on"),
    };
    match patient_payment(&state, &who, id, &b).await {
        Ok(_) => Redirect::to(&format!("/claims/{id}")).into_response(),
        Err(p) => fail(p),
    }
}

pub async fn api_resolve_unmatched(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> ApiResult<StatusCode> {
    let id = id_param(id)?;
    state
        .store
        .resolve_unmatched(&who.actor(), state.org(), id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn money_out(m: &store::ClaimMoney) -> ClaimMoneyOut {
    ClaimMoneyOut {
        charge: amount(m.charge_cents),
        paid: amount(m.paid_cents),
        adjusted: amount(m.adjusted_cents),
        patient_responsibility: amount(m.patient_resp_cents),
        patient_paid: amount(m.patient_paid_cents),
        insurance_balance: amount(m.insurance_balance()),
        patient_balance: amount(m.patient_balance()),
        primary_claim_id: m.primary_claim_id,
        prior_payer_settled: amount(m.prior_payer_cents),
        transferred_to_next_payer: amount(m.transferred_cents),
        next_payer_claim_ids: m.next_payer_claim_ids.clone(),
        payer_claim_control_number: m.payer_claim_control_number.clone(),
        payments: m
            .payments
            .iter()
            .map(|p| PostedPaymentOut {
                remittance_id: p.remittance_id,
                payer: p.payer_name.clone(),
                trace_number: p.trace_number.clone(),
                payment_date: p.payment_date.clone(),
                status_code: p.status_code.clone(),
                status_meaning: rcm_x12::codes::claim_status_meaning(&p.status_code)
                    .map(str::to_string),
                charge: amount(p.charge_cents),
                paid: amount(p.paid_cents),
                patient_responsibility: amount(p.patient_resp_cents),
                adjusted: amount(p.adjusted_cents),
                payer_claim_control_number: p.payer_claim_control_number.clone(),
                adjustments: p
                    .adjustments
                    .iter()
                    .map(|(line, group, reason, cents)| AdjustmentOut {
                        line_number: *line,
                        group: group.clone(),
                        reason: reason.clone(),
                        reason_meaning: posting::reason_meaning(reason).to_string(),
                        amount: amount(*cents),
                    })
                    .collect(),
            })
            .collect(),
        acknowledgements: m
            .acknowledgements
            .iter()
            .map(|a| AcknowledgementOut {
                kind: a.kind.clone(),
                accepted: a.accepted,
                code: a.code.clone(),
                message: a.message.clone(),
                received_at: a.received_at.to_string(),
            })
            .collect(),
    }
}

pub async fn api_claim_payments(
    State(state): State<AppState>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> ApiResult<axum::Json<ClaimMoneyOut>> {
    let id = id_param(id)?;
    let m = state.store.claim_money(state.org(), id).await?;
    Ok(axum::Json(money_out(&m)))
}

async fn aging_data(
    state: &AppState,
    who: &Principal,
    q: &AgingQuery,
) -> ApiResult<(Date, AgingBy, Vec<store::AgingRow>)> {
    let as_of = date_param("as_of", q.as_of.as_deref(), crate::coding::today())?;
    let by = aging_by(q.by.as_deref())?;
    let rows = state
        .store
        .ar_aging(&who.actor(), state.org(), as_of, by)
        .await?;
    Ok((as_of, by, rows))
}

fn by_name(by: AgingBy) -> &'static str {
    match by {
        AgingBy::Payer => "payer",
        AgingBy::Patient => "patient",
    }
}

fn totals(rows: &[store::AgingRow]) -> [i64; 5] {
    let mut t = [0i64; 5];
    for r in rows {
        for (a, b) in t.iter_mut().zip(r.buckets) {
            *a += b;
        }
    }
    t
}

pub async fn api_aging(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    q: Result<Query<AgingQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::Json<AgingOut>> {
    let Query(q) = q.map_err(|e| Problem::bad_request(e.body_text()))?;
    let (as_of, by, rows) = aging_data(&state, &who, &q).await?;
    let t = totals(&rows);
    Ok(axum::Json(AgingOut {
        as_of: as_of.to_string(),
        by: by_name(by).to_string(),
        buckets: AGING_BUCKETS.iter().map(|b| b.to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| AgingRowOut {
                id: r.id,
                name: r.label.clone(),
                buckets: r.buckets.iter().map(|c| amount(*c)).collect(),
                total: amount(r.total),
                claims: r.claims,
            })
            .collect(),
        totals: t.iter().map(|c| amount(*c)).collect(),
        total: amount(t.iter().sum()),
    }))
}

pub async fn api_aging_csv(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    q: Result<Query<AgingQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = match q {
        Ok(Query(q)) => q,
        Err(e) => return Problem::bad_request(e.body_text()).into_response(),
    };
    let (as_of, by, rows) = match aging_data(&state, &who, &q).await {
        Ok(d) => d,
        Err(p) => return p.into_response(),
    };
    let mut header = vec![by_name(by).to_string()];
    header.extend(AGING_BUCKETS.iter().map(|b| b.to_string()));
    header.extend(["total".to_string(), "claims".to_string()]);
    let mut out = csv_record(&header);
    for r in &rows {
        let mut f = vec![r.label.clone()];
        f.extend(r.buckets.iter().map(|c| amount(*c)));
        f.extend([amount(r.total), r.claims.to_string()]);
        out.push_str(&csv_record(&f));
    }
    csv_response(&format!("ar-aging-by-{}-{as_of}.csv", by_name(by)), out)
}

fn pct(n: i64, d: i64) -> Option<String> {
    (d > 0).then(|| format!("{}.{}%", n * 1000 / d / 10, n * 1000 / d % 10))
}

fn summary_out(as_of: Date, s: &store::ReceivablesSummary) -> SummaryOut {
    SummaryOut {
        as_of: as_of.to_string(),
        insurance_ar: amount(s.insurance_ar_cents),
        patient_ar: amount(s.patient_ar_cents),
        charges_last_90_days: amount(s.charges_90_days_cents),
        days_in_ar: s
            .days_in_ar_tenths()
            .map(|t| format!("{}.{}", t / 10, t % 10)),
        first_pass_accepted: s.first_pass_accepted,
        first_answers: s.first_answers,
        denied_claims: s.denied_claims,
        adjudicated_claims: s.adjudicated_claims,
    }
}

pub async fn api_summary(
    State(state): State<AppState>,
    q: Result<Query<AsOfQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::Json<SummaryOut>> {
    let Query(q) = q.map_err(|e| Problem::bad_request(e.body_text()))?;
    let as_of = date_param("as_of", q.as_of.as_deref(), crate::coding::today())?;
    let s = state.store.receivables_summary(state.org(), as_of).await?;
    Ok(axum::Json(summary_out(as_of, &s)))
}

fn denial_out(d: &store::DenialRate) -> DenialRateOut {
    DenialRateOut {
        payer_id: d.payer_id,
        payer: d.payer_name.clone(),
        reason: d.reason_code.clone(),
        reason_meaning: posting::reason_meaning(&d.reason_code).to_string(),
        denied_claims: d.denied_claims,
        adjudicated_claims: d.adjudicated_claims,
    }
}

pub async fn api_denials(
    State(state): State<AppState>,
) -> ApiResult<axum::Json<Vec<DenialRateOut>>> {
    let rows = state.store.denial_rates(state.org()).await?;
    Ok(axum::Json(rows.iter().map(denial_out).collect()))
}

fn period_range(q: &PeriodQuery) -> ApiResult<(Date, Date)> {
    let to = date_param("to", q.to.as_deref(), crate::coding::today())?;
    let default_from = Date::new(to.year() - 1, to.month(), 1).unwrap_or(to);
    let from = date_param("from", q.from.as_deref(), default_from)?;
    if from > to {
        return Err(Problem::field("from", "on or before `to`"));
    }
    Ok((from, to))
}

fn period_out(p: &store::PeriodTotals) -> PeriodOut {
    PeriodOut {
        period: p.period.clone(),
        billing_provider_id: p.billing_provider_id,
        provider: p.provider_name.clone(),
        charges: amount(p.charges_cents),
        payments: amount(p.payments_cents),
        adjustments: amount(p.adjustments_cents),
    }
}

pub async fn api_periods(
    State(state): State<AppState>,
    q: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::Json<Vec<PeriodOut>>> {
    let Query(q) = q.map_err(|e| Problem::bad_request(e.body_text()))?;
    let (from, to) = period_range(&q)?;
    let rows = state.store.period_totals(state.org(), from, to).await?;
    Ok(axum::Json(rows.iter().map(period_out).collect()))
}

pub async fn api_periods_csv(
    State(state): State<AppState>,
    q: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = match q {
        Ok(Query(q)) => q,
        Err(e) => return Problem::bad_request(e.body_text()).into_response(),
    };
    let (from, to) = match period_range(&q) {
        Ok(r) => r,
        Err(p) => return p.into_response(),
    };
    let rows = match state.store.period_totals(state.org(), from, to).await {
        Ok(r) => r,
        Err(e) => return Problem::from(e).into_response(),
    };
    let mut out = csv_record(&[
        "period".into(),
        "provider".into(),
        "charges".into(),
        "payments".into(),
        "adjustments".into(),
    ]);
    for p in &rows {
        out.push_str(&csv_record(&[
            p.period.clone(),
            p.provider_name.clone(),
            amount(p.charges_cents),
            amount(p.payments_cents),
            amount(p.adjustments_cents),
        ]));
    }
    csv_response(&format!("charges-payments-{from}-{to}.csv"), out)
}

// ---------------------------------------------------------------- pages

/// The claim page's money: balances, what each 835 said, and the acknowledgements.
pub fn claim_money_section(m: &store::ClaimMoney) -> Markup {
    html! {
        section.money {
            h2 { "Payments and acknowledgements" }
            dl.balances {
                dt { "Charge" } dd { "$" (amount(m.charge_cents)) }
                dt { "Paid by payers" } dd { "$" (amount(m.paid_cents)) }
                dt { "Adjusted (written off)" } dd { "$" (amount(m.adjusted_cents)) }
                dt { "Patient responsibility" } dd { "$" (amount(m.patient_resp_cents)) }
                @if m.patient_paid_cents != 0 { dt { "Paid by the patient" } dd { "$" (amount(m.patient_paid_cents)) } }
                dt { "Insurance balance" } dd #insurance-balance { "$" (amount(m.insurance_balance())) }
                dt { "Patient balance" } dd #patient-balance { "$" (amount(m.patient_balance())) }
                @if let Some(ccn) = &m.payer_claim_control_number { dt { "Payer claim number" } dd { (ccn) } }
            }
            @if !m.acknowledgements.is_empty() {
                table.acks {
                    caption { "Acknowledgements" }
                    thead { tr { th { "Received" } th { "File" } th { "Answer" } th { "Code" } th { "In words" } } }
                    tbody { @for a in &m.acknowledgements { tr {
                        td { (a.received_at.strftime("%Y-%m-%d %H:%M UTC")) }
                        td { (a.kind) }
                        td { @if a.accepted { "accepted" } @else { strong.bad { "rejected" } } }
                        td { code { (a.code) } }
                        td { (a.message) }
                    } } }
                }
            }
            @for p in &m.payments {
                table.payment {
                    caption { (p.payer_name) " · trace " (p.trace_number) @if let Some(d) = &p.payment_date { " · " (d) } " · "
                        (rcm_x12::codes::claim_status_meaning(&p.status_code).unwrap_or("status")) " (" (p.status_code) ")" }
                    thead { tr { th { "Line" } th { "Group" } th { "Reason" } th { "Meaning" } th.num { "Amount" } } }
                    tbody {
                        @for (line, group, reason, cents) in &p.adjustments { tr {
                            td { (line.map(|l| l.to_string()).unwrap_or_else(|| "claim".into())) }
                            td { (group) } td { (reason) } td { (posting::reason_meaning(reason)) }
                            td.num { "$" (amount(*cents)) }
                        } }
                    }
                    tfoot { tr { td colspan="4" { "Paid" } td.num { "$" (amount(p.paid_cents)) } } }
                }
            }
            @if m.payments.is_empty() && m.acknowledgements.is_empty() { p.muted { "No answer from the clearinghouse or payer yet." } }
        }
    }
}

/// The claim page's links between a claim and the claims to the next payer, the button that bills
/// the next payer (for those who code claims: `csrf` is given), and the paper form.
pub fn coordination_section(
    claim_id: i64,
    status: store::ClaimStatus,
    m: &store::ClaimMoney,
    csrf: Option<Markup>,
) -> Markup {
    html! {
        section.coordination #coordination {
            h2 { "Other payers and paper" }
            @if let Some(primary) = m.primary_claim_id {
                p { "Bills the next payer after " a href={ "/claims/" (primary) } { "claim #" (primary) }
                    ", which settled $" (amount(m.prior_payer_cents)) " of the charge (its adjudication is sent with this claim)." }
            }
            @for next in &m.next_payer_claim_ids {
                p { "Next payer: " a.next-payer href={ "/claims/" (next) } { "claim #" (next) } }
            }
            @if m.transferred_cents != 0 {
                p { "$" (amount(m.transferred_cents)) " of the patient's balance moved to the next payer." }
            }
            @if let Some(csrf) = csrf {
                @if status == store::ClaimStatus::Paid && m.patient_balance() > 0 {
                    form.inline method="post" action={ "/claims/" (claim_id) "/next-payer" } {
                        (csrf)
                        button type="submit" { "Bill the secondary payer" }
                    }
                }
            }
            p { a href={ "/claims/" (claim_id) "/cms1500.pdf" } { "CMS-1500 (02/12) form" } " · "
                a href={ "/claims/" (claim_id) "/cms1500.pdf?style=data-only" } { "data only, for pre-printed red forms" } }
        }
    }
}

/// The form that records what the patient paid on a claim (billers, on the claim page).
pub fn patient_payment_form(claim_id: i64, csrf: Markup) -> Markup {
    html! {
        form.inline #patient-payment method="post" action={ "/claims/" (claim_id) "/patient-payments" } {
            (csrf)
            label { "Patient paid $ " input name="amount" size="8" required inputmode="decimal" aria-label="Amount"; }
            label { " by " select name="method" { option value="cash" { "cash" } option value="check" { "check" } option value="card" { "card" } option value="other" { "other" } } }
            label { " ref " input name="reference" size="10" maxlength="60"; }
            button type="submit" { "Record patient payment" }
        }
    }
}

fn import_result(out: &ImportOut) -> Markup {
    html! {
        div.notice role="status" id="import-result" {
            @if out.already_imported {
                p { "This file was imported before (file #" (out.file_id) "): nothing changed." }
            } @else {
                p { strong { (out.kind.clone().unwrap_or_default()) } " file #" (out.file_id) " imported." }
                @for p in &out.payments {
                    @if p.remittance_id.is_none() {
                        p { "Payment " (p.trace_number) " from " (p.payer) " was posted before; skipped." }
                    } @else {
                        p { "Payment " (p.trace_number) " from " (p.payer) ": $" (p.payment) " — "
                            (p.claims_posted) " claim(s) posted, " (p.claims_unmatched) " unmatched, " (p.denials) " denial(s) to work." }
                    }
                }
                @if !out.acknowledged.is_empty() {
                    ul { @for a in &out.acknowledged { li {
                        a href={ "/claims/" (a.claim_id) } { "Claim #" (a.claim_id) } ": "
                        @if a.accepted { "accepted" } @else { strong.bad { "rejected" } } " — " (a.message)
                        @if let Some(st) = &a.new_status { " (now " (st) ")" }
                    } } }
                }
                @if !out.unknown.is_empty() { p.warn { "Not ours: " (out.unknown.join(", ")) } }
                @if !out.notices.is_empty() { details { summary { (out.notices.len()) " notice(s) about the payer's file" } ul { @for n in &out.notices { li { (n) } } } } }
            }
        }
    }
}

async fn payments_page(
    state: &AppState,
    who: &Principal,
    message: Option<Markup>,
    status: StatusCode,
) -> Response {
    let (files, unmatched) = match (
        state.store.received_files(state.org(), 50).await,
        state.store.unmatched_payments(state.org(), false).await,
    ) {
        (Ok(f), Ok(u)) => (f, u),
        (Err(e), _) | (_, Err(e)) => return fail(e.into()),
    };
    html_response(
        status,
        layout(
            Some(who),
            "Payments",
            html! {
                h1 { "Payments and acknowledgements" }
                @if let Some(m) = message { (m) }
                form method="post" action="/payments" enctype="multipart/form-data" {
                    (csrf_field(who))
                    label.field for="file" { span.label { "An 835 remittance, 999 or 277CA file" }
                        input id="file" name="file" type="file" required; }
                    button.primary type="submit" accesskey="i" { "Import" }
                    p.muted { "Each file is all or nothing: an 835 that does not balance is refused whole. The same file again changes nothing." }
                }
                h2 { "Unmatched payments (" (unmatched.len()) ")" }
                @if unmatched.is_empty() { p.muted { "Every posted payment found its claim." } }
                @else {
                    table #unmatched {
                        thead { tr { th { "Payer" } th { "Trace" } th { "PCN" } th { "Payer claim" } th.num { "Charge" } th.num { "Paid" } th { "Why" } th {} } }
                        tbody { @for u in &unmatched { tr {
                            td { (u.payer_name) } td { (u.trace_number) } td { (u.patient_control_number) } td { (u.payer_claim_control_number) }
                            td.num { "$" (amount(u.charge_cents)) } td.num { "$" (amount(u.paid_cents)) }
                            td { (u.reason.replace('_', " ")) }
                            td {
                                form.inline method="post" action={ "/payments/unmatched/" (u.id) "/post" } {
                                    (csrf_field(who))
                                    input name="claim_id" size="6" placeholder="claim #" aria-label="Claim number" required;
                                    button type="submit" { "Post to claim" }
                                }
                                form.inline method="post" action={ "/payments/unmatched/" (u.id) "/resolve" } {
                                    (csrf_field(who)) button type="submit" { "Mark handled" } }
                            }
                        } } }
                    }
                }
                h2 { "Received files" }
                table {
                    thead { tr { th { "#" } th { "Kind" } th { "What it did" } th { "Imported" } th { "By" } } }
                    tbody { @for f in &files { tr {
                        td { (f.id) } td { (f.kind) } td { (f.summary) }
                        td { (f.imported_at.strftime("%Y-%m-%d %H:%M UTC")) } td { (f.imported_by) }
                    } } }
                }
            },
        ),
    )
}

pub async fn payments(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
) -> Response {
    payments_page(&state, &who, None, StatusCode::OK).await
}

/// The file part of a multipart upload.
async fn uploaded_file(headers: &HeaderMap, body: Bytes) -> ApiResult<Vec<u8>> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multer::parse_boundary(ct)
        .map_err(|_| Problem::bad_request("upload the file with the form (multipart/form-data)"))?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut mp = multer::Multipart::new(stream, boundary);
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|_| Problem::bad_request("the upload is not a well-formed form"))?
    {
        if field.name() == Some("file") {
            let bytes = field
                .bytes()
                .await
                .map_err(|_| Problem::bad_request("the uploaded file could not be read"))?;
            return Ok(bytes.to_vec());
        }
    }
    Err(Problem::field("file", "choose a file to import"))
}

pub async fn upload(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = match uploaded_file(&headers, body).await {
        Ok(bytes) => import(&state, &who, &bytes).await,
        Err(p) => Err(p),
    };
    match result {
        Ok((_, out)) => {
            payments_page(&state, &who, Some(import_result(&out)), StatusCode::OK).await
        }
        Err(p) => {
            let detail = if p.errors.is_empty() {
                p.detail.clone()
            } else {
                p.errors
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            payments_page(
                &state,
                &who,
                Some(html! { p.error role="alert" id="import-error" { (detail) } }),
                p.status(),
            )
            .await
        }
    }
}

pub async fn resolve_unmatched_page(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Response {
    let id = match id_param(id) {
        Ok(i) => i,
        Err(p) => return fail(p),
    };
    match state
        .store
        .resolve_unmatched(&who.actor(), state.org(), id)
        .await
    {
        Ok(()) => Redirect::to("/payments").into_response(),
        Err(e) => fail(e.into()),
    }
}

pub async fn work_queue(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    RawQuery(raw): RawQuery,
) -> Response {
    let f = Form::parse(raw.as_deref().unwrap_or("").as_bytes());
    let q = WorkQuery {
        kind: f.opt("kind"),
        reason: f.opt("reason"),
        payer_id: f.opt("payer_id").and_then(|v| v.parse().ok()),
        assigned_to: f.opt("assigned_to"),
        include_resolved: Some(f.opt("all").is_some()),
        ..WorkQuery::default()
    };
    let (groups, items) = match (
        state.store.work_groups(state.org()).await,
        state
            .store
            .work_items(&work_filter(&state, &q), 200, 0)
            .await,
    ) {
        (Ok(g), Ok((i, _))) => (g, i),
        (Err(e), _) | (_, Err(e)) => return fail(e.into()),
    };
    let can_work = who.can(Permission::PostPayments);
    html_response(
        StatusCode::OK,
        layout(
            Some(&who),
            "Work queue",
            html! {
                h1 { "Work queue" }
                h2 { "Open, by reason and payer" }
                @if groups.is_empty() { p.muted { "Nothing to work: no open rejection or denial." } }
                @else {
                    table #work-groups {
                        thead { tr { th { "Kind" } th { "Reason" } th { "Payer" } th.num { "Items" } th.num { "Amount" } th { "Oldest" } th { "Next step" } } }
                        tbody { @for g in &groups { tr {
                            td { (g.kind.replace('_', " ")) }
                            td { a href={ "/work-queue?reason=" (g.reason_code) "&payer_id=" (g.payer_id) } { code { (g.reason_code) } } " " (posting::work_reason_meaning(&g.kind, &g.reason_code)) }
                            td { (g.payer_name) }
                            td.num { (g.items) }
                            td.num { "$" (amount(g.amount_cents)) }
                            td { (g.oldest.strftime("%Y-%m-%d")) }
                            td { (posting::work_next_step(&g.kind, &g.reason_code)) }
                        } } }
                    }
                }
                h2 { "Items" }
                form.filters method="get" action="/work-queue" {
                    label { "Kind " select name="kind" {
                        option value="" { "any" }
                        @for k in ["rejected", "denied", "line_denied"] { option value=(k) selected[q.kind.as_deref() == Some(k)] { (k.replace('_', " ")) } }
                    } }
                    label { "Reason " input name="reason" value=(q.reason.clone().unwrap_or_default()) size="8"; }
                    label { "Assigned to " input name="assigned_to" value=(q.assigned_to.clone().unwrap_or_default()) size="12"; }
                    label { input type="checkbox" name="all" value="1" checked[q.include_resolved == Some(true)]; " include resolved" }
                    button type="submit" { "Filter" }
                }
                table #work-items {
                    thead { tr { th { "#" } th { "Claim" } th { "Kind" } th { "Reason" } th { "Remark" } th { "Payer" } th.num { "Amount" } th { "Opened" } th { "Assigned" } th {} } }
                    tbody { @for w in &items { tr {
                        td { a href={ "/work-queue/" (w.id) } { (w.id) } }
                        td { a href={ "/claims/" (w.claim_id) } { "#" (w.claim_id) } }
                        td { (w.kind.replace('_', " ")) }
                        td { @if !w.group_code.is_empty() { (w.group_code) "-" } (w.reason_code) }
                        td { (w.remark_code) }
                        td { (w.payer_name) }
                        td.num { "$" (amount(w.amount_cents)) }
                        td { (w.opened_at.strftime("%Y-%m-%d")) }
                        td { (w.assigned_to.clone().unwrap_or_default()) }
                        td { @if w.resolved_at.is_some() { "resolved" } @else if w.appealed_at.is_some() { "appealed" } @else if can_work { a href={ "/work-queue/" (w.id) } { "Work" } } }
                    } } }
                }
            },
        ),
    )
}

pub async fn work_item(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Response {
    let id = match id_param(id) {
        Ok(i) => i,
        Err(p) => return fail(p),
    };
    // Reading the notes checks that the item is this organization's (and audits the view).
    let notes = match state.store.work_notes(&who.actor(), state.org(), id).await {
        Ok(n) => n,
        Err(e) => return fail(e.into()),
    };
    let item = match state.store.work_item(state.org(), id).await {
        Ok(i) => i,
        Err(e) => return fail(e.into()),
    };
    let w = item_out(&item);
    let can_work = who.can(Permission::PostPayments) && item.resolved_at.is_none();
    html_response(
        StatusCode::OK,
        layout(
            Some(&who),
            "Work item",
            html! {
                h1 { "Work item #" (w.id) " · claim " a href={ "/claims/" (w.claim_id) } { "#" (w.claim_id) } }
                dl {
                    dt { "Kind" } dd { (w.kind.replace('_', " ")) " (from the " (w.source) ")" }
                    dt { "Reason" } dd { @if !w.group.is_empty() { (w.group) "-" } (w.reason) ": " (w.reason_meaning) }
                    @if !w.remark.is_empty() { dt { "Remark" } dd { (w.remark) @if let Some(m) = &w.remark_meaning { ": " (m) } } }
                    dt { "Next step" } dd #next-step { (w.next_step) }
                    dt { "Payer" } dd { (w.payer) }
                    dt { "Amount" } dd { "$" (w.amount) }
                    dt { "Opened" } dd { (w.opened_at) }
                    @if let Some(a) = &w.appealed_at { dt { "Appeal sent" } dd #appealed { (a) } }
                    dt { "Assigned to" } dd #assigned { (w.assigned_to.clone().unwrap_or_else(|| "nobody".into())) }
                    @if let Some(r) = &w.resolved_at { dt { "Resolved" } dd { (r) " by " (w.resolved_by.clone().unwrap_or_default()) } }
                }
                h2 { "Notes" }
                @if notes.is_empty() { p.muted { "No notes yet." } }
                ul #notes { @for n in &notes { li { strong { (n.author) } " · " (n.written_at.strftime("%Y-%m-%d %H:%M UTC")) ": " (n.note) } } }
                @if can_work {
                    form method="post" action={ "/work-queue/" (w.id) "/notes" } {
                        (csrf_field(&who))
                        label.field for="note" { span.label { "Add a note" } textarea id="note" name="note" rows="3" required maxlength="2000" {} }
                        button.primary type="submit" { "Add note" }
                    }
                    form.inline method="post" action={ "/work-queue/" (w.id) "/assign" } {
                        (csrf_field(&who))
                        label { "Assign to " input name="assigned_to" value=(w.assigned_to.clone().unwrap_or_else(|| who.user.username.clone())) size="16"; }
                        button type="submit" { "Assign" }
                    }
                    @if w.kind != "rejected" && w.appealed_at.is_none() {
                        form method="post" action={ "/work-queue/" (w.id) "/appeal" } {
                            (csrf_field(&who))
                            label.field for="appeal-note" { span.label { "Appeal sent: what went to the payer" }
                                input id="appeal-note" name="note" required maxlength="2000"; }
                            button type="submit" { "Record appeal" }
                        }
                    }
                    form.inline method="post" action={ "/work-queue/" (w.id) "/resolve" } {
                        (csrf_field(&who))
                        button.danger type="submit" { "Resolve" }
                    }
                }
            },
        ),
    )
}

fn back_to_item(id: i64, r: store::Result<()>) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/work-queue/{id}")).into_response(),
        Err(e) => fail(e.into()),
    }
}

pub async fn work_note(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    body: Bytes,
) -> Response {
    let id = match id_param(id) {
        Ok(i) => i,
        Err(p) => return fail(p),
    };
    let f = Form::parse(&body);
    let note = f.opt("note").unwrap_or_default();
    back_to_item(
        id,
        state
            .store
            .add_work_note(&who.actor(), state.org(), id, &note)
            .await,
    )
}

pub async fn work_assign(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    body: Bytes,
) -> Response {
    let id = match id_param(id) {
        Ok(i) => i,
        Err(p) => return fail(p),
    };
    let f = Form::parse(&body);
    let to = f.opt("assigned_to");
    back_to_item(
        id,
        state
            .store
            .assign_work_item(&who.actor(), state.org(), id, to.as_deref())
            .await,
    )
}

pub async fn work_appeal(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    body: Bytes,
) -> Response {
    let id = match id_param(id) {
        Ok(i) => i,
        Err(p) => return fail(p),
    };
    let f = Form::parse(&body);
    let note = f.opt("note").unwrap_or_default();
    back_to_item(
        id,
        state
            .store
            .record_appeal(&who.actor(), state.org(), id, &note)
            .await,
    )
}

pub async fn work_resolve(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Response {
    let id = match id_param(id) {
        Ok(i) => i,
        Err(p) => return fail(p),
    };
    back_to_item(
        id,
        state
            .store
            .resolve_work_item(&who.actor(), state.org(), id)
            .await,
    )
}

// ---------------------------------------------------------------- charts

const PALETTE: [&str; 5] = ["#2b7a4b", "#7aa33b", "#d9a400", "#d96a00", "#b3261e"];

/// Where each bucket's segment of a stacked bar starts and how wide it is.
fn bar_segments(buckets: &[i64; 5], start: i64, plot: i64, max: i64) -> Vec<(i64, i64)> {
    let mut x = start;
    buckets
        .iter()
        .map(|c| {
            let w = c.max(&0) * plot / max;
            let seg = (x, w);
            x += w;
            seg
        })
        .collect()
}

/// Horizontal stacked bars: one bar per row, one segment per aging bucket.
fn aging_chart(rows: &[store::AgingRow]) -> Markup {
    let max = rows
        .iter()
        .map(|r| r.total.max(0))
        .max()
        .unwrap_or(0)
        .max(1);
    let bar_h = 22;
    let label_w = 200;
    let width = 720;
    let plot = width - label_w - 90;
    let height = rows.len() * (bar_h + 8) + 40;
    html! {
        svg.chart role="img" aria-label="A/R aging by payer" viewBox={ "0 0 " (width) " " (height) } width=(width) height=(height) {
            @for (i, r) in rows.iter().enumerate() {
                @let y = 10 + i * (bar_h + 8);
                text x="0" y=(y + 16) font-size="13" { (r.label.chars().take(28).collect::<String>()) }
                @let segments = bar_segments(&r.buckets, label_w as i64, plot as i64, max);
                @for (b, (x, w)) in segments.iter().enumerate() {
                    rect x=(x) y=(y) width=(w) height=(bar_h) fill=(PALETTE[b]) {
                        title { (AGING_BUCKETS[b]) " days: $" (amount(r.buckets[b])) }
                    }
                }
                @let x = segments.last().map_or(label_w as i64, |(x, w)| x + w);
                text x=(x + 6) y=(y + 16) font-size="12" { "$" (amount(r.total)) }
            }
            @for (b, name) in AGING_BUCKETS.iter().enumerate() {
                rect x=(label_w + b * 95) y=(height - 20) width="12" height="12" fill=(PALETTE[b]) {}
                text x=(label_w + b * 95 + 16) y=(height - 10) font-size="12" { (name) }
            }
        }
    }
}

/// Vertical bars of charges and payments per month.
fn period_chart(rows: &[store::PeriodTotals]) -> Markup {
    let mut months: Vec<(String, i64, i64)> = Vec::new();
    for r in rows {
        match months.iter_mut().find(|m| m.0 == r.period) {
            Some(m) => {
                m.1 += r.charges_cents;
                m.2 += r.payments_cents;
            }
            None => months.push((r.period.clone(), r.charges_cents, r.payments_cents)),
        }
    }
    months.sort();
    let max = months
        .iter()
        .map(|m| m.1.max(m.2))
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_h = 160i64;
    let slot = 48;
    let width = (months.len() * slot + 20).max(300);
    html! {
        svg.chart role="img" aria-label="Charges and payments by month" viewBox={ "0 0 " (width) " 220" } width=(width) height="220" {
            @for (i, (period, charges, paid)) in months.iter().enumerate() {
                @let x = 10 + i * slot;
                @let hc = charges.max(&0) * plot_h / max;
                @let hp = paid.max(&0) * plot_h / max;
                rect x=(x) y=(10 + plot_h - hc) width="18" height=(hc) fill="#3b6ea5" { title { (period) " charges $" (amount(*charges)) } }
                rect x=(x + 20) y=(10 + plot_h - hp) width="18" height=(hp) fill="#2b7a4b" { title { (period) " payments $" (amount(*paid)) } }
                text x=(x) y=(190) font-size="10" { (period) }
            }
            rect x="10" y="202" width="12" height="12" fill="#3b6ea5" {}
            text x="26" y="212" font-size="12" { "charges" }
            rect x="100" y="202" width="12" height="12" fill="#2b7a4b" {}
            text x="116" y="212" font-size="12" { "payments" }
        }
    }
}

pub async fn reports(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    RawQuery(raw): RawQuery,
) -> Response {
    let f = Form::parse(raw.as_deref().unwrap_or("").as_bytes());
    let as_of = match date_param("as_of", f.opt("as_of").as_deref(), crate::coding::today()) {
        Ok(d) => d,
        Err(p) => return fail(p),
    };
    let pq = PeriodQuery {
        from: None,
        to: Some(as_of.to_string()),
    };
    let (from, to) = match period_range(&pq) {
        Ok(r) => r,
        Err(p) => return fail(p),
    };
    let actor = who.actor();
    let (summary, by_payer, by_patient, denials, periods) = match (
        state.store.receivables_summary(state.org(), as_of).await,
        state
            .store
            .ar_aging(&actor, state.org(), as_of, AgingBy::Payer)
            .await,
        state
            .store
            .ar_aging(&actor, state.org(), as_of, AgingBy::Patient)
            .await,
        state.store.denial_rates(state.org()).await,
        state.store.period_totals(state.org(), from, to).await,
    ) {
        (Ok(s), Ok(a), Ok(b), Ok(d), Ok(p)) => (s, a, b, d, p),
        (Err(e), ..)
        | (_, Err(e), ..)
        | (_, _, Err(e), ..)
        | (_, _, _, Err(e), _)
        | (.., Err(e)) => {
            return fail(e.into());
        }
    };
    let s = summary_out(as_of, &summary);
    let payer_totals = totals(&by_payer);
    html_response(
        StatusCode::OK,
        layout(
            Some(&who),
            "Reports",
            html! {
                h1 { "Receivables as of " (as_of) }
                form.filters method="get" action="/reports" {
                    label { "As of " input type="date" name="as_of" value=(as_of.to_string()); }
                    button type="submit" { "Show" }
                }
                dl.kpis #kpis {
                    dt { "Insurance A/R" } dd #insurance-ar { "$" (s.insurance_ar) }
                    dt { "Patient A/R" } dd #patient-ar { "$" (s.patient_ar) }
                    dt { "Days in A/R" } dd { (s.days_in_ar.clone().unwrap_or_else(|| "–".into())) }
                    dt { "First-pass acceptance" } dd #first-pass { (pct(s.first_pass_accepted, s.first_answers).unwrap_or_else(|| "–".into())) " (" (s.first_pass_accepted) " of " (s.first_answers) ")" }
                    dt { "Denial rate" } dd #denial-rate { (pct(s.denied_claims, s.adjudicated_claims).unwrap_or_else(|| "–".into())) " (" (s.denied_claims) " of " (s.adjudicated_claims) " adjudicated)" }
                }
                h2 { "A/R aging by payer" }
                p { a href={ "/api/reports/aging.csv?by=payer&as_of=" (as_of) } download { "CSV" } }
                @if by_payer.is_empty() { p.muted { "No insurance balance." } } @else {
                    (aging_chart(&by_payer))
                    (aging_table("payer", &by_payer, payer_totals))
                }
                h2 { "A/R aging by patient" }
                p { a href={ "/api/reports/aging.csv?by=patient&as_of=" (as_of) } download { "CSV" } }
                @if by_patient.is_empty() { p.muted { "No patient balance." } } @else {
                    (aging_table("patient", &by_patient, totals(&by_patient)))
                }
                h2 { "Denials by payer and reason" }
                @if denials.is_empty() { p.muted { "No denial." } } @else {
                    table #denials {
                        thead { tr { th { "Payer" } th { "Reason" } th.num { "Denied claims" } th.num { "Adjudicated" } th.num { "Rate" } } }
                        tbody { @for d in &denials { tr {
                            td { (d.payer_name) } td { code { (d.reason_code) } " " (posting::reason_meaning(&d.reason_code)) }
                            td.num { (d.denied_claims) } td.num { (d.adjudicated_claims) }
                            td.num { (pct(d.denied_claims, d.adjudicated_claims).unwrap_or_default()) }
                        } } }
                    }
                }
                h2 { "Charges, payments and adjustments by month and provider" }
                p { a href={ "/api/reports/periods.csv?from=" (from) "&to=" (to) } download { "CSV" } }
                @if periods.is_empty() { p.muted { "Nothing in this period." } } @else {
                    (period_chart(&periods))
                    table #periods {
                        thead { tr { th { "Month" } th { "Provider" } th.num { "Charges" } th.num { "Payments" } th.num { "Adjustments" } } }
                        tbody { @for p in &periods { tr {
                            td { (p.period) } td { (p.provider_name) }
                            td.num { "$" (amount(p.charges_cents)) } td.num { "$" (amount(p.payments_cents)) } td.num { "$" (amount(p.adjustments_cents)) }
                        } } }
                    }
                }
            },
        ),
    )
}

fn aging_table(who: &str, rows: &[store::AgingRow], t: [i64; 5]) -> Markup {
    html! {
        table.aging id={ "aging-" (who) } {
            thead { tr { th { (who) } @for b in AGING_BUCKETS { th.num { (b) } } th.num { "Total" } } }
            tbody { @for r in rows { tr {
                td { (r.label) }
                @for c in r.buckets { td.num { "$" (amount(c)) } }
                td.num { "$" (amount(r.total)) }
            } } }
            tfoot { tr { td { "Total" } @for c in t { td.num { "$" (amount(c)) } } td.num { "$" (amount(t.iter().sum())) } } }
        }
    }
}

/// A patient's statement as a PDF download (the patient's name and address are read through the
/// audited patient view).
pub async fn statement_pdf(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Response {
    pdf_response(
        statement(&state, &who, id).await,
        "attachment; filename=\"statement.pdf\"",
    )
}

/// A PDF download, or the problem that kept it from being written.
pub(crate) fn pdf_response(pdf: ApiResult<Vec<u8>>, disposition: &'static str) -> Response {
    match pdf {
        Ok(bytes) => {
            let mut r = bytes.into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            );
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static(disposition),
            );
            r
        }
        Err(p) => p.into_response(),
    }
}

async fn statement(
    state: &AppState,
    who: &Principal,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> ApiResult<Vec<u8>> {
    let id = id_param(id)?;
    let patient = state.store.patient(&who.actor(), id).await?;
    if patient.data.organization_id != state.org() {
        return Err(Problem::not_found("patient"));
    }
    let claims = state.store.statement_claims(state.org(), id).await?;
    let org = state.store.organization(state.org()).await?;
    let billing = state.store.billing_providers(state.org()).await?;
    let mut practice = vec![org.name.clone()];
    if let Some(b) = billing.first() {
        practice.push(b.provider.address_line1.clone());
        practice.push(format!(
            "{} {} {}",
            b.provider.city, b.provider.state, b.provider.postal_code
        ));
    }
    let d = &patient.data;
    let mut patient_lines = vec![format!("{} {}", d.first_name, d.last_name)];
    if let Some(a) = &d.address {
        patient_lines.push(a.line1.clone());
        if let Some(l2) = &a.line2 {
            patient_lines.push(l2.clone());
        }
        patient_lines.push(format!("{} {} {}", a.city, a.state, a.postal_code));
    }
    let doc = rcm_documents::Statement {
        practice,
        patient: patient_lines,
        account: format!("P{id}"),
        statement_date: crate::coding::today().to_string(),
        lines: claims
            .iter()
            .map(|c| rcm_documents::StatementLine {
                date_of_service: c.service_date.map(|d| d.to_string()).unwrap_or_default(),
                description: format!("Claim {}: {}", c.claim_id, c.procedure_codes.join(", ")),
                charge_cents: c.charge_cents,
                insurance_paid_cents: c.paid_cents,
                adjusted_cents: c.adjusted_cents,
                patient_owes_cents: c.patient_owes_cents,
            })
            .collect(),
    };
    Ok(rcm_documents::statement_pdf(&doc))
}
