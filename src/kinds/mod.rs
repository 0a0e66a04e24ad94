//! Document kinds, one module each, as mdBook has one module per renderer:
//! a kind implements [`Kind`] (read and check its fields, what its PDF
//! prints, how its Word file is laid out, the skeleton `shenbao new`
//! writes, the front matter `import` fills in), and [`DocKind::ALL`] lists
//! them. Its names and fields are data (`src/call/presets/fields/*.yaml`);
//! its pages are the theme's. Code outside a kind's module asks the kind;
//! it does not tell kinds apart.

pub mod acceptance;
pub mod audit;
pub mod form;
pub mod plan;
pub mod response;

use std::any::Any;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crate::call::Call;
use crate::check::Ctx;
use crate::config::{Config, Fatal};
use crate::diagnostic::Diagnostic;
use crate::document::fields::{Reader, Spanned};
use crate::document::voluntary::Enterprise;
use crate::document::{Document, schema};
use crate::project::Project;
use crate::render::docx::WordFonts;
use crate::render::pdf::Printer;
use crate::render::pdf::convert::Converted;

/// One kind of document. Every method but [`Kind::id`], [`Kind::read`]
/// and [`Kind::print`] has the behaviour most kinds want.
pub trait Kind: Send + Sync + 'static {
    /// Its id as `kind:` writes it and its field file names it.
    fn id(&self) -> &'static str;

    /// Its fields, typed; what does not fit is reported through `r`.
    fn read(&self, r: &mut Reader<'_>) -> Arc<dyn Fields>;

    /// The notice its documents answer: the site's checklist, deadlines
    /// and dashboard follow it.
    fn notice(&self) -> Notice {
        Notice::None
    }

    /// Its own rules on one document (every document's rules run too).
    fn check(&self, _ctx: &Ctx<'_>, _doc: &Document, _out: &mut Vec<Diagnostic>) {}

    /// Its rules across the project's documents, run once per check and
    /// again by `serve` after any document changes.
    fn check_across(&self, _ctx: &Ctx<'_>, _docs: &[Document], _out: &mut Vec<Diagnostic>) {}

    /// What its PDF prints: the theme function and the data handed to it.
    /// None when it cannot print (the reason is in `diags`).
    fn print(
        &self,
        printer: &Printer<'_>,
        doc: &Document,
        body: &Converted,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<PrintData>;

    /// How its Word file is laid out.
    fn word(&self) -> WordLayout {
        WordLayout::Volume
    }

    /// The text of a new document titled `title`.
    fn skeleton(&self, _call: &Call, title: &str) -> String {
        crate::scaffold::front(DocKind::new_static(self.id()), title)
    }

    /// `shenbao new <kind> <name>`: write a new document, never over a
    /// file. The options are the command line's.
    fn create(
        &self,
        root: &Path,
        config: &Config,
        name: &str,
        opts: &NewOptions,
    ) -> Result<PathBuf, Fatal> {
        opts.refuse_all()?;
        crate::scaffold::new_document(
            root,
            DocKind::new_static(self.id()),
            &config.call(root)?,
            name,
        )
    }

    /// What the author does next, said after `shenbao new`.
    fn next_step(&self) -> &'static str {
        "把每个“待补充”换成实际内容，然后运行 shenbao check"
    }

    /// The document of the project it is about (a response: the one it
    /// answers). Both pages link each other, and either's edits show on
    /// both.
    fn refers_to<'d>(&self, _doc: &Document, _docs: &'d [Document]) -> Option<&'d Document> {
        None
    }

    /// What its site page shows of its own (`view` in the template).
    fn site_view(&self, _project: &Project, _doc: &Document, _to_root: &str) -> serde_json::Value {
        serde_json::Value::Null
    }

    /// Whether its PDF names pages of other documents' PDFs, so that it
    /// is printed after them.
    fn prints_after_others(&self) -> bool {
        false
    }

    /// Its Word file: what it depends on besides the document's own text
    /// and how it is made (default: the document as [`Kind::word`] lays
    /// it out).
    fn word_file<'a>(
        &self,
        project: &'a Project,
        doc: &'a Document,
        root: &'a Path,
        _out_dir: &'a Path,
        fonts: &'a WordFonts,
    ) -> WordJob<'a> {
        WordJob::plain(project, doc, root, fonts)
    }

    /// Word files it adds beside the documents' own (a response: the
    /// revised document with its changes tracked).
    fn extra_word_files(
        &self,
        _project: &Project,
        _doc: &Document,
        _out_dir: &Path,
        _fonts: &WordFonts,
        _date: &str,
    ) -> Vec<ExtraWord> {
        Vec::new()
    }

    /// Words on a Word file's cover or title that say it is of this kind
    /// (`import` takes the kind whose word comes last; none: the first
    /// kind of [`DocKind::ALL`]).
    fn cover_words(&self) -> &'static [&'static str] {
        &[]
    }

    /// The front matter of a Word file imported as this kind, from what
    /// `import` read off its cover.
    fn import_front(
        &self,
        cover: &crate::import::CoverFacts,
        front: &mut crate::import::FrontWriter,
    ) {
        front.field("title", cover.title.clone(), "");
    }

    /// The yearly milestone of the voluntary-audit notice its documents
    /// are due by, as (due, what): the dashboard lists it when the project
    /// has one.
    fn milestone<'c>(&self, _v: &'c crate::call::Voluntary) -> Option<(&'c str, &'c str)> {
        None
    }
}

