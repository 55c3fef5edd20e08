//! `rcm codes …`: import, stats, versions, lookup, validate, search, children, notes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use indicatif::ProgressBar;
use jiff::civil::Date;
use rcm_codes::{
    Catalog, CodeRange, CodeRef, CodeSet, CodeSystem, ImportOptions, ImportStatus, NodeRef,
    Progress, Reason, Release, SearchOptions,
};
use serde::Serialize;

use crate::outln;
use crate::output::{self, bold, clip};

#[derive(Args, Debug)]
pub struct CodesArgs {
    #[command(subcommand)]
    pub command: CodesCommand,
}

#[derive(Args, Debug, Clone, Default)]
pub struct DateArgs {
    /// Answer from the version in effect on this date of service (YYYY-MM-DD); default today.
    #[arg(long = "date-of-service", visible_alias = "dos", value_name = "DATE")]
    pub date_of_service: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum CodesCommand {
    /// Import official files: ICD-10-CM tabular or order file, ICD-10-PCS tables (with
    /// their index and definitions), HCPCS file (text or Excel), a licensed CPT file, or a
    /// zip/wheel holding them. Several files given together form one release.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Year of the release (fiscal year for ICD-10), when the file does not state it.
        #[arg(long, visible_alias = "year")]
        fiscal_year: Option<i16>,
        /// Release: october or april (ICD-10); january, april, july or october (HCPCS quarters).
        #[arg(long, value_parser = parse_release)]
        release: Option<Release>,
        /// Refuse the file unless its SHA-256 is this (hex).
        #[arg(long, value_name = "HEX")]
        expect_sha256: Option<String>,
        /// Replace a version already imported from a different file.
        #[arg(long)]
        replace: bool,
    },
    /// Counts of the version in effect: codes, billable codes, notes.
    Stats {
        #[command(flatten)]
        date: DateArgs,
        /// icd10cm (default), pcs, hcpcs or cpt.
        #[arg(long)]
        system: Option<String>,
    },
    /// Every imported version with its dates and source.
    Versions,
    /// A code: title (with its 7th character's meaning), billable, ancestors, every note.
    Lookup {
        code: String,
        #[command(flatten)]
        date: DateArgs,
        /// icd10cm, pcs, hcpcs or cpt (default: from the code's shape, else icd10cm).
        #[arg(long)]
        system: Option<String>,
    },
    /// Is each code valid and billable on the date of service? Exit 1 if any is not.
    Validate {
        #[arg(required = true)]
        codes: Vec<String>,
        #[command(flatten)]
        date: DateArgs,
        /// icd10cm, pcs, hcpcs or cpt (default: from the first code's shape, else icd10cm).
        #[arg(long)]
        system: Option<String>,
    },
    /// Ranked search over titles, inclusion terms, abbreviations and lay terms.
    Search {
        query: Vec<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Only codes valid on a claim.
        #[arg(long)]
        billable: bool,
        /// Only codes in this range (E08-E13, S72).
        #[arg(long)]
        range: Option<String>,
        #[command(flatten)]
        date: DateArgs,
        /// icd10cm (default), pcs or hcpcs.
        #[arg(long)]
        system: Option<String>,
    },
    /// Build an ICD-10-PCS code axis by axis, offered only the values valid at each step.
    Build {
        /// Characters already chosen (e.g. 0DT).
        #[arg(default_value = "")]
        prefix: String,
        /// The code system to build in: pcs.
        #[arg(long, default_value = "pcs")]
        system: String,
        #[command(flatten)]
        date: DateArgs,
    },
    /// Place of service codes (CMS list): one, or all.
    Pos {
        code: Option<String>,
        #[command(flatten)]
        date: DateArgs,
    },
    /// Claim frequency type codes (CLM05-3): 1 original, 7 replacement, 8 void, …
    Frequency { code: Option<String> },
    /// Walk the ICD-10-CM index like a coder: "Fracture, femur, neck"; a table row:
    /// "Aspirin" (drugs), "lung" (neoplasms).
    Index {
        path: Vec<String>,
        /// index (diseases), eindex (external causes), drugs or neoplasms; default: every
        /// imported one, first match wins.
        #[arg(long)]
        table: Option<String>,
        #[command(flatten)]
        date: DateArgs,
    },
    /// The codes directly below a code (or chapter/section), with billable status.
    Children {
        code: String,
        #[command(flatten)]
        date: DateArgs,
    },
    /// Added, deleted and revised codes between two imported versions (by version id).
    Diff {
        /// The older version id, as `rcm codes versions` lists it.
        old: String,
        /// The newer version id.
        new: String,
    },
    /// Every instructional note that applies to a code, and where it is written.
    Notes {
        code: String,
        #[command(flatten)]
        date: DateArgs,
    },
}

