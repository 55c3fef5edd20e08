//! Places each segment of a transaction in its implementation-guide loop and checks usage,
//! repeats, order, and every element's type, length and code value.

use super::{CodeSet, ElHot, ElType, ElemSpec, LoopSpec, SegSpec, TxSpec, Usage};
use crate::codelists::{self, CodeLists};
use crate::envelope::TxContext;
use crate::finding::{AckCode, Finding, Level, Location, Severity};
use crate::segment::{Fields, Segment};
use crate::values::{Date, Decimal, is_valid_time, is_x12_char};

/// Where one segment sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoopPath {
    /// Loop ID (e.g. "2300"); "ST" for the transaction's own segments.
    pub loop_id: &'static str,
    /// Loop name from the guide.
    pub loop_name: &'static str,
    /// Nesting depth (0 = transaction level).
    pub depth: usize,
    /// True when this segment starts a new loop instance.
    pub starts_loop: bool,
    /// False when the segment could not be placed in any loop.
    pub placed: bool,
}

pub struct WalkResult {
    pub findings: Vec<Finding>,
    /// One entry per segment of the transaction.
    pub paths: Vec<LoopPath>,
}

struct Frame {
    spec: &'static LoopSpec,
    seg_counts: Vec<u32>,
    child_counts: Vec<u32>,
    last_seg: usize,
    /// A child loop of this instance has started.
    children_started: bool,
}

impl Frame {
    fn new(spec: &'static LoopSpec) -> Self {
        Frame {
            spec,
            seg_counts: vec![0; spec.segments.len()],
            child_counts: vec![0; spec.children.len()],
            last_seg: 0,
            children_started: false,
        }
    }

    /// A frame for `spec`, reusing the counters of a closed loop instance when there is one
    /// (a claim opens several loops; allocating their counters each time showed in profiles).
    fn from_pool(pool: &mut Vec<Frame>, spec: &'static LoopSpec) -> Self {
        match pool.pop() {
            Some(mut f) => {
                f.spec = spec;
                f.seg_counts.clear();
                f.seg_counts.resize(spec.segments.len(), 0);
                f.child_counts.clear();
                f.child_counts.resize(spec.children.len(), 0);
                f.last_seg = 0;
                f.children_started = false;
                f
            }
            None => Frame::new(spec),
        }
    }
}

enum Hit {
    Seg(usize, usize),
    Loop(usize, usize),
}

struct Ctx<'c> {
    tx: &'c TxContext,
    findings: Vec<Finding>,
    code_lists: Option<&'c CodeLists>,
}

impl Ctx<'_> {
    /// A missing segment or loop: reported at the segment where it was due, under its own ID.
    #[allow(clippy::too_many_arguments)]
    fn push_missing(
        &mut self,
        missing_id: &str,
        seg: &Segment<'_>,
        pos: usize,
        loop_id: &str,
        rule: &'static str,
        ack: AckCode,
        msg: String,
    ) {
        self.push(seg, pos, loop_id, None, None, rule, ack, msg);
        if let Some(f) = self.findings.last_mut() {
            f.location.segment_id = missing_id.to_string();
        }
    }

    // Cold and out of line: findings are rare, and keeping their formatting out of the
    // per-element checks keeps those small and fast.
    #[cold]
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        seg: &Segment<'_>,
        pos: usize,
        loop_id: &str,
        el: Option<usize>,
        comp: Option<usize>,
        rule: &'static str,
        ack: AckCode,
        msg: String,
    ) {
        let mut loc: Location = self.tx.location(seg, Some(pos));
        loc.loop_id = Some(loop_id.to_string());
        loc.element = el;
        loc.component = comp;
        self.findings.push(Finding {
            severity: Severity::Error,
            level: Level::Syntax,
            rule,
            message: msg,
            location: loc,
            ack,
        });
    }
}

/// Walks one transaction (ST..SE) against its table.
pub fn walk(spec: &'static TxSpec, ctx: &TxContext, segments: &[Segment<'_>]) -> WalkResult {
    let fields: Vec<Fields<'_>> = segments.iter().map(Segment::fields).collect();
    walk_fields(spec, ctx, &fields, Vec::new(), None)
}

