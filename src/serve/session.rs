//! The state `serve` keeps between edits: the loaded project, the live
//! site, the fonts and theme, each document's last good page and PDF.
//! A change is applied in two steps so that the browser sees the page as
//! soon as it is written and the PDF when typst has laid it out.

use crate::rule;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::build::{self, BuildOptions};
use crate::config::Fatal;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::paths::pdf_path;
use crate::project::{CONTENT_DIR, Project, rel_path};
use crate::render::pdf::Printer;
use crate::render::pdf::fonts::{Fonts, RoleFont};
use crate::render::theme::{TemplateFile, Theme};
use crate::serve::live::LivePreview;

/// What a batch of file events means for the build.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Markdown files (relative to the root) created, edited or removed.
    pub docs: BTreeSet<String>,
    /// Other files under content/ or attachments/ (images, letters).
    pub assets: BTreeSet<String>,
    /// The configuration, a template or the theme: rebuild everything.
    pub full: bool,
    /// A folder appeared, moved or vanished under content/: compare the
    /// documents on disk with the ones loaded.
    pub rescan: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty() && self.assets.is_empty() && !self.full && !self.rescan
    }

    pub fn merge(&mut self, other: Changes) {
        self.docs.extend(other.docs);
        self.assets.extend(other.assets);
        self.full |= other.full;
        self.rescan |= other.rescan;
    }

    /// For the terminal line: what changed.
    pub fn describe(&self) -> String {
        if self.full {
            return "配置、模板或主题".to_string();
        }
        let mut names: Vec<&str> = self
            .docs
            .iter()
            .chain(self.assets.iter())
            .map(String::as_str)
            .collect();
        if names.is_empty() && self.rescan {
            return "content/ 中的目录".to_string();
        }
        let more = names.len().saturating_sub(3);
        names.truncate(3);
        let mut s = names.join("、");
        if more > 0 {
            s.push_str(&format!(" 等 {} 个文件", more + 3));
        }
        s
    }
}

/// One finding in the browser's overlay.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OverlayItem {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl From<&Diagnostic> for OverlayItem {
    fn from(d: &Diagnostic) -> Self {
        OverlayItem {
            file: d.file.clone(),
            line: d.line,
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }
}

impl From<&Fatal> for OverlayItem {
    fn from(f: &Fatal) -> Self {
        OverlayItem {
            // Only a file the error names: guessing one would send the
            // author to the wrong place.
            file: f
                .file
                .as_ref()
                .map_or_else(String::new, |p| p.display().to_string()),
            line: f.line,
            message: f.message.clone(),
            help: f.help.clone(),
        }
    }
}

/// What the first step (check and site) did.
#[derive(Debug, Default)]
pub struct SiteStep {
    /// Output files written, relative to the output folder; `*` for all.
    pub written: Vec<String>,
    /// Documents whose PDF must be printed again.
    pub to_print: BTreeSet<String>,
    pub millis: u128,
}

/// What the second step (print) did.
#[derive(Debug, Default)]
pub struct PrintStep {
    /// PDFs written, relative to the output folder.
    pub pdfs: Vec<String>,
    /// Pages written again because they show the PDF's pages and size.
    pub written: Vec<String>,
    pub failed: usize,
    pub millis: u128,
}

/// A loaded project and everything rendered from it.
struct Loaded {
    project: Project,
    roles: Vec<RoleFont>,
    template: TemplateFile,
    live: LivePreview,
}

pub struct Session {
    root: PathBuf,
    opts: BuildOptions,
    out_dir: PathBuf,
    fonts: Fonts,
    loaded: Loaded,
    /// A stable typst key per document, so that its files keep their ids
    /// (and typst its memoised work) across rebuilds.
    keys: HashMap<String, usize>,
    /// Errors that keep a document's page or PDF from being updated; the
    /// last good one stays on screen and these show over it.
    blocked: BTreeMap<String, Vec<Diagnostic>>,
    /// Errors in the configuration, templates or theme that stopped a
    /// full rebuild: the whole last good site stays.
    config_blocked: Vec<OverlayItem>,
    /// Errors met rendering or writing the site in the last step.
    site_blocked: Vec<OverlayItem>,
}

