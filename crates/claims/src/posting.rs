//! Posting what payers send back: which claim each 835 CLP pays, which service line each SVC
//! pays, what the claim's money and status become, and what a biller has to work (denials);
//! which claims a 999 or 277CA accepts or rejects, in plain words.
//!
//! Pure: the store looks the claims up and applies a plan in one transaction. Nothing here knows
//! how claims are stored; a claim is found through the lookups the caller passes in.

use rcm_x12::codes::carc_meaning;
use rcm_x12::envelope::{Handler, TxContext, drive_slice};
use rcm_x12::finding::{Finding, Level, Severity};
use rcm_x12::model::ack999::{self, Ack999};
use rcm_x12::model::remit835::{self, ClaimPayment, Remittance, ServicePayment};
use rcm_x12::model::status277::{self, ClaimAck277, Status};
use rcm_x12::segment::Segment;
use rcm_x12::validate::{Options, validate_bytes};
use serde::Serialize;

/// A file received from a payer or clearinghouse, read and checked.
#[derive(Debug)]
pub enum Received {
    Remittances(Vec<Remittance>),
    Acks999(Vec<(TxContext, Ack999)>),
    Acks277(Vec<ClaimAck277>),
}

impl Received {
    pub fn kind(&self) -> &'static str {
        match self {
            Received::Remittances(_) => "835",
            Received::Acks999(_) => "999",
            Received::Acks277(_) => "277CA",
        }
    }
}

/// Why a received file is refused as a whole: nothing of it is posted.
#[derive(Debug, thiserror::Error)]
pub enum ReceivedError {
    #[error("the file is not X12: {0}")]
    NotX12(String),
    #[error("the file has {} error(s); nothing was posted. First: {}", .0.len(), first(.0))]
    Invalid(Vec<Finding>),
    #[error("transaction set {control} could not be read: {message}")]
    Unreadable { control: String, message: String },
    #[error("the file holds no 835, 999 or 277CA transaction set")]
    Empty,
    #[error("the file mixes transaction sets ({0}); send 835s, 999s and 277CAs in separate files")]
    Mixed(String),
}

fn first(findings: &[Finding]) -> String {
    findings.first().map(|f| f.to_string()).unwrap_or_default()
}

#[derive(Default)]
struct Collect {
    remits: Vec<Remittance>,
    acks: Vec<(TxContext, Ack999)>,
    statuses: Vec<ClaimAck277>,
    other: Vec<String>,
    problem: Option<(String, String)>,
}

impl Handler for Collect {
    fn transaction(&mut self, ctx: &TxContext, segments: &[Segment<'_>]) {
        if self.problem.is_some() {
            return;
        }
        let control = ctx.set_control.clone();
        let result = match ctx.set_id.as_str() {
            "835" => remit835::parse(segments).map(|r| self.remits.push(r)),
            "999" => ack999::parse(segments).map(|a| self.acks.push((ctx.clone(), a))),
            "277" => status277::parse(segments).map(|s| self.statuses.push(s)),
            other => {
                self.other.push(other.to_string());
                Ok(())
            }
        };
        if let Err(e) = result {
            self.problem = Some((control, e.to_string()));
        }
    }
    fn finding(&mut self, _finding: Finding) {}
}

/// A received file, read: its transactions, and the guide findings that did not block it.
#[derive(Debug)]
pub struct ReadFile {
    pub content: Received,
    /// Errors of the implementation guide that do not touch the envelope or the money: a biller
    /// cannot correct a payer's file, so they are shown, not refused.
    pub notices: Vec<Finding>,
}

/// Whether a validator finding refuses the whole file: the envelope (counts, control numbers,
/// truncation) or the 835's money (balancing at line, claim and payment level).
fn blocks(f: &Finding) -> bool {
    f.severity == Severity::Error && (f.level == Level::Envelope || f.rule.starts_with("835-"))
}

/// Reads a received file. All or nothing: a broken envelope, an 835 that does not balance, a
/// transaction that cannot be read or a mix of kinds refuses the whole file.
pub fn read_received(bytes: &[u8]) -> Result<ReadFile, ReceivedError> {
    let report = validate_bytes(
        bytes,
        &Options {
            keep_outcomes: false,
            ..Options::default()
        },
    );
    if let Some(fatal) = &report.fatal
        && report.transaction_count == 0
    {
        return Err(ReceivedError::NotX12(fatal.clone()));
    }
    let (blocking, notices): (Vec<Finding>, Vec<Finding>) = report
        .findings
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .partition(blocks);
    if !blocking.is_empty() {
        return Err(ReceivedError::Invalid(blocking));
    }
    if let Some(fatal) = report.fatal {
        return Err(ReceivedError::NotX12(fatal));
    }
    let mut c = Collect::default();
    if let Some(e) = drive_slice(bytes, &mut c) {
        return Err(ReceivedError::NotX12(e.to_string()));
    }
    if let Some((control, message)) = c.problem {
        return Err(ReceivedError::Unreadable { control, message });
    }
    let kinds = [
        (!c.remits.is_empty()).then_some("835"),
        (!c.acks.is_empty()).then_some("999"),
        (!c.statuses.is_empty()).then_some("277CA"),
    ];
    let present: Vec<&str> = kinds
        .into_iter()
        .flatten()
        .chain(c.other.iter().map(String::as_str))
        .collect();
    if present.len() > 1 {
        return Err(ReceivedError::Mixed(present.join(", ")));
    }
    let content = if !c.remits.is_empty() {
        Received::Remittances(c.remits)
    } else if !c.acks.is_empty() {
        Received::Acks999(c.acks)
    } else if !c.statuses.is_empty() {
        Received::Acks277(c.statuses)
    } else if let Some(other) = c.other.first() {
        return Err(ReceivedError::Mixed(other.clone()));
    } else {
        return Err(ReceivedError::Empty);
    };
    Ok(ReadFile { content, notices })
}

/// Where a billed claim stands, as far as posting cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BilledState {
    /// Draft or ready: never sent, so a payer cannot be answering it.
    NotSent,
    /// Submitted, accepted, rejected, paid or denied: a payer may answer.
    Sent,
    Void,
}

