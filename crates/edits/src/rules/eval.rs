//! Evaluating a rule against a claim. The checks compare prepared values and never
//! allocate; a finding's message and fields are built only when the rule fires.

use jiff::civil::Date;

use super::fields::FieldLevel;
use super::pattern::{self, format_money, format_units, has_modifier, modifier_text};
use super::{Action, ActionKind, Rule, RuleClaim, RuleHit, RuleLine, Scope, Trigger};

/// What matched: the line, another line the rule needed, the diagnosis.
#[derive(Debug, Clone, Copy, Default)]
struct Match {
    line: Option<usize>,
    other: Option<usize>,
    diagnosis: Option<usize>,
}

fn in_list(list: &[Box<str>], value: &str) -> bool {
    let v = value.trim();
    !v.is_empty() && list.iter().any(|x| x.eq_ignore_ascii_case(v))
}

fn in_range(v: i64, lo: Option<i64>, hi: Option<i64>) -> bool {
    lo.is_none_or(|lo| v >= lo) && hi.is_none_or(|hi| v <= hi)
}

fn line_pos<'a>(c: &RuleClaim<'a>, line: Option<&RuleLine<'a>>) -> &'a str {
    match line {
        Some(l) if !l.place_of_service.trim().is_empty() => l.place_of_service,
        _ => c.place_of_service,
    }
}

fn line_rendering<'a>(c: &RuleClaim<'a>, line: Option<&RuleLine<'a>>) -> &'a str {
    match line {
        Some(l) if !l.rendering_npi.trim().is_empty() => l.rendering_npi,
        _ => c.rendering_npi,
    }
}

fn pos_matches(list: &[[u8; 2]], pos: &str) -> bool {
    let b = pos.trim().as_bytes();
    let key = match b {
        [d] => [b'0', *d],
        [a, d] => [*a, *d],
        _ => return false,
    };
    list.contains(&key)
}

impl Trigger {
    /// Triggers that need a service line to be true (claim scope looks for one line).
    fn needs_line(&self) -> bool {
        self.procedure.is_some()
            || !self.modifiers_any.is_empty()
            || !self.modifiers_all.is_empty()
            || !self.modifiers_missing.is_empty()
            || self.units_min.is_some()
            || self.units_max.is_some()
            || self.revenue_code.is_some()
    }

    /// Triggers read from a line (its own value or the claim's in its place).
    fn looks_at_lines(&self) -> bool {
        self.needs_line()
            || !self.place_of_service.is_empty()
            || !self.rendering_npi.is_empty()
            || !self.provider_npi.is_empty()
            || self.effective.is_some()
            || self.until.is_some()
    }

    /// Everything that is the same for every line of the claim.
    fn claim_matches(&self, c: &RuleClaim<'_>, scope: Scope) -> bool {
        if self.kind.is_some_and(|k| k != c.kind) {
            return false;
        }
        if !self.frequency.is_empty() {
            let f = c.frequency.trim().as_bytes();
            let ok = matches!(f, [b] if self.frequency.contains(&b.to_ascii_uppercase()));
            if !ok {
                return false;
            }
        }
        if !self.billing_npi.is_empty() && !in_list(&self.billing_npi, c.billing_npi) {
            return false;
        }
        if !self.billing_taxonomy.is_empty() && !in_list(&self.billing_taxonomy, c.billing_taxonomy)
        {
            return false;
        }
        if !self.rendering_taxonomy.is_empty()
            && !in_list(&self.rendering_taxonomy, c.rendering_taxonomy)
        {
            return false;
        }
        if !self.taxonomy.is_empty()
            && !in_list(&self.taxonomy, c.billing_taxonomy)
            && !in_list(&self.taxonomy, c.rendering_taxonomy)
        {
            return false;
        }
        if self.age_min.is_some() || self.age_max.is_some() {
            let Some(age) = c.patient_age_years else {
                return false;
            };
            if self.age_min.is_some_and(|m| age < m) || self.age_max.is_some_and(|m| age > m) {
                return false;
            }
        }
        if !self.sex.is_empty() {
            let ok = c.patient_sex.is_some_and(|s| {
                s.is_ascii() && self.sex.contains(&(s as u8).to_ascii_uppercase())
            });
            if !ok {
                return false;
            }
        }
        if let Some(d) = &self.diagnosis
            && !c.diagnoses.iter().any(|x| d.matches(x))
        {
            return false;
        }
        if scope == Scope::Claim
            && !in_range(c.total_charge_cents, self.charge_min, self.charge_max)
        {
            return false;
        }
        true
    }

