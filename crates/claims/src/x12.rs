//! Conversion both ways between claims and the 837P/837I transaction models of `rcm-x12`.
//!
//! 837 → claims goes through the documented JSON ([`ClaimInput`]) so that a value the file
//! carries but a claim cannot hold (a bad NPI, an impossible date) becomes a problem with its
//! path, exactly as in a JSON file.

use crate::input::{
    AddressInput, AdjustmentInput, AmountInput, BillingProviderInput, ClaimInput,
    InstitutionalInput, KindInput, LineAdjudicationInput, LineInput, PatientInput, PayerInput,
    PcsProcedureInput, PersonFields, ProviderInput, SubscriberInput, UnitsInput,
};
use crate::model::{Address, Claim, ClaimKind, Person, Provider, Subscriber};
use jiff::civil::Date;
use rcm_x12::model::claim837 as x;
use rcm_x12::model::{Adjustment, Modifiers, Party, Procedure, Reference, TooMany};
use rcm_x12::values::{Date as XDate, DatePeriod};

/// Who sends the file and to whom (1000A/1000B and the BHT).
#[derive(Debug, Clone)]
pub struct Envelope {
    pub submitter_name: String,
    pub submitter_id: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub receiver_name: String,
    pub receiver_id: String,
    /// BHT03 and ST02.
    pub reference: String,
    pub control_number: String,
    pub created: Date,
    pub created_time: String,
}

fn xdate(d: Date) -> XDate {
    XDate {
        year: u16::try_from(d.year()).unwrap_or(0),
        month: u8::try_from(d.month()).unwrap_or(0),
        day: u8::try_from(d.day()).unwrap_or(0),
    }
}

/// CCYY-MM-DD without the formatting machinery (every line of every claim has one).
fn from_xdate(d: XDate) -> String {
    let mut s = String::with_capacity(10);
    let two = |s: &mut String, v: u8| {
        s.push(char::from(b'0' + (v / 10) % 10));
        s.push(char::from(b'0' + v % 10));
    };
    two(&mut s, u8::try_from(d.year / 100).unwrap_or(0));
    two(&mut s, u8::try_from(d.year % 100).unwrap_or(0));
    s.push('-');
    two(&mut s, d.month);
    s.push('-');
    two(&mut s, d.day);
    s
}

/// Units as text ("1", "2.5") without the formatting machinery for whole units.
fn units_text(d: rcm_x12::values::Decimal) -> String {
    if d.scale == 0 && d.mantissa >= 0 {
        let mut s = String::with_capacity(4);
        crate::types::push_digits(&mut s, d.mantissa.unsigned_abs());
        s
    } else {
        d.to_string()
    }
}

fn x_address(a: &Address) -> rcm_x12::model::Address {
    rcm_x12::model::Address {
        line1: a.line1.as_str().into(),
        line2: a.line2.as_str().into(),
        city: a.city.as_str().into(),
        state: a.state.as_str().into(),
        zip: a.zip.as_str().into(),
        country: Default::default(),
    }
}

fn x_person(entity: &str, id_qualifier: &str, id: &str, p: &Person) -> x::Person {
    x::Person {
        name: Party::person(entity, &p.last_name, &p.first_name, id_qualifier, id),
        address: p.address.as_ref().map(x_address),
        birth_date: p.birth_date.map(xdate),
        gender: p
            .sex
            .map(|s| s.code().to_string())
            .unwrap_or_default()
            .into(),
        refs: Vec::new(),
    }
}

fn x_provider(entity: &str, p: &Provider) -> x::ClaimProvider {
    x::ClaimProvider {
        party: Party::person(entity, &p.last_name, &p.first_name, "XX", p.npi.as_str()),
        taxonomy: p.taxonomy.as_str().into(),
        address: None,
        refs: Vec::new(),
    }
}

fn x_subscriber(s: &Subscriber) -> x::Person {
    x_person("IL", "MI", &s.member_id, &s.person)
}

fn x_adjustments(adjustments: &[crate::model::ClaimAdjustment]) -> Vec<Adjustment> {
    adjustments
        .iter()
        .map(|a| Adjustment {
            group: a.group.as_str().into(),
            reason: a.reason.as_str().into(),
            amount: a.amount.to_x12(),
            quantity: None,
        })
        .collect()
}

fn adjustment_inputs(adjustments: &[Adjustment]) -> Vec<AdjustmentInput> {
    adjustments
        .iter()
        .map(|a| AdjustmentInput {
            group: a.group.to_string(),
            reason: a.reason.to_string(),
            amount: AmountInput(crate::types::Money::from_x12(a.amount).to_plain()),
        })
        .collect()
}

