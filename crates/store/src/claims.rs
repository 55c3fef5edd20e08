//! Claims (content, status, version), their status history, submission batches, and key rotation.

use jiff::Timestamp;
use sqlx::{AnyConnection, Row};

use crate::audit::append_in;
use crate::crypto::{Cipher, EncryptionKey};
use crate::error::Result;
use crate::model::*;
use crate::{Store, StoreError, get, parse_date, parse_ts, ts_text};

/// The largest ISA13 interchange control number; the counter wraps to 1 after it.
pub const MAX_CONTROL_NUMBER: i64 = 999_999_999;

fn invalid(field: &'static str, reason: &str) -> StoreError {
    StoreError::Invalid {
        field,
        reason: reason.into(),
    }
}

fn check_content(kind: ClaimKind, c: &ClaimContent) -> Result<()> {
    let max_dx = match kind {
        ClaimKind::Professional => 12,
        ClaimKind::Institutional => 25,
    };
    if c.diagnoses.is_empty() || c.diagnoses.len() > max_dx {
        return Err(StoreError::Invalid {
            field: "diagnoses",
            reason: format!("1 to {max_dx} codes"),
        });
    }
    for code in &c.diagnoses {
        if code.is_empty() || code.len() > 8 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid(
                "diagnoses",
                "codes are 3 to 8 letters and digits, without the dot",
            ));
        }
    }
    if c.lines.is_empty() || c.lines.len() > 999 {
        return Err(invalid("lines", "1 to 999 service lines"));
    }
    if !matches!(c.frequency_code.as_str(), "1" | "7" | "8") {
        return Err(invalid(
            "frequency_code",
            "1 (original), 7 (replacement) or 8 (void)",
        ));
    }
    for line in &c.lines {
        if line.procedure_code.is_empty()
            || line.procedure_code.len() > 48
            || !line
                .procedure_code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric())
        {
            return Err(invalid(
                "lines.procedure_code",
                "letters and digits, at most 48",
            ));
        }
        if line.modifiers.len() > 4
            || line
                .modifiers
                .iter()
                .any(|m| m.len() != 2 || !m.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(invalid(
                "lines.modifiers",
                "at most 4 modifiers of 2 letters or digits",
            ));
        }
        if line.charge_cents < 0 {
            return Err(invalid("lines.charge_cents", "must not be negative"));
        }
        if line.units_milli <= 0 {
            return Err(invalid("lines.units_milli", "must be positive"));
        }
        if line.diagnosis_pointers.is_empty()
            || line.diagnosis_pointers.len() > 4
            || line
                .diagnosis_pointers
                .iter()
                .any(|&p| p == 0 || usize::from(p) > c.diagnoses.len())
        {
            return Err(invalid(
                "lines.diagnosis_pointers",
                "1 to 4 positions of the claim's diagnoses",
            ));
        }
    }
    Ok(())
}

