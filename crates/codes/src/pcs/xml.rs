//! The streaming XML driver shared by the three ICD-10-PCS readers (tables, definitions,
//! index): one pass with quick-xml, the checks every file gets (UTF-8, empty file, root
//! element, malformed or truncated XML) and an element stack with start positions, so
//! each reader only says what its elements mean.

use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::error::{CodesError, Result, line_col};

/// Where the reader is, for error messages.
pub(crate) struct Ctx<'a> {
    pub path: &'a Path,
    pub src: &'a str,
}

impl Ctx<'_> {
    pub fn err_at(&self, offset: u64, message: impl Into<String>) -> CodesError {
        let (line, col) = line_col(self.src.as_bytes(), offset as usize);
        CodesError::parse(self.path, line, col, message)
    }
}

/// What a reader does with the elements below the root (`parent` is the enclosing
/// element's name, the root's for its children).
pub(crate) trait Handler {
    /// An element opens. Returns whether its text content is wanted (given to `end`).
    fn start(
        &mut self,
        ctx: &Ctx<'_>,
        parent: &str,
        name: &str,
        e: &BytesStart<'_>,
        pos: u64,
    ) -> Result<bool>;
    /// An element closes; `text` is its own text (not its children's), whitespace
    /// collapsed, when `start` asked for it; `start_pos` is where it opened.
    fn end(&mut self, ctx: &Ctx<'_>, name: &str, text: &str, start_pos: u64) -> Result<()>;
}

/// An attribute's value, trimmed; `None` when absent or unreadable.
pub(crate) fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.try_get_attribute(key)
        .ok()
        .flatten()
        .map(|a| a.value.trim().to_string())
}

/// Reads `bytes` as XML whose root element must be `root` (`what` names the file kind
/// in messages), calling `handler` for every element below the root.
pub(crate) fn walk(
    path: &Path,
    bytes: &[u8],
    root: &str,
    what: &str,
    handler: &mut dyn Handler,
) -> Result<()> {
    let src = std::str::from_utf8(bytes).map_err(|e| {
        let (line, col) = line_col(bytes, e.valid_up_to());
        CodesError::parse(path, line, col, "the file is not valid UTF-8 text")
    })?;
    if src.trim().is_empty() {
        return Err(CodesError::parse(path, 0, 0, "the file is empty"));
    }
    let ctx = Ctx { path, src };
    let mut reader = Reader::from_str(src);
    reader.config_mut().trim_text(false);
    // (element name, start offset, wants text, text so far)
    let mut stack: Vec<(String, u64, bool, String)> = Vec::with_capacity(16);
    let mut seen_root = false;
    loop {
        let pos = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                let at = reader.error_position();
                return Err(ctx.err_at(at, format!("malformed XML: {e}")));
            }
        };
        match event {
            Event::Start(e) | Event::Empty(e) if stack.is_empty() && seen_root => {
                let name = e.name().into_inner().to_string();
                return Err(ctx.err_at(
                    pos,
                    format!("<{name}> after the end of the <{root}> root element"),
                ));
            }
            Event::Start(e) => {
                open(
                    &ctx,
                    &mut stack,
                    &mut seen_root,
                    handler,
                    root,
                    what,
                    &e,
                    pos,
                )?;
            }
            Event::Empty(e) => {
                open(
                    &ctx,
                    &mut stack,
                    &mut seen_root,
                    handler,
                    root,
                    what,
                    &e,
                    pos,
                )?;
                close(&ctx, &mut stack, handler, pos)?;
            }
            Event::End(_) => close(&ctx, &mut stack, handler, pos)?,
            Event::Text(t) => {
                if let Some(top) = stack.last_mut()
                    && top.2
                {
                    top.3.push_str(&t.xml10_content());
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut()
                    && top.2
                {
                    top.3.push_str(&c.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut()
                    && top.2
                {
                    let ch = crate::xmltext::reference_char(&r).map_err(|m| ctx.err_at(pos, m))?;
                    top.3.push(ch);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((name, at, _, _)) = stack.last() {
        let (line, _) = line_col(src.as_bytes(), *at as usize);
        return Err(ctx.err_at(
            src.len() as u64,
            format!(
                "the file ends early (truncated?): <{name}> opened at line {line} is never closed"
            ),
        ));
    }
    if !seen_root {
        return Err(ctx.err_at(
            src.len() as u64,
            format!("no <{root}> root element: this is not {what}"),
        ));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn open(
    ctx: &Ctx<'_>,
    stack: &mut Vec<(String, u64, bool, String)>,
    seen_root: &mut bool,
    handler: &mut dyn Handler,
    root: &str,
    what: &str,
    e: &BytesStart<'_>,
    pos: u64,
) -> Result<()> {
    let name = e.name().into_inner();
    if stack.is_empty() {
        if name != root {
            return Err(ctx.err_at(
                pos,
                format!("root element is <{name}>, expected <{root}>: this is not {what}"),
            ));
        }
        *seen_root = true;
        stack.push((name.to_string(), pos, false, String::new()));
        return Ok(());
    }
    let parent = stack.last().map_or("", |s| s.0.as_str());
    let wants_text = handler.start(ctx, parent, name, e, pos)?;
    stack.push((name.to_string(), pos, wants_text, String::new()));
    Ok(())
}

fn close(
    ctx: &Ctx<'_>,
    stack: &mut Vec<(String, u64, bool, String)>,
    handler: &mut dyn Handler,
    pos: u64,
) -> Result<()> {
    let Some((name, start, _, text)) = stack.pop() else {
        return Err(ctx.err_at(pos, "closing tag without an opening tag"));
    };
    if stack.is_empty() {
        return Ok(());
    }
    let text = crate::tabular::normalize_space(&text);
    handler.end(ctx, &name, &text, start)
}
