//! What the web application and API read and write beyond the core records: pages of patients and
//! encounters, the organization's providers and users, API tokens and idempotency keys.

use jiff::Timestamp;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::append_in;
use crate::error::Result;
use crate::model::*;
use crate::{Store, StoreError, get, parse_date, parse_ts, ts_text};

/// An API token as listed (the token itself is shown once, when created, and never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// The first response given for an idempotency key.
#[derive(Clone, PartialEq, Eq)]
pub struct IdempotentResponse {
    pub request_hash: [u8; 32],
    pub status: u16,
    pub body: Vec<u8>,
}

impl std::fmt::Debug for IdempotentResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdempotentResponse")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// A patient with the claims count shown on the patients page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientRow {
    pub patient: Patient,
    pub encounters: i64,
}

/// The text form of a new API token: `rcm_` and 32 random bytes in hex.
fn new_token_text() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| StoreError::Random)?;
    Ok(format!("rcm_{}", hex::encode(bytes)))
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub(crate) fn rendering_from_row(row: &AnyRow) -> Result<RenderingProvider> {
    Ok(RenderingProvider {
        id: get(row, "id")?,
        provider: NewRenderingProvider {
            organization_id: get(row, "organization_id")?,
            last_name: get(row, "last_name")?,
            first_name: get(row, "first_name")?,
            npi: get(row, "npi")?,
            taxonomy: get(row, "taxonomy")?,
        },
    })
}