/// A claim that an 837 cannot carry: a service line with more modifiers or diagnosis pointers
/// than the 837's composites hold (C003 and C004: four each). The claim JSON and the 837 reader
/// refuse a fifth, but the typed claim's lists are plain vectors, so a claim built in code can
/// hold more; it is refused here rather than cut.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("claim {claim}, line {line}: {problem}")]
pub struct ConvertError {
    /// 1-based position of the claim among the claims given.
    pub claim: usize,
    /// 1-based number of the service line.
    pub line: usize,
    pub problem: TooMany,
}

/// Line `line` (1-based) of a claim; the claim's position is filled in by the caller.
fn too_many(line: usize) -> impl Fn(TooMany) -> ConvertError {
    move |problem| ConvertError {
        claim: 0,
        line,
        problem,
    }
}

fn x_claim(c: &Claim) -> Result<x::Claim, ConvertError> {
    let is_p = c.kind == ClaimKind::Professional;
    let mut refs = Vec::new();
    if let Some(r) = &c.prior_authorization {
        refs.push(Reference::new("G1", r));
    }
    if let Some(r) = &c.original_claim_reference {
        refs.push(Reference::new("F8", r));
    }
    let mut dates = Vec::new();
    if let Some(d) = c.onset_date {
        dates.push(("431".into(), DatePeriod::Day { date: xdate(d) }));
    }
    let mut other_codes = Vec::new();
    let mut providers = Vec::new();
    let (facility_code, institutional) = match &c.institutional {
        Some(i) => {
            dates.push((
                "434".into(),
                DatePeriod::Range {
                    from: xdate(i.statement_from),
                    to: xdate(i.statement_to),
                },
            ));
            if let Some(a) = i.admission_date {
                dates.push(("435".into(), DatePeriod::Day { date: xdate(a) }));
            }
            if let Some(a) = i.admitting_diagnosis {
                other_codes.push(x::CodeEntry {
                    qualifier: "ABJ".into(),
                    code: a.as_str().into(),
                    ..x::CodeEntry::default()
                });
            }
            for (n, p) in i.procedures.iter().enumerate() {
                other_codes.push(x::CodeEntry {
                    qualifier: if n == 0 { "BBR" } else { "BBQ" }.into(),
                    code: p.code.as_str().into(),
                    date_format: "D8".into(),
                    date: xdate(p.date).to_string().into(),
                    ..x::CodeEntry::default()
                });
            }
            if let Some(a) = &i.attending_provider {
                providers.push(x_provider("71", a));
            }
            (
                i.type_of_bill.facility_code().to_string(),
                Some(x::InstitutionalInfo {
                    admission_type: i.admission_type.as_str().into(),
                    admission_source: i.admission_source.as_str().into(),
                    patient_status: i.patient_status.as_str().into(),
                }),
            )
        }
        None => (
            c.place_of_service
                .map(|p| p.to_string())
                .unwrap_or_default(),
            None,
        ),
    };
    if let Some(r) = &c.referring_provider {
        providers.push(x_provider("DN", r));
    }
    if let Some(r) = &c.rendering_provider {
        providers.push(x_provider("82", r));
    }
    let diagnoses = c
        .diagnoses
        .iter()
        .enumerate()
        .map(|(i, d)| x::CodeEntry {
            qualifier: match (is_p, i) {
                (true, 0) => "ABK",
                (true, _) => "ABF",
                (false, 0) => "ABK",
                (false, _) => "ABF",
            }
            .into(),
            code: d.as_str().into(),
            ..x::CodeEntry::default()
        })
        .collect();
    let other_payers = c
        .other_payers
        .iter()
        .map(|o| x::OtherPayer {
            coverage: x::Coverage {
                payer_responsibility: o.payer.responsibility.code().into(),
                relationship: o.relationship.as_str().into(),
                filing_indicator: o.payer.filing_indicator.as_str().into(),
                group_number: o
                    .subscriber
                    .as_ref()
                    .map(|s| s.group_number.clone())
                    .unwrap_or_default()
                    .into(),
                ..x::Coverage::default()
            },
            adjustments: x_adjustments(&o.adjustments),
            paid: o.paid.map(|m| m.to_x12()),
            remaining_patient_liability: o.remaining_patient_liability.map(|m| m.to_x12()),
            non_covered: None,
            benefits_assigned: "Y".into(),
            patient_signature_source: if is_p { "P".into() } else { Default::default() },
            release_of_information: "Y".into(),
            subscriber: x_subscriber(o.subscriber.as_ref().unwrap_or(&c.subscriber)),
            payer: x::Payer {
                name: Party::org("PR", &o.payer.name, "PI", &o.payer.payer_id),
                ..x::Payer::default()
            },
            adjudication_date: o.adjudication_date.map(xdate),
        })
        .collect();
    let lines = c
        .lines
        .iter()
        .enumerate()
        .map(|(n, l)| {
            let modifiers = Modifiers::try_from_iter(l.modifiers.iter().map(|m| m.as_str()))
                .map_err(too_many(n + 1))?;
            let diagnosis_pointers = if is_p {
                x::DiagnosisPointers::try_from(l.diagnosis_pointers.as_slice())
                    .map_err(too_many(n + 1))?
            } else {
                x::DiagnosisPointers::new()
            };
            Ok(x::ServiceLine {
                number: u32::try_from(n + 1).unwrap_or(u32::MAX),
                revenue_code: l
                    .revenue_code
                    .map(|r| r.to_string())
                    .unwrap_or_default()
                    .into(),
                procedure: l
                    .procedure
                    .map(|p| Procedure::hc(p.as_str(), modifiers.clone())),
                charge: l.charge.to_x12(),
                unit_basis: "UN".into(),
                units: l.units.to_x12(),
                place_of_service: l
                    .place_of_service
                    .map(|p| p.to_string())
                    .unwrap_or_default()
                    .into(),
                diagnosis_pointers,
                non_covered_charge: l.non_covered_charge.map(|m| m.to_x12()),
                service_date: Some(match l.date_of_service_end {
                    Some(end) if end != l.date_of_service => DatePeriod::Range {
                        from: xdate(l.date_of_service),
                        to: xdate(end),
                    },
                    _ => DatePeriod::Day {
                        date: xdate(l.date_of_service),
                    },
                }),
                providers: l
                    .rendering_provider
                    .as_ref()
                    .map(|p| vec![x_provider("82", p)])
                    .unwrap_or_default(),
                drug: l.drug.as_ref().map(|d| x::DrugIdentification {
                    ndc: d.ndc.as_str().into(),
                    quantity: d.quantity.to_x12(),
                    unit: d.unit.code().to_string().into(),
                    prescription_number: Default::default(),
                }),
                adjudications: l
                    .adjudications
                    .iter()
                    .map(|a| x::LineAdjudication {
                        payer_id: a.payer_id.as_str().into(),
                        paid: a.paid.to_x12(),
                        procedure: l
                            .procedure
                            .map(|p| Procedure::hc(p.as_str(), modifiers.clone())),
                        revenue_code: l
                            .revenue_code
                            .map(|r| r.to_string())
                            .unwrap_or_default()
                            .into(),
                        units: l.units.to_x12(),
                        adjustments: x_adjustments(&a.adjustments),
                        adjudication_date: Some(xdate(a.adjudication_date)),
                    })
                    .collect(),
                ..x::ServiceLine::default()
            })
        })
        .collect::<Result<Vec<_>, ConvertError>>()?;
    Ok(x::Claim {
        patient_control_number: c.patient_control_number.as_str().into(),
        total_charge: c.total_charge.to_x12(),
        facility_code: facility_code.into(),
        frequency_code: c.frequency.to_string().into(),
        provider_signature: if is_p { "Y".into() } else { Default::default() },
        assignment: "A".into(),
        benefits_assigned: "Y".into(),
        release_of_information: "Y".into(),
        patient_signature_source: Default::default(),
        related_causes: Vec::new(),
        accident_state: Default::default(),
        delay_reason: Default::default(),
        dates,
        refs,
        patient_paid: None,
        institutional,
        diagnoses,
        other_codes,
        providers,
        other_payers,
        lines,
    })
}

