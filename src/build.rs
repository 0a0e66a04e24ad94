//! `shenbao build`: check, then print every document to PDF, export it to
//! Word and render the site, writing each output atomically (a failed
//! build never replaces the last good file) and keeping the outputs whose
//! inputs did not change.

use crate::rule;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::check::{self, Options};
use crate::config::Fatal;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::fsutil::write_within;
use crate::paths::pdf_path;
use crate::project::{CONTENT_DIR, Project};
use crate::render::pdf::Printer;
use crate::render::pdf::fonts::{Fonts, RoleFont};
use crate::render::theme::Theme;
use crate::render::{DocBuild, write_error};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Output folder; the project's `output_dir` when None.
    pub out_dir: Option<PathBuf>,
    pub pdf: bool,
    pub site: bool,
    /// A .docx of every document (also subject to `formats:`).
    pub docx: bool,
    pub emit_typst: bool,
    pub jobs: usize,
    pub pdf_a: bool,
    pub system_fonts: bool,
    pub today: chrono::DateTime<chrono::FixedOffset>,
    /// Make every output again, even those whose inputs did not change.
    pub force: bool,
}

impl BuildOptions {
    /// PDFs and site into the project's output folder, on every core,
    /// with the machine's fonts.
    pub fn new(today: chrono::DateTime<chrono::FixedOffset>) -> BuildOptions {
        BuildOptions {
            out_dir: None,
            pdf: true,
            site: true,
            docx: false,
            emit_typst: false,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            pdf_a: false,
            system_fonts: true,
            today,
            force: false,
        }
    }
}

#[derive(Debug)]
pub struct BuildReport {
    pub out_dir: PathBuf,
    pub docs: Vec<DocBuild>,
    pub fonts: Vec<RoleFont>,
    /// Findings of the check.
    pub check: Vec<Diagnostic>,
    /// Problems met while printing.
    pub print: Vec<Diagnostic>,
    /// The site, when built.
    pub site: Option<crate::render::site::SiteReport>,
    /// Files under `content/` that produced no PDF although PDFs were
    /// asked for, with why: (path, reason).
    pub no_pdf: Vec<(String, String)>,
    /// PDFs were asked for.
    pub pdf_wanted: bool,
    /// The .docx files (`pdf` holds the .docx path), when written.
    pub docx: Vec<DocBuild>,
    /// The Word files with the check's findings as comments
    /// (`<name>-检查意见.docx`), and whether this run wrote each (false:
    /// kept because the author changed it).
    pub docx_remarks: Vec<(PathBuf, bool)>,
    /// The revised documents with tracked changes against the version the
    /// experts read (`<name>-修订.docx`), written by this run.
    pub docx_tracked: Vec<PathBuf>,
    /// Word files were asked for (so stale ones may be removed).
    pub docx_wanted: bool,
    /// The typst sources were written beside the PDFs (`--emit-typst`):
    /// otherwise those of an earlier build go.
    pub typst_emitted: bool,
    /// E-mail packages `pack` wrote before the plan's PDF now: they hold an
    /// old PDF, and the summary says to pack again.
    pub stale_packages: Vec<PathBuf>,
}

impl BuildReport {
    /// A document could not be printed, or printed with an error (such as
    /// characters no font can show).
    pub fn failed(&self) -> bool {
        self.docs.iter().any(|d| !d.ok)
            || !self.no_pdf.is_empty()
            || (self.pdf_wanted && !self.docs.iter().any(|d| d.ok))
            || self.docx.iter().any(|d| !d.ok)
            || self.print.iter().any(Diagnostic::is_error)
            || self
                .site
                .as_ref()
                .is_some_and(|s| s.diagnostics.iter().any(Diagnostic::is_error))
    }
}

impl BuildReport {
    /// How many outputs were kept from an earlier build and how many made,
    /// for the summary (nothing when none was kept).
    pub fn kept_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (what, verb, list) in [
            ("PDF", "排版", &self.docs),
            ("Word 文件", "生成", &self.docx),
        ] {
            let kept = list.iter().filter(|d| d.kept).count();
            if kept == 0 {
                continue;
            }
            let made = list.iter().filter(|d| d.ok && !d.kept).count();
            out.push(format!(
                "{what}：未改动，沿用 {kept} 份；重新{verb} {made} 份（加 --force 全部重新{verb}）"
            ));
        }
        out
    }
}

