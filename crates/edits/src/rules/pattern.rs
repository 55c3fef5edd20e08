//! The values a rule is written with, parsed once at load: procedure and diagnosis code
//! patterns (codes, ranges, prefixes), modifiers, money in integer cents, units in
//! thousandths, NPIs. Matching never allocates.

use std::cmp::Ordering;

/// The shape of a five-character procedure code; a range only spans codes of one shape
/// (so "0001U-0020U" never takes in the Category II code "0005F").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProcShape {
    /// CPT Category I: five digits.
    Numeric,
    /// Four digits and a letter (CPT Category II F, III T, PLA U).
    TrailingLetter(u8),
    /// HCPCS Level II: a letter and four digits.
    LeadingLetter(u8),
}

fn proc_shape(code: &[u8; 5]) -> Option<ProcShape> {
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if digits(code) {
        Some(ProcShape::Numeric)
    } else if digits(&code[..4]) && matches!(code[4], b'F' | b'T' | b'U') {
        Some(ProcShape::TrailingLetter(code[4]))
    } else if code[0].is_ascii_uppercase() && digits(&code[1..]) {
        Some(ProcShape::LeadingLetter(code[0]))
    } else {
        None
    }
}

/// Upper-cases a procedure code from a claim into five bytes, or None when it is not
/// five ASCII letters and digits.
fn proc_key(code: &str) -> Option<[u8; 5]> {
    let b = code.trim().as_bytes();
    if b.len() != 5 {
        return None;
    }
    let mut out = [0u8; 5];
    for (o, c) in out.iter_mut().zip(b) {
        if !c.is_ascii_alphanumeric() {
            return None;
        }
        *o = c.to_ascii_uppercase();
    }
    Some(out)
}

/// A set of procedure codes (CPT/HCPCS) or revenue codes written as codes, ranges and
/// prefixes. Exact codes are kept sorted for a binary search.
#[derive(Debug, Clone, Default)]
pub struct CodeMatcher {
    exact: Vec<Box<str>>,
    ranges: Vec<(Box<str>, Box<str>)>,
    prefixes: Vec<Box<str>>,
    /// Procedure ranges only span one shape; revenue codes are all digits.
    procedure: bool,
}

impl CodeMatcher {
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.ranges.is_empty() && self.prefixes.is_empty()
    }

    pub fn matches(&self, code: &str) -> bool {
        let code = code.trim();
        if code.is_empty() {
            return false;
        }
        let buf: [u8; 5];
        let key: &[u8] = if self.procedure {
            match proc_key(code) {
                Some(k) => {
                    buf = k;
                    &buf
                }
                None => return false,
            }
        } else {
            code.as_bytes()
        };
        if self
            .exact
            .binary_search_by(|e| e.as_bytes().cmp(key))
            .is_ok()
        {
            return true;
        }
        if self.prefixes.iter().any(|p| key.starts_with(p.as_bytes())) {
            return true;
        }
        self.ranges.iter().any(|(lo, hi)| {
            if key.len() != lo.len() {
                return false;
            }
            if self.procedure {
                let same_shape = <[u8; 5]>::try_from(key)
                    .ok()
                    .and_then(|k| proc_shape(&k))
                    .zip(
                        <[u8; 5]>::try_from(lo.as_bytes())
                            .ok()
                            .and_then(|l| proc_shape(&l)),
                    )
                    .is_some_and(|(a, b)| a == b);
                if !same_shape {
                    return false;
                }
            }
            key >= lo.as_bytes() && key <= hi.as_bytes()
        })
    }

    fn finish(&mut self) {
        self.exact.sort();
        self.exact.dedup();
    }
}

