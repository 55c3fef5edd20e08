//! Coordination of benefits: a claim to the next payer (secondary, tertiary) carries the earlier
//! payer's adjudication, read here from what its 835s posted (netted: a reversal cancels the
//! payment it reverses), and moves the patient's balance of the earlier claim to that payer.
//!
//! Money stays counted once in accounts receivable: the earlier claim's patient balance drops by
//! what a sent, not void, claim to the next payer took over (`transferred_cents`), and that claim
//! owes only the same amount until its payer answers (`prior_payer_cents`, see migration 0004).

use jiff::civil::Date;
use sqlx::AnyConnection;

use crate::error::Result;
use crate::model::{Coverage, Payer};
use crate::{Store, StoreError, get, parse_date};

/// One CAS amount of the earlier payer, summed over its postings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorAdjustment {
    pub group: String,
    pub reason: String,
    pub amount_cents: i64,
}

/// What the earlier payer did with one service line (837 loop 2430).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorLine {
    /// The line's position on the earlier claim (and on the claim copied from it).
    pub line_number: u32,
    pub procedure_code: String,
    pub charge_cents: i64,
    pub paid_cents: i64,
    pub adjustments: Vec<PriorAdjustment>,
}

/// The earlier payer's adjudication of the same encounter: the 2320/2330 loops of the claim to
/// the next payer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorAdjudication {
    /// The earlier claim.
    pub claim_id: i64,
    pub coverage: Coverage,
    pub payer: Payer,
    pub charge_cents: i64,
    pub paid_cents: i64,
    /// Deductible, coinsurance and copay the earlier payer left to the patient (AMT*EAF).
    pub patient_resp_cents: i64,
    /// What the patient had not paid of it: the amount the next payer is asked to take over.
    pub patient_balance_cents: i64,
    /// Claim-level adjustments, and line-level ones when `lines` is empty.
    pub adjustments: Vec<PriorAdjustment>,
    /// Per-line adjudication; empty when some payment could not be tied to a billed line (the
    /// whole adjudication is then given at claim level, which still balances).
    pub lines: Vec<PriorLine>,
    /// The payment date of the latest 835 posted to the earlier claim.
    pub adjudication_date: Date,
}

impl PriorAdjudication {
    /// The part of `charge_cents` the earlier payer settled (paid or adjusted): what the claim to
    /// the next payer does not owe before that payer answers.
    pub fn settled_cents(&self, charge_cents: i64) -> i64 {
        (charge_cents - self.patient_balance_cents).clamp(0, charge_cents.max(0))
    }
}

/// Postings that move money: predeterminations (25) and "not our claim" (23) do not.
const MOVING: &str = "cp.status_code NOT IN ('23', '25')";

