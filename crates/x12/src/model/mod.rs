//! Typed models of the transactions, designed for the claims, posting and server work: owned
//! values, money in cents, dates checked, codes kept as the strings the guides define.

pub mod ack999;
pub mod claim837;
pub mod remit835;
mod remit835_view;
pub mod status277;
pub mod ta1;

use crate::WriteError;
use crate::segment::Elements;
use crate::values::{Code, Decimal, Money, Text};
use crate::writer::SegmentWriter;
use arrayvec::ArrayVec;
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// An NM1 (or N1) name: person or organization with its identifier.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// NM101 entity identifier (85 billing provider, IL insured, QC patient, PR payer…).
    pub entity: Code,
    /// NM102: 1 person, 2 organization.
    pub kind: Code,
    /// NM103: last name or organization name.
    pub last_or_org: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub first: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub middle: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub suffix: Text,
    /// NM108: XX NPI, MI member ID, PI payer ID, 46 ETIN…
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub id_qualifier: Code,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub id: Text,
}

impl Party {
    pub fn from_nm1<'a>(s: &impl Elements<'a>) -> Party {
        let c = |n: usize| Code::from_utf8_bytes(s.el(n));
        Party {
            entity: c(1),
            kind: c(2),
            last_or_org: c(3),
            first: c(4),
            middle: c(5),
            suffix: c(7),
            id_qualifier: c(8),
            id: c(9),
        }
    }

    /// An organization (NM102 = 2).
    pub fn org(entity: &str, name: &str, id_qualifier: &str, id: &str) -> Party {
        Party {
            entity: entity.into(),
            kind: "2".into(),
            last_or_org: name.into(),
            id_qualifier: id_qualifier.into(),
            id: id.into(),
            ..Party::default()
        }
    }

    /// A person (NM102 = 1).
    pub fn person(entity: &str, last: &str, first: &str, id_qualifier: &str, id: &str) -> Party {
        Party {
            entity: entity.into(),
            kind: "1".into(),
            last_or_org: last.into(),
            first: first.into(),
            id_qualifier: id_qualifier.into(),
            id: id.into(),
            ..Party::default()
        }
    }

    pub fn write_nm1(&self, w: &mut SegmentWriter) -> Result<(), WriteError> {
        w.begin("NM1")
            .el(&self.entity)
            .el(&self.kind)
            .el(&self.last_or_org)
            .el(&self.first)
            .el(&self.middle)
            .el("")
            .el(&self.suffix)
            .el(&self.id_qualifier)
            .el(&self.id)
            .end()
    }
}

/// N3/N4 address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub line1: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub line2: Text,
    pub city: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub state: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub zip: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub country: Text,
}

impl Address {
    pub fn new(line1: &str, city: &str, state: &str, zip: &str) -> Address {
        Address {
            line1: line1.into(),
            city: city.into(),
            state: state.into(),
            zip: zip.into(),
            ..Address::default()
        }
    }

    pub fn set_n3<'a>(&mut self, s: &impl Elements<'a>) {
        self.line1 = s.el_str(1).into();
        self.line2 = s.el_str(2).into();
    }

    pub fn set_n4<'a>(&mut self, s: &impl Elements<'a>) {
        self.city = s.el_str(1).into();
        self.state = s.el_str(2).into();
        self.zip = s.el_str(3).into();
        self.country = s.el_str(4).into();
    }

    pub fn write(&self, w: &mut SegmentWriter) -> Result<(), WriteError> {
        w.begin("N3").el(&self.line1).el(&self.line2).end()?;
        w.begin("N4")
            .el(&self.city)
            .el(&self.state)
            .el(&self.zip)
            .el(&self.country)
            .end()
    }
}

/// A REF qualifier and value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub qualifier: Code,
    pub value: Text,
}

impl Reference {
    pub fn new(q: &str, v: &str) -> Reference {
        Reference {
            qualifier: q.into(),
            value: v.into(),
        }
    }
    pub fn from_ref<'a>(s: &impl Elements<'a>) -> Reference {
        Reference {
            qualifier: Code::from_utf8_bytes(s.el(1)),
            value: Code::from_utf8_bytes(s.el(2)),
        }
    }
    pub fn write(&self, w: &mut SegmentWriter) -> Result<(), WriteError> {
        w.begin("REF").el(&self.qualifier).el(&self.value).end()
    }
}

/// One adjustment of a CAS segment: group, reason (CARC), amount, quantity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    /// CO, CR, OA, PI, PR.
    pub group: Code,
    /// Claim adjustment reason code.
    pub reason: Code,
    pub amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Decimal>,
}