/// Parses procedure code patterns: "99213", "99202-99215", "992*", "J*", "0001U-0020U".
pub fn procedure_patterns(items: &[&str]) -> Result<CodeMatcher, (usize, String)> {
    let mut m = CodeMatcher {
        procedure: true,
        ..CodeMatcher::default()
    };
    for (i, raw) in items.iter().enumerate() {
        let s = raw.trim().to_ascii_uppercase();
        let one = |c: &str| -> Result<[u8; 5], String> {
            let key = proc_key(c).filter(|k| proc_shape(k).is_some());
            key.ok_or_else(|| {
                format!(
                    "\"{c}\" is not a procedure code: CPT is five digits (99213) or four digits and F, T or U (0001U); HCPCS is a letter and four digits (J3490)"
                )
            })
        };
        if let Some(prefix) = s.strip_suffix('*') {
            if prefix.is_empty()
                || prefix.len() > 4
                || !prefix.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                return Err((
                    i,
                    format!(
                        "\"{raw}\" is not a code prefix: write one to four characters then *, like \"992*\" or \"J*\""
                    ),
                ));
            }
            m.prefixes.push(prefix.into());
        } else if let Some((lo, hi)) = s.split_once('-') {
            let lo = one(lo.trim()).map_err(|e| (i, e))?;
            let hi = one(hi.trim()).map_err(|e| (i, e))?;
            if proc_shape(&lo) != proc_shape(&hi) {
                return Err((
                    i,
                    format!(
                        "the range \"{raw}\" mixes code kinds: both ends must be CPT Category I, or both end in the same letter, or both start with the same letter"
                    ),
                ));
            }
            if lo > hi {
                return Err((i, backwards(raw)));
            }
            m.ranges.push((as_str(&lo), as_str(&hi)));
        } else {
            let code = one(&s).map_err(|e| (i, e))?;
            m.exact.push(as_str(&code));
        }
    }
    m.finish();
    Ok(m)
}

fn as_str(code: &[u8; 5]) -> Box<str> {
    String::from_utf8_lossy(code).into()
}

fn backwards(raw: &str) -> String {
    let (lo, hi) = raw.split_once('-').unwrap_or((raw, ""));
    format!(
        "the range \"{raw}\" is backwards: the first code must not be after the last (write \"{}-{}\")",
        hi.trim(),
        lo.trim()
    )
}

/// Parses revenue code patterns (institutional claims): "0450", "045*", "0360-0369".
/// Three-digit codes are read with a leading zero ("450" is "0450").
pub fn revenue_patterns(items: &[&str]) -> Result<CodeMatcher, (usize, String)> {
    let mut m = CodeMatcher::default();
    let one = |c: &str| -> Result<String, String> {
        let c = c.trim();
        let ok = (c.len() == 3 || c.len() == 4) && c.bytes().all(|b| b.is_ascii_digit());
        if !ok {
            return Err(format!(
                "\"{c}\" is not a revenue code: four digits, like \"0450\""
            ));
        }
        Ok(format!("{c:0>4}"))
    };
    for (i, raw) in items.iter().enumerate() {
        let s = raw.trim();
        if let Some(prefix) = s.strip_suffix('*') {
            if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit())
            {
                return Err((
                    i,
                    format!(
                        "\"{raw}\" is not a revenue code prefix: one to three digits then *, like \"045*\""
                    ),
                ));
            }
            m.prefixes.push(prefix.into());
        } else if let Some((lo, hi)) = s.split_once('-') {
            let lo = one(lo).map_err(|e| (i, e))?;
            let hi = one(hi).map_err(|e| (i, e))?;
            if lo > hi {
                return Err((i, backwards(raw)));
            }
            m.ranges.push((lo.into(), hi.into()));
        } else {
            m.exact.push(one(s).map_err(|e| (i, e))?.into());
        }
    }
    m.finish();
    Ok(m)
}

/// ICD-10-CM diagnosis patterns. A code matches itself and every code below it
/// ("E11" is the category, "E11.6" its subcategory), so a prefix needs no star, though
/// "E11*" is read the same; a range "E08-E13" takes in each category from E08 to E13
/// and everything below them.
#[derive(Debug, Clone, Default)]
pub struct DiagnosisMatcher {
    prefixes: Vec<Box<str>>,
    ranges: Vec<(Box<str>, Box<str>)>,
}

/// Normalises a written diagnosis: no dot, upper case; checks its shape.
fn diagnosis_key(raw: &str, allow_short: bool) -> Result<String, String> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| *c != '.')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let b = s.as_bytes();
    let shape_ok = !b.is_empty()
        && b.len() <= 7
        && b[0].is_ascii_uppercase()
        && b.iter().all(u8::is_ascii_alphanumeric)
        && b.get(1).is_none_or(u8::is_ascii_digit)
        && (allow_short || b.len() >= 3);
    if shape_ok {
        Ok(s)
    } else {
        Err(format!(
            "\"{}\" is not an ICD-10-CM code: a letter, a digit, then up to five more letters or digits (E11, E11.65, S72.001A)",
            raw.trim()
        ))
    }
}

