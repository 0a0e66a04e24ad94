//! Print: a document becomes typst source (theme + converted body), typst
//! (as a library) lays it out, and the PDF is written atomically.

use crate::rule;
pub mod convert;
pub mod fonts;
pub mod layout;
pub mod world;

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Datelike, Timelike};
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic, Warned};
use typst::foundations::{Datetime, Smart};
use typst::layout::{Frame, FrameItem};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::assets::resolve;
use crate::call::{Call, beijing};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use convert::Converted;
use fonts::{Fonts, RoleFont};
use world::{PrintWorld, file_id};

use super::theme::TemplateFile;

/// typst's standard library, built and hashed once per process: every
/// print (and every rebuild in `serve`) shares it, so typst's memoised
/// work keyed on it is reused.
pub fn library() -> &'static LazyHash<Library> {
    static LIBRARY: std::sync::OnceLock<LazyHash<Library>> = std::sync::OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::builder().build()))
}

/// Shared, read-only state for printing many documents.
pub struct Printer<'a> {
    pub root: &'a Path,
    pub call: &'a Call,
    pub library: &'static LazyHash<Library>,
    pub fonts: &'a Fonts,
    pub roles: Vec<RoleFont>,
    pub template: TemplateFile,
    pub pdf_a: bool,
    pub today: chrono::DateTime<chrono::FixedOffset>,
    /// Print every document again, even one whose PDF is up to date.
    pub force: bool,
    /// The other calls plans name with `call:` (two seasons in one
    /// project): a plan's cover follows its own call.
    pub others: Option<&'a std::collections::BTreeMap<String, crate::project::OtherCall>>,
    /// The project's documents: a response to the expert review prints
    /// the comparison with the document it answers.
    pub documents: &'a [Document],
    /// Each printed document's body headings and their printed pages, by
    /// the document's path: a response names the pages it points to.
    heading_pages: std::sync::RwLock<std::collections::BTreeMap<String, Vec<(String, usize)>>>,
}

/// One printed document.
#[derive(Debug)]
pub struct Printed {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// The generated main source (for `--emit-typst`).
    pub main_source: String,
    pub diagnostics: Vec<Diagnostic>,
    /// Project files typst read (relative to the root), and whether each
    /// could be read: with the [fingerprint](Printer::fingerprint), all
    /// the PDF was made from.
    pub deps: Vec<(String, Option<u128>)>,
    /// Each body heading's text and the page number printed on its page
    /// (`— N —`), in order.
    pub headings: Vec<(String, usize)>,
}

/// A document's generated source, before layout.
pub struct Prepared {
    pub main_source: String,
    body: Converted,
    body_at: usize,
    date: Option<chrono::DateTime<chrono::FixedOffset>>,
    diagnostics: Vec<Diagnostic>,
}

/// An attachment ready to bind.
pub struct Bound {
    title: String,
    vpath: String,
    pdf_pages: Option<usize>,
}

impl<'a> Printer<'a> {
    pub fn new(
        root: &'a Path,
        call: &'a Call,
        fonts: &'a Fonts,
        roles: Vec<RoleFont>,
        template: TemplateFile,
        pdf_a: bool,
        today: chrono::DateTime<chrono::FixedOffset>,
    ) -> Self {
        Printer {
            root,
            call,
            library: library(),
            fonts,
            roles,
            template,
            pdf_a,
            today,
            force: false,
            others: None,
            documents: &[],
            heading_pages: Default::default(),
        }
    }

    /// Print one document: a plan or a report as a bound volume, an
    /// application form as the notice's one-page table. Err carries the
    /// diagnostics that stopped it.
    /// The generated main source of a document, as `print` would compile
    /// it (for `--emit-typst` when printing failed: that is when the
    /// author needs to see it). None for a document of no known kind.
    pub fn source(&self, doc: &Document) -> Option<String> {
        let body = convert::convert(doc, self.root);
        let data = doc.kind()?.print(self, doc, &body, &mut Vec::new())?;
        Some(main_source(&data, &body).0)
    }

    /// The pages of the documents printed so far (see `heading_pages`).
    pub fn set_heading_pages(
        &self,
        pages: std::collections::BTreeMap<String, Vec<(String, usize)>>,
    ) {
        match self.heading_pages.write() {
            Ok(mut p) => *p = pages,
            Err(poisoned) => *poisoned.into_inner() = pages,
        }
    }

