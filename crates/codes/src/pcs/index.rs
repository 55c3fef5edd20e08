//! Reader of the CMS ICD-10-PCS index XML (`ICD10PCS.index`): letters, main terms and
//! nested subterms, each pointing to a code (`code`, 7 characters), a partial code
//! (`codes`, 4-6 characters), a table (`tab`, 3 characters), another main term
//! (`see`, possibly with a code) or the value to use (`use`, possibly with a table).

use std::path::Path;

use quick_xml::events::BytesStart;

use super::is_pcs_char;
use super::xml::{self, Ctx, Handler};
use crate::error::Result;

const ROOT: &str = "ICD10PCS.index";
const WHAT: &str = "an ICD-10-PCS index file";

/// A term as read; `parent` is the index of the enclosing term.
#[derive(Debug, Default)]
pub(crate) struct RawIndexTerm {
    pub parent: Option<u32>,
    pub level: u8,
    pub title: Option<String>,
    pub code: Option<String>,
    pub see: Option<String>,
    pub use_: Option<String>,
}

#[derive(Default)]
struct Reader {
    year: Option<i16>,
    out: Vec<RawIndexTerm>,
    /// Open terms (index into `out`, start offset).
    open: Vec<(u32, u64)>,
}

/// Reads an index file: the declared year and the terms in file order.
pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<(Option<i16>, Vec<RawIndexTerm>)> {
    let mut r = Reader::default();
    xml::walk(path, bytes, ROOT, WHAT, &mut r)?;
    if r.out.is_empty() {
        let src = std::str::from_utf8(bytes).unwrap_or("");
        let ctx = Ctx { path, src };
        return Err(ctx.err_at(bytes.len() as u64, "the file holds no <mainTerm>"));
    }
    Ok((r.year, r.out))
}

impl Reader {
    fn current(&mut self) -> Option<&mut RawIndexTerm> {
        let &(i, _) = self.open.last()?;
        self.out.get_mut(i as usize)
    }
}

impl Handler for Reader {
    fn start(
        &mut self,
        ctx: &Ctx<'_>,
        parent: &str,
        name: &str,
        e: &BytesStart<'_>,
        pos: u64,
    ) -> Result<bool> {
        match (parent, name) {
            (ROOT, "version") => Ok(true),
            ("letter", "mainTerm") | ("mainTerm" | "term", "term") => {
                let level = if name == "mainTerm" {
                    0
                } else {
                    let given = xml::attr(e, "level").unwrap_or_default();
                    let expected = self.open.len() as u8;
                    match given.parse::<u8>() {
                        Ok(n) if n == expected => n,
                        _ => {
                            return Err(ctx.err_at(
                                pos,
                                format!(
                                    "<term level=\"{given}\"> at depth {expected}: the level must be {expected}"
                                ),
                            ));
                        }
                    }
                };
                let parent = self.open.last().map(|&(i, _)| i);
                let id = self.out.len() as u32;
                self.out.push(RawIndexTerm {
                    parent,
                    level,
                    ..RawIndexTerm::default()
                });
                self.open.push((id, pos));
                Ok(false)
            }
            ("mainTerm" | "term", "title" | "code" | "codes" | "tab" | "see" | "use") => Ok(true),
            ("see" | "use", "codes" | "code" | "tab") => Ok(true),
            _ => Ok(false),
        }
    }

    fn end(&mut self, ctx: &Ctx<'_>, name: &str, text: &str, start: u64) -> Result<()> {
        match name {
            "version" => self.year = text.parse::<i16>().ok(),
            "mainTerm" | "term" => {
                if let Some((i, pos)) = self.open.pop()
                    && name == "mainTerm"
                    && self.out.get(i as usize).is_some_and(|t| t.title.is_none())
                {
                    return Err(ctx.err_at(pos, "<mainTerm> without a <title>"));
                }
            }
            "title" => {
                if let Some(t) = self.current() {
                    t.title = Some(text.to_string());
                }
            }
            "code" | "codes" | "tab" => {
                let b = text.as_bytes();
                let lengths = match name {
                    "code" => 7..=7,
                    "tab" => 3..=3,
                    _ => 3..=7,
                };
                if !lengths.contains(&b.len()) || !b.iter().all(|&c| is_pcs_char(c)) {
                    return Err(ctx.err_at(
                        start,
                        format!(
                            "<{name}>{text}</{name}>: expected {} to {} PCS characters",
                            lengths.start(),
                            lengths.end()
                        ),
                    ));
                }
                if let Some(t) = self.current() {
                    t.code = Some(text.to_string());
                }
            }
            "see" => {
                if let Some(t) = self.current() {
                    t.see = Some(text.to_string());
                }
            }
            "use" => {
                if let Some(t) = self.current() {
                    t.use_ = Some(text.to_string());
                }
            }
            _ => {}
        }
        Ok(())
    }
}
