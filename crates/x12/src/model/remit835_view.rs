//! Zero-copy typed view of an 835: the same content as [`Remittance`], with texts borrowed from
//! the input and the per-claim lists (adjustments, parties, references, dates, amounts, remarks,
//! services) kept in a few flat vectors shared by the whole transaction set, so reading a claim
//! allocates nothing. [`RemittanceView::to_owned`] gives exactly what [`super::remit835::parse`]
//! gives (a test checks it on every generated and sample 835).

use super::remit835::{
    ClaimPayment, Payment, ProviderAdjustment, ProviderAdjustmentItem, RemitParty, Remittance,
    ServicePayment, Trace,
};
use super::{Address, Adjustment, Modifiers, Party, Procedure, Reference};
use crate::envelope::TransactionSet;
use crate::error::ModelError;
use crate::segment::{Elements, Fields, Segment};
use crate::values::{Code, Date, Decimal, Money};
use std::ops::Range;

/// Text of an element: empty when not UTF-8 (as the owned model reads it).
#[inline]
fn text(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("")
}

/// Element texts of one segment: the segment is checked for UTF-8 once and its elements are
/// sliced from that text (a UTF-8 check per element cost more than the rest of the reading).
#[derive(Clone, Copy)]
struct Texts<'a> {
    raw: &'a [u8],
    text: Option<&'a str>,
}

impl<'a> Texts<'a> {
    fn of(seg: &Segment<'a>) -> Texts<'a> {
        let raw = seg.raw();
        Texts {
            raw,
            text: std::str::from_utf8(raw).ok(),
        }
    }
    /// `b` (a part of this segment) as text; empty when it is not UTF-8, as `text(b)`.
    #[inline]
    fn get(&self, b: &'a [u8]) -> &'a str {
        if b.is_empty() {
            return "";
        }
        if let Some(t) = self.text {
            let off = (b.as_ptr() as usize).wrapping_sub(self.raw.as_ptr() as usize);
            if let Some(v) = off.checked_add(b.len()).and_then(|end| t.get(off..end)) {
                return v;
            }
        }
        text(b)
    }
}

/// A REF qualifier and value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RefView<'a> {
    pub qualifier: &'a str,
    pub value: &'a str,
}

impl RefView<'_> {
    fn of<'a>(s: &Fields<'a>, tx: Texts<'a>) -> RefView<'a> {
        RefView {
            qualifier: tx.get(s.get(1)),
            value: tx.get(s.get(2)),
        }
    }
    pub fn to_owned(&self) -> Reference {
        Reference::new(self.qualifier, self.value)
    }
}

/// One CAS adjustment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdjustmentView<'a> {
    pub group: &'a str,
    pub reason: &'a str,
    pub amount: Money,
    pub quantity: Option<Decimal>,
}

impl AdjustmentView<'_> {
    pub fn to_owned(&self) -> Adjustment {
        Adjustment {
            group: self.group.into(),
            reason: self.reason.into(),
            amount: self.amount,
            quantity: self.quantity,
        }
    }
}

/// NM1 party.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PartyView<'a> {
    pub entity: &'a str,
    pub kind: &'a str,
    pub last_or_org: &'a str,
    pub first: &'a str,
    pub middle: &'a str,
    pub suffix: &'a str,
    pub id_qualifier: &'a str,
    pub id: &'a str,
}

impl PartyView<'_> {
    pub fn to_owned(&self) -> Party {
        Party {
            entity: self.entity.into(),
            kind: self.kind.into(),
            last_or_org: self.last_or_org.into(),
            first: self.first.into(),
            middle: self.middle.into(),
            suffix: self.suffix.into(),
            id_qualifier: self.id_qualifier.into(),
            id: self.id.into(),
        }
    }
}

/// A procedure composite: qualifier, code, modifiers 1-4 (empty when absent), description.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProcedureView<'a> {
    pub qualifier: &'a str,
    pub code: &'a str,
    pub modifiers: [&'a str; 4],
    pub description: &'a str,
}

