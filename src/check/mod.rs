//! The form check: every rule reads the project model and the call, and
//! adds diagnostics. One file per rule family. `check` never writes.

use crate::rule;
pub(crate) mod applicant;
pub mod attachment;
pub mod audit;
mod content;
mod date;
pub mod deadline;
mod derived;
mod eligibility;
#[cfg(test)]
mod examples;
pub(crate) mod fields;
pub mod form;
mod numbers;
/// Shared with `import`, whose heading detection uses the same matcher.
pub(crate) mod outline;
pub mod package;
mod quota;
pub mod registry;
pub(crate) mod review;
mod schedule;
mod scope;
mod text;

use std::ops::Range;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use crate::call::Call;
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::document::Document;
use crate::document::plan::PlanMeta;
use crate::project::Project;

/// What a check run needs besides the project.
#[derive(Debug, Clone)]
pub struct Options {
    /// “Now”, for deadlines (Beijing time).
    pub today: DateTime<FixedOffset>,
    /// Where the built PDFs are (`build --out`), when not the configured
    /// output folder: `package/size` measures the files this run wrote.
    pub out_dir: Option<PathBuf>,
}

impl Options {
    pub fn at(today: DateTime<FixedOffset>) -> Options {
        Options {
            today,
            out_dir: None,
        }
    }
}

/// Shared read-only state for the rules of one document.
pub struct Ctx<'a> {
    pub root: &'a std::path::Path,
    pub call: &'a Call,
    pub opts: &'a Options,
    /// The project's output folder, where built PDFs are looked for.
    pub out_dir: PathBuf,
    /// The call's placeholder words, compiled once.
    pub placeholders: Option<&'a aho_corasick::AhoCorasick>,
    /// The other calls plans name with `call:` (see [`Ctx::for_doc`]).
    pub others: Option<&'a std::collections::BTreeMap<String, crate::project::OtherCall>>,
}

impl<'a> Ctx<'a> {
    /// The rules' state for a loaded project: the PDFs are looked for in
    /// `opts.out_dir` when a run writes elsewhere, else in the configured
    /// output folder.
    pub fn new(project: &'a Project, opts: &'a Options) -> Ctx<'a> {
        Ctx {
            root: &project.root,
            call: &project.call,
            opts,
            out_dir: opts
                .out_dir
                .clone()
                .unwrap_or_else(|| project.config.output_dir(&project.root)),
            placeholders: project.placeholders.as_ref(),
            others: Some(&project.other_calls),
        }
    }

    /// The rules' state for one document: its own call when it names
    /// another season's.
    pub fn for_doc(&self, doc: &Document) -> Ctx<'a> {
        let other = self
            .others
            .zip(doc.plan())
            .and_then(|(o, plan)| crate::project::other_call(o, plan));
        match other {
            Some(o) => Ctx {
                root: self.root,
                call: &o.call,
                opts: self.opts,
                out_dir: self.out_dir.clone(),
                placeholders: o.placeholders.as_ref(),
                others: self.others,
            },
            None => Ctx {
                out_dir: self.out_dir.clone(),
                ..*self
            },
        }
    }
}

/// Run every rule over a loaded project. Returns all diagnostics, sorted,
/// including those found while loading.
pub fn check_project(project: &Project, opts: &Options) -> Vec<Diagnostic> {
    let ctx = Ctx::new(project, opts);
    let mut out: Vec<Diagnostic> = project.diagnostics.clone();
    // Documents are independent until the cross-document rules: check
    // them on the threads the project was loaded on, in order.
    let per_doc = crate::par::map(
        &project.documents,
        project.jobs,
        |doc| {
            let mut found = doc.diagnostics.clone();
            check_document(&ctx.for_doc(doc), doc, &mut found);
            drop_foreign_deadlines(project, doc, &mut found);
            found
        },
        |doc| {
            vec![Diagnostic::file(
                rule::CHECK_INTERNAL,
                Severity::Error,
                &doc.src.rel,
                "内部错误：检查这个文档时崩溃，其他文档的检查结果照常给出；请报告此问题",
            )]
        },
    );
    out.extend(per_doc.into_iter().flatten());
    cross_document(&ctx, &project.documents, &mut out);
    package::subjects_unique(&ctx, &project.documents, &mut out);
    diagnostic::sort(&mut out);
    out
}

