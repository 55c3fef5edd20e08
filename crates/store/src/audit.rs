//! The audit log: append-only and hash-chained.
//!
//! Entry `n` stores `hash_n = SHA-256(hash_{n-1} || canonical(entry_n))` with `hash_0` 32 zero bytes; the
//! canonical form is a label and each field length-prefixed, so no two different entries encode alike.
//! The chain's head (last sequence number and hash) is one row that every append updates first: that
//! row lock makes appends serial on PostgreSQL (on SQLite the write lock already does), and it lets
//! [`verify_audit`] notice entries deleted from the end. Triggers refuse UPDATE and DELETE on the table;
//! someone who drops them and edits rows is found by [`verify_audit`].

use jiff::Timestamp;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::error::Result;
use crate::model::{AuditAction, AuditEvent};
use crate::{Store, StoreError, get, parse_ts, ts_text};

fn chain_hash(prev: &[u8], seq: i64, at: &str, fields: [&str; 5]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(b"openrcm-audit-v1");
    let seq_text = seq.to_string();
    for part in [seq_text.as_str(), at].into_iter().chain(fields) {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

fn to_hash(field: &'static str, bytes: Vec<u8>) -> Result<[u8; 32]> {
    bytes.try_into().map_err(|_| StoreError::Invalid {
        field,
        reason: "not a 32-byte hash".into(),
    })
}

/// Appends one entry inside the caller's transaction; must be the transaction's last statement so the
/// head row is locked for as short a time as possible (and always after any other row lock).
pub(crate) async fn append_in(
    conn: &mut AnyConnection,
    actor: &str,
    action: &str,
    record_type: &str,
    record_id: &str,
    ip: &str,
    at: Timestamp,
) -> Result<AuditEvent> {
    let head = sqlx::query(
        "UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq, last_hash",
    )
    .fetch_one(&mut *conn)
    .await?;
    let seq: i64 = get(&head, "last_seq")?;
    let prev: Vec<u8> = get(&head, "last_hash")?;
    let at_text = ts_text(at);
    let hash = chain_hash(
        &prev,
        seq,
        &at_text,
        [actor, action, record_type, record_id, ip],
    );
    sqlx::query(
        "INSERT INTO audit_events (seq, at, actor, action, record_type, record_id, ip, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(seq)
    .bind(&at_text)
    .bind(actor)
    .bind(action)
    .bind(record_type)
    .bind(record_id)
    .bind(ip)
    .bind(prev)
    .bind(hash.to_vec())
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(hash.to_vec())
        .execute(&mut *conn)
        .await?;
    Ok(AuditEvent {
        seq,
        at: parse_ts("audit_events.at", &at_text)?,
        actor: actor.to_owned(),
        action: action.to_owned(),
        record_type: record_type.to_owned(),
        record_id: record_id.to_owned(),
        ip: ip.to_owned(),
        hash,
    })
}

/// What is wrong with the first broken entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditProblem {
    /// The entry's content or hash does not match the chain: it was changed.
    Altered,
    /// The entry is gone (deleted from the middle, or from the end: the head records more entries).
    Missing,
}

/// The first entry where the chain breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditBreak {
    pub seq: i64,
    pub problem: AuditProblem,
}

/// The outcome of [`verify_audit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    /// Entries read.
    pub entries: i64,
    /// `None` when the whole chain is intact.
    pub first_broken: Option<AuditBreak>,
}

/// Walks the whole chain (in pages, so memory stays flat) and reports the first altered or missing entry.
pub async fn verify_audit(store: &Store) -> Result<AuditVerification> {
    const PAGE: i64 = 2000;
    let mut prev = [0u8; 32];
    let mut expected = 1i64;
    let mut entries = 0i64;
    loop {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, record_type, record_id, ip, prev_hash, hash FROM audit_events \
             WHERE seq >= $1 ORDER BY seq LIMIT $2",
        )
        .bind(expected)
        .bind(PAGE)
        .fetch_all(&store.pool)
        .await?;
        let page_len = rows.len() as i64;
        for row in rows {
            let seq: i64 = get(&row, "seq")?;
            if seq != expected {
                return Ok(broken(entries, expected, AuditProblem::Missing));
            }
            let fields: [String; 5] = [
                get(&row, "actor")?,
                get(&row, "action")?,
                get(&row, "record_type")?,
                get(&row, "record_id")?,
                get(&row, "ip")?,
            ];
            let at: String = get(&row, "at")?;
            let stored_prev: Vec<u8> = get(&row, "prev_hash")?;
            let stored_hash: Vec<u8> = get(&row, "hash")?;
            let computed = chain_hash(&prev, seq, &at, fields.each_ref().map(String::as_str));
            if stored_prev != prev || stored_hash != computed {
                return Ok(broken(entries, seq, AuditProblem::Altered));
            }
            prev = computed;
            entries += 1;
            expected += 1;
        }
        if page_len < PAGE {
            break;
        }
    }
    let head = sqlx::query("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
        .fetch_one(&store.pool)
        .await?;
    let last_seq: i64 = get(&head, "last_seq")?;
    let last_hash = to_hash("audit_head.last_hash", get(&head, "last_hash")?)?;
    if last_seq >= expected {
        return Ok(broken(entries, expected, AuditProblem::Missing));
    }
    if last_seq != expected - 1 || last_hash != prev {
        return Ok(broken(entries, expected - 1, AuditProblem::Altered));
    }
    Ok(AuditVerification {
        entries,
        first_broken: None,
    })
}

fn broken(entries: i64, seq: i64, problem: AuditProblem) -> AuditVerification {
    AuditVerification {
        entries,
        first_broken: Some(AuditBreak { seq, problem }),
    }
}

impl Store {
    /// Appends one audit entry in its own transaction (for events without a write of their own: views
    /// made outside the store, sign-outs, exports).
    pub async fn append_audit(
        &self,
        actor: &str,
        action: AuditAction,
        record_type: &str,
        record_id: &str,
        ip: &str,
        at: Timestamp,
    ) -> Result<AuditEvent> {
        let mut tx = self.write_tx().await?;
        let event = append_in(
            &mut tx,
            actor,
            action.as_str(),
            record_type,
            record_id,
            ip,
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(event)
    }

    /// See [`verify_audit`].
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        verify_audit(self).await
    }

    /// Audit entries, newest first, optionally only one actor's or one record's (for the auditors' page).
    pub async fn audit_events(
        &self,
        actor: Option<&str>,
        record: Option<(&str, &str)>,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEvent>> {
        let (record_type, record_id) = match record {
            Some((t, i)) => (Some(t), Some(i)),
            None => (None, None),
        };
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, record_type, record_id, ip, hash FROM audit_events \
             WHERE ($1 = '' OR actor = $1) AND ($2 = '' OR record_type = $2) AND ($3 = '' OR record_id = $3) \
             AND seq < $4 ORDER BY seq DESC LIMIT $5",
        )
        .bind(actor.unwrap_or(""))
        .bind(record_type.unwrap_or(""))
        .bind(record_id.unwrap_or(""))
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 1000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditEvent {
                    seq: get(row, "seq")?,
                    at: parse_ts("audit_events.at", &get::<String>(row, "at")?)?,
                    actor: get(row, "actor")?,
                    action: get(row, "action")?,
                    record_type: get(row, "record_type")?,
                    record_id: get(row, "record_id")?,
                    ip: get(row, "ip")?,
                    hash: to_hash("audit_events.hash", get(row, "hash")?)?,
                })
            })
            .collect()
    }
}
