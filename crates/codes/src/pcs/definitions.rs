//! Reader of the CMS ICD-10-PCS definitions XML (`ICD10PCS.definitions`): for each
//! section, the axes it defines (operation, body part, approach, device, substance,
//! ...) and their terms: the values' titles, definition, explanation and includes.
//! The device aggregation table at the end is not needed by any query and is skipped.

use std::path::Path;

use quick_xml::events::BytesStart;

use super::is_pcs_char;
use super::xml::{self, Ctx, Handler};
use crate::error::Result;

const ROOT: &str = "ICD10PCS.definitions";
const WHAT: &str = "an ICD-10-PCS definitions file";

/// A term as read.
#[derive(Debug, Default)]
pub(crate) struct RawDefinition {
    pub section: u8,
    pub position: u8,
    pub axis_title: String,
    pub titles: Vec<String>,
    pub definition: Option<String>,
    pub explanation: Option<String>,
    pub includes: Vec<String>,
}

#[derive(Default)]
struct Reader {
    year: Option<i16>,
    out: Vec<RawDefinition>,
    section: Option<(u8, u64)>,
    axis: Option<(u8, String, u64)>,
    term: Option<(RawDefinition, u64)>,
    /// Inside `deviceAggregation`.
    skipping: bool,
}

/// Reads a definitions file: the declared year and the terms.
pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<(Option<i16>, Vec<RawDefinition>)> {
    let mut r = Reader::default();
    xml::walk(path, bytes, ROOT, WHAT, &mut r)?;
    if r.out.is_empty() {
        let src = std::str::from_utf8(bytes).unwrap_or("");
        let ctx = Ctx { path, src };
        return Err(ctx.err_at(bytes.len() as u64, "the file holds no <terms>"));
    }
    Ok((r.year, r.out))
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
        if self.skipping {
            return Ok(false);
        }
        match (parent, name) {
            (ROOT, "version") => Ok(true),
            (ROOT, "deviceAggregation") => {
                self.skipping = true;
                Ok(false)
            }
            (ROOT, "section") => {
                let code = xml::attr(e, "code").unwrap_or_default();
                let b = code.as_bytes();
                if b.len() != 1 || !is_pcs_char(b[0]) {
                    return Err(ctx.err_at(
                        pos,
                        format!("<section code=\"{code}\">: a section is one PCS character"),
                    ));
                }
                self.section = Some((b[0], pos));
                Ok(false)
            }
            ("section", "axis") => {
                let p = xml::attr(e, "pos").unwrap_or_default();
                let Some(n) = p.parse::<u8>().ok().filter(|n| (1..=7).contains(n)) else {
                    return Err(ctx.err_at(pos, format!("<axis pos=\"{p}\">: expected 1 to 7")));
                };
                self.axis = Some((n, String::new(), pos));
                Ok(false)
            }
            ("axis", "title") => Ok(true),
            ("axis", "terms") => {
                let (Some((section, _)), Some((position, axis_title, _))) =
                    (self.section, self.axis.as_ref())
                else {
                    return Err(ctx.err_at(pos, "<terms> outside a section's <axis>"));
                };
                self.term = Some((
                    RawDefinition {
                        section,
                        position: *position,
                        axis_title: axis_title.clone(),
                        ..RawDefinition::default()
                    },
                    pos,
                ));
                Ok(false)
            }
            ("terms", "title" | "definition" | "explanation" | "includes") => Ok(true),
            _ => Ok(false),
        }
    }

    fn end(&mut self, ctx: &Ctx<'_>, name: &str, text: &str, _start: u64) -> Result<()> {
        if self.skipping {
            if name == "deviceAggregation" {
                self.skipping = false;
            }
            return Ok(());
        }
        let text = text.to_string();
        match (name, self.term.as_mut()) {
            ("version", _) => self.year = text.parse::<i16>().ok(),
            ("title", Some((t, _))) if !text.is_empty() => t.titles.push(text),
            ("title", None) => {
                if let Some(axis) = self.axis.as_mut() {
                    axis.1 = text;
                }
            }
            ("definition", Some((t, _))) if !text.is_empty() => t.definition = Some(text),
            ("explanation", Some((t, _))) if !text.is_empty() => t.explanation = Some(text),
            ("includes", Some((t, _))) if !text.is_empty() => t.includes.push(text),
            ("terms", _) => {
                if let Some((t, pos)) = self.term.take() {
                    if t.titles.is_empty() {
                        return Err(ctx.err_at(pos, "<terms> without a <title>"));
                    }
                    self.out.push(t);
                }
            }
            ("axis", _) => {
                if let Some((p, title, pos)) = self.axis.take()
                    && title.is_empty()
                {
                    return Err(ctx.err_at(pos, format!("<axis pos=\"{p}\"> has no <title>")));
                }
            }
            ("section", _) => self.section = None,
            _ => {}
        }
        Ok(())
    }
}
