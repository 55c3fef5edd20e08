//! The CMS-1500 (02/12) health insurance claim form, the paper twin of the 837P.
//!
//! [`Cms1500::from_claim`] turns a typed professional claim into the form's values, box by box,
//! as the NUCC *1500 Health Insurance Claim Form Reference Instruction Manual* (form version
//! 02/12) and the Medicare instructions for the form (CMS Pub. 100-04, chapter 26) ask them to
//! be printed: upper case, dates as `MM DD YY` (birth dates `MM DD YYYY`), amounts without the
//! dollar sign and with a space where the dollars and cents columns meet, diagnosis codes
//! without the period. A claim with more than six service lines gives one form per six lines,
//! each marked "PAGE N OF M", with the total charge on the last page and "CONTINUED" in box 28
//! of the others. What the form cannot hold (a 13th diagnosis, an identifier or amount wider
//! than its box) is refused with a [`Cms1500Error`], never dropped; names and addresses are cut
//! to their box, as on any paper form.
//!
//! [`cms1500_pdf`] writes the forms on US Letter pages on the form's print grid (10 characters
//! per inch, 6 lines per inch, see [`LAYOUT`]), the data in black Courier: over a drawing of the
//! form in drop-out red ([`FormStyle::WithForm`]) or alone, for the pre-printed red-ink stock
//! payers scan ([`FormStyle::DataOnly`]). The drawing is a facsimile laid out on the same grid
//! (boxes, numbers and titles), not the official artwork: payers that read paper claims by OCR
//! want the original red form with the data printed on it.
//!
//! The form is PHI: nothing here logs, and errors name boxes, never values.

use std::borrow::Cow;

use jiff::civil::Date;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
use rcm_claims::model::{Address, Claim, ClaimKind, Person, Provider};
use rcm_claims::types::{Sex, TaxIdKind};
use rcm_claims::{Money, ServiceLine};

use super::win_ansi;

/// Service lines on one form (box 24 has six).
pub const LINES_PER_FORM: usize = 6;
/// Diagnoses box 21 holds (A–L).
pub const MAX_DIAGNOSES: usize = 12;

/// Box 1: the type of coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum InsuranceType {
    Medicare,
    Medicaid,
    /// TRICARE (formerly CHAMPUS).
    Tricare,
    ChampVa,
    GroupHealthPlan,
    /// FECA Black Lung.
    Feca,
    #[default]
    Other,
}

impl InsuranceType {
    /// From the claim filing indicator (837 SBR09): MB/MA Medicare, MC Medicaid, CH TRICARE,
    /// VA CHAMPVA, FI FECA (the mapping this project chose for the Federal Employees Program
    /// code: the 837 has no code of its own for FECA Black Lung), CI/BL/HM and 12–17 (PPO, POS,
    /// EPO, indemnity, HMO Medicare risk, dental HMO) group health plan, anything else Other.
    pub fn from_filing_indicator(code: &str) -> InsuranceType {
        match code.trim().to_ascii_uppercase().as_str() {
            "MB" | "MA" => InsuranceType::Medicare,
            "MC" => InsuranceType::Medicaid,
            "CH" => InsuranceType::Tricare,
            "VA" => InsuranceType::ChampVa,
            "FI" => InsuranceType::Feca,
            "CI" | "BL" | "HM" | "12" | "13" | "14" | "15" | "16" | "17" => {
                InsuranceType::GroupHealthPlan
            }
            _ => InsuranceType::Other,
        }
    }
}

/// Box 6: the patient's relationship to the insured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Relationship {
    /// The patient is the insured ("Self").
    #[default]
    SelfInsured,
    Spouse,
    Child,
    Other,
}

impl Relationship {
    /// From the 837 patient loop: none (the subscriber is the patient) or 18 is self, 01 spouse,
    /// 19 child, any other code other.
    pub fn from_patient_relationship(code: Option<&str>) -> Relationship {
        match code.map(str::trim) {
            None | Some("18") => Relationship::SelfInsured,
            Some("01") => Relationship::Spouse,
            Some("19") => Relationship::Child,
            Some(_) => Relationship::Other,
        }
    }
}

/// Boxes 3 and 11a: the sex check boxes (unknown checks neither).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormSex {
    Male,
    Female,
}

impl FormSex {
    fn from_sex(sex: Option<Sex>) -> Option<FormSex> {
        match sex {
            Some(Sex::Male) => Some(FormSex::Male),
            Some(Sex::Female) => Some(FormSex::Female),
            Some(Sex::Unknown) | None => None,
        }
    }
}

/// An address as boxes 5 and 7 print it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormAddress {
    /// No., street (and the second line, when it fits).
    pub street: String,
    pub city: String,
    pub state: String,
    /// ZIP code, ZIP+4 with the hyphen.
    pub zip: String,
}

/// One service line of box 24.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cms1500Line {
    /// The shaded top half, 24A–24G: supplemental information; a drug billed on the line is
    /// `N4`, its 11-digit NDC, three spaces, the unit qualifier and the quantity
    /// (`N400409488802   ML1.5`).
    pub supplemental: String,
    /// 24A from and to, `MM DD YY` (a single day is entered in both).
    pub from: String,
    pub to: String,
    /// 24B.
    pub place_of_service: String,
    /// 24C (left blank: the claim does not carry it).
    pub emergency: String,
    /// 24D: CPT/HCPCS code and up to four modifiers.
    pub procedure: String,
    pub modifiers: [String; 4],
    /// 24E: the letters (A–L) of box 21's diagnoses, the primary first: `AB`.
    pub diagnosis_pointer: String,
    /// 24F: `125 00`.
    pub charges: String,
    /// 24G: days or units.
    pub units: String,
    /// 24H (left blank).
    pub epsdt: String,
    /// 24J: the rendering provider's NPI.
    pub rendering_npi: String,
}

/// One CMS-1500 form: every value as it prints, box by box. Check boxes are the enums and
/// booleans; everything else is the text of its box. [`Cms1500::from_claim`] fills it;
/// [`cms1500_pdf`] prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cms1500 {
    /// This form's number and how many the claim has (printed "PAGE N OF M" when more than one).
    pub page: usize,
    pub pages: usize,
    /// The carrier block (top right): the payer's name.
    pub carrier: String,
    /// 1.
    pub insurance_type: InsuranceType,
    /// 1a.
    pub insured_id: String,
    /// 2: `LAST, FIRST`.
    pub patient_name: String,
    /// 3: `MM DD YYYY` and the sex.
    pub patient_birth_date: String,
    pub patient_sex: Option<FormSex>,
    /// 4.
    pub insured_name: String,
    /// 5.
    pub patient_address: FormAddress,
    /// 6.
    pub relationship: Relationship,
    /// 7.
    pub insured_address: FormAddress,
    /// 9, 9a, 9d: the other insured (first other payer): name, policy or group number, plan.
    pub other_insured_name: String,
    pub other_insured_group: String,
    pub other_plan_name: String,
    /// 10a–10c: is the condition related to employment, an auto accident (and where), another
    /// accident. The claim does not record it: No.
    pub employment_related: bool,
    pub auto_accident: bool,
    pub auto_accident_state: String,
    pub other_accident: bool,
    /// 11.
    pub insured_group: String,
    /// 11a: `MM DD YYYY` and the sex.
    pub insured_birth_date: String,
    pub insured_sex: Option<FormSex>,
    /// 11c: the payer's name.
    pub plan_name: String,
    /// 11d: is there another health benefit plan?
    pub another_plan: bool,
    /// 12 and 13.
    pub patient_signature: String,
    pub insured_signature: String,
    /// 14: `MM DD YY` and the qualifier (431 onset of current symptoms or illness).
    pub onset_date: String,
    pub onset_qualifier: String,
    /// 17: qualifier (DN referring provider), name (`FIRST LAST`) and 17b NPI.
    pub referring_qualifier: String,
    pub referring_name: String,
    pub referring_npi: String,
    /// 21: the ICD indicator (0 = ICD-10-CM) and the diagnoses A–L.
    pub icd_indicator: String,
    pub diagnoses: [String; MAX_DIAGNOSES],
    /// 22: resubmission code (claim frequency 7 or 8) and the payer's original reference number.
    pub resubmission_code: String,
    pub original_reference: String,
    /// 23.
    pub prior_authorization: String,
    /// 24: the six service lines (an unused line is empty).
    pub lines: [Cms1500Line; LINES_PER_FORM],
    /// 25: the digits and which kind (SSN or EIN box).
    pub federal_tax_id: String,
    pub tax_id_kind: TaxIdKind,
    /// 26: the patient control number.
    pub patient_account: String,
    /// 27.
    pub accept_assignment: bool,
    /// 28: `185 00`, or `CONTINUED` on all pages but the last.
    pub total_charge: String,
    /// 29: what other payers paid (blank when none reported; last page only).
    pub amount_paid: String,
    /// 31: who signs and the date.
    pub physician_signature: String,
    pub physician_signature_date: String,
    /// 32: service facility (blank: the claim has no separate facility).
    pub facility_name: String,
    pub facility_street: String,
    pub facility_city: String,
    pub facility_npi: String,
    /// 33: billing provider and 33a NPI.
    pub billing_name: String,
    pub billing_street: String,
    pub billing_city: String,
    pub billing_npi: String,
}

/// Why a claim cannot be printed on a CMS-1500. Messages name boxes and counts, never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Cms1500Error {
    #[error(
        "the CMS-1500 is the professional claim form: an institutional claim prints on a UB-04"
    )]
    NotProfessional,
    #[error("a claim without service lines cannot print on a CMS-1500")]
    NoServiceLines,
    #[error(
        "{count} diagnoses: box 21 of the CMS-1500 holds 12 (A-L); split the claim or keep the ones the lines point to"
    )]
    TooManyDiagnoses { count: usize },
    #[error("service line {line} points to diagnosis {pointer}, which box 21 does not have")]
    PointerOutOfRange { line: usize, pointer: u8 },
    #[error("{field} does not fit its box on the CMS-1500 (room for {width})")]
    DoesNotFit { field: &'static str, width: u8 },
}

/// What [`cms1500_pdf`] draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormStyle {
    /// The form itself (boxes, numbers, titles in drop-out red) with the data.
    WithForm,
    /// The data alone, for pre-printed red-ink forms.
    DataOnly,
}

