//! Getting paid: files received from payers (835, 999, 277CA), 835 posting, acknowledgements and
//! the work queue. A received file is applied in ONE transaction (all or nothing) and a file seen
//! before changes nothing; a claim's money is the sum of its postings.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use rcm_claims::posting::{
    self, BilledClaim, BilledLine, BilledState, ClaimAnswer, Outcome, PostingPlan, Received,
};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::audit::append_in;
use crate::error::Result;
use crate::model::*;
use crate::{Store, StoreError, get, ts_text};

/// A value of a row written by [`insert_rows`].
#[derive(Clone)]
pub(crate) enum V {
    I(i64),
    N(Option<i64>),
    T(String),
    B(Vec<u8>),
}

/// Inserts many rows with multi-row `VALUES` (both engines), in chunks that stay under the
/// engines' parameter limits: posting a 10,000-claim 835 is a few dozen statements, not 100,000.
pub(crate) async fn insert_rows(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<V>>,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES {{rows}}",
        columns.join(", ")
    );
    update_rows(conn, &sql, &[], columns.len(), rows).await
}

/// Runs `sql` over many rows: `{rows}` in it becomes a multi-row `VALUES` list (its columns are
/// `v.column1…` on both engines), after the `fixed` parameters `$1…`. Chunked: SQLite binds slow
/// down with the square of a statement's parameters in the driver, so its statements stay near
/// 300 parameters; PostgreSQL pays a round trip per statement instead.
pub(crate) async fn update_rows(
    conn: &mut AnyConnection,
    sql: &str,
    fixed: &[V],
    per_row: usize,
    rows: Vec<Vec<V>>,
) -> Result<()> {
    if rows.iter().any(|r| r.len() != per_row) {
        return Err(StoreError::Invalid {
            field: "rows",
            reason: "a row has the wrong number of values".into(),
        });
    }
    let budget = if conn.backend_name() == "SQLite" {
        300
    } else {
        PG_PARAMS
    };
    let chunk = (budget / per_row.max(1)).clamp(1, 5_000);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<Vec<V>> = rows.by_ref().take(chunk).collect();
        let mut values = String::new();
        let mut n = fixed.len();
        for i in 0..batch.len() {
            if i > 0 {
                values.push_str(", ");
            }
            values.push('(');
            for c in 0..per_row {
                if c > 0 {
                    values.push_str(", ");
                }
                n += 1;
                values.push('$');
                values.push_str(&n.to_string());
            }
            values.push(')');
        }
        let text = sql.replace("{rows}", &values);
        let mut q = sqlx::query(&text).persistent(cache_plans(conn));
        for v in fixed.iter().cloned().chain(batch.into_iter().flatten()) {
            q = match v {
                V::I(x) => q.bind(x),
                V::N(x) => q.bind(x),
                V::T(x) => q.bind(x),
                V::B(x) => q.bind(x),
            };
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// `$first, $first+1, …` for an `IN (…)` list of `count` values.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

const IN_CHUNK: usize = 500;

/// The columns a new work item is written with.
const WORK_ITEM_COLUMNS: &[&str] = &[
    "organization_id",
    "claim_id",
    "kind",
    "source",
    "group_code",
    "reason_code",
    "remark_code",
    "amount_cents",
    "opened_at",
];

/// Whether bulk statements are kept as prepared statements: yes on SQLite (preparing is most of
/// their cost); not on PostgreSQL, whose generic plan for a cached one (after five runs) scans the
/// organization's claims instead of looking the listed ids up, a hundred times slower.
fn cache_plans(conn: &AnyConnection) -> bool {
    conn.backend_name() == "SQLite"
}
const PG_PARAMS: usize = 4_000;

/// What importing a received file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The same file was imported before: nothing changed.
    AlreadyImported {
        file_id: i64,
        imported_at: Timestamp,
    },
    Imported(ImportReport),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub file_id: i64,
    pub kind: &'static str,
    pub payments: Vec<PaymentReport>,
    pub acknowledged: Vec<AckReport>,
    /// Patient control numbers (277CA) or group control numbers (999) that name nothing of ours.
    pub unknown: Vec<String>,
}

/// One 835 payment (BPR/TRN) as posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentReport {
    /// None: this payment was posted before (same payer and trace number) and was skipped.
    pub remittance_id: Option<i64>,
    pub payer_name: String,
    pub trace_number: String,
    pub payment_cents: i64,
    pub claims_posted: usize,
    pub claims_unmatched: usize,
    pub denials: usize,
    pub provider_adjustment_cents: i64,
}

/// One claim's acknowledgement as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckReport {
    pub claim_id: i64,
    pub accepted: bool,
    pub code: String,
    pub message: String,
    /// The status the claim moved to, when it moved.
    pub new_status: Option<ClaimStatus>,
}