    pub fn print(&self, doc: &Document, key: usize) -> Result<Printed, Vec<Diagnostic>> {
        let prepared = self.prepare(doc)?;
        self.compile(doc, prepared, key)
    }

    /// A document's typst source, generated (cheap: no layout). Err when
    /// it cannot print (an attachment that cannot be bound, no kind).
    pub fn prepare(&self, doc: &Document) -> Result<Prepared, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let body = convert::convert(doc, self.root);
        let Some(kind) = doc.kind() else {
            return Err(vec![Diagnostic::file(
                rule::PRINT_KIND,
                Severity::Error,
                &doc.src.rel,
                "文档类型不明，无法排版",
            )]);
        };
        let data = kind.print(self, doc, &body, &mut diags);
        let Some(data) = data.filter(|_| !diags.iter().any(Diagnostic::is_error)) else {
            return Err(diags);
        };
        let (main_source, body_at) = main_source(&data, &body);
        let date = data.date;
        Ok(Prepared {
            main_source,
            body,
            body_at,
            date,
            diagnostics: diags,
        })
    }

    /// What a PDF printed from `prepared` depends on besides the files
    /// typst reads from disk: the document's text (findings point into
    /// it), the generated source (the call's names, the fonts chosen for
    /// each role, the attachments), the theme, the fonts on the machine,
    /// the options, the day when the PDF shows it, and shenbao itself.
    pub fn fingerprint(&self, doc: &Document, prepared: &Prepared) -> u128 {
        // The PDF's date is the document's own; without one it is the
        // day of the build, and a theme may print `datetime.today()`.
        let day = (prepared.date.is_none() || self.template.text.contains("today"))
            .then(|| self.today.date_naive().to_string());
        typst::utils::hash128(&(
            "pdf",
            crate::output::shenbao_identity(),
            &doc.src.rel,
            &doc.src.text,
            &prepared.main_source,
            prepared.date.map(|d| d.to_rfc3339()),
            &self.template.name,
            &self.template.text,
            self.fonts.identity,
            self.pdf_a,
            day,
        ))
    }

    /// Lay out a prepared document and export its PDF.
    pub fn compile(
        &self,
        doc: &Document,
        prepared: Prepared,
        key: usize,
    ) -> Result<Printed, Vec<Diagnostic>> {
        let Prepared {
            main_source,
            body,
            body_at,
            date,
            diagnostics: mut diags,
        } = prepared;
        // A directory per document keeps file ids apart; the theme sits
        // beside main, as `--emit-typst` writes it.
        let base = format!("/__shenbao__/{key}");
        let main_path = format!("{base}/main.typ");
        let theme_path = format!(
            "{base}/_theme/{}",
            self.template.name.trim_start_matches("print/")
        );
        let (Some(main_id), Some(theme_id)) = (file_id(&main_path), file_id(&theme_path)) else {
            return Err(vec![Diagnostic::file(
                rule::PRINT_INTERNAL,
                Severity::Error,
                &doc.src.rel,
                "内部错误：无法建立排版文件",
            )]);
        };
        let today = Datetime::from_ymd(
            self.today.year(),
            self.today.month() as u8,
            self.today.day() as u8,
        );
        let Some(world) = PrintWorld::new(
            self.root,
            self.library,
            self.fonts,
            &[
                (main_id, main_source.clone()),
                (theme_id, self.template.text.clone()),
            ],
            today,
        ) else {
            return Err(diags);
        };
        let Warned { output, warnings } = typst::compile::<PagedDocument>(&world);
        let map = Mapper {
            world: &world,
            doc,
            body: &body,
            body_at,
            main_id,
            theme_id,
            template: &self.template,
        };
        for w in warnings.iter() {
            diags.push(map.diagnostic(w));
        }
        let paged = match output {
            Ok(p) => p,
            Err(errors) => {
                diags.extend(errors.iter().map(|e| map.diagnostic(e)));
                return Err(diags);
            }
        };
        diags.dedup();
        let faults = layout::faults(&paged, geometry(&paged), |span| match span.id() {
            Some(id) if id == main_id => layout::Origin::Document,
            Some(id) if id == theme_id => layout::Origin::Theme,
            _ => layout::Origin::Unknown,
        });
        if !faults.is_empty() {
            diags.extend(map.faults(&faults));
        }
        let allowed: std::collections::HashSet<&str> = self
            .roles
            .iter()
            .flat_map(|r| r.families.iter().map(String::as_str))
            .collect();
        let Glyphs { missing, fallback } = glyphs(&paged, &allowed);
        for (family, chars) in fallback {
            let chars: String = chars.iter().collect();
            diags.push(
                at_first_char(
                    doc,
                    &chars,
                    rule::PRINT_FALLBACK_FONT,
                    Severity::Warning,
                    format!("主题的字体没有这些字，改用了备用字体 {family}：{chars}"),
                )
                .with_help(
                    "字形会与正文不同：在 theme.yaml 的字体列表中加入含这些字的字体，或改用常用写法",
                ),
            );
        }
        // A warning that means content was lost (a block dropped), or text
        // off the page: never write a PDF that silently misses or garbles
        // part of the text.
        if diags.iter().any(Diagnostic::is_error) {
            return Err(diags);
        }
        if !missing.is_empty() {
            let chars: String = missing.iter().collect();
            diags.push(
                at_first_char(
                    doc,
                    &chars,
                    rule::PRINT_MISSING_GLYPH,
                    Severity::Error,
                    format!("PDF 中有字符没有字体可显示：{chars}"),
                )
                .with_help("在主题的字体列表中加入含这些字符的字体，或改用常用字符"),
            );
        }
        let options = PdfOptions {
            ident: Smart::Custom(doc.src.rel.clone()),
            creator: Smart::Custom(Some(format!("shenbao {}", env!("CARGO_PKG_VERSION")))),
            // The plan's own date (else --today), so that builds are
            // reproducible and PDF/A has the date it requires.
            timestamp: self.timestamp(date),
            page_ranges: None,
            standards: if self.pdf_a {
                PdfStandards::new(&[PdfStandard::A_2b]).unwrap_or_default()
            } else {
                PdfStandards::default()
            },
            tagged: true,
            pretty: false,
        };
        match typst_pdf::pdf(&paged, &options) {
            Ok(pdf) => Ok(Printed {
                headings: heading_pages(&paged),
                pdf,
                pages: paged.pages().len(),
                main_source,
                diagnostics: diags,
                deps: world.files_read(),
            }),
            Err(errors) => {
                diags.extend(errors.iter().map(|e| map.diagnostic(e)));
                Err(diags)
            }
        }
    }

    fn timestamp(
        &self,
        date: Option<chrono::DateTime<chrono::FixedOffset>>,
    ) -> Option<typst_pdf::Timestamp> {
        let when = date.unwrap_or(self.today).with_timezone(&beijing());
        let dt = Datetime::from_ymd_hms(
            when.year(),
            when.month() as u8,
            when.day() as u8,
            when.hour() as u8,
            when.minute() as u8,
            when.second() as u8,
        )?;
        typst_pdf::Timestamp::new_local(dt, 8 * 60)
    }

    /// The files a document binds after its body, read and counted;
    /// one that cannot be bound is an error in `diags`.
    pub fn bound(&self, doc: &Document, diags: &mut Vec<Diagnostic>) -> Vec<Bound> {
        let mut out = Vec::new();
        for a in crate::views::bound_files(doc) {
            let mut fail = |message: String, help: &str| {
                diags.push(
                    Diagnostic::at(
                        rule::PRINT_ATTACHMENT,
                        Severity::Error,
                        &doc.src,
                        a.file.span.clone(),
                        message,
                    )
                    .with_help(help.to_string()),
                );
            };
            // Missing and outside paths are reported by `check`; here they
            // are left out of the volume with an error, so it never binds
            // a file it should not read.
            let Ok(real) = resolve(self.root, self.root, &a.file.value) else {
                fail(
                    format!("附件“{}”无法装订：文件不存在或在项目之外", a.file.value),
                    "运行 shenbao check 查看原因",
                );
                continue;
            };
            let vpath = format!("/{}", crate::project::rel_path(self.root, &real));
            let ext = real
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            let title = a.title.clone().unwrap_or_else(|| {
                real.file_stem()
                    .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
            });
            let pdf_pages = if ext == "pdf" {
                if self.pdf_a {
                    fail(
                        "PDF/A 文件中不能嵌入 PDF 附件".into(),
                        "不加 --pdf-a 生成普通 PDF，或把附件扫描为 PNG/JPG 图片",
                    );
                    continue;
                }
                let pages = crate::fsutil::read_regular(&real, 512 * 1024 * 1024)
                    .ok()
                    .and_then(|b| hayro_syntax::Pdf::new(b).ok())
                    .map(|p| p.pages().len());
                match pages {
                    Some(n) if n > 0 => Some(n),
                    _ => {
                        fail(
                            format!("附件“{}”不是可读的 PDF（损坏或加密）", a.file.value),
                            "重新导出未加密的 PDF，或扫描为图片",
                        );
                        continue;
                    }
                }
            } else {
                None
            };
            out.push(Bound {
                title,
                vpath,
                pdf_pages,
            });
        }
        out
    }

    /// The `fonts:` argument every theme function takes.
    ///
    /// The `latin` role (a Times-metric serif) comes first in every text
    /// role, for Latin letters and digits only (typst's `latin-in-cjk`:
    /// quotes, dashes and the middle dot stay with the Chinese font), as
    /// Word sets them with the Times New Roman the .docx names.
    pub fn fonts_json(&self) -> serde_json::Value {
        let latin: Vec<serde_json::Value> = self
            .roles
            .iter()
            .find(|r| r.role == "latin")
            .map(|r| {
                r.families
                    .iter()
                    .map(|f| serde_json::json!({"name": f, "covers": "latin-in-cjk"}))
                    .collect()
            })
            .unwrap_or_default();
        let mut m = serde_json::Map::new();
        for r in &self.roles {
            let mut fams: Vec<serde_json::Value> = Vec::new();
            if !matches!(r.role.as_str(), "latin" | "mono") {
                fams.extend(latin.iter().cloned());
            }
            fams.extend(
                r.families
                    .iter()
                    .map(|f| serde_json::Value::from(f.as_str())),
            );
            m.insert(r.role.clone(), fams.into());
        }
        m.into()
    }

    /// The body headings of a document printed this run or before, with
    /// the page numbers printed on their pages (see `set_heading_pages`).
    pub fn heading_pages(&self, rel: &str) -> Option<Vec<(String, usize)>> {
        self.heading_pages.read().ok()?.get(rel).cloned()
    }

    /// The theme's `meta` for a volume: `rest` (an object) with the
    /// title broken into lines between words, over the body's first page
    /// and on the cover (`title-lines`, `cover-lines`), of the title with
    /// the kind it is.
    pub fn volume_meta(
        title: &str,
        kind: &str,
        rest: serde_json::Value,
    ) -> serde_json::Map<String, serde_json::Value> {
        let full = crate::views::full_title(title, kind);
        let mut m = match rest {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        m.insert(
            "title-lines".into(),
            layout::title_lines(&full, 20.0).into(),
        );
        m.insert(
            "cover-lines".into(),
            layout::title_lines(&full, 17.0).into(),
        );
        m
    }

    /// The theme's `attachments` argument: each bound file with its label
    /// (附件, 附件1 …), its title and its pages.
    pub fn attachments_json(attachments: &[Bound]) -> serde_json::Value {
        attachments
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let (kind, pages) = match a.pdf_pages {
                    Some(n) => ("pdf", n),
                    None => ("image", 1),
                };
                serde_json::json!({
                    "label": crate::views::attachment_label(i, attachments.len()),
                    "title": a.title,
                    // The title centred under the label, broken between words.
                    "lines": layout::title_lines(&a.title, 20.0),
                    // Its words, for the contents entry to break between
                    // them: [text, kept whole].
                    "words": convert::title_words(&a.title),
                    "path": a.vpath,
                    "kind": kind,
                    "pages": pages,
                })
            })
            .collect::<Vec<_>>()
            .into()
    }
}