/// What posting needs to know of a billed claim.
#[derive(Clone, Debug)]
pub struct BilledClaim {
    pub claim_id: i64,
    pub state: BilledState,
    pub charge_cents: i64,
    pub lines: Vec<BilledLine>,
}

#[derive(Clone, Debug)]
pub struct BilledLine {
    pub line_number: u32,
    pub procedure_code: String,
    pub modifiers: Vec<String>,
    pub charge_cents: i64,
}

/// What the payer's answer does to the claim's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Adjudicated with payment or patient responsibility.
    Paid,
    /// Denied (CLP02 = 4), or adjudicated to nothing at all.
    Denied,
    /// A reversal of an earlier payment (CLP02 = 22): the claim waits for the corrected one.
    Reversed,
    /// Not the payer's claim (23) or a predetermination (25): money recorded, status kept.
    Informational,
}

/// One CAS amount as posted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PostedAdjustment {
    /// None: claim level.
    pub line_number: Option<u32>,
    pub group: String,
    pub reason: String,
    pub amount_cents: i64,
    pub quantity_milli: Option<i64>,
}

/// One SVC as posted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PostedLine {
    /// The billed line it pays; None when no billed line matches (the money is still posted to
    /// the claim).
    pub line_number: Option<u32>,
    pub procedure_code: String,
    pub modifiers: Vec<String>,
    pub charge_cents: i64,
    pub paid_cents: i64,
    pub allowed_cents: Option<i64>,
    pub remark_codes: Vec<String>,
}

/// A denial to work: claim-level or one service line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Denial {
    pub line_number: Option<u32>,
    pub group: String,
    pub reason: String,
    pub remark: String,
    pub amount_cents: i64,
}

/// One CLP matched to a claim.
#[derive(Clone, Debug, Serialize)]
pub struct ClaimPosting {
    /// 1-based position of the CLP in the 835.
    pub position: u32,
    pub claim_id: i64,
    pub status_code: String,
    pub outcome: Outcome,
    pub charge_cents: i64,
    pub paid_cents: i64,
    pub patient_resp_cents: i64,
    /// Adjustments that are not the patient's (CO, OA, PI, CR): what the office writes off.
    pub adjusted_cents: i64,
    pub payer_claim_control_number: String,
    pub adjustments: Vec<PostedAdjustment>,
    pub lines: Vec<PostedLine>,
    pub remark_codes: Vec<String>,
    pub denials: Vec<Denial>,
}

/// Why a CLP found no claim to post to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnmatchedReason {
    UnknownClaim,
    NotSubmitted,
    ClaimVoid,
}

