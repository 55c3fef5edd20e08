//! Envelope checks (ISA/IEA, GS/GE, ST/SE) and the driver that hands each complete transaction
//! set to a handler, from a byte slice (zero-copy) or from a stream (bounded by the largest
//! transaction, never by the file).

use crate::delim::{Delimiters, IsaLayout};
use crate::error::ReadError;
use crate::finding::{AckCode, Finding, Level, Location, Severity};
use crate::reader::{SegmentReader, StreamReader};
use crate::segment::Segment;
use crate::values::{Date, is_valid_time};
use std::collections::HashSet;
use std::io::Read;

/// Default cap on the bytes of one transaction set held in memory when streaming.
/// 64 MiB is far above a 5,000-claim transaction set (the limit the 837 guides recommend) and
/// keeps streaming a 1 GB file within its memory budget; a larger set is reported, not buffered.
pub const DEFAULT_MAX_TRANSACTION_BYTES: usize = 64 << 20;

/// What is known about the envelope around a transaction set.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct TxContext {
    /// ISA13.
    pub interchange_control: String,
    /// ISA06 / ISA08, trimmed.
    pub sender_id: String,
    pub receiver_id: String,
    /// ISA15: P or T.
    pub usage: String,
    /// GS01 (HC, HP, FA, HN).
    pub functional_id: String,
    /// GS02 / GS03.
    pub app_sender: String,
    pub app_receiver: String,
    /// GS06.
    pub group_control: String,
    /// GS08, e.g. 005010X221A1.
    pub version: String,
    /// ST01, e.g. 835.
    pub set_id: String,
    /// ST02.
    pub set_control: String,
    /// ST03 (implementation convention reference).
    pub implementation: String,
}

impl TxContext {
    pub fn location(&self, seg: &Segment<'_>, position: Option<usize>) -> Location {
        Location {
            interchange: non_empty(&self.interchange_control),
            group: non_empty(&self.group_control),
            transaction: non_empty(&self.set_control),
            segment_number: seg.index,
            position,
            segment_id: seg.id_str().to_string(),
            loop_id: None,
            element: None,
            component: None,
            offset: seg.offset,
        }
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// A complete transaction set as the drivers hand it over: its segments, and the bytes they were
/// read from (every segment's bytes lie inside `bytes`, in order; bytes between segments are the
/// terminators and any line breaks).
#[derive(Clone, Copy, Debug)]
pub struct TransactionSet<'t, 'a> {
    pub bytes: &'a [u8],
    pub segments: &'t [Segment<'a>],
}

impl<'a> TransactionSet<'_, 'a> {
    /// The whole set as text when every byte of it is valid UTF-8 (one check for the set, so
    /// parsers can hand out `&str` slices without checking each element).
    pub fn text(&self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes).ok()
    }
}

