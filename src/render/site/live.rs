//! The live site: kept up to date as documents change (`serve`, the site
//! benchmark). It only renders: the findings it shows are kept, and
//! re-checked after an edit, by the live preview
//! ([`crate::serve::live::LivePreview`]).

use std::path::{Path, PathBuf};

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
/// good PDF, so that a page keeps its PDF link.
pub struct LiveSite {
    site: super::Site,
    pdfs: std::collections::BTreeMap<String, DocBuild>,
    /// Where this site and its PDFs are written (`--out`).
    out_dir: PathBuf,
}

impl LiveSite {
    /// The whole site, with the PDFs of a print and the project's
    /// findings, into an output folder already
    /// [prepared](crate::output::prepare).
    pub fn with_prints(
        project: &Project,
        out_dir: &Path,
        today: chrono::DateTime<chrono::FixedOffset>,
        theme: &Theme,
        pdfs: Vec<DocBuild>,
        diagnostics: &[Diagnostic],
    ) -> Result<(LiveSite, super::SiteReport), Fatal> {
        let mut site = super::Site::new(theme, out_dir, today).map_err(|d| {
            Fatal::new(d.message.clone()).in_file(Path::new(&d.file), d.line, d.column)
        })?;
        let mut report = super::SiteReport::default();
        site.render_all(project, diagnostics, &pdfs, &mut report);
        Ok((
            LiveSite {
                site,
                pdfs: pdfs
                    .into_iter()
                    .filter(|b| b.ok)
                    .map(|b| (b.rel.clone(), b))
                    .collect(),
                out_dir: out_dir.to_path_buf(),
            },
            report,
        ))
    }

    /// The last good PDF of a document.
    pub fn pdf(&self, rel: &str) -> Option<&DocBuild> {
        self.pdfs.get(rel)
    }

    /// `rel` was reloaded into `project` (or is gone from it) and
    /// re-checked: render its page, the pages of the documents whose
    /// findings changed with it (`touched`) and the shared pages.
    pub fn refresh(
        &mut self,
        project: &Project,
        rel: &str,
        diagnostics: &[Diagnostic],
        touched: &[String],
    ) -> super::SiteReport {
        let mut report = super::SiteReport::default();
        let doc = project.documents.iter().find(|d| d.src.rel == rel);
        if doc.is_none() {
            self.pdfs.remove(rel);
        }
        let mut changed = match doc {
            Some(doc) => self.render_page(project, doc, diagnostics, &mut report),
            None => self.site.remove_document(rel),
        };
        // Another document's cross-document finding came or went: render
        // its page too.
        for other in touched {
            if let Some(doc) = project.documents.iter().find(|d| &d.src.rel == other) {
                changed = changed.or(self.render_page(project, doc, diagnostics, &mut report));
            }
        }
        // Only the shared pages the edit touched.
        self.site
            .render_shared_only(project, diagnostics, changed, &mut report);
        // What was written is recorded with its content, so that a later
        // removal (the document deleted) knows the page is shenbao's.
        let _ = crate::output::record(&self.out_dir, report.written.iter().map(String::as_str));
        report
    }

    /// New PDFs for some documents: remember the good ones, and render the
    /// pages of `changed` (whose PDF or print findings changed).
    pub fn printed(
        &mut self,
        project: &Project,
        builds: &[DocBuild],
        diagnostics: &[Diagnostic],
        changed: &[String],
    ) -> super::SiteReport {
        let mut report = super::SiteReport::default();
        for b in builds.iter().filter(|b| b.ok) {
            self.pdfs.insert(b.rel.clone(), b.clone());
        }
        let mut touched = super::Changed::default();
        for rel in changed {
            if let Some(doc) = project.documents.iter().find(|d| &d.src.rel == rel) {
                touched = touched.or(self.render_page(project, doc, diagnostics, &mut report));
            }
        }
        self.site
            .render_shared_only(project, diagnostics, touched, &mut report);
        // What was written is recorded with its content, so that a later
        // removal (the document deleted) knows the page is shenbao's.
        let _ = crate::output::record(&self.out_dir, report.written.iter().map(String::as_str));
        report
    }

    fn render_page(
        &mut self,
        project: &Project,
        doc: &Document,
        diagnostics: &[Diagnostic],
        report: &mut super::SiteReport,
    ) -> super::Changed {
        let rel = doc.src.rel.as_str();
        let diags: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.file == rel).collect();
        self.site
            .render_document(project, doc, &diags, self.pdfs.get(rel), report)
    }
}