impl UnmatchedReason {
    pub fn as_str(self) -> &'static str {
        match self {
            UnmatchedReason::UnknownClaim => "unknown_claim",
            UnmatchedReason::NotSubmitted => "not_submitted",
            UnmatchedReason::ClaimVoid => "claim_void",
        }
    }
    pub fn describe(self) -> &'static str {
        match self {
            UnmatchedReason::UnknownClaim => {
                "no claim has this patient control number or payer claim control number"
            }
            UnmatchedReason::NotSubmitted => "the claim was never submitted",
            UnmatchedReason::ClaimVoid => "the claim is void",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct UnmatchedPayment {
    pub position: u32,
    pub patient_control_number: String,
    pub payer_claim_control_number: String,
    pub status_code: String,
    pub charge_cents: i64,
    pub paid_cents: i64,
    pub reason: UnmatchedReason,
}

#[derive(Clone, Debug, Serialize)]
pub struct PostedProviderAdjustment {
    pub provider_identifier: String,
    pub reason: String,
    pub reference: String,
    /// Positive: taken from the payment; negative: added to it.
    pub amount_cents: i64,
}

/// Everything one 835 payment does.
#[derive(Clone, Debug, Serialize)]
pub struct PostingPlan {
    pub payer_name: String,
    /// TRN03 (1 + tax id), else the payer's N1 identifier: with the trace number, the key that
    /// makes posting a payment twice impossible.
    pub payer_identifier: String,
    pub trace_number: String,
    pub payment_method: String,
    pub payment_date: Option<String>,
    pub payment_cents: i64,
    pub claims: Vec<ClaimPosting>,
    pub unmatched: Vec<UnmatchedPayment>,
    pub provider_adjustments: Vec<PostedProviderAdjustment>,
}

impl PostingPlan {
    /// BPR02 = Σ CLP04 (matched and unmatched) − Σ PLB: true for every file the validator passed.
    pub fn reconciles(&self, remittance: &Remittance) -> bool {
        let claims: i64 = remittance.claims.iter().map(|c| c.paid.cents()).sum();
        let plb: i64 = self
            .provider_adjustments
            .iter()
            .map(|p| p.amount_cents)
            .sum();
        claims - plb == self.payment_cents
    }
}

/// CARCs that adjust a paid claim routinely and are not a denial to work: the fee schedule (45),
/// sequestration (253), a prior payer's payment (23), processed in excess of charges (94).
const ROUTINE_ADJUSTMENTS: &[&str] = &["45", "253", "23", "94"];

fn date_text(d: rcm_x12::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

fn milli(d: &rcm_x12::values::Decimal) -> Option<i64> {
    let mut m = i128::from(d.mantissa) * 1000;
    for _ in 0..d.scale {
        m /= 10;
    }
    i64::try_from(m).ok()
}

/// Matches and prices one 835 payment. `by_pcn` finds a claim by the patient control number
/// (CLP01); `by_payer_ccn` by the payer claim control number (CLP07) an earlier answer gave it.
pub fn plan_remittance<'a>(
    r: &Remittance,
    by_pcn: impl Fn(&str) -> Option<&'a BilledClaim>,
    by_payer_ccn: impl Fn(&str) -> Option<&'a BilledClaim>,
) -> PostingPlan {
    let payer_identifier = if !r.trace.originator.is_empty() {
        r.trace.originator.clone()
    } else {
        r.payer.id.clone()
    };
    let mut plan = PostingPlan {
        payer_name: r.payer.name.clone(),
        payer_identifier,
        trace_number: r.trace.number.clone(),
        payment_method: r.payment.method.clone(),
        payment_date: r.payment.date.map(date_text),
        payment_cents: r.payment.amount.cents(),
        claims: Vec::new(),
        unmatched: Vec::new(),
        provider_adjustments: r
            .provider_adjustments
            .iter()
            .flat_map(|p| {
                p.items.iter().map(|i| PostedProviderAdjustment {
                    provider_identifier: p.provider_id.clone(),
                    reason: i.reason.to_string(),
                    reference: i.reference.clone(),
                    amount_cents: i.amount.cents(),
                })
            })
            .collect(),
    };
    for (i, clp) in r.claims.iter().enumerate() {
        let position = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let found = by_pcn(&clp.patient_control_number).or_else(|| {
            (!clp.payer_claim_control_number.is_empty())
                .then(|| by_payer_ccn(&clp.payer_claim_control_number))
                .flatten()
        });
        let reason = match found {
            None => Some(UnmatchedReason::UnknownClaim),
            Some(c) if c.state == BilledState::NotSent => Some(UnmatchedReason::NotSubmitted),
            Some(c) if c.state == BilledState::Void => Some(UnmatchedReason::ClaimVoid),
            Some(_) => None,
        };
        match (found, reason) {
            (Some(claim), None) => plan.claims.push(post_claim(position, clp, claim)),
            (_, reason) => plan.unmatched.push(UnmatchedPayment {
                position,
                patient_control_number: clp.patient_control_number.to_string(),
                payer_claim_control_number: clp.payer_claim_control_number.to_string(),
                status_code: clp.status.to_string(),
                charge_cents: clp.charge.cents(),
                paid_cents: clp.paid.cents(),
                reason: reason.unwrap_or(UnmatchedReason::UnknownClaim),
            }),
        }
    }
    plan
}

fn post_claim(position: u32, clp: &ClaimPayment, claim: &BilledClaim) -> ClaimPosting {
    let mut adjustments: Vec<PostedAdjustment> = clp
        .adjustments
        .iter()
        .map(|a| posted_adjustment(None, a))
        .collect();
    let mut lines = Vec::with_capacity(clp.services.len());
    let mut taken = vec![false; claim.lines.len()];
    for svc in &clp.services {
        let line_number = match_line(svc, claim, &mut taken);
        adjustments.extend(
            svc.adjustments
                .iter()
                .map(|a| posted_adjustment(line_number, a)),
        );
        lines.push(PostedLine {
            line_number,
            procedure_code: svc.procedure.code.to_string(),
            modifiers: svc
                .procedure
                .modifiers
                .iter()
                .map(|m| m.to_string())
                .collect(),
            charge_cents: svc.charge.cents(),
            paid_cents: svc.paid.cents(),
            allowed_cents: svc.allowed.map(|m| m.cents()),
            remark_codes: svc.remarks.iter().map(|r| r.to_string()).collect(),
        });
    }
    let pr: i64 = adjustments
        .iter()
        .filter(|a| a.group == "PR")
        .map(|a| a.amount_cents)
        .sum();
    let patient_resp_cents = clp.patient_responsibility.map_or(pr, |m| m.cents());
    let adjusted_cents: i64 = adjustments
        .iter()
        .filter(|a| a.group != "PR")
        .map(|a| a.amount_cents)
        .sum();
    let status_code = clp.status.to_string();
    let paid_cents = clp.paid.cents();
    let outcome = match status_code.as_str() {
        "22" => Outcome::Reversed,
        "4" => Outcome::Denied,
        "23" | "25" => Outcome::Informational,
        _ if paid_cents == 0 && patient_resp_cents == 0 && clp.charge.cents() > 0 => {
            Outcome::Denied
        }
        _ => Outcome::Paid,
    };
    let remark_codes: Vec<String> = clp.claim_remarks.iter().map(|r| r.to_string()).collect();
    let denials = denials(outcome, clp, &adjustments, &lines, &remark_codes);
    ClaimPosting {
        position,
        claim_id: claim.claim_id,
        status_code,
        outcome,
        charge_cents: clp.charge.cents(),
        paid_cents,
        patient_resp_cents,
        adjusted_cents,
        payer_claim_control_number: clp.payer_claim_control_number.to_string(),
        adjustments,
        lines,
        remark_codes,
        denials,
    }
}

fn posted_adjustment(line_number: Option<u32>, a: &rcm_x12::model::Adjustment) -> PostedAdjustment {
    PostedAdjustment {
        line_number,
        group: a.group.to_string(),
        reason: a.reason.to_string(),
        amount_cents: a.amount.cents(),
        quantity_milli: a.quantity.as_ref().and_then(milli),
    }
}

/// The billed line an SVC pays: the line its REF*6R names, else the first untaken line with the
/// same procedure and modifiers (the billed procedure in SVC06 when the payer changed it),
/// preferring the same charge; else none.
fn match_line(svc: &ServicePayment, claim: &BilledClaim, taken: &mut [bool]) -> Option<u32> {
    if let Some(n) = svc
        .line_control_number()
        .and_then(|v| v.parse::<u32>().ok())
        && let Some(i) = claim
            .lines
            .iter()
            .position(|l| l.line_number == n)
            .filter(|&i| !taken[i])
    {
        taken[i] = true;
        return Some(n);
    }
    let billed = svc.original_procedure.as_ref().unwrap_or(&svc.procedure);
    let same_code = |l: &BilledLine| l.procedure_code == billed.code.as_str();
    let same_mods = |l: &BilledLine| {
        l.modifiers.len() == billed.modifiers.len()
            && l.modifiers
                .iter()
                .zip(&billed.modifiers)
                .all(|(a, b)| a == b.as_str())
    };
    let charge = svc.charge.cents();
    let tiers: [&dyn Fn(&BilledLine) -> bool; 3] = [
        &|l| same_code(l) && same_mods(l) && l.charge_cents == charge,
        &|l| same_code(l) && same_mods(l),
        &|l| same_code(l),
    ];
    for tier in tiers {
        if let Some(i) = claim
            .lines
            .iter()
            .enumerate()
            .position(|(i, l)| !taken[i] && tier(l))
        {
            taken[i] = true;
            return Some(claim.lines[i].line_number);
        }
    }
    None
}

fn denials(
    outcome: Outcome,
    clp: &ClaimPayment,
    adjustments: &[PostedAdjustment],
    lines: &[PostedLine],
    claim_remarks: &[String],
) -> Vec<Denial> {
    let is_denial_reason = |a: &&PostedAdjustment| {
        a.group != "PR" && !ROUTINE_ADJUSTMENTS.contains(&a.reason.as_str())
    };
    let first_remark = |line: Option<&PostedLine>| {
        line.and_then(|l| l.remark_codes.first())
            .or(claim_remarks.first())
            .cloned()
            .unwrap_or_default()
    };
    if outcome == Outcome::Denied {
        let reason = adjustments
            .iter()
            .find(is_denial_reason)
            .or(adjustments.first());
        return vec![Denial {
            line_number: None,
            group: reason.map(|a| a.group.clone()).unwrap_or_default(),
            reason: reason.map(|a| a.reason.clone()).unwrap_or_default(),
            remark: first_remark(lines.first()),
            amount_cents: clp.charge.cents(),
        }];
    }
    if outcome != Outcome::Paid {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (svc, line) in clp.services.iter().zip(lines) {
        if svc.paid.cents() != 0 || svc.charge.cents() <= 0 {
            continue;
        }
        let Some(a) = svc
            .adjustments
            .iter()
            .find(|a| a.group != "PR" && !ROUTINE_ADJUSTMENTS.contains(&a.reason.as_str()))
        else {
            continue;
        };
        out.push(Denial {
            line_number: line.line_number,
            group: a.group.to_string(),
            reason: a.reason.to_string(),
            remark: first_remark(Some(line)),
            amount_cents: svc.charge.cents(),
        });
    }
    out
}

/// The CARC's official meaning, or that it is not in the list this build knows.
pub fn reason_meaning(carc: &str) -> &'static str {
    carc_meaning(carc).unwrap_or("reason code not in this build's list; see the X12 CARC list")
}

/// What a biller usually does next about a denial with this CARC.
pub fn next_step(carc: &str) -> &'static str {
    match carc {
        "4" | "5" | "6" | "7" | "8" | "9" | "10" | "11" | "12" | "182" | "199" => {
            "Review the coding (modifier, place of service, diagnosis-procedure pairing), correct it and send a replacement claim (frequency 7)."
        }
        "16" | "17" | "125" | "226" | "252" => {
            "Add the missing or invalid information the remark codes name and send a replacement claim (frequency 7)."
        }
        "18" => {
            "Duplicate: check whether the original claim was paid; do not resubmit unless it was not."
        }
        "22" | "24" | "109" => {
            "Another payer is responsible first: bill the primary (or the right) payer, then send this payer the claim with the primary's adjudication."
        }
        "26" | "27" | "31" | "32" | "33" | "177" | "200" => {
            "Verify eligibility and coverage dates; bill the patient's current payer or the patient."
        }
        "29" => "Timely filing: appeal with proof of timely submission (the 999/277CA acceptance).",
        "39" | "62" | "197" | "198" | "15" => {
            "Authorization: obtain or attach the authorization number and resubmit, or appeal if it was obtained."
        }
        "50" | "55" | "56" | "150" | "151" | "152" => {
            "Medical necessity: appeal with the clinical documentation, or bill the patient if an ABN was signed."
        }
        "96" | "204" | "49" | "35" | "119" | "B7" => {
            "Not covered: bill the patient if they agreed in advance (ABN/waiver); otherwise write off."
        }
        "97" | "B15" | "234" | "236" => {
            "Bundled: check the NCCI edit and modifier indicator; if the service was distinct, add the modifier (59/X{EPSU}) and send a replacement."
        }
        "45" | "253" => "Contractual: no action; write off per contract.",
        "1" | "2" | "3" | "66" | "142" => "Patient responsibility: send the patient a statement.",
        "A1" | "B9" | "B11" | "B13" => {
            "Read the remark codes; correct the claim and resubmit or appeal with documentation."
        }
        _ => {
            "Read the remark codes and the payer's policy; correct and send a replacement (7), or appeal with documentation."
        }
    }
}

