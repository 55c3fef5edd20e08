//! Segment readers: zero-copy over a byte slice, and streaming over `io::Read` with a bounded buffer.

use crate::delim::{Delimiters, IsaLayout};
use crate::error::ReadError;
use crate::segment::Segment;
use std::io::Read;

/// Longest segment accepted by default. The longest HIPAA 5010 segments are a few hundred bytes;
/// 1 MiB leaves room for odd senders while a file without terminators fails fast.
pub const DEFAULT_MAX_SEGMENT_LEN: usize = 1 << 20;

/// Whitespace that senders put after terminators (line breaks for readability).
#[inline]
fn is_filler(b: u8, delims: Option<Delimiters>) -> bool {
    // Segment IDs start with a letter or digit: the usual byte is decided by one range test.
    if b > b' ' && b < 0xBB {
        return false;
    }
    matches!(b, b'\r' | b'\n' | b' ' | b'\t' | 0xEF | 0xBB | 0xBF)
        && delims.is_none_or(|d| !d.is_delimiter(b))
}

/// Reads segments from a byte slice without copying. Delimiters come from each ISA.
pub struct SegmentReader<'a> {
    input: &'a [u8],
    pos: usize,
    delims: Option<Delimiters>,
    layout: IsaLayout,
    index: u64,
    max_len: usize,
    done: bool,
}

impl<'a> SegmentReader<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        SegmentReader {
            input,
            pos: 0,
            delims: None,
            layout: IsaLayout::Fixed,
            index: 0,
            max_len: DEFAULT_MAX_SEGMENT_LEN,
            done: false,
        }
    }

    /// Sets the longest segment accepted (never below 528 bytes: room to read a malformed ISA).
    pub fn with_max_segment_len(mut self, max: usize) -> Self {
        self.max_len = max.max(crate::delim::ISA_MAX_SCAN + 16);
        self
    }

    /// Delimiters of the current interchange, once its ISA has been read.
    pub fn delimiters(&self) -> Option<Delimiters> {
        self.delims
    }

    /// Layout of the last ISA read.
    pub fn isa_layout(&self) -> IsaLayout {
        self.layout
    }
}

