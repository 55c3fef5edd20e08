//! Conventions of the tabular that are written only in prose notes, made into tables.

use crate::code::CodeKey;

/// 7th characters a definition lists but a note withdraws for some codes.
///
/// Source: ICD-10-CM tabular, category S06 (Intracranial injury), note: "7th
/// characters D and S do not apply to codes in category S06 with 6th character 7 -
/// death due to brain injury prior to regaining consciousness, or 8 - death due to
/// other cause prior to regaining consciousness."
const WITHDRAWN_SEVENTH: &[(&str, &[u8], &[u8])] = &[("S06", b"78", b"DS")];

/// True when `seventh` may not extend the code `stem` (claim form, before padding).
pub fn seventh_withdrawn(stem: CodeKey, seventh: u8) -> bool {
    let b = stem.as_bytes();
    WITHDRAWN_SEVENTH.iter().any(|(category, sixth, chars)| {
        b.starts_with(category.as_bytes())
            && b.len() == 6
            && sixth.contains(&b[5])
            && chars.contains(&seventh)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s06_death_codes_take_only_initial_encounter() {
        let stem = CodeKey::parse("S06.0X7").unwrap();
        assert!(seventh_withdrawn(stem, b'D'));
        assert!(seventh_withdrawn(stem, b'S'));
        assert!(!seventh_withdrawn(stem, b'A'));
        assert!(!seventh_withdrawn(CodeKey::parse("S06.0X1").unwrap(), b'D'));
    }
}