/// One claim's answer in a 999 or 277CA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimAnswer {
    /// Patient control numbers (277CA) or the batch the 999 acknowledges.
    pub patient_control_number: String,
    pub accepted: bool,
    pub code: String,
    pub message: String,
    pub payer_claim_control_number: String,
}

/// The claims a 277CA answers, accepted or rejected, with the status in plain words.
pub fn answers_277(acks: &[ClaimAck277]) -> Vec<ClaimAnswer> {
    acks.iter()
        .flat_map(|a| &a.claims)
        .map(|c| {
            let rejecting = c.statuses.iter().find(|s| !s.is_accepted());
            let shown = rejecting.or(c.statuses.first());
            ClaimAnswer {
                patient_control_number: c.patient_control_number.clone(),
                accepted: rejecting.is_none() && !c.statuses.is_empty(),
                code: shown
                    .map(|s| format!("{}:{}", s.category, s.code))
                    .unwrap_or_default(),
                message: shown.map(status_words).unwrap_or_default(),
                payer_claim_control_number: c.payer_claim_control_number.clone(),
            }
        })
        .collect()
}

/// A 277CA STC in plain words: category, then the status code's meaning, then the payer's text.
pub fn status_words(s: &Status) -> String {
    let category = match s.category.as_str() {
        "A0" => "Forwarded to another entity",
        "A1" => "Received",
        "A2" => "Accepted into the adjudication system",
        "A3" => "Returned as unprocessable",
        "A4" => "Not found",
        "A5" => "Split claim",
        "A6" => "Rejected for missing information",
        "A7" => "Rejected for invalid information",
        "A8" => "Rejected for relational field in error",
        "DR" => "Data reporting acknowledgement",
        _ => "Status",
    };
    let mut out = category.to_string();
    if let Some(m) = status_code_meaning(&s.code) {
        out.push_str(": ");
        out.push_str(m);
    } else if !s.code.is_empty() {
        out.push_str(&format!(": status code {}", s.code));
    }
    for (_, code) in &s.additional {
        if let Some(m) = status_code_meaning(code) {
            out.push_str("; ");
            out.push_str(m);
        }
    }
    if !s.message.is_empty() {
        out.push_str(" — ");
        out.push_str(&s.message);
    }
    out
}

