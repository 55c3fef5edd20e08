//! Errors of the NCCI tables: every one says where (file, archive member, line or sheet
//! row, column) and what to do.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in the imported files something was found.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Position {
    /// The file given on the command line.
    pub file: String,
    /// The member inside a zip archive, when the file is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// The worksheet, for xlsx files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Line of a text file, or row of a worksheet (1-based; 0 when the whole file is meant).
    pub line: u64,
    /// Column number (1-based) and its name from the file's header, when one is meant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<(usize, String)>,
}

impl Position {
    pub fn with_column(&self, index: usize, name: &str) -> Position {
        Position {
            column: Some((index + 1, name.to_string())),
            ..self.clone()
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(m) = &self.member {
            write!(f, " (member {m})")?;
        }
        if let Some(s) = &self.sheet {
            write!(f, ", sheet \"{s}\"")?;
            if self.line > 0 {
                write!(f, " row {}", self.line)?;
            }
        } else if self.line > 0 {
            write!(f, ", line {}", self.line)?;
        }
        if let Some((n, name)) = &self.column {
            if name.is_empty() {
                write!(f, ", column {n}")?;
            } else {
                write!(f, ", column {n} ({name})")?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum NcciError {
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    /// A row or header of an imported file is not what CMS publishes.
    #[error("{at}: {message}")]
    Parse { at: Box<Position>, message: String },
    /// The file is not an NCCI file rcm can read, or which table/quarter it is is unknown.
    #[error("{path}: {message}")]
    Unrecognized { path: String, message: String },
    /// No table answers for a date of service.
    #[error("{0}")]
    NotImported(String),
    /// The stored tables are damaged or from another version of rcm.
    #[error("{path}: {message}")]
    Store { path: String, message: String },
    /// The import would replace a table imported from other files.
    #[error("{0}")]
    Conflict(String),
}

impl NcciError {
    pub(crate) fn io(path: &Path, e: std::io::Error) -> NcciError {
        NcciError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    }

    pub(crate) fn parse(at: &Position, message: impl Into<String>) -> NcciError {
        NcciError::Parse {
            at: Box::new(at.clone()),
            message: message.into(),
        }
    }

    pub(crate) fn store(path: &Path, message: impl Into<String>) -> NcciError {
        NcciError::Store {
            path: path.display().to_string(),
            message: message.into(),
        }
    }

    pub(crate) fn unrecognized(path: impl Into<PathBuf>, message: impl Into<String>) -> NcciError {
        NcciError::Unrecognized {
            path: path.into().display().to_string(),
            message: message.into(),
        }
    }
}

pub type Result<T, E = NcciError> = std::result::Result<T, E>;