/// The output folder, resolved and refused when it would write into the
/// sources or out of the project (see [`crate::output`]).
pub fn out_dir(project: &Project, explicit: Option<&Path>) -> Result<PathBuf, Fatal> {
    crate::output::resolve(project, explicit)
}

pub fn build(project: &Project, opts: &BuildOptions) -> Result<BuildReport, Fatal> {
    let out_dir = out_dir(project, opts.out_dir.as_deref())?;
    crate::output::prepare(&out_dir)?;
    let check = check::check_project(
        project,
        &Options {
            today: opts.today,
            out_dir: Some(out_dir.clone()),
        },
    );
    let mut report = BuildReport {
        out_dir: out_dir.clone(),
        docs: Vec::new(),
        fonts: Vec::new(),
        check,
        print: Vec::new(),
        site: None,
        no_pdf: Vec::new(),
        pdf_wanted: opts.pdf,
        docx: Vec::new(),
        docx_remarks: Vec::new(),
        docx_tracked: Vec::new(),
        docx_wanted: opts.docx && project.config.wants("docx"),
        typst_emitted: opts.emit_typst,
        stale_packages: Vec::new(),
    };
    let theme = Theme::load(&project.root, project.config.theme.as_deref())?;
    if let Some(bad) = project.config.unknown_formats().first() {
        return Err(
            Fatal::new(format!("shenbao.yaml 的 formats 中“{bad}”不是输出格式"))
                .with_help("可写 pdf、docx、site，如 `formats: [pdf, docx]`"),
        );
    }
    if opts.pdf {
        print_all(project, opts, &theme, &out_dir, &mut report)?;
        report.no_pdf = without_pdf(project);
    }
    if opts.docx && project.config.wants("docx") {
        let (docs, diags, remarks, tracked) =
            export_docx(project, &theme, &out_dir, opts, &report.check);
        report.docx = docs;
        report.docx_remarks = remarks;
        report.docx_tracked = tracked;
        report.print.extend(diags);
    }
    if opts.site && project.config.wants("site") {
        let findings: Vec<Diagnostic> = report
            .check
            .iter()
            .chain(report.print.iter())
            .cloned()
            .collect();
        let extra_word: Vec<PathBuf> = report
            .docx_remarks
            .iter()
            .map(|(p, _)| p.clone())
            .chain(report.docx_tracked.iter().cloned())
            .collect();
        let input = crate::render::site::SiteInput {
            project,
            diagnostics: &findings,
            pdfs: &report.docs,
            docx: &report.docx,
            docx_extra: &extra_word,
            out_dir: &out_dir,
            today: opts.today,
            theme: &theme,
        };
        report.site = Some(crate::render::site::build_site(&input));
    }
    finish_outputs(&mut report, opts.pdf);
    report.stale_packages = stale_packages(project, &report, &opts.today);
    Ok(report)
}

/// The packages in `<out>/package/` older than their plan's PDF.
fn stale_packages(
    project: &Project,
    report: &BuildReport,
    today: &chrono::DateTime<chrono::FixedOffset>,
) -> Vec<PathBuf> {
    report
        .docs
        .iter()
        .filter(|d| d.ok)
        .filter_map(|d| {
            let pdf = d.pdf.as_deref()?;
            let doc = project.documents.iter().find(|x| x.src.rel == d.rel)?;
            let call = project.call_for(doc);
            crate::package::stale_zip(
                &report.out_dir,
                call,
                call.next_email(today).map(|s| s.0),
                doc.plan()?,
                &d.rel,
                pdf,
            )
        })
        .collect()
}

/// Everything a finished build produced, relative to the output folder:
/// the PDFs (a failed document's last good one included) and the site.
pub fn produced(report: &BuildReport) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for d in &report.docs {
        let target = pdf_path(&report.out_dir, &d.rel);
        let sources = [
            target.with_extension("typ"),
            target.with_file_name("_theme").join("plan.typ"),
        ];
        let emitted = if report.typst_emitted {
            &sources[..]
        } else {
            &[]
        };
        for p in std::iter::once(&target).chain(emitted) {
            if p.is_file() {
                out.insert(crate::project::rel_path(&report.out_dir, p));
            }
        }
    }
    for d in report.docx.iter().filter(|d| d.ok) {
        if let Some(p) = d.pdf.as_ref().filter(|p| p.is_file()) {
            out.insert(crate::project::rel_path(&report.out_dir, p));
        }
    }
    for (p, _) in report.docx_remarks.iter().filter(|(p, _)| p.is_file()) {
        out.insert(crate::project::rel_path(&report.out_dir, p));
    }
    for p in report.docx_tracked.iter().filter(|p| p.is_file()) {
        out.insert(crate::project::rel_path(&report.out_dir, p));
    }
    if let Some(site) = &report.site {
        out.extend(site.produced.iter().cloned());
    }
    out
}

