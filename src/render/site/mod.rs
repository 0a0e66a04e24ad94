//! The static site: dashboard, one page per document, findings, search.
//! Tera templates (project → theme → built-in), views built for them (no
//! domain types in templates), every page written atomically, no request
//! leaving the site, works from `file://`.

use crate::rule;
pub mod html;
mod live;

pub use live::LiveSite;

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::call::days_left;
use crate::call::format_zh;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{DocKind, Document};
use crate::fsutil::write_within;
use crate::package::{base64_size, mib};
use crate::project::Project;
use crate::render::DocBuild;
use crate::render::theme::{TemplateFile, Theme};
use html::{HtmlDoc, href};

pub const TEMPLATES: &[&str] = &[
    "base.html",
    "index.html",
    "document.html",
    "findings.html",
    "search.html",
];
pub const ASSETS: &[&str] = &["site/style.css", "site/site.js"];

pub struct SiteInput<'a> {
    pub project: &'a Project,
    /// Every finding to show (check and print).
    pub diagnostics: &'a [Diagnostic],
    /// PDFs built in this run.
    pub pdfs: &'a [DocBuild],
    /// Word files written or kept in this run (`pdf` holds the .docx).
    pub docx: &'a [DocBuild],
    /// The other Word files written beside them (`<name>-检查意见.docx`,
    /// `<name>-修订.docx`): linked from their document's page.
    pub docx_extra: &'a [PathBuf],
    pub out_dir: &'a Path,
    pub today: DateTime<FixedOffset>,
    pub theme: &'a Theme,
}

#[derive(Debug, Default)]
pub struct SiteReport {
    pub pages: usize,
    pub search_entries: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// The files written, relative to the output folder (pages and search
    /// shards): what a preview must reload.
    pub written: Vec<String>,
    /// Every file the site consists of (written or unchanged), relative
    /// to the output folder: what a build keeps.
    pub produced: std::collections::BTreeSet<String>,
}

#[derive(Serialize)]
struct SiteView {
    name: String,
    call: String,
    today: String,
}

#[derive(Serialize, Clone, PartialEq)]
struct PdfView {
    url: String,
    pages: usize,
    size: String,
}

#[derive(Serialize, Clone, PartialEq)]
struct DocRow {
    title: String,
    file: String,
    kind: String,
    applicant: String,
    category: String,
    province: String,
    url: String,
    errors: usize,
    warnings: usize,
    pdf: Option<PdfView>,
    /// The Word file's link, when this build wrote one.
    word: Option<String>,
}

#[derive(Serialize, Clone, PartialEq)]
struct PackageView {
    title: String,
    url: String,
    bytes: u64,
    size: String,
    base64: String,
    limit: String,
    percent: u64,
    estimate: bool,
    /// A zip `pack` wrote before this PDF (its path in the site, and its
    /// link): it holds an old PDF and must be packed again before it is sent.
    stale: Option<String>,
    stale_url: Option<String>,
}

#[derive(Serialize)]
struct MilestoneView {
    name: String,
    due: String,
    days_left: i64,
    passed: bool,
    what: String,
    to: String,
    /// The call it belongs to, when the project's plans answer several.
    call: String,
}

#[derive(Serialize, Default)]
struct Totals {
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl Totals {
    /// The findings as listed, counted by level.
    fn of(findings: &[FindingView]) -> Totals {
        let mut t = Totals::default();
        for f in findings {
            match f.severity {
                "error" => t.errors += 1,
                "warning" => t.warnings += 1,
                _ => t.infos += 1,
            }
        }
        t
    }
}

#[derive(Serialize, Clone, PartialEq)]
struct FindingView {
    id: String,
    severity: &'static str,
    severity_zh: &'static str,
    rule: crate::rule::RuleId,
    file: String,
    line: Option<usize>,
    message: String,
    help: Option<String>,
    /// Link to the finding on its document's page.
    url: Option<String>,
    /// Anchor on the document page.
    anchor: String,
    /// Where in the document, as the reader sees it: the section's number
    /// and title, or 字段 for the front matter.
    section: String,
    /// The document's title.
    doc: String,
}

#[derive(Serialize)]
struct SectionView {
    id: String,
    level: usize,
    number: String,
    title: String,
    html: String,
    findings: Vec<FindingView>,
    worst: &'static str,
}

#[derive(Serialize)]
struct CheckItem {
    name: String,
    status: &'static str,
    note: String,
}

#[derive(Serialize)]
struct CheckStage {
    stage: String,
    items: Vec<CheckItem>,
}

#[derive(Serialize)]
struct SearchEntry {
    /// Document title.
    d: String,
    /// Section title with its number.
    t: String,
    /// URL from the site root.
    u: String,
    /// Text.
    x: String,
}

fn severity_key(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// `content/a/甲.md` → `docs/a/甲.html`, and the way back to the root.
pub(crate) fn page_path(rel: &str) -> (String, String) {
    let stem = rel.strip_prefix("content/").unwrap_or(rel);
    let stem = stem
        .strip_suffix(".md")
        .or_else(|| stem.strip_suffix(".markdown"))
        .unwrap_or(stem);
    let depth = stem.matches('/').count() + 1;
    (format!("docs/{stem}.html"), "../".repeat(depth))
}

fn size_text(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.2} MiB", mib(bytes))
    }
}

