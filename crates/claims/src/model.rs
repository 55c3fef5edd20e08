//! The typed claim: every value already parsed and checked for shape. Built only from the
//! documented JSON (`input`) or an 837 (`x12`), which report what they could not read.

use crate::types::{
    DiagnosisCode, Modifier, Money, Ndc, Npi, PcsCode, PlaceOfService, ProcedureCode, RevenueCode,
    Sex, TaxId, TypeOfBill, Units,
};
use jiff::civil::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ClaimKind {
    /// CMS-1500 / 837P.
    #[default]
    Professional,
    /// UB-04 / 837I.
    Institutional,
}

impl ClaimKind {
    pub fn label(self) -> &'static str {
        match self {
            ClaimKind::Professional => "professional",
            ClaimKind::Institutional => "institutional",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Address {
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub state: String,
    pub zip: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillingProvider {
    pub npi: Npi,
    /// Organization name, or the last name of a provider billing as a person.
    pub name: String,
    pub first_name: String,
    pub tax_id: TaxId,
    pub taxonomy: String,
    pub address: Address,
}

/// A provider named on the claim or a line: rendering, referring, attending, operating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provider {
    pub npi: Npi,
    pub last_name: String,
    pub first_name: String,
    pub taxonomy: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Person {
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<Date>,
    pub sex: Option<Sex>,
    pub address: Option<Address>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Subscriber {
    pub member_id: String,
    pub person: Person,
    pub group_number: String,
}

/// The patient when not the subscriber (837 loop 2000C).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Patient {
    /// PAT01: 01 spouse, 19 child, 20 employee, 21 unknown, 39 organ donor, 40 cadaver donor,
    /// 53 life partner, G8 other.
    pub relationship: String,
    pub person: Person,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Responsibility {
    #[default]
    Primary,
    Secondary,
    Tertiary,
}

impl Responsibility {
    pub fn code(self) -> &'static str {
        match self {
            Responsibility::Primary => "P",
            Responsibility::Secondary => "S",
            Responsibility::Tertiary => "T",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Responsibility::Primary => "primary",
            Responsibility::Secondary => "secondary",
            Responsibility::Tertiary => "tertiary",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Payer {
    pub name: String,
    pub payer_id: String,
    pub responsibility: Responsibility,
    /// SBR09: MB Medicare Part B, MA Part A, MC Medicaid, CI commercial, BL Blue Cross…
    pub filing_indicator: String,
    pub coverage_start: Option<Date>,
    pub coverage_end: Option<Date>,
}

/// What another payer already did with this claim (coordination of benefits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimAdjustment {
    /// CO, PR, OA, PI, CR.
    pub group: String,
    /// CARC.
    pub reason: String,
    pub amount: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OtherPayer {
    pub payer: Payer,
    /// The subscriber of that coverage when different from the claim's.
    pub subscriber: Option<Subscriber>,
    /// SBR02 of the other coverage: the patient's relationship to that subscriber (18 self).
    pub relationship: String,
    pub paid: Option<Money>,
    pub adjustments: Vec<ClaimAdjustment>,
    /// AMT*EAF: what the patient still owes after that payer (its deductible, coinsurance, copay).
    pub remaining_patient_liability: Option<Money>,
    pub adjudication_date: Option<Date>,
}

/// What another payer did with one service line (837 loop 2430): the secondary payer reads the
/// primary's line payment and adjustments from here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineAdjudication {
    /// The other payer's identifier, as in its `OtherPayer` (SVD01 = 2330B NM109).
    pub payer_id: String,
    pub paid: Money,
    pub adjustments: Vec<ClaimAdjustment>,
    pub adjudication_date: Date,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceLine {
    /// Required on professional claims; institutional lines may carry a revenue code alone.
    pub procedure: Option<ProcedureCode>,
    pub modifiers: Vec<Modifier>,
    pub charge: Money,
    pub units: Units,
    /// 1-based pointers into the claim's diagnoses (professional).
    pub diagnosis_pointers: Vec<u8>,
    pub date_of_service: Date,
    pub date_of_service_end: Option<Date>,
    pub place_of_service: Option<PlaceOfService>,
    pub rendering_provider: Option<Provider>,
    /// The drug billed on the line (837 loop 2410).
    pub drug: Option<Drug>,
    pub revenue_code: Option<RevenueCode>,
    pub non_covered_charge: Option<Money>,
    /// Other payers' adjudication of this line (coordination of benefits).
    pub adjudications: Vec<LineAdjudication>,
}

/// A drug billed on a service line: its NDC and the quantity given, in its unit (CTP04/05).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drug {
    pub ndc: Ndc,
    pub quantity: Units,
    pub unit: DrugUnit,
}

/// CTP05-1: the unit the drug quantity is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DrugUnit {
    /// F2.
    InternationalUnit,
    /// GR.
    Gram,
    /// ME.
    Milligram,
    /// ML.
    Milliliter,
    /// UN.
    Unit,
}

impl DrugUnit {
    pub fn parse(s: &str) -> Option<DrugUnit> {
        match s.trim().to_ascii_uppercase().as_str() {
            "F2" => Some(DrugUnit::InternationalUnit),
            "GR" => Some(DrugUnit::Gram),
            "ME" => Some(DrugUnit::Milligram),
            "ML" => Some(DrugUnit::Milliliter),
            "UN" => Some(DrugUnit::Unit),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            DrugUnit::InternationalUnit => "F2",
            DrugUnit::Gram => "GR",
            DrugUnit::Milligram => "ME",
            DrugUnit::Milliliter => "ML",
            DrugUnit::Unit => "UN",
        }
    }
}

impl ServiceLine {
    pub fn has_modifier(&self, m: &str) -> bool {
        self.modifiers.iter().any(|x| x.as_str() == m)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PcsProcedure {
    pub code: PcsCode,
    pub date: Date,
}

/// What only a UB-04 carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Institutional {
    pub type_of_bill: TypeOfBill,
    pub statement_from: Date,
    pub statement_to: Date,
    pub admission_date: Option<Date>,
    /// CL101: 1 emergency, 2 urgent, 3 elective, 4 newborn, 5 trauma, 9 unknown.
    pub admission_type: String,
    pub admission_source: String,
    /// CL103: discharge status (01 home, 02 another hospital…).
    pub patient_status: String,
    pub admitting_diagnosis: Option<DiagnosisCode>,
    /// ICD-10-PCS procedures, principal first.
    pub procedures: Vec<PcsProcedure>,
    pub attending_provider: Option<Provider>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub kind: ClaimKind,
    pub patient_control_number: String,
    pub billing_provider: BillingProvider,
    pub rendering_provider: Option<Provider>,
    pub referring_provider: Option<Provider>,
    pub subscriber: Subscriber,
    pub patient: Option<Patient>,
    /// The payer this claim is sent to.
    pub payer: Payer,
    pub other_payers: Vec<OtherPayer>,
    /// Professional claims: CLM05-1.
    pub place_of_service: Option<PlaceOfService>,
    /// 1 original, 7 replacement, 8 void.
    pub frequency: char,
    pub original_claim_reference: Option<String>,
    pub prior_authorization: Option<String>,
    pub onset_date: Option<Date>,
    /// Principal (first) and other diagnoses, in pointer order.
    pub diagnoses: Vec<DiagnosisCode>,
    pub total_charge: Money,
    pub lines: Vec<ServiceLine>,
    pub institutional: Option<Institutional>,
}

impl Claim {
    /// The person the services were for.
    pub fn patient_person(&self) -> &Person {
        self.patient
            .as_ref()
            .map(|p| &p.person)
            .unwrap_or(&self.subscriber.person)
    }

    /// The earliest date of service on the claim (statement from date on a UB-04).
    pub fn first_date_of_service(&self) -> Option<Date> {
        let lines = self.lines.iter().map(|l| l.date_of_service).min();
        match &self.institutional {
            Some(i) => Some(lines.map_or(i.statement_from, |d| d.min(i.statement_from))),
            None => lines,
        }
    }

    pub fn last_date_of_service(&self) -> Option<Date> {
        let lines = self
            .lines
            .iter()
            .map(|l| l.date_of_service_end.unwrap_or(l.date_of_service))
            .max();
        match &self.institutional {
            Some(i) => Some(lines.map_or(i.statement_to, |d| d.max(i.statement_to))),
            None => lines,
        }
    }

    /// Patient age in whole years on a date, when the birth date is known.
    pub fn patient_age_on(&self, date: Date) -> Option<i16> {
        let birth = self.patient_person().birth_date?;
        let mut years = date.year() - birth.year();
        if (date.month(), date.day()) < (birth.month(), birth.day()) {
            years -= 1;
        }
        Some(years)
    }

    /// Patient age in days on a date (newborn edits).
    pub fn patient_age_days_on(&self, date: Date) -> Option<i64> {
        let birth = self.patient_person().birth_date?;
        date.since(birth)
            .ok()
            .map(|span| i64::from(span.get_days()))
    }
}