/// Builds one 837 transaction of claims of one kind: claims are grouped under their billing
/// provider (2000A) and their subscriber and payer (2000B), patients other than the
/// subscriber in 2000C. An error names the first claim (by its position in `claims`) that an 837
/// cannot carry.
pub fn to_transaction(
    env: &Envelope,
    kind: ClaimKind,
    claims: &[&Claim],
) -> Result<x::ClaimTransaction, ConvertError> {
    let mut t = x::ClaimTransaction {
        kind: match kind {
            ClaimKind::Professional => x::ClaimKind::Professional,
            ClaimKind::Institutional => x::ClaimKind::Institutional,
        },
        control_number: env.control_number.as_str().into(),
        purpose: "00".into(),
        reference: env.reference.as_str().into(),
        created_date: Some(xdate(env.created)),
        created_time: env.created_time.as_str().into(),
        claim_or_encounter: "CH".into(),
        submitter: Party::org("41", &env.submitter_name, "46", &env.submitter_id),
        submitter_contact: vec![
            env.contact_name.as_str().into(),
            "TE".into(),
            env.contact_phone.as_str().into(),
        ],
        receiver: Party::org("40", &env.receiver_name, "46", &env.receiver_id),
        billing_providers: Vec::new(),
    };
    for (i, c) in claims.iter().enumerate().filter(|(_, c)| c.kind == kind) {
        let claim = x_claim(c).map_err(|e| ConvertError { claim: i + 1, ..e })?;
        let bp = &c.billing_provider;
        let group = match t
            .billing_providers
            .iter_mut()
            .position(|g| g.provider.id.as_str() == bp.npi.as_str())
        {
            Some(i) => i,
            None => {
                t.billing_providers.push(x::BillingProviderGroup {
                    taxonomy: bp.taxonomy.as_str().into(),
                    provider: if bp.first_name.is_empty() {
                        Party::org("85", &bp.name, "XX", bp.npi.as_str())
                    } else {
                        Party::person("85", &bp.name, &bp.first_name, "XX", bp.npi.as_str())
                    },
                    address: x_address(&bp.address),
                    tax_id: Reference::new(bp.tax_id.qualifier(), bp.tax_id.digits()),
                    contact: Vec::new(),
                    pay_to_address: None,
                    subscribers: Vec::new(),
                });
                t.billing_providers.len() - 1
            }
        };
        let g = &mut t.billing_providers[group];
        let subscriber = x_subscriber(&c.subscriber);
        let payer_party = Party::org("PR", &c.payer.name, "PI", &c.payer.payer_id);
        let sub = match g.subscribers.iter().position(|s| {
            s.subscriber == subscriber
                && s.payer.name == payer_party
                && s.coverage.payer_responsibility == c.payer.responsibility.code()
                && (s.patients.is_empty() == c.patient.is_none())
        }) {
            Some(i) => i,
            None => {
                g.subscribers.push(x::SubscriberGroup {
                    coverage: x::Coverage {
                        payer_responsibility: c.payer.responsibility.code().into(),
                        relationship: if c.patient.is_none() {
                            "18".into()
                        } else {
                            Default::default()
                        },
                        group_number: c.subscriber.group_number.as_str().into(),
                        group_name: Default::default(),
                        insurance_type: Default::default(),
                        filing_indicator: c.payer.filing_indicator.as_str().into(),
                    },
                    subscriber,
                    payer: x::Payer {
                        name: payer_party,
                        address: None,
                        refs: Vec::new(),
                    },
                    claims: Vec::new(),
                    patients: Vec::new(),
                });
                g.subscribers.len() - 1
            }
        };
        let s = &mut g.subscribers[sub];
        match &c.patient {
            None => s.claims.push(claim),
            Some(p) => {
                let mut person = x_person("QC", "", "", &p.person);
                person.name.id_qualifier = Default::default();
                match s
                    .patients
                    .iter_mut()
                    .find(|g| g.patient == person && g.relationship.as_str() == p.relationship)
                {
                    Some(pg) => pg.claims.push(claim),
                    None => s.patients.push(x::PatientGroup {
                        relationship: p.relationship.as_str().into(),
                        patient: person,
                        claims: vec![claim],
                    }),
                }
            }
        }
    }
    Ok(t)
}