async fn write_content(conn: &mut AnyConnection, claim_id: i64, c: &ClaimContent) -> Result<()> {
    sqlx::query("DELETE FROM claim_diagnoses WHERE claim_id = $1")
        .bind(claim_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM claim_lines WHERE claim_id = $1")
        .bind(claim_id)
        .execute(&mut *conn)
        .await?;
    for (i, code) in c.diagnoses.iter().enumerate() {
        sqlx::query("INSERT INTO claim_diagnoses (claim_id, position, code) VALUES ($1, $2, $3)")
            .bind(claim_id)
            .bind(i as i64 + 1)
            .bind(code)
            .execute(&mut *conn)
            .await?;
    }
    for (i, l) in c.lines.iter().enumerate() {
        let pointers: Vec<String> = l.diagnosis_pointers.iter().map(u8::to_string).collect();
        sqlx::query(
            "INSERT INTO claim_lines (claim_id, line_number, procedure_code, modifiers, charge_cents, units_milli, \
             diagnosis_pointers, service_date, place_of_service, rendering_provider_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(claim_id)
        .bind(i as i64 + 1)
        .bind(&l.procedure_code)
        .bind(l.modifiers.join(","))
        .bind(l.charge_cents)
        .bind(l.units_milli)
        .bind(pointers.join(","))
        .bind(l.service_date.to_string())
        .bind(l.place_of_service.as_deref())
        .bind(l.rendering_provider_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(crate) async fn load_claim(conn: &mut AnyConnection, id: i64) -> Result<Claim> {
    let row = sqlx::query("SELECT * FROM claims WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound {
            record: "claim",
            id,
        })?;
    let diagnoses =
        sqlx::query("SELECT code FROM claim_diagnoses WHERE claim_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| get::<String>(r, "code"))
            .collect::<Result<Vec<_>>>()?;
    let mut lines = Vec::new();
    for r in sqlx::query("SELECT * FROM claim_lines WHERE claim_id = $1 ORDER BY line_number")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
    {
        let modifiers: String = get(&r, "modifiers")?;
        let pointers: String = get(&r, "diagnosis_pointers")?;
        lines.push(ServiceLine {
            procedure_code: get(&r, "procedure_code")?,
            modifiers: modifiers
                .split(',')
                .filter(|m| !m.is_empty())
                .map(str::to_owned)
                .collect(),
            charge_cents: get(&r, "charge_cents")?,
            units_milli: get(&r, "units_milli")?,
            diagnosis_pointers: pointers
                .split(',')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.parse::<u8>()
                        .map_err(|_| invalid("claim_lines.diagnosis_pointers", "unreadable"))
                })
                .collect::<Result<Vec<_>>>()?,
            service_date: parse_date(
                "claim_lines.service_date",
                &get::<String>(&r, "service_date")?,
            )?,
            place_of_service: get(&r, "place_of_service")?,
            rendering_provider_id: get(&r, "rendering_provider_id")?,
        });
    }
    let kind: String = get(&row, "kind")?;
    let status: String = get(&row, "status")?;
    let version: i64 = get(&row, "version")?;
    let scrub_version: Option<i64> = get(&row, "scrub_version")?;
    let scrub = match (
        scrub_version,
        get(&row, "scrub_errors")?,
        get(&row, "scrub_warnings")?,
    ) {
        (Some(v), Some(errors), Some(others)) if v == version => {
            Some(ScrubCounts { errors, others })
        }
        _ => None,
    };
    Ok(Claim {
        id,
        organization_id: get(&row, "organization_id")?,
        encounter_id: get(&row, "encounter_id")?,
        kind: ClaimKind::parse(&kind).ok_or(invalid("claims.kind", "unknown"))?,
        status: ClaimStatus::parse(&status).ok_or(invalid("claims.status", "unknown"))?,
        version,
        total_charge_cents: get(&row, "total_charge_cents")?,
        batch_id: get(&row, "batch_id")?,
        content: ClaimContent {
            coverage_id: get(&row, "coverage_id")?,
            frequency_code: get(&row, "frequency_code")?,
            diagnoses,
            lines,
        },
        updated_at: parse_ts("claims.updated_at", &get::<String>(&row, "updated_at")?)?,
        updated_by: get(&row, "updated_by")?,
        scrub,
    })
}

/// After an `UPDATE … WHERE id = ? AND version = ?` that changed nothing: why.
async fn conflict_or_missing(conn: &mut AnyConnection, id: i64) -> StoreError {
    match sqlx::query("SELECT version, status FROM claims WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
    {
        Ok(Some(row)) => match get::<i64>(&row, "version") {
            Ok(current_version) => StoreError::Conflict { current_version },
            Err(e) => e,
        },
        Ok(None) => StoreError::NotFound {
            record: "claim",
            id,
        },
        Err(e) => e.into(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn record_status(
    conn: &mut AnyConnection,
    cipher: &Cipher,
    claim_id: i64,
    from: Option<ClaimStatus>,
    to: ClaimStatus,
    at: Timestamp,
    by: &str,
    note: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO claim_status_history (claim_id, from_status, to_status, changed_at, changed_by, note_enc) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(claim_id)
    .bind(from.map(ClaimStatus::as_str))
    .bind(to.as_str())
    .bind(ts_text(at))
    .bind(by)
    .bind(cipher.encrypt_opt("claim_status_history.note", note)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Creates a draft claim for an encounter (history: created as draft).
    pub async fn create_claim(&self, actor: &Actor, new: &NewClaim) -> Result<Claim> {
        let mut tx = self.write_tx().await?;
        let claim = self.create_claim_in(&mut tx, actor, new).await?;
        tx.commit().await?;
        Ok(claim)
    }

    pub(crate) async fn create_claim_in(
        &self,
        tx: &mut AnyConnection,
        actor: &Actor,
        new: &NewClaim,
    ) -> Result<Claim> {
        check_content(new.kind, &new.content)?;
        let now = Timestamp::now();
        let row = sqlx::query(
            "INSERT INTO claims (organization_id, encounter_id, coverage_id, kind, status, frequency_code, \
             total_charge_cents, version, created_at, updated_at, updated_by, service_date) \
             VALUES ($1, $2, $3, $4, 'draft', $5, $6, 1, $7, $7, $8, \
             (SELECT e.service_date FROM encounters e WHERE e.id = $2)) RETURNING id",
        )
        .bind(new.organization_id)
        .bind(new.encounter_id)
        .bind(new.content.coverage_id)
        .bind(new.kind.as_str())
        .bind(&new.content.frequency_code)
        .bind(new.content.total_charge_cents())
        .bind(ts_text(now))
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        write_content(tx, id, &new.content).await?;
        record_status(
            tx,
            &self.cipher,
            id,
            None,
            ClaimStatus::Draft,
            now,
            &actor.name,
            None,
        )
        .await?;
        let claim = load_claim(tx, id).await?;
        append_in(
            tx,
            &actor.name,
            AuditAction::Create.as_str(),
            "claim",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        Ok(claim)
    }

    /// Reads a claim and records the view.
    pub async fn claim(&self, actor: &Actor, id: i64) -> Result<Claim> {
        let mut tx = self.write_tx().await?;
        let claim = load_claim(&mut tx, id).await?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::View.as_str(),
            "claim",
            &id.to_string(),
            &actor.ip,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(claim)
    }

    /// Saves a claim's content if nobody saved it since `expected_version`; otherwise
    /// [`StoreError::Conflict`] with the version now stored, and nothing is written.
    pub async fn update_claim(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        content: &ClaimContent,
    ) -> Result<Claim> {
        let mut tx = self.write_tx().await?;
        let claim = self
            .update_claim_in(&mut tx, actor, id, expected_version, content)
            .await?;
        tx.commit().await?;
        Ok(claim)
    }

    pub(crate) async fn update_claim_in(
        &self,
        tx: &mut AnyConnection,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        content: &ClaimContent,
    ) -> Result<Claim> {
        let now = Timestamp::now();
        // The version check and the row lock come first, in one statement: a concurrent save waits
        // here, then finds the version moved on.
        let done = sqlx::query(
            "UPDATE claims SET coverage_id = $1, frequency_code = $2, total_charge_cents = $3, updated_at = $4, \
             updated_by = $5, version = version + 1 \
             WHERE id = $6 AND version = $7 AND status IN ('draft', 'ready', 'rejected', 'denied')",
        )
        .bind(content.coverage_id)
        .bind(&content.frequency_code)
        .bind(content.total_charge_cents())
        .bind(ts_text(now))
        .bind(&actor.name)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let current = load_claim(tx, id).await?;
            if current.version == expected_version && !current.status.is_editable() {
                return Err(StoreError::NotEditable {
                    status: current.status,
                });
            }
            return Err(StoreError::Conflict {
                current_version: current.version,
            });
        }
        let kind: String = sqlx::query("SELECT kind FROM claims WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        check_content(
            ClaimKind::parse(&kind).ok_or(invalid("claims.kind", "unknown"))?,
            content,
        )?;
        write_content(tx, id, content).await?;
        let claim = load_claim(tx, id).await?;
        append_in(
            tx,
            &actor.name,
            AuditAction::Update.as_str(),
            "claim",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        Ok(claim)
    }

    /// Moves a claim to another status (checked against [`ClaimStatus::can_move_to`]) and records who,
    /// when, from, to and the note.
    pub async fn set_claim_status(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        to: ClaimStatus,
        note: Option<&str>,
    ) -> Result<Claim> {
        if note.is_some_and(|n| n.chars().count() > 2000) {
            return Err(invalid("note", "at most 2000 characters"));
        }
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "UPDATE claims SET version = version + 1, updated_at = $1, updated_by = $2 \
             WHERE id = $3 AND version = $4 RETURNING status, primary_claim_id",
        )
        .bind(ts_text(now))
        .bind(&actor.name)
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Err(conflict_or_missing(&mut tx, id).await);
        };
        let from_text: String = get(&row, "status")?;
        let from = ClaimStatus::parse(&from_text).ok_or(invalid("claims.status", "unknown"))?;
        if !from.can_move_to(to) {
            return Err(StoreError::InvalidTransition { from, to });
        }
        sqlx::query("UPDATE claims SET status = $1 WHERE id = $2")
            .bind(to.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some(primary) = get::<Option<i64>>(&row, "primary_claim_id")? {
            crate::coordination::recompute_transfer(&mut tx, primary).await?;
        }
        record_status(
            &mut tx,
            &self.cipher,
            id,
            Some(from),
            to,
            now,
            &actor.name,
            note,
        )
        .await?;
        let claim = load_claim(&mut tx, id).await?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::StatusChange.as_str(),
            "claim",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(claim)
    }

    /// A claim's status changes, oldest first (notes decrypted; the view is recorded).
    pub async fn claim_history(&self, actor: &Actor, id: i64) -> Result<Vec<StatusChange>> {
        let mut tx = self.write_tx().await?;
        let rows =
            sqlx::query("SELECT * FROM claim_status_history WHERE claim_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        let mut out = Vec::new();
        for r in &rows {
            let from: Option<String> = get(r, "from_status")?;
            let to: String = get(r, "to_status")?;
            let note: Option<Vec<u8>> = get(r, "note_enc")?;
            out.push(StatusChange {
                from: from
                    .map(|f| {
                        ClaimStatus::parse(&f)
                            .ok_or(invalid("claim_status_history.from_status", "unknown"))
                    })
                    .transpose()?,
                to: ClaimStatus::parse(&to)
                    .ok_or(invalid("claim_status_history.to_status", "unknown"))?,
                at: parse_ts(
                    "claim_status_history.changed_at",
                    &get::<String>(r, "changed_at")?,
                )?,
                by: get(r, "changed_by")?,
                note: self
                    .cipher
                    .decrypt_opt("claim_status_history.note", note.as_deref())?,
            });
        }
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::View.as_str(),
            "claim_history",
            &id.to_string(),
            &actor.ip,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    /// One page of the claims list (newest service date first) and the number of claims that match.
    pub async fn list_claims(
        &self,
        filter: &ClaimFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<ClaimSummary>, i64)> {
        const FROM: &str = "FROM claims c JOIN encounters e ON e.id = c.encounter_id JOIN coverages v ON v.id = c.coverage_id \
             WHERE c.organization_id = $1 AND ($2 = '' OR c.status = $2) AND ($3 = 0 OR v.payer_id = $3) \
             AND ($4 = 0 OR e.billing_provider_id = $4) AND ($5 = '' OR e.service_date >= $5) \
             AND ($6 = '' OR e.service_date <= $6) \
             AND ($7 = 0 OR ($7 = 1 AND c.scrub_version = c.version AND c.scrub_errors > 0) \
                  OR ($7 = 2 AND c.scrub_version = c.version AND c.scrub_errors = 0)) \
             AND ($8 = 0 OR e.patient_id = $8)";
        let status = filter.status.map(ClaimStatus::as_str).unwrap_or("");
        let from = filter
            .service_from
            .map(|d| d.to_string())
            .unwrap_or_default();
        let to = filter.service_to.map(|d| d.to_string()).unwrap_or_default();
        let mut conn = self.pool.acquire().await?;
        let has_errors: i64 = match filter.has_errors {
            None => 0,
            Some(true) => 1,
            Some(false) => 2,
        };
        let total: i64 = sqlx::query(&format!("SELECT COUNT(*) {FROM}"))
            .bind(filter.organization_id)
            .bind(status)
            .bind(filter.payer_id.unwrap_or(0))
            .bind(filter.billing_provider_id.unwrap_or(0))
            .bind(&from)
            .bind(&to)
            .bind(has_errors)
            .bind(filter.patient_id.unwrap_or(0))
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        let rows = sqlx::query(&format!(
            "SELECT c.id, e.patient_id, v.payer_id, e.billing_provider_id, e.service_date, c.status, \
             c.total_charge_cents, c.version, CASE WHEN c.scrub_version = c.version THEN c.scrub_errors END AS scrub_errors, \
             CASE WHEN c.scrub_version = c.version THEN c.scrub_warnings END AS scrub_warnings {FROM} ORDER BY e.service_date DESC, c.id DESC LIMIT $9 OFFSET $10"
        ))
        .bind(filter.organization_id)
        .bind(status)
        .bind(filter.payer_id.unwrap_or(0))
        .bind(filter.billing_provider_id.unwrap_or(0))
        .bind(&from)
        .bind(&to)
        .bind(has_errors)
        .bind(filter.patient_id.unwrap_or(0))
        .bind(limit.clamp(1, 500))
        .bind(offset.max(0))
        .fetch_all(&mut *conn)
        .await?;
        let claims = rows
            .iter()
            .map(|r| {
                let status: String = get(r, "status")?;
                Ok(ClaimSummary {
                    id: get(r, "id")?,
                    patient_id: get(r, "patient_id")?,
                    payer_id: get(r, "payer_id")?,
                    billing_provider_id: get(r, "billing_provider_id")?,
                    service_date: parse_date(
                        "encounters.service_date",
                        &get::<String>(r, "service_date")?,
                    )?,
                    status: ClaimStatus::parse(&status)
                        .ok_or(invalid("claims.status", "unknown"))?,
                    total_charge_cents: get(r, "total_charge_cents")?,
                    version: get(r, "version")?,
                    scrub_errors: get(r, "scrub_errors")?,
                    scrub_warnings: get(r, "scrub_warnings")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((claims, total))
    }

    /// Creates a submission batch from ready claims of one organization and kind: allocates the next
    /// interchange control number (per organization, wrapping after 999,999,999), moves every claim to
    /// submitted with its history, all in one transaction; any claim not ready fails the whole batch.
    pub async fn create_batch(
        &self,
        actor: &Actor,
        organization_id: i64,
        kind: ClaimKind,
        claim_ids: &[i64],
    ) -> Result<Batch> {
        self.create_batch_with_file(actor, organization_id, kind, claim_ids, |_| Ok(None))
            .await
    }

    /// [`Store::create_batch`], and the batch's X12 file written by `file` (which gets the batch with its
    /// control numbers) stored in the same transaction: when `file` fails, no claim moves and no
    /// control number is used.
    pub async fn create_batch_with_file(
        &self,
        actor: &Actor,
        organization_id: i64,
        kind: ClaimKind,
        claim_ids: &[i64],
        file: impl FnOnce(&Batch) -> std::result::Result<Option<Vec<u8>>, String>,
    ) -> Result<Batch> {
        let mut ids = claim_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() || ids.len() > 5000 {
            return Err(invalid("claim_ids", "1 to 5000 claims"));
        }
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "UPDATE organizations SET last_interchange_control = \
             CASE WHEN last_interchange_control >= $1 THEN 1 ELSE last_interchange_control + 1 END \
             WHERE id = $2 RETURNING last_interchange_control",
        )
        .bind(MAX_CONTROL_NUMBER)
        .bind(organization_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound {
            record: "organization",
            id: organization_id,
        })?;
        let icn: i64 = get(&row, "last_interchange_control")?;
        let row = sqlx::query(
            "INSERT INTO batches (organization_id, kind, interchange_control_number, group_control_number, created_at, \
             created_by) VALUES ($1, $2, $3, $3, $4, $5) RETURNING id",
        )
        .bind(organization_id)
        .bind(kind.as_str())
        .bind(icn)
        .bind(ts_text(now))
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        let batch_id: i64 = get(&row, "id")?;
        for &id in &ids {
            let done = sqlx::query(
                "UPDATE claims SET status = 'submitted', batch_id = $1, version = version + 1, updated_at = $2, \
                 updated_by = $3, submitted_at = COALESCE(submitted_at, $2) WHERE id = $4 AND organization_id = $5 AND kind = $6 AND status = 'ready'",
            )
            .bind(batch_id)
            .bind(ts_text(now))
            .bind(&actor.name)
            .bind(id)
            .bind(organization_id)
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(
                    match sqlx::query(
                        "SELECT status FROM claims WHERE id = $1 AND organization_id = $2",
                    )
                    .bind(id)
                    .bind(organization_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    {
                        None => StoreError::NotFound {
                            record: "claim",
                            id,
                        },
                        Some(r) => {
                            let s: String = get(&r, "status")?;
                            match ClaimStatus::parse(&s) {
                                Some(ClaimStatus::Ready) => {
                                    invalid("claim_ids", "a claim of another kind")
                                }
                                Some(from) => StoreError::InvalidTransition {
                                    from,
                                    to: ClaimStatus::Submitted,
                                },
                                None => invalid("claims.status", "unknown"),
                            }
                        }
                    },
                );
            }
            sqlx::query("INSERT INTO batch_claims (batch_id, claim_id) VALUES ($1, $2)")
                .bind(batch_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            record_status(
                &mut tx,
                &self.cipher,
                id,
                Some(ClaimStatus::Ready),
                ClaimStatus::Submitted,
                now,
                &actor.name,
                None,
            )
            .await?;
        }
        // A claim to the next payer, once sent, takes over the earlier claim's patient balance.
        for primary in sqlx::query(
            "SELECT DISTINCT c.primary_claim_id FROM batch_claims b JOIN claims c ON c.id = b.claim_id \
             WHERE b.batch_id = $1 AND c.primary_claim_id IS NOT NULL",
        )
        .bind(batch_id)
        .fetch_all(&mut *tx)
        .await?
        {
            crate::coordination::recompute_transfer(&mut tx, get(&primary, "primary_claim_id")?)
                .await?;
        }
        let batch = Batch {
            id: batch_id,
            organization_id,
            kind,
            interchange_control_number: icn,
            group_control_number: icn,
            claim_ids: ids,
            created_at: parse_ts("batches.created_at", &ts_text(now))?,
            created_by: actor.name.clone(),
        };
        if let Some(x12) = file(&batch).map_err(StoreError::BatchFile)? {
            sqlx::query("UPDATE batches SET file_enc = $1 WHERE id = $2")
                .bind(self.cipher.encrypt("batches.file", &x12)?)
                .bind(batch_id)
                .execute(&mut *tx)
                .await?;
        }
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Create.as_str(),
            "batch",
            &batch_id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(batch)
    }

    /// One batch, with its claims.
    pub async fn batch(&self, id: i64) -> Result<Batch> {
        let rows = sqlx::query(
            "SELECT id, organization_id, kind, interchange_control_number, group_control_number, created_at, \
             created_by FROM batches WHERE id = $1",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        self.batches_from_rows(&rows)
            .await?
            .pop()
            .ok_or(StoreError::NotFound {
                record: "batch",
                id,
            })
    }

    /// The organization's batches, newest first.
    pub async fn batches(
        &self,
        organization_id: i64,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Batch>> {
        let rows = sqlx::query(
            "SELECT id, organization_id, kind, interchange_control_number, group_control_number, created_at, \
             created_by FROM batches WHERE organization_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
        )
        .bind(organization_id)
        .bind(limit.clamp(1, 500))
        .bind(offset.max(0))
        .fetch_all(&self.pool)
        .await?;
        self.batches_from_rows(&rows).await
    }

    async fn batches_from_rows(&self, rows: &[sqlx::any::AnyRow]) -> Result<Vec<Batch>> {
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = get(r, "id")?;
            let kind: String = get(r, "kind")?;
            let claim_ids = sqlx::query(
                "SELECT claim_id FROM batch_claims WHERE batch_id = $1 ORDER BY claim_id",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|c| get(c, "claim_id"))
            .collect::<Result<Vec<i64>>>()?;
            out.push(Batch {
                id,
                organization_id: get(r, "organization_id")?,
                kind: ClaimKind::parse(&kind).ok_or(invalid("batches.kind", "unknown"))?,
                interchange_control_number: get(r, "interchange_control_number")?,
                group_control_number: get(r, "group_control_number")?,
                claim_ids,
                created_at: parse_ts("batches.created_at", &get::<String>(r, "created_at")?)?,
                created_by: get(r, "created_by")?,
            });
        }
        Ok(out)
    }

    /// Records the scrubber's verdict on a claim's version (ignored when the claim was saved since).
    pub async fn set_scrub_result(
        &self,
        claim_id: i64,
        version: i64,
        counts: ScrubCounts,
    ) -> Result<()> {
        crate::records::scrub_update(claim_id, version, counts)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores the batch's X12 file (encrypted: an 837 is full of PHI).
    pub async fn set_batch_file(&self, actor: &Actor, batch_id: i64, x12: &[u8]) -> Result<()> {
        let blob = self.cipher.encrypt("batches.file", x12)?;
        let mut tx = self.write_tx().await?;
        let done = sqlx::query("UPDATE batches SET file_enc = $1 WHERE id = $2")
            .bind(blob)
            .bind(batch_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                record: "batch",
                id: batch_id,
            });
        }
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Update.as_str(),
            "batch",
            &batch_id.to_string(),
            &actor.ip,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The batch's X12 file, if stored; recorded as an export.
    pub async fn batch_file(&self, actor: &Actor, batch_id: i64) -> Result<Option<Vec<u8>>> {
        let mut tx = self.write_tx().await?;
        let row = sqlx::query("SELECT file_enc FROM batches WHERE id = $1")
            .bind(batch_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound {
                record: "batch",
                id: batch_id,
            })?;
        let blob: Option<Vec<u8>> = get(&row, "file_enc")?;
        let file = blob
            .map(|b| self.cipher.decrypt("batches.file", &b).map(|p| p.to_vec()))
            .transpose()?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Export.as_str(),
            "batch",
            &batch_id.to_string(),
            &actor.ip,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(file)
    }

    /// Re-encrypts every PHI value (and recomputes every blind index) under `new_key`, in ONE transaction,
    /// and records the new key's id; afterwards this store uses the new key. Returns the number of values
    /// re-encrypted. Keep the old key until the new one is safely stored (see `docs/store.md`).
    pub async fn rotate_key(&mut self, actor: &Actor, new_key: &EncryptionKey) -> Result<u64> {
        let new = Cipher::new(new_key)?;
        let mut tx = self.write_tx().await?;
        let mut count = 0u64;
        for &(table, column, context) in ENCRYPTED_COLUMNS {
            let rows = sqlx::query(&format!(
                "SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL"
            ))
            .fetch_all(&mut *tx)
            .await?;
            for row in rows {
                let id: i64 = row.try_get(0)?;
                let blob: Vec<u8> = row.try_get(1)?;
                let plain = self.cipher.decrypt(context, &blob)?;
                let fresh = new.encrypt(context, &plain)?;
                sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
                    .bind(fresh)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                count += 1;
            }
        }
        for row in sqlx::query("SELECT id, last_name_enc, birth_date_enc FROM patients")
            .fetch_all(&mut *tx)
            .await?
        {
            let id: i64 = row.try_get(0)?;
            // Already re-encrypted above: read with the new key.
            let last = new.decrypt_str("patients.last_name", &row.try_get::<Vec<u8>, _>(1)?)?;
            let birth = parse_date(
                "patients.birth_date",
                &new.decrypt_str("patients.birth_date", &row.try_get::<Vec<u8>, _>(2)?)?,
            )?;
            sqlx::query("UPDATE patients SET lookup_index = $1 WHERE id = $2")
                .bind(new.lookup_index(&last, birth))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE store_meta SET value = $1 WHERE name = 'key_id'")
            .bind(new.key_id())
            .execute(&mut *tx)
            .await?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::KeyRotation.as_str(),
            "store",
            &new.key_id(),
            &actor.ip,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        self.cipher = new;
        Ok(count)
    }
}

/// Every encrypted column: (table, column, encryption context). A new PHI column must be listed here, or
/// key rotation leaves it unreadable (the rotation test reads every one back).
pub(crate) const ENCRYPTED_COLUMNS: &[(&str, &str, &str)] = &[
    ("patients", "last_name_enc", "patients.last_name"),
    ("patients", "first_name_enc", "patients.first_name"),
    ("patients", "middle_name_enc", "patients.middle_name"),
    ("patients", "birth_date_enc", "patients.birth_date"),
    ("patients", "address_line1_enc", "patients.address_line1"),
    ("patients", "address_line2_enc", "patients.address_line2"),
    ("patients", "city_enc", "patients.city"),
    ("patients", "state_enc", "patients.state"),
    ("patients", "postal_code_enc", "patients.postal_code"),
    ("patients", "phone_enc", "patients.phone"),
    ("coverages", "member_id_enc", "coverages.member_id"),
    ("coverages", "group_number_enc", "coverages.group_number"),
    (
        "coverages",
        "subscriber_last_name_enc",
        "coverages.subscriber_last_name",
    ),
    (
        "coverages",
        "subscriber_first_name_enc",
        "coverages.subscriber_first_name",
    ),
    (
        "coverages",
        "subscriber_birth_date_enc",
        "coverages.subscriber_birth_date",
    ),
    ("encounters", "notes_enc", "encounters.notes"),
    (
        "claim_status_history",
        "note_enc",
        "claim_status_history.note",
    ),
    ("batches", "file_enc", "batches.file"),
];