/// Reads the up-to-six reason/amount/quantity triples of a CAS segment. Amounts that do not
/// parse are returned as errors (element position) so the caller can report them.
pub fn read_cas<'a>(s: &impl Elements<'a>, out: &mut Vec<Adjustment>) -> Result<(), usize> {
    let group = Code::from_utf8_bytes(s.el(1));
    for k in 0..6 {
        let base = 2 + k * 3;
        let reason_bytes = s.el(base);
        if reason_bytes.is_empty() {
            continue;
        }
        let reason = Code::from_utf8_bytes(reason_bytes);
        if reason.is_empty() {
            // Not valid UTF-8: read as empty, as before.
            continue;
        }
        let amount = Money::parse(s.el(base + 1)).ok_or(base + 1)?;
        let q = s.el(base + 2);
        let quantity = if q.is_empty() {
            None
        } else {
            Some(Decimal::parse(q).ok_or(base + 2)?)
        };
        out.push(Adjustment {
            group: group.clone(),
            reason,
            amount,
            quantity,
        });
    }
    Ok(())
}

/// Writes adjustments as CAS segments: one per group, up to six triples each.
pub fn write_cas(adjs: &[Adjustment], w: &mut SegmentWriter) -> Result<(), WriteError> {
    // Groups in order of first appearance, each with up to six triples per segment; no
    // allocation for the usual handful of adjustments.
    for (i, first) in adjs.iter().enumerate() {
        let g = first.group.as_str();
        if adjs[..i].iter().any(|a| a.group == g) {
            continue;
        }
        let mut items = adjs[i..].iter().filter(|a| a.group == g).peekable();
        while items.peek().is_some() {
            let mut b = w.begin("CAS");
            b.el(g);
            for a in items.by_ref().take(6) {
                b.el(&a.reason).money(a.amount);
                match a.quantity {
                    Some(q) => b.decimal(q),
                    None => b.el(""),
                };
            }
            b.end()?;
        }
    }
    Ok(())
}

/// More values than a composite of the guides holds: five procedure modifiers where C003 has
/// four places, five diagnosis pointers where C004 has four.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{count} {what}: composite {composite} holds at most {max}")]
pub struct TooMany {
    /// What was counted: "procedure modifiers", "diagnosis pointers".
    pub what: &'static str,
    /// The composite of the guides: "C003", "C004".
    pub composite: &'static str,
    /// Its limit.
    pub max: usize,
    /// How many were given (at least `max + 1`).
    pub count: usize,
}

/// The composite a [`Bounded`] list belongs to, for its messages.
pub trait CompositeLimit {
    /// What is counted: "procedure modifiers", "diagnosis pointers".
    const WHAT: &'static str;
    /// The composite of the guides: "C003", "C004".
    const COMPOSITE: &'static str;
}

/// The values of one composite's repeated places (a procedure's modifiers, a line's diagnosis
/// pointers): at most `N`, the places the guides give them, stored inline (no heap block per
/// service line). Reads like a slice; in JSON an array, where more than `N` is an error that names
/// the limit (`invalid length 5, expected at most 4 procedure modifiers (composite C003)`), never
/// a truncation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Bounded<T, const N: usize, L>(ArrayVec<T, N>, PhantomData<L>);

impl<T, const N: usize, L: CompositeLimit> Bounded<T, N, L> {
    /// The composite's places.
    pub const MAX: usize = N;

    fn too_many(count: usize) -> TooMany {
        TooMany {
            what: L::WHAT,
            composite: L::COMPOSITE,
            max: N,
            count,
        }
    }

    pub const fn new() -> Self {
        Bounded(ArrayVec::new_const(), PhantomData)
    }

    /// Adds a value after the others; an error when the composite's places are taken.
    pub fn try_push(&mut self, v: impl Into<T>) -> Result<(), TooMany> {
        self.0.try_push(v.into()).map_err(|_| Self::too_many(N + 1))
    }

    /// The values of a list; an error (counting them all) when there are more than `N`.
    pub fn try_from_iter<V: Into<T>>(values: impl IntoIterator<Item = V>) -> Result<Self, TooMany> {
        let mut out = Self::new();
        let mut it = values.into_iter();
        for v in it.by_ref() {
            if out.0.try_push(v.into()).is_err() {
                return Err(Self::too_many(N + 1 + it.count()));
            }
        }
        Ok(out)
    }

    pub fn as_slice(&self) -> &[T] {
        &self.0
    }
}

impl<T, const N: usize, L: CompositeLimit> Default for Bounded<T, N, L> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const N: usize, L> std::ops::Deref for Bounded<T, N, L> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'a, T, const N: usize, L> IntoIterator for &'a Bounded<T, N, L> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a, T, V, const N: usize, L> TryFrom<&'a [V]> for Bounded<T, N, L>
where
    L: CompositeLimit,
    V: Clone + Into<T>,
{
    type Error = TooMany;
    fn try_from(values: &'a [V]) -> Result<Self, TooMany> {
        Self::try_from_iter(values.iter().cloned())
    }
}