fn party_address(a: &Option<rcm_x12::model::Address>) -> Option<AddressInput> {
    a.as_ref().map(address_input)
}

fn address_input(a: &rcm_x12::model::Address) -> AddressInput {
    AddressInput {
        line1: a.line1.to_string(),
        line2: a.line2.to_string(),
        city: a.city.to_string(),
        state: a.state.to_string(),
        zip: a.zip.to_string(),
    }
}

fn person_fields(p: &x::Person) -> PersonFields {
    PersonFields {
        last_name: p.name.last_or_org.to_string(),
        first_name: p.name.first.to_string(),
        birth_date: p.birth_date.map(from_xdate),
        sex: (!p.gender.is_empty()).then(|| p.gender.to_string()),
        address: party_address(&p.address),
    }
}

fn provider_input(p: &x::ClaimProvider) -> ProviderInput {
    ProviderInput {
        npi: p.party.id.to_string(),
        last_name: p.party.last_or_org.to_string(),
        first_name: p.party.first.to_string(),
        taxonomy: p.taxonomy.to_string(),
    }
}

fn responsibility(code: &str) -> String {
    match code {
        "P" => "primary",
        "S" => "secondary",
        "T" => "tertiary",
        // Payer sequences beyond tertiary (A…H) are kept as sent and reported by the builder.
        other => other,
    }
    .to_string()
}

