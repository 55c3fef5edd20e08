//! What changed between two versions of a code set: the list a billing office reviews
//! every release (new codes to use, deleted codes to stop using, revised titles, and
//! codes that stopped or started being billable because they were expanded).

use serde::Serialize;

/// One code of a version, as compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    pub code: String,
    pub title: String,
    pub billable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub code: String,
    pub old_title: String,
    pub new_title: String,
    pub old_billable: bool,
    pub new_billable: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeDiff {
    pub old: String,
    pub new: String,
    pub added: Vec<Listed>,
    pub deleted: Vec<Listed>,
    pub revised: Vec<Revision>,
}

/// Compares two listings sorted by code.
pub fn diff(old_id: &str, old: &[Listed], new_id: &str, new: &[Listed]) -> CodeDiff {
    let mut out = CodeDiff {
        old: old_id.to_string(),
        new: new_id.to_string(),
        added: Vec::new(),
        deleted: Vec::new(),
        revised: Vec::new(),
    };
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        match (old.get(i), new.get(j)) {
            (Some(o), Some(n)) if o.code == n.code => {
                if o.title != n.title || o.billable != n.billable {
                    out.revised.push(Revision {
                        code: o.code.clone(),
                        old_title: o.title.clone(),
                        new_title: n.title.clone(),
                        old_billable: o.billable,
                        new_billable: n.billable,
                    });
                }
                i += 1;
                j += 1;
            }
            (Some(o), Some(n)) if o.code < n.code => {
                out.deleted.push(o.clone());
                i += 1;
            }
            (Some(_), Some(n)) => {
                out.added.push(n.clone());
                j += 1;
            }
            (Some(o), None) => {
                out.deleted.push(o.clone());
                i += 1;
            }
            (None, Some(n)) => {
                out.added.push(n.clone());
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(code: &str, title: &str, billable: bool) -> Listed {
        Listed {
            code: code.into(),
            title: title.into(),
            billable,
        }
    }

    #[test]
    fn added_deleted_revised() {
        let old = [
            l("E11.9", "T2DM", true),
            l("I10", "HTN", true),
            l("Z00", "Exam", false),
        ];
        let new = [
            l("E11.9", "T2DM w/o", true),
            l("E11.A", "remission", true),
            l("I10", "HTN", true),
        ];
        let d = diff("a", &old, "b", &new);
        assert_eq!(d.added, vec![l("E11.A", "remission", true)]);
        assert_eq!(d.deleted, vec![l("Z00", "Exam", false)]);
        assert_eq!(d.revised.len(), 1);
        assert_eq!(d.revised[0].code, "E11.9");
    }
}
