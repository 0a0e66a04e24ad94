//! `text/doc-number`: a 文号 that does not follow 机关代字〔YYYY〕N号 (a
//! warning, in the text and in field values), with the corrected form
//! when it can be told.

use super::diag;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::rule;

pub(super) fn check(doc: &Document, out: &mut Vec<Diagnostic>) {
    let mut found: Vec<(std::ops::Range<usize>, String)> = doc.body.bad_doc_numbers.clone();
    if let Some(fm) = &doc.front {
        let mut values: Vec<_> = fm.locs.values().map(|l| l.value.clone()).collect();
        values.sort_by_key(|v| v.start);
        values.dedup();
        for v in values {
            if let Some(text) = doc.src.text.get(v.clone()) {
                for (r, why) in crate::markdown::doc_number_problems(text) {
                    found.push((v.start + r.start..v.start + r.end, why));
                }
            }
        }
    }
    for (span, why) in found {
        let written = doc.src.text.get(span.clone()).unwrap_or("").to_string();
        let help = match crate::markdown::corrected_doc_number(&written) {
            Some(fixed) => format!("改为“{fixed}”：文号的年份用六角括号〔〕（GB/T 9704）"),
            None => "文号写作“机关代字〔年份〕序号号”，如 豫工信办节〔2018〕24号".to_string(),
        };
        out.push(
            diag(
                rule::TEXT_DOC_NUMBER,
                Severity::Warning,
                doc,
                span,
                format!("文号“{written}”格式不对：{why}"),
            )
            .with_label(why)
            .with_help(help),
        );
    }
}