fn claim_input(
    t: &x::ClaimTransaction,
    bp: &x::BillingProviderGroup,
    g: &x::SubscriberGroup,
    patient: Option<&x::PatientGroup>,
    c: &x::Claim,
) -> ClaimInput {
    let is_p = t.kind == x::ClaimKind::Professional;
    let date = |q: &str| c.dates.iter().find(|(k, _)| k == q).map(|(_, p)| *p);
    let reference = |q: &str| {
        c.refs
            .iter()
            .find(|r| r.qualifier.as_str() == q)
            .map(|r| r.value.to_string())
    };
    let provider = |entity: &str| {
        c.providers
            .iter()
            .find(|p| p.party.entity.as_str() == entity)
            .map(provider_input)
    };
    let claim_dos = date("472").map(|p| p.first());
    let mut payers = vec![PayerInput {
        name: g.payer.name.last_or_org.to_string(),
        payer_id: g.payer.name.id.to_string(),
        responsibility: responsibility(&g.coverage.payer_responsibility),
        filing_indicator: g.coverage.filing_indicator.to_string(),
        ..PayerInput::default()
    }];
    for o in &c.other_payers {
        payers.push(PayerInput {
            name: o.payer.name.last_or_org.to_string(),
            payer_id: o.payer.name.id.to_string(),
            responsibility: responsibility(&o.coverage.payer_responsibility),
            filing_indicator: o.coverage.filing_indicator.to_string(),
            subscriber: Some(SubscriberInput {
                member_id: o.subscriber.name.id.to_string(),
                person: person_fields(&o.subscriber),
                group_number: o.coverage.group_number.to_string(),
            }),
            relationship: Some(o.coverage.relationship.to_string()),
            paid: o
                .paid
                .map(|m| AmountInput(crate::types::Money::from_x12(m).to_plain())),
            adjustments: adjustment_inputs(&o.adjustments),
            remaining_patient_liability: o
                .remaining_patient_liability
                .map(|m| AmountInput(crate::types::Money::from_x12(m).to_plain())),
            adjudication_date: o.adjudication_date.map(from_xdate),
            ..PayerInput::default()
        });
    }
    let lines = c
        .lines
        .iter()
        .map(|l| {
            let period = l.service_date.or(date("472"));
            let (from, to) = match period {
                Some(DatePeriod::Day { date }) => (from_xdate(date), None),
                Some(DatePeriod::Range { from, to }) => (from_xdate(from), Some(from_xdate(to))),
                None => (
                    claim_dos
                        .or(date("434").map(|p| p.first()))
                        .map(from_xdate)
                        .unwrap_or_default(),
                    None,
                ),
            };
            LineInput {
                procedure: l.procedure.as_ref().map(|p| p.code.to_string()),
                modifiers: l
                    .procedure
                    .as_ref()
                    .map(|p| p.modifiers.iter().map(|m| m.to_string()).collect())
                    .unwrap_or_default(),
                charge: AmountInput(crate::types::Money::from_x12(l.charge).to_plain()),
                units: UnitsInput(units_text(l.units)),
                diagnosis_pointers: l.diagnosis_pointers.iter().map(|p| u32::from(*p)).collect(),
                date_of_service: from,
                date_of_service_end: to,
                place_of_service: (!l.place_of_service.is_empty())
                    .then(|| l.place_of_service.to_string()),
                rendering_provider: l
                    .providers
                    .iter()
                    .find(|p| p.party.entity.as_str() == "82")
                    .map(provider_input),
                ndc: l.drug.as_ref().map(|d| d.ndc.to_string()),
                ndc_quantity: l.drug.as_ref().map(|d| UnitsInput(units_text(d.quantity))),
                ndc_unit: l.drug.as_ref().map(|d| d.unit.to_string()),
                revenue_code: (!l.revenue_code.is_empty()).then(|| l.revenue_code.to_string()),
                non_covered_charge: l
                    .non_covered_charge
                    .map(|m| AmountInput(crate::types::Money::from_x12(m).to_plain())),
                adjudications: l
                    .adjudications
                    .iter()
                    .map(|a| LineAdjudicationInput {
                        payer_id: a.payer_id.to_string(),
                        paid: AmountInput(crate::types::Money::from_x12(a.paid).to_plain()),
                        adjustments: adjustment_inputs(&a.adjustments),
                        adjudication_date: a.adjudication_date.map(from_xdate).unwrap_or_default(),
                    })
                    .collect(),
            }
        })
        .collect();
    let institutional = (!is_p).then(|| {
        let statement = date("434");
        let (from, to) = match statement {
            Some(DatePeriod::Range { from, to }) => (from_xdate(from), from_xdate(to)),
            Some(DatePeriod::Day { date }) => (from_xdate(date), from_xdate(date)),
            None => (String::new(), String::new()),
        };
        let info = c.institutional.clone().unwrap_or_default();
        InstitutionalInput {
            type_of_bill: format!("0{}{}", c.facility_code, c.frequency_code),
            statement_from: from,
            statement_to: to,
            admission_date: date("435").map(|p| from_xdate(p.first())),
            admission_type: info.admission_type.to_string(),
            admission_source: info.admission_source.to_string(),
            patient_status: info.patient_status.to_string(),
            admitting_diagnosis: c
                .other_codes
                .iter()
                .find(|e| e.qualifier == "ABJ")
                .map(|e| e.code.to_string()),
            procedures: c
                .other_codes
                .iter()
                .filter(|e| e.qualifier == "BBR" || e.qualifier == "BBQ")
                .map(|e| PcsProcedureInput {
                    code: e.code.to_string(),
                    date: XDate::parse(e.date.as_bytes())
                        .map(from_xdate)
                        .unwrap_or_default(),
                })
                .collect(),
            attending_provider: provider("71"),
        }
    });
    ClaimInput {
        kind: if is_p {
            KindInput::Professional
        } else {
            KindInput::Institutional
        },
        patient_control_number: c.patient_control_number.to_string(),
        billing_provider: BillingProviderInput {
            npi: bp.provider.id.to_string(),
            name: bp.provider.last_or_org.to_string(),
            first_name: bp.provider.first.to_string(),
            tax_id: bp.tax_id.value.to_string(),
            taxonomy: bp.taxonomy.to_string(),
            address: address_input(&bp.address),
        },
        rendering_provider: if is_p { provider("82") } else { None },
        referring_provider: provider("DN"),
        subscriber: SubscriberInput {
            member_id: g.subscriber.name.id.to_string(),
            person: person_fields(&g.subscriber),
            group_number: g.coverage.group_number.to_string(),
        },
        patient: patient.map(|p| PatientInput {
            relationship: p.relationship.to_string(),
            person: person_fields(&p.patient),
        }),
        payers,
        place_of_service: is_p.then(|| c.facility_code.to_string()),
        frequency: Some(c.frequency_code.to_string()),
        original_claim_reference: reference("F8"),
        prior_authorization: reference("G1"),
        onset_date: date("431").map(|p| from_xdate(p.first())),
        diagnoses: c.diagnoses.iter().map(|d| d.code.to_string()).collect(),
        total_charge: AmountInput(crate::types::Money::from_x12(c.total_charge).to_plain()),
        lines,
        institutional,
    }
}