impl<'a> ProcedureView<'a> {
    fn of(s: &Fields<'a>, n: usize, tx: Texts<'a>) -> ProcedureView<'a> {
        let mut comps: [&[u8]; 7] = [&[]; 7];
        for (slot, c) in comps.iter_mut().zip(s.components(n)) {
            *slot = c;
        }
        ProcedureView {
            qualifier: tx.get(comps[0]),
            code: tx.get(comps[1]),
            modifiers: [
                tx.get(comps[2]),
                tx.get(comps[3]),
                tx.get(comps[4]),
                tx.get(comps[5]),
            ],
            description: tx.get(comps[6]),
        }
    }

    /// The modifiers sent, in order.
    pub fn modifiers(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.modifiers.iter().copied().filter(|m| !m.is_empty())
    }

    pub fn to_owned(&self) -> Procedure {
        // Four places in the view as in the composite: the owned list cannot overflow.
        let mut modifiers = Modifiers::new();
        for m in self.modifiers() {
            if modifiers.try_push(m).is_err() {
                break;
            }
        }
        Procedure {
            qualifier: self.qualifier.into(),
            code: self.code.into(),
            modifiers,
            description: self.description.into(),
        }
    }
}

/// N3/N4 address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AddressView<'a> {
    pub line1: &'a str,
    pub line2: &'a str,
    pub city: &'a str,
    pub state: &'a str,
    pub zip: &'a str,
    pub country: &'a str,
}

impl AddressView<'_> {
    pub fn to_owned(&self) -> Address {
        Address {
            line1: self.line1.into(),
            line2: self.line2.into(),
            city: self.city.into(),
            state: self.state.into(),
            zip: self.zip.into(),
            country: self.country.into(),
        }
    }
}

/// BPR.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaymentView<'a> {
    pub handling_code: &'a str,
    pub amount: Money,
    pub credit_debit: &'a str,
    pub method: &'a str,
    pub format: &'a str,
    /// BPR06-09 as sent (empty when absent).
    pub sender_bank: [&'a str; 4],
    pub originating_company_id: &'a str,
    pub originating_company_code: &'a str,
    /// BPR12-15 as sent (empty when absent).
    pub receiver_bank: [&'a str; 4],
    pub date: Option<Date>,
}

/// TRN.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TraceView<'a> {
    pub trace_type: &'a str,
    pub number: &'a str,
    pub originator: &'a str,
    pub originator_supplemental: &'a str,
}

/// Payer (1000A) or payee (1000B).
#[derive(Clone, Debug, Default)]
pub struct RemitPartyView<'a> {
    pub name: &'a str,
    pub id_qualifier: &'a str,
    pub id: &'a str,
    pub address: Option<AddressView<'a>>,
    pub refs: Vec<RefView<'a>>,
    /// PER segments (payer contacts).
    pub contacts: Vec<Segment<'a>>,
}

/// CLP loop (2100). Its lists are read through [`RemittanceView`] (`claim_*` methods) or
/// [`ClaimRef`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimPaymentView<'a> {
    pub header_number: Option<u32>,
    pub patient_control_number: &'a str,
    pub status: &'a str,
    pub charge: Money,
    pub paid: Money,
    pub patient_responsibility: Option<Money>,
    pub filing_indicator: &'a str,
    pub payer_claim_control_number: &'a str,
    pub facility_type: &'a str,
    pub frequency: &'a str,
    pub drg: &'a str,
    adjustments: Span,
    parties: Span,
    remarks: Span,
    refs: Span,
    dates: Span,
    amounts: Span,
    services: Span,
}

/// SVC loop (2110).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServicePaymentView<'a> {
    pub procedure: ProcedureView<'a>,
    pub charge: Money,
    pub paid: Money,
    pub revenue_code: &'a str,
    pub units_paid: Option<Decimal>,
    pub original_procedure: Option<ProcedureView<'a>>,
    pub units_billed: Option<Decimal>,
    /// AMT*B6 allowed amount.
    pub allowed: Option<Money>,
    adjustments: Span,
    refs: Span,
    dates: Span,
    amounts: Span,
    remarks: Span,
}

/// PLB item.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProviderAdjustmentItemView<'a> {
    pub reason: &'a str,
    pub reference: &'a str,
    pub amount: Money,
}

/// PLB.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderAdjustmentView<'a> {
    pub provider_id: &'a str,
    pub fiscal_period_end: Option<Date>,
    pub items: Vec<ProviderAdjustmentItemView<'a>>,
}

