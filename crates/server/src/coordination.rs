//! After the primary payer's 835: the claim to the secondary payer (with the primary's
//! adjudication) and the claim on paper, as a CMS-1500 (02/12) PDF.

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use crate::AppState;
use crate::api::{ClaimOut, id_param, json_value};
use crate::auth::Principal;
use crate::pages::{claim_page, fail};
use crate::problem::{ApiResult, Problem};
use crate::service::{self, CheckedClaim};

type PathId = Result<Path<i64>, axum::extract::rejection::PathRejection>;

/// Creates the claim to the next payer of a paid claim: same services and diagnoses, the
/// patient's next coverage, the earlier payer's adjudication carried in its 837; scrubbed.
pub async fn create_next_payer_claim(
    state: &AppState,
    who: &Principal,
    claim_id: i64,
) -> ApiResult<CheckedClaim> {
    let (encounter_id, content) = state.store.next_payer_claim(state.org(), claim_id).await?;
    service::create_claim(state, &who.actor(), encounter_id, content).await
}

/// `POST /api/claims/{id}/next-payer`.
pub async fn api_next_payer(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: PathId,
) -> ApiResult<(StatusCode, axum::Json<serde_json::Value>)> {
    let c = create_next_payer_claim(&state, &who, id_param(id)?).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json_value(&ClaimOut::from(&c))?),
    ))
}

/// `POST /claims/{id}/next-payer` (the claim page's button): on to the new claim, or back to
/// this one with the reason it cannot be billed yet.
pub async fn next_payer_page(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: PathId,
) -> Response {
    let Ok(Path(id)) = id else {
        return fail(Problem::not_found("claim"));
    };
    match create_next_payer_claim(&state, &who, id).await {
        Ok(c) => Redirect::to(&format!("/claims/{}", c.claim.id)).into_response(),
        Err(p) => match service::checked_claim(&state, &who.actor(), id).await {
            Ok(c) => {
                let note = html! { p.error role="alert" { (p.detail) } };
                claim_page(&state, &who, &c, None, Some(note), p.status()).await
            }
            Err(p) => fail(p),
        },
    }
}

/// `GET /claims/{id}/cms1500.pdf[?style=data-only]`: the claim on the CMS-1500 (02/12) form,
/// drawn in the form's red, or only the data to print on pre-printed red-ink forms.
pub async fn cms1500_pdf(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: PathId,
    RawQuery(query): RawQuery,
) -> Response {
    crate::receivables::pdf_response(
        cms1500(&state, &who, id, query.as_deref()).await,
        "inline; filename=\"cms1500.pdf\"",
    )
}

async fn cms1500(
    state: &AppState,
    who: &Principal,
    id: PathId,
    query: Option<&str>,
) -> ApiResult<Vec<u8>> {
    let style = match query.unwrap_or_default() {
        "" | "style=form" => rcm_documents::FormStyle::WithForm,
        "style=data-only" => rcm_documents::FormStyle::DataOnly,
        _ => {
            return Err(Problem::field(
                "style",
                "form (the default) or data-only (for pre-printed red-ink forms)",
            ));
        }
    };
    let id = id_param(id)?;
    let checked = service::checked_claim(state, &who.actor(), id).await?;
    let built = crate::coding::claim_input(Some(id), &checked.records, &checked.claim.content)
        .build("claim");
    let Some(claim) = built.claim else {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "claim-incomplete",
            format!(
                "the claim cannot be printed until it can be read: {}",
                built
                    .problems
                    .iter()
                    .map(|p| format!("{}: {}", p.path, p.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ));
    };
    let forms =
        rcm_documents::Cms1500::from_claim(&claim, crate::coding::today()).map_err(|e| {
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "form-does-not-fit",
                e.to_string(),
            )
        })?;
    Ok(rcm_documents::cms1500_pdf(&forms, style))
}
