//! Values that are valid by construction: each is parsed once at the edge and trusted inside.
//! Parsing never panics; a failed parse says what a biller should fix.

use std::fmt;

/// Why a value could not be read. The message never repeats the value itself: callers name
/// the field, and identifiers such as member ids are PHI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(pub String);

fn bad(message: impl Into<String>) -> ValueError {
    ValueError(message.into())
}

/// A National Provider Identifier: 10 digits whose last digit is the Luhn check digit computed
/// over the prefix 80840 followed by the first nine digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Npi([u8; 10]);

impl Npi {
    pub fn parse(input: &str) -> Result<Npi, ValueError> {
        let b = input.trim().as_bytes();
        if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) {
            return Err(bad("an NPI is exactly 10 digits"));
        }
        let mut digits = [0u8; 10];
        digits.copy_from_slice(b);
        if Npi::check_digit(&digits[..9]) != digits[9] - b'0' {
            return Err(bad(
                "the NPI's check digit is wrong (a typo?): look it up in the NPPES registry",
            ));
        }
        Ok(Npi(digits))
    }

    /// The Luhn check digit of 80840 + the first nine digits.
    pub fn check_digit(first9: &[u8]) -> u8 {
        // The prefix 80840 contributes a constant 24 to the Luhn sum.
        let mut sum = 24u32;
        for (i, d) in first9.iter().rev().enumerate() {
            let mut v = u32::from(d - b'0');
            if i % 2 == 0 {
                v *= 2;
                if v > 9 {
                    v -= 9;
                }
            }
            sum += v;
        }
        ((10 - sum % 10) % 10) as u8
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl fmt::Display for Npi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Debug for Npi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Npi({})", self.as_str())
    }
}

/// A federal tax identification number: an EIN (REF*EI, 9 digits, written 12-3456789) or,
/// for a provider billing under a social security number, an SSN (REF*SY).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaxId {
    digits: [u8; 9],
    pub kind: TaxIdKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaxIdKind {
    Ein,
    Ssn,
}

impl TaxId {
    /// "12-3456789" or "123456789" is an EIN; "123-45-6789" an SSN.
    pub fn parse(input: &str) -> Result<TaxId, ValueError> {
        let s = input.trim();
        let kind = if s.len() == 11 && s.as_bytes().get(3) == Some(&b'-') {
            TaxIdKind::Ssn
        } else {
            TaxIdKind::Ein
        };
        let digits: Vec<u8> = s.bytes().filter(|b| *b != b'-').collect();
        if digits.len() != 9 || !digits.iter().all(u8::is_ascii_digit) {
            return Err(bad(
                "a tax id is 9 digits: an EIN (12-3456789) or an SSN (123-45-6789)",
            ));
        }
        if digits.iter().all(|d| *d == b'0') {
            return Err(bad("a tax id cannot be all zeros"));
        }
        let mut d = [0u8; 9];
        d.copy_from_slice(&digits);
        Ok(TaxId { digits: d, kind })
    }

    /// The 9 digits as sent in REF02.
    pub fn digits(&self) -> &str {
        std::str::from_utf8(&self.digits).unwrap_or("")
    }

    /// REF01: EI for an EIN, SY for an SSN.
    pub fn qualifier(&self) -> &'static str {
        match self.kind {
            TaxIdKind::Ein => "EI",
            TaxIdKind::Ssn => "SY",
        }
    }

    /// Parses REF01/REF02 as an 837 carries them.
    pub fn from_x12(qualifier: &str, value: &str) -> Result<TaxId, ValueError> {
        let mut t = TaxId::parse(value)?;
        t.kind = if qualifier == "SY" {
            TaxIdKind::Ssn
        } else {
            TaxIdKind::Ein
        };
        Ok(t)
    }
}

