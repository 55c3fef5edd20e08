//! 837 claims, professional (005010X222A1) and institutional (005010X223A2): read and write.

use super::{Address, Adjustment, Party, Procedure, Reference, read_cas, write_cas};
use crate::error::{ModelError, WriteError};
use crate::segment::{Elements, Segment};
use crate::values::{Code, Date, DatePeriod, Decimal, Money, Text};
use crate::writer::SegmentWriter;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    /// 837P, 005010X222A1.
    #[default]
    Professional,
    /// 837I, 005010X223A2.
    Institutional,
}

impl ClaimKind {
    pub fn version(self) -> &'static str {
        match self {
            ClaimKind::Professional => "005010X222A1",
            ClaimKind::Institutional => "005010X223A2",
        }
    }
}

/// One 837 transaction set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimTransaction {
    /// Set by the writer command (837p/837i) when absent from JSON.
    #[serde(default)]
    pub kind: ClaimKind,
    /// ST02.
    pub control_number: Text,
    /// BHT02: 00 original, 18 reissue.
    pub purpose: Text,
    /// BHT03: originator's batch reference.
    pub reference: Text,
    /// BHT04/05.
    pub created_date: Option<Date>,
    pub created_time: Text,
    /// BHT06: CH chargeable, RP reporting (encounters).
    pub claim_or_encounter: Text,
    pub submitter: Party,
    /// 1000A PER: contact name, then qualifier/number pairs.
    pub submitter_contact: Vec<Text>,
    pub receiver: Party,
    pub billing_providers: Vec<BillingProviderGroup>,
}

/// 2000A: a billing provider and everything billed under it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingProviderGroup {
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub taxonomy: Text,
    pub provider: Party,
    pub address: Address,
    /// REF*EI / REF*SY: tax identification.
    pub tax_id: Reference,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contact: Vec<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_to_address: Option<Address>,
    pub subscribers: Vec<SubscriberGroup>,
}

/// 2000B: subscriber, payer, and the claims (when the subscriber is the patient) or patients.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriberGroup {
    pub coverage: Coverage,
    pub subscriber: Person,
    pub payer: Payer,
    /// Claims where the subscriber is the patient (SBR02 = 18).
    pub claims: Vec<Claim>,
    /// Patients other than the subscriber (2000C), each with claims.
    pub patients: Vec<PatientGroup>,
}

/// SBR: who pays in which order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// SBR01: P primary, S secondary, T tertiary…
    pub payer_responsibility: Text,
    /// SBR02: 18 self (subscriber is the patient); other codes in 2320.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub relationship: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub group_number: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub group_name: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub insurance_type: Text,
    /// SBR09: MB Medicare Part B, MC Medicaid, CI commercial…
    pub filing_indicator: Text,
}

/// A person (subscriber or patient) with demographics.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: Party,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<Date>,
    /// DMG03: F, M, U.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub gender: Text,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<Reference>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payer {
    pub name: Party,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<Reference>,
}

/// 2000C.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientGroup {
    /// PAT01: relationship to the subscriber (01 spouse, 19 child, 20 employee, 21 unknown, 39, 40, 53, G8).
    pub relationship: Text,
    pub patient: Person,
    pub claims: Vec<Claim>,
}

/// A diagnosis or other HI code with its qualifier.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeEntry {
    /// ABK principal, ABF other, ABJ admitting, APR reason for visit, ABN external cause,
    /// BBR/BBQ ICD-10-PCS procedures, BH/BI occurrence, BE value, BG condition…
    pub qualifier: Text,
    /// Sent without the dot (E119).
    pub code: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub date_format: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub date: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// HI0x-9: present on admission indicator (837I).
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub present_on_admission: Text,
}

/// A provider named on a claim or line (rendering 82, referring DN, attending 71, facility 77…).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimProvider {
    pub party: Party,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub taxonomy: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<Reference>,
}

/// 837I CL1.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionalInfo {
    pub admission_type: Text,
    pub admission_source: Text,
    pub patient_status: Text,
}

/// 2320/2330: another payer that adjudicated or covers the claim (coordination of benefits).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherPayer {
    pub coverage: Coverage,
    /// Claim-level adjustments of that payer (CAS).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
    /// AMT*D: what that payer paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid: Option<Money>,
    /// AMT*EAF: remaining patient liability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_patient_liability: Option<Money>,
    /// AMT*A8: non-covered amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_covered: Option<Money>,
    /// OI03 benefits assignment, OI04 patient signature source (P), OI06 release of information.
    pub benefits_assigned: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub patient_signature_source: Text,
    pub release_of_information: Text,
    pub subscriber: Person,
    pub payer: Payer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjudication_date: Option<Date>,
}

