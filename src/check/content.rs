//! `content/placeholder`: words such as 待补充, XXX, TODO left in the text
//! or in front-matter values — one finding per line, however many a line
//! holds. `content/guidance`: the skeleton's 编写提示 left in (it never
//! prints, and the section it stood in may still be unwritten).
//! (`content/thin-section` lives with the outline, which knows each
//! section's minimum.)

use super::{Ctx, diag};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::rule;

pub fn check_guidance(doc: &Document, out: &mut Vec<Diagnostic>) {
    for span in &doc.body.guidance {
        out.push(
            diag(
                rule::CONTENT_GUIDANCE,
                Severity::Warning,
                doc,
                span.clone(),
                "留有编写提示（不会打印，也不计入本节字数）",
            )
            .with_label("编写提示")
            .with_help("按提示写完本节后，删除这段提示"),
        );
    }
}

pub fn check_placeholders(ctx: &Ctx<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    // One finding per line: the first placeholder, and how many more the
    // line holds (a line of ten thousand ×× is one finding, not ten
    // thousand, each reprinting the line).
    let line_of = |span: &std::ops::Range<usize>| doc.src.line_col(span.start).0;
    let push = |out: &mut Vec<Diagnostic>, hits: &[(std::ops::Range<usize>, &str)], place: &str| {
        let mut i = 0;
        while i < hits.len() {
            let line = line_of(&hits[i].0);
            let mut j = i + 1;
            while j < hits.len() && line_of(&hits[j].0) == line {
                j += 1;
            }
            let (span, word) = &hits[i];
            let more = j - i - 1;
            let message = if more == 0 {
                format!("{place}留有占位文字“{word}”")
            } else {
                format!("{place}留有占位文字“{word}”，本行另有 {more} 处")
            };
            out.push(
                diag(
                    rule::CONTENT_PLACEHOLDER,
                    Severity::Error,
                    doc,
                    span.clone(),
                    message,
                )
                .with_label("占位文字")
                .with_help("补上实际内容后再报送；形式校核会因此退回"),
            );
            i = j;
        }
    };
    let mut body: Vec<(std::ops::Range<usize>, &str)> = doc
        .body
        .placeholders
        .iter()
        .map(|(s, w)| (s.clone(), w.as_str()))
        .collect();
    // Drafting notes real drafts keep: 【此处插入图1 …】, 【待补充】,
    // （此处附图）. A note that is already a placeholder word is one finding.
    let at = doc.body_start();
    for (r, note) in drafting_notes(doc.body_text()) {
        let span = at + r.start..at + r.end;
        if !body
            .iter()
            .any(|(s, _)| s.start < span.end && span.start < s.end)
        {
            body.push((span, note));
        }
    }
    body.sort_by_key(|(s, _)| s.start);
    push(out, &body, "正文中");
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
    let mut hits = Vec::new();
    for v in spans {
        let text = &doc.src.text[v.clone()];
        for m in ac.find_iter(text) {
            if crate::markdown::is_prose_use(text, m.start(), &text[m.range()]) {
                continue;
            }
            hits.push((v.start + m.start()..v.start + m.end(), &text[m.range()]));
        }
    }
    push(out, &hits, "字段值中");
}