impl Store {
    /// Every organization, oldest first.
    pub async fn organizations(&self) -> Result<Vec<Organization>> {
        let rows = sqlx::query("SELECT id, name, npi, tax_id FROM organizations ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Organization {
                    id: get(r, "id")?,
                    name: get(r, "name")?,
                    npi: get(r, "npi")?,
                    tax_id: get(r, "tax_id")?,
                })
            })
            .collect()
    }

    /// The organization's billing providers by name.
    pub async fn billing_providers(&self, organization_id: i64) -> Result<Vec<BillingProvider>> {
        let ids: Vec<i64> = sqlx::query(
            "SELECT id FROM billing_providers WHERE organization_id = $1 ORDER BY name, id",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| get(r, "id"))
        .collect::<Result<_>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.billing_provider(id).await?);
        }
        Ok(out)
    }

    /// The organization's rendering providers by name.
    pub async fn rendering_providers(
        &self,
        organization_id: i64,
    ) -> Result<Vec<RenderingProvider>> {
        let rows = sqlx::query(
            "SELECT * FROM rendering_providers WHERE organization_id = $1 ORDER BY last_name, id",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rendering_from_row).collect()
    }

    pub async fn rendering_provider(&self, id: i64) -> Result<RenderingProvider> {
        let row = sqlx::query("SELECT * FROM rendering_providers WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound {
                record: "rendering provider",
                id,
            })?;
        rendering_from_row(&row)
    }

    pub async fn payer(&self, id: i64) -> Result<Payer> {
        let row = sqlx::query(
            "SELECT id, organization_id, name, payer_code, claim_filing_indicator FROM payers WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { record: "payer", id })?;
        crate::entities::payer_from_row(&row)
    }

    /// One page of the organization's patients, newest first, with the number of patients; each
    /// patient shown is recorded as viewed.
    pub async fn patients_page(
        &self,
        actor: &Actor,
        organization_id: i64,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<PatientRow>, i64)> {
        let mut tx = self.write_tx().await?;
        let total: i64 = sqlx::query("SELECT COUNT(*) FROM patients WHERE organization_id = $1")
            .bind(organization_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let rows = sqlx::query(
            "SELECT p.*, (SELECT COUNT(*) FROM encounters e WHERE e.patient_id = p.id) AS encounter_count \
             FROM patients p WHERE p.organization_id = $1 ORDER BY p.id DESC LIMIT $2 OFFSET $3",
        )
        .bind(organization_id)
        .bind(limit.clamp(1, 500))
        .bind(offset.max(0))
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let now = Timestamp::now();
        for r in &rows {
            let patient = self.patient_from_row(r)?;
            append_in(
                &mut tx,
                &actor.name,
                AuditAction::View.as_str(),
                "patient",
                &patient.id.to_string(),
                &actor.ip,
                now,
            )
            .await?;
            out.push(PatientRow {
                patient,
                encounters: get(r, "encounter_count")?,
            });
        }
        tx.commit().await?;
        Ok((out, total))
    }

    /// A patient's encounters (newest first) with the claim of each, if one was made; notes are not
    /// read here, so no PHI is viewed.
    pub async fn encounters_of_patient(
        &self,
        patient_id: i64,
    ) -> Result<Vec<(i64, jiff::civil::Date, String, Option<i64>)>> {
        let rows = sqlx::query(
            "SELECT e.id, e.service_date, e.place_of_service, \
             (SELECT MAX(c.id) FROM claims c WHERE c.encounter_id = e.id) AS claim_id \
             FROM encounters e WHERE e.patient_id = $1 ORDER BY e.service_date DESC, e.id DESC",
        )
        .bind(patient_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    get(r, "id")?,
                    parse_date(
                        "encounters.service_date",
                        &get::<String>(r, "service_date")?,
                    )?,
                    get(r, "place_of_service")?,
                    get(r, "claim_id")?,
                ))
            })
            .collect()
    }

    /// The newest claim made for an encounter.
    pub async fn claim_id_for_encounter(&self, encounter_id: i64) -> Result<Option<i64>> {
        let row = sqlx::query("SELECT MAX(id) AS id FROM claims WHERE encounter_id = $1")
            .bind(encounter_id)
            .fetch_one(&self.pool)
            .await?;
        get(&row, "id")
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<User>> {
        let names: Vec<String> = sqlx::query("SELECT username FROM users ORDER BY username")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| get(r, "username"))
            .collect::<Result<_>>()?;
        let mut out = Vec::with_capacity(names.len());
        for n in names {
            if let Some(u) = self.user_by_username(&n).await? {
                out.push(u);
            }
        }
        Ok(out)
    }

    /// Creates an API token for a user; the token text is returned once and only its hash is kept.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: i64,
        name: &str,
    ) -> Result<(ApiToken, String)> {
        if name.trim().is_empty() || name.chars().count() > 100 {
            return Err(StoreError::Invalid {
                field: "name",
                reason: "1 to 100 characters".into(),
            });
        }
        let token = new_token_text()?;
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user_id)
        .bind(name.trim())
        .bind(token_hash(&token))
        .bind(ts_text(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Create.as_str(),
            "api_token",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((
            ApiToken {
                id,
                user_id,
                name: name.trim().to_owned(),
                created_at: now,
                revoked_at: None,
            },
            token,
        ))
    }

    /// The user a token belongs to, when the token exists, is not revoked and the user is enabled.
    pub async fn user_for_api_token(&self, token: &str) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT u.username FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => self.user_by_username(&get::<String>(&r, "username")?).await,
            None => Ok(None),
        }
    }

    /// A user's tokens, newest first.
    pub async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, user_id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let revoked: Option<String> = get(r, "revoked_at")?;
                Ok(ApiToken {
                    id: get(r, "id")?,
                    user_id: get(r, "user_id")?,
                    name: get(r, "name")?,
                    created_at: parse_ts(
                        "api_tokens.created_at",
                        &get::<String>(r, "created_at")?,
                    )?,
                    revoked_at: revoked
                        .map(|t| parse_ts("api_tokens.revoked_at", &t))
                        .transpose()?,
                })
            })
            .collect()
    }

    /// Revokes one of a user's tokens; `false` when the user has no such live token.
    pub async fn revoke_api_token(&self, actor: &Actor, user_id: i64, id: i64) -> Result<bool> {
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(ts_text(now))
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Update.as_str(),
            "api_token",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The response first given for this user's idempotency key, if any.
    pub async fn idempotent_response(
        &self,
        username: &str,
        key: &str,
    ) -> Result<Option<IdempotentResponse>> {
        let row = sqlx::query(
            "SELECT request_hash, status, response_enc FROM idempotency_keys WHERE username = $1 AND idempotency_key = $2",
        )
        .bind(username)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let hash: Vec<u8> = get(&row, "request_hash")?;
        let status: i64 = get(&row, "status")?;
        let body: Vec<u8> = get(&row, "response_enc")?;
        Ok(Some(IdempotentResponse {
            request_hash: hash.try_into().map_err(|_| StoreError::Invalid {
                field: "idempotency_keys.request_hash",
                reason: "not 32 bytes".into(),
            })?,
            status: u16::try_from(status).unwrap_or(500),
            body: self
                .cipher
                .decrypt("idempotency_keys.response", &body)?
                .to_vec(),
        }))
    }

    /// Keeps the first response for an idempotency key; `false` (and nothing written) when the key
    /// was used already, by a request that finished first.
    pub async fn save_idempotent_response(
        &self,
        username: &str,
        key: &str,
        response: &IdempotentResponse,
    ) -> Result<bool> {
        let enc = self
            .cipher
            .encrypt("idempotency_keys.response", &response.body)?;
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "INSERT INTO idempotency_keys (username, idempotency_key, request_hash, status, response_enc, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username, idempotency_key) DO NOTHING",
        )
        .bind(username)
        .bind(key)
        .bind(response.request_hash.to_vec())
        .bind(i64::from(response.status))
        .bind(enc)
        .bind(ts_text(Timestamp::now()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// The organization's EDI settings; `None` until they are set.
    pub async fn edi_settings(&self, organization_id: i64) -> Result<Option<EdiSettings>> {
        let row = sqlx::query(
            "SELECT submitter_id, contact_name, contact_phone, receiver_id, receiver_name FROM organizations WHERE id = $1",
        )
        .bind(organization_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound {
            record: "organization",
            id: organization_id,
        })?;
        let text =
            |c: &str| -> Result<String> { Ok(get::<Option<String>>(&row, c)?.unwrap_or_default()) };
        let s = EdiSettings {
            submitter_id: text("submitter_id")?,
            contact_name: text("contact_name")?,
            contact_phone: text("contact_phone")?,
            receiver_id: text("receiver_id")?,
            receiver_name: text("receiver_name")?,
        };
        Ok((!s.submitter_id.is_empty()).then_some(s))
    }

    /// Sets the organization's EDI settings.
    pub async fn set_edi_settings(
        &self,
        actor: &Actor,
        organization_id: i64,
        s: &EdiSettings,
    ) -> Result<()> {
        for (field, value, max) in [
            ("submitter_id", &s.submitter_id, 15usize),
            ("contact_name", &s.contact_name, 60),
            ("receiver_id", &s.receiver_id, 15),
            ("receiver_name", &s.receiver_name, 60),
        ] {
            let v = value.trim();
            if v.is_empty() || v.chars().count() > max || !v.is_ascii() {
                return Err(StoreError::Invalid {
                    field,
                    reason: format!("1 to {max} plain letters, digits or spaces"),
                });
            }
        }
        if !(10..=15).contains(&s.contact_phone.len())
            || !s.contact_phone.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(StoreError::Invalid {
                field: "contact_phone",
                reason: "10 to 15 digits, without spaces or dashes".into(),
            });
        }
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE organizations SET submitter_id = $1, contact_name = $2, contact_phone = $3, receiver_id = $4, \
             receiver_name = $5 WHERE id = $6",
        )
        .bind(s.submitter_id.trim())
        .bind(s.contact_name.trim())
        .bind(&s.contact_phone)
        .bind(s.receiver_id.trim())
        .bind(s.receiver_name.trim())
        .bind(organization_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                record: "organization",
                id: organization_id,
            });
        }
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Update.as_str(),
            "organization",
            &organization_id.to_string(),
            &actor.ip,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
