//! `rcm codes … --system pcs|hcpcs|cpt` and the small official lists (place of
//! service, claim frequency): lookup, validate, search and the ICD-10-PCS builder.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;
use rcm_codes::hcpcs::{self, HcpcsValidity, ModifierRef};
use rcm_codes::pcs::PcsValidation;
use rcm_codes::{Catalog, CodeSystem};
use serde_json::{Value, json};

use crate::outln;
use crate::output::{self, bold, clip};

/// The system a command answers from: the one named, else guessed from the input's
/// shape (7 characters starting with a digit: PCS; 5 digits or 4 digits and F/T/U:
/// CPT), else ICD-10-CM. (`lookup` turns to HCPCS for a letter and four digits that
/// is no ICD-10-CM code.)
pub fn system_for(named: Option<&str>, sample: Option<&str>) -> anyhow::Result<CodeSystem> {
    if let Some(n) = named {
        return CodeSystem::parse(n).ok_or_else(|| {
            anyhow::anyhow!("--system \"{n}\" is not a code system: use icd10cm, pcs, hcpcs or cpt")
        });
    }
    let Some(s) = sample.map(|s| s.trim().replace('.', "").to_ascii_uppercase()) else {
        return Ok(CodeSystem::Icd10cm);
    };
    let b = s.as_bytes();
    if b.len() == 7 && b[0].is_ascii_digit() {
        return Ok(CodeSystem::Icd10pcs);
    }
    if hcpcs::cpt_shape(&s).is_some() {
        return Ok(CodeSystem::Cpt);
    }
    Ok(CodeSystem::Icd10cm)
}

fn warn(w: &Option<String>) {
    if let Some(w) = w {
        output::warn(w);
    }
}

fn pcs_validation_json(code: &str, v: &PcsValidation) -> Value {
    json!({
        "input": code,
        "code": code.trim().to_ascii_uppercase(),
        "system": "icd10pcs",
        "valid": v.is_valid(),
        "billable": v.is_valid(),
        "reason": if v.is_valid() { "valid".to_string() } else { v.to_string() },
    })
}

