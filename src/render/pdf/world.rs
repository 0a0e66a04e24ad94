//! A typst `World` for one document: the generated main file and the theme
//! in memory, project files read from disk only when they resolve inside
//! the project, fonts shared across documents, no packages, no network.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use super::fonts::Fonts;
use crate::paths::{Inside, ensure_inside};

pub struct PrintWorld<'a> {
    root: &'a Path,
    library: &'a LazyHash<Library>,
    fonts: &'a Fonts,
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: Mutex<HashMap<FileId, FileResult<Bytes>>>,
    today: Option<Datetime>,
}

/// A file id for a virtual path from the project root.
pub fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl<'a> PrintWorld<'a> {
    /// `in_memory` maps virtual paths to source text; the first is main.
    pub fn new(
        root: &'a Path,
        library: &'a LazyHash<Library>,
        fonts: &'a Fonts,
        in_memory: &[(FileId, String)],
        today: Option<Datetime>,
    ) -> Option<Self> {
        let main = in_memory.first()?.0;
        let sources = in_memory
            .iter()
            .map(|(id, text)| (*id, Source::new(*id, text.clone())))
            .collect();
        Some(PrintWorld {
            root,
            library,
            fonts,
            main,
            sources,
            files: Mutex::new(HashMap::new()),
            today,
        })
    }

    pub fn source_of(&self, id: FileId) -> Option<&Source> {
        self.sources.get(&id)
    }

    /// The project files this world has read from disk (images, attached
    /// PDFs, anything a theme loads), relative to the project root, with
    /// the hash of the bytes typst got (None when it could not read one):
    /// what a compile depended on besides the sources in memory.
    pub fn files_read(&self) -> Vec<(String, Option<u128>)> {
        let cache = self.files.lock().unwrap_or_else(|p| p.into_inner());
        let mut out: Vec<(String, Option<u128>)> = cache
            .iter()
            .map(|(id, r)| {
                let path = id.get().vpath().get_without_slash().to_string();
                (
                    path,
                    r.as_ref()
                        .ok()
                        .map(|b| typst::utils::hash128(&b.as_slice())),
                )
            })
            .collect();
        out.sort();
        out
    }

    fn read(&self, id: FileId) -> FileResult<Bytes> {
        let rooted = id.get();
        if !matches!(rooted.root(), VirtualRoot::Project) {
            return Err(FileError::Other(Some(
                "不支持 typst 包：shenbao 不联网，请把所需文件放进主题".into(),
            )));
        }
        let rel = rooted.vpath().get_without_slash();
        let path = self.root.join(rel);
        match ensure_inside(self.root, &path) {
            Ok(Inside::Yes(real)) if real.is_file() => std::fs::read(&real)
                .map(Bytes::new)
                .map_err(|e| FileError::from_io(e, &real)),
            Ok(Inside::Yes(_)) => Err(FileError::IsDirectory),
            Ok(Inside::Missing) => Err(FileError::NotFound(path)),
            Err(_) => Err(FileError::AccessDenied),
        }
    }
}

impl World for PrintWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.store.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(s) = self.sources.get(&id) {
            return Ok(s.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(s) = self.sources.get(&id) {
            return Ok(Bytes::new(s.text().as_bytes().to_vec()));
        }
        let mut cache = self.files.lock().unwrap_or_else(|p| p.into_inner());
        cache.entry(id).or_insert_with(|| self.read(id)).clone()
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.store.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}