/// The notice a kind's documents answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The pilot call (plans).
    Pilot,
    /// The voluntary-audit notice (forms, audit and acceptance reports).
    Voluntary,
    /// None of its own (a response answers another document's review).
    None,
}

/// How a kind's Word file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordLayout {
    /// Cover, contents, numbered body, page numbers.
    Volume,
    /// A letter: the body under its title, page numbers, no cover.
    Letter,
    /// One table from the fields, no body, no page numbers.
    Sheet,
}

/// What the theme is handed to print a document: the function it calls
/// and its named arguments, as data (JSON), never as typst code.
#[derive(Debug, Clone)]
pub struct PrintData {
    /// The theme function (`volume`, `response`, `form-sheet`).
    pub function: &'static str,
    /// Whether the function wraps the body (`#show: f.with(..)`) or is
    /// the whole page (`#f(..)`, no body).
    pub wraps_body: bool,
    /// Its named arguments.
    pub args: serde_json::Map<String, serde_json::Value>,
    /// The date the PDF carries.
    pub date: Option<DateTime<FixedOffset>>,
}

/// How a document's Word file is made (see [`Kind::word_file`]).
pub struct WordJob<'a> {
    /// A hash of what it reads besides the document (0: nothing).
    pub inputs: u128,
    /// Why it is not made (said by the PDF's print too, at the same line).
    pub refused: Option<Diagnostic>,
    pub export: Box<dyn FnOnce() -> Result<crate::render::docx::Exported, String> + 'a>,
}

impl<'a> WordJob<'a> {
    /// The document alone, as its kind's [`WordLayout`] lays it out.
    pub fn plain(
        project: &'a Project,
        doc: &'a Document,
        root: &'a Path,
        fonts: &'a WordFonts,
    ) -> WordJob<'a> {
        WordJob {
            inputs: 0,
            refused: None,
            export: Box::new(move || {
                crate::render::docx::export(doc, project.call_for(doc), root, fonts)
            }),
        }
    }
}

/// A Word file a kind adds beside the documents' own.
pub struct ExtraWord {
    /// Where it is written (inside the output folder).
    pub target: PathBuf,
    /// What it is, for messages (修订稿).
    pub what: &'static str,
    pub bytes: Result<Vec<u8>, String>,
    /// What to tell about it (changes it could not show).
    pub diagnostics: Vec<Diagnostic>,
}