impl Cms1500 {
    /// The forms for a professional claim: one per six service lines. `signed_on` is the date
    /// printed in box 31 (the day the form is signed; the caller decides, so the output does not
    /// depend on the clock).
    pub fn from_claim(claim: &Claim, signed_on: Date) -> Result<Vec<Cms1500>, Cms1500Error> {
        if claim.kind != ClaimKind::Professional {
            return Err(Cms1500Error::NotProfessional);
        }
        if claim.lines.is_empty() {
            return Err(Cms1500Error::NoServiceLines);
        }
        if claim.diagnoses.len() > MAX_DIAGNOSES {
            return Err(Cms1500Error::TooManyDiagnoses {
                count: claim.diagnoses.len(),
            });
        }
        let header = header(claim, signed_on)?;
        let lines = claim
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| service_line(claim, i, l))
            .collect::<Result<Vec<_>, _>>()?;
        let total = money_in(
            claim.total_charge,
            width_of(Slot::TotalCharge),
            "box 28 total charge",
        )?;
        let paid: Option<Money> = claim
            .other_payers
            .iter()
            .filter_map(|o| o.paid)
            .reduce(|a, b| a + b);
        let paid = match paid {
            Some(m) => money_in(m, width_of(Slot::AmountPaid), "box 29 amount paid")?,
            None => String::new(),
        };
        let pages = lines.len().div_ceil(LINES_PER_FORM);
        Ok(lines
            .chunks(LINES_PER_FORM)
            .enumerate()
            .map(|(n, chunk)| {
                let last = n + 1 == pages;
                let mut form = header.clone();
                form.page = n + 1;
                form.pages = pages;
                for (slot, line) in form.lines.iter_mut().zip(chunk) {
                    *slot = line.clone();
                }
                form.total_charge = if last {
                    total.clone()
                } else {
                    "CONTINUED".into()
                };
                form.amount_paid = if last { paid.clone() } else { String::new() };
                form
            })
            .collect())
    }

    /// "PAGE 2 OF 3" when the claim needs more than one form, else nothing.
    pub fn page_label(&self) -> String {
        if self.pages > 1 {
            format!("PAGE {} OF {}", self.page, self.pages)
        } else {
            String::new()
        }
    }

    /// The text printed at a place of the layout (`"X"` for a checked box).
    fn value(&self, slot: Slot) -> Cow<'_, str> {
        let check = |on: bool| Cow::Borrowed(if on { "X" } else { "" });
        let text: &str = match slot {
            Slot::PageLabel => return Cow::Owned(self.page_label()),
            Slot::Carrier => &self.carrier,
            Slot::Insurance(t) => return check(self.insurance_type == t),
            Slot::InsuredId => &self.insured_id,
            Slot::PatientName => &self.patient_name,
            Slot::PatientBirthDate => &self.patient_birth_date,
            Slot::PatientSex(x) => return check(self.patient_sex == Some(x)),
            Slot::InsuredName => &self.insured_name,
            Slot::PatientStreet => &self.patient_address.street,
            Slot::Relationship(r) => return check(self.relationship == r),
            Slot::InsuredStreet => &self.insured_address.street,
            Slot::PatientCity => &self.patient_address.city,
            Slot::PatientState => &self.patient_address.state,
            Slot::InsuredCity => &self.insured_address.city,
            Slot::InsuredState => &self.insured_address.state,
            Slot::PatientZip => &self.patient_address.zip,
            Slot::InsuredZip => &self.insured_address.zip,
            Slot::OtherInsuredName => &self.other_insured_name,
            Slot::InsuredGroup => &self.insured_group,
            Slot::OtherInsuredGroup => &self.other_insured_group,
            Slot::Employment(yes) => return check(self.employment_related == yes),
            Slot::InsuredBirthDate => &self.insured_birth_date,
            Slot::InsuredSex(x) => return check(self.insured_sex == Some(x)),
            Slot::AutoAccident(yes) => return check(self.auto_accident == yes),
            Slot::AutoAccidentState => &self.auto_accident_state,
            Slot::OtherAccident(yes) => return check(self.other_accident == yes),
            Slot::PlanName => &self.plan_name,
            Slot::OtherPlanName => &self.other_plan_name,
            Slot::AnotherPlan(yes) => return check(self.another_plan == yes),
            Slot::PatientSignature => &self.patient_signature,
            Slot::InsuredSignature => &self.insured_signature,
            Slot::OnsetDate => &self.onset_date,
            Slot::OnsetQualifier => &self.onset_qualifier,
            Slot::ReferringQualifier => &self.referring_qualifier,
            Slot::ReferringName => &self.referring_name,
            Slot::ReferringNpi => &self.referring_npi,
            Slot::IcdIndicator => &self.icd_indicator,
            Slot::Diagnosis(i) => self
                .diagnoses
                .get(usize::from(i))
                .map_or("", |d| d.as_str()),
            Slot::ResubmissionCode => &self.resubmission_code,
            Slot::OriginalReference => &self.original_reference,
            Slot::PriorAuthorization => &self.prior_authorization,
            // Service lines are read line by line (`line_value`).
            Slot::Line(_) => "",
            Slot::FederalTaxId => &self.federal_tax_id,
            Slot::TaxId(kind) => return check(self.tax_id_kind == kind),
            Slot::PatientAccount => &self.patient_account,
            Slot::AcceptAssignment(yes) => return check(self.accept_assignment == yes),
            Slot::TotalCharge => &self.total_charge,
            Slot::AmountPaid => &self.amount_paid,
            Slot::PhysicianName => &self.physician_signature,
            Slot::PhysicianDate => &self.physician_signature_date,
            Slot::FacilityName => &self.facility_name,
            Slot::FacilityStreet => &self.facility_street,
            Slot::FacilityCity => &self.facility_city,
            Slot::FacilityNpi => &self.facility_npi,
            Slot::BillingName => &self.billing_name,
            Slot::BillingStreet => &self.billing_street,
            Slot::BillingCity => &self.billing_city,
            Slot::BillingNpi => &self.billing_npi,
        };
        Cow::Borrowed(text)
    }
}

fn line_value(line: &Cms1500Line, slot: LineSlot) -> &str {
    match slot {
        LineSlot::Supplemental => &line.supplemental,
        LineSlot::From => &line.from,
        LineSlot::To => &line.to,
        LineSlot::PlaceOfService => &line.place_of_service,
        LineSlot::Emergency => &line.emergency,
        LineSlot::Procedure => &line.procedure,
        LineSlot::Modifier(i) => line
            .modifiers
            .get(usize::from(i))
            .map_or("", |m| m.as_str()),
        LineSlot::Pointer => &line.diagnosis_pointer,
        LineSlot::Charges => &line.charges,
        LineSlot::Units => &line.units,
        LineSlot::Epsdt => &line.epsdt,
        LineSlot::RenderingNpi => &line.rendering_npi,
    }
}

// ---------------------------------------------------------------------------------------------
// From the claim to the boxes.

/// Every box but the service lines and the totals (the same on each page).
fn header(claim: &Claim, signed_on: Date) -> Result<Cms1500, Cms1500Error> {
    let patient = claim.patient_person();
    let subscriber = &claim.subscriber;
    let insured = &subscriber.person;
    let other = claim.other_payers.first();
    let other_insured = other.map(|o| o.subscriber.as_ref().unwrap_or(subscriber));
    let (resubmission_code, original_reference) = match claim.frequency {
        f @ ('7' | '8') => (
            f.to_string(),
            id_in(
                claim.original_claim_reference.as_deref().unwrap_or(""),
                Slot::OriginalReference,
                "box 22 original reference number",
            )?,
        ),
        _ => (String::new(), String::new()),
    };
    let referring = claim.referring_provider.as_ref();
    let billing = &claim.billing_provider;
    let billing_name = clean(
        &format!("{} {}", billing.first_name, billing.name),
        &['.', ','],
    );
    let signer = claim
        .rendering_provider
        .as_ref()
        .map(provider_name)
        .unwrap_or_else(|| billing_name.clone());
    let mut diagnoses: [String; MAX_DIAGNOSES] = Default::default();
    for (slot, code) in diagnoses.iter_mut().zip(&claim.diagnoses) {
        // Box 21 takes the code without its period (CMS Pub. 100-04 ch. 26, item 21: "Do not
        // insert a period in the ICD-9-CM or ICD-10-CM code"; the field holds 7 characters).
        *slot = code.as_str().to_string();
    }
    Ok(Cms1500 {
        page: 1,
        pages: 1,
        carrier: text_in(&claim.payer.name, Slot::Carrier),
        insurance_type: InsuranceType::from_filing_indicator(&claim.payer.filing_indicator),
        insured_id: id_in(
            &subscriber.member_id,
            Slot::InsuredId,
            "box 1a insured's ID number",
        )?,
        patient_name: text_in(&person_name(patient), Slot::PatientName),
        patient_birth_date: patient.birth_date.map(mm_dd_yyyy).unwrap_or_default(),
        patient_sex: FormSex::from_sex(patient.sex),
        insured_name: text_in(&person_name(insured), Slot::InsuredName),
        patient_address: form_address(patient.address.as_ref(), true),
        relationship: Relationship::from_patient_relationship(
            claim.patient.as_ref().map(|p| p.relationship.as_str()),
        ),
        insured_address: form_address(insured.address.as_ref(), false),
        other_insured_name: other_insured
            .map(|s| text_in(&person_name(&s.person), Slot::OtherInsuredName))
            .unwrap_or_default(),
        other_insured_group: match other_insured {
            Some(s) => id_in(
                &s.group_number,
                Slot::OtherInsuredGroup,
                "box 9a other insured's policy or group number",
            )?,
            None => String::new(),
        },
        other_plan_name: other
            .map(|o| text_in(&o.payer.name, Slot::OtherPlanName))
            .unwrap_or_default(),
        employment_related: false,
        auto_accident: false,
        auto_accident_state: String::new(),
        other_accident: false,
        insured_group: id_in(
            &subscriber.group_number,
            Slot::InsuredGroup,
            "box 11 insured's policy group number",
        )?,
        insured_birth_date: insured.birth_date.map(mm_dd_yyyy).unwrap_or_default(),
        insured_sex: FormSex::from_sex(insured.sex),
        plan_name: text_in(&claim.payer.name, Slot::PlanName),
        another_plan: !claim.other_payers.is_empty(),
        patient_signature: "SIGNATURE ON FILE".into(),
        insured_signature: "SIGNATURE ON FILE".into(),
        onset_date: claim.onset_date.map(mm_dd_yy).unwrap_or_default(),
        onset_qualifier: if claim.onset_date.is_some() {
            "431".into()
        } else {
            String::new()
        },
        referring_qualifier: if referring.is_some() {
            "DN".into()
        } else {
            String::new()
        },
        referring_name: referring
            .map(|p| text_in(&provider_name(p), Slot::ReferringName))
            .unwrap_or_default(),
        referring_npi: referring.map(|p| p.npi.to_string()).unwrap_or_default(),
        icd_indicator: "0".into(),
        diagnoses,
        resubmission_code,
        original_reference,
        prior_authorization: id_in(
            claim.prior_authorization.as_deref().unwrap_or(""),
            Slot::PriorAuthorization,
            "box 23 prior authorization number",
        )?,
        lines: Default::default(),
        federal_tax_id: billing.tax_id.digits().to_string(),
        tax_id_kind: billing.tax_id.kind,
        patient_account: id_in(
            &claim.patient_control_number,
            Slot::PatientAccount,
            "box 26 patient's account number",
        )?,
        accept_assignment: true,
        total_charge: String::new(),
        amount_paid: String::new(),
        physician_signature: text_in(&signer, Slot::PhysicianName),
        physician_signature_date: mm_dd_yy(signed_on),
        facility_name: String::new(),
        facility_street: String::new(),
        facility_city: String::new(),
        facility_npi: String::new(),
        billing_name: text_in(&billing_name, Slot::BillingName),
        billing_street: text_in(&street(&billing.address), Slot::BillingStreet),
        billing_city: text_in(&city_line(&billing.address), Slot::BillingCity),
        billing_npi: billing.npi.to_string(),
    })
}