/// Remove the outputs an earlier build wrote and this one no longer
/// produces (only of the kinds it built), and record what it wrote. A
/// site that failed to render keeps its old pages.
pub fn finish_outputs(report: &mut BuildReport, pdf: bool) {
    let produced = produced(report);
    let site_ok = report
        .site
        .as_ref()
        .is_some_and(|s| !s.diagnostics.iter().any(Diagnostic::is_error));
    let docx = report.docx_wanted;
    let owned = |f: &str| {
        if f.starts_with("pdf/") {
            pdf
        } else if f.starts_with("docx/") {
            docx
        } else {
            !f.starts_with("package/") && site_ok
        }
    };
    match crate::output::finish(&report.out_dir, &produced, owned) {
        Ok(done) => {
            let kept = crate::output::kept_diagnostics(&report.out_dir, &done.kept);
            report.print.extend(kept);
        }
        Err(e) => report.print.push(write_error(
            rule::PRINT_WRITE,
            CONTENT_DIR,
            &report.out_dir.join(crate::output::MARKER),
            &e,
        )),
    }
}

/// Project font files that were not used, as warnings at each file.
pub fn font_warnings(fonts: &Fonts) -> Vec<Diagnostic> {
    fonts
        .refused
        .iter()
        .map(|r| {
            Diagnostic::file(
                rule::PRINT_FONT_FILE,
                crate::diagnostic::Severity::Warning,
                r.file.clone(),
                format!("主题字体目录中的 {} 未使用：{}", r.file, r.why),
            )
            .with_help("主题的 fonts/ 目录放 .ttf、.otf、.ttc 或 .otc 字体文件，并在 theme.yaml 的字体角色中写上它的字体名")
        })
        .collect()
}

fn print_all(
    project: &Project,
    opts: &BuildOptions,
    theme: &Theme,
    out_dir: &Path,
    report: &mut BuildReport,
) -> Result<(), Fatal> {
    let font_dir = Theme::font_dir(&project.root, project.config.theme.as_deref());
    let fonts = Fonts::load_with(opts.system_fonts, Some((&project.root, &font_dir)));
    report.print.extend(font_warnings(&fonts));
    let roles = resolve_fonts(&fonts, theme)?;
    report.fonts = roles.clone();
    let template = theme.file("print/plan.typ")?;
    let mut printer = Printer::new(
        &project.root,
        &project.call,
        &fonts,
        roles,
        template,
        opts.pdf_a,
        opts.today,
    );
    printer.force = opts.force;
    printer.others = Some(&project.other_calls);
    printer.documents = &project.documents;
    let plans: Vec<(usize, &Document)> = printable(project).enumerate().collect();
    let (docs, diags) = print_docs(&printer, &plans, opts.jobs, out_dir, opts.emit_typst);
    report.docs = docs;
    report.print.extend(diags);
    Ok(())
}

/// The Markdown files under `content/` that cannot print, and why: files
/// that did not load, and documents whose front matter could not be read.
pub fn without_pdf(project: &Project) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for d in project
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && d.rule.family() == "document")
    {
        if !out.iter().any(|(f, _)| *f == d.file) {
            out.push((d.file.clone(), d.message.clone()));
        }
    }
    let printable: Vec<&str> = printable(project).map(|d| d.src.rel.as_str()).collect();
    for doc in &project.documents {
        if printable.contains(&doc.src.rel.as_str()) {
            continue;
        }
        let why = doc
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map_or_else(|| "无法识别文档类型".to_string(), |d| d.message.clone());
        out.push((doc.src.rel.clone(), why));
    }
    out.sort();
    out
}

/// The documents that print: those whose front matter could be read.
pub fn printable(project: &Project) -> impl Iterator<Item = &Document> {
    project
        .documents
        .iter()
        .filter(|d| {
            // Past the print limits (stated in the README): checked, shown,
            // not printed.
            !d.diagnostics.iter().any(|x| x.rule == rule::DOCUMENT_LIMIT)
        })
        .filter(|d| d.kind().is_some())
}