/// A range of one of the shared lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn at(len: usize) -> Span {
        let p = u32::try_from(len).unwrap_or(u32::MAX);
        Span { start: p, end: p }
    }
    /// Records that an item was just pushed at the end of a list now `len` long. A list's items
    /// for one owner are contiguous: an 835 names a claim's own items before its services, and
    /// each service's items before the next service.
    #[inline]
    fn grow(&mut self, len: usize) {
        let end = u32::try_from(len).unwrap_or(u32::MAX);
        if self.start == self.end {
            self.start = end.saturating_sub(1);
        }
        self.end = end;
    }
    fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn slice<T>(v: &[T], s: Span) -> &[T] {
    v.get(s.range()).unwrap_or(&[])
}

/// One 835 transaction set read without copying: see the module documentation.
#[derive(Clone, Debug, Default)]
pub struct RemittanceView<'a> {
    pub control_number: &'a str,
    pub payment: PaymentView<'a>,
    pub trace: TraceView<'a>,
    pub production_date: Option<Date>,
    pub header_refs: Vec<RefView<'a>>,
    pub payer: RemitPartyView<'a>,
    pub payee: RemitPartyView<'a>,
    pub claims: Vec<ClaimPaymentView<'a>>,
    pub provider_adjustments: Vec<ProviderAdjustmentView<'a>>,
    services: Vec<ServicePaymentView<'a>>,
    adjustments: Vec<AdjustmentView<'a>>,
    parties: Vec<PartyView<'a>>,
    remarks: Vec<&'a str>,
    service_remarks: Vec<&'a str>,
    refs: Vec<RefView<'a>>,
    dates: Vec<(&'a str, Date)>,
    amounts: Vec<(&'a str, Money)>,
}

/// A claim with access to its lists.
#[derive(Clone, Copy, Debug)]
pub struct ClaimRef<'v, 'a> {
    pub view: &'v RemittanceView<'a>,
    pub claim: &'v ClaimPaymentView<'a>,
}

impl<'v, 'a> ClaimRef<'v, 'a> {
    pub fn adjustments(&self) -> &'v [AdjustmentView<'a>] {
        slice(&self.view.adjustments, self.claim.adjustments)
    }
    /// NM1 QC / IL / 74 / 82 / TT / PR / GB.
    pub fn parties(&self) -> &'v [PartyView<'a>] {
        slice(&self.view.parties, self.claim.parties)
    }
    /// MOA/MIA remark codes.
    pub fn remarks(&self) -> &'v [&'a str] {
        slice(&self.view.remarks, self.claim.remarks)
    }
    pub fn refs(&self) -> &'v [RefView<'a>] {
        slice(&self.view.refs, self.claim.refs)
    }
    pub fn dates(&self) -> &'v [(&'a str, Date)] {
        slice(&self.view.dates, self.claim.dates)
    }
    pub fn amounts(&self) -> &'v [(&'a str, Money)] {
        slice(&self.view.amounts, self.claim.amounts)
    }
    pub fn services(&self) -> impl Iterator<Item = ServiceRef<'v, 'a>> + 'v {
        let view = self.view;
        slice(&view.services, self.claim.services)
            .iter()
            .map(move |service| ServiceRef { view, service })
    }

    pub fn to_owned(&self) -> ClaimPayment {
        let c = self.claim;
        ClaimPayment {
            header_number: c.header_number,
            patient_control_number: c.patient_control_number.into(),
            status: c.status.into(),
            charge: c.charge,
            paid: c.paid,
            patient_responsibility: c.patient_responsibility,
            filing_indicator: c.filing_indicator.into(),
            payer_claim_control_number: c.payer_claim_control_number.into(),
            facility_type: c.facility_type.into(),
            frequency: c.frequency.into(),
            drg: c.drg.into(),
            adjustments: self
                .adjustments()
                .iter()
                .map(AdjustmentView::to_owned)
                .collect(),
            parties: self.parties().iter().map(PartyView::to_owned).collect(),
            claim_remarks: self.remarks().iter().map(|r| Code::from(*r)).collect(),
            refs: self.refs().iter().map(RefView::to_owned).collect(),
            dates: self
                .dates()
                .iter()
                .map(|(q, d)| (Code::from(*q), *d))
                .collect(),
            amounts: self
                .amounts()
                .iter()
                .map(|(q, m)| (Code::from(*q), *m))
                .collect(),
            services: self.services().map(|s| s.to_owned()).collect(),
        }
    }
}

/// A service line with access to its lists.
#[derive(Clone, Copy, Debug)]
pub struct ServiceRef<'v, 'a> {
    pub view: &'v RemittanceView<'a>,
    pub service: &'v ServicePaymentView<'a>,
}

