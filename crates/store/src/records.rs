//! A claim with everything it refers to (encounter, patient, coverage, payer, providers), read in
//! the transaction that saves the claim, with one audit entry for the request: the server saves,
//! scrubs and records the scrubber's verdict in ONE write transaction instead of one per record.

use sqlx::AnyConnection;

use crate::audit::append_in;
use crate::entities::{billing_from_row, payer_from_row};
use crate::error::Result;
use crate::model::*;
use crate::workspace::rendering_from_row;
use crate::{Store, StoreError, get};

/// What a claim refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRecords {
    pub encounter: Encounter,
    pub patient: Patient,
    pub coverage: Coverage,
    pub payer: Payer,
    pub billing: BillingProvider,
    pub rendering: Option<RenderingProvider>,
    /// Rendering providers named on lines.
    pub line_rendering: Vec<RenderingProvider>,
    /// The payer's claim control number of this encounter's claim, once a 277CA or 835 gave one:
    /// a replacement (frequency 7) or void (8) must name it (REF*F8).
    pub original_claim_reference: Option<String>,
    /// On a claim to a secondary or tertiary coverage: the earlier payer's adjudication of the
    /// same encounter (the 837's 2320/2330/2430 loops), once that payer paid.
    pub prior: Option<crate::PriorAdjudication>,
}

fn invalid(field: &'static str, reason: &str) -> StoreError {
    StoreError::Invalid {
        field,
        reason: reason.into(),
    }
}

async fn one(
    conn: &mut AnyConnection,
    sql: &str,
    id: i64,
    record: &'static str,
) -> Result<sqlx::any::AnyRow> {
    sqlx::query(sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { record, id })
}

impl Store {
    /// The date of service of an encounter of `organization_id` (a claim's encounter when `claim` is
    /// true), read without an audit entry: the server uses it to date a claim's lines, the request
    /// that creates or saves the claim is the audited action, and nothing is shown.
    pub async fn date_of_service(
        &self,
        organization_id: i64,
        id: i64,
        claim: bool,
    ) -> Result<jiff::civil::Date> {
        let sql = if claim {
            "SELECT e.service_date FROM claims c JOIN encounters e ON e.id = c.encounter_id \
             WHERE c.id = $1 AND c.organization_id = $2"
        } else {
            "SELECT service_date FROM encounters WHERE id = $1 AND organization_id = $2"
        };
        let row = sqlx::query(sql)
            .bind(id)
            .bind(organization_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound {
                record: if claim { "claim" } else { "encounter" },
                id,
            })?;
        crate::parse_date(
            "encounters.service_date",
            &crate::get::<String>(&row, "service_date")?,
        )
    }

    /// Reads the records of a claim's content for an encounter of `organization_id`; the coverage must be
    /// the encounter's patient's and every provider the organization's.
    async fn records_in(
        &self,
        conn: &mut AnyConnection,
        organization_id: i64,
        encounter_id: i64,
        content: &ClaimContent,
    ) -> Result<ClaimRecords> {
        let encounter = self.encounter_from_row(
            &one(
                conn,
                "SELECT * FROM encounters WHERE id = $1",
                encounter_id,
                "encounter",
            )
            .await?,
        )?;
        if encounter.data.organization_id != organization_id {
            return Err(StoreError::NotFound {
                record: "encounter",
                id: encounter_id,
            });
        }
        let patient = self.patient_from_row(
            &one(
                conn,
                "SELECT * FROM patients WHERE id = $1",
                encounter.data.patient_id,
                "patient",
            )
            .await?,
        )?;
        let coverage =
            match sqlx::query("SELECT * FROM coverages WHERE id = $1 AND patient_id = $2")
                .bind(content.coverage_id)
                .bind(patient.id)
                .fetch_optional(&mut *conn)
                .await?
            {
                Some(row) => self.coverage_from_row(&row)?,
                None => {
                    return Err(invalid(
                        "coverage_id",
                        "not a coverage of this encounter's patient",
                    ));
                }
            };
        let payer_row = one(
            conn,
            "SELECT id, organization_id, name, payer_code, claim_filing_indicator FROM payers WHERE id = $1",
            coverage.data.payer_id,
            "payer",
        )
        .await?;
        let payer = payer_from_row(&payer_row)?;
        let billing = billing_from_row(
            &one(
                conn,
                "SELECT * FROM billing_providers WHERE id = $1",
                encounter.data.billing_provider_id,
                "billing provider",
            )
            .await?,
        )?;
        let rendering_sql = "SELECT * FROM rendering_providers WHERE id = $1";
        let rendering = match encounter.data.rendering_provider_id {
            Some(id) => Some(rendering_from_row(
                &one(conn, rendering_sql, id, "rendering provider").await?,
            )?),
            None => None,
        };
        let mut line_rendering: Vec<RenderingProvider> = Vec::new();
        for id in content.lines.iter().filter_map(|l| l.rendering_provider_id) {
            if line_rendering.iter().any(|r| r.id == id) {
                continue;
            }
            let r = rendering_from_row(&one(conn, rendering_sql, id, "rendering provider").await?)?;
            if r.provider.organization_id != organization_id {
                return Err(invalid(
                    "lines.rendering_provider_id",
                    "not a provider of this organization",
                ));
            }
            line_rendering.push(r);
        }
        // The payer's number of this encounter's claim to the same coverage: a claim to the
        // secondary payer has its own.
        let original_claim_reference = sqlx::query(
            "SELECT payer_claim_control_number FROM claims WHERE encounter_id = $1 AND coverage_id = $2 \
             AND payer_claim_control_number IS NOT NULL ORDER BY id DESC LIMIT 1",
        )
        .bind(encounter.id)
        .bind(coverage.id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| get::<String>(&r, "payer_claim_control_number"))
        .transpose()?;
        let prior = if coverage.data.order > 1 {
            self.prior_adjudication_in(conn, encounter.id, patient.id, coverage.data.order - 1)
                .await?
        } else {
            None
        };
        Ok(ClaimRecords {
            original_claim_reference,
            prior,
            encounter,
            patient,
            coverage,
            payer,
            billing,
            rendering,
            line_rendering,
        })
    }