/// Which font serves each of the theme's roles; an error when one has none.
pub fn resolve_fonts(fonts: &Fonts, theme: &Theme) -> Result<Vec<RoleFont>, Fatal> {
    let roles = fonts.resolve(&theme.font_roles);
    if let Some(r) = roles.iter().find(|r| r.serving.is_none()) {
        return Err(Fatal::new(format!("主题字体“{}”（{}）在本机和内置字体中都找不到", r.label, r.role))
            .with_help("在主题 theme.yaml 的 families 末尾加上内置字体（FandolFang、FandolHei、FandolKai、FandolSong）"));
    }
    Ok(roles)
}

/// Print `docs` (each with a key that keeps its typst files apart) on up
/// to `jobs` threads and write each PDF atomically as soon as it is made
/// (nothing of a finished document is held until the end). A document
/// whose PDF is up to date (see [`Printer::fingerprint`]) is kept, not
/// printed, unless the printer is told to `force`. A document that fails
/// keeps its last good PDF.
pub fn print_docs(
    printer: &Printer<'_>,
    docs: &[(usize, &Document)],
    jobs: usize,
    out_dir: &Path,
    emit_typst: bool,
) -> (Vec<DocBuild>, Vec<Diagnostic>) {
    let old = crate::output::records(out_dir);
    let batch = docs.len() > 1;
    let print_one = |(key, doc): &(usize, &Document)| {
        let done = print_one(printer, doc, *key, out_dir, emit_typst, &old);
        // (Only after a compile: a run of kept documents must not age out
        // the cache of one being laid out on another thread.)
        if batch && !done.build.kept {
            // typst's memo cache holds each document's layout (about 25 MB
            // for 30 pages) until evicted: keep only what the documents in
            // flight used since the last ones finished, so a batch's memory
            // does not grow with its length. Nothing is shared across
            // documents that is worth keeping (measured: no slower).
            typst::comemo::evict(jobs.max(1));
        }
        done
    };
    let crashed = |(_, doc): &(usize, &Document)| {
        let d = Diagnostic::file(
            rule::PRINT_INTERNAL,
            Severity::Error,
            &doc.src.rel,
            "内部错误：排版这个文档时崩溃，其他文档照常生成；请报告此问题",
        );
        Printing {
            build: DocBuild::failed(doc.src.rel.clone(), 0),
            diagnostics: vec![d],
            record: None,
        }
    };
    // A response names the pages of the document it answers: those are
    // printed first, and their headings' pages handed to the responses.
    let (responses, others): (Vec<_>, Vec<_>) = docs
        .iter()
        .copied()
        .partition(|(_, d): &(usize, &Document)| d.kind().is_some_and(|k| k.prints_after_others()));
    let mut results: Vec<Printing> = crate::par::map(&others, jobs, print_one, crashed);
    if !responses.is_empty() {
        let fresh: std::collections::BTreeMap<&str, &crate::output::Record> = results
            .iter()
            .filter_map(|r| r.record.as_ref())
            .filter_map(|(file, rec)| Some((file.as_str(), rec.as_ref()?)))
            .collect();
        let mut pages = std::collections::BTreeMap::new();
        for d in printer.documents {
            let file = crate::project::rel_path(out_dir, &pdf_path(out_dir, &d.src.rel));
            let rec = fresh.get(file.as_str()).copied().or_else(|| old.get(&file));
            if let Some(rec) = rec.filter(|r| !r.headings.is_empty()) {
                pages.insert(d.src.rel.clone(), rec.headings.clone());
            }
        }
        printer.set_heading_pages(pages);
        results.extend(crate::par::map(&responses, jobs, print_one, crashed));
    }
    let mut built = Vec::with_capacity(results.len());
    let mut diagnostics = Vec::new();
    let mut records = Vec::new();
    for r in results {
        if let Some(change) = r.record {
            records.push(change);
        }
        diagnostics.extend(r.diagnostics);
        built.push(r.build);
    }
    if let Err(e) = crate::output::update_records(out_dir, records) {
        diagnostics.push(write_error(
            rule::PRINT_WRITE,
            CONTENT_DIR,
            &out_dir.join(crate::output::MARKER),
            &e,
        ));
    }
    (built, diagnostics)
}

/// One document's print: what it produced, its findings, and what to
/// remember about its PDF (Some(None): forget; None: leave as it was).
struct Printing {
    build: DocBuild,
    diagnostics: Vec<Diagnostic>,
    record: Option<(String, Option<crate::output::Record>)>,
}

