//! HTML form bodies: `application/x-www-form-urlencoded` pairs, and the claim editor's fields
//! (`dx1`…`dx12`, `line1_code`…) read into the same shapes the API takes.

use std::collections::HashMap;

use crate::api::LineBody;

/// The pairs of a form body, decoded.
pub fn pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

pub fn url_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A form's fields by name (the last value wins; repeated names are read with [`Form::all`]).
pub struct Form {
    pairs: Vec<(String, String)>,
    map: HashMap<String, String>,
}

impl Form {
    pub fn parse(body: &[u8]) -> Form {
        let pairs = pairs(body);
        let map = pairs.iter().cloned().collect();
        Form { pairs, map }
    }
    pub fn get(&self, name: &str) -> &str {
        self.map.get(name).map(String::as_str).unwrap_or("")
    }
    pub fn opt(&self, name: &str) -> Option<String> {
        let v = self.get(name).trim();
        (!v.is_empty()).then(|| v.to_owned())
    }
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    pub fn id(&self, name: &str) -> Option<i64> {
        self.get(name).trim().parse().ok()
    }
}

/// The most lines the claim editor shows.
pub const MAX_FORM_LINES: usize = 50;
pub const MAX_FORM_DIAGNOSES: usize = 12;

/// The claim editor's diagnoses and lines; rows left empty are skipped. Pointers are written
/// as letters (A–L, as on the CMS-1500) or numbers.
pub fn claim_fields(form: &Form) -> (Vec<String>, Vec<LineBody>, Vec<(String, String)>) {
    let mut errors = Vec::new();
    let diagnoses: Vec<String> = (1..=MAX_FORM_DIAGNOSES)
        .map(|i| form.get(&format!("dx{i}")).trim().to_owned())
        .collect();
    // Pointers refer to the position among the diagnoses given, as the API does.
    let positions: Vec<usize> = diagnoses
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.is_empty())
        .map(|(i, _)| i)
        .collect();
    let mut lines = Vec::new();
    for i in 1..=MAX_FORM_LINES {
        let code = form.get(&format!("line{i}_code")).trim();
        if code.is_empty() {
            continue;
        }
        let mut pointers = Vec::new();
        for p in form
            .get(&format!("line{i}_ptr"))
            .split([',', ' ', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let slot = match p.as_bytes() {
                [c] if c.is_ascii_alphabetic() => Some(usize::from(c.to_ascii_uppercase() - b'A')),
                _ => p.parse::<usize>().ok().and_then(|n| n.checked_sub(1)),
            };
            match slot.and_then(|s| positions.iter().position(|&x| x == s)) {
                Some(pos) => pointers.push(u8::try_from(pos + 1).unwrap_or(0)),
                None => errors.push((
                    format!("line{i}_ptr"),
                    format!("{p} does not point to a diagnosis entered above"),
                )),
            }
        }
        lines.push(LineBody {
            procedure_code: code.to_owned(),
            modifiers: form
                .get(&format!("line{i}_mod"))
                .split([',', ' '])
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_owned)
                .collect(),
            charge: rcm_claims::input::AmountInput(
                form.get(&format!("line{i}_charge")).trim().to_owned(),
            ),
            units: rcm_claims::input::UnitsInput(
                match form.get(&format!("line{i}_units")).trim() {
                    "" => "1".to_owned(),
                    u => u.to_owned(),
                },
            ),
            diagnosis_pointers: pointers,
            service_date: form.opt(&format!("line{i}_date")),
            place_of_service: None,
            rendering_provider_id: None,
        });
    }
    (diagnoses, lines, errors)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pointers_follow_the_diagnoses_entered_even_with_gaps() {
        let f = Form::parse(b"dx1=E11.9&dx2=&dx3=I10&line1_code=99213&line1_ptr=A%2CC&line1_charge=125&line2_code=&line3_code=93000&line3_ptr=2&line3_charge=40");
        let (dx, lines, errors) = claim_fields(&f);
        assert_eq!(dx[0], "E11.9");
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0].diagnosis_pointers,
            vec![1, 2],
            "A and C are the 1st and 2nd entered"
        );
        assert!(lines[1].diagnosis_pointers.is_empty());
        assert_eq!(errors.len(), 1, "pointer 2 names an empty row: {errors:?}");
        assert_eq!(lines[0].units.0, "1", "units default to 1");
    }

    #[test]
    fn encoding_round_trips() {
        let s = "/claims?status=ready&x=ä b";
        let body = format!("next={}", url_encode(s));
        assert_eq!(Form::parse(body.as_bytes()).get("next"), s);
    }
}