/// Health care claim status codes (STC01-2) seen most on 277CA rejections.
pub fn status_code_meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "0" => "Cannot provide further status electronically",
        "1" => "For more detailed information, see remittance advice",
        "3" => "Claim has been adjudicated and is awaiting payment cycle",
        "19" => "Entity acknowledges receipt of claim/encounter",
        "20" => "Accepted for processing",
        "21" => "Missing or invalid information",
        "33" => "Subscriber and subscriber id not found",
        "35" => "Claim/encounter not found",
        "96" => "No agreement with entity",
        "97" => "Patient eligibility not found with entity",
        "145" => "Entity's responsibility amount",
        "164" => "Entity's contract/member number",
        "178" => "Submitted charges",
        "187" => "Date(s) of service",
        "247" => "Line information",
        "254" => "Principal diagnosis code",
        "255" => "Diagnosis code",
        "400" => "Claim is out of balance",
        "454" => "Procedure code for services rendered",
        "455" => "Revenue code for services rendered",
        "458" => "Entity's National Provider Identifier (NPI)",
        "464" => "Payer Assigned Claim Control Number",
        "479" => "Previous payment information",
        "496" => "Submitter not approved for electronic claim submissions on behalf of this entity",
        "507" => "Claim/service(s) subject to appeal process, see below",
        "562" => "Entity's National Provider Identifier (NPI)",
        "673" => "Patient control number",
        "732" => "Information submitted inconsistent with billing guidelines",
        _ => return None,
    })
}