impl fmt::Display for TaxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        match self.kind {
            TaxIdKind::Ein => write!(f, "{}-{}", &d[..2], &d[2..]),
            TaxIdKind::Ssn => write!(f, "{}-{}-{}", &d[..3], &d[3..5], &d[5..]),
        }
    }
}
impl fmt::Debug for TaxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An SSN is PHI: never in debug output.
        write!(f, "TaxId({:?})", self.kind)
    }
}

/// Up to 8 ASCII characters stored inline: procedure codes, modifiers, revenue codes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ShortCode {
    len: u8,
    bytes: [u8; 8],
}

impl ShortCode {
    fn new(s: &str) -> Option<ShortCode> {
        let b = s.as_bytes();
        if b.is_empty() || b.len() > 8 || !b.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        let mut bytes = [0u8; 8];
        for (i, c) in b.iter().enumerate() {
            bytes[i] = c.to_ascii_uppercase();
        }
        Some(ShortCode {
            len: b.len() as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl fmt::Display for ShortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Debug for ShortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// Which kind of procedure code a code is, by its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProcedureKind {
    /// CPT Category I: five digits.
    CptCategoryI,
    /// CPT Category II (performance measures): four digits and F.
    CptCategoryII,
    /// CPT Category III (emerging technology): four digits and T.
    CptCategoryIII,
    /// CPT Proprietary Laboratory Analyses: four digits and U.
    CptPla,
    /// HCPCS Level II: a letter A–V (not I or O... see `parse`) and four digits.
    HcpcsLevelII,
}

impl ProcedureKind {
    pub fn label(self) -> &'static str {
        match self {
            ProcedureKind::CptCategoryI => "CPT Category I",
            ProcedureKind::CptCategoryII => "CPT Category II",
            ProcedureKind::CptCategoryIII => "CPT Category III",
            ProcedureKind::CptPla => "CPT PLA",
            ProcedureKind::HcpcsLevelII => "HCPCS Level II",
        }
    }

    pub fn is_cpt(self) -> bool {
        !matches!(self, ProcedureKind::HcpcsLevelII)
    }
}

/// A CPT or HCPCS Level II procedure code (HCPCS Level I and II), checked for shape.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProcedureCode(ShortCode);

impl ProcedureCode {
    pub fn parse(input: &str) -> Result<ProcedureCode, ValueError> {
        let s = input.trim();
        let Some(code) = ShortCode::new(s).filter(|c| c.len == 5) else {
            return Err(bad(
                "a procedure code is 5 characters: CPT 99213, 0001F, 0042T, 0001U or HCPCS J3301",
            ));
        };
        let c = ProcedureCode(code);
        if c.kind().is_none() {
            return Err(bad(
                "not a CPT or HCPCS shape: CPT is five digits or four digits with F, T or U; HCPCS Level II is a letter and four digits",
            ));
        }
        Ok(c)
    }

    pub fn kind(&self) -> Option<ProcedureKind> {
        let b = &self.0.bytes[..5];
        let four_digits = b[..4].iter().all(u8::is_ascii_digit);
        match b[4] {
            d if d.is_ascii_digit() && four_digits => Some(ProcedureKind::CptCategoryI),
            b'F' if four_digits => Some(ProcedureKind::CptCategoryII),
            b'T' if four_digits => Some(ProcedureKind::CptCategoryIII),
            b'U' if four_digits => Some(ProcedureKind::CptPla),
            d if d.is_ascii_digit()
                && b[0].is_ascii_uppercase()
                && b[1..4].iter().all(u8::is_ascii_digit) =>
            {
                // HCPCS Level II sections run A (transport) to V (vision/hearing); there is no
                // W, X, Y or Z section, and I, N, O are unassigned.
                matches!(
                    b[0],
                    b'A'..=b'H'
                        | b'J'
                        | b'K'
                        | b'L'
                        | b'M'
                        | b'P'
                        | b'Q'
                        | b'R'
                        | b'S'
                        | b'T'
                        | b'U'
                        | b'V'
                )
                .then_some(ProcedureKind::HcpcsLevelII)
            }
            _ => None,
        }
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Debug for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// A procedure modifier: two letters or digits (25, 59, LT, XU, GT…).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Modifier(ShortCode);

impl Modifier {
    pub fn parse(input: &str) -> Result<Modifier, ValueError> {
        match ShortCode::new(input.trim()).filter(|c| c.len == 2) {
            Some(c) => Ok(Modifier(c)),
            None => Err(bad("a modifier is two letters or digits (25, 59, LT, XU)")),
        }
    }
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}
impl fmt::Display for Modifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Debug for Modifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// A place of service code: two digits, 01–99. Whether CMS has assigned it is an edit, not a
/// parse error (the list changes).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlaceOfService(u8);

impl PlaceOfService {
    pub fn parse(input: &str) -> Result<PlaceOfService, ValueError> {
        let b = input.trim().as_bytes();
        if b.len() != 2 || !b.iter().all(u8::is_ascii_digit) {
            return Err(bad(
                "a place of service is two digits (11 office, 02 telehealth)",
            ));
        }
        let v = (b[0] - b'0') * 10 + (b[1] - b'0');
        if v == 0 {
            return Err(bad("place of service 00 does not exist"));
        }
        Ok(PlaceOfService(v))
    }
    pub fn number(self) -> u8 {
        self.0
    }
}
impl fmt::Display for PlaceOfService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}
impl fmt::Debug for PlaceOfService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlaceOfService({:02})", self.0)
    }
}

/// An ICD-10-CM code as written on a claim, checked for shape only (letter, digit, letter or
/// digit, then up to four more): whether it exists and is billable on the date of service is
/// the scrubber's job with the code set in effect. It is the code key of `rcm-codes` (claim
/// form, no dot, upper case), so the scrubber looks it up without parsing it again.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DiagnosisCode(rcm_codes::CodeKey);

impl DiagnosisCode {
    pub fn parse(input: &str) -> Result<DiagnosisCode, ValueError> {
        match rcm_codes::CodeKey::parse(input) {
            Some(k) if k.is_icd10cm_shape() && (3..=7).contains(&k.len()) => Ok(DiagnosisCode(k)),
            Some(_) => Err(bad(
                "an ICD-10-CM code starts with a letter and a digit and has 3 to 7 characters (E11.9, S72.001A)",
            )),
            None => Err(bad(
                "an ICD-10-CM code is 3 to 7 letters and digits, with at most a dot after the third (E11.9)",
            )),
        }
    }