/// After `rel` changed (or went), bring `diagnostics` (every finding of
/// the project, sorted) up to date: that document's findings, with `print`
/// (its print findings, which the check does not make), and the findings
/// that span documents. Returns the other documents whose cross-document
/// findings came or went, whose pages must be shown again. Only the check
/// knows which rules span documents.
pub fn recheck(
    project: &Project,
    opts: &Options,
    rel: &str,
    print: &[Diagnostic],
    diagnostics: &mut Vec<Diagnostic>,
) -> std::collections::BTreeSet<String> {
    let ctx = Ctx::new(project, opts);
    let before: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| is_cross_document(d))
        .cloned()
        .collect();
    diagnostics.retain(|d| d.file != rel && !is_cross_document(d));
    diagnostics.extend(
        project
            .diagnostics
            .iter()
            .filter(|d| d.file == rel)
            .cloned(),
    );
    if let Some(doc) = project.documents.iter().find(|d| d.src.rel == rel) {
        diagnostics.extend(doc.diagnostics.iter().cloned());
        let mut found = Vec::new();
        check_document(&ctx.for_doc(doc), doc, &mut found);
        drop_foreign_deadlines(project, doc, &mut found);
        diagnostics.extend(found);
        diagnostics.extend(print.iter().cloned());
    }
    cross_document(&ctx, &project.documents, diagnostics);
    diagnostic::sort(diagnostics);
    let after: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| is_cross_document(d))
        .collect();
    before
        .iter()
        .filter(|d| !after.contains(d))
        .map(|d| d.file.clone())
        .chain(
            after
                .iter()
                .filter(|d| !before.contains(d))
                .map(|d| d.file.clone()),
        )
        .filter(|f| f != rel)
        .collect()
}

/// A plan whose own call could not be loaded (`frontmatter/call`) is
/// checked against the project's call, whose dates are not its own: the
/// deadlines of that other season would only bury the real error.
fn drop_foreign_deadlines(project: &Project, doc: &Document, found: &mut Vec<Diagnostic>) {
    let failed = doc
        .plan()
        .and_then(|p| p.call.as_ref())
        .is_some_and(|c| project.failed_calls.contains(c.value.trim()));
    if failed {
        found.retain(|d| d.rule.family() != "deadline");
    }
}