/// A 999's answer about one transaction set of a batch: accepted (A/E) or rejected (R) with
/// the syntax errors in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchAnswer {
    /// GS06 of the acknowledged group (our batch's group control number).
    pub group_control: String,
    /// ST02 of the acknowledged transaction set.
    pub set_control: String,
    pub accepted: bool,
    pub code: String,
    pub message: String,
}

/// What each 999 says about the transaction sets it acknowledges. A group rejected as a whole
/// (AK9 R) with no AK2 rejects every transaction set of the group, named by set control "".
pub fn answers_999(acks: &[(TxContext, Ack999)]) -> Vec<BatchAnswer> {
    let mut out = Vec::new();
    for (_, a) in acks {
        for t in &a.transactions {
            let accepted = matches!(t.status.as_str(), "A" | "E");
            let mut words: Vec<String> = t
                .segment_errors
                .iter()
                .map(|e| {
                    let mut w = format!(
                        "segment {} (position {}): {}",
                        e.segment_id,
                        e.position,
                        ik304_words(&e.code)
                    );
                    for el in &e.elements {
                        w.push_str(&format!(
                            "; element {:02}: {}",
                            el.element,
                            ik403_words(&el.code)
                        ));
                    }
                    w
                })
                .collect();
            words.extend(t.errors.iter().map(|c| ik5_words(c).to_string()));
            out.push(BatchAnswer {
                group_control: a.group_control.clone(),
                set_control: t.control_number.clone(),
                accepted,
                code: format!("999:{}", t.status),
                message: if words.is_empty() {
                    if accepted {
                        "Accepted by the clearinghouse (999)".to_string()
                    } else {
                        "Rejected by the clearinghouse (999)".to_string()
                    }
                } else {
                    words.join(" · ")
                },
            });
        }
        if a.transactions.is_empty() {
            let accepted = matches!(a.group_status.as_str(), "A" | "E" | "P");
            out.push(BatchAnswer {
                group_control: a.group_control.clone(),
                set_control: String::new(),
                accepted,
                code: format!("999:{}", a.group_status),
                message: if accepted {
                    "Group accepted by the clearinghouse (999)".to_string()
                } else {
                    format!(
                        "Group rejected by the clearinghouse (999){}",
                        if a.group_errors.is_empty() {
                            String::new()
                        } else {
                            format!(": codes {}", a.group_errors.join(", "))
                        }
                    )
                },
            });
        }
    }
    out
}

