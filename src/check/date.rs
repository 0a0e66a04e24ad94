//! `date/impossible`: dates in the text that do not exist (4月31日,
//! 2023年2月29日), with the reason. (The order of a report's dates,
//! `date/order`, is judged with the report in `audit`; the months of a
//! plan's schedule, `date/schedule`, in `schedule`.)

use super::diag;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::rule;

pub(super) fn check(doc: &Document, out: &mut Vec<Diagnostic>) {
    for d in &doc.body.dates {
        let written = doc.src.text.get(d.span.clone()).unwrap_or("");
        let Some(reason) = crate::text::impossible_date(d.year, d.month, d.day) else {
            continue;
        };
        out.push(
            diag(
                rule::DATE_IMPOSSIBLE,
                Severity::Error,
                doc,
                d.span.clone(),
                format!("“{written}”这个日期不存在：{reason}"),
            )
            .with_label(reason)
            .with_help("改正日期"),
        );
    }
}
