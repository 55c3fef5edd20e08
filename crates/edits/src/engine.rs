//! The scrubber: runs every edit over a claim with the code sets, edit tables and payer rules
//! of a data directory.

use crate::coderefs::{CodeRef, code_refs};
use crate::finding::{Category, ClaimReport, Finding, Severity};
use crate::ncci::{
    ModifierIndicator, MueIndicator, MueSetting, NcciTables, PtpSetting,
    is_ncci_associated_modifier,
};
use crate::patient::{age_rule, sex_rule};
use crate::rules::{ClaimKindView, RuleClaim, RuleLine, RuleSet, RuleSeverity};
use jiff::civil::Date;
use rcm_claims::input::{BuiltClaim, ProblemKind};
use rcm_claims::{Claim, ClaimKind, DiagnosisCode, ProcedureKind, Sex};
use rcm_codes::hcpcs::{CptSet, HcpcsSet, HcpcsValidity};
use rcm_codes::pcs::PcsSet;
use rcm_codes::{Catalog, CodeSet, CodeSystem, NodeKind, NoteKind, Reason};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

/// Why the scrubber could not start.
#[derive(Debug, thiserror::Error)]
pub enum ScrubberError {
    #[error(transparent)]
    Codes(#[from] rcm_codes::CodesError),
    #[error(transparent)]
    Ncci(#[from] crate::ncci::NcciError),
}

/// A code-set version and the dates it answers for.
struct Versioned<T> {
    effective: Date,
    set: T,
}

fn in_effect<T>(versions: &[Versioned<T>], dos: Date) -> Option<&T> {
    versions
        .iter()
        .rev()
        .find(|v| v.effective <= dos)
        .map(|v| &v.set)
}

/// What the scrubber knows about one ICD-10-CM code in one version, computed once.
struct DxFacts {
    /// None when valid and billable; otherwise the edit id, message and next step.
    invalid: Option<(&'static str, String, Option<String>)>,
    title: String,
    excludes1: Vec<CodeRef>,
    use_additional: Vec<CodeRef>,
    manifestation: bool,
    code_first: Option<String>,
    sex: Option<crate::patient::SexRule>,
    /// Sibling codes that name the side, when this code's title says "unspecified" side.
    laterality: Option<Laterality>,
}

struct Laterality {
    right: Option<String>,
    left: Option<String>,
    bilateral: Option<String>,
}

/// Everything the edits read, loaded once and shared by the threads of a batch.
pub struct Scrubber {
    icd10cm: Vec<Versioned<CodeSet>>,
    hcpcs: Vec<Versioned<HcpcsSet>>,
    cpt: Vec<Versioned<CptSet>>,
    pcs: Vec<Versioned<PcsSet>>,
    ncci: Option<NcciTables>,
    rules: RuleSet,
    today: Date,
    facts: RwLock<FxHashMap<(usize, DiagnosisCode), Arc<DxFacts>>>,
}

/// What the scrubber is working with, for the report header.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScrubberSetup {
    pub icd10cm_versions: Vec<String>,
    pub hcpcs_versions: Vec<String>,
    pub cpt_versions: Vec<String>,
    pub icd10pcs_versions: Vec<String>,
    pub ncci_tables: Vec<String>,
    pub payer_rules: usize,
}

impl Scrubber {
    /// Loads every imported code-set version and the NCCI tables of a data directory.
    pub fn open(data_dir: &Path, rules: RuleSet, today: Date) -> Result<Scrubber, ScrubberError> {
        let catalog = Catalog::open(data_dir)?;
        let mut icd10cm = Vec::new();
        let mut hcpcs = Vec::new();
        let mut cpt = Vec::new();
        let mut pcs = Vec::new();
        for info in catalog.versions() {
            match info.system {
                CodeSystem::Icd10cm => icd10cm.push(Versioned {
                    effective: info.effective,
                    set: catalog.load(&info.id)?,
                }),
                CodeSystem::Hcpcs => hcpcs.push(Versioned {
                    effective: info.effective,
                    set: catalog.load_hcpcs_for_date(info.effective)?.0,
                }),
                CodeSystem::Cpt => cpt.push(Versioned {
                    effective: info.effective,
                    set: catalog.load_cpt_for_date(info.effective)?.0,
                }),
                CodeSystem::Icd10pcs => pcs.push(Versioned {
                    effective: info.effective,
                    set: catalog.load_pcs_for_date(info.effective)?.0,
                }),
                _ => {}
            }
        }
        icd10cm.sort_by_key(|v| v.effective);
        hcpcs.sort_by_key(|v| v.effective);
        cpt.sort_by_key(|v| v.effective);
        pcs.sort_by_key(|v| v.effective);
        let ncci = NcciTables::open(data_dir)?;
        ncci.load_all()?;
        Ok(Scrubber {
            icd10cm,
            hcpcs,
            cpt,
            pcs,
            ncci: (!ncci.is_empty()).then_some(ncci),
            rules,
            today,
            facts: RwLock::new(FxHashMap::default()),
        })
    }

    /// A scrubber over code sets already in memory (tests, benchmarks).
    pub fn with_code_set(set: CodeSet, effective: Date, rules: RuleSet, today: Date) -> Scrubber {
        Scrubber {
            icd10cm: vec![Versioned { effective, set }],
            hcpcs: Vec::new(),
            cpt: Vec::new(),
            pcs: Vec::new(),
            ncci: None,
            rules,
            today,
            facts: RwLock::new(FxHashMap::default()),
        }
    }

    pub fn with_ncci(mut self, ncci: NcciTables) -> Scrubber {
        self.ncci = (!ncci.is_empty()).then_some(ncci);
        self
    }

    pub fn setup(&self) -> ScrubberSetup {
        ScrubberSetup {
            icd10cm_versions: self
                .icd10cm
                .iter()
                .map(|v| v.set.info().id.clone())
                .collect(),
            hcpcs_versions: self
                .hcpcs
                .iter()
                .map(|v| v.set.source().to_string())
                .collect(),
            cpt_versions: self.cpt.iter().map(|v| v.effective.to_string()).collect(),
            icd10pcs_versions: self.pcs.iter().map(|v| v.effective.to_string()).collect(),
            ncci_tables: self
                .ncci
                .as_ref()
                .map(|n| {
                    n.tables()
                        .map(|t| format!("{} {}", t.table.label(), t.quarter))
                        .collect()
                })
                .unwrap_or_default(),
            payer_rules: self.rules.len(),
        }
    }

    /// Scrubs one claim as built from its input.
    pub fn check(&self, built: &BuiltClaim) -> ClaimReport {
        let mut findings = Vec::new();
        for p in &built.problems {
            let field = p
                .path
                .strip_prefix(built.path.as_str())
                .and_then(|r| r.strip_prefix('.'))
                .unwrap_or(&p.path)
                .to_string();
            let (id, category) = match p.kind {
                ProblemKind::Required => ("structure.required", Category::Structure),
                ProblemKind::InvalidNpi => ("structure.npi-invalid", Category::Structure),
                ProblemKind::MalformedDiagnosis => {
                    ("code.icd10cm.malformed", Category::CodeValidity)
                }
                ProblemKind::MalformedProcedure => {
                    ("code.procedure.malformed", Category::CodeValidity)
                }
                ProblemKind::NoLines => ("structure.no-lines", Category::Structure),
                ProblemKind::TooMany => ("structure.too-many", Category::Structure),
                ProblemKind::InvalidDate => ("structure.invalid-date", Category::Structure),
                ProblemKind::InvalidValue => ("structure.invalid-value", Category::Structure),
            };
            findings
                .push(Finding::new(id, category, Severity::Error, p.message.clone()).field(field));
        }
        if let Some(claim) = &built.claim {
            self.check_claim(claim, &mut findings);
        }
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        ClaimReport {
            patient_control_number: built.patient_control_number.clone(),
            path: built.path.clone(),
            findings,
        }
    }

    /// Scrubs a batch on every core; duplicate claims within the batch are found too.
    pub fn check_batch(&self, claims: &[BuiltClaim]) -> Vec<ClaimReport> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(claims.len().max(1));
        let chunk = claims.len().div_ceil(threads).max(1);
        let mut reports: Vec<ClaimReport> = std::thread::scope(|s| {
            let handles: Vec<_> = claims
                .chunks(chunk)
                .map(|part| s.spawn(move || part.iter().map(|c| self.check(c)).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        if reports.len() != claims.len() {
            // A worker died (it cannot, but never report fewer claims than were given).
            reports = claims.iter().map(|c| self.check(c)).collect();
        }
        let prints: Vec<Option<u64>> = claims.iter().map(fingerprint).collect();
        mark_duplicates(&mut reports, &prints);
        reports
    }

    fn facts(&self, version: usize, set: &CodeSet, code: DiagnosisCode) -> Arc<DxFacts> {
        if let Ok(map) = self.facts.read()
            && let Some(f) = map.get(&(version, code))
        {
            return f.clone();
        }
        let f = Arc::new(compute_facts(set, code));
        if let Ok(mut map) = self.facts.write() {
            map.insert((version, code), f.clone());
        }
        f
    }

    fn check_claim(&self, c: &Claim, out: &mut Vec<Finding>) {
        let Some(first_dos) = c.first_date_of_service() else {
            return;
        };
        self.structure(c, first_dos, out);
        self.diagnoses(c, first_dos, out);
        self.procedures(c, out);
        self.ncci(c, out);
        self.payer_rules(c, first_dos, out);
    }

    fn structure(&self, c: &Claim, first_dos: Date, out: &mut Vec<Finding>) {
        let is_p = c.kind == ClaimKind::Professional;
        // Total charge.
        let sum: rcm_claims::Money = c.lines.iter().map(|l| l.charge).sum();
        if sum != c.total_charge {
            out.push(
                Finding::new(
                    "structure.total-mismatch",
                    Category::Structure,
                    Severity::Error,
                    format!(
                        "the total charge {} is not the sum of the line charges {}",
                        c.total_charge, sum
                    ),
                )
                .field("total_charge")
                .next(format!("set the total charge to {sum}")),
            );
        }
        let person = c.patient_person();
        if let Some(zip) = Some(&c.billing_provider.address.zip).filter(|z| z.len() != 9) {
            out.push(
                Finding::new(
                    "structure.billing-zip",
                    Category::Structure,
                    Severity::Error,
                    format!(
                        "the billing provider ZIP code has {} digits; 837 claims need the 9-digit ZIP+4",
                        zip.len()
                    ),
                )
                .field("billing_provider.address.zip")
                .next("add the 4-digit extension (USPS lookup)"),
            );
        }
        if let Some(p) = &c.patient
            && !matches!(
                p.relationship.as_str(),
                "01" | "19" | "20" | "21" | "39" | "40" | "53" | "G8"
            )
        {
            out.push(
                Finding::new(
                    "structure.relationship-invalid",
                    Category::Structure,
                    Severity::Error,
                    format!(
                        "patient relationship {:?} is not a 5010 code (01 spouse, 19 child, 20 employee, 21 unknown, 39, 40, 53, G8); when the patient is the subscriber leave \"patient\" out",
                        p.relationship
                    ),
                )
                .field("patient.relationship"),
            );
        }
        for (i, p) in std::iter::once(&c.payer)
            .chain(c.other_payers.iter().map(|o| &o.payer))
            .enumerate()
        {
            if !FILING_INDICATORS.contains(&p.filing_indicator.as_str()) {
                out.push(
                    Finding::new(
                        "structure.filing-indicator-invalid",
                        Category::Structure,
                        Severity::Error,
                        format!(
                            "claim filing indicator {:?} is not a 5010 code (MB Medicare Part B, MC Medicaid, CI commercial, BL Blue Cross, HM HMO…)",
                            p.filing_indicator
                        ),
                    )
                    .field(format!("payers[{i}].filing_indicator")),
                );
            }
        }
        // Coordination of benefits.
        if c.payer.responsibility != rcm_claims::model::Responsibility::Primary
            && c.other_payers.is_empty()
        {
            out.push(
                Finding::new(
                    "structure.cob-missing",
                    Category::Structure,
                    Severity::Error,
                    format!(
                        "the claim is billed to the {} payer but no other payer is listed",
                        c.payer.responsibility.label()
                    ),
                )
                .field("payers")
                .next("add the primary payer with what it paid and its adjustments (from its 835)"),
            );
        }
        for (i, o) in c.other_payers.iter().enumerate() {
            if let Some(paid) = o.paid {
                // Claim-level CAS and the CAS of that payer's line adjudications (2430).
                let adjusted: rcm_claims::Money = o
                    .adjustments
                    .iter()
                    .chain(
                        c.lines
                            .iter()
                            .flat_map(|l| &l.adjudications)
                            .filter(|a| a.payer_id == o.payer.payer_id)
                            .flat_map(|a| &a.adjustments),
                    )
                    .map(|a| a.amount)
                    .sum();
                if paid + adjusted != c.total_charge {
                    out.push(
                        Finding::new(
                            "structure.cob-unbalanced",
                            Category::Structure,
                            Severity::Error,
                            format!(
                                "{} paid {paid} and adjusted {adjusted}: together {} but the claim charge is {}",
                                o.payer.name,
                                paid + adjusted,
                                c.total_charge
                            ),
                        )
                        .field(format!("payers[{}].adjustments", i + 1))
                        .next("copy the paid amount and every CAS adjustment from that payer's 835"),
                    );
                }
            }
        }
        for (n, l) in c.lines.iter().enumerate() {
            for (j, a) in l.adjudications.iter().enumerate() {
                let adjusted: rcm_claims::Money = a.adjustments.iter().map(|x| x.amount).sum();
                if a.paid + adjusted != l.charge {
                    out.push(
                        Finding::new(
                            "structure.cob-unbalanced",
                            Category::Structure,
                            Severity::Error,
                            format!(
                                "line {}: payer {} paid {} and adjusted {adjusted}: together {} but the line charge is {}",
                                n + 1,
                                a.payer_id,
                                a.paid,
                                a.paid + adjusted,
                                l.charge
                            ),
                        )
                        .field(format!("lines[{n}].adjudications[{j}]"))
                        .next("copy the line's paid amount and every CAS adjustment from that payer's 835"),
                    );
                }
            }
        }
        // Frequency.
        match rcm_codes::hcpcs::pos::claim_frequency(&c.frequency.to_string()) {
            None => out.push(
                Finding::new(
                    "structure.frequency-invalid",
                    Category::Structure,
                    Severity::Error,
                    format!("claim frequency {} is not a claim frequency code (1 original, 7 replacement, 8 void)", c.frequency),
                )
                .field("frequency"),
            ),
            Some(f) if f.refers_to_prior_claim() && c.original_claim_reference.is_none() => out.push(
                Finding::new(
                    "structure.original-reference-missing",
                    Category::Structure,
                    Severity::Error,
                    format!("frequency {} replaces or voids a claim, but the original claim's payer number is missing", c.frequency),
                )
                .field("original_claim_reference")
                .next("enter the payer claim control number from the 835 or 277CA of the original claim"),
            ),
            _ => {}
        }
        // Place of service.
        let pos_check =
            |p: rcm_claims::PlaceOfService, dos: Date, field: String, out: &mut Vec<Finding>| {
                let code = p.to_string();
                match rcm_codes::hcpcs::pos::place_of_service(&code) {
                    Some(x) if x.is_valid_on(dos) => {}
                    Some(x) if !x.is_assigned() => out.push(
                        Finding::new(
                            "structure.pos-invalid",
                            Category::Structure,
                            Severity::Error,
                            format!("place of service {code} is not assigned by CMS"),
                        )
                        .field(field),
                    ),
                    Some(x) => out.push(
                        Finding::new(
                            "structure.pos-invalid",
                            Category::Structure,
                            Severity::Error,
                            format!(
                                "place of service {code} ({}) was not in effect on {dos}",
                                x.name
                            ),
                        )
                        .field(field),
                    ),
                    None => out.push(
                        Finding::new(
                            "structure.pos-invalid",
                            Category::Structure,
                            Severity::Error,
                            format!("place of service {code} does not exist"),
                        )
                        .field(field),
                    ),
                }
            };
        if let Some(p) = c.place_of_service {
            pos_check(p, first_dos, "place_of_service".into(), out);
        }
        // Coverage and dates.
        let birth = person.birth_date;
        let ndx = c.diagnoses.len();
        for (i, l) in c.lines.iter().enumerate() {
            let lp = format!("lines[{i}]");
            let dos = l.date_of_service;
            if dos > self.today {
                out.push(
                    Finding::new(
                        "structure.future-date",
                        Category::Structure,
                        Severity::Error,
                        format!("line {} date of service {dos} is in the future", i + 1),
                    )
                    .field(format!("{lp}.date_of_service"))
                    .next("bill services after they are rendered"),
                );
            }
            if let Some(end) = l.date_of_service_end
                && end < dos
            {
                out.push(
                    Finding::new(
                        "structure.dates-reversed",
                        Category::Structure,
                        Severity::Error,
                        format!("line {} ends ({end}) before it starts ({dos})", i + 1),
                    )
                    .field(format!("{lp}.date_of_service_end")),
                );
            }
            if let Some(b) = birth
                && dos < b
            {
                out.push(
                    Finding::new(
                        "structure.before-birth",
                        Category::Structure,
                        Severity::Error,
                        format!(
                            "line {} date of service {dos} is before the patient's birth date",
                            i + 1
                        ),
                    )
                    .field(format!("{lp}.date_of_service"))
                    .field("patient.birth_date")
                    .next("check the date of service and the birth date"),
                );
            }
            if let Some(start) = c.payer.coverage_start
                && dos < start
            {
                out.push(
                    Finding::new("structure.outside-coverage", Category::Structure, Severity::Error, format!("line {} date of service {dos} is before the coverage started ({start})", i + 1))
                        .field(format!("{lp}.date_of_service"))
                        .field("payers[0].coverage_start")
                        .next("verify eligibility for that date; bill the payer that covered it"),
                );
            }
            if let Some(end) = c.payer.coverage_end
                && dos > end
            {
                out.push(
                    Finding::new(
                        "structure.outside-coverage",
                        Category::Structure,
                        Severity::Error,
                        format!(
                            "line {} date of service {dos} is after the coverage ended ({end})",
                            i + 1
                        ),
                    )
                    .field(format!("{lp}.date_of_service"))
                    .field("payers[0].coverage_end")
                    .next("verify eligibility for that date; bill the payer that covered it"),
                );
            }
            if let Some(inst) = &c.institutional
                && (dos < inst.statement_from || dos > inst.statement_to)
            {
                out.push(
                    Finding::new("structure.outside-statement", Category::Structure, Severity::Warning, format!("line {} date of service {dos} is outside the statement period {} to {}", i + 1, inst.statement_from, inst.statement_to))
                        .field(format!("{lp}.date_of_service")),
                );
            }
            if l.units.thousandths() <= 0 {
                out.push(
                    Finding::new(
                        "structure.units-not-positive",
                        Category::Structure,
                        Severity::Error,
                        format!(
                            "line {} has {} units; units must be more than zero",
                            i + 1,
                            l.units
                        ),
                    )
                    .field(format!("{lp}.units")),
                );
            }
            if l.charge.cents() <= 0 {
                out.push(
                    Finding::new(
                        "structure.charge-not-positive",
                        Category::Structure,
                        Severity::Error,
                        format!(
                            "line {} charge is {}; a billed line needs a charge above zero",
                            i + 1,
                            l.charge
                        ),
                    )
                    .field(format!("{lp}.charge"))
                    .next("enter the practice's fee for the service"),
                );
            }
            if let Some(p) = l.place_of_service {
                pos_check(p, dos, format!("{lp}.place_of_service"), out);
            }
            if is_p {
                if l.diagnosis_pointers.is_empty() {
                    out.push(
                        Finding::new(
                            "structure.pointer-missing",
                            Category::Structure,
                            Severity::Error,
                            format!("line {} points to no diagnosis", i + 1),
                        )
                        .field(format!("{lp}.diagnosis_pointers"))
                        .next(
                            "point the line to the diagnosis that justifies it (1 for the first)",
                        ),
                    );
                }
                for (k, p) in l.diagnosis_pointers.iter().enumerate() {
                    if *p == 0 || usize::from(*p) > ndx {
                        out.push(
                            Finding::new(
                                "structure.pointer-invalid",
                                Category::Structure,
                                Severity::Error,
                                format!(
                                    "line {} points to diagnosis {p}, but the claim has {ndx}",
                                    i + 1
                                ),
                            )
                            .field(format!("{lp}.diagnosis_pointers[{k}]"))
                            .next(format!("use a pointer from 1 to {ndx}")),
                        );
                    }
                }
            }
            if let Some(proc_) = l.procedure
                && proc_.as_str().starts_with('J')
                && l.drug.is_none()
            {
                out.push(
                    Finding::new("structure.ndc-missing", Category::Structure, Severity::Warning, format!("line {} bills drug {} without its NDC; Medicaid and many payers deny drug lines without one", i + 1, proc_))
                        .field(format!("{lp}.ndc"))
                        .next("add the 11-digit NDC of the vial used (5-4-2)"),
                );
            }
            // Lines are few: compare with the earlier ones instead of hashing.
            if let Some(first) = c.lines[..i].iter().position(|o| {
                o.procedure == l.procedure
                    && o.revenue_code == l.revenue_code
                    && o.date_of_service == dos
                    && o.modifiers == l.modifiers
            }) {
                out.push(
                    Finding::new(
                        "structure.duplicate-line",
                        Category::Structure,
                        Severity::Warning,
                        format!(
                            "line {} repeats line {} ({} on {dos}); payers deny exact duplicates (CARC 18)",
                            i + 1,
                            first + 1,
                            l.procedure
                                .map(|p| p.to_string())
                                .or(l.revenue_code.map(|r| r.to_string()))
                                .unwrap_or_default()
                        ),
                    )
                    .field(lp.clone())
                    .next("combine the units on one line, or append 76, 77 or 91 if the service was really repeated"),
                );
            }
        }
        if let Some(inst) = &c.institutional
            && inst.statement_to < inst.statement_from
        {
            out.push(
                Finding::new(
                    "structure.dates-reversed",
                    Category::Structure,
                    Severity::Error,
                    format!(
                        "the statement period ends ({}) before it starts ({})",
                        inst.statement_to, inst.statement_from
                    ),
                )
                .field("institutional.statement_to"),
            );
        }
    }

    fn diagnoses(&self, c: &Claim, dos: Date, out: &mut Vec<Finding>) {
        let Some(version) = self.icd10cm.iter().rposition(|v| v.effective <= dos) else {
            out.push(
                Finding::new(
                    "code.icd10cm.no-version",
                    Category::CodeValidity,
                    Severity::Error,
                    format!("no ICD-10-CM version in effect on {dos} is imported, so the diagnoses could not be checked"),
                )
                .field("diagnoses")
                .next("import the ICD-10-CM release for that date with `rcm codes import`"),
            );
            return;
        };
        let set = &self.icd10cm[version].set;
        let facts: Vec<Arc<DxFacts>> = c
            .diagnoses
            .iter()
            .map(|d| self.facts(version, set, *d))
            .collect();
        for (i, (d, f)) in c.diagnoses.iter().zip(&facts).enumerate() {
            let field = format!("diagnoses[{i}]");
            if let Some((id, msg, next)) = &f.invalid {
                let mut fi = Finding::new(id, Category::CodeValidity, Severity::Error, msg.clone())
                    .field(field.clone());
                if let Some(n) = next {
                    fi = fi.next(n.clone());
                }
                out.push(fi);
                continue;
            }
            // Manifestation codes never first-listed.
            if i == 0 && f.manifestation {
                out.push(
                    Finding::new(
                        "convention.manifestation-first",
                        Category::Conventions,
                        Severity::Error,
                        format!("{} {} is a manifestation code: it cannot be the first-listed diagnosis", d, f.title),
                    )
                    .field(field.clone())
                    .next(match &f.code_first {
                        Some(n) => format!("list the underlying condition first ({n}), then {d}"),
                        None => format!("list the underlying condition first, then {d}"),
                    }),
                );
            }
            // Excludes1 with any other diagnosis on the claim (each pair once).
            for (j, other) in c.diagnoses.iter().enumerate() {
                if j == i {
                    continue;
                }
                if let Some(r) = f.excludes1.iter().find(|r| r.matches(other.as_str())) {
                    let reverse = facts[j].excludes1.iter().any(|r| r.matches(d.as_str()));
                    if reverse && j < i {
                        continue;
                    }
                    out.push(
                        Finding::new(
                            "convention.excludes1",
                            Category::Conventions,
                            Severity::Error,
                            format!(
                                "{d} {} has an Excludes1 note for {} ({}): the two are never coded together",
                                f.title,
                                r.display(),
                                other
                            ),
                        )
                        .field(field.clone())
                        .field(format!("diagnoses[{j}]"))
                        .next("keep the one the documentation supports; both only if the conditions are unrelated (guideline I.A.12.a exception), with documentation"),
                    );
                }
            }
            // Use additional code: a partner the note names is missing.
            if !f.use_additional.is_empty()
                && !c
                    .diagnoses
                    .iter()
                    .enumerate()
                    .any(|(j, o)| j != i && f.use_additional.iter().any(|r| r.matches(o.as_str())))
            {
                // A code can be named by several inherited notes: list each once.
                let mut named: Vec<String> = Vec::with_capacity(4);
                for r in &f.use_additional {
                    let shown = r.display();
                    if !named.contains(&shown) {
                        named.push(shown);
                        if named.len() == 4 {
                            break;
                        }
                    }
                }
                out.push(
                    Finding::new(
                        "convention.use-additional",
                        Category::Conventions,
                        Severity::Warning,
                        format!("{d} has a \"use additional code\" note ({}), and none of those codes is on the claim", named.join(", ")),
                    )
                    .field(field.clone())
                    .next("add the additional code when the documentation supports it"),
                );
            }
            // Sex.
            let person = c.patient_person();
            if let (Some(rule), Some(sex)) = (&f.sex, person.sex)
                && sex != Sex::Unknown
                && sex != rule.sex
            {
                out.push(
                    Finding::new(
                        "patient.sex",
                        Category::Patient,
                        if rule.from_block {
                            Severity::Error
                        } else {
                            Severity::Warning
                        },
                        format!(
                            "{d} {} is for {} patients ({}); the patient's sex is {}",
                            f.title,
                            if rule.sex == Sex::Male {
                                "male"
                            } else {
                                "female"
                            },
                            rule.source,
                            sex.code()
                        ),
                    )
                    .field(field.clone())
                    .field(if c.patient.is_some() {
                        "patient.sex"
                    } else {
                        "subscriber.sex"
                    })
                    .next("check the patient's sex and the code; correct whichever is wrong"),
                );
            }
            // Age.
            // A negative age is a birth date after the service, reported once as such.
            if let (Some(rule), Some(age)) = (age_rule(d.as_str()), c.patient_age_on(dos))
                && age >= 0
                && (age < rule.min_years || age > rule.max_years)
            {
                out.push(
                    Finding::new(
                        rule.id,
                        Category::Patient,
                        Severity::Warning,
                        format!("{d} is {}; the patient is {age} on {dos}", rule.what),
                    )
                    .field(field.clone())
                    .field(if c.patient.is_some() {
                        "patient.birth_date"
                    } else {
                        "subscriber.birth_date"
                    })
                    .next("check the birth date and the code"),
                );
            }
            // Unspecified side while a line says which side.
            if let Some(lat) = &f.laterality {
                for (k, l) in c.lines.iter().enumerate() {
                    if !l
                        .diagnosis_pointers
                        .contains(&(u8::try_from(i + 1).unwrap_or(0)))
                    {
                        continue;
                    }
                    let better = if l.has_modifier("RT") {
                        lat.right.as_ref().map(|c| ("RT", c))
                    } else if l.has_modifier("LT") {
                        lat.left.as_ref().map(|c| ("LT", c))
                    } else if l.has_modifier("50") {
                        lat.bilateral.as_ref().map(|c| ("50", c))
                    } else {
                        None
                    };
                    if let Some((m, code)) = better {
                        out.push(
                            Finding::new(
                                "convention.unspecified-side",
                                Category::Conventions,
                                Severity::Warning,
                                format!("{d} {} leaves the side unspecified, but line {} carries modifier {m}", f.title, k + 1),
                            )
                            .field(field.clone())
                            .field(format!("lines[{k}].modifiers"))
                            .next(format!("code the side: {code}")),
                        );
                        break;
                    }
                }
            }
        }
        if let Some(inst) = &c.institutional
            && let Some(a) = inst.admitting_diagnosis
        {
            let f = self.facts(version, set, a);
            if let Some((id, msg, next)) = &f.invalid {
                let mut fi = Finding::new(id, Category::CodeValidity, Severity::Error, msg.clone())
                    .field("institutional.admitting_diagnosis");
                if let Some(n) = next {
                    fi = fi.next(n.clone());
                }
                out.push(fi);
            }
        }
    }

    fn procedures(&self, c: &Claim, out: &mut Vec<Finding>) {
        for (i, l) in c.lines.iter().enumerate() {
            let Some(p) = l.procedure else { continue };
            let dos = l.date_of_service;
            let field = format!("lines[{i}].procedure");
            match p.kind() {
                Some(ProcedureKind::HcpcsLevelII) => {
                    let Some(set) = in_effect(&self.hcpcs, dos) else {
                        continue;
                    };
                    match set.validate(p.as_str(), dos) {
                        HcpcsValidity::Valid(_) | HcpcsValidity::NotLevelII { .. } => {}
                        HcpcsValidity::Unknown { nearest, .. } => {
                            let near: Vec<&str> = nearest.iter().take(3).map(|c| c.code.as_str()).collect();
                            let mut f = Finding::new("code.hcpcs.unknown", Category::CodeValidity, Severity::Error, format!("HCPCS {p} is not in the HCPCS file in effect on {dos}")).field(field);
                            if !near.is_empty() {
                                f = f.next(format!("check the code; nearest: {}", near.join(", ")));
                            }
                            out.push(f);
                        }
                        HcpcsValidity::Terminated { last_day, .. } => out.push(
                            Finding::new("code.hcpcs.not-in-effect", Category::CodeValidity, Severity::Error, format!("HCPCS {p} was discontinued: its last day was {last_day}, before the date of service {dos}"))
                                .field(field)
                                .next("use the code that replaced it (see the HCPCS file's action code)"),
                        ),
                        HcpcsValidity::NotYetEffective { effective, .. } => out.push(
                            Finding::new("code.hcpcs.not-in-effect", Category::CodeValidity, Severity::Error, format!("HCPCS {p} takes effect on {effective}, after the date of service {dos}"))
                                .field(field),
                        ),
                    }
                }
                Some(_) => {
                    let Some(set) = in_effect(&self.cpt, dos) else {
                        continue;
                    };
                    if set.lookup(p.as_str()).is_none() {
                        out.push(
                            Finding::new(
                                "code.cpt.unknown",
                                Category::CodeValidity,
                                Severity::Error,
                                format!(
                                    "CPT {p} is not in the licensed CPT file in effect on {dos}"
                                ),
                            )
                            .field(field)
                            .next("check the code against the current CPT book"),
                        );
                    }
                }
                None => {}
            }
        }
        if let Some(inst) = &c.institutional {
            for (i, p) in inst.procedures.iter().enumerate() {
                let Some(set) = in_effect(&self.pcs, p.date) else {
                    continue;
                };
                if !set.is_valid(p.code.as_str()) {
                    out.push(
                        Finding::new("code.icd10pcs.invalid", Category::CodeValidity, Severity::Error, format!("ICD-10-PCS {} is not a valid code in the tables in effect on {}", p.code, p.date))
                            .field(format!("institutional.procedures[{i}].code"))
                            .next("build the code from its table row: `rcm codes lookup --system icd10pcs`"),
                    );
                }
            }
        }
    }

    fn ncci(&self, c: &Claim, out: &mut Vec<Finding>) {
        let Some(ncci) = &self.ncci else { return };
        let (ptp_setting, mue_setting) = match (&c.institutional, c.kind) {
            (None, ClaimKind::Professional) => (PtpSetting::Practitioner, MueSetting::Practitioner),
            (Some(i), ClaimKind::Institutional) if i.type_of_bill.is_outpatient() => (
                PtpSetting::OutpatientHospital,
                MueSetting::OutpatientHospital,
            ),
            _ => return,
        };
        let lines = &c.lines;
        let Some(first) = c.first_date_of_service() else {
            return;
        };
        let has_ptp = ncci.answers(ptp_setting.table(), first);
        let has_mue = ncci.answers(mue_setting.table(), first);
        // PTP: every ordered pair of lines on the same date of service.
        for (i, a) in lines.iter().enumerate() {
            let Some(pa) = a.procedure else { continue };
            if !has_ptp {
                break;
            }
            for (j, b) in lines.iter().enumerate() {
                if i == j || a.date_of_service != b.date_of_service {
                    continue;
                }
                let Some(pb) = b.procedure else { continue };
                if pa == pb {
                    continue;
                }
                let Ok(Some(edit)) =
                    ncci.ptp(ptp_setting, pa.as_str(), pb.as_str(), a.date_of_service)
                else {
                    continue;
                };
                let bypassed = a
                    .modifiers
                    .iter()
                    .chain(&b.modifiers)
                    .any(|m| is_ncci_associated_modifier(m.as_str()));
                let (severity_fires, next) = match edit.modifier_indicator {
                    ModifierIndicator::NotAllowed => (
                        true,
                        format!(
                            "remove {pb} (line {}): it is never paid with {pa}, and no modifier bypasses this edit",
                            j + 1
                        ),
                    ),
                    ModifierIndicator::Allowed if !bypassed => (
                        true,
                        format!(
                            "if {pb} was a distinct service (different site, session or encounter), append 59 or XE/XS/XP/XU to line {} and document it; otherwise remove it",
                            j + 1
                        ),
                    ),
                    _ => (false, String::new()),
                };
                if severity_fires {
                    out.push(
                        Finding::new(
                            "ncci.ptp",
                            Category::NcciPtp,
                            Severity::Error,
                            format!(
                                "NCCI {} edit {pa} / {pb} (modifier indicator {}, {}): {pb} on line {} is not paid with {pa} on line {} on {}",
                                ptp_setting_label(ptp_setting),
                                edit.modifier_indicator.digit(),
                                edit.rationale,
                                j + 1,
                                i + 1,
                                a.date_of_service
                            ),
                        )
                        .field(format!("lines[{j}].procedure"))
                        .field(format!("lines[{j}].modifiers"))
                        .next(next),
                    );
                }
            }
        }
        // MUE: per line, or per date of service summed over the claim's lines.
        // (code, date) → units so far; a claim has few lines, a vector beats a map.
        let mut per_day: Vec<((rcm_claims::ProcedureCode, Date), (i64, usize))> = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if !has_mue {
                break;
            }
            let Some(p) = l.procedure else { continue };
            let Ok(Some(mue)) = ncci.mue(mue_setting, p.as_str(), l.date_of_service) else {
                continue;
            };
            let units = l.units.whole_ceil();
            match mue.indicator {
                MueIndicator::Line => {
                    if units > i64::from(mue.max_units) {
                        out.push(
                            Finding::new("mue.line", Category::Mue, Severity::Error, format!("line {} bills {units} units of {p}; the MUE allows {} per line ({})", i + 1, mue.max_units, mue.rationale))
                                .field(format!("lines[{i}].units"))
                                .next(format!("bill at most {} units on the line; if more were medically necessary, split them over lines with an anatomic modifier or 59/XU as the payer requires, with documentation", mue.max_units)),
                        );
                    }
                }
                MueIndicator::DateOfServicePolicy | MueIndicator::DateOfServiceClinical => {
                    let key = (p, l.date_of_service);
                    let at = match per_day.iter().position(|(k, _)| *k == key) {
                        Some(at) => at,
                        None => {
                            per_day.push((key, (0, i)));
                            per_day.len() - 1
                        }
                    };
                    let e = &mut per_day[at].1;
                    e.0 += units;
                    e.1 = i;
                    if e.0 > i64::from(mue.max_units) && e.0 - units <= i64::from(mue.max_units) {
                        let policy = mue.indicator == MueIndicator::DateOfServicePolicy;
                        out.push(
                            Finding::new(
                                "mue.date-of-service",
                                Category::Mue,
                                Severity::Error,
                                format!("{} units of {p} on {}: the MUE allows {} per date of service ({}, {})", e.0, l.date_of_service, mue.max_units, mue.indicator.label(), mue.rationale),
                            )
                            .field(format!("lines[{i}].units"))
                            .next(if policy {
                                format!("bill at most {} units for the day: a policy MUE is not paid above it, even on appeal", mue.max_units)
                            } else {
                                format!("bill at most {} units for the day, or keep the documentation of medical necessity for an appeal", mue.max_units)
                            }),
                        );
                    }
                }
            }
        }
    }

    fn payer_rules(&self, c: &Claim, dos: Date, out: &mut Vec<Finding>) {
        if self.rules.is_empty() {
            return;
        }
        let person = c.patient_person();
        // The closed list of `rules::fields::REQUIRED_FIELDS`; the line-level ones (ndc,
        // revenue_code, diagnosis_pointer) are read from each `RuleLine` by the rules.
        let present = |name: &str| -> bool {
            match name {
                "prior_authorization" => c.prior_authorization.is_some(),
                "referring_provider" => c.referring_provider.is_some(),
                "original_claim_reference" => c.original_claim_reference.is_some(),
                "rendering_provider" => {
                    c.rendering_provider.is_some()
                        || c.lines.iter().all(|l| l.rendering_provider.is_some())
                }
                "onset_date" => c.onset_date.is_some(),
                "patient_birth_date" => person.birth_date.is_some(),
                "group_number" => !c.subscriber.group_number.is_empty(),
                "other_payer" => !c.other_payers.is_empty(),
                "attending_provider" => c
                    .institutional
                    .as_ref()
                    .is_some_and(|i| i.attending_provider.is_some()),
                "admission_date" => c
                    .institutional
                    .as_ref()
                    .is_some_and(|i| i.admission_date.is_some()),
                "ndc" => c.lines.iter().all(|l| l.drug.is_some()),
                "revenue_code" => c.lines.iter().all(|l| l.revenue_code.is_some()),
                "diagnosis_pointer" => c.lines.iter().all(|l| !l.diagnosis_pointers.is_empty()),
                // Names are checked against the closed list when the rules load.
                _ => true,
            }
        };
        let rendering = c.rendering_provider.as_ref();
        let view = RuleClaim {
            kind: match c.kind {
                ClaimKind::Professional => ClaimKindView::Professional,
                ClaimKind::Institutional => ClaimKindView::Institutional,
            },
            payer_id: &c.payer.payer_id,
            payer_name: &c.payer.name,
            place_of_service: c.place_of_service.map(pos_str).unwrap_or(""),
            frequency: freq_str(c.frequency),
            billing_npi: c.billing_provider.npi.as_str(),
            billing_taxonomy: &c.billing_provider.taxonomy,
            rendering_npi: rendering.map(|r| r.npi.as_str()).unwrap_or(""),
            rendering_taxonomy: rendering.map(|r| r.taxonomy.as_str()).unwrap_or(""),
            patient_age_years: c.patient_age_on(dos).and_then(|a| u32::try_from(a).ok()),
            patient_sex: person.sex.map(|s| match s {
                Sex::Female => 'F',
                Sex::Male => 'M',
                Sex::Unknown => 'U',
            }),
            diagnoses: c.diagnoses.iter().map(|d| d.as_str()).collect(),
            total_charge_cents: c.total_charge.cents(),
            first_date_of_service: dos,
            fields_present: &present,
            lines: c
                .lines
                .iter()
                .map(|l| RuleLine {
                    procedure: l.procedure.as_ref().map(|p| p.as_str()).unwrap_or(""),
                    modifiers: l.modifiers.iter().map(|m| m.as_str()).collect(),
                    units_thousandths: l.units.thousandths(),
                    charge_cents: l.charge.cents(),
                    place_of_service: l
                        .place_of_service
                        .or(c.place_of_service)
                        .map(pos_str)
                        .unwrap_or(""),
                    rendering_npi: l
                        .rendering_provider
                        .as_ref()
                        .or(rendering)
                        .map(|r| r.npi.as_str())
                        .unwrap_or(""),
                    date_of_service: l.date_of_service,
                    diagnosis_pointers: l.diagnosis_pointers.clone(),
                    ndc: l.drug.as_ref().map(|d| d.ndc.as_str()).unwrap_or(""),
                    revenue_code: l.revenue_code.as_ref().map(|r| r.as_str()).unwrap_or(""),
                })
                .collect(),
        };
        let mut hits = Vec::new();
        self.rules.evaluate(&view, &mut hits);
        for h in hits {
            out.push(Finding {
                id: h.rule_id.into(),
                category: Category::PayerRule,
                severity: match h.severity {
                    RuleSeverity::Error => Severity::Error,
                    RuleSeverity::Warning => Severity::Warning,
                    RuleSeverity::Hold => Severity::Hold,
                    RuleSeverity::Info => Severity::Info,
                },
                message: h.message,
                fields: h.fields.into_iter().map(Cow::Owned).collect(),
                next_step: h.next_step.map(Cow::Owned),
            });
        }
    }
}

fn ptp_setting_label(s: PtpSetting) -> &'static str {
    match s {
        PtpSetting::Practitioner => "practitioner PTP",
        PtpSetting::OutpatientHospital => "hospital outpatient PTP",
    }
}

/// Two-digit place of service as a static string (no allocation per claim).
fn pos_str(p: rcm_claims::PlaceOfService) -> &'static str {
    static CODES: [&str; 100] = {
        let mut a = [""; 100];
        let digits = [
            "00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13",
            "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27",
            "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "40", "41",
            "42", "43", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53", "54", "55",
            "56", "57", "58", "59", "60", "61", "62", "63", "64", "65", "66", "67", "68", "69",
            "70", "71", "72", "73", "74", "75", "76", "77", "78", "79", "80", "81", "82", "83",
            "84", "85", "86", "87", "88", "89", "90", "91", "92", "93", "94", "95", "96", "97",
            "98", "99",
        ];
        let mut i = 0;
        while i < 100 {
            a[i] = digits[i];
            i += 1;
        }
        a
    };
    CODES[usize::from(p.number()).min(99)]
}

fn freq_str(f: char) -> &'static str {
    match f {
        '0' => "0",
        '1' => "1",
        '2' => "2",
        '3' => "3",
        '4' => "4",
        '5' => "5",
        '6' => "6",
        '7' => "7",
        '8' => "8",
        '9' => "9",
        _ => "",
    }
}

/// SBR09 claim filing indicator codes (5010).
const FILING_INDICATORS: &[&str] = &[
    "11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH", "CI", "DS", "FI", "HM", "LM", "MA",
    "MB", "MC", "OF", "TV", "VA", "WC", "ZZ",
];

fn compute_facts(set: &CodeSet, code: DiagnosisCode) -> DxFacts {
    let input = code.as_str();
    let mut facts = DxFacts {
        invalid: None,
        title: String::new(),
        excludes1: Vec::new(),
        use_additional: Vec::new(),
        manifestation: false,
        code_first: None,
        sex: None,
        laterality: None,
    };
    let found = set.get(code.key());
    let billable = found.as_ref().is_some_and(|c| c.is_billable());
    if !billable {
        let v = set.validate(input);
        let dotted = v.code.clone().unwrap_or_else(|| code.dotted());
        let suggestions: Vec<String> = v
            .suggestions
            .iter()
            .take(5)
            .map(|s| s.code.clone())
            .collect();
        let (id, next) = match v.reason {
            Reason::Billable => ("code.icd10cm.unknown", None),
            Reason::Malformed => ("code.icd10cm.malformed", None),
            Reason::Unknown | Reason::NotInEffect => (
                "code.icd10cm.unknown",
                (!suggestions.is_empty())
                    .then(|| format!("nearest codes: {}", suggestions.join(", "))),
            ),
            Reason::Header => (
                "code.icd10cm.header",
                Some(match v.billable_below {
                    Some(n) => format!(
                        "code to the highest specificity: {n} billable codes below {dotted}, e.g. {}",
                        suggestions.join(", ")
                    ),
                    None => format!("code to the highest specificity below {dotted}"),
                }),
            ),
            Reason::MissingSeventh => (
                "code.icd10cm.seventh-missing",
                Some(format!(
                    "{dotted} needs a 7th character: {}",
                    v.allowed_seventh
                        .iter()
                        .map(|s| format!("{} {}", s.character, s.meaning))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
            Reason::InvalidSeventh => (
                "code.icd10cm.seventh-invalid",
                Some(format!(
                    "use one of the 7th characters {dotted} allows: {}",
                    v.allowed_seventh
                        .iter()
                        .map(|s| s.character.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
            Reason::MissingPlaceholder => (
                "code.icd10cm.placeholder-missing",
                Some(format!(
                    "write it with the placeholder X: {}",
                    suggestions.first().cloned().unwrap_or_default()
                )),
            ),
        };
        facts.invalid = Some((id, v.message.clone(), next));
        return facts;
    }
    let Some(c) = found else { return facts };
    facts.title = c.title();
    let node = c.node();
    for note in node.notes() {
        match note.kind {
            NoteKind::Excludes1 => facts.excludes1.extend(code_refs(note.text)),
            NoteKind::UseAdditionalCode => {
                // Chapter- and section-wide notes ("use additional code to identify exposure to
                // tobacco…") and notes for conditions that may or may not be present ("any
                // associated", "if applicable", "if known") are reminders, not missing partners:
                // warning on them would cry wolf on every clean claim.
                let lower = note.text.to_ascii_lowercase();
                // "…to identify the infectious agent (B95-B97)" applies only when the agent
                // is documented, which the claim cannot tell.
                let conditional = [
                    "any associated",
                    "if applicable",
                    "if known",
                    "if present",
                    "if any",
                    "infectious agent",
                ]
                .iter()
                .any(|p| lower.contains(p));
                // The tobacco list (Z77.22, P96.81, Z87.891, Z57.31, F17.-, Z72.0) is repeated
                // under dozens of categories and applies only when tobacco is documented.
                let broad = matches!(note.source.kind(), NodeKind::Chapter | NodeKind::Section)
                    || lower.contains("tobacco");
                if !conditional && !broad {
                    facts.use_additional.extend(code_refs(note.text));
                }
            }
            NoteKind::CodeFirst if facts.code_first.is_none() => {
                facts.code_first = Some(note.text.to_string())
            }
            _ => {}
        }
    }
    // A code's own excludes1 never names itself; drop self-references from inherited notes.
    facts.excludes1.retain(|r| !r.matches(input));
    facts.use_additional.retain(|r| !r.matches(input));
    // Manifestation codes say so in their own or their category's title ("in diseases
    // classified elsewhere", "in other diseases classified elsewhere", F02 dementia).
    facts.manifestation = c.is_manifestation()
        || std::iter::once(node)
            .chain(node.ancestors())
            .take_while(|n| !matches!(n.kind(), NodeKind::Chapter | NodeKind::Section))
            .any(|n| {
                n.title()
                    .to_ascii_lowercase()
                    .contains("diseases classified elsewhere")
            });
    facts.sex = sex_rule(input, &facts.title);
    // Laterality: "unspecified" side with sibling codes naming right and left.
    let title_l = facts.title.to_ascii_lowercase();
    if c.seventh().is_none()
        && title_l.contains("unspecified")
        && let Some(parent) = node.parent()
    {
        let mut lat = Laterality {
            right: None,
            left: None,
            bilateral: None,
        };
        let want = |side: &str| title_l.replacen("unspecified", side, 1);
        for sib in parent.children() {
            let t = sib.title().to_ascii_lowercase();
            if t == want("right") {
                lat.right = Some(format!("{} {}", dotted_code(sib.code()), sib.title()));
            } else if t == want("left") {
                lat.left = Some(format!("{} {}", dotted_code(sib.code()), sib.title()));
            } else if t == want("bilateral") {
                lat.bilateral = Some(format!("{} {}", dotted_code(sib.code()), sib.title()));
            }
        }
        if lat.right.is_some() || lat.left.is_some() {
            facts.laterality = Some(lat);
        }
    }
    facts
}

fn dotted_code(code: &str) -> String {
    if code.len() > 3 && !code.contains('.') {
        format!("{}.{}", &code[..3], &code[3..])
    } else {
        code.to_string()
    }
}

/// What identifies a claim as the same as another: patient, provider, payer, dates and
/// services. A hash, not the values: member ids and names stay out of the map.
fn fingerprint(b: &BuiltClaim) -> Option<u64> {
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};
    let c = b.claim.as_ref()?;
    // Replacements and voids refer to a claim on purpose.
    if c.frequency != '1' {
        return None;
    }
    let mut h = DefaultHasher::new();
    c.billing_provider.npi.hash(&mut h);
    c.subscriber.member_id.hash(&mut h);
    let p = c.patient_person();
    p.last_name.to_ascii_lowercase().hash(&mut h);
    p.first_name.to_ascii_lowercase().hash(&mut h);
    p.birth_date.hash(&mut h);
    c.payer.payer_id.hash(&mut h);
    // Line order does not make a different claim: combine the lines' hashes commutatively.
    let mut lines = 0u64;
    for l in &c.lines {
        let mut lh = DefaultHasher::new();
        (
            l.procedure,
            l.revenue_code,
            l.date_of_service,
            &l.modifiers,
            l.units,
            l.charge,
        )
            .hash(&mut lh);
        lines = lines.wrapping_add(lh.finish());
    }
    lines.hash(&mut h);
    c.lines.len().hash(&mut h);
    Some(h.finish())
}

/// Marks the later of two claims with the same fingerprint.
fn mark_duplicates(reports: &mut [ClaimReport], prints: &[Option<u64>]) {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    for (i, key) in prints.iter().enumerate() {
        let Some(key) = key else { continue };
        match seen.get(key) {
            Some(&first) => {
                let first_pcn = reports[first].patient_control_number.clone();
                if let Some(r) = reports.get_mut(i) {
                    r.findings.insert(
                        0,
                        Finding::new(
                            "structure.duplicate-claim",
                            Category::Structure,
                            Severity::Error,
                            format!("this claim duplicates claim {first_pcn} in the same batch: same patient, provider, payer, dates and services"),
                        )
                        .field("lines")
                        .next("remove one; to correct a claim already sent, use frequency 7 with the original claim number"),
                    );
                }
            }
            None => {
                seen.insert(*key, i);
            }
        }
    }
}

/// The scrubber's verdict on a whole 837 file.
pub struct Scrubbed837 {
    pub reports: Vec<ClaimReport>,
    /// Envelope and transaction problems that kept parts of the file from being read.
    pub file_problems: Vec<String>,
    pub transactions: usize,
}

impl Scrubber {
    /// Reads and scrubs an 837P/837I batch on every core, transaction sets in parallel; the
    /// claims are not kept, only their reports.
    pub fn check_837(&self, bytes: &[u8]) -> Scrubbed837 {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (results, file_problems, transactions) =
            rcm_claims::x12::map_837_claims(bytes, threads, |b| (self.check(&b), fingerprint(&b)));
        let (mut reports, prints): (Vec<ClaimReport>, Vec<Option<u64>>) =
            results.into_iter().unzip();
        for (i, r) in reports.iter_mut().enumerate() {
            r.path = format!("claims[{i}]");
        }
        mark_duplicates(&mut reports, &prints);
        Scrubbed837 {
            reports,
            file_problems,
            transactions,
        }
    }
}