impl DiagnosisMatcher {
    pub fn parse(items: &[&str]) -> Result<DiagnosisMatcher, (usize, String)> {
        let mut m = DiagnosisMatcher::default();
        for (i, raw) in items.iter().enumerate() {
            let s = raw.trim();
            if let Some(prefix) = s.strip_suffix('*') {
                m.prefixes
                    .push(diagnosis_key(prefix, true).map_err(|e| (i, e))?.into());
            } else if let Some((lo, hi)) = s.split_once('-') {
                let lo = diagnosis_key(lo, false).map_err(|e| (i, e))?;
                let hi = diagnosis_key(hi, false).map_err(|e| (i, e))?;
                if lo > hi {
                    return Err((i, backwards(raw)));
                }
                m.ranges.push((lo.into(), hi.into()));
            } else {
                m.prefixes
                    .push(diagnosis_key(s, false).map_err(|e| (i, e))?.into());
            }
        }
        Ok(m)
    }

    /// `code` as on a claim: no dot, upper case.
    pub fn matches(&self, code: &str) -> bool {
        let key = code.as_bytes();
        if key.is_empty() {
            return false;
        }
        let eq_ci = |a: &[u8], b: &[u8]| a.eq_ignore_ascii_case(b);
        if self
            .prefixes
            .iter()
            .any(|p| key.len() >= p.len() && eq_ci(&key[..p.len()], p.as_bytes()))
        {
            return true;
        }
        self.ranges.iter().any(|(lo, hi)| {
            let cut = |bound: &str| &key[..key.len().min(bound.len())];
            cmp_ci(cut(lo), lo.as_bytes()) != Ordering::Less
                && cmp_ci(cut(hi), hi.as_bytes()) != Ordering::Greater
        })
    }
}

/// Compares `a` upper-cased with `b` (already upper case), byte by byte.
fn cmp_ci(a: &[u8], b: &[u8]) -> Ordering {
    a.iter().map(u8::to_ascii_uppercase).cmp(b.iter().copied())
}

/// Compares `a` lower-cased with `b` (already lower case).
pub fn cmp_lower(a: &[u8], b: &[u8]) -> Ordering {
    a.iter().map(u8::to_ascii_lowercase).cmp(b.iter().copied())
}

/// A two-character modifier, upper case.
pub fn modifier(raw: &str) -> Result<[u8; 2], String> {
    let b = raw.trim().as_bytes();
    if b.len() == 2 && b.iter().all(u8::is_ascii_alphanumeric) {
        Ok([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()])
    } else {
        Err(format!(
            "\"{}\" is not a modifier: two letters or digits, like \"25\" or \"GT\"",
            raw.trim()
        ))
    }
}

/// True when a line's modifiers include `m` (any case).
pub fn has_modifier(modifiers: &[&str], m: &[u8; 2]) -> bool {
    modifiers
        .iter()
        .any(|x| x.trim().as_bytes().eq_ignore_ascii_case(m))
}

pub fn modifier_text(m: &[u8; 2]) -> String {
    String::from_utf8_lossy(m).into_owned()
}

/// Money written as text ("125.00", "$1,250", "80.5") into integer cents.
pub fn parse_money(raw: &str) -> Result<i64, String> {
    let bad = || {
        format!("\"{raw}\" is not an amount: write dollars and cents in quotes, like \"125.00\"")
    };
    let s = raw.trim();
    let s = s.strip_prefix('$').unwrap_or(s).trim();
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(
            if frac.len() > 2 && frac.bytes().all(|b| b.is_ascii_digit()) {
                format!("\"{raw}\" has more than two digits of cents")
            } else {
                bad()
            },
        );
    }
    // Thousands separators are allowed only in groups of three.
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped_ok = groups.len() == 1
        || (groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.iter().skip(1).all(|g| g.len() == 3));
    let digits: String = groups.concat();
    if digits.is_empty() && frac.is_empty()
        || !grouped_ok
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    if digits.len() > 12 {
        return Err(format!("\"{raw}\" is too large for a charge"));
    }
    let dollars: i64 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| bad())?
    };
    let cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
        _ => frac.parse().map_err(|_| bad())?,
    };
    Ok(dollars * 100 + cents)
}

