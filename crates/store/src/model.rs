//! The records the store reads and writes. Money is integer cents, units thousandths, dates `jiff` civil
//! dates (stored as `YYYY-MM-DD`), instants `jiff::Timestamp` (stored as UTC text with microseconds).

use jiff::Timestamp;
use jiff::civil::Date;

macro_rules! closed_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),* }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// The stored text.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }
            /// The value for its stored text.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)* _ => None }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

closed_enum!(
    /// Where a claim is in its life.
    ClaimStatus {
        Draft = "draft",
        Ready = "ready",
        Submitted = "submitted",
        Accepted = "accepted",
        Rejected = "rejected",
        Paid = "paid",
        Denied = "denied",
        Void = "void",
    }
);

impl ClaimStatus {
    /// The allowed moves: a draft is marked ready (or back), a ready claim goes out in a batch, the payer
    /// accepts or rejects it, an accepted claim is paid or denied; a rejected, denied or paid claim is
    /// corrected as a draft again (sent as a replacement, frequency 7, or a void, 8, once the payer
    /// gave it a claim number); anything not yet paid can be voided here.
    pub fn can_move_to(self, to: ClaimStatus) -> bool {
        use ClaimStatus::*;
        matches!(
            (self, to),
            (Draft, Ready)
                | (Ready, Draft)
                | (Ready, Submitted)
                | (Submitted, Accepted)
                | (Submitted, Rejected)
                | (Accepted, Paid)
                | (Accepted, Denied)
                | (Rejected, Draft)
                | (Denied, Draft)
                | (Paid, Draft)
                | (Draft | Ready | Rejected | Denied | Accepted, Void)
        )
    }

    /// Whether the claim's content (lines, diagnoses, coverage) may be edited.
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            ClaimStatus::Draft | ClaimStatus::Ready | ClaimStatus::Rejected | ClaimStatus::Denied
        )
    }
}

closed_enum!(
    /// Professional (837P) or institutional (837I).
    ClaimKind { Professional = "professional", Institutional = "institutional" }
);

closed_enum!(
    /// A user's role; the server maps each to its permissions.
    Role { Admin = "admin", Coder = "coder", Biller = "biller", Supervisor = "supervisor", Auditor = "auditor" }
);

/// Who an organization's 837s come from (1000A submitter, ISA06/GS02) and go to (1000B receiver).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EdiSettings {
    pub submitter_id: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub receiver_id: String,
    pub receiver_name: String,
}

closed_enum!(
    /// Administrative sex as billed.
    Sex { Female = "F", Male = "M", Unknown = "U" }
);

closed_enum!(
    /// The patient's relationship to the subscriber.
    Relationship { Own = "self", Spouse = "spouse", Child = "child", Other = "other" }
);

closed_enum!(
    /// What an audit event records.
    AuditAction {
        View = "view",
        Create = "create",
        Update = "update",
        StatusChange = "status-change",
        Export = "export",
        SignIn = "sign-in",
        SignInFailed = "sign-in-failed",
        SignOut = "sign-out",
        KeyRotation = "key-rotation",
        Import = "import",
    }
);

/// Who does something, and from where: written to the audit log with every PHI view and change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user name (or `system:<what>` for the application itself).
    pub name: String,
    /// The client address, empty when there is none (command line).
    pub ip: String,
}