fn service_line(claim: &Claim, index: usize, l: &ServiceLine) -> Result<Cms1500Line, Cms1500Error> {
    let mut pointer = String::new();
    for &p in &l.diagnosis_pointers {
        if p == 0 || usize::from(p) > claim.diagnoses.len().min(MAX_DIAGNOSES) {
            return Err(Cms1500Error::PointerOutOfRange {
                line: index + 1,
                pointer: p,
            });
        }
        pointer.push(char::from(b'A' + (p - 1)));
    }
    fits(&pointer, LineSlot::Pointer, "box 24E diagnosis pointer")?;
    if l.modifiers.len() > 4 {
        return Err(Cms1500Error::DoesNotFit {
            field: "box 24D modifiers",
            width: 4,
        });
    }
    let mut modifiers: [String; 4] = Default::default();
    for (slot, m) in modifiers.iter_mut().zip(&l.modifiers) {
        *slot = m.as_str().to_string();
    }
    let units = l.units.to_string();
    fits(&units, LineSlot::Units, "box 24G days or units")?;
    let charges = money_in(
        l.charge,
        width_of(Slot::Line(LineSlot::Charges)),
        "box 24F charges",
    )?;
    let supplemental = l
        .drug
        .as_ref()
        .map(|d| format!("N4{}   {}{}", d.ndc.as_str(), d.unit.code(), d.quantity))
        .unwrap_or_default();
    fits(
        &supplemental,
        LineSlot::Supplemental,
        "box 24 supplemental information (NDC)",
    )?;
    let rendering = l
        .rendering_provider
        .as_ref()
        .or(claim.rendering_provider.as_ref());
    Ok(Cms1500Line {
        supplemental,
        from: mm_dd_yy(l.date_of_service),
        to: mm_dd_yy(l.date_of_service_end.unwrap_or(l.date_of_service)),
        place_of_service: l
            .place_of_service
            .or(claim.place_of_service)
            .map(|p| p.to_string())
            .unwrap_or_default(),
        emergency: String::new(),
        procedure: l
            .procedure
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        modifiers,
        diagnosis_pointer: pointer,
        charges,
        units,
        epsdt: String::new(),
        rendering_npi: rendering.map(|p| p.npi.to_string()).unwrap_or_default(),
    })
}

/// `LAST, FIRST` (boxes 2, 4, 9: commas between the parts, no periods).
fn person_name(p: &Person) -> String {
    let last = clean(&p.last_name, &['.']);
    let first = clean(&p.first_name, &['.']);
    if first.is_empty() {
        last
    } else {
        format!("{last}, {first}")
    }
}

/// `FIRST LAST` (boxes 17 and 31).
fn provider_name(p: &Provider) -> String {
    let name = format!("{} {}", p.first_name.trim(), p.last_name.trim());
    clean(&name, &['.', ','])
}

/// Boxes 5 and 7 (and 33): no commas, periods or `#` in the address, a hyphen in a ZIP+4.
fn form_address(a: Option<&Address>, patient: bool) -> FormAddress {
    let Some(a) = a else {
        return FormAddress::default();
    };
    let (street_slot, city_slot, state_slot, zip_slot) = if patient {
        (
            Slot::PatientStreet,
            Slot::PatientCity,
            Slot::PatientState,
            Slot::PatientZip,
        )
    } else {
        (
            Slot::InsuredStreet,
            Slot::InsuredCity,
            Slot::InsuredState,
            Slot::InsuredZip,
        )
    };
    FormAddress {
        street: text_in(&street(a), street_slot),
        city: text_in(&clean(&a.city, &[',', '.']), city_slot),
        state: text_in(&clean(&a.state, &[',', '.']), state_slot),
        zip: text_in(&zip(&a.zip), zip_slot),
    }
}

fn street(a: &Address) -> String {
    let both = format!("{} {}", a.line1, a.line2);
    clean(&both, &[',', '.', '#'])
}

/// `CITY ST 12345-6789` (box 33: a space, not a comma, between city and state).
fn city_line(a: &Address) -> String {
    let line = format!("{} {} {}", a.city.trim(), a.state.trim(), zip(&a.zip));
    clean(&line, &[',', '.'])
}

fn zip(z: &str) -> String {
    let digits: String = z.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 9 {
        format!("{}-{}", &digits[..5], &digits[5..])
    } else {
        z.trim().to_string()
    }
}

/// Upper case, single spaces, without the given punctuation.
fn clean(s: &str, drop: &[char]) -> String {
    let kept: String = s
        .chars()
        .filter(|c| !drop.contains(c))
        .flat_map(char::to_uppercase)
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A name or address: cut to its box, like any paper form.
fn text_in(s: &str, slot: Slot) -> String {
    let cut: String = clean(s, &[])
        .chars()
        .take(usize::from(width_of(slot)))
        .collect();
    cut.trim_end().to_string()
}

/// An identifier: refused when it does not fit (a cut identifier is a wrong one).
fn id_in(s: &str, slot: Slot, field: &'static str) -> Result<String, Cms1500Error> {
    let s = clean(s, &[]);
    let width = width_of(slot);
    if s.chars().count() > usize::from(width) {
        return Err(Cms1500Error::DoesNotFit { field, width });
    }
    Ok(s)
}

fn fits(s: &str, slot: LineSlot, field: &'static str) -> Result<(), Cms1500Error> {
    let width = width_of(Slot::Line(slot));
    if s.chars().count() > usize::from(width) {
        return Err(Cms1500Error::DoesNotFit { field, width });
    }
    Ok(())
}

/// An amount as the form prints it: dollars, a space where the cents column starts, cents.
fn form_money(m: Money) -> String {
    let c = m.cents();
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    format!("{sign}{} {:02}", a / 100, a % 100)
}

fn money_in(m: Money, width: u8, field: &'static str) -> Result<String, Cms1500Error> {
    let s = form_money(m);
    if s.len() > usize::from(width) {
        return Err(Cms1500Error::DoesNotFit { field, width });
    }
    Ok(s)
}

fn mm_dd_yy(d: Date) -> String {
    format!(
        "{:02} {:02} {:02}",
        d.month(),
        d.day(),
        i32::from(d.year()).rem_euclid(100)
    )
}

fn mm_dd_yyyy(d: Date) -> String {
    format!("{:02} {:02} {:04}", d.month(), d.day(), d.year())
}

// ---------------------------------------------------------------------------------------------
// The print grid.

/// A place a value prints at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Line 1–66, six per inch from the top edge of the sheet.
    pub line: u8,
    /// Column 1–80, ten per inch from the first print position (0.3 inch from the left edge).
    pub col: u8,
    /// Columns the value may use.
    pub width: u8,
    /// Amounts and units align right, so the cents land in the cents column.
    pub right: bool,
}

const fn at(line: u8, col: u8, width: u8) -> Place {
    Place {
        line,
        col,
        width,
        right: false,
    }
}

const fn right(line: u8, col: u8, width: u8) -> Place {
    Place {
        line,
        col,
        width,
        right: true,
    }
}

/// What prints at a place: a box (or one check box of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    PageLabel,
    Carrier,
    Insurance(InsuranceType),
    InsuredId,
    PatientName,
    PatientBirthDate,
    PatientSex(FormSex),
    InsuredName,
    PatientStreet,
    Relationship(Relationship),
    InsuredStreet,
    PatientCity,
    PatientState,
    InsuredCity,
    InsuredState,
    PatientZip,
    InsuredZip,
    OtherInsuredName,
    InsuredGroup,
    OtherInsuredGroup,
    Employment(bool),
    InsuredBirthDate,
    InsuredSex(FormSex),
    AutoAccident(bool),
    AutoAccidentState,
    OtherAccident(bool),
    PlanName,
    OtherPlanName,
    AnotherPlan(bool),
    PatientSignature,
    InsuredSignature,
    OnsetDate,
    OnsetQualifier,
    ReferringQualifier,
    ReferringName,
    ReferringNpi,
    IcdIndicator,
    /// A–L as 0–11.
    Diagnosis(u8),
    ResubmissionCode,
    OriginalReference,
    PriorAuthorization,
    /// A field of box 24; its place is for service line 1, line n (0-based) prints 2n lower.
    Line(LineSlot),
    FederalTaxId,
    TaxId(TaxIdKind),
    PatientAccount,
    AcceptAssignment(bool),
    TotalCharge,
    AmountPaid,
    PhysicianName,
    PhysicianDate,
    FacilityName,
    FacilityStreet,
    FacilityCity,
    FacilityNpi,
    BillingName,
    BillingStreet,
    BillingCity,
    BillingNpi,
}

impl Slot {
    fn is_check_box(self) -> bool {
        matches!(
            self,
            Slot::Insurance(_)
                | Slot::PatientSex(_)
                | Slot::Relationship(_)
                | Slot::Employment(_)
                | Slot::InsuredSex(_)
                | Slot::AutoAccident(_)
                | Slot::OtherAccident(_)
                | Slot::AnotherPlan(_)
                | Slot::TaxId(_)
                | Slot::AcceptAssignment(_)
        )
    }
}

/// A field of a service line (box 24).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineSlot {
    Supplemental,
    From,
    To,
    PlaceOfService,
    Emergency,
    Procedure,
    Modifier(u8),
    Pointer,
    Charges,
    Units,
    Epsdt,
    RenderingNpi,
}