fn ik304_words(code: &str) -> &'static str {
    match code {
        "1" => "unrecognized segment ID",
        "2" => "unexpected segment",
        "3" => "required segment missing",
        "4" => "loop occurs over maximum times",
        "5" => "segment exceeds maximum use",
        "6" => "segment not in defined transaction set",
        "7" => "segment not in proper sequence",
        "8" => "segment has data element errors",
        "I4" => "implementation \"not used\" segment present",
        "I6" => "implementation dependent segment missing",
        "I7" => "implementation loop occurs under minimum times",
        "I8" => "implementation segment below minimum use",
        "I9" => "implementation dependent \"not used\" segment present",
        _ => "segment error",
    }
}

fn ik403_words(code: &str) -> &'static str {
    match code {
        "1" => "required data element missing",
        "2" => "conditional required data element missing",
        "3" => "too many data elements",
        "4" => "data element too short",
        "5" => "data element too long",
        "6" => "invalid character in data element",
        "7" => "invalid code value",
        "8" => "invalid date",
        "9" => "invalid time",
        "10" => "exclusion condition violated",
        "12" => "too many repetitions",
        "13" => "too many components",
        "I10" => "implementation \"not used\" data element present",
        "I11" => "implementation too few repetitions",
        "I12" => "implementation pattern match failure",
        "I13" => "implementation dependent \"not used\" data element present",
        "I6" => "code value not used in implementation",
        "I9" => "implementation dependent data element missing",
        _ => "data element error",
    }
}

fn ik5_words(code: &str) -> &'static str {
    match code {
        "1" => "transaction set not supported",
        "2" => "transaction set trailer missing",
        "3" => "transaction set control number in header and trailer do not match",
        "4" => "number of included segments does not match actual count",
        "5" => "one or more segments in error",
        "6" => "missing or invalid transaction set identifier",
        "7" => "missing or invalid transaction set control number",
        "23" => "transaction set control number not unique within the functional group",
        "I5" => "implementation one or more segments in error",
        "I6" => "implementation convention not supported",
        _ => "transaction set error",
    }
}

/// The patient control number (CLM01) of a stored claim: payers echo it on the 277CA and the
/// 835, which is how their answers find the claim again.
pub fn patient_control_number(claim_id: i64) -> String {
    format!("RCM{claim_id}")
}

/// The stored claim a patient control number names, when it is one of ours.
pub fn claim_id_of_pcn(pcn: &str) -> Option<i64> {
    let digits = pcn.strip_prefix("RCM")?;
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|&id| id > 0)
}

/// One CSV record (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled.
/// A field starting with `=`, `+`, `-` or `@` gets a leading apostrophe so a spreadsheet does not
/// run it as a formula (amounts are written without a sign prefix problem: `-12.50` stays a number).
pub fn csv_record(fields: &[String]) -> String {
    let mut out = String::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let is_number = f.parse::<f64>().is_ok();
        let guarded = if !is_number && f.starts_with(['=', '+', '-', '@']) {
            format!("'{f}")
        } else {
            f.clone()
        };
        if guarded.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&guarded.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&guarded);
        }
    }
    out.push_str("\r\n");
    out
}

/// Cents as a plain decimal amount (`1234.50`, `-3.00`), for CSV and JSON.
pub fn amount(cents: i64) -> String {
    crate::types::Money(cents).to_plain()
}

/// A work item's reason in words: the CARC's meaning for a denial; for a rejection, the 277CA
/// status code's meaning or the 999's transaction set status.
pub fn work_reason_meaning(kind: &str, reason: &str) -> String {
    if kind != "rejected" {
        return reason_meaning(reason).to_string();
    }
    match reason.split_once(':') {
        Some(("999", status)) => format!("999 transaction set status {status}"),
        Some((_, code)) => status_code_meaning(code.split(':').next().unwrap_or(""))
            .unwrap_or("see the acknowledgement")
            .to_string(),
        None => reason.to_string(),
    }
}

