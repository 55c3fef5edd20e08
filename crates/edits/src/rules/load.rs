//! Reading a rules file: TOML with spans, every key checked, every problem collected
//! with its line and column.

use std::ops::Range;

use jiff::civil::Date;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::fields::{self, FieldLevel};
use super::pattern::{self, CodeMatcher, DiagnosisMatcher};
use super::{Action, ActionKind, ClaimKindView, Problem, Rule, RuleSeverity, Scope, Trigger};

/// Every key a rule may have, for "unknown key" suggestions.
const KEYS: &[&str] = &[
    "id",
    "description",
    "action",
    "scope",
    "severity",
    "modifier",
    "field",
    "message",
    "next_step",
    "payer",
    "claim_kind",
    "frequency",
    "procedure",
    "modifiers",
    "modifiers_all",
    "missing_modifier",
    "diagnosis",
    "with_procedure",
    "without_procedure",
    "place_of_service",
    "billing_npi",
    "rendering_npi",
    "provider_npi",
    "billing_taxonomy",
    "rendering_taxonomy",
    "taxonomy",
    "age_min",
    "age_max",
    "sex",
    "units_min",
    "units_max",
    "charge_min",
    "charge_max",
    "revenue_code",
    "effective",
    "until",
];

/// Placeholders a `message` or `next_step` may use.
pub(crate) const PLACEHOLDERS: &[&str] = &[
    "rule",
    "description",
    "payer",
    "line",
    "procedure",
    "modifiers",
    "modifier",
    "field",
    "place_of_service",
    "diagnosis",
    "units",
    "charge",
    "date_of_service",
];

/// A rule id as read, loaded or not, for the check that ids are unique.
pub(crate) struct SeenId {
    pub id: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// Line starts of a document, to turn byte offsets into line and column.
struct Source<'a> {
    origin: &'a str,
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Source<'a> {
    fn new(origin: &'a str, text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Source {
            origin,
            text,
            starts,
        }
    }

    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    fn problem(
        &self,
        span: &Range<usize>,
        rule: Option<&str>,
        key: Option<&str>,
        msg: String,
    ) -> Problem {
        let (line, column) = self.position(span.start);
        Problem {
            file: self.origin.to_string(),
            line,
            column,
            rule: rule.map(str::to_string),
            key: key.map(str::to_string),
            message: msg,
        }
    }
}

/// Reads one document into `rules`, and its problems into `problems`.
pub(crate) fn parse_document(
    origin: &str,
    text: &str,
    rules: &mut Vec<Rule>,
    ids: &mut Vec<SeenId>,
    problems: &mut Vec<Problem>,
) {
    let src = Source::new(origin, text);
    let first_problem = problems.len();
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            problems.push(src.problem(
                &span,
                None,
                None,
                format!("this is not valid TOML: {}", e.message().trim_end()),
            ));
            return;
        }
    };
    for (key, value) in doc.get_ref().iter() {
        let name = key.get_ref().as_ref();
        if name != "rule" {
            let hint = if KEYS.contains(&name) {
                format!("\"{name}\" is outside any rule: put it under a [[rule]] header")
            } else {
                format!("unknown top-level key \"{name}\": a rules file holds [[rule]] tables only")
            };
            problems.push(src.problem(&key.span(), None, Some(name), hint));
            continue;
        }
        let items = match value.get_ref() {
            DeValue::Array(a) => a,
            DeValue::Table(_) => {
                problems.push(src.problem(
                    &key.span(),
                    None,
                    Some("rule"),
                    "write each rule under [[rule]] (two brackets), not [rule]".into(),
                ));
                continue;
            }
            other => {
                problems.push(src.problem(
                    &value.span(),
                    None,
                    Some("rule"),
                    format!(
                        "\"rule\" must be a list of tables written [[rule]], not {}",
                        other.type_str()
                    ),
                ));
                continue;
            }
        };
        for (n, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::Table(t) => {
                    if let Some(rule) = parse_rule(&src, n + 1, item.span(), t, ids, problems) {
                        rules.push(rule);
                    }
                }
                other => problems.push(src.problem(
                    &item.span(),
                    Some(&format!("rule #{}", n + 1)),
                    None,
                    format!(
                        "a rule must be a table written [[rule]], not {}",
                        other.type_str()
                    ),
                )),
            }
        }
    }
    problems[first_problem..].sort_by_key(|p| (p.line, p.column));
}

