//! Text of the CMS XML files: the five predefined entities and character references,
//! the only references these files use (they declare no DTD).

use quick_xml::events::BytesRef;

/// The character a reference (`&amp;`, `&#233;`) stands for; `None` for an entity the
/// file never declared.
pub fn resolve_reference(r: &BytesRef<'_>) -> Option<char> {
    match r.resolve_char_ref() {
        Ok(Some(ch)) => Some(ch),
        Ok(None) => match &*r.xml10_content() {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => None,
        },
        Err(_) => None,
    }
}

/// As [`resolve_reference`], with the message for an undeclared entity.
pub fn reference_char(r: &BytesRef<'_>) -> Result<char, String> {
    resolve_reference(r)
        .ok_or_else(|| format!("unknown entity reference &{};", &*r.xml10_content()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_and_numeric_references() {
        assert_eq!(resolve_reference(&BytesRef::new("amp")), Some('&'));
        assert_eq!(resolve_reference(&BytesRef::new("#233")), Some('é'));
        assert_eq!(resolve_reference(&BytesRef::new("#x41")), Some('A'));
        assert_eq!(resolve_reference(&BytesRef::new("nbsp")), None);
        assert_eq!(resolve_reference(&BytesRef::new("#0")), None);
    }
}