/// `record` still describes the PDF at `target`: the same inputs, the
/// same content in every file it read, and the PDF as it was written.
fn up_to_date(record: &crate::output::Record, inputs: &str, root: &Path, target: &Path) -> bool {
    record.inputs == inputs
        && record
            .deps
            .iter()
            .all(|(dep, hash)| crate::output::file_hash(root, dep) == *hash)
        && crate::output::output_hash(target) == record.output
}

fn print_one(
    printer: &Printer<'_>,
    doc: &Document,
    key: usize,
    out_dir: &Path,
    emit_typst: bool,
    old: &std::collections::BTreeMap<String, crate::output::Record>,
) -> Printing {
    use crate::output::{Finding, Record, hex};
    let t = Instant::now();
    let rel = doc.src.rel.clone();
    let target = pdf_path(out_dir, &rel);
    let file = crate::project::rel_path(out_dir, &target);
    let emit = |source: &str| -> std::io::Result<()> {
        if !emit_typst {
            return Ok(());
        }
        write_within(out_dir, &target.with_extension("typ"), source.as_bytes())?;
        let theme_copy = target
            .with_file_name("_theme")
            .join(printer.template.name.trim_start_matches("print/"));
        write_within(out_dir, &theme_copy, printer.template.text.as_bytes())
    };
    let failed = |mut diagnostics: Vec<Diagnostic>, source: Option<&str>| {
        // The source is most wanted when printing failed.
        if let Some(source) = source
            && let Err(e) = emit(source)
        {
            diagnostics.push(write_error(rule::PRINT_WRITE, &rel, &target, &e));
        }
        Printing {
            build: DocBuild::failed(rel.clone(), t.elapsed().as_millis()),
            diagnostics,
            record: None,
        }
    };
    let prepared = match printer.prepare(doc) {
        Ok(p) => p,
        Err(diags) => {
            let source = if emit_typst {
                printer.source(doc)
            } else {
                None
            };
            return failed(diags, source.as_deref());
        }
    };
    let inputs = hex(printer.fingerprint(doc, &prepared));
    if !printer.force
        && let Some(r) = old.get(&file)
        && up_to_date(r, &inputs, printer.root, &target)
        && let Some(mut diagnostics) = r
            .findings
            .iter()
            .map(Finding::diagnostic)
            .collect::<Option<Vec<Diagnostic>>>()
    {
        if let Err(e) = emit(&prepared.main_source) {
            diagnostics.push(write_error(rule::PRINT_WRITE, &rel, &target, &e));
        }
        return Printing {
            build: DocBuild {
                rel: rel.clone(),
                pdf: Some(target.clone()),
                pages: r.pages,
                bytes: r.bytes,
                millis: t.elapsed().as_millis(),
                ok: true,
                kept: true,
            },
            diagnostics,
            record: None,
        };
    }
    let source = emit_typst.then(|| prepared.main_source.clone());
    let printed = match printer.compile(doc, prepared, key) {
        Ok(p) => p,
        Err(diags) => return failed(diags, source.as_deref()),
    };
    let millis = t.elapsed().as_millis();
    let written =
        write_within(out_dir, &target, &printed.pdf).and_then(|()| emit(&printed.main_source));
    if let Err(e) = written {
        let mut diagnostics = printed.diagnostics;
        diagnostics.push(write_error(rule::PRINT_WRITE, &rel, &target, &e));
        return Printing {
            build: DocBuild::failed(rel, millis),
            diagnostics,
            record: Some((file, None)),
        };
    }
    // A PDF printed with an error (a character no font has) is written,
    // and made again next time: only clean ones are remembered.
    let record = (!printed.diagnostics.iter().any(Diagnostic::is_error)).then(|| Record {
        inputs,
        deps: printed
            .deps
            .iter()
            .map(|(dep, hash)| (dep.clone(), hash.map(hex).unwrap_or_default()))
            .collect(),
        output: hex(typst::utils::hash128(&printed.pdf[..])),
        pages: printed.pages,
        bytes: printed.pdf.len() as u64,
        findings: printed.diagnostics.iter().map(Finding::of).collect(),
        headings: printed.headings.clone(),
    });
    Printing {
        build: DocBuild {
            rel,
            pdf: Some(target),
            pages: printed.pages,
            bytes: printed.pdf.len() as u64,
            millis,
            ok: true,
            kept: false,
        },
        diagnostics: printed.diagnostics,
        record: Some((file, record)),
    }
}

