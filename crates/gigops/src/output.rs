//! Printing: a plain table for people, JSON for programs, and atomic file writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use comfy_table::{Table, presets};
use serde::Serialize;

/// Prints `value` as pretty JSON. Buffered: stdout flushes at every line break, and a report's
/// JSON runs to hundreds of thousands of lines, which written line by line cost more than
/// computing the report.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

pub fn print_table(
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> anyhow::Result<()> {
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_header(header.to_vec());
    for row in rows {
        table.add_row(row);
    }
    print_line(table.trim_fmt())
}

pub fn print_line(text: impl std::fmt::Display) -> anyhow::Result<()> {
    writeln!(std::io::stdout().lock(), "{text}")?;
    Ok(())
}

/// A line for the person at the terminal, on stderr: a warning, what is about to run, where a
/// file went. Every such line of the binary goes through here (library crates deny
/// `print_stdout`/`print_stderr`, and so does the binary outside this module); a closed stderr
/// is ignored rather than a panic as `eprintln!` would make it.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::output::note_line(format_args!($($arg)*))
    };
}
pub(crate) use note;

pub fn note_line(line: std::fmt::Arguments) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Prints a document as it is (no newline added). A reader that went away is an error the
/// caller returns, and `exit` turns into success — never a panic as `print!` would.
pub fn print_raw(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// Files written side by side, all or none: each goes to a temporary file next to its target,
/// and only when every one is complete are they renamed into place. They are created as any
/// program creates a file (0666 less the user's umask, so 0644 typically), not with the
/// private 0600 of a temporary file: reports are meant to be shared.
#[derive(Default)]
pub struct AtomicFiles {
    staged: Vec<(tempfile::NamedTempFile, PathBuf)>,
}

impl AtomicFiles {
    pub fn stage(&mut self, path: &Path, contents: &[u8]) -> anyhow::Result<()> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut builder = tempfile::Builder::new();
        #[cfg(unix)]
        {
            // What open(2) is asked for; the kernel applies the umask.
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let mut file = builder
            .tempfile_in(dir)
            .with_context(|| format!("cannot write in {}", dir.display()))?;
        file.write_all(contents)
            .and_then(|()| file.as_file().sync_all())
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.staged.push((file, path.to_path_buf()));
        Ok(())
    }

    /// Renames every staged file into place and returns their paths.
    pub fn commit(self) -> anyhow::Result<Vec<PathBuf>> {
        let mut written = Vec::with_capacity(self.staged.len());
        for (file, path) in self.staged {
            file.persist(&path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Renders `document` into each of `paths` in the format its extension names — the one place
/// where a file name chooses a document's format — and stages the files with the others, all
/// or none. Every name is checked before anything is rendered, so a misspelt last name is bad
/// input before a PDF is typeset in vain.
pub fn stage_document(
    files: &mut AtomicFiles,
    document: &dyn gigops_render::Document,
    paths: &[PathBuf],
    lang: gigops_core::Lang,
    templates: Option<&Path>,
) -> anyhow::Result<()> {
    let offered = document.formats();
    let formats = paths
        .iter()
        .map(|path| gigops_render::Format::from_path_among(path, &offered))
        .collect::<Result<Vec<_>, _>>()?;
    for (path, format) in paths.iter().zip(formats) {
        let bytes = gigops_render::render(document, format, lang, templates)?;
        files.stage(path, &bytes)?;
    }
    Ok(())
}
