//! PDF output through typst, for every document of gigops.
//!
//! A document is a typst source held in memory plus virtual files (the data as JSON, charts as
//! SVG) that only this source can read: the [`DocumentWorld`] answers no path outside that set,
//! so a template can neither read the user's disk nor fetch a package from the network.
//!
//! Fonts are those of [`crate::engine::fonts`], scanned once per process.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use gigops_core::Lang;

use crate::RenderError;

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: LazyLock<LazyHash<Library>> =
        LazyLock::new(|| LazyHash::new(Library::builder().build()));
    &LIBRARY
}

/// A file that the typst source can read by its absolute virtual path, e.g. `/data.json`.
#[derive(Debug, Clone)]
pub struct VirtualFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl VirtualFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        VirtualFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// The page setup, colours and shared pieces every document's source imports as
/// `/preamble.typ`.
pub const PREAMBLE: &str = include_str!("../../templates/preamble.typ");

/// The minimal typst world of a document: its main source, the preamble, virtual files,
/// shared fonts.
pub struct DocumentWorld {
    main: Source,
    preamble: Source,
    files: HashMap<FileId, Bytes>,
}

impl DocumentWorld {
    pub fn new(main: &str, files: Vec<VirtualFile>) -> Result<Self, RenderError> {
        let main = Source::new(file_id("/main.typ")?, main.to_string());
        let preamble = Source::new(file_id("/preamble.typ")?, PREAMBLE.to_string());
        let mut map = HashMap::new();
        for file in files {
            map.insert(file_id(&file.path)?, Bytes::new(file.bytes));
        }
        Ok(DocumentWorld {
            main,
            preamble,
            files: map,
        })
    }

    fn source_of(&self, id: FileId) -> Option<&Source> {
        [&self.main, &self.preamble]
            .into_iter()
            .find(|source| source.id() == id)
    }
}

/// Ids are interned for the life of the process and typst can hold at most 65,535 of them, so
/// each path maps to one id reused by every document (`FileId::new`, never `FileId::unique`).
fn file_id(path: &str) -> Result<FileId, RenderError> {
    let vpath = VirtualPath::new(path).map_err(|e| RenderError::Typeset {
        message: format!("virtual path {path:?}: {e:?}"),
    })?;
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        crate::engine::fonts::store().book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(source) = self.source_of(id) {
            Ok(source.clone())
        } else if self.files.contains_key(&id) {
            Err(FileError::NotSource)
        } else {
            Err(FileError::NotFound(id.vpath().get_with_slash().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(source) = self.source_of(id) {
            return Ok(Bytes::from_string(source.clone()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        crate::engine::fonts::store().font(index)
    }

    /// Documents carry their own dates as data, so that a PDF rendered twice from the same
    /// model is the same PDF.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Compiles a document's `main` source with its `data` (a JSON object), which it reads from
/// `/data.json` with the font `families` and the language and region for typst's `text` added,
/// and any other `files` (charts).
pub fn pdf_with_data(
    main: &str,
    lang: Lang,
    families: Vec<String>,
    mut data: serde_json::Value,
    mut files: Vec<VirtualFile>,
) -> Result<Vec<u8>, RenderError> {
    let (language, region) = match lang {
        Lang::En => ("en", serde_json::Value::Null),
        Lang::ZhCn => ("zh", "cn".into()),
    };
    if let Some(object) = data.as_object_mut() {
        object.insert("fonts".into(), families.into());
        object.insert("lang".into(), language.into());
        object.insert("region".into(), region);
    }
    files.push(VirtualFile::new("/data.json", serde_json::to_vec(&data)?));
    pdf(main, files)
}

/// Compiles `main` with `files` into a PDF.
pub fn pdf(main: &str, files: Vec<VirtualFile>) -> Result<Vec<u8>, RenderError> {
    let world = DocumentWorld::new(main, files)?;
    let warned = typst::compile::<PagedDocument>(&world);
    let document = warned.output.map_err(|errors| RenderError::Typeset {
        message: describe(&world, &errors),
    })?;
    let options = typst_pdf::PdfOptions::default();
    let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| RenderError::Typeset {
        message: describe(&world, &errors),
    });
    // typst memoizes across compilations in process-wide caches; a server rendering documents
    // all day must drop old entries or its memory only grows. Entries unused for this many
    // compilations go.
    typst::comemo::evict(10);
    pdf
}

/// Diagnostics as one message, each with its line (in the main source, or in the preamble
/// when it is there) when it has one.
fn describe(world: &DocumentWorld, diagnostics: &[SourceDiagnostic]) -> String {
    use typst::WorldExt;
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let source = d.span.id().and_then(|id| world.source_of(id));
            let line = world
                .range(d.span)
                .zip(source)
                .and_then(|(range, source)| {
                    let line = source.lines().byte_to_line(range.start)? + 1;
                    Some(if source.id() == world.preamble.id() {
                        format!("preamble.typ line {line}: ")
                    } else {
                        format!("line {line}: ")
                    })
                })
                .unwrap_or_default();
            let hints: String = d
                .hints
                .iter()
                .map(|h| format!(" (hint: {})", h.v))
                .collect();
            format!("{line}{}{hints}", d.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_a_document_with_virtual_files() {
        let main = r#"#let data = json("/data.json")
= #data.title
#image("/chart.svg", width: 4cm)"#;
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>"#;
        let pdf = pdf(
            main,
            vec![
                VirtualFile::new("/data.json", r#"{"title": "Hello <world> #[x]"}"#),
                VirtualFile::new("/chart.svg", svg),
            ],
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF"));
    }

    #[test]
    fn reports_typst_errors_and_denies_other_files() {
        let err = pdf(r#"#read("/etc/passwd")"#, vec![]).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("line 1"), "{message}");
        assert!(message.contains("not found"), "{message}");
    }
}