impl Store {
    /// The adjudication of the latest paid claim of `encounter_id` to the patient's coverage of
    /// rank `order` (1 primary, 2 secondary), when there is one.
    pub(crate) async fn prior_adjudication_in(
        &self,
        conn: &mut AnyConnection,
        encounter_id: i64,
        patient_id: i64,
        order: i64,
    ) -> Result<Option<PriorAdjudication>> {
        let Some(row) = sqlx::query(
            "SELECT c.id, c.total_charge_cents, c.paid_cents, c.patient_resp_cents, c.patient_paid_cents, \
             c.coverage_id FROM claims c JOIN coverages v ON v.id = c.coverage_id \
             WHERE c.encounter_id = $1 AND v.patient_id = $2 AND v.coverage_order = $3 AND c.status = 'paid' \
             ORDER BY c.id DESC LIMIT 1",
        )
        .bind(encounter_id)
        .bind(patient_id)
        .bind(order)
        .fetch_optional(&mut *conn)
        .await?
        else {
            return Ok(None);
        };
        let claim_id: i64 = get(&row, "id")?;
        let coverage = self.coverage_from_row(
            &sqlx::query("SELECT * FROM coverages WHERE id = $1")
                .bind(get::<i64>(&row, "coverage_id")?)
                .fetch_one(&mut *conn)
                .await?,
        )?;
        let payer = crate::entities::payer_from_row(
            &sqlx::query(
                "SELECT id, organization_id, name, payer_code, claim_filing_indicator FROM payers WHERE id = $1",
            )
            .bind(coverage.data.payer_id)
            .fetch_one(&mut *conn)
            .await?,
        )?;
        // A claim marked paid by hand, without an 835: no adjudication to carry (the scrubber then
        // asks for the prior payer).
        let Some(date_row) = sqlx::query(
            "SELECT r.payment_date, r.posted_at FROM claim_payments cp JOIN remittances r ON r.id = cp.remittance_id \
             WHERE cp.claim_id = $1 ORDER BY cp.id DESC LIMIT 1",
        )
        .bind(claim_id)
        .fetch_optional(&mut *conn)
        .await?
        else {
            return Ok(None);
        };
        let adjudication_date = match get::<Option<String>>(&date_row, "payment_date")? {
            Some(d) => parse_date("remittances.payment_date", &d)?,
            None => {
                let posted: String = get(&date_row, "posted_at")?;
                parse_date(
                    "remittances.posted_at",
                    posted.get(..10).unwrap_or_default(),
                )?
            }
        };
        // What the payer adjudicated is carried as it said it, even when it is not the whole charge
        // (a line it did not answer): the scrubber and the validator then report the imbalance
        // with the amounts, rather than the claim page failing.
        let charge_cents: i64 = get(&row, "total_charge_cents")?;
        let adjustment_rows = sqlx::query(&format!(
            "SELECT pa.line_number, pa.group_code, pa.reason_code, CAST(SUM(pa.amount_cents) AS BIGINT) AS amount \
             FROM payment_adjustments pa JOIN claim_payments cp ON cp.id = pa.claim_payment_id \
             WHERE cp.claim_id = $1 AND {MOVING} GROUP BY pa.line_number, pa.group_code, pa.reason_code \
             ORDER BY pa.line_number, pa.group_code, pa.reason_code"
        ))
        .bind(claim_id)
        .fetch_all(&mut *conn)
        .await?;
        let line_rows = sqlx::query(&format!(
            "SELECT sp.line_number, MIN(sp.procedure_code) AS procedure_code, CAST(SUM(sp.charge_cents) AS BIGINT) AS charge, \
             CAST(SUM(sp.paid_cents) AS BIGINT) AS paid FROM service_line_payments sp \
             JOIN claim_payments cp ON cp.id = sp.claim_payment_id WHERE cp.claim_id = $1 AND {MOVING} \
             GROUP BY sp.line_number ORDER BY sp.line_number"
        ))
        .bind(claim_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut lines = Vec::new();
        let mut tied = true;
        for r in &line_rows {
            let paid: i64 = get(r, "paid")?;
            let charge: i64 = get(r, "charge")?;
            match get::<Option<i64>>(r, "line_number")? {
                Some(n) => lines.push(PriorLine {
                    line_number: u32::try_from(n).unwrap_or(u32::MAX),
                    procedure_code: get(r, "procedure_code")?,
                    charge_cents: charge,
                    paid_cents: paid,
                    adjustments: Vec::new(),
                }),
                None if paid != 0 || charge != 0 => tied = false,
                None => {}
            }
        }
        let mut adjustments = Vec::new();
        for r in &adjustment_rows {
            let amount_cents: i64 = get(r, "amount")?;
            if amount_cents == 0 {
                continue;
            }
            let adjustment = PriorAdjustment {
                group: get(r, "group_code")?,
                reason: get(r, "reason_code")?,
                amount_cents,
            };
            let line_number: Option<i64> = get(r, "line_number")?;
            match line_number
                .and_then(|n| u32::try_from(n).ok())
                .and_then(|n| lines.iter_mut().find(|l| l.line_number == n))
            {
                Some(l) => l.adjustments.push(adjustment),
                None => {
                    // A line-level amount for a line the payer's SVCs did not answer.
                    tied &= line_number.is_none();
                    adjustments.push(adjustment);
                }
            }
        }
        // A line must balance on its own (charge − paid − adjustments = 0), or the whole
        // adjudication is given at claim level.
        tied = tied
            && !lines.is_empty()
            && lines.iter().all(|l| {
                l.charge_cents
                    - l.paid_cents
                    - l.adjustments.iter().map(|a| a.amount_cents).sum::<i64>()
                    == 0
            });
        if !tied {
            for l in lines.drain(..) {
                for a in l.adjustments {
                    match adjustments
                        .iter_mut()
                        .find(|x| x.group == a.group && x.reason == a.reason)
                    {
                        Some(x) => x.amount_cents += a.amount_cents,
                        None => adjustments.push(a),
                    }
                }
            }
            adjustments.retain(|a| a.amount_cents != 0);
        }
        let patient_resp_cents: i64 = get(&row, "patient_resp_cents")?;
        let patient_paid_cents: i64 = get(&row, "patient_paid_cents")?;
        Ok(Some(PriorAdjudication {
            claim_id,
            coverage,
            payer,
            charge_cents,
            paid_cents: get(&row, "paid_cents")?,
            patient_resp_cents,
            patient_balance_cents: patient_resp_cents - patient_paid_cents,
            adjustments,
            lines,
            adjudication_date,
        }))
    }
}

/// Links a saved claim to the earlier payer's claim it carries (or unlinks it) and recomputes
/// what the earlier claims passed on.
pub(crate) async fn link_prior(
    conn: &mut AnyConnection,
    claim_id: i64,
    charge_cents: i64,
    prior: Option<&PriorAdjudication>,
) -> Result<()> {
    let before = primary_of(conn, claim_id).await?;
    sqlx::query("UPDATE claims SET primary_claim_id = $1, prior_payer_cents = $2 WHERE id = $3")
        .bind(prior.map(|p| p.claim_id))
        .bind(prior.map_or(0, |p| p.settled_cents(charge_cents)))
        .bind(claim_id)
        .execute(&mut *conn)
        .await?;
    for primary in before.into_iter().chain(prior.map(|p| p.claim_id)) {
        recompute_transfer(conn, primary).await?;
    }
    Ok(())
}

pub(crate) async fn primary_of(conn: &mut AnyConnection, claim_id: i64) -> Result<Option<i64>> {
    Ok(
        match sqlx::query("SELECT primary_claim_id FROM claims WHERE id = $1")
            .bind(claim_id)
            .fetch_optional(&mut *conn)
            .await?
        {
            Some(r) => get::<Option<i64>>(&r, "primary_claim_id")?,
            None => None,
        },
    )
}

/// What the claims to the next payer that were sent and not voided took over of
/// `primary_claim_id`'s patient balance.
pub(crate) async fn recompute_transfer(
    conn: &mut AnyConnection,
    primary_claim_id: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE claims SET transferred_cents = COALESCE((SELECT SUM(s.total_charge_cents - s.prior_payer_cents) \
         FROM claims s WHERE s.primary_claim_id = $1 AND s.submitted_at IS NOT NULL AND s.status <> 'void'), 0) \
         WHERE id = $1",
    )
    .bind(primary_claim_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// What a claim to the next payer (secondary after primary, tertiary after secondary) of a
    /// paid claim of `organization_id` contains: the same services and diagnoses, billed to the
    /// patient's next coverage in effect on the date of service. Returns the encounter and the
    /// content to create (through the checked path, which links it to this claim and carries the
    /// payer's adjudication). Nothing is written.
    pub async fn next_payer_claim(
        &self,
        organization_id: i64,
        claim_id: i64,
    ) -> Result<(i64, crate::ClaimContent)> {
        let mut conn = self.pool.acquire().await?;
        let claim = crate::claims::load_claim(&mut conn, claim_id).await?;
        if claim.organization_id != organization_id {
            return Err(StoreError::NotFound {
                record: "claim",
                id: claim_id,
            });
        }
        let refuse = |reason: String| StoreError::Invalid {
            field: "claim",
            reason,
        };
        if claim.kind != crate::ClaimKind::Professional {
            return Err(refuse(
                "only professional claims are billed to a secondary payer here".into(),
            ));
        }
        if claim.status != crate::ClaimStatus::Paid {
            return Err(refuse(format!(
                "the claim is {}: bill the next payer once this payer paid (work a denial or rejection first)",
                claim.status
            )));
        }
        let row = sqlx::query(
            "SELECT v.coverage_order, v.patient_id, c.service_date, c.patient_resp_cents - c.patient_paid_cents AS left_cents \
             FROM claims c JOIN coverages v ON v.id = c.coverage_id WHERE c.id = $1",
        )
        .bind(claim_id)
        .fetch_one(&mut *conn)
        .await?;
        let order: i64 = get(&row, "coverage_order")?;
        let service_date: String = get::<Option<String>>(&row, "service_date")?.unwrap_or_default();
        if get::<i64>(&row, "left_cents")? <= 0 {
            return Err(refuse(
                "the payer left nothing to the patient on this claim (or the patient paid it): there is nothing to bill the next payer".into(),
            ));
        }
        let next = sqlx::query(
            "SELECT id FROM coverages WHERE patient_id = $1 AND coverage_order = $2 AND effective_from <= $3 \
             AND (effective_to IS NULL OR effective_to >= $3) ORDER BY id DESC LIMIT 1",
        )
        .bind(get::<i64>(&row, "patient_id")?)
        .bind(order + 1)
        .bind(&service_date)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| {
            refuse(format!(
                "the patient has no {} coverage in effect on the date of service",
                if order == 1 { "secondary" } else { "tertiary" }
            ))
        })?;
        let coverage_id: i64 = get(&next, "id")?;
        if let Some(existing) = sqlx::query(
            "SELECT id FROM claims WHERE encounter_id = $1 AND coverage_id = $2 AND status <> 'void' LIMIT 1",
        )
        .bind(claim.encounter_id)
        .bind(coverage_id)
        .fetch_optional(&mut *conn)
        .await?
        {
            return Err(refuse(format!(
                "claim {} already bills that payer for this visit",
                get::<i64>(&existing, "id")?
            )));
        }
        let mut content = claim.content;
        content.coverage_id = coverage_id;
        content.frequency_code = "1".into();
        Ok((claim.encounter_id, content))
    }
}
