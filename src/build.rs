//! `shenbao build`: check, then print every plan to PDF (and, later, the
//! site), writing each output atomically so that a failed build never
//! replaces the last good file.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::check::{self, Options};
use crate::config::Fatal;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{DocKind, Document};
use crate::fsutil::write_atomic;
use crate::paths::pdf_path;
use crate::project::{CONTENT_DIR, Project};
use crate::render::pdf::fonts::{Fonts, RoleFont};
use crate::render::pdf::{Printed, Printer};
use crate::render::theme::Theme;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Output folder; the project's `output_dir` when None.
    pub out_dir: Option<PathBuf>,
    pub pdf: bool,
    pub site: bool,
    pub emit_typst: bool,
    pub jobs: usize,
    pub pdf_a: bool,
    pub system_fonts: bool,
    pub today: chrono::DateTime<chrono::FixedOffset>,
}

impl BuildOptions {
    /// PDFs and site into the project's output folder, on every core,
    /// with the machine's fonts.
    pub fn new(today: chrono::DateTime<chrono::FixedOffset>) -> BuildOptions {
        BuildOptions {
            out_dir: None,
            pdf: true,
            site: true,
            emit_typst: false,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            pdf_a: false,
            system_fonts: true,
            today,
        }
    }
}

#[derive(Debug, Clone)]
pub struct DocBuild {
    pub rel: String,
    pub pdf: Option<PathBuf>,
    pub pages: usize,
    pub bytes: u64,
    pub millis: u128,
    pub ok: bool,
}

impl DocBuild {
    /// A document that produced no PDF (the last good one, if any, stays).
    fn failed(rel: String, millis: u128) -> DocBuild {
        DocBuild {
            rel,
            pdf: None,
            pages: 0,
            bytes: 0,
            millis,
            ok: false,
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
}

impl BuildReport {
    /// A document could not be printed, or printed with an error (such as
    /// characters no font can show).
    pub fn failed(&self) -> bool {
        self.docs.iter().any(|d| !d.ok)
            || self.print.iter().any(Diagnostic::is_error)
            || self
                .site
                .as_ref()
                .is_some_and(|s| s.diagnostics.iter().any(Diagnostic::is_error))
    }
}

/// The output folder, refused when it would write into the sources.
pub fn out_dir(project: &Project, explicit: Option<&Path>) -> Result<PathBuf, Fatal> {
    let out = match explicit {
        Some(p) if p.is_absolute() => p.to_path_buf(),
        Some(p) => std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf()),
        None => project.config.output_dir(&project.root),
    };
    let lexical = normalize(&out);
    let content = project.root.join(CONTENT_DIR);
    if lexical == project.root || lexical.starts_with(&content) || content.starts_with(&lexical) {
        return Err(
            Fatal::new(format!("输出目录 {} 会覆盖项目源文件", out.display()))
                .with_help("输出目录不能是项目根目录、content/ 或其中的目录；默认是 public/"),
        );
    }
    Ok(lexical)
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

pub fn build(project: &Project, opts: &BuildOptions) -> Result<BuildReport, Fatal> {
    let out_dir = out_dir(project, opts.out_dir.as_deref())?;
    let check = check::check_project(project, &Options { today: opts.today });
    let mut report = BuildReport {
        out_dir: out_dir.clone(),
        docs: Vec::new(),
        fonts: Vec::new(),
        check,
        print: Vec::new(),
        site: None,
    };
    let theme = Theme::load(&project.root, project.config.theme.as_deref())?;
    if opts.pdf {
        print_all(project, opts, &theme, &out_dir, &mut report)?;
    }
    if opts.site {
        let findings: Vec<Diagnostic> = report
            .check
            .iter()
            .chain(report.print.iter())
            .cloned()
            .collect();
        let input = crate::render::site::SiteInput {
            project,
            diagnostics: &findings,
            pdfs: &report.docs,
            out_dir: &out_dir,
            today: opts.today,
            theme: &theme,
        };
        report.site = Some(crate::render::site::build_site(&input));
    }
    Ok(report)
}

fn print_all(
    project: &Project,
    opts: &BuildOptions,
    theme: &Theme,
    out_dir: &Path,
    report: &mut BuildReport,
) -> Result<(), Fatal> {
    let fonts = Fonts::load(opts.system_fonts);
    let roles = fonts.resolve(&theme.font_roles);
    if let Some(r) = roles.iter().find(|r| r.serving.is_none()) {
        return Err(Fatal::new(format!("主题字体“{}”（{}）在本机和内置字体中都找不到", r.label, r.role))
            .with_help("在主题 theme.yaml 的 families 末尾加上内置字体（FandolFang、FandolHei、FandolKai、FandolSong）"));
    }
    report.fonts = roles.clone();
    let template = theme.file("print/plan.typ")?;
    let printer = Printer::new(
        &project.root,
        &project.call,
        &fonts,
        roles,
        template,
        opts.pdf_a,
        opts.today,
    );

    let plans: Vec<(usize, &Document)> = project
        .documents
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == Some(DocKind::PilotPlan) && d.plan().is_some())
        .collect();
    let print_one = |(key, doc): &(usize, &Document)| {
        let t = Instant::now();
        let result = printer.print(doc, *key);
        (doc.src.rel.clone(), result, t.elapsed().as_millis())
    };
    let results: Vec<(String, Result<Printed, Vec<Diagnostic>>, u128)> =
        crate::par::map(&plans, opts.jobs, print_one, || {
            let d = Diagnostic::file(
                "print/internal",
                Severity::Error,
                CONTENT_DIR,
                "内部错误：排版线程崩溃，请报告此问题",
            );
            (String::from(CONTENT_DIR), Err(vec![d]), 0)
        });
    for (rel, result, millis) in results {
        let target = pdf_path(out_dir, &rel);
        match result {
            Ok(printed) => {
                report.print.extend(printed.diagnostics.iter().cloned());
                let write = write_atomic(&target, &printed.pdf).and_then(|()| {
                    if opts.emit_typst {
                        write_atomic(
                            &target.with_extension("typ"),
                            printed.main_source.as_bytes(),
                        )?;
                        let theme_copy = target
                            .with_file_name("_theme")
                            .join(printer.template.name.trim_start_matches("print/"));
                        write_atomic(&theme_copy, printer.template.text.as_bytes())?;
                    }
                    Ok(())
                });
                match write {
                    Ok(()) => report.docs.push(DocBuild {
                        rel,
                        pdf: Some(target),
                        pages: printed.pages,
                        bytes: printed.pdf.len() as u64,
                        millis,
                        ok: true,
                    }),
                    Err(e) => {
                        report.print.push(
                            Diagnostic::file(
                                "print/write",
                                Severity::Error,
                                &rel,
                                format!("无法写入 {}：{e}", target.display()),
                            )
                            .with_help("检查输出目录的权限和磁盘空间"),
                        );
                        report.docs.push(DocBuild::failed(rel, millis));
                    }
                }
            }
            Err(diags) => {
                report.print.extend(diags);
                report.docs.push(DocBuild::failed(rel, millis));
            }
        }
    }
    Ok(())
}

/// A site kept up to date as documents change: the first build renders
/// everything; after an edit only that document's page and search shard
/// and the shared pages are rendered again (what `serve` needs, and what
/// the site benchmark measures).
pub struct LiveSite {
    site: crate::render::site::Site,
    diagnostics: Vec<Diagnostic>,
    today: chrono::DateTime<chrono::FixedOffset>,
}

impl LiveSite {
    pub fn new(
        project: &Project,
        opts: &BuildOptions,
    ) -> Result<(LiveSite, crate::render::site::SiteReport), Fatal> {
        let out_dir = out_dir(project, opts.out_dir.as_deref())?;
        let theme = Theme::load(&project.root, project.config.theme.as_deref())?;
        let mut site =
            crate::render::site::Site::new(&theme, &out_dir, opts.today).map_err(|d| {
                Fatal::new(d.message.clone()).in_file(Path::new(&d.file), d.line, d.column)
            })?;
        let diagnostics = check::check_project(project, &Options { today: opts.today });
        let mut report = crate::render::site::SiteReport::default();
        site.render_all(project, &diagnostics, &[], &mut report);
        Ok((
            LiveSite {
                site,
                diagnostics,
                today: opts.today,
            },
            report,
        ))
    }