/// 2300 claim.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// CLM01: the practice's claim ID, echoed in 277CA and 835 CLP01.
    pub patient_control_number: crate::values::Text,
    /// CLM02: must equal the sum of the line charges.
    pub total_charge: Money,
    /// CLM05-1: place of service (837P) or facility type code (837I).
    pub facility_code: Text,
    /// CLM05-3: 1 original, 7 replacement, 8 void.
    pub frequency_code: Text,
    /// CLM06 (837P): provider signature on file, Y/N.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub provider_signature: Text,
    /// CLM07: A assigned, B lab services, C not assigned.
    pub assignment: Text,
    /// CLM08: Y, N, W.
    pub benefits_assigned: Text,
    /// CLM09: I or Y.
    pub release_of_information: Text,
    /// CLM10 (837P).
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub patient_signature_source: Text,
    /// CLM11-1..2: AA auto accident, EM employment, OA other accident.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related_causes: Vec<Text>,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub accident_state: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub delay_reason: Text,
    /// DTP qualifier (431 onset, 439 accident, 434 statement, 435 admission…) and period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<(Code, DatePeriod)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_paid: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institutional: Option<InstitutionalInfo>,
    /// Principal (ABK) first, then other diagnoses (ABF) in the order pointers use (1-based).
    pub diagnoses: Vec<CodeEntry>,
    /// Other HI entries (837I: admitting, reason for visit, procedures, occurrence, value, condition codes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_codes: Vec<CodeEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<ClaimProvider>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_payers: Vec<OtherPayer>,
    pub lines: Vec<ServiceLine>,
}

impl Claim {
    /// REF*F8: payer claim control number of the claim being replaced or voided.
    pub fn original_reference(&self) -> Option<&str> {
        self.refs
            .iter()
            .find(|r| r.qualifier == "F8")
            .map(|r| r.value.as_str())
    }
}

/// 2400 service line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLine {
    /// LX01.
    pub number: u32,
    /// 837I SV201.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub revenue_code: Text,
    /// SV101 (837P) or SV202 (837I, optional for some revenue codes).
    pub procedure: Option<Procedure>,
    pub charge: Money,
    /// UN units, MJ minutes (837P), DA days (837I).
    pub unit_basis: Text,
    pub units: Decimal,
    /// SV105 (837P), when different from the claim's.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub place_of_service: Text,
    /// SV107 (837P): 1-based pointers into the claim's diagnoses, up to four.
    #[serde(default, skip_serializing_if = "<[u8]>::is_empty")]
    pub diagnosis_pointers: DiagnosisPointers,
    /// SV207 (837I).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_covered_charge: Option<Money>,
    /// SV109 (837P): emergency indicator.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub emergency: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_date: Option<DatePeriod>,
    /// REF*6R and others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<ClaimProvider>,
    /// 2410: the drug billed on this line (LIN/CTP/REF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drug: Option<DrugIdentification>,
    /// 2430 line adjudication by other payers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjudications: Vec<LineAdjudication>,
}

/// The diagnosis pointers of an 837P service line (SV107, composite C004): 1-based positions in
/// the claim's HI diagnoses, the first the primary, at most four (`DiagnosisPointers::MAX`),
/// stored inline (no heap block per service line). Reads like a `&[u8]`; in JSON an array of
/// integers.
pub type DiagnosisPointers = super::Bounded<u8, 4, C004>;

/// Composite C004 (SV107-1 to SV107-4): the limit of [`DiagnosisPointers`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct C004;

impl super::CompositeLimit for C004 {
    const WHAT: &'static str = "diagnosis pointers";
    const COMPOSITE: &'static str = "C004";
}

/// 2410 drug identification: the NDC, quantity and unit of the drug billed on a line (usually a
/// J-code or other drug HCPCS on SV101/SV202).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrugIdentification {
    /// LIN03 (LIN02 = N4): the 11-digit NDC in 5-4-2 form, without hyphens.
    pub ndc: Text,
    /// CTP04: quantity of the drug.
    pub quantity: Decimal,
    /// CTP05-1: F2 international unit, GR gram, ME milligram, ML milliliter, UN unit.
    pub unit: Text,
    /// REF*XZ: pharmacy prescription number (compound drugs, 340B).
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub prescription_number: Text,
}

/// CTP05-1 codes of the 837 guides (2410).
pub const DRUG_UNITS: [&str; 5] = ["F2", "GR", "ME", "ML", "UN"];

/// 2430 SVD/CAS/DTP.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAdjudication {
    /// SVD01: other payer's identifier (matches 2330B NM109).
    pub payer_id: Text,
    pub paid: Money,
    pub procedure: Option<Procedure>,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub revenue_code: Text,
    pub units: Decimal,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
    pub adjudication_date: Option<Date>,
}

fn err<'a>(what: &str, s: &impl Elements<'a>, pos: usize) -> ModelError {
    ModelError {
        what: what.to_string(),
        segment_id: s.id_str().to_string(),
        position: pos,
    }
}

fn money<'a>(s: &impl Elements<'a>, n: usize, pos: usize) -> Result<Money, ModelError> {
    Money::parse(s.el(n)).ok_or_else(|| {
        err(
            &format!(
                "{}{n:02} is not an amount with at most two decimals",
                s.id_str()
            ),
            s,
            pos,
        )
    })
}

/// What N3/N4/REF/DMG/PRV/PER currently attach to.
#[derive(Clone, Copy, PartialEq)]
enum Cur {
    None,
    Submitter,
    Billing,
    PayTo,
    Subscriber,
    Payer,
    Patient,
    ClaimProvider,
    OtherSubscriber,
    OtherPayer,
    LineProvider,
    Claim,
    Line,
    LineDrug,
    LineAdj,
}