    /// The per-line checks; `index` None means the claim's own values (a claim-scope
    /// rule with no line trigger).
    fn line_matches(&self, c: &RuleClaim<'_>, index: Option<usize>, scope: Scope) -> Option<Match> {
        let line = index.and_then(|i| c.lines.get(i));
        let dos: Date = line.map_or(c.first_date_of_service, |l| l.date_of_service);
        if self.effective.is_some_and(|d| dos < d) || self.until.is_some_and(|d| dos > d) {
            return None;
        }
        if !self.place_of_service.is_empty()
            && !pos_matches(&self.place_of_service, line_pos(c, line))
        {
            return None;
        }
        let rendering = line_rendering(c, line);
        if !self.rendering_npi.is_empty() && !in_list(&self.rendering_npi, rendering) {
            return None;
        }
        if !self.provider_npi.is_empty()
            && !in_list(&self.provider_npi, c.billing_npi)
            && !in_list(&self.provider_npi, rendering)
        {
            return None;
        }
        if self.needs_line() {
            let l = line?;
            if self
                .procedure
                .as_ref()
                .is_some_and(|m| !m.matches(l.procedure))
            {
                return None;
            }
            if !self.modifiers_any.is_empty()
                && !self
                    .modifiers_any
                    .iter()
                    .any(|m| has_modifier(&l.modifiers, m))
            {
                return None;
            }
            if !self
                .modifiers_all
                .iter()
                .all(|m| has_modifier(&l.modifiers, m))
            {
                return None;
            }
            if self
                .modifiers_missing
                .iter()
                .any(|m| has_modifier(&l.modifiers, m))
            {
                return None;
            }
            if !in_range(l.units_thousandths, self.units_min, self.units_max) {
                return None;
            }
            if self
                .revenue_code
                .as_ref()
                .is_some_and(|m| !m.matches(l.revenue_code))
            {
                return None;
            }
        }
        let mut m = Match {
            line: index,
            ..Match::default()
        };
        if scope == Scope::Line {
            let l = line?;
            if !in_range(l.charge_cents, self.charge_min, self.charge_max) {
                return None;
            }
        }
        if let Some(d) = &self.diagnosis {
            // A line looks at the diagnoses it points to (all of them when it has no
            // pointers); a claim at every diagnosis.
            let pointed = match line {
                Some(l) if scope == Scope::Line && !l.diagnosis_pointers.is_empty() => l
                    .diagnosis_pointers
                    .iter()
                    .filter_map(|p| usize::from(*p).checked_sub(1))
                    .find(|k| c.diagnoses.get(*k).is_some_and(|x| d.matches(x))),
                _ => c.diagnoses.iter().position(|x| d.matches(x)),
            };
            m.diagnosis = Some(pointed?);
        }
        // Another procedure: on another line of the same date when the rule looks at a
        // line, anywhere on the claim otherwise.
        let relative = line.is_some() && (scope == Scope::Line || self.procedure.is_some());
        let other = |matcher: &pattern::CodeMatcher| {
            c.lines.iter().enumerate().position(|(j, o)| {
                let placed = match (relative, line) {
                    (true, Some(l)) => Some(j) != index && o.date_of_service == l.date_of_service,
                    _ => true,
                };
                placed && matcher.matches(o.procedure)
            })
        };
        if let Some(w) = &self.with_procedure {
            m.other = Some(other(w)?);
        }
        if let Some(w) = &self.without_procedure
            && other(w).is_some()
        {
            return None;
        }
        Some(m)
    }
}

impl Rule {
    pub(crate) fn evaluate(&self, c: &RuleClaim<'_>, out: &mut Vec<RuleHit>) {
        let t = &self.trigger;
        // A claim field already filled: nothing to require, whatever the lines hold.
        if let Action::RequireField(f) = &self.action
            && f.level == FieldLevel::Claim
            && (c.fields_present)(f.name)
        {
            return;
        }
        if !t.claim_matches(c, self.scope) {
            return;
        }
        match self.scope {
            Scope::Line => {
                for i in 0..c.lines.len() {
                    if let Some(m) = t.line_matches(c, Some(i), Scope::Line)
                        && self.action_fires(c, m)
                    {
                        out.push(self.hit(c, m));
                    }
                }
            }
            Scope::Claim => {
                // The claim matches when one of its lines does (the claim's own values
                // stand in when it has none, or when the rule looks at no line value).
                let m = if t.looks_at_lines() && !c.lines.is_empty() {
                    (0..c.lines.len()).find_map(|i| t.line_matches(c, Some(i), Scope::Claim))
                } else {
                    t.line_matches(c, None, Scope::Claim)
                };
                if let Some(m) = m
                    && self.action_fires(c, m)
                {
                    out.push(self.hit(c, m));
                }
            }
        }
    }