/// Where every value of the CMS-1500 (02/12) prints, on the form's pica grid: 10 characters per
/// inch, 6 lines per inch, 66 lines on the 11-inch sheet, column 1 at 0.3 inch from the left
/// edge (the "X offset" of the printing guidelines; the "Y offset" of 1.33 inches is line 8,
/// the line of box 1).
///
/// Source: the line/column table of OpenEMR's 02/12 CMS-1500 printer (`src/Billing/Hcfa1500.php`,
/// which prints text at these positions and overlays it, with a 1/3-inch left margin, on a
/// full-page image of the form), cross-checked against the independent 1500 layout of the
/// OopFactory X12 library (`ProfessionalClaimToHcfa1500FormTransformation`, the same grid
/// shifted by 3 columns and 1 line). Positions are facts about the public-domain form; no code
/// was taken. Where the two differ or the form has room, widths follow the NUCC field sizes:
/// diagnoses 7 characters (no period), box 26 14, box 24G 3; boxes 28 and 29 right-aligned so
/// the cents meet the cents column (28 starts a column earlier to hold six dollar digits);
/// "PAGE N OF M" goes on line 5, at the right of the carrier block (the payer's name is on line 2).
pub const LAYOUT: [(Slot, Place); 100] = [
    (Slot::Carrier, at(2, 41, 38)),
    (Slot::PageLabel, at(5, 68, 11)),
    // Box 1 and 1a (line 8).
    (Slot::Insurance(InsuranceType::Medicare), at(8, 1, 1)),
    (Slot::Insurance(InsuranceType::Medicaid), at(8, 8, 1)),
    (Slot::Insurance(InsuranceType::Tricare), at(8, 15, 1)),
    (Slot::Insurance(InsuranceType::ChampVa), at(8, 24, 1)),
    (
        Slot::Insurance(InsuranceType::GroupHealthPlan),
        at(8, 31, 1),
    ),
    (Slot::Insurance(InsuranceType::Feca), at(8, 39, 1)),
    (Slot::Insurance(InsuranceType::Other), at(8, 45, 1)),
    (Slot::InsuredId, at(8, 50, 29)),
    // Boxes 2, 3, 4 (line 10).
    (Slot::PatientName, at(10, 1, 28)),
    (Slot::PatientBirthDate, at(10, 31, 10)),
    (Slot::PatientSex(FormSex::Male), at(10, 42, 1)),
    (Slot::PatientSex(FormSex::Female), at(10, 47, 1)),
    (Slot::InsuredName, at(10, 50, 29)),
    // Boxes 5, 6, 7 (lines 12, 14, 16).
    (Slot::PatientStreet, at(12, 1, 28)),
    (Slot::Relationship(Relationship::SelfInsured), at(12, 33, 1)),
    (Slot::Relationship(Relationship::Spouse), at(12, 38, 1)),
    (Slot::Relationship(Relationship::Child), at(12, 42, 1)),
    (Slot::Relationship(Relationship::Other), at(12, 47, 1)),
    (Slot::InsuredStreet, at(12, 50, 29)),
    (Slot::PatientCity, at(14, 1, 24)),
    (Slot::PatientState, at(14, 26, 3)),
    (Slot::InsuredCity, at(14, 50, 22)),
    (Slot::InsuredState, at(14, 74, 3)),
    (Slot::PatientZip, at(16, 1, 12)),
    (Slot::InsuredZip, at(16, 50, 12)),
    // Boxes 9, 10, 11 (lines 18–26).
    (Slot::OtherInsuredName, at(18, 1, 28)),
    (Slot::InsuredGroup, at(18, 50, 29)),
    (Slot::OtherInsuredGroup, at(20, 1, 28)),
    (Slot::Employment(true), at(20, 35, 1)),
    (Slot::Employment(false), at(20, 41, 1)),
    (Slot::InsuredBirthDate, at(20, 53, 10)),
    (Slot::InsuredSex(FormSex::Male), at(20, 68, 1)),
    (Slot::InsuredSex(FormSex::Female), at(20, 75, 1)),
    (Slot::AutoAccident(true), at(22, 35, 1)),
    (Slot::AutoAccident(false), at(22, 41, 1)),
    (Slot::AutoAccidentState, at(22, 45, 2)),
    (Slot::OtherAccident(true), at(24, 35, 1)),
    (Slot::OtherAccident(false), at(24, 41, 1)),
    (Slot::PlanName, at(24, 50, 29)),
    (Slot::OtherPlanName, at(26, 1, 28)),
    (Slot::AnotherPlan(true), at(26, 52, 1)),
    (Slot::AnotherPlan(false), at(26, 57, 1)),
    // Boxes 12, 13 (line 29).
    (Slot::PatientSignature, at(29, 7, 22)),
    (Slot::InsuredSignature, at(29, 55, 24)),
    // Box 14 (line 32).
    (Slot::OnsetDate, at(32, 2, 8)),
    (Slot::OnsetQualifier, at(32, 16, 3)),
    // Box 17, 17b (line 34).
    (Slot::ReferringQualifier, at(34, 1, 2)),
    (Slot::ReferringName, at(34, 4, 25)),
    (Slot::ReferringNpi, at(34, 33, 10)),
    // Box 21 (ICD indicator on line 37, A–D line 38, E–H 39, I–L 40), 22, 23.
    (Slot::IcdIndicator, at(37, 42, 1)),
    (Slot::Diagnosis(0), at(38, 3, 7)),
    (Slot::Diagnosis(1), at(38, 16, 7)),
    (Slot::Diagnosis(2), at(38, 29, 7)),
    (Slot::Diagnosis(3), at(38, 42, 7)),
    (Slot::Diagnosis(4), at(39, 3, 7)),
    (Slot::Diagnosis(5), at(39, 16, 7)),
    (Slot::Diagnosis(6), at(39, 29, 7)),
    (Slot::Diagnosis(7), at(39, 42, 7)),
    (Slot::Diagnosis(8), at(40, 3, 7)),
    (Slot::Diagnosis(9), at(40, 16, 7)),
    (Slot::Diagnosis(10), at(40, 29, 7)),
    (Slot::Diagnosis(11), at(40, 42, 7)),
    (Slot::ResubmissionCode, at(38, 50, 10)),
    (Slot::OriginalReference, at(38, 62, 17)),
    (Slot::PriorAuthorization, at(40, 50, 29)),
    // Box 24, service line 1: shaded half line 43, white half line 44.
    (Slot::Line(LineSlot::Supplemental), at(43, 1, 61)),
    (Slot::Line(LineSlot::From), at(44, 1, 8)),
    (Slot::Line(LineSlot::To), at(44, 10, 8)),
    (Slot::Line(LineSlot::PlaceOfService), at(44, 19, 2)),
    (Slot::Line(LineSlot::Emergency), at(44, 22, 1)),
    (Slot::Line(LineSlot::Procedure), at(44, 25, 6)),
    (Slot::Line(LineSlot::Modifier(0)), at(44, 33, 2)),
    (Slot::Line(LineSlot::Modifier(1)), at(44, 36, 2)),
    (Slot::Line(LineSlot::Modifier(2)), at(44, 39, 2)),
    (Slot::Line(LineSlot::Modifier(3)), at(44, 42, 2)),
    (Slot::Line(LineSlot::Pointer), at(44, 45, 4)),
    (Slot::Line(LineSlot::Charges), right(44, 50, 8)),
    (Slot::Line(LineSlot::Units), right(44, 59, 3)),
    (Slot::Line(LineSlot::Epsdt), at(44, 63, 1)),
    (Slot::Line(LineSlot::RenderingNpi), at(44, 68, 10)),
    // Boxes 25–30 (line 56).
    (Slot::FederalTaxId, at(56, 1, 15)),
    (Slot::TaxId(TaxIdKind::Ssn), at(56, 17, 1)),
    (Slot::TaxId(TaxIdKind::Ein), at(56, 19, 1)),
    (Slot::PatientAccount, at(56, 23, 14)),
    (Slot::AcceptAssignment(true), at(56, 38, 1)),
    (Slot::AcceptAssignment(false), at(56, 43, 1)),
    (Slot::TotalCharge, right(56, 51, 9)),
    (Slot::AmountPaid, right(56, 62, 8)),
    // Boxes 31, 32, 33 (lines 58–61).
    (Slot::FacilityName, at(58, 23, 26)),
    (Slot::BillingName, at(58, 50, 29)),
    (Slot::FacilityStreet, at(59, 23, 26)),
    (Slot::BillingStreet, at(59, 50, 29)),
    (Slot::PhysicianName, at(60, 1, 20)),
    (Slot::FacilityCity, at(60, 23, 26)),
    (Slot::BillingCity, at(60, 50, 29)),
    (Slot::PhysicianDate, at(61, 6, 8)),
    (Slot::FacilityNpi, at(61, 23, 10)),
    (Slot::BillingNpi, at(61, 50, 10)),
];

/// Service line n (0-based) prints this many lines below line 1's places.
const LINE_STEP: u8 = 2;

fn place_of(slot: Slot) -> Option<Place> {
    LAYOUT.iter().find(|(s, _)| *s == slot).map(|(_, p)| *p)
}

fn width_of(slot: Slot) -> u8 {
    place_of(slot).map_or(0, |p| p.width)
}

const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
/// 10 characters per inch.
const PITCH: f32 = 7.2;
/// 6 lines per inch.
const LEADING: f32 = 12.0;
/// Column 1 starts 0.3 inch from the left edge.
const LEFT: f32 = 21.6;
/// The data baseline sits this far above the bottom of its line.
const DESCENT: f32 = 3.0;
/// Courier at 10 pt advances 6 pt a character (600/1000 em); 1.2 pt of character spacing makes
/// it 7.2 pt, ten characters per inch.
const DATA_SIZE: f32 = 10.0;
const DATA_CHAR_SPACING: f32 = 1.2;
/// The form's drop-out red.
const RED: (f32, f32, f32) = (0.86, 0.15, 0.15);
/// The shaded halves of box 24 (a light screen of the same red).
const SHADE: (f32, f32, f32) = (0.99, 0.88, 0.88);

/// The x of a (possibly fractional) column's left edge.
fn gx(col: f32) -> f32 {
    LEFT + (col - 1.0) * PITCH
}

/// The y of a line's top edge.
fn line_top(line: f32) -> f32 {
    PAGE_H - (line - 1.0) * LEADING
}

fn baseline(line: u8) -> f32 {
    line_top(f32::from(line)) - LEADING + DESCENT
}

// ---------------------------------------------------------------------------------------------
// The PDF.

const COURIER: Name = Name(b"F1");
const HELVETICA: Name = Name(b"F2");
const HELVETICA_BOLD: Name = Name(b"F3");

struct Page {
    content: Content,
}

impl Page {
    /// A value on the grid: one character per column.
    fn data(&mut self, line: u8, col: u8, text: &str) {
        self.content
            .begin_text()
            .set_font(COURIER, DATA_SIZE)
            .set_char_spacing(DATA_CHAR_SPACING)
            .next_line(gx(f32::from(col)), baseline(line))
            .show(Str(&win_ansi(text)))
            .end_text();
    }

    fn put(&mut self, place: Place, line_offset: u8, value: &str) {
        let chars: Vec<char> = value.chars().take(usize::from(place.width)).collect();
        if chars.iter().all(|c| *c == ' ') {
            return;
        }
        let len = chars.len() as u8;
        let col = if place.right {
            place.col + place.width - len
        } else {
            place.col
        };
        let text: String = chars.into_iter().collect();
        self.data(place.line + line_offset, col, &text);
    }

    fn label(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        let font = if bold { HELVETICA_BOLD } else { HELVETICA };
        self.content
            .begin_text()
            .set_font(font, size)
            .set_char_spacing(0.0)
            .next_line(x, y)
            .show(Str(&win_ansi(text)))
            .end_text();
    }

    /// Text running down the page (the side titles).
    fn label_down(&mut self, x: f32, y: f32, size: f32, text: &str) {
        self.content
            .begin_text()
            .set_font(HELVETICA_BOLD, size)
            .set_char_spacing(0.0)
            .set_text_matrix([0.0, -1.0, 1.0, 0.0, x, y])
            .show(Str(&win_ansi(text)))
            .end_text();
    }

    fn hline(&mut self, line: f32, from: f32, to: f32) {
        let y = line_top(line);
        self.content
            .move_to(gx(from), y)
            .line_to(gx(to), y)
            .stroke();
    }

    fn vline(&mut self, col: f32, from: f32, to: f32) {
        let x = gx(col);
        self.content
            .move_to(x, line_top(from))
            .line_to(x, line_top(to))
            .stroke();
    }
}

/// Full-width and partial horizontal rules: (line whose top edge they run along, from column,
/// to column); columns are the rule's x on the grid (a half column sits between two cells).
const H_RULES: [(f32, f32, f32); 36] = [
    (7.0, 0.5, 80.5),
    (9.0, 0.5, 80.5),
    (11.0, 0.5, 80.5),
    (13.0, 0.5, 80.5),
    (15.0, 0.5, 29.5),
    (15.0, 49.5, 80.5),
    (17.0, 0.5, 80.5),
    (19.0, 0.5, 29.5),
    (19.0, 49.5, 80.5),
    (21.0, 0.5, 29.5),
    (21.0, 49.5, 80.5),
    (23.0, 0.5, 29.5),
    (23.0, 49.5, 80.5),
    (25.0, 0.5, 29.5),
    (25.0, 49.5, 80.5),
    (27.0, 0.5, 80.5),
    (31.0, 0.5, 80.5),
    (33.0, 0.5, 80.5),
    (35.0, 0.5, 80.5),
    (37.0, 0.5, 80.5),
    (39.0, 49.5, 80.5),
    (41.0, 0.5, 80.5),
    (43.0, 0.5, 80.5),
    (45.0, 0.5, 80.5),
    (47.0, 0.5, 80.5),
    (49.0, 0.5, 80.5),
    (51.0, 0.5, 80.5),
    (53.0, 0.5, 80.5),
    (55.0, 0.5, 80.5),
    (57.0, 0.5, 80.5),
    (61.0, 21.5, 80.5),
    (62.0, 0.5, 80.5),
    // The PICA boxes (line 6).
    (6.0, 0.5, 4.0),
    (7.0 - 0.25, 0.5, 4.0),
    (6.0, 77.0, 80.5),
    (7.0 - 0.25, 77.0, 80.5),
];

