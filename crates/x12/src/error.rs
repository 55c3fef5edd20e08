//! Errors of the generic layer: reading bytes into segments and writing segments out.
//!
//! Messages name byte offsets, segment numbers and segment IDs, never element values: element
//! values can be protected health information (names, birth dates, member IDs).

use thiserror::Error;

/// A problem that stops the reader from finding the next segment.
#[derive(Debug, Error)]
pub enum ReadError {
    #[error(
        "the file does not start with an ISA interchange header (found no 'ISA' at byte {offset}); is this an X12 file?"
    )]
    NoIsa { offset: u64 },
    #[error("the ISA header at byte {offset} is malformed: {reason}")]
    BadIsa { offset: u64, reason: &'static str },
    #[error(
        "segment {index} starting at byte {offset} is longer than {limit} bytes without a segment terminator; the terminator declared in the ISA is probably wrong or the file is not X12"
    )]
    SegmentTooLong {
        offset: u64,
        index: u64,
        limit: usize,
    },
    #[error(
        "the file ends in the middle of segment {index} (byte {offset}): no segment terminator follows it; the file is probably truncated"
    )]
    Truncated { offset: u64, index: u64 },
    #[error("could not read the input: {0}")]
    Io(#[from] std::io::Error),
}

impl ReadError {
    /// Byte offset the error refers to, when it has one.
    pub fn offset(&self) -> Option<u64> {
        match self {
            ReadError::NoIsa { offset }
            | ReadError::BadIsa { offset, .. }
            | ReadError::SegmentTooLong { offset, .. }
            | ReadError::Truncated { offset, .. } => Some(*offset),
            ReadError::Io(_) => None,
        }
    }
}

/// A problem found while writing segments.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum WriteError {
    #[error(
        "{segment}{element:02} contains the {which} delimiter; remove it (X12 has no escape character)"
    )]
    DelimiterInData {
        segment: String,
        element: usize,
        which: &'static str,
    },
    #[error("segment ID '{0}' is not 2-3 upper-case letters or digits")]
    BadSegmentId(String),
    #[error("{segment}{element:02}: {reason}")]
    BadValue {
        segment: String,
        element: usize,
        reason: String,
    },
    #[error("could not write: {0}")]
    Io(String),
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e.to_string())
    }
}

/// A typed parser could not build its model from a transaction's segments.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{what} (segment {segment_id} at position {position} in the transaction)")]
pub struct ModelError {
    pub what: String,
    pub segment_id: String,
    /// 1-based position in the transaction set, ST = 1 (as reported in a 999 IK302).
    pub position: usize,
}