    /// The key the code sets are indexed by.
    pub fn key(&self) -> rcm_codes::CodeKey {
        self.0
    }

    /// Without the dot, as an 837 HI segment carries it.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// With the dot after the third character (E11.9).
    pub fn dotted(&self) -> String {
        self.0.dotted().as_str().to_string()
    }
}
impl fmt::Display for DiagnosisCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.dotted().as_str())
    }
}
impl fmt::Debug for DiagnosisCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0.dotted().as_str())
    }
}

/// An ICD-10-PCS code: seven letters or digits (never O or I), checked for shape.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PcsCode(ShortCode);

impl PcsCode {
    pub fn parse(input: &str) -> Result<PcsCode, ValueError> {
        match ShortCode::new(input.trim())
            .filter(|c| c.len == 7 && !c.bytes[..7].iter().any(|b| *b == b'O' || *b == b'I'))
        {
            Some(c) => Ok(PcsCode(c)),
            None => Err(bad(
                "an ICD-10-PCS code is 7 letters and digits, never O or I (0DTJ4ZZ)",
            )),
        }
    }
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}
impl fmt::Display for PcsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Debug for PcsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// A UB-04 revenue code: four digits (0450 emergency room).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RevenueCode(ShortCode);

impl RevenueCode {
    pub fn parse(input: &str) -> Result<RevenueCode, ValueError> {
        match ShortCode::new(input.trim())
            .filter(|c| c.len == 4 && c.bytes[..4].iter().all(u8::is_ascii_digit))
        {
            Some(c) => Ok(RevenueCode(c)),
            None => Err(bad("a revenue code is four digits (0450)")),
        }
    }
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}
impl fmt::Display for RevenueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Debug for RevenueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// A type of bill (837I CLM05-1 facility type + CLM05-3 frequency): written as 3 digits (131)
/// or with the leading zero (0131).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TypeOfBill {
    /// Facility type: the first two digits (13 hospital outpatient).
    pub facility: [u8; 2],
    /// Claim frequency: the third digit (1 original, 7 replacement, 8 void).
    pub frequency: u8,
}