/// A received file as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedFile {
    pub id: i64,
    pub kind: String,
    pub summary: String,
    pub imported_at: Timestamp,
    pub imported_by: String,
}

fn billed_state(status: &str) -> BilledState {
    match ClaimStatus::parse(status) {
        Some(ClaimStatus::Draft | ClaimStatus::Ready) | None => BilledState::NotSent,
        Some(ClaimStatus::Void) => BilledState::Void,
        Some(_) => BilledState::Sent,
    }
}

struct Billed {
    claims: HashMap<i64, BilledClaim>,
    status: HashMap<i64, ClaimStatus>,
    by_ccn: HashMap<String, i64>,
    /// (paid, adjusted, patient responsibility) as stored: the sums of the claim's postings so far.
    money: HashMap<i64, (i64, i64, i64)>,
}

async fn load_billed(
    conn: &mut AnyConnection,
    organization_id: i64,
    ids: &[i64],
    ccns: &[String],
) -> Result<Billed> {
    let mut b = Billed {
        claims: HashMap::new(),
        status: HashMap::new(),
        by_ccn: HashMap::new(),
        money: HashMap::new(),
    };
    let mut rows = Vec::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let sql = format!(
            "SELECT id, status, total_charge_cents, payer_claim_control_number, paid_cents, adjusted_cents, \
             patient_resp_cents FROM claims \
             WHERE organization_id = $1 AND id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut q = sqlx::query(&sql)
            .persistent(cache_plans(conn))
            .bind(organization_id);
        for id in chunk {
            q = q.bind(*id);
        }
        rows.extend(q.fetch_all(&mut *conn).await?);
    }
    for chunk in ccns.chunks(IN_CHUNK) {
        let sql = format!(
            "SELECT id, status, total_charge_cents, payer_claim_control_number, paid_cents, adjusted_cents, \
             patient_resp_cents FROM claims \
             WHERE organization_id = $1 AND payer_claim_control_number IN ({})",
            placeholders(2, chunk.len())
        );
        let mut q = sqlx::query(&sql)
            .persistent(cache_plans(conn))
            .bind(organization_id);
        for c in chunk {
            q = q.bind(c.as_str());
        }
        rows.extend(q.fetch_all(&mut *conn).await?);
    }
    for r in &rows {
        let id: i64 = get(r, "id")?;
        let status: String = get(r, "status")?;
        if let Some(ccn) = get::<Option<String>>(r, "payer_claim_control_number")? {
            b.by_ccn.insert(ccn, id);
        }
        if let Some(s) = ClaimStatus::parse(&status) {
            b.status.insert(id, s);
        }
        b.money.insert(
            id,
            (
                get(r, "paid_cents")?,
                get(r, "adjusted_cents")?,
                get(r, "patient_resp_cents")?,
            ),
        );
        b.claims.entry(id).or_insert(BilledClaim {
            claim_id: id,
            state: billed_state(&status),
            charge_cents: get(r, "total_charge_cents")?,
            lines: Vec::new(),
        });
    }
    let found: Vec<i64> = b.claims.keys().copied().collect();
    for chunk in found.chunks(IN_CHUNK) {
        let sql = format!(
            "SELECT claim_id, line_number, procedure_code, modifiers, charge_cents FROM claim_lines \
             WHERE claim_id IN ({}) ORDER BY claim_id, line_number",
            placeholders(1, chunk.len())
        );
        let mut q = sqlx::query(&sql).persistent(cache_plans(conn));
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            let claim_id: i64 = get(&r, "claim_id")?;
            let modifiers: String = get(&r, "modifiers")?;
            if let Some(c) = b.claims.get_mut(&claim_id) {
                c.lines.push(BilledLine {
                    line_number: u32::try_from(get::<i64>(&r, "line_number")?).unwrap_or(0),
                    procedure_code: get(&r, "procedure_code")?,
                    modifiers: modifiers
                        .split(',')
                        .filter(|m| !m.is_empty())
                        .map(str::to_string)
                        .collect(),
                    charge_cents: get(&r, "charge_cents")?,
                });
            }
        }
    }
    Ok(b)
}

