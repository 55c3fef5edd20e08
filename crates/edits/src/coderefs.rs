//! Code references inside ICD-10-CM instructional notes: "(E10.-)", "(E08-E13)", "(Z79.4)",
//! "(R73.0-)". A reference matches the codes it names or that start with it.

/// A code or a range of codes named by a note, without dots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRef {
    /// The code and everything below it.
    Prefix(String),
    /// From one code to another (by their leading characters), everything below both ends.
    Range(String, String),
}

impl CodeRef {
    pub fn matches(&self, code: &str) -> bool {
        match self {
            CodeRef::Prefix(p) => code.starts_with(p.as_str()),
            CodeRef::Range(a, b) => {
                let ha = &code[..a.len().min(code.len())];
                let hb = &code[..b.len().min(code.len())];
                ha >= a.as_str() && hb <= b.as_str()
            }
        }
    }

    pub fn display(&self) -> String {
        fn dot(s: &str) -> String {
            if s.len() > 3 {
                format!("{}.{}", &s[..3], &s[3..])
            } else {
                s.to_string()
            }
        }
        match self {
            CodeRef::Prefix(p) if p.len() <= 3 => format!("{}.-", dot(p)),
            CodeRef::Prefix(p) => dot(p),
            CodeRef::Range(a, b) => format!("{}-{}", dot(a), dot(b)),
        }
    }
}

/// Reads one code token at `i`: letter, digit, letter or digit, then an optional dot and up
/// to four letters or digits. Returns the code without the dot and the index after it.
fn token(b: &[u8], i: usize) -> Option<(String, usize)> {
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    if !(at(i).is_ascii_uppercase()
        && at(i + 1).is_ascii_digit()
        && (at(i + 2).is_ascii_digit() || at(i + 2).is_ascii_uppercase()))
    {
        return None;
    }
    // Must start a word: "(E10" or " E10", not "ABE10".
    if i > 0 && b[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let mut code = String::from_utf8_lossy(&b[i..i + 3]).into_owned();
    let mut j = i + 3;
    if at(j) == b'.' {
        let mut k = j + 1;
        while k < b.len() && k - j <= 4 && (at(k).is_ascii_digit() || at(k).is_ascii_uppercase()) {
            code.push(char::from(at(k)));
            k += 1;
        }
        j = k;
    }
    if at(j).is_ascii_alphanumeric() {
        return None;
    }
    Some((code, j))
}

/// Every code reference in a note's text.
pub fn code_refs(text: &str) -> Vec<CodeRef> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let Some((code, j)) = token(b, i) else {
            i += 1;
            continue;
        };
        // "E08-E13" is a range; "E10.-" or "R73.0-" a prefix (the dash marks "and below").
        if b.get(j) == Some(&b'-') {
            if let Some((end, k)) = token(b, j + 1) {
                out.push(CodeRef::Range(code, end));
                i = k;
                continue;
            }
            out.push(CodeRef::Prefix(code));
            i = j + 1;
            continue;
        }
        out.push(CodeRef::Prefix(code));
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_prefixes_and_ranges() {
        let r = code_refs(
            "Type 1 diabetes mellitus (E10.-), diabetes in pregnancy (O24.-) and (E08-E13); insulin (Z79.4), R73.0-",
        );
        assert_eq!(
            r,
            vec![
                CodeRef::Prefix("E10".into()),
                CodeRef::Prefix("O24".into()),
                CodeRef::Range("E08".into(), "E13".into()),
                CodeRef::Prefix("Z794".into()),
                CodeRef::Prefix("R730".into()),
            ]
        );
        assert!(r[2].matches("E119"));
        assert!(r[2].matches("E08"));
        assert!(r[2].matches("E1365"));
        assert!(!r[2].matches("E14"));
        assert!(!r[2].matches("E0700"));
        assert!(r[0].matches("E109"));
        assert!(!r[0].matches("E119"));
        assert_eq!(r[3].display(), "Z79.4");
        assert_eq!(r[0].display(), "E10.-");
    }

    #[test]
    fn ignores_words_that_look_like_codes() {
        assert!(code_refs("COVID19 and H1N1 influenza").is_empty());
        assert!(code_refs("").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            for r in code_refs(&s) {
                let _ = r.matches("E119");
                let _ = r.display();
            }
        }
    }
}
