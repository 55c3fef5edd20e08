//! The JSON API: request and response shapes (each with its JSON schema for the OpenAPI
//! document) and the handlers. Request bodies are read into these shapes with the path of any
//! wrong field, then parsed into the store's typed records, every bad field reported at once.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use rcm_claims::Money;
use rcm_edits::Finding;
use rcm_store::{self as store, ClaimContent, ClaimStatus};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::auth::{Permission, Principal, Via};
use crate::coding::today;
use crate::problem::{ApiResult, FieldError, Problem};
use crate::service::{self, CheckedClaim};

// ---------------------------------------------------------------- reading requests

/// Reads a JSON body into `T`; a wrong shape is a 400/422 naming the field, never a panic.
pub fn read_json<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> ApiResult<T> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.starts_with("application/json") {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "media-type",
            "send the body as JSON with Content-Type: application/json",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            Problem::bad_request(format!(
                "the body is not valid JSON (line {}, column {})",
                inner.line(),
                inner.column()
            ))
        } else {
            Problem::field(
                if path == "." { "(body)" } else { &path },
                without_values(&inner.to_string()),
            )
        }
    })
}

/// serde's message without the value that was sent ("invalid type: string \"Smith\", expected
/// i64" → "invalid type: string (value), expected i64"): a name or a member id must not come back
/// in an error. Field names (`unknown field `nickname``) stay: they are the request's shape.
pub fn without_values(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[i];
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        let Some(end) = after[1..].find(char::from(quote)) else {
            out.push_str("(value)");
            rest = "";
            break;
        };
        let inner = &after[1..=end];
        let names_a_field = quote == b'`' && (out.ends_with("field ") || out.contains("expected"));
        if names_a_field {
            out.push('`');
            out.push_str(inner);
            out.push('`');
        } else {
            out.push_str("(value)");
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Collects field errors while parsing.
#[derive(Default)]
pub struct Fields(pub Vec<FieldError>);

impl Fields {
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }
    pub fn date(&mut self, field: &str, text: &str) -> Option<Date> {
        match rcm_claims::input::parse_date(text.trim()) {
            Some(d) => Some(d),
            None => {
                self.push(field, "a date as YYYY-MM-DD");
                None
            }
        }
    }
    pub fn opt_date(&mut self, field: &str, text: Option<&str>) -> Option<Option<Date>> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Some(None),
            Some(t) => self.date(field, t).map(Some),
        }
    }
    pub fn text(&mut self, field: &str, text: &str, max: usize) -> String {
        let t = text.trim();
        if t.is_empty() {
            self.push(field, "required");
        } else if t.chars().count() > max {
            self.push(field, format!("at most {max} characters"));
        }
        t.to_owned()
    }
    pub fn opt_text(&mut self, field: &str, text: Option<&str>, max: usize) -> Option<String> {
        let t = text.map(str::trim).filter(|t| !t.is_empty())?;
        if t.chars().count() > max {
            self.push(field, format!("at most {max} characters"));
        }
        Some(t.to_owned())
    }
    pub fn finish<T>(self, value: T) -> ApiResult<T> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(Problem::invalid(self.0))
        }
    }
}

// ---------------------------------------------------------------- shapes