/// Vertical rules: (column, from line top, to line top). Box 24's lines are drawn in code.
const V_RULES: [(f32, f32, f32); 29] = [
    (0.5, 7.0, 62.0),
    (80.5, 7.0, 62.0),
    (49.5, 7.0, 43.0),
    (49.5, 55.0, 62.0),
    (29.5, 9.0, 27.0),
    (29.5, 31.0, 35.0),
    (25.5, 13.0, 15.0),
    (13.5, 15.0, 17.0),
    (73.0, 13.0, 15.0),
    (63.0, 15.0, 17.0),
    (61.0, 37.0, 39.0),
    (18.5, 41.0, 43.0),
    (21.5, 41.0, 43.0),
    (23.5, 41.0, 43.0),
    (44.5, 41.0, 43.0),
    (58.5, 41.0, 43.0),
    (62.5, 41.0, 43.0),
    (64.5, 41.0, 43.0),
    (67.5, 41.0, 43.0),
    (21.5, 55.0, 62.0),
    (37.5, 55.0, 57.0),
    (60.5, 55.0, 57.0),
    (70.5, 55.0, 57.0),
    (34.5, 61.0, 62.0),
    (61.5, 61.0, 62.0),
    (0.5, 6.0, 6.75),
    (4.0, 6.0, 6.75),
    (77.0, 6.0, 6.75),
    (80.5, 6.0, 6.75),
];

/// Box 24 column rules in a service line's white half; the dashed ones divide a field.
const LINE_RULES: [(f32, bool); 15] = [
    (9.5, true),
    (18.5, false),
    (21.5, false),
    (23.5, false),
    (32.0, true),
    (35.5, true),
    (38.5, true),
    (41.5, true),
    (44.5, false),
    (49.5, false),
    (55.5, true),
    (58.5, false),
    (62.5, false),
    (64.5, false),
    (67.5, false),
];

/// Where a label sits in its line.
#[derive(Clone, Copy)]
enum In {
    /// The top of the line (box titles).
    Top,
    /// Under a title, at the bottom of the line (MM DD YY captions).
    Under,
    /// On the data baseline (check box captions).
    Data,
}
use In::{Data as DATA, Top as TOP, Under as UNDER};

/// One of the form's printed titles.
struct Label {
    line: u8,
    at: In,
    col: f32,
    size: f32,
    bold: bool,
    text: &'static str,
}

const fn lab(line: u8, at: In, col: f32, size: f32, text: &'static str) -> Label {
    Label {
        line,
        at,
        col,
        size,
        bold: false,
        text,
    }
}

const fn bold(line: u8, at: In, col: f32, size: f32, text: &'static str) -> Label {
    Label {
        bold: true,
        ..lab(line, at, col, size, text)
    }
}

/// The form's printed titles (Helvetica; sizes in points), by line and column of the grid.
const LABELS: &[Label] = &[
    bold(6, TOP, 1.2, 5.0, "PICA"),
    bold(6, TOP, 77.7, 5.0, "PICA"),
    lab(7, TOP, 1.0, 5.0, "1. MEDICARE"),
    lab(7, TOP, 8.0, 5.0, "MEDICAID"),
    lab(7, TOP, 15.0, 5.0, "TRICARE"),
    lab(7, TOP, 24.0, 5.0, "CHAMPVA"),
    lab(7, TOP, 31.0, 5.0, "GROUP HEALTH PLAN"),
    lab(7, TOP, 39.0, 5.0, "FECA BLK LUNG"),
    lab(7, TOP, 45.0, 5.0, "OTHER"),
    lab(8, DATA, 2.4, 5.0, "(Medicare#)"),
    lab(8, DATA, 9.4, 5.0, "(Medicaid#)"),
    lab(8, DATA, 16.4, 5.0, "(ID#/DoD#)"),
    lab(8, DATA, 25.4, 5.0, "(Member ID#)"),
    lab(8, DATA, 32.4, 5.0, "(ID#)"),
    lab(8, DATA, 40.4, 5.0, "(ID#)"),
    lab(8, DATA, 46.4, 5.0, "(ID#)"),
    lab(7, TOP, 50.0, 5.5, "1a. INSURED'S I.D. NUMBER"),
    lab(7, TOP, 66.0, 5.5, "(For Program in Item 1)"),
    lab(
        9,
        TOP,
        1.0,
        5.5,
        "2. PATIENT'S NAME (Last Name, First Name, Middle Initial)",
    ),
    lab(9, TOP, 30.0, 5.5, "3. PATIENT'S BIRTH DATE"),
    lab(9, TOP, 43.0, 5.5, "SEX"),
    lab(9, UNDER, 31.0, 4.5, "MM"),
    lab(9, UNDER, 34.0, 4.5, "DD"),
    lab(9, UNDER, 37.0, 4.5, "YY"),
    lab(9, UNDER, 42.1, 4.5, "M"),
    lab(9, UNDER, 47.15, 4.5, "F"),
    lab(
        9,
        TOP,
        50.0,
        5.5,
        "4. INSURED'S NAME (Last Name, First Name, Middle Initial)",
    ),
    lab(11, TOP, 1.0, 5.5, "5. PATIENT'S ADDRESS (No., Street)"),
    lab(11, TOP, 30.0, 5.5, "6. PATIENT RELATIONSHIP TO INSURED"),
    lab(12, DATA, 30.6, 5.0, "Self"),
    lab(12, DATA, 34.6, 5.0, "Spouse"),
    lab(12, DATA, 39.6, 5.0, "Child"),
    lab(12, DATA, 44.6, 5.0, "Other"),
    lab(11, TOP, 50.0, 5.5, "7. INSURED'S ADDRESS (No., Street)"),
    lab(13, TOP, 1.0, 5.5, "CITY"),
    lab(13, TOP, 26.0, 5.5, "STATE"),
    lab(13, TOP, 30.0, 5.5, "8. RESERVED FOR NUCC USE"),
    lab(13, TOP, 50.0, 5.5, "CITY"),
    lab(13, TOP, 73.5, 5.5, "STATE"),
    lab(15, TOP, 1.0, 5.5, "ZIP CODE"),
    lab(15, TOP, 14.0, 5.5, "TELEPHONE (Include Area Code)"),
    lab(15, TOP, 50.0, 5.5, "ZIP CODE"),
    lab(15, TOP, 63.5, 5.5, "TELEPHONE (Include Area Code)"),
    lab(
        17,
        TOP,
        1.0,
        5.5,
        "9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)",
    ),
    lab(17, TOP, 30.0, 5.5, "10. IS PATIENT'S CONDITION RELATED TO:"),
    lab(
        17,
        TOP,
        50.0,
        5.5,
        "11. INSURED'S POLICY GROUP OR FECA NUMBER",
    ),
    lab(
        19,
        TOP,
        1.0,
        5.5,
        "a. OTHER INSURED'S POLICY OR GROUP NUMBER",
    ),
    lab(19, TOP, 30.0, 5.5, "a. EMPLOYMENT? (Current or Previous)"),
    lab(19, TOP, 50.0, 5.5, "a. INSURED'S DATE OF BIRTH"),
    lab(19, TOP, 69.0, 5.5, "SEX"),
    lab(19, UNDER, 53.0, 4.5, "MM"),
    lab(19, UNDER, 56.0, 4.5, "DD"),
    lab(19, UNDER, 59.0, 4.5, "YY"),
    lab(19, UNDER, 68.1, 4.5, "M"),
    lab(19, UNDER, 75.15, 4.5, "F"),
    lab(21, TOP, 1.0, 5.5, "b. RESERVED FOR NUCC USE"),
    lab(21, TOP, 30.0, 5.5, "b. AUTO ACCIDENT?"),
    lab(21, TOP, 43.5, 5.5, "PLACE (State)"),
    lab(21, TOP, 50.0, 5.5, "b. OTHER CLAIM ID (Designated by NUCC)"),
    lab(23, TOP, 1.0, 5.5, "c. RESERVED FOR NUCC USE"),
    lab(23, TOP, 30.0, 5.5, "c. OTHER ACCIDENT?"),
    lab(23, TOP, 50.0, 5.5, "c. INSURANCE PLAN NAME OR PROGRAM NAME"),
    lab(25, TOP, 1.0, 5.5, "d. INSURANCE PLAN NAME OR PROGRAM NAME"),
    lab(25, TOP, 30.0, 5.5, "10d. CLAIM CODES (Designated by NUCC)"),
    lab(
        25,
        TOP,
        50.0,
        5.5,
        "d. IS THERE ANOTHER HEALTH BENEFIT PLAN?",
    ),
    lab(20, DATA, 36.4, 5.0, "YES"),
    lab(20, DATA, 42.4, 5.0, "NO"),
    lab(22, DATA, 36.4, 5.0, "YES"),
    lab(22, DATA, 42.4, 5.0, "NO"),
    lab(24, DATA, 36.4, 5.0, "YES"),
    lab(24, DATA, 42.4, 5.0, "NO"),
    lab(26, DATA, 53.4, 5.0, "YES"),
    lab(26, DATA, 58.4, 5.0, "NO"),
    lab(26, DATA, 61.0, 4.5, "If yes, complete items 9, 9a, and 9d."),
    bold(
        27,
        TOP,
        1.0,
        5.5,
        "READ BACK OF FORM BEFORE COMPLETING & SIGNING THIS FORM.",
    ),
    lab(
        27,
        UNDER,
        1.0,
        5.0,
        "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE  I authorize the release of any medical or other information necessary",
    ),
    lab(
        28,
        TOP,
        1.0,
        5.0,
        "to process this claim. I also request payment of government benefits either to myself or to the party who accepts assignment below.",
    ),
    lab(29, DATA, 1.0, 5.5, "SIGNED"),
    lab(29, DATA, 33.0, 5.5, "DATE"),
    lab(
        27,
        TOP,
        50.0,
        5.0,
        "13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE  I authorize",
    ),
    lab(
        27,
        UNDER,
        50.0,
        5.0,
        "payment of medical benefits to the undersigned physician or supplier",
    ),
    lab(28, TOP, 50.0, 5.0, "for services described below."),
    lab(29, DATA, 50.0, 5.5, "SIGNED"),
    lab(
        31,
        TOP,
        1.0,
        5.5,
        "14. DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)",
    ),
    lab(31, UNDER, 2.0, 4.5, "MM"),
    lab(31, UNDER, 5.0, 4.5, "DD"),
    lab(31, UNDER, 8.0, 4.5, "YY"),
    lab(32, DATA, 12.8, 5.0, "QUAL."),
    lab(31, TOP, 30.0, 5.5, "15. OTHER DATE"),
    lab(31, UNDER, 30.0, 4.5, "QUAL."),
    lab(31, UNDER, 37.0, 4.5, "MM     DD     YY"),
    lab(
        31,
        TOP,
        50.0,
        5.5,
        "16. DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION",
    ),
    lab(32, DATA, 50.2, 5.0, "FROM"),
    lab(32, DATA, 65.5, 5.0, "TO"),
    lab(
        33,
        TOP,
        1.0,
        5.5,
        "17. NAME OF REFERRING PROVIDER OR OTHER SOURCE",
    ),
    lab(33, DATA, 29.8, 4.5, "17a."),
    lab(34, DATA, 29.8, 4.5, "17b. NPI"),
    lab(
        33,
        TOP,
        50.0,
        5.5,
        "18. HOSPITALIZATION DATES RELATED TO CURRENT SERVICES",
    ),
    lab(34, DATA, 50.2, 5.0, "FROM"),
    lab(34, DATA, 65.5, 5.0, "TO"),
    lab(
        35,
        TOP,
        1.0,
        5.5,
        "19. ADDITIONAL CLAIM INFORMATION (Designated by NUCC)",
    ),
    lab(35, TOP, 50.0, 5.5, "20. OUTSIDE LAB?"),
    lab(35, TOP, 63.0, 5.5, "$ CHARGES"),
    lab(36, DATA, 53.4, 5.0, "YES"),
    lab(36, DATA, 58.4, 5.0, "NO"),
    lab(
        37,
        TOP,
        1.0,
        5.5,
        "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY  Relate A-L to service line below (24E)",
    ),
    lab(37, DATA, 38.0, 5.0, "ICD Ind."),
    lab(38, DATA, 1.6, 5.5, "A."),
    lab(38, DATA, 14.6, 5.5, "B."),
    lab(38, DATA, 27.6, 5.5, "C."),
    lab(38, DATA, 40.6, 5.5, "D."),
    lab(39, DATA, 1.6, 5.5, "E."),
    lab(39, DATA, 14.6, 5.5, "F."),
    lab(39, DATA, 27.6, 5.5, "G."),
    lab(39, DATA, 40.6, 5.5, "H."),
    lab(40, DATA, 1.6, 5.5, "I."),
    lab(40, DATA, 14.6, 5.5, "J."),
    lab(40, DATA, 27.6, 5.5, "K."),
    lab(40, DATA, 40.6, 5.5, "L."),
    lab(37, TOP, 50.0, 5.5, "22. RESUBMISSION CODE"),
    lab(37, TOP, 62.0, 5.5, "ORIGINAL REF. NO."),
    lab(39, TOP, 50.0, 5.5, "23. PRIOR AUTHORIZATION NUMBER"),
    lab(41, TOP, 1.0, 5.5, "24. A.   DATE(S) OF SERVICE"),
    lab(41, UNDER, 2.0, 4.5, "From"),
    lab(41, UNDER, 11.0, 4.5, "To"),
    lab(42, TOP, 1.0, 4.5, "MM   DD   YY   MM   DD   YY"),
    lab(41, TOP, 18.7, 5.0, "B."),
    lab(41, UNDER, 18.7, 4.0, "PLACE OF"),
    lab(42, TOP, 18.7, 4.0, "SERVICE"),
    lab(41, TOP, 21.7, 5.0, "C."),
    lab(42, TOP, 21.7, 4.5, "EMG"),
    lab(41, TOP, 24.0, 5.5, "D. PROCEDURES, SERVICES, OR SUPPLIES"),
    lab(41, UNDER, 24.0, 4.5, "(Explain Unusual Circumstances)"),
    lab(42, TOP, 24.0, 4.5, "CPT/HCPCS"),
    lab(42, TOP, 33.0, 4.5, "MODIFIER"),
    lab(41, TOP, 45.0, 5.5, "E."),
    lab(41, UNDER, 45.0, 4.5, "DIAGNOSIS"),
    lab(42, TOP, 45.0, 4.5, "POINTER"),
    lab(41, TOP, 50.0, 5.5, "F."),
    lab(42, TOP, 50.0, 4.5, "$ CHARGES"),
    lab(41, TOP, 59.0, 5.5, "G."),
    lab(41, UNDER, 59.0, 4.5, "DAYS OR"),
    lab(42, TOP, 59.0, 4.5, "UNITS"),
    lab(41, TOP, 62.8, 5.0, "H."),
    lab(41, UNDER, 62.8, 4.0, "EPSDT"),
    lab(42, TOP, 62.8, 4.0, "Family"),
    lab(41, TOP, 64.8, 5.0, "I."),
    lab(41, UNDER, 64.8, 4.0, "ID."),
    lab(42, TOP, 64.8, 4.0, "QUAL."),
    lab(41, TOP, 68.0, 5.5, "J."),
    lab(41, UNDER, 68.0, 4.5, "RENDERING"),
    lab(42, TOP, 68.0, 4.5, "PROVIDER ID. #"),
    lab(55, TOP, 1.0, 5.5, "25. FEDERAL TAX I.D. NUMBER"),
    lab(55, UNDER, 16.6, 4.5, "SSN"),
    lab(55, UNDER, 18.6, 4.5, "EIN"),
    lab(55, TOP, 22.0, 5.5, "26. PATIENT'S ACCOUNT NO."),
    lab(55, TOP, 38.0, 5.5, "27. ACCEPT ASSIGNMENT?"),
    lab(55, UNDER, 38.0, 4.0, "(For govt. claims, see back)"),
    lab(56, DATA, 39.4, 5.0, "YES"),
    lab(56, DATA, 44.4, 5.0, "NO"),
    lab(55, TOP, 50.0, 5.5, "28. TOTAL CHARGE"),
    lab(56, DATA, 50.1, 6.0, "$"),
    lab(55, TOP, 61.0, 5.5, "29. AMOUNT PAID"),
    lab(56, DATA, 61.1, 6.0, "$"),
    lab(55, TOP, 71.0, 5.5, "30. Rsvd for NUCC Use"),
    lab(57, TOP, 1.0, 5.5, "31. SIGNATURE OF PHYSICIAN OR SUPPLIER"),
    lab(57, UNDER, 1.0, 5.0, "INCLUDING DEGREES OR CREDENTIALS"),
    lab(
        58,
        TOP,
        1.0,
        4.5,
        "(I certify that the statements on the reverse",
    ),
    lab(
        58,
        UNDER,
        1.0,
        4.5,
        "apply to this bill and are made a part thereof.)",
    ),
    lab(61, DATA, 1.0, 5.5, "DATE"),
    lab(
        57,
        TOP,
        22.0,
        5.5,
        "32. SERVICE FACILITY LOCATION INFORMATION",
    ),
    lab(57, TOP, 50.0, 5.5, "33. BILLING PROVIDER INFO & PH #"),
    lab(57, DATA, 63.0, 6.0, "(          )"),
];