    fn action_fires(&self, c: &RuleClaim<'_>, m: Match) -> bool {
        let line = m.line.and_then(|i| c.lines.get(i));
        match &self.action {
            Action::Plain(_) => true,
            Action::RequireModifier(mods) => {
                line.is_some_and(|l| !mods.iter().any(|x| has_modifier(&l.modifiers, x)))
            }
            Action::RequireField(f) => match f.level {
                FieldLevel::Claim => !(c.fields_present)(f.name),
                FieldLevel::LineOrClaim => {
                    let on_line = self.scope == Scope::Line
                        && line.is_some_and(|l| !l.rendering_npi.trim().is_empty());
                    !on_line && !(c.fields_present)(f.name)
                }
                FieldLevel::Line => line.is_some_and(|l| match f.name {
                    "ndc" => l.ndc.trim().is_empty(),
                    "revenue_code" => l.revenue_code.trim().is_empty(),
                    "diagnosis_pointer" => l.diagnosis_pointers.is_empty(),
                    _ => false,
                }),
            },
        }
    }

    /// The finding: built only when the rule fires.
    fn hit(&self, c: &RuleClaim<'_>, m: Match) -> RuleHit {
        let line = m.line.and_then(|i| c.lines.get(i).map(|l| (i, l)));
        let t = &self.trigger;
        let lp = |i: usize, f: &str| format!("lines[{i}].{f}");

        let mut fields: Vec<String> = Vec::new();
        let mut add = |f: String| {
            if !fields.contains(&f) {
                fields.push(f);
            }
        };
        match &self.action {
            Action::RequireModifier(_) => {
                if let Some((i, _)) = line {
                    add(lp(i, "modifiers"));
                }
            }
            Action::RequireField(f) => match (f.level, line) {
                (FieldLevel::Line, Some((i, _))) => add(lp(i, f.path)),
                (FieldLevel::LineOrClaim, Some((i, _))) if self.scope == Scope::Line => {
                    add(lp(i, f.path));
                }
                _ => add(f.path.to_string()),
            },
            Action::Plain(_) => {}
        }
        if let Some((i, l)) = line {
            if t.procedure.is_some() {
                add(lp(i, "procedure"));
            }
            if !t.modifiers_any.is_empty()
                || !t.modifiers_all.is_empty()
                || !t.modifiers_missing.is_empty()
            {
                add(lp(i, "modifiers"));
            }
            if t.units_min.is_some() || t.units_max.is_some() {
                add(lp(i, "units"));
            }
            if t.revenue_code.is_some() {
                add(lp(i, "revenue_code"));
            }
            if !t.place_of_service.is_empty() {
                if l.place_of_service.trim().is_empty() {
                    add("place_of_service".into());
                } else {
                    add(lp(i, "place_of_service"));
                }
            }
            if !t.rendering_npi.is_empty() {
                if l.rendering_npi.trim().is_empty() {
                    add("rendering_provider.npi".into());
                } else {
                    add(lp(i, "rendering_provider.npi"));
                }
            }
            if self.scope == Scope::Line && (t.charge_min.is_some() || t.charge_max.is_some()) {
                add(lp(i, "charge"));
            }
            if t.effective.is_some() || t.until.is_some() {
                add(lp(i, "date_of_service"));
            }
        } else {
            if !t.place_of_service.is_empty() {
                add("place_of_service".into());
            }
            if !t.rendering_npi.is_empty() {
                add("rendering_provider.npi".into());
            }
        }
        if let Some(j) = m.other {
            add(lp(j, "procedure"));
        }
        if let Some(k) = m.diagnosis {
            add(format!("diagnoses[{k}]"));
        }
        if self.scope == Scope::Claim && (t.charge_min.is_some() || t.charge_max.is_some()) {
            add("total_charge".into());
        }
        if !t.billing_npi.is_empty() || !t.provider_npi.is_empty() {
            add("billing_provider.npi".into());
        }
        if !t.billing_taxonomy.is_empty() || !t.taxonomy.is_empty() {
            add("billing_provider.taxonomy".into());
        }
        if !t.rendering_taxonomy.is_empty() {
            add("rendering_provider.taxonomy".into());
        }
        if t.age_min.is_some() || t.age_max.is_some() {
            add("patient.birth_date".into());
        }
        if !t.sex.is_empty() {
            add("patient.sex".into());
        }
        if !t.frequency.is_empty() {
            add("frequency".into());
        }
        if !t.payers.is_empty() {
            add("payers".into());
        }

        let values = Values::new(self, c, m);
        let message = match &self.message {
            Some(tpl) => values.fill(tpl),
            None => values.default_message(),
        };
        let next_step = match &self.next_step {
            Some(tpl) => Some(values.fill(tpl)),
            None => values.default_next_step(),
        };
        RuleHit {
            rule_id: self.finding_id.clone(),
            severity: self.severity,
            message,
            fields,
            next_step,
            line: if self.scope == Scope::Line {
                m.line
            } else {
                None
            },
        }
    }
}

