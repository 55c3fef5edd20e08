//! Element values of the field: money in integer cents, decimal quantities, dates, times, NPIs.
//! No floating point anywhere: amounts must balance to the cent.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in cents (US dollars in every HIPAA transaction handled here).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn cents(self) -> i64 {
        self.0
    }

    /// Parses an X12 `R` amount with at most two decimal places ("120", "120.5", "-3.25", ".5").
    pub fn parse(bytes: &[u8]) -> Option<Money> {
        // Fast path for the usual amount (at most 15 characters, at most two decimals): one
        // pass, no overflow possible. Anything else takes the general path below, which
        // accepts and refuses exactly the same inputs.
        let (neg, rest) = match bytes.split_first() {
            Some((b'-', r)) => (true, r),
            _ => (false, bytes),
        };
        if rest.len() <= 15 {
            let (mut m, mut scale, mut point, mut digits) = (0i64, 0u32, false, 0u32);
            for &b in rest {
                if b.is_ascii_digit() {
                    m = m * 10 + i64::from(b - b'0');
                    digits += 1;
                    scale += u32::from(point);
                } else if b == b'.' && !point {
                    point = true;
                } else {
                    return None;
                }
            }
            if digits == 0 {
                return None;
            }
            if scale <= 2 {
                let cents = m * 10i64.pow(2 - scale);
                return Some(Money(if neg { -cents } else { cents }));
            }
        }
        let d = Decimal::parse(bytes)?;
        if d.scale > 2 {
            // Accept trailing zeros beyond cents ("1.500"), reject real sub-cent amounts.
            let extra = d.scale - 2;
            let div = 10i64.checked_pow(u32::from(extra))?;
            if d.mantissa % div != 0 {
                return None;
            }
            return Some(Money(d.mantissa / div));
        }
        let mul = 10i64.checked_pow(u32::from(2 - d.scale))?;
        d.mantissa.checked_mul(mul).map(Money)
    }

    /// "1234.50" with two decimals, for people (Display gives the X12 form without trailing zeros).
    pub fn dollars(self) -> String {
        let a = self.0.unsigned_abs();
        format!(
            "{}{}.{:02}",
            if self.0 < 0 { "-" } else { "" },
            a / 100,
            a % 100
        )
    }

    pub fn checked_add(self, o: Money) -> Option<Money> {
        self.0.checked_add(o.0).map(Money)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0.saturating_add(o.0))
    }
}
impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0.saturating_sub(o.0))
    }
}
impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 = self.0.saturating_add(o.0);
    }
}
impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(self.0.saturating_neg())
    }
}
impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Money {
    /// X12 form: no trailing zeros after the point ("43", "79.04", "-3.5").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut b = NumBuf::new();
        self.format_into(&mut b);
        f.write_str(b.as_str())
    }
}

/// A small stack buffer for formatting numbers and dates without the `fmt` machinery or a heap
/// allocation (the writer formats several amounts per segment).
pub(crate) struct NumBuf {
    b: [u8; 48],
    n: usize,
}

impl NumBuf {
    #[inline]
    pub(crate) fn new() -> Self {
        NumBuf { b: [0; 48], n: 0 }
    }
    #[inline]
    pub(crate) fn push(&mut self, c: u8) {
        if self.n < self.b.len() {
            self.b[self.n] = c;
            self.n += 1;
        }
    }
    /// Decimal digits of `v`, at least `width` of them (zero padded).
    #[inline]
    pub(crate) fn push_u64(&mut self, mut v: u64, width: usize) {
        let mut tmp = [0u8; 20];
        let mut i = tmp.len();
        loop {
            i -= 1;
            tmp[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        let digits = tmp.len() - i;
        for _ in digits..width {
            self.push(b'0');
        }
        for &c in &tmp[i..] {
            self.push(c);
        }
    }
    #[inline]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.b[..self.n]
    }
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits, '-' and '.' are ever pushed.
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }
}

impl Money {
    /// Writes the X12 form (as `Display`) into `b`.
    #[inline]
    pub(crate) fn format_into(self, b: &mut NumBuf) {
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 100, abs % 100);
        if self.0 < 0 {
            b.push(b'-');
        }
        b.push_u64(whole, 1);
        if frac != 0 {
            b.push(b'.');
            if frac % 10 == 0 {
                b.push_u64(frac / 10, 1);
            } else {
                b.push_u64(frac, 2);
            }
        }
    }
}

/// A decimal number as mantissa × 10^-scale (units, quantities, percentages).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Decimal {
    pub mantissa: i64,
    pub scale: u8,
}