impl<'v, 'a> ServiceRef<'v, 'a> {
    pub fn adjustments(&self) -> &'v [AdjustmentView<'a>] {
        slice(&self.view.adjustments, self.service.adjustments)
    }
    pub fn refs(&self) -> &'v [RefView<'a>] {
        slice(&self.view.refs, self.service.refs)
    }
    pub fn dates(&self) -> &'v [(&'a str, Date)] {
        slice(&self.view.dates, self.service.dates)
    }
    /// AMT other than B6.
    pub fn amounts(&self) -> &'v [(&'a str, Money)] {
        slice(&self.view.amounts, self.service.amounts)
    }
    /// LQ*HE remark codes.
    pub fn remarks(&self) -> &'v [&'a str] {
        slice(&self.view.service_remarks, self.service.remarks)
    }
    /// REF*6R line item control number.
    pub fn line_control_number(&self) -> Option<&'a str> {
        self.refs()
            .iter()
            .find(|r| r.qualifier == "6R")
            .map(|r| r.value)
    }

    pub fn to_owned(&self) -> ServicePayment {
        let s = self.service;
        ServicePayment {
            procedure: s.procedure.to_owned(),
            charge: s.charge,
            paid: s.paid,
            revenue_code: s.revenue_code.into(),
            units_paid: s.units_paid,
            original_procedure: s.original_procedure.as_ref().map(ProcedureView::to_owned),
            units_billed: s.units_billed,
            dates: self
                .dates()
                .iter()
                .map(|(q, d)| (Code::from(*q), *d))
                .collect(),
            adjustments: self
                .adjustments()
                .iter()
                .map(AdjustmentView::to_owned)
                .collect(),
            refs: self.refs().iter().map(RefView::to_owned).collect(),
            allowed: s.allowed,
            amounts: self
                .amounts()
                .iter()
                .map(|(q, m)| (Code::from(*q), *m))
                .collect(),
            remarks: self.remarks().iter().map(|r| Code::from(*r)).collect(),
        }
    }
}

fn nonempty_prefix(v: &[&str]) -> Vec<String> {
    let n = v.iter().rposition(|s| !s.is_empty()).map_or(0, |i| i + 1);
    v[..n].iter().map(|s| s.to_string()).collect()
}

impl RemitPartyView<'_> {
    pub fn to_owned(&self) -> RemitParty {
        RemitParty {
            name: self.name.into(),
            id_qualifier: self.id_qualifier.into(),
            id: self.id.into(),
            address: self.address.as_ref().map(AddressView::to_owned),
            refs: self.refs.iter().map(RefView::to_owned).collect(),
            contacts: self
                .contacts
                .iter()
                .map(|s| {
                    s.elements()
                        .map(|e| String::from_utf8_lossy(e).into_owned())
                        .collect()
                })
                .collect(),
        }
    }
}

