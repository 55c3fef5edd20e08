//! Delimiters, always read from the ISA header of each interchange.

use crate::error::ReadError;
use serde::Serialize;

/// Length of an ISA segment including its terminator.
pub const ISA_LEN: usize = 106;

/// How far a malformed (not fixed-width) ISA is searched for its 16 separators. Both readers
/// must see at least this many bytes before reading an ISA, or they could disagree.
pub const ISA_MAX_SCAN: usize = 512;

/// Byte positions of the 16 element separators in a fixed-width ISA.
const ISA_SEPARATOR_POSITIONS: [usize; 16] = [
    3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103,
];

/// The four delimiters of an interchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Delimiters {
    /// Separates elements (byte 3 of the ISA).
    pub element: u8,
    /// Separates the components of a composite element (ISA16).
    pub component: u8,
    /// Separates repetitions of an element (ISA11); `None` when ISA11 holds a
    /// standards identifier (`U`) as in 4010 files.
    pub repetition: Option<u8>,
    /// Ends a segment (the byte after ISA16).
    pub segment: u8,
}

impl Default for Delimiters {
    /// The delimiters most senders use; only for writing, never assumed when reading.
    fn default() -> Self {
        Delimiters {
            element: b'*',
            component: b':',
            repetition: Some(b'^'),
            segment: b'~',
        }
    }
}

/// How the ISA was laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum IsaLayout {
    /// The 106-character fixed layout the standard requires.
    Fixed,
    /// Separators not at the fixed positions (padding missing); read leniently and reported by the validator.
    Irregular,
}

impl Delimiters {
    /// True when `b` is one of the delimiters (data must never contain one).
    #[inline]
    pub fn is_delimiter(&self, b: u8) -> bool {
        b == self.element || b == self.component || b == self.segment || Some(b) == self.repetition
    }

    /// Reads the delimiters from an ISA starting at `bytes[0]`. Returns the delimiters, the
    /// layout and the length of the ISA including its terminator. `offset` is only for errors.
    pub fn from_isa(
        bytes: &[u8],
        offset: u64,
    ) -> Result<(Delimiters, IsaLayout, usize), ReadError> {
        if bytes.len() < 4 || &bytes[..3] != b"ISA" {
            return Err(ReadError::NoIsa { offset });
        }
        let element = bytes[3];
        if element.is_ascii_alphanumeric() || element == b' ' {
            return Err(ReadError::BadIsa {
                offset,
                reason: "the character after 'ISA' must be the element separator, a punctuation or control character",
            });
        }
        let fixed =
            bytes.len() >= ISA_LEN && ISA_SEPARATOR_POSITIONS.iter().all(|&p| bytes[p] == element);
        let (component, segment, rep_byte, len, layout) = if fixed {
            (bytes[104], bytes[105], bytes[82], ISA_LEN, IsaLayout::Fixed)
        } else {
            // Lenient: find the 16th separator; ISA16 is the one byte after it and the terminator follows.
            let mut count = 0;
            let mut sixteenth = None;
            let mut rep_pos = None;
            for (i, &b) in bytes.iter().enumerate().take(ISA_MAX_SCAN).skip(3) {
                if b == element {
                    count += 1;
                    if count == 11 {
                        rep_pos = Some(i + 1);
                    }
                    if count == 16 {
                        sixteenth = Some(i);
                        break;
                    }
                }
            }
            let Some(p) = sixteenth else {
                return Err(if bytes.len() < ISA_LEN {
                    ReadError::BadIsa {
                        offset,
                        reason: "the file ends inside the ISA header (it needs 106 characters)",
                    }
                } else {
                    ReadError::BadIsa {
                        offset,
                        reason: "it does not have 16 elements separated by the character after 'ISA'",
                    }
                });
            };
            let (Some(&c), Some(&s)) = (bytes.get(p + 1), bytes.get(p + 2)) else {
                return Err(ReadError::BadIsa {
                    offset,
                    reason: "the file ends inside the ISA header (ISA16 or the segment terminator is missing)",
                });
            };
            let r = rep_pos.and_then(|i| bytes.get(i).copied()).unwrap_or(b'U');
            (c, s, r, p + 3, IsaLayout::Irregular)
        };
        if component == element || segment == element || segment == component {
            return Err(ReadError::BadIsa {
                offset,
                reason: "the element separator, component separator (ISA16) and segment terminator must be three different characters",
            });
        }
        if component.is_ascii_alphanumeric() || segment.is_ascii_alphanumeric() {
            return Err(ReadError::BadIsa {
                offset,
                reason: "ISA16 (component separator) and the segment terminator must not be letters or digits",
            });
        }
        let repetition = if rep_byte.is_ascii_alphanumeric()
            || rep_byte == b' '
            || rep_byte == element
            || rep_byte == component
            || rep_byte == segment
        {
            None
        } else {
            Some(rep_byte)
        };
        Ok((
            Delimiters {
                element,
                component,
                repetition,
                segment,
            },
            layout,
            len,
        ))
    }
}