fn parse_release(s: &str) -> Result<Release, String> {
    Release::parse(s).ok_or_else(|| format!("\"{s}\" is not a release: use october or april"))
}

pub fn date_of_service(args: &DateArgs) -> anyhow::Result<Date> {
    match &args.date_of_service {
        Some(s) => s
            .parse::<Date>()
            .with_context(|| format!("--date-of-service \"{s}\" is not a date (YYYY-MM-DD)")),
        None => Ok(jiff::ZonedDateTime::now().date()),
    }
}

impl Progress for output::Bar {
    fn stage(&self, name: &str, total: u64) {
        self.show_stage(name, total);
    }
    fn set(&self, done: u64) {
        self.show_done(done);
    }
    fn finish(&self) {
        self.clear();
    }
}

/// Opens the version in effect, printing the scheduled-end warning on stderr.
pub fn open_for_date(
    catalog: &Catalog,
    date: &DateArgs,
) -> anyhow::Result<(CodeSet, Option<String>)> {
    let dos = date_of_service(date)?;
    let (set, warning) = catalog.load_for_date(CodeSystem::Icd10cm, dos)?;
    if let Some(w) = &warning {
        output::warn(w);
    }
    Ok((set, warning))
}

pub fn run(args: CodesArgs, data_dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
    // The catalog is read once per command.
    let mut catalog = Catalog::open(data_dir)?;
    match args.command {
        CodesCommand::Import {
            paths,
            fiscal_year,
            release,
            expect_sha256,
            replace,
        } => {
            let opts = ImportOptions {
                fiscal_year,
                release,
                expect_sha256,
                replace,
            };
            let bar = output::Bar(ProgressBar::new(0));
            let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
            let reports = catalog.import_many(&paths, &opts, &bar)?;
            if json {
                output::json(&reports)?;
            } else {
                for r in &reports {
                    let v = &r.version;
                    let what = match r.status {
                        ImportStatus::Imported => "imported",
                        ImportStatus::Replaced => "replaced",
                        ImportStatus::Unchanged => "already imported, nothing changed:",
                    };
                    let counted = match v.system {
                        CodeSystem::Icd10cm | CodeSystem::Icd10pcs => {
                            format!("{} codes, {} billable", v.counts.codes, v.counts.billable)
                        }
                        CodeSystem::Hcpcs => format!(
                            "{} codes ({} in effect at the end of the file), {} modifiers",
                            v.counts.codes,
                            v.counts.billable,
                            v.counts.details.get("modifiers").copied().unwrap_or(0)
                        ),
                        CodeSystem::Cpt => format!("{} codes", v.counts.codes),
                        _ => format!(
                            "{} entries referring to {} codes",
                            v.counts.details.get("entries").copied().unwrap_or(0),
                            v.counts.codes
                        ),
                    };
                    outln!(
                        "{what} {} — {counted}, effective {} to {} ({} ms)",
                        v.label,
                        v.effective,
                        v.scheduled_end,
                        r.elapsed_ms
                    )?;
                    outln!("  source {} sha256 {}", v.source.name, v.source.sha256)?;
                    let mut others = 0;
                    for s in &r.skipped {
                        if s.kind == rcm_codes::FileKind::Unknown {
                            others += 1;
                        } else {
                            outln!("  skipped {} ({}): {}", s.name, s.kind.describe(), s.reason)?;
                        }
                    }
                    if others > 0 {
                        outln!("  ({others} other files in the archive are not code-set files)")?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CodesCommand::Stats { date, system } => {
            let system = crate::systems_cmd::system_for(system.as_deref(), None)?;
            if system != CodeSystem::Icd10cm {
                let eff = catalog.in_effect(system, date_of_service(&date)?)?;
                if let Some(w) = &eff.warning {
                    output::warn(w);
                }
                let i = &eff.info;
                if json {
                    output::json(&serde_json::json!({
                        "version": i.id, "label": i.label, "system": system.slug(),
                        "codes": i.counts.codes, "billable": i.counts.billable, "details": i.counts.details,
                        "effective": i.effective.to_string(), "scheduled_end": i.scheduled_end.to_string(),
                        "warning": eff.warning,
                    }))?;
                } else {
                    outln!("{}", bold(&i.label))?;
                    outln!("  codes              {:>7}", i.counts.codes)?;
                    for (k, v) in &i.counts.details {
                        outln!("  {:<18} {:>7}", k.replace('_', " "), v)?;
                    }
                    outln!(
                        "  effective          {} to {}",
                        i.effective,
                        i.scheduled_end
                    )?;
                }
                return Ok(ExitCode::SUCCESS);
            }
            let (set, warning) = open_for_date(&catalog, &date)?;
            let info = set.info();
            #[derive(Serialize)]
            struct Stats<'a> {
                version: &'a str,
                label: &'a str,
                codes: u32,
                billable: u32,
                headers: u32,
                chapters: u32,
                sections: u32,
                notes: u32,
                search_terms: u32,
                effective: String,
                scheduled_end: String,
                #[serde(skip_serializing_if = "Option::is_none")]
                warning: Option<String>,
            }
            let c = &info.counts;
            let stats = Stats {
                version: &info.id,
                label: &info.label,
                codes: c.codes,
                billable: c.billable,
                headers: c.headers,
                chapters: c.chapters,
                sections: c.sections,
                notes: c.notes,
                search_terms: c.search_terms,
                effective: info.effective.to_string(),
                scheduled_end: info.scheduled_end.to_string(),
                warning,
            };
            if json {
                output::json(&stats)?;
            } else {
                outln!("{}", bold(&info.label))?;
                outln!("  codes and headers  {:>7}", c.codes)?;
                outln!("  billable           {:>7}", c.billable)?;
                outln!("  headers            {:>7}", c.headers)?;
                outln!("  chapters           {:>7}", c.chapters)?;
                outln!("  sections           {:>7}", c.sections)?;
                outln!("  notes              {:>7}", c.notes)?;
                outln!(
                    "  effective          {} to {}",
                    info.effective,
                    info.scheduled_end
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        CodesCommand::Versions => {
            let versions = catalog.versions();
            if json {
                output::json(&versions)?;
            } else if versions.is_empty() {
                outln!("no code sets imported in {}", catalog.dir().display())?;
            } else {
                outln!(
                    "{:<24} {:<10} {:<10} {:>7} {:>8}  source",
                    "version",
                    "effective",
                    "ends",
                    "codes",
                    "billable"
                )?;
                for v in versions {
                    outln!(
                        "{:<24} {:<10} {:<10} {:>7} {:>8}  {} ({}…)",
                        v.id,
                        v.effective.to_string(),
                        v.scheduled_end.to_string(),
                        v.counts.codes,
                        v.counts.billable,
                        v.source.name,
                        &v.source.sha256[..12.min(v.source.sha256.len())]
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CodesCommand::Lookup { code, date, system } => {
            let dos = date_of_service(&date)?;
            match crate::systems_cmd::system_for(system.as_deref(), Some(&code))? {
                CodeSystem::Icd10pcs => {
                    return crate::systems_cmd::pcs_lookup(data_dir, dos, &code, json);
                }
                CodeSystem::Hcpcs => {
                    return crate::systems_cmd::hcpcs_lookup(data_dir, dos, &code, json);
                }
                CodeSystem::Cpt => {
                    return crate::systems_cmd::cpt_validate(
                        data_dir,
                        dos,
                        std::slice::from_ref(&code),
                        json,
                    );
                }
                _ => {}
            }
            // A letter and four digits that is no ICD-10-CM code is a HCPCS code.
            let hcpcs_shaped = system.is_none()
                && rcm_codes::hcpcs::is_level_ii_shape(&code)
                && catalog.in_effect(CodeSystem::Hcpcs, dos).is_ok();
            let (set, warning) = match open_for_date(&catalog, &date) {
                Ok(x) => x,
                Err(_) if hcpcs_shaped => {
                    return crate::systems_cmd::hcpcs_lookup(data_dir, dos, &code, json);
                }
                Err(e) => return Err(e),
            };
            let Some(c) = set.lookup(&code) else {
                if hcpcs_shaped {
                    return crate::systems_cmd::hcpcs_lookup(data_dir, dos, &code, json);
                }
                let v = catalog.validate_on(&set, std::slice::from_ref(&code))?;
                if json {
                    output::json(&v[0])?;
                } else {
                    eprintln!("{}", v[0].message);
                }
                return Ok(ExitCode::from(1));
            };
            let mut detail = LookupJson::new(&set, c, warning);
            // Where the index and tables the user imported lead to this code.
            let (indexes, _) = catalog.load_indexes_for_date(dos)?;
            for index in &indexes {
                for r in index.entries_for_code(&detail.code).into_iter().take(20) {
                    detail.index.push(format!(
                        "{}: {} → {}",
                        index.kind().describe(),
                        r.path,
                        r.code.as_str()
                    ));
                }
            }
            if json {
                output::json(&detail)?;
            } else {
                print_lookup(&detail)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        CodesCommand::Validate {
            codes,
            date,
            system,
        } => {
            let dos = date_of_service(&date)?;
            match crate::systems_cmd::system_for(
                system.as_deref(),
                codes.first().map(String::as_str),
            )? {
                CodeSystem::Icd10pcs => {
                    return crate::systems_cmd::pcs_validate(data_dir, dos, &codes, json);
                }
                CodeSystem::Hcpcs => {
                    return crate::systems_cmd::hcpcs_validate(data_dir, dos, &codes, json);
                }
                CodeSystem::Cpt => {
                    return crate::systems_cmd::cpt_validate(data_dir, dos, &codes, json);
                }
                _ => {}
            }
            let (set, _) = open_for_date(&catalog, &date)?;
            let results = catalog.validate_on(&set, &codes)?;
            let all_ok = results.iter().all(|v| v.valid && v.billable);
            if json {
                output::json(&results)?;
            } else {
                for v in &results {
                    let mark = if v.billable { "ok " } else { "ERR" };
                    outln!("{mark} {:<10} {}", v.input, v.message)?;
                    if let Some(t) = &v.title
                        && v.reason == Reason::Billable
                    {
                        outln!("               {t}")?;
                    }
                    for s in v.suggestions.iter().take(8) {
                        outln!(
                            "      {} {:<9} {}",
                            if s.billable { "•" } else { "◦" },
                            s.code,
                            clip(&s.title, 90)
                        )?;
                    }
                    if v.reason == Reason::InvalidSeventh || v.reason == Reason::MissingSeventh {
                        for s in &v.allowed_seventh {
                            outln!("      7th {}  {}", s.character, s.meaning)?;
                        }
                    }
                }
            }
            Ok(if all_ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        CodesCommand::Search {
            query,
            limit,
            billable,
            range,
            date,
            system,
        } => {
            let query = query.join(" ");
            if query.trim().is_empty() {
                bail!("give words or a code to search for");
            }
            let dos = date_of_service(&date)?;
            match crate::systems_cmd::system_for(system.as_deref(), None)? {
                CodeSystem::Icd10pcs => {
                    return crate::systems_cmd::pcs_search(data_dir, dos, &query, limit, json);
                }
                CodeSystem::Hcpcs => {
                    return crate::systems_cmd::hcpcs_search(data_dir, dos, &query, limit, json);
                }
                CodeSystem::Icd10cm => {}
                other => bail!(
                    "search over {} is not available; search icd10cm, pcs or hcpcs",
                    other.label()
                ),
            }
            let range = match range {
                Some(r) => Some(CodeRange::parse(&r).with_context(|| {
                    format!("--range \"{r}\" is not a code range (E08-E13, S72)")
                })?),
                None => None,
            };
            let (set, _) = open_for_date(&catalog, &date)?;
            let opts = SearchOptions {
                limit,
                billable_only: billable,
                range,
            };
            // The index and tables, when imported, feed the search with their paths.
            let (indexes, _) = catalog.load_indexes_for_date(dos)?;
            let hits = set.search_with_indexes(&query, &opts, &indexes);
            if json {
                output::json(&hits)?;
            } else if hits.is_empty() {
                outln!("no codes match \"{query}\"")?;
            } else {
                for h in &hits {
                    let status = if h.billable {
                        "billable".to_string()
                    } else if let Some(chars) = &h.needs_seventh {
                        format!("needs 7th: {chars}")
                    } else {
                        "header".to_string()
                    };
                    outln!(
                        "{:<9} {:<16} {}",
                        bold(&h.code),
                        status,
                        clip(&h.title, 100)
                    )?;
                    outln!("{:26}↳ {}", "", clip(&h.why.join("; "), 110))?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CodesCommand::Children { code, date } => {
            let (set, _) = open_for_date(&catalog, &date)?;
            let node = find_node(&set, &code)?;
            #[derive(Serialize)]
            struct Child {
                code: String,
                title: String,
                billable: bool,
                kind: &'static str,
                children: usize,
            }
            let mut kids: Vec<Child> = node
                .children()
                .map(|c| Child {
                    code: c.code().to_string(),
                    title: c.title().to_string(),
                    billable: c.is_billable(),
                    kind: c.kind().label(),
                    children: c.child_count(),
                })
                .collect();
            // A code that takes a 7th character has its expansions as children.
            if kids.is_empty()
                && let Some(c) = set.lookup(node.code())
                && c.needs_seventh()
            {
                for s in node.seventh_characters() {
                    if let Some(x) = c
                        .key()
                        .with_seventh(s.character as u8)
                        .and_then(|k| set.get(k))
                    {
                        kids.push(Child {
                            code: x.dotted().to_string(),
                            title: x.title(),
                            billable: x.is_billable(),
                            kind: "code",
                            children: 0,
                        });
                    }
                }
            }
            if json {
                output::json(&kids)?;
            } else {
                outln!("{} {}", bold(node.code()), node.title())?;
                for k in &kids {
                    let status = if k.billable {
                        "billable".to_string()
                    } else {
                        format!("{} below", k.children)
                    };
                    outln!("  {:<10} {:<10} {}", k.code, status, clip(&k.title, 100))?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CodesCommand::Build {
            prefix,
            system,
            date,
        } => {
            if crate::systems_cmd::system_for(Some(&system), None)? != CodeSystem::Icd10pcs {
                bail!("the builder is for ICD-10-PCS: use --system pcs");
            }
            crate::systems_cmd::pcs_build(data_dir, date_of_service(&date)?, &prefix, json)
        }
        CodesCommand::Pos { code, date } => {
            crate::systems_cmd::place_of_service(code.as_deref(), date_of_service(&date)?, json)
        }
        CodesCommand::Frequency { code } => {
            crate::systems_cmd::claim_frequency(code.as_deref(), json)
        }
        CodesCommand::Index { path, table, date } => crate::systems_cmd::index_walk(
            data_dir,
            date_of_service(&date)?,
            &path.join(" "),
            table.as_deref(),
            json,
        ),
        CodesCommand::Diff { old, new } => {
            let (a, la) = listing(&catalog, &old)?;
            let (b, lb) = listing(&catalog, &new)?;
            if a.system != b.system {
                bail!(
                    "{old} is {} and {new} is {}: compare two versions of one code system",
                    a.system.label(),
                    b.system.label()
                );
            }
            let d = rcm_codes::diff::diff(&old, &la, &new, &lb);
            if json {
                output::json(&d)?;
            } else {
                outln!(
                    "{} → {}: {} added, {} deleted, {} revised",
                    a.label,
                    b.label,
                    d.added.len(),
                    d.deleted.len(),
                    d.revised.len()
                )?;
                for (title, list) in [("added", &d.added), ("deleted", &d.deleted)] {
                    if !list.is_empty() {
                        outln!("\n{}", bold(title))?;
                    }
                    for c in list {
                        let b = if c.billable { "billable" } else { "header" };
                        outln!("  {:<10} {:<9} {}", c.code, b, clip(&c.title, 100))?;
                    }
                }
                if !d.revised.is_empty() {
                    outln!("\n{}", bold("revised"))?;
                }
                for r in &d.revised {
                    if r.old_billable != r.new_billable {
                        let (from, to) = if r.old_billable {
                            ("billable", "header")
                        } else {
                            ("header", "billable")
                        };
                        outln!("  {:<10} {from} → {to}", r.code)?;
                    }
                    if r.old_title != r.new_title {
                        outln!("  {:<10} was: {}", r.code, clip(&r.old_title, 100))?;
                        outln!("  {:<10} now: {}", "", clip(&r.new_title, 100))?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CodesCommand::Notes { code, date } => {
            let (set, _) = open_for_date(&catalog, &date)?;
            let node = find_node(&set, &code)?;
            let notes: Vec<NoteJson> = node.notes().map(NoteJson::from).collect();
            if json {
                output::json(&notes)?;
            } else {
                outln!("{} {}", bold(node.code()), node.title())?;
                if notes.is_empty() {
                    outln!("  no instructional notes apply")?;
                }
                for n in &notes {
                    outln!("  {:<20} {}  [{}]", n.label, n.text, n.source)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A version's codes with titles, for diffs, whatever its code system.
fn listing(
    catalog: &Catalog,
    id: &str,
) -> anyhow::Result<(rcm_codes::VersionInfo, Vec<rcm_codes::diff::Listed>)> {
    use rcm_codes::diff::Listed;
    let (info, path, bytes) = catalog.read_version(id)?;
    let list = match info.system {
        CodeSystem::Icd10cm => catalog.load(id)?.listing(),
        CodeSystem::Icd10pcs => {
            let set = rcm_codes::pcs::PcsSet::from_bytes(&path, &bytes)?;
            let mut codes = set.expand("", usize::MAX);
            codes.sort();
            codes
                .into_iter()
                .map(|c| Listed {
                    title: set.describe(&c).unwrap_or_default(),
                    code: c,
                    billable: true,
                })
                .collect()
        }
        CodeSystem::Hcpcs => {
            let set = rcm_codes::hcpcs::HcpcsSet::from_bytes(&path, &bytes)?;
            let mut list: Vec<Listed> = set
                .codes()
                .iter()
                .map(|c| Listed {
                    code: c.code.clone(),
                    title: c.long_description.clone(),
                    billable: c.terminated.is_none(),
                })
                .collect();
            list.sort_by(|a, b| a.code.cmp(&b.code));
            list
        }
        other => bail!("diff of {} versions is not available", other.label()),
    };
    Ok((info, list))
}

fn find_node<'a>(set: &'a CodeSet, code: &str) -> anyhow::Result<NodeRef<'a>> {
    if let Some(c) = set.lookup(code) {
        return Ok(c.node());
    }
    // Chapters ("19") and sections ("S70-S79") are nodes without a code entry.
    let wanted = code.trim().to_ascii_uppercase();
    let mut stack: Vec<NodeRef<'a>> = set.chapters().collect();
    while let Some(n) = stack.pop() {
        if n.code().eq_ignore_ascii_case(&wanted) {
            return Ok(n);
        }
        if matches!(n.kind(), rcm_codes::NodeKind::Chapter) {
            stack.extend(n.children());
        }
    }
    let v = set.validate(code);
    bail!("{}", v.message)
}

#[derive(Serialize)]
pub struct NoteJson {
    pub kind: &'static str,
    pub label: &'static str,
    pub text: String,
    /// The code (or section, chapter) the note is written at.
    pub source: String,
}

impl From<rcm_codes::NoteRef<'_>> for NoteJson {
    fn from(n: rcm_codes::NoteRef<'_>) -> Self {
        NoteJson {
            kind: n.kind.element(),
            label: n.kind.label(),
            text: n.text.to_string(),
            source: source_name(n.source),
        }
    }
}

fn source_name(n: NodeRef<'_>) -> String {
    match n.kind() {
        rcm_codes::NodeKind::Chapter => format!("chapter {}", n.code()),
        rcm_codes::NodeKind::Section => format!("section {}", n.code()),
        _ => n.code().to_string(),
    }
}

#[derive(Serialize)]
pub struct AncestorJson {
    pub code: String,
    pub title: String,
    pub kind: &'static str,
}

#[derive(Serialize)]
pub struct SeventhJson {
    pub character: char,
    pub meaning: String,
    pub defined_at: String,
}

#[derive(Serialize)]
pub struct LookupJson {
    pub code: String,
    pub title: String,
    pub billable: bool,
    pub kind: &'static str,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seventh: Option<SeventhJson>,
    /// For a code that needs a 7th character: the allowed characters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_seventh: Vec<SeventhJson>,
    pub manifestation: bool,
    pub children: usize,
    pub ancestors: Vec<AncestorJson>,
    pub notes: Vec<NoteJson>,
    /// Index and table entries that lead to the code ("Table of Drugs and Chemicals:
    /// Aspirin → T39.011"), when the index family is imported.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub index: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

impl LookupJson {
    pub fn new(set: &CodeSet, c: CodeRef<'_>, warning: Option<String>) -> LookupJson {
        let node = c.node();
        let seventh_at = node
            .seventh_source()
            .map(|n| n.code().to_string())
            .unwrap_or_default();
        LookupJson {
            code: c.dotted().to_string(),
            title: c.title(),
            billable: c.is_billable(),
            kind: c.kind().label(),
            version: set.info().label.clone(),
            seventh: c.seventh().map(|s| SeventhJson {
                character: s.character,
                meaning: s.meaning.to_string(),
                defined_at: seventh_at.clone(),
            }),
            allowed_seventh: if c.needs_seventh() {
                node.seventh_characters()
                    .map(|s| SeventhJson {
                        character: s.character,
                        meaning: s.meaning.to_string(),
                        defined_at: seventh_at.clone(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            manifestation: c.is_manifestation(),
            children: node.child_count(),
            // A 7th-character code sits below the code it extends (S72.001A under S72.001).
            ancestors: c
                .seventh()
                .map(|_| node)
                .into_iter()
                .chain(node.ancestors())
                .map(|a| AncestorJson {
                    code: a.code().to_string(),
                    title: a.title().to_string(),
                    kind: a.kind().label(),
                })
                .collect(),
            notes: node.notes().map(NoteJson::from).collect(),
            index: Vec::new(),
            warning,
        }
    }
}

pub fn print_lookup(d: &LookupJson) -> std::io::Result<()> {
    outln!("{}  {}", bold(&d.code), d.title)?;
    let status = if d.billable {
        "billable (valid on a claim)".to_string()
    } else if !d.allowed_seventh.is_empty() {
        "not billable: needs a 7th character".to_string()
    } else {
        format!("not billable: header with {} codes below", d.children)
    };
    outln!("  {status}")?;
    if let Some(s) = &d.seventh {
        outln!(
            "  7th character {}: {} (defined at {})",
            s.character,
            s.meaning,
            s.defined_at
        )?;
    }
    for s in &d.allowed_seventh {
        outln!("  7th {}  {}", s.character, s.meaning)?;
    }
    if d.manifestation {
        outln!("  manifestation code: never first-listed; code the underlying condition first")?;
    }
    outln!("  version: {}", d.version)?;
    if !d.ancestors.is_empty() {
        outln!("  in:")?;
        for a in d.ancestors.iter().rev() {
            outln!("    {:<10} {}", a.code, a.title)?;
        }
    }
    for i in &d.index {
        outln!("  index: {i}")?;
    }
    if !d.notes.is_empty() {
        outln!("  notes:")?;
        for n in &d.notes {
            outln!("    {:<20} {}  [{}]", n.label, n.text, n.source)?;
        }
    }
    Ok(())
}
