//! Payer rules: the edits a billing office writes itself, in TOML, without a programmer.
//!
//! A rule has a trigger (payer, claim kind, procedure, modifiers, diagnosis, other
//! procedures on the claim, place of service, providers, patient age and sex, units,
//! charge, frequency code, dates), an action (error, warning, hold, require a modifier or
//! a field, note) and a scope (each service line, or the claim). The file format is
//! documented in `docs/payer-rules.md`; shipped examples are under `examples/rules/`.
//!
//! Loading checks everything once (codes, ranges, money in integer cents, NPIs, dates)
//! and reports every problem of every file at once, with file, line and column.
//! Evaluation runs against [`RuleClaim`], a borrowed view the scrubber fills from its
//! claim: the rules that can apply are picked by payer from a sorted index, every other
//! check compares prepared values, and nothing is allocated unless a rule fires.

mod eval;
pub mod fields;
mod load;
pub mod pattern;

use std::fmt;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use pattern::{CodeMatcher, DiagnosisMatcher};

/// The kind of claim a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimKindView {
    /// 837P / CMS-1500.
    Professional,
    /// 837I / UB-04.
    Institutional,
}

impl ClaimKindView {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKindView::Professional => "professional",
            ClaimKindView::Institutional => "institutional",
        }
    }
}

/// The claim as the rules see it, borrowed from the scrubber's claim.
pub struct RuleClaim<'a> {
    pub kind: ClaimKindView,
    /// The payer billed: its id (as in the 837 NM1*PR) and name.
    pub payer_id: &'a str,
    pub payer_name: &'a str,
    /// "" when absent (institutional).
    pub place_of_service: &'a str,
    /// Claim frequency code: "1" original, "7" replacement, "8" void.
    pub frequency: &'a str,
    pub billing_npi: &'a str,
    pub billing_taxonomy: &'a str,
    pub rendering_npi: &'a str,
    pub rendering_taxonomy: &'a str,
    /// Whole years on the first date of service.
    pub patient_age_years: Option<u32>,
    /// 'F', 'M' or 'U'.
    pub patient_sex: Option<char>,
    /// ICD-10-CM without the dot, upper case, principal first.
    pub diagnoses: Vec<&'a str>,
    pub total_charge_cents: i64,
    pub first_date_of_service: Date,
    /// True when the named claim field (see [`fields::REQUIRED_FIELDS`]) has a value.
    pub fields_present: &'a dyn Fn(&str) -> bool,
    pub lines: Vec<RuleLine<'a>>,
}

/// One service line as the rules see it.
pub struct RuleLine<'a> {
    pub procedure: &'a str,
    pub modifiers: Vec<&'a str>,
    /// Units × 1000 (1.5 units = 1500).
    pub units_thousandths: i64,
    pub charge_cents: i64,
    /// "" when the line takes the claim's.
    pub place_of_service: &'a str,
    /// "" when the line takes the claim's.
    pub rendering_npi: &'a str,
    pub date_of_service: Date,
    /// 1-based pointers into `RuleClaim::diagnoses`.
    pub diagnosis_pointers: Vec<u8>,
    pub ndc: &'a str,
    pub revenue_code: &'a str,
}

/// How serious a rule's finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSeverity {
    /// The payer will deny or reject: fix before sending.
    Error,
    /// Likely a problem: look before sending.
    Warning,
    /// The claim must not be sent until someone has reviewed it.
    Hold,
    /// Information for the biller.
    Info,
}

impl RuleSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSeverity::Error => "error",
            RuleSeverity::Warning => "warning",
            RuleSeverity::Hold => "hold",
            RuleSeverity::Info => "info",
        }
    }
}

/// One finding of a rule on one claim (or one line of it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleHit {
    /// "payer." and the rule's id: "payer.BCBSTX-TELE-95".
    pub rule_id: String,
    pub severity: RuleSeverity,
    /// What is wrong, naming the values involved.
    pub message: String,
    /// Claim paths concerned, the one to fix first: `lines[1].modifiers`, `prior_authorization`.
    pub fields: Vec<String>,
    /// What the biller does next, when there is something to do.
    pub next_step: Option<String>,
    /// The service line (0-based index into `RuleClaim::lines`) for line-scope rules.
    pub line: Option<usize>,
}

