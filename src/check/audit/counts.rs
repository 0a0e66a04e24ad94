//! `audit/prose-figures`: the counts of options a report states in its
//! text (共提出方案N项，其中无/低费a项…) against its `options`, telling a
//! total from a part (a stage's, a year's, a workshop's count).

use super::super::diag;
use super::*;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::fields::Spanned;
use crate::document::voluntary::{AuditMeta, OptionClass, OptionStatus, Totals, number};
use crate::rule;
use std::ops::Range;

/// An acceptance report's text speaks of its audit report's options and
/// of those it implemented: which report (for messages) and which options.
pub(super) struct Accepted<'a> {
    pub(super) report_rel: &'a str,
    pub(super) implemented: &'a [Spanned<String>],
}

/// Words after which a text states how many options were implemented.
pub(super) const IMPLEMENTED_COUNT: [&str; 6] = [
    "已实施清洁生产方案",
    "已实施方案",
    "共实施清洁生产方案",
    "共实施方案",
    "实施完成清洁生产方案",
    "实施完成方案",
];

/// `audit/prose-figures`: counts and totals stated in the text (共提出清洁
/// 生产方案N项，其中无/低费方案a项，中/高费方案b项；总投资X万元；年经济效益
/// Y万元) against the options — in the audit report, and in an acceptance
/// report against its report's options and those it implemented (已实施
/// 方案N项; “已全部实施” when some were not). A count that disagrees is an
/// error; an amount that is none of the totals nor any option's own is a
/// warning (the text may speak of something else).
pub(super) fn prose_figures(
    doc: &Document,
    report: &AuditMeta,
    accepted: Option<&Accepted<'_>>,
    out: &mut Vec<Diagnostic>,
) {
    if report.options.is_empty() {
        return;
    }
    let at = doc.body_start();
    let body = doc.body_text();
    let all = report.totals(None);
    let low = report.totals(Some(OptionClass::Low));
    let high = report.totals(Some(OptionClass::High));
    // The options implemented, as the report states them.
    let done: Vec<&crate::document::voluntary::CpOption> = match accepted {
        Some(a) => report
            .options
            .iter()
            .filter(|o| {
                o.name.as_ref().is_some_and(|n| {
                    a.implemented
                        .iter()
                        .any(|i| same_option(&n.value, &i.value))
                })
            })
            .collect(),
        // In the report itself: the options whose status says done.
        None => report
            .options
            .iter()
            .filter(|o| o.status() == Some(OptionStatus::Done))
            .collect(),
    };
    let done_totals = Totals {
        count: done.len(),
        investment: done
            .iter()
            .filter_map(|o| o.investment.as_ref().map(|v| v.value))
            .sum(),
        economic_benefit: done
            .iter()
            .filter_map(|o| o.economic_benefit.as_ref().map(|v| v.value))
            .sum(),
    };
    let options_of = match accepted {
        Some(a) => format!("审核报告（{}）的 options", a.report_rel),
        None => "options".to_string(),
    };
    // In an acceptance report the finding spans two documents.
    let rule = if accepted.is_some() {
        rule::ACCEPTANCE_PROSE_FIGURES
    } else {
        rule::AUDIT_PROSE_FIGURES
    };
    let mut push = |range: Range<usize>, severity: Severity, message: String| {
        out.push(
            diag(
                rule,
                severity,
                doc,
                at + range.start..at + range.end,
                message,
            )
            .with_help(if accepted.is_some() {
                "正文中的方案数和金额应与审核报告的 options 和本报告的 implemented 一致：改正其中一处"
            } else {
                "正文中的方案数和金额应与 front matter 的 options 一致：改正其中一处"
            }),
        );
    };
    let mut counts: Vec<(&[&str], usize, &str, String)> = vec![
        (
            &[
                "共提出清洁生产方案",
                "共产生清洁生产方案",
                "共提出方案",
                "共产生方案",
                "清洁生产方案共",
            ],
            all.count,
            "方案",
            options_of.clone(),
        ),
        (
            &["无/低费方案", "无低费方案"],
            low.count,
            "无/低费方案",
            options_of.clone(),
        ),
        (
            &["中/高费方案", "中高费方案"],
            high.count,
            "中/高费方案",
            options_of.clone(),
        ),
    ];
    // Counts per class only when every option's class is known (a bad
    // `class:` is reported once, at itself).
    if !report.classes_known() {
        counts.truncate(1);
    }
    match accepted {
        Some(a) => counts.push((
            &IMPLEMENTED_COUNT,
            a.implemented.len(),
            "已实施方案",
            "implemented".to_string(),
        )),
        // The report's own count of those done, where every option says
        // where it stands.
        None if report.options.iter().all(|o| o.status().is_some()) => counts.push((
            &IMPLEMENTED_COUNT,
            done.len(),
            "已实施方案",
            "options 的 status".to_string(),
        )),
        None => {}
    }
    // Counts tied to a stage, a year, a workshop or a status are parts
    // (预评估阶段提出无/低费方案6项 … 评估阶段新增3项): not the class's
    // total. Parts of one class in one paragraph may not add up to more
    // than its total: (class, paragraph) → (sum, first range).
    let mut parts: std::collections::BTreeMap<(&str, usize), (f64, Range<usize>, usize)> =
        Default::default();
    for (keys, expected, what, source) in counts {
        for key in keys {
            for (range, v) in stated_after(body, key, "项") {
                // “共提出方案23项，经合并、剔除后筛选出12项”: the first count
                // is of the candidates, not of the options kept.
                let sentence = &body[range.end..sentence_end(body, range.end)];
                if what == "方案"
                    && ["筛选", "剔除", "合并", "可行", "初步"]
                        .iter()
                        .any(|w| sentence.contains(w))
                {
                    continue;
                }
                let before = &body[sentence_start(body, range.start)..range.start];
                if what != "已实施方案" && is_part_count(before) {
                    let paragraph = body[..range.start].rfind("\n\n").unwrap_or(0);
                    let e =
                        parts
                            .entry((what, paragraph))
                            .or_insert((0.0, range.clone(), expected));
                    e.0 += v;
                    continue;
                }
                if (v - expected as f64).abs() > 1e-9 {
                    // Certain only where the sentence states a total (共、
                    // 合计、全部); elsewhere prose is read, and may be read
                    // wrong: a warning.
                    let severity = if states_total(before) {
                        Severity::Error
                    } else {
                        Severity::Warning
                    };
                    push(
                        range,
                        severity,
                        format!("正文写{what} {v} 项，{source} 中有 {expected} 项"),
                    );
                }
            }
        }
    }
    for ((what, _), (sum, range, expected)) in parts {
        if sum > expected as f64 + 1e-9 {
            push(
                range,
                Severity::Warning,
                format!(
                    "这一段按阶段（或年份、车间）写的{what}加起来是 {sum} 项，多于 {options_of} 中的 {expected} 项"
                ),
            );
        }
    }
    // “已全部实施”: every option of the report implemented (acceptance), or
    // none still underway or planned (the report's own statuses) — of the
    // class the sentence names, if it names one (9项无/低费方案已全部实施).
    let not_done = |o: &crate::document::voluntary::CpOption| match accepted {
        Some(_) => !done.iter().any(|d| std::ptr::eq(*d, o)),
        None => o.status().is_some_and(|st| st != OptionStatus::Done),
    };
    let claims = [
        "全部实施",
        "均已实施",
        "都已实施",
        "全部完成实施",
        "均已完成实施",
    ];
    let mut at: Vec<(usize, &str)> = claims.iter().flat_map(|c| body.match_indices(c)).collect();
    at.sort_unstable();
    // “8项无/低费方案在审核期间全部实施”: the count of a claim is the
    // count of that class (or of all the options).
    // “全部实施后” (once all are done), “待全部实施” speak of the future.
    at.retain(|&(i, claim)| {
        let after = &body[i + claim.len()..];
        let before = &body[..i];
        !(after.starts_with('后')
            || after.starts_with("以后")
            || ["待", "若", "如", "将", "拟", "预计", "计划"]
                .iter()
                .any(|w| before.ends_with(w)))
    });
    for &(i, claim) in &at {
        let start_of = sentence_start(body, i);
        let sentence = &body[start_of..i];
        for (class, words) in [
            (Some(OptionClass::Low), &["无/低费方案", "无低费方案"][..]),
            (Some(OptionClass::High), &["中/高费方案", "中高费方案"][..]),
            (None, &["项方案", "项清洁生产方案"][..]),
        ] {
            if class.is_some() && !report.classes_known() {
                continue;
            }
            let Some((k, _)) = words
                .iter()
                .filter_map(|w| sentence.rfind(w).map(|k| (k, w)))
                .max()
            else {
                continue;
            };
            // The count right before: “8项无/低费方案”, “10项方案”.
            let head = if class.is_some() {
                sentence[..k].strip_suffix('项')
            } else {
                Some(&sentence[..k])
            };
            let Some(head) = head else { continue };
            let digits = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            let Ok(n) = head[head.len() - digits..].parse::<usize>() else {
                continue;
            };
            let expected = report.totals(class).count;
            if n != expected {
                let start = start_of + head.len() - digits;
                let what = class.map_or("", |c| c.name_zh());
                push(
                    start..start + digits,
                    Severity::Error,
                    format!(
                        "正文写{n}项{what}方案“{claim}”，{options_of} 中{what}方案有 {expected} 项"
                    ),
                );
            }
        }
    }
    if report.options.iter().any(not_done) {
        for &(i, claim) in &at {
            let sentence = &body[sentence_start(body, i)..i];
            let clause = sentence
                .rfind(['，', ','])
                .map_or(sentence, |k| &sentence[k..]);
            // Not when it says it was not (尚未全部实施).
            if NEGATIONS.iter().any(|n| clause.contains(n)) || clause.ends_with('未') {
                continue;
            }
            let class = if ["无/低费", "无低费", "低费"]
                .iter()
                .any(|w| sentence.contains(w))
            {
                Some(OptionClass::Low)
            } else if ["中/高费", "中高费", "高费"]
                .iter()
                .any(|w| sentence.contains(w))
            {
                Some(OptionClass::High)
            } else {
                None
            };
            let names: Vec<&str> = report
                .options
                .iter()
                .filter(|o| class.is_none() || o.class() == class)
                .filter(|o| not_done(o))
                .filter_map(|o| o.name.as_ref().map(|n| n.value.as_str()))
                .collect();
            if names.is_empty() {
                continue;
            }
            let (severity, whose) = if accepted.is_some() {
                (Severity::Error, "这些方案不在 implemented 中")
            } else {
                (Severity::Warning, "这些方案的 status 不是已实施")
            };
            push(
                i..i + claim.len(),
                severity,
                format!("正文写方案“{claim}”，但{whose}：{}", names.join("、")),
            );
        }
    }
    // The amounts are judged against the totals per class too: not while
    // a class cannot be read (that is reported once, at the class). An
    // acceptance report states what was actually spent and earned, which
    // differs from the report's estimates as a rule: its amounts are not
    // judged.
    if !report.classes_known() || accepted.is_some() {
        return;
    }
    // A figure as precise as it is written (1576 stands for 1575.9), and a
    // figure said to be about (约) within 1%.
    let near = |v: f64, x: f64, range: &Range<usize>| {
        let written = body.get(range.clone()).unwrap_or("");
        let decimals = written.split_once('.').map_or(0, |(_, d)| d.len());
        let about = body[..range.start].ends_with('约') || body[..range.start].ends_with("约为");
        let tol = if about {
            (x.abs() * 0.01).max(0.5 * 10f64.powi(-(decimals as i32)))
        } else {
            0.5 * 10f64.powi(-(decimals as i32)) + 1e-9
        };
        (x - v).abs() <= tol.max(0.005)
    };
    // Only where the sentence speaks of the options (方案): 一期工程总投资
    // in the enterprise's history is another figure.
    let of_options = |range: &Range<usize>| {
        let from = sentence_start(body, range.start);
        let to = sentence_end(body, range.end);
        body[from..to].contains("方案")
    };
    let known = |v: f64,
                 range: &Range<usize>,
                 pick: fn(&Totals) -> f64,
                 field: fn(&crate::document::voluntary::CpOption) -> Option<f64>| {
        [&all, &low, &high, &done_totals]
            .iter()
            .any(|t| near(v, pick(t), range))
            || report
                .options
                .iter()
                .filter_map(field)
                .any(|x| near(v, x, range))
    };
    for key in ["总投资", "累计投资", "投入资金"] {
        for (range, v) in stated_after(body, key, "万元") {
            if of_options(&range)
                && !known(
                    v,
                    &range,
                    |t| t.investment,
                    |o| o.investment.as_ref().map(|x| x.value),
                )
            {
                // Named as the sentence names it: a class's subtotal
                // for a sentence about 中/高费方案.
                let sentence = &body[sentence_start(body, range.start)..range.start];
                let (what, total) = if ["中/高费", "中高费"].iter().any(|w| sentence.contains(w))
                {
                    ("中/高费方案的合计", high.investment)
                } else if ["无/低费", "无低费"].iter().any(|w| sentence.contains(w)) {
                    ("无/低费方案的合计", low.investment)
                } else {
                    ("合计", all.investment)
                };
                push(
                    range,
                    Severity::Warning,
                    format!(
                        "正文写{key} {v} 万元，与 {options_of} 中{what} {} 万元及各方案投资都不一致",
                        number(total)
                    ),
                );
            }
        }
    }
    for (range, v) in stated_after(body, "年经济效益", "万元") {
        if of_options(&range)
            && !known(
                v,
                &range,
                |t| t.economic_benefit,
                |o| o.economic_benefit.as_ref().map(|x| x.value),
            )
        {
            push(
                range,
                Severity::Warning,
                format!(
                    "正文写年经济效益 {v} 万元，与 {options_of} 的合计 {} 万元及各方案效益都不一致",
                    number(all.economic_benefit)
                ),
            );
        }
    }
}