/// Draws the form itself in drop-out red (everything but the data).
fn draw_form(p: &mut Page) {
    let c = &mut p.content;
    // The shaded halves of the six service lines.
    c.set_fill_rgb(SHADE.0, SHADE.1, SHADE.2);
    for i in 0..LINES_PER_FORM {
        let top = line_top(43.0 + 2.0 * i as f32);
        c.rect(gx(0.5), top - LEADING, gx(80.5) - gx(0.5), LEADING)
            .fill_nonzero();
    }
    c.set_stroke_rgb(RED.0, RED.1, RED.2)
        .set_fill_rgb(RED.0, RED.1, RED.2)
        .set_line_width(0.5);
    for (line, from, to) in H_RULES {
        p.hline(line, from, to);
    }
    for (col, from, to) in V_RULES {
        p.vline(col, from, to);
    }
    for i in 0..LINES_PER_FORM {
        let shaded = 43.0 + 2.0 * i as f32;
        for (col, dashed) in LINE_RULES {
            if dashed {
                p.content.set_dash_pattern([1.0, 1.5], 0.0);
            }
            p.vline(col, shaded + 1.0, shaded + 2.0);
            if dashed {
                p.content.set_dash_pattern([], 0.0);
            }
        }
        // I and J have a shaded half of their own (qualifier and other ID).
        p.vline(64.5, shaded, shaded + 1.0);
        p.vline(67.5, shaded, shaded + 1.0);
        let number = (i + 1).to_string();
        p.label(7.0, line_top(shaded) - 15.0, 8.0, true, &number);
        p.label(gx(65.0), baseline(44 + 2 * i as u8), 5.5, false, "NPI");
    }
    // The dollars | cents divisions of boxes 28 and 29.
    p.content.set_dash_pattern([1.0, 1.5], 0.0);
    p.vline(57.5, 56.0, 57.0);
    p.vline(67.5, 56.0, 57.0);
    p.content.set_dash_pattern([], 0.0);
    // Check boxes, at the places the layout checks.
    for (slot, place) in LAYOUT {
        if slot.is_check_box() {
            check_box(p, place.line, f32::from(place.col));
        }
    }
    check_box(p, 36, 52.0);
    check_box(p, 36, 57.0);
    // Titles.
    p.label(gx(1.0), line_top(2.0) - 18.0, 20.0, true, "1500");
    p.label(
        gx(1.0),
        line_top(4.0) - 9.0,
        10.0,
        true,
        "HEALTH INSURANCE CLAIM FORM",
    );
    p.label(
        gx(1.0),
        line_top(5.0) - 7.0,
        5.5,
        false,
        "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12",
    );
    for l in LABELS {
        let top = line_top(f32::from(l.line));
        let y = match l.at {
            In::Top => top - 6.6,
            In::Under => top - 11.2,
            In::Data => baseline(l.line),
        };
        p.label(gx(l.col), y, l.size, l.bold, l.text);
    }
    p.label_down(gx(81.0), line_top(1.0) - 8.0, 6.0, "CARRIER");
    p.label_down(
        gx(81.0),
        line_top(8.0),
        6.0,
        "PATIENT AND INSURED INFORMATION",
    );
    p.label_down(
        gx(81.0),
        line_top(36.0),
        6.0,
        "PHYSICIAN OR SUPPLIER INFORMATION",
    );
    p.label(
        gx(1.0),
        line_top(62.0) - 8.0,
        5.5,
        false,
        "NUCC Instruction Manual available at: www.nucc.org",
    );
    p.label(
        gx(32.0),
        line_top(62.0) - 8.0,
        7.0,
        true,
        "PLEASE PRINT OR TYPE",
    );
    p.label(
        gx(55.0),
        line_top(62.0) - 8.0,
        5.5,
        false,
        "APPROVED OMB-0938-1197 FORM 1500 (02-12)",
    );
    // The data that follows is black.
    p.content.set_fill_rgb(0.0, 0.0, 0.0);
}

/// A check box around the cell the X prints in.
fn check_box(p: &mut Page, line: u8, col: f32) {
    let side = 8.0;
    let cx = gx(col) + PITCH / 2.0;
    let cy = baseline(line) + 2.8;
    p.content
        .rect(cx - side / 2.0, cy - side / 2.0, side, side)
        .stroke();
}