impl Decimal {
    pub fn from_int(v: i64) -> Decimal {
        Decimal {
            mantissa: v,
            scale: 0,
        }
    }

    /// Parses an X12 `R` value: optional minus, digits, optional point and digits; at least one digit.
    pub fn parse(bytes: &[u8]) -> Option<Decimal> {
        let (neg, rest) = match bytes.split_first() {
            Some((b'-', r)) => (true, r),
            _ => (false, bytes),
        };
        if rest.is_empty() || rest.len() > 18 {
            return None;
        }
        let mut mantissa: i64 = 0;
        let mut scale: u8 = 0;
        let mut seen_point = false;
        let mut digits = 0;
        for &b in rest {
            match b {
                b'0'..=b'9' => {
                    mantissa = mantissa.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
                    digits += 1;
                    if seen_point {
                        scale += 1;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => return None,
            }
        }
        if digits == 0 {
            return None;
        }
        Some(Decimal {
            mantissa: if neg { -mantissa } else { mantissa },
            scale,
        })
    }

    /// True when the value is greater than zero.
    pub fn is_positive(&self) -> bool {
        self.mantissa > 0
    }
}

impl Decimal {
    /// Writes the X12 form (as `Display`) into `b`; `false` when the scale is too large for the
    /// fast path (the caller then uses `Display`).
    #[inline]
    pub(crate) fn format_into(self, b: &mut NumBuf) -> bool {
        if self.scale > 18 {
            return false;
        }
        let abs = self.mantissa.unsigned_abs();
        if self.scale == 0 {
            if self.mantissa < 0 {
                b.push(b'-');
            }
            b.push_u64(abs, 1);
            return true;
        }
        let scale = usize::from(self.scale);
        let div = 10u64.pow(u32::from(self.scale));
        let (whole, mut frac) = (abs / div, abs % div);
        let mut width = scale;
        while width > 0 && frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        if self.mantissa < 0 {
            b.push(b'-');
        }
        b.push_u64(whole, 1);
        if width > 0 {
            b.push(b'.');
            b.push_u64(frac, width);
        }
        true
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut b = NumBuf::new();
        if self.format_into(&mut b) {
            return f.write_str(b.as_str());
        }
        let neg = self.mantissa < 0;
        let abs = self.mantissa.unsigned_abs();
        let div = 10u64.pow(u32::from(self.scale.min(18)));
        let (whole, frac) = (abs / div, abs % div);
        let mut frac_s = format!("{frac:0width$}", width = usize::from(self.scale));
        while frac_s.ends_with('0') {
            frac_s.pop();
        }
        if neg {
            f.write_str("-")?;
        }
        if frac_s.is_empty() {
            write!(f, "{whole}")
        } else {
            write!(f, "{whole}.{frac_s}")
        }
    }
}

/// A calendar date (CCYYMMDD in 5010; "CCYY-MM-DD" in JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses CCYYMMDD (8 digits) or YYMMDD (6 digits, ISA09 only; 19xx/20xx pivot at 50) and checks the calendar.
    pub fn parse(bytes: &[u8]) -> Option<Date> {
        if let Ok(b8) = <[u8; 8]>::try_from(bytes) {
            // CCYYMMDD, the usual form: all eight digits checked and converted at once.
            let x = u64::from_le_bytes(b8);
            let v = x.wrapping_sub(0x3030_3030_3030_3030);
            // Each byte 0..=9 exactly when it was a digit: no borrow out of a byte (bytes
            // below '0' set their high bit) and no byte above 9 (adding 0x76 carries into bit 7).
            if (x | v | v.wrapping_add(0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080 != 0 {
                return None;
            }
            let d = |i: usize| u32::from(b8[i] - b'0');
            let date = Date {
                year: (d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)) as u16,
                month: (d(4) * 10 + d(5)) as u8,
                day: (d(6) * 10 + d(7)) as u8,
            };
            return date.is_valid().then_some(date);
        }
        if !bytes.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let num = |r: &[u8]| r.iter().fold(0u32, |a, &b| a * 10 + u32::from(b - b'0'));
        let (year, m, d) = match bytes.len() {
            8 => (num(&bytes[0..4]), num(&bytes[4..6]), num(&bytes[6..8])),
            6 => {
                let yy = num(&bytes[0..2]);
                (
                    if yy < 50 { 2000 + yy } else { 1900 + yy },
                    num(&bytes[2..4]),
                    num(&bytes[4..6]),
                )
            }
            _ => return None,
        };
        let date = Date {
            year: u16::try_from(year).ok()?,
            month: u8::try_from(m).ok()?,
            day: u8::try_from(d).ok()?,
        };
        date.is_valid().then_some(date)
    }

    pub fn is_valid(&self) -> bool {
        if self.year == 0 || !(1..=12).contains(&self.month) || self.day == 0 {
            return false;
        }
        let leap = (self.year.is_multiple_of(4) && !self.year.is_multiple_of(100))
            || self.year.is_multiple_of(400);
        let days = match self.month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        self.day <= days
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!(
            "{:04}-{:02}-{:02}",
            self.year, self.month, self.day
        ))
    }
}

impl<'de> Deserialize<'de> for Date {
    /// Accepts "CCYY-MM-DD" or "CCYYMMDD"; rejects impossible dates.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        let compact: String = s.chars().filter(|c| *c != '-').collect();
        if compact.len() != 8 {
            return Err(serde::de::Error::custom("a date must be CCYY-MM-DD"));
        }
        Date::parse(compact.as_bytes())
            .ok_or_else(|| serde::de::Error::custom("not a valid calendar date (CCYY-MM-DD)"))
    }
}