/// Whether the words before a count in its sentence tie it to a part of
/// the audit: a stage (预评估阶段), a later addition (新增、又提出), a year
/// (2023年), a workshop, a batch, or a status (已实施): then it is not the
/// class's total.
pub(super) fn is_part_count(before: &str) -> bool {
    const MARKS: &[&str] = &[
        "阶段",
        "新增",
        "又提出",
        "另提出",
        "另有",
        "再提出",
        "补充提出",
        "车间",
        "工段",
        "分厂",
        "首批",
        "第一批",
        "第二批",
        "年度",
        "季度",
        "上半年",
        "下半年",
        "已实施",
        "尚未实施",
        "正在实施",
        "未实施",
        "计划实施",
        "拟实施",
        "待实施",
    ];
    if MARKS.iter().any(|m| before.contains(m)) {
        return true;
    }
    // A year: four digits then 年 (2023年).
    let b = before.as_bytes();
    before
        .match_indices('年')
        .any(|(i, _)| i >= 4 && b[i - 4..i].iter().all(u8::is_ascii_digit))
}

/// Whether the words before a count in its sentence say it is a total:
/// 共提出、合计、总计、全部、累计 (and a breakdown after it: 共14项，其中
/// 无/低费方案11项).
pub(super) fn states_total(before: &str) -> bool {
    ["共", "合计", "总计", "全部", "累计", "总共"]
        .iter()
        .any(|m| before.contains(m))
}
