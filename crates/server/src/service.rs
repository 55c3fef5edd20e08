//! What the pages and the API both do: read a claim with everything it refers to, save it and
//! scrub it, create a batch with its 837. Every record is checked to belong to the server's
//! organization before it is shown or changed.

use std::collections::HashMap;

use rcm_claims::input::{ReceiverInput, SubmitterInput};
use rcm_claims::x12::{Submission, write_837_interchange};
use rcm_edits::{ClaimReport, Severity};
use rcm_store::{self as store, Actor, ClaimContent, ClaimKind};

use crate::AppState;
use crate::coding::{ClaimContext, claim_input, scrub};
use crate::problem::{ApiResult, Problem};

pub async fn patient(state: &AppState, actor: &Actor, id: i64) -> ApiResult<store::Patient> {
    let p = state.store.patient(actor, id).await?;
    if p.data.organization_id != state.org() {
        return Err(Problem::not_found("patient"));
    }
    Ok(p)
}

pub async fn encounter(state: &AppState, actor: &Actor, id: i64) -> ApiResult<store::Encounter> {
    let e = state.store.encounter(actor, id).await?;
    if e.data.organization_id != state.org() {
        return Err(Problem::not_found("encounter"));
    }
    Ok(e)
}

pub async fn claim(state: &AppState, actor: &Actor, id: i64) -> ApiResult<store::Claim> {
    let c = state.store.claim(actor, id).await?;
    if c.organization_id != state.org() {
        return Err(Problem::not_found("claim"));
    }
    Ok(c)
}

/// Everything the claim refers to. The coverage must be the encounter's patient's.
pub async fn context(
    state: &AppState,
    actor: &Actor,
    claim_id: Option<i64>,
    encounter: store::Encounter,
    coverage_id: i64,
    content: &ClaimContent,
) -> ApiResult<ClaimContext> {
    let patient = patient(state, actor, encounter.data.patient_id).await?;
    let coverage = state
        .store
        .coverages(actor, patient.id)
        .await?
        .into_iter()
        .find(|c| c.id == coverage_id)
        .ok_or_else(|| {
            Problem::field("coverage_id", "not a coverage of this encounter's patient")
        })?;
    let payer = state.store.payer(coverage.data.payer_id).await?;
    let billing = state
        .store
        .billing_provider(encounter.data.billing_provider_id)
        .await?;
    let rendering = match encounter.data.rendering_provider_id {
        Some(id) => Some(state.store.rendering_provider(id).await?),
        None => None,
    };
    let mut line_rendering = HashMap::new();
    for id in content.lines.iter().filter_map(|l| l.rendering_provider_id) {
        if let std::collections::hash_map::Entry::Vacant(e) = line_rendering.entry(id) {
            let r = state.store.rendering_provider(id).await?;
            if r.provider.organization_id != state.org() {
                return Err(Problem::field(
                    "lines.rendering_provider_id",
                    "not a provider of this organization",
                ));
            }
            e.insert(r);
        }
    }
    Ok(ClaimContext {
        claim_id,
        organization: state.store.organization(state.org()).await?,
        patient,
        coverage,
        payer,
        encounter,
        billing,
        rendering,
        line_rendering,
    })
}

/// A stored claim, what it refers to and the scrubber's findings on it.
pub struct CheckedClaim {
    pub claim: store::Claim,
    pub context: ClaimContext,
    pub report: ClaimReport,
}

impl CheckedClaim {
    pub fn errors(&self) -> usize {
        self.report.count(Severity::Error)
    }
}

async fn check_stored(
    state: &AppState,
    actor: &Actor,
    claim: store::Claim,
) -> ApiResult<CheckedClaim> {
    let encounter = encounter(state, actor, claim.encounter_id).await?;
    let context = context(
        state,
        actor,
        Some(claim.id),
        encounter,
        claim.content.coverage_id,
        &claim.content,
    )
    .await?;
    let scrubber = state.coding.scrubber();
    let input = claim_input(&context, &claim.content);
    let report = scrub(&scrubber, &input);
    let errors = report.count(Severity::Error) as i64;
    let warnings = (report.findings.len() as i64) - errors;
    state
        .store
        .set_scrub_result(claim.id, claim.version, errors, warnings)
        .await?;
    Ok(CheckedClaim {
        claim,
        context,
        report,
    })
}

pub async fn checked_claim(state: &AppState, actor: &Actor, id: i64) -> ApiResult<CheckedClaim> {
    let c = claim(state, actor, id).await?;
    check_stored(state, actor, c).await
}

/// Creates the claim of an encounter and scrubs it.
pub async fn create_claim(
    state: &AppState,
    actor: &Actor,
    encounter_id: i64,
    content: ClaimContent,
) -> ApiResult<CheckedClaim> {
    let enc = encounter(state, actor, encounter_id).await?;
    // Checked before writing: the coverage must be the patient's.
    context(state, actor, None, enc, content.coverage_id, &content).await?;
    let claim = state
        .store
        .create_claim(
            actor,
            &store::NewClaim {
                organization_id: state.org(),
                encounter_id,
                kind: ClaimKind::Professional,
                content,
            },
        )
        .await?;
    check_stored(state, actor, claim).await
}