impl Date {
    /// Writes CCYYMMDD (as `Display`) into `b`.
    #[inline]
    pub(crate) fn format_into(self, b: &mut NumBuf) {
        b.push_u64(u64::from(self.year), 4);
        b.push_u64(u64::from(self.month), 2);
        b.push_u64(u64::from(self.day), 2);
    }
}

impl fmt::Display for Date {
    /// CCYYMMDD, the X12 form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut b = NumBuf::new();
        self.format_into(&mut b);
        f.write_str(b.as_str())
    }
}

/// A date or a date range as carried by DTP/DTM (D8 or RD8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DatePeriod {
    Day { date: Date },
    Range { from: Date, to: Date },
}

impl DatePeriod {
    /// Parses a DTP02 format qualifier and DTP03 value.
    pub fn parse(format: &[u8], value: &[u8]) -> Option<DatePeriod> {
        match format {
            b"D8" => Date::parse(value).map(|date| DatePeriod::Day { date }),
            b"RD8" => {
                let i = memchr::memchr(b'-', value)?;
                let from = Date::parse(&value[..i])?;
                let to = Date::parse(&value[i + 1..])?;
                Some(DatePeriod::Range { from, to })
            }
            _ => None,
        }
    }

    pub fn format_qualifier(&self) -> &'static str {
        match self {
            DatePeriod::Day { .. } => "D8",
            DatePeriod::Range { .. } => "RD8",
        }
    }

    pub fn first(&self) -> Date {
        match self {
            DatePeriod::Day { date } => *date,
            DatePeriod::Range { from, .. } => *from,
        }
    }
}

impl DatePeriod {
    /// Writes CCYYMMDD or CCYYMMDD-CCYYMMDD (as `Display`) into `b`.
    #[inline]
    pub(crate) fn format_into(&self, b: &mut NumBuf) {
        match self {
            DatePeriod::Day { date } => date.format_into(b),
            DatePeriod::Range { from, to } => {
                from.format_into(b);
                b.push(b'-');
                to.format_into(b);
            }
        }
    }
}

impl fmt::Display for DatePeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatePeriod::Day { date } => write!(f, "{date}"),
            DatePeriod::Range { from, to } => write!(f, "{from}-{to}"),
        }
    }
}

/// Checks an X12 `TM` time: HHMM, HHMMSS or HHMMSSd..d, with a valid clock value.
pub fn is_valid_time(bytes: &[u8]) -> bool {
    if !(bytes.len() == 4 || (6..=8).contains(&bytes.len()))
        || !bytes.iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let two = |i: usize| u32::from(bytes[i] - b'0') * 10 + u32::from(bytes[i + 1] - b'0');
    two(0) < 24 && two(2) < 60 && (bytes.len() < 6 || two(4) < 60)
}

/// NPI check digit: Luhn over the prefix 80840 followed by the first nine digits.
pub fn npi_is_valid(npi: &[u8]) -> bool {
    if npi.len() != 10 || !npi.iter().all(u8::is_ascii_digit) {
        return false;
    }
    npi_check_digit(&npi[..9]) == Some(npi[9] - b'0')
}

/// The check digit for the first nine digits of an NPI.
pub fn npi_check_digit(first9: &[u8]) -> Option<u8> {
    if first9.len() != 9 || !first9.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // 80840 prefix contributes a constant 24 to the Luhn sum; doubling starts at the rightmost of the nine.
    let mut sum = 24u32;
    for (i, &b) in first9.iter().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    u8::try_from((10 - sum % 10) % 10).ok()
}

