//! The live preview's state: the findings of the whole project, kept up
//! to date as documents change (re-checking after an edit with
//! [`crate::check::recheck`], and the print findings of each document),
//! and the site rendered from them ([`LiveSite`], which only renders).
//! `serve` and the site benchmark use it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::check::{self, Options};
use crate::config::Fatal;
use crate::diagnostic::Diagnostic;
use crate::project::Project;
use crate::render::DocBuild;
use crate::render::site::{LiveSite, SiteReport};
use crate::render::theme::Theme;

pub struct LivePreview {
    site: LiveSite,
    /// Check findings and print findings, sorted.
    diagnostics: Vec<Diagnostic>,
    /// Each document's print findings, as the last print left them.
    print: BTreeMap<String, Vec<Diagnostic>>,
    today: chrono::DateTime<chrono::FixedOffset>,
    out_dir: PathBuf,
}

impl LivePreview {
    /// The whole site, without PDFs, into `out_dir` (resolved by the
    /// caller: `build::live_site` resolves it from the options).
    pub fn new(
        project: &Project,
        out_dir: &Path,
        today: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<(LivePreview, SiteReport), Fatal> {
        let theme = Theme::load(&project.root, project.config.theme.as_deref())?;
        crate::output::prepare(out_dir)?;
        let (live, report) =
            LivePreview::with_prints(project, out_dir, today, &theme, Vec::new(), Vec::new())?;
        let _ = crate::output::record(out_dir, report.written.iter().map(String::as_str));
        Ok((live, report))
    }

    /// The project checked, and the whole site with the PDFs (and their
    /// findings) of a print, into an output folder already
    /// [prepared](crate::output::prepare).
    pub fn with_prints(
        project: &Project,
        out_dir: &Path,
        today: chrono::DateTime<chrono::FixedOffset>,
        theme: &Theme,
        pdfs: Vec<DocBuild>,
        print: Vec<Diagnostic>,
    ) -> Result<(LivePreview, SiteReport), Fatal> {
        let mut diagnostics = check::check_project(
            project,
            &Options {
                today,
                out_dir: Some(out_dir.to_path_buf()),
            },
        );
        diagnostics.extend(print.iter().cloned());
        crate::diagnostic::sort(&mut diagnostics);
        let (site, report) =
            LiveSite::with_prints(project, out_dir, today, theme, pdfs, &diagnostics)?;
        let mut by_file: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
        for d in print {
            by_file.entry(d.file.clone()).or_default().push(d);
        }
        Ok((
            LivePreview {
                site,
                diagnostics,
                print: by_file,
                today,
                out_dir: out_dir.to_path_buf(),
            },
            report,
        ))
    }

    /// `rel` (e.g. `content/甲.md`) changed on disk: reload, re-check and
    /// re-render it and the shared pages.
    pub fn document_changed(&mut self, project: &mut Project, rel: &str) -> SiteReport {
        project.reload(rel);
        self.refresh(project, rel)
    }

    /// `rel` was reloaded into `project` (or is gone from it): re-check it
    /// (and the findings across documents it takes part in), then render
    /// its page and the pages of the documents whose findings changed.
    pub fn refresh(&mut self, project: &Project, rel: &str) -> SiteReport {
        if !project.documents.iter().any(|d| d.src.rel == rel) {
            self.print.remove(rel);
        }
        let opts = Options {
            today: self.today,
            out_dir: Some(self.out_dir.clone()),
        };
        let print = self.print.get(rel).map_or(&[][..], Vec::as_slice);
        let mut touched: Vec<String> =
            check::recheck(project, &opts, rel, print, &mut self.diagnostics)
                .into_iter()
                .collect();
        // A response shows its comparison with the document it answers,
        // whose page links it back: both pages follow either's edits.
        for other in crate::kinds::related(&project.documents, rel) {
            if !touched.contains(&other) {
                touched.push(other);
            }
        }
        self.site.refresh(project, rel, &self.diagnostics, &touched)
    }

    /// New PDFs (or failures to print) for some documents: their findings
    /// replace the last print's, and the pages whose PDF or findings
    /// changed are rendered again.
    pub fn printed(
        &mut self,
        project: &Project,
        builds: &[DocBuild],
        print: &[Diagnostic],
    ) -> SiteReport {
        let mut changed = Vec::new();
        for b in builds {
            let findings: Vec<Diagnostic> =
                print.iter().filter(|d| d.file == b.rel).cloned().collect();
            let old_findings = self.print.get(&b.rel).cloned().unwrap_or_default();
            let old = self.site.pdf(&b.rel).map(|o| (o.pages, o.bytes));
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
            changed.push(b.rel.clone());
        }
        self.site
            .printed(project, builds, &self.diagnostics, &changed)
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}