/// Saves a claim's content when `version` is still the stored one, and scrubs it.
pub async fn update_claim(
    state: &AppState,
    actor: &Actor,
    id: i64,
    version: i64,
    content: ClaimContent,
) -> ApiResult<CheckedClaim> {
    let current = claim(state, actor, id).await?;
    let enc = encounter(state, actor, current.encounter_id).await?;
    context(state, actor, Some(id), enc, content.coverage_id, &content).await?;
    let saved = state
        .store
        .update_claim(actor, id, version, &content)
        .await?;
    check_stored(state, actor, saved).await
}

/// Scrubs content for an encounter without saving anything.
pub async fn check_unsaved(
    state: &AppState,
    actor: &Actor,
    encounter_id: i64,
    claim_id: Option<i64>,
    content: &ClaimContent,
) -> ApiResult<ClaimReport> {
    let enc = encounter(state, actor, encounter_id).await?;
    let ctx = context(state, actor, claim_id, enc, content.coverage_id, content).await?;
    let scrubber = state.coding.scrubber();
    let input = claim_input(&ctx, content);
    Ok(scrub(&scrubber, &input))
}

/// Marks a claim ready (refused while the scrubber finds an error), back to draft, or void.
pub async fn set_status(
    state: &AppState,
    actor: &Actor,
    id: i64,
    version: i64,
    to: store::ClaimStatus,
    note: Option<&str>,
) -> ApiResult<CheckedClaim> {
    if !matches!(
        to,
        store::ClaimStatus::Ready | store::ClaimStatus::Draft | store::ClaimStatus::Void
    ) {
        return Err(Problem::field(
            "status",
            "ready, draft or void here; submitted is set by creating a batch",
        ));
    }
    let checked = checked_claim(state, actor, id).await?;
    if to == store::ClaimStatus::Ready && checked.errors() > 0 {
        return Err(Problem::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "scrubber-errors",
            format!(
                "the scrubber finds {} error(s) on this claim; fix them before marking it ready",
                checked.errors()
            ),
        ));
    }
    state
        .store
        .set_claim_status(actor, id, version, to, note)
        .await?;
    checked_claim(state, actor, id).await
}

/// Creates a batch of ready professional claims: every claim is scrubbed again, the 837P is
/// written and validated, and only then are the claims marked submitted, all in one transaction.
pub async fn create_batch(
    state: &AppState,
    actor: &Actor,
    claim_ids: &[i64],
) -> ApiResult<store::Batch> {
    if claim_ids.is_empty() {
        return Err(Problem::field(
            "claim_ids",
            "choose at least one ready claim",
        ));
    }
    let edi = state.store.edi_settings(state.org()).await?.ok_or_else(|| {
        Problem::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "edi-settings",
            "the organization's EDI settings (submitter and receiver ids) are not set; an administrator sets them under Admin",
        )
    })?;
    let org = state.store.organization(state.org()).await?;
    let mut claims = Vec::with_capacity(claim_ids.len());
    for &id in claim_ids {
        let c = checked_claim(state, actor, id).await?;
        if c.claim.status != store::ClaimStatus::Ready {
            return Err(Problem::field(
                "claim_ids",
                format!("claim {id} is {}, not ready", c.claim.status),
            ));
        }
        if c.errors() > 0 {
            return Err(Problem::field(
                "claim_ids",
                format!("claim {id} has scrubber errors; fix them first"),
            ));
        }
        let input = claim_input(&c.context, &c.claim.content);
        let built = input.build(&format!("claims[{id}]"));
        match built.claim {
            Some(claim) => claims.push(claim),
            None => {
                return Err(Problem::field(
                    "claim_ids",
                    format!(
                        "claim {id} cannot be written: {}",
                        built
                            .problems
                            .iter()
                            .map(|p| p.message.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                ));
            }
        }
    }
    let created = jiff::ZonedDateTime::now().datetime();
    let submitter = SubmitterInput {
        name: org.name.clone(),
        id: edi.submitter_id.clone(),
        contact_name: edi.contact_name.clone(),
        contact_phone: edi.contact_phone.clone(),
    };
    let receiver = ReceiverInput {
        name: edi.receiver_name.clone(),
        id: edi.receiver_id.clone(),
    };
    let refs: Vec<&rcm_claims::Claim> = claims.iter().collect();
    let batch = state
        .store
        .create_batch_with_file(
            actor,
            state.org(),
            ClaimKind::Professional,
            claim_ids,
            |b| {
                let sub = Submission {
                    submitter,
                    receiver,
                    interchange_control: u32::try_from(b.interchange_control_number).unwrap_or(1),
                    created,
                };
                write_837_interchange(&sub, rcm_claims::ClaimKind::Professional, &refs)
                    .map(Some)
                    .map_err(|e| e.to_string())
            },
        )
        .await?;
    Ok(batch)
}