#[derive(Debug, Serialize, JsonSchema)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
    /// Send as `X-CSRF-Token` on state-changing requests made with the session cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SearchQuery {
    /// Words or a code, as typed.
    pub q: String,
    /// Date of service (YYYY-MM-DD): the code-set version in effect that day. Default today.
    pub date: Option<String>,
    /// At most 50; default 10.
    pub limit: Option<usize>,
    /// Only billable codes.
    pub billable: Option<bool>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CodeHit {
    pub code: String,
    pub title: String,
    pub billable: bool,
    /// For a code that needs a 7th character: the characters allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_seventh: Option<String>,
    /// Why it matched.
    pub why: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DateQuery {
    pub date: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct NoteOut {
    /// excludes1, excludes2, includes, inclusionTerm, codeFirst, useAdditionalCode, codeAlso, notes, sevenChrNote.
    pub kind: String,
    pub text: String,
    /// The code or block the note is written on (notes are inherited).
    pub source: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SeventhOut {
    pub character: String,
    pub meaning: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CodeDetail {
    pub input: String,
    pub code: Option<String>,
    pub valid: bool,
    pub billable: bool,
    pub message: String,
    pub title: Option<String>,
    pub version: String,
    pub notes: Vec<NoteOut>,
    pub allowed_seventh: Vec<SeventhOut>,
    /// Nearest codes, or billable codes below a header.
    pub suggestions: Vec<CodeHit>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ProviderOut {
    pub id: i64,
    pub name: String,
    pub npi: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PayerOut {
    pub id: i64,
    pub name: String,
    pub payer_code: String,
    pub claim_filing_indicator: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Reference {
    pub billing_providers: Vec<ProviderOut>,
    pub rendering_providers: Vec<ProviderOut>,
    pub payers: Vec<PayerOut>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct PageQuery {
    pub offset: Option<i64>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct PatientQuery {
    /// Find by last name (case, spaces and punctuation ignored) and date of birth, both required.
    pub last_name: Option<String>,
    pub birth_date: Option<String>,
    pub offset: Option<i64>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressBody {
    pub line1: String,
    #[serde(default)]
    pub line2: Option<String>,
    pub city: String,
    /// Two-letter state code.
    pub state: String,
    /// ZIP or ZIP+4.
    pub postal_code: String,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatientBody {
    pub last_name: String,
    pub first_name: String,
    #[serde(default)]
    pub middle_name: Option<String>,
    /// YYYY-MM-DD.
    pub birth_date: String,
    /// F, M or U.
    pub sex: String,
    #[serde(default)]
    pub address: Option<AddressBody>,
    #[serde(default)]
    pub phone: Option<String>,
}

impl PatientBody {
    pub fn parse(&self, organization_id: i64) -> ApiResult<store::PatientData> {
        let mut f = Fields::default();
        let last_name = f.text("last_name", &self.last_name, 60);
        let first_name = f.text("first_name", &self.first_name, 35);
        let middle_name = f.opt_text("middle_name", self.middle_name.as_deref(), 25);
        let birth_date = f.date("birth_date", &self.birth_date);
        if birth_date.is_some_and(|d| d > today()) {
            f.push("birth_date", "is in the future");
        }
        let sex = store::Sex::parse(self.sex.trim());
        if sex.is_none() {
            f.push("sex", "F, M or U");
        }
        let address = self
            .address
            .as_ref()
            .map(|a| parse_address(&mut f, "address", a));
        let phone = f.opt_text("phone", self.phone.as_deref(), 20);
        if phone
            .as_deref()
            .is_some_and(|p| p.chars().filter(char::is_ascii_digit).count() < 10)
        {
            f.push("phone", "10 digits with the area code");
        }
        let (Some(birth_date), Some(sex)) = (birth_date, sex) else {
            return Err(Problem::invalid(f.0));
        };
        f.finish(store::PatientData {
            organization_id,
            last_name,
            first_name,
            middle_name,
            birth_date,
            sex,
            address,
            phone,
        })
    }
}

fn parse_address(f: &mut Fields, at: &str, a: &AddressBody) -> store::Address {
    let line1 = f.text(&format!("{at}.line1"), &a.line1, 55);
    let line2 = f.opt_text(&format!("{at}.line2"), a.line2.as_deref(), 55);
    let city = f.text(&format!("{at}.city"), &a.city, 30);
    let state = a.state.trim().to_ascii_uppercase();
    if state.len() != 2 || !state.bytes().all(|b| b.is_ascii_uppercase()) {
        f.push(format!("{at}.state"), "the two-letter state code");
    }
    let zip: String = a.postal_code.chars().filter(|c| *c != '-').collect();
    if !(zip.len() == 5 || zip.len() == 9) || !zip.bytes().all(|b| b.is_ascii_digit()) {
        f.push(format!("{at}.postal_code"), "5 or 9 digits");
    }
    store::Address {
        line1,
        line2,
        city,
        state,
        postal_code: zip,
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PatientOut {
    pub id: i64,
    pub version: i64,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub birth_date: String,
    pub sex: String,
    pub address: Option<AddressBody>,
    pub phone: Option<String>,
}

impl From<&store::Patient> for PatientOut {
    fn from(p: &store::Patient) -> PatientOut {
        let d = &p.data;
        PatientOut {
            id: p.id,
            version: p.version,
            last_name: d.last_name.clone(),
            first_name: d.first_name.clone(),
            middle_name: d.middle_name.clone(),
            birth_date: d.birth_date.to_string(),
            sex: d.sex.as_str().to_owned(),
            address: d.address.as_ref().map(|a| AddressBody {
                line1: a.line1.clone(),
                line2: a.line2.clone(),
                city: a.city.clone(),
                state: a.state.clone(),
                postal_code: a.postal_code.clone(),
            }),
            phone: d.phone.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverageBody {
    pub payer_id: i64,
    /// 1 primary, 2 secondary, 3 tertiary.
    pub order: i64,
    pub member_id: String,
    #[serde(default)]
    pub group_number: Option<String>,
    /// self, spouse, child or other.
    pub relationship: String,
    /// Required unless the relationship is self (then the patient's name is used).
    #[serde(default)]
    pub subscriber_last_name: Option<String>,
    #[serde(default)]
    pub subscriber_first_name: Option<String>,
    #[serde(default)]
    pub subscriber_birth_date: Option<String>,
    pub effective_from: String,
    #[serde(default)]
    pub effective_to: Option<String>,
}

impl CoverageBody {
    pub fn parse(
        &self,
        patient: &store::Patient,
        payers: &[store::Payer],
    ) -> ApiResult<store::CoverageData> {
        let mut f = Fields::default();
        if !payers.iter().any(|p| p.id == self.payer_id) {
            f.push("payer_id", "not a payer of this organization");
        }
        if !(1..=3).contains(&self.order) {
            f.push("order", "1 primary, 2 secondary or 3 tertiary");
        }
        let member_id = f.text("member_id", &self.member_id, 80);
        let group_number = f.opt_text("group_number", self.group_number.as_deref(), 50);
        let relationship = store::Relationship::parse(self.relationship.trim());
        if relationship.is_none() {
            f.push("relationship", "self, spouse, child or other");
        }
        let own = relationship == Some(store::Relationship::Own);
        let (last, first) = if own {
            (
                patient.data.last_name.clone(),
                patient.data.first_name.clone(),
            )
        } else {
            (
                f.text(
                    "subscriber_last_name",
                    self.subscriber_last_name.as_deref().unwrap_or(""),
                    60,
                ),
                f.text(
                    "subscriber_first_name",
                    self.subscriber_first_name.as_deref().unwrap_or(""),
                    35,
                ),
            )
        };
        let subscriber_birth_date = if own {
            Some(Some(patient.data.birth_date))
        } else {
            f.opt_date(
                "subscriber_birth_date",
                self.subscriber_birth_date.as_deref(),
            )
        };
        let from = f.date("effective_from", &self.effective_from);
        let to = f.opt_date("effective_to", self.effective_to.as_deref());
        if let (Some(a), Some(Some(b))) = (from, to)
            && b < a
        {
            f.push("effective_to", "is before effective_from");
        }
        let (Some(relationship), Some(from), Some(to), Some(sbd)) =
            (relationship, from, to, subscriber_birth_date)
        else {
            return Err(Problem::invalid(f.0));
        };
        f.finish(store::CoverageData {
            patient_id: patient.id,
            payer_id: self.payer_id,
            order: self.order,
            member_id,
            group_number,
            relationship,
            subscriber_last_name: last,
            subscriber_first_name: first,
            subscriber_birth_date: sbd,
            effective_from: from,
            effective_to: to,
        })
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CoverageOut {
    pub id: i64,
    pub payer_id: i64,
    pub order: i64,
    pub member_id: String,
    pub group_number: Option<String>,
    pub relationship: String,
    pub subscriber_last_name: String,
    pub subscriber_first_name: String,
    pub effective_from: String,
    pub effective_to: Option<String>,
}

impl From<&store::Coverage> for CoverageOut {
    fn from(c: &store::Coverage) -> CoverageOut {
        let d = &c.data;
        CoverageOut {
            id: c.id,
            payer_id: d.payer_id,
            order: d.order,
            member_id: d.member_id.clone(),
            group_number: d.group_number.clone(),
            relationship: d.relationship.as_str().to_owned(),
            subscriber_last_name: d.subscriber_last_name.clone(),
            subscriber_first_name: d.subscriber_first_name.clone(),
            effective_from: d.effective_from.to_string(),
            effective_to: d.effective_to.map(|x| x.to_string()),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EncounterBody {
    pub patient_id: i64,
    pub billing_provider_id: i64,
    #[serde(default)]
    pub rendering_provider_id: Option<i64>,
    /// YYYY-MM-DD.
    pub service_date: String,
    /// Two digits: 11 office, 02 telehealth, 22 outpatient hospital…
    pub place_of_service: String,
    #[serde(default)]
    pub notes: Option<String>,
}

impl EncounterBody {
    pub async fn parse(&self, state: &AppState) -> ApiResult<store::EncounterData> {
        let mut f = Fields::default();
        let billing = state.store.billing_providers(state.org()).await?;
        if !billing.iter().any(|b| b.id == self.billing_provider_id) {
            f.push(
                "billing_provider_id",
                "not a billing provider of this organization",
            );
        }
        if let Some(r) = self.rendering_provider_id {
            let rendering = state.store.rendering_providers(state.org()).await?;
            if !rendering.iter().any(|x| x.id == r) {
                f.push(
                    "rendering_provider_id",
                    "not a rendering provider of this organization",
                );
            }
        }
        let date = f.date("service_date", &self.service_date);
        if date.is_some_and(|d| d > today()) {
            f.push("service_date", "is in the future");
        }
        let pos = self.place_of_service.trim().to_owned();
        if rcm_claims::PlaceOfService::parse(&pos).is_err() {
            f.push(
                "place_of_service",
                "two digits (11 office, 02 telehealth, 22 outpatient hospital)",
            );
        }
        let notes = f.opt_text("notes", self.notes.as_deref(), 10_000);
        let Some(date) = date else {
            return Err(Problem::invalid(f.0));
        };
        f.finish(store::EncounterData {
            organization_id: state.org(),
            patient_id: self.patient_id,
            billing_provider_id: self.billing_provider_id,
            rendering_provider_id: self.rendering_provider_id,
            service_date: date,
            place_of_service: pos,
            notes,
        })
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct EncounterOut {
    pub id: i64,
    pub patient_id: i64,
    pub billing_provider_id: i64,
    pub rendering_provider_id: Option<i64>,
    pub service_date: String,
    pub place_of_service: String,
    pub notes: Option<String>,
    /// The encounter's claim, once one is made.
    pub claim_id: Option<i64>,
}

/// A service line as sent: amounts as strings ("125.00") or whole numbers, never floats.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    /// CPT or HCPCS code.
    pub procedure_code: String,
    #[serde(default)]
    pub modifiers: Vec<String>,
    pub charge: rcm_claims::input::AmountInput,
    pub units: rcm_claims::input::UnitsInput,
    /// 1-based positions in `diagnoses`, up to four.
    pub diagnosis_pointers: Vec<u8>,
    /// Default: the encounter's date of service.
    #[serde(default)]
    pub service_date: Option<String>,
    #[serde(default)]
    pub place_of_service: Option<String>,
    #[serde(default)]
    pub rendering_provider_id: Option<i64>,
}

/// A claim's content as sent.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    pub encounter_id: i64,
    pub coverage_id: i64,
    /// 1 original (default), 7 replacement, 8 void.
    #[serde(default)]
    pub frequency_code: Option<String>,
    /// ICD-10-CM codes, principal first, with or without the dot.
    pub diagnoses: Vec<String>,
    pub lines: Vec<LineBody>,
}

/// A claim's new content and the version it was read at.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimUpdate {
    pub version: i64,
    pub coverage_id: i64,
    #[serde(default)]
    pub frequency_code: Option<String>,
    pub diagnoses: Vec<String>,
    pub lines: Vec<LineBody>,
}

/// Parses a claim's content: every field that cannot be read is reported with its path.
pub fn parse_content(
    coverage_id: i64,
    frequency: Option<&str>,
    diagnoses: &[String],
    lines: &[LineBody],
    service_date: Date,
) -> ApiResult<ClaimContent> {
    let mut f = Fields::default();
    let mut dx = Vec::new();
    for (i, d) in diagnoses.iter().enumerate() {
        let code: String = d
            .trim()
            .chars()
            .filter(|c| *c != '.')
            .collect::<String>()
            .to_ascii_uppercase();
        if code.is_empty() {
            continue;
        }
        if rcm_claims::DiagnosisCode::parse(&code).is_err() {
            f.push(
                format!("diagnoses[{i}]"),
                "an ICD-10-CM code: a letter, two characters, then up to four more (E11.9)",
            );
        }
        dx.push(code);
    }
    if dx.is_empty() {
        f.push("diagnoses", "at least one diagnosis");
    } else if dx.len() > 12 {
        f.push("diagnoses", "at most 12 diagnoses on a professional claim");
    }
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let at = |x: &str| format!("lines[{i}].{x}");
        let code = l.procedure_code.trim().to_ascii_uppercase();
        if rcm_claims::ProcedureCode::parse(&code).is_err() {
            f.push(at("procedure_code"), "a CPT code (5 digits, or 4 digits and F/T/U) or a HCPCS code (a letter and 4 digits)");
        }
        let mut modifiers = Vec::new();
        for (m_i, m) in l.modifiers.iter().enumerate() {
            let m = m.trim().to_ascii_uppercase();
            if m.is_empty() {
                continue;
            }
            if rcm_claims::Modifier::parse(&m).is_err() {
                f.push(
                    format!("lines[{i}].modifiers[{m_i}]"),
                    "two letters or digits",
                );
            }
            modifiers.push(m);
        }
        if modifiers.len() > 4 {
            f.push(at("modifiers"), "at most four modifiers");
        }
        let charge = match Money::parse(&l.charge.0) {
            Ok(m) if m.cents() > 0 => m.cents(),
            Ok(_) => {
                f.push(at("charge"), "more than zero");
                0
            }
            Err(_) => {
                f.push(at("charge"), "dollars with at most two decimals (125.50)");
                0
            }
        };
        let units = match rcm_claims::Units::parse(&l.units.0) {
            Ok(u) if u.0 > 0 => u.0,
            _ => {
                f.push(at("units"), "a number of units more than zero (1, 2, 0.5)");
                0
            }
        };
        if l.diagnosis_pointers.is_empty() || l.diagnosis_pointers.len() > 4 {
            f.push(
                at("diagnosis_pointers"),
                "1 to 4 pointers to the claim's diagnoses",
            );
        } else if let Some(p) = l
            .diagnosis_pointers
            .iter()
            .find(|&&p| p == 0 || usize::from(p) > dx.len())
        {
            f.push(
                at("diagnosis_pointers"),
                format!("{p} does not point to a diagnosis (1 to {})", dx.len()),
            );
        }
        let date = match &l.service_date {
            Some(d) if !d.trim().is_empty() => {
                f.date(&at("service_date"), d).unwrap_or(service_date)
            }
            _ => service_date,
        };
        let pos = l
            .place_of_service
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        if pos
            .as_deref()
            .is_some_and(|p| rcm_claims::PlaceOfService::parse(p).is_err())
        {
            f.push(at("place_of_service"), "two digits");
        }
        out.push(store::ServiceLine {
            procedure_code: code,
            modifiers,
            charge_cents: charge,
            units_milli: units,
            diagnosis_pointers: l.diagnosis_pointers.clone(),
            service_date: date,
            place_of_service: pos,
            rendering_provider_id: l.rendering_provider_id,
        });
    }
    if out.is_empty() {
        f.push("lines", "at least one service line");
    } else if out.len() > 50 {
        f.push("lines", "at most 50 service lines on a professional claim");
    }
    let frequency = frequency
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .unwrap_or("1")
        .to_owned();
    if !matches!(frequency.as_str(), "1" | "7" | "8") {
        f.push("frequency_code", "1 original, 7 replacement or 8 void");
    }
    f.finish(ClaimContent {
        coverage_id,
        frequency_code: frequency,
        diagnoses: dx,
        lines: out,
    })
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FindingOut {
    pub id: String,
    /// error, hold, warning or info.
    pub severity: String,
    pub category: String,
    pub message: String,
    pub fields: Vec<String>,
    pub next_step: Option<String>,
}

impl From<&Finding> for FindingOut {
    fn from(f: &Finding) -> FindingOut {
        FindingOut {
            id: f.id.to_string(),
            severity: f.severity.label().to_owned(),
            category: serde_json::to_value(f.category)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            message: f.message.clone(),
            fields: f.fields.iter().map(|x| x.to_string()).collect(),
            next_step: f.next_step.as_ref().map(|x| x.to_string()),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Findings {
    pub errors: usize,
    pub warnings: usize,
    pub findings: Vec<FindingOut>,
}

impl From<&rcm_edits::ClaimReport> for Findings {
    fn from(r: &rcm_edits::ClaimReport) -> Findings {
        let errors = r.count(rcm_edits::Severity::Error);
        Findings {
            errors,
            warnings: r.findings.len() - errors,
            findings: r.findings.iter().map(FindingOut::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ClaimOut {
    pub id: i64,
    pub patient_control_number: String,
    pub encounter_id: i64,
    pub patient_id: i64,
    pub coverage_id: i64,
    pub status: String,
    pub version: i64,
    pub frequency_code: String,
    pub total_charge: String,
    pub diagnoses: Vec<String>,
    pub lines: Vec<LineBody>,
    pub batch_id: Option<i64>,
    pub updated_at: String,
    pub updated_by: String,
    pub scrub: Findings,
}

impl From<&CheckedClaim> for ClaimOut {
    fn from(c: &CheckedClaim) -> ClaimOut {
        let k = &c.claim;
        ClaimOut {
            id: k.id,
            patient_control_number: crate::coding::patient_control_number(k.id),
            encounter_id: k.encounter_id,
            patient_id: c.records.patient.id,
            coverage_id: k.content.coverage_id,
            status: k.status.as_str().to_owned(),
            version: k.version,
            frequency_code: k.content.frequency_code.clone(),
            total_charge: Money(k.total_charge_cents).to_plain(),
            diagnoses: k.content.diagnoses.clone(),
            lines: k.content.lines.iter().map(line_out).collect(),
            batch_id: k.batch_id,
            updated_at: k.updated_at.to_string(),
            updated_by: k.updated_by.clone(),
            scrub: Findings::from(&c.report),
        }
    }
}

pub fn line_out(l: &store::ServiceLine) -> LineBody {
    LineBody {
        procedure_code: l.procedure_code.clone(),
        modifiers: l.modifiers.clone(),
        charge: rcm_claims::input::AmountInput(Money(l.charge_cents).to_plain()),
        units: rcm_claims::input::UnitsInput(units_text(l.units_milli)),
        diagnosis_pointers: l.diagnosis_pointers.clone(),
        service_date: Some(l.service_date.to_string()),
        place_of_service: l.place_of_service.clone(),
        rendering_provider_id: l.rendering_provider_id,
    }
}

pub fn units_text(milli: i64) -> String {
    if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{}.{:03}", milli / 1000, milli % 1000)
            .trim_end_matches('0')
            .to_owned()
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// ready, draft or void.
    pub status: String,
    /// The version the claim was read at.
    pub version: i64,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct HistoryOut {
    pub from: Option<String>,
    pub to: String,
    pub at: String,
    pub by: String,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ClaimQuery {
    /// draft, ready, submitted, accepted, rejected, paid, denied, void.
    pub status: Option<String>,
    pub payer_id: Option<i64>,
    pub billing_provider_id: Option<i64>,
    pub patient_id: Option<i64>,
    /// Dates of service from and to (YYYY-MM-DD).
    pub from: Option<String>,
    pub to: Option<String>,
    /// true: scrubbed with errors; false: scrubbed clean.
    pub has_errors: Option<bool>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ClaimSummaryOut {
    pub id: i64,
    pub patient_id: i64,
    pub payer_id: i64,
    pub billing_provider_id: i64,
    pub service_date: String,
    pub status: String,
    pub total_charge: String,
    pub version: i64,
    pub scrub_errors: Option<i64>,
    pub scrub_warnings: Option<i64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchBody {
    /// Ready professional claims.
    pub claim_ids: Vec<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct BatchOut {
    pub id: i64,
    pub kind: String,
    pub interchange_control_number: i64,
    pub claim_ids: Vec<i64>,
    pub created_at: String,
    pub created_by: String,
    /// Where to download the 837.
    pub file: String,
}

impl From<&store::Batch> for BatchOut {
    fn from(b: &store::Batch) -> BatchOut {
        BatchOut {
            id: b.id,
            kind: b.kind.as_str().to_owned(),
            interchange_control_number: b.interchange_control_number,
            claim_ids: b.claim_ids.clone(),
            created_at: b.created_at.to_string(),
            created_by: b.created_by.clone(),
            file: format!("/api/batches/{}/837", b.id),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    /// Entries before this sequence number (paging backwards).
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AuditOut {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    pub ip: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AuditVerifyOut {
    pub intact: bool,
    pub entries: i64,
    /// The first entry where the chain breaks, and how.
    pub first_broken_seq: Option<i64>,
    pub problem: Option<String>,
}

// ---------------------------------------------------------------- idempotency

/// Runs a create once per `Idempotency-Key`: a retry with the same key and body gets the first
/// answer again; the same key with another body is refused.
async fn idempotent<F, Fut>(
    state: &AppState,
    who: &Principal,
    headers: &HeaderMap,
    body: &[u8],
    create: F,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ApiResult<(StatusCode, serde_json::Value)>>,
{
    let key = match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(k)) if !k.is_empty() && k.len() <= 255 && k.is_ascii() => Some(k.to_owned()),
        Some(_) => {
            return Problem::field("Idempotency-Key", "1 to 255 visible ASCII characters")
                .into_response();
        }
    };
    let Some(key) = key else {
        return match create().await {
            Ok((status, v)) => (status, axum::Json(v)).into_response(),
            Err(p) => p.into_response(),
        };
    };
    let hash: [u8; 32] = Sha256::digest(body).into();
    match state
        .store
        .idempotent_response(&who.user.username, &key)
        .await
    {
        Ok(Some(prev)) if prev.request_hash == hash => return replay(prev.status, prev.body),
        Ok(Some(_)) => {
            return Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "this Idempotency-Key was used with a different request; use a new key for a new request",
            )
            .into_response();
        }
        Ok(None) => {}
        Err(e) => return Problem::from(e).into_response(),
    }
    match create().await {
        Ok((status, v)) => {
            let bytes = serde_json::to_vec(&v).unwrap_or_default();
            let saved = rcm_store::IdempotentResponse {
                request_hash: hash,
                status: status.as_u16(),
                body: bytes.clone(),
            };
            if let Err(e) = state
                .store
                .save_idempotent_response(&who.user.username, &key, &saved)
                .await
            {
                return Problem::from(e).into_response();
            }
            replay(status.as_u16(), bytes)
        }
        // Failures are not remembered: the client fixes the request and retries with the key.
        Err(p) => p.into_response(),
    }
}

fn replay(status: u16, body: Vec<u8>) -> Response {
    let mut r = (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

pub(crate) fn json_value<T: Serialize>(v: &T) -> ApiResult<serde_json::Value> {
    serde_json::to_value(v).map_err(|_| Problem::internal())
}

// ---------------------------------------------------------------- handlers

pub async fn healthz(State(state): State<AppState>) -> Response {
    match sqlx_ping(&state).await {
        true => (StatusCode::OK, "ok\n").into_response(),
        false => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response(),
    }
}

async fn sqlx_ping(state: &AppState) -> bool {
    state.store.organization(state.org()).await.is_ok()
}

pub async fn openapi() -> Response {
    let doc = crate::openapi::document();
    let mut r = axum::Json(doc).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    r
}

pub async fn me(Extension(who): Extension<Principal>) -> axum::Json<Me> {
    axum::Json(Me {
        username: who.user.username.clone(),
        display_name: who.user.display_name.clone(),
        roles: who
            .user
            .roles
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect(),
        permissions: Permission::ALL
            .iter()
            .filter(|p| who.can(**p))
            .map(|p| p.as_str().to_owned())
            .collect(),
        csrf_token: match &who.via {
            Via::Session { csrf } => Some(csrf.clone()),
            Via::Token => None,
        },
    })
}

fn query_date(date: Option<&str>) -> ApiResult<Date> {
    match date.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(today()),
        Some(d) => rcm_claims::input::parse_date(d)
            .ok_or_else(|| Problem::field("date", "a date as YYYY-MM-DD")),
    }
}

pub fn search(state: &AppState, q: &SearchQuery) -> ApiResult<Vec<CodeHit>> {
    if q.q.len() > 200 {
        return Err(Problem::field("q", "at most 200 characters"));
    }
    let dos = query_date(q.date.as_deref())?;
    let set = state
        .coding
        .icd10cm(dos)
        .map_err(|e| Problem::new(StatusCode::SERVICE_UNAVAILABLE, "code-set", e.to_string()))?;
    let opts = rcm_codes::SearchOptions {
        limit: q.limit.unwrap_or(10).clamp(1, 50),
        billable_only: q.billable.unwrap_or(false),
        range: None,
    };
    Ok(set
        .search(&q.q, &opts)
        .into_iter()
        .map(|h| CodeHit {
            code: h.code,
            title: h.title,
            billable: h.billable,
            needs_seventh: h.needs_seventh,
            why: h.why,
        })
        .collect())
}

pub async fn search_codes(
    State(state): State<AppState>,
    q: Result<Query<SearchQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::Json<Vec<CodeHit>>> {
    let Query(q) = q.map_err(|e| Problem::bad_request(e.body_text()))?;
    search(&state, &q).map(axum::Json)
}

pub fn detail(state: &AppState, code: &str, date: Option<&str>) -> ApiResult<CodeDetail> {
    if code.len() > 20 {
        return Err(Problem::field("code", "at most 20 characters"));
    }
    let dos = query_date(date)?;
    let set = state
        .coding
        .icd10cm(dos)
        .map_err(|e| Problem::new(StatusCode::SERVICE_UNAVAILABLE, "code-set", e.to_string()))?;
    let v = set.validate(code);
    let notes = set
        .lookup(code)
        .map(|c| {
            c.node()
                .notes()
                .map(|n| NoteOut {
                    kind: n.kind.element().to_owned(),
                    text: n.text.to_owned(),
                    source: n.source.code().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(CodeDetail {
        input: v.input.clone(),
        code: v.code.clone(),
        valid: v.valid,
        billable: v.billable,
        message: v.message.clone(),
        title: v.title.clone(),
        version: v.version.clone(),
        notes,
        allowed_seventh: v
            .allowed_seventh
            .iter()
            .map(|s| SeventhOut {
                character: s.character.to_string(),
                meaning: s.meaning.clone(),
            })
            .collect(),
        suggestions: v
            .suggestions
            .iter()
            .map(|s| CodeHit {
                code: s.code.clone(),
                title: s.title.clone(),
                billable: s.billable,
                needs_seventh: None,
                why: Vec::new(),
            })
            .collect(),
    })
}

pub async fn code_detail(
    State(state): State<AppState>,
    Path(code): Path<String>,
    q: Result<Query<DateQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::Json<CodeDetail>> {
    let Query(q) = q.map_err(|e| Problem::bad_request(e.body_text()))?;
    detail(&state, &code, q.date.as_deref()).map(axum::Json)
}

pub async fn reference_data(state: &AppState) -> ApiResult<Reference> {
    let org = state.org();
    Ok(Reference {
        billing_providers: state
            .store
            .billing_providers(org)
            .await?
            .iter()
            .map(|b| ProviderOut {
                id: b.id,
                name: b.provider.name.clone(),
                npi: b.provider.npi.clone(),
            })
            .collect(),
        rendering_providers: state
            .store
            .rendering_providers(org)
            .await?
            .iter()
            .map(|r| ProviderOut {
                id: r.id,
                name: format!(
                    "{}{}",
                    r.provider.last_name,
                    r.provider
                        .first_name
                        .as_deref()
                        .map(|f| format!(", {f}"))
                        .unwrap_or_default()
                ),
                npi: r.provider.npi.clone(),
            })
            .collect(),
        payers: state
            .store
            .payers(org)
            .await?
            .iter()
            .map(|p| PayerOut {
                id: p.id,
                name: p.payer.name.clone(),
                payer_code: p.payer.payer_code.clone(),
                claim_filing_indicator: p.payer.claim_filing_indicator.clone(),
            })
            .collect(),
    })
}

pub async fn reference(State(state): State<AppState>) -> ApiResult<axum::Json<Reference>> {
    reference_data(&state).await.map(axum::Json)
}

pub(crate) fn paging(offset: Option<i64>, limit: Option<i64>) -> (i64, i64) {
    (
        offset.unwrap_or(0).max(0),
        limit.unwrap_or(50).clamp(1, 500),
    )
}

pub async fn list_patients(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    q: Result<Query<PatientQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::Json<Page<PatientOut>>> {
    let Query(q) = q.map_err(|e| Problem::bad_request(e.body_text()))?;
    let (offset, limit) = paging(q.offset, q.limit);
    if q.last_name.is_some() || q.birth_date.is_some() {
        let mut f = Fields::default();
        let last = f.text("last_name", q.last_name.as_deref().unwrap_or(""), 60);
        let dob = f.date("birth_date", q.birth_date.as_deref().unwrap_or(""));
        let dob = f
            .finish(dob)?
            .ok_or_else(|| Problem::field("birth_date", "a date as YYYY-MM-DD"))?;
        let found = state
            .store
            .find_patients(&who.actor(), state.org(), &last, dob)
            .await?;
        return Ok(axum::Json(Page {
            total: found.len() as i64,
            items: found.iter().map(PatientOut::from).collect(),
            offset: 0,
            limit,
        }));
    }
    let (rows, total) = state
        .store
        .patients_page(&who.actor(), state.org(), offset, limit)
        .await?;
    Ok(axum::Json(Page {
        items: rows.iter().map(|r| PatientOut::from(&r.patient)).collect(),
        total,
        offset,
        limit,
    }))
}

pub async fn create_patient(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    idempotent(&state, &who, &headers, &body, || async {
        let b: PatientBody = read_json(&headers, &body)?;
        let data = b.parse(state.org())?;
        let p = state.store.create_patient(&who.actor(), &data).await?;
        Ok((StatusCode::CREATED, json_value(&PatientOut::from(&p))?))
    })
    .await
}

pub(crate) fn id_param(
    p: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> ApiResult<i64> {
    p.map(|Path(id)| id)
        .map_err(|_| Problem::not_found("record (ids are whole numbers)"))
}

pub async fn get_patient(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> ApiResult<axum::Json<PatientOut>> {
    let p = service::patient(&state, &who.actor(), id_param(id)?).await?;
    Ok(axum::Json(PatientOut::from(&p)))
}

pub async fn list_coverages(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> ApiResult<axum::Json<Vec<CoverageOut>>> {
    let p = service::patient(&state, &who.actor(), id_param(id)?).await?;
    let c = state.store.coverages(&who.actor(), p.id).await?;
    Ok(axum::Json(c.iter().map(CoverageOut::from).collect()))
}

pub async fn add_coverage(
    state: &AppState,
    who: &Principal,
    patient_id: i64,
    b: &CoverageBody,
) -> ApiResult<store::Coverage> {
    let p = service::patient(state, &who.actor(), patient_id).await?;
    let payers = state.store.payers(state.org()).await?;
    let data = b.parse(&p, &payers)?;
    Ok(state.store.create_coverage(&who.actor(), &data).await?)
}

pub async fn create_coverage(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let id = match id_param(id) {
        Ok(i) => i,
        Err(p) => return p.into_response(),
    };
    idempotent(&state, &who, &headers, &body, || async {
        let b: CoverageBody = read_json(&headers, &body)?;
        let c = add_coverage(&state, &who, id, &b).await?;
        Ok((StatusCode::CREATED, json_value(&CoverageOut::from(&c))?))
    })
    .await
}

pub async fn start_encounter(
    state: &AppState,
    who: &Principal,
    b: &EncounterBody,
) -> ApiResult<store::Encounter> {
    service::patient(state, &who.actor(), b.patient_id).await?;
    let data = b.parse(state).await?;
    Ok(state.store.create_encounter(&who.actor(), &data).await?)
}

fn encounter_out(e: &store::Encounter, claim_id: Option<i64>) -> EncounterOut {
    EncounterOut {
        id: e.id,
        patient_id: e.data.patient_id,
        billing_provider_id: e.data.billing_provider_id,
        rendering_provider_id: e.data.rendering_provider_id,
        service_date: e.data.service_date.to_string(),
        place_of_service: e.data.place_of_service.clone(),
        notes: e.data.notes.clone(),
        claim_id,
    }
}

pub async fn create_encounter(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    idempotent(&state, &who, &headers, &body, || async {
        let b: EncounterBody = read_json(&headers, &body)?;
        let e = start_encounter(&state, &who, &b).await?;
        Ok((StatusCode::CREATED, json_value(&encounter_out(&e, None))?))
    })
    .await
}

pub async fn get_encounter(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> ApiResult<axum::Json<EncounterOut>> {
    let e = service::encounter(&state, &who.actor(), id_param(id)?).await?;
    let claim = state.store.claim_id_for_encounter(e.id).await?;
    Ok(axum::Json(encounter_out(&e, claim)))
}

pub fn parse_claim_query(q: &ClaimQuery, org: i64) -> ApiResult<store::ClaimFilter> {
    let mut f = Fields::default();
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            let st = ClaimStatus::parse(s);
            if st.is_none() {
                f.push(
                    "status",
                    "draft, ready, submitted, accepted, rejected, paid, denied or void",
                );
            }
            st
        }
    };
    let from = f.opt_date("from", q.from.as_deref()).flatten();
    let to = f.opt_date("to", q.to.as_deref()).flatten();
    f.finish(store::ClaimFilter {
        organization_id: org,
        status,
        payer_id: q.payer_id.filter(|x| *x > 0),
        billing_provider_id: q.billing_provider_id.filter(|x| *x > 0),
        service_from: from,
        service_to: to,
        has_errors: q.has_errors,
        patient_id: q.patient_id.filter(|x| *x > 0),
    })
}

pub fn summary_out(c: &store::ClaimSummary) -> ClaimSummaryOut {
    ClaimSummaryOut {
        id: c.id,
        patient_id: c.patient_id,
        payer_id: c.payer_id,
        billing_provider_id: c.billing_provider_id,
        service_date: c.service_date.to_string(),
        status: c.status.as_str().to_owned(),
        total_charge: Money(c.total_charge_cents).to_plain(),
        version: c.version,
        scrub_errors: c.scrub_errors,
        scrub_warnings: c.scrub_warnings,
    }
}

pub async fn list_claims(
    State(state): State<AppState>,
    q: Result<Query<ClaimQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::Json<Page<ClaimSummaryOut>>> {
    let Query(q) = q.map_err(|e| Problem::bad_request(e.body_text()))?;
    let filter = parse_claim_query(&q, state.org())?;
    let (offset, limit) = paging(q.offset, q.limit);
    let (rows, total) = state.store.list_claims(&filter, offset, limit).await?;
    Ok(axum::Json(Page {
        items: rows.iter().map(summary_out).collect(),
        total,
        offset,
        limit,
    }))
}

pub async fn create_claim(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    idempotent(&state, &who, &headers, &body, || async {
        let b: ClaimBody = read_json(&headers, &body)?;
        let dos = state
            .store
            .date_of_service(state.org(), b.encounter_id, false)
            .await?;
        let content = parse_content(
            b.coverage_id,
            b.frequency_code.as_deref(),
            &b.diagnoses,
            &b.lines,
            dos,
        )?;
        let c = service::create_claim(&state, &who.actor(), b.encounter_id, content).await?;
        Ok((StatusCode::CREATED, json_value(&ClaimOut::from(&c))?))
    })
    .await
}

pub async fn check_claim(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<axum::Json<Findings>> {
    let b: ClaimBody = read_json(&headers, &body)?;
    let dos = state
        .store
        .date_of_service(state.org(), b.encounter_id, false)
        .await?;
    let content = parse_content(
        b.coverage_id,
        b.frequency_code.as_deref(),
        &b.diagnoses,
        &b.lines,
        dos,
    )?;
    let existing = state.store.claim_id_for_encounter(b.encounter_id).await?;
    let report =
        service::check_unsaved(&state, &who.actor(), b.encounter_id, existing, &content).await?;
    Ok(axum::Json(Findings::from(&report)))
}

pub async fn get_claim(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> ApiResult<axum::Json<ClaimOut>> {
    let c = service::checked_claim(&state, &who.actor(), id_param(id)?).await?;
    Ok(axum::Json(ClaimOut::from(&c)))
}

pub async fn update_claim(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<axum::Json<ClaimOut>> {
    let id = id_param(id)?;
    let b: ClaimUpdate = read_json(&headers, &body)?;
    let dos = state.store.date_of_service(state.org(), id, true).await?;
    let content = parse_content(
        b.coverage_id,
        b.frequency_code.as_deref(),
        &b.diagnoses,
        &b.lines,
        dos,
    )?;
    let c = service::update_claim(&state, &who.actor(), id, b.version, content).await?;
    Ok(axum::Json(ClaimOut::from(&c)))
}

pub async fn set_status(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<axum::Json<ClaimOut>> {
    let id = id_param(id)?;
    let b: StatusBody = read_json(&headers, &body)?;
    let to = ClaimStatus::parse(b.status.trim())
        .ok_or_else(|| Problem::field("status", "ready, draft or void"))?;
    let c = service::set_status(&state, &who.actor(), id, b.version, to, b.note.as_deref()).await?;
    Ok(axum::Json(ClaimOut::from(&c)))
}

pub async fn history(state: &AppState, who: &Principal, id: i64) -> ApiResult<Vec<HistoryOut>> {
    service::claim(state, &who.actor(), id).await?;
    Ok(state
        .store
        .claim_history(&who.actor(), id)
        .await?
        .iter()
        .map(|h| HistoryOut {
            from: h.from.map(|s| s.as_str().to_owned()),
            to: h.to.as_str().to_owned(),
            at: h.at.to_string(),
            by: h.by.clone(),
            note: h.note.clone(),
        })
        .collect())
}

pub async fn claim_history(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> ApiResult<axum::Json<Vec<HistoryOut>>> {
    history(&state, &who, id_param(id)?).await.map(axum::Json)
}

pub async fn list_batches(
    State(state): State<AppState>,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::Json<Vec<BatchOut>>> {
    let Query(q) = q.map_err(|e| Problem::bad_request(e.body_text()))?;
    let (offset, limit) = paging(q.offset, q.limit);
    let b = state.store.batches(state.org(), offset, limit).await?;
    Ok(axum::Json(b.iter().map(BatchOut::from).collect()))
}

pub async fn create_batch(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    idempotent(&state, &who, &headers, &body, || async {
        let b: BatchBody = read_json(&headers, &body)?;
        let batch = service::create_batch(&state, &who.actor(), &b.claim_ids).await?;
        Ok((StatusCode::CREATED, json_value(&BatchOut::from(&batch))?))
    })
    .await
}

/// The 837 of a batch, as a download (`batch-<id>-837p.x12`).
pub async fn batch_file(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Response {
    let id = match id_param(id) {
        Ok(i) => i,
        Err(p) => return p.into_response(),
    };
    let owned = match state.store.batch(id).await {
        Ok(b) => b.organization_id == state.org(),
        Err(e) => return Problem::from(e).into_response(),
    };
    if !owned {
        return Problem::not_found("batch").into_response();
    }
    match state.store.batch_file(&who.actor(), id).await {
        Ok(Some(bytes)) => {
            let mut r = (StatusCode::OK, bytes).into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/edi-x12"),
            );
            if let Ok(v) =
                HeaderValue::from_str(&format!("attachment; filename=\"batch-{id}-837p.x12\""))
            {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
        Ok(None) => Problem::not_found("837 file for this batch").into_response(),
        Err(e) => Problem::from(e).into_response(),
    }
}

pub async fn audit_entries(state: &AppState, q: &AuditQuery) -> ApiResult<Vec<AuditOut>> {
    let actor = q.actor.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let rt = q
        .record_type
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let ri = q
        .record_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let record = match (rt, ri) {
        (Some(t), Some(i)) => Some((t, i)),
        (Some(t), None) => Some((t, "")),
        (None, Some(_)) => {
            return Err(Problem::field(
                "record_type",
                "give the record type with the record id",
            ));
        }
        (None, None) => None,
    };
    let events = state
        .store
        .audit_events(
            actor,
            record,
            q.before,
            q.limit.unwrap_or(100).clamp(1, 1000),
        )
        .await?;
    Ok(events
        .iter()
        .map(|e| AuditOut {
            seq: e.seq,
            at: e.at.to_string(),
            actor: e.actor.clone(),
            action: e.action.clone(),
            record_type: e.record_type.clone(),
            record_id: e.record_id.clone(),
            ip: e.ip.clone(),
        })
        .collect())
}

pub async fn audit(
    State(state): State<AppState>,
    q: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::Json<Vec<AuditOut>>> {
    let Query(q) = q.map_err(|e| Problem::bad_request(e.body_text()))?;
    audit_entries(&state, &q).await.map(axum::Json)
}

pub async fn verify(state: &AppState) -> ApiResult<AuditVerifyOut> {
    let v = state.store.verify_audit().await?;
    Ok(AuditVerifyOut {
        intact: v.first_broken.is_none(),
        entries: v.entries,
        first_broken_seq: v.first_broken.map(|b| b.seq),
        problem: v.first_broken.map(|b| match b.problem {
            rcm_store::AuditProblem::Altered => {
                "altered: the entry does not match its hash".to_owned()
            }
            rcm_store::AuditProblem::Missing => "missing: an entry was deleted".to_owned(),
        }),
    })
}

pub async fn audit_verify(State(state): State<AppState>) -> ApiResult<axum::Json<AuditVerifyOut>> {
    verify(&state).await.map(axum::Json)
}

// ---------------------------------------------------------------- encounters of a patient

#[derive(Debug, Serialize, JsonSchema)]
pub struct EncounterRow {
    pub id: i64,
    pub service_date: String,
    pub place_of_service: String,
    pub claim_id: Option<i64>,
}

pub async fn patient_encounters(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> ApiResult<axum::Json<Vec<EncounterRow>>> {
    let p = service::patient(&state, &who.actor(), id_param(id)?).await?;
    let rows = state.store.encounters_of_patient(p.id).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|(id, date, pos, claim_id)| EncounterRow {
                id,
                service_date: date.to_string(),
                place_of_service: pos,
                claim_id,
            })
            .collect(),
    ))
}

// ---------------------------------------------------------------- API tokens, users, EDI settings

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// What the token is for (1 to 100 characters).
    pub name: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TokenOut {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// Only in the answer to the create: the token itself, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

fn token_out(t: &rcm_store::ApiToken, token: Option<String>) -> TokenOut {
    TokenOut {
        id: t.id,
        name: t.name.clone(),
        created_at: t.created_at.to_string(),
        revoked_at: t.revoked_at.map(|x| x.to_string()),
        token,
    }
}

pub async fn list_tokens(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
) -> ApiResult<axum::Json<Vec<TokenOut>>> {
    let t = state.store.api_tokens(who.user.id).await?;
    Ok(axum::Json(t.iter().map(|x| token_out(x, None)).collect()))
}

pub async fn create_token(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    idempotent(&state, &who, &headers, &body, || async {
        let b: TokenBody = read_json(&headers, &body)?;
        let (t, text) = state
            .store
            .create_api_token(&who.actor(), who.user.id, &b.name)
            .await?;
        Ok((StatusCode::CREATED, json_value(&token_out(&t, Some(text)))?))
    })
    .await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Response {
    let id = match id_param(id) {
        Ok(i) => i,
        Err(p) => return p.into_response(),
    };
    match revoke(&state, &who, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(p) => p.into_response(),
    }
}

/// Revokes one of the user's own tokens, here and in this server's token cache.
pub async fn revoke(state: &AppState, who: &Principal, id: i64) -> ApiResult<()> {
    if state
        .store
        .revoke_api_token(&who.actor(), who.user.id, id)
        .await?
    {
        state.tokens.clear();
        Ok(())
    } else {
        Err(Problem::not_found("active token of yours"))
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct UserOut {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub disabled: bool,
}

fn user_out(u: &rcm_store::User) -> UserOut {
    UserOut {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        roles: u.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        disabled: u.disabled,
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserBody {
    /// Letters, digits and . _ - @, at most 64.
    pub username: String,
    pub display_name: String,
    /// At least 12 characters.
    pub password: String,
    /// admin, coder, biller, supervisor, auditor.
    pub roles: Vec<String>,
}

pub async fn list_users(State(state): State<AppState>) -> ApiResult<axum::Json<Vec<UserOut>>> {
    Ok(axum::Json(
        state.store.users().await?.iter().map(user_out).collect(),
    ))
}

/// Creates a user (shared by the admin page and the API).
pub async fn add_user(
    state: &AppState,
    who: &Principal,
    b: &UserBody,
) -> ApiResult<rcm_store::User> {
    let mut f = Fields::default();
    let display = f.text("display_name", &b.display_name, 100);
    let mut roles = Vec::new();
    for (i, r) in b.roles.iter().enumerate() {
        match rcm_store::Role::parse(r.trim()) {
            Some(role) => roles.push(role),
            None => f.push(
                format!("roles[{i}]"),
                "admin, coder, biller, supervisor or auditor",
            ),
        }
    }
    if b.roles.is_empty() {
        f.push("roles", "at least one role");
    }
    f.finish(())?;
    state
        .store
        .create_user(
            &who.actor(),
            b.username.trim(),
            &display,
            &b.password,
            &roles,
        )
        .await
        .map_err(|e| match e {
            rcm_store::StoreError::Duplicate { .. } => {
                Problem::field("username", "that user name is taken")
            }
            other => other.into(),
        })
}

pub async fn create_user(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    idempotent(&state, &who, &headers, &body, || async {
        let b: UserBody = read_json(&headers, &body)?;
        let u = add_user(&state, &who, &b).await?;
        Ok((StatusCode::CREATED, json_value(&user_out(&u))?))
    })
    .await
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EdiBody {
    /// ETIN the receiver assigned (ISA06, 1000A NM109).
    pub submitter_id: String,
    pub contact_name: String,
    /// Digits only, 10 to 15.
    pub contact_phone: String,
    /// ISA08, 1000B NM109.
    pub receiver_id: String,
    pub receiver_name: String,
}

pub async fn get_edi(State(state): State<AppState>) -> ApiResult<axum::Json<EdiBody>> {
    let s = state
        .store
        .edi_settings(state.org())
        .await?
        .ok_or_else(|| Problem::not_found("EDI settings (not set yet)"))?;
    Ok(axum::Json(EdiBody {
        submitter_id: s.submitter_id,
        contact_name: s.contact_name,
        contact_phone: s.contact_phone,
        receiver_id: s.receiver_id,
        receiver_name: s.receiver_name,
    }))
}

pub async fn put_edi(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<axum::Json<EdiBody>> {
    let b: EdiBody = read_json(&headers, &body)?;
    let s = rcm_store::EdiSettings {
        submitter_id: b.submitter_id.trim().to_owned(),
        contact_name: b.contact_name.trim().to_owned(),
        contact_phone: b.contact_phone.trim().to_owned(),
        receiver_id: b.receiver_id.trim().to_owned(),
        receiver_name: b.receiver_name.trim().to_owned(),
    };
    state
        .store
        .set_edi_settings(&who.actor(), state.org(), &s)
        .await?;
    Ok(axum::Json(b))
}
