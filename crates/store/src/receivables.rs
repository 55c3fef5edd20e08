//! What is owed and what to work: the work queue (rejections, denials) with notes and owners, the
//! unmatched-payment queue, a claim's money, and the receivables reports (A/R aging, denial rate,
//! first-pass acceptance, days in A/R, totals by period and provider). Reports read the balances
//! kept on each claim, so aging is one pass over the claims, however many service lines they hold.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use sqlx::AnyConnection;

use crate::audit::append_in;
use crate::error::Result;
use crate::model::*;
use crate::{Store, StoreError, get, parse_date, parse_ts, ts_text};

/// Claims that are owed something: sent at least once (a paid claim back in draft for a
/// replacement still carries its balances) and not void.
const OWED: &str = "c.submitted_at IS NOT NULL AND c.status <> 'void'";
/// What payers still owe. On a claim to the next payer, the earlier payer's settled part
/// (`prior_payer_cents`) is owed by nobody: until that payer's own adjustments (which repeat the
/// earlier payer's, e.g. OA-23) cover it, the rest of it is taken off here.
const INSURANCE_BALANCE: &str = "(c.total_charge_cents - c.paid_cents - c.adjusted_cents - c.patient_resp_cents \
     - CASE WHEN c.prior_payer_cents > 0 AND c.prior_payer_cents > c.adjusted_cents \
     THEN c.prior_payer_cents - c.adjusted_cents ELSE 0 END)";
/// What the patient owes: less what they paid and what a claim to the next payer took over.
const PATIENT_BALANCE: &str = "(c.patient_resp_cents - c.patient_paid_cents - c.transferred_cents)";
/// Charges are counted once: a claim to the next payer bills the same services again.
const FIRST_BILLING: &str = "c.primary_claim_id IS NULL";