impl<'a> Iterator for SegmentReader<'a> {
    type Item = Result<Segment<'a>, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let input = self.input;
        while self.pos < input.len() && is_filler(input[self.pos], self.delims) {
            self.pos += 1;
        }
        if self.pos >= input.len() {
            self.done = true;
            return None;
        }
        let start = self.pos;
        let rest = &input[start..];
        self.index += 1;
        if rest.starts_with(b"ISA") {
            match Delimiters::from_isa(rest, start as u64) {
                Ok((d, layout, len)) => {
                    self.delims = Some(d);
                    self.layout = layout;
                    self.pos = start + len;
                    return Some(Ok(Segment::new(
                        &rest[..len - 1],
                        d,
                        start as u64,
                        self.index,
                    )));
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
        let Some(d) = self.delims else {
            self.done = true;
            return Some(Err(ReadError::NoIsa {
                offset: start as u64,
            }));
        };
        let window = &rest[..rest.len().min(self.max_len + 1)];
        match memchr::memchr(d.segment, window) {
            Some(end) => {
                self.pos = start + end + 1;
                Some(Ok(Segment::new(&rest[..end], d, start as u64, self.index)))
            }
            None => {
                self.done = true;
                if rest.len() > self.max_len {
                    Some(Err(ReadError::SegmentTooLong {
                        offset: start as u64,
                        index: self.index,
                        limit: self.max_len,
                    }))
                } else {
                    Some(Err(ReadError::Truncated {
                        offset: start as u64,
                        index: self.index,
                    }))
                }
            }
        }
    }
}

/// Reads segments from any `io::Read` with a buffer of at most `max_segment_len + chunk` bytes,
/// so memory stays bounded whatever the file size. Segments borrow the internal buffer until the
/// next call (a lending reader, hence no `Iterator` impl).
pub struct StreamReader<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Bytes from this buffer position on are kept when the buffer is compacted (the stream
    /// driver keeps a transaction set in place until its SE instead of copying it out).
    keep: Option<usize>,
    /// The last segment returned: (start, end) in `buf` (its number is `index`, its delimiters
    /// `delims`).
    last: Option<(usize, usize)>,
    /// File offset of `buf[0]`.
    base: u64,
    delims: Option<Delimiters>,
    layout: IsaLayout,
    index: u64,
    max_len: usize,
    chunk: usize,
    eof: bool,
    done: bool,
}

impl<R: Read> StreamReader<R> {
    pub fn new(inner: R) -> Self {
        Self::with_limits(inner, DEFAULT_MAX_SEGMENT_LEN, 256 * 1024)
    }

    /// `max_segment_len`: longest segment accepted; `chunk`: bytes asked of the reader at a time.
    pub fn with_limits(inner: R, max_segment_len: usize, chunk: usize) -> Self {
        // Room for a whole (possibly malformed) ISA scan whatever the limits asked for.
        let max_len = max_segment_len.max(crate::delim::ISA_MAX_SCAN + 16);
        let chunk = chunk.max(512);
        StreamReader {
            inner,
            buf: Vec::new(),
            start: 0,
            end: 0,
            keep: None,
            last: None,
            base: 0,
            delims: None,
            layout: IsaLayout::Fixed,
            index: 0,
            max_len,
            chunk,
            eof: false,
            done: false,
        }
    }

    pub fn delimiters(&self) -> Option<Delimiters> {
        self.delims
    }

    pub fn isa_layout(&self) -> IsaLayout {
        self.layout
    }

    /// Bytes of buffer currently allocated (for memory tests).
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Buffer size when nothing is kept: the longest segment plus one chunk.
    fn base_len(&self) -> usize {
        self.max_len + self.chunk
    }

    /// Moves unread (and kept) bytes to the front and reads more. Returns false at end of input.
    fn fill(&mut self) -> Result<bool, ReadError> {
        if self.eof {
            return Ok(false);
        }
        if self.buf.is_empty() {
            self.buf = vec![0; self.base_len()];
        }
        let from = self.keep.map_or(self.start, |k| k.min(self.start));
        // A buffer grown for a large transaction set is given back once nothing is kept.
        let oversized = self.keep.is_none() && self.buf.len() > self.base_len() + (8 << 20);
        // Bytes move to the front when there are few of them (reads then land in the same
        // cache-warm start of the buffer), or when the free space left cannot take a chunk (a
        // large kept set is not moved at every read).
        let few = self.end - from <= self.chunk / 4;
        if from > 0 && (few || self.buf.len() - self.end < self.chunk || oversized) {
            self.buf.copy_within(from..self.end, 0);
            self.base += from as u64;
            self.end -= from;
            self.start -= from;
            if let Some(k) = self.keep.as_mut() {
                *k -= from;
            }
            // The last segment handed out is no longer where it was.
            self.last = None;
        }
        if oversized && self.end <= self.base_len() {
            self.buf.truncate(self.base_len());
            self.buf.shrink_to_fit();
        }
        if self.end == self.buf.len() {
            if self.keep.is_none() || self.end - self.start > self.max_len {
                // Full of one segment: `locate` reports it as too long.
                return Ok(true);
            }
            // Full of a kept transaction set: grow (the driver stops keeping past its limit).
            let grow = self.buf.len().max(self.chunk);
            self.buf.resize(self.buf.len() + grow, 0);
        }
        // At most one chunk per read: filling the whole 1.25 MiB buffer at once pushed the
        // bytes out of the core's cache before the parser reached them.
        let limit = self.buf.len().min(self.end + self.chunk);
        loop {
            match self.inner.read(&mut self.buf[self.end..limit]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ReadError::Io(e)),
            }
        }
    }

    /// Keeps the last segment returned, and everything read after it, in the buffer until
    /// [`StreamReader::release`] (the buffer grows instead of dropping those bytes).
    pub(crate) fn keep_last(&mut self) {
        self.keep = self.last.map(|(s, ..)| s);
    }

    /// Stops keeping bytes. A buffer grown for a large transaction set is given back at once
    /// (the last segment returned stays readable).
    pub(crate) fn release(&mut self) {
        self.keep = None;
        let from = self.last.map_or(self.start, |(s, _)| s.min(self.start));
        let left = self.end - from;
        if self.buf.len() > self.base_len() + (8 << 20) && left <= self.base_len() {
            let mut fresh = vec![0; self.base_len()];
            fresh[..left].copy_from_slice(&self.buf[from..self.end]);
            self.buf = fresh;
            self.base += from as u64;
            self.start -= from;
            self.end = left;
            self.last = self.last.map(|(s, e)| (s - from, e - from));
        }
    }

    /// The bytes kept since [`StreamReader::keep_last`] up to the end of the last segment
    /// returned (its terminator included), with the file offset of their first byte.
    pub(crate) fn kept(&self) -> Option<(&[u8], u64)> {
        let k = self.keep?;
        Some((self.buf.get(k..self.start)?, self.base + k as u64))
    }

    /// The last segment returned by [`StreamReader::next_segment`] (again), while the buffer
    /// has not been refilled since.
    pub(crate) fn last_segment(&self) -> Option<Segment<'_>> {
        let (s, e) = self.last?;
        Some(Segment::new(
            self.buf.get(s..e)?,
            self.delims?,
            self.base + s as u64,
            self.index,
        ))
    }

