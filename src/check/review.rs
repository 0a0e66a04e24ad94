//! `review/*`: a response to the expert review (修改说明) against the
//! document it answers and the version the experts read. Each response
//! reads another document, so these rules span documents and run again
//! when either changes (`serve`).

use crate::check::Ctx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::response::{ResponseMeta, claims_a_change};
use crate::review;
use crate::rule;

pub fn check(ctx: &Ctx<'_>, docs: &[Document], out: &mut Vec<Diagnostic>) {
    for doc in docs {
        if let Some(meta) = crate::kinds::response::of(doc) {
            response(ctx, doc, meta, docs, out);
        }
    }
}

fn response(
    ctx: &Ctx<'_>,
    doc: &Document,
    meta: &ResponseMeta,
    docs: &[Document],
    out: &mut Vec<Diagnostic>,
) {
    unanswered(doc, meta, out);
    // A missing `for:` is frontmatter/missing-field already.
    let Some(spec) = &meta.revised else { return };
    let unfilled = |v: &str| ctx.placeholders.is_some_and(|p| p.is_match(v));
    if unfilled(&spec.value) {
        return;
    }
    // The same view the PDF, Word and the site show: what is found here
    // is what they print.
    let Some(view) = review::view(ctx.root, ctx.call, doc, docs) else {
        return;
    };
    let Some(revised) = view.revised else {
        let names: Vec<&str> = docs
            .iter()
            .filter(|d| crate::kinds::response::of(d).is_none() && d.kind().is_some())
            .map(|d| d.src.rel.as_str())
            .take(6)
            .collect();
        out.push(
            Diagnostic::at(
                rule::REVIEW_FOR,
                Severity::Error,
                &doc.src,
                spec.span.clone(),
                format!("项目中没有“{}”这份文档", spec.value),
            )
            .with_label("修改的文档")
            .with_help(if names.is_empty() {
                "写按专家意见修改后的文档在项目中的路径，如 content/实施方案.md".to_string()
            } else {
                format!("写修改后的文档的路径。项目中的文档有：{}", names.join("、"))
            }),
        );
        return;
    };
    for (c, row) in meta.comments.iter().zip(&view.rows) {
        let Some(section) = &c.section else { continue };
        if unfilled(&section.value) {
            continue;
        }
        for (written, _) in row
            .sections
            .iter()
            .filter(|(w, hit)| hit.is_none() && !review::names_no_heading(w))
        {
            let tops: Vec<String> = revised
                .body
                .headings
                .iter()
                .enumerate()
                .filter(|(_, h)| h.level == 1)
                .map(|(i, _)| review::location(&view.numbers, i))
                .take(8)
                .collect();
            out.push(
                Diagnostic::at(
                    rule::REVIEW_SECTION,
                    Severity::Error,
                    &doc.src,
                    section.span.clone(),
                    format!("{} 中没有“{written}”这一节", revised.src.rel),
                )
                .with_label("修改位置")
                .with_help(match closest_heading(revised, &view.numbers, written) {
                    // A title renamed in the revision: the nearest one.
                    Some(near) => format!(
                        "是否是“{near}”？写修改后文档中的标题或编号（多处用“；”分开；全文、附件、表3、附表也可以写）"
                    ),
                    None => format!(
                        "写修改后文档中的标题或编号（多处用“；”分开；全文、附件、表3、附表也可以写）；它的一级标题有：{}",
                        tops.join("、")
                    ),
                }),
            );
        }
    }
    let Some(spec) = &meta.reviewed else { return };
    if unfilled(&spec.value) {
        return;
    }
    let origin = match &view.reviewed {
        Some(Ok(origin)) => origin.describe(),
        Some(Err(e)) => {
            out.push(
                Diagnostic::at(
                    rule::REVIEW_REVIEWED,
                    Severity::Error,
                    &doc.src,
                    spec.span.clone(),
                    e.message.clone(),
                )
                .with_label("送审版本")
                .with_help(e.help.clone()),
            );
            return;
        }
        None => return,
    };
    for (i, (c, row)) in meta.comments.iter().zip(&view.rows).enumerate() {
        let Some(response) = &c.response else {
            continue;
        };
        if !claims_a_change(&response.value) {
            continue;
        }
        for (written, hit) in &row.sections {
            // What is unchanged, and how to say so.
            let (place, help) = if review::names_fields(written) {
                // A Word file's fields are not compared: nothing is known.
                let word = matches!(&view.reviewed, Some(Ok(o)) if o.is_word());
                if view.fields_changed() || word {
                    continue;
                }
                (
                    format!("“{written}”所用的字段"),
                    "附表、封面由字段区生成：核对字段是否已改并保存",
                )
            } else {
                let Some(h) = hit else { continue };
                if view.changed_under(*h) {
                    continue;
                }
                (
                    format!("“{}”（{written}）", review::location(&view.numbers, *h)),
                    "核对修改位置是否写对，修改是否已保存；未采纳的意见请写明理由，不要写“已修改”",
                )
            };
            out.push(
                Diagnostic::at(
                    rule::REVIEW_UNCHANGED,
                    Severity::Warning,
                    &doc.src,
                    response.span.clone(),
                    format!(
                        "意见 {} 说已修改，但{place}与送审版本（{origin}）相比没有改动",
                        c.label(i)
                    ),
                )
                .with_label("修改情况")
                .with_help(help),
            );
        }
    }
}

/// `review/unanswered`: a comment with no response.
fn unanswered(doc: &Document, meta: &ResponseMeta, out: &mut Vec<Diagnostic>) {
    for (i, c) in meta.comments.iter().enumerate() {
        if c.response.is_some() {
            // An answer still 待补充 is content/placeholder's.
            continue;
        }
        let span = c
            .text
            .as_ref()
            .map(|t| t.span.clone())
            .or_else(|| c.id.as_ref().map(|t| t.span.clone()))
            .unwrap_or_else(|| c.at.clone());
        let text = c.text.as_ref().map_or_else(String::new, |t| {
            let short: String = t.value.chars().take(24).collect();
            let more = if short.len() < t.value.len() {
                "…"
            } else {
                ""
            };
            format!("（{short}{more}）")
        });
        out.push(
            Diagnostic::at(
                rule::REVIEW_UNANSWERED,
                Severity::Error,
                &doc.src,
                span,
                format!("意见 {}{text}没有写修改情况", c.label(i)),
            )
            .with_label("没有答复")
            .with_help("在这条意见下加 `response: 已在……中补充……`；未采纳的，写明理由"),
        );
    }
}

/// The revised document's heading nearest to a section written as the
/// experts' version named it (方案的产生和筛选 → 方案的产生、筛选和确定),
/// with its number.
fn closest_heading(
    revised: &Document,
    numbers: &[(String, String)],
    written: &str,
) -> Option<String> {
    let (_, title) = crate::text::split_heading_number(written);
    let titles: Vec<&str> = revised
        .body
        .headings
        .iter()
        .map(|h| crate::text::split_heading_number(&h.text).1)
        .collect();
    let near = crate::text::closest(title, titles.iter().copied())?;
    let i = titles.iter().position(|t| *t == near)?;
    Some(review::location(numbers, i))
}