/// Bracketed drafting notes in a body: 【…】 or （…）/(…) of at most 60
/// characters that say where something is still to go (此处、插入) or is
/// still to come (待补充、待定、待完善、待核实). Brackets that hold a
/// label or an explanation are left alone.
fn drafting_notes(body: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut out = Vec::new();
    for (open, close) in [('【', '】'), ('（', '）'), ('(', ')')] {
        let mut from = 0;
        while let Some(i) = body[from..].find(open).map(|i| i + from) {
            let inner_start = i + open.len_utf8();
            let Some(j) = body[inner_start..]
                .char_indices()
                .take(61)
                .find(|(_, c)| *c == close || *c == '\n')
                .map(|(k, c)| (inner_start + k, c))
            else {
                from = inner_start;
                continue;
            };
            from = j.0 + j.1.len_utf8();
            if j.1 != close {
                continue;
            }
            let inner = body[inner_start..j.0].trim();
            let note = inner.starts_with("此处")
                || inner.contains("此处插入")
                || inner.starts_with("插入")
                || ["待补充", "待定", "待完善", "待核实", "待填", "待更新"]
                    .iter()
                    .any(|w| inner.starts_with(w));
            if note {
                out.push((i..from, &body[i..from]));
            }
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use crate::diagnostic::Severity;
    use crate::rule;

    #[test]
    fn drafting_notes_are_placeholders_and_labels_are_not() {
        let f = Fixture::new();
        for note in [
            "【此处插入图1 试点重点企业分布示意图】",
            "【待补充】",
            "（此处附图）",
            "(待定)",
        ] {
            let d = f.check(&(good_plan() + &format!("\n园区企业分布见下图。{note}\n")));
            let p: Vec<_> = d
                .iter()
                .filter(|x| x.rule == rule::CONTENT_PLACEHOLDER)
                .collect();
            assert_eq!(p.len(), 1, "{note}: {p:#?}");
            assert_eq!(p[0].severity, Severity::Error);
        }
        // Near misses: labels, explanations and abbreviations in brackets.
        for text in [
            "【典型案例】某企业通过改造节水30%。",
            "园区（以下简称“园区”）面积12平方公里。",
            "排放限值（待国家标准发布后执行新限值的企业除外）。",
        ] {
            let d = f.check(&(good_plan() + &format!("\n{text}\n")));
            assert!(
                !d.iter().any(|x| x.rule == rule::CONTENT_PLACEHOLDER),
                "{text}: {d:#?}"
            );
        }
    }

    #[test]
    fn placeholders_in_text_and_fields() {
        let f = Fixture::new();
        assert!(!rules(&f.check(&good_plan())).contains(&rule::CONTENT_PLACEHOLDER));
        let text = good_plan().replace("city: 伏牛市", "city: XXX市")
            + "\n园区面积为××平方公里，数据待补充。\n";
        let d = f.check(&text);
        let p: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::CONTENT_PLACEHOLDER)
            .collect();
        // The field's, and one for the body line with both of its words.
        assert_eq!(p.len(), 2, "{p:#?}");
        assert_eq!(p.iter().filter(|x| x.line == Some(9)).count(), 1);
        assert!(
            p.iter().any(|x| x.message.contains("“××”，本行另有 1 处")),
            "{p:#?}"
        );
        // An empty field with import's comment is an empty field, not a
        // placeholder as well; a placeholder value before a comment is.
        let empty = good_plan().replace("city: 伏牛市", "city:   # 待补充：导入时未在文件中找到");
        assert!(!rules(&f.check(&empty)).contains(&rule::CONTENT_PLACEHOLDER));
        let filled = good_plan().replace("city: 伏牛市", "city: XX市  # 请核对");
        assert!(rules(&f.check(&filled)).contains(&rule::CONTENT_PLACEHOLDER));
    }

    #[test]
    fn the_placeholders_people_really_leave() {
        let f = Fixture::new();
        for word in ["XX市", "某某公司", "□□", "（待定）", "＊＊"] {
            let d = f.check(&(good_plan() + &format!("\n园区位于{word}东部。\n")));
            assert!(
                d.iter().any(|x| x.rule == rule::CONTENT_PLACEHOLDER),
                "{word}: {d:#?}"
            );
        }
    }

    #[test]
    fn a_line_full_of_placeholders_is_one_finding() {
        let f = Fixture::new();
        let line = "××".repeat(5000);
        let d = f.check(&(good_plan() + "\n" + &line + "\n"));
        let p: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::CONTENT_PLACEHOLDER)
            .collect();
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(p[0].message.contains("另有 4999 处"), "{}", p[0].message);
    }

    #[test]
    fn leftover_guidance_is_flagged_and_not_counted() {
        let f = Fixture::new();
        let clean = good_plan();
        assert!(!rules(&f.check(&clean)).contains(&rule::CONTENT_GUIDANCE));
        let text = clean + "\n> 编写提示：写明园区的范围。\n\n<!-- 编写提示：\n标题自动编号 -->\n";
        let d = f.check(&text);
        let g: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::CONTENT_GUIDANCE)
            .collect();
        assert_eq!(g.len(), 2, "{g:#?}");
        assert!(g.iter().all(|x| x.severity == Severity::Warning));
    }
}