/// Cents as a biller reads them: "$1,250.00".
pub fn format_money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let dollars = (c / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}${grouped}.{:02}", c % 100)
}

/// Units written as a number ("2", "1.5", at most three decimals) into thousandths.
pub fn parse_units(raw: &str) -> Result<i64, String> {
    let bad = || format!("\"{raw}\" is not a number of units: write it like 2 or 1.5");
    let s = raw.trim().replace('_', "");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty()
        || whole.len() > 9
        || frac.len() > 3
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let w: i64 = whole.parse().map_err(|_| bad())?;
    let f: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<3}").parse().map_err(|_| bad())?
    };
    Ok(w * 1000 + f)
}

/// Thousandths of a unit as written: 1500 → "1.5".
pub fn format_units(thousandths: i64) -> String {
    let whole = thousandths / 1000;
    let frac = (thousandths % 1000).abs();
    if frac == 0 {
        whole.to_string()
    } else {
        let f = format!("{frac:03}");
        format!("{whole}.{}", f.trim_end_matches('0'))
    }
}

/// A ten-digit NPI with its Luhn check digit (prefix 80840).
pub fn npi(raw: &str) -> Result<Box<str>, String> {
    let s = raw.trim();
    let b = s.as_bytes();
    if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) {
        return Err(format!("\"{s}\" is not an NPI: exactly 10 digits"));
    }
    let mut sum = 24u32; // the constant prefix 80840, doubled as the Luhn scheme says
    for (i, d) in b[..9].iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    let check = (10 - sum % 10) % 10;
    if check != u32::from(b[9] - b'0') {
        return Err(format!(
            "\"{s}\" is not a valid NPI: its check digit is wrong (a typo?); look it up in the NPPES registry"
        ));
    }
    Ok(s.into())
}

/// A provider taxonomy code: ten letters and digits (207Q00000X).
pub fn taxonomy(raw: &str) -> Result<Box<str>, String> {
    let s = raw.trim();
    if s.len() == 10 && s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(s.to_ascii_uppercase().into())
    } else {
        Err(format!(
            "\"{s}\" is not a provider taxonomy code: ten letters and digits, like \"207Q00000X\""
        ))
    }
}