/// Load and compile the templates; an error names the template file.
fn templates(theme: &Theme) -> Result<(tera::Tera, Vec<TemplateFile>), Box<Diagnostic>> {
    let mut files = Vec::new();
    for name in TEMPLATES {
        let f = theme.file(name).map_err(|e| {
            Diagnostic::file(
                rule::SITE_TEMPLATE,
                Severity::Error,
                *name,
                e.message.clone(),
            )
        })?;
        files.push(f);
    }
    let mut t = tera::Tera::default();
    t.autoescape_on(vec![".html"]);
    t.add_raw_templates(files.iter().map(|f| (f.name.clone(), f.text.clone())))
        .map_err(|e| Box::new(template_error(&e, &files)))?;
    Ok((t, files))
}

/// A tera error as a diagnostic on the template file (and line, when tera
/// gives one as `--> L:C`).
fn template_error(e: &tera::Error, files: &[TemplateFile]) -> Diagnostic {
    let mut chain = vec![e.to_string()];
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        chain.push(s.to_string());
        src = s.source();
    }
    let text = chain.join("\n");
    let file = files
        .iter()
        .find(|f| text.contains(&format!("'{}'", f.name)))
        .map_or_else(|| "templates".to_string(), TemplateFile::display);
    let pos = text.find("--> ").and_then(|i| {
        let rest = &text[i + 4..];
        let (l, rest) = rest.split_once(':')?;
        let c: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some((
            l.trim().parse::<usize>().ok()?,
            c.parse::<usize>().unwrap_or(1),
        ))
    });
    let message = format!("网站模板有误：{}", chain.join("；").replace('\n', " "));
    let d = match pos {
        Some((l, c)) => {
            Diagnostic::at_line(rule::SITE_TEMPLATE, Severity::Error, file, l, c, message)
        }
        None => Diagnostic::file(rule::SITE_TEMPLATE, Severity::Error, file, message),
    };
    d.with_help("改正模板后重新运行；删除项目中的同名模板即恢复默认")
}

/// What one document contributes to the shared pages, kept between
/// rebuilds so that a change to one document re-renders only its page,
/// its search shard and the shared pages.
#[derive(Clone)]
struct DocSummary {
    row: DocRow,
    package: Option<PackageView>,
    findings: Vec<FindingView>,
    /// Its search shard, relative to the site root.
    shard: String,
    sections: usize,
}

impl DocSummary {
    /// The shared pages that must be rendered again when a document's
    /// summary goes from `self` to `new`.
    fn changes_to(&self, new: &DocSummary) -> Changed {
        Changed {
            index: self.row != new.row
                || self.package != new.package
                || self.findings != new.findings,
            findings: self.findings != new.findings,
            search: self.sections != new.sections,
        }
    }
}

/// Which shared pages an edit touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Changed {
    /// The dashboard (a row, a meter, or the totals).
    pub index: bool,
    /// The findings page.
    pub findings: bool,
    /// The search page (the list of shards).
    pub search: bool,
}

impl Changed {
    pub fn all() -> Changed {
        Changed {
            index: true,
            findings: true,
            search: true,
        }
    }

    pub fn or(self, o: Changed) -> Changed {
        Changed {
            index: self.index || o.index,
            findings: self.findings || o.findings,
            search: self.search || o.search,
        }
    }
}

/// A site under construction or being kept up to date.
pub struct Site {
    tera: tera::Tera,
    /// The template files, so that a render error names the right one.
    template_files: Vec<TemplateFile>,
    theme: Theme,
    out_dir: PathBuf,
    today: DateTime<FixedOffset>,
    /// By document path, in the project's order.
    docs: std::collections::BTreeMap<String, DocSummary>,
    /// The size of each plan's package, made on every core before a whole
    /// site is rendered (zipping is most of a no-op build's time).
    zip_sizes: std::collections::HashMap<String, u64>,
    /// Each document's Word file this build wrote or kept, relative to the
    /// output folder: linked from its page and the dashboard.
    word: std::collections::HashMap<String, String>,
    /// The Word files beside a document's own, as (what, path relative to
    /// the output folder), by document path.
    word_extra: std::collections::HashMap<String, Vec<(String, String)>>,
}