impl TypeOfBill {
    pub fn parse(input: &str) -> Result<TypeOfBill, ValueError> {
        let s = input.trim();
        let s = if s.len() == 4 {
            s.strip_prefix('0').unwrap_or("x")
        } else {
            s
        };
        let b = s.as_bytes();
        if b.len() != 3 || !b.iter().all(u8::is_ascii_digit) || b[0] == b'0' {
            return Err(bad(
                "a type of bill is 3 digits (or 4 with a leading zero): facility type, care type, frequency (0131)",
            ));
        }
        Ok(TypeOfBill {
            facility: [b[0], b[1]],
            frequency: b[2],
        })
    }
    pub fn facility_code(&self) -> &str {
        std::str::from_utf8(&self.facility).unwrap_or("")
    }
    pub fn frequency_code(&self) -> char {
        char::from(self.frequency)
    }
    /// Hospital outpatient (13x), critical access (85x) and other outpatient bill types use the
    /// NCCI hospital outpatient tables.
    pub fn is_outpatient(&self) -> bool {
        matches!(
            &self.facility,
            b"13"
                | b"14"
                | b"23"
                | b"71"
                | b"72"
                | b"73"
                | b"74"
                | b"75"
                | b"76"
                | b"77"
                | b"83"
                | b"85"
        )
    }
}
impl fmt::Display for TypeOfBill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0{}{}", self.facility_code(), self.frequency_code())
    }
}
impl fmt::Debug for TypeOfBill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TypeOfBill({self})")
    }
}

/// A National Drug Code in the 11-digit 5-4-2 billing form (N4 qualifier on the claim).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ndc([u8; 11]);

impl Ndc {
    /// Accepts the 11-digit form with or without hyphens (00409-4888-02 or 00409488802); a
    /// 10-digit labeled form must be converted to 11 digits by the biller (which segment gets
    /// the leading zero depends on the 4-4-2, 5-3-2 or 5-4-1 layout, so it is not guessed here).
    pub fn parse(input: &str) -> Result<Ndc, ValueError> {
        let s = input.trim();
        let parts: Vec<&str> = s.split('-').collect();
        if parts.len() == 3 && (parts[0].len(), parts[1].len(), parts[2].len()) != (5, 4, 2) {
            return Err(bad(
                "an NDC on a claim is 11 digits in the 5-4-2 form (00409-4888-02): pad the short segment with a leading zero",
            ));
        }
        let digits: Vec<u8> = s.bytes().filter(|b| *b != b'-').collect();
        if digits.len() != 11 || !digits.iter().all(u8::is_ascii_digit) {
            return Err(bad(
                "an NDC on a claim is 11 digits in the 5-4-2 form (00409-4888-02)",
            ));
        }
        let mut d = [0u8; 11];
        d.copy_from_slice(&digits);
        Ok(Ndc(d))
    }
    /// The 11 digits, as LIN03 carries them.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}
impl fmt::Display for Ndc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.as_str();
        write!(f, "{}-{}-{}", &s[..5], &s[5..9], &s[9..])
    }
}
impl fmt::Debug for Ndc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ndc({self})")
    }
}

/// Administrative sex as claims carry it (DMG03).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sex {
    Female,
    Male,
    Unknown,
}