/// Moves claims to a status with their history rows, in bulk. The history is written first:
/// PostgreSQL checks each row's claim, which is quicker before the claim is updated in the same
/// transaction.
async fn move_claims(
    conn: &mut AnyConnection,
    moves: &[(i64, ClaimStatus, ClaimStatus)],
    now: Timestamp,
    by: &str,
) -> Result<()> {
    write_history(conn, moves, now, by).await?;
    let mut by_target: HashMap<ClaimStatus, Vec<i64>> = HashMap::new();
    for (id, from, to) in moves {
        if from != to {
            by_target.entry(*to).or_default().push(*id);
        }
    }
    for (to, ids) in by_target {
        for chunk in ids.chunks(IN_CHUNK) {
            let sql = format!(
                "UPDATE claims SET status = $1, version = version + 1, updated_at = $2, updated_by = $3 \
                 WHERE id IN ({})",
                placeholders(4, chunk.len())
            );
            let mut q = sqlx::query(&sql)
                .persistent(cache_plans(conn))
                .bind(to.as_str())
                .bind(ts_text(now))
                .bind(by);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// The status history rows of these moves (those that change the status).
async fn write_history(
    conn: &mut AnyConnection,
    moves: &[(i64, ClaimStatus, ClaimStatus)],
    now: Timestamp,
    by: &str,
) -> Result<()> {
    let history: Vec<Vec<V>> = moves
        .iter()
        .filter(|(_, from, to)| from != to)
        .map(|(id, from, to)| {
            vec![
                V::I(*id),
                V::T(from.as_str().into()),
                V::T(to.as_str().into()),
                V::T(ts_text(now)),
                V::T(by.into()),
            ]
        })
        .collect();
    insert_rows(
        conn,
        "claim_status_history",
        &[
            "claim_id",
            "from_status",
            "to_status",
            "changed_at",
            "changed_by",
        ],
        history,
    )
    .await
}

/// Resolves the open work items of these kinds on these claims (the payer has since paid or
/// accepted them).
async fn resolve_items(
    conn: &mut AnyConnection,
    claim_ids: &[i64],
    kinds: &[&str],
    now: Timestamp,
    by: &str,
) -> Result<()> {
    for chunk in claim_ids.chunks(IN_CHUNK) {
        let sql = format!(
            "UPDATE work_items SET resolved_at = $1, resolved_by = $2 WHERE resolved_at IS NULL \
             AND kind IN ({}) AND claim_id IN ({})",
            placeholders(3, kinds.len()),
            placeholders(3 + kinds.len(), chunk.len())
        );
        let mut q = sqlx::query(&sql)
            .persistent(cache_plans(conn))
            .bind(ts_text(now))
            .bind(by);
        for k in kinds {
            q = q.bind(*k);
        }
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Open work items already on these claims, as (claim, kind, reason).
async fn open_items(
    conn: &mut AnyConnection,
    claim_ids: &[i64],
) -> Result<HashSet<(i64, String, String)>> {
    let mut out = HashSet::new();
    for chunk in claim_ids.chunks(IN_CHUNK) {
        let sql = format!(
            "SELECT claim_id, kind, reason_code FROM work_items WHERE resolved_at IS NULL AND claim_id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut q = sqlx::query(&sql).persistent(cache_plans(conn));
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            out.insert((
                get(&r, "claim_id")?,
                get(&r, "kind")?,
                get(&r, "reason_code")?,
            ));
        }
    }
    Ok(out)
}

impl Store {
    /// Imports a file received from a payer or clearinghouse, already read and checked
    /// ([`posting::read_received`]): 835 payments are posted, 999 and 277CA answers recorded on the
    /// claims they name. One transaction; the same file again changes nothing.
    pub async fn import_received(
        &self,
        actor: &Actor,
        organization_id: i64,
        bytes: &[u8],
        received: &Received,
    ) -> Result<ImportOutcome> {
        let sha = Sha256::digest(bytes).to_vec();
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        // Postings of one organization are serial: balances are sums, and two files posting to
        // the same claim at once must not each read the other's state as missing.
        let locked = sqlx::query("UPDATE organizations SET id = id WHERE id = $1")
            .bind(organization_id)
            .execute(&mut *tx)
            .await?;
        if locked.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                record: "organization",
                id: organization_id,
            });
        }
        if let Some(r) = sqlx::query(
            "SELECT id, imported_at FROM received_files WHERE organization_id = $1 AND file_sha256 = $2",
        )
        .bind(organization_id)
        .bind(sha.clone())
        .fetch_optional(&mut *tx)
        .await?
        {
            let at: String = get(&r, "imported_at")?;
            return Ok(ImportOutcome::AlreadyImported {
                file_id: get(&r, "id")?,
                imported_at: crate::parse_ts("received_files.imported_at", &at)?,
            });
        }
        let row = sqlx::query(
            "INSERT INTO received_files (organization_id, kind, file_sha256, file_enc, summary, imported_at, \
             imported_by) VALUES ($1, $2, $3, $4, '', $5, $6) RETURNING id",
        )
        .bind(organization_id)
        .bind(received.kind())
        .bind(sha)
        .bind(self.cipher.encrypt("received_files.file", bytes)?)
        .bind(ts_text(now))
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        let file_id: i64 = get(&row, "id")?;
        let mut report = ImportReport {
            file_id,
            kind: received.kind(),
            payments: Vec::new(),
            acknowledged: Vec::new(),
            unknown: Vec::new(),
        };
        match received {
            Received::Remittances(remits) => {
                for r in remits {
                    let p = self
                        .post_remittance(&mut tx, organization_id, file_id, r, now, &actor.name)
                        .await?;
                    report.payments.push(p);
                }
            }
            Received::Acks277(acks) => {
                let answers = posting::answers_277(acks);
                self.record_answers(
                    &mut tx,
                    organization_id,
                    file_id,
                    "277CA",
                    &answers,
                    now,
                    &actor.name,
                    &mut report,
                )
                .await?;
            }
            Received::Acks999(acks) => {
                let mut answers = Vec::new();
                for a in posting::answers_999(acks) {
                    let claims = sqlx::query(
                        "SELECT bc.claim_id FROM batch_claims bc JOIN batches b ON b.id = bc.batch_id \
                         WHERE b.organization_id = $1 AND b.group_control_number = $2 ORDER BY bc.claim_id",
                    )
                    .bind(organization_id)
                    .bind(a.group_control.trim_start_matches('0').parse::<i64>().unwrap_or(-1))
                    .fetch_all(&mut *tx)
                    .await?;
                    if claims.is_empty() {
                        report.unknown.push(a.group_control.clone());
                    }
                    for c in claims {
                        let id: i64 = get(&c, "claim_id")?;
                        answers.push(ClaimAnswer {
                            patient_control_number: posting::patient_control_number(id),
                            accepted: a.accepted,
                            code: a.code.clone(),
                            message: a.message.clone(),
                            payer_claim_control_number: String::new(),
                        });
                    }
                }
                self.record_answers(
                    &mut tx,
                    organization_id,
                    file_id,
                    "999",
                    &answers,
                    now,
                    &actor.name,
                    &mut report,
                )
                .await?;
            }
        }
        let summary = summarize(&report);
        sqlx::query("UPDATE received_files SET summary = $1 WHERE id = $2")
            .bind(&summary)
            .bind(file_id)
            .execute(&mut *tx)
            .await?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Import.as_str(),
            "received_file",
            &file_id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(ImportOutcome::Imported(report))
    }

    #[allow(clippy::too_many_arguments)]
    async fn post_remittance(
        &self,
        conn: &mut AnyConnection,
        organization_id: i64,
        file_id: i64,
        r: &rcm_x12::model::remit835::Remittance,
        now: Timestamp,
        by: &str,
    ) -> Result<PaymentReport> {
        let ids: Vec<i64> = r
            .claims
            .iter()
            .filter_map(|c| posting::claim_id_of_pcn(&c.patient_control_number))
            .collect();
        let ccns: Vec<String> = r
            .claims
            .iter()
            .filter(|c| !c.payer_claim_control_number.is_empty())
            .map(|c| c.payer_claim_control_number.to_string())
            .collect();
        let billed = load_billed(conn, organization_id, &ids, &ccns).await?;
        let plan = posting::plan_remittance(
            r,
            |pcn| posting::claim_id_of_pcn(pcn).and_then(|id| billed.claims.get(&id)),
            |ccn| billed.by_ccn.get(ccn).and_then(|id| billed.claims.get(id)),
        );
        let plb_total: i64 = plan
            .provider_adjustments
            .iter()
            .map(|p| p.amount_cents)
            .sum();
        let mut report = PaymentReport {
            remittance_id: None,
            payer_name: plan.payer_name.clone(),
            trace_number: plan.trace_number.clone(),
            payment_cents: plan.payment_cents,
            claims_posted: plan.claims.len(),
            claims_unmatched: plan.unmatched.len(),
            denials: plan.claims.iter().map(|c| c.denials.len()).sum(),
            provider_adjustment_cents: plb_total,
        };
        if !plan.reconciles(r) {
            return Err(StoreError::Invalid {
                field: "835",
                reason: format!(
                    "payment {} does not reconcile: BPR02 is not the claims' payments less the provider-level adjustments",
                    plan.trace_number
                ),
            });
        }
        let seen = sqlx::query(
            "SELECT id FROM remittances WHERE organization_id = $1 AND payer_identifier = $2 AND trace_number = $3",
        )
        .bind(organization_id)
        .bind(&plan.payer_identifier)
        .bind(&plan.trace_number)
        .fetch_optional(&mut *conn)
        .await?;
        if seen.is_some() {
            report.claims_posted = 0;
            report.claims_unmatched = 0;
            report.denials = 0;
            return Ok(report);
        }
        let row = sqlx::query(
            "INSERT INTO remittances (organization_id, received_file_id, payer_name, payer_identifier, trace_number, \
             payment_method, payment_date, payment_cents, claims_posted, claims_unmatched, posted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(organization_id)
        .bind(file_id)
        .bind(&plan.payer_name)
        .bind(&plan.payer_identifier)
        .bind(&plan.trace_number)
        .bind(&plan.payment_method)
        .bind(plan.payment_date.clone())
        .bind(plan.payment_cents)
        .bind(plan.claims.len() as i64)
        .bind(plan.unmatched.len() as i64)
        .bind(ts_text(now))
        .fetch_one(&mut *conn)
        .await?;
        let remittance_id: i64 = get(&row, "id")?;
        report.remittance_id = Some(remittance_id);
        self.write_plan(
            conn,
            organization_id,
            remittance_id,
            r,
            &plan,
            &billed,
            now,
            by,
        )
        .await?;
        Ok(report)
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_plan(
        &self,
        conn: &mut AnyConnection,
        organization_id: i64,
        remittance_id: i64,
        r: &rcm_x12::model::remit835::Remittance,
        plan: &PostingPlan,
        billed: &Billed,
        now: Timestamp,
        by: &str,
    ) -> Result<()> {
        insert_rows(
            conn,
            "claim_payments",
            &[
                "remittance_id",
                "claim_id",
                "position",
                "status_code",
                "charge_cents",
                "paid_cents",
                "patient_resp_cents",
                "adjusted_cents",
                "payer_claim_control_number",
            ],
            plan.claims
                .iter()
                .map(|c| {
                    vec![
                        V::I(remittance_id),
                        V::I(c.claim_id),
                        V::I(i64::from(c.position)),
                        V::T(c.status_code.clone()),
                        V::I(c.charge_cents),
                        V::I(c.paid_cents),
                        V::I(c.patient_resp_cents),
                        V::I(c.adjusted_cents),
                        V::T(c.payer_claim_control_number.clone()),
                    ]
                })
                .collect(),
        )
        .await?;
        let mut payment_ids: HashMap<i64, i64> = HashMap::new();
        for row in sqlx::query("SELECT id, position FROM claim_payments WHERE remittance_id = $1")
            .bind(remittance_id)
            .fetch_all(&mut *conn)
            .await?
        {
            payment_ids.insert(get(&row, "position")?, get(&row, "id")?);
        }
        let pid = |position: u32| -> Result<i64> {
            payment_ids
                .get(&i64::from(position))
                .copied()
                .ok_or(StoreError::Invalid {
                    field: "claim_payments",
                    reason: "a posted payment row was not found again".into(),
                })
        };
        let mut adjustments = Vec::new();
        let mut lines = Vec::new();
        for c in &plan.claims {
            let id = pid(c.position)?;
            for a in &c.adjustments {
                adjustments.push(vec![
                    V::I(id),
                    V::N(a.line_number.map(i64::from)),
                    V::T(a.group.clone()),
                    V::T(a.reason.clone()),
                    V::I(a.amount_cents),
                    V::N(a.quantity_milli),
                ]);
            }
            for (i, l) in c.lines.iter().enumerate() {
                lines.push(vec![
                    V::I(id),
                    V::I(i as i64 + 1),
                    V::N(l.line_number.map(i64::from)),
                    V::T(l.procedure_code.clone()),
                    V::T(l.modifiers.join(",")),
                    V::I(l.charge_cents),
                    V::I(l.paid_cents),
                    V::N(l.allowed_cents),
                    V::T(l.remark_codes.join(",")),
                ]);
            }
        }
        insert_rows(
            conn,
            "payment_adjustments",
            &[
                "claim_payment_id",
                "line_number",
                "group_code",
                "reason_code",
                "amount_cents",
                "quantity_milli",
            ],
            adjustments,
        )
        .await?;
        insert_rows(
            conn,
            "service_line_payments",
            &[
                "claim_payment_id",
                "position",
                "line_number",
                "procedure_code",
                "modifiers",
                "charge_cents",
                "paid_cents",
                "allowed_cents",
                "remark_codes",
            ],
            lines,
        )
        .await?;
        insert_rows(
            conn,
            "provider_adjustments",
            &[
                "remittance_id",
                "position",
                "provider_identifier",
                "reason_code",
                "reference",
                "amount_cents",
            ],
            plan.provider_adjustments
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    vec![
                        V::I(remittance_id),
                        V::I(i as i64 + 1),
                        V::T(p.provider_identifier.clone()),
                        V::T(p.reason.clone()),
                        V::T(p.reference.clone()),
                        V::I(p.amount_cents),
                    ]
                })
                .collect(),
        )
        .await?;
        let mut unmatched = Vec::new();
        for u in &plan.unmatched {
            let clp = usize::try_from(u.position)
                .ok()
                .and_then(|p| r.claims.get(p.wrapping_sub(1)));
            let detail = clp.map(serde_json_vec).transpose()?.unwrap_or_default();
            unmatched.push(vec![
                V::I(remittance_id),
                V::I(i64::from(u.position)),
                V::T(u.patient_control_number.clone()),
                V::T(u.payer_claim_control_number.clone()),
                V::T(u.status_code.clone()),
                V::I(u.charge_cents),
                V::I(u.paid_cents),
                V::T(u.reason.as_str().into()),
                V::B(self.cipher.encrypt("unmatched_payments.detail", &detail)?),
            ]);
        }
        insert_rows(
            conn,
            "unmatched_payments",
            &[
                "remittance_id",
                "position",
                "patient_control_number",
                "payer_claim_control_number",
                "status_code",
                "charge_cents",
                "paid_cents",
                "reason",
                "detail_enc",
            ],
            unmatched,
        )
        .await?;

        let touched: Vec<i64> = {
            let mut v: Vec<i64> = plan.claims.iter().map(|c| c.claim_id).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        // Status: the last answer in the file about a claim decides.
        let mut last: HashMap<i64, Outcome> = HashMap::new();
        for c in &plan.claims {
            last.insert(c.claim_id, c.outcome);
        }
        let mut moves = Vec::new();
        let mut paid_now = Vec::new();
        for &id in &touched {
            let Some(from) = billed.status.get(&id).copied() else {
                continue;
            };
            let to = match last.get(&id) {
                Some(Outcome::Paid) => {
                    paid_now.push(id);
                    ClaimStatus::Paid
                }
                Some(Outcome::Denied) => ClaimStatus::Denied,
                Some(Outcome::Reversed) => ClaimStatus::Accepted,
                Some(Outcome::Informational) | None => from,
            };
            moves.push((id, from, to));
        }
        // The history first (see move_claims), then every touched claim in one multi-row UPDATE:
        // status, and the balances as the stored sums plus this payment's postings.
        write_history(conn, &moves, now, by).await?;
        let mut delta: HashMap<i64, (i64, i64, i64, &str)> = HashMap::new();
        for c in &plan.claims {
            // A predetermination (25) or "not our claim" (23) is recorded but moves no money.
            if c.outcome == Outcome::Informational {
                continue;
            }
            let d = delta.entry(c.claim_id).or_insert((0, 0, 0, ""));
            d.0 += c.paid_cents;
            d.1 += c.adjusted_cents;
            d.2 += c.patient_resp_cents;
            if !c.payer_claim_control_number.is_empty() {
                d.3 = &c.payer_claim_control_number;
            }
        }
        let rows: Vec<Vec<V>> = moves
            .iter()
            .map(|(id, _, to)| {
                let (paid, adjusted, pr) = billed.money.get(id).copied().unwrap_or((0, 0, 0));
                let (dp, da, dr, ccn) = delta.get(id).copied().unwrap_or((0, 0, 0, ""));
                vec![
                    V::I(*id),
                    V::T(to.as_str().into()),
                    V::I(paid + dp),
                    V::I(adjusted + da),
                    V::I(pr + dr),
                    V::T(ccn.into()),
                ]
            })
            .collect();
        update_rows(
            conn,
            "UPDATE claims SET status = v.column2, \
             version = claims.version + CASE WHEN claims.status = v.column2 THEN 0 ELSE 1 END, \
             updated_at = CASE WHEN claims.status = v.column2 THEN claims.updated_at ELSE $1 END, \
             updated_by = CASE WHEN claims.status = v.column2 THEN claims.updated_by ELSE $2 END, \
             paid_cents = v.column3, adjusted_cents = v.column4, patient_resp_cents = v.column5, \
             payer_claim_control_number = COALESCE(NULLIF(v.column6, ''), claims.payer_claim_control_number), \
             first_response = COALESCE(claims.first_response, 'accepted') \
             FROM (VALUES {rows}) AS v WHERE claims.id = v.column1",
            &[V::T(ts_text(now)), V::T(by.into())],
            6,
            rows,
        )
        .await?;
        resolve_items(conn, &paid_now, &["denied", "rejected"], now, "835 payment").await?;

        // The work queue: one open item per claim, kind and reason.
        let open = open_items(conn, &touched).await?;
        let mut seen: HashSet<(i64, String, String)> = HashSet::new();
        let mut items = Vec::new();
        for c in &plan.claims {
            if last.get(&c.claim_id) != Some(&c.outcome) {
                continue;
            }
            for d in &c.denials {
                let kind = if d.line_number.is_some() || c.outcome == Outcome::Paid {
                    "line_denied"
                } else {
                    "denied"
                };
                let key = (c.claim_id, kind.to_string(), d.reason.clone());
                if open.contains(&key) || !seen.insert(key) {
                    continue;
                }
                items.push(vec![
                    V::I(organization_id),
                    V::I(c.claim_id),
                    V::T(kind.into()),
                    V::T("835".into()),
                    V::T(d.group.clone()),
                    V::T(d.reason.clone()),
                    V::T(d.remark.clone()),
                    V::I(d.amount_cents),
                    V::T(ts_text(now)),
                ]);
            }
        }
        insert_rows(conn, "work_items", WORK_ITEM_COLUMNS, items).await
    }

    /// Posts an unmatched payment to the claim a biller chose (the payer mistyped the patient
    /// control number, say): the CLP kept whole is planned against that claim and written as if it
    /// had matched, in one transaction, and the unmatched entry is resolved.
    pub async fn post_unmatched(
        &self,
        actor: &Actor,
        organization_id: i64,
        unmatched_id: i64,
        claim_id: i64,
    ) -> Result<PaymentReport> {
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE organizations SET id = id WHERE id = $1")
            .bind(organization_id)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "SELECT u.remittance_id, u.position, u.detail_enc, r.payer_name, r.trace_number FROM unmatched_payments u \
             JOIN remittances r ON r.id = u.remittance_id \
             WHERE u.id = $1 AND r.organization_id = $2 AND u.resolved_at IS NULL",
        )
        .bind(unmatched_id)
        .bind(organization_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound {
            record: "unmatched payment",
            id: unmatched_id,
        })?;
        let remittance_id: i64 = get(&row, "remittance_id")?;
        let position: i64 = get(&row, "position")?;
        let enc: Vec<u8> = get(&row, "detail_enc")?;
        let detail = self.cipher.decrypt("unmatched_payments.detail", &enc)?;
        let clp: rcm_x12::model::remit835::ClaimPayment =
            serde_json::from_slice(&detail).map_err(|_| StoreError::Invalid {
                field: "unmatched_payments.detail",
                reason: "the kept payment could not be read".into(),
            })?;
        let billed = load_billed(&mut tx, organization_id, &[claim_id], &[]).await?;
        let claim = billed.claims.get(&claim_id).ok_or(StoreError::NotFound {
            record: "claim",
            id: claim_id,
        })?;
        if claim.state != BilledState::Sent {
            return Err(StoreError::Invalid {
                field: "claim_id",
                reason: "the claim was never sent, or is void".into(),
            });
        }
        let remittance = rcm_x12::model::remit835::Remittance {
            claims: vec![clp],
            ..Default::default()
        };
        let mut plan = posting::plan_remittance(&remittance, |_| Some(claim), |_| None);
        for c in &mut plan.claims {
            c.position = u32::try_from(position).unwrap_or(u32::MAX);
        }
        self.write_plan(
            &mut tx,
            organization_id,
            remittance_id,
            &remittance,
            &plan,
            &billed,
            now,
            &actor.name,
        )
        .await?;
        sqlx::query(
            "UPDATE unmatched_payments SET resolved_at = $1, resolved_by = $2 WHERE id = $3",
        )
        .bind(ts_text(now))
        .bind(&actor.name)
        .bind(unmatched_id)
        .execute(&mut *tx)
        .await?;
        crate::receivables::audit_update(&mut tx, actor, "unmatched_payment", unmatched_id, now)
            .await?;
        tx.commit().await?;
        Ok(PaymentReport {
            remittance_id: Some(remittance_id),
            payer_name: get(&row, "payer_name")?,
            trace_number: get(&row, "trace_number")?,
            payment_cents: plan.claims.iter().map(|c| c.paid_cents).sum(),
            claims_posted: plan.claims.len(),
            claims_unmatched: 0,
            denials: plan.claims.iter().map(|c| c.denials.len()).sum(),
            provider_adjustment_cents: 0,
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn record_answers(
        &self,
        conn: &mut AnyConnection,
        organization_id: i64,
        file_id: i64,
        kind: &'static str,
        answers: &[ClaimAnswer],
        now: Timestamp,
        by: &str,
        report: &mut ImportReport,
    ) -> Result<()> {
        let ids: Vec<i64> = answers
            .iter()
            .filter_map(|a| posting::claim_id_of_pcn(&a.patient_control_number))
            .collect();
        let billed = load_billed(conn, organization_id, &ids, &[]).await?;
        let mut status: HashMap<i64, ClaimStatus> = billed.status.clone();
        let mut acks = Vec::new();
        let mut items = Vec::new();
        let mut accepted_ids = Vec::new();
        let open = open_items(conn, &ids).await?;
        for a in answers {
            let Some(id) = posting::claim_id_of_pcn(&a.patient_control_number)
                .filter(|id| billed.claims.contains_key(id))
            else {
                report.unknown.push(a.patient_control_number.clone());
                continue;
            };
            let Some(from) = status.get(&id).copied() else {
                continue;
            };
            // A 999 acceptance says the file was readable, not that the payer took the claim:
            // only a 277CA acceptance moves the claim to accepted.
            let to = match (a.accepted, from) {
                (true, ClaimStatus::Submitted) if kind == "277CA" => ClaimStatus::Accepted,
                (false, ClaimStatus::Submitted | ClaimStatus::Accepted) => ClaimStatus::Rejected,
                _ => from,
            };
            acks.push(vec![
                V::I(id),
                V::I(file_id),
                V::T(kind.into()),
                V::I(i64::from(a.accepted)),
                V::T(a.code.clone()),
                V::T(a.message.clone()),
                V::T(ts_text(now)),
            ]);
            if a.accepted {
                if kind == "277CA" {
                    accepted_ids.push(id);
                }
            } else if !open.contains(&(id, "rejected".to_string(), a.code.clone())) {
                items.push(vec![
                    V::I(organization_id),
                    V::I(id),
                    V::T("rejected".into()),
                    V::T(kind.into()),
                    V::T(String::new()),
                    V::T(a.code.clone()),
                    V::T(String::new()),
                    V::I(billed.claims.get(&id).map_or(0, |c| c.charge_cents)),
                    V::T(ts_text(now)),
                ]);
            }
            if !a.payer_claim_control_number.is_empty() {
                sqlx::query("UPDATE claims SET payer_claim_control_number = $1 WHERE id = $2")
                    .bind(&a.payer_claim_control_number)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
            }
            if kind == "277CA" || !a.accepted {
                sqlx::query(
                    "UPDATE claims SET first_response = COALESCE(first_response, $1) WHERE id = $2",
                )
                .bind(if a.accepted { "accepted" } else { "rejected" })
                .bind(id)
                .execute(&mut *conn)
                .await?;
            }
            if to != from {
                move_claims(conn, &[(id, from, to)], now, by).await?;
                status.insert(id, to);
            }
            report.acknowledged.push(AckReport {
                claim_id: id,
                accepted: a.accepted,
                code: a.code.clone(),
                message: a.message.clone(),
                new_status: (to != from).then_some(to),
            });
        }
        insert_rows(
            conn,
            "claim_acknowledgements",
            &[
                "claim_id",
                "received_file_id",
                "kind",
                "accepted",
                "code",
                "message",
                "received_at",
            ],
            acks,
        )
        .await?;
        insert_rows(conn, "work_items", WORK_ITEM_COLUMNS, items).await?;
        resolve_items(conn, &accepted_ids, &["rejected"], now, "277CA acceptance").await
    }

    /// Received files of an organization, newest first.
    pub async fn received_files(
        &self,
        organization_id: i64,
        limit: i64,
    ) -> Result<Vec<ReceivedFile>> {
        let rows = sqlx::query(
            "SELECT id, kind, summary, imported_at, imported_by FROM received_files \
             WHERE organization_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(organization_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let at: String = get(r, "imported_at")?;
                Ok(ReceivedFile {
                    id: get(r, "id")?,
                    kind: get(r, "kind")?,
                    summary: get(r, "summary")?,
                    imported_at: crate::parse_ts("received_files.imported_at", &at)?,
                    imported_by: get(r, "imported_by")?,
                })
            })
            .collect()
    }
}

fn serde_json_vec(c: &rcm_x12::model::remit835::ClaimPayment) -> Result<Vec<u8>> {
    serde_json::to_vec(c).map_err(|_| StoreError::Invalid {
        field: "unmatched_payments.detail",
        reason: "the payment could not be serialized".into(),
    })
}

fn summarize(r: &ImportReport) -> String {
    match r.kind {
        "835" => {
            let posted: usize = r.payments.iter().map(|p| p.claims_posted).sum();
            let unmatched: usize = r.payments.iter().map(|p| p.claims_unmatched).sum();
            let skipped = r
                .payments
                .iter()
                .filter(|p| p.remittance_id.is_none())
                .count();
            let cents: i64 = r
                .payments
                .iter()
                .filter(|p| p.remittance_id.is_some())
                .map(|p| p.payment_cents)
                .sum();
            format!(
                "{} payment(s), {} claim(s) posted, {} unmatched, {} already posted; ${}",
                r.payments.len() - skipped,
                posted,
                unmatched,
                skipped,
                posting::amount(cents)
            )
        }
        _ => {
            let accepted = r.acknowledged.iter().filter(|a| a.accepted).count();
            format!(
                "{} claim(s) acknowledged: {} accepted, {} rejected; {} unknown",
                r.acknowledged.len(),
                accepted,
                r.acknowledged.len() - accepted,
                r.unknown.len()
            )
        }
    }
}