    /// The next segment, `None` at the end of input. After an error the reader stops.
    pub fn next_segment(&mut self) -> Option<Result<Segment<'_>, ReadError>> {
        if self.done {
            return None;
        }
        match self.locate() {
            Ok(Some((s, e, next, d))) => {
                self.start = next;
                let offset = self.base + s as u64;
                self.last = Some((s, e));
                Some(Ok(Segment::new(&self.buf[s..e], d, offset, self.index)))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(err) => {
                self.done = true;
                Some(Err(err))
            }
        }
    }

    /// Finds the next segment: (start, end, next start, delimiters) in `buf`.
    fn locate(&mut self) -> Result<Option<(usize, usize, usize, Delimiters)>, ReadError> {
        // Skip filler, reading more as needed.
        loop {
            while self.start < self.end && is_filler(self.buf[self.start], self.delims) {
                self.start += 1;
            }
            if self.start < self.end {
                break;
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
        // Make sure a whole ISA (or as much as the file has) is buffered before reading delimiters.
        while self.end - self.start < crate::delim::ISA_MAX_SCAN + 3 && !self.eof {
            if !self.fill()? {
                break;
            }
        }
        self.index += 1;
        let s = self.start;
        if self.buf[s..self.end].starts_with(b"ISA") {
            let (d, layout, len) =
                Delimiters::from_isa(&self.buf[s..self.end], self.base + s as u64)?;
            self.delims = Some(d);
            self.layout = layout;
            return Ok(Some((s, s + len - 1, s + len, d)));
        }
        let Some(d) = self.delims else {
            return Err(ReadError::NoIsa {
                offset: self.base + s as u64,
            });
        };
        let mut searched = 0;
        loop {
            let s = self.start;
            let hay_end = self.end.min(s + self.max_len + 1);
            if let Some(i) = memchr::memchr(d.segment, &self.buf[s + searched..hay_end]) {
                let e = s + searched + i;
                return Ok(Some((s, e, e + 1, d)));
            }
            searched = hay_end - s;
            if searched > self.max_len {
                return Err(ReadError::SegmentTooLong {
                    offset: self.base + s as u64,
                    index: self.index,
                    limit: self.max_len,
                });
            }
            if !self.fill()? {
                return Err(ReadError::Truncated {
                    offset: self.base + self.start as u64,
                    index: self.index,
                });
            }
        }
    }
}
