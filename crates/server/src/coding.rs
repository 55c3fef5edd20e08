//! The code sets and the scrubber as the server holds them, and the stored claim turned into the
//! documented claim (`rcm_claims::ClaimInput`) that the scrubber checks and the 837 carries.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use jiff::civil::Date;
use rcm_claims::input::{
    AddressInput, AdjustmentInput, BillingProviderInput, ClaimInput, KindInput,
    LineAdjudicationInput, LineInput, PatientInput, PayerInput, PersonFields, ProviderInput,
    SubscriberInput,
};
use rcm_claims::input::{AmountInput, UnitsInput};
use rcm_codes::{Catalog, CodeSet, CodeSystem};
use rcm_edits::rules::RuleSet;
use rcm_edits::{ClaimReport, Scrubber};
use rcm_store as store;

/// Why the code sets or the scrubber are not available.
#[derive(Debug, thiserror::Error)]
pub enum CodingError {
    #[error("{0}")]
    Codes(#[from] rcm_codes::CodesError),
    #[error("{0}")]
    Scrubber(#[from] rcm_edits::ScrubberError),
    #[error("payer rules: {0}")]
    Rules(String),
}

/// The code sets of the data directory and a scrubber over them, re-opened when the day changes
/// (the scrubber's "today" decides what is a future date).
pub struct Coding {
    data_dir: PathBuf,
    rules: RuleSet,
    scrubber: RwLock<(Date, Arc<Scrubber>)>,
    sets: Mutex<HashMap<String, Arc<CodeSet>>>,
    /// The version answering each date of service asked for (search as you type asks for the same
    /// few dates again and again; the catalog is not consulted each time).
    by_date: RwLock<HashMap<Date, Arc<CodeSet>>>,
    catalog: Catalog,
}

pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

impl Coding {
    pub fn open(data_dir: &Path) -> Result<Coding, CodingError> {
        let rules_dir = data_dir.join("rules");
        let rules = if rules_dir.is_dir() {
            RuleSet::load(&[rules_dir]).map_err(|e| CodingError::Rules(e.to_string()))?
        } else {
            RuleSet::default()
        };
        let day = today();
        let scrubber = Scrubber::open(data_dir, rules.clone(), day)?;
        Ok(Coding {
            data_dir: data_dir.to_path_buf(),
            rules,
            scrubber: RwLock::new((day, Arc::new(scrubber))),
            sets: Mutex::new(HashMap::new()),
            by_date: RwLock::new(HashMap::new()),
            catalog: Catalog::open(data_dir)?,
        })
    }

    pub fn scrubber(&self) -> Arc<Scrubber> {
        let day = today();
        if let Ok(guard) = self.scrubber.read()
            && guard.0 == day
        {
            return guard.1.clone();
        }
        match Scrubber::open(&self.data_dir, self.rules.clone(), day) {
            Ok(s) => {
                let s = Arc::new(s);
                if let Ok(mut guard) = self.scrubber.write() {
                    *guard = (day, s.clone());
                }
                s
            }
            // Keep yesterday's scrubber rather than none; the next request tries again.
            Err(e) => {
                tracing::error!(error = %e, "re-opening the scrubber failed");
                match self.scrubber.read() {
                    Ok(g) => g.1.clone(),
                    Err(p) => p.into_inner().1.clone(),
                }
            }
        }
    }

    /// The ICD-10-CM version in effect on a date of service, loaded once.
    pub fn icd10cm(&self, dos: Date) -> Result<Arc<CodeSet>, CodingError> {
        if let Ok(known) = self.by_date.read()
            && let Some(set) = known.get(&dos)
        {
            return Ok(set.clone());
        }
        let set = self.icd10cm_from_catalog(dos)?;
        if let Ok(mut known) = self.by_date.write() {
            // Bounded: dates of service are few, but a client can ask for any.
            if known.len() >= 4096 {
                known.clear();
            }
            known.insert(dos, set.clone());
        }
        Ok(set)
    }

    fn icd10cm_from_catalog(&self, dos: Date) -> Result<Arc<CodeSet>, CodingError> {
        let eff = self.catalog.in_effect(CodeSystem::Icd10cm, dos)?;
        let mut sets = match self.sets.lock() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        };
        if let Some(s) = sets.get(&eff.info.id) {
            return Ok(s.clone());
        }
        let set = Arc::new(self.catalog.load(&eff.info.id)?);
        sets.insert(eff.info.id.clone(), set.clone());
        Ok(set)
    }
}

fn money(cents: i64) -> AmountInput {
    AmountInput(rcm_claims::Money(cents).to_plain())
}

fn units(milli: i64) -> UnitsInput {
    let whole = milli / 1000;
    let frac = milli % 1000;
    UnitsInput(if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}")
            .trim_end_matches('0')
            .to_owned()
    })
}