/// The command line's options to `shenbao new`, which only some kinds take.
#[derive(Debug, Clone, Default)]
pub struct NewOptions {
    /// `--from`: the call a plan answers, when not the project's.
    pub from: Option<String>,
    /// `--for`: the document a response answers.
    pub revised: Option<String>,
    /// `--reviewed`: the version the experts read.
    pub reviewed: Option<String>,
}

impl NewOptions {
    /// Refuse the options a kind does not take.
    pub fn refuse_all(&self) -> Result<(), Fatal> {
        if self.from.is_some() {
            return Err(Fatal::new("--from 只用于 new call 和 new plan")
                .with_help("企业的文档不按申报通知区分，不要写 --from"));
        }
        self.refuse_review()
    }

    /// Refuse `--for` and `--reviewed`.
    pub fn refuse_review(&self) -> Result<(), Fatal> {
        if self.revised.is_some() || self.reviewed.is_some() {
            return Err(Fatal::new("--for 和 --reviewed 只用于 new response"));
        }
        Ok(())
    }
}

/// A kind's typed fields. `Meta` holds them; code that needs one kind's
/// fields asks for its type ([`Meta::get`]).
pub trait Fields: Any + fmt::Debug + Send + Sync {
    /// The kind they were read as.
    fn kind(&self) -> DocKind;
    /// The title lists and links show (a form: its enterprise's name).
    fn title(&self) -> Option<&Spanned<String>>;
    /// The date it is dated (its PDF carries it).
    fn date(&self) -> Option<&Spanned<DateTime<FixedOffset>>> {
        None
    }
    /// The enterprise it is about, for the voluntary-audit kinds.
    fn enterprise(&self) -> Option<&Enterprise> {
        None
    }
    /// The files it binds after its body: the PDF binds them, the Word
    /// file and the site list them.
    fn bound(&self) -> Vec<crate::views::BoundFile<'_>> {
        Vec::new()
    }
}

/// A kind, by reference to its module's implementation. Two are equal
/// when their ids are.
#[derive(Clone, Copy)]
pub struct DocKind(&'static dyn Kind);

impl PartialEq for DocKind {
    fn eq(&self, other: &Self) -> bool {
        self.0.id() == other.0.id()
    }
}
impl Eq for DocKind {}

impl fmt::Debug for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.id())
    }
}

impl std::ops::Deref for DocKind {
    type Target = dyn Kind;
    fn deref(&self) -> &Self::Target {
        self.0
    }
}

impl DocKind {
    /// Every kind. The first is the one `import` takes when a Word file
    /// names none.
    pub const ALL: &'static [DocKind] = &[
        plan::KIND,
        form::KIND,
        audit::KIND,
        acceptance::KIND,
        response::KIND,
    ];

    pub const fn new(kind: &'static dyn Kind) -> DocKind {
        DocKind(kind)
    }

    /// The registered kind of this id (a kind's own code naming itself).
    fn new_static(id: &str) -> DocKind {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.id() == id)
            .unwrap_or(Self::ALL[0])
    }

    /// The kind named by its id, its Chinese name or one of its other
    /// names (all data, in the field files).
    pub fn parse(s: &str) -> Option<DocKind> {
        let s = s.trim();
        Self::ALL.iter().copied().find(|k| {
            let spec = k.spec();
            spec.id == s || spec.name == s || spec.aliases.iter().any(|a| a == s)
        })
    }

    pub fn id(self) -> &'static str {
        self.0.id()
    }

    /// The kind as data: names and fields.
    pub fn spec(self) -> &'static schema::KindSpec {
        schema::kind(self.id())
    }

    pub fn name_zh(self) -> &'static str {
        &self.spec().name
    }

    pub fn fields(self) -> &'static [schema::FieldSpec] {
        &self.spec().fields
    }

    /// The Chinese label of one of this kind's fields (`enterprise.uscc`).
    pub fn label(self, path: &str) -> &'static str {
        schema::label(self.id(), path)
    }

    /// Whether its documents are about one enterprise (it has the field
    /// `enterprise`): they are titled by it.
    pub fn about_enterprise(self) -> bool {
        self.fields().iter().any(|f| f.key == "enterprise")
    }
}