/// Build the whole site.
pub fn build_site(input: &SiteInput<'_>) -> SiteReport {
    let mut report = SiteReport::default();
    let mut site = match Site::new(input.theme, input.out_dir, input.today) {
        Ok(s) => s,
        Err(d) => {
            report.diagnostics.push(*d);
            return report;
        }
    };
    site.word = input
        .docx
        .iter()
        .filter(|d| d.ok)
        .filter_map(|d| {
            let rel = d.pdf.as_ref()?.strip_prefix(input.out_dir).ok()?;
            Some((d.rel.clone(), crate::project::rel_path(Path::new(""), rel)))
        })
        .collect();
    // `<stem>-检查意见.docx` beside `<stem>.docx` is that document's: the
    // one with the longest such stem (甲-二期-修订 is 甲-二期's, not 甲's).
    let owners: Vec<(std::path::PathBuf, String, &str)> = input
        .project
        .documents
        .iter()
        .filter_map(|doc| {
            let own = crate::render::docx::docx_path(input.out_dir, &doc.src.rel);
            let dir = own.parent()?.to_path_buf();
            let prefix = format!("{}-", own.file_stem()?.to_string_lossy());
            Some((dir, prefix, doc.src.rel.as_str()))
        })
        .collect();
    for p in input.docx_extra.iter().filter(|p| p.is_file()) {
        let (Some(name), Some(rel)) = (p.file_stem(), p.strip_prefix(input.out_dir).ok()) else {
            continue;
        };
        let name = name.to_string_lossy();
        let owner = owners
            .iter()
            .filter(|(dir, prefix, _)| {
                p.parent() == Some(dir.as_path()) && name.starts_with(prefix.as_str())
            })
            .max_by_key(|(_, prefix, _)| prefix.len());
        if let Some((_, prefix, doc)) = owner {
            site.word_extra
                .entry((*doc).to_string())
                .or_default()
                .push((
                    name[prefix.len()..].to_string(),
                    crate::project::rel_path(Path::new(""), rel),
                ));
        }
    }
    for v in site.word_extra.values_mut() {
        v.sort();
    }
    site.render_all(input.project, input.diagnostics, input.pdfs, &mut report);
    report
}

impl Site {
    pub fn new(
        theme: &Theme,
        out_dir: &Path,
        today: DateTime<FixedOffset>,
    ) -> Result<Site, Box<Diagnostic>> {
        let (tera, template_files) = templates(theme)?;
        Ok(Site {
            tera,
            template_files,
            theme: theme.clone(),
            out_dir: out_dir.to_path_buf(),
            today,
            docs: std::collections::BTreeMap::new(),
            zip_sizes: Default::default(),
            word: Default::default(),
            word_extra: Default::default(),
        })
    }

