//! The voluntary-audit application form (自愿性清洁生产审核申请表): fields
//! only, printed as the notice's one-page table.

use std::sync::Arc;

use serde_json::json;

use super::{DocKind, Fields, Kind, Notice, PrintData, WordLayout, text};
use crate::call::Call;
use crate::check::Ctx;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::document::fields::{Reader, Spanned};
use crate::document::voluntary::{Enterprise, FormMeta, date_zh};
use crate::render::pdf::Printer;
use crate::render::pdf::convert::Converted;
use crate::views::form_rows;

pub struct Form;

pub const KIND: DocKind = DocKind::new(&Form);

impl Fields for FormMeta {
    fn kind(&self) -> DocKind {
        KIND
    }
    /// A form is titled by its enterprise.
    fn title(&self) -> Option<&Spanned<String>> {
        self.enterprise.name.as_ref()
    }
    fn date(&self) -> Option<&Spanned<chrono::DateTime<chrono::FixedOffset>>> {
        self.filled_on.as_ref()
    }
    fn enterprise(&self) -> Option<&Enterprise> {
        Some(&self.enterprise)
    }
}

impl Kind for Form {
    fn id(&self) -> &'static str {
        "application-form"
    }

    fn read(&self, r: &mut Reader<'_>) -> Arc<dyn Fields> {
        Arc::new(FormMeta::read(r))
    }

    fn notice(&self) -> Notice {
        Notice::Voluntary
    }

    fn check(&self, ctx: &Ctx<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
        if let Some(form) = doc.meta.get::<FormMeta>() {
            crate::check::form::check(ctx, doc, form, out);
            crate::check::audit::deadline_form(ctx, doc, form, out);
        }
    }

    /// Data for the theme's `form-sheet`: the form's rows.
    fn print(
        &self,
        p: &Printer<'_>,
        doc: &Document,
        _body: &Converted,
        _diags: &mut Vec<Diagnostic>,
    ) -> Option<PrintData> {
        let f = doc.meta.get::<FormMeta>()?;
        // The same rows, serialized as the site shows them.
        let rows = serde_json::to_value(form_rows(f)).unwrap_or_default();
        let mut args = serde_json::Map::new();
        args.insert(
            "meta".into(),
            json!({
                "title": KIND.name_zh(),
                "enterprise": text(f.enterprise.name.as_ref()),
                "filled-by": text(f.filled_by.as_ref()),
                "filled-on": f.filled_on.as_ref().map(|d| date_zh(&d.value)).unwrap_or_default(),
            }),
        );
        args.insert("fonts".into(), p.fonts_json());
        args.insert("rows".into(), rows);
        Some(PrintData {
            function: "form-sheet",
            wraps_body: false,
            args,
            date: f.filled_on.as_ref().map(|d| d.value),
        })
    }

    fn word(&self) -> WordLayout {
        WordLayout::Sheet
    }

    fn skeleton(&self, _call: &Call, title: &str) -> String {
        let mut s = crate::scaffold::front(KIND, title);
        s.push_str("\n<!-- 申请表只有上面的字段，不需要正文。填好后运行 `shenbao check`，`shenbao build` 会把它排成通知附件中的表格（一页 A4），打印后加盖公章。 -->\n");
        s
    }

    fn cover_words(&self) -> &'static [&'static str] {
        &["申请表"]
    }

    fn import_front(
        &self,
        cover: &crate::import::CoverFacts,
        front: &mut crate::import::FrontWriter,
    ) {
        front.enterprise_name(cover.applicant.clone());
    }

    fn milestone<'c>(&self, v: &'c crate::call::Voluntary) -> Option<(&'c str, &'c str)> {
        Some((&v.list_due, &v.list_what))
    }
}