/// The aging buckets: 0-30, 31-60, 61-90, 91-120 and over 120 days since the date of service.
pub const AGING_BUCKETS: [&str; 5] = ["0-30", "31-60", "61-90", "91-120", "120+"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgingBy {
    /// Insurance balances by payer.
    Payer,
    /// Patient balances by patient.
    Patient,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingRow {
    /// Payer or patient id.
    pub id: i64,
    /// Payer name, or the patient's name (decrypted; the view is audited).
    pub label: String,
    pub buckets: [i64; 5],
    pub total: i64,
    pub claims: i64,
}

/// A work item of the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    pub id: i64,
    pub claim_id: i64,
    pub kind: String,
    pub source: String,
    pub group_code: String,
    pub reason_code: String,
    pub remark_code: String,
    pub amount_cents: i64,
    pub opened_at: Timestamp,
    pub assigned_to: Option<String>,
    /// When an appeal was sent to the payer (the item stays open until the answer comes).
    pub appealed_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
    pub resolved_by: Option<String>,
    pub payer_id: i64,
    pub payer_name: String,
    pub service_date: Option<Date>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkFilter {
    pub organization_id: i64,
    pub include_resolved: bool,
    pub kind: Option<String>,
    pub reason_code: Option<String>,
    pub payer_id: Option<i64>,
    pub assigned_to: Option<String>,
    pub claim_id: Option<i64>,
    pub item_id: Option<i64>,
}

/// Open work grouped by reason and payer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkGroup {
    pub kind: String,
    pub reason_code: String,
    pub payer_id: i64,
    pub payer_name: String,
    pub items: i64,
    pub amount_cents: i64,
    pub oldest: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkNote {
    pub written_at: Timestamp,
    pub author: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedPayment {
    pub id: i64,
    pub remittance_id: i64,
    pub trace_number: String,
    pub payer_name: String,
    pub patient_control_number: String,
    pub payer_claim_control_number: String,
    pub status_code: String,
    pub charge_cents: i64,
    pub paid_cents: i64,
    pub reason: String,
    pub resolved_at: Option<Timestamp>,
}

/// A claim's money and what payers said about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimMoney {
    pub charge_cents: i64,
    pub paid_cents: i64,
    pub adjusted_cents: i64,
    pub patient_resp_cents: i64,
    pub patient_paid_cents: i64,
    /// On a claim to the next payer: the earlier payer's claim and the part of the charge it
    /// settled.
    pub primary_claim_id: Option<i64>,
    pub prior_payer_cents: i64,
    /// The patient balance a claim to the next payer took over.
    pub transferred_cents: i64,
    /// Claims to the next payer made from this one (void ones included).
    pub next_payer_claim_ids: Vec<i64>,
    pub payer_claim_control_number: Option<String>,
    pub payments: Vec<PostedPayment>,
    pub acknowledgements: Vec<Acknowledgement>,
}

impl ClaimMoney {
    /// As `INSURANCE_BALANCE` in the reports.
    pub fn insurance_balance(&self) -> i64 {
        let prior_open =
            if self.prior_payer_cents > 0 && self.prior_payer_cents > self.adjusted_cents {
                self.prior_payer_cents - self.adjusted_cents
            } else {
                0
            };
        self.charge_cents
            - self.paid_cents
            - self.adjusted_cents
            - self.patient_resp_cents
            - prior_open
    }
    /// As `PATIENT_BALANCE` in the reports.
    pub fn patient_balance(&self) -> i64 {
        self.patient_resp_cents - self.patient_paid_cents - self.transferred_cents
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedPayment {
    pub remittance_id: i64,
    pub payer_name: String,
    pub trace_number: String,
    pub payment_date: Option<String>,
    pub status_code: String,
    pub charge_cents: i64,
    pub paid_cents: i64,
    pub patient_resp_cents: i64,
    pub adjusted_cents: i64,
    pub payer_claim_control_number: String,
    /// (line number, group, reason, amount).
    pub adjustments: Vec<(Option<i64>, String, String, i64)>,
    /// (line number, procedure, charge, paid, remark codes).
    pub lines: Vec<(Option<i64>, String, i64, i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub kind: String,
    pub accepted: bool,
    pub code: String,
    pub message: String,
    pub received_at: Timestamp,
}

/// A visit on a patient's statement: a sent claim the patient still owes something on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementClaim {
    pub claim_id: i64,
    pub service_date: Option<Date>,
    pub procedure_codes: Vec<String>,
    pub charge_cents: i64,
    pub paid_cents: i64,
    pub adjusted_cents: i64,
    /// Patient responsibility less what the patient paid.
    pub patient_owes_cents: i64,
}

/// The headline numbers of receivables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivablesSummary {
    pub insurance_ar_cents: i64,
    pub patient_ar_cents: i64,
    /// Charges of the 90 days before `as_of`, for days in A/R.
    pub charges_90_days_cents: i64,
    /// Claims with a first answer from the payer, and those accepted the first time.
    pub first_answers: i64,
    pub first_pass_accepted: i64,
    /// Claims adjudicated (an 835 posting) and those denied (any open or resolved claim denial).
    pub adjudicated_claims: i64,
    pub denied_claims: i64,
}

impl ReceivablesSummary {
    /// Total A/R divided by the average daily charge of the last 90 days, in tenths of a day.
    pub fn days_in_ar_tenths(&self) -> Option<i64> {
        let ar = i128::from(self.insurance_ar_cents + self.patient_ar_cents);
        let charges = i128::from(self.charges_90_days_cents);
        (charges > 0).then(|| i64::try_from(ar * 900 / charges).unwrap_or(i64::MAX))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenialRate {
    pub payer_id: i64,
    pub payer_name: String,
    pub reason_code: String,
    pub denied_claims: i64,
    pub adjudicated_claims: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodTotals {
    /// `YYYY-MM`.
    pub period: String,
    pub billing_provider_id: i64,
    pub provider_name: String,
    pub charges_cents: i64,
    pub payments_cents: i64,
    pub adjustments_cents: i64,
}

fn bucket_bounds(as_of: Date) -> Result<[String; 4]> {
    let d = |days: i64| -> Result<String> {
        as_of
            .checked_sub(days.days())
            .map(|x| x.to_string())
            .map_err(|_| StoreError::Invalid {
                field: "as_of",
                reason: "date out of range".into(),
            })
    };
    Ok([d(30)?, d(60)?, d(90)?, d(120)?])
}

fn opt_ts(field: &'static str, v: Option<String>) -> Result<Option<Timestamp>> {
    v.map(|t| parse_ts(field, &t)).transpose()
}

/// A note as given, trimmed: 1 to 2000 characters.
fn checked_note<'a>(note: &'a str, reason: &str) -> Result<&'a str> {
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 2000 {
        return Err(StoreError::Invalid {
            field: "note",
            reason: reason.into(),
        });
    }
    Ok(note)
}

/// The audit entry of a change to a work item or an unmatched payment.
pub(crate) async fn audit_update(
    conn: &mut AnyConnection,
    actor: &Actor,
    record_type: &str,
    id: i64,
    now: Timestamp,
) -> Result<()> {
    append_in(
        conn,
        &actor.name,
        AuditAction::Update.as_str(),
        record_type,
        &id.to_string(),
        &actor.ip,
        now,
    )
    .await
    .map(|_| ())
}

async fn item_in_org(conn: &mut AnyConnection, organization_id: i64, id: i64) -> Result<()> {
    sqlx::query("SELECT id FROM work_items WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(organization_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|_| ())
        .ok_or(StoreError::NotFound {
            record: "work item",
            id,
        })
}

impl Store {
    /// A note on a work item, encrypted (notes speak of patients).
    async fn write_note(
        &self,
        conn: &mut AnyConnection,
        id: i64,
        author: &str,
        note: &str,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO work_item_notes (work_item_id, written_at, author, note_enc) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(ts_text(now))
        .bind(author)
        .bind(self.cipher.encrypt_str("work_item_notes.note", note)?)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// What a patient owes, visit by visit (sent claims with a patient balance), oldest first.
    /// The caller reads the patient (an audited view) for the name and address.
    pub async fn statement_claims(
        &self,
        organization_id: i64,
        patient_id: i64,
    ) -> Result<Vec<StatementClaim>> {
        let sql = format!(
            "SELECT c.id, c.service_date, c.total_charge_cents, c.paid_cents + COALESCE(p.paid_cents, 0) AS paid_cents, \
             CASE WHEN c.primary_claim_id IS NULL THEN c.adjusted_cents \
             ELSE (CASE WHEN c.prior_payer_cents > c.adjusted_cents THEN c.prior_payer_cents ELSE c.adjusted_cents END) \
             - COALESCE(p.paid_cents, 0) END AS adjusted_cents, \
             {PATIENT_BALANCE} AS owes FROM claims c JOIN encounters e ON e.id = c.encounter_id \
             LEFT JOIN claims p ON p.id = c.primary_claim_id \
             WHERE c.organization_id = $1 AND e.patient_id = $2 AND {OWED} AND {PATIENT_BALANCE} <> 0 \
             ORDER BY c.service_date, c.id"
        );
        let rows = sqlx::query(&sql)
            .bind(organization_id)
            .bind(patient_id)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = get(r, "id")?;
            let sd: Option<String> = get(r, "service_date")?;
            let codes = sqlx::query(
                "SELECT procedure_code FROM claim_lines WHERE claim_id = $1 ORDER BY line_number",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|l| get::<String>(l, "procedure_code"))
            .collect::<Result<Vec<_>>>()?;
            out.push(StatementClaim {
                claim_id: id,
                service_date: sd
                    .map(|d| parse_date("claims.service_date", &d))
                    .transpose()?,
                procedure_codes: codes,
                charge_cents: get(r, "total_charge_cents")?,
                paid_cents: get(r, "paid_cents")?,
                adjusted_cents: get(r, "adjusted_cents")?,
                patient_owes_cents: get(r, "owes")?,
            });
        }
        Ok(out)
    }

    /// A/R aging as of a date: insurance balances by payer or patient balances by patient, in the
    /// five buckets of days since the date of service. Rows with nothing owed are left out.
    pub async fn ar_aging(
        &self,
        actor: &Actor,
        organization_id: i64,
        as_of: Date,
        by: AgingBy,
    ) -> Result<Vec<AgingRow>> {
        let [d30, d60, d90, d120] = bucket_bounds(as_of)?;
        let (balance, key, join) = match by {
            AgingBy::Payer => (
                INSURANCE_BALANCE,
                "cv.payer_id",
                "JOIN coverages cv ON cv.id = c.coverage_id",
            ),
            AgingBy::Patient => (
                PATIENT_BALANCE,
                "e.patient_id",
                "JOIN encounters e ON e.id = c.encounter_id",
            ),
        };
        let sql = format!(
            "SELECT {key} AS k, COUNT(*) AS n, \
             CAST(SUM(CASE WHEN c.service_date > $2 THEN {balance} ELSE 0 END) AS BIGINT) AS b0, \
             CAST(SUM(CASE WHEN c.service_date <= $2 AND c.service_date > $3 THEN {balance} ELSE 0 END) AS BIGINT) AS b1, \
             CAST(SUM(CASE WHEN c.service_date <= $3 AND c.service_date > $4 THEN {balance} ELSE 0 END) AS BIGINT) AS b2, \
             CAST(SUM(CASE WHEN c.service_date <= $4 AND c.service_date > $5 THEN {balance} ELSE 0 END) AS BIGINT) AS b3, \
             CAST(SUM(CASE WHEN c.service_date <= $5 THEN {balance} ELSE 0 END) AS BIGINT) AS b4 \
             FROM claims c {join} \
             WHERE c.organization_id = $1 AND {OWED} AND {balance} <> 0 AND c.service_date <= $6 \
             GROUP BY {key} ORDER BY {key}"
        );
        let rows = sqlx::query(&sql)
            .bind(organization_id)
            .bind(d30)
            .bind(d60)
            .bind(d90)
            .bind(d120)
            .bind(as_of.to_string())
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut buckets = [0i64; 5];
            for (i, b) in buckets.iter_mut().enumerate() {
                *b = get::<Option<i64>>(r, &format!("b{i}"))?.unwrap_or(0);
            }
            out.push(AgingRow {
                id: get(r, "k")?,
                label: String::new(),
                total: buckets.iter().sum(),
                buckets,
                claims: get(r, "n")?,
            });
        }
        match by {
            AgingBy::Payer => {
                for row in sqlx::query("SELECT id, name FROM payers WHERE organization_id = $1")
                    .bind(organization_id)
                    .fetch_all(&self.pool)
                    .await?
                {
                    let id: i64 = get(&row, "id")?;
                    let name: String = get(&row, "name")?;
                    for a in out.iter_mut().filter(|a| a.id == id) {
                        a.label = name.clone();
                    }
                }
            }
            AgingBy::Patient if !out.is_empty() => {
                let mut tx = self.write_tx().await?;
                for a in out.iter_mut() {
                    let row = sqlx::query(
                        "SELECT last_name_enc, first_name_enc FROM patients WHERE id = $1",
                    )
                    .bind(a.id)
                    .fetch_one(&mut *tx)
                    .await?;
                    let last: Vec<u8> = get(&row, "last_name_enc")?;
                    let first: Vec<u8> = get(&row, "first_name_enc")?;
                    a.label = format!(
                        "{}, {}",
                        self.cipher.decrypt_str("patients.last_name", &last)?,
                        self.cipher.decrypt_str("patients.first_name", &first)?
                    );
                }
                append_in(
                    &mut tx,
                    &actor.name,
                    AuditAction::View.as_str(),
                    "report",
                    "ar-aging-by-patient",
                    &actor.ip,
                    Timestamp::now(),
                )
                .await?;
                tx.commit().await?;
            }
            AgingBy::Patient => {}
        }
        Ok(out)
    }

    /// The headline receivables numbers as of a date.
    pub async fn receivables_summary(
        &self,
        organization_id: i64,
        as_of: Date,
    ) -> Result<ReceivablesSummary> {
        let from = as_of
            .checked_sub(90.days())
            .map_err(|_| StoreError::Invalid {
                field: "as_of",
                reason: "date out of range".into(),
            })?
            .to_string();
        let sql = format!(
            "SELECT \
             CAST(SUM(CASE WHEN {OWED} THEN {INSURANCE_BALANCE} ELSE 0 END) AS BIGINT) AS ins, \
             CAST(SUM(CASE WHEN {OWED} THEN {PATIENT_BALANCE} ELSE 0 END) AS BIGINT) AS pat, \
             CAST(SUM(CASE WHEN {OWED} AND {FIRST_BILLING} AND c.service_date > $2 AND c.service_date <= $3 THEN c.total_charge_cents ELSE 0 END) AS BIGINT) AS charges, \
             CAST(SUM(CASE WHEN c.first_response IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS answered, \
             CAST(SUM(CASE WHEN c.first_response = 'accepted' THEN 1 ELSE 0 END) AS BIGINT) AS first_pass \
             FROM claims c WHERE c.organization_id = $1"
        );
        let r = sqlx::query(&sql)
            .bind(organization_id)
            .bind(from)
            .bind(as_of.to_string())
            .fetch_one(&self.pool)
            .await?;
        let adjudicated = sqlx::query(
            "SELECT COUNT(DISTINCT p.claim_id) AS n FROM claim_payments p JOIN claims c ON c.id = p.claim_id \
             WHERE c.organization_id = $1",
        )
        .bind(organization_id)
        .fetch_one(&self.pool)
        .await?;
        let denied = sqlx::query(
            "SELECT COUNT(DISTINCT claim_id) AS n FROM work_items WHERE organization_id = $1 AND kind = 'denied'",
        )
        .bind(organization_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(ReceivablesSummary {
            insurance_ar_cents: get::<Option<i64>>(&r, "ins")?.unwrap_or(0),
            patient_ar_cents: get::<Option<i64>>(&r, "pat")?.unwrap_or(0),
            charges_90_days_cents: get::<Option<i64>>(&r, "charges")?.unwrap_or(0),
            first_answers: get::<Option<i64>>(&r, "answered")?.unwrap_or(0),
            first_pass_accepted: get::<Option<i64>>(&r, "first_pass")?.unwrap_or(0),
            adjudicated_claims: get(&adjudicated, "n")?,
            denied_claims: get(&denied, "n")?,
        })
    }

    /// Denials by payer and reason (CARC, or the 277CA/999 code of a rejection is not counted),
    /// against the claims each payer adjudicated.
    pub async fn denial_rates(&self, organization_id: i64) -> Result<Vec<DenialRate>> {
        let rows = sqlx::query(
            "SELECT cv.payer_id AS payer_id, py.name AS payer_name, w.reason_code AS reason_code, \
             COUNT(DISTINCT w.claim_id) AS denied, \
             (SELECT COUNT(DISTINCT p.claim_id) FROM claim_payments p JOIN claims c2 ON c2.id = p.claim_id \
              JOIN coverages cv2 ON cv2.id = c2.coverage_id WHERE cv2.payer_id = cv.payer_id) AS adjudicated \
             FROM work_items w JOIN claims c ON c.id = w.claim_id JOIN coverages cv ON cv.id = c.coverage_id \
             JOIN payers py ON py.id = cv.payer_id \
             WHERE w.organization_id = $1 AND w.kind IN ('denied', 'line_denied') \
             GROUP BY cv.payer_id, py.name, w.reason_code ORDER BY py.name, w.reason_code",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DenialRate {
                    payer_id: get(r, "payer_id")?,
                    payer_name: get(r, "payer_name")?,
                    reason_code: get(r, "reason_code")?,
                    denied_claims: get(r, "denied")?,
                    adjudicated_claims: get(r, "adjudicated")?,
                })
            })
            .collect()
    }

    /// Charges (by date of service), payments and adjustments (by payment date) per month and
    /// billing provider, from `from` to `to` inclusive.
    pub async fn period_totals(
        &self,
        organization_id: i64,
        from: Date,
        to: Date,
    ) -> Result<Vec<PeriodTotals>> {
        let charges = sqlx::query(&format!(
            "SELECT SUBSTR(c.service_date, 1, 7) AS period, e.billing_provider_id AS bp, \
             CAST(SUM(c.total_charge_cents) AS BIGINT) AS amount \
             FROM claims c JOIN encounters e ON e.id = c.encounter_id \
             WHERE c.organization_id = $1 AND c.status <> 'void' AND {FIRST_BILLING} AND c.service_date >= $2 AND c.service_date <= $3 \
             GROUP BY SUBSTR(c.service_date, 1, 7), e.billing_provider_id",
        ))
        .bind(organization_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await?;
        let payments = sqlx::query(
            "SELECT SUBSTR(COALESCE(r.payment_date, SUBSTR(r.posted_at, 1, 10)), 1, 7) AS period, \
             e.billing_provider_id AS bp, CAST(SUM(p.paid_cents) AS BIGINT) AS paid, \
             CAST(SUM(p.adjusted_cents - CASE WHEN c.primary_claim_id IS NULL THEN 0 ELSE COALESCE((SELECT SUM(pa.amount_cents) \
             FROM payment_adjustments pa WHERE pa.claim_payment_id = p.id AND pa.reason_code = '23' AND pa.group_code <> 'PR'), 0) END) \
             AS BIGINT) AS adjusted \
             FROM claim_payments p JOIN remittances r ON r.id = p.remittance_id \
             JOIN claims c ON c.id = p.claim_id JOIN encounters e ON e.id = c.encounter_id \
             WHERE r.organization_id = $1 AND COALESCE(r.payment_date, SUBSTR(r.posted_at, 1, 10)) >= $2 \
             AND COALESCE(r.payment_date, SUBSTR(r.posted_at, 1, 10)) <= $3 \
             GROUP BY SUBSTR(COALESCE(r.payment_date, SUBSTR(r.posted_at, 1, 10)), 1, 7), e.billing_provider_id",
        )
        .bind(organization_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut map: std::collections::BTreeMap<(String, i64), PeriodTotals> = Default::default();
        for r in &charges {
            let key: (String, i64) = (get(r, "period")?, get(r, "bp")?);
            let e = map.entry(key.clone()).or_insert_with(|| PeriodTotals {
                period: key.0.clone(),
                billing_provider_id: key.1,
                provider_name: String::new(),
                charges_cents: 0,
                payments_cents: 0,
                adjustments_cents: 0,
            });
            e.charges_cents += get::<Option<i64>>(r, "amount")?.unwrap_or(0);
        }
        for r in &payments {
            let key: (String, i64) = (get(r, "period")?, get(r, "bp")?);
            let e = map.entry(key.clone()).or_insert_with(|| PeriodTotals {
                period: key.0.clone(),
                billing_provider_id: key.1,
                provider_name: String::new(),
                charges_cents: 0,
                payments_cents: 0,
                adjustments_cents: 0,
            });
            e.payments_cents += get::<Option<i64>>(r, "paid")?.unwrap_or(0);
            e.adjustments_cents += get::<Option<i64>>(r, "adjusted")?.unwrap_or(0);
        }
        let mut out: Vec<PeriodTotals> = map.into_values().collect();
        for row in sqlx::query("SELECT id, name FROM billing_providers WHERE organization_id = $1")
            .bind(organization_id)
            .fetch_all(&self.pool)
            .await?
        {
            let id: i64 = get(&row, "id")?;
            let name: String = get(&row, "name")?;
            for t in out.iter_mut().filter(|t| t.billing_provider_id == id) {
                t.provider_name = name.clone();
            }
        }
        Ok(out)
    }

    /// Work items, newest first, with the payer and date of service of their claim.
    pub async fn work_items(
        &self,
        filter: &WorkFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<WorkItem>, i64)> {
        let mut cond = vec!["w.organization_id = $1".to_string()];
        let mut texts: Vec<String> = Vec::new();
        let mut ints: Vec<i64> = Vec::new();
        if !filter.include_resolved {
            cond.push("w.resolved_at IS NULL".into());
        }
        // Text parameters first ($2…), then integers, so the binding order is known.
        for (col, v) in [
            ("w.kind", &filter.kind),
            ("w.reason_code", &filter.reason_code),
            ("w.assigned_to", &filter.assigned_to),
        ] {
            if let Some(v) = v {
                texts.push(v.clone());
                cond.push(format!("{col} = ${}", 1 + texts.len()));
            }
        }
        for (col, v) in [
            ("cv.payer_id", filter.payer_id),
            ("w.claim_id", filter.claim_id),
        ] {
            if let Some(v) = v {
                ints.push(v);
                cond.push(format!("{col} = ${}", 1 + texts.len() + ints.len()));
            }
        }
        let from = "FROM work_items w JOIN claims c ON c.id = w.claim_id \
                    JOIN coverages cv ON cv.id = c.coverage_id JOIN payers py ON py.id = cv.payer_id";
        let wheres = cond.join(" AND ");
        let n = 1 + texts.len() + ints.len();
        let list_sql = format!(
            "SELECT w.id, w.claim_id, w.kind, w.source, w.group_code, w.reason_code, w.remark_code, w.amount_cents, \
             w.opened_at, w.assigned_to, w.appealed_at, w.resolved_at, w.resolved_by, cv.payer_id AS payer_id, py.name AS payer_name, \
             c.service_date AS service_date {from} WHERE {wheres} ORDER BY w.id DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let count_sql = format!("SELECT COUNT(*) AS n {from} WHERE {wheres}");
        let mut list = sqlx::query(&list_sql).bind(filter.organization_id);
        let mut count = sqlx::query(&count_sql).bind(filter.organization_id);
        for t in &texts {
            list = list.bind(t.as_str());
            count = count.bind(t.as_str());
        }
        for i in &ints {
            list = list.bind(*i);
            count = count.bind(*i);
        }
        let rows = list.bind(limit).bind(offset).fetch_all(&self.pool).await?;
        let total: i64 = get(&count.fetch_one(&self.pool).await?, "n")?;
        let items = rows
            .iter()
            .map(|r| {
                let opened: String = get(r, "opened_at")?;
                let sd: Option<String> = get(r, "service_date")?;
                Ok(WorkItem {
                    id: get(r, "id")?,
                    claim_id: get(r, "claim_id")?,
                    kind: get(r, "kind")?,
                    source: get(r, "source")?,
                    group_code: get(r, "group_code")?,
                    reason_code: get(r, "reason_code")?,
                    remark_code: get(r, "remark_code")?,
                    amount_cents: get(r, "amount_cents")?,
                    opened_at: parse_ts("work_items.opened_at", &opened)?,
                    assigned_to: get(r, "assigned_to")?,
                    appealed_at: opt_ts("work_items.appealed_at", get(r, "appealed_at")?)?,
                    resolved_at: opt_ts("work_items.resolved_at", get(r, "resolved_at")?)?,
                    resolved_by: get(r, "resolved_by")?,
                    payer_id: get(r, "payer_id")?,
                    payer_name: get(r, "payer_name")?,
                    service_date: sd
                        .map(|d| parse_date("claims.service_date", &d))
                        .transpose()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((items, total))
    }

    /// One work item of the organization.
    pub async fn work_item(&self, organization_id: i64, id: i64) -> Result<WorkItem> {
        let filter = WorkFilter {
            organization_id,
            include_resolved: true,
            item_id: Some(id),
            ..WorkFilter::default()
        };
        self.work_items(&filter, 1, 0)
            .await?
            .0
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound {
                record: "work item",
                id,
            })
    }

    /// Open work grouped by kind, reason and payer, largest amount first.
    pub async fn work_groups(&self, organization_id: i64) -> Result<Vec<WorkGroup>> {
        let rows = sqlx::query(
            "SELECT w.kind AS kind, w.reason_code AS reason_code, cv.payer_id AS payer_id, py.name AS payer_name, \
             COUNT(*) AS items, CAST(SUM(w.amount_cents) AS BIGINT) AS amount, MIN(w.opened_at) AS oldest \
             FROM work_items w JOIN claims c ON c.id = w.claim_id JOIN coverages cv ON cv.id = c.coverage_id \
             JOIN payers py ON py.id = cv.payer_id \
             WHERE w.organization_id = $1 AND w.resolved_at IS NULL \
             GROUP BY w.kind, w.reason_code, cv.payer_id, py.name ORDER BY CAST(SUM(w.amount_cents) AS BIGINT) DESC, w.reason_code",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let oldest: String = get(r, "oldest")?;
                Ok(WorkGroup {
                    kind: get(r, "kind")?,
                    reason_code: get(r, "reason_code")?,
                    payer_id: get(r, "payer_id")?,
                    payer_name: get(r, "payer_name")?,
                    items: get(r, "items")?,
                    amount_cents: get::<Option<i64>>(r, "amount")?.unwrap_or(0),
                    oldest: parse_ts("work_items.opened_at", &oldest)?,
                })
            })
            .collect()
    }

    /// Assigns a work item to a user (None: unassigned).
    pub async fn assign_work_item(
        &self,
        actor: &Actor,
        organization_id: i64,
        id: i64,
        assignee: Option<&str>,
    ) -> Result<()> {
        if let Some(a) = assignee
            && (a.is_empty() || a.len() > 64)
        {
            return Err(StoreError::Invalid {
                field: "assigned_to",
                reason: "a user name of 1 to 64 characters".into(),
            });
        }
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        item_in_org(&mut tx, organization_id, id).await?;
        if let Some(a) = assignee {
            sqlx::query("SELECT id FROM users WHERE username = $1 AND disabled_at IS NULL")
                .bind(a)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::Invalid {
                    field: "assigned_to",
                    reason: "no active user has that name".into(),
                })?;
        }
        sqlx::query("UPDATE work_items SET assigned_to = $1 WHERE id = $2")
            .bind(assignee)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit_update(&mut tx, actor, "work_item", id, now).await?;
        tx.commit().await
    }

    /// Adds a note to a work item (encrypted: notes speak of patients).
    pub async fn add_work_note(
        &self,
        actor: &Actor,
        organization_id: i64,
        id: i64,
        note: &str,
    ) -> Result<()> {
        let note = checked_note(note, "1 to 2000 characters")?;
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        item_in_org(&mut tx, organization_id, id).await?;
        self.write_note(&mut tx, id, &actor.name, note, now).await?;
        audit_update(&mut tx, actor, "work_item", id, now).await?;
        tx.commit().await
    }

    /// A work item's notes, oldest first (the view is audited).
    pub async fn work_notes(
        &self,
        actor: &Actor,
        organization_id: i64,
        id: i64,
    ) -> Result<Vec<WorkNote>> {
        let mut tx = self.write_tx().await?;
        item_in_org(&mut tx, organization_id, id).await?;
        let rows = sqlx::query(
            "SELECT written_at, author, note_enc FROM work_item_notes WHERE work_item_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let notes = rows
            .iter()
            .map(|r| {
                let at: String = get(r, "written_at")?;
                let enc: Vec<u8> = get(r, "note_enc")?;
                Ok(WorkNote {
                    written_at: parse_ts("work_item_notes.written_at", &at)?,
                    author: get(r, "author")?,
                    note: self.cipher.decrypt_str("work_item_notes.note", &enc)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::View.as_str(),
            "work_item",
            &id.to_string(),
            &actor.ip,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(notes)
    }

    /// Marks a work item (or an unmatched payment) resolved by hand.
    pub async fn resolve_work_item(
        &self,
        actor: &Actor,
        organization_id: i64,
        id: i64,
    ) -> Result<()> {
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        item_in_org(&mut tx, organization_id, id).await?;
        sqlx::query(
            "UPDATE work_items SET resolved_at = $1, resolved_by = $2 WHERE id = $3 AND resolved_at IS NULL",
        )
        .bind(ts_text(now))
        .bind(&actor.name)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit_update(&mut tx, actor, "work_item", id, now).await?;
        tx.commit().await
    }

    /// Records that an appeal was sent for a denial, with a note saying what was sent; the item
    /// stays open until the payer answers (a later payment resolves it).
    pub async fn record_appeal(
        &self,
        actor: &Actor,
        organization_id: i64,
        id: i64,
        note: &str,
    ) -> Result<()> {
        let note = checked_note(note, "say what was sent, 1 to 2000 characters")?;
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        item_in_org(&mut tx, organization_id, id).await?;
        let done = sqlx::query(
            "UPDATE work_items SET appealed_at = $1 WHERE id = $2 AND resolved_at IS NULL \
             AND kind IN ('denied', 'line_denied')",
        )
        .bind(ts_text(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Invalid {
                field: "work_item",
                reason: "only an open denial can be appealed (a rejection is corrected and resent)"
                    .into(),
            });
        }
        self.write_note(
            &mut tx,
            id,
            &actor.name,
            &format!("Appeal sent: {note}"),
            now,
        )
        .await?;
        audit_update(&mut tx, actor, "work_item", id, now).await?;
        tx.commit().await
    }

    /// Records what the patient paid on a claim (a negative amount is a refund) and lowers the
    /// claim's patient balance by it, in one transaction. A copay taken at check-in is recorded
    /// before the claim is sent (a credit until the payer says what the patient owes). Returns the
    /// new patient balance.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_patient_payment(
        &self,
        actor: &Actor,
        organization_id: i64,
        claim_id: i64,
        amount_cents: i64,
        method: &str,
        reference: &str,
        received_on: Date,
    ) -> Result<i64> {
        if amount_cents == 0 || amount_cents.unsigned_abs() > 100_000_000 {
            return Err(StoreError::Invalid {
                field: "amount",
                reason: "a non-zero amount up to $1,000,000.00 (negative for a refund)".into(),
            });
        }
        if !matches!(method, "cash" | "check" | "card" | "other") {
            return Err(StoreError::Invalid {
                field: "method",
                reason: "cash, check, card or other".into(),
            });
        }
        if reference.chars().count() > 60 {
            return Err(StoreError::Invalid {
                field: "reference",
                reason: "at most 60 characters (a check or receipt number)".into(),
            });
        }
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "UPDATE claims SET patient_paid_cents = patient_paid_cents + $1 \
             WHERE id = $2 AND organization_id = $3 AND status <> 'void' \
             RETURNING patient_resp_cents - patient_paid_cents AS balance",
        )
        .bind(amount_cents)
        .bind(claim_id)
        .bind(organization_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound {
            record: "claim",
            id: claim_id,
        })?;
        sqlx::query(
            "INSERT INTO patient_payments (claim_id, amount_cents, method, reference, received_on, recorded_at, \
             recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(claim_id)
        .bind(amount_cents)
        .bind(method)
        .bind(reference.trim())
        .bind(received_on.to_string())
        .bind(ts_text(now))
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        audit_update(&mut tx, actor, "claim", claim_id, now).await?;
        tx.commit().await?;
        get(&row, "balance")
    }

    /// Payments no claim was found for.
    pub async fn unmatched_payments(
        &self,
        organization_id: i64,
        include_resolved: bool,
    ) -> Result<Vec<UnmatchedPayment>> {
        let rows = sqlx::query(
            "SELECT u.id, u.remittance_id, r.trace_number, r.payer_name, u.patient_control_number, \
             u.payer_claim_control_number, u.status_code, u.charge_cents, u.paid_cents, u.reason, u.resolved_at \
             FROM unmatched_payments u JOIN remittances r ON r.id = u.remittance_id \
             WHERE r.organization_id = $1 AND ($2 = 1 OR u.resolved_at IS NULL) ORDER BY u.id DESC LIMIT 1000",
        )
        .bind(organization_id)
        .bind(i64::from(include_resolved))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UnmatchedPayment {
                    id: get(r, "id")?,
                    remittance_id: get(r, "remittance_id")?,
                    trace_number: get(r, "trace_number")?,
                    payer_name: get(r, "payer_name")?,
                    patient_control_number: get(r, "patient_control_number")?,
                    payer_claim_control_number: get(r, "payer_claim_control_number")?,
                    status_code: get(r, "status_code")?,
                    charge_cents: get(r, "charge_cents")?,
                    paid_cents: get(r, "paid_cents")?,
                    reason: get(r, "reason")?,
                    resolved_at: opt_ts("unmatched_payments.resolved_at", get(r, "resolved_at")?)?,
                })
            })
            .collect()
    }

    /// Marks an unmatched payment handled (refunded, forwarded, posted by hand).
    pub async fn resolve_unmatched(
        &self,
        actor: &Actor,
        organization_id: i64,
        id: i64,
    ) -> Result<()> {
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE unmatched_payments SET resolved_at = $1, resolved_by = $2 WHERE id = $3 AND resolved_at IS NULL \
             AND remittance_id IN (SELECT id FROM remittances WHERE organization_id = $4)",
        )
        .bind(ts_text(now))
        .bind(&actor.name)
        .bind(id)
        .bind(organization_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                record: "unmatched payment",
                id,
            });
        }
        audit_update(&mut tx, actor, "unmatched_payment", id, now).await?;
        tx.commit().await
    }

    /// A claim's balances, postings and acknowledgements.
    pub async fn claim_money(&self, organization_id: i64, claim_id: i64) -> Result<ClaimMoney> {
        let r = sqlx::query(
            "SELECT total_charge_cents, paid_cents, adjusted_cents, patient_resp_cents, patient_paid_cents, \
             primary_claim_id, prior_payer_cents, transferred_cents, \
             payer_claim_control_number FROM claims WHERE id = $1 AND organization_id = $2",
        )
        .bind(claim_id)
        .bind(organization_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound {
            record: "claim",
            id: claim_id,
        })?;
        let mut money = ClaimMoney {
            charge_cents: get(&r, "total_charge_cents")?,
            paid_cents: get(&r, "paid_cents")?,
            adjusted_cents: get(&r, "adjusted_cents")?,
            patient_resp_cents: get(&r, "patient_resp_cents")?,
            patient_paid_cents: get(&r, "patient_paid_cents")?,
            primary_claim_id: get(&r, "primary_claim_id")?,
            prior_payer_cents: get(&r, "prior_payer_cents")?,
            transferred_cents: get(&r, "transferred_cents")?,
            next_payer_claim_ids: sqlx::query(
                "SELECT id FROM claims WHERE primary_claim_id = $1 ORDER BY id",
            )
            .bind(claim_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| get::<i64>(row, "id"))
            .collect::<Result<Vec<_>>>()?,
            payer_claim_control_number: get(&r, "payer_claim_control_number")?,
            payments: Vec::new(),
            acknowledgements: Vec::new(),
        };
        let payments = sqlx::query(
            "SELECT p.id, p.remittance_id, r.payer_name, r.trace_number, r.payment_date, p.status_code, p.charge_cents, \
             p.paid_cents, p.patient_resp_cents, p.adjusted_cents, p.payer_claim_control_number \
             FROM claim_payments p JOIN remittances r ON r.id = p.remittance_id WHERE p.claim_id = $1 ORDER BY p.id",
        )
        .bind(claim_id)
        .fetch_all(&self.pool)
        .await?;
        for p in &payments {
            let pid: i64 = get(p, "id")?;
            let adjustments = sqlx::query(
                "SELECT line_number, group_code, reason_code, amount_cents FROM payment_adjustments \
                 WHERE claim_payment_id = $1",
            )
            .bind(pid)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|a| {
                Ok((
                    get(a, "line_number")?,
                    get(a, "group_code")?,
                    get(a, "reason_code")?,
                    get(a, "amount_cents")?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
            let lines = sqlx::query(
                "SELECT line_number, procedure_code, charge_cents, paid_cents, remark_codes FROM service_line_payments \
                 WHERE claim_payment_id = $1 ORDER BY position",
            )
            .bind(pid)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|l| {
                Ok((
                    get(l, "line_number")?,
                    get(l, "procedure_code")?,
                    get(l, "charge_cents")?,
                    get(l, "paid_cents")?,
                    get(l, "remark_codes")?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
            money.payments.push(PostedPayment {
                remittance_id: get(p, "remittance_id")?,
                payer_name: get(p, "payer_name")?,
                trace_number: get(p, "trace_number")?,
                payment_date: get(p, "payment_date")?,
                status_code: get(p, "status_code")?,
                charge_cents: get(p, "charge_cents")?,
                paid_cents: get(p, "paid_cents")?,
                patient_resp_cents: get(p, "patient_resp_cents")?,
                adjusted_cents: get(p, "adjusted_cents")?,
                payer_claim_control_number: get(p, "payer_claim_control_number")?,
                adjustments,
                lines,
            });
        }
        for a in sqlx::query(
            "SELECT kind, accepted, code, message, received_at FROM claim_acknowledgements WHERE claim_id = $1 ORDER BY id",
        )
        .bind(claim_id)
        .fetch_all(&self.pool)
        .await?
        {
            let at: String = get(&a, "received_at")?;
            money.acknowledgements.push(Acknowledgement {
                kind: get(&a, "kind")?,
                accepted: get::<i64>(&a, "accepted")? == 1,
                code: get(&a, "code")?,
                message: get(&a, "message")?,
                received_at: parse_ts("claim_acknowledgements.received_at", &at)?,
            });
        }
        Ok(money)
    }
}