/// A place of service code: two digits ("2" is read as "02").
pub fn place_of_service(raw: &str) -> Result<[u8; 2], String> {
    let s = raw.trim();
    let b = s.as_bytes();
    match b {
        [d] if d.is_ascii_digit() => Ok([b'0', *d]),
        [a, c] if a.is_ascii_digit() && c.is_ascii_digit() => Ok([*a, *c]),
        _ => Err(format!(
            "\"{s}\" is not a place of service: two digits, like \"11\" (office) or \"02\" (telehealth)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn procs(items: &[&str]) -> CodeMatcher {
        procedure_patterns(items).unwrap_or_else(|e| panic!("{items:?}: {e:?}"))
    }

    #[test]
    fn procedure_codes_ranges_and_prefixes() {
        let m = procs(&["99202-99215", "J3490", "G0*", "0001U-0020U"]);
        assert!(m.matches("99213"));
        assert!(m.matches("99202"));
        assert!(m.matches("99215"));
        assert!(!m.matches("99216"));
        assert!(!m.matches("99201"));
        assert!(m.matches("j3490"));
        assert!(m.matches("G0438"));
        assert!(!m.matches("G1000"));
        assert!(m.matches("0010U"));
        assert!(!m.matches("0005F"), "ranges keep to one kind of code");
        assert!(!m.matches(""));
        assert!(!m.matches("9921"));
        assert!(!m.matches("992131"));
    }

    #[test]
    fn bad_procedure_patterns() {
        let e = procedure_patterns(&["99213", "99215-99202"]).err();
        assert!(
            matches!(&e, Some((1, m)) if m.contains("backwards") && m.contains("99202-99215")),
            "{e:?}"
        );
        assert!(procedure_patterns(&["9921"]).is_err());
        assert!(procedure_patterns(&["99213X"]).is_err());
        assert!(procedure_patterns(&["*"]).is_err());
        assert!(procedure_patterns(&["99213*"]).is_err());
        assert!(procedure_patterns(&["0001U-0005F"]).is_err());
        assert!(procedure_patterns(&["A1234-B0001"]).is_err());
    }

    #[test]
    fn revenue_codes() {
        let m = revenue_patterns(&["450", "036*", "0760-0769"]).unwrap_or_default();
        assert!(m.matches("0450"));
        assert!(m.matches("0361"));
        assert!(m.matches("0762"));
        assert!(!m.matches("0770"));
        assert!(revenue_patterns(&["45"]).is_err());
        assert!(revenue_patterns(&["0769-0760"]).is_err());
    }

    #[test]
    fn diagnosis_codes_categories_and_ranges() {
        let m = DiagnosisMatcher::parse(&["E08-E13", "I10", "Z79.4", "O*"]).unwrap_or_default();
        assert!(m.matches("E119"));
        assert!(m.matches("E0800"));
        assert!(m.matches("E1365"));
        assert!(!m.matches("E140"));
        assert!(!m.matches("E079"));
        assert!(m.matches("I10"));
        assert!(m.matches("Z794"));
        assert!(!m.matches("Z79"));
        assert!(m.matches("O80"));
        assert!(!m.matches("I11"));
        assert!(!m.matches(""));
        let narrow = DiagnosisMatcher::parse(&["S72.001A-S72.009A"]).unwrap_or_default();
        assert!(narrow.matches("S72001A"));
        assert!(!narrow.matches("S72011A"));
        assert!(DiagnosisMatcher::parse(&["E13-E08"]).is_err());
        assert!(DiagnosisMatcher::parse(&["11E"]).is_err());
        assert!(DiagnosisMatcher::parse(&["E1"]).is_err());
        assert!(DiagnosisMatcher::parse(&["E1*"]).is_ok());
    }

    #[test]
    fn money_is_cents() {
        assert_eq!(parse_money("125.00"), Ok(12_500));
        assert_eq!(parse_money("125"), Ok(12_500));
        assert_eq!(parse_money("$1,250.5"), Ok(125_050));
        assert_eq!(parse_money("0.99"), Ok(99));
        assert_eq!(parse_money(".99"), Ok(99));
        assert!(parse_money("12.345").is_err_and(|e| e.contains("two digits")));
        assert!(parse_money("1,25.00").is_err());
        assert!(parse_money("-5").is_err());
        assert!(parse_money("abc").is_err());
        assert!(parse_money("").is_err());
        assert!(parse_money("1e5").is_err());
        assert!(parse_money("9999999999999").is_err());
        assert_eq!(format_money(125_050), "$1,250.50");
        assert_eq!(format_money(5), "$0.05");
        assert_eq!(format_money(100_000_000), "$1,000,000.00");
    }

    #[test]
    fn units_are_thousandths() {
        assert_eq!(parse_units("2"), Ok(2000));
        assert_eq!(parse_units("1.5"), Ok(1500));
        assert_eq!(parse_units("0.125"), Ok(125));
        assert!(parse_units("1.2345").is_err());
        assert!(parse_units("-1").is_err());
        assert!(parse_units("1e3").is_err());
        assert_eq!(format_units(1500), "1.5");
        assert_eq!(format_units(4000), "4");
    }

    #[test]
    fn npi_check_digit() {
        assert!(npi("1234567893").is_ok());
        assert!(npi("1234567890").is_err_and(|e| e.contains("check digit")));
        assert!(npi("123456789").is_err());
    }

    #[test]
    fn modifiers_and_pos() {
        assert_eq!(modifier("gt"), Ok(*b"GT"));
        assert!(modifier("G").is_err());
        assert!(has_modifier(&["25", "gt"], b"GT"));
        assert_eq!(place_of_service("2"), Ok(*b"02"));
        assert!(place_of_service("2a").is_err());
        assert!(taxonomy("207Q00000X").is_ok());
        assert!(taxonomy("207Q").is_err());
    }
}