/// What exporting Word files gave: each document's file, the findings,
/// the comments files (and whether written), the tracked-changes files.
type DocxOutputs = (
    Vec<DocBuild>,
    Vec<Diagnostic>,
    Vec<(PathBuf, bool)>,
    Vec<PathBuf>,
);

/// Write the .docx of every printable document, on up to `jobs` threads,
/// each as soon as it is made; one whose inputs (the document, the images
/// and attachments it embeds, the theme's Word fonts, shenbao) are those
/// of the file already there is kept.
fn export_docx(
    project: &Project,
    theme: &Theme,
    out_dir: &Path,
    opts: &BuildOptions,
    check: &[Diagnostic],
) -> DocxOutputs {
    use crate::output::{Record, hex};
    use crate::render::docx::{WordFonts, docx_path};
    let (jobs, force) = (opts.jobs, opts.force);
    let remark_date = opts
        .today
        // The day, not the second: a rebuild the same day gives the same
        // bytes, and the comments file is not written again.
        .format("%Y-%m-%dT00:00:00Z")
        .to_string();
    let fonts = WordFonts::from_theme(theme);
    let root = project
        .root
        .canonicalize()
        .unwrap_or_else(|_| project.root.clone());
    let old = crate::output::records(out_dir);
    let written_sums = crate::output::sums(out_dir);
    let docs: Vec<&Document> = printable(project).collect();
    let one = |doc: &&Document| {
        let t = Instant::now();
        let rel = doc.src.rel.clone();
        let target = docx_path(out_dir, &rel);
        let file = crate::project::rel_path(out_dir, &target);
        // What the kind's Word file reads besides the document (a
        // response: the document it answers and the reviewed version).
        let job = crate::kinds::word_file(project, doc, &root, out_dir, &fonts);
        let inputs = hex(docx_fingerprint(doc, &root, &fonts, job.inputs));
        // The comments file follows this run's findings whatever becomes
        // of the clean file (kept, the author's, failed).
        let (remarks, mut told) = write_remarks(
            doc,
            project.call_for(doc),
            &root,
            &fonts,
            out_dir,
            check,
            &remark_date,
            &written_sums,
        );
        let done = |ok: bool, bytes: u64, kept: bool| DocBuild {
            rel: rel.clone(),
            pdf: ok.then(|| target.clone()),
            pages: 0,
            bytes,
            millis: t.elapsed().as_millis(),
            ok,
            kept,
        };
        // Not made (a response without its comparison): said once, by the
        // PDF's print when there is one.
        if let Some(d) = job.refused {
            if !opts.pdf {
                told.push(d);
            }
            return (done(false, 0, false), told, None, remarks);
        }
        if !force
            && let Some(r) = old.get(&file)
            && r.inputs == inputs
            && crate::output::output_hash(&target) == r.output
            && let Some(again) = r
                .findings
                .iter()
                .map(|f| f.diagnostic())
                .collect::<Option<Vec<_>>>()
        {
            // Kept: its warnings are told again.
            told.extend(again);
            return (done(true, r.bytes, true), told, None, remarks);
        }
        // A Word file edited since it was written is the author's now.
        if crate::output::changed_since_written(out_dir, &file, &written_sums) {
            told.push(crate::output::changed_diagnostic(&rel, out_dir, &file));
            return (done(true, 0, true), told, None, remarks);
        }
        let written = (job.export)()
            .and_then(|e| write_docx(out_dir, &target, &e.bytes).map(|()| (e.bytes, e.problems)));
        match written {
            Ok((bytes, problems)) => {
                let warnings: Vec<Diagnostic> = problems
                    .into_iter()
                    .map(|p| {
                        Diagnostic::file(rule::DOCX_IMAGE, Severity::Warning, &rel, p)
                            .with_help("Word 文件中只能放 PNG、JPEG 图片；改后重新构建")
                    })
                    .collect();
                let record = Record {
                    inputs,
                    deps: Default::default(),
                    output: hex(typst::utils::hash128(&bytes[..])),
                    pages: 0,
                    bytes: bytes.len() as u64,
                    findings: warnings.iter().map(crate::output::Finding::of).collect(),
                    headings: Vec::new(),
                };
                told.extend(warnings);
                (
                    done(true, bytes.len() as u64, false),
                    told,
                    Some((file, Some(record))),
                    remarks,
                )
            }
            Err(why) => {
                told.push(docx_failed(&rel, format!("无法生成 Word 文件：{why}")));
                (done(false, 0, false), told, None, remarks)
            }
        }
    };
    let results = crate::par::map(&docs, jobs, one, |doc| {
        let d = Diagnostic::file(
            rule::DOCX_EXPORT,
            Severity::Error,
            &doc.src.rel,
            "内部错误：导出这个文档时崩溃，其他文档照常导出；请报告此问题",
        );
        (
            DocBuild::failed(doc.src.rel.clone(), 0),
            vec![d],
            None,
            None,
        )
    });
    let mut built = Vec::new();
    let mut diags = Vec::new();
    let mut records = Vec::new();
    let mut remarks = Vec::new();
    for (b, d, r, m) in results {
        built.push(b);
        diags.extend(d);
        records.extend(r);
        remarks.extend(m);
    }
    // The Word files kinds add beside the documents' own.
    let mut tracked = Vec::new();
    for doc in &docs {
        let Some(kind) = doc.kind() else { continue };
        for extra in kind.extra_word_files(project, doc, out_dir, &fonts, &remark_date) {
            let (path, record, told) = write_extra(doc, extra, out_dir, &old, &written_sums);
            diags.extend(told);
            if let Some(r) = record {
                records.push(r);
                tracked.push(path);
            }
        }
    }
    if let Err(e) = crate::output::update_records(out_dir, records) {
        diags.push(write_error(
            rule::PRINT_WRITE,
            CONTENT_DIR,
            &out_dir.join(crate::output::MARKER),
            &e,
        ));
    }
    (built, diags, remarks, tracked)
}