/// The rules that span documents and are re-run over all of them after
/// one changes (`serve`): the province quota, one enterprise named alike
/// across its voluntary-audit documents, and its acceptance report against
/// its audit report (options implemented, dates, the figures its text
/// states).
pub fn cross_document(ctx: &Ctx<'_>, docs: &[Document], out: &mut Vec<Diagnostic>) {
    // The quota is each call's: plans of two seasons do not add up.
    let mut by_call: Vec<(Ctx<'_>, Vec<&Document>)> = Vec::new();
    for doc in docs {
        let c = ctx.for_doc(doc);
        match by_call
            .iter_mut()
            .find(|(k, _)| std::ptr::eq(k.call, c.call))
        {
            Some((_, group)) => group.push(doc),
            None => by_call.push((c, vec![doc])),
        }
    }
    for (c, group) in &by_call {
        quota::check(c, group, out);
    }
    form::enterprise_consistency(docs, out);
    // Each kind's own rules across documents.
    for kind in crate::document::DocKind::ALL {
        kind.check_across(ctx, docs, out);
    }
}

/// Whether a finding comes from [`cross_document`] (so that a re-check
/// after an edit replaces them all).
pub fn is_cross_document(d: &Diagnostic) -> bool {
    registry::is_cross_document(d.rule.as_str())
}

/// The per-document rules.
pub fn check_document(ctx: &Ctx<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    content::check_placeholders(ctx, doc, out);
    content::check_guidance(doc, out);
    numbers::check(doc, out);
    date::check(doc, out);
    text::check(doc, out);
    derived::check(doc, out);
    fields::required_fields(doc, out);
    if let Some(kind) = doc.kind() {
        kind.check(ctx, doc, out);
    }
}

/// A plan's rules: the pilot call's fields, outline, applicant, scope,
/// eligibility, deadlines, schedule, attachments and package.
pub(crate) fn plan_rules(
    ctx: &Ctx<'_>,
    doc: &Document,
    plan: &PlanMeta,
    out: &mut Vec<Diagnostic>,
) {
    fields::check(ctx, doc, plan, out);
    outline::check(ctx, doc, out);
    applicant::check(ctx, doc, plan, out);
    scope::check(ctx, doc, plan, out);
    eligibility::check(ctx, doc, plan, out);
    deadline::check(ctx, doc, plan, out);
    schedule::check(ctx, doc, out);
    attachment::check(ctx, doc, plan, out);
    package::check(ctx, doc, plan, out);
    // A plan numbered 第一章/1.1 is checked as reports are.
    outline::written_numbers(doc, out);
}

/// A value still holding a placeholder (待补充…): `content/placeholder`
/// reports it, so format rules (phone, e-mail, codes) leave it alone
/// rather than report the same gap twice.
pub(crate) fn unfilled(ctx: &Ctx<'_>, v: &crate::document::fields::Spanned<String>) -> bool {
    ctx.placeholders.is_some_and(|ac| ac.is_match(&v.value))
}

/// Byte span of a front-matter field's value (or the nearest located
/// parent, or the opening `---`).
pub(crate) fn field_span(doc: &Document, path: &str) -> Range<usize> {
    match &doc.front {
        Some(fm) => fm.loc(path).value,
        None => 0..0,
    }
}

/// Byte span of a front-matter field's key.
/// A field's Chinese label as the specs give it, for messages.
pub(crate) fn label(doc: &Document, path: &str) -> &'static str {
    doc.kind().map_or("", |k| k.label(path))
}

pub(crate) fn key_span(doc: &Document, path: &str) -> Range<usize> {
    match &doc.front {
        Some(fm) => fm.loc(path).key,
        None => 0..0,
    }
}

pub(crate) fn diag(
    rule: crate::rule::RuleId,
    severity: Severity,
    doc: &Document,
    span: Range<usize>,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::at(rule, severity, &doc.src, span, message)
}

/// The category's scope, when the category resolves.
pub(crate) fn scope_of(ctx: &Ctx<'_>, plan: &PlanMeta) -> Option<crate::call::Scope> {
    plan.category
        .as_ref()
        .and_then(|c| ctx.call.category(&c.value))
        .map(|c| c.scope)
}

#[cfg(test)]
pub(crate) mod testutil {
    use super::*;
    use crate::call::{Call, DEFAULT_PRESET, parse_datetime};
    use crate::document;
    use crate::markdown::placeholder_matcher;

    pub struct Fixture {
        pub dir: tempfile::TempDir,
        pub call: Call,
        pub opts: Options,
    }

    impl Fixture {
        pub fn new() -> Fixture {
            Fixture {
                dir: tempfile::tempdir().unwrap(),
                call: Call::preset(DEFAULT_PRESET).unwrap().unwrap(),
                opts: Options::at(parse_datetime("2022-06-01", false).unwrap()),
            }
        }

        pub fn root(&self) -> PathBuf {
            self.dir.path().canonicalize().unwrap()
        }

        pub fn check(&self, text: &str) -> Vec<Diagnostic> {
            let root = self.root();
            let matcher = placeholder_matcher(&self.call.placeholders);
            let ctx = Ctx {
                root: &root,
                call: &self.call,
                opts: &self.opts,
                out_dir: root.join("public"),
                placeholders: matcher.as_ref(),
                others: None,
            };
            let doc = document::parse(
                "content/plan.md",
                root.join("content/plan.md"),
                text.to_string(),
                ctx.placeholders,
            );
            let mut out = doc.diagnostics.clone();
            check_document(&ctx, &doc, &mut out);
            out
        }
    }

    /// A plan that passes every rule (2022 preset, checked on 2022-06-01).
    pub fn good_plan() -> String {
        let mut s = String::from(GOOD_FRONT);
        s.push_str(&good_body());
        s
    }