/// Every claim of an 837 transaction, in file order, as the documented JSON.
pub fn claims_from_transaction(t: &x::ClaimTransaction) -> Vec<ClaimInput> {
    let mut out = Vec::new();
    for_each_claim(t, |c| out.push(c));
    out
}

/// Hands each claim of an 837 transaction, in file order, as the documented JSON, one at a
/// time (a 5,000-claim transaction is never held twice).
pub fn for_each_claim(t: &x::ClaimTransaction, mut each: impl FnMut(ClaimInput)) {
    for bp in &t.billing_providers {
        for g in &bp.subscribers {
            for c in &g.claims {
                each(claim_input(t, bp, g, None, c));
            }
            for p in &g.patients {
                for c in &p.claims {
                    each(claim_input(t, bp, g, Some(p), c));
                }
            }
        }
    }
}

/// The claims of an 837 file and what kept parts of it from being read.
#[derive(Debug, Default)]
pub struct Batch837 {
    pub claims: Vec<crate::input::BuiltClaim>,
    /// Envelope and transaction problems, with their positions (never element values).
    pub file_problems: Vec<String>,
    pub transactions: usize,
}

/// Where one 837 transaction set lies in the input.
struct TxSpan {
    start: usize,
    end: usize,
    delims: rcm_x12::Delimiters,
    control: String,
    first_index: u64,
}

/// The envelope pass: finds the 837 transaction sets without building anything.
struct Spans {
    spans: Vec<TxSpan>,
    problems: Vec<String>,
}