/// The main file: the theme function handed its data (JSON, parsed by
/// typst), then the body as one code block. Returns the text and where
/// the body code starts.
fn main_source(data: &crate::kinds::PrintData, body: &Converted) -> (String, usize) {
    let json = serde_json::to_string_pretty(&data.args).unwrap_or_else(|_| "{}".into());
    // A raw block holds the JSON verbatim (readable in `--emit-typst`):
    // its fence is longer than any run of backticks in the text.
    let longest = json.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let f = data.function;
    let mut m = String::new();
    m.push_str("// Generated by shenbao from Markdown. Compile with:\n");
    m.push_str(
        "//   typst compile --root <project> --font-path themes/default/fonts <this file>\n",
    );
    if data.wraps_body {
        m.push_str(&format!(
            "#import \"_theme/plan.typ\": {f}, doc-table, doc-image\n"
        ));
    } else {
        m.push_str(&format!("#import \"_theme/plan.typ\": {f}\n"));
    }
    // The document's data, as data: never typst code.
    m.push_str(&format!(
        "#let data = json(bytes({fence}json\n{json}\n{fence}.text))\n"
    ));
    if !data.wraps_body {
        m.push_str(&format!("#{f}(..data)\n"));
        let at = m.len();
        return (m, at);
    }
    m.push_str(&format!("#show: {f}.with(..data)\n#{{\n"));
    let at = m.len();
    m.push_str(&body.code);
    m.push_str("}\n");
    (m, at)
}

