//! The enterprise's cleaner-production audit report (清洁生产审核报告):
//! the notice's outline, options and their totals; printed as a bound
//! volume with the tables shenbao computes after the body.

use std::sync::Arc;

use serde_json::json;

use super::{DocKind, Fields, Kind, Notice, PrintData, text};
use crate::call::Call;
use crate::check::Ctx;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::document::fields::{Reader, Spanned};
use crate::document::voluntary::{AuditMeta, Enterprise, date_zh};
use crate::render::pdf::Printer;
use crate::render::pdf::convert::Converted;

pub struct Audit;

pub const KIND: DocKind = DocKind::new(&Audit);

impl Fields for AuditMeta {
    fn kind(&self) -> DocKind {
        KIND
    }
    fn title(&self) -> Option<&Spanned<String>> {
        self.title.as_ref()
    }
    fn date(&self) -> Option<&Spanned<chrono::DateTime<chrono::FixedOffset>>> {
        self.date.as_ref()
    }
    fn enterprise(&self) -> Option<&Enterprise> {
        Some(&self.enterprise)
    }
}

impl Kind for Audit {
    fn id(&self) -> &'static str {
        "audit-report"
    }

    fn read(&self, r: &mut Reader<'_>) -> Arc<dyn Fields> {
        Arc::new(AuditMeta::read(r))
    }

    fn notice(&self) -> Notice {
        Notice::Voluntary
    }

    fn check(&self, ctx: &Ctx<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
        if let Some(report) = doc.meta.get::<AuditMeta>() {
            crate::check::audit::check(ctx, doc, report, out);
            crate::check::outline::written_numbers(doc, out);
        }
    }

    /// One enterprise's documents agree, and its acceptance report
    /// matches its audit report.
    fn check_across(&self, _ctx: &Ctx<'_>, docs: &[Document], out: &mut Vec<Diagnostic>) {
        crate::check::audit::across_documents(docs, out);
    }

    fn print(
        &self,
        p: &Printer<'_>,
        doc: &Document,
        _body: &Converted,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<PrintData> {
        print_report(p, doc, KIND, diags)
    }

    fn skeleton(&self, call: &Call, title: &str) -> String {
        let mut s = crate::scaffold::front(KIND, title);
        s.push_str(crate::scaffold::REPORT_HINT);
        for e in &call.voluntary.report_sections {
            let (title, guidance) = (&e.title, &e.guidance);
            s.push_str(&format!(
                "# {title}\n\n> 编写提示：{guidance}\n\n待补充。\n\n"
            ));
        }
        s
    }

    fn cover_words(&self) -> &'static [&'static str] {
        &["审核报告"]
    }

    fn import_front(
        &self,
        cover: &crate::import::CoverFacts,
        front: &mut crate::import::FrontWriter,
    ) {
        import_report(cover, front);
    }
}

/// A report's front matter from a Word cover: title, enterprise, date.
pub(super) fn import_report(
    cover: &crate::import::CoverFacts,
    front: &mut crate::import::FrontWriter,
) {
    front.field("title", cover.title.clone(), "");
    front.enterprise_name(cover.applicant.clone());
    // The agency that wrote it, printed on the cover (optional).
    if let Some(by) = &cover.compiled_by {
        front.field("compiled_by", Some(by.clone()), "");
    }
    front.field("date", cover.date.clone(), cover.date_note);
}

/// An audit or acceptance report: the plan's volume (cover, contents,
/// numbered body) with the enterprise in place of the applicant and the
/// tables shenbao computes (options and their totals, indicators) after
/// the body.
pub(super) fn print_report(
    p: &Printer<'_>,
    doc: &Document,
    kind: DocKind,
    diags: &mut Vec<Diagnostic>,
) -> Option<PrintData> {
    let report = crate::views::report(doc)?;
    let attachments = p.bound(doc, diags);
    let name = kind.name_zh();
    let title = report
        .title
        .map_or_else(|| name.to_string(), |t| t.value.clone());
    let mut meta = Printer::volume_meta(
        &title,
        name,
        json!({
            "title": title,
            "applicant": text(report.enterprise.name.as_ref()),
            "applicant-label": kind.label("enterprise.name"),
            "version": "",
            "date": report.date.map(|d| date_zh(&d.value)).unwrap_or_default(),
            // The title says the kind (see `Printer::volume_meta`).
            "document-name": "",
            "keywords": [name, "清洁生产审核"],
        }),
    );
    // The cover's 编制单位 and the back of the cover's signatures.
    if let Some(cover) = crate::views::cover(doc, p.call) {
        if let Some(c) = &cover.compiled_by {
            meta.insert(
                "compiled-by".into(),
                format!("{}：{}", c.label, c.value).into(),
            );
        }
        if !cover.signatures.is_empty() {
            let signatures: Vec<serde_json::Value> = cover
                .signatures
                .iter()
                .map(|f| json!([f.label, f.people]))
                .collect();
            meta.insert("signatures".into(), signatures.into());
        }
    }
    let tables = &report.tables;
    let appendix: Vec<serde_json::Value> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({
                "label": crate::views::appendix_label(i, tables.len()),
                "title": t.title,
                "header": t.header,
                "rows": t.rows,
                "totals": t.totals,
                "numeric": t.numeric,
            })
        })
        .collect();
    let mut args = serde_json::Map::new();
    args.insert("meta".into(), meta.into());
    args.insert("fonts".into(), p.fonts_json());
    args.insert(
        "attachments".into(),
        Printer::attachments_json(&attachments),
    );
    args.insert("appendix".into(), appendix.into());
    Some(PrintData {
        function: "volume",
        wraps_body: true,
        args,
        date: report.date.map(|d| d.value),
    })
}
