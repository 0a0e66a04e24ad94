//! The enterprise's acceptance report (清洁生产审核验收报告): the options
//! implemented, the indicators before and after, the reports it cites
//! bound after it; printed as the audit report is.

use std::sync::Arc;

use super::{DocKind, Fields, Kind, Notice, PrintData};
use crate::call::Call;
use crate::check::Ctx;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::document::fields::{Reader, Spanned};
use crate::document::voluntary::{AcceptanceMeta, Enterprise};
use crate::render::pdf::Printer;
use crate::render::pdf::convert::Converted;

pub struct Acceptance;

pub const KIND: DocKind = DocKind::new(&Acceptance);

/// The sections of a new acceptance report, with what each holds.
const SECTIONS: &[(&str, &str)] = &[
    ("审核及评估情况", "审核过程概述、评估时间和专家组意见"),
    (
        "方案实施情况",
        "逐项说明已实施方案（与字段区的 implemented 一致）的实施内容、投资和完成时间",
    ),
    (
        "实施效果",
        "方案实施前后主要指标对比（与字段区的 indicators 一致），附节能审计报告、环境监测报告或在线监测数据",
    ),
    ("验收条件符合情况", "对照通知中的六项验收条件逐条自评"),
];

impl Fields for AcceptanceMeta {
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
    /// The supporting reports with a `file`: the test report it cites is
    /// bound with it.
    fn bound(&self) -> Vec<crate::views::BoundFile<'_>> {
        self.reports
            .iter()
            .filter_map(|s| {
                let file = s.file.as_ref().filter(|f| !f.value.trim().is_empty())?;
                let title = s
                    .title
                    .as_ref()
                    .or(s.issuer.as_ref())
                    .map(|t| t.value.trim().to_string())
                    .filter(|t| !t.is_empty());
                Some(crate::views::BoundFile {
                    file,
                    title,
                    letter: false,
                })
            })
            .collect()
    }
}

impl Kind for Acceptance {
    fn id(&self) -> &'static str {
        "acceptance-report"
    }

    fn read(&self, r: &mut Reader<'_>) -> Arc<dyn Fields> {
        Arc::new(AcceptanceMeta::read(r))
    }

    fn notice(&self) -> Notice {
        Notice::Voluntary
    }

    fn check(&self, ctx: &Ctx<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
        if let Some(report) = doc.meta.get::<AcceptanceMeta>() {
            crate::check::audit::check_acceptance(ctx, doc, report, out);
            crate::check::outline::written_numbers(doc, out);
        }
    }

    fn print(
        &self,
        p: &Printer<'_>,
        doc: &Document,
        _body: &Converted,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<PrintData> {
        super::audit::print_report(p, doc, KIND, diags)
    }

    fn skeleton(&self, _call: &Call, title: &str) -> String {
        let mut s = crate::scaffold::front(KIND, title);
        s.push_str(crate::scaffold::REPORT_HINT);
        for (title, guidance) in SECTIONS {
            s.push_str(&format!(
                "# {title}\n\n> 编写提示：{guidance}\n\n待补充。\n\n"
            ));
        }
        s
    }

    fn cover_words(&self) -> &'static [&'static str] {
        &["验收"]
    }

    fn import_front(
        &self,
        cover: &crate::import::CoverFacts,
        front: &mut crate::import::FrontWriter,
    ) {
        super::audit::import_report(cover, front);
    }

    fn milestone<'c>(&self, v: &'c crate::call::Voluntary) -> Option<(&'c str, &'c str)> {
        Some((&v.acceptance_due, &v.acceptance_what))
    }
}