/// Collects the problems of one rule and the values read so far.
struct Ctx<'s, 'p> {
    src: &'s Source<'s>,
    rule: String,
    problems: &'p mut Vec<Problem>,
    failed: bool,
}

type V<'i> = Spanned<DeValue<'i>>;

impl Ctx<'_, '_> {
    fn push(&mut self, span: &Range<usize>, key: &str, msg: String) {
        self.failed = true;
        let p = self.src.problem(span, Some(&self.rule), Some(key), msg);
        self.problems.push(p);
    }

    /// A text value.
    fn text<'v>(&mut self, key: &str, v: &'v V<'_>) -> Option<&'v str> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            other => {
                self.push(
                    &v.span(),
                    key,
                    format!("must be text in quotes, not {}", describe(other)),
                );
                None
            }
        }
    }

    /// One text or a list of texts (integers are taken as written: place_of_service = 11).
    fn list<'v>(&mut self, key: &str, v: &'v V<'_>) -> Option<Vec<(String, Range<usize>)>> {
        let one = |x: &'v V<'_>| -> Result<String, String> {
            match x.get_ref() {
                DeValue::String(s) => Ok(s.to_string()),
                DeValue::Integer(i) => Ok(i.as_str().replace('_', "")),
                other => Err(format!(
                    "must be text in quotes or a list of them, like [\"a\", \"b\"], not {}",
                    describe(other)
                )),
            }
        };
        let mut out = Vec::new();
        match v.get_ref() {
            DeValue::Array(a) => {
                if a.is_empty() {
                    self.push(
                        &v.span(),
                        key,
                        "the list is empty: give at least one value or remove the key".into(),
                    );
                    return None;
                }
                for x in a.iter() {
                    match one(x) {
                        Ok(s) => out.push((s, x.span())),
                        Err(e) => {
                            self.push(&x.span(), key, e);
                            return None;
                        }
                    }
                }
            }
            _ => match one(v) {
                Ok(s) => out.push((s, v.span())),
                Err(e) => {
                    self.push(&v.span(), key, e);
                    return None;
                }
            },
        }
        for (s, span) in &out {
            if s.trim().is_empty() {
                let span = span.clone();
                self.push(&span, key, "an empty value: remove it or write one".into());
                return None;
            }
        }
        Some(out)
    }

    /// Each value of a list through `parse`; problems point at the value.
    fn each<T>(
        &mut self,
        key: &str,
        v: &V<'_>,
        mut parse: impl FnMut(&str) -> Result<T, String>,
    ) -> Option<Vec<T>> {
        let items = self.list(key, v)?;
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (s, span) in &items {
            match parse(s) {
                Ok(t) => out.push(t),
                Err(e) => {
                    self.push(span, key, e);
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// Code patterns: the error of the first bad one, at its position.
    fn codes<T>(
        &mut self,
        key: &str,
        v: &V<'_>,
        parse: impl Fn(&[&str]) -> Result<T, (usize, String)>,
    ) -> Option<T> {
        let items = self.list(key, v)?;
        let strs: Vec<&str> = items.iter().map(|(s, _)| s.as_str()).collect();
        match parse(&strs) {
            Ok(m) => Some(m),
            Err((i, e)) => {
                let span = items.get(i).map_or_else(|| v.span(), |x| x.1.clone());
                self.push(&span, key, e);
                None
            }
        }
    }

    fn whole_number(&mut self, key: &str, v: &V<'_>, what: &str) -> Option<u32> {
        match v.get_ref() {
            DeValue::Integer(i) => match i.as_str().replace('_', "").parse::<u32>() {
                Ok(n) if n <= 150 || what != "age" => Some(n),
                _ => {
                    self.push(
                        &v.span(),
                        key,
                        format!("{} is not a {what} in years (0 to 150)", i.as_str()),
                    );
                    None
                }
            },
            other => {
                self.push(
                    &v.span(),
                    key,
                    format!(
                        "must be a whole number of years, like 18, not {}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    fn money(&mut self, key: &str, v: &V<'_>) -> Option<i64> {
        let r = match v.get_ref() {
            DeValue::String(s) => pattern::parse_money(s),
            DeValue::Integer(i) => pattern::parse_money(&i.as_str().replace('_', "")),
            DeValue::Float(f) => Err(format!(
                "{} is a decimal number: write amounts in quotes, like {key} = \"{}\" (money is counted in exact cents, never as a floating-point number)",
                f.as_str(),
                quoted_amount(f.as_str())
            )),
            other => Err(format!(
                "must be an amount in quotes, like \"125.00\", not {}",
                describe(other)
            )),
        };
        r.map_err(|e| self.push(&v.span(), key, e)).ok()
    }

    fn units(&mut self, key: &str, v: &V<'_>) -> Option<i64> {
        let r = match v.get_ref() {
            DeValue::String(s) => pattern::parse_units(s),
            DeValue::Integer(i) => pattern::parse_units(i.as_str()),
            DeValue::Float(f) => pattern::parse_units(f.as_str()),
            other => Err(format!(
                "must be a number of units, like 2 or 1.5, not {}",
                describe(other)
            )),
        };
        r.map_err(|e| self.push(&v.span(), key, e)).ok()
    }

    fn date(&mut self, key: &str, v: &V<'_>) -> Option<Date> {
        let r = match v.get_ref() {
            DeValue::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => Date::new(
                    i16::try_from(d.year).unwrap_or(i16::MAX),
                    i8::try_from(d.month).unwrap_or(0),
                    i8::try_from(d.day).unwrap_or(0),
                )
                .map_err(|_| format!("{dt} is not a calendar date")),
                _ => Err(format!(
                    "{dt} has a time of day: write the date only, like 2026-01-01"
                )),
            },
            DeValue::String(s) => s
                .trim()
                .parse::<Date>()
                .map_err(|_| format!("\"{s}\" is not a date: write it like 2026-01-01")),
            other => Err(format!(
                "must be a date, like 2026-01-01, not {}",
                describe(other)
            )),
        };
        r.map_err(|e| self.push(&v.span(), key, e)).ok()
    }
}

fn describe(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("the text \"{s}\""),
        DeValue::Integer(i) => format!("the number {}", i.as_str()),
        DeValue::Float(f) => format!("the number {}", f.as_str()),
        DeValue::Boolean(b) => format!("{b}"),
        DeValue::Datetime(d) => format!("the date {d}"),
        DeValue::Array(_) => "a list".into(),
        DeValue::Table(_) => "a table".into(),
    }
}

/// 125.5 → "125.50", as a suggestion.
fn quoted_amount(float: &str) -> String {
    match float.split_once('.') {
        Some((w, f)) if f.len() < 2 && f.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{w}.{f:0<2}")
        }
        Some(_) => float.to_string(),
        None => format!("{float}.00"),
    }
}

/// Levenshtein distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn suggestion(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    KEYS.iter()
        .map(|k| (distance(&lower, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

fn valid_id(id: &str) -> Result<(), String> {
    let ok_chars = id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if id.is_empty() {
        Err("the id is empty: give the rule a short name like \"BCBSTX-001\"".into())
    } else if id.len() > 64 {
        Err("the id is longer than 64 characters".into())
    } else if !ok_chars || !id.as_bytes()[0].is_ascii_alphanumeric() {
        Err(format!(
            "\"{id}\" is not a usable id: letters, digits, '-', '_' and '.', starting with a letter or digit"
        ))
    } else {
        Ok(())
    }
}

/// Checks `{placeholder}`s of a message or next step.
fn check_template(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err("a '{' is not closed: write placeholders like {procedure}".into());
        };
        let name = after[..close].trim();
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "unknown placeholder {{{name}}}: use one of {}",
                PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

fn parse_rule(
    src: &Source<'_>,
    number: usize,
    span: Range<usize>,
    table: &DeTable<'_>,
    ids: &mut Vec<SeenId>,
    problems: &mut Vec<Problem>,
) -> Option<Rule> {
    // The id first, so that every problem of the rule can name it.
    let mut id = None;
    let mut rule_name = format!("rule #{number}");
    if let Some(v) = table.get("id")
        && let DeValue::String(s) = v.get_ref()
    {
        let s = s.trim();
        if valid_id(s).is_ok() {
            let (line, column) = src.position(v.span().start);
            ids.push(SeenId {
                id: s.to_string(),
                file: src.origin.to_string(),
                line,
                column,
            });
            id = Some(s.to_string());
            rule_name = s.to_string();
        }
    }
    let mut cx = Ctx {
        src,
        rule: rule_name,
        problems,
        failed: false,
    };
    let header = src.position(span.start).0;
    let mut t = Trigger::default();
    let mut summary: Vec<String> = Vec::new();
    let mut description = None;
    let mut action: Option<(ActionKind, Range<usize>)> = None;
    let mut scope: Option<(Scope, Range<usize>)> = None;
    let mut severity: Option<(RuleSeverity, Range<usize>)> = None;
    let mut modifier: Option<(Vec<[u8; 2]>, Range<usize>)> = None;
    let mut field: Option<(&'static fields::RequiredField, Range<usize>)> = None;
    let mut message = None;
    let mut next_step = None;
    let mut charge_span = None;
    let mut units_span = None;
    let mut age_span = None;
    let mut date_span = None;

    let joined = |items: &[(String, Range<usize>)], sep: &str| {
        items
            .iter()
            .map(|(s, _)| s.trim().to_string())
            .collect::<Vec<_>>()
            .join(sep)
    };

    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    for (key, v) in entries {
        let name: &str = key.get_ref().as_ref();
        match name {
            "id" => {
                if let Some(s) = cx.text(name, v)
                    && let Err(e) = valid_id(s.trim()) {
                        cx.push(&v.span(), name, e);
                    }
            }
            "description" => {
                if let Some(s) = cx.text(name, v) {
                    if s.trim().is_empty() {
                        cx.push(&v.span(), name, "the description is empty: say in a few words what the rule checks".into());
                    } else {
                        description = Some(s.trim().to_string());
                    }
                }
            }
            "message" | "next_step" => {
                if let Some(s) = cx.text(name, v) {
                    match check_template(s) {
                        Err(e) => cx.push(&v.span(), name, e),
                        Ok(()) if s.trim().is_empty() => {
                            cx.push(&v.span(), name, "is empty: write the text or remove the key".into());
                        }
                        Ok(()) if name == "message" => message = Some(s.trim().to_string()),
                        Ok(()) => next_step = Some(s.trim().to_string()),
                    }
                }
            }
            "action" => {
                if let Some(s) = cx.text(name, v) {
                    match ActionKind::parse(s) {
                        Some(a) => action = Some((a, v.span())),
                        None => cx.push(
                            &v.span(),
                            name,
                            format!("unknown action \"{s}\": use error, warning, hold, require_modifier, require_field or note"),
                        ),
                    }
                }
            }
            "scope" => {
                if let Some(s) = cx.text(name, v) {
                    match s.trim().to_ascii_lowercase().as_str() {
                        "line" => scope = Some((Scope::Line, v.span())),
                        "claim" => scope = Some((Scope::Claim, v.span())),
                        _ => cx.push(&v.span(), name, format!("unknown scope \"{s}\": use line (each service line) or claim")),
                    }
                }
            }
            "severity" => {
                if let Some(s) = cx.text(name, v) {
                    match s.trim().to_ascii_lowercase().as_str() {
                        "error" => severity = Some((RuleSeverity::Error, v.span())),
                        "warning" => severity = Some((RuleSeverity::Warning, v.span())),
                        "hold" => severity = Some((RuleSeverity::Hold, v.span())),
                        _ => cx.push(&v.span(), name, format!("unknown severity \"{s}\": use error, warning or hold")),
                    }
                }
            }
            "modifier" => {
                if let Some(m) = cx.each(name, v, pattern::modifier) {
                    modifier = Some((m, v.span()));
                }
            }
            "field" => {
                if let Some(s) = cx.text(name, v) {
                    match fields::find(s) {
                        Some(f) => field = Some((f, v.span())),
                        None => cx.push(
                            &v.span(),
                            name,
                            format!("unknown field \"{s}\": a rule can require {}", fields::names()),
                        ),
                    }
                }
            }
            "payer" => {
                if let Some(items) = cx.list(name, v) {
                    summary.push(format!("payer {}", joined(&items, " or ")));
                    t.payers = items
                        .iter()
                        .map(|(s, _)| s.trim().to_ascii_lowercase().into())
                        .collect();
                }
            }
            "claim_kind" => {
                if let Some(s) = cx.text(name, v) {
                    match s.trim().to_ascii_lowercase().as_str() {
                        "professional" | "837p" => t.kind = Some(ClaimKindView::Professional),
                        "institutional" | "837i" => t.kind = Some(ClaimKindView::Institutional),
                        _ => cx.push(&v.span(), name, format!("unknown claim kind \"{s}\": use professional or institutional")),
                    }
                    if let Some(k) = t.kind {
                        summary.push(format!("{} claims", k.as_str()));
                    }
                }
            }
            "frequency" => {
                if let Some(f) = cx.each(name, v, |s| {
                    let b = s.trim().as_bytes();
                    match b {
                        [d] if d.is_ascii_alphanumeric() => Ok(d.to_ascii_uppercase()),
                        _ => Err(format!("\"{s}\" is not a claim frequency code: one character, like \"1\" (original), \"7\" (replacement) or \"8\" (void)")),
                    }
                }) {
                    summary.push(format!(
                        "frequency {}",
                        f.iter().map(|b| char::from(*b).to_string()).collect::<Vec<_>>().join(", ")
                    ));
                    t.frequency = f;
                }
            }
            "procedure" | "with_procedure" | "without_procedure" => {
                if let Some(m) = cx.codes(name, v, pattern::procedure_patterns) {
                    let written = cx_list_text(v);
                    let label = match name {
                        "procedure" => "procedure",
                        "with_procedure" => "with procedure",
                        _ => "without procedure",
                    };
                    summary.push(format!("{label} {written}"));
                    let slot: &mut Option<CodeMatcher> = match name {
                        "procedure" => &mut t.procedure,
                        "with_procedure" => &mut t.with_procedure,
                        _ => &mut t.without_procedure,
                    };
                    *slot = Some(m);
                }
            }
            "revenue_code" => {
                if let Some(m) = cx.codes(name, v, pattern::revenue_patterns) {
                    summary.push(format!("revenue code {}", cx_list_text(v)));
                    t.revenue_code = Some(m);
                }
            }
            "diagnosis" => {
                if let Some(m) = cx.codes(name, v, DiagnosisMatcher::parse) {
                    summary.push(format!("diagnosis {}", cx_list_text(v)));
                    t.diagnosis = Some(m);
                }
            }
            "modifiers" | "modifiers_all" | "missing_modifier" => {
                if let Some(m) = cx.each(name, v, pattern::modifier) {
                    let text: Vec<String> = m.iter().map(pattern::modifier_text).collect();
                    let (label, sep) = match name {
                        "modifiers" => ("modifier", " or "),
                        "modifiers_all" => ("modifiers", " and "),
                        _ => ("without modifier", " or "),
                    };
                    summary.push(format!("{label} {}", text.join(sep)));
                    match name {
                        "modifiers" => t.modifiers_any = m,
                        "modifiers_all" => t.modifiers_all = m,
                        _ => t.modifiers_missing = m,
                    }
                }
            }
            "place_of_service" => {
                if let Some(p) = cx.each(name, v, pattern::place_of_service) {
                    summary.push(format!(
                        "place of service {}",
                        p.iter().map(pattern::modifier_text).collect::<Vec<_>>().join(", ")
                    ));
                    t.place_of_service = p;
                }
            }
            "billing_npi" | "rendering_npi" | "provider_npi" => {
                if let Some(n) = cx.each(name, v, pattern::npi) {
                    summary.push(format!("{} {}", name.replace('_', " "), n.join(", ")));
                    match name {
                        "billing_npi" => t.billing_npi = n,
                        "rendering_npi" => t.rendering_npi = n,
                        _ => t.provider_npi = n,
                    }
                }
            }
            "billing_taxonomy" | "rendering_taxonomy" | "taxonomy" => {
                if let Some(n) = cx.each(name, v, pattern::taxonomy) {
                    summary.push(format!("{} {}", name.replace('_', " "), n.join(", ")));
                    match name {
                        "billing_taxonomy" => t.billing_taxonomy = n,
                        "rendering_taxonomy" => t.rendering_taxonomy = n,
                        _ => t.taxonomy = n,
                    }
                }
            }
            "age_min" | "age_max" => {
                if let Some(n) = cx.whole_number(name, v, "age") {
                    if name == "age_min" {
                        t.age_min = Some(n);
                    } else {
                        t.age_max = Some(n);
                    }
                    if name.ends_with("_max") {
                        age_span = Some(v.span());
                    }
                }
            }
            "sex" => {
                if let Some(s) = cx.each(name, v, |s| match s.trim().to_ascii_lowercase().as_str() {
                    "f" | "female" => Ok(b'F'),
                    "m" | "male" => Ok(b'M'),
                    "u" | "unknown" => Ok(b'U'),
                    _ => Err(format!("\"{s}\" is not a sex on a claim: use F, M or U")),
                }) {
                    summary.push(format!(
                        "sex {}",
                        s.iter().map(|b| char::from(*b).to_string()).collect::<Vec<_>>().join(" or ")
                    ));
                    t.sex = s;
                }
            }
            "units_min" | "units_max" => {
                if let Some(u) = cx.units(name, v) {
                    if name == "units_min" {
                        t.units_min = Some(u);
                    } else {
                        t.units_max = Some(u);
                    }
                    if name.ends_with("_max") {
                        units_span = Some(v.span());
                    }
                }
            }
            "charge_min" | "charge_max" => {
                if let Some(c) = cx.money(name, v) {
                    if name == "charge_min" {
                        t.charge_min = Some(c);
                    } else {
                        t.charge_max = Some(c);
                    }
                    if name.ends_with("_max") {
                        charge_span = Some(v.span());
                    }
                }
            }
            "effective" | "until" => {
                if let Some(d) = cx.date(name, v) {
                    if name == "effective" {
                        t.effective = Some(d);
                    } else {
                        t.until = Some(d);
                    }
                    if name == "until" {
                        date_span = Some(v.span());
                    }
                }
            }
            other => {
                let msg = match suggestion(other) {
                    Some(s) => format!("unknown key \"{other}\": did you mean \"{s}\"?"),
                    None => format!(
                        "unknown key \"{other}\": see docs/payer-rules.md for the keys a rule may have"
                    ),
                };
                cx.push(&key.span(), other, msg);
            }
        }
    }

    // Ranges read low to high.
    if let (Some(lo), Some(hi), Some(s)) = (t.age_min, t.age_max, &age_span)
        && hi < lo
    {
        cx.push(
            s,
            "age_max",
            format!("age_max {hi} is less than age_min {lo}: the rule could never apply"),
        );
    }
    if let (Some(lo), Some(hi), Some(s)) = (t.units_min, t.units_max, &units_span)
        && hi < lo
    {
        cx.push(
            s,
            "units_max",
            format!(
                "units_max {} is less than units_min {}",
                pattern::format_units(hi),
                pattern::format_units(lo)
            ),
        );
    }
    if let (Some(lo), Some(hi), Some(s)) = (t.charge_min, t.charge_max, &charge_span)
        && hi < lo
    {
        cx.push(
            s,
            "charge_max",
            format!(
                "charge_max {} is less than charge_min {}",
                pattern::format_money(hi),
                pattern::format_money(lo)
            ),
        );
    }
    if let (Some(lo), Some(hi), Some(s)) = (t.effective, t.until, &date_span)
        && hi < lo
    {
        cx.push(
            s,
            "until",
            format!("until {hi} is before effective {lo}: the rule could never apply"),
        );
    }
    match (t.age_min, t.age_max) {
        (Some(lo), Some(hi)) => summary.push(format!("age {lo}-{hi}")),
        (Some(lo), None) => summary.push(format!("age {lo} or older")),
        (None, Some(hi)) => summary.push(format!("age {hi} or younger")),
        (None, None) => {}
    }
    match (t.units_min, t.units_max) {
        (Some(lo), Some(hi)) => summary.push(format!(
            "units {}-{}",
            pattern::format_units(lo),
            pattern::format_units(hi)
        )),
        (Some(lo), None) => summary.push(format!("units {} or more", pattern::format_units(lo))),
        (None, Some(hi)) => summary.push(format!("units {} or fewer", pattern::format_units(hi))),
        (None, None) => {}
    }
    match (t.charge_min, t.charge_max) {
        (Some(lo), Some(hi)) => summary.push(format!(
            "charge {}-{}",
            pattern::format_money(lo),
            pattern::format_money(hi)
        )),
        (Some(lo), None) => summary.push(format!("charge {} or more", pattern::format_money(lo))),
        (None, Some(hi)) => summary.push(format!("charge {} or less", pattern::format_money(hi))),
        (None, None) => {}
    }
    let has_trigger = !summary.is_empty();
    match (t.effective, t.until) {
        (Some(lo), Some(hi)) => summary.push(format!("dates of service {lo} to {hi}")),
        (Some(lo), None) => summary.push(format!("from {lo}")),
        (None, Some(hi)) => summary.push(format!("until {hi}")),
        (None, None) => {}
    }

    let whole = span.start..span.start;
    if id.is_none() && table.get("id").is_none() {
        cx.push(
            &whole,
            "id",
            "the rule has no id: add id = \"…\" (a short name, unique across your rule files)"
                .into(),
        );
    }
    if description.is_none() && table.get("description").is_none() {
        cx.push(
            &whole,
            "description",
            "the rule has no description: add description = \"…\" saying what it checks".into(),
        );
    }
    if !has_trigger && !cx.failed {
        cx.push(&whole, "rule", "the rule has no trigger: add at least one of payer, procedure, diagnosis, place_of_service, … (without one it would fire on every claim)".into());
    }

    let line_only_trigger = t.procedure.is_some()
        || !t.modifiers_any.is_empty()
        || !t.modifiers_all.is_empty()
        || !t.modifiers_missing.is_empty()
        || t.units_min.is_some()
        || t.units_max.is_some()
        || t.revenue_code.is_some();

    let the_action = match &action {
        None => {
            if table.get("action").is_none() {
                cx.push(&whole, "action", "the rule has no action: add action = \"error\" (or warning, hold, require_modifier, require_field, note)".into());
            }
            None
        }
        Some((kind, aspan)) => match kind {
            ActionKind::RequireModifier => match &modifier {
                Some((m, _)) => Some(Action::RequireModifier(m.clone())),
                None if table.get("modifier").is_some() => None,
                None => {
                    cx.push(aspan, "modifier", "require_modifier needs the modifier: add modifier = \"…\" (or a list of modifiers, any of which will do)".into());
                    None
                }
            },
            ActionKind::RequireField => match &field {
                Some((f, _)) => Some(Action::RequireField(f)),
                None if table.get("field").is_some() => None,
                None => {
                    cx.push(
                        aspan,
                        "field",
                        format!(
                            "require_field needs the field: add field = \"…\", one of {}",
                            fields::names()
                        ),
                    );
                    None
                }
            },
            k => Some(Action::Plain(*k)),
        },
    };
    let kind = action.as_ref().map(|(k, _)| *k);
    if let Some((_, s)) = &modifier
        && kind.is_some_and(|k| k != ActionKind::RequireModifier)
    {
        cx.push(s, "modifier", "modifier goes with action = \"require_modifier\"; to match lines by their modifiers use modifiers, modifiers_all or missing_modifier".into());
    }
    if let Some((_, s)) = &field
        && kind.is_some_and(|k| k != ActionKind::RequireField)
    {
        cx.push(
            s,
            "field",
            "field goes with action = \"require_field\"".into(),
        );
    }
    if let Some((_, s)) = &severity
        && kind
            .is_some_and(|k| !matches!(k, ActionKind::RequireModifier | ActionKind::RequireField))
    {
        cx.push(s, "severity", "severity is set by the action itself (error, warning, hold, note); it only chooses how serious require_modifier and require_field are".into());
    }

    // Scope: as written, else line when the rule looks at lines.
    let line_field = matches!(&field, Some((f, _)) if f.level == FieldLevel::Line);
    let scope = match &scope {
        Some((s, sspan)) => {
            if *s == Scope::Claim && kind == Some(ActionKind::RequireModifier) {
                cx.push(
                    sspan,
                    "scope",
                    "require_modifier looks at each service line: use scope = \"line\"".into(),
                );
            }
            if *s == Scope::Claim && line_field {
                let name = field.as_ref().map_or("", |(f, _)| f.name);
                cx.push(
                    sspan,
                    "scope",
                    format!("{name} is a service line field: use scope = \"line\""),
                );
            }
            *s
        }
        None if line_only_trigger || kind == Some(ActionKind::RequireModifier) || line_field => {
            Scope::Line
        }
        None => Scope::Claim,
    };

    let severity = match kind {
        Some(ActionKind::Warning) => RuleSeverity::Warning,
        Some(ActionKind::Hold) => RuleSeverity::Hold,
        Some(ActionKind::Note) => RuleSeverity::Info,
        _ => severity.map_or(RuleSeverity::Error, |(s, _)| s),
    };

    if cx.failed {
        return None;
    }
    let (id, description, action) = (id?, description?, the_action?);
    Some(Rule {
        finding_id: format!("payer.{id}"),
        id,
        description,
        origin: src.origin.to_string(),
        line: header,
        scope,
        action,
        severity,
        message,
        next_step,
        trigger: t,
        summary: summary.join("; "),
    })
}

/// The values of a list key as written, for the trigger summary.
fn cx_list_text(v: &V<'_>) -> String {
    let one = |x: &DeValue<'_>| match x {
        DeValue::String(s) => s.trim().to_string(),
        DeValue::Integer(i) => i.as_str().to_string(),
        _ => String::new(),
    };
    match v.get_ref() {
        DeValue::Array(a) => a
            .iter()
            .map(|x| one(x.get_ref()))
            .collect::<Vec<_>>()
            .join(", "),
        other => one(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_characters() {
        let s = Source::new("f", "ab\nçd\n");
        assert_eq!(s.position(0), (1, 1));
        assert_eq!(s.position(3), (2, 1));
        assert_eq!(s.position(5), (2, 2));
        assert_eq!(s.position(999), (3, 1));
    }

    #[test]
    fn suggestions_for_typos() {
        assert_eq!(suggestion("procedures"), Some("procedure"));
        assert_eq!(suggestion("payor"), Some("payer"));
        assert_eq!(suggestion("xyzzy"), None);
    }

    #[test]
    fn templates() {
        assert!(check_template("Add {modifier} to line {line}").is_ok());
        assert!(check_template("{nope}").is_err());
        assert!(check_template("open {").is_err());
    }

    #[test]
    fn float_amount_suggestion() {
        assert_eq!(quoted_amount("125.5"), "125.50");
        assert_eq!(quoted_amount("125.0"), "125.00");
    }
}