pub fn pcs_lookup(data_dir: &Path, dos: Date, code: &str, json: bool) -> anyhow::Result<ExitCode> {
    let (set, info, w) = Catalog::open(data_dir)?.load_pcs_for_date(dos)?;
    warn(&w);
    match set.explain(code) {
        Ok(x) => {
            if json {
                let axes: Vec<Value> = x
                    .axes
                    .iter()
                    .map(|a| json!({"position": a.position, "axis": a.title, "character": a.character.to_string(), "label": a.label}))
                    .collect();
                let terms: Vec<Value> = x
                    .terms
                    .iter()
                    .map(|t| json!({"position": t.position, "axis": t.axis, "titles": t.titles, "definition": t.definition, "explanation": t.explanation}))
                    .collect();
                output::json(&json!({
                    "code": x.code, "system": "icd10pcs", "valid": true, "title": x.description,
                    "version": info.label, "axes": axes,
                    "operation_definition": x.operation_definition, "definitions": terms,
                }))?;
            } else {
                outln!("{}  {}", bold(&x.code), x.description)?;
                outln!("  valid ICD-10-PCS code ({})", info.label)?;
                for a in &x.axes {
                    outln!(
                        "  {} {:<14} {}  {}",
                        a.position,
                        a.title,
                        a.character,
                        a.label
                    )?;
                }
                if let Some(d) = x.operation_definition {
                    outln!("  definition: {d}")?;
                }
                for t in &x.terms {
                    if let Some(d) = t.definition.or(t.explanation) {
                        outln!("  {} {}: {}", t.axis, t.titles.join(", "), clip(d, 110))?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(v) => {
            if json {
                output::json(&pcs_validation_json(code, &v))?;
            } else {
                eprintln!("{}: {v}", code.trim());
            }
            Ok(ExitCode::from(1))
        }
    }
}

pub fn pcs_validate(
    data_dir: &Path,
    dos: Date,
    codes: &[String],
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (set, _, w) = Catalog::open(data_dir)?.load_pcs_for_date(dos)?;
    warn(&w);
    let results: Vec<(String, PcsValidation)> =
        codes.iter().map(|c| (c.clone(), set.validate(c))).collect();
    let ok = results.iter().all(|(_, v)| v.is_valid());
    if json {
        let out: Vec<Value> = results
            .iter()
            .map(|(c, v)| pcs_validation_json(c, v))
            .collect();
        output::json(&out)?;
    } else {
        for (c, v) in &results {
            if v.is_valid() {
                outln!("ok  {:<9} {}", c, set.describe(c).unwrap_or_default())?;
            } else {
                outln!("ERR {:<9} {v}", c)?;
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn pcs_search(
    data_dir: &Path,
    dos: Date,
    query: &str,
    limit: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (set, _, w) = Catalog::open(data_dir)?.load_pcs_for_date(dos)?;
    warn(&w);
    let hits = set.search(query, limit);
    if json {
        let out: Vec<Value> = hits
            .iter()
            .map(|h| {
                json!({
                    "code": h.code, "title": h.description, "complete": h.complete,
                    "billable": h.complete, "why": h.why,
                    "next": h.next.as_ref().map(|n| json!({"position": n.position, "axis": n.axis,
                        "options": n.options.iter().map(|(c, l)| json!({"character": c.to_string(), "label": l})).collect::<Vec<_>>()})),
                })
            })
            .collect();
        output::json(&out)?;
    } else if hits.is_empty() {
        outln!("no ICD-10-PCS codes match \"{query}\"")?;
    } else {
        for h in &hits {
            let status = if h.complete {
                "valid code"
            } else {
                "choose more"
            };
            outln!(
                "{:<9} {:<12} {}",
                bold(&h.code),
                status,
                clip(&h.description, 100)
            )?;
            if let Some(n) = &h.next {
                let opts: Vec<String> = n
                    .options
                    .iter()
                    .take(8)
                    .map(|(c, l)| format!("{c} {l}"))
                    .collect();
                outln!(
                    "{:23}next: {} — {}",
                    "",
                    n.axis,
                    clip(&opts.join("; "), 100)
                )?;
            }
            outln!("{:23}↳ {}", "", clip(&h.why.join("; "), 110))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The axis-by-axis builder: offers only the values valid after what was chosen.
pub fn pcs_build(data_dir: &Path, dos: Date, prefix: &str, json: bool) -> anyhow::Result<ExitCode> {
    let (set, _, w) = Catalog::open(data_dir)?.load_pcs_for_date(dos)?;
    warn(&w);
    let mut code = prefix.trim().to_ascii_uppercase();
    if code.len() > 7 {
        anyhow::bail!("\"{prefix}\" is longer than an ICD-10-PCS code (7 characters)");
    }
    let interactive = !json && std::io::stdin().is_terminal();
    loop {
        if code.len() == 7 {
            match set.explain(&code) {
                Ok(x) => {
                    if json {
                        output::json(
                            &json!({"code": x.code, "complete": true, "title": x.description}),
                        )?;
                    } else {
                        outln!("{}  {}", bold(&x.code), x.description)?;
                    }
                    return Ok(ExitCode::SUCCESS);
                }
                Err(v) => {
                    eprintln!("{code}: {v}");
                    return Ok(ExitCode::from(1));
                }
            }
        }
        let options = set.options(&code);
        if options.is_empty() {
            eprintln!("{code}: no ICD-10-PCS code starts with this");
            return Ok(ExitCode::from(1));
        }
        let axis = set.next_axis_title(&code).unwrap_or("value").to_string();
        if !interactive {
            if json {
                let opts: Vec<Value> = options
                    .iter()
                    .map(|(c, l)| json!({"character": c.to_string(), "label": l}))
                    .collect();
                output::json(
                    &json!({"prefix": code, "position": code.len() + 1, "axis": axis, "options": opts}),
                )?;
            } else {
                outln!(
                    "{} — choose {} (position {}):",
                    if code.is_empty() { "ICD-10-PCS" } else { &code },
                    axis,
                    code.len() + 1
                )?;
                for (c, l) in &options {
                    outln!("  {c}  {l}")?;
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        // A single allowed value needs no question.
        if let [(c, l)] = options.as_slice() {
            outln!("{axis}: {c} {l} (the only value allowed)")?;
            code.push(*c);
            continue;
        }
        outln!(
            "\n{} — {} (position {}):",
            if code.is_empty() { "ICD-10-PCS" } else { &code },
            bold(&axis),
            code.len() + 1
        )?;
        for (c, l) in &options {
            outln!("  {c}  {l}")?;
        }
        print!("choose (empty to stop): ");
        std::io::stdout().flush()?;
        let mut line = String::new();
        if std::io::stdin().lock().read_line(&mut line)? == 0 || line.trim().is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
        let pick = line.trim().to_ascii_uppercase();
        match options.iter().find(|(c, _)| pick.starts_with(*c)) {
            Some((c, _)) => code.push(*c),
            None => outln!("\"{pick}\" is not one of the values offered")?,
        }
    }
}

fn hcpcs_code_json(c: &hcpcs::HcpcsCode) -> Value {
    serde_json::to_value(c).unwrap_or(Value::Null)
}

pub fn hcpcs_lookup(
    data_dir: &Path,
    dos: Date,
    code: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (set, info, w) = Catalog::open(data_dir)?.load_hcpcs_for_date(dos)?;
    warn(&w);
    if let Some(c) = set.lookup(code) {
        let valid = c.is_valid_on(dos);
        if json {
            let mut v = hcpcs_code_json(c);
            if let Value::Object(m) = &mut v {
                m.insert("system".into(), json!("hcpcs"));
                m.insert("title".into(), json!(c.long_description));
                m.insert("valid".into(), json!(valid));
                m.insert("billable".into(), json!(valid));
                m.insert("version".into(), json!(info.label));
            }
            output::json(&v)?;
        } else {
            outln!("{}  {}", bold(&c.code), c.long_description)?;
            outln!("  short: {}", c.short_description)?;
            outln!(
                "  {} on {dos} ({})",
                if valid { "valid" } else { "NOT valid" },
                info.label
            )?;
            outln!(
                "  added {}, action {:?}{}",
                c.added,
                c.action,
                c.terminated
                    .map(|t| format!(", terminated after {t}"))
                    .unwrap_or_default()
            )?;
            outln!("  coverage: {:?}", c.coverage)?;
        }
        return Ok(if valid {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    if let Some(m) = set.modifier(code) {
        match m {
            ModifierRef::LevelII(m) => {
                if json {
                    let mut v = serde_json::to_value(m).unwrap_or(Value::Null);
                    if let Value::Object(o) = &mut v {
                        o.insert("system".into(), json!("hcpcs"));
                        o.insert("modifier".into(), json!(true));
                        o.insert("title".into(), json!(m.long_description));
                        o.insert("valid".into(), json!(m.is_valid_on(dos)));
                    }
                    output::json(&v)?;
                } else {
                    outln!("modifier {}  {}", bold(&m.code), m.long_description)?;
                }
            }
            ModifierRef::Cpt(code) => {
                if json {
                    output::json(
                        &json!({"code": code, "modifier": true, "system": "cpt", "valid": true,
                        "title": null, "note": "a CPT modifier: known by number; its description is licensed by the AMA"}),
                    )?;
                } else {
                    outln!(
                        "modifier {code}: a CPT modifier (its description is licensed by the AMA)"
                    )?;
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let v = set.validate(code, dos);
    if json {
        output::json(
            &json!({"input": code, "valid": false, "billable": false, "reason": v.to_string()}),
        )?;
    } else {
        eprintln!("{v}");
    }
    Ok(ExitCode::from(1))
}

pub fn hcpcs_validate(
    data_dir: &Path,
    dos: Date,
    codes: &[String],
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (set, _, w) = Catalog::open(data_dir)?.load_hcpcs_for_date(dos)?;
    warn(&w);
    let results: Vec<(String, HcpcsValidity<'_>)> = codes
        .iter()
        .map(|c| (c.clone(), set.validate(c, dos)))
        .collect();
    let ok = results.iter().all(|(_, v)| v.is_valid());
    if json {
        let out: Vec<Value> = results
            .iter()
            .map(|(c, v)| {
                json!({"input": c, "code": c.trim().to_ascii_uppercase(), "system": "hcpcs",
                "valid": v.is_valid(), "billable": v.is_valid(), "reason": v.to_string()})
            })
            .collect();
        output::json(&out)?;
    } else {
        for (c, v) in &results {
            outln!("{} {:<9} {v}", if v.is_valid() { "ok " } else { "ERR" }, c)?;
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn hcpcs_search(
    data_dir: &Path,
    dos: Date,
    query: &str,
    limit: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (set, _, w) = Catalog::open(data_dir)?.load_hcpcs_for_date(dos)?;
    warn(&w);
    let hits = set.search_on(query, dos, limit);
    if json {
        let out: Vec<Value> = hits
            .iter()
            .map(|h| json!({"code": h.code, "title": h.long_description, "short": h.short_description,
                "billable": h.terminated.is_none_or(|t| t >= dos), "terminated": h.terminated.map(|t| t.to_string()),
                "score": h.score, "why": h.why()}))
            .collect();
        output::json(&out)?;
    } else if hits.is_empty() {
        outln!("no HCPCS codes match \"{query}\"")?;
    } else {
        for h in &hits {
            let status = match h.terminated {
                Some(t) if t < dos => format!("ended {t}"),
                _ => "valid".to_string(),
            };
            outln!(
                "{:<7} {:<16} {}",
                bold(h.code),
                status,
                clip(h.long_description, 100)
            )?;
            outln!("{:24}↳ {}", "", clip(&h.why(), 110))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// CPT: a licensed file when imported, otherwise the format only.
pub fn cpt_validate(
    data_dir: &Path,
    dos: Date,
    codes: &[String],
    json: bool,
) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::open(data_dir)?;
    let loaded = catalog.load_cpt_for_date(dos).ok();
    let mut out = Vec::new();
    let mut ok = true;
    for c in codes {
        let shape = hcpcs::cpt_shape(c);
        let (valid, reason, title) = match (&loaded, shape) {
            (_, None) => (
                false,
                "not a CPT code: 5 digits, or 4 digits and F, T or U".to_string(),
                None,
            ),
            (Some((set, info, _)), Some(_)) => match set.lookup(c) {
                Some(code) => (
                    true,
                    format!("in {}", info.label),
                    Some(code.description.clone()),
                ),
                None => (
                    false,
                    format!("not in the imported CPT file ({})", info.label),
                    None,
                ),
            },
            (None, Some(kind)) => (
                true,
                format!("{kind:?}: format checked (no licensed CPT file imported)"),
                None,
            ),
        };
        ok &= valid;
        out.push(json!({"input": c, "code": c.trim().to_ascii_uppercase(), "system": "cpt", "valid": valid,
            "billable": valid, "reason": reason, "title": title}));
    }
    if json {
        output::json(&out)?;
    } else {
        for v in &out {
            outln!(
                "{} {:<9} {}{}",
                if v["valid"] == true { "ok " } else { "ERR" },
                v["input"].as_str().unwrap_or(""),
                v["reason"].as_str().unwrap_or(""),
                v["title"]
                    .as_str()
                    .map(|t| format!(" — {t}"))
                    .unwrap_or_default()
            )?;
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Place of service codes (CMS list): one, or all.
pub fn place_of_service(code: Option<&str>, dos: Date, json: bool) -> anyhow::Result<ExitCode> {
    let list: Vec<&hcpcs::PlaceOfService> = match code {
        Some(c) => match hcpcs::place_of_service(c) {
            Some(p) => vec![p],
            None => {
                eprintln!("\"{c}\" is not a place of service code (two digits, 01-99)");
                return Ok(ExitCode::from(1));
            }
        },
        None => hcpcs::places_of_service().iter().collect(),
    };
    let valid_all = list.iter().all(|p| p.is_valid_on(dos));
    if json {
        let out: Vec<Value> = list
            .iter()
            .map(|p| {
                json!({"code": p.code, "name": p.name, "assigned": p.is_assigned(),
                "effective": p.effective.map(|d| d.to_string()), "valid": p.is_valid_on(dos)})
            })
            .collect();
        output::json(&out)?;
    } else {
        for p in &list {
            outln!(
                "{}  {}{}",
                p.code,
                if p.is_assigned() {
                    p.name
                } else {
                    "Unassigned"
                },
                p.effective
                    .map(|d| format!(" (from {d})"))
                    .unwrap_or_default()
            )?;
        }
    }
    Ok(if code.is_some() && !valid_all {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Claim frequency type codes (CLM05-3).
pub fn claim_frequency(code: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    let list: Vec<&hcpcs::ClaimFrequency> = match code {
        Some(c) => match hcpcs::claim_frequency(c) {
            Some(f) => vec![f],
            None => {
                eprintln!("\"{c}\" is not a claim frequency code");
                return Ok(ExitCode::from(1));
            }
        },
        None => hcpcs::claim_frequencies().iter().collect(),
    };
    if json {
        let out: Vec<Value> = list
            .iter()
            .map(|f| json!({"code": f.code.to_string(), "name": f.name, "professional_name": f.professional_name,
                "usage": format!("{:?}", f.usage), "refers_to_prior_claim": f.refers_to_prior_claim()}))
            .collect();
        output::json(&out)?;
    } else {
        for f in &list {
            outln!(
                "{}  {}{}",
                f.code,
                f.professional_name.unwrap_or(f.name),
                if f.refers_to_prior_claim() {
                    "  (needs the payer's claim control number)"
                } else {
                    ""
                }
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `rcm codes index PATH`: walks the index or a table and shows codes, cross references
/// and the next level.
pub fn index_walk(
    data_dir: &Path,
    dos: Date,
    path: &str,
    table: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    use rcm_codes::cmindex::{IndexKind, IndexSet};
    let system_of = |k: IndexKind| match k {
        IndexKind::Alphabetic => CodeSystem::Icd10cmIndex,
        IndexKind::ExternalCause => CodeSystem::Icd10cmExternalCauseIndex,
        IndexKind::Drugs => CodeSystem::Icd10cmDrugTable,
        IndexKind::Neoplasms => CodeSystem::Icd10cmNeoplasmTable,
    };
    let wanted = match table {
        Some(t) => Some(
            CodeSystem::parse(t)
                .filter(|s| {
                    matches!(
                        s,
                        CodeSystem::Icd10cmIndex
                            | CodeSystem::Icd10cmExternalCauseIndex
                            | CodeSystem::Icd10cmDrugTable
                            | CodeSystem::Icd10cmNeoplasmTable
                    )
                })
                .ok_or_else(|| {
                    anyhow::anyhow!("--table \"{t}\" is not one of index, eindex, drugs, neoplasms")
                })?,
        ),
        None => None,
    };
    let (sets, warnings) = Catalog::open(data_dir)?.load_indexes_for_date(dos)?;
    for w in &warnings {
        output::warn(w);
    }
    let candidates: Vec<&IndexSet> = sets
        .iter()
        .filter(|s| wanted.is_none_or(|w| system_of(s.kind()) == w))
        .collect();
    if candidates.is_empty() {
        anyhow::bail!(
            "no ICD-10-CM index or table{} is imported: import the CMS index files with `rcm codes import`",
            table.map(|t| format!(" ({t})")).unwrap_or_default()
        );
    }
    // The first index or table where the whole path walks; else the one that got furthest.
    let mut chosen: Option<(&IndexSet, rcm_codes::cmindex::IndexWalk<'_>)> = None;
    for set in &candidates {
        let walk = set.walk(path);
        if walk.entry().is_some() {
            chosen = Some((set, walk));
            break;
        }
        let better = match &chosen {
            None => true,
            Some((_, b)) => b.deepest().is_none() && walk.deepest().is_some(),
        };
        if better {
            chosen = Some((set, walk));
        }
    }
    let Some((set, walk)) = chosen else {
        anyhow::bail!("nothing to walk");
    };
    let found = walk.entry();
    let at = walk.deepest();
    if json {
        let entry = at.map(|e| {
            json!({
                "path": e.path_string(),
                "title": e.printed_title(),
                "codes": e.codes().iter().map(|c| json!({"code": c.code.as_str(), "describe": c.describe()})).collect::<Vec<_>>(),
                "see": e.cross_references().iter().map(|c| c.describe()).collect::<Vec<_>>(),
                "children": e.children().map(|c| c.printed_title().to_string()).collect::<Vec<_>>(),
            })
        });
        output::json(&json!({
            "query": path, "table": set.kind().describe(), "found": found.is_some(),
            "entry": entry, "unmatched": walk.unmatched(),
            "alternatives": walk.alternatives().iter().map(|a| a.path_string()).collect::<Vec<_>>(),
        }))?;
    } else {
        match at {
            None => outln!("\"{path}\" is not in the {}", set.kind().describe())?,
            Some(e) => {
                outln!("{}  ({})", bold(&e.path_string()), set.kind().describe())?;
                if found.is_none() {
                    outln!("  stopped here; not found: {}", walk.unmatched().join(", "))?;
                }
                for c in e.codes() {
                    outln!("  → {}", c.describe())?;
                }
                for r in e.cross_references() {
                    outln!("  {}", r.describe())?;
                }
                let kids: Vec<String> = e
                    .children()
                    .map(|c| c.printed_title().to_string())
                    .collect();
                if !kids.is_empty() {
                    outln!("  next level: {}", clip(&kids.join("; "), 200))?;
                }
                for a in walk.alternatives() {
                    outln!("  also: {}", a.path_string())?;
                }
            }
        }
    }
    Ok(if found.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