/// [`walk`] over segments already split into their elements (the validator splits each segment
/// once for the walker and every rule), writing the loop paths into `paths` (emptied first), so
/// a caller walking set after set keeps one allocation. With `code_lists`, the elements whose
/// codes come from an external list are also looked up in it (a warning when absent).
pub fn walk_fields(
    spec: &'static TxSpec,
    ctx: &TxContext,
    segments: &[Fields<'_>],
    mut paths: Vec<LoopPath>,
    code_lists: Option<&CodeLists>,
) -> WalkResult {
    let mut c = Ctx {
        tx: ctx,
        findings: Vec::new(),
        code_lists,
    };
    paths.clear();
    paths.reserve(segments.len());
    let mut stack: Vec<Frame> = vec![Frame::new(&spec.root)];
    let mut pool: Vec<Frame> = Vec::new();
    for (i, fields) in segments.iter().enumerate() {
        let pos = i + 1;
        let seg = fields.segment();
        let id = super::pack(fields.get(0)).unwrap_or(u64::MAX - 1);
        let el1 = fields.get(1);
        let hit =
            find(&stack, fields, id, el1, true).or_else(|| find(&stack, fields, id, el1, false));
        let Some(hit) = hit else {
            let top = stack.last().map_or("ST", |f| f.spec.id.as_str());
            let known = is_known_segment_id(seg.id());
            let (code, msg) = if known {
                (
                    "2",
                    format!(
                        "{} is not expected here in loop {top} of {}",
                        seg.id_str(),
                        spec.version
                    ),
                )
            } else {
                (
                    "1",
                    format!(
                        "segment ID '{}' is not defined for {}",
                        printable(seg.id_str()),
                        spec.version
                    ),
                )
            };
            c.push(
                seg,
                pos,
                top,
                None,
                None,
                "SEG-UNEXPECTED",
                AckCode::Segment(code),
                msg,
            );
            let (id, name, depth) = stack.last().map_or(("ST", "", 0), |f| {
                (f.spec.id.as_str(), f.spec.name.as_str(), stack.len() - 1)
            });
            paths.push(LoopPath {
                loop_id: id,
                loop_name: name,
                depth,
                starts_loop: false,
                placed: false,
            });
            continue;
        };
        match hit {
            Hit::Seg(d, si) => {
                close_above(&mut stack, &mut pool, d, &mut c, seg, pos);
                let Some(f) = stack.last_mut() else { break };
                let sspec = &f.spec.segments[si];
                f.seg_counts[si] += 1;
                if sspec.max_use > 0 && f.seg_counts[si] > sspec.max_use {
                    let lid = f.spec.id.clone();
                    c.push(
                        seg,
                        pos,
                        &lid,
                        None,
                        None,
                        "SEG-MAX-USE",
                        AckCode::Segment("5"),
                        format!(
                            "{} appears more than {} time(s) in loop {lid}",
                            sspec.id, sspec.max_use
                        ),
                    );
                }
                let f = stack.last_mut();
                if let Some(f) = f {
                    let this = &f.spec.segments[si];
                    let out_of_order = if f.children_started && !this.after_children {
                        Some(format!(
                            "{} belongs to loop {} and must come before that loop's inner loops; it was sent after them",
                            this.id, f.spec.id
                        ))
                    } else if si < f.last_seg && this.id != f.spec.segments[f.last_seg].id {
                        Some(format!(
                            "{} is out of order in loop {} (it must come before {})",
                            this.id, f.spec.id, f.spec.segments[f.last_seg].id
                        ))
                    } else {
                        None
                    };
                    if let Some(msg) = out_of_order {
                        let lid = f.spec.id.clone();
                        c.push(
                            seg,
                            pos,
                            &lid,
                            None,
                            None,
                            "SEG-ORDER",
                            AckCode::Segment("7"),
                            msg,
                        );
                    }
                    f.last_seg = f.last_seg.max(si);
                    let sp: &'static SegSpec = &f.spec.segments[si];
                    let (lid, lname) = (f.spec.id.as_str(), f.spec.name.as_str());
                    paths.push(LoopPath {
                        loop_id: lid,
                        loop_name: lname,
                        depth: stack.len() - 1,
                        starts_loop: false,
                        placed: true,
                    });
                    check_elements(sp, fields, pos, lid, &mut c);
                }
            }
            Hit::Loop(d, ci) => {
                close_above(&mut stack, &mut pool, d, &mut c, seg, pos);
                let Some(parent) = stack.last_mut() else {
                    break;
                };
                let child: &'static LoopSpec = &parent.spec.children[ci];
                parent.child_counts[ci] += 1;
                parent.children_started = true;
                if child.max_repeat > 0 && parent.child_counts[ci] > child.max_repeat {
                    c.push(
                        seg,
                        pos,
                        &child.id,
                        None,
                        None,
                        "LOOP-MAX-REPEAT",
                        AckCode::Segment("4"),
                        format!(
                            "loop {} ({}) repeats more than {} time(s)",
                            child.id, child.name, child.max_repeat
                        ),
                    );
                }
                let mut f = Frame::from_pool(&mut pool, child);
                f.seg_counts[0] = 1;
                stack.push(f);
                paths.push(LoopPath {
                    loop_id: child.id.as_str(),
                    loop_name: child.name.as_str(),
                    depth: stack.len() - 1,
                    starts_loop: true,
                    placed: true,
                });
                check_elements(&child.segments[0], fields, pos, &child.id, &mut c);
            }
        }
    }
    // Close everything at the end (SE is the last segment; report missing pieces against it).
    if let Some(last) = segments.last() {
        let pos = segments.len();
        while let Some(f) = stack.pop() {
            close_frame(&f, &mut c, last.segment(), pos);
        }
    }
    WalkResult {
        findings: c.findings,
        paths,
    }
}

fn find(stack: &[Frame], seg: &Fields<'_>, id: u64, el1: &[u8], with_qual: bool) -> Option<Hit> {
    let bit = super::id_bit(id);
    let slot = bit.trailing_zeros() as usize;
    for d in (0..stack.len()).rev() {
        let f = &stack[d];
        // The first segment of a non-root loop starts a new instance: matched via the parent's
        // children; the root's first (ST) is matched here. After it, segments before the first
        // one with this filter bit cannot match.
        let matches = |s: &SegSpec| s.id_packed == id && s.matches_el1(id, seg, el1, with_qual);
        let from = usize::from(f.spec.first_seg[slot]);
        let root_first = d == 0 && f.spec.segments.first().is_some_and(matches);
        if f.spec.seg_mask & bit != 0
            && let Some(si) = if root_first {
                Some(0)
            } else {
                f.spec
                    .segments
                    .get(from..)
                    .and_then(|rest| rest.iter().position(matches).map(|i| from + i))
            }
        {
            // Climbing back into an enclosing loop for a segment it has already used up would
            // close every loop below and cascade into errors for the rest of the claim; such a
            // segment is reported as unexpected where it stands instead.
            let spec = &f.spec.segments[si];
            let used_up = spec.max_use > 0 && f.seg_counts[si] >= spec.max_use;
            if d + 1 < stack.len() && used_up {
                continue;
            }
            return Some(Hit::Seg(d, si));
        }
        let from = usize::from(f.spec.first_child[slot]);
        if f.spec.child_mask & bit != 0
            && let Some(ci) = f.spec.children.get(from..).and_then(|rest| {
                rest.iter()
                    .position(|l| {
                        l.segments.first().is_some_and(|s| {
                            s.id_packed == id && s.matches_el1(id, seg, el1, with_qual)
                        })
                    })
                    .map(|i| from + i)
            })
        {
            return Some(Hit::Loop(d, ci));
        }
    }
    None
}

fn close_above(
    stack: &mut Vec<Frame>,
    pool: &mut Vec<Frame>,
    d: usize,
    c: &mut Ctx<'_>,
    seg: &Segment<'_>,
    pos: usize,
) {
    while stack.len() > d + 1 {
        if let Some(f) = stack.pop() {
            close_frame(&f, c, seg, pos);
            pool.push(f);
        }
    }
}

/// Reports required segments and loops that never appeared in a finished loop instance.
fn close_frame(f: &Frame, c: &mut Ctx<'_>, seg: &Segment<'_>, pos: usize) {
    for (i, s) in f.spec.segments.iter().enumerate() {
        if s.usage == Usage::Required && f.seg_counts[i] == 0 {
            let what = match &s.qual {
                Some((e, _, q)) if q.len() == 1 => {
                    format!("{} with {}{e:02} = {}", s.id, s.id, q[0])
                }
                _ => s.id.clone(),
            };
            // IK301 names the missing segment; the position is where it was expected.
            c.push_missing(
                &s.id,
                seg,
                pos,
                &f.spec.id,
                "SEG-REQUIRED",
                AckCode::Segment("3"),
                format!(
                    "required segment {what} is missing from loop {} ({})",
                    f.spec.id, f.spec.name
                ),
            );
        }
    }
    for (i, l) in f.spec.children.iter().enumerate() {
        if l.usage == Usage::Required && f.child_counts[i] == 0 {
            let trigger = l.segments.first().map_or("", |t| t.id.as_str());
            c.push_missing(
                trigger,
                seg,
                pos,
                &l.id,
                "LOOP-REQUIRED",
                AckCode::Segment("I7"),
                format!(
                    "required loop {} ({}) is missing from loop {}",
                    l.id, l.name, f.spec.id
                ),
            );
        }
    }
}

fn check_elements(spec: &SegSpec, fields: &Fields<'_>, pos: usize, loop_id: &str, c: &mut Ctx<'_>) {
    let seg = fields.segment();
    let d = seg.delimiters();
    // One pass over the segment: most have no repetition or component separator and only
    // X12 characters, which spares the per-element searches below.
    let rep = d.repetition.unwrap_or(d.element);
    let (mut has_rep, mut has_comp, mut bad_char) = (false, false, false);
    for &b in seg.raw() {
        has_rep |= b == rep;
        has_comp |= b == d.component;
        bad_char |= !is_x12_char(b);
    }
    let has_rep = has_rep && d.repetition.is_some();
    let mut n = 0;
    for k in 1..fields.len() {
        n = k;
        let v = fields.get(k);
        let h: &ElHot = spec.hot.get(n).unwrap_or(&ElHot::ABSENT);
        if h.idx == 0 {
            if !v.is_empty() && !spec.open {
                c.push(
                    seg,
                    pos,
                    loop_id,
                    Some(n),
                    None,
                    "EL-NOT-USED",
                    AckCode::Element("I10"),
                    format!(
                        "{}{n:02} is not used by the implementation guide but has data",
                        spec.id
                    ),
                );
            }
            continue;
        }
        if h.usage == Usage::NotUsed && !v.is_empty() {
            c.push(
                seg,
                pos,
                loop_id,
                Some(n),
                None,
                "EL-NOT-USED",
                AckCode::Element("I10"),
                format!(
                    "{}{n:02} is not used by the implementation guide but has data",
                    spec.id
                ),
            );
            continue;
        }
        if has_rep
            && let Some(r) = d.repetition
            && v.contains(&r)
        {
            c.push(
                seg,
                pos,
                loop_id,
                Some(n),
                None,
                "EL-REPEAT",
                AckCode::Element("12"),
                format!(
                    "{}{n:02} contains the repetition separator but does not repeat",
                    spec.id
                ),
            );
            continue;
        }
        if h.ty == ElType::Composite {
            let Some(es) = spec.elements.get(usize::from(h.idx) - 1) else {
                continue;
            };
            // Composites have at most a dozen components: split into a fixed array, no allocation.
            let mut comps: [&[u8]; 16] = [&[]; 16];
            let mut ncomp = 0;
            let mut extra_data = false;
            for part in v.split(|&b| b == d.component) {
                if ncomp < comps.len() {
                    comps[ncomp] = part;
                } else if !part.is_empty() {
                    extra_data = true;
                }
                ncomp += 1;
            }
            if v.is_empty() {
                if es.usage == Usage::Required {
                    c.push(
                        seg,
                        pos,
                        loop_id,
                        Some(n),
                        None,
                        "EL-REQUIRED",
                        AckCode::Element("1"),
                        format!("required composite {}{n:02} is missing", spec.id),
                    );
                }
                continue;
            }
            let max_c = es.max_component();
            if extra_data
                || (ncomp > max_c
                    && comps[max_c.min(comps.len())..ncomp.min(comps.len())]
                        .iter()
                        .any(|x| !x.is_empty()))
            {
                c.push(
                    seg,
                    pos,
                    loop_id,
                    Some(n),
                    Some(max_c + 1),
                    "EL-TOO-MANY-COMPONENTS",
                    AckCode::Element("13"),
                    format!("{}{n:02} has more than {max_c} components", spec.id),
                );
            }
            // Component positions up to the last one sent or, past it, the last required one
            // (HI lists nine, sends two): a listed component is checked when sent or required.
            let sent = ncomp.min(max_c).min(comps.len());
            let end = sent.max(es.last_required_comp);
            for k in 1..=end {
                let cv = if k <= sent { comps[k - 1] } else { &[] };
                let h = es.comp_hot.get(k).unwrap_or(&ElHot::ABSENT);
                if h.idx == 0 || (cv.is_empty() && h.usage != Usage::Required) {
                    continue;
                }
                let Some(cs) = es.components.get(usize::from(h.idx) - 1) else {
                    continue;
                };
                check_value(
                    h,
                    cs,
                    cv,
                    seg,
                    pos,
                    loop_id,
                    n,
                    Some(cs.pos),
                    &spec.id,
                    bad_char,
                    c,
                );
            }
            continue;
        }
        if has_comp && v.contains(&d.component) {
            c.push(
                seg,
                pos,
                loop_id,
                Some(n),
                None,
                "EL-COMPONENT",
                AckCode::Element("13"),
                format!(
                    "{}{n:02} is a simple element but contains the component separator",
                    spec.id
                ),
            );
            continue;
        }
        check_value(
            h,
            &spec.elements[usize::from(h.idx) - 1],
            v,
            seg,
            pos,
            loop_id,
            n,
            None,
            &spec.id,
            bad_char,
            c,
        );
    }
    // Required elements after the last one written.
    if n < spec.last_required {
        for es in spec
            .elements
            .iter()
            .filter(|e| e.pos > n && e.usage == Usage::Required)
        {
            c.push(
                seg,
                pos,
                loop_id,
                Some(es.pos),
                None,
                "EL-REQUIRED",
                AckCode::Element("1"),
                format!("required element {}{:02} is missing", spec.id, es.pos),
            );
        }
    }
    if spec.syntax.is_empty() {
        return;
    }
    let present = fields.presence();
    if spec.syntax.iter().all(|r| r.holds(present)) {
        return;
    }
    for rule in &spec.syntax {
        if let Some(v) = rule.check(present, spec.not_used, spec.required) {
            c.push(
                seg,
                pos,
                loop_id,
                Some(usize::from(v.element)),
                None,
                "EL-SYNTAX",
                AckCode::Element(v.ack),
                format!(
                    "{}{:02} {}: {} (syntax note {})",
                    spec.id,
                    v.element,
                    if v.ack == "10" {
                        "may not be sent"
                    } else {
                        "is missing"
                    },
                    rule.describe(&spec.id),
                    rule.name()
                ),
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn check_value(
    h: &ElHot,
    es: &ElemSpec,
    v: &[u8],
    seg: &Segment<'_>,
    pos: usize,
    loop_id: &str,
    n: usize,
    comp: Option<usize>,
    sid: &str,
    bad_char: bool,
    c: &mut Ctx<'_>,
) {
    // Built only when a problem is reported: this runs for every element of the file.
    let name = || match comp {
        Some(k) => format!("{sid}{n:02}-{k}"),
        None => format!("{sid}{n:02}"),
    };
    if v.is_empty() {
        if h.usage == Usage::Required {
            c.push(
                seg,
                pos,
                loop_id,
                Some(n),
                comp,
                "EL-REQUIRED",
                AckCode::Element("1"),
                format!("required element {} is missing", name()),
            );
        }
        return;
    }
    if h.usage == Usage::NotUsed {
        c.push(
            seg,
            pos,
            loop_id,
            Some(n),
            comp,
            "EL-NOT-USED",
            AckCode::Element("I10"),
            format!(
                "{} is not used by the implementation guide but has data",
                name()
            ),
        );
        return;
    }
    if bad_char && v.iter().any(|&b| !is_x12_char(b)) {
        c.push(
            seg,
            pos,
            loop_id,
            Some(n),
            comp,
            "EL-CHAR",
            AckCode::Element("6"),
            format!(
                "{} contains a character outside the X12 character set",
                name()
            ),
        );
        return;
    }
    // Numeric lengths count digits only (not sign or decimal point).
    let len = match h.ty {
        ElType::R | ElType::N0 | ElType::N2 => v.iter().filter(|b| b.is_ascii_digit()).count(),
        _ => v.len(),
    };
    let type_ok = match h.ty {
        ElType::Dt => {
            // Years before 1800 are typing errors in healthcare data (pyx12 rejects them too).
            if Date::parse(v).is_none_or(|d| d.year < 1800)
                || !(v.len() == 8 || v.len() as u64 == u64::from(h.max))
            {
                c.push(
                    seg,
                    pos,
                    loop_id,
                    Some(n),
                    comp,
                    "EL-DATE",
                    AckCode::Element("8"),
                    format!("{} is not a valid CCYYMMDD date", name()),
                );
                return;
            }
            true
        }
        ElType::Tm => {
            if !is_valid_time(v) {
                c.push(
                    seg,
                    pos,
                    loop_id,
                    Some(n),
                    comp,
                    "EL-TIME",
                    AckCode::Element("9"),
                    format!("{} is not a valid time (HHMM, HHMMSS)", name()),
                );
                return;
            }
            true
        }
        ElType::R => Decimal::parse(v).is_some(),
        ElType::N0 | ElType::N2 => {
            let digits = v.strip_prefix(b"-").unwrap_or(v);
            !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
        }
        _ => true,
    };
    if !type_ok {
        c.push(
            seg,
            pos,
            loop_id,
            Some(n),
            comp,
            "EL-NUMERIC",
            AckCode::Element("6"),
            format!(
                "{} must be numeric ({})",
                name(),
                if h.ty == ElType::R {
                    "a decimal number such as 125.50"
                } else {
                    "digits only"
                }
            ),
        );
        return;
    }
    if (len as u64) < u64::from(h.min) {
        c.push(
            seg,
            pos,
            loop_id,
            Some(n),
            comp,
            "EL-TOO-SHORT",
            AckCode::Element("4"),
            format!("{} is shorter than its minimum length {}", name(), es.min),
        );
        return;
    }
    if len as u64 > u64::from(h.max) {
        c.push(
            seg,
            pos,
            loop_id,
            Some(n),
            comp,
            "EL-TOO-LONG",
            AckCode::Element("5"),
            format!("{} is longer than its maximum length {}", name(), es.max),
        );
        return;
    }
    if !h.coded {
        return;
    }
    if h.n_codes > 0 {
        // A short list kept with the element's facts: the usual qualifier check.
        let codes = &h.codes[..usize::from(h.n_codes).min(ElHot::INLINE_CODES)];
        if super::pack(v).is_some_and(|p| codes.contains(&p)) {
            return;
        }
    }
    let code_ok = match &es.codes {
        CodeSet::Any => true,
        CodeSet::List(l) => {
            if es.packed.is_empty() {
                l.iter().any(|k| k.as_bytes() == v)
            } else {
                // Short lists: a straight scan (vectorized); long ones: binary search.
                super::pack(v).is_some_and(|p| {
                    if es.packed.len() <= 16 {
                        es.packed.contains(&p)
                    } else {
                        es.packed.binary_search(&p).is_ok()
                    }
                })
            }
        }
        CodeSet::External(list) => super::external_code_ok(list, v),
    };
    if code_ok {
        if let (CodeSet::External(list), Some(lists)) = (&es.codes, c.code_lists)
            && !super::is_compiled(list)
            && lists.contains(list, v) == Some(false)
        {
            // A warning: the list may predate the code (remark and claim status codes are
            // added three times a year).
            let msg = not_in_list(lists, list, v, &name());
            c.push(
                seg,
                pos,
                loop_id,
                Some(n),
                comp,
                "EL-CODE-LIST",
                AckCode::None,
                msg,
            );
            if let Some(f) = c.findings.last_mut() {
                f.severity = Severity::Warning;
            }
        }
        return;
    }
    // ID code values are qualifiers and code-list entries, not PHI: showing them helps the biller.
    let shown = if es.ty == ElType::Id {
        format!(" '{}'", printable(std::str::from_utf8(v).unwrap_or("?")))
    } else {
        String::new()
    };
    let list = match &es.codes {
        CodeSet::List(l) if l.len() <= 12 => format!(" (allowed: {})", l.join(", ")),
        CodeSet::External(x) => format!(" (not a {})", codelists::describe(x)),
        _ => String::new(),
    };
    c.push(
        seg,
        pos,
        loop_id,
        Some(n),
        comp,
        "EL-CODE",
        AckCode::Element("7"),
        format!("{} has an invalid code value{shown}{list}", name()),
    );
}

/// What to say of a code that passed its shape check but is absent from the installed list.
#[cold]
#[inline(never)]
fn not_in_list(lists: &CodeLists, list: &str, v: &[u8], name: &str) -> String {
    // Codes of these lists are not PHI: showing the code lets the biller look it up.
    let code = printable(std::str::from_utf8(v).unwrap_or("?"));
    format!(
        "{name} '{code}' is not in the installed {} list ({}); check the code, or install a newer list if the code is recent",
        codelists::describe(list),
        lists.source()
    )
}

fn printable(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(12)
        .collect()
}

/// Segment IDs of the 5010 dictionary that appear in the healthcare transactions (for telling
/// "unrecognized" from "not expected here").
fn is_known_segment_id(id: &[u8]) -> bool {
    const IDS: &[&[u8]] = &[
        b"ISA", b"IEA", b"GS", b"GE", b"ST", b"SE", b"BHT", b"NM1", b"N1", b"N2", b"N3", b"N4",
        b"PER", b"REF", b"HL", b"PRV", b"CUR", b"SBR", b"PAT", b"DMG", b"CLM", b"DTP", b"DTM",
        b"PWK", b"CN1", b"AMT", b"K3", b"NTE", b"CR1", b"CR2", b"CR3", b"CR6", b"CRC", b"HI",
        b"HCP", b"CL1", b"CAS", b"OI", b"MOA", b"MIA", b"LX", b"SV1", b"SV2", b"SV3", b"SV5",
        b"QTY", b"MEA", b"PS1", b"LIN", b"CTP", b"SVD", b"LQ", b"FRM", b"BPR", b"TRN", b"RDM",
        b"TS3", b"TS2", b"CLP", b"SVC", b"PLB", b"AK1", b"AK2", b"IK3", b"CTX", b"IK4", b"IK5",
        b"AK9", b"STC", b"QTY", b"BHT", b"TA1", b"AK3", b"AK4", b"AK5", b"SV4", b"SV6", b"SV7",
        b"TOO", b"CR4", b"CR5", b"CR7", b"CR8", b"HSD", b"MPI", b"DSB", b"UR", b"RDM",
    ];
    IDS.contains(&id)
}