/// The values a message names.
struct Values<'r, 'c, 'a> {
    rule: &'r Rule,
    claim: &'c RuleClaim<'a>,
    m: Match,
}

/// E119 → E11.9, as a coder writes it.
fn dotted(code: &str) -> String {
    if code.len() > 3 && code.is_char_boundary(3) {
        format!("{}.{}", &code[..3], &code[3..])
    } else {
        code.to_string()
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl Values<'_, '_, '_> {
    fn new<'r, 'c, 'a>(rule: &'r Rule, claim: &'c RuleClaim<'a>, m: Match) -> Values<'r, 'c, 'a> {
        Values { rule, claim, m }
    }

    fn line(&self) -> Option<&RuleLine<'_>> {
        self.m.line.and_then(|i| self.claim.lines.get(i))
    }

    fn payer(&self) -> String {
        let c = self.claim;
        match (c.payer_name.trim(), c.payer_id.trim()) {
            ("", "") => "the payer".into(),
            ("", id) => id.to_string(),
            (name, _) => name.to_string(),
        }
    }

    /// "99213-25-59", or the code alone.
    fn procedure_with_modifiers(&self, l: &RuleLine<'_>) -> String {
        let mut s = l.procedure.trim().to_string();
        for m in &l.modifiers {
            if !m.trim().is_empty() {
                s.push('-');
                s.push_str(m.trim());
            }
        }
        s
    }

    fn required_modifiers(&self) -> String {
        match &self.rule.action {
            Action::RequireModifier(m) => {
                m.iter().map(modifier_text).collect::<Vec<_>>().join(" or ")
            }
            _ => String::new(),
        }
    }

    fn charge(&self) -> String {
        match (self.rule.scope, self.line()) {
            (Scope::Line, Some(l)) => format_money(l.charge_cents),
            _ => format_money(self.claim.total_charge_cents),
        }
    }

    fn value(&self, name: &str) -> String {
        let l = self.line();
        match name {
            "rule" => self.rule.id.clone(),
            "description" => self.rule.description.clone(),
            "payer" => self.payer(),
            "line" => self
                .m
                .line
                .map_or_else(String::new, |i| (i + 1).to_string()),
            "procedure" => l.map_or_else(String::new, |l| l.procedure.trim().to_string()),
            "modifiers" => match l {
                Some(l) if l.modifiers.iter().any(|m| !m.trim().is_empty()) => l
                    .modifiers
                    .iter()
                    .map(|m| m.trim())
                    .filter(|m| !m.is_empty())
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => "none".into(),
            },
            "modifier" => self.required_modifiers(),
            "field" => match &self.rule.action {
                Action::RequireField(f) => f.label.to_string(),
                _ => String::new(),
            },
            "place_of_service" => line_pos(self.claim, l).trim().to_string(),
            "diagnosis" => self
                .m
                .diagnosis
                .and_then(|k| self.claim.diagnoses.get(k))
                .map_or_else(String::new, |d| dotted(d)),
            "units" => l.map_or_else(String::new, |l| format_units(l.units_thousandths)),
            "charge" => self.charge(),
            "date_of_service" => l
                .map_or(self.claim.first_date_of_service, |l| l.date_of_service)
                .to_string(),
            _ => String::new(),
        }
    }

    /// Replaces each {placeholder} (checked at load).
    fn fill(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    out.push_str(&self.value(after[..close].trim()));
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[open..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// The facts behind the finding, in a biller's words.
    fn facts(&self, with_line: bool) -> Vec<String> {
        let t = &self.rule.trigger;
        let c = self.claim;
        let l = self.line();
        let mut f = Vec::new();
        if with_line && let (Some(i), Some(l)) = (self.m.line, l) {
            f.push(format!(
                "line {}: {}",
                i + 1,
                self.procedure_with_modifiers(l)
            ));
        }
        if !t.place_of_service.is_empty() {
            f.push(format!("place of service {}", line_pos(c, l).trim()));
        }
        if let Some(d) = self.m.diagnosis.and_then(|k| c.diagnoses.get(k)) {
            f.push(format!("diagnosis {}", dotted(d)));
        }
        if let Some(j) = self.m.other
            && let Some(o) = c.lines.get(j)
        {
            f.push(format!(
                "billed with {} on line {}",
                o.procedure.trim(),
                j + 1
            ));
        }
        if (t.units_min.is_some() || t.units_max.is_some())
            && let Some(l) = l
        {
            f.push(format!("{} units", format_units(l.units_thousandths)));
        }
        if t.charge_min.is_some() || t.charge_max.is_some() {
            let what = if self.rule.scope == Scope::Line {
                "charge"
            } else {
                "total charge"
            };
            f.push(format!("{what} {}", self.charge()));
        }
        match (t.age_min, t.age_max) {
            (Some(a), Some(b)) => f.push(format!("rule for patients aged {a} to {b}")),
            (Some(a), None) => f.push(format!("rule for patients aged {a} or older")),
            (None, Some(b)) => f.push(format!("rule for patients aged {b} or younger")),
            (None, None) => {}
        }
        if !t.sex.is_empty() {
            let s: Vec<&str> = t
                .sex
                .iter()
                .map(|s| match s {
                    b'F' => "female",
                    b'M' => "male",
                    _ => "unknown sex",
                })
                .collect();
            f.push(format!("rule for {} patients", s.join(" or ")));
        }
        if !t.rendering_npi.is_empty() || !t.provider_npi.is_empty() {
            f.push(format!("rendering NPI {}", line_rendering(c, l).trim()));
        }
        if !t.billing_npi.is_empty() {
            f.push(format!("billing NPI {}", c.billing_npi.trim()));
        }
        if !t.frequency.is_empty() {
            f.push(format!("frequency code {}", c.frequency.trim()));
        }
        f
    }

    fn default_message(&self) -> String {
        let rule = self.rule;
        let payer = self.payer();
        let l = self.line();
        match &rule.action {
            Action::RequireModifier(_) => {
                let (i, code) = match (self.m.line, l) {
                    (Some(i), Some(l)) => (i + 1, self.procedure_with_modifiers(l)),
                    _ => (0, String::new()),
                };
                let mut s = format!(
                    "Modifier {} is missing on line {i} ({code}): {payer} requires it. {}.",
                    self.required_modifiers(),
                    rule.description.trim_end_matches('.')
                );
                let facts = self.facts(false);
                if !facts.is_empty() {
                    s.push_str(&format!(" ({})", facts.join("; ")));
                }
                s
            }
            Action::RequireField(f) => {
                let facts = self.facts(true);
                let mut s = format!(
                    "The {} is missing: {payer} requires it. {}.",
                    f.label,
                    rule.description.trim_end_matches('.')
                );
                if !facts.is_empty() {
                    s.push_str(&format!(" ({})", facts.join("; ")));
                }
                s
            }
            Action::Plain(kind) => {
                let mut facts = vec![format!("payer {payer}")];
                facts.extend(self.facts(true));
                let lead = match kind {
                    ActionKind::Hold => "Hold for review before sending: ",
                    _ => "",
                };
                format!(
                    "{lead}{} ({}).",
                    rule.description.trim_end_matches('.'),
                    facts.join("; ")
                )
            }
        }
    }

    fn default_next_step(&self) -> Option<String> {
        match &self.rule.action {
            Action::RequireModifier(_) => Some(format!(
                "If the documentation supports it, add modifier {} to line {}; otherwise correct the line. Then scrub the claim again.",
                self.required_modifiers(),
                self.value("line")
            )),
            Action::RequireField(f) => {
                let where_ = match (f.level, self.m.line) {
                    (FieldLevel::Line, Some(i)) => format!(" on line {}", i + 1),
                    _ => String::new(),
                };
                Some(format!(
                    "{}{where_}, then scrub the claim again.",
                    capitalize(f.fix)
                ))
            }
            Action::Plain(ActionKind::Hold) => Some(
                "Have a reviewer check the claim and release the hold; do not send it before the review."
                    .into(),
            ),
            Action::Plain(_) => None,
        }
    }
}
