//! The ICD-10-CM code as a value: parsed once from what a person typed, stored on the
//! stack, compared as bytes. No allocation anywhere in this module.

use std::fmt;

/// A code in its claim form (no dot, upper case), padded with zero bytes to 8.
/// Ordering of keys is the ordering of codes in the code set.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct CodeKey(pub(crate) [u8; 8]);

impl CodeKey {
    /// Normalises what a person typed: surrounding spaces and one dot removed, any
    /// case. Returns `None` when it cannot be a code (empty, longer than 7 characters
    /// without the dot, or characters other than letters and digits).
    pub fn parse(input: &str) -> Option<CodeKey> {
        let mut out = [0u8; 8];
        let mut n = 0usize;
        let mut dots = 0;
        for &b in input.trim().as_bytes() {
            match b {
                b'.' => {
                    dots += 1;
                    if dots > 1 || n != 3 {
                        return None;
                    }
                }
                b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z' => {
                    if n == 7 {
                        return None;
                    }
                    out[n] = b.to_ascii_uppercase();
                    n += 1;
                }
                _ => return None,
            }
        }
        if n == 0 {
            return None;
        }
        Some(CodeKey(out))
    }

    /// Builds a key from an already-normalised byte string (claim form).
    pub(crate) fn from_claim_form(bytes: &[u8]) -> Option<CodeKey> {
        if bytes.is_empty() || bytes.len() > 7 {
            return None;
        }
        let mut out = [0u8; 8];
        out[..bytes.len()].copy_from_slice(bytes);
        Some(CodeKey(out))
    }

    pub fn len(&self) -> usize {
        self.0.iter().position(|&b| b == 0).unwrap_or(8)
    }

    pub fn is_empty(&self) -> bool {
        self.0[0] == 0
    }

    /// Claim form: `S72001A`.
    pub fn as_str(&self) -> &str {
        // Keys only ever hold ASCII letters and digits (see `parse`).
        std::str::from_utf8(&self.0[..self.len()]).unwrap_or("")
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0[..self.len()]
    }

    /// Display form with the dot after the third character: `S72.001A`.
    pub fn dotted(&self) -> DottedCode {
        let len = self.len();
        let mut buf = [0u8; 8];
        if len <= 3 {
            buf[..len].copy_from_slice(&self.0[..len]);
            DottedCode {
                buf,
                len: len as u8,
            }
        } else {
            buf[..3].copy_from_slice(&self.0[..3]);
            buf[3] = b'.';
            buf[4..len + 1].copy_from_slice(&self.0[3..len]);
            DottedCode {
                buf,
                len: (len + 1) as u8,
            }
        }
    }

    /// True when the key has the shape of an ICD-10-CM code: a letter, a digit, a
    /// letter or digit, then up to four letters or digits.
    pub fn is_icd10cm_shape(&self) -> bool {
        let b = self.as_bytes();
        b.len() >= 3
            && b[0].is_ascii_uppercase()
            && b[1].is_ascii_digit()
            && b[2].is_ascii_alphanumeric()
    }

    /// The key padded with the placeholder `X` to six characters and the given 7th
    /// character appended: M4850 + A → M4850XA.
    pub fn with_seventh(&self, seventh: u8) -> Option<CodeKey> {
        let len = self.len();
        if len > 6 {
            return None;
        }
        let mut out = self.0;
        for slot in out.iter_mut().take(6).skip(len) {
            *slot = b'X';
        }
        out[6] = seventh;
        Some(CodeKey(out))
    }

    pub fn starts_with(&self, prefix: &CodeKey) -> bool {
        self.as_bytes().starts_with(prefix.as_bytes())
    }
}

impl fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CodeKey({})", self.as_str())
    }
}

impl fmt::Display for CodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The dotted display form of a code, held on the stack.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DottedCode {
    buf: [u8; 8],
    len: u8,
}

impl DottedCode {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len as usize]).unwrap_or("")
    }
}

impl std::ops::Deref for DottedCode {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for DottedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for DottedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An ICD-10-CM diagnosis code that was checked against the code set in effect on a
/// date of service and is billable. Constructed only by
/// [`crate::CodeSet::billable_code`], so holding one means the check was done.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Icd10CmCode(CodeKey);

impl Icd10CmCode {
    pub(crate) fn new_unchecked(key: CodeKey) -> Self {
        Icd10CmCode(key)
    }
    pub fn key(&self) -> CodeKey {
        self.0
    }
    /// Claim form, as sent in X12 (`S72001A`).
    pub fn claim_form(&self) -> &str {
        self.0.as_str()
    }
    pub fn dotted(&self) -> DottedCode {
        self.0.dotted()
    }
}

impl fmt::Display for Icd10CmCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.dotted().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parse_accepts_any_case_and_one_dot() {
        let k = CodeKey::parse(" s72.001a ").unwrap();
        assert_eq!(k.as_str(), "S72001A");
        assert_eq!(k.dotted().as_str(), "S72.001A");
        assert_eq!(CodeKey::parse("I10").unwrap().dotted().as_str(), "I10");
        assert_eq!(CodeKey::parse("e119").unwrap().dotted().as_str(), "E11.9");
    }

    #[test]
    fn parse_rejects_garbage() {
        for bad in [
            "",
            "  ",
            "S7.2001",
            "S72..0",
            "S72-001",
            "S72.001AB",
            "Ü10",
            "E11.9.1",
        ] {
            assert!(CodeKey::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn seventh_character_pads_with_placeholder() {
        let k = CodeKey::parse("M48.50").unwrap();
        assert_eq!(k.with_seventh(b'A').unwrap().dotted().as_str(), "M48.50XA");
        let k = CodeKey::parse("S72.001").unwrap();
        assert_eq!(k.with_seventh(b'A').unwrap().dotted().as_str(), "S72.001A");
        let k = CodeKey::parse("T07").unwrap();
        assert_eq!(k.with_seventh(b'S').unwrap().as_str(), "T07XXXS");
        assert!(
            CodeKey::parse("S72.001A")
                .unwrap()
                .with_seventh(b'A')
                .is_none()
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_round_trips(s in "\\PC{0,12}") {
            if let Some(k) = CodeKey::parse(&s) {
                let again = CodeKey::parse(k.dotted().as_str()).unwrap();
                prop_assert_eq!(again, k);
                prop_assert!(k.len() <= 7);
            }
        }
    }
}