fn address(a: &store::Address) -> AddressInput {
    AddressInput {
        line1: a.line1.clone(),
        line2: a.line2.clone().unwrap_or_default(),
        city: a.city.clone(),
        state: a.state.clone(),
        zip: a.postal_code.clone(),
    }
}

fn provider(r: &store::RenderingProvider) -> ProviderInput {
    ProviderInput {
        npi: r.provider.npi.clone(),
        last_name: r.provider.last_name.clone(),
        first_name: r.provider.first_name.clone().unwrap_or_default(),
        taxonomy: r.provider.taxonomy.clone().unwrap_or_default(),
    }
}

pub use rcm_claims::posting::patient_control_number;

/// The documented claim for a stored claim's content. Professional claims only: the store does
/// not yet keep the institutional fields (type of bill, statement period, PCS procedures).
pub fn claim_input(
    claim_id: Option<i64>,
    ctx: &store::ClaimRecords,
    content: &store::ClaimContent,
) -> ClaimInput {
    let p = &ctx.patient.data;
    let cov = &ctx.coverage.data;
    let person = |last: &str, first: &str, birth: Option<Date>, sex: Option<store::Sex>, addr| {
        PersonFields {
            last_name: last.to_owned(),
            first_name: first.to_owned(),
            birth_date: birth.map(|d| d.to_string()),
            sex: sex.map(|s| s.as_str().to_owned()),
            address: addr,
        }
    };
    let patient_person = person(
        &p.last_name,
        &p.first_name,
        Some(p.birth_date),
        Some(p.sex),
        p.address.as_ref().map(address),
    );
    let (subscriber, patient) = match cov.relationship {
        store::Relationship::Own => (
            SubscriberInput {
                member_id: cov.member_id.clone(),
                person: patient_person,
                group_number: cov.group_number.clone().unwrap_or_default(),
            },
            None,
        ),
        other => (
            SubscriberInput {
                member_id: cov.member_id.clone(),
                person: person(
                    &cov.subscriber_last_name,
                    &cov.subscriber_first_name,
                    cov.subscriber_birth_date,
                    None,
                    None,
                ),
                group_number: cov.group_number.clone().unwrap_or_default(),
            },
            Some(PatientInput {
                relationship: match other {
                    store::Relationship::Spouse => "01",
                    store::Relationship::Child => "19",
                    _ => "G8",
                }
                .to_owned(),
                person: patient_person,
            }),
        ),
    };
    let b = &ctx.billing.provider;
    let lines = content
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| LineInput {
            procedure: Some(l.procedure_code.clone()),
            modifiers: l.modifiers.clone(),
            charge: money(l.charge_cents),
            units: units(l.units_milli),
            diagnosis_pointers: l.diagnosis_pointers.iter().map(|&x| u32::from(x)).collect(),
            date_of_service: l.service_date.to_string(),
            place_of_service: l.place_of_service.clone(),
            rendering_provider: l
                .rendering_provider_id
                .and_then(|id| ctx.line_rendering.iter().find(|r| r.id == id))
                .map(provider),
            adjudications: ctx
                .prior
                .as_ref()
                .and_then(|p| {
                    p.lines
                        .iter()
                        .find(|pl| {
                            usize::try_from(pl.line_number).ok() == Some(i + 1)
                                && pl.procedure_code == l.procedure_code
                        })
                        .map(|pl| LineAdjudicationInput {
                            payer_id: p.payer.payer.payer_code.clone(),
                            paid: money(pl.paid_cents),
                            adjustments: adjustments(&pl.adjustments),
                            adjudication_date: p.adjudication_date.to_string(),
                        })
                })
                .into_iter()
                .collect(),
            ..LineInput::default()
        })
        .collect();
    let mut payers = vec![PayerInput {
        name: ctx.payer.payer.name.clone(),
        payer_id: ctx.payer.payer.payer_code.clone(),
        responsibility: responsibility(cov.order),
        filing_indicator: ctx.payer.payer.claim_filing_indicator.clone(),
        coverage_start: Some(cov.effective_from.to_string()),
        coverage_end: cov.effective_to.map(|d| d.to_string()),
        ..PayerInput::default()
    }];
    if let Some(prior) = &ctx.prior {
        payers.push(prior_payer(prior, p));
    }
    ClaimInput {
        kind: KindInput::Professional,
        patient_control_number: claim_id
            .map(patient_control_number)
            .unwrap_or_else(|| "RCM-NEW".to_owned()),
        billing_provider: BillingProviderInput {
            npi: b.npi.clone(),
            name: b.name.clone(),
            first_name: String::new(),
            tax_id: b.tax_id.clone(),
            taxonomy: b.taxonomy.clone().unwrap_or_default(),
            address: AddressInput {
                line1: b.address_line1.clone(),
                line2: b.address_line2.clone().unwrap_or_default(),
                city: b.city.clone(),
                state: b.state.clone(),
                zip: b.postal_code.clone(),
            },
        },
        rendering_provider: ctx.rendering.as_ref().map(provider),
        referring_provider: None,
        subscriber,
        patient,
        payers,
        place_of_service: Some(ctx.encounter.data.place_of_service.clone()),
        frequency: Some(content.frequency_code.clone()),
        original_claim_reference: matches!(content.frequency_code.as_str(), "7" | "8")
            .then(|| ctx.original_claim_reference.clone())
            .flatten(),
        diagnoses: content.diagnoses.clone(),
        total_charge: money(content.total_charge_cents()),
        lines,
        ..ClaimInput::default()
    }
}

