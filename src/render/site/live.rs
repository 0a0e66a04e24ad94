//! The live site: kept up to date as documents change (`serve`, the site
//! benchmark). Re-checking after an edit is the check's business
//! ([`crate::check::recheck`]); this module re-renders what it touched.

use std::path::{Path, PathBuf};

use crate::check::{self, Options};
use crate::config::Fatal;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::project::Project;
use crate::render::DocBuild;
use crate::render::theme::Theme;

/// A site kept up to date as documents change: the first build renders
/// everything; after an edit only that document's page and search shard
/// and the shared pages are rendered again (what `serve` needs, and what
/// the site benchmark measures). It also remembers each document's last
/// good PDF and its print findings, so that a page keeps its PDF link.
pub struct LiveSite {
    site: super::Site,
    /// Check findings and print findings, sorted.
    diagnostics: Vec<Diagnostic>,
    pdfs: std::collections::BTreeMap<String, DocBuild>,
    print: std::collections::BTreeMap<String, Vec<Diagnostic>>,
    today: chrono::DateTime<chrono::FixedOffset>,
    /// Where this site and its PDFs are written (`--out`).
    out_dir: PathBuf,
}

impl LiveSite {
    /// The whole site, without PDFs, into `out_dir` (resolved by the
    /// caller: `build::live_site` resolves it from the options).
    pub fn new(
        project: &Project,
        out_dir: &Path,
        today: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<(LiveSite, super::SiteReport), Fatal> {
        let theme = Theme::load(&project.root, project.config.theme.as_deref())?;
        crate::output::prepare(out_dir)?;
        let (live, report) =
            LiveSite::with_prints(project, out_dir, today, &theme, Vec::new(), Vec::new())?;
        let _ = crate::output::record(out_dir, report.written.iter().map(String::as_str));
        Ok((live, report))
    }

    /// The whole site, with the PDFs (and their findings) of a print, into
    /// an output folder already [prepared](crate::output::prepare).
    pub fn with_prints(
        project: &Project,
        out_dir: &Path,
        today: chrono::DateTime<chrono::FixedOffset>,
        theme: &Theme,
        pdfs: Vec<DocBuild>,
        print: Vec<Diagnostic>,
    ) -> Result<(LiveSite, super::SiteReport), Fatal> {
        let mut site = super::Site::new(theme, out_dir, today).map_err(|d| {
            Fatal::new(d.message.clone()).in_file(Path::new(&d.file), d.line, d.column)
        })?;
        let mut diagnostics = check::check_project(
            project,
            &Options {
                today,
                out_dir: Some(out_dir.to_path_buf()),
            },
        );
        diagnostics.extend(print.iter().cloned());
        crate::diagnostic::sort(&mut diagnostics);
        let mut report = super::SiteReport::default();
        site.render_all(project, &diagnostics, &pdfs, &mut report);
        let mut by_file: std::collections::BTreeMap<String, Vec<Diagnostic>> = Default::default();
        for d in print {
            by_file.entry(d.file.clone()).or_default().push(d);
        }
        Ok((
            LiveSite {
                site,
                diagnostics,
                pdfs: pdfs
                    .into_iter()
                    .filter(|b| b.ok)
                    .map(|b| (b.rel.clone(), b))
                    .collect(),
                print: by_file,
                today,
                out_dir: out_dir.to_path_buf(),
            },
            report,
        ))
    }

    /// `rel` (e.g. `content/甲.md`) changed on disk: reload, re-check and
    /// re-render it and the shared pages.
    pub fn document_changed(&mut self, project: &mut Project, rel: &str) -> super::SiteReport {
        project.reload(rel);
        self.refresh(project, rel)
    }

    /// `rel` was reloaded into `project` (or is gone from it): re-check it
    /// and re-render its page, its shard and the shared pages it touched.
    pub fn refresh(&mut self, project: &Project, rel: &str) -> super::SiteReport {
        let mut report = super::SiteReport::default();
        let doc = project.documents.iter().find(|d| d.src.rel == rel);
        if doc.is_none() {
            self.pdfs.remove(rel);
            self.print.remove(rel);
        }
        let opts = Options {
            today: self.today,
            out_dir: Some(self.out_dir.clone()),
        };
        let print = self.print.get(rel).map_or(&[][..], Vec::as_slice);
        let touched = check::recheck(project, &opts, rel, print, &mut self.diagnostics);
        let mut changed = match doc {
            Some(doc) => self.render_page(project, doc, &mut report),
            None => self.site.remove_document(rel),
        };
        // Another document's cross-document finding came or went: render
        // its page too.
        for other in touched {
            if let Some(doc) = project.documents.iter().find(|d| d.src.rel == other) {
                changed = changed.or(self.render_page(project, doc, &mut report));
            }
        }
        // Only the shared pages the edit touched.
        self.site
            .render_shared_only(project, &self.diagnostics, changed, &mut report);
        // What was written is recorded with its content, so that a later
        // removal (the document deleted) knows the page is shenbao's.
        let _ = crate::output::record(&self.out_dir, report.written.iter().map(String::as_str));
        report
    }

    /// New PDFs (or failures to print) for some documents: remember the
    /// good ones and the findings, and re-render the pages that show them.
    pub fn printed(
        &mut self,
        project: &Project,
        builds: &[DocBuild],
        print: &[Diagnostic],
    ) -> super::SiteReport {
        let mut report = super::SiteReport::default();
        let mut changed = super::Changed::default();
        for b in builds {
            let findings: Vec<Diagnostic> =
                print.iter().filter(|d| d.file == b.rel).cloned().collect();
            let old_findings = self.print.get(&b.rel).cloned().unwrap_or_default();
            let old = self.pdfs.get(&b.rel).map(|o| (o.pages, o.bytes));
            if b.ok {
                self.pdfs.insert(b.rel.clone(), b.clone());
            }
            if findings.is_empty() {
                self.print.remove(&b.rel);
            } else {
                self.print.insert(b.rel.clone(), findings.clone());
            }
            let same_pdf = !b.ok || old == Some((b.pages, b.bytes));
            if same_pdf && findings == old_findings {
                continue;
            }
            self.diagnostics
                .retain(|d| !(d.file == b.rel && old_findings.contains(d)));
            self.diagnostics.extend(findings);
            crate::diagnostic::sort(&mut self.diagnostics);
            if let Some(doc) = project.documents.iter().find(|d| d.src.rel == b.rel) {
                changed = changed.or(self.render_page(project, doc, &mut report));
            }
        }
        self.site
            .render_shared_only(project, &self.diagnostics, changed, &mut report);
        // What was written is recorded with its content, so that a later
        // removal (the document deleted) knows the page is shenbao's.
        let _ = crate::output::record(&self.out_dir, report.written.iter().map(String::as_str));
        report
    }

    fn render_page(
        &mut self,
        project: &Project,
        doc: &Document,
        report: &mut super::SiteReport,
    ) -> super::Changed {
        let rel = doc.src.rel.as_str();
        let diags: Vec<&Diagnostic> = self.diagnostics.iter().filter(|d| d.file == rel).collect();
        self.site
            .render_document(project, doc, &diags, self.pdfs.get(rel), report)
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}