/// Where a rule looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Each service line on its own; a finding per matching line.
    Line,
    /// The claim as a whole; one finding per claim.
    Claim,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Line => "line",
            Scope::Claim => "claim",
        }
    }
}

/// What a rule does when its trigger matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    Error,
    Warning,
    Hold,
    RequireModifier,
    RequireField,
    Note,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Error => "error",
            ActionKind::Warning => "warning",
            ActionKind::Hold => "hold",
            ActionKind::RequireModifier => "require_modifier",
            ActionKind::RequireField => "require_field",
            ActionKind::Note => "note",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<ActionKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "error" => ActionKind::Error,
            "warning" => ActionKind::Warning,
            "hold" => ActionKind::Hold,
            "require_modifier" => ActionKind::RequireModifier,
            "require_field" => ActionKind::RequireField,
            "note" => ActionKind::Note,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Action {
    Plain(ActionKind),
    /// Fires when none of these modifiers is on the line.
    RequireModifier(Vec<[u8; 2]>),
    RequireField(&'static fields::RequiredField),
}

/// The trigger, prepared at load. Every key is optional; all given keys must match.
#[derive(Debug, Clone, Default)]
pub(crate) struct Trigger {
    /// Lower case; matched against the payer id and the payer name.
    pub payers: Vec<Box<str>>,
    pub kind: Option<ClaimKindView>,
    pub frequency: Vec<u8>,
    pub procedure: Option<CodeMatcher>,
    pub modifiers_any: Vec<[u8; 2]>,
    pub modifiers_all: Vec<[u8; 2]>,
    pub modifiers_missing: Vec<[u8; 2]>,
    pub diagnosis: Option<DiagnosisMatcher>,
    pub with_procedure: Option<CodeMatcher>,
    pub without_procedure: Option<CodeMatcher>,
    pub place_of_service: Vec<[u8; 2]>,
    pub billing_npi: Vec<Box<str>>,
    pub rendering_npi: Vec<Box<str>>,
    pub provider_npi: Vec<Box<str>>,
    pub billing_taxonomy: Vec<Box<str>>,
    pub rendering_taxonomy: Vec<Box<str>>,
    pub taxonomy: Vec<Box<str>>,
    pub age_min: Option<u32>,
    pub age_max: Option<u32>,
    pub sex: Vec<u8>,
    pub units_min: Option<i64>,
    pub units_max: Option<i64>,
    pub charge_min: Option<i64>,
    pub charge_max: Option<i64>,
    pub revenue_code: Option<CodeMatcher>,
    pub effective: Option<Date>,
    pub until: Option<Date>,
}

/// One loaded rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub(crate) id: String,
    pub(crate) finding_id: String,
    pub(crate) description: String,
    pub(crate) origin: String,
    pub(crate) line: usize,
    pub(crate) scope: Scope,
    pub(crate) action: Action,
    pub(crate) severity: RuleSeverity,
    pub(crate) message: Option<String>,
    pub(crate) next_step: Option<String>,
    pub(crate) trigger: Trigger,
    pub(crate) summary: String,
}