/// A Word file a kind adds beside a document's own (a response: the
/// revised document with its changes tracked). Kept when up to date, and
/// never over a copy someone edited since.
#[allow(clippy::type_complexity)]
fn write_extra(
    doc: &Document,
    extra: crate::kinds::ExtraWord,
    out_dir: &Path,
    old: &std::collections::BTreeMap<String, crate::output::Record>,
    written_sums: &std::collections::BTreeMap<String, String>,
) -> (
    PathBuf,
    Option<(String, Option<crate::output::Record>)>,
    Vec<Diagnostic>,
) {
    use crate::output::{Record, hex};
    let crate::kinds::ExtraWord {
        target,
        what,
        bytes,
        diagnostics: mut told,
    } = extra;
    let file = crate::project::rel_path(out_dir, &target);
    let bytes = match bytes {
        Ok(b) => b,
        Err(why) => {
            told.push(docx_failed(
                &doc.src.rel,
                format!("无法生成{what} Word 文件：{why}"),
            ));
            return (target, None, told);
        }
    };
    let inputs = hex(typst::utils::hash128(&bytes[..]));
    if let Some(r) = old.get(&file)
        && r.inputs == inputs
        && crate::output::output_hash(&target) == r.output
    {
        return (target, Some((file, Some(r.clone()))), told);
    }
    if crate::output::changed_since_written(out_dir, &file, written_sums) {
        told.push(crate::output::changed_diagnostic(
            &doc.src.rel,
            out_dir,
            &file,
        ));
        return (target, None, told);
    }
    if let Err(e) = write_docx(out_dir, &target, &bytes) {
        told.push(docx_failed(&doc.src.rel, e));
        return (target, None, told);
    }
    let record = Record {
        inputs: inputs.clone(),
        deps: Default::default(),
        output: inputs,
        pages: 0,
        bytes: bytes.len() as u64,
        findings: Vec::new(),
        headings: Vec::new(),
    };
    (target, Some((file, Some(record))), told)
}