    /// The records a claim's content would refer to (to check it before saving), recorded as one view of
    /// the encounter.
    pub async fn claim_records(
        &self,
        actor: &Actor,
        organization_id: i64,
        encounter_id: i64,
        content: &ClaimContent,
    ) -> Result<ClaimRecords> {
        let mut tx = self.write_tx().await?;
        let records = self
            .records_in(&mut tx, organization_id, encounter_id, content)
            .await?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::View.as_str(),
            "encounter",
            &encounter_id.to_string(),
            &actor.ip,
            jiff::Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(records)
    }

    /// A claim of `organization_id` and its records, recorded as one view of the claim.
    pub async fn claim_with_records(
        &self,
        actor: &Actor,
        organization_id: i64,
        id: i64,
    ) -> Result<(Claim, ClaimRecords)> {
        let mut tx = self.write_tx().await?;
        let claim = crate::claims::load_claim(&mut tx, id).await?;
        if claim.organization_id != organization_id {
            return Err(StoreError::NotFound {
                record: "claim",
                id,
            });
        }
        let records = self
            .records_in(&mut tx, organization_id, claim.encounter_id, &claim.content)
            .await?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::View.as_str(),
            "claim",
            &id.to_string(),
            &actor.ip,
            jiff::Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        Ok((claim, records))
    }

    /// Creates a claim for an encounter of its organization, and records `check`'s verdict on it (the
    /// scrubber, given the claim and its records), all in one transaction.
    pub async fn create_claim_checked(
        &self,
        actor: &Actor,
        new: &NewClaim,
        check: impl FnOnce(&Claim, &ClaimRecords) -> ScrubCounts,
    ) -> Result<(Claim, ClaimRecords)> {
        let mut tx = self.write_tx().await?;
        let records = self
            .records_in(&mut tx, new.organization_id, new.encounter_id, &new.content)
            .await?;
        let mut claim = self.create_claim_in(&mut tx, actor, new).await?;
        crate::coordination::link_prior(
            &mut tx,
            claim.id,
            claim.total_charge_cents,
            records.prior.as_ref(),
        )
        .await?;
        claim.scrub = Some(record_scrub(&mut tx, &claim, check(&claim, &records)).await?);
        tx.commit().await?;
        Ok((claim, records))
    }

    /// Saves a claim's content (see [`Store::update_claim`]) of `organization_id` and records `check`'s
    /// verdict on the new version, in one transaction.
    pub async fn update_claim_checked(
        &self,
        actor: &Actor,
        organization_id: i64,
        id: i64,
        expected_version: i64,
        content: &ClaimContent,
        check: impl FnOnce(&Claim, &ClaimRecords) -> ScrubCounts,
    ) -> Result<(Claim, ClaimRecords)> {
        let mut tx = self.write_tx().await?;
        let encounter_id: i64 = crate::get(
            &one(
                &mut tx,
                "SELECT encounter_id, organization_id FROM claims WHERE id = $1",
                id,
                "claim",
            )
            .await
            .and_then(|row| {
                let org: i64 = crate::get(&row, "organization_id")?;
                if org == organization_id {
                    Ok(row)
                } else {
                    Err(StoreError::NotFound {
                        record: "claim",
                        id,
                    })
                }
            })?,
            "encounter_id",
        )?;
        let records = self
            .records_in(&mut tx, organization_id, encounter_id, content)
            .await?;
        let mut claim = self
            .update_claim_in(&mut tx, actor, id, expected_version, content)
            .await?;
        crate::coordination::link_prior(
            &mut tx,
            claim.id,
            claim.total_charge_cents,
            records.prior.as_ref(),
        )
        .await?;
        claim.scrub = Some(record_scrub(&mut tx, &claim, check(&claim, &records)).await?);
        tx.commit().await?;
        Ok((claim, records))
    }
}

async fn record_scrub(
    conn: &mut AnyConnection,
    claim: &Claim,
    counts: ScrubCounts,
) -> Result<ScrubCounts> {
    scrub_update(claim.id, claim.version, counts)
        .execute(&mut *conn)
        .await?;
    Ok(counts)
}

/// Stores a verdict on one version of a claim; nothing when the claim was saved since.
pub(crate) fn scrub_update(
    claim_id: i64,
    version: i64,
    counts: ScrubCounts,
) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments<'static>> {
    sqlx::query(
        "UPDATE claims SET scrub_version = $1, scrub_errors = $2, scrub_warnings = $3 WHERE id = $4 AND version = $1",
    )
    .bind(version)
    .bind(counts.errors)
    .bind(counts.others)
    .bind(claim_id)
}