impl Actor {
    pub fn user(name: impl Into<String>, ip: impl Into<String>) -> Self {
        Actor {
            name: name.into(),
            ip: ip.into(),
        }
    }
    pub fn system(what: &str) -> Self {
        Actor {
            name: format!("system:{what}"),
            ip: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganization {
    pub name: String,
    pub npi: Option<String>,
    pub tax_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: i64,
    pub name: String,
    pub npi: Option<String>,
    pub tax_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBillingProvider {
    pub organization_id: i64,
    pub name: String,
    pub npi: String,
    pub tax_id: String,
    pub taxonomy: Option<String>,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingProvider {
    pub id: i64,
    pub provider: NewBillingProvider,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRenderingProvider {
    pub organization_id: i64,
    pub last_name: String,
    pub first_name: Option<String>,
    pub npi: String,
    pub taxonomy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderingProvider {
    pub id: i64,
    pub provider: NewRenderingProvider,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayer {
    pub organization_id: i64,
    pub name: String,
    /// The payer's EDI id (NM109 of the 2010BB loop).
    pub payer_code: String,
    /// SBR09: CI commercial, MB Medicare Part B, MC Medicaid…
    pub claim_filing_indicator: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payer {
    pub id: i64,
    pub payer: NewPayer,
}

/// A postal address (encrypted when it is a patient's).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

/// A patient as given and as read back; names, birth date, address and phone are encrypted at rest.
#[derive(Clone, PartialEq, Eq)]
pub struct PatientData {
    pub organization_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub birth_date: Date,
    pub sex: Sex,
    pub address: Option<Address>,
    pub phone: Option<String>,
}

/// PHI stays out of debug output (and so out of logs and panics).
impl std::fmt::Debug for PatientData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatientData")
            .field("organization_id", &self.organization_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    pub id: i64,
    pub version: i64,
    pub data: PatientData,
}

#[derive(Clone, PartialEq, Eq)]
pub struct CoverageData {
    pub patient_id: i64,
    pub payer_id: i64,
    /// 1 primary, 2 secondary, 3 tertiary.
    pub order: i64,
    pub member_id: String,
    pub group_number: Option<String>,
    pub relationship: Relationship,
    pub subscriber_last_name: String,
    pub subscriber_first_name: String,
    pub subscriber_birth_date: Option<Date>,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
}

impl std::fmt::Debug for CoverageData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoverageData")
            .field("patient_id", &self.patient_id)
            .field("payer_id", &self.payer_id)
            .field("order", &self.order)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub id: i64,
    pub data: CoverageData,
}

#[derive(Clone, PartialEq, Eq)]
pub struct EncounterData {
    pub organization_id: i64,
    pub patient_id: i64,
    pub billing_provider_id: i64,
    pub rendering_provider_id: Option<i64>,
    pub service_date: Date,
    pub place_of_service: String,
    /// Free text: encrypted at rest.
    pub notes: Option<String>,
}

impl std::fmt::Debug for EncounterData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncounterData")
            .field("patient_id", &self.patient_id)
            .field("service_date", &self.service_date)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encounter {
    pub id: i64,
    pub data: EncounterData,
}

/// One service line; `line_number` is its position (1-based) in `ClaimContent::lines`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLine {
    pub procedure_code: String,
    pub modifiers: Vec<String>,
    pub charge_cents: i64,
    /// Thousandths of a unit (1 unit = 1000).
    pub units_milli: i64,
    /// 1-based positions in `ClaimContent::diagnoses`.
    pub diagnosis_pointers: Vec<u8>,
    pub service_date: Date,
    pub place_of_service: Option<String>,
    pub rendering_provider_id: Option<i64>,
}

/// What a coder edits on a claim; saved whole with `update_claim`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimContent {
    pub coverage_id: i64,
    /// Claim frequency (CLM05-3): 1 original, 7 replacement, 8 void.
    pub frequency_code: String,
    /// ICD-10-CM codes without the dot, principal first.
    pub diagnoses: Vec<String>,
    pub lines: Vec<ServiceLine>,
}

impl ClaimContent {
    /// The sum of the line charges.
    pub fn total_charge_cents(&self) -> i64 {
        self.lines
            .iter()
            .map(|l| l.charge_cents)
            .fold(0i64, i64::saturating_add)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClaim {
    pub organization_id: i64,
    pub encounter_id: i64,
    pub kind: ClaimKind,
    pub content: ClaimContent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub id: i64,
    pub organization_id: i64,
    pub encounter_id: i64,
    pub kind: ClaimKind,
    pub status: ClaimStatus,
    pub version: i64,
    pub total_charge_cents: i64,
    pub batch_id: Option<i64>,
    pub content: ClaimContent,
    pub updated_at: Timestamp,
    pub updated_by: String,
    /// The scrubber's verdict on this version, when it was scrubbed since the last save.
    pub scrub: Option<ScrubCounts>,
}

/// The scrubber's verdict as the store keeps it (for the claims list's "has errors" filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScrubCounts {
    pub errors: i64,
    /// Every other finding: warnings, holds, information.
    pub others: i64,
}

/// One recorded status change.
#[derive(Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub from: Option<ClaimStatus>,
    pub to: ClaimStatus,
    pub at: Timestamp,
    pub by: String,
    /// Encrypted at rest: a note may name the patient.
    pub note: Option<String>,
}

impl std::fmt::Debug for StatusChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusChange")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("at", &self.at)
            .field("by", &self.by)
            .finish_non_exhaustive()
    }
}

/// Filters for the claims list; `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimFilter {
    pub organization_id: i64,
    pub status: Option<ClaimStatus>,
    pub payer_id: Option<i64>,
    pub billing_provider_id: Option<i64>,
    pub service_from: Option<Date>,
    pub service_to: Option<Date>,
    /// Scrubbed with errors (`Some(true)`) or clean (`Some(false)`); unscrubbed claims match neither.
    pub has_errors: Option<bool>,
    pub patient_id: Option<i64>,
}

/// A row of the claims list (no PHI: the server decrypts the patient's name when it shows one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimSummary {
    pub id: i64,
    pub patient_id: i64,
    pub payer_id: i64,
    pub billing_provider_id: i64,
    pub service_date: Date,
    pub status: ClaimStatus,
    pub total_charge_cents: i64,
    pub version: i64,
    /// The scrubber's counts for this version, when it was scrubbed since the last save.
    pub scrub_errors: Option<i64>,
    pub scrub_warnings: Option<i64>,
}

/// A submission batch: one interchange with its control numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub id: i64,
    pub organization_id: i64,
    pub kind: ClaimKind,
    /// ISA13 (1..=999,999,999, per organization).
    pub interchange_control_number: i64,
    /// GS06.
    pub group_control_number: i64,
    pub claim_ids: Vec<i64>,
    pub created_at: Timestamp,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
}

/// One audit log entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    pub ip: String,
    pub hash: [u8; 32],
}