impl rcm_x12::envelope::Handler for Spans {
    fn transaction(
        &mut self,
        ctx: &rcm_x12::envelope::TxContext,
        segments: &[rcm_x12::Segment<'_>],
    ) {
        if ctx.set_id != "837" {
            self.problems.push(format!(
                "transaction set {} (ST02 {}) is not an 837: skipped",
                ctx.set_id, ctx.set_control
            ));
            return;
        }
        let (Some(first), Some(last)) = (segments.first(), segments.last()) else {
            return;
        };
        let start = usize::try_from(first.offset).unwrap_or(usize::MAX);
        let end = usize::try_from(last.offset)
            .unwrap_or(usize::MAX)
            .saturating_add(last.raw().len());
        self.spans.push(TxSpan {
            start,
            end,
            delims: first.delimiters(),
            control: ctx.set_control.clone(),
            first_index: first.index,
        });
    }

    fn finding(&mut self, f: rcm_x12::Finding) {
        if f.severity == rcm_x12::finding::Severity::Error {
            self.problems.push(f.to_string());
        }
    }
}

/// The segments of one transaction set, split again from its bytes.
fn segments_of<'a>(bytes: &'a [u8], span: &TxSpan) -> Vec<rcm_x12::Segment<'a>> {
    let Some(body) = bytes.get(span.start..span.end) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut index = span.first_index;
    for piece in body.split(|b| *b == span.delims.segment) {
        let trimmed_start = piece
            .iter()
            .position(|b| *b != b'\r' && *b != b'\n')
            .unwrap_or(piece.len());
        let raw = &piece[trimmed_start..];
        if !raw.is_empty() {
            out.push(rcm_x12::Segment::new(
                raw,
                span.delims,
                (span.start + pos + trimmed_start) as u64,
                index,
            ));
            index += 1;
        }
        pos += piece.len() + 1;
    }
    out
}

/// What one worker made of its transactions.
struct Part<R> {
    results: Vec<R>,
    problems: Vec<String>,
}

/// Reads every claim of an 837P or 837I interchange and hands each, built, to `each`, on
/// `threads` threads (transaction sets are independent). Results come back in file order;
/// claims are numbered `claims[i]` across the file. Memory stays bounded by the transaction
/// sets in flight, not the whole batch.
pub fn map_837_claims<R: Send>(
    bytes: &[u8],
    threads: usize,
    each: impl Fn(crate::input::BuiltClaim) -> R + Sync,
) -> (Vec<R>, Vec<String>, usize) {
    let mut spans = Spans {
        spans: Vec::new(),
        problems: Vec::new(),
    };
    if let Some(e) = rcm_x12::envelope::drive_slice(bytes, &mut spans) {
        spans.problems.push(e.to_string());
    }
    let threads = threads.clamp(1, spans.spans.len().max(1));
    let work = |part: &[TxSpan]| -> Part<R> {
        let mut p = Part {
            results: Vec::new(),
            problems: Vec::new(),
        };
        for span in part {
            let segs = segments_of(bytes, span);
            match x::parse(&segs) {
                Ok(t) => {
                    let mut k = 0usize;
                    for_each_claim(&t, |input| {
                        k += 1;
                        let path = format!("transaction {} claim {k}", span.control);
                        p.results.push(each(input.build(&path)));
                    });
                }
                Err(e) => p.problems.push(format!(
                    "transaction ST02 {}: segment {} ({}): {}",
                    span.control, e.position, e.segment_id, e.what
                )),
            }
        }
        p
    };
    // Contiguous shares of transactions, balanced by bytes.
    let total: usize = spans.spans.iter().map(|s| s.end - s.start).sum();
    let share = total.div_ceil(threads).max(1);
    let mut chunks: Vec<&[TxSpan]> = Vec::new();
    let mut from = 0;
    let mut acc = 0;
    for (i, s) in spans.spans.iter().enumerate() {
        acc += s.end - s.start;
        if acc >= share && chunks.len() + 1 < threads {
            chunks.push(&spans.spans[from..=i]);
            from = i + 1;
            acc = 0;
        }
    }
    chunks.push(&spans.spans[from..]);
    let parts: Vec<Part<R>> = if chunks.len() == 1 {
        vec![work(chunks[0])]
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = chunks.iter().map(|c| s.spawn(|| work(c))).collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| Part {
                        results: Vec::new(),
                        problems: vec![
                            "a worker stopped unexpectedly; part of the file was not read".into(),
                        ],
                    })
                })
                .collect()
        })
    };
    let mut results = Vec::new();
    let mut problems = spans.problems;
    for p in parts {
        results.extend(p.results);
        problems.extend(p.problems);
    }
    (results, problems, spans.spans.len())
}

/// Reads every claim of an 837P or 837I interchange.
pub fn read_837(bytes: &[u8]) -> Batch837 {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (mut claims, file_problems, transactions) = map_837_claims(bytes, threads, |b| b);
    for (i, c) in claims.iter_mut().enumerate() {
        let old = std::mem::take(&mut c.path);
        c.path = format!("claims[{i}]");
        for p in &mut c.problems {
            if let Some(rest) = p.path.strip_prefix(old.as_str()) {
                p.path = format!("{}{rest}", c.path);
            }
        }
    }
    Batch837 {
        claims,
        file_problems,
        transactions,
    }
}