impl Rule {
    /// The id as written in the file.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The id of its findings: "payer." and the id.
    pub fn finding_id(&self) -> &str {
        &self.finding_id
    }
    pub fn description(&self) -> &str {
        &self.description
    }
    pub fn scope(&self) -> Scope {
        self.scope
    }
    pub fn action(&self) -> ActionKind {
        match &self.action {
            Action::Plain(k) => *k,
            Action::RequireModifier(_) => ActionKind::RequireModifier,
            Action::RequireField(_) => ActionKind::RequireField,
        }
    }
    /// The action with its parameter: "require_modifier 95", "require_field prior_authorization".
    pub fn action_detail(&self) -> String {
        match &self.action {
            Action::Plain(k) => k.as_str().to_string(),
            Action::RequireModifier(m) => format!(
                "require_modifier {}",
                m.iter()
                    .map(pattern::modifier_text)
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            Action::RequireField(f) => format!("require_field {}", f.name),
        }
    }
    pub fn severity(&self) -> RuleSeverity {
        self.severity
    }
    /// The file the rule was read from.
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// The line of its `[[rule]]` header (1-based).
    pub fn line(&self) -> usize {
        self.line
    }
    /// The trigger in one line: "payer BCBSTX or 84980; place of service 02, 10; …".
    pub fn trigger_summary(&self) -> &str {
        &self.summary
    }
}

/// A problem in a rules file: where, which rule and key, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The rule's id, or "rule #N" (its place in the file) when it has none.
    pub rule: Option<String>,
    /// The key concerned.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if let Some(r) = &self.rule {
            write!(f, "{r}: ")?;
        }
        if let Some(k) = &self.key {
            write!(f, "{k}: ")?;
        }
        f.write_str(&self.message)
    }
}

fn list_problems(problems: &[Problem]) -> String {
    let n = problems.len();
    let mut s = format!(
        "{n} problem{} in the payer rules",
        if n == 1 { "" } else { "s" }
    );
    for p in problems {
        s.push('\n');
        s.push_str(&p.to_string());
    }
    s
}

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// Every problem found in the files, in file and line order.
    #[error("{}", list_problems(.0))]
    Problems(Vec<Problem>),
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: no rule files (*.toml) in this directory", path.display())]
    NoRuleFiles { path: PathBuf },
}

impl RulesError {
    pub fn problems(&self) -> &[Problem] {
        match self {
            RulesError::Problems(p) => p,
            _ => &[],
        }
    }
}

/// The loaded rules of one or more files, indexed by payer.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// Lower-case payer id or name → the rules naming it, in rule order; sorted by key.
    by_payer: Vec<(Box<str>, Vec<u32>)>,
    /// Rules without a payer trigger, in rule order.
    any_payer: Vec<u32>,
}

/// Files bigger than this are not rule files.
const MAX_FILE: u64 = 16 << 20;

impl RuleSet {
    /// Reads one rules document. `origin` names it in problems (a file name).
    pub fn from_toml_str(origin: &str, text: &str) -> Result<RuleSet, RulesError> {
        let mut rules = Vec::new();
        let mut ids = Vec::new();
        let mut problems = Vec::new();
        load::parse_document(origin, text, &mut rules, &mut ids, &mut problems);
        RuleSet::build(rules, &ids, problems)
    }

