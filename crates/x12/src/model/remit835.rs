//! 835 Health Care Claim Payment/Advice (005010X221A1): read and write.

use super::{Address, Adjustment, Party, Procedure, Reference, read_cas, write_cas};
use crate::error::{ModelError, WriteError};
use crate::segment::{Elements, Segment};
use crate::values::{Code, Date, Decimal, Money, Text};
use crate::writer::{Element, SegmentWriter};
use serde::{Deserialize, Serialize};

pub use super::remit835_view::{
    AddressView, AdjustmentView, ClaimPaymentView, ClaimRef, PartyView, PaymentView, ProcedureView,
    ProviderAdjustmentItemView, ProviderAdjustmentView, RefView, RemitPartyView, RemittanceView,
    ServicePaymentView, ServiceRef, TraceView, parse_view, parse_view_set,
};

/// One 835 transaction set: one payment (check or EFT) and the claims it pays.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remittance {
    /// ST02.
    pub control_number: String,
    pub payment: Payment,
    pub trace: Trace,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub production_date: Option<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub header_refs: Vec<Reference>,
    pub payer: RemitParty,
    pub payee: RemitParty,
    pub claims: Vec<ClaimPayment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provider_adjustments: Vec<ProviderAdjustment>,
}

/// BPR: the money movement.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// BPR01: I remittance with payment, H notification only, C payment accompanies remittance…
    pub handling_code: String,
    /// BPR02: total actual provider payment.
    pub amount: Money,
    /// BPR03: C credit, D debit.
    pub credit_debit: String,
    /// BPR04: ACH, CHK, BOP, FWT, NON.
    pub method: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub format: String,
    /// BPR06-09: sender DFI qualifier, routing, account qualifier, account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sender_bank: Vec<String>,
    /// BPR10: payer identifier (1 + tax id).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub originating_company_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub originating_company_code: String,
    /// BPR12-15: receiver DFI qualifier, routing, account qualifier, account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receiver_bank: Vec<String>,
    /// BPR16: check issue or EFT effective date.
    pub date: Option<Date>,
}

/// TRN: check or EFT trace number that reassociates money and remittance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub trace_type: String,
    /// TRN02: check number or EFT trace number.
    pub number: String,
    /// TRN03: payer identifier (1 + tax id).
    pub originator: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub originator_supplemental: String,
}

/// Payer (1000A) or payee (1000B).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemitParty {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id_qualifier: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<Reference>,
    /// PER contacts: (function code, name, [qualifier, number]…) flattened as strings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Vec<String>>,
}

/// CLP loop (2100).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimPayment {
    /// LX01 of the 2000 loop the claim is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_number: Option<u32>,
    /// CLP01: the patient control number the provider sent in CLM01.
    pub patient_control_number: Text,
    /// CLP02.
    pub status: Code,
    pub charge: Money,
    pub paid: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_responsibility: Option<Money>,
    /// CLP06.
    pub filing_indicator: Code,
    /// CLP07: payer claim control number (needed for corrections: frequency 7/8).
    pub payer_claim_control_number: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub facility_type: Code,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub frequency: Code,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub drg: Code,
    pub adjustments: Vec<Adjustment>,
    /// NM1 QC / IL / 74 / 82 / TT / PR / GB.
    pub parties: Vec<Party>,
    /// MOA/MIA remark codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claim_remarks: Vec<Code>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<Reference>,
    /// DTM qualifier (232 statement from, 233 to, 036, 050) and date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<(Code, Date)>,
    /// AMT qualifier (AU coverage amount, I interest…) and amount.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amounts: Vec<(Code, Money)>,
    pub services: Vec<ServicePayment>,
}

impl ClaimPayment {
    /// The patient (NM1*QC), when present.
    pub fn patient(&self) -> Option<&Party> {
        self.parties.iter().find(|p| p.entity == "QC")
    }

    /// Σ of claim-level and line-level adjustments.
    pub fn total_adjustments(&self) -> Money {
        self.adjustments.iter().map(|a| a.amount).sum::<Money>()
            + self
                .services
                .iter()
                .flat_map(|s| &s.adjustments)
                .map(|a| a.amount)
                .sum()
    }