/// What a biller usually does next about a work item.
pub fn work_next_step(kind: &str, reason: &str) -> &'static str {
    if kind == "rejected" {
        "Correct what the rejection names and resubmit the claim: it never reached adjudication."
    } else {
        next_step(reason)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rcm_x12::model::{Modifiers, Procedure};
    use rcm_x12::values::Money;

    fn line(n: u32, code: &str, mods: &[&str], cents: i64) -> BilledLine {
        BilledLine {
            line_number: n,
            procedure_code: code.into(),
            modifiers: mods.iter().map(|m| m.to_string()).collect(),
            charge_cents: cents,
        }
    }

    fn svc(code: &str, mods: &[&str], cents: i64) -> ServicePayment {
        ServicePayment {
            procedure: Procedure::hc(code, Modifiers::try_from(mods).unwrap()),
            charge: Money(cents),
            ..ServicePayment::default()
        }
    }

    #[test]
    fn service_lines_match_by_code_modifiers_and_charge_without_a_line_number() {
        let claim = BilledClaim {
            claim_id: 1,
            state: BilledState::Sent,
            charge_cents: 0,
            lines: vec![
                line(1, "99213", &["25"], 10_000),
                line(2, "36415", &[], 2_500),
                line(3, "36415", &[], 3_000),
            ],
        };
        let mut taken = vec![false; 3];
        // Same code, the second charge first: the charge decides between equal codes.
        assert_eq!(
            match_line(&svc("36415", &[], 3_000), &claim, &mut taken),
            Some(3)
        );
        assert_eq!(
            match_line(&svc("36415", &[], 2_500), &claim, &mut taken),
            Some(2)
        );
        // Modifier differs: still the same procedure, matched on the code alone.
        assert_eq!(
            match_line(&svc("99213", &[], 9_000), &claim, &mut taken),
            Some(1)
        );
        // Nothing left.
        assert_eq!(
            match_line(&svc("99213", &["25"], 10_000), &claim, &mut taken),
            None
        );
        // The payer changed the code: SVC06 names the billed one.
        let mut changed = svc("99212", &[], 10_000);
        changed.original_procedure = Some(Procedure::hc("99213", ["25"].into()));
        let mut taken = vec![false; 3];
        assert_eq!(match_line(&changed, &claim, &mut taken), Some(1));
    }

    #[test]
    fn outcomes_follow_the_claim_status_code() {
        let claim = BilledClaim {
            claim_id: 7,
            state: BilledState::Sent,
            charge_cents: 10_000,
            lines: vec![line(1, "99213", &[], 10_000)],
        };
        let outcome = |status: &str, paid: i64, pr: Option<i64>| {
            let clp = ClaimPayment {
                patient_control_number: "RCM7".into(),
                status: status.into(),
                charge: Money(10_000),
                paid: Money(paid),
                patient_responsibility: pr.map(Money),
                ..ClaimPayment::default()
            };
            post_claim(1, &clp, &claim).outcome
        };
        assert_eq!(outcome("1", 8_000, Some(2_000)), Outcome::Paid);
        assert_eq!(
            outcome("1", 0, Some(10_000)),
            Outcome::Paid,
            "all to the deductible"
        );
        assert_eq!(
            outcome("1", 0, None),
            Outcome::Denied,
            "nothing paid, nothing owed"
        );
        assert_eq!(outcome("4", 0, None), Outcome::Denied);
        assert_eq!(outcome("22", -8_000, Some(-2_000)), Outcome::Reversed);
        assert_eq!(outcome("25", 0, None), Outcome::Informational);
        assert_eq!(
            outcome("2", 1_500, Some(500)),
            Outcome::Paid,
            "as secondary"
        );
    }

    #[test]
    fn patient_control_numbers_round_trip_and_foreign_ones_are_not_ours() {
        assert_eq!(claim_id_of_pcn(&patient_control_number(42)), Some(42));
        for foreign in [
            "42",
            "RCM",
            "RCM-1",
            "RCM0",
            "RCMx1",
            "rcm42",
            "RCM99999999999999999999",
        ] {
            assert_eq!(claim_id_of_pcn(foreign), None, "{foreign}");
        }
    }

    #[test]
    fn csv_quotes_what_needs_it_and_defuses_formulas() {
        let r = csv_record(&[
            "plain".into(),
            "a,b".into(),
            "say \"hi\"".into(),
            "=SUM(A1)".into(),
            "-12.50".into(),
        ]);
        assert_eq!(r, "plain,\"a,b\",\"say \"\"hi\"\"\",'=SUM(A1),-12.50\r\n");
        assert_eq!(amount(-305), "-3.05");
        assert_eq!(amount(123_456), "1234.56");
    }

    #[test]
    fn a_277ca_rejection_reads_in_plain_words() {
        let s = Status {
            category: "A7".into(),
            code: "562".into(),
            entity: "85".into(),
            message: "NPI NOT ON FILE".into(),
            ..Status::default()
        };
        assert_eq!(
            status_words(&s),
            "Rejected for invalid information: Entity's National Provider Identifier (NPI) — NPI NOT ON FILE"
        );
        assert!(next_step("97").contains("NCCI"));
        assert!(reason_meaning("ZZZ9").contains("not in this build's list"));
    }
}