impl Sex {
    pub fn parse(input: &str) -> Result<Sex, ValueError> {
        match input.trim().to_ascii_uppercase().as_str() {
            "F" | "FEMALE" => Ok(Sex::Female),
            "M" | "MALE" => Ok(Sex::Male),
            "U" | "UNKNOWN" => Ok(Sex::Unknown),
            _ => Err(bad("sex is F, M or U")),
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
            Sex::Unknown => "U",
        }
    }
}

/// An amount of money in integer cents. Never a float: JSON carries it as a string ("125.50")
/// or a whole number of dollars.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn cents(self) -> i64 {
        self.0
    }

    /// "125", "125.5", "125.50", "$1,250.00", "-3.25": at most two decimals.
    pub fn parse(input: &str) -> Result<Money, ValueError> {
        let s: String = input
            .trim()
            .chars()
            .filter(|c| *c != ',' && *c != '$')
            .collect();
        rcm_x12::Money::parse(s.as_bytes())
            .map(|m| Money(m.cents()))
            .ok_or_else(|| bad("an amount is dollars with at most two decimals (125.50)"))
    }

    pub fn from_x12(m: rcm_x12::Money) -> Money {
        Money(m.cents())
    }
    pub fn to_x12(self) -> rcm_x12::Money {
        rcm_x12::Money(self.0)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0.saturating_add(o.0))
    }
}
impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

/// Appends the decimal digits of `v` (no formatting machinery: claims are converted by the
/// hundred thousand).
pub(crate) fn push_digits(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

impl Money {
    /// The same text as `Display` ("1250.00"), built without the formatting machinery.
    pub fn to_plain(self) -> String {
        let mut s = String::with_capacity(12);
        if self.0 < 0 {
            s.push('-');
        }
        let a = self.0.unsigned_abs();
        push_digits(&mut s, a / 100);
        s.push('.');
        let c = (a % 100) as u8;
        s.push(char::from(b'0' + c / 10));
        s.push(char::from(b'0' + c % 10));
        s
    }
}

impl fmt::Display for Money {
    /// Dollars with two decimals: 1250.00.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0.unsigned_abs();
        write!(
            f,
            "{}{}.{:02}",
            if self.0 < 0 { "-" } else { "" },
            a / 100,
            a % 100
        )
    }
}

/// Service units in thousandths (1.5 units = 1500): units are decimal on claims (anesthesia
/// minutes, drug units), and never a float.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Units(pub i64);

impl Units {
    pub const ONE: Units = Units(1000);

    pub fn parse(input: &str) -> Result<Units, ValueError> {
        let d = rcm_x12::values::Decimal::parse(input.trim().as_bytes())
            .ok_or_else(|| bad("units are a number with at most three decimals (1, 2.5)"))?;
        Units::from_x12(d).ok_or_else(|| bad("units have at most three decimals"))
    }

    pub fn from_x12(d: rcm_x12::values::Decimal) -> Option<Units> {
        if d.scale > 3 {
            let div = 10i64.checked_pow(u32::from(d.scale - 3))?;
            return (d.mantissa % div == 0).then_some(Units(d.mantissa / div));
        }
        d.mantissa
            .checked_mul(10i64.checked_pow(u32::from(3 - d.scale))?)
            .map(Units)
    }

    pub fn to_x12(self) -> rcm_x12::values::Decimal {
        let mut d = rcm_x12::values::Decimal {
            mantissa: self.0,
            scale: 3,
        };
        while d.scale > 0 && d.mantissa % 10 == 0 {
            d.mantissa /= 10;
            d.scale -= 1;
        }
        d
    }

    /// Whole units, rounded up: MUE values count whole units.
    pub fn whole_ceil(self) -> i64 {
        (self.0 + 999).div_euclid(1000)
    }