/// The Word file with a document's findings as comments, beside its own
/// .docx (`<name>-检查意见.docx`), when the check found anything in it:
/// its path (also when kept because the author changed it, so it is not
/// removed) and what to tell. None when there is nothing to comment on.
#[allow(clippy::too_many_arguments)]
fn write_remarks(
    doc: &Document,
    call: &crate::call::Call,
    root: &Path,
    fonts: &crate::render::docx::WordFonts,
    out_dir: &Path,
    check: &[Diagnostic],
    date: &str,
    written_sums: &std::collections::BTreeMap<String, String>,
) -> (Option<(PathBuf, bool)>, Vec<Diagnostic>) {
    use crate::render::docx::{Remark, docx_path, export_with_remarks};
    let rel = &doc.src.rel;
    let mine: Vec<&Diagnostic> = check
        .iter()
        .filter(|d| &d.file == rel && d.severity != Severity::Info)
        .collect();
    if mine.is_empty() {
        return (None, Vec::new());
    }
    let target = remarks_path(&docx_path(out_dir, rel));
    let file = crate::project::rel_path(out_dir, &target);
    // A colleague may have answered the comments in Word: never overwrite.
    if crate::output::changed_since_written(out_dir, &file, written_sums) {
        let d = crate::output::changed_diagnostic(rel, out_dir, &file);
        return (Some((target, false)), vec![d]);
    }
    let remarks: Vec<Remark> = mine
        .iter()
        .map(|d| {
            let level = match d.severity {
                Severity::Error => "错误",
                _ => "警告",
            };
            let place = d
                .line
                .map_or_else(String::new, |l| format!("（{rel} 第 {l} 行）"));
            let mut lines = vec![format!("{level}[{}]：{}{place}", d.rule, d.message)];
            if let Some(h) = &d.help {
                lines.push(format!("建议：{h}"));
            }
            Remark {
                offset: d.span.as_ref().map(|s| s.start),
                lines,
            }
        })
        .collect();
    let written = export_with_remarks(doc, call, root, fonts, &remarks, date).and_then(|e| {
        // The same comments as last time: the file stays as it is.
        if crate::output::output_hash(&target)
            == crate::output::hex(typst::utils::hash128(&e.bytes[..]))
        {
            return Ok(false);
        }
        write_docx(out_dir, &target, &e.bytes).map(|()| true)
    });
    match written {
        Ok(wrote) => (Some((target, wrote)), Vec::new()),
        Err(why) => (
            None,
            vec![docx_failed(
                rel,
                format!("无法生成带检查意见的 Word 文件：{why}"),
            )],
        ),
    }
}

/// Write a Word file inside the output folder; the failure in Chinese.
fn write_docx(out_dir: &Path, target: &Path, bytes: &[u8]) -> Result<(), String> {
    write_within(out_dir, target, bytes).map_err(|err| {
        format!(
            "无法写入 {}：{}",
            target.display(),
            crate::fsutil::io_message(&err)
        )
    })
}

/// A Word file that could not be made: an error at its document.
fn docx_failed(rel: &str, message: String) -> Diagnostic {
    Diagnostic::file(rule::DOCX_EXPORT, Severity::Error, rel, message)
        .with_help("其他文档照常生成；检查输出目录的权限和磁盘空间，或用 --no-docx 跳过")
}

/// `<name>-检查意见.docx` beside a document's `<name>.docx`.
pub fn remarks_path(docx: &Path) -> PathBuf {
    let stem = docx
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    docx.with_file_name(format!("{stem}-检查意见.docx"))
}

/// What a document's .docx is made from: its text, the content of the
/// images and attachments it embeds (or why they cannot be read), the
/// theme's Word fonts and shenbao.
fn docx_fingerprint(
    doc: &Document,
    root: &Path,
    fonts: &crate::render::docx::WordFonts,
    extra: u128,
) -> u128 {
    use crate::assets::resolve;
    let doc_dir = doc.path.parent().unwrap_or(root);
    let content = |r: Result<PathBuf, crate::assets::Resolve>| match r {
        Ok(p) => crate::fsutil::read_regular(&p, 1 << 30).map_or_else(
            |e| e.to_string(),
            |b| crate::output::hex(typst::utils::hash128(&b[..])),
        ),
        Err(why) => format!("{why:?}"),
    };
    let images: Vec<String> = doc
        .body
        .links
        .iter()
        .filter(|l| l.image)
        .map(|l| content(resolve(root, doc_dir, &l.dest)))
        .collect();
    let attachments: Vec<String> = crate::views::bound_files(doc)
        .iter()
        .map(|a| content(resolve(root, root, &a.file.value)))
        .collect();
    typst::utils::hash128(&(
        "docx",
        crate::output::shenbao_identity(),
        &doc.src.rel,
        &doc.src.text,
        format!("{fonts:?}"),
        images,
        attachments,
        extra,
    ))
}

/// The live site (`serve`, the site benchmark) for a project, in the
/// output folder these options name.
pub fn live_site(
    project: &Project,
    opts: &BuildOptions,
) -> Result<
    (
        crate::serve::live::LivePreview,
        crate::render::site::SiteReport,
    ),
    Fatal,
> {
    let out_dir = out_dir(project, opts.out_dir.as_deref())?;
    crate::serve::live::LivePreview::new(project, &out_dir, opts.today)
}