    pub const GOOD_FRONT: &str = "---
kind: pilot-plan
title: 伏牛经开区清洁生产审核创新试点
applicant: 伏牛经济技术开发区管理委员会
applicant_type: 园区管委会
implementer: 伏牛经济技术开发区管理委员会
category: 2
province: 河南省
city: 伏牛市
industries: [石化化工, 建材]
park:
  boundary: 东至滨河路，西至京港澳高速，南至纬五路，北至伏牛大道，规划面积18.6平方公里
  crosses_prefecture: 否
  management_body: 伏牛经济技术开发区管理委员会生态环境局
eligibility:
  no_major_violation: 是
  managers: 管委会生态环境局清洁生产科，专职3人
  rules: 《伏牛经开区清洁生产管理办法》
  funding_source: 市级财政专项资金与企业自筹
contact:
  name: 王明
  phone: 13812345678
  email: wangming@example.cn
version: 送审版
date: 2022-06-20
submissions:
  henan-email: 2022-06-29 17:00
---
";

    pub fn good_body() -> String {
        let para = "本段落用于说明试点工作的实际情况，包括数据来源、现状分析、问题诊断和下一步工作安排，内容充实具体。".repeat(12);
        let mut s = String::new();
        let call = Call::preset(DEFAULT_PRESET).unwrap().unwrap();
        for (i, e) in call.outline.iter().enumerate() {
            s.push_str(&format!(
                "# {}、{}\n\n{para}\n\n",
                crate::text::cn_numeral(i as u32 + 1),
                e.title
            ));
            for (j, c) in e.children.iter().enumerate() {
                s.push_str(&format!(
                    "## （{}）{}\n\n{para}\n\n",
                    crate::text::cn_numeral(j as u32 + 1),
                    c.title
                ));
            }
        }
        s
    }

    pub fn rules(d: &[Diagnostic]) -> Vec<crate::rule::RuleId> {
        d.iter().map(|d| d.rule).collect()
    }

    /// Rules of errors and warnings only (deadline infos left out).
    pub fn problems(d: &[Diagnostic]) -> Vec<crate::rule::RuleId> {
        d.iter()
            .filter(|d| d.severity != Severity::Info)
            .map(|d| d.rule)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::*;
    use crate::rule;

    #[test]
    fn the_check_finds_the_same_on_any_number_of_threads() {
        // Documents are checked in parallel: the findings, and their
        // order, must not depend on how many threads did the work.
        let opts = super::Options::at(crate::call::parse_datetime("2022-06-01", false).unwrap());
        for fixture in ["voluntary", "broken", "real-plan"] {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(fixture);
            let run = |jobs| {
                let p = crate::project::Project::load_with_jobs(&root, jobs).unwrap();
                super::check_project(&p, &opts)
            };
            let one = run(1);
            assert!(
                !one.is_empty(),
                "{fixture}: the fixture has findings to compare"
            );
            assert_eq!(one, run(3), "{fixture}");
        }
    }

    #[test]
    fn a_placeholder_is_reported_once_not_also_as_a_bad_format() {
        let f = Fixture::new();
        let text = good_plan()
            .replace("phone: 13812345678", "phone: 待补充")
            .replace("email: wangming@example.cn", "email: 待补充");
        let d = f.check(&text);
        let r = rules(&d);
        assert_eq!(
            r.iter()
                .filter(|x| **x == rule::CONTENT_PLACEHOLDER)
                .count(),
            2,
            "{d:#?}"
        );
        assert!(!r.contains(&rule::FRONTMATTER_INVALID_VALUE), "{d:#?}");
        // A real bad value is still judged.
        let d = f.check(&good_plan().replace("phone: 13812345678", "phone: 1381234"));
        assert!(rules(&d).contains(&rule::FRONTMATTER_INVALID_VALUE));
    }

    #[test]
    fn the_good_plan_has_only_the_letter_warning() {
        let f = Fixture::new();
        let d = f.check(&good_plan());
        assert_eq!(
            problems(&d),
            vec![rule::ATTACHMENT_RECOMMENDATION_LETTER],
            "{d:#?}"
        );
    }
}
