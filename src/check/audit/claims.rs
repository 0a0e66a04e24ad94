//! What a report must say and who wrote it: the veto items (`audit/veto`),
//! the stages and balances it mentions (`audit/stages`, `audit/balances`),
//! the expert group (`audit/expert-group`), the agency (`audit/agency`) and
//! the next audit (`audit/reaudit-due`).

use super::super::{Ctx, diag, field_span, key_span};
use super::*;
use crate::call::{AgencyMinimums, Mention};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::fields::Spanned;
use crate::document::voluntary::{AuditMeta, date_zh};
use crate::rule;
use chrono::Months;

/// Veto items of the acceptance scoring: named, not negated, and (for a
/// target) with a quantity in the same sentence or table row. What is
/// certain is only that a report does not name the item at all — neither
/// its words nor its hints (重点, 目标) stand anywhere but denied: an
/// error. A report that names it in a way not read (a 重点 not tied to the
/// audit, a 目标 whose figure is written otherwise) gets a warning, for a
/// person to judge.
pub(super) fn vetoes(doc: &Document, items: &[crate::call::Veto], out: &mut Vec<Diagnostic>) {
    let body = doc.body_text();
    for item in items {
        let named = affirmed(body, &item.words);
        let ok = named.iter().any(|s| !item.quantified || has_quantity(s))
            || (item.quantified && quantified_elsewhere(doc, &item.words));
        if ok {
            continue;
        }
        let headed = |words: &[String]| {
            doc.body.headings.iter().any(|h| {
                words.iter().any(|w| names_word(&h.title, w))
                    && !NEGATIONS.iter().any(|n| h.title.contains(n))
            })
        };
        let hinted = affirmed(body, &item.hints);
        let diagnostic = if !named.is_empty() || headed(&item.words) {
            // Named, but no figure read beside it.
            diag(
                rule::AUDIT_VETO,
                Severity::Warning,
                doc,
                body_span(doc),
                format!(
                    "写到了{}，但没有读到其中的数值（省级验收评分的否决项）",
                    item.name
                ),
            )
            .with_help(format!(
                "{}。数值写成别的形式（如图表、附件）时请人工确认",
                item.help
            ))
        } else if !hinted.is_empty() || headed(&item.hints) {
            diag(
                rule::AUDIT_VETO,
                Severity::Warning,
                doc,
                body_span(doc),
                format!("没有读到写明{}的句子（省级验收评分的否决项）", item.name),
            )
            .with_help(format!(
                "{}。正文中写到了“{}”，如已写明请人工确认；写成“{}”最清楚",
                item.help,
                item.hints
                    .iter()
                    .find(|h| hinted.iter().any(|s| s.contains(h.as_str())))
                    .unwrap_or(&item.name),
                item.name
            ))
        } else {
            diag(
                rule::AUDIT_VETO,
                Severity::Error,
                doc,
                body_span(doc),
                format!("报告没有写明{}（省级验收评分的否决项）", item.name),
            )
            .with_help(item.help.clone())
        };
        out.push(diagnostic);
    }
}

/// A quantity stated where the words stand as a title rather than in the
/// sentence: in the text of a section titled with them (“2.7 设置清洁生产
/// 目标”: 单位产品能耗由94.9降至88.0千克标准煤/吨), or in a table captioned
/// with them (表2-1 清洁生产目标) or whose header names a 目标 column.
pub(super) fn quantified_elsewhere(doc: &Document, words: &[String]) -> bool {
    let names = |t: &str| words.iter().any(|w| names_word(t, w));
    let text = &doc.src.text;
    let headings = &doc.body.headings;
    let end = text.len();
    for (i, h) in headings.iter().enumerate() {
        if !names(&h.title) {
            continue;
        }
        // The section up to the next heading of its level or above.
        let stop = headings[i + 1..]
            .iter()
            .find(|n| n.depth <= h.depth)
            .map_or(end, |n| n.span.start);
        let section = text.get(h.span.end.min(stop)..stop).unwrap_or("");
        if section
            .split(['。', '；', '\n'])
            .any(|s| !NEGATIONS.iter().any(|n| s.contains(n)) && has_quantity(s))
        {
            return true;
        }
    }
    let body = doc.body_text();
    let mut captioned = false;
    let mut header_next = false;
    for line in body.lines() {
        let l = line.trim();
        if l.starts_with('|') {
            if header_next {
                // A table's first row is its header.
                captioned |= l.contains("目标") || names(l);
                header_next = false;
            } else if captioned && has_quantity(l) {
                return true;
            }
        } else if !l.is_empty() {
            captioned = names(l) && !NEGATIONS.iter().any(|n| l.contains(n));
            header_next = true;
        }
    }
    false
}