/// Writes the forms as a PDF, one page each (no forms: one blank form).
pub fn cms1500_pdf(forms: &[Cms1500], style: FormStyle) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let courier = Ref::new(3);
    let helvetica = Ref::new(4);
    let helvetica_bold = Ref::new(5);
    let count = forms.len().max(1);
    let page_ids: Vec<Ref> = (0..count).map(|i| Ref::new(6 + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(count as i32);
    for (id, base) in [
        (courier, &b"Courier"[..]),
        (helvetica, &b"Helvetica"[..]),
        (helvetica_bold, &b"Helvetica-Bold"[..]),
    ] {
        pdf.type1_font(id)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (n, page_id) in page_ids.iter().enumerate() {
        let mut page = Page {
            content: Content::new(),
        };
        if style == FormStyle::WithForm {
            draw_form(&mut page);
        }
        if let Some(form) = forms.get(n) {
            for (slot, place) in LAYOUT {
                match slot {
                    Slot::Line(field) => {
                        for (i, line) in form.lines.iter().enumerate() {
                            page.put(place, LINE_STEP * i as u8, line_value(line, field));
                        }
                    }
                    _ => {
                        let value = form.value(slot);
                        page.put(place, 0, &value);
                    }
                }
            }
        }
        let content_id = Ref::new(page_id.get() + 1);
        let mut p = pdf.page(*page_id);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        p.parent(tree);
        p.contents(content_id);
        {
            let mut resources = p.resources();
            let mut fonts = resources.fonts();
            fonts.pair(COURIER, courier);
            fonts.pair(HELVETICA, helvetica);
            fonts.pair(HELVETICA_BOLD, helvetica_bold);
        }
        p.finish();
        let data = page.content.finish();
        pdf.stream(content_id, &data);
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use rcm_claims::{ClaimInput, DiagnosisCode};
    use serde_json::{Value, json};

    /// A professional claim: a child on a parent's Blue Cross plan, referred, with a secondary
    /// payer that paid, a replacement of an earlier claim, and a drug billed with its NDC.
    fn claim_json() -> Value {
        json!({
            "kind": "professional",
            "patient_control_number": "MSFM-2026-0001",
            "billing_provider": {
                "npi": "1234567893",
                "name": "Main Street Clinic, P.A.",
                "tax_id": "74-1234567",
                "address": {"line1": "100 Main St.", "line2": "Suite #2", "city": "Austin", "state": "TX", "zip": "787011234"}
            },
            "rendering_provider": {"npi": "1245319599", "last_name": "Rivera", "first_name": "Ana"},
            "referring_provider": {"npi": "9876543213", "last_name": "Okafor", "first_name": "Chidi"},
            "subscriber": {
                "member_id": "XJH123456789",
                "last_name": "Doe",
                "first_name": "Jane",
                "birth_date": "1968-04-12",
                "sex": "F",
                "address": {"line1": "12 Elm St", "city": "Austin", "state": "TX", "zip": "78702"},
                "group_number": "GRP5000"
            },
            "patient": {
                "relationship": "19",
                "last_name": "Doe",
                "first_name": "Lily",
                "birth_date": "2015-06-01",
                "sex": "F",
                "address": {"line1": "12 Elm St", "city": "Austin", "state": "TX", "zip": "78702"}
            },
            "payers": [
                {"name": "Blue Cross Blue Shield of Texas", "payer_id": "84980", "responsibility": "primary", "filing_indicator": "BL"},
                {
                    "name": "Aetna", "payer_id": "60054", "responsibility": "secondary", "filing_indicator": "CI",
                    "subscriber": {"member_id": "W123", "last_name": "Doe", "first_name": "John", "group_number": "AET-77"},
                    "paid": "40.00"
                }
            ],
            "place_of_service": "11",
            "frequency": "7",
            "original_claim_reference": "PAYER-CLM-991",
            "prior_authorization": "PA12345",
            "onset_date": "2026-10-28",
            "diagnoses": ["E11.9", "Z79.84", "I10", "S72.001A"],
            "total_charge": "195.00",
            "lines": [
                {"procedure": "99214", "modifiers": ["25"], "charge": "150.00", "units": 1, "diagnosis_pointers": [1, 2, 3], "date_of_service": "2026-11-02"},
                {"procedure": "36415", "charge": "15.00", "units": 1, "diagnosis_pointers": [1], "date_of_service": "2026-11-02"},
                {
                    "procedure": "J3301", "modifiers": ["JZ", "RT"], "charge": "30.00", "units": 2,
                    "diagnosis_pointers": [4, 1], "date_of_service": "2026-11-02", "date_of_service_end": "2026-11-03",
                    "ndc": "00409-4888-02", "ndc_quantity": "1.5", "ndc_unit": "ML"
                }
            ]
        })
    }

    fn build(v: Value) -> Claim {
        let input: ClaimInput = serde_json::from_value(v).unwrap();
        let built = input.build("claims[0]");
        assert!(built.problems.is_empty(), "{:?}", built.problems);
        built.claim.unwrap()
    }

    fn signed() -> Date {
        jiff::civil::date(2026, 11, 24)
    }

    fn one_form(claim: &Claim) -> Cms1500 {
        let mut forms = Cms1500::from_claim(claim, signed()).unwrap();
        assert_eq!(forms.len(), 1);
        forms.remove(0)
    }

    /// A claim with `n` identical lines of $10.
    fn claim_with_lines(n: usize) -> Claim {
        let mut v = claim_json();
        let line = json!({"procedure": "97110", "charge": "10.00", "units": 1, "diagnosis_pointers": [1], "date_of_service": "2026-11-02"});
        v["lines"] = Value::Array(vec![line; n]);
        v["total_charge"] = json!(format!("{}.00", 10 * n));
        build(v)
    }

    /// Everywhere the PDF shows `text`: the `Td` of each of its text objects.
    fn all_shown_at(pdf: &[u8], text: &str) -> Vec<(f32, f32)> {
        let s = String::from_utf8_lossy(pdf);
        let needle = format!("({text}) Tj");
        s.match_indices(&needle)
            .filter_map(|(at, _)| {
                let before = &s[..at];
                let td = before.rfind(" Td")?;
                let start = before[..td].rfind('\n').map_or(0, |i| i + 1);
                let mut nums = before[start..td]
                    .split_whitespace()
                    .map(|n| n.parse::<f32>());
                Some((nums.next()?.ok()?, nums.next()?.ok()?))
            })
            .collect()
    }

    /// Where the PDF first shows `text`, if it does.
    fn shown_at(pdf: &[u8], text: &str) -> Option<(f32, f32)> {
        all_shown_at(pdf, text).first().copied()
    }

    fn assert_on_grid(pdf: &[u8], text: &str, line: u8, col: u8) {
        let (x, y) = shown_at(pdf, text).unwrap_or_else(|| panic!("{text} is not shown"));
        assert!(
            (x - gx(f32::from(col))).abs() < 0.01,
            "{text}: x {x}, column {col}"
        );
        assert!(
            (y - baseline(line)).abs() < 0.01,
            "{text}: y {y}, line {line}"
        );
    }

    #[test]
    fn the_boxes_carry_the_claim_as_the_form_prints_it() {
        let f = one_form(&build(claim_json()));
        assert_eq!(f.carrier, "BLUE CROSS BLUE SHIELD OF TEXAS");
        assert_eq!(f.insurance_type, InsuranceType::GroupHealthPlan);
        assert_eq!(f.insured_id, "XJH123456789");
        assert_eq!(f.patient_name, "DOE, LILY");
        assert_eq!(f.patient_birth_date, "06 01 2015");
        assert_eq!(f.patient_sex, Some(FormSex::Female));
        assert_eq!(f.insured_name, "DOE, JANE");
        assert_eq!(f.relationship, Relationship::Child);
        assert_eq!(f.patient_address.street, "12 ELM ST");
        assert_eq!(f.patient_address.zip, "78702");
        assert_eq!(f.other_insured_name, "DOE, JOHN");
        assert_eq!(f.other_insured_group, "AET-77");
        assert_eq!(f.other_plan_name, "AETNA");
        assert!(!f.employment_related && !f.auto_accident && !f.other_accident);
        assert_eq!(f.insured_group, "GRP5000");
        assert_eq!(f.insured_birth_date, "04 12 1968");
        assert_eq!(
            f.plan_name, "BLUE CROSS BLUE SHIELD OF TEX",
            "cut to box 11c"
        );
        assert!(f.another_plan);
        assert_eq!(f.patient_signature, "SIGNATURE ON FILE");
        assert_eq!(f.insured_signature, "SIGNATURE ON FILE");
        assert_eq!(
            (f.onset_date.as_str(), f.onset_qualifier.as_str()),
            ("10 28 26", "431")
        );
        assert_eq!(f.referring_qualifier, "DN");
        assert_eq!(f.referring_name, "CHIDI OKAFOR");
        assert_eq!(f.referring_npi, "9876543213");
        assert_eq!(f.icd_indicator, "0");
        // Box 21 takes the codes without the period; unused letters stay empty.
        assert_eq!(&f.diagnoses[..5], ["E119", "Z7984", "I10", "S72001A", ""]);
        assert_eq!(f.resubmission_code, "7");
        assert_eq!(f.original_reference, "PAYER-CLM-991");
        assert_eq!(f.prior_authorization, "PA12345");
        let l = &f.lines;
        assert_eq!(
            (l[0].from.as_str(), l[0].to.as_str()),
            ("11 02 26", "11 02 26")
        );
        assert_eq!(l[0].place_of_service, "11");
        assert_eq!(l[0].procedure, "99214");
        assert_eq!(l[0].modifiers, ["25", "", "", ""]);
        assert_eq!(l[0].diagnosis_pointer, "ABC");
        assert_eq!(l[0].charges, "150 00");
        assert_eq!(l[0].units, "1");
        assert_eq!(l[0].rendering_npi, "1245319599");
        assert_eq!(l[0].supplemental, "");
        assert_eq!(l[1].diagnosis_pointer, "A");
        assert_eq!(l[1].charges, "15 00");
        assert_eq!(l[2].to, "11 03 26");
        assert_eq!(l[2].modifiers, ["JZ", "RT", "", ""]);
        assert_eq!(l[2].diagnosis_pointer, "DA");
        assert_eq!(l[2].units, "2");
        assert_eq!(l[2].supplemental, "N400409488802   ML1.5");
        assert_eq!(l[3], Cms1500Line::default());
        assert_eq!(f.federal_tax_id, "741234567");
        assert_eq!(f.tax_id_kind, TaxIdKind::Ein);
        assert_eq!(f.patient_account, "MSFM-2026-0001");
        assert!(f.accept_assignment);
        assert_eq!(f.total_charge, "195 00");
        assert_eq!(f.amount_paid, "40 00");
        assert_eq!(f.physician_signature, "ANA RIVERA");
        assert_eq!(f.physician_signature_date, "11 24 26");
        assert_eq!(f.facility_name, "");
        assert_eq!(f.billing_name, "MAIN STREET CLINIC PA");
        assert_eq!(f.billing_street, "100 MAIN ST SUITE 2");
        assert_eq!(f.billing_city, "AUSTIN TX 78701-1234");
        assert_eq!(f.billing_npi, "1234567893");
        assert_eq!(f.page_label(), "");
    }

    #[test]
    fn a_patient_who_is_the_insured_on_an_original_claim() {
        let mut v = claim_json();
        v.as_object_mut().unwrap().remove("patient");
        v["payers"] = json!([{"name": "Medicare Part B", "payer_id": "04412", "responsibility": "primary", "filing_indicator": "MB"}]);
        v["frequency"] = json!("1");
        v.as_object_mut().unwrap().remove("referring_provider");
        v.as_object_mut().unwrap().remove("rendering_provider");
        let f = one_form(&build(v));
        assert_eq!(f.insurance_type, InsuranceType::Medicare);
        assert_eq!(f.relationship, Relationship::SelfInsured);
        assert_eq!(f.patient_name, "DOE, JANE");
        assert_eq!(f.patient_birth_date, "04 12 1968");
        assert!(!f.another_plan);
        assert_eq!(
            (f.other_insured_name.as_str(), f.other_plan_name.as_str()),
            ("", "")
        );
        assert_eq!(f.amount_paid, "", "no other payer paid: box 29 is blank");
        assert_eq!(
            (f.resubmission_code.as_str(), f.original_reference.as_str()),
            ("", "")
        );
        assert_eq!(
            (f.referring_qualifier.as_str(), f.referring_npi.as_str()),
            ("", "")
        );
        // Without a rendering provider, the billing provider signs and 24J is blank.
        assert_eq!(
            f.physician_signature, "MAIN STREET CLINIC P",
            "cut to box 31"
        );
        assert_eq!(f.lines[0].rendering_npi, "");
    }

    #[test]
    fn box_1_and_box_6_follow_the_837_codes() {
        let t = InsuranceType::from_filing_indicator;
        assert_eq!(t("MB"), InsuranceType::Medicare);
        assert_eq!(t("ma"), InsuranceType::Medicare);
        assert_eq!(t("MC"), InsuranceType::Medicaid);
        assert_eq!(t("CH"), InsuranceType::Tricare);
        assert_eq!(t("VA"), InsuranceType::ChampVa);
        assert_eq!(t("FI"), InsuranceType::Feca);
        for g in ["CI", "BL", "HM", "12", "13", "14", "15", "16"] {
            assert_eq!(t(g), InsuranceType::GroupHealthPlan, "{g}");
        }
        for o in ["WC", "ZZ", "11", "AM", ""] {
            assert_eq!(t(o), InsuranceType::Other, "{o}");
        }
        let r = Relationship::from_patient_relationship;
        assert_eq!(r(None), Relationship::SelfInsured);
        assert_eq!(r(Some("01")), Relationship::Spouse);
        assert_eq!(r(Some("19")), Relationship::Child);
        assert_eq!(r(Some("20")), Relationship::Other);
        assert_eq!(r(Some("G8")), Relationship::Other);
    }

    #[test]
    fn thirteen_lines_make_three_pages_with_the_total_on_the_last() {
        let forms = Cms1500::from_claim(&claim_with_lines(13), signed()).unwrap();
        assert_eq!(forms.len(), 3);
        let filled = |f: &Cms1500| f.lines.iter().filter(|l| !l.procedure.is_empty()).count();
        assert_eq!(forms.iter().map(filled).collect::<Vec<_>>(), [6, 6, 1]);
        for (i, f) in forms.iter().enumerate() {
            assert_eq!((f.page, f.pages), (i + 1, 3));
            assert_eq!(f.page_label(), format!("PAGE {} OF 3", i + 1));
            // Every page stands alone: the header boxes repeat.
            assert_eq!(f.insured_id, "XJH123456789");
            assert_eq!(f.diagnoses[0], "E119");
        }
        assert_eq!(forms[0].total_charge, "CONTINUED");
        assert_eq!(forms[1].total_charge, "CONTINUED");
        assert_eq!(forms[2].total_charge, "130 00");
        assert_eq!(forms[0].amount_paid, "");
        assert_eq!(forms[2].amount_paid, "40 00");
        let pdf = cms1500_pdf(&forms, FormStyle::DataOnly);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 3"));
        assert_eq!(text.matches("(CONTINUED) Tj").count(), 2);
        assert_eq!(text.matches("(130 00) Tj").count(), 1);
        for page in ["PAGE 1 OF 3", "PAGE 2 OF 3", "PAGE 3 OF 3"] {
            assert_on_grid(&pdf, page, 5, 68);
        }
        // Six lines fill one form exactly; seven need two.
        assert_eq!(
            Cms1500::from_claim(&claim_with_lines(6), signed())
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            Cms1500::from_claim(&claim_with_lines(7), signed())
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn a_thirteenth_diagnosis_is_refused_not_dropped() {
        let mut claim = build(claim_json());
        let codes = [
            "J02.9", "H66.91", "R05.9", "R50.9", "M54.50", "K21.9", "E78.5", "F41.1",
        ];
        for c in codes {
            claim.diagnoses.push(DiagnosisCode::parse(c).unwrap());
        }
        assert_eq!(claim.diagnoses.len(), 12);
        let forms = Cms1500::from_claim(&claim, signed()).unwrap();
        assert_eq!(forms[0].diagnoses[11], "F411");
        claim
            .diagnoses
            .push(DiagnosisCode::parse("Z00.00").unwrap());
        let err = Cms1500::from_claim(&claim, signed()).unwrap_err();
        assert_eq!(err, Cms1500Error::TooManyDiagnoses { count: 13 });
        let message = err.to_string();
        assert!(
            message.contains("13 diagnoses") && message.contains("holds 12"),
            "{message}"
        );
    }

    #[test]
    fn what_the_form_cannot_hold_is_refused() {
        let mut claim = build(claim_json());
        claim.lines[1].diagnosis_pointers = vec![5];
        assert_eq!(
            Cms1500::from_claim(&claim, signed()),
            Err(Cms1500Error::PointerOutOfRange {
                line: 2,
                pointer: 5
            })
        );
        let mut claim = build(claim_json());
        claim.patient_control_number = "MSFM-2026-000000001".into();
        let err = Cms1500::from_claim(&claim, signed()).unwrap_err();
        assert_eq!(
            err,
            Cms1500Error::DoesNotFit {
                field: "box 26 patient's account number",
                width: 14
            }
        );
        assert!(!err.to_string().contains("MSFM"), "no values in messages");
        let mut claim = build(claim_json());
        claim.lines[0].charge = Money(10_000_000);
        claim.total_charge = Money(10_004_500);
        assert_eq!(
            Cms1500::from_claim(&claim, signed()),
            Err(Cms1500Error::DoesNotFit {
                field: "box 24F charges",
                width: 8
            })
        );
        let mut claim = build(claim_json());
        claim.kind = ClaimKind::Institutional;
        assert_eq!(
            Cms1500::from_claim(&claim, signed()),
            Err(Cms1500Error::NotProfessional)
        );
        let mut claim = build(claim_json());
        claim.lines.clear();
        assert_eq!(
            Cms1500::from_claim(&claim, signed()),
            Err(Cms1500Error::NoServiceLines)
        );
    }

    #[test]
    fn money_prints_in_dollars_and_cents_columns() {
        assert_eq!(form_money(Money(12_500)), "125 00");
        assert_eq!(form_money(Money(5)), "0 05");
        assert_eq!(form_money(Money(12_345_678)), "123456 78");
        assert_eq!(form_money(Money(-305)), "-3 05");
        let forms = Cms1500::from_claim(&build(claim_json()), signed()).unwrap();
        let pdf = cms1500_pdf(&forms, FormStyle::DataOnly);
        // Right-aligned: the cents of 24F end in column 57, of box 28 in column 59, of box 29
        // in column 69, whatever the number of dollar digits.
        assert_on_grid(&pdf, "150 00", 44, 52);
        assert_on_grid(&pdf, "15 00", 46, 53);
        assert_on_grid(&pdf, "195 00", 56, 54);
        assert_on_grid(&pdf, "40 00", 56, 65);
    }

    #[test]
    fn the_data_sits_on_the_ten_pitch_six_lines_per_inch_grid() {
        let forms = Cms1500::from_claim(&build(claim_json()), signed()).unwrap();
        let pdf = cms1500_pdf(&forms, FormStyle::DataOnly);
        // Column 1 is 0.3 inch from the left edge, line L's baseline 3 pt above L/6 inch.
        assert!((gx(1.0) - 21.6).abs() < 1e-4 && (gx(50.0) - 374.4).abs() < 1e-3);
        assert!((baseline(8) - (792.0 - 96.0 + 3.0)).abs() < 1e-4);
        assert_on_grid(&pdf, "XJH123456789", 8, 50);
        assert_on_grid(&pdf, "DOE, LILY", 10, 1);
        assert_on_grid(&pdf, "06 01 2015", 10, 31);
        assert_on_grid(&pdf, "E119", 38, 3);
        assert_on_grid(&pdf, "Z7984", 38, 16);
        assert_on_grid(&pdf, "S72001A", 38, 42);
        assert_on_grid(&pdf, "0", 37, 42);
        assert_on_grid(&pdf, "PAYER-CLM-991", 38, 62);
        assert_on_grid(&pdf, "99214", 44, 25);
        assert_on_grid(&pdf, "ABC", 44, 45);
        assert_on_grid(&pdf, "N400409488802   ML1.5", 47, 1);
        assert_on_grid(&pdf, "J3301", 48, 25);
        assert_on_grid(&pdf, "RT", 48, 36);
        assert_on_grid(&pdf, "741234567", 56, 1);
        assert_on_grid(&pdf, "MSFM-2026-0001", 56, 23);
        assert_on_grid(&pdf, "1234567893", 61, 50);
        // Check boxes: group health plan (box 1), female (3), child (6), 11d yes, EIN, 27 yes.
        let text = String::from_utf8_lossy(&pdf);
        let xs = all_shown_at(&pdf, "X");
        let want: [(u8, u8); 10] = [
            (8, 31),
            (10, 47),
            (12, 42),
            (20, 41),
            (20, 75),
            (22, 41),
            (24, 41),
            (26, 52),
            (56, 19),
            (56, 38),
        ];
        assert_eq!(xs.len(), want.len(), "{xs:?}");
        for (line, col) in want {
            assert!(
                xs.iter().any(|(x, y)| (x - gx(f32::from(col))).abs() < 0.01
                    && (y - baseline(line)).abs() < 0.01),
                "no X at line {line} column {col}: {xs:?}"
            );
        }
        // Courier 10 pt with 1.2 pt between characters: ten characters per inch.
        assert!(text.contains("/F1 10 Tf\n1.2 Tc"));
        assert!(text.contains("/BaseFont /Courier"));
    }

    #[test]
    fn the_pdf_has_a_page_per_form_and_red_only_with_the_form() {
        let forms = Cms1500::from_claim(&claim_with_lines(13), signed()).unwrap();
        let data_only = cms1500_pdf(&forms, FormStyle::DataOnly);
        let with_form = cms1500_pdf(&forms, FormStyle::WithForm);
        for pdf in [&data_only, &with_form] {
            assert!(pdf.starts_with(b"%PDF-"));
            let text = String::from_utf8_lossy(pdf);
            assert!(text.contains("/Count 3"));
            assert_eq!(
                text.matches("/Type /Page\n").count() + text.matches("/Type /Page ").count(),
                3
            );
            assert!(text.trim_end().ends_with("%%EOF"));
            assert!(text.contains("(XJH123456789) Tj"));
        }
        let d = String::from_utf8_lossy(&data_only);
        let w = String::from_utf8_lossy(&with_form);
        // No colour at all on the data-only pages (black is the default); the form's red on the
        // other, with its titles and rules.
        for op in [" RG\n", " rg\n", " re\n"] {
            assert!(!d.contains(op), "data only has {op:?}");
        }
        assert!(w.contains("0.86 0.15 0.15 RG"), "drop-out red strokes");
        assert!(w.contains("0.86 0.15 0.15 rg"), "drop-out red titles");
        assert!(w.contains("(HEALTH INSURANCE CLAIM FORM) Tj"));
        assert!(w.contains("(1a. INSURED'S I.D. NUMBER) Tj"));
        assert!(w.contains("0 0 0 rg"), "the data goes back to black");
        assert!(!d.contains("(HEALTH INSURANCE CLAIM FORM) Tj"));
        // The data is the same in both.
        assert_eq!(
            shown_at(&data_only, "PAGE 2 OF 3"),
            shown_at(&with_form, "PAGE 2 OF 3")
        );
        // No forms: one blank form.
        let blank = cms1500_pdf(&[], FormStyle::WithForm);
        assert!(String::from_utf8_lossy(&blank).contains("/Count 1"));
    }
}