    /// Reads rule files, and every `*.toml` file directly inside a directory (in name
    /// order), into one rule set. Rule ids are unique across all of them.
    pub fn load(paths: &[PathBuf]) -> Result<RuleSet, RulesError> {
        let mut files = Vec::new();
        for p in paths {
            let meta = std::fs::metadata(p).map_err(|source| RulesError::Read {
                path: p.clone(),
                source,
            })?;
            if meta.is_dir() {
                let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                    .map_err(|source| RulesError::Read {
                        path: p.clone(),
                        source,
                    })?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|f| {
                        f.extension().is_some_and(|x| x == "toml")
                            && f.file_name()
                                .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
                            && f.is_file()
                    })
                    .collect();
                if found.is_empty() {
                    return Err(RulesError::NoRuleFiles { path: p.clone() });
                }
                found.sort();
                files.extend(found);
            } else {
                files.push(p.clone());
            }
        }
        let mut rules = Vec::new();
        let mut ids = Vec::new();
        let mut problems = Vec::new();
        for f in &files {
            let origin = f.display().to_string();
            let bytes = read_capped(f)?;
            match std::str::from_utf8(&bytes) {
                Ok(text) => {
                    load::parse_document(&origin, text, &mut rules, &mut ids, &mut problems);
                }
                Err(e) => {
                    let good = &bytes[..e.valid_up_to()];
                    let line = good.iter().filter(|b| **b == b'\n').count() + 1;
                    let start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                    let column = String::from_utf8_lossy(&good[start..]).chars().count() + 1;
                    problems.push(Problem {
                        file: origin,
                        line,
                        column,
                        rule: None,
                        key: None,
                        message: "the file is not UTF-8 text: save it as UTF-8 (plain text)".into(),
                    });
                }
            }
        }
        RuleSet::build(rules, &ids, problems)
    }

    fn build(
        rules: Vec<Rule>,
        ids: &[load::SeenId],
        mut problems: Vec<Problem>,
    ) -> Result<RuleSet, RulesError> {
        // Ids are unique across every file, ignoring case; each repeat is reported
        // with the place of the first.
        let mut order: Vec<(String, usize)> = ids
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.to_ascii_lowercase(), i))
            .collect();
        order.sort();
        for w in order.windows(2) {
            if w[0].0 == w[1].0 {
                let first = order
                    .iter()
                    .find(|(k, _)| *k == w[0].0)
                    .map_or(w[0].1, |x| x.1);
                let (first, dup) = (&ids[first], &ids[w[1].1]);
                problems.push(Problem {
                    file: dup.file.clone(),
                    line: dup.line,
                    column: dup.column,
                    rule: Some(dup.id.clone()),
                    key: Some("id".into()),
                    message: format!(
                        "the id \"{}\" is already used by the rule at {}:{}: give each rule its own id",
                        dup.id, first.file, first.line
                    ),
                });
            }
        }
        if !problems.is_empty() {
            problems.sort_by(|a, b| {
                (a.file.as_str(), a.line, a.column).cmp(&(b.file.as_str(), b.line, b.column))
            });
            return Err(RulesError::Problems(problems));
        }
        let mut by_payer: Vec<(Box<str>, Vec<u32>)> = Vec::new();
        let mut any_payer = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            if r.trigger.payers.is_empty() {
                any_payer.push(i);
            }
            for p in &r.trigger.payers {
                match by_payer.iter_mut().find(|(k, _)| k == p) {
                    Some((_, v)) => {
                        if v.last() != Some(&i) {
                            v.push(i);
                        }
                    }
                    None => by_payer.push((p.clone(), vec![i])),
                }
            }
        }
        by_payer.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(RuleSet {
            rules,
            by_payer,
            any_payer,
        })
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rules in file order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter()
    }

    /// Appends the findings of every rule that fires on `claim`, in rule order.
    pub fn evaluate(&self, claim: &RuleClaim<'_>, out: &mut Vec<RuleHit>) {
        let by_id = self.payer_rules(claim.payer_id);
        let by_name = self.payer_rules(claim.payer_name);
        let lists = [self.any_payer.as_slice(), by_id, by_name];
        let mut at = [0usize; 3];
        // A three-way merge of sorted rule indexes, each rule once.
        let mut last = None;
        loop {
            let mut next: Option<u32> = None;
            for (list, &pos) in lists.iter().zip(&at) {
                if let Some(&v) = list.get(pos) {
                    next = Some(next.map_or(v, |n: u32| n.min(v)));
                }
            }
            let Some(n) = next else { break };
            for (list, pos) in lists.iter().zip(at.iter_mut()) {
                if list.get(*pos) == Some(&n) {
                    *pos += 1;
                }
            }
            if last == Some(n) {
                continue;
            }
            last = Some(n);
            if let Some(rule) = self.rules.get(n as usize) {
                rule.evaluate(claim, out);
            }
        }
    }

    fn payer_rules(&self, payer: &str) -> &[u32] {
        let key = payer.trim().as_bytes();
        if key.is_empty() {
            return &[];
        }
        match self
            .by_payer
            .binary_search_by(|(k, _)| pattern::cmp_lower(key, k.as_bytes()).reverse())
        {
            Ok(i) => &self.by_payer[i].1,
            Err(_) => &[],
        }
    }
}

fn read_capped(path: &Path) -> Result<Vec<u8>, RulesError> {
    use std::io::Read;
    let read_err = |source| RulesError::Read {
        path: path.to_path_buf(),
        source,
    };
    let f = std::fs::File::open(path).map_err(read_err)?;
    let mut bytes = Vec::new();
    f.take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(RulesError::Read {
            path: path.to_path_buf(),
            source: std::io::Error::other("larger than 16 MiB: not a rules file"),
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests;