/// Maps typst diagnostics to the author's Markdown line, or the theme's.
struct Mapper<'a> {
    world: &'a PrintWorld<'a>,
    doc: &'a Document,
    body: &'a Converted,
    body_at: usize,
    main_id: typst::syntax::FileId,
    theme_id: typst::syntax::FileId,
    template: &'a TemplateFile,
}

impl Mapper<'_> {
    fn diagnostic(&self, d: &SourceDiagnostic) -> Diagnostic {
        let (mut zh, mut severity) = translate(&d.message);
        if d.span.id() == Some(self.theme_id) && zh.message == "排版时出现问题" {
            zh.message = "排版模板有错误".into();
        }
        if d.severity == TypstSeverity::Error {
            severity = Severity::Error;
        }
        let rule = if severity == Severity::Error {
            rule::PRINT_TYPST_ERROR
        } else {
            rule::PRINT_TYPST_WARNING
        };
        // An error inside a theme function the body called (an image the
        // theme loads, a table it lays out) is the author's at the call.
        let span: typst::syntax::DiagSpan = if d.span.id() == Some(self.theme_id) {
            d.trace
                .iter()
                .map(|t| t.span)
                .find(|s| {
                    s.id() == Some(self.main_id)
                        && self
                            .world
                            .range(*s)
                            .is_some_and(|r| r.start >= self.body_at)
                })
                .map_or(d.span, Into::into)
        } else {
            d.span
        };
        let mut out = self.at_span(span, rule, severity, zh.message);
        let mut help: Vec<String> = zh.help.into_iter().collect();
        // typst's own words, last, for whoever reports a problem upstream.
        help.push(format!("typst 原文：{}", d.message));
        help.extend(d.hints.iter().map(|h| format!("typst 提示：{}", h.v)));
        out = out.with_help(help.join("；"));
        out
    }

    /// A diagnostic at the Markdown (or theme) place a typst span came from.
    fn at_span(
        &self,
        span: impl Into<typst::syntax::DiagSpan>,
        rule: crate::rule::RuleId,
        severity: Severity,
        message: String,
    ) -> Diagnostic {
        let span: typst::syntax::DiagSpan = span.into();
        match (span.id(), self.world.range(span)) {
            (Some(id), Some(range)) if id == self.main_id => {
                let md = range
                    .start
                    .checked_sub(self.body_at)
                    .and_then(|g| self.body.source_offset(g));
                match md {
                    Some(md) => Diagnostic::at(rule, severity, &self.doc.src, md..md, message),
                    None => Diagnostic::file(rule, severity, &self.doc.src.rel, message),
                }
            }
            (Some(id), Some(range)) if id == self.theme_id => {
                let (line, col) = self
                    .world
                    .source_of(id)
                    .and_then(|s| s.lines().byte_to_line_column(range.start))
                    .map_or((1, 1), |(l, c)| (l + 1, c + 1));
                Diagnostic::at_line(rule, severity, self.template.display(), line, col, message)
            }
            (Some(id), _) => {
                let path = id.get().vpath().get_without_slash().to_string();
                Diagnostic::file(rule, severity, path, message)
            }
            _ => Diagnostic::file(rule, severity, &self.doc.src.rel, message),
        }
    }

    /// A diagnostic at the Markdown place of a laid-out run: its own span;
    /// else (text typst made from a value carries none) where its text
    /// stands in the Markdown, the occurrence nearest after the nearest
    /// text above it that has a span; else that text's place.
    fn at_run(
        &self,
        run: &layout::Run,
        rule: crate::rule::RuleId,
        severity: Severity,
        message: String,
    ) -> Diagnostic {
        if run.span.id() == Some(self.main_id) {
            return self.at_span(run.span, rule, severity, message);
        }
        let near = self.at_span(run.near, rule, severity, message.clone());
        let snippet: String = run
            .text
            .chars()
            .filter(|c| *c != '\u{200B}' && !c.is_whitespace())
            .take(10)
            .collect();
        let body_start = self.doc.body_start();
        if snippet.chars().count() >= 4 {
            let from = near
                .span
                .as_ref()
                .map_or(body_start, |s| s.start.max(body_start));
            let text = &self.doc.src.text;
            let found = text[from..]
                .find(&snippet)
                .map(|i| i + from)
                .or_else(|| text[body_start..].find(&snippet).map(|i| i + body_start));
            if let Some(at) = found {
                return Diagnostic::at(
                    rule,
                    severity,
                    &self.doc.src,
                    at..at + snippet.len(),
                    message,
                );
            }
        }
        near
    }

    /// Layout faults as errors at the author's line: one per place, at most
    /// a handful per document, the rest counted.
    fn faults(&self, faults: &[layout::Fault]) -> Vec<Diagnostic> {
        const SHOWN: usize = 5;
        let mut out: Vec<Diagnostic> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for f in faults {
            let run = f.run();
            let d = match f {
                layout::Fault::Overflow { page, .. } => self.at_run(
                    run,
                    rule::PRINT_OVERFLOW,
                    Severity::Error,
                    format!("第 {page} 页有内容超出版心：“{}”", snippet(&run.text)),
                )
                .with_help(
                    "多半是一个不能分页的块（很长的表格行、很大的图片、很宽的表格）放不下：拆分表格或缩小图片；用 --emit-typst 可查看排版源文件",
                ),
                layout::Fault::Overprint { page, a, b } => self.at_run(
                    run,
                    rule::PRINT_OVERPRINT,
                    Severity::Error,
                    format!(
                        "第 {page} 页有文字相互重叠：“{}”与“{}”",
                        snippet(&a.text),
                        snippet(&b.text)
                    ),
                )
                .with_help("内容放不下时会叠印：拆分表格，或减少一行里的文字"),
            };
            if seen.insert((d.file.clone(), d.line, d.rule)) {
                out.push(d);
            }
        }
        let pages: std::collections::BTreeSet<usize> = faults.iter().map(|f| f.page()).collect();
        if out.len() > SHOWN {
            let more = out.len() - SHOWN;
            out.truncate(SHOWN);
            if let Some(last) = out.last_mut() {
                last.message
                    .push_str(&format!("（另有 {more} 处，共涉及 {} 页）", pages.len()));
            }
        }
        out
    }
}

