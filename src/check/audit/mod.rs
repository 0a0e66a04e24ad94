//! Rules for the voluntary audit report and the acceptance self-evaluation
//! (Henan notice, domain.md §5): `audit/required-sections`,
//! `audit/stages`, `audit/balances`, `audit/options`, `audit/expert-group`,
//! `audit/agency`, `audit/reaudit-due`, `audit/report-file`, and the
//! municipal dates as `deadline/*`. What they check against (the required
//! parts, stages, minimums, dates) is the call's `voluntary` data.

mod acceptance;
mod across;
mod claims;
mod counts;
mod identity;
mod options;
mod prose;

pub use acceptance::*;
pub use across::*;
use claims::*;
use counts::*;
use identity::*;
pub use options::*;
pub(crate) use prose::*;

use crate::rule;
use std::ops::Range;

use chrono::{DateTime, FixedOffset};

use super::outline::{best_match, entry_names};
use super::{Ctx, diag, field_span, key_span};
use crate::call::{Voluntary, format_zh};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::fields::Spanned;
use crate::document::voluntary::{AuditMeta, FormMeta, date_zh};
use crate::text::normalize_title;

pub fn check(ctx: &Ctx<'_>, doc: &Document, report: &AuditMeta, out: &mut Vec<Diagnostic>) {
    let v = &ctx.call.voluntary;
    super::form::enterprise_identity(ctx, doc, &report.enterprise, "enterprise.", out);
    title_names_the_enterprise(
        doc,
        report.title.as_ref(),
        &report.enterprise,
        rule::AUDIT_IDENTITY,
        out,
    );
    required_sections(doc, v, out);
    mentioned(
        doc,
        &v.stages,
        rule::AUDIT_STAGES,
        "审核程序中的“{}”阶段",
        out,
    );
    mentioned(doc, &v.balances, rule::AUDIT_BALANCES, "{}", out);
    vetoes(doc, &v.vetoes, out);
    prose_figures(doc, report, None, out);
    options(doc, report, out);
    let experts_of = &report.evaluation.experts;
    experts(
        doc,
        v.min_experts,
        experts_of,
        "evaluation.experts",
        "评估",
        out,
    );
    if let Some(r) = &report.evaluation.result
        && !matches!(r.value.as_str(), "通过" | "不通过")
    {
        out.push(
            diag(
                rule::FRONTMATTER_INVALID_VALUE,
                Severity::Error,
                doc,
                r.span.clone(),
                format!("评估结论“{}”不对", r.value),
            )
            .with_help("评估结论只有 通过 和 不通过 两种"),
        );
    }
    if report.evaluation.result.is_some() && experts_of.is_empty() {
        out.push(
            diag(
                rule::AUDIT_EXPERT_GROUP,
                Severity::Error,
                doc,
                key_span(doc, "evaluation"),
                "已填写评估结论，但没有列出评估专家组成员",
            )
            .with_help(format!(
                "在 evaluation.experts 中列出专家组成员（不少于{}人）",
                v.min_experts
            )),
        );
    }
    agency(doc, &v.agency, report, out);
    reaudit(ctx, doc, report, out);
    dates_in_order(
        doc,
        &[
            ("审核开始日期", &report.period_start),
            ("审核结束日期", &report.period_end),
            ("评估日期", &report.evaluation.date),
        ],
        out,
    );
}

/// `date/order`: dates that must follow each other (an audit's start, end
/// and evaluation) in the order given; an error at the later field.
fn dates_in_order(
    doc: &Document,
    dates: &[(&str, &Option<Spanned<DateTime<FixedOffset>>>)],
    out: &mut Vec<Diagnostic>,
) {
    let known: Vec<(&str, &Spanned<DateTime<FixedOffset>>)> = dates
        .iter()
        .filter_map(|(name, d)| d.as_ref().map(|d| (*name, d)))
        .collect();
    for pair in known.windows(2) {
        let ((a_name, a), (b_name, b)) = (pair[0], pair[1]);
        // Days, not instants: a period's end reads as the end of its day,
        // and the same day is in order.
        if b.value.date_naive() < a.value.date_naive() {
            out.push(
                diag(
                    rule::DATE_ORDER,
                    Severity::Error,
                    doc,
                    b.span.clone(),
                    format!(
                        "{b_name}（{}）早于{a_name}（{}）",
                        date_zh(&b.value),
                        date_zh(&a.value)
                    ),
                )
                .with_help(format!("{a_name}应在{b_name}之前：核对两个日期")),
            );
        }
    }
}

/// Where an item of a front-matter list stands: the reader gives each
/// item the whole list's span; the item's own text, searched from the
/// list's key to the end of the front matter, is more precise (one `- 项`
/// per line).
fn list_item_span(doc: &Document, path: &str, item: &Spanned<String>) -> Range<usize> {
    let from = key_span(doc, path).start;
    let to = doc.body_start();
    doc.src
        .text
        .get(from..to)
        .and_then(|t| t.find(item.value.as_str()))
        .map_or(item.span.clone(), |i| from + i..from + i + item.value.len())
}

