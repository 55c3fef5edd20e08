use std::path::PathBuf;

/// Where in a source file a problem was found. Lines are 1-based; `line` is 0 when
/// the problem concerns the file as a whole (empty, unreadable, wrong kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePos {
    pub file: PathBuf,
    pub line: u64,
    pub column: u64,
}

impl std::fmt::Display for SourcePos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file.display())
        } else if self.column == 0 {
            write!(f, "{}:{}", self.file.display(), self.line)
        } else {
            write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
        }
    }
}

/// Everything that can go wrong while importing, storing or loading a code set.
/// Messages say what is wrong and where, so the person importing can fix the file.
#[derive(Debug, thiserror::Error)]
pub enum CodesError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{pos}: {message}")]
    Parse { pos: SourcePos, message: String },
    #[error("{path}: {message}")]
    Unrecognized { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Archive { path: PathBuf, message: String },
    #[error("data directory {path}: {message}")]
    Store { path: PathBuf, message: String },
    #[error(
        "prebuilt index {path} is damaged or from another version of rcm: {message}; re-import the code set"
    )]
    CorruptIndex { path: PathBuf, message: String },
    #[error("{0}")]
    Version(String),
    #[error("{0}")]
    Query(String),
}

impl CodesError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        CodesError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn parse(
        file: impl Into<PathBuf>,
        line: u64,
        column: u64,
        message: impl Into<String>,
    ) -> Self {
        CodesError::Parse {
            pos: SourcePos {
                file: file.into(),
                line,
                column,
            },
            message: message.into(),
        }
    }
}

pub type Result<T, E = CodesError> = std::result::Result<T, E>;

/// 1-based line and column of a byte offset in `text`, for error messages.
pub(crate) fn line_col(text: &[u8], offset: usize) -> (u64, u64) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = (offset - line_start) as u64 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = b"ab\ncd\nef";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 4), (2, 2));
        assert_eq!(line_col(text, 100), (3, 3));
    }
}