    /// Σ of PR-group adjustments (claim and lines).
    pub fn patient_responsibility_adjustments(&self) -> Money {
        self.adjustments
            .iter()
            .chain(self.services.iter().flat_map(|s| &s.adjustments))
            .filter(|a| a.group == "PR")
            .map(|a| a.amount)
            .sum()
    }
}

/// SVC loop (2110).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePayment {
    pub procedure: Procedure,
    pub charge: Money,
    pub paid: Money,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub revenue_code: Code,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units_paid: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_procedure: Option<Procedure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units_billed: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<(Code, Date)>,
    pub adjustments: Vec<Adjustment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<Reference>,
    /// AMT*B6 allowed amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Money>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amounts: Vec<(Code, Money)>,
    /// LQ*HE remark codes (RARC).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<Code>,
}

impl ServicePayment {
    /// REF*6R line item control number: the provider's line identifier from the 837.
    pub fn line_control_number(&self) -> Option<&str> {
        self.refs
            .iter()
            .find(|r| r.qualifier == "6R")
            .map(|r| r.value.as_str())
    }
}

/// PLB: money taken or given at provider level (not tied to a claim).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderAdjustment {
    /// PLB01: provider identifier (NPI or tax id).
    pub provider_id: String,
    /// PLB02: last day of the provider's fiscal year.
    pub fiscal_period_end: Option<Date>,
    pub items: Vec<ProviderAdjustmentItem>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderAdjustmentItem {
    /// PLB03-1: WO overpayment recovery, L6 interest, FB forwarding balance…
    pub reason: Code,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
    /// Positive reduces the payment; negative increases it.
    pub amount: Money,
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

fn opt_money<'a>(s: &impl Elements<'a>, n: usize, pos: usize) -> Result<Option<Money>, ModelError> {
    if s.el(n).is_empty() {
        Ok(None)
    } else {
        money(s, n, pos).map(Some)
    }
}

fn opt_dec<'a>(s: &impl Elements<'a>, n: usize, pos: usize) -> Result<Option<Decimal>, ModelError> {
    let v = s.el(n);
    if v.is_empty() {
        return Ok(None);
    }
    Decimal::parse(v)
        .map(Some)
        .ok_or_else(|| err(&format!("{}{n:02} is not a number", s.id_str()), s, pos))
}

#[derive(PartialEq)]
enum Party835 {
    None,
    Payer,
    Payee,
}

/// Builds the model from the segments of one 835 transaction set (ST..SE).
/// Element `n` as a code (same as its text, empty when not UTF-8), built from the bytes.
#[inline]
fn code<'a>(s: &impl Elements<'a>, n: usize) -> Code {
    Code::from_utf8_bytes(s.el(n))
}