/// Builds the model from the segments of one 837 transaction set (ST..SE).
pub fn parse(segments: &[Segment<'_>]) -> Result<ClaimTransaction, ModelError> {
    let mut t = ClaimTransaction::default();
    let mut cur = Cur::None;
    // Where claims go: subscriber's own list, or the last patient's.
    let mut in_patient = false;
    let mut in_other_payer = false;
    for (i, s) in segments.iter().enumerate() {
        let pos = i + 1;
        // Split each segment once; claims read many elements per segment.
        let s = &s.fields();
        macro_rules! sub {
            () => {
                t.billing_providers
                    .last_mut()
                    .and_then(|b| b.subscribers.last_mut())
            };
        }
        macro_rules! claim {
            () => {
                sub!().and_then(|g| {
                    if in_patient {
                        g.patients.last_mut().and_then(|p| p.claims.last_mut())
                    } else {
                        g.claims.last_mut()
                    }
                })
            };
        }
        match s.id() {
            b"ST" => {
                if s.el(1) != b"837" {
                    return Err(err("this transaction set is not an 837", s, pos));
                }
                t.control_number = s.el_str(2).into();
                let v = s.el_str(3);
                t.kind = if v.starts_with("005010X223") {
                    ClaimKind::Institutional
                } else {
                    ClaimKind::Professional
                };
            }
            b"BHT" => {
                t.purpose = s.el_str(2).into();
                t.reference = s.el_str(3).into();
                t.created_date = Date::parse(s.el(4));
                t.created_time = s.el_str(5).into();
                t.claim_or_encounter = s.el_str(6).into();
            }
            b"HL" => {
                in_other_payer = false;
                match s.el(3) {
                    b"20" => {
                        t.billing_providers.push(BillingProviderGroup::default());
                        cur = Cur::Billing;
                    }
                    b"22" => {
                        let Some(b) = t.billing_providers.last_mut() else {
                            return Err(err(
                                "subscriber level (HL*22) before any billing provider (HL*20)",
                                s,
                                pos,
                            ));
                        };
                        b.subscribers.push(SubscriberGroup::default());
                        in_patient = false;
                        cur = Cur::Subscriber;
                    }
                    b"23" => {
                        let Some(g) = sub!() else {
                            return Err(err(
                                "patient level (HL*23) before any subscriber (HL*22)",
                                s,
                                pos,
                            ));
                        };
                        g.patients.push(PatientGroup::default());
                        in_patient = true;
                        cur = Cur::Patient;
                    }
                    _ => return Err(err("HL03 must be 20, 22 or 23 in an 837", s, pos)),
                }
            }
            b"PRV" => match cur {
                Cur::Billing => {
                    if let Some(b) = t.billing_providers.last_mut() {
                        b.taxonomy = s.el_str(3).into();
                    }
                }
                Cur::ClaimProvider => {
                    if let Some(p) = claim!().and_then(|c| c.providers.last_mut()) {
                        p.taxonomy = s.el_str(3).into();
                    }
                }
                Cur::LineProvider => {
                    if let Some(p) = claim!()
                        .and_then(|c| c.lines.last_mut())
                        .and_then(|l| l.providers.last_mut())
                    {
                        p.taxonomy = s.el_str(3).into();
                    }
                }
                _ => {}
            },
            b"SBR" => {
                let cov = Coverage {
                    payer_responsibility: s.el_str(1).into(),
                    relationship: s.el_str(2).into(),
                    group_number: s.el_str(3).into(),
                    group_name: s.el_str(4).into(),
                    insurance_type: s.el_str(5).into(),
                    filing_indicator: s.el_str(9).into(),
                };
                if let Some(c) = claim!() {
                    c.other_payers.push(OtherPayer {
                        coverage: cov,
                        ..OtherPayer::default()
                    });
                    in_other_payer = true;
                    cur = Cur::None;
                } else if let Some(g) = sub!() {
                    g.coverage = cov;
                }
            }
            b"PAT" => {
                if let Some(p) = sub!().and_then(|g| g.patients.last_mut()) {
                    p.relationship = s.el_str(1).into();
                }
            }
            b"NM1" => {
                let party = Party::from_nm1(s);
                let q = s.el(1);
                match q {
                    b"41" => {
                        t.submitter = party;
                        cur = Cur::Submitter;
                    }
                    b"40" => {
                        t.receiver = party;
                        cur = Cur::None;
                    }
                    b"85" if claim!().is_none() => {
                        if let Some(b) = t.billing_providers.last_mut() {
                            b.provider = party;
                        }
                        cur = Cur::Billing;
                    }
                    b"87" => {
                        if let Some(b) = t.billing_providers.last_mut() {
                            b.pay_to_address = Some(Address::default());
                        }
                        cur = Cur::PayTo;
                    }
                    b"IL" if in_other_payer => {
                        if let Some(o) = claim!().and_then(|c| c.other_payers.last_mut()) {
                            o.subscriber.name = party;
                        }
                        cur = Cur::OtherSubscriber;
                    }
                    b"PR" if in_other_payer => {
                        if let Some(o) = claim!().and_then(|c| c.other_payers.last_mut()) {
                            o.payer.name = party;
                        }
                        cur = Cur::OtherPayer;
                    }
                    b"IL" => {
                        if let Some(g) = sub!() {
                            g.subscriber.name = party;
                        }
                        cur = Cur::Subscriber;
                    }
                    b"PR" => {
                        if let Some(g) = sub!() {
                            g.payer.name = party;
                        }
                        cur = Cur::Payer;
                    }
                    b"QC" => {
                        if let Some(p) = sub!().and_then(|g| g.patients.last_mut()) {
                            p.patient.name = party;
                        }
                        cur = Cur::Patient;
                    }
                    _ if in_other_payer => cur = Cur::None, // 2330C-I other payer providers: identifiers only, not modeled
                    _ => {
                        if let Some(c) = claim!() {
                            let p = ClaimProvider {
                                party,
                                ..ClaimProvider::default()
                            };
                            if let Some(l) = c.lines.last_mut() {
                                l.providers.push(p);
                                cur = Cur::LineProvider;
                            } else {
                                c.providers.push(p);
                                cur = Cur::ClaimProvider;
                            }
                        }
                    }
                }
            }
            b"N3" | b"N4" => {
                let is_n3 = s.is(b"N3");
                let apply = |a: &mut Address| if is_n3 { a.set_n3(s) } else { a.set_n4(s) };
                match cur {
                    Cur::Billing => {
                        if let Some(b) = t.billing_providers.last_mut() {
                            apply(&mut b.address);
                        }
                    }
                    Cur::PayTo => {
                        if let Some(a) = t
                            .billing_providers
                            .last_mut()
                            .and_then(|b| b.pay_to_address.as_mut())
                        {
                            apply(a);
                        }
                    }
                    Cur::Subscriber => {
                        if let Some(g) = sub!() {
                            apply(g.subscriber.address.get_or_insert_with(Address::default));
                        }
                    }
                    Cur::Payer => {
                        if let Some(g) = sub!() {
                            apply(g.payer.address.get_or_insert_with(Address::default));
                        }
                    }
                    Cur::Patient => {
                        if let Some(p) = sub!().and_then(|g| g.patients.last_mut()) {
                            apply(p.patient.address.get_or_insert_with(Address::default));
                        }
                    }
                    Cur::ClaimProvider => {
                        if let Some(p) = claim!().and_then(|c| c.providers.last_mut()) {
                            apply(p.address.get_or_insert_with(Address::default));
                        }
                    }
                    Cur::LineProvider => {
                        if let Some(p) = claim!()
                            .and_then(|c| c.lines.last_mut())
                            .and_then(|l| l.providers.last_mut())
                        {
                            apply(p.address.get_or_insert_with(Address::default));
                        }
                    }
                    Cur::OtherSubscriber => {
                        if let Some(o) = claim!().and_then(|c| c.other_payers.last_mut()) {
                            apply(o.subscriber.address.get_or_insert_with(Address::default));
                        }
                    }
                    Cur::OtherPayer => {
                        if let Some(o) = claim!().and_then(|c| c.other_payers.last_mut()) {
                            apply(o.payer.address.get_or_insert_with(Address::default));
                        }
                    }
                    _ => {}
                }
            }
            b"DMG" => {
                let target = match cur {
                    Cur::Subscriber => sub!().map(|g| &mut g.subscriber),
                    Cur::Patient => sub!()
                        .and_then(|g| g.patients.last_mut())
                        .map(|p| &mut p.patient),
                    _ => None,
                };
                if let Some(p) = target {
                    p.birth_date = Date::parse(s.el(2));
                    p.gender = s.el_str(3).into();
                }
            }
            b"PER" => {
                let v: Vec<Text> = s
                    .segment()
                    .elements()
                    .skip(1)
                    .map(|e| Text::new(&String::from_utf8_lossy(e)))
                    .collect();
                match cur {
                    Cur::Submitter => t.submitter_contact = v,
                    Cur::Billing => {
                        if let Some(b) = t.billing_providers.last_mut() {
                            b.contact = v;
                        }
                    }
                    _ => {}
                }
            }
            b"REF" => {
                let r = Reference::from_ref(s);
                match cur {
                    Cur::Billing => {
                        if let Some(b) = t.billing_providers.last_mut()
                            && matches!(s.el(1), b"EI" | b"SY")
                        {
                            b.tax_id = r;
                        }
                    }
                    Cur::Subscriber => {
                        if let Some(g) = sub!() {
                            g.subscriber.refs.push(r);
                        }
                    }
                    Cur::Payer => {
                        if let Some(g) = sub!() {
                            g.payer.refs.push(r);
                        }
                    }
                    Cur::Patient => {
                        if let Some(p) = sub!().and_then(|g| g.patients.last_mut()) {
                            p.patient.refs.push(r);
                        }
                    }
                    Cur::Claim => {
                        if let Some(c) = claim!() {
                            c.refs.push(r);
                        }
                    }
                    Cur::ClaimProvider => {
                        if let Some(p) = claim!().and_then(|c| c.providers.last_mut()) {
                            p.refs.push(r);
                        }
                    }
                    Cur::Line => {
                        if let Some(l) = claim!().and_then(|c| c.lines.last_mut()) {
                            l.refs.push(r);
                        }
                    }
                    Cur::LineProvider => {
                        if let Some(p) = claim!()
                            .and_then(|c| c.lines.last_mut())
                            .and_then(|l| l.providers.last_mut())
                        {
                            p.refs.push(r);
                        }
                    }
                    Cur::LineDrug => {
                        // REF*XZ prescription number; REF*VY (link sequence) is not modeled.
                        if s.el(1) == b"XZ"
                            && let Some(d) = claim!()
                                .and_then(|c| c.lines.last_mut())
                                .and_then(|l| l.drug.as_mut())
                        {
                            d.prescription_number = s.el_str(2).into();
                        }
                    }
                    Cur::OtherSubscriber => {
                        if let Some(o) = claim!().and_then(|c| c.other_payers.last_mut()) {
                            o.subscriber.refs.push(r);
                        }
                    }
                    Cur::OtherPayer => {
                        if let Some(o) = claim!().and_then(|c| c.other_payers.last_mut()) {
                            o.payer.refs.push(r);
                        }
                    }
                    _ => {}
                }
            }
            b"CLM" => {
                let Some(g) = sub!() else {
                    return Err(err("CLM appears before any subscriber (HL*22)", s, pos));
                };
                let c = Claim {
                    patient_control_number: s.el_str(1).into(),
                    total_charge: money(s, 2, pos)?,
                    facility_code: s.comp_str(5, 1).into(),
                    frequency_code: s.comp_str(5, 3).into(),
                    provider_signature: s.el_str(6).into(),
                    assignment: s.el_str(7).into(),
                    benefits_assigned: s.el_str(8).into(),
                    release_of_information: s.el_str(9).into(),
                    patient_signature_source: s.el_str(10).into(),
                    related_causes: [s.comp_str(11, 1), s.comp_str(11, 2)]
                        .iter()
                        .filter(|x| !x.is_empty())
                        .map(|x| Code::new(x))
                        .collect(),
                    accident_state: s.comp_str(11, 4).into(),
                    delay_reason: s.el_str(20).into(),
                    ..Claim::default()
                };
                in_other_payer = false;
                if in_patient {
                    match g.patients.last_mut() {
                        Some(p) => p.claims.push(c),
                        None => return Err(err("CLM under a patient level without PAT", s, pos)),
                    }
                } else {
                    g.claims.push(c);
                }
                cur = Cur::Claim;
            }
            b"DTP" => {
                let period = DatePeriod::parse(s.el(2), s.el(3));
                match cur {
                    Cur::Line => {
                        if let (Some(l), Some(p)) =
                            (claim!().and_then(|c| c.lines.last_mut()), period)
                            && s.el(1) == b"472"
                        {
                            l.service_date = Some(p);
                        }
                    }
                    Cur::LineAdj => {
                        if let Some(a) = claim!()
                            .and_then(|c| c.lines.last_mut())
                            .and_then(|l| l.adjudications.last_mut())
                        {
                            a.adjudication_date = period.map(|p| p.first());
                        }
                    }
                    Cur::OtherPayer => {
                        if let Some(o) = claim!().and_then(|c| c.other_payers.last_mut()) {
                            o.adjudication_date = period.map(|p| p.first());
                        }
                    }
                    _ => {
                        if let (Some(c), Some(p)) = (claim!(), period) {
                            c.dates.push((s.el_str(1).into(), p));
                        }
                    }
                }
            }
            b"CL1" => {
                if let Some(c) = claim!() {
                    c.institutional = Some(InstitutionalInfo {
                        admission_type: s.el_str(1).into(),
                        admission_source: s.el_str(2).into(),
                        patient_status: s.el_str(3).into(),
                    });
                }
            }
            b"AMT" => {
                let a = money(s, 2, pos)?;
                if let Some(c) = claim!() {
                    if in_other_payer && c.lines.is_empty() {
                        if let Some(o) = c.other_payers.last_mut() {
                            match s.el(1) {
                                b"D" => o.paid = Some(a),
                                b"EAF" => o.remaining_patient_liability = Some(a),
                                b"A8" => o.non_covered = Some(a),
                                _ => {}
                            }
                        }
                    } else if c.lines.is_empty() && s.el(1) == b"F5" {
                        c.patient_paid = Some(a);
                    }
                }
            }
            b"OI" => {
                if let Some(o) = claim!().and_then(|c| c.other_payers.last_mut()) {
                    o.benefits_assigned = s.el_str(3).into();
                    o.patient_signature_source = s.el_str(4).into();
                    o.release_of_information = s.el_str(6).into();
                }
            }
            b"CAS" => {
                let Some(c) = claim!() else { continue };
                let target = if cur == Cur::LineAdj {
                    c.lines
                        .last_mut()
                        .and_then(|l| l.adjudications.last_mut())
                        .map(|a| &mut a.adjustments)
                } else {
                    c.other_payers.last_mut().map(|o| &mut o.adjustments)
                };
                if let Some(tg) = target {
                    read_cas(s, tg).map_err(|n| {
                        err(
                            &format!("CAS{n:02} is not a valid amount or quantity"),
                            s,
                            pos,
                        )
                    })?;
                }
            }
            b"HI" => {
                let Some(c) = claim!() else { continue };
                for n in 1..=12 {
                    if s.el(n).is_empty() {
                        break;
                    }
                    let amount = if s.comp(n, 5).is_empty() {
                        None
                    } else {
                        Money::parse(s.comp(n, 5))
                    };
                    let e = CodeEntry {
                        qualifier: s.comp_str(n, 1).into(),
                        code: s.comp_str(n, 2).into(),
                        date_format: s.comp_str(n, 3).into(),
                        date: s.comp_str(n, 4).into(),
                        amount,
                        present_on_admission: s.comp_str(n, 9).into(),
                    };
                    if matches!(e.qualifier.as_str(), "ABK" | "BK" | "ABF" | "BF") {
                        c.diagnoses.push(e);
                    } else {
                        c.other_codes.push(e);
                    }
                }
            }
            b"LX" => {
                if let Some(c) = claim!() {
                    c.lines.push(ServiceLine {
                        number: s.el_str(1).parse().unwrap_or(0),
                        ..ServiceLine::default()
                    });
                }
                in_other_payer = false;
                cur = Cur::Line;
            }
            b"SV1" => {
                let Some(l) = claim!().and_then(|c| c.lines.last_mut()) else {
                    return Err(err("SV1 appears without LX", s, pos));
                };
                l.procedure = Some(Procedure::from_composite(s, 1));
                l.charge = money(s, 2, pos)?;
                l.unit_basis = s.el_str(3).into();
                l.units = Decimal::parse(s.el(4)).unwrap_or_default();
                l.place_of_service = s.el_str(5).into();
                // C004 has four places: components past the fourth are not pointers (the
                // validator reports them); unreadable or empty places are skipped.
                let mut pointers = DiagnosisPointers::new();
                for p in s.components(7).take(DiagnosisPointers::MAX) {
                    let Some(p) = std::str::from_utf8(p)
                        .ok()
                        .and_then(|p| p.parse::<u8>().ok())
                    else {
                        continue;
                    };
                    if pointers.try_push(p).is_err() {
                        break;
                    }
                }
                l.diagnosis_pointers = pointers;
                l.emergency = s.el_str(9).into();
            }
            b"SV2" => {
                let Some(l) = claim!().and_then(|c| c.lines.last_mut()) else {
                    return Err(err("SV2 appears without LX", s, pos));
                };
                l.revenue_code = s.el_str(1).into();
                l.procedure = if s.el(2).is_empty() {
                    None
                } else {
                    Some(Procedure::from_composite(s, 2))
                };
                l.charge = money(s, 3, pos)?;
                l.unit_basis = s.el_str(4).into();
                l.units = Decimal::parse(s.el(5)).unwrap_or_default();
                l.non_covered_charge = if s.el(7).is_empty() {
                    None
                } else {
                    Some(money(s, 7, pos)?)
                };
            }
            b"LIN" => {
                // 2410 opens for the current line.
                let Some(l) = claim!().and_then(|c| c.lines.last_mut()) else {
                    return Err(err("LIN appears without LX", s, pos));
                };
                l.drug = Some(DrugIdentification {
                    ndc: s.el_str(3).into(),
                    ..DrugIdentification::default()
                });
                cur = Cur::LineDrug;
            }
            b"CTP" if cur == Cur::LineDrug => {
                if let Some(d) = claim!()
                    .and_then(|c| c.lines.last_mut())
                    .and_then(|l| l.drug.as_mut())
                {
                    d.quantity = Decimal::parse(s.el(4))
                        .ok_or_else(|| err("CTP04 is not a valid drug quantity", s, pos))?;
                    d.unit = s.comp_str(5, 1).into();
                }
            }
            b"SVD" => {
                let Some(l) = claim!().and_then(|c| c.lines.last_mut()) else {
                    continue;
                };
                let is_i = t.kind == ClaimKind::Institutional;
                l.adjudications.push(LineAdjudication {
                    payer_id: s.el_str(1).into(),
                    paid: money(s, 2, pos)?,
                    procedure: if s.el(3).is_empty() {
                        None
                    } else {
                        Some(Procedure::from_composite(s, 3))
                    },
                    revenue_code: if is_i {
                        s.el_str(4).into()
                    } else {
                        Text::default()
                    },
                    units: Decimal::parse(s.el(5)).unwrap_or_default(),
                    ..LineAdjudication::default()
                });
                cur = Cur::LineAdj;
            }
            _ => {}
        }
    }
    Ok(t)
}

/// Writes the transaction set (ST..SE). HL numbers are assigned here.
pub fn write(t: &ClaimTransaction, w: &mut SegmentWriter) -> Result<(), WriteError> {
    let version = t.kind.version();
    let is_p = t.kind == ClaimKind::Professional;
    w.begin("ST")
        .el("837")
        .el(&t.control_number)
        .el(version)
        .end()?;
    w.begin("BHT")
        .el("0019")
        .el(&t.purpose)
        .el(&t.reference)
        .date(t.created_date)
        .el(&t.created_time)
        .el(&t.claim_or_encounter)
        .end()?;
    t.submitter.write_nm1(w)?;
    write_per(&t.submitter_contact, w)?;
    t.receiver.write_nm1(w)?;
    let mut hl = 0u64;
    for b in &t.billing_providers {
        hl += 1;
        let bp_hl = hl;
        w.begin("HL").uint(bp_hl).el("").el("20").el("1").end()?;
        if !b.taxonomy.is_empty() {
            w.begin("PRV").el("BI").el("PXC").el(&b.taxonomy).end()?;
        }
        b.provider.write_nm1(w)?;
        b.address.write(w)?;
        b.tax_id.write(w)?;
        if !b.contact.is_empty() {
            write_per(&b.contact, w)?;
        }
        if let Some(a) = &b.pay_to_address {
            w.begin("NM1").el("87").el("2").end()?;
            a.write(w)?;
        }
        for g in &b.subscribers {
            hl += 1;
            let sub_hl = hl;
            let has_children = if g.patients.is_empty() { "0" } else { "1" };
            w.begin("HL")
                .uint(sub_hl)
                .uint(bp_hl)
                .el("22")
                .el(has_children)
                .end()?;
            write_sbr(&g.coverage, is_p, w)?;
            write_person(&g.subscriber, w)?;
            g.payer.name.write_nm1(w)?;
            if let Some(a) = &g.payer.address {
                a.write(w)?;
            }
            for r in &g.payer.refs {
                r.write(w)?;
            }
            for c in &g.claims {
                write_claim(c, t.kind, w)?;
            }
            for p in &g.patients {
                hl += 1;
                w.begin("HL").uint(hl).uint(sub_hl).el("23").el("0").end()?;
                w.begin("PAT").el(&p.relationship).end()?;
                write_person(&p.patient, w)?;
                for c in &p.claims {
                    write_claim(c, t.kind, w)?;
                }
            }
        }
    }
    w.se(&t.control_number)
}

/// PER*IC with the contact name and qualifier/number pairs.
fn write_per(contact: &[Text], w: &mut SegmentWriter) -> Result<(), WriteError> {
    let mut b = w.begin("PER");
    b.el("IC");
    for c in contact {
        b.el(c);
    }
    b.end()
}

fn write_sbr(c: &Coverage, is_p: bool, w: &mut SegmentWriter) -> Result<(), WriteError> {
    w.begin("SBR")
        .el(&c.payer_responsibility)
        .el(&c.relationship)
        .el(&c.group_number)
        .el(&c.group_name)
        .el(if is_p { c.insurance_type.as_str() } else { "" })
        .el("")
        .el("")
        .el("")
        .el(&c.filing_indicator)
        .end()
}

fn write_person(p: &Person, w: &mut SegmentWriter) -> Result<(), WriteError> {
    p.name.write_nm1(w)?;
    if let Some(a) = &p.address {
        a.write(w)?;
    }
    if let Some(d) = p.birth_date {
        w.begin("DMG").el("D8").date(Some(d)).el(&p.gender).end()?;
    }
    for r in &p.refs {
        r.write(w)?;
    }
    Ok(())
}

fn write_provider(p: &ClaimProvider, w: &mut SegmentWriter) -> Result<(), WriteError> {
    p.party.write_nm1(w)?;
    if !p.taxonomy.is_empty() {
        w.begin("PRV").el("PE").el("PXC").el(&p.taxonomy).end()?;
    }
    if let Some(a) = &p.address {
        a.write(w)?;
    }
    for r in &p.refs {
        r.write(w)?;
    }
    Ok(())
}

fn write_claim(c: &Claim, kind: ClaimKind, w: &mut SegmentWriter) -> Result<(), WriteError> {
    let is_p = kind == ClaimKind::Professional;
    let facility_qual = if is_p { "B" } else { "A" };
    let mut clm = w.begin("CLM");
    clm.el(&c.patient_control_number)
        .money(c.total_charge)
        .el("")
        .el("")
        .composite()
        .comp(&c.facility_code)
        .comp(facility_qual)
        .comp(&c.frequency_code)
        .el(if is_p {
            c.provider_signature.as_str()
        } else {
            ""
        })
        .el(&c.assignment)
        .el(&c.benefits_assigned)
        .el(&c.release_of_information)
        .el(if is_p {
            c.patient_signature_source.as_str()
        } else {
            ""
        })
        .composite()
        .comp(c.related_causes.first().map_or("", Code::as_str))
        .comp(c.related_causes.get(1).map_or("", Code::as_str))
        .comp("")
        .comp(&c.accident_state);
    if !c.delay_reason.is_empty() {
        for _ in 12..20 {
            clm.el("");
        }
        clm.el(&c.delay_reason);
    }
    clm.end()?;
    // The guides order DTP before CL1/AMT/REF/HI.
    for (q, p) in &c.dates {
        w.begin("DTP")
            .el(q)
            .el(p.format_qualifier())
            .period(p)
            .end()?;
    }
    if let Some(i) = &c.institutional {
        w.begin("CL1")
            .el(&i.admission_type)
            .el(&i.admission_source)
            .el(&i.patient_status)
            .end()?;
    }
    if let Some(a) = c.patient_paid {
        w.begin("AMT")
            .el(if is_p { "F5" } else { "F3" })
            .money(a)
            .end()?;
    }
    for r in &c.refs {
        r.write(w)?;
    }
    // HI: principal first, then other diagnoses, twelve composites per segment.
    let dx = &c.diagnoses;
    if is_p || dx.len() <= 1 {
        write_hi(dx.iter(), w)?;
    } else {
        // 837I: the principal diagnosis HI carries only ABK; other diagnoses follow in their own HI.
        write_hi(dx[..1].iter(), w)?;
        write_hi(dx[1..].iter(), w)?;
    }
    if !c.other_codes.is_empty() {
        // One HI per qualifier family, in guide order of first appearance.
        for (i, e) in c.other_codes.iter().enumerate() {
            let fam = hi_family(&e.qualifier);
            if c.other_codes[..i]
                .iter()
                .any(|x| hi_family(&x.qualifier) == fam)
            {
                continue;
            }
            write_hi(
                c.other_codes[i..]
                    .iter()
                    .filter(|e| hi_family(&e.qualifier) == fam),
                w,
            )?;
        }
    }
    for p in &c.providers {
        write_provider(p, w)?;
    }
    for o in &c.other_payers {
        write_sbr(&o.coverage, is_p, w)?;
        write_cas(&o.adjustments, w)?;
        for (q, a) in [
            ("D", o.paid),
            ("A8", o.non_covered),
            ("EAF", o.remaining_patient_liability),
        ] {
            if let Some(a) = a {
                w.begin("AMT").el(q).money(a).end()?;
            }
        }
        w.begin("OI")
            .el("")
            .el("")
            .el(&o.benefits_assigned)
            .el(if is_p {
                o.patient_signature_source.as_str()
            } else {
                ""
            })
            .el("")
            .el(&o.release_of_information)
            .end()?;
        o.subscriber.name.write_nm1(w)?;
        if let Some(a) = &o.subscriber.address {
            a.write(w)?;
        }
        for r in &o.subscriber.refs {
            r.write(w)?;
        }
        o.payer.name.write_nm1(w)?;
        if let Some(a) = &o.payer.address {
            a.write(w)?;
        }
        if let Some(d) = o.adjudication_date {
            w.begin("DTP").el("573").el("D8").date(Some(d)).end()?;
        }
        for r in &o.payer.refs {
            r.write(w)?;
        }
    }
    for l in &c.lines {
        w.begin("LX").uint(u64::from(l.number)).end()?;
        if is_p {
            let mut b = w.begin("SV1");
            match &l.procedure {
                Some(p) => p.write_composite(&mut b),
                None => {
                    b.el("");
                }
            }
            b.money(l.charge)
                .el(&l.unit_basis)
                .decimal(l.units)
                .el(&l.place_of_service)
                .el("")
                .composite();
            for p in &l.diagnosis_pointers {
                b.comp_uint(u64::from(*p));
            }
            b.el("").el(&l.emergency).end()?;
        } else {
            let mut b = w.begin("SV2");
            b.el(&l.revenue_code);
            match &l.procedure {
                Some(p) => p.write_composite(&mut b),
                None => {
                    b.el("");
                }
            }
            b.money(l.charge)
                .el(&l.unit_basis)
                .decimal(l.units)
                .el("")
                .opt_money(l.non_covered_charge)
                .end()?;
        }
        if let Some(p) = &l.service_date {
            w.begin("DTP")
                .el("472")
                .el(p.format_qualifier())
                .period(p)
                .end()?;
        }
        for r in &l.refs {
            r.write(w)?;
        }
        if let Some(d) = &l.drug {
            // 2410 follows the line's own segments and precedes the 2420 providers.
            w.begin("LIN").el("").el("N4").el(&d.ndc).end()?;
            w.begin("CTP")
                .el("")
                .el("")
                .el("")
                .decimal(d.quantity)
                .composite()
                .comp(&d.unit)
                .end()?;
            if !d.prescription_number.is_empty() {
                w.begin("REF").el("XZ").el(&d.prescription_number).end()?;
            }
        }
        for p in &l.providers {
            write_provider(p, w)?;
        }
        for a in &l.adjudications {
            let mut b = w.begin("SVD");
            b.el(&a.payer_id).money(a.paid);
            match &a.procedure {
                Some(p) => p.write_composite(&mut b),
                None => {
                    b.el("");
                }
            }
            b.el(&a.revenue_code).decimal(a.units).end()?;
            write_cas(&a.adjustments, w)?;
            if let Some(d) = a.adjudication_date {
                w.begin("DTP").el("573").el("D8").date(Some(d)).end()?;
            }
        }
    }
    Ok(())
}

fn hi_family(q: &str) -> &'static str {
    match q {
        "ABJ" | "BJ" => "ABJ",
        "APR" | "PR" => "APR",
        "ABN" | "BN" => "ABN",
        "DR" => "DR",
        "BBR" | "BR" | "CAH" => "BBR",
        "BBQ" | "BQ" => "BBQ",
        "BI" => "BI",
        "BH" => "BH",
        "BE" => "BE",
        "BG" => "BG",
        "TC" => "TC",
        _ => "OTHER",
    }
}

fn write_hi<'c>(
    items: impl Iterator<Item = &'c CodeEntry>,
    w: &mut SegmentWriter,
) -> Result<(), WriteError> {
    let mut items = items.peekable();
    while items.peek().is_some() {
        let mut b = w.begin("HI");
        for e in items.by_ref().take(12) {
            b.composite()
                .comp(&e.qualifier)
                .comp(&e.code)
                .comp(&e.date_format)
                .comp(&e.date)
                .comp_opt_money(e.amount)
                .comp("")
                .comp("")
                .comp("")
                .comp(&e.present_on_admission);
        }
        b.end()?;
    }
    Ok(())
}
