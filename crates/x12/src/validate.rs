//! The validator: envelopes, implementation-guide structure and elements (through the tables),
//! and the business rules payers apply (balancing, totals, NPI check digits, diagnosis pointers,
//! HL structure, situational rules the tables cannot express). Also builds the 999 a receiver
//! would send back.

use crate::envelope::{Handler, TransactionSet, TxContext, drive_slice, drive_stream, recycle};
use crate::finding::{AckCode, Finding, Level, Location, Severity};
use crate::model::ack999::{Ack999, ElementError, SegmentError, TransactionAck};
use crate::parallel::{Event, drive_stream_batched};
use crate::reader::StreamReader;
use crate::schema::{self, spec_for};
use crate::segment::{Elements, Fields, Segment};
use crate::values::{Code, Date, Money, is_x12_char, npi_is_valid};
use crate::writer::{GroupHeader, InterchangeHeader, SegmentWriter};
use crate::{Delimiters, WriteError};
use std::collections::HashMap;
use std::io::Read;

/// Outcome of one transaction set, enough to write its AK2..IK5.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TxOutcome {
    /// Index into [`Report::contexts`]: the envelope is stored once per group, so a 1 GB file
    /// of many transactions keeps a few dozen bytes per transaction, not a copy of the envelope.
    pub context: usize,
    /// ST01, ST02, ST03.
    pub set_id: Code,
    pub set_control: Code,
    pub implementation: Code,
    pub segment_count: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Syntax findings mapped to IK3/IK4.
    #[serde(skip)]
    pub ack_segments: Vec<SegmentError>,
    /// IK502.. codes.
    pub ack_codes: Vec<String>,
}

impl TxOutcome {
    /// IK501: A accepted, E accepted with errors (warnings or business findings only), R rejected.
    pub fn status(&self) -> &'static str {
        if !self.ack_segments.is_empty() || !self.ack_codes.is_empty() {
            "R"
        } else if self.errors > 0 || self.warnings > 0 {
            "E"
        } else {
            "A"
        }
    }
}

/// A functional group as seen (for AK1/AK9).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct GroupOutcome {
    pub context: TxContext,
    pub declared_transactions: usize,
    pub codes: Vec<String>,
}

/// Everything the validator found.
#[derive(Debug, Default, serde::Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Envelope of each functional group seen, in order.
    pub contexts: Vec<TxContext>,
    pub transactions: Vec<TxOutcome>,
    pub groups: Vec<GroupOutcome>,
    /// Set when reading stopped early (truncated file, garbage, segment too long).
    pub fatal: Option<String>,
    pub bytes: u64,
    pub segments: u64,
    /// Transaction sets read, and those a 999 would accept (A or E), kept or not.
    pub transaction_count: u64,
    pub accepted_count: u64,
}

impl Report {
    pub fn error_count(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }
    pub fn is_clean(&self) -> bool {
        self.error_count() == 0 && self.fatal.is_none()
    }
}

/// Options of a validation run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Stop keeping findings after this many (a broken 1 GB file must not fill memory); they are
    /// still counted.
    pub max_findings: usize,
    pub max_transaction_bytes: usize,
    /// Keep one small outcome per transaction set (needed for a 999). Without it, memory does
    /// not grow with the number of transactions at all.
    pub keep_outcomes: bool,
    /// [`validate_reader_parallel`] hands sets to its threads in batches of about this many
    /// bytes (0: each set alone); the report does not depend on it.
    pub batch_bytes: usize,
    /// The installed external code lists (remark codes, claim status codes…); a code absent
    /// from its list is a warning. `None`: those elements are checked for shape only.
    pub code_lists: Option<std::sync::Arc<crate::codelists::CodeLists>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_findings: 10_000,
            max_transaction_bytes: crate::envelope::DEFAULT_MAX_TRANSACTION_BYTES,
            keep_outcomes: true,
            batch_bytes: crate::parallel::DEFAULT_BATCH_BYTES,
            code_lists: None,
        }
    }
}

/// The checks of one transaction set against its implementation guide: the walker (loops,
/// segments, elements) and the rules. It depends only on the set and its envelope context, so
/// sets can be checked on several threads ([`validate_reader_parallel`]).
#[derive(Default)]
pub struct SetChecker {
    /// Buffers kept empty from one transaction set to the next for their allocations.
    fields: Vec<Fields<'static>>,
    paths: Vec<schema::LoopPath>,
    ids: Vec<u32>,
    code_lists: Option<std::sync::Arc<crate::codelists::CodeLists>>,
}

impl SetChecker {
    /// A checker with the external code lists of `opts`.
    pub fn new(opts: &Options) -> SetChecker {
        SetChecker {
            code_lists: opts.code_lists.clone(),
            ..SetChecker::default()
        }
    }

    /// Everything the walker and the rules find in one transaction set.
    pub fn check(&mut self, ctx: &TxContext, segments: &[Segment<'_>]) -> Vec<Finding> {
        let mut findings: Vec<Finding> = Vec::new();
        // Each segment split into its elements once, for the walker and every rule (in buffers
        // kept from one transaction set to the next).
        let mut fields: Vec<Fields<'_>> = recycle(std::mem::take(&mut self.fields));
        let mut ids = std::mem::take(&mut self.ids);
        ids.clear();
        fields.reserve(segments.len());
        ids.reserve(segments.len());
        for s in segments {
            let f = s.fields();
            ids.push(id_code(f.get(0)));
            fields.push(f);
        }
        let mut paths = None;
        match spec_for(&ctx.version, &ctx.set_id) {
            Some(spec) => {
                let w = schema::walk_fields(
                    spec,
                    ctx,
                    &fields,
                    std::mem::take(&mut self.paths),
                    self.code_lists.as_deref(),
                );
                findings.extend(w.findings);
                paths = Some(w.paths);
            }
            None => {
                if let Some(st) = segments.first() {
                    findings.push(Finding {
                        severity: Severity::Warning,
                        level: Level::Syntax,
                        rule: "TX-UNSUPPORTED",
                        message: format!("transaction set {} version {} has no implementation-guide table here; only envelopes were checked", printable(&ctx.set_id), printable(&ctx.version)),
                        location: ctx.location(st, Some(1)),
                        ack: AckCode::None,
                    });
                }
            }
        }
        let loop_of = |pos: usize| {
            paths
                .as_ref()
                .and_then(|p: &Vec<schema::LoopPath>| p.get(pos - 1))
                .map(|p| p.loop_id.to_string())
        };
        let mut rules = Rules {
            ctx,
            out: Vec::new(),
            loop_of: &loop_of,
            ids: &ids,
        };
        rules.common(&fields);
        match ctx.set_id.as_str() {
            "835" => rules.remit835(&fields),
            "837" => {
                let inst = ctx.version.starts_with("005010X223");
                rules.claim837(&fields, inst);
                rules.claim837_cob(&fields, inst);
            }
            "999" => rules.ack999(&fields),
            "277" if ctx.version.starts_with("005010X214") => rules.status277(&fields),
            _ => {}
        }
        findings.extend(rules.out);
        if let Some(mut p) = paths {
            p.clear();
            self.paths = p;
        }
        self.fields = recycle(fields);
        self.ids = ids;
        findings
    }
}

impl crate::parallel::SetWorker for SetChecker {
    type Output = Vec<Finding>;
    fn work(&mut self, ctx: &TxContext, tx: TransactionSet<'_, '_>) -> Vec<Finding> {
        self.check(ctx, tx.segments)
    }
}

struct Validator {
    opts: Options,
    report: Report,
    pending_tx_codes: Vec<String>,
    pending_tx_findings: Vec<Finding>,
    /// AK905 codes of the group being read (its GroupOutcome is created at GE).
    pending_group_codes: Vec<String>,
    dropped: usize,
    checker: SetChecker,
}

impl Validator {
    fn new(opts: &Options) -> Self {
        Validator {
            opts: opts.clone(),
            report: Report::default(),
            pending_tx_codes: vec![],
            pending_tx_findings: vec![],
            pending_group_codes: vec![],
            dropped: 0,
            checker: SetChecker::new(opts),
        }
    }

    fn keep(&mut self, f: Finding) {
        if self.report.findings.len() < self.opts.max_findings {
            self.report.findings.push(f);
        } else {
            self.dropped += 1;
        }
    }

