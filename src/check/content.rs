//! `content/placeholder`: words such as 待补充, XXX, TODO left in the text
//! or in front-matter values. (`content/thin-section` lives with the
//! outline, which knows each section's minimum.)

use super::{Ctx, diag};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;

pub fn check_placeholders(ctx: &Ctx<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let push =
        |out: &mut Vec<Diagnostic>, span: std::ops::Range<usize>, word: &str, place: &str| {
            out.push(
                diag(
                    "content/placeholder",
                    Severity::Error,
                    doc,
                    span,
                    format!("{place}留有占位文字“{word}”"),
                )
                .with_label("占位文字")
                .with_help("补上实际内容后再报送；形式校核会因此退回"),
            );
        };
    for (span, word) in &doc.body.placeholders {
        push(out, span.clone(), word, "正文中");
    }
    let Some(fm) = &doc.front else { return };
    let Some(ac) = ctx.placeholders else {
        return;
    };
    let mut spans: Vec<_> = fm
        .locs
        .values()
        .map(|l| l.value.clone())
        .filter(|v| !v.is_empty())
        .collect();
    spans.sort_by_key(|s| s.start);
    spans.dedup();
    for v in spans {
        let text = &doc.src.text[v.clone()];
        for m in ac.find_iter(text) {
            push(
                out,
                v.start + m.start()..v.start + m.end(),
                &text[m.range()],
                "字段值中",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn placeholders_in_text_and_fields() {
        let f = Fixture::new();
        assert!(!rules(&f.check(&good_plan())).contains(&"content/placeholder"));
        let text = good_plan().replace("city: 伏牛市", "city: XXX市")
            + "\n园区面积为××平方公里，数据待补充。\n";
        let d = f.check(&text);
        let p: Vec<_> = d
            .iter()
            .filter(|x| x.rule == "content/placeholder")
            .collect();
        assert_eq!(p.len(), 3, "{p:#?}");
        assert_eq!(p.iter().filter(|x| x.line == Some(9)).count(), 1);
    }
}
