//! A segment borrowed from the input, with element, repetition and component access.

use crate::delim::Delimiters;

/// One segment (without its terminator), borrowed from the input bytes.
#[derive(Clone, Copy, Debug)]
pub struct Segment<'a> {
    raw: &'a [u8],
    delims: Delimiters,
    /// Byte offset of the segment's first byte in the input.
    pub offset: u64,
    /// 1-based number of the segment in the input (ISA of the first interchange = 1).
    pub index: u64,
}

impl<'a> Segment<'a> {
    pub fn new(raw: &'a [u8], delims: Delimiters, offset: u64, index: u64) -> Self {
        Segment {
            raw,
            delims,
            offset,
            index,
        }
    }

    /// The bytes of the segment, without terminator.
    #[inline]
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    #[inline]
    pub fn delimiters(&self) -> Delimiters {
        self.delims
    }

    /// The segment ID (element 0), e.g. `b"CLP"`.
    #[inline]
    pub fn id(&self) -> &'a [u8] {
        // IDs are two or three characters: check those positions before scanning.
        let (r, sep) = (self.raw, self.delims.element);
        if r.len() > 3 && r[3] == sep && r[2] != sep {
            return &r[..3];
        }
        if r.len() > 2 && r[2] == sep {
            return &r[..2];
        }
        match memchr::memchr(sep, r) {
            Some(i) => &r[..i],
            None => r,
        }
    }

    /// The segment ID as text; IDs that are not ASCII show as `?`.
    pub fn id_str(&self) -> &'a str {
        std::str::from_utf8(self.id()).unwrap_or("?")
    }

    #[inline]
    pub fn is(&self, id: &[u8]) -> bool {
        self.id() == id
    }

    /// Element `n` (1-based; 0 is the segment ID). Missing elements read as empty.
    #[inline]
    pub fn el(&self, n: usize) -> &'a [u8] {
        // Segments are short (tens of bytes): a plain byte loop beats a memchr call per element.
        let sep = self.delims.element;
        let raw = self.raw;
        let mut start = 0;
        let mut i = 0;
        for (k, &b) in raw.iter().enumerate() {
            if b == sep {
                if i == n {
                    return &raw[start..k];
                }
                i += 1;
                start = k + 1;
            }
        }
        if i == n { &raw[start..] } else { &[] }
    }

    /// All elements split once (element 0 is the ID), for parsers that read many of them.
    #[inline]
    pub fn fields(&self) -> Fields<'a> {
        let mut f = Fields {
            items: [&[]; MAX_FIELDS],
            len: 0,
            seg: *self,
        };
        let sep = self.delims.element;
        let raw = self.raw;
        let mut start = 0;
        for (k, &b) in raw.iter().enumerate() {
            if b == sep {
                if f.len < MAX_FIELDS {
                    f.items[f.len] = &raw[start..k];
                }
                f.len += 1;
                start = k + 1;
            }
        }
        if f.len < MAX_FIELDS {
            f.items[f.len] = &raw[start..];
        }
        f.len += 1;
        f
    }

    /// Element `n` as text (lossy for non-UTF-8 bytes is avoided: invalid UTF-8 reads as empty,
    /// the validator reports it as an invalid character).
    #[inline]
    pub fn el_str(&self, n: usize) -> &'a str {
        std::str::from_utf8(self.el(n)).unwrap_or("")
    }

    /// Number of elements after the segment ID (trailing empty elements included as written).
    pub fn element_count(&self) -> usize {
        memchr::memchr_iter(self.delims.element, self.raw).count()
    }

    /// All elements after the ID, in order.
    pub fn elements(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let sep = self.delims.element;
        self.raw.split(move |&b| b == sep).skip(1)
    }

    /// Component `c` (1-based) of element `n`.
    #[inline]
    pub fn comp(&self, n: usize, c: usize) -> &'a [u8] {
        nth_split(self.el(n), self.delims.component, c.saturating_sub(1))
    }

    pub fn comp_str(&self, n: usize, c: usize) -> &'a str {
        std::str::from_utf8(self.comp(n, c)).unwrap_or("")
    }

    /// The components of element `n`.
    pub fn components(&self, n: usize) -> impl Iterator<Item = &'a [u8]> + 'a {
        let c = self.delims.component;
        self.el(n).split(move |&b| b == c)
    }

    /// The repetitions of element `n` (one item when the interchange has no repetition separator).
    pub fn repetitions(&self, n: usize) -> Vec<&'a [u8]> {
        let e = self.el(n);
        match self.delims.repetition {
            Some(r) => e.split(|&b| b == r).collect(),
            None => vec![e],
        }
    }

    /// The segment as text with its own delimiters (for display of non-PHI segments and debugging).
    pub fn to_text(&self) -> String {
        String::from_utf8_lossy(self.raw).into_owned()
    }
}