    /// `rel` (e.g. `content/甲.md`) changed on disk: reload, re-check and
    /// re-render it and the shared pages.
    pub fn document_changed(
        &mut self,
        project: &mut Project,
        rel: &str,
    ) -> crate::render::site::SiteReport {
        let mut report = crate::render::site::SiteReport::default();
        let exists = project.reload(rel);
        let ctx = check::Ctx {
            root: &project.root,
            call: &project.call,
            opts: &Options { today: self.today },
            out_dir: project.config.output_dir(&project.root),
            placeholders: project.placeholders.as_ref(),
        };
        // This document's findings, and the quota, which spans documents.
        let quota_before: Vec<Diagnostic> = self
            .diagnostics
            .iter()
            .filter(|d| d.rule == "quota/province")
            .cloned()
            .collect();
        self.diagnostics
            .retain(|d| d.file != rel && d.rule != "quota/province");
        self.diagnostics.extend(
            project
                .diagnostics
                .iter()
                .filter(|d| d.file == rel)
                .cloned(),
        );
        if let Some(doc) = project.documents.iter().find(|d| d.src.rel == rel) {
            self.diagnostics.extend(doc.diagnostics.iter().cloned());
            check::check_document(&ctx, doc, &mut self.diagnostics);
        }
        check::quota_for(&ctx, &project.documents, &mut self.diagnostics);
        crate::diagnostic::sort(&mut self.diagnostics);
        let mut changed = match project.documents.iter().find(|d| d.src.rel == rel) {
            Some(doc) if exists => {
                let diags: Vec<&Diagnostic> =
                    self.diagnostics.iter().filter(|d| d.file == rel).collect();
                self.site
                    .render_document(project, doc, &diags, None, &mut report)
            }
            _ => self.site.remove_document(rel),
        };
        // Another document's quota finding came or went: render it too.
        let quota_after: Vec<&Diagnostic> = self
            .diagnostics
            .iter()
            .filter(|d| d.rule == "quota/province")
            .collect();
        let touched: std::collections::BTreeSet<&str> = quota_before
            .iter()
            .filter(|d| !quota_after.contains(d))
            .map(|d| d.file.as_str())
            .chain(
                quota_after
                    .iter()
                    .filter(|d| !quota_before.contains(d))
                    .map(|d| d.file.as_str()),
            )
            .filter(|f| *f != rel)
            .collect();
        for other in touched {
            if let Some(doc) = project.documents.iter().find(|d| d.src.rel == other) {
                let diags: Vec<&Diagnostic> = self
                    .diagnostics
                    .iter()
                    .filter(|d| d.file == other)
                    .collect();
                changed =
                    changed.or(self
                        .site
                        .render_document(project, doc, &diags, None, &mut report));
            }
        }
        // Only the shared pages the edit touched.
        self.site
            .render_shared_only(project, &self.diagnostics, changed, &mut report);
        report
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}