/// A document's typed front matter, which alone says its kind.
#[derive(Debug, Clone, Default)]
pub struct Meta(Option<Arc<dyn Fields>>);

impl Meta {
    /// No fields: the front matter could not be read or named no kind.
    pub const NONE: Meta = Meta(None);

    pub fn new(fields: Arc<dyn Fields>) -> Meta {
        Meta(Some(fields))
    }

    /// The kind these fields were read as (None: no known kind).
    pub fn kind(&self) -> Option<DocKind> {
        self.0.as_ref().map(|f| f.kind())
    }

    /// The fields, whatever their kind.
    pub fn fields(&self) -> Option<&dyn Fields> {
        self.0.as_deref()
    }

    /// The fields as one kind's type, when they are of that kind.
    pub fn get<T: Fields>(&self) -> Option<&T> {
        let any: &dyn Any = self.0.as_deref()?;
        any.downcast_ref::<T>()
    }
}

/// How a document's Word file is made: as its kind says, or as a volume
/// for a document of no known kind.
pub fn word_file<'a>(
    project: &'a Project,
    doc: &'a Document,
    root: &'a Path,
    out_dir: &'a Path,
    fonts: &'a WordFonts,
) -> WordJob<'a> {
    match doc.kind() {
        Some(kind) => kind.word_file(project, doc, root, out_dir, fonts),
        None => WordJob::plain(project, doc, root, fonts),
    }
}

/// The document `doc` is about, as its kind says (see [`Kind::refers_to`]).
pub fn refers_to<'d>(doc: &Document, docs: &'d [Document]) -> Option<&'d Document> {
    doc.kind()?.refers_to(doc, docs)
}

/// The documents whose pages show `rel` too: those about it, and the one
/// it is about.
pub fn related(docs: &[Document], rel: &str) -> Vec<String> {
    let mut out: Vec<String> = docs
        .iter()
        .filter(|d| refers_to(d, docs).is_some_and(|r| r.src.rel == rel))
        .map(|d| d.src.rel.clone())
        .collect();
    if let Some(d) = docs.iter().find(|d| d.src.rel == rel)
        && let Some(about) = refers_to(d, docs)
    {
        out.push(about.src.rel.clone());
    }
    out
}

/// Text of a field, or empty.
pub(crate) fn text(v: Option<&Spanned<String>>) -> String {
    v.map_or_else(String::new, |x| x.value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_field_file_and_a_unique_id_and_command() {
        let mut ids = std::collections::HashSet::new();
        let mut commands = std::collections::HashSet::new();
        for k in DocKind::ALL {
            assert_eq!(k.spec().id, k.id());
            assert!(ids.insert(k.id()), "{}", k.id());
            assert!(commands.insert(k.spec().command.clone()), "{}", k.id());
            assert_eq!(DocKind::parse(k.id()), Some(*k));
            assert_eq!(DocKind::parse(k.name_zh()), Some(*k));
        }
    }

    #[test]
    fn fields_are_found_by_their_type_only_for_their_kind() {
        let doc = crate::document::parse(
            "content/a.md",
            PathBuf::from("a.md"),
            "---\nkind: pilot-plan\ntitle: 甲\n---\n\n# 一\n".into(),
            None,
        );
        assert_eq!(doc.kind(), Some(plan::KIND));
        assert!(doc.meta.get::<crate::document::plan::PlanMeta>().is_some());
        assert!(
            doc.meta
                .get::<crate::document::voluntary::AuditMeta>()
                .is_none()
        );
        assert_eq!(doc.display_title(), "甲");
    }
}