    fn site_view(&self, project: &Project) -> SiteView {
        SiteView {
            name: project
                .config
                .name
                .clone()
                .unwrap_or_else(|| "申报材料".to_string()),
            call: {
                let (plans, voluntary) = notices(project);
                let v = project.call.voluntary.title();
                // Each call the plans answer, with its issuer.
                let pilot = project
                    .plan_calls()
                    .iter()
                    .map(|c| {
                        if c.issuer.is_empty() {
                            c.name.clone()
                        } else {
                            format!("{}（{}）", c.name, c.issuer)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("；");
                match (plans, voluntary) {
                    (true, true) => format!("{pilot}；{v}"),
                    (false, true) => v,
                    _ => pilot,
                }
            },
            today: self.today.format("%Y年%-m月%-d日").to_string(),
        }
    }

    /// Every document, the shared pages and the assets.
    pub fn render_all(
        &mut self,
        project: &Project,
        all: &[Diagnostic],
        pdfs: &[DocBuild],
        report: &mut SiteReport,
    ) {
        let plans: Vec<(&Document, &std::path::Path)> = project
            .documents
            .iter()
            .filter(|d| d.plan().is_some())
            .filter_map(|d| {
                let b = pdfs.iter().find(|b| b.rel == d.src.rel && b.ok)?;
                Some((d, b.pdf.as_deref()?))
            })
            .collect();
        let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
        let sizes = crate::par::map(
            &plans,
            jobs,
            |(doc, pdf)| {
                let plan = doc.plan()?;
                let call = project.call_for(doc);
                let z = crate::package::plan_zip(
                    &project.root,
                    call,
                    call.next_email(&self.today).map(|s| s.0),
                    plan,
                    &doc.src.rel,
                    pdf,
                )
                .ok()?;
                Some((doc.src.rel.clone(), z.zip.len() as u64))
            },
            |_| None,
        );
        self.zip_sizes = sizes.into_iter().flatten().collect();
        for doc in &project.documents {
            let diags: Vec<&Diagnostic> = all.iter().filter(|d| d.file == doc.src.rel).collect();
            let pdf = pdfs.iter().find(|b| b.rel == doc.src.rel && b.ok);
            self.render_document(project, doc, &diags, pdf, report);
        }
        // Later renders (an edit in `serve`) zip the one plan again.
        self.zip_sizes.clear();
        self.render_shared(project, all, report);
        self.write_assets(report);
    }

    /// Forget a document that is gone; the caller renders the shared pages.
    pub fn remove_document(&mut self, rel: &str) -> Changed {
        let Some(d) = self.docs.remove(rel) else {
            return Changed::default();
        };
        let (url, _) = page_path(rel);
        let _ = crate::output::remove(&self.out_dir, &url);
        let _ = crate::output::remove(&self.out_dir, &d.shard);
        Changed::all()
    }

    /// Render one document's page and search shard (and copy its images).
    /// Returns what changed for the shared pages.
    pub fn render_document(
        &mut self,
        project: &Project,
        doc: &Document,
        diags: &[&Diagnostic],
        pdf: Option<&DocBuild>,
        report: &mut SiteReport,
    ) -> Changed {
        let (url, to_root) = page_path(&doc.src.rel);
        let rendered = html::render(doc, &project.root, &to_root);
        let (pdf_rel, pdf_view) = self.pdf_link(pdf, &to_root);
        let title = doc.display_title();
        let (sections, field_findings, findings) = attach_findings(&rendered, diags, &url, &title);
        let category = category_name(project.call_for(doc), doc);
        let attachments = crate::views::attachments(&project.root, doc);
        let tables = crate::views::report(doc)
            .map(|r| r.tables)
            .unwrap_or_default();
        let search = search_entries(&title, &url, &sections, &rendered, &attachments, &tables);
        let word = self.word.get(&doc.src.rel);
        let mut row = dashboard_row(doc, diags, &title, &category, &url, pdf_rel, &pdf_view);
        row.word = word.map(|w| href(w));
        let package = doc
            .plan()
            .map(|plan| self.package_view(project, doc, plan, pdf, &title, &url));
        let mut ctx = tera::Context::new();
        ctx.insert("site", &self.site_view(project));
        ctx.insert("root", &to_root);
        ctx.insert("page", "document");
        ctx.insert(
            "doc",
            &serde_json::json!({
                "title": title,
                "file": doc.src.rel,
                "kind": doc.kind().map_or("未知类型", DocKind::name_zh),
                "pdf": pdf_view,
                "word": word.map(|w| href(&format!("{to_root}{w}"))),
                // 检查意见 (findings as Word comments), 修订 (tracked changes).
                "word_extra": self.word_extra.get(&doc.src.rel).map_or_else(Vec::new, |v| {
                    v.iter()
                        .map(|(what, w)| serde_json::json!({"what": what, "url": href(&format!("{to_root}{w}"))}))
                        .collect()
                }),
                // Which call it answers, when the plans answer several.
                "call": (doc.plan().is_some() && project.plan_calls().len() > 1)
                    .then(|| project.call_for(doc).name.clone()),
            }),
        );
        ctx.insert("fields", &crate::views::fields(doc, &category));
        // What the document's kind shows of its own (a response: its
        // table and the comparison).
        ctx.insert(
            "view",
            &doc.kind().map_or(serde_json::Value::Null, |k| {
                k.site_view(project, doc, &to_root)
            }),
        );
        // The documents about this one (the responses to its expert
        // review).
        let answered: Vec<serde_json::Value> = project
            .documents
            .iter()
            .filter(|d| {
                crate::kinds::refers_to(d, &project.documents).is_some_and(|r| std::ptr::eq(r, doc))
            })
            .map(|d| {
                serde_json::json!({
                    "title": d.display_title(),
                    "url": format!("{to_root}{}", page_path(&d.src.rel).0),
                })
            })
            .collect();
        ctx.insert("responses", &answered);
        // The application form as the annex's table; the tables shenbao
        // computes for reports (the same the PDF prints).
        ctx.insert("form_rows", &doc.form().map(crate::views::form_rows));
        ctx.insert("tables", &tables);
        ctx.insert("attachments", &attachments);
        ctx.insert("counts", &Totals::of(&findings));
        ctx.insert("findings", &findings);
        ctx.insert("field_findings", &field_findings);
        ctx.insert("sections", &sections);
        ctx.insert("preamble", &rendered.preamble);
        ctx.insert(
            "checklist",
            &checklist(
                project.call_for(doc),
                diags,
                doc.kind().map(|k| k.notice()) == Some(crate::kinds::Notice::Pilot),
            ),
        );
        // Written at once, so a large project never holds every page.
        match self.tera.render("document.html", &ctx) {
            Ok(page) => write_page(&self.out_dir, &url, &page, report),
            Err(e) => report
                .diagnostics
                .push(template_error(&e, &self.template_files)),
        }
        let shard = self.write_shard(&url, &search, report);
        for (real, rel) in &rendered.files {
            self.copy_image(&doc.src.rel, real, rel, report);
        }
        let summary = DocSummary {
            row,
            package,
            findings,
            shard,
            // Sections only: "N 个章节可搜索" counts chapters, not attachments.
            sections: rendered.sections.len(),
        };
        let changed = match self.docs.get(&doc.src.rel) {
            None => Changed::all(),
            Some(old) => old.changes_to(&summary),
        };
        self.docs.insert(doc.src.rel.clone(), summary);
        changed
    }

    /// A plan's e-mail package on the dashboard. Once the PDF is built, the
    /// size is that of the zip `pack` would write now (the same function
    /// builds it in memory), so the dashboard and `pack` state the same
    /// bytes; before, the files the PDF will embed give a lower bound.
    fn package_view(
        &self,
        project: &Project,
        doc: &Document,
        plan: &crate::document::plan::PlanMeta,
        pdf: Option<&DocBuild>,
        title: &str,
        url: &str,
    ) -> PackageView {
        let out_dir = &self.out_dir;
        let call = project.call_for(doc);
        let stage = call.next_email(&self.today).map(|s| s.0);
        let zipped = self.zip_sizes.get(&doc.src.rel).copied().or_else(|| {
            pdf.and_then(|b| b.pdf.as_deref())
                .and_then(|p| {
                    crate::package::plan_zip(&project.root, call, stage, plan, &doc.src.rel, p).ok()
                })
                .map(|z| z.zip.len() as u64)
        });
        let (bytes, estimate) = match zipped {
            Some(b) => (b, false),
            None => (
                crate::assets::embedded_files(&project.root, doc)
                    .iter()
                    .map(|f| f.1)
                    .sum(),
                true,
            ),
        };
        let limit = call.package.limit_bytes;
        let stale = pdf
            .and_then(|b| b.pdf.as_deref())
            .and_then(|p| crate::package::stale_zip(out_dir, call, stage, plan, &doc.src.rel, p))
            .and_then(|z| {
                z.file_name()
                    .map(|n| format!("package/{}", n.to_string_lossy()))
            });
        // Worded as `pack` prints it, so the two can be compared at a glance.
        PackageView {
            title: title.to_string(),
            url: href(url),
            bytes,
            size: format!("{:.2} MiB", mib(bytes)),
            base64: format!("{:.2} MiB", mib(base64_size(bytes))),
            limit: format!("{:.0} MiB", mib(limit)),
            percent: (bytes.saturating_mul(100) / limit.max(1)).min(100),
            estimate,
            stale_url: stale.as_deref().map(href),
            stale,
        }
    }

    /// The PDF's path from the site root, and its view for the document
    /// page (reached through `to_root`). Encoded once, each.
    fn pdf_link(&self, pdf: Option<&DocBuild>, to_root: &str) -> (Option<String>, Option<PdfView>) {
        let pdf_rel: Option<String> = pdf.and_then(|b| {
            b.pdf
                .as_ref()?
                .strip_prefix(&self.out_dir)
                .ok()
                .map(|r| crate::project::rel_path(Path::new(""), r))
        });
        let pdf_view = pdf.zip(pdf_rel.as_ref()).map(|(b, rel)| PdfView {
            url: href(&format!("{to_root}{rel}")),
            pages: b.pages,
            size: size_text(b.bytes),
        });
        (pdf_rel, pdf_view)
    }

    /// A document's own search shard: a change to one document rewrites
    /// only it. Returns the shard's path in the site.
    fn write_shard(&self, url: &str, search: &[SearchEntry], report: &mut SiteReport) -> String {
        let shard = format!(
            "assets/search/{}.js",
            url.trim_start_matches("docs/").trim_end_matches(".html")
        );
        let json = serde_json::to_string(search).unwrap_or_else(|_| "[]".to_string());
        let text =
            format!("(window.SHENBAO_SEARCH = window.SHENBAO_SEARCH || []).push(...{json});\n");
        write_page(&self.out_dir, &shard, &text, report);
        shard
    }

    /// The dashboard, findings and search pages, from what each document
    /// contributed. `all` is every finding (for totals and for findings on
    /// files that are not documents).
    pub fn render_shared(&self, project: &Project, all: &[Diagnostic], report: &mut SiteReport) {
        self.render_shared_only(project, all, Changed::all(), report);
    }

    /// The shared pages whose content changed.
    pub fn render_shared_only(
        &self,
        project: &Project,
        all: &[Diagnostic],
        changed: Changed,
        report: &mut SiteReport,
    ) {
        let call = &project.call;
        let mut totals = Totals::default();
        for d in all {
            match d.severity {
                Severity::Error => totals.errors += 1,
                Severity::Warning => totals.warnings += 1,
                Severity::Info => totals.infos += 1,
            }
        }
        // In the project's order.
        let ordered: Vec<&DocSummary> = project
            .documents
            .iter()
            .filter_map(|d| self.docs.get(&d.src.rel))
            .collect();
        let rows: Vec<&DocRow> = ordered.iter().map(|d| &d.row).collect();
        let packages: Vec<&PackageView> =
            ordered.iter().filter_map(|d| d.package.as_ref()).collect();
        // The days-left reminders repeat the dashboard's timeline for every
        // document: they stay on the document pages, not in this list.
        let mut findings: Vec<FindingView> = ordered
            .iter()
            .flat_map(|d| {
                d.findings
                    .iter()
                    .filter(|f| f.rule != rule::DEADLINE_UPCOMING)
                    .cloned()
            })
            .collect();
        for d in all.iter().filter(|d| !self.docs.contains_key(&d.file)) {
            findings.push(finding_view(d, findings.len(), None, String::new()));
        }
        let shards: Vec<String> = ordered.iter().map(|d| href(&d.shard)).collect();
        // The pilot call's dates for a project with plans (or nothing yet);
        // the voluntary notice's yearly dates for the documents it asks for.
        let (has_plans, has_voluntary) = notices(project);
        // Each call's own dates, named by the call when the plans answer
        // more than one (two seasons in one project).
        let pilot: Vec<&crate::call::Call> = if has_plans || !has_voluntary {
            project.plan_calls()
        } else {
            Vec::new()
        };
        let several = pilot.len() > 1;
        let mut milestones: Vec<MilestoneView> = pilot
            .iter()
            .flat_map(|c| c.milestones.iter().map(move |m| (*c, m)))
            .filter_map(|(c, m)| {
                let due = c.due(m)?;
                Some(MilestoneView {
                    name: m.name.clone(),
                    due: format_zh(&due),
                    days_left: days_left(&self.today, &due).max(0),
                    passed: self.today > due,
                    // What goes, how many copies, to whom: the call's words.
                    what: crate::call::milestone_detail(c, m),
                    to: String::new(),
                    call: if several {
                        c.name.clone()
                    } else {
                        String::new()
                    },
                })
            })
            .collect();
        let v = &call.voluntary;
        // The yearly milestones of the voluntary notice the project's
        // documents are due by (the list of forms, acceptance).
        for kind in DocKind::ALL {
            let Some((due, what)) = kind.milestone(v) else {
                continue;
            };
            if !project.documents.iter().any(|d| d.kind() == Some(*kind)) {
                continue;
            }
            let (Some((month, day)), Some(next)) = (
                crate::call::Voluntary::month_day(due),
                crate::call::Voluntary::next_due(due, &self.today),
            ) else {
                continue;
            };
            milestones.push(MilestoneView {
                name: what.to_string(),
                due: format_zh(&next),
                days_left: days_left(&self.today, &next).max(0),
                passed: false,
                what: format!("每年 {month} 月 {day} 日截止（{}）", v.notice),
                to: v.authority.clone(),
                call: String::new(),
            });
        }
        let mut rules: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
        rules.sort_unstable();
        rules.dedup();
        // What the findings page lists, counted as listed; the reminders
        // of days left live on the dashboard.
        let listed = Totals::of(&findings);
        let reminders = ordered
            .iter()
            .flat_map(|d| d.findings.iter())
            .filter(|f| f.rule == rule::DEADLINE_UPCOMING)
            .count();
        // Columns no document fills are left out (an enterprise's
        // documents have no category or province).
        let show_category = rows.iter().any(|r| !r.category.is_empty());
        let show_province = rows.iter().any(|r| !r.province.is_empty());
        let timeline_note = if !milestones.is_empty() {
            String::new()
        } else if has_voluntary && !has_plans {
            format!(
                "《{}》的年度截止日只针对申请表（每年 {} 前，{}）和验收自评报告（每年 {} 前，{}）；本项目没有这两类文档，没有要提醒的日期。",
                v.notice, v.list_due, v.list_what, v.acceptance_due, v.acceptance_what
            )
        } else {
            format!(
                "通知“{}”没有写明时间节点（milestones），无法提醒截止时间；在通知定义文件中写上后，这里会列出每个节点和剩余天数。",
                call.name
            )
        };
        let mut base = tera::Context::new();
        base.insert("site", &self.site_view(project));
        base.insert("root", "");
        base.insert("totals", &totals);
        for (name, page, dirty) in [
            ("index.html", "index", changed.index),
            ("findings.html", "findings", changed.findings),
            ("search.html", "search", changed.search),
        ] {
            if !dirty {
                continue;
            }
            let mut ctx = base.clone();
            ctx.insert("page", page);
            match page {
                "index" => {
                    ctx.insert("docs", &rows);
                    ctx.insert("packages", &packages);
                    ctx.insert("milestones", &milestones);
                    ctx.insert("timeline_note", &timeline_note);
                    ctx.insert("show_category", &show_category);
                    ctx.insert("show_province", &show_province);
                }
                "findings" => {
                    ctx.insert("findings", &findings);
                    ctx.insert("rules", &rules);
                    ctx.insert("listed", &listed);
                    ctx.insert("reminders", &reminders);
                }
                // The search page's shards, for site.js to fetch (HTML-
                // escaped in the attribute by the template).
                _ => ctx.insert(
                    "shard_urls",
                    &serde_json::to_string(&shards).unwrap_or_else(|_| "[]".to_string()),
                ),
            }
            match self.tera.render(name, &ctx) {
                Ok(html) => write_page(&self.out_dir, name, &html, report),
                Err(e) => report
                    .diagnostics
                    .push(template_error(&e, &self.template_files)),
            }
        }
        report.search_entries = ordered.iter().map(|d| d.sections).sum();
    }

    /// Styles, scripts and the fallback font (rewritten only when changed).
    pub fn write_assets(&self, report: &mut SiteReport) {
        let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        for name in ASSETS {
            match self.theme.file(name) {
                Ok(f) => files.push((
                    self.out_dir
                        .join("assets")
                        .join(name.trim_start_matches("site/")),
                    f.text.into_bytes(),
                )),
                Err(e) => report.diagnostics.push(Diagnostic::file(
                    rule::SITE_TEMPLATE,
                    Severity::Error,
                    *name,
                    e.message,
                )),
            }
        }
        if let Some(bytes) = crate::render::pdf::fonts::bundled("FandolSong-Regular.otf") {
            files.push((
                self.out_dir.join("assets/fonts/FandolSong-Regular.otf"),
                bytes.to_vec(),
            ));
        }
        for (path, bytes) in files {
            let rel = crate::project::rel_path(&self.out_dir, &path);
            put(&self.out_dir, &path, &bytes, &rel, report);
        }
    }

    /// Copy an image a document shows next to the pages. Only files that
    /// are images by their content get here: the page renderer
    /// (`html::image_dest`) links nothing else (`![f](../shenbao.yaml)`
    /// copies nothing, and `check` reports it as `attachment/format`).
    fn copy_image(&self, doc: &str, real: &Path, rel: &str, report: &mut SiteReport) {
        let target = self.out_dir.join("assets/files").join(rel);
        let bytes = match crate::fsutil::read_regular(real, MAX_IMAGE_BYTES) {
            Ok(b) => b,
            Err(e) => {
                report.diagnostics.push(
                    Diagnostic::file(
                        rule::SITE_IMAGE,
                        Severity::Error,
                        doc,
                        format!("无法复制图片 {rel}：{e}"),
                    )
                    .with_help("图片须是项目中的普通文件，不超过 50 MB"),
                );
                return;
            }
        };
        put(&self.out_dir, &target, &bytes, doc, report);
    }
}

/// A plan's category as the call names it (or as written, when the call
/// does not know it).
/// Which notices the project's documents answer: (the pilot call, with
/// plans; the voluntary-audit notice, with forms and audit or acceptance
/// reports).
fn notices(project: &Project) -> (bool, bool) {
    use crate::kinds::Notice;
    let has = |notice: Notice| {
        project
            .documents
            .iter()
            .any(|d| d.kind().is_some_and(|k| k.notice() == notice))
    };
    (has(Notice::Pilot), has(Notice::Voluntary))
}

fn category_name(call: &crate::call::Call, doc: &Document) -> String {
    doc.plan()
        .and_then(|p| p.category.as_ref())
        .map(|c| {
            call.category(&c.value)
                .map_or_else(|| c.value.clone(), |x| x.name.clone())
        })
        .unwrap_or_default()
}

/// What search finds in a document: its sections (views and rendered
/// sections are in the same order: one pass, not a lookup per id), its
/// attachments and the tables shenbao computes, by their titles too (a
/// search for 推荐函 lands on the letter's entry).
fn search_entries(
    title: &str,
    url: &str,
    sections: &[SectionView],
    rendered: &html::HtmlDoc,
    attachments: &[crate::views::AttachmentView],
    tables: &[crate::views::SummaryTable],
) -> Vec<SearchEntry> {
    let mut search: Vec<SearchEntry> = sections
        .iter()
        .zip(&rendered.sections)
        .map(|(s, r)| SearchEntry {
            d: title.to_string(),
            t: format!("{}{}", s.number, s.title),
            u: format!("{}#{}", href(url), s.id),
            x: squash_spaces(&r.text),
        })
        .collect();
    search.extend(attachments.iter().map(|a| SearchEntry {
        d: title.to_string(),
        t: format!("附件：{}", a.title),
        u: format!("{}#{}", href(url), a.id),
        x: format!("{}（{}）{}", a.title, a.kind, a.file),
    }));
    let n = tables.len();
    search.extend(tables.iter().enumerate().map(|(i, t)| {
        SearchEntry {
            d: title.to_string(),
            t: format!("{}　{}", crate::views::appendix_label(i, n), t.title),
            u: format!("{}#table-{}", href(url), i + 1),
            x: squash_spaces(
                &std::iter::once(&t.header)
                    .chain(&t.rows)
                    .map(|r| r.join(" "))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        }
    }));
    search
}

/// A document's row on the dashboard.
fn dashboard_row(
    doc: &Document,
    diags: &[&Diagnostic],
    title: &str,
    category: &str,
    url: &str,
    pdf_rel: Option<String>,
    pdf_view: &Option<PdfView>,
) -> DocRow {
    let plan = doc.plan();
    let get = |f: Option<&crate::document::fields::Spanned<String>>| {
        f.map_or_else(String::new, |v| v.value.clone())
    };
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    DocRow {
        title: title.to_string(),
        file: doc.src.rel.clone(),
        kind: doc.kind().map_or("未知类型", DocKind::name_zh).to_string(),
        // A plan's applicant; the enterprise of an audit document.
        applicant: get(plan
            .and_then(|p| p.applicant.as_ref())
            .or_else(|| doc.enterprise().and_then(|e| e.name.as_ref()))),
        category: category.to_string(),
        province: get(plan.and_then(|p| p.province.as_ref())),
        url: href(url),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        pdf: pdf_rel
            .as_ref()
            .zip(pdf_view.as_ref())
            .map(|(rel, p)| PdfView {
                url: href(rel),
                ..p.clone()
            }),
        word: None,
    }
}

/// Images larger than this are not copied into the site.
const MAX_IMAGE_BYTES: u64 = 50 * 1024 * 1024;

/// Whether `path` already holds `bytes` (an unchanged output is left
/// alone: its time stays, and a preview has nothing to reload).
fn same_file(path: &Path, bytes: &[u8]) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
}

fn write_page(out_dir: &Path, rel: &str, text: &str, report: &mut SiteReport) {
    let path = &out_dir.join(rel);
    if let Some(written) = put(out_dir, path, text.as_bytes(), rel, report) {
        if path.extension().is_some_and(|e| e == "html") {
            report.pages += 1;
        }
        if written {
            report.written.push(rel.to_string());
        }
    }
}

/// Record `path` as part of the site and write it, unless it already
/// holds `bytes`. Some(whether it was written); None when it could not be
/// (the error is reported against `blame`).
fn put(
    out_dir: &Path,
    path: &Path,
    bytes: &[u8],
    blame: &str,
    report: &mut SiteReport,
) -> Option<bool> {
    report
        .produced
        .insert(crate::project::rel_path(out_dir, path));
    if same_file(path, bytes) {
        return Some(false);
    }
    match write_within(out_dir, path, bytes) {
        Ok(()) => Some(true),
        Err(e) => {
            report.diagnostics.push(crate::render::write_error(
                rule::SITE_WRITE,
                blame,
                path,
                &e,
            ));
            None
        }
    }
}

/// Runs of white space as one space, without a list of words between.
fn squash_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn finding_view(d: &Diagnostic, n: usize, page: Option<&str>, anchor: String) -> FindingView {
    let id = format!("f{n}");
    FindingView {
        url: page.map(|p| format!("{}#{id}", href(p))),
        id,
        severity: severity_key(d.severity),
        severity_zh: d.severity.label_zh(),
        rule: d.rule,
        file: d.file.clone(),
        line: d.line,
        message: d.message.clone(),
        help: d.help.clone(),
        anchor,
        section: String::new(),
        doc: String::new(),
    }
}

/// Put each finding next to the section its line falls in; findings in the
/// front matter (or with no line) go with the fields.
fn attach_findings(
    rendered: &HtmlDoc,
    diags: &[&Diagnostic],
    page: &str,
    title: &str,
) -> (Vec<SectionView>, Vec<FindingView>, Vec<FindingView>) {
    let mut sections: Vec<SectionView> = rendered
        .sections
        .iter()
        .map(|s| SectionView {
            id: s.id.clone(),
            level: s.level,
            number: s.number.clone(),
            title: s.title.clone(),
            html: s.html.clone(),
            findings: Vec::new(),
            worst: "",
        })
        .collect();
    let mut fields = Vec::new();
    let mut all = Vec::new();
    for (n, d) in diags.iter().enumerate() {
        let idx = d
            .line
            .and_then(|l| rendered.sections.iter().rposition(|s| s.line <= l));
        let mut f = finding_view(d, n, Some(page), String::new());
        f.anchor = f.id.clone();
        f.doc = title.to_string();
        f.section = match idx {
            Some(i) => format!("{}{}", sections[i].number, sections[i].title),
            None => "字段".to_string(),
        };
        all.push(f.clone());
        match idx {
            Some(i) => sections[i].findings.push(f),
            None => fields.push(f),
        }
    }
    for s in &mut sections {
        s.worst = if s.findings.iter().any(|f| f.severity == "error") {
            "error"
        } else if s.findings.iter().any(|f| f.severity == "warning") {
            "warning"
        } else {
            "info"
        };
    }
    (sections, fields, all)
}

fn checklist(call: &crate::call::Call, diags: &[&Diagnostic], applies: bool) -> Vec<CheckStage> {
    if !applies {
        return Vec::new();
    }
    call.review_points
        .iter()
        .map(|stage| CheckStage {
            stage: stage.stage.clone(),
            items: stage
                .items
                .iter()
                .map(|item| {
                    let rules = item.rules();
                    if rules.is_empty() {
                        return CheckItem {
                            name: item.name().to_string(),
                            status: "manual",
                            note: "须专家评估，程序不能判断".into(),
                        };
                    }
                    let hit = |d: &&&Diagnostic| {
                        rules
                            .iter()
                            .any(|r| d.rule.as_str().starts_with(r.as_str()))
                    };
                    let errors = diags
                        .iter()
                        .filter(hit)
                        .filter(|d| d.severity == Severity::Error)
                        .count();
                    let warnings = diags
                        .iter()
                        .filter(hit)
                        .filter(|d| d.severity == Severity::Warning)
                        .count();
                    // Say what was checked, never that the item passed:
                    // the rules see only what they look for.
                    let checked = format!("已按规则 {} 自动检查", rules.join("、"));
                    let (status, note) = match (errors, warnings) {
                        (0, 0) => ("pass", format!("{checked}，未发现问题；其余须专家评估")),
                        (0, w) => (
                            "warn",
                            format!("{checked}，没有错误，{w} 个警告待核对；其余须专家评估"),
                        ),
                        (e, _) => ("fail", format!("{checked}，发现 {e} 个错误")),
                    };
                    CheckItem {
                        name: item.name().to_string(),
                        status,
                        note,
                    }
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_mirror_content() {
        assert_eq!(
            page_path("content/甲.md"),
            ("docs/甲.html".to_string(), "../".to_string())
        );
        assert_eq!(
            page_path("content/a/b.md"),
            ("docs/a/b.html".to_string(), "../../".to_string())
        );
    }
}