/// A short quotation of laid-out text for a message.
fn snippet(s: &str) -> String {
    let t: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = t.chars().take(16).collect();
    if t.chars().count() > 16 {
        out.push('…');
    }
    out
}

/// A typst message in Chinese, and how serious it is for a PDF that must
/// be submitted: a warning that means content was dropped is an error.
struct Zh {
    message: String,
    help: Option<String>,
}

fn translate(message: &str) -> (Zh, Severity) {
    let m = message.to_ascii_lowercase();
    let zh = |message: &str, help: &str| Zh {
        message: message.to_string(),
        help: (!help.is_empty()).then(|| help.to_string()),
    };
    if m.contains("may not occur inside of a paragraph") || m.contains("was ignored") {
        return (
            zh(
                "排版时有一块内容被丢弃（块级内容出现在段落中）",
                "这是 shenbao 或主题的问题，请报告；在修复前可把该内容单独成段",
            ),
            Severity::Error,
        );
    }
    if m.contains("maximum show rule depth") || m.contains("maximum function call depth") {
        return (
            zh("嵌套层次过深，无法排版", "减少引用、列表或脚注的嵌套层数"),
            Severity::Error,
        );
    }
    if m.contains("file not found") || m.contains("failed to load file") {
        return (
            zh("排版时找不到文件", "检查图片或附件的路径"),
            Severity::Error,
        );
    }
    if m.contains("failed to decode")
        || m.contains("unknown image format")
        || m.contains("failed to parse svg")
    {
        return (
            zh(
                "图片无法解码（文件损坏或不是所写的格式）",
                "用图片软件重新导出为 PNG 或 JPG",
            ),
            Severity::Error,
        );
    }
    if m.contains("unknown font family") {
        return (
            zh(
                "主题指定的字体在本机找不到，已改用其他字体",
                "在 theme.yaml 的字体列表中加入本机已有的字体",
            ),
            Severity::Warning,
        );
    }
    if m.contains("unknown variable") || m.contains("unresolved import") || m.contains("expected") {
        return (
            zh(
                "排版模板有错误",
                "若使用了自定义主题，检查它是否与当前版本的 shenbao 相符（例如缺少 doc-table 函数）",
            ),
            Severity::Error,
        );
    }
    (
        zh("排版时出现问题", "若 PDF 不对，请附上此信息报告问题"),
        Severity::Warning,
    )
}