fn responsibility(order: i64) -> String {
    match order {
        2 => "secondary",
        3 => "tertiary",
        _ => "primary",
    }
    .to_owned()
}

fn adjustments(given: &[store::PriorAdjustment]) -> Vec<AdjustmentInput> {
    given
        .iter()
        .map(|a| AdjustmentInput {
            group: a.group.clone(),
            reason: a.reason.clone(),
            amount: money(a.amount_cents),
        })
        .collect()
}

/// The earlier payer of a claim to the next payer, with its adjudication (837 loops 2320/2330).
fn prior_payer(prior: &store::PriorAdjudication, patient: &store::PatientData) -> PayerInput {
    let cov = &prior.coverage.data;
    let (relationship, person) = match cov.relationship {
        store::Relationship::Own => (
            "18",
            PersonFields {
                last_name: patient.last_name.clone(),
                first_name: patient.first_name.clone(),
                ..PersonFields::default()
            },
        ),
        other => (
            match other {
                store::Relationship::Spouse => "01",
                store::Relationship::Child => "19",
                _ => "G8",
            },
            PersonFields {
                last_name: cov.subscriber_last_name.clone(),
                first_name: cov.subscriber_first_name.clone(),
                ..PersonFields::default()
            },
        ),
    };
    PayerInput {
        name: prior.payer.payer.name.clone(),
        payer_id: prior.payer.payer.payer_code.clone(),
        responsibility: responsibility(cov.order),
        filing_indicator: prior.payer.payer.claim_filing_indicator.clone(),
        subscriber: Some(SubscriberInput {
            member_id: cov.member_id.clone(),
            person,
            group_number: cov.group_number.clone().unwrap_or_default(),
        }),
        relationship: Some(relationship.to_owned()),
        paid: Some(money(prior.paid_cents)),
        adjustments: adjustments(&prior.adjustments),
        remaining_patient_liability: Some(money(prior.patient_resp_cents)),
        adjudication_date: Some(prior.adjudication_date.to_string()),
        ..PayerInput::default()
    }
}

/// Scrubs a claim: what cannot be read becomes a finding with its path; the rest goes through
/// every edit.
pub fn scrub(scrubber: &Scrubber, input: &ClaimInput) -> ClaimReport {
    let built = input.build("claim");
    scrubber.check(&built)
}

/// The counts the store keeps of a report.
pub fn counts(report: &ClaimReport) -> store::ScrubCounts {
    let errors = report.count(rcm_edits::Severity::Error);
    store::ScrubCounts {
        errors: errors as i64,
        others: (report.findings.len() - errors) as i64,
    }
}