impl<T: Serialize, const N: usize, L> Serialize for Bounded<T, N, L> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

impl<'de, T: Deserialize<'de>, const N: usize, L: CompositeLimit> Deserialize<'de>
    for Bounded<T, N, L>
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, IgnoredAny, SeqAccess, Visitor};

        struct Places<T, const N: usize, L>(PhantomData<(T, L)>);
        impl<'de, T: Deserialize<'de>, const N: usize, L: CompositeLimit> Visitor<'de> for Places<T, N, L> {
            type Value = Bounded<T, N, L>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "at most {N} {} (composite {})", L::WHAT, L::COMPOSITE)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Bounded::new();
                while let Some(v) = seq.next_element::<T>()? {
                    if out.0.try_push(v).is_err() {
                        // Count the rest for the message.
                        let mut count = N + 1;
                        while seq.next_element::<IgnoredAny>()?.is_some() {
                            count += 1;
                        }
                        return Err(A::Error::invalid_length(count, &self));
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_seq(Places::<T, N, L>(PhantomData))
    }
}

/// The modifiers of a procedure composite (C003-3 to C003-6: SV101, SV202, SVD03, SVC01, SVC06),
/// in order: at most four (`Modifiers::MAX`), the places the guides give them. Reads like a
/// `&[Code]`; in JSON an array of strings.
pub type Modifiers = Bounded<Code, 4, C003>;

/// Composite C003 (components 3 to 6): the limit of [`Modifiers`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct C003;

impl CompositeLimit for C003 {
    const WHAT: &'static str = "procedure modifiers";
    const COMPOSITE: &'static str = "C003";
}

/// Up to four modifiers written out (`["25"].into()`); a longer array does not compile.
impl<const K: usize> From<[&str; K]> for Modifiers {
    fn from(modifiers: [&str; K]) -> Modifiers {
        const { assert!(K <= 4, "composite C003 holds at most four modifiers") };
        let mut out = Modifiers::new();
        for m in modifiers {
            if out.try_push(m).is_err() {
                break;
            }
        }
        out
    }
}

/// A procedure composite (SV101, SV202, SVC01, SVD03): qualifier, code, up to four modifiers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// HC (CPT/HCPCS), ER, IV, WK, NU (revenue code in 835), N4 (NDC)…
    pub qualifier: Code,
    pub code: Code,
    /// C003-3 to C003-6.
    #[serde(default, skip_serializing_if = "<[Code]>::is_empty")]
    pub modifiers: Modifiers,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

impl Procedure {
    /// A CPT/HCPCS procedure (qualifier HC) with its modifiers.
    pub fn hc(code: &str, modifiers: Modifiers) -> Procedure {
        Procedure {
            qualifier: "HC".into(),
            code: code.into(),
            modifiers,
            description: String::new(),
        }
    }

    /// Reads composite C003 of element `n`. Components past the seventh (description) are not
    /// part of the composite and are ignored; so are empty modifier places.
    pub fn from_composite<'a>(s: &impl Elements<'a>, n: usize) -> Procedure {
        // Split once into at most seven components, without allocating.
        let mut comps: [&[u8]; 7] = [&[]; 7];
        for (slot, c) in comps.iter_mut().zip(s.components(n)) {
            *slot = c;
        }
        let get = |i: usize| Code::from_utf8_bytes(comps[i]);
        let mut modifiers = Modifiers::new();
        // Four places (components 3 to 6): the composite cannot overflow. A place that is not
        // UTF-8 reads as empty and is skipped like one.
        if comps[2..6].iter().any(|m| !m.is_empty()) {
            for m in (2..6).map(get).filter(|m| !m.is_empty()) {
                if modifiers.try_push(m).is_err() {
                    break;
                }
            }
        }
        Procedure {
            qualifier: get(0),
            code: get(1),
            modifiers,
            description: std::str::from_utf8(comps[6]).unwrap_or("").into(),
        }
    }

    /// Writes the composite (qualifier, code, modifiers 1-4, description) into a segment.
    pub fn write_composite(&self, b: &mut crate::writer::SegmentBuilder<'_>) {
        b.composite().comp(&self.qualifier).comp(&self.code);
        for i in 0..4 {
            b.comp(self.modifiers.get(i).map_or(&[][..], Code::as_bytes));
        }
        b.comp(&self.description);
    }

    /// Components for writing: qualifier, code, modifiers 1-4, description.
    pub fn components(&self) -> Vec<&str> {
        let mut c = vec![self.qualifier.as_str(), self.code.as_str()];
        for i in 0..4 {
            c.push(self.modifiers.get(i).map_or("", Code::as_str));
        }
        c.push(&self.description);
        c
    }
}