/// An error that stops the page or PDF from being brought up to date (as
/// opposed to a finding, which the page shows in place).
pub fn blocks(d: &Diagnostic) -> bool {
    d.severity == Severity::Error
        && (d.rule == rule::FRONTMATTER_SYNTAX
            || d.rule == rule::FRONTMATTER_LIMIT
            || d.rule.family() == "document"
            || d.rule.family() == "print"
            || d.rule.family() == "site")
}

/// Everything a full rebuild produces.
struct Rebuilt {
    loaded: Loaded,
    out_dir: PathBuf,
    blocked: BTreeMap<String, Vec<Diagnostic>>,
    site_blocked: Vec<OverlayItem>,
    site: SiteStep,
    print: PrintStep,
}

/// Load the configuration, theme and every document, print every plan
/// (first, so that the pages link fresh PDFs) and render the whole site.
fn rebuild_all(
    root: &Path,
    fonts: &Fonts,
    opts: &BuildOptions,
    keys: &mut HashMap<String, usize>,
) -> Result<Rebuilt, Fatal> {
    let t = Instant::now();
    let project = Project::load(root)?;
    let theme = Theme::load(&project.root, project.config.theme.as_deref())?;
    let roles = build::resolve_fonts(fonts, &theme)?;
    let template = theme.file("print/plan.typ")?;
    let out_dir = build::out_dir(&project, opts.out_dir.as_deref())?;
    crate::output::prepare(&out_dir)?;
    let (builds, print_diags) = if opts.pdf {
        let keyed = keyed(keys, build::printable(&project));
        print_keyed(fonts, opts, &project, &roles, &template, &keyed, &out_dir)
    } else {
        (Vec::new(), Vec::new())
    };
    let print_millis = t.elapsed().as_millis();
    let pdfs = builds
        .iter()
        .filter(|b| b.ok)
        .filter_map(|b| b.pdf.as_ref())
        .map(|p| rel_path(&out_dir, p))
        .collect();
    let failed = builds.iter().filter(|b| !b.ok).count();
    let mut blocked: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for d in project
        .diagnostics
        .iter()
        .chain(project.documents.iter().flat_map(|d| d.diagnostics.iter()))
        .chain(print_diags.iter())
        .filter(|d| blocks(d))
    {
        blocked.entry(d.file.clone()).or_default().push(d.clone());
    }
    let (live, report) = LivePreview::with_prints(
        &project,
        &out_dir,
        opts.today,
        &theme,
        builds.clone(),
        print_diags,
    )?;
    // Like a build: what the last full build wrote and this one no longer
    // produces goes.
    let mut done = build::BuildReport {
        out_dir: out_dir.clone(),
        docs: builds,
        fonts: Vec::new(),
        check: Vec::new(),
        print: Vec::new(),
        site: Some(report),
        no_pdf: Vec::new(),
        pdf_wanted: opts.pdf,
        // The preview writes no Word files and removes none.
        docx: Vec::new(),
        docx_remarks: Vec::new(),
        docx_tracked: Vec::new(),
        docx_wanted: false,
        typst_emitted: opts.emit_typst,
        stale_packages: Vec::new(),
    };
    build::finish_outputs(&mut done, opts.pdf);
    let Some(report) = done.site else {
        return Err(Fatal::new("内部错误：网站报告丢失"));
    };
    let site_blocked = report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(OverlayItem::from)
        .collect();
    Ok(Rebuilt {
        loaded: Loaded {
            project,
            roles,
            template,
            live,
        },
        out_dir,
        blocked,
        site_blocked,
        site: SiteStep {
            written: vec!["*".to_string()],
            to_print: BTreeSet::new(),
            millis: t.elapsed().as_millis() - print_millis,
        },
        print: PrintStep {
            pdfs,
            written: Vec::new(),
            failed,
            millis: print_millis,
        },
    })
}

/// Each document with its stable typst key.
fn keyed<'d>(
    keys: &mut HashMap<String, usize>,
    docs: impl Iterator<Item = &'d Document>,
) -> Vec<(usize, &'d Document)> {
    docs.map(|doc| {
        let next = keys.len();
        (*keys.entry(doc.src.rel.clone()).or_insert(next), doc)
    })
    .collect()
}