impl<'a> RemittanceView<'a> {
    /// The claims with access to their lists.
    pub fn claims(&self) -> impl Iterator<Item = ClaimRef<'_, 'a>> + '_ {
        self.claims
            .iter()
            .map(move |claim| ClaimRef { view: self, claim })
    }

    /// The owned model: equal to what [`super::remit835::parse`] builds from the same segments.
    pub fn to_owned(&self) -> Remittance {
        let p = &self.payment;
        Remittance {
            control_number: self.control_number.into(),
            payment: Payment {
                handling_code: p.handling_code.into(),
                amount: p.amount,
                credit_debit: p.credit_debit.into(),
                method: p.method.into(),
                format: p.format.into(),
                sender_bank: nonempty_prefix(&p.sender_bank),
                originating_company_id: p.originating_company_id.into(),
                originating_company_code: p.originating_company_code.into(),
                receiver_bank: nonempty_prefix(&p.receiver_bank),
                date: p.date,
            },
            trace: Trace {
                trace_type: self.trace.trace_type.into(),
                number: self.trace.number.into(),
                originator: self.trace.originator.into(),
                originator_supplemental: self.trace.originator_supplemental.into(),
            },
            production_date: self.production_date,
            header_refs: self.header_refs.iter().map(RefView::to_owned).collect(),
            payer: self.payer.to_owned(),
            payee: self.payee.to_owned(),
            claims: self.claims().map(|c| c.to_owned()).collect(),
            provider_adjustments: self
                .provider_adjustments
                .iter()
                .map(|p| ProviderAdjustment {
                    provider_id: p.provider_id.into(),
                    fiscal_period_end: p.fiscal_period_end,
                    items: p
                        .items
                        .iter()
                        .map(|i| ProviderAdjustmentItem {
                            reason: i.reason.into(),
                            reference: i.reference.into(),
                            amount: i.amount,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

fn err(what: &str, s: &Fields<'_>, pos: usize) -> ModelError {
    ModelError {
        what: what.to_string(),
        segment_id: s.id_str().to_string(),
        position: pos,
    }
}

fn money(s: &Fields<'_>, n: usize, pos: usize) -> Result<Money, ModelError> {
    Money::parse(s.get(n)).ok_or_else(|| {
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

fn opt_money(s: &Fields<'_>, n: usize, pos: usize) -> Result<Option<Money>, ModelError> {
    if s.get(n).is_empty() {
        Ok(None)
    } else {
        money(s, n, pos).map(Some)
    }
}

fn opt_dec(s: &Fields<'_>, n: usize, pos: usize) -> Result<Option<Decimal>, ModelError> {
    let v = s.get(n);
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

/// Builds the view from the segments of one 835 transaction set (ST..SE); same reading and same
/// errors as [`super::remit835::parse`].
pub fn parse_view<'a>(segments: &[Segment<'a>]) -> Result<RemittanceView<'a>, ModelError> {
    view_of(segments, None)
}

/// The same view from a transaction set as the drivers hand it over: when the whole set is valid
/// UTF-8 it is checked once, not segment by segment.
pub fn parse_view_set<'a>(tx: TransactionSet<'_, 'a>) -> Result<RemittanceView<'a>, ModelError> {
    let whole = tx.text().map(|t| Texts {
        raw: tx.bytes,
        text: Some(t),
    });
    view_of(tx.segments, whole)
}

fn view_of<'a>(
    segments: &[Segment<'a>],
    whole: Option<Texts<'a>>,
) -> Result<RemittanceView<'a>, ModelError> {
    let mut r = RemittanceView::default();
    // Sized once from a count of segment IDs (each list's items come from one or two IDs).
    let (mut n_clp, mut n_svc, mut n_cas, mut n_nm1, mut n_ref, mut n_dtm, mut n_amt, mut n_rem) = (
        0usize, 0usize, 0usize, 0usize, 0usize, 0usize, 0usize, 0usize,
    );
    for s in segments {
        match s.id() {
            b"CLP" => n_clp += 1,
            b"SVC" => n_svc += 1,
            b"CAS" => n_cas += 1,
            b"NM1" => n_nm1 += 1,
            b"REF" => n_ref += 1,
            b"DTM" => n_dtm += 1,
            b"AMT" => n_amt += 1,
            b"LQ" | b"MOA" | b"MIA" => n_rem += 1,
            _ => {}
        }
    }
    r.claims.reserve_exact(n_clp);
    r.services.reserve_exact(n_svc);
    r.adjustments.reserve(n_cas * 2);
    r.parties.reserve_exact(n_nm1);
    r.refs.reserve_exact(n_ref);
    r.dates.reserve_exact(n_dtm);
    r.amounts.reserve_exact(n_amt);
    r.remarks.reserve(n_rem);
    r.service_remarks.reserve(n_rem);
    let mut party = Party835::None;
    let mut header_number: Option<u32> = None;
    let mut in_service = false;
    for (i, seg) in segments.iter().enumerate() {
        let pos = i + 1;
        let s = &seg.fields();
        let tx = whole.unwrap_or_else(|| Texts::of(seg));
        match s.id() {
            b"ST" => {
                if s.get(1) != b"835" {
                    return Err(err("this transaction set is not an 835", s, pos));
                }
                r.control_number = tx.get(s.get(2));
            }
            b"BPR" => {
                r.payment = PaymentView {
                    handling_code: tx.get(s.get(1)),
                    amount: money(s, 2, pos)?,
                    credit_debit: tx.get(s.get(3)),
                    method: tx.get(s.get(4)),
                    format: tx.get(s.get(5)),
                    sender_bank: [
                        tx.get(s.get(6)),
                        tx.get(s.get(7)),
                        tx.get(s.get(8)),
                        tx.get(s.get(9)),
                    ],
                    originating_company_id: tx.get(s.get(10)),
                    originating_company_code: tx.get(s.get(11)),
                    receiver_bank: [
                        tx.get(s.get(12)),
                        tx.get(s.get(13)),
                        tx.get(s.get(14)),
                        tx.get(s.get(15)),
                    ],
                    date: Date::parse(s.get(16)),
                }
            }
            b"TRN" => {
                r.trace = TraceView {
                    trace_type: tx.get(s.get(1)),
                    number: tx.get(s.get(2)),
                    originator: tx.get(s.get(3)),
                    originator_supplemental: tx.get(s.get(4)),
                }
            }
            b"DTM" if r.claims.is_empty() && s.get(1) == b"405" => {
                r.production_date = Date::parse(s.get(2));
            }
            b"REF" if r.claims.is_empty() => {
                let v = RefView::of(s, tx);
                match party {
                    Party835::None => r.header_refs.push(v),
                    Party835::Payer => r.payer.refs.push(v),
                    Party835::Payee => r.payee.refs.push(v),
                }
            }
            b"N1" => {
                let p = RemitPartyView {
                    name: tx.get(s.get(2)),
                    id_qualifier: tx.get(s.get(3)),
                    id: tx.get(s.get(4)),
                    ..RemitPartyView::default()
                };
                match s.get(1) {
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
                let a = target.address.get_or_insert_with(AddressView::default);
                if s.is(b"N3") {
                    a.line1 = tx.get(s.get(1));
                    a.line2 = tx.get(s.get(2));
                } else {
                    a.city = tx.get(s.get(1));
                    a.state = tx.get(s.get(2));
                    a.zip = tx.get(s.get(3));
                    a.country = tx.get(s.get(4));
                }
            }
            b"PER" if r.claims.is_empty() && party == Party835::Payer => {
                r.payer.contacts.push(*seg);
            }
            b"LX" => {
                header_number = s.str(1).parse().ok();
                party = Party835::None;
            }
            b"CLP" => {
                in_service = false;
                r.claims.push(ClaimPaymentView {
                    header_number,
                    patient_control_number: tx.get(s.get(1)),
                    status: tx.get(s.get(2)),
                    charge: money(s, 3, pos)?,
                    paid: money(s, 4, pos)?,
                    patient_responsibility: opt_money(s, 5, pos)?,
                    filing_indicator: tx.get(s.get(6)),
                    payer_claim_control_number: tx.get(s.get(7)),
                    facility_type: tx.get(s.get(8)),
                    frequency: tx.get(s.get(9)),
                    drg: tx.get(s.get(11)),
                    adjustments: Span::at(r.adjustments.len()),
                    parties: Span::at(r.parties.len()),
                    remarks: Span::at(r.remarks.len()),
                    refs: Span::at(r.refs.len()),
                    dates: Span::at(r.dates.len()),
                    amounts: Span::at(r.amounts.len()),
                    services: Span::at(r.services.len()),
                });
            }
            b"CAS" => {
                let Some(c) = r.claims.last_mut() else {
                    return Err(err("CAS appears before any CLP", s, pos));
                };
                let span = if in_service {
                    r.services.last_mut().map(|x| &mut x.adjustments)
                } else {
                    Some(&mut c.adjustments)
                };
                let Some(span) = span else { continue };
                let group = tx.get(s.get(1));
                for k in 0..6 {
                    let base = 2 + k * 3;
                    let reason_bytes = s.get(base);
                    if reason_bytes.is_empty() {
                        continue;
                    }
                    let reason = tx.get(reason_bytes);
                    if reason.is_empty() {
                        continue;
                    }
                    let bad = |n: usize| {
                        err(
                            &format!("CAS{n:02} is not a valid amount or quantity"),
                            s,
                            pos,
                        )
                    };
                    let amount = Money::parse(s.get(base + 1)).ok_or_else(|| bad(base + 1))?;
                    let q = s.get(base + 2);
                    let quantity = if q.is_empty() {
                        None
                    } else {
                        Some(Decimal::parse(q).ok_or_else(|| bad(base + 2))?)
                    };
                    r.adjustments.push(AdjustmentView {
                        group,
                        reason,
                        amount,
                        quantity,
                    });
                    span.grow(r.adjustments.len());
                }
            }
            b"NM1" => {
                if let Some(c) = r.claims.last_mut() {
                    r.parties.push(PartyView {
                        entity: tx.get(s.get(1)),
                        kind: tx.get(s.get(2)),
                        last_or_org: tx.get(s.get(3)),
                        first: tx.get(s.get(4)),
                        middle: tx.get(s.get(5)),
                        suffix: tx.get(s.get(7)),
                        id_qualifier: tx.get(s.get(8)),
                        id: tx.get(s.get(9)),
                    });
                    c.parties.grow(r.parties.len());
                }
            }
            b"MOA" | b"MIA" => {
                if let Some(c) = r.claims.last_mut() {
                    let remark_positions: &[usize] = if s.is(b"MOA") {
                        &[3, 4, 5, 6, 7]
                    } else {
                        &[5, 20, 21, 22, 23]
                    };
                    for &n in remark_positions {
                        let v = tx.get(s.get(n));
                        if !v.is_empty() {
                            r.remarks.push(v);
                            c.remarks.grow(r.remarks.len());
                        }
                    }
                }
            }
            b"REF" => {
                if let Some(c) = r.claims.last_mut() {
                    r.refs.push(RefView::of(s, tx));
                    match (in_service, r.services.last_mut()) {
                        (true, Some(sv)) if c.services.end > c.services.start => {
                            sv.refs.grow(r.refs.len())
                        }
                        _ => c.refs.grow(r.refs.len()),
                    }
                }
            }
            b"DTM" => {
                if let (Some(c), Some(d)) = (r.claims.last_mut(), Date::parse(s.get(2))) {
                    r.dates.push((tx.get(s.get(1)), d));
                    match (in_service, r.services.last_mut()) {
                        (true, Some(sv)) if c.services.end > c.services.start => {
                            sv.dates.grow(r.dates.len())
                        }
                        _ => c.dates.grow(r.dates.len()),
                    }
                }
            }
            b"AMT" => {
                let amt = money(s, 2, pos)?;
                if let Some(c) = r.claims.last_mut() {
                    match (in_service, r.services.last_mut()) {
                        (true, Some(sv)) if c.services.end > c.services.start => {
                            if s.get(1) == b"B6" {
                                sv.allowed = Some(amt);
                            } else {
                                r.amounts.push((tx.get(s.get(1)), amt));
                                sv.amounts.grow(r.amounts.len());
                            }
                        }
                        _ => {
                            r.amounts.push((tx.get(s.get(1)), amt));
                            c.amounts.grow(r.amounts.len());
                        }
                    }
                }
            }
            b"SVC" => {
                let Some(c) = r.claims.last_mut() else {
                    return Err(err("SVC appears before any CLP", s, pos));
                };
                in_service = true;
                let sv = ServicePaymentView {
                    procedure: ProcedureView::of(s, 1, tx),
                    charge: money(s, 2, pos)?,
                    paid: money(s, 3, pos)?,
                    revenue_code: tx.get(s.get(4)),
                    units_paid: opt_dec(s, 5, pos)?,
                    original_procedure: if s.get(6).is_empty() {
                        None
                    } else {
                        Some(ProcedureView::of(s, 6, tx))
                    },
                    units_billed: opt_dec(s, 7, pos)?,
                    allowed: None,
                    adjustments: Span::at(r.adjustments.len()),
                    refs: Span::at(r.refs.len()),
                    dates: Span::at(r.dates.len()),
                    amounts: Span::at(r.amounts.len()),
                    remarks: Span::at(r.service_remarks.len()),
                };
                r.services.push(sv);
                c.services.grow(r.services.len());
            }
            b"LQ" => {
                if let Some(c) = r.claims.last()
                    && c.services.end > c.services.start
                    && s.get(1) == b"HE"
                    && let Some(sv) = r.services.last_mut()
                {
                    r.service_remarks.push(tx.get(s.get(2)));
                    sv.remarks.grow(r.service_remarks.len());
                }
            }
            b"PLB" => {
                let mut p = ProviderAdjustmentView {
                    provider_id: tx.get(s.get(1)),
                    fiscal_period_end: Date::parse(s.get(2)),
                    items: Vec::new(),
                };
                for k in 0..6 {
                    let n = 3 + k * 2;
                    if s.get(n).is_empty() {
                        continue;
                    }
                    p.items.push(ProviderAdjustmentItemView {
                        reason: text(s.comp(n, 1)),
                        reference: s.comp_str(n, 2),
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
