//! Organizations, providers, payers, patients, coverages and encounters.

use jiff::Timestamp;
use sqlx::any::AnyRow;

use crate::audit::append_in;
use crate::error::Result;
use crate::model::*;
use crate::{Store, StoreError, get, parse_date, ts_text};

fn required(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(StoreError::Invalid {
            field,
            reason: "required".into(),
        });
    }
    if value.chars().count() > max {
        return Err(StoreError::Invalid {
            field,
            reason: format!("at most {max} characters"),
        });
    }
    Ok(())
}

fn optional(field: &'static str, value: Option<&str>, max: usize) -> Result<()> {
    match value {
        Some(v) if v.chars().count() > max => Err(StoreError::Invalid {
            field,
            reason: format!("at most {max} characters"),
        }),
        _ => Ok(()),
    }
}

impl Store {
    pub async fn create_organization(
        &self,
        actor: &Actor,
        org: &NewOrganization,
    ) -> Result<Organization> {
        required("name", &org.name, 200)?;
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query("INSERT INTO organizations (name, npi, tax_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(&org.name)
            .bind(org.npi.as_deref())
            .bind(org.tax_id.as_deref())
            .bind(ts_text(now))
            .fetch_one(&mut *tx)
            .await?;
        let id: i64 = get(&row, "id")?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Create.as_str(),
            "organization",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Organization {
            id,
            name: org.name.clone(),
            npi: org.npi.clone(),
            tax_id: org.tax_id.clone(),
        })
    }