fn print_keyed(
    fonts: &Fonts,
    opts: &BuildOptions,
    project: &Project,
    roles: &[RoleFont],
    template: &TemplateFile,
    keyed: &[(usize, &Document)],
    out_dir: &Path,
) -> (Vec<crate::render::DocBuild>, Vec<Diagnostic>) {
    let mut printer = Printer::new(
        &project.root,
        &project.call,
        fonts,
        roles.to_vec(),
        template.clone(),
        opts.pdf_a,
        opts.today,
    );
    printer.others = Some(&project.other_calls);
    printer.documents = &project.documents;
    let result = build::print_docs(&printer, keyed, opts.jobs, out_dir, opts.emit_typst);
    // Keep typst's memo cache to what the last two compiles used: a long session
    // must not grow without bound.
    typst::comemo::evict(2);
    result
}

impl Session {
    /// Load the project and build everything once.
    pub fn start(root: &Path, opts: BuildOptions) -> Result<(Session, SiteStep, PrintStep), Fatal> {
        // The project's theme fonts (a later change to them needs a restart).
        let theme = crate::config::Config::load(root).ok().and_then(|c| c.theme);
        let font_dir = Theme::font_dir(root, theme.as_deref());
        let fonts = Fonts::load_with(opts.system_fonts, Some((root, &font_dir)));
        let mut keys = HashMap::new();
        let r = rebuild_all(root, &fonts, &opts, &mut keys)?;
        Ok((
            Session {
                root: r.loaded.project.root.clone(),
                opts,
                out_dir: r.out_dir,
                fonts,
                loaded: r.loaded,
                keys,
                blocked: r.blocked,
                config_blocked: Vec::new(),
                site_blocked: r.site_blocked,
            },
            r.site,
            r.print,
        ))
    }