    /// Counts one transaction set's findings into the report and its 999 outcome. The envelope
    /// findings that concern this set arrived just before it and go first.
    fn record(&mut self, ctx: &TxContext, segment_count: usize, set_findings: Vec<Finding>) {
        let mut findings: Vec<Finding> = std::mem::take(&mut self.pending_tx_findings);
        findings.extend(set_findings);
        // Map to the 999.
        let same_group = self.report.contexts.last().is_some_and(|c| {
            c.interchange_control == ctx.interchange_control
                && c.group_control == ctx.group_control
                && c.version == ctx.version
        });
        if !same_group {
            let mut c = ctx.clone();
            c.set_id.clear();
            c.set_control.clear();
            c.implementation.clear();
            self.report.contexts.push(c);
        }
        let mut outcome = TxOutcome {
            context: self.report.contexts.len() - 1,
            set_id: Code::new(&ctx.set_id),
            set_control: Code::new(&ctx.set_control),
            implementation: Code::new(&ctx.implementation),
            segment_count,
            errors: 0,
            warnings: 0,
            ack_segments: Vec::new(),
            ack_codes: std::mem::take(&mut self.pending_tx_codes),
        };
        let mut by_pos: HashMap<(usize, String), usize> = HashMap::new();
        for f in &findings {
            match f.severity {
                Severity::Error => outcome.errors += 1,
                Severity::Warning => outcome.warnings += 1,
            }
            if f.severity != Severity::Error || f.level != Level::Syntax {
                continue;
            }
            let Some(pos) = f.location.position else {
                continue;
            };
            let idx = *by_pos
                .entry((pos, f.location.segment_id.clone()))
                .or_insert_with(|| {
                    outcome.ack_segments.push(SegmentError {
                        segment_id: f.location.segment_id.clone(),
                        position: pos,
                        loop_id: f
                            .location
                            .loop_id
                            .clone()
                            .filter(|l| l != "ST")
                            .unwrap_or_default(),
                        code: String::new(),
                        elements: vec![],
                    });
                    outcome.ack_segments.len() - 1
                });
            let se = &mut outcome.ack_segments[idx];
            match f.ack {
                AckCode::Element(code) => {
                    if se.code.is_empty() {
                        se.code = "8".into();
                    }
                    if let Some(el) = f.location.element {
                        se.elements.push(ElementError {
                            element: el,
                            component: f.location.component,
                            code: code.into(),
                        });
                    }
                }
                AckCode::Segment(code) => se.code = code.into(),
                _ => {}
            }
        }
        if !outcome.ack_segments.is_empty() && !outcome.ack_codes.iter().any(|c| c == "5") {
            outcome.ack_codes.push("5".into());
        }
        for f in findings {
            self.keep(f);
        }
        self.report.transaction_count += 1;
        if outcome.status() != "R" {
            self.report.accepted_count += 1;
        }
        if self.opts.keep_outcomes {
            self.report.transactions.push(outcome);
        }
    }
}

impl Handler for Validator {
    fn segment(&mut self, _ctx: &TxContext, _seg: &Segment<'_>) {
        self.report.segments += 1;
    }

    fn transaction(&mut self, ctx: &TxContext, segments: &[Segment<'_>]) {
        let findings = self.checker.check(ctx, segments);
        self.record(ctx, segments.len(), findings);
    }

    fn finding(&mut self, f: Finding) {
        match f.ack {
            AckCode::Transaction(code) => {
                self.pending_tx_codes.push(code.into());
                self.pending_tx_findings.push(f);
                return;
            }
            AckCode::Group(code) => self.pending_group_codes.push(code.into()),
            _ => {}
        }
        if f.rule == "READ" {
            self.report.fatal = Some(f.message.clone());
        }
        self.keep(f);
    }

    fn group_end(&mut self, ctx: &TxContext, declared: usize) {
        self.report.groups.push(GroupOutcome {
            context: ctx.clone(),
            declared_transactions: declared,
            codes: std::mem::take(&mut self.pending_group_codes),
        });
    }
}

/// Validates a whole file held in memory.
pub fn validate_bytes(input: &[u8], opts: &Options) -> Report {
    let mut v = Validator::new(opts);
    drive_slice(input, &mut v);
    finish(v, input.len() as u64)
}

/// Validates a stream in bounded memory.
pub fn validate_reader<R: Read>(reader: R, opts: &Options) -> Report {
    let mut v = Validator::new(opts);
    let mut counting = CountingReader {
        inner: reader,
        n: 0,
    };
    let mut sr = StreamReader::new(&mut counting);
    drive_stream(&mut sr, &mut v, opts.max_transaction_bytes);
    let n = counting.n;
    finish(v, n)
}

/// [`validate_reader`] with the transaction sets checked on `threads` worker threads (reading,
/// envelopes and the report stay in the calling thread). The report is the same, finding for
/// finding and in the same order; memory is bounded by a few sets per thread.
pub fn validate_reader_parallel<R: Read>(reader: R, opts: &Options, threads: usize) -> Report {
    let threads = threads.max(1);
    let mut v = Validator::new(opts);
    let mut counting = CountingReader {
        inner: reader,
        n: 0,
    };
    let mut sr = StreamReader::new(&mut counting);
    let workers: Vec<SetChecker> = (0..threads).map(|_| SetChecker::new(opts)).collect();
    let (_, segments) = drive_stream_batched(
        &mut sr,
        workers,
        opts.max_transaction_bytes,
        opts.batch_bytes,
        |event| match event {
            Event::Finding(f) => v.finding(f),
            Event::GroupEnd(ctx, declared) => v.group_end(&ctx, declared),
            Event::Set {
                ctx,
                segments,
                output,
            } => v.record(&ctx, segments, output),
        },
    );
    v.report.segments = segments;
    let n = counting.n;
    finish(v, n)
}

struct CountingReader<R> {
    inner: R,
    n: u64,
}
impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n += k as u64;
        Ok(k)
    }
}

fn finish(mut v: Validator, bytes: u64) -> Report {
    // Transaction findings left pending (no transaction followed) are still reported.
    let pending = std::mem::take(&mut v.pending_tx_findings);
    for f in pending {
        v.keep(f);
    }
    if v.dropped > 0 {
        let n = v.dropped;
        v.report.findings.push(Finding {
            severity: Severity::Error,
            level: Level::Envelope,
            rule: "FINDINGS-TRUNCATED",
            message: format!(
                "{n} more findings were not kept (limit {})",
                v.opts.max_findings
            ),
            location: Location::default(),
            ack: AckCode::None,
        });
    }
    v.report.bytes = bytes;
    v.report
}

/// The bytes when they are valid UTF-8, else empty (how `el_str` reads an element).
fn utf8_or_empty(b: &[u8]) -> &[u8] {
    if std::str::from_utf8(b).is_ok() {
        b
    } else {
        &[]
    }
}

/// A received identifier (segment ID, control number, version) as a 999 echoes it, at most `max`
/// characters (its element's length): these are alphanumeric by definition, and a garbled one
/// must not carry a delimiter or an overlong value into the 999 (the writer would refuse it, and
/// the sender would get no acknowledgment at all).
fn echo(s: &str, max: usize) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .take(max)
        .collect()
}

/// A received sender or receiver ID as the 999's envelope echoes it: characters outside the X12
/// set and the 999's own delimiters dropped, at most `max` characters, for the same reason as
/// [`echo`].
fn echo_text(s: &str, max: usize) -> String {
    let d = Delimiters::default();
    let ours = [
        Some(d.element),
        Some(d.component),
        Some(d.segment),
        d.repetition,
    ];
    s.bytes()
        .filter(|&b| is_x12_char(b) && !ours.contains(&Some(b)))
        .take(max)
        .map(char::from)
        .collect::<String>()
        .trim()
        .to_string()
}

fn printable(s: &str) -> String {
    let t: String = s
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(20)
        .collect();
    if t.is_empty() { "(empty)".into() } else { t }
}

struct Rules<'a, F: Fn(usize) -> Option<String>> {
    ctx: &'a TxContext,
    out: Vec<Finding>,
    loop_of: &'a F,
    /// Each segment's ID as [`id_code`], so a pass looking for a few IDs reads 4 bytes a
    /// segment, not its split elements.
    ids: &'a [u32],
}

/// A segment ID (two or three bytes) as one integer.
const fn id_code(id: &[u8]) -> u32 {
    let mut code = (id.len() as u32) << 24;
    let mut i = 0;
    while i < id.len() && i < 3 {
        code |= (id[i] as u32) << (8 * i);
        i += 1;
    }
    code
}

const ID_NM1: u32 = id_code(b"NM1");
const ID_DTP: u32 = id_code(b"DTP");
const ID_N1: u32 = id_code(b"N1");
const ID_HL: u32 = id_code(b"HL");