/// The theme's text area, from its `<shenbao-geometry>` metadata.
/// The body's headings with the page number printed on their page: the
/// physical page counted from the theme's `<shenbao-body-start>` (page 1).
/// Empty for a theme without that mark.
fn heading_pages(doc: &PagedDocument) -> Vec<(String, usize)> {
    use typst::foundations::{Label, NativeElement, Selector};
    use typst::introspection::Introspector;
    let Some(label) = Label::new(typst::utils::PicoStr::intern("shenbao-body-start")) else {
        return Vec::new();
    };
    let intro = doc.introspector();
    let Some(start) = intro
        .query_label(label)
        .ok()
        .and_then(|c| c.location())
        .and_then(|l| intro.page(l))
        .map(|p| p.get())
    else {
        return Vec::new();
    };
    intro
        .query(&Selector::Elem(typst::model::HeadingElem::ELEM, None))
        .iter()
        .filter_map(|h| {
            let page = intro.page(h.location()?)?.get();
            (page >= start).then(|| (h.plain_text().to_string(), page - start + 1))
        })
        .collect()
}

fn geometry(doc: &PagedDocument) -> Option<layout::Geometry> {
    use typst::foundations::{Label, Value};
    use typst::introspection::{Introspector, MetadataElem};
    let label = Label::new(typst::utils::PicoStr::intern("shenbao-geometry"))?;
    let content = doc.introspector().query_label(label).ok()?;
    let meta = content.to_packed::<MetadataElem>()?;
    let Value::Dict(d) = &meta.value else {
        return None;
    };
    let pt = |k: &str| match d.get(k).ok()? {
        Value::Length(l) => Some(l.abs.to_pt()),
        _ => None,
    };
    Some(layout::Geometry {
        top: pt("top")?,
        bottom: pt("bottom")?,
        side: pt("inside")?.min(pt("outside")?),
    })
}

