//! A segment borrowed from the input, with element, repetition and component access.

use crate::delim::Delimiters;

/// One segment (without its terminator), borrowed from the input bytes.
#[derive(Clone, Copy, Debug)]
// Its bytes first: with `Fields` below, a segment's ID and first elements share a cache line.
#[repr(C)]
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
        // Eight bytes at a time (`sep_mask`), then the tail byte by byte: segments are short
        // (tens of bytes), so this beats a memchr call per element and a plain byte loop.
        let sep = self.delims.element;
        let raw = self.raw;
        let splat = u64::from(sep) * LO;
        let mut start = 0;
        let mut i = 0;
        let mut chunks = raw.chunks_exact(8);
        let mut base = 0;
        for c in &mut chunks {
            let mut m = sep_mask(c, splat);
            if m != 0 {
                // Separators in this word (one high bit per byte: a multiply sums the bytes).
                let cnt = ((m >> 7).wrapping_mul(LO) >> 56) as usize;
                if i + cnt <= n {
                    // Element n ends further on: skip the word, starting after its last separator.
                    i += cnt;
                    start = base + (63 - m.leading_zeros() as usize) / 8 + 1;
                } else {
                    while i < n {
                        start = base + (m.trailing_zeros() / 8) as usize + 1;
                        m &= m - 1;
                        i += 1;
                    }
                    let k = base + (m.trailing_zeros() / 8) as usize;
                    return &raw[start..k];
                }
            }
            base += 8;
        }
        for (j, &b) in chunks.remainder().iter().enumerate() {
            if b == sep {
                let k = base + j;
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
        let raw = self.raw;
        let mut f = Fields {
            seg: *self,
            len: 0,
            inline: 0,
            ends: [0; MAX_FIELDS],
        };
        // Positions are kept as bytes (the whole split fits one cache line; segments are tens of
        // bytes); a longer segment is read through `el`.
        if u8::try_from(raw.len()).is_err() {
            f.len = u32::try_from(self.element_count() + 1).unwrap_or(u32::MAX);
            return f;
        }
        let sep = self.delims.element;
        let splat = u64::from(sep) * LO;
        let mut count = 0;
        let mut chunks = raw.chunks_exact(8);
        let mut base = 0;
        for c in &mut chunks {
            let mut m = sep_mask(c, splat);
            while m != 0 {
                let k = base + (m.trailing_zeros() / 8) as usize;
                if count < MAX_FIELDS {
                    f.ends[count] = k as u8;
                }
                count += 1;
                m &= m - 1;
            }
            base += 8;
        }
        for (j, &b) in chunks.remainder().iter().enumerate() {
            if b == sep {
                if count < MAX_FIELDS {
                    f.ends[count] = (base + j) as u8;
                }
                count += 1;
            }
        }
        if count < MAX_FIELDS {
            f.ends[count] = raw.len() as u8;
        }
        f.len = u32::try_from(count + 1).unwrap_or(u32::MAX);
        f.inline = (count + 1).min(MAX_FIELDS) as u8;
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
pub const MAX_FIELDS: usize = 19;

/// A segment's elements split once: exactly one cache line (the validator keeps one per segment
/// of a transaction set and its passes read them in turn).
#[derive(Clone, Copy, Debug)]
#[repr(C, align(64))]
pub struct Fields<'a> {
    seg: Segment<'a>,
    len: u32,
    /// Elements readable from `ends` (0 for a segment too long for byte positions).
    inline: u8,
    /// Byte position where each of the first `MAX_FIELDS` elements ends (its separator, or the
    /// segment's end); element `k` starts after the end of `k - 1`.
    ends: [u8; MAX_FIELDS],
}

/// One in every byte.
const LO: u64 = 0x0101_0101_0101_0101;
const HI7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// High bit set in exactly the bytes of `c` (8 bytes) equal to the byte splatted in `splat`.
#[inline(always)]
fn sep_mask(c: &[u8], splat: u64) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(c);
    let x = u64::from_le_bytes(w) ^ splat;
    // Per byte: (low 7 bits + 0x7f) sets bit 7 unless they are 0, without carrying into the
    // next byte; or-ing x adds its own bit 7. Zero bytes (the matches) alone end up clear.
    let t = (x & HI7).wrapping_add(HI7);
    !(t | x | HI7)
}

impl<'a> Fields<'a> {
    /// Element `n` (0 = segment ID); empty when absent.
    #[inline(always)]
    pub fn get(&self, n: usize) -> &'a [u8] {
        if n < usize::from(self.inline) {
            let start = if n == 0 {
                0
            } else {
                self.ends[n - 1] as usize + 1
            };
            let end = self.ends[n] as usize;
            self.seg.raw.get(start..end).unwrap_or(&[])
        } else if n < self.len as usize {
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
        self.len as usize
    }