    pub fn out_dir(&self) -> &Path {
        &self.out_dir
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn project(&self) -> &Project {
        &self.loaded.project
    }

    /// Rebuild everything (the configuration, a template or the theme
    /// changed). On an error the last good site stays and the error goes
    /// to the overlay; None then.
    pub fn full_rebuild(&mut self) -> Option<(SiteStep, PrintStep)> {
        match rebuild_all(&self.root, &self.fonts, &self.opts, &mut self.keys) {
            Ok(r) => {
                self.loaded = r.loaded;
                self.out_dir = r.out_dir;
                self.blocked = r.blocked;
                self.config_blocked.clear();
                self.site_blocked = r.site_blocked;
                Some((r.site, r.print))
            }
            Err(f) => {
                self.config_blocked = vec![OverlayItem::from(&f)];
                None
            }
        }
    }

    /// Step one: reload the changed documents, check them and render their
    /// pages and the shared pages. A document with an error that stops
    /// rendering keeps its last good page.
    pub fn apply_site(&mut self, changes: &Changes) -> SiteStep {
        let t = Instant::now();
        let mut step = SiteStep::default();
        let mut docs = changes.docs.clone();
        if changes.rescan {
            docs.extend(self.rescan());
        }
        for asset in &changes.assets {
            let name = Path::new(asset)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            // A document that names the file (as an image or attachment)
            // shows or binds it.
            for doc in &self.loaded.project.documents {
                if !name.is_empty() && doc.src.text.contains(&name) {
                    docs.insert(doc.src.rel.clone());
                }
            }
        }
        for rel in &docs {
            let project = &mut self.loaded.project;
            let exists = project.reload(rel);
            let path = self.root.join(rel);
            let stops: Vec<Diagnostic> = project
                .diagnostics
                .iter()
                .filter(|d| &d.file == rel)
                .chain(
                    project
                        .documents
                        .iter()
                        .filter(|d| &d.src.rel == rel)
                        .flat_map(|d| d.diagnostics.iter()),
                )
                .filter(|d| blocks(d))
                .cloned()
                .collect();
            if !stops.is_empty() && path.exists() {
                // Keep the last good page (and PDF); show why over it.
                self.blocked.insert(rel.clone(), stops);
                continue;
            }
            self.blocked.remove(rel);
            let report = self.loaded.live.refresh(&self.loaded.project, rel);
            self.note_site_report(&report.diagnostics);
            step.written.extend(report.written);
            if exists {
                step.to_print.insert(rel.clone());
                // A response prints its comparison with this document.
                step.to_print
                    .extend(crate::kinds::related(&self.loaded.project.documents, rel));
            } else {
                let pdf = rel_path(&self.out_dir, &pdf_path(&self.out_dir, rel));
                // The PDF of a document that is gone goes too (only as
                // shenbao wrote it, never through a link).
                let _ = crate::output::remove(&self.out_dir, &pdf);
            }
        }
        let printable: BTreeSet<&str> = build::printable(&self.loaded.project)
            .map(|d| d.src.rel.as_str())
            .collect();
        step.to_print.retain(|r| printable.contains(r.as_str()));
        step.written.sort();
        step.written.dedup();
        // (The live site recorded its pages in the manifest as it wrote them.)
        step.millis = t.elapsed().as_millis();
        step
    }

    /// Step two: print the documents step one changed, write their PDFs,
    /// and update the pages that show the PDFs' pages and size.
    pub fn apply_print(&mut self, to_print: &BTreeSet<String>) -> PrintStep {
        let t = Instant::now();
        let mut step = PrintStep::default();
        if to_print.is_empty() || !self.opts.pdf {
            return step;
        }
        let project = &self.loaded.project;
        let keyed = keyed(
            &mut self.keys,
            build::printable(project).filter(|d| to_print.contains(&d.src.rel)),
        );
        let (builds, diags) = print_keyed(
            &self.fonts,
            &self.opts,
            project,
            &self.loaded.roles,
            &self.loaded.template,
            &keyed,
            &self.out_dir,
        );
        for b in &builds {
            let stops: Vec<Diagnostic> = diags
                .iter()
                .filter(|d| d.file == b.rel && blocks(d))
                .cloned()
                .collect();
            if stops.is_empty() {
                self.blocked.remove(&b.rel);
            } else {
                self.blocked.insert(b.rel.clone(), stops);
            }
            if b.ok {
                if let Some(p) = &b.pdf {
                    step.pdfs.push(rel_path(&self.out_dir, p));
                }
            } else {
                step.failed += 1;
            }
        }
        let report = self.loaded.live.printed(project, &builds, &diags);
        self.note_site_report(&report.diagnostics);
        step.written = report.written;
        // The pages were recorded by the live site; the PDFs here.
        let _ = crate::output::record(&self.out_dir, step.pdfs.iter().map(String::as_str));
        step.millis = t.elapsed().as_millis();
        step
    }

    fn note_site_report(&mut self, diags: &[Diagnostic]) {
        self.site_blocked = diags
            .iter()
            .filter(|d| d.is_error())
            .map(OverlayItem::from)
            .collect();
    }

    /// The documents whose presence on disk differs from what is loaded.
    fn rescan(&self) -> BTreeSet<String> {
        let content = self.root.join(CONTENT_DIR);
        let on_disk: BTreeSet<String> = walkdir::WalkDir::new(&content)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && crate::project::is_markdown(e.path()))
            .map(|e| rel_path(&self.root, e.path()))
            .collect();
        let project = &self.loaded.project;
        let known: BTreeSet<String> = project
            .documents
            .iter()
            .map(|d| d.src.rel.clone())
            .chain(project.diagnostics.iter().map(|d| d.file.clone()))
            .chain(self.blocked.keys().cloned())
            .filter(|r| r.starts_with("content/"))
            .collect();
        on_disk.symmetric_difference(&known).cloned().collect()
    }

    /// What the overlay shows now: errors that keep pages or PDFs from
    /// being brought up to date.
    pub fn overlay(&self) -> Vec<OverlayItem> {
        self.config_blocked
            .iter()
            .chain(self.site_blocked.iter())
            .cloned()
            .chain(self.blocked.values().flatten().map(OverlayItem::from))
            .collect()
    }

    /// Errors and warnings over the whole project, for the terminal.
    pub fn counts(&self) -> (usize, usize) {
        let d = self.loaded.live.diagnostics();
        (
            d.iter().filter(|d| d.severity == Severity::Error).count(),
            d.iter().filter(|d| d.severity == Severity::Warning).count(),
        )
    }
}