impl<F: Fn(usize) -> Option<String>> Rules<'_, F> {
    fn push<'s>(
        &mut self,
        sev: Severity,
        seg: &impl Elements<'s>,
        pos: usize,
        el: Option<usize>,
        rule: &'static str,
        msg: String,
    ) {
        let mut loc = self.ctx.location(seg.seg(), Some(pos));
        loc.loop_id = (self.loop_of)(pos);
        loc.element = el;
        self.out.push(Finding {
            severity: sev,
            level: Level::Business,
            rule,
            message: msg,
            location: loc,
            ack: AckCode::None,
        });
    }

    /// Rules for every transaction: NPI check digits, HL structure.
    fn common(&mut self, segs: &[Fields<'_>]) {
        // HL: HL01 increments from 1; HL02 names an earlier HL; parent levels fit; HL04 tells the truth.
        // id -> (level code, pos, has child); keys and codes borrow the segments.
        let mut levels: HashMap<&[u8], (&[u8], usize, bool)> = HashMap::new();
        let mut expected = 1u64;
        for (i, s) in segs.iter().enumerate() {
            // Most segments are none of these: decided without reading the segment.
            if !matches!(self.ids.get(i), Some(&(ID_NM1 | ID_DTP | ID_N1 | ID_HL))) {
                continue;
            }
            let pos = i + 1;
            let sid = s.id();
            if sid == b"NM1" && s.el(8) == b"XX" && !s.el(9).is_empty() && !npi_is_valid(s.el(9)) {
                self.push(Severity::Error, s, pos, Some(9), "NPI-CHECK-DIGIT", format!("NM109 is not a valid NPI (10 digits with a Luhn check digit over 80840 + the first nine) for entity {}", printable(s.el_str(1))));
            }
            if sid == b"DTP" && !self.ctx.set_id.starts_with("837") {
                // 837 calls check_dtp itself along with its claim rules.
                let _ = self.check_dtp(s, pos);
            }
            if sid == b"N1" && s.el(3) == b"XX" && !npi_is_valid(s.el(4)) {
                self.push(
                    Severity::Error,
                    s,
                    pos,
                    Some(4),
                    "NPI-CHECK-DIGIT",
                    "N104 is not a valid NPI (10 digits with a Luhn check digit)".into(),
                );
            }
            if sid != b"HL" {
                continue;
            }
            let (id_b, parent_b, code_b) = (s.el(1), s.el(2), s.el(3));
            // As text (empty when not UTF-8, as `el_str` reads it).
            let (id_b, parent_b, code_b) = (
                utf8_or_empty(id_b),
                utf8_or_empty(parent_b),
                utf8_or_empty(code_b),
            );
            let id = std::str::from_utf8(id_b).unwrap_or("");
            let parent = std::str::from_utf8(parent_b).unwrap_or("");
            let code = std::str::from_utf8(code_b).unwrap_or("");
            if id.parse::<u64>().ok() != Some(expected) {
                self.push(
                    Severity::Error,
                    s,
                    pos,
                    Some(1),
                    "HL-SEQUENCE",
                    format!(
                        "HL01 should be {expected}: hierarchical IDs start at 1 and increase by 1"
                    ),
                );
            }
            expected = id.parse::<u64>().map_or(expected + 1, |v| v + 1);
            if !parent.is_empty() {
                match levels.get_mut(parent_b) {
                    None => self.push(
                        Severity::Error,
                        s,
                        pos,
                        Some(2),
                        "HL-PARENT",
                        format!(
                            "HL02 refers to parent {} which is not an earlier HL",
                            printable(parent)
                        ),
                    ),
                    Some((pcode, _, has_child)) => {
                        *has_child = true;
                        let pcode = std::str::from_utf8(pcode).unwrap_or("");
                        let ok = matches!(
                            (pcode, code),
                            ("20", "22")
                                | ("22", "23")
                                | ("20", "21")
                                | ("21", "19")
                                | ("19", "PT")
                                | ("19", "22")
                                | ("21", "22")
                        );
                        if !ok {
                            let pc = pcode.to_string();
                            self.push(
                                Severity::Error,
                                s,
                                pos,
                                Some(2),
                                "HL-PARENT-LEVEL",
                                format!(
                                    "an HL level {} cannot be the child of level {}",
                                    printable(code),
                                    printable(&pc)
                                ),
                            );
                        }
                    }
                }
            } else if levels.values().any(|(c, _, _)| *c == b"20")
                && matches!(code, "22" | "23" | "21" | "19" | "PT")
            {
                self.push(
                    Severity::Error,
                    s,
                    pos,
                    Some(2),
                    "HL-PARENT",
                    format!("HL02 (parent) is required for level {}", printable(code)),
                );
            }
            levels.insert(id_b, (code_b, pos, false));
        }
        // HL04: 1 = has children, 0 = none.
        for (i, s) in segs.iter().enumerate() {
            if self.ids.get(i) != Some(&ID_HL) || !s.is(b"HL") {
                continue;
            }
            let has_child = levels.get(utf8_or_empty(s.el(1))).is_some_and(|v| v.2);
            match (s.el(4), has_child) {
                (b"1", false) => self.push(
                    Severity::Error,
                    s,
                    i + 1,
                    Some(4),
                    "HL-CHILD-CODE",
                    "HL04 says this level has children but no HL names it as parent".into(),
                ),
                (b"0", true) => self.push(
                    Severity::Error,
                    s,
                    i + 1,
                    Some(4),
                    "HL-CHILD-CODE",
                    "HL04 says this level has no children but later HLs name it as parent".into(),
                ),
                _ => {}
            }
        }
    }

    /// 835 balancing at service, claim and transaction level, and payment method rules.
    fn remit835(&mut self, segs: &[Fields<'_>]) {
        struct Clp<'s> {
            seg: Segment<'s>,
            pos: usize,
            charge: Money,
            paid: Money,
            pr: Option<Money>,
            adj: Money,
            pr_adj: Money,
            claim_adj: Money,
            svc_paid: Money,
            services: usize,
        }
        struct Svc<'s> {
            seg: Segment<'s>,
            pos: usize,
            charge: Money,
            paid: Money,
            adj: Money,
        }
        let mut bpr: Option<(Segment<'_>, usize, Money)> = None;
        let mut total_paid = Money::ZERO;
        let mut total_plb = Money::ZERO;
        let mut clp: Option<Clp<'_>> = None;
        let mut svc: Option<Svc<'_>> = None;
        let money = |s: &Fields<'_>, n: usize| Money::parse(s.get(n));
        fn close_svc<'s>(svc: &mut Option<Svc<'s>>, out: &mut Vec<(Segment<'s>, usize, String)>) {
            if let Some(v) = svc.take()
                && v.charge - v.adj != v.paid
            {
                out.push((v.seg, v.pos, format!("service line does not balance: charge {} − adjustments {} = {} but SVC03 paid is {}", v.charge.dollars(), v.adj.dollars(), (v.charge - v.adj).dollars(), v.paid.dollars())));
            }
        }
        let mut svc_problems: Vec<(Segment<'_>, usize, String)> = Vec::new();
        let mut claim_problems: Vec<(Segment<'_>, usize, &'static str, Severity, String)> =
            Vec::new();
        #[allow(clippy::type_complexity)]
        fn close_clp<'s>(
            clp: &mut Option<Clp<'s>>,
            out: &mut Vec<(Segment<'s>, usize, &'static str, Severity, String)>,
        ) {
            if let Some(c) = clp.take() {
                if c.charge - c.adj != c.paid {
                    out.push((c.seg, c.pos, "835-CLAIM-BALANCE", Severity::Error, format!("claim does not balance: CLP03 charge {} − adjustments {} (claim and service CAS) = {} but CLP04 paid is {}", c.charge.dollars(), c.adj.dollars(), (c.charge - c.adj).dollars(), c.paid.dollars())));
                }
                if c.services > 0 && c.svc_paid - c.claim_adj != c.paid {
                    out.push((c.seg, c.pos, "835-CLAIM-LINES", Severity::Error, format!("service lines do not add up to the claim: Σ SVC03 paid {} − claim-level adjustments {} = {} but CLP04 paid is {}", c.svc_paid.dollars(), c.claim_adj.dollars(), (c.svc_paid - c.claim_adj).dollars(), c.paid.dollars())));
                }
                if let Some(pr) = c.pr
                    && pr != c.pr_adj
                {
                    out.push((c.seg, c.pos, "835-PATIENT-RESP", Severity::Warning, format!("CLP05 patient responsibility {} differs from the sum of PR adjustments {}", pr.dollars(), c.pr_adj.dollars())));
                }
            }
        }
        for (i, s) in segs.iter().enumerate() {
            let pos = i + 1;
            match s.id() {
                b"BPR" => {
                    if let Some(a) = money(s, 2) {
                        bpr = Some((*s.seg(), pos, a));
                        if s.el(4) == b"NON" && a != Money::ZERO {
                            self.push(
                                Severity::Error,
                                s,
                                pos,
                                Some(2),
                                "835-BPR-NON",
                                "BPR04 is NON (no payment) but BPR02 is not zero".into(),
                            );
                        }
                        if matches!(s.el(4), b"ACH" | b"BOP" | b"FWT") {
                            for n in [6, 7, 8, 9, 12, 13, 14, 15] {
                                if s.el(n).is_empty() {
                                    self.push(Severity::Error, s, pos, Some(n), "835-BPR-BANK", format!("BPR{n:02} is required when BPR04 is an electronic payment (ACH/BOP/FWT)"));
                                }
                            }
                        }
                        if s.el(1) == b"H" && a != Money::ZERO {
                            self.push(
                                Severity::Error,
                                s,
                                pos,
                                Some(2),
                                "835-BPR-H",
                                "BPR01 H (notification only) requires BPR02 = 0".into(),
                            );
                        }
                    }
                }
                b"CLP" => {
                    close_svc(&mut svc, &mut svc_problems);
                    close_clp(&mut clp, &mut claim_problems);
                    let (Some(c), Some(p)) = (money(s, 3), money(s, 4)) else {
                        continue;
                    };
                    total_paid += p;
                    let pr = money(s, 5);
                    if s.el(2) == b"4" && p != Money::ZERO {
                        self.push(
                            Severity::Error,
                            s,
                            pos,
                            Some(4),
                            "835-DENIED-PAID",
                            "CLP02 4 (denied) requires CLP04 paid = 0".into(),
                        );
                    }
                    if s.el(2) == b"22" && c.cents() > 0 {
                        self.push(
                            Severity::Warning,
                            s,
                            pos,
                            Some(3),
                            "835-REVERSAL-SIGN",
                            "CLP02 22 (reversal) normally carries negative amounts".into(),
                        );
                    }
                    clp = Some(Clp {
                        seg: *s.seg(),
                        pos,
                        charge: c,
                        paid: p,
                        pr,
                        adj: Money::ZERO,
                        pr_adj: Money::ZERO,
                        claim_adj: Money::ZERO,
                        svc_paid: Money::ZERO,
                        services: 0,
                    });
                }
                b"SVC" => {
                    close_svc(&mut svc, &mut svc_problems);
                    let (Some(c), Some(p)) = (money(s, 2), money(s, 3)) else {
                        continue;
                    };
                    if let Some(cl) = clp.as_mut() {
                        cl.svc_paid += p;
                        cl.services += 1;
                    }
                    svc = Some(Svc {
                        seg: *s.seg(),
                        pos,
                        charge: c,
                        paid: p,
                        adj: Money::ZERO,
                    });
                }
                b"CAS" => {
                    // Split once: up to six amounts per CAS.
                    let f = s;
                    let mut sum = Money::ZERO;
                    for k in 0..6 {
                        let v = f.get(3 + k * 3);
                        if !v.is_empty()
                            && let Some(a) = Money::parse(v)
                        {
                            sum += a;
                        }
                    }
                    if let Some(v) = svc.as_mut() {
                        v.adj += sum;
                    }
                    if let Some(c) = clp.as_mut() {
                        c.adj += sum;
                        if svc.is_none() {
                            c.claim_adj += sum;
                        }
                        if s.el(1) == b"PR" {
                            c.pr_adj += sum;
                        }
                    }
                }
                b"PLB" => {
                    close_svc(&mut svc, &mut svc_problems);
                    close_clp(&mut clp, &mut claim_problems);
                    let f = s;
                    for k in 0..6 {
                        if let Some(a) = Money::parse(f.get(4 + k * 2)) {
                            total_plb += a;
                        }
                    }
                }
                b"SE" => {
                    close_svc(&mut svc, &mut svc_problems);
                    close_clp(&mut clp, &mut claim_problems);
                }
                _ => {}
            }
        }
        for (s, pos, msg) in svc_problems {
            self.push(Severity::Error, &s, pos, None, "835-SERVICE-BALANCE", msg);
        }
        for (s, pos, rule, sev, msg) in claim_problems {
            self.push(sev, &s, pos, None, rule, msg);
        }
        if let Some((s, pos, amount)) = bpr
            && amount != total_paid - total_plb
        {
            self.push(Severity::Error, &s, pos, Some(2), "835-TRANSACTION-BALANCE", format!("BPR02 total payment {} does not equal Σ CLP04 paid {} − Σ PLB adjustments {} = {}", amount.dollars(), total_paid.dollars(), total_plb.dollars(), (total_paid - total_plb).dollars()));
        }
    }

    /// 837 rules: claim totals, diagnosis pointers, situational rules.
    fn claim837(&mut self, segs: &[Fields<'_>], institutional: bool) {
        struct ClaimAcc<'s> {
            seg: Segment<'s>,
            pos: usize,
            total: Money,
            lines: Money,
            dx: usize,
            has_f8: bool,
            frequency: &'s [u8],
            has_statement_dates: bool,
        }
        let mut claim: Option<ClaimAcc<'_>> = None;
        let created = segs
            .iter()
            .find(|s| s.is(b"BHT"))
            .and_then(|s| Date::parse(s.el(4)));
        // Subscriber HL → (SBR segment, pos, SBR02, has patient child, has DMG)
        let mut sub: Option<(Segment<'_>, usize, &[u8], bool, bool)> = None;
        let mut in_2010ba = false;
        let mut in_2010aa = false;
        let mut in_2320 = false;
        // SV1 segments whose diagnosis pointers are checked when the claim's HI count is known.
        // (SV1, position, SV107 as sent)
        let mut pending_pointer_checks: Vec<(Segment<'_>, usize, &[u8])> = Vec::new();
        #[allow(clippy::type_complexity)]
        fn finish_claim<'s>(
            c: Option<ClaimAcc<'s>>,
            ptrs: &mut Vec<(Segment<'s>, usize, &'s [u8])>,
            out: &mut Vec<(Segment<'s>, usize, Option<usize>, &'static str, String)>,
            institutional: bool,
        ) {
            let Some(c) = c else { return };
            if c.total != c.lines {
                out.push((
                    c.seg,
                    c.pos,
                    Some(2),
                    "837-CLAIM-TOTAL",
                    format!(
                        "CLM02 total charge {} does not equal the sum of the line charges {}",
                        c.total.dollars(),
                        c.lines.dollars()
                    ),
                ));
            }
            if matches!(c.frequency, b"7" | b"8") && !c.has_f8 {
                out.push((c.seg, c.pos, Some(5), "837-F8-REQUIRED", "a replacement (7) or void (8) claim requires REF*F8 with the payer's claim control number".into()));
            }
            if institutional && !c.has_statement_dates {
                out.push((
                    c.seg,
                    c.pos,
                    None,
                    "837I-STATEMENT-DATES",
                    "an institutional claim requires DTP*434 statement dates".into(),
                ));
            }
            for (s, pos, sv107) in ptrs.drain(..) {
                let comp = s.delimiters().component;
                let parsed = sv107
                    .split(|&b| b == comp)
                    .filter_map(|p| std::str::from_utf8(p).ok()?.parse::<u32>().ok());
                // SV107 holds up to four pointers: kept on the stack (a longer list is still read whole).
                let mut small = [0u32; 16];
                let mut n = 0;
                let mut more: Vec<u32> = Vec::new();
                for v in parsed {
                    if n < small.len() {
                        small[n] = v;
                    } else {
                        if more.is_empty() {
                            more.extend_from_slice(&small);
                        }
                        more.push(v);
                    }
                    n += 1;
                }
                let p: &[u32] = if n > small.len() { &more } else { &small[..n] };
                for (k, v) in p.iter().enumerate() {
                    if *v == 0 || *v as usize > c.dx {
                        out.push((s, pos, Some(7), "837-DX-POINTER", format!("diagnosis pointer {} (SV107-{}) points past the {} diagnoses in HI", v, k + 1, c.dx)));
                    }
                }
                let repeated = p.iter().enumerate().any(|(i, v)| p[..i].contains(v));
                if repeated {
                    out.push((
                        s,
                        pos,
                        Some(7),
                        "837-DX-POINTER-DUP",
                        "SV107 repeats a diagnosis pointer".into(),
                    ));
                }
            }
        }
        let mut problems: Vec<(Segment<'_>, usize, Option<usize>, &'static str, String)> =
            Vec::new();
        #[allow(clippy::type_complexity)]
        fn close_sub<'s>(
            sub: Option<(Segment<'s>, usize, &'s [u8], bool, bool)>,
            out: &mut Vec<(Segment<'s>, usize, Option<usize>, &'static str, String)>,
        ) {
            let Some((s, pos, rel, has_patient, has_dmg)) = sub else {
                return;
            };
            if has_patient && !rel.is_empty() {
                out.push((s, pos, Some(2), "837-SBR02-PATIENT", "SBR02 must be empty when the patient is not the subscriber (a 2000C patient loop follows)".into()));
            }
            if !has_patient && rel != b"18" {
                out.push((s, pos, Some(2), "837-SBR02-SELF", "SBR02 must be 18 (self) when there is no 2000C patient loop: the subscriber is the patient".into()));
            }
            if !has_patient && !has_dmg {
                out.push((s, pos, None, "837-SUBSCRIBER-DMG", "subscriber demographics (DMG in 2010BA) are required when the subscriber is the patient".into()));
            }
        }
        for (i, s) in segs.iter().enumerate() {
            let pos = i + 1;
            match s.id() {
                b"HL" => {
                    finish_claim(
                        claim.take(),
                        &mut pending_pointer_checks,
                        &mut problems,
                        institutional,
                    );
                    in_2010ba = false;
                    in_2010aa = false;
                    in_2320 = false;
                    match s.el(3) {
                        b"22" => close_sub(sub.take(), &mut problems),
                        b"23" => {
                            if let Some(x) = sub.as_mut() {
                                x.3 = true;
                            }
                        }
                        b"20" => close_sub(sub.take(), &mut problems),
                        _ => {}
                    }
                }
                b"SBR" if claim.is_none() => sub = Some((*s.seg(), pos, s.el(2), false, false)),
                b"SBR" => in_2320 = true,
                b"NM1" => {
                    in_2010ba = s.el(1) == b"IL" && claim.is_none();
                    in_2010aa = s.el(1) == b"85" && claim.is_none();
                    if s.el(1) == b"85" && s.el(8) != b"XX" && claim.is_none() {
                        self.push(
                            Severity::Error,
                            s,
                            pos,
                            Some(8),
                            "837-BILLING-NPI",
                            "the billing provider must be identified by NPI (NM108 = XX)".into(),
                        );
                    }
                }
                b"DMG" if in_2010ba => {
                    if let Some(x) = sub.as_mut() {
                        x.4 = true;
                    }
                    self.check_birth_date(s, pos);
                }
                b"DMG" => self.check_birth_date(s, pos),
                b"N4" => {
                    let zip = s.el(3);
                    let us = s.el(4).is_empty();
                    if us && s.el(2).is_empty() {
                        self.push(
                            Severity::Error,
                            s,
                            pos,
                            Some(2),
                            "N4-STATE-REQUIRED",
                            "N402 state is required for a US address (N404 country absent)".into(),
                        );
                    }
                    if us
                        && !zip.is_empty()
                        && !(matches!(zip.len(), 5 | 9) && zip.iter().all(u8::is_ascii_digit))
                    {
                        self.push(
                            Severity::Error,
                            s,
                            pos,
                            Some(3),
                            "N4-ZIP",
                            "N403 ZIP code must be 5 or 9 digits for a US address".into(),
                        );
                    }
                    if in_2010aa && us && zip.len() != 9 {
                        self.push(
                            Severity::Error,
                            s,
                            pos,
                            Some(3),
                            "837-BILLING-ZIP9",
                            "the billing provider ZIP code must be 9 digits (ZIP+4)".into(),
                        );
                    }
                }
                b"CLM" => {
                    finish_claim(
                        claim.take(),
                        &mut pending_pointer_checks,
                        &mut problems,
                        institutional,
                    );
                    in_2320 = false;
                    let total = Money::parse(s.el(2)).unwrap_or(Money::ZERO);
                    claim = Some(ClaimAcc {
                        seg: *s.seg(),
                        pos,
                        total,
                        lines: Money::ZERO,
                        dx: 0,
                        has_f8: false,
                        frequency: s.comp(5, 3),
                        has_statement_dates: false,
                    });
                }
                b"REF" if s.el(1) == b"F8" => {
                    if let Some(c) = claim.as_mut() {
                        c.has_f8 = true;
                    }
                }
                b"DTP" => {
                    if s.el(1) == b"434"
                        && let Some(c) = claim.as_mut()
                    {
                        c.has_statement_dates = true;
                    }
                    let period = self.check_dtp(s, pos);
                    // Services cannot be billed before they happen.
                    if matches!(s.el(1), b"472" | b"434")
                        && let (Some(p), Some(created)) = (period, created)
                    {
                        let last = match p {
                            crate::values::DatePeriod::Day { date } => date,
                            crate::values::DatePeriod::Range { to, .. } => to,
                        };
                        if last > created {
                            self.push(
                                Severity::Error,
                                s,
                                pos,
                                Some(3),
                                "837-FUTURE-SERVICE",
                                "the service date is after the date the claim was created (BHT04)"
                                    .into(),
                            );
                        }
                    }
                }
                b"HI" => {
                    if let Some(c) = claim.as_mut() {
                        // HI01..HI12, split once (not one scan from the start per element).
                        let comp = s.seg().delimiters().component;
                        for e in (1..=12).map(|k| s.get(k)) {
                            let q = e.split(|&b| b == comp).next().unwrap_or(&[]);
                            if matches!(q, b"ABK" | b"BK" | b"ABF" | b"BF") {
                                c.dx += 1;
                            }
                        }
                    }
                }
                b"SV1" | b"SV2" => {
                    let n = if s.is(b"SV1") { 2 } else { 3 };
                    if let (Some(c), Some(m)) = (claim.as_mut(), Money::parse(s.el(n))) {
                        c.lines += m;
                    }
                    let units_el = if s.is(b"SV1") { 4 } else { 5 };
                    if crate::values::Decimal::parse(s.el(units_el))
                        .is_some_and(|u| !u.is_positive())
                    {
                        self.push(
                            Severity::Error,
                            s,
                            pos,
                            Some(units_el),
                            "837-UNITS",
                            "service units must be greater than zero".into(),
                        );
                    }
                    if s.is(b"SV1") {
                        pending_pointer_checks.push((*s.seg(), pos, s.get(7)));
                    }
                }
                b"LIN" => {
                    // 2410: the drug is identified by its NDC (LIN02 = N4; the 837I table allows
                    // only N4, the 837P table lists other product IDs payers do not take).
                    let q = s.el(2);
                    if !institutional && !q.is_empty() && q != b"N4" {
                        self.push(
                            Severity::Error,
                            s,
                            pos,
                            Some(2),
                            "837-DRUG-QUALIFIER",
                            "LIN02 must be N4: drugs are identified by their NDC".into(),
                        );
                    }
                    let ndc = s.el(3);
                    if q == b"N4"
                        && !ndc.is_empty()
                        && (ndc.len() != 11 || !ndc.iter().all(u8::is_ascii_digit))
                    {
                        self.push(
                            Severity::Error,
                            s,
                            pos,
                            Some(3),
                            "837-DRUG-NDC",
                            "LIN03 must be an 11-digit NDC (5-4-2, no hyphens)".into(),
                        );
                    }
                }
                b"CTP"
                    if crate::values::Decimal::parse(s.el(4)).is_some_and(|q| !q.is_positive()) =>
                {
                    self.push(
                        Severity::Error,
                        s,
                        pos,
                        Some(4),
                        "837-DRUG-QUANTITY",
                        "the drug quantity (CTP04) must be greater than zero".into(),
                    );
                }
                b"AMT" if in_2320 => {}
                b"SE" => {
                    finish_claim(
                        claim.take(),
                        &mut pending_pointer_checks,
                        &mut problems,
                        institutional,
                    );
                    close_sub(sub.take(), &mut problems);
                }
                _ => {}
            }
        }
        for (s, pos, el, rule, msg) in problems {
            self.push(Severity::Error, &s, pos, el, rule, msg);
        }
    }

    /// Coordination of benefits balancing (2320/2430) and "required when" rules that need the
    /// whole claim: secondary claims carry the prior payer, inpatient institutional claims carry
    /// admission data.
    fn claim837_cob(&mut self, segs: &[Fields<'_>], institutional: bool) {
        struct OtherPayer<'s> {
            seg: Segment<'s>,
            pos: usize,
            id: &'s [u8],
            paid: Option<Money>,
            cas: Money,
        }
        struct LineAdj<'s> {
            seg: Segment<'s>,
            pos: usize,
            payer: &'s [u8],
            paid: Money,
            cas: Money,
        }
        struct Line<'s> {
            charge: Money,
            adjs: Vec<LineAdj<'s>>,
        }
        struct C<'s> {
            seg: Segment<'s>,
            pos: usize,
            total: Money,
            facility: &'s [u8],
            sbr01: &'s [u8],
            payers: Vec<OtherPayer<'s>>,
            lines: Vec<Line<'s>>,
            admission_type: bool,
            admission_date: bool,
        }
        // One claim at a time: checked when the next CLM (or the end) arrives, its vectors reused.
        let mut claim: Option<C<'_>> = None;
        let mut spare: (Vec<OtherPayer<'_>>, Vec<Line<'_>>) = (Vec::new(), Vec::new());
        let mut sub_sbr01: &[u8] = &[];
        let mut in_2320 = false;
        let mut in_2430 = false;
        for (i, s) in segs.iter().enumerate() {
            let pos = i + 1;
            let money = |n: usize| Money::parse(s.el(n));
            match s.id() {
                b"HL" => {
                    in_2320 = false;
                    in_2430 = false;
                }
                // The subscriber's SBR follows its HL; any other SBR opens a 2320 loop.
                b"SBR" if i > 0 && segs[i - 1].is(b"HL") => {
                    sub_sbr01 = s.el(1);
                }
                b"SBR" => {
                    in_2320 = true;
                    if let Some(c) = claim.as_mut() {
                        c.payers.push(OtherPayer {
                            seg: *s.seg(),
                            pos,
                            id: &[],
                            paid: None,
                            cas: Money::ZERO,
                        });
                    }
                }
                b"CLM" => {
                    in_2320 = false;
                    in_2430 = false;
                    if let Some(done) = claim.take() {
                        check_cob(self, &done, institutional);
                        let (mut payers, mut lines) = (done.payers, done.lines);
                        payers.clear();
                        lines.clear();
                        spare = (payers, lines);
                    }
                    let (payers, lines) = std::mem::take(&mut spare);
                    claim = Some(C {
                        seg: *s.seg(),
                        pos,
                        total: money(2).unwrap_or(Money::ZERO),
                        facility: s.comp(5, 1),
                        sbr01: sub_sbr01,
                        payers,
                        lines,
                        admission_type: false,
                        admission_date: false,
                    });
                }
                b"CAS" => {
                    let f = s;
                    let sum: Money = (0..6).filter_map(|k| Money::parse(f.get(3 + k * 3))).sum();
                    let Some(c) = claim.as_mut() else { continue };
                    if in_2430 {
                        if let Some(a) = c.lines.last_mut().and_then(|l| l.adjs.last_mut()) {
                            a.cas += sum;
                        }
                    } else if in_2320 && let Some(p) = c.payers.last_mut() {
                        p.cas += sum;
                    }
                }
                b"AMT" if in_2320 && s.el(1) == b"D" => {
                    if let Some(p) = claim.as_mut().and_then(|c| c.payers.last_mut()) {
                        p.paid = money(2);
                    }
                }
                b"NM1" if in_2320 && s.el(1) == b"PR" => {
                    if let Some(p) = claim.as_mut().and_then(|c| c.payers.last_mut()) {
                        p.id = s.el(9);
                    }
                }
                b"CL1" => {
                    if let Some(c) = claim.as_mut() {
                        c.admission_type = !s.el(1).is_empty();
                    }
                }
                b"DTP" if s.el(1) == b"435" => {
                    if let Some(c) = claim.as_mut() {
                        c.admission_date = true;
                    }
                }
                b"LX" => {
                    in_2320 = false;
                    in_2430 = false;
                    if let Some(c) = claim.as_mut() {
                        c.lines.push(Line {
                            charge: Money::ZERO,
                            adjs: Vec::new(),
                        });
                    }
                }
                b"SV1" | b"SV2" => {
                    let n = if s.is(b"SV1") { 2 } else { 3 };
                    if let Some(l) = claim.as_mut().and_then(|c| c.lines.last_mut()) {
                        l.charge = money(n).unwrap_or(Money::ZERO);
                    }
                }
                b"SVD" => {
                    in_2430 = true;
                    if let Some(l) = claim.as_mut().and_then(|c| c.lines.last_mut()) {
                        l.adjs.push(LineAdj {
                            seg: *s.seg(),
                            pos,
                            payer: s.el(1),
                            paid: money(2).unwrap_or(Money::ZERO),
                            cas: Money::ZERO,
                        });
                    }
                }
                _ => {}
            }
        }
        if let Some(done) = claim.take() {
            check_cob(self, &done, institutional);
        }
        fn check_cob<F: Fn(usize) -> Option<String>>(
            r: &mut Rules<'_, F>,
            c: &C<'_>,
            institutional: bool,
        ) {
            if matches!(
                c.sbr01,
                b"S" | b"T" | b"A" | b"B" | b"C" | b"D" | b"E" | b"F" | b"G" | b"H"
            ) && c.payers.is_empty()
            {
                r.push(Severity::Error, &c.seg, c.pos, None, "837-COB-PRIOR-PAYER", "the subscriber's payer is not primary (SBR01 is not P) but the claim has no 2320 loop describing the prior payer".into());
            }
            for p in &c.payers {
                let Some(paid) = p.paid else { continue };
                let line_cas: Money = c
                    .lines
                    .iter()
                    .flat_map(|l| &l.adjs)
                    .filter(|a| a.payer == p.id)
                    .map(|a| a.cas)
                    .sum();
                let left = c.total - paid - p.cas - line_cas;
                if left != Money::ZERO {
                    r.push(Severity::Error, &p.seg, p.pos, None, "837-COB-CLAIM-BALANCE", format!("other payer amounts do not balance to the claim: CLM02 {} − paid (AMT*D) {} − claim adjustments {} − line adjustments {} leaves {}", c.total.dollars(), paid.dollars(), p.cas.dollars(), line_cas.dollars(), left.dollars()));
                }
            }
            for l in &c.lines {
                for a in &l.adjs {
                    if l.charge - a.paid - a.cas != Money::ZERO {
                        r.push(Severity::Error, &a.seg, a.pos, Some(2), "837-COB-LINE-BALANCE", format!("line adjudication does not balance: line charge {} − paid (SVD02) {} − adjustments {} ≠ 0", l.charge.dollars(), a.paid.dollars(), a.cas.dollars()));
                    }
                    if !c.payers.iter().any(|p| p.id == a.payer) {
                        r.push(Severity::Error, &a.seg, a.pos, Some(1), "837-SVD-PAYER", "SVD01 does not match the identifier (NM109) of any other payer in 2330B".into());
                    }
                }
            }
            // Inpatient bill types (hospital 11x/12x, SNF 21x, hospice 81x… first two digits).
            if institutional
                && matches!(
                    c.facility,
                    b"11" | b"18" | b"21" | b"41" | b"65" | b"66" | b"86"
                )
            {
                if !c.admission_type {
                    r.push(
                        Severity::Error,
                        &c.seg,
                        c.pos,
                        None,
                        "837I-ADMISSION-TYPE",
                        "CL101 admission type is required on an inpatient institutional claim"
                            .into(),
                    );
                }
                if !c.admission_date {
                    r.push(
                        Severity::Error,
                        &c.seg,
                        c.pos,
                        None,
                        "837I-ADMISSION-DATE",
                        "DTP*435 admission date is required on an inpatient institutional claim"
                            .into(),
                    );
                }
            }
        }
    }

    fn check_birth_date(&mut self, s: &Fields<'_>, pos: usize) {
        if s.el(1) == b"D8" && !s.el(2).is_empty() {
            match Date::parse(s.el(2)) {
                None => self.push(
                    Severity::Error,
                    s,
                    pos,
                    Some(2),
                    "DMG-DATE",
                    "DMG02 birth date is not a valid CCYYMMDD date".into(),
                ),
                Some(d) if d.year < 1880 => self.push(
                    Severity::Error,
                    s,
                    pos,
                    Some(2),
                    "DMG-DATE",
                    "DMG02 birth date is before 1880".into(),
                ),
                _ => {}
            }
        }
    }

    /// DTP03 must match the DTP02 format (D8 one date, RD8 a range from ≤ to). Returns the period
    /// as read (for rules that compare it), whatever its year.
    fn check_dtp(&mut self, s: &Fields<'_>, pos: usize) -> Option<crate::values::DatePeriod> {
        let (f, v) = (s.el(2), s.el(3));
        let period = crate::values::DatePeriod::parse(f, v);
        match f {
            b"D8" | b"RD8" => match period.filter(|p| p.first().year >= 1800) {
                None => self.push(
                    Severity::Error,
                    s,
                    pos,
                    Some(3),
                    "DTP-DATE",
                    format!(
                        "DTP03 is not a valid {} date",
                        if f == b"D8" {
                            "CCYYMMDD"
                        } else {
                            "CCYYMMDD-CCYYMMDD range"
                        }
                    ),
                ),
                Some(crate::values::DatePeriod::Range { from, to }) if from > to => self.push(
                    Severity::Error,
                    s,
                    pos,
                    Some(3),
                    "DTP-RANGE",
                    "DTP03 date range ends before it starts".into(),
                ),
                _ => {}
            },
            _ => {}
        }
        period
    }

    /// 999 counts: AK9 against the AK2/IK5 it carries.
    fn ack999(&mut self, segs: &[Fields<'_>]) {
        let mut ak2 = 0usize;
        let mut accepted = 0usize;
        for s in segs {
            if s.is(b"AK2") {
                ak2 += 1;
            }
            if s.is(b"IK5") && matches!(s.el(1), b"A" | b"E") {
                accepted += 1;
            }
        }
        for (i, s) in segs.iter().enumerate() {
            if !s.is(b"AK9") {
                continue;
            }
            let pos = i + 1;
            let n = |k: usize| s.el_str(k).parse::<usize>().ok();
            if ak2 > 0 && n(3) != Some(ak2) {
                self.push(
                    Severity::Error,
                    s,
                    pos,
                    Some(3),
                    "999-AK903",
                    format!("AK903 received count does not match the {ak2} AK2 loops"),
                );
            }
            if ak2 > 0 && n(4) != Some(accepted) {
                self.push(
                    Severity::Error,
                    s,
                    pos,
                    Some(4),
                    "999-AK904",
                    format!("AK904 accepted count does not match the {accepted} IK5 with A or E"),
                );
            }
            if n(4) > n(3) {
                self.push(
                    Severity::Error,
                    s,
                    pos,
                    Some(4),
                    "999-AK904",
                    "AK904 accepted is greater than AK903 received".into(),
                );
            }
        }
    }
}