/// Receives what the driver finds.
pub trait Handler {
    /// Every segment in file order, envelope segments included (for display). Default: ignore.
    fn segment(&mut self, _ctx: &TxContext, _seg: &Segment<'_>) {}
    /// A complete transaction set, ST to SE inclusive (or to the last segment when SE is missing).
    fn transaction(&mut self, ctx: &TxContext, segments: &[Segment<'_>]);
    /// The same, with the bytes the set was read from (see [`TransactionSet`]). The drivers call
    /// this; by default it hands the segments to [`Handler::transaction`].
    fn transaction_set(&mut self, ctx: &TxContext, tx: TransactionSet<'_, '_>) {
        self.transaction(ctx, tx.segments);
    }
    /// An envelope finding.
    fn finding(&mut self, finding: Finding);
    /// A functional group ended (GE seen or implied). `accepted_counts` is filled by the caller's logic.
    fn group_end(&mut self, _ctx: &TxContext, _transactions: usize) {}
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Outside,
    Interchange,
    Group,
    Transaction,
}

/// Envelope state machine fed one segment at a time.
pub struct EnvelopeTracker {
    state: State,
    ctx: TxContext,
    groups_in_interchange: usize,
    tx_in_group: usize,
    segments_in_tx: usize,
    group_controls: HashSet<String>,
    tx_controls: HashSet<String>,
    interchange_controls: HashSet<String>,
    /// Number, offset and ID (up to 3 bytes) of the last segment, for end-of-input findings.
    last_seg: (u64, u64, [u8; 3]),
}

/// What the caller should do with the segment just pushed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// An envelope segment outside any transaction.
    Envelope,
    /// ST: start buffering a transaction with this segment.
    Begin,
    /// A segment inside a transaction: buffer it.
    Inside,
    /// SE: buffer it, then hand the transaction over.
    End,
    /// Terminates a transaction whose SE is missing (GE/IEA/ISA/ST arrived): hand over the
    /// buffered transaction first, then treat this segment as `then`.
    EndMissing,
    /// A segment outside any transaction set that is not an envelope segment (already reported).
    Stray,
}

impl Default for EnvelopeTracker {
    fn default() -> Self {
        Self::new()
    }
}

impl EnvelopeTracker {
    pub fn new() -> Self {
        EnvelopeTracker {
            state: State::Outside,
            ctx: TxContext::default(),
            groups_in_interchange: 0,
            tx_in_group: 0,
            segments_in_tx: 0,
            group_controls: HashSet::new(),
            tx_controls: HashSet::new(),
            interchange_controls: HashSet::new(),
            last_seg: (0, 0, [0; 3]),
        }
    }

    pub fn context(&self) -> &TxContext {
        &self.ctx
    }

    pub fn in_transaction(&self) -> bool {
        self.state == State::Transaction
    }

    fn err(
        &self,
        seg: &Segment<'_>,
        element: Option<usize>,
        rule: &'static str,
        ack: AckCode,
        msg: String,
    ) -> Finding {
        let mut loc = self.ctx.location(seg, None);
        loc.element = element;
        Finding {
            severity: Severity::Error,
            level: Level::Envelope,
            rule,
            message: msg,
            location: loc,
            ack,
        }
    }

    /// Feeds one segment. Findings are pushed into `out`.
    pub fn push(&mut self, seg: &Segment<'_>, layout: IsaLayout, out: &mut Vec<Finding>) -> Step {
        let id = seg.id();
        // Byte by byte: a copy loop here became a memcpy call per segment.
        let b = |i: usize| id.get(i).copied().unwrap_or(0);
        self.last_seg = (seg.index, seg.offset, [b(0), b(1), b(2)]);
        let was_in_tx = self.state == State::Transaction;
        // Envelope segments arriving inside a transaction close it without SE.
        if was_in_tx && matches!(id, b"ST" | b"GE" | b"IEA" | b"ISA" | b"GS") {
            out.push(self.err(
                seg,
                None,
                "ENV-SE-MISSING",
                AckCode::Transaction("2"),
                format!(
                    "transaction set {} has no SE trailer before this {}",
                    self.ctx.set_control,
                    seg.id_str()
                ),
            ));
            self.state = State::Group;
            self.tx_in_group += 1;
            let step_after = self.push_envelope(seg, layout, out);
            return match step_after {
                Step::Begin => Step::EndMissing,
                _ => Step::EndMissing,
            };
        }
        if was_in_tx {
            self.segments_in_tx += 1;
            if id == b"SE" {
                self.check_se(seg, out);
                self.state = State::Group;
                self.tx_in_group += 1;
                return Step::End;
            }
            return Step::Inside;
        }
        self.push_envelope(seg, layout, out)
    }

    fn push_envelope(
        &mut self,
        seg: &Segment<'_>,
        layout: IsaLayout,
        out: &mut Vec<Finding>,
    ) -> Step {
        match seg.id() {
            b"ISA" => {
                if self.state != State::Outside {
                    out.push(self.err(
                        seg,
                        None,
                        "ENV-IEA-MISSING",
                        AckCode::Interchange("023"),
                        format!(
                            "interchange {} has no IEA trailer before this ISA",
                            self.ctx.interchange_control
                        ),
                    ));
                }
                self.ctx = TxContext::default();
                self.ctx.interchange_control = seg.el_str(13).to_string();
                self.ctx.sender_id = seg.el_str(6).trim().to_string();
                self.ctx.receiver_id = seg.el_str(8).trim().to_string();
                self.ctx.usage = seg.el_str(15).to_string();
                self.check_isa(seg, layout, out);
                self.state = State::Interchange;
                self.groups_in_interchange = 0;
                self.group_controls.clear();
                Step::Envelope
            }
            b"GS" => {
                match self.state {
                    State::Outside => out.push(self.err(
                        seg,
                        None,
                        "ENV-GS-OUTSIDE",
                        AckCode::Interchange("024"),
                        "GS appears outside an interchange (no ISA before it)".into(),
                    )),
                    State::Group => out.push(self.err(
                        seg,
                        None,
                        "ENV-GE-MISSING",
                        AckCode::Group("3"),
                        format!(
                            "functional group {} has no GE trailer before this GS",
                            self.ctx.group_control
                        ),
                    )),
                    _ => {}
                }
                self.ctx.functional_id = seg.el_str(1).to_string();
                self.ctx.app_sender = seg.el_str(2).to_string();
                self.ctx.app_receiver = seg.el_str(3).to_string();
                self.ctx.group_control = seg.el_str(6).to_string();
                self.ctx.version = seg.el_str(8).to_string();
                self.ctx.set_control.clear();
                self.check_gs(seg, out);
                self.state = State::Group;
                self.groups_in_interchange += 1;
                self.tx_in_group = 0;
                self.tx_controls.clear();
                Step::Envelope
            }
            b"ST" => {
                if self.state != State::Group {
                    out.push(self.err(
                        seg,
                        None,
                        "ENV-ST-OUTSIDE",
                        AckCode::Transaction("18"),
                        "ST appears outside a functional group (no GS before it)".into(),
                    ));
                }
                self.ctx.set_id = seg.el_str(1).to_string();
                self.ctx.set_control = seg.el_str(2).to_string();
                self.ctx.implementation = seg.el_str(3).to_string();
                let ctl = seg.el(2);
                if !(4..=9).contains(&ctl.len()) || !ctl.iter().all(|b| b.is_ascii_alphanumeric()) {
                    out.push(self.err(
                        seg,
                        Some(2),
                        "ENV-ST02",
                        AckCode::Transaction("7"),
                        "ST02 transaction set control number must be 4 to 9 characters".into(),
                    ));
                }
                if !self.tx_controls.insert(self.ctx.set_control.clone()) {
                    out.push(self.err(
                        seg,
                        Some(2),
                        "ENV-ST02-DUP",
                        AckCode::Transaction("23"),
                        format!(
                            "transaction set control number {} is used twice in group {}",
                            self.ctx.set_control, self.ctx.group_control
                        ),
                    ));
                }
                if !self.ctx.implementation.is_empty()
                    && !self.ctx.version.is_empty()
                    && self.ctx.implementation != self.ctx.version
                {
                    out.push(self.err(
                        seg,
                        Some(3),
                        "ENV-ST03",
                        AckCode::Transaction("19"),
                        format!(
                            "ST03 {} differs from GS08 {}",
                            self.ctx.implementation, self.ctx.version
                        ),
                    ));
                }
                self.state = State::Transaction;
                self.segments_in_tx = 1;
                Step::Begin
            }
            b"SE" => {
                out.push(self.err(
                    seg,
                    None,
                    "ENV-SE-OUTSIDE",
                    AckCode::None,
                    "SE appears without a matching ST".into(),
                ));
                Step::Stray
            }
            b"GE" => {
                if self.state != State::Group {
                    out.push(self.err(
                        seg,
                        None,
                        "ENV-GE-OUTSIDE",
                        AckCode::Interchange("024"),
                        "GE appears without a matching GS".into(),
                    ));
                    return Step::Stray;
                }
                let n = seg.el_str(1);
                if n.parse::<usize>().ok() != Some(self.tx_in_group) {
                    out.push(self.err(
                        seg,
                        Some(1),
                        "ENV-GE01-COUNT",
                        AckCode::Group("5"),
                        format!(
                            "GE01 says {} transaction sets but group {} has {}",
                            printable(n),
                            self.ctx.group_control,
                            self.tx_in_group
                        ),
                    ));
                }
                if seg.el_str(2) != self.ctx.group_control {
                    out.push(self.err(
                        seg,
                        Some(2),
                        "ENV-GE02-MATCH",
                        AckCode::Group("4"),
                        format!(
                            "GE02 {} does not match GS06 {}",
                            printable(seg.el_str(2)),
                            self.ctx.group_control
                        ),
                    ));
                }
                self.state = State::Interchange;
                Step::Envelope
            }
            b"IEA" => {
                if self.state == State::Outside {
                    out.push(self.err(
                        seg,
                        None,
                        "ENV-IEA-OUTSIDE",
                        AckCode::Interchange("023"),
                        "IEA appears without a matching ISA".into(),
                    ));
                    return Step::Stray;
                }
                if self.state == State::Group {
                    out.push(self.err(
                        seg,
                        None,
                        "ENV-GE-MISSING",
                        AckCode::Group("3"),
                        format!(
                            "functional group {} has no GE trailer before IEA",
                            self.ctx.group_control
                        ),
                    ));
                }
                let n = seg.el_str(1);
                if n.parse::<usize>().ok() != Some(self.groups_in_interchange) {
                    out.push(self.err(
                        seg,
                        Some(1),
                        "ENV-IEA01-COUNT",
                        AckCode::Interchange("021"),
                        format!(
                            "IEA01 says {} functional groups but interchange {} has {}",
                            printable(n),
                            self.ctx.interchange_control,
                            self.groups_in_interchange
                        ),
                    ));
                }
                if seg.el_str(2) != self.ctx.interchange_control {
                    out.push(self.err(
                        seg,
                        Some(2),
                        "ENV-IEA02-MATCH",
                        AckCode::Interchange("001"),
                        format!(
                            "IEA02 {} does not match ISA13 {}",
                            printable(seg.el_str(2)),
                            self.ctx.interchange_control
                        ),
                    ));
                }
                self.state = State::Outside;
                Step::Envelope
            }
            // TA1 interchange acknowledgments sit between the ISA and the first GS (or alone).
            b"TA1" if self.state == State::Interchange => Step::Envelope,
            _ => {
                out.push(self.err(
                    seg,
                    None,
                    "ENV-STRAY",
                    AckCode::None,
                    "segment appears outside a transaction set (between envelopes)".into(),
                ));
                Step::Stray
            }
        }
    }

    fn check_se(&mut self, seg: &Segment<'_>, out: &mut Vec<Finding>) {
        let n = seg.el_str(1);
        if n.parse::<usize>().ok() != Some(self.segments_in_tx) {
            out.push(self.err(
                seg,
                Some(1),
                "ENV-SE01-COUNT",
                AckCode::Transaction("4"),
                format!(
                    "SE01 says {} segments but transaction set {} has {} (ST to SE inclusive)",
                    printable(n),
                    self.ctx.set_control,
                    self.segments_in_tx
                ),
            ));
        }
        if seg.el_str(2) != self.ctx.set_control {
            out.push(self.err(
                seg,
                Some(2),
                "ENV-SE02-MATCH",
                AckCode::Transaction("3"),
                format!(
                    "SE02 {} does not match ST02 {}",
                    printable(seg.el_str(2)),
                    self.ctx.set_control
                ),
            ));
        }
    }

    fn check_isa(&mut self, seg: &Segment<'_>, layout: IsaLayout, out: &mut Vec<Finding>) {
        if layout == IsaLayout::Irregular {
            out.push(self.err(seg, None, "ENV-ISA-WIDTH", AckCode::Interchange("024"), "ISA fields are not at their fixed widths (the ISA must be exactly 106 characters; pad ISA02/04/06/08 with spaces)".into()));
        }
        let ctl = seg.el(13);
        if ctl.len() != 9 || !ctl.iter().all(u8::is_ascii_digit) {
            out.push(self.err(
                seg,
                Some(13),
                "ENV-ISA13",
                AckCode::Interchange("018"),
                "ISA13 interchange control number must be exactly 9 digits".into(),
            ));
        } else if !self
            .interchange_controls
            .insert(self.ctx.interchange_control.clone())
        {
            out.push(self.err(
                seg,
                Some(13),
                "ENV-ISA13-DUP",
                AckCode::Interchange("018"),
                format!(
                    "interchange control number {} appears twice in this file",
                    self.ctx.interchange_control
                ),
            ));
        }
        if seg.el(12) != b"00501" {
            out.push(self.err(
                seg,
                Some(12),
                "ENV-ISA12",
                AckCode::Interchange("017"),
                "ISA12 must be 00501 for HIPAA 5010".into(),
            ));
        }
        if Date::parse(seg.el(9)).is_none() || seg.el(9).len() != 6 {
            out.push(self.err(
                seg,
                Some(9),
                "ENV-ISA09",
                AckCode::Interchange("014"),
                "ISA09 is not a valid YYMMDD date".into(),
            ));
        }
        if !is_valid_time(seg.el(10)) || seg.el(10).len() != 4 {
            out.push(self.err(
                seg,
                Some(10),
                "ENV-ISA10",
                AckCode::Interchange("015"),
                "ISA10 is not a valid HHMM time".into(),
            ));
        }
        for (n, ok, code) in [
            (1, matches!(seg.el(1), b"00" | b"03"), "010"),
            (3, matches!(seg.el(3), b"00" | b"01"), "011"),
            (5, is_id_qualifier(seg.el(5)), "005"),
            (7, is_id_qualifier(seg.el(7)), "007"),
            (14, matches!(seg.el(14), b"0" | b"1"), "019"),
            (15, matches!(seg.el(15), b"P" | b"T"), "020"),
        ] {
            if !ok {
                out.push(self.err(
                    seg,
                    Some(n),
                    "ENV-ISA-CODE",
                    AckCode::Interchange(code),
                    format!("ISA{n:02} has a value the 5010 guides do not allow"),
                ));
            }
        }
    }

    fn check_gs(&mut self, seg: &Segment<'_>, out: &mut Vec<Finding>) {
        let ctl = seg.el(6);
        if ctl.is_empty() || ctl.len() > 9 || !ctl.iter().all(u8::is_ascii_digit) {
            out.push(self.err(
                seg,
                Some(6),
                "ENV-GS06",
                AckCode::Group("6"),
                "GS06 group control number must be 1 to 9 digits".into(),
            ));
        } else if !self.group_controls.insert(self.ctx.group_control.clone()) {
            out.push(self.err(
                seg,
                Some(6),
                "ENV-GS06-DUP",
                AckCode::Group("19"),
                format!(
                    "group control number {} is used twice in interchange {}",
                    self.ctx.group_control, self.ctx.interchange_control
                ),
            ));
        }
        if Date::parse(seg.el(4)).is_none() || seg.el(4).len() != 8 {
            out.push(self.err(
                seg,
                Some(4),
                "ENV-GS04",
                AckCode::None,
                "GS04 is not a valid CCYYMMDD date".into(),
            ));
        }
        if !is_valid_time(seg.el(5)) {
            out.push(self.err(
                seg,
                Some(5),
                "ENV-GS05",
                AckCode::None,
                "GS05 is not a valid time (HHMM, HHMMSS or HHMMSSdd)".into(),
            ));
        }
        if seg.el(7) != b"X" {
            out.push(self.err(
                seg,
                Some(7),
                "ENV-GS07",
                AckCode::None,
                "GS07 responsible agency code must be X".into(),
            ));
        }
        for n in [2, 3] {
            let v = seg.el(n);
            if v.len() < 2 || v.len() > 15 {
                out.push(self.err(
                    seg,
                    Some(n),
                    "ENV-GS-LEN",
                    AckCode::None,
                    format!("GS{n:02} application code must be 2 to 15 characters"),
                ));
            }
        }
        let known = matches!(
            (seg.el(1), seg.el(8)),
            (
                b"HC",
                b"005010X222A1"
                    | b"005010X223A2"
                    | b"005010X222A2"
                    | b"005010X223A3"
                    | b"005010X223A1"
            ) | (b"HP", b"005010X221A1")
                | (b"FA", b"005010X231A1")
                | (b"HN", b"005010X214")
        );
        if !known {
            out.push(Finding {
                severity: Severity::Warning,
                ..self.err(seg, Some(8), "ENV-GS08-UNKNOWN", AckCode::None, format!("GS01 {} with GS08 {} is not a transaction this engine validates in depth (837P X222A1, 837I X223A2, 835 X221A1, 999 X231A1, 277CA X214)", printable(seg.el_str(1)), printable(seg.el_str(8))))
            });
        }
    }

    /// Reports envelopes left open at the end of input.
    pub fn finish(&mut self, out: &mut Vec<Finding>) {
        let (index, offset, id3) = self.last_seg;
        let id = String::from_utf8_lossy(&id3)
            .trim_end_matches('\0')
            .to_string();
        let loc = Location {
            interchange: non_empty(&self.ctx.interchange_control),
            group: non_empty(&self.ctx.group_control),
            transaction: None,
            segment_number: index,
            position: None,
            segment_id: id,
            loop_id: None,
            element: None,
            component: None,
            offset,
        };
        let mut push = |rule, ack, msg: String| {
            out.push(Finding {
                severity: Severity::Error,
                level: Level::Envelope,
                rule,
                message: msg,
                location: loc.clone(),
                ack,
            })
        };
        match self.state {
            State::Outside => {}
            State::Transaction => {
                push(
                    "ENV-SE-MISSING",
                    AckCode::Transaction("2"),
                    format!(
                        "the file ends inside transaction set {} (no SE, GE, IEA): truncated?",
                        self.ctx.set_control
                    ),
                );
            }
            State::Group => push(
                "ENV-GE-MISSING",
                AckCode::Group("3"),
                format!(
                    "the file ends inside functional group {} (no GE, IEA): truncated?",
                    self.ctx.group_control
                ),
            ),
            State::Interchange => push(
                "ENV-IEA-MISSING",
                AckCode::Interchange("023"),
                format!(
                    "the file ends inside interchange {} (no IEA): truncated?",
                    self.ctx.interchange_control
                ),
            ),
        }
        self.state = State::Outside;
    }
}

fn is_envelope_id(id: &[u8]) -> bool {
    matches!(id, b"ST" | b"GE" | b"IEA" | b"ISA" | b"GS")
}

fn is_id_qualifier(v: &[u8]) -> bool {
    matches!(
        v,
        b"01" | b"14" | b"20" | b"27" | b"28" | b"29" | b"30" | b"33" | b"ZZ"
    )
}

/// Control numbers and counts are not PHI; show them, but keep odd bytes out of messages.
fn printable(s: &str) -> String {
    let t: String = s
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(20)
        .collect();
    if t.is_empty() {
        "(empty)".to_string()
    } else {
        t
    }
}

/// A reading error turned into a finding, so a truncated or garbage file gets one precise report.
pub fn read_error_finding(e: &ReadError, ctx: &TxContext, segment_number: u64) -> Finding {
    let loc = Location {
        interchange: non_empty(&ctx.interchange_control),
        group: non_empty(&ctx.group_control),
        transaction: non_empty(&ctx.set_control),
        segment_number,
        offset: e.offset().unwrap_or(0),
        ..Location::default()
    };
    Finding {
        severity: Severity::Error,
        level: Level::Envelope,
        rule: "READ",
        message: e.to_string(),
        location: loc,
        ack: AckCode::Interchange("024"),
    }
}

/// Reads a whole byte slice, checking envelopes and handing each transaction to `handler`.
/// Returns the reading error that stopped it, if any (it is also reported as a finding).
pub fn drive_slice<H: Handler>(input: &[u8], handler: &mut H) -> Option<ReadError> {
    let mut reader = SegmentReader::new(input);
    let mut env = EnvelopeTracker::new();
    let mut tx: Vec<Segment<'_>> = Vec::new();
    let mut out = Vec::new();
    let mut last_index = 0;
    let mut error = None;
    while let Some(item) = reader.next() {
        let seg = match item {
            Ok(s) => s,
            Err(e) => {
                handler.finding(read_error_finding(&e, env.context(), last_index + 1));
                error = Some(e);
                break;
            }
        };
        last_index = seg.index;
        // Cloned only when an envelope segment may close a transaction without SE (rare).
        let before =
            (env.in_transaction() && is_envelope_id(seg.id())).then(|| env.context().clone());
        let step = env.push(&seg, reader.isa_layout(), &mut out);
        flush(&mut out, handler);
        match step {
            Step::Begin => {
                tx.clear();
                tx.push(seg);
            }
            Step::Inside => tx.push(seg),
            Step::End => {
                tx.push(seg);
                handler.transaction_set(env.context(), set_of(input, &tx));
                tx.clear();
            }
            Step::EndMissing => {
                if !tx.is_empty() {
                    let empty;
                    let ctx = match &before {
                        Some(b) => b,
                        None => {
                            empty = TxContext::default();
                            &empty
                        }
                    };
                    handler.transaction_set(ctx, set_of(input, &tx));
                }
                tx.clear();
                if seg.is(b"ST") {
                    tx.push(seg);
                    // The tracker closed the old one and opened the new transaction.
                }
            }
            Step::Envelope | Step::Stray => {}
        }
        if seg.is(b"GE") {
            handler.group_end(env.context(), seg.el_str(1).parse().unwrap_or(0));
        }
        handler.segment(env.context(), &seg);
    }
    // Report what the end of input left open first, so a transaction cut short carries its
    // "SE missing" into the 999.
    let open_tx = env.in_transaction() && !tx.is_empty();
    let ctx = env.context().clone();
    env.finish(&mut out);
    flush(&mut out, handler);
    if open_tx {
        handler.transaction_set(&ctx, set_of(input, &tx));
    }
    error
}

/// A transaction set read from `input`: its bytes run from its first segment to the end of its
/// last.
fn set_of<'t, 'a>(input: &'a [u8], segments: &'t [Segment<'a>]) -> TransactionSet<'t, 'a> {
    let start = segments
        .first()
        .and_then(|s| usize::try_from(s.offset).ok());
    let end = segments
        .last()
        .and_then(|s| usize::try_from(s.offset).ok()?.checked_add(s.raw().len()));
    let bytes = match (start, end) {
        (Some(a), Some(b)) => input.get(a..b).unwrap_or(&[]),
        _ => &[],
    };
    TransactionSet { bytes, segments }
}

#[inline]
fn flush<H: Handler>(out: &mut Vec<Finding>, handler: &mut H) {
    // Called per segment; almost always empty.
    if out.is_empty() {
        return;
    }
    for f in out.drain(..) {
        handler.finding(f);
    }
}

/// Where each segment of the open transaction set lies in the stream (file offset, length,
/// number): its bytes stay in the reader's buffer until SE, so nothing is copied.
struct OpenSet {
    metas: Vec<(u64, u32, u64)>,
    /// The segments handed over, kept empty between sets for their allocation.
    segments: Vec<Segment<'static>>,
    delims: Option<Delimiters>,
    /// Bytes of the set's segments so far (terminators not counted).
    bytes: usize,
    /// Over the size limit: checked for envelopes only.
    oversized: bool,
}

impl OpenSet {
    fn begin(&mut self, seg: &Segment<'_>) {
        self.metas.clear();
        self.bytes = 0;
        self.oversized = false;
        self.delims = Some(seg.delimiters());
        self.push(seg);
    }
    fn push(&mut self, seg: &Segment<'_>) {
        let len = seg.raw().len();
        self.bytes += len;
        // Segments are at most the reader's maximum segment length, far below 4 GiB.
        self.metas.push((
            seg.offset,
            u32::try_from(len).unwrap_or(u32::MAX),
            seg.index,
        ));
    }
    fn clear(&mut self) {
        self.metas.clear();
        self.bytes = 0;
    }
}

/// An empty vector of `U` that keeps `v`'s allocation: for a vector of the same type with another
/// lifetime (segments borrowed from one transaction set, then the next). Collecting an empty
/// iterator in place reuses the buffer; allocating and freeing one per set made the allocator
/// hand its memory back to the system and fault it in again for every set.
pub(crate) fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// Hands the open set, still in the reader's buffer, to the handler.
fn hand_over<R: Read, H: Handler>(
    reader: &StreamReader<R>,
    set: &mut OpenSet,
    ctx: &TxContext,
    handler: &mut H,
) {
    let (Some((kept, kept_offset)), Some(d), Some(&(last_offset, last_len, _))) =
        (reader.kept(), set.delims, set.metas.last())
    else {
        return;
    };
    let at = |offset: u64| {
        offset
            .checked_sub(kept_offset)
            .and_then(|o| usize::try_from(o).ok())
    };
    let mut segments: Vec<Segment<'_>> = recycle(std::mem::take(&mut set.segments));
    segments.reserve(set.metas.len());
    segments.extend(set.metas.iter().filter_map(|&(offset, len, index)| {
        let start = at(offset)?;
        let raw = kept.get(start..start.checked_add(len as usize)?)?;
        Some(Segment::new(raw, d, offset, index))
    }));
    let end = at(last_offset).and_then(|e| e.checked_add(last_len as usize));
    let bytes = end.and_then(|e| kept.get(..e)).unwrap_or(kept);
    handler.transaction_set(
        ctx,
        TransactionSet {
            bytes,
            segments: &segments,
        },
    );
    set.segments = recycle(segments);
}

/// Streams any reader, checking envelopes and handing each transaction to `handler`. Memory is
/// bounded by the read buffer plus the largest transaction (capped at `max_tx_bytes`): a
/// transaction set stays in the reader's buffer until its SE, and the buffer shrinks back after
/// an unusually large one.
pub fn drive_stream<R: Read, H: Handler>(
    reader: &mut StreamReader<R>,
    handler: &mut H,
    max_tx_bytes: usize,
) -> Option<ReadError> {
    let mut env = EnvelopeTracker::new();
    let mut set = OpenSet {
        metas: Vec::new(),
        segments: Vec::new(),
        delims: None,
        bytes: 0,
        oversized: false,
    };
    let mut out = Vec::new();
    let mut last_index = 0;
    let mut error = None;
    loop {
        let layout = reader.isa_layout();
        let Some(item) = reader.next_segment() else {
            break;
        };
        let seg = match item {
            Ok(s) => s,
            Err(e) => {
                handler.finding(read_error_finding(&e, env.context(), last_index + 1));
                error = Some(e);
                break;
            }
        };
        last_index = seg.index;
        let id = seg.id();
        let (is_st, is_ge) = (id == b"ST", id == b"GE");
        // Cloned only when an envelope segment may close a transaction without SE (rare).
        let before = (env.in_transaction() && is_envelope_id(id)).then(|| env.context().clone());
        // The ISA's layout is only known after reading it.
        let layout = if id == b"ISA" {
            reader_layout_hint(&seg).unwrap_or(layout)
        } else {
            layout
        };
        let step = env.push(&seg, layout, &mut out);
        flush(&mut out, handler);
        match step {
            Step::Begin => set.begin(&seg),
            Step::Inside | Step::End if !set.oversized => {
                if set.bytes + seg.raw().len() > max_tx_bytes {
                    set.oversized = true;
                    let mut loc = env.context().location(&seg, None);
                    loc.segment_number = seg.index;
                    handler.finding(Finding { severity: Severity::Error, level: Level::Envelope, rule: "ENV-TX-TOO-LARGE", message: format!("transaction set {} is larger than {} bytes; it is checked for envelopes only", env.context().set_control, max_tx_bytes), location: loc, ack: AckCode::Transaction("5") });
                    set.clear();
                } else {
                    set.push(&seg);
                }
            }
            _ => {}
        }
        // The segment's borrow of the buffer ends here: the set is read from the buffer below.
        match step {
            Step::Begin => reader.keep_last(),
            Step::Inside => {
                if set.oversized {
                    reader.release();
                }
            }
            Step::End => {
                if !set.oversized {
                    hand_over(reader, &mut set, env.context(), handler);
                }
                set.clear();
                reader.release();
            }
            Step::EndMissing => {
                if !set.oversized && !set.metas.is_empty() {
                    let empty;
                    let ctx = match &before {
                        Some(b) => b,
                        None => {
                            empty = TxContext::default();
                            &empty
                        }
                    };
                    hand_over(reader, &mut set, ctx, handler);
                }
                set.clear();
                reader.release();
                set.oversized = false;
            }
            Step::Envelope | Step::Stray => {}
        }
        if step == Step::EndMissing && is_st {
            // The tracker closed the old set and opened this one.
            if let Some(seg) = reader.last_segment() {
                set.begin(&seg);
            }
            reader.keep_last();
        }
        let Some(seg) = reader.last_segment() else {
            continue;
        };
        if is_ge {
            handler.group_end(env.context(), seg.el_str(1).parse().unwrap_or(0));
        }
        handler.segment(env.context(), &seg);
    }
    let open_tx = env.in_transaction() && !set.metas.is_empty() && !set.oversized;
    let ctx = env.context().clone();
    env.finish(&mut out);
    flush(&mut out, handler);
    if open_tx {
        hand_over(reader, &mut set, &ctx, handler);
    }
    error
}

/// Re-derives the ISA layout from the segment itself (the stream reader updates its layout when
/// it reads the ISA, after we sampled it).
fn reader_layout_hint(seg: &Segment<'_>) -> Option<IsaLayout> {
    let mut bytes = seg.raw().to_vec();
    bytes.push(seg.delimiters().segment);
    Delimiters::from_isa(&bytes, 0).ok().map(|(_, l, _)| l)
}