/// The X12 basic character set plus the extended set allowed in 5010 (letters, digits, space,
/// punctuation); control characters are refused.
#[inline]
pub fn is_x12_char(b: u8) -> bool {
    (0x20..=0x7E).contains(&b)
}

/// Short text (names, member and claim identifiers): the same inline storage as [`Code`], so
/// typed models of large remittances allocate far less.
pub type Text = Code;

/// A short code (qualifier, CARC, status, procedure code, modifier…) stored inline without a heap
/// allocation when it fits in 22 bytes, which every code of the guides does; longer values are
/// kept on the heap, never truncated. Reads like a `&str`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(CodeRepr);

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum CodeRepr {
    Inline(u8, [u8; 22]),
    Heap(Box<str>),
}

impl Code {
    pub fn new(s: &str) -> Code {
        let b = s.as_bytes();
        if b.len() <= 22 {
            let mut buf = [0u8; 22];
            buf[..b.len()].copy_from_slice(b);
            Code(CodeRepr::Inline(b.len() as u8, buf))
        } else {
            Code(CodeRepr::Heap(s.into()))
        }
    }

    /// The code for element bytes: the same as `Code::new` of the bytes as text (empty when they
    /// are not valid UTF-8), without the UTF-8 machinery for the usual short ASCII value.
    #[inline]
    pub fn from_utf8_bytes(b: &[u8]) -> Code {
        if b.len() <= 22 && b.is_ascii() {
            let mut buf = [0u8; 22];
            buf[..b.len()].copy_from_slice(b);
            Code(CodeRepr::Inline(b.len() as u8, buf))
        } else {
            Code::new(std::str::from_utf8(b).unwrap_or(""))
        }
    }

    /// The bytes of the code (always valid UTF-8), without re-checking them.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            CodeRepr::Inline(n, buf) => &buf[..usize::from(*n).min(buf.len())],
            CodeRepr::Heap(s) => s.as_bytes(),
        }
    }

    /// Empties the code (as `String::clear`).
    pub fn clear(&mut self) {
        *self = Code::default();
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Built only from a &str, so the inline bytes are valid UTF-8.
            CodeRepr::Inline(n, buf) => std::str::from_utf8(&buf[..usize::from(*n)]).unwrap_or(""),
            CodeRepr::Heap(s) => s,
        }
    }
}

impl Default for Code {
    fn default() -> Self {
        Code(CodeRepr::Inline(0, [0; 22]))
    }
}
impl std::ops::Deref for Code {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}
impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}
impl From<&str> for Code {
    fn from(s: &str) -> Self {
        Code::new(s)
    }
}
impl From<String> for Code {
    fn from(s: String) -> Self {
        Code::new(&s)
    }
}
impl From<&String> for Code {
    fn from(s: &String) -> Self {
        Code::new(s)
    }
}
impl PartialEq<str> for Code {
    fn eq(&self, o: &str) -> bool {
        self.as_str() == o
    }
}
impl PartialEq<&str> for Code {
    fn eq(&self, o: &&str) -> bool {
        self.as_str() == *o
    }
}
impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}
impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(Code::new(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The calendar reading of CCYYMMDD, byte by byte (what the eight-at-a-time path must match).
    fn slow_date(b: &[u8]) -> Option<Date> {
        if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let num = |r: &[u8]| r.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
        let d = Date {
            year: num(&b[0..4]) as u16,
            month: num(&b[4..6]) as u8,
            day: num(&b[6..8]) as u8,
        };
        d.is_valid().then_some(d)
    }

    #[test]
    fn eight_digit_dates_match_the_byte_by_byte_reading() {
        let mut rng = crate::synth::Rng::new(0x9e37_79b9_7f4a_7c15);
        let mut next = || rng.next_u64();
        // Digits, the bytes either side of '0' and '9', and bytes with the high bit set.
        let alphabet = [
            b'0', b'1', b'2', b'9', b'/', b':', 0x00, 0x7f, 0x80, 0xb0, 0xb9, 0xff, b' ', b'A',
        ];
        for _ in 0..200_000 {
            let mut b = [0u8; 8];
            for x in &mut b {
                let r = next();
                *x = if r % 3 == 0 {
                    alphabet[(r >> 8) as usize % alphabet.len()]
                } else {
                    b'0' + (r >> 8) as u8 % 10
                };
            }
            assert_eq!(Date::parse(&b), slow_date(&b), "{b:?}");
        }
        for s in [
            "20240229", "20230229", "20001231", "19000229", "00010101", "20241301",
        ] {
            assert_eq!(Date::parse(s.as_bytes()), slow_date(s.as_bytes()), "{s}");
        }
    }
}