impl<F: Fn(usize) -> Option<String>> Rules<'_, F> {
    /// 277CA (005010X214) business rules: the accepted/rejected totals of the information
    /// receiver (2200B) and provider (2200C) levels against the claims (2200D) under them, the
    /// claim's TRN*2 and STC, valid status category codes, and STC02 dates not after BHT04.
    fn status277(&mut self, segs: &[Fields<'_>]) {
        /// A level's reported totals (QTY*90/AA at 2200B, QTY*QA/QC at 2200C, AMT*YU/YY) and what
        /// its claims add up to.
        struct Level<'s> {
            name: &'static str,
            qty_acc: Option<(Segment<'s>, usize)>,
            qty_rej: Option<(Segment<'s>, usize)>,
            amt_acc: Option<(Segment<'s>, usize)>,
            amt_rej: Option<(Segment<'s>, usize)>,
            accepted: i64,
            rejected: i64,
            sum_acc: Money,
            sum_rej: Money,
        }
        impl<'s> Level<'s> {
            fn new(name: &'static str) -> Self {
                Level {
                    name,
                    qty_acc: None,
                    qty_rej: None,
                    amt_acc: None,
                    amt_rej: None,
                    accepted: 0,
                    rejected: 0,
                    sum_acc: Money::ZERO,
                    sum_rej: Money::ZERO,
                }
            }
        }
        /// One 2200D claim: opened by its TRN, closed by the next TRN or HL or the end.
        struct Claim {
            /// Some(rejected) once a 2200D STC was read.
            rejected: Option<bool>,
            amount: Option<Money>,
        }
        #[derive(PartialEq)]
        enum At {
            Other,
            Receiver,
            Provider,
            Patient,
        }
        let created = segs
            .iter()
            .find(|s| s.is(b"BHT"))
            .and_then(|s| Date::parse(s.el(4)));
        let mut receiver: Option<Level<'_>> = None;
        let mut provider: Option<Level<'_>> = None;
        let mut claim: Option<Claim> = None;
        let mut at = At::Other;
        // The last patient HL (position) and whether a 2200D TRN followed it.
        let mut patient: Option<(Segment<'_>, usize, bool)> = None;
        // Inside 2220D (service line) after an SVC: its STCs do not decide the claim's status.
        let mut in_line = false;
        for (i, s) in segs.iter().enumerate() {
            let pos = i + 1;
            match s.id() {
                b"HL" => {
                    add_claim(&mut claim, &mut provider, &mut receiver);
                    in_line = false;
                    if let Some((hs, hp, false)) = patient.take() {
                        self.push(Severity::Error, &hs, hp, None, "277CA-CLAIM-TRN", "patient level (2000D) has no claim: a 2200D loop starting with TRN*2 and the patient control number is required".into());
                    }
                    match s.el(3) {
                        b"20" => {
                            close_level(self, provider.take());
                            close_level(self, receiver.take());
                            at = At::Other;
                        }
                        b"21" => {
                            close_level(self, provider.take());
                            close_level(self, receiver.take());
                            receiver = Some(Level::new("information receiver (2200B)"));
                            at = At::Receiver;
                        }
                        b"19" => {
                            close_level(self, provider.take());
                            provider = Some(Level::new("billing provider (2200C)"));
                            at = At::Provider;
                        }
                        b"PT" => {
                            patient = Some((*s.seg(), pos, false));
                            at = At::Patient;
                        }
                        _ => at = At::Other,
                    }
                }
                b"QTY" | b"AMT" => {
                    let lv = match at {
                        At::Receiver => receiver.as_mut(),
                        At::Provider => provider.as_mut(),
                        _ => None,
                    };
                    if let Some(lv) = lv {
                        // Claim counts: 90/AA at the information receiver, QA/QC at the provider.
                        let provider_level = at == At::Provider;
                        let slot = match (s.id(), s.el(1)) {
                            (b"QTY", b"90") if !provider_level => &mut lv.qty_acc,
                            (b"QTY", b"AA") if !provider_level => &mut lv.qty_rej,
                            (b"QTY", b"QA") if provider_level => &mut lv.qty_acc,
                            (b"QTY", b"QC") if provider_level => &mut lv.qty_rej,
                            (b"AMT", b"YU") => &mut lv.amt_acc,
                            (b"AMT", b"YY") => &mut lv.amt_rej,
                            _ => continue,
                        };
                        *slot = Some((*s.seg(), pos));
                    }
                }
                b"TRN" if at == At::Patient => {
                    add_claim(&mut claim, &mut provider, &mut receiver);
                    in_line = false;
                    if let Some(p) = patient.as_mut() {
                        p.2 = true;
                    }
                    if s.el(1) != b"2" {
                        self.push(Severity::Error, s, pos, Some(1), "277CA-CLAIM-TRN", "the claim (2200D) TRN01 must be 2 (referenced transaction trace number: the patient control number)".into());
                    } else if s.el(2).is_empty() {
                        self.push(Severity::Error, s, pos, Some(2), "277CA-CLAIM-TRN", "the claim (2200D) TRN02 must carry the patient control number (CLM01 of the claim)".into());
                    }
                    claim = Some(Claim {
                        rejected: None,
                        amount: None,
                    });
                    // The claim's STC must follow its TRN (before REF/DTP and any 2220D).
                    let has_stc = segs
                        .get(i + 1..)
                        .unwrap_or(&[])
                        .iter()
                        .take_while(|n| !n.is(b"TRN") && !n.is(b"HL") && !n.is(b"SVC"))
                        .any(|n| n.is(b"STC"));
                    if !has_stc {
                        self.push(Severity::Error, s, pos, None, "277CA-CLAIM-STC", "the claim (2200D) has no STC: its status (category, status code, date and amount) is required".into());
                    }
                }
                b"SVC" => in_line = true,
                b"STC" => {
                    let mut rejected = false;
                    for (el, name) in [(1, "STC01-1"), (10, "STC10-1"), (11, "STC11-1")] {
                        let cat = s.comp(el, 1);
                        if cat.is_empty() {
                            continue;
                        }
                        let code = std::str::from_utf8(cat).unwrap_or("");
                        if crate::codes::claim_status_category_meaning(code).is_none() {
                            self.push(
                                Severity::Error,
                                s,
                                pos,
                                Some(el),
                                "277CA-STC-CATEGORY",
                                format!(
                                    "{name} {} is not a health care claim status category code",
                                    printable(code)
                                ),
                            );
                        }
                        rejected |= !crate::codes::CLAIM_STATUS_CATEGORY_ACCEPTED.contains(&code);
                    }
                    // The provider level (2200C) status carries no date (STC02 not used).
                    match Date::parse(s.el(2)) {
                        None if at == At::Provider => {}
                        None => self.push(
                            Severity::Error,
                            s,
                            pos,
                            Some(2),
                            "277CA-STC-DATE",
                            "STC02 status information effective date is not a valid CCYYMMDD date"
                                .into(),
                        ),
                        Some(d) => {
                            if let Some(c) = created.filter(|c| d > *c) {
                                self.push(Severity::Error, s, pos, Some(2), "277CA-STC-DATE", format!("STC02 status date {d} is after the transaction's creation date (BHT04 {c})"));
                            }
                        }
                    }
                    if !in_line && let Some(c) = claim.as_mut() {
                        c.rejected = Some(c.rejected.unwrap_or(false) || rejected);
                        if c.amount.is_none() {
                            c.amount = Money::parse(s.el(4));
                        }
                    }
                }
                _ => {}
            }
        }
        add_claim(&mut claim, &mut provider, &mut receiver);
        if let Some((hs, hp, false)) = patient.take() {
            self.push(Severity::Error, &hs, hp, None, "277CA-CLAIM-TRN", "patient level (2000D) has no claim: a 2200D loop starting with TRN*2 and the patient control number is required".into());
        }
        close_level(self, provider.take());
        close_level(self, receiver.take());

        /// Counts a finished claim at its provider and receiver levels.
        fn add_claim<'s>(
            c: &mut Option<Claim>,
            p: &mut Option<Level<'s>>,
            r: &mut Option<Level<'s>>,
        ) {
            let Some(c) = c.take() else { return };
            let Some(rejected) = c.rejected else { return };
            let amount = c.amount.unwrap_or(Money::ZERO);
            for lv in [p.as_mut(), r.as_mut()].into_iter().flatten() {
                if rejected {
                    lv.rejected += 1;
                    lv.sum_rej += amount;
                } else {
                    lv.accepted += 1;
                    lv.sum_acc += amount;
                }
            }
        }

        /// Compares a level's reported totals (when sent) with its claims.
        fn close_level<F: Fn(usize) -> Option<String>>(
            r: &mut Rules<'_, F>,
            lv: Option<Level<'_>>,
        ) {
            let Some(lv) = lv else { return };
            let claims = |n: i64| if n == 1 { "claim" } else { "claims" };
            for (slot, rule, what, n, cats) in [
                (
                    lv.qty_acc,
                    "277CA-QTY-ACCEPTED",
                    "total accepted quantity",
                    lv.accepted,
                    "accepted (status category A1/A2)",
                ),
                (
                    lv.qty_rej,
                    "277CA-QTY-REJECTED",
                    "total rejected quantity",
                    lv.rejected,
                    "rejected (status category other than A1/A2)",
                ),
            ] {
                let Some((s, pos)) = slot else { continue };
                if Money::parse(s.el(2)) != Some(Money(n.saturating_mul(100))) {
                    r.push(
                        Severity::Error,
                        &s,
                        pos,
                        Some(2),
                        rule,
                        format!(
                            "{} level: QTY*{} {what} is {} but {n} {} (2200D) under this level {} {cats}",
                            lv.name,
                            printable(s.el_str(1)),
                            printable(s.el_str(2)),
                            claims(n),
                            if n == 1 { "is" } else { "are" }
                        ),
                    );
                }
            }
            for (slot, rule, what, sum, cats) in [
                (
                    lv.amt_acc,
                    "277CA-AMT-ACCEPTED",
                    "AMT*YU total accepted amount",
                    lv.sum_acc,
                    "accepted",
                ),
                (
                    lv.amt_rej,
                    "277CA-AMT-REJECTED",
                    "AMT*YY total rejected amount",
                    lv.sum_rej,
                    "rejected",
                ),
            ] {
                let Some((s, pos)) = slot else { continue };
                match Money::parse(s.el(2)) {
                    Some(found) if found == sum => {}
                    found => r.push(Severity::Error, &s, pos, Some(2), rule, format!("{} level: {what} is {} but the {cats} claims (2200D) under this level total {} (sum of their STC04)", lv.name, found.map_or_else(|| "not a valid amount".to_string(), Money::dollars), sum.dollars())),
                }
            }
        }
    }
}

/// Who sends the 999 back (usually the receiver of the original interchange).
#[derive(Clone, Debug)]
pub struct AckParty {
    pub qualifier: String,
    pub id: String,
    pub app_code: String,
}

/// Builds the 999 interchange acknowledging every functional group of a validated file.
/// Returns `None` when the report has no transactions to acknowledge.
pub fn build_999(
    report: &Report,
    control_number: u32,
    date: Date,
    time_hhmm: &str,
) -> Result<Option<Vec<u8>>, WriteError> {
    let Some(first) = report.transactions.first() else {
        return Ok(None);
    };
    let Some(ctx) = report.contexts.get(first.context) else {
        return Ok(None);
    };
    let yymmdd = format!("{:02}{:02}{:02}", date.year % 100, date.month, date.day);
    let isa = InterchangeHeader {
        sender_qualifier: "ZZ".into(),
        sender_id: or_default(&echo_text(&ctx.receiver_id, 15)),
        receiver_qualifier: "ZZ".into(),
        receiver_id: or_default(&echo_text(&ctx.sender_id, 15)),
        date_yymmdd: yymmdd,
        time_hhmm: time_hhmm.into(),
        control_number,
        ack_requested: false,
        production: ctx.usage == "P",
    };
    let gs = GroupHeader {
        functional_id: "FA".into(),
        sender_code: or_default(&echo_text(&ctx.app_receiver, 15)),
        receiver_code: or_default(&echo_text(&ctx.app_sender, 15)),
        date: date.to_string(),
        time: time_hhmm.into(),
        control_number,
        version: "005010X231A1".into(),
    };
    // One 999 per acknowledged group, in file order.
    let mut groups: Vec<(String, String, Vec<&TxOutcome>)> = Vec::new();
    for t in &report.transactions {
        let key = (
            t.context.to_string(),
            report
                .contexts
                .get(t.context)
                .map(|c| c.functional_id.clone())
                .unwrap_or_default(),
        );
        match groups.last_mut() {
            Some(g) if g.0 == key.0 => g.2.push(t),
            _ => groups.push((key.0, key.1, vec![t])),
        }
    }
    let n = groups.len();
    let bytes = crate::writer::write_interchange(
        Delimiters::default(),
        &isa,
        &gs,
        n,
        |w: &mut SegmentWriter| {
            for (k, (_, fid, txs)) in groups.iter().enumerate() {
                let Some(c) = report.contexts.get(txs[0].context) else {
                    continue;
                };
                let accepted = txs.iter().filter(|t| t.status() != "R").count();
                let group_codes: Vec<String> = report
                    .groups
                    .iter()
                    .find(|g| {
                        g.context.group_control == c.group_control
                            && g.context.interchange_control == c.interchange_control
                    })
                    .map(|g| g.codes.clone())
                    .unwrap_or_default();
                let declared = report
                    .groups
                    .iter()
                    .find(|g| {
                        g.context.group_control == c.group_control
                            && g.context.interchange_control == c.interchange_control
                    })
                    .map_or(txs.len(), |g| g.declared_transactions);
                // A damaged group envelope (GE count or control number) rejects the group.
                let status = if !group_codes.is_empty() {
                    "R"
                } else if accepted == txs.len() {
                    if txs.iter().any(|t| t.status() == "E") {
                        "E"
                    } else {
                        "A"
                    }
                } else if accepted == 0 {
                    "R"
                } else {
                    "P"
                };
                let ack = Ack999 {
                    control_number: format!("{:04}", k + 1),
                    functional_id: echo(fid, 2),
                    group_control: echo(&c.group_control, 9),
                    group_version: echo(&c.version, 12),
                    transactions: txs
                        .iter()
                        .map(|t| TransactionAck {
                            set_id: echo(&t.set_id, 3),
                            control_number: echo(&t.set_control, 9),
                            implementation: echo(&t.implementation, 35),
                            segment_errors: t
                                .ack_segments
                                .iter()
                                .filter(|s| !s.code.is_empty())
                                .map(|s| SegmentError {
                                    segment_id: echo(&s.segment_id, 3),
                                    // IK303 holds 4 characters: the guides' loop "2010BA" is
                                    // reported as "2010", as receivers do.
                                    loop_id: echo(&s.loop_id, 4),
                                    ..s.clone()
                                })
                                .collect(),
                            status: t.status().into(),
                            errors: t.ack_codes.clone(),
                        })
                        .collect(),
                    group_status: status.into(),
                    included: u32::try_from(declared).unwrap_or(u32::MAX),
                    received: u32::try_from(txs.len()).unwrap_or(u32::MAX),
                    accepted: u32::try_from(accepted).unwrap_or(u32::MAX),
                    group_errors: group_codes,
                };
                crate::model::ack999::write(&ack, w)?;
            }
            Ok(())
        },
    )?;
    Ok(Some(bytes))
}

fn or_default(s: &str) -> String {
    if s.len() >= 2 {
        s.to_string()
    } else {
        "UNKNOWN".to_string()
    }
}
