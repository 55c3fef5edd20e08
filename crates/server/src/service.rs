//! What the pages and the API both do: read a claim with everything it refers to, save it and
//! scrub it, create a batch with its 837. Every record is checked to belong to the server's
//! organization before it is shown or changed.

use rcm_claims::input::{ReceiverInput, SubmitterInput};
use rcm_claims::x12::{Submission, write_837_interchange};
use rcm_edits::{ClaimReport, Severity};
use rcm_store::{self as store, Actor, ClaimContent, ClaimKind, ClaimRecords};

use crate::AppState;
use crate::coding::{claim_input, counts, scrub};
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

/// A stored claim, what it refers to and the scrubber's findings on it.
pub struct CheckedClaim {
    pub claim: store::Claim,
    pub records: ClaimRecords,
    pub report: ClaimReport,
}

impl CheckedClaim {
    pub fn errors(&self) -> usize {
        self.report.count(Severity::Error)
    }
}

fn run_scrub(
    state: &AppState,
    claim_id: Option<i64>,
    records: &ClaimRecords,
    content: &ClaimContent,
) -> ClaimReport {
    let scrubber = state.coding.scrubber();
    scrub(&scrubber, &claim_input(claim_id, records, content))
}

/// A claim, its records and the scrubber's findings (read in one transaction; the verdict is stored
/// only when it changed).
pub async fn checked_claim(state: &AppState, actor: &Actor, id: i64) -> ApiResult<CheckedClaim> {
    let (claim, records) = state
        .store
        .claim_with_records(actor, state.org(), id)
        .await?;
    let report = run_scrub(state, Some(claim.id), &records, &claim.content);
    let verdict = counts(&report);
    if claim.scrub != Some(verdict) {
        state
            .store
            .set_scrub_result(claim.id, claim.version, verdict)
            .await?;
    }
    Ok(CheckedClaim {
        claim,
        records,
        report,
    })
}

/// The check the store runs inside the saving transaction: scrub the saved claim, keep the report,
/// give the store its counts.
fn scrubbing<'a>(
    state: &'a AppState,
    report: &'a mut Option<ClaimReport>,
) -> impl FnOnce(&store::Claim, &ClaimRecords) -> store::ScrubCounts + 'a {
    move |claim, records| {
        let r = run_scrub(state, Some(claim.id), records, &claim.content);
        let c = counts(&r);
        *report = Some(r);
        c
    }
}

/// Creates the claim of an encounter and scrubs it: one transaction.
pub async fn create_claim(
    state: &AppState,
    actor: &Actor,
    encounter_id: i64,
    content: ClaimContent,
) -> ApiResult<CheckedClaim> {
    let mut report = None;
    let (claim, records) = state
        .store
        .create_claim_checked(
            actor,
            &store::NewClaim {
                organization_id: state.org(),
                encounter_id,
                kind: ClaimKind::Professional,
                content,
            },
            scrubbing(state, &mut report),
        )
        .await?;
    Ok(CheckedClaim {
        claim,
        records,
        report: report.ok_or_else(Problem::internal)?,
    })
}

/// Saves a claim's content when `version` is still the stored one, and scrubs it: one transaction.
pub async fn update_claim(
    state: &AppState,
    actor: &Actor,
    id: i64,
    version: i64,
    content: ClaimContent,
) -> ApiResult<CheckedClaim> {
    let mut report = None;
    let (claim, records) = state
        .store
        .update_claim_checked(
            actor,
            state.org(),
            id,
            version,
            &content,
            scrubbing(state, &mut report),
        )
        .await?;
    Ok(CheckedClaim {
        claim,
        records,
        report: report.ok_or_else(Problem::internal)?,
    })
}

/// Scrubs content for an encounter without saving anything.
pub async fn check_unsaved(
    state: &AppState,
    actor: &Actor,
    encounter_id: i64,
    claim_id: Option<i64>,
    content: &ClaimContent,
) -> ApiResult<ClaimReport> {
    let records = state
        .store
        .claim_records(actor, state.org(), encounter_id, content)
        .await?;
    Ok(run_scrub(state, claim_id, &records, content))
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
        let input = claim_input(Some(c.claim.id), &c.records, &c.claim.content);
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
