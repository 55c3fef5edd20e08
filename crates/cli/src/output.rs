//! Small helpers for readable terminal output.

use std::io::IsTerminal;

/// Writes a line to standard output, returning the error (a closed pipe, as with
/// `rcm … | head`) instead of panicking like `println!`.
#[macro_export]
macro_rules! outln {
    () => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock())
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// Prints JSON to standard output, one document.
pub fn json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    outln!("{text}")?;
    Ok(())
}

/// True when the error is a closed standard output (the reader went away).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

pub fn warn(message: &str) {
    eprintln!("warning: {message}");
}

pub fn bold(s: &str) -> String {
    if std::io::stdout().is_terminal() {
        format!("\x1b[1m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// Cuts a string to `width` characters with an ellipsis.
pub fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// The progress bar of the imports: bytes when the size is known, a spinner otherwise.
pub struct Bar(pub indicatif::ProgressBar);

impl Bar {
    pub fn show_stage(&self, name: &str, total: u64) {
        use indicatif::ProgressStyle;
        if total > 0 {
            self.0.set_length(total);
            self.0.set_style(
                ProgressStyle::with_template("{msg:>16} [{bar:40}] {bytes}/{total_bytes}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
        } else {
            self.0.set_style(
                ProgressStyle::with_template("{msg:>16} {spinner}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            self.0.tick();
        }
        self.0.set_message(name.to_string());
    }
    pub fn show_done(&self, done: u64) {
        self.0.set_position(done);
    }
    pub fn clear(&self) {
        self.0.finish_and_clear();
    }
}

/// Writes text to standard output as is (CSV, files), returning a closed pipe as an error.
pub fn out_raw(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