    pub fn thousandths(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Units {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_x12())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npi_check_digit_follows_the_luhn_rule_with_prefix_80840() {
        // The CMS example: 123456789 has check digit 3.
        assert!(Npi::parse("1234567893").is_ok());
        assert!(Npi::parse("1234567890").is_err());
        assert!(Npi::parse("123456789").is_err());
        assert!(Npi::parse("12345678a3").is_err());
        assert_eq!(
            Npi::parse(" 1234567893 ").map(|n| n.to_string()),
            Ok("1234567893".into())
        );
    }

    #[test]
    fn procedure_codes_by_shape() {
        let k = |s: &str| ProcedureCode::parse(s).ok().and_then(|c| c.kind());
        assert_eq!(k("99213"), Some(ProcedureKind::CptCategoryI));
        assert_eq!(k("0001F"), Some(ProcedureKind::CptCategoryII));
        assert_eq!(k("0042T"), Some(ProcedureKind::CptCategoryIII));
        assert_eq!(k("0001U"), Some(ProcedureKind::CptPla));
        assert_eq!(k("j3301"), Some(ProcedureKind::HcpcsLevelII));
        for bad in ["9921", "992133", "W1234", "I1234", "ABCDE", "", "99 13"] {
            assert!(ProcedureCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn diagnosis_codes_keep_shape_only() {
        assert_eq!(
            DiagnosisCode::parse("e11.9").map(|c| c.dotted()),
            Ok("E11.9".into())
        );
        assert_eq!(
            DiagnosisCode::parse("S72001A").map(|c| c.dotted()),
            Ok("S72.001A".into())
        );
        assert!(DiagnosisCode::parse("E1").is_err());
        assert!(DiagnosisCode::parse("11.9").is_err());
        assert!(DiagnosisCode::parse("E11.90000").is_err());
    }

    #[test]
    fn money_and_units_are_exact() {
        assert_eq!(Money::parse("125.5"), Ok(Money(12550)));
        assert_eq!(Money::parse("$1,250.00"), Ok(Money(125000)));
        assert!(Money::parse("1.234").is_err());
        assert_eq!(Money(12550).to_string(), "125.50");
        for c in [0i64, 5, 99, 100, 12550, -305, 123_456_789] {
            assert_eq!(Money(c).to_plain(), Money(c).to_string());
        }
        assert_eq!(Units::parse("1.5"), Ok(Units(1500)));
        assert_eq!(Units::parse("2"), Ok(Units(2000)));
        assert_eq!(Units(1500).whole_ceil(), 2);
        assert_eq!(Units(1500).to_string(), "1.5");
    }

    #[test]
    fn tax_ids_and_bill_types_and_ndc() {
        assert_eq!(TaxId::parse("12-3456789").map(|t| t.qualifier()), Ok("EI"));
        assert_eq!(TaxId::parse("123-45-6789").map(|t| t.qualifier()), Ok("SY"));
        assert!(TaxId::parse("1234").is_err());
        let tob = TypeOfBill::parse("0131").ok();
        assert_eq!(
            tob.map(|t| t.facility_code().to_string()),
            Some("13".into())
        );
        assert_eq!(tob.map(|t| t.frequency_code()), Some('1'));
        assert!(TypeOfBill::parse("13").is_err());
        assert_eq!(
            Ndc::parse("00409-4888-02").map(|n| n.as_str().to_string()),
            Ok("00409488802".into())
        );
        assert!(Ndc::parse("0409-4888-02").is_err());
        assert!(PlaceOfService::parse("00").is_err());
        assert_eq!(PlaceOfService::parse("2").ok(), None);
        assert_eq!(
            PlaceOfService::parse("02").map(|p| p.to_string()),
            Ok("02".into())
        );
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,20}") {
            let _ = Npi::parse(&s);
            let _ = TaxId::parse(&s);
            let _ = ProcedureCode::parse(&s);
            let _ = Modifier::parse(&s);
            let _ = PlaceOfService::parse(&s);
            let _ = DiagnosisCode::parse(&s);
            let _ = PcsCode::parse(&s);
            let _ = RevenueCode::parse(&s);
            let _ = TypeOfBill::parse(&s);
            let _ = Ndc::parse(&s);
            let _ = Money::parse(&s);
            let _ = Units::parse(&s);
        }
    }
}