/// Who a file of claims goes from and to, and its interchange control number: everything an
/// 837 needs beyond the claims.
#[derive(Debug, Clone)]
pub struct Submission {
    pub submitter: crate::input::SubmitterInput,
    pub receiver: crate::input::ReceiverInput,
    /// ISA13 and GS06 (1..=999,999,999).
    pub interchange_control: u32,
    /// When the file is created (BHT04/05, ISA09/10, GS04/05), in the submitter's time.
    pub created: jiff::civil::DateTime,
}

/// Why claims could not become an 837 file.
#[derive(Debug, thiserror::Error)]
pub enum WriteClaimsError {
    #[error("no {0} claims to write")]
    NoClaims(&'static str),
    #[error("cannot write the 837: {0}")]
    Write(String),
    /// A claim holds more than the 837 carries (a fifth modifier or diagnosis pointer on a line).
    #[error("cannot write the 837: {0}")]
    Convert(ConvertError),
    /// The file written does not pass the implementation-guide validator: it is not returned.
    #[error("the claims would produce an invalid 837 ({} error(s)); nothing written:\n{}", .0.len(), .0.join("\n"))]
    Invalid(Vec<String>),
}

/// Writes one interchange (ISA…IEA with one GS and one ST) of the claims of `kind`, and checks
/// it with the implementation-guide validator before returning it: an 837 that a payer would
/// reject never leaves this function.
pub fn write_837_interchange(
    sub: &Submission,
    kind: ClaimKind,
    claims: &[&Claim],
) -> Result<Vec<u8>, WriteClaimsError> {
    use rcm_x12::writer::{GroupHeader, InterchangeHeader, SegmentWriter, write_interchange};
    let given = claims;
    let claims: Vec<&Claim> = claims.iter().copied().filter(|c| c.kind == kind).collect();
    if claims.is_empty() {
        return Err(WriteClaimsError::NoClaims(kind.label()));
    }
    let created = sub.created;
    let time = format!("{:02}{:02}", created.hour(), created.minute());
    let env = Envelope {
        submitter_name: sub.submitter.name.clone(),
        submitter_id: sub.submitter.id.clone(),
        contact_name: sub.submitter.contact_name.clone(),
        contact_phone: sub.submitter.contact_phone.clone(),
        receiver_name: sub.receiver.name.clone(),
        receiver_id: sub.receiver.id.clone(),
        reference: format!("RCM{}", sub.interchange_control),
        control_number: "0001".into(),
        created: created.date(),
        created_time: time.clone(),
    };
    let t = to_transaction(&env, kind, &claims).map_err(|e| {
        // Name the claim by its position among the claims given, not among those of `kind`.
        let claim = given
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == kind)
            .nth(e.claim.saturating_sub(1))
            .map_or(e.claim, |(i, _)| i + 1);
        WriteClaimsError::Convert(ConvertError { claim, ..e })
    })?;
    let isa = InterchangeHeader {
        sender_qualifier: "ZZ".into(),
        sender_id: sub.submitter.id.chars().take(15).collect(),
        receiver_qualifier: "ZZ".into(),
        receiver_id: sub.receiver.id.chars().take(15).collect(),
        date_yymmdd: format!(
            "{:02}{:02}{:02}",
            created.year().rem_euclid(100),
            created.month(),
            created.day()
        ),
        time_hhmm: time.clone(),
        control_number: sub.interchange_control,
        ack_requested: false,
        production: false,
    };
    let gs = GroupHeader {
        functional_id: "HC".into(),
        sender_code: sub.submitter.id.clone(),
        receiver_code: sub.receiver.id.clone(),
        date: created.date().strftime("%Y%m%d").to_string(),
        time,
        control_number: sub.interchange_control,
        version: t.kind.version().into(),
    };
    let bytes = write_interchange(
        rcm_x12::Delimiters::default(),
        &isa,
        &gs,
        1,
        |w: &mut SegmentWriter| x::write(&t, w),
    )
    .map_err(|e| WriteClaimsError::Write(e.to_string()))?;
    let report = rcm_x12::validate::validate_bytes(&bytes, &rcm_x12::validate::Options::default());
    if !report.is_clean() {
        return Err(WriteClaimsError::Invalid(
            report.findings.iter().map(|f| f.to_string()).collect(),
        ));
    }
    Ok(bytes)
}