/// Elements kept inline by [`Segment::fields`]; later ones are read from the raw segment.
pub const MAX_FIELDS: usize = 24;

/// A segment's elements split once.
#[derive(Clone, Copy, Debug)]
pub struct Fields<'a> {
    items: [&'a [u8]; MAX_FIELDS],
    len: usize,
    seg: Segment<'a>,
}

impl<'a> Fields<'a> {
    /// Element `n` (0 = segment ID); empty when absent.
    #[inline]
    pub fn get(&self, n: usize) -> &'a [u8] {
        if n < self.len.min(MAX_FIELDS) {
            self.items[n]
        } else if n < self.len {
            self.seg.el(n)
        } else {
            &[]
        }
    }

    /// Element `n` as text; empty when it is not valid UTF-8 (checked per element: parsers
    /// build most values from the bytes directly, see `Code::from_utf8_bytes`).
    #[inline]
    pub fn str(&self, n: usize) -> &'a str {
        std::str::from_utf8(self.get(n)).unwrap_or("")
    }

    /// The underlying segment.
    pub fn segment(&self) -> &Segment<'a> {
        &self.seg
    }

    /// Number of elements including the ID.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

fn nth_split(bytes: &[u8], sep: u8, n: usize) -> &[u8] {
    let mut rest = bytes;
    for _ in 0..n {
        match memchr::memchr(sep, rest) {
            Some(e) => rest = &rest[e + 1..],
            None => return &[],
        }
    }
    match memchr::memchr(sep, rest) {
        Some(e) => &rest[..e],
        None => rest,
    }
}

/// Element access shared by [`Segment`] (scans on each call) and [`Fields`] (split once), so
/// parsers can use either.
pub trait Elements<'a> {
    fn el(&self, n: usize) -> &'a [u8];
    fn seg(&self) -> &Segment<'a>;

    fn el_str(&self, n: usize) -> &'a str {
        std::str::from_utf8(self.el(n)).unwrap_or("")
    }
    fn id(&self) -> &'a [u8] {
        self.el(0)
    }
    fn id_str(&self) -> &'a str {
        std::str::from_utf8(self.el(0)).unwrap_or("?")
    }
    fn is(&self, id: &[u8]) -> bool {
        self.el(0) == id
    }
    fn comp(&self, n: usize, c: usize) -> &'a [u8] {
        nth_split(
            self.el(n),
            self.seg().delimiters().component,
            c.saturating_sub(1),
        )
    }
    fn comp_str(&self, n: usize, c: usize) -> &'a str {
        std::str::from_utf8(self.comp(n, c)).unwrap_or("")
    }
    fn components(&self, n: usize) -> std::slice::Split<'a, u8, impl FnMut(&u8) -> bool + 'a> {
        let c = self.seg().delimiters().component;
        self.el(n).split(move |&b| b == c)
    }
}

impl<'a> Elements<'a> for Segment<'a> {
    fn el(&self, n: usize) -> &'a [u8] {
        Segment::el(self, n)
    }
    fn seg(&self) -> &Segment<'a> {
        self
    }
}

impl<'a> Elements<'a> for Fields<'a> {
    fn el(&self, n: usize) -> &'a [u8] {
        self.get(n)
    }
    fn el_str(&self, n: usize) -> &'a str {
        self.str(n)
    }
    fn seg(&self) -> &Segment<'a> {
        &self.seg
    }
}