/// A finding about some characters, at the first place one of them stands
/// in the document (its whole file when none is found, e.g. a character
/// only the theme prints).
fn at_first_char(
    doc: &Document,
    chars: &str,
    rule: crate::rule::RuleId,
    severity: Severity,
    message: String,
) -> Diagnostic {
    let text = &doc.src.text;
    match text
        .char_indices()
        .find(|(_, c)| chars.contains(*c))
        .map(|(i, c)| i..i + c.len_utf8())
    {
        Some(span) => Diagnostic::at(rule, severity, &doc.src, span, message),
        None => Diagnostic::file(rule, severity, &doc.src.rel, message),
    }
}

/// What the glyph walk found: characters drawn as the missing glyph
/// (.notdef) in any font, and characters set in a font none of the
/// theme's roles names (typst's own fallback), by family.
#[derive(Debug, Default)]
pub struct Glyphs {
    pub missing: BTreeSet<char>,
    pub fallback: std::collections::BTreeMap<String, BTreeSet<char>>,
}

/// One walk over every text run of a laid-out document.
pub fn glyphs(doc: &PagedDocument, allowed: &std::collections::HashSet<&str>) -> Glyphs {
    fn walk(frame: &Frame, allowed: &std::collections::HashSet<&str>, out: &mut Glyphs) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, allowed, out),
                FrameItem::Text(t) => {
                    for g in t.glyphs.iter().filter(|g| g.id == 0) {
                        if let Some(s) = t.text.get(g.range()) {
                            out.missing.extend(s.chars().filter(|c| !c.is_whitespace()));
                        }
                    }
                    let family = t.font.font().info().family.as_str();
                    if !allowed.contains(family) {
                        out.fallback.entry(family.to_string()).or_default().extend(
                            t.text
                                .chars()
                                .filter(|c| !c.is_whitespace() && *c != '\u{200B}'),
                        );
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Glyphs::default();
    for page in doc.pages() {
        walk(&page.frame, allowed, &mut out);
    }
    out.fallback.retain(|_, chars| !chars.is_empty());
    out
}