pub(super) fn mentioned(
    doc: &Document,
    items: &[Mention],
    rule: crate::rule::RuleId,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let body = doc.body_text();
    // Enumerations sharing a head are written out (物料、能量和水平衡).
    let heads = shared_heads(items);
    for item in items {
        // Named in a sentence that does not say it was not done (“尚未
        //建立水平衡” is not a water balance).
        if affirmed_listed(body, &item.words, &heads).is_empty() {
            let label = what.replace("{}", &item.name);
            // The chapter to write it in, as this report names it: the
            // notice's 清洁生产审核过程和结果, or the stage chapter of a
            // report organised by stage (第三章 评估 / 审核).
            let chapter = doc
                .body
                .headings
                .iter()
                .map(|h| h.title.trim())
                .find(|t| t.contains("过程和结果"))
                .or_else(|| {
                    doc.body.headings.iter().map(|h| h.title.trim()).find(|t| {
                        let t = t
                            .trim_start_matches(|c: char| !c.is_alphabetic() || c.is_ascii_digit());
                        t.contains("评估") || t.ends_with("审核") && t.chars().count() <= 8
                    })
                })
                .map_or_else(|| "写审核过程的章节".to_string(), |t| format!("“{t}”"));
            let help = if rule == rule::AUDIT_BALANCES {
                format!("审核阶段应建立物料平衡、能量平衡和水平衡：在{chapter}中写明平衡测算及结论")
            } else {
                format!(
                    "审核程序为：审核准备 → 审核 → 方案的产生和筛选 → 方案的确定 → 编写审核报告；在{chapter}中逐一写明"
                )
            };
            out.push(
                diag(
                    rule,
                    Severity::Warning,
                    doc,
                    body_span(doc),
                    format!("报告中没有写到{label}"),
                )
                .with_help(help),
            );
        }
    }
}

pub(super) fn experts(
    doc: &Document,
    min: usize,
    experts: &[Spanned<String>],
    path: &str,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    if !experts.is_empty() && experts.len() < min {
        out.push(
            diag(
                rule::AUDIT_EXPERT_GROUP,
                Severity::Error,
                doc,
                field_span(doc, path),
                format!(
                    "{what}专家组只有 {} 人，通知要求不少于 {min} 人",
                    experts.len()
                ),
            )
            .with_help(format!("{what}须由不少于{min}名专家组成的专家组进行")),
        );
    }
}

pub(super) fn agency(
    doc: &Document,
    min: &AgencyMinimums,
    report: &AuditMeta,
    out: &mut Vec<Diagnostic>,
) {
    let Some(a) = &report.agency else { return };
    let n = |v: &Option<Spanned<f64>>| v.as_ref().map(|x| x.value);
    let checks = [
        ("staff", n(&a.staff), min.staff, "专职技术人员"),
        ("senior", n(&a.senior), min.senior, "高级职称人员"),
        (
            "intermediate",
            n(&a.intermediate),
            min.intermediate,
            "中级职称（或注册能源、环境类资格）人员",
        ),
    ];
    for (key, value, least, what) in checks {
        if let Some(v) = value
            && v < least
        {
            out.push(
                diag(
                    rule::AUDIT_AGENCY,
                    Severity::Error,
                    doc,
                    field_span(doc, &format!("agency.{key}")),
                    format!("第三方服务机构{what}为 {v} 人，通知要求不少于 {least} 人"),
                )
                .with_help(format!(
                    "通知对第三方服务机构的要求：专职技术人员不少于{}人，其中高级职称不少于{}人、中级职称（或注册资格）不少于{}人",
                    min.staff, min.senior, min.intermediate
                )),
            );
        }
    }
    // Judged once either record is given (a new skeleton has neither).
    let given = a.industry_audits.is_some() || a.related_jobs.is_some();
    let audits = n(&a.industry_audits).unwrap_or(0.0);
    let related = n(&a.related_jobs).unwrap_or(0.0);
    if given && audits < min.industry_audits && related < min.related_jobs {
        out.push(
            diag(
                rule::AUDIT_AGENCY,
                Severity::Error,
                doc,
                key_span(doc, "agency"),
                format!("第三方服务机构业绩不足：本行业审核 {audits} 家、相关咨询 {related} 项"),
            )
            .with_help(format!(
                "通知要求在所服务行业完成清洁生产审核不少于{}家，或完成环评、能源审计、能评、能源规划等相关咨询不少于{}项",
                min.industry_audits, min.related_jobs
            )),
        );
    }
}

pub(super) fn reaudit(
    ctx: &Ctx<'_>,
    doc: &Document,
    report: &AuditMeta,
    out: &mut Vec<Diagnostic>,
) {
    let v = &ctx.call.voluntary;
    let (base, path) = match (&report.evaluation.date, &report.period_end) {
        (Some(d), _) => (d, "evaluation.date"),
        (None, Some(d)) => (d, "period.end"),
        _ => return,
    };
    let Some(due) = base
        .value
        .checked_add_months(Months::new(12 * v.reaudit_years))
    else {
        return;
    };
    let warn_from = due
        .checked_sub_months(Months::new(v.reaudit_warn_months))
        .unwrap_or(due);
    let today = ctx.opts.today;
    let span = field_span(doc, path);
    if today >= warn_from {
        let left = crate::check::deadline::days_left(&today, &due);
        let when = if left >= 0 {
            format!("还有 {left} 天")
        } else {
            format!("已过 {} 天", -left)
        };
        out.push(
            diag(
                rule::AUDIT_REAUDIT_DUE,
                Severity::Warning,
                doc,
                span,
                format!("下一轮清洁生产审核应在 {} 前开展（{when}）", date_zh(&due)),
            )
            .with_help(format!(
                "清洁生产审核每{}年开展一次：及早启动下一轮审核",
                v.reaudit_years
            )),
        );
    } else {
        out.push(
            diag(
                rule::AUDIT_REAUDIT_DUE,
                Severity::Info,
                doc,
                span,
                format!("下一轮清洁生产审核应在 {} 前开展", date_zh(&due)),
            )
            .with_help(format!("清洁生产审核每{}年开展一次", v.reaudit_years)),
        );
    }
}