    /// Bit k set when element k (1..=63) has data: what the syntax notes of the standard read.
    pub fn presence(&self) -> u64 {
        let inline = usize::from(self.inline).min(self.len as usize);
        let mut mask = 0u64;
        // From the element ends: element k has data when it ends past the separator before it.
        for k in 1..inline.min(64) {
            mask |= u64::from(u16::from(self.ends[k]) > u16::from(self.ends[k - 1]) + 1) << k;
        }
        for k in inline.max(1)..(self.len as usize).min(64) {
            mask |= u64::from(!self.get(k).is_empty()) << k;
        }
        mask
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

fn nth_split(bytes: &[u8], sep: u8, n: usize) -> &[u8] {
    // Elements are a few bytes long: a plain scan beats a memchr call per component.
    bytes.split(|&b| b == sep).nth(n).unwrap_or(&[])
}

/// Element access shared by [`Segment`] (scans on each call) and [`Fields`] (split once), so
/// parsers can use either.
pub trait Elements<'a> {
    fn el(&self, n: usize) -> &'a [u8];
    fn seg(&self) -> &Segment<'a>;

    #[inline]
    fn el_str(&self, n: usize) -> &'a str {
        std::str::from_utf8(self.el(n)).unwrap_or("")
    }
    #[inline]
    fn id(&self) -> &'a [u8] {
        self.el(0)
    }
    #[inline]
    fn id_str(&self) -> &'a str {
        std::str::from_utf8(self.el(0)).unwrap_or("?")
    }
    #[inline]
    fn is(&self, id: &[u8]) -> bool {
        self.el(0) == id
    }
    #[inline]
    fn comp(&self, n: usize, c: usize) -> &'a [u8] {
        nth_split(
            self.el(n),
            self.seg().delimiters().component,
            c.saturating_sub(1),
        )
    }
    #[inline]
    fn comp_str(&self, n: usize, c: usize) -> &'a str {
        std::str::from_utf8(self.comp(n, c)).unwrap_or("")
    }
    #[inline]
    fn components(&self, n: usize) -> std::slice::Split<'a, u8, impl FnMut(&u8) -> bool + 'a> {
        let c = self.seg().delimiters().component;
        self.el(n).split(move |&b| b == c)
    }
}

impl<'a> Elements<'a> for Segment<'a> {
    #[inline]
    fn el(&self, n: usize) -> &'a [u8] {
        Segment::el(self, n)
    }
    #[inline]
    fn seg(&self) -> &Segment<'a> {
        self
    }
}

impl<'a> Elements<'a> for Fields<'a> {
    #[inline]
    fn el(&self, n: usize) -> &'a [u8] {
        self.get(n)
    }
    #[inline]
    fn el_str(&self, n: usize) -> &'a str {
        self.str(n)
    }
    #[inline]
    fn seg(&self) -> &Segment<'a> {
        &self.seg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A segment too long for byte positions is still read whole (through `el`), at every
    /// length around the limit.
    #[test]
    fn fields_of_a_very_long_segment() {
        let mut raw = b"NTE*".to_vec();
        raw.extend(std::iter::repeat_n(b'A', 70_000));
        raw.extend_from_slice(b"*B*C");
        let seg = Segment::new(&raw, Delimiters::default(), 0, 1);
        let f = seg.fields();
        assert_eq!(f.len(), 4);
        assert_eq!(f.get(1).len(), 70_000);
        assert_eq!(f.get(2), b"B");
        assert_eq!(f.get(3), b"C");
        assert_eq!(f.get(4), b"");
        assert_eq!(f.presence(), 0b1110);
        for len in 250..262 {
            let mut raw = b"NTE*ADD*".to_vec();
            raw.extend(std::iter::repeat_n(b'X', len - 10));
            raw.extend_from_slice(b"*Y");
            assert_eq!(raw.len(), len);
            let seg = Segment::new(&raw, Delimiters::default(), 0, 1);
            let f = seg.fields();
            let want: Vec<&[u8]> = raw.split(|&b| b == b'*').collect();
            assert_eq!(f.len(), want.len());
            for (n, w) in want.iter().enumerate() {
                assert_eq!(f.get(n), *w, "len {len} element {n}");
            }
            assert_eq!(f.presence(), 0b1110, "len {len}");
        }
    }

    /// `el` and `fields` (eight bytes at a time) agree with a plain split for every length,
    /// separator position and byte value around the separator (0x80 + sep, 0xFF, 0x00…).
    #[test]
    fn word_split_matches_plain_split() {
        let mut rng = crate::synth::Rng::new(0x2545_f491_4f6c_dd1d);
        let mut next = || rng.next_u64();
        for sep in [b'*', 0x1d, 0x7f, 0x80, 0xff, 0x00] {
            let d = Delimiters {
                element: sep,
                ..Delimiters::default()
            };
            let alphabet = [sep, sep ^ 0x80, sep.wrapping_add(1), 0xff, 0x00, b'A', 0x80];
            for len in 0..70 {
                for _ in 0..40 {
                    let raw: Vec<u8> = (0..len)
                        .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                        .collect();
                    let seg = Segment::new(&raw, d, 0, 1);
                    let want: Vec<&[u8]> = raw.split(|&b| b == sep).collect();
                    let f = seg.fields();
                    assert_eq!(f.len(), want.len());
                    for n in 0..want.len() + 3 {
                        let w = want.get(n).copied().unwrap_or(&[]);
                        assert_eq!(seg.el(n), w, "el({n}) of {raw:?}");
                        assert_eq!(f.get(n), w, "fields().get({n}) of {raw:?}");
                    }
                    let present = (1..want.len().min(64))
                        .filter(|&k| !want[k].is_empty())
                        .fold(0u64, |m, k| m | 1 << k);
                    assert_eq!(f.presence(), present, "presence of {raw:?}");
                }
            }
        }
    }
}