pub fn parse(segments: &[Segment<'_>]) -> Result<Remittance, ModelError> {
    let mut r = Remittance::default();
    // Sized once: a transaction set holds many claims (growing the vector moves them all).
    r.claims
        .reserve_exact(segments.iter().filter(|s| s.is(b"CLP")).count());
    let mut party = Party835::None;
    let mut header_number: Option<u32> = None;
    let mut in_service = false;
    for (i, s) in segments.iter().enumerate() {
        let pos = i + 1;
        // Split each segment once; the parser reads many elements of CLP, SVC and CAS.
        let s = &s.fields();
        match s.id() {
            b"ST" => {
                if s.el(1) != b"835" {
                    return Err(err("this transaction set is not an 835", s, pos));
                }
                r.control_number = s.el_str(2).into();
            }
            b"BPR" => {
                r.payment = Payment {
                    handling_code: s.el_str(1).into(),
                    amount: money(s, 2, pos)?,
                    credit_debit: s.el_str(3).into(),
                    method: s.el_str(4).into(),
                    format: s.el_str(5).into(),
                    sender_bank: (6..=9)
                        .map(|n| s.el_str(n).to_string())
                        .take_while_nonempty(),
                    originating_company_id: s.el_str(10).into(),
                    originating_company_code: s.el_str(11).into(),
                    receiver_bank: (12..=15)
                        .map(|n| s.el_str(n).to_string())
                        .take_while_nonempty(),
                    date: Date::parse(s.el(16)),
                }
            }
            b"TRN" => {
                r.trace = Trace {
                    trace_type: s.el_str(1).into(),
                    number: s.el_str(2).into(),
                    originator: s.el_str(3).into(),
                    originator_supplemental: s.el_str(4).into(),
                }
            }
            b"DTM" if r.claims.is_empty() && s.el(1) == b"405" => {
                r.production_date = Date::parse(s.el(2));
            }
            b"REF" if r.claims.is_empty() => match party {
                Party835::None => r.header_refs.push(Reference::from_ref(s)),
                Party835::Payer => r.payer.refs.push(Reference::from_ref(s)),
                Party835::Payee => r.payee.refs.push(Reference::from_ref(s)),
            },
            b"N1" => {
                let p = RemitParty {
                    name: s.el_str(2).into(),
                    id_qualifier: s.el_str(3).into(),
                    id: s.el_str(4).into(),
                    ..RemitParty::default()
                };
                match s.el(1) {
                    b"PR" => {
                        r.payer = p;
                        party = Party835::Payer;
                    }
                    b"PE" => {
                        r.payee = p;
                        party = Party835::Payee;
                    }
                    _ => party = Party835::None,
                }
            }
            b"N3" | b"N4" if r.claims.is_empty() => {
                let target = match party {
                    Party835::Payer => &mut r.payer,
                    Party835::Payee => &mut r.payee,
                    Party835::None => continue,
                };
                let a = target.address.get_or_insert_with(Address::default);
                if s.is(b"N3") {
                    a.set_n3(s)
                } else {
                    a.set_n4(s)
                }
            }
            b"PER" if r.claims.is_empty() && party == Party835::Payer => {
                r.payer.contacts.push(
                    s.segment()
                        .elements()
                        .map(|e| String::from_utf8_lossy(e).into_owned())
                        .collect(),
                );
            }
            b"LX" => {
                header_number = s.el_str(1).parse().ok();
                party = Party835::None;
            }
            b"CLP" => {
                in_service = false;
                let services = segments[i + 1..]
                    .iter()
                    .take_while(|x| !x.is(b"CLP"))
                    .filter(|x| x.is(b"SVC"))
                    .count();
                r.claims.push(ClaimPayment {
                    header_number,
                    patient_control_number: code(s, 1),
                    status: code(s, 2),
                    charge: money(s, 3, pos)?,
                    paid: money(s, 4, pos)?,
                    patient_responsibility: opt_money(s, 5, pos)?,
                    filing_indicator: code(s, 6),
                    payer_claim_control_number: code(s, 7),
                    facility_type: code(s, 8),
                    frequency: code(s, 9),
                    drg: code(s, 11),
                    services: Vec::with_capacity(services),
                    ..ClaimPayment::default()
                });
            }
            b"CAS" => {
                let Some(c) = r.claims.last_mut() else {
                    return Err(err("CAS appears before any CLP", s, pos));
                };
                let target = if in_service {
                    c.services.last_mut().map(|x| &mut x.adjustments)
                } else {
                    Some(&mut c.adjustments)
                };
                if let Some(t) = target {
                    read_cas(s, t).map_err(|n| {
                        err(
                            &format!("CAS{n:02} is not a valid amount or quantity"),
                            s,
                            pos,
                        )
                    })?;
                }
            }
            b"NM1" => {
                if let Some(c) = r.claims.last_mut() {
                    c.parties.push(Party::from_nm1(s));
                }
            }
            b"MOA" | b"MIA" => {
                if let Some(c) = r.claims.last_mut() {
                    let remark_positions: &[usize] = if s.is(b"MOA") {
                        &[3, 4, 5, 6, 7]
                    } else {
                        &[5, 20, 21, 22, 23]
                    };
                    c.claim_remarks.extend(
                        remark_positions
                            .iter()
                            .map(|&n| code(s, n))
                            .filter(|v| !v.is_empty()),
                    );
                }
            }
            b"REF" => {
                if let Some(c) = r.claims.last_mut() {
                    match (in_service, c.services.last_mut()) {
                        (true, Some(sv)) => sv.refs.push(Reference::from_ref(s)),
                        _ => c.refs.push(Reference::from_ref(s)),
                    }
                }
            }
            b"DTM" => {
                if let (Some(c), Some(d)) = (r.claims.last_mut(), Date::parse(s.el(2))) {
                    match (in_service, c.services.last_mut()) {
                        (true, Some(sv)) => sv.dates.push((code(s, 1), d)),
                        _ => c.dates.push((code(s, 1), d)),
                    }
                }
            }
            b"AMT" => {
                let amt = money(s, 2, pos)?;
                if let Some(c) = r.claims.last_mut() {
                    match (in_service, c.services.last_mut()) {
                        (true, Some(sv)) => {
                            if s.el(1) == b"B6" {
                                sv.allowed = Some(amt);
                            } else {
                                sv.amounts.push((code(s, 1), amt));
                            }
                        }
                        _ => c.amounts.push((code(s, 1), amt)),
                    }
                }
            }
            b"SVC" => {
                let Some(c) = r.claims.last_mut() else {
                    return Err(err("SVC appears before any CLP", s, pos));
                };
                in_service = true;
                c.services.push(ServicePayment {
                    procedure: Procedure::from_composite(s, 1),
                    charge: money(s, 2, pos)?,
                    paid: money(s, 3, pos)?,
                    revenue_code: code(s, 4),
                    units_paid: opt_dec(s, 5, pos)?,
                    original_procedure: if s.el(6).is_empty() {
                        None
                    } else {
                        Some(Procedure::from_composite(s, 6))
                    },
                    units_billed: opt_dec(s, 7, pos)?,
                    ..ServicePayment::default()
                });
            }
            b"LQ" => {
                if let Some(sv) = r.claims.last_mut().and_then(|c| c.services.last_mut())
                    && s.el(1) == b"HE"
                {
                    sv.remarks.push(code(s, 2));
                }
            }
            b"PLB" => {
                let mut p = ProviderAdjustment {
                    provider_id: s.el_str(1).into(),
                    fiscal_period_end: Date::parse(s.el(2)),
                    items: vec![],
                };
                for k in 0..6 {
                    let n = 3 + k * 2;
                    if s.el(n).is_empty() {
                        continue;
                    }
                    p.items.push(ProviderAdjustmentItem {
                        reason: Code::from_utf8_bytes(s.comp(n, 1)),
                        reference: s.comp_str(n, 2).into(),
                        amount: money(s, n + 1, pos)?,
                    });
                }
                r.provider_adjustments.push(p);
            }
            _ => {}
        }
    }
    Ok(r)
}

trait TakeNonEmpty {
    fn take_while_nonempty(self) -> Vec<String>;
}
impl<I: Iterator<Item = String>> TakeNonEmpty for I {
    /// Keeps positions (empty strings inside) but drops trailing empties.
    fn take_while_nonempty(self) -> Vec<String> {
        let mut v: Vec<String> = self.collect();
        while v.last().is_some_and(String::is_empty) {
            v.pop();
        }
        v
    }
}

fn date_str(d: &Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Writes the transaction set (ST..SE) with the writer's delimiters.
pub fn write(r: &Remittance, w: &mut SegmentWriter) -> Result<(), WriteError> {
    // ST03 is "not used" in the 835 guide (X221A1).
    w.simple("ST", &["835", &r.control_number])?;
    let p = &r.payment;
    let bank = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
    let amt = p.amount.to_string();
    let bpr: Vec<String> = vec![
        p.handling_code.clone(),
        amt,
        p.credit_debit.clone(),
        p.method.clone(),
        p.format.clone(),
        bank(&p.sender_bank, 0),
        bank(&p.sender_bank, 1),
        bank(&p.sender_bank, 2),
        bank(&p.sender_bank, 3),
        p.originating_company_id.clone(),
        p.originating_company_code.clone(),
        bank(&p.receiver_bank, 0),
        bank(&p.receiver_bank, 1),
        bank(&p.receiver_bank, 2),
        bank(&p.receiver_bank, 3),
        date_str(&p.date),
    ];
    let refs: Vec<&str> = bpr.iter().map(String::as_str).collect();
    w.simple("BPR", &refs)?;
    w.simple(
        "TRN",
        &[
            &r.trace.trace_type,
            &r.trace.number,
            &r.trace.originator,
            &r.trace.originator_supplemental,
        ],
    )?;
    for x in &r.header_refs {
        x.write(w)?;
    }
    if let Some(d) = r.production_date {
        w.simple("DTM", &["405", &d.to_string()])?;
    }
    for (code, party) in [("PR", &r.payer), ("PE", &r.payee)] {
        w.simple("N1", &[code, &party.name, &party.id_qualifier, &party.id])?;
        if let Some(a) = &party.address {
            a.write(w)?;
        }
        for x in &party.refs {
            x.write(w)?;
        }
        for c in &party.contacts {
            let refs: Vec<&str> = c.iter().map(String::as_str).collect();
            w.simple("PER", &refs)?;
        }
    }
    let mut current_lx: Option<Option<u32>> = None;
    for c in &r.claims {
        if current_lx != Some(c.header_number) {
            w.simple("LX", &[&c.header_number.unwrap_or(1).to_string()])?;
            current_lx = Some(c.header_number);
        }
        let (charge, paid) = (c.charge.to_string(), c.paid.to_string());
        let pr = c
            .patient_responsibility
            .map(|m| m.to_string())
            .unwrap_or_default();
        w.simple(
            "CLP",
            &[
                &c.patient_control_number,
                &c.status,
                &charge,
                &paid,
                &pr,
                &c.filing_indicator,
                &c.payer_claim_control_number,
                &c.facility_type,
                &c.frequency,
                "",
                &c.drg,
            ],
        )?;
        write_cas(&c.adjustments, w)?;
        for p in &c.parties {
            p.write_nm1(w)?;
        }
        if !c.claim_remarks.is_empty() {
            let mut els = vec!["", ""];
            els.extend(c.claim_remarks.iter().take(5).map(Code::as_str));
            w.simple("MOA", &els)?;
        }
        for x in &c.refs {
            x.write(w)?;
        }
        for (q, d) in &c.dates {
            w.simple("DTM", &[q, &d.to_string()])?;
        }
        for (q, a) in &c.amounts {
            w.simple("AMT", &[q, &a.to_string()])?;
        }
        for sv in &c.services {
            let units = sv.units_paid.map(|u| u.to_string()).unwrap_or_default();
            let ub = sv.units_billed.map(|u| u.to_string()).unwrap_or_default();
            let orig = sv
                .original_procedure
                .as_ref()
                .map(|p| p.components())
                .unwrap_or_default();
            let (ch, pd) = (sv.charge.to_string(), sv.paid.to_string());
            w.segment(
                "SVC",
                &[
                    Element::Composite(sv.procedure.components()[..6].to_vec()),
                    Element::Simple(&ch),
                    Element::Simple(&pd),
                    Element::Simple(&sv.revenue_code),
                    Element::Simple(&units),
                    Element::Composite(orig),
                    Element::Simple(&ub),
                ],
            )?;
            for (q, d) in &sv.dates {
                w.simple("DTM", &[q, &d.to_string()])?;
            }
            write_cas(&sv.adjustments, w)?;
            for x in &sv.refs {
                x.write(w)?;
            }
            if let Some(a) = sv.allowed {
                w.simple("AMT", &["B6", &a.to_string()])?;
            }
            for (q, a) in &sv.amounts {
                w.simple("AMT", &[q, &a.to_string()])?;
            }
            for rk in &sv.remarks {
                w.simple("LQ", &["HE", rk])?;
            }
        }
    }
    for p in &r.provider_adjustments {
        let fy = date_str(&p.fiscal_period_end);
        let amounts: Vec<String> = p.items.iter().map(|i| i.amount.to_string()).collect();
        let mut els: Vec<Element<'_>> = vec![Element::Simple(&p.provider_id), Element::Simple(&fy)];
        for (i, it) in p.items.iter().enumerate().take(6) {
            els.push(Element::Composite(vec![&it.reason, &it.reference]));
            els.push(Element::Simple(&amounts[i]));
        }
        w.segment("PLB", &els)?;
    }
    w.se(&r.control_number)
}