    pub async fn organization(&self, id: i64) -> Result<Organization> {
        let row = sqlx::query("SELECT id, name, npi, tax_id FROM organizations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound {
                record: "organization",
                id,
            })?;
        Ok(Organization {
            id,
            name: get(&row, "name")?,
            npi: get(&row, "npi")?,
            tax_id: get(&row, "tax_id")?,
        })
    }

    pub async fn create_billing_provider(
        &self,
        actor: &Actor,
        p: &NewBillingProvider,
    ) -> Result<BillingProvider> {
        required("name", &p.name, 200)?;
        required("npi", &p.npi, 10)?;
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO billing_providers (organization_id, name, npi, tax_id, taxonomy, address_line1, address_line2, \
             city, state, postal_code, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(p.organization_id)
        .bind(&p.name)
        .bind(&p.npi)
        .bind(&p.tax_id)
        .bind(p.taxonomy.as_deref())
        .bind(&p.address_line1)
        .bind(p.address_line2.as_deref())
        .bind(&p.city)
        .bind(&p.state)
        .bind(&p.postal_code)
        .bind(ts_text(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Create.as_str(),
            "billing_provider",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(BillingProvider {
            id,
            provider: p.clone(),
        })
    }

    pub async fn billing_provider(&self, id: i64) -> Result<BillingProvider> {
        let row = sqlx::query("SELECT * FROM billing_providers WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound {
                record: "billing provider",
                id,
            })?;
        billing_from_row(&row)
    }

    pub async fn create_rendering_provider(
        &self,
        actor: &Actor,
        p: &NewRenderingProvider,
    ) -> Result<RenderingProvider> {
        required("last_name", &p.last_name, 100)?;
        required("npi", &p.npi, 10)?;
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO rendering_providers (organization_id, last_name, first_name, npi, taxonomy, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(p.organization_id)
        .bind(&p.last_name)
        .bind(p.first_name.as_deref())
        .bind(&p.npi)
        .bind(p.taxonomy.as_deref())
        .bind(ts_text(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Create.as_str(),
            "rendering_provider",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(RenderingProvider {
            id,
            provider: p.clone(),
        })
    }

    pub async fn create_payer(&self, actor: &Actor, p: &NewPayer) -> Result<Payer> {
        required("name", &p.name, 200)?;
        required("payer_code", &p.payer_code, 80)?;
        required("claim_filing_indicator", &p.claim_filing_indicator, 2)?;
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO payers (organization_id, name, payer_code, claim_filing_indicator, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(p.organization_id)
        .bind(&p.name)
        .bind(&p.payer_code)
        .bind(&p.claim_filing_indicator)
        .bind(ts_text(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Duplicate { .. } => StoreError::Duplicate { what: "a payer with that payer id" },
            other => other,
        })?;
        let id: i64 = get(&row, "id")?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Create.as_str(),
            "payer",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Payer {
            id,
            payer: p.clone(),
        })
    }

    pub async fn payers(&self, organization_id: i64) -> Result<Vec<Payer>> {
        let rows = sqlx::query(
            "SELECT id, organization_id, name, payer_code, claim_filing_indicator FROM payers \
             WHERE organization_id = $1 ORDER BY name, id",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(payer_from_row).collect()
    }

    fn check_patient(p: &PatientData) -> Result<()> {
        required("last_name", &p.last_name, 60)?;
        required("first_name", &p.first_name, 35)?;
        optional("middle_name", p.middle_name.as_deref(), 25)?;
        optional("phone", p.phone.as_deref(), 20)?;
        if let Some(a) = &p.address {
            required("address.line1", &a.line1, 55)?;
            optional("address.line2", a.line2.as_deref(), 55)?;
            required("address.city", &a.city, 30)?;
            required("address.state", &a.state, 2)?;
            required("address.postal_code", &a.postal_code, 15)?;
        }
        Ok(())
    }

    /// Creates a patient; every identifying field is encrypted, the blind index computed.
    pub async fn create_patient(&self, actor: &Actor, p: &PatientData) -> Result<Patient> {
        Self::check_patient(p)?;
        let c = &self.cipher;
        let a = p.address.as_ref();
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO patients (organization_id, last_name_enc, first_name_enc, middle_name_enc, birth_date_enc, sex, \
             address_line1_enc, address_line2_enc, city_enc, state_enc, postal_code_enc, phone_enc, lookup_index, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
        )
        .bind(p.organization_id)
        .bind(c.encrypt_str("patients.last_name", &p.last_name)?)
        .bind(c.encrypt_str("patients.first_name", &p.first_name)?)
        .bind(c.encrypt_opt("patients.middle_name", p.middle_name.as_deref())?)
        .bind(c.encrypt_str("patients.birth_date", &p.birth_date.to_string())?)
        .bind(p.sex.as_str())
        .bind(c.encrypt_opt("patients.address_line1", a.map(|a| a.line1.as_str()))?)
        .bind(c.encrypt_opt("patients.address_line2", a.and_then(|a| a.line2.as_deref()))?)
        .bind(c.encrypt_opt("patients.city", a.map(|a| a.city.as_str()))?)
        .bind(c.encrypt_opt("patients.state", a.map(|a| a.state.as_str()))?)
        .bind(c.encrypt_opt("patients.postal_code", a.map(|a| a.postal_code.as_str()))?)
        .bind(c.encrypt_opt("patients.phone", p.phone.as_deref())?)
        .bind(c.lookup_index(&p.last_name, p.birth_date))
        .bind(ts_text(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Create.as_str(),
            "patient",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Patient {
            id,
            version: 1,
            data: p.clone(),
        })
    }

    /// Replaces a patient's data if nobody saved it since `expected_version`.
    pub async fn update_patient(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        p: &PatientData,
    ) -> Result<Patient> {
        Self::check_patient(p)?;
        let c = &self.cipher;
        let a = p.address.as_ref();
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE patients SET last_name_enc = $1, first_name_enc = $2, middle_name_enc = $3, birth_date_enc = $4, \
             sex = $5, address_line1_enc = $6, address_line2_enc = $7, city_enc = $8, state_enc = $9, \
             postal_code_enc = $10, phone_enc = $11, lookup_index = $12, updated_at = $13, version = version + 1 \
             WHERE id = $14 AND version = $15 AND organization_id = $16",
        )
        .bind(c.encrypt_str("patients.last_name", &p.last_name)?)
        .bind(c.encrypt_str("patients.first_name", &p.first_name)?)
        .bind(c.encrypt_opt("patients.middle_name", p.middle_name.as_deref())?)
        .bind(c.encrypt_str("patients.birth_date", &p.birth_date.to_string())?)
        .bind(p.sex.as_str())
        .bind(c.encrypt_opt("patients.address_line1", a.map(|a| a.line1.as_str()))?)
        .bind(c.encrypt_opt("patients.address_line2", a.and_then(|a| a.line2.as_deref()))?)
        .bind(c.encrypt_opt("patients.city", a.map(|a| a.city.as_str()))?)
        .bind(c.encrypt_opt("patients.state", a.map(|a| a.state.as_str()))?)
        .bind(c.encrypt_opt("patients.postal_code", a.map(|a| a.postal_code.as_str()))?)
        .bind(c.encrypt_opt("patients.phone", p.phone.as_deref())?)
        .bind(c.lookup_index(&p.last_name, p.birth_date))
        .bind(ts_text(now))
        .bind(id)
        .bind(expected_version)
        .bind(p.organization_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let current = sqlx::query("SELECT version FROM patients WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match current {
                Some(row) => StoreError::Conflict {
                    current_version: get(&row, "version")?,
                },
                None => StoreError::NotFound {
                    record: "patient",
                    id,
                },
            });
        }
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Update.as_str(),
            "patient",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Patient {
            id,
            version: expected_version + 1,
            data: p.clone(),
        })
    }

    pub(crate) fn patient_from_row(&self, row: &AnyRow) -> Result<Patient> {
        let c = &self.cipher;
        let blob = |col: &str| get::<Option<Vec<u8>>>(row, col);
        let need = |col: &str, field: &'static str| -> Result<Vec<u8>> {
            blob(col)?.ok_or(StoreError::Invalid {
                field,
                reason: "missing".into(),
            })
        };
        let line1 = c.decrypt_opt(
            "patients.address_line1",
            blob("address_line1_enc")?.as_deref(),
        )?;
        let address = match line1 {
            Some(line1) => Some(Address {
                line1,
                line2: c.decrypt_opt(
                    "patients.address_line2",
                    blob("address_line2_enc")?.as_deref(),
                )?,
                city: c
                    .decrypt_opt("patients.city", blob("city_enc")?.as_deref())?
                    .unwrap_or_default(),
                state: c
                    .decrypt_opt("patients.state", blob("state_enc")?.as_deref())?
                    .unwrap_or_default(),
                postal_code: c
                    .decrypt_opt("patients.postal_code", blob("postal_code_enc")?.as_deref())?
                    .unwrap_or_default(),
            }),
            None => None,
        };
        let sex: String = get(row, "sex")?;
        Ok(Patient {
            id: get(row, "id")?,
            version: get(row, "version")?,
            data: PatientData {
                organization_id: get(row, "organization_id")?,
                last_name: c.decrypt_str(
                    "patients.last_name",
                    &need("last_name_enc", "patients.last_name")?,
                )?,
                first_name: c.decrypt_str(
                    "patients.first_name",
                    &need("first_name_enc", "patients.first_name")?,
                )?,
                middle_name: c
                    .decrypt_opt("patients.middle_name", blob("middle_name_enc")?.as_deref())?,
                birth_date: parse_date(
                    "patients.birth_date",
                    &c.decrypt_str(
                        "patients.birth_date",
                        &need("birth_date_enc", "patients.birth_date")?,
                    )?,
                )?,
                sex: Sex::parse(&sex).ok_or(StoreError::Invalid {
                    field: "patients.sex",
                    reason: "unknown code".into(),
                })?,
                address,
                phone: c.decrypt_opt("patients.phone", blob("phone_enc")?.as_deref())?,
            },
        })
    }

    /// Reads a patient (decrypted) and records the view.
    pub async fn patient(&self, actor: &Actor, id: i64) -> Result<Patient> {
        let mut tx = self.write_tx().await?;
        let row = sqlx::query("SELECT * FROM patients WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound {
                record: "patient",
                id,
            })?;
        let patient = self.patient_from_row(&row)?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::View.as_str(),
            "patient",
            &id.to_string(),
            &actor.ip,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(patient)
    }

    /// Patients of an organization with this last name (normalized: case, spaces and punctuation ignored)
    /// and birth date, found through the blind index; each one returned is recorded as viewed.
    pub async fn find_patients(
        &self,
        actor: &Actor,
        organization_id: i64,
        last_name: &str,
        birth_date: jiff::civil::Date,
    ) -> Result<Vec<Patient>> {
        let index = self.cipher.lookup_index(last_name, birth_date);
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(
            "SELECT * FROM patients WHERE organization_id = $1 AND lookup_index = $2 ORDER BY id",
        )
        .bind(organization_id)
        .bind(index)
        .fetch_all(&mut *tx)
        .await?;
        let patients = rows
            .iter()
            .map(|r| self.patient_from_row(r))
            .collect::<Result<Vec<_>>>()?;
        let now = Timestamp::now();
        for p in &patients {
            append_in(
                &mut tx,
                &actor.name,
                AuditAction::View.as_str(),
                "patient",
                &p.id.to_string(),
                &actor.ip,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(patients)
    }

    pub async fn create_coverage(&self, actor: &Actor, cov: &CoverageData) -> Result<Coverage> {
        required("member_id", &cov.member_id, 80)?;
        required("subscriber_last_name", &cov.subscriber_last_name, 60)?;
        required("subscriber_first_name", &cov.subscriber_first_name, 35)?;
        optional("group_number", cov.group_number.as_deref(), 50)?;
        if !(1..=3).contains(&cov.order) {
            return Err(StoreError::Invalid {
                field: "order",
                reason: "1 (primary), 2 or 3".into(),
            });
        }
        let c = &self.cipher;
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO coverages (patient_id, payer_id, coverage_order, member_id_enc, group_number_enc, relationship, \
             subscriber_last_name_enc, subscriber_first_name_enc, subscriber_birth_date_enc, effective_from, \
             effective_to, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(cov.patient_id)
        .bind(cov.payer_id)
        .bind(cov.order)
        .bind(c.encrypt_str("coverages.member_id", &cov.member_id)?)
        .bind(c.encrypt_opt("coverages.group_number", cov.group_number.as_deref())?)
        .bind(cov.relationship.as_str())
        .bind(c.encrypt_str("coverages.subscriber_last_name", &cov.subscriber_last_name)?)
        .bind(c.encrypt_str("coverages.subscriber_first_name", &cov.subscriber_first_name)?)
        .bind(c.encrypt_opt(
            "coverages.subscriber_birth_date",
            cov.subscriber_birth_date.map(|d| d.to_string()).as_deref(),
        )?)
        .bind(cov.effective_from.to_string())
        .bind(cov.effective_to.map(|d| d.to_string()))
        .bind(ts_text(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Create.as_str(),
            "coverage",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Coverage {
            id,
            data: cov.clone(),
        })
    }

    /// A patient's coverages in order (primary first), decrypted; the view is recorded.
    pub(crate) fn coverage_from_row(&self, row: &AnyRow) -> Result<Coverage> {
        let c = &self.cipher;
        let blob = |col: &str| get::<Option<Vec<u8>>>(row, col);
        let need = |col: &str, field: &'static str| -> Result<Vec<u8>> {
            blob(col)?.ok_or(StoreError::Invalid {
                field,
                reason: "missing".into(),
            })
        };
        let relationship: String = get(row, "relationship")?;
        let effective_to: Option<String> = get(row, "effective_to")?;
        let sub_birth = c.decrypt_opt(
            "coverages.subscriber_birth_date",
            blob("subscriber_birth_date_enc")?.as_deref(),
        )?;
        Ok(Coverage {
            id: get(row, "id")?,
            data: CoverageData {
                patient_id: get(row, "patient_id")?,
                payer_id: get(row, "payer_id")?,
                order: get(row, "coverage_order")?,
                member_id: c.decrypt_str(
                    "coverages.member_id",
                    &need("member_id_enc", "coverages.member_id")?,
                )?,
                group_number: c.decrypt_opt(
                    "coverages.group_number",
                    blob("group_number_enc")?.as_deref(),
                )?,
                relationship: Relationship::parse(&relationship).ok_or(StoreError::Invalid {
                    field: "coverages.relationship",
                    reason: "unknown".into(),
                })?,
                subscriber_last_name: c.decrypt_str(
                    "coverages.subscriber_last_name",
                    &need("subscriber_last_name_enc", "coverages.subscriber_last_name")?,
                )?,
                subscriber_first_name: c.decrypt_str(
                    "coverages.subscriber_first_name",
                    &need(
                        "subscriber_first_name_enc",
                        "coverages.subscriber_first_name",
                    )?,
                )?,
                subscriber_birth_date: sub_birth
                    .map(|d| parse_date("coverages.subscriber_birth_date", &d))
                    .transpose()?,
                effective_from: parse_date(
                    "coverages.effective_from",
                    &get::<String>(row, "effective_from")?,
                )?,
                effective_to: effective_to
                    .map(|d| parse_date("coverages.effective_to", &d))
                    .transpose()?,
            },
        })
    }

    pub async fn coverages(&self, actor: &Actor, patient_id: i64) -> Result<Vec<Coverage>> {
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(
            "SELECT * FROM coverages WHERE patient_id = $1 ORDER BY coverage_order, id",
        )
        .bind(patient_id)
        .fetch_all(&mut *tx)
        .await?;
        let out = rows
            .iter()
            .map(|r| self.coverage_from_row(r))
            .collect::<Result<Vec<_>>>()?;
        let now = Timestamp::now();
        for cov in &out {
            append_in(
                &mut tx,
                &actor.name,
                AuditAction::View.as_str(),
                "coverage",
                &cov.id.to_string(),
                &actor.ip,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    pub async fn create_encounter(&self, actor: &Actor, e: &EncounterData) -> Result<Encounter> {
        required("place_of_service", &e.place_of_service, 2)?;
        optional("notes", e.notes.as_deref(), 10_000)?;
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO encounters (organization_id, patient_id, billing_provider_id, rendering_provider_id, service_date, \
             place_of_service, notes_enc, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(e.organization_id)
        .bind(e.patient_id)
        .bind(e.billing_provider_id)
        .bind(e.rendering_provider_id)
        .bind(e.service_date.to_string())
        .bind(&e.place_of_service)
        .bind(self.cipher.encrypt_opt("encounters.notes", e.notes.as_deref())?)
        .bind(ts_text(now))
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Create.as_str(),
            "encounter",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Encounter {
            id,
            data: e.clone(),
        })
    }

    pub(crate) fn encounter_from_row(&self, row: &AnyRow) -> Result<Encounter> {
        let notes: Option<Vec<u8>> = get(row, "notes_enc")?;
        Ok(Encounter {
            id: get(row, "id")?,
            data: EncounterData {
                organization_id: get(row, "organization_id")?,
                patient_id: get(row, "patient_id")?,
                billing_provider_id: get(row, "billing_provider_id")?,
                rendering_provider_id: get(row, "rendering_provider_id")?,
                service_date: parse_date(
                    "encounters.service_date",
                    &get::<String>(row, "service_date")?,
                )?,
                place_of_service: get(row, "place_of_service")?,
                notes: self
                    .cipher
                    .decrypt_opt("encounters.notes", notes.as_deref())?,
            },
        })
    }

    /// Reads an encounter (its notes decrypted) and records the view.
    pub async fn encounter(&self, actor: &Actor, id: i64) -> Result<Encounter> {
        let mut tx = self.write_tx().await?;
        let row = sqlx::query("SELECT * FROM encounters WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound {
                record: "encounter",
                id,
            })?;
        let encounter = self.encounter_from_row(&row)?;
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::View.as_str(),
            "encounter",
            &id.to_string(),
            &actor.ip,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(encounter)
    }
}

pub(crate) fn billing_from_row(row: &AnyRow) -> Result<BillingProvider> {
    Ok(BillingProvider {
        id: get(row, "id")?,
        provider: NewBillingProvider {
            organization_id: get(row, "organization_id")?,
            name: get(row, "name")?,
            npi: get(row, "npi")?,
            tax_id: get(row, "tax_id")?,
            taxonomy: get(row, "taxonomy")?,
            address_line1: get(row, "address_line1")?,
            address_line2: get(row, "address_line2")?,
            city: get(row, "city")?,
            state: get(row, "state")?,
            postal_code: get(row, "postal_code")?,
        },
    })
}

pub(crate) fn payer_from_row(row: &AnyRow) -> Result<Payer> {
    Ok(Payer {
        id: get(row, "id")?,
        payer: NewPayer {
            organization_id: get(row, "organization_id")?,
            name: get(row, "name")?,
            payer_code: get(row, "payer_code")?,
            claim_filing_indicator: get(row, "claim_filing_indicator")?,
        },
    })
}