pub fn deadline_form(ctx: &Ctx<'_>, doc: &Document, form: &FormMeta, out: &mut Vec<Diagnostic>) {
    let v = &ctx.call.voluntary;
    let base = form.filled_on.as_ref().map_or(ctx.opts.today, |d| d.value);
    let span = key_span(doc, "filled_on");
    yearly_deadline(ctx, doc, &v.list_due, &v.list_what, &base, span, out);
}

fn yearly_deadline(
    ctx: &Ctx<'_>,
    doc: &Document,
    due: &str,
    what: &str,
    base: &DateTime<FixedOffset>,
    span: Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let Some((month, day)) = Voluntary::month_day(due) else {
        return;
    };
    let due_text = due;
    let Some(due) = Voluntary::next_due(due, base) else {
        return;
    };
    let v = &ctx.call.voluntary;
    let today = ctx.opts.today;
    if today > due {
        // The round this document was dated for has closed: history for a
        // document sent in time, so a note, with the next round's date.
        let ago = -super::deadline::days_left(&today, &due);
        let next = Voluntary::next_due(due_text, &today)
            .map_or_else(String::new, |n| format!("；下一次截止是 {}", format_zh(&n)));
        out.push(
            diag(
                rule::DEADLINE_PASSED,
                Severity::Info,
                doc,
                span,
                format!(
                    "按文档日期，“{what}”这一轮已于 {} 截止（{ago} 天前）{next}",
                    format_zh(&due)
                ),
            )
            .with_help(format!(
                "已按时报送的无需处理；尚未报送的顺延到下一轮（每年 {month} 月 {day} 日截止），请与{}确认",
                v.authority
            )),
        );
    } else {
        let left = super::deadline::days_left(&today, &due);
        out.push(
            diag(
                rule::DEADLINE_UPCOMING,
                Severity::Info,
                doc,
                span,
                format!("距“{what}”截止还有 {left} 天（{}）", format_zh(&due)),
            )
            .with_help(format!(
                "每年 {month} 月 {day} 日截止，由{}办理（{}）",
                v.authority, v.notice
            )),
        );
    }
}

/// Where a finding about the whole body points: its first line of text
/// (not the blank line after the front matter).
fn body_span(doc: &Document) -> Range<usize> {
    let at = doc.body_start();
    let body = doc.src.text.get(at..).unwrap_or("");
    let lead = body.len() - body.trim_start().len();
    let start = at + lead;
    let end = body[lead..]
        .find('\n')
        .map_or(doc.src.text.len(), |k| start + k);
    start..end
}

fn required_sections(doc: &Document, v: &Voluntary, out: &mut Vec<Diagnostic>) {
    let names = entry_names(&v.report_sections);
    let mut found = vec![false; names.len()];
    for h in &doc.body.headings {
        if let Some(m) = best_match(&names, &h.title) {
            found[m.entry] = true;
        }
    }
    // A report organised by audit stage covers a part across chapters.
    let titles: Vec<String> = doc
        .body
        .headings
        .iter()
        .map(|h| normalize_title(&h.title))
        .collect();
    let stands = |word: &str| {
        let w = normalize_title(word);
        titles.iter().any(|t| t == &w || t.starts_with(&w))
    };
    for (entry, ok) in v.report_sections.iter().zip(found.iter_mut()) {
        if !*ok
            && entry
                .covered_by
                .iter()
                .any(|set| set.iter().all(|w| stands(w)))
        {
            *ok = true;
        }
    }
    let all: Vec<&str> = v.report_sections.iter().map(|e| e.title.as_str()).collect();
    for (entry, ok) in v.report_sections.iter().zip(&found) {
        if !ok {
            let title = &entry.title;
            out.push(
                diag(
                    rule::AUDIT_REQUIRED_SECTIONS,
                    Severity::Error,
                    doc,
                    body_span(doc),
                    format!("审核报告缺少“{title}”部分"),
                )
                .with_label("正文")
                .with_help({
                    let chapters: Vec<String> = entry
                        .covered_by
                        .iter()
                        .map(|set| set.join("、"))
                        .collect();
                    if chapters.is_empty() {
                        format!(
                            "通知（{}）要求审核报告包括：{}。加一个标题 `# {title}`",
                            v.notice,
                            all.join("；")
                        )
                    } else {
                        format!(
                            "通知（{}）要求审核报告包括：{}。加一个标题 `# {title}`，或按审核阶段分章写出：{}",
                            v.notice,
                            all.join("；"),
                            chapters.join(" 或 ")
                        )
                    }
                }),
            );
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
