//! One enterprise's audit report and acceptance report against each other
//! (`acceptance/implemented`, `acceptance/pending-option`, the dates).

use super::super::{diag, key_span};
use super::*;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::voluntary::{AuditMeta, OptionClass, date_zh};
use crate::rule;
use crate::text::normalize_title;

/// Whether an option's name and a name written elsewhere are the same
/// option: equal after normalising, or one contains the other.
pub(super) fn same_option(a: &str, b: &str) -> bool {
    let (a, b) = (normalize_title(a), normalize_title(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a == b || (a.chars().count().min(b.chars().count()) >= 2 && (a.contains(&b) || b.contains(&a)))
}

/// One enterprise's audit report and acceptance report (matched by credit
/// code, else by name) against each other: `acceptance/implemented` (an
/// implemented option the report does not have), `acceptance/pending-option`
/// (a 中/高费 option of the report not implemented before acceptance), and
/// the report's evaluation date against the acceptance report's dates
/// (`enterprise/consistency`). Errors at the acceptance report's fields.
pub fn across_documents(docs: &[Document], out: &mut Vec<Diagnostic>) {
    let key = |d: &Document| -> Option<String> {
        let e = d.enterprise()?;
        e.uscc
            .as_ref()
            .map(|c| crate::check::form::fold_uscc(&c.value))
            .filter(|c| !c.is_empty())
            .or_else(|| e.name.as_ref().map(|n| normalize_title(&n.value)))
    };
    let reports: Vec<(&Document, &AuditMeta, Option<String>)> = docs
        .iter()
        .filter_map(|d| Some((d, d.audit()?, key(d))))
        .collect();
    if reports.is_empty() {
        return;
    }
    for doc in docs {
        let Some(acc) = doc.acceptance() else {
            continue;
        };
        let Some(k) = key(doc) else { continue };
        // Only one report of this enterprise is unambiguous.
        let mut mine = reports.iter().filter(|(_, _, rk)| rk.as_ref() == Some(&k));
        let (Some((rdoc, report, _)), None) = (mine.next(), mine.next()) else {
            continue;
        };
        let names: Vec<&str> = report
            .options
            .iter()
            .filter_map(|o| o.name.as_ref().map(|n| n.value.as_str()))
            .collect();
        if !names.is_empty() {
            for imp in &acc.implemented {
                if names.iter().any(|n| same_option(n, &imp.value)) {
                    continue;
                }
                let hint = crate::text::closest(&imp.value, names.iter().copied())
                    .map_or_else(String::new, |c| format!("是否指“{c}”？"));
                out.push(
                    diag(
                        rule::ACCEPTANCE_IMPLEMENTED,
                        Severity::Error,
                        doc,
                        list_item_span(doc, "implemented", imp),
                        format!(
                            "已实施方案“{}”不是审核报告（{}）中的方案",
                            imp.value, rdoc.src.rel
                        ),
                    )
                    .with_label("报告中没有")
                    .with_help(format!(
                        "{hint}验收的是审核报告确定的方案，名称应与报告的 options 一致：{}",
                        names.join("、")
                    )),
                );
            }
        }
        for o in &report.options {
            let (Some(name), Some(OptionClass::High)) = (&o.name, o.class()) else {
                continue;
            };
            if acc
                .implemented
                .iter()
                .any(|i| same_option(&name.value, &i.value))
            {
                continue;
            }
            out.push(
                diag(
                    rule::ACCEPTANCE_PENDING_OPTION,
                    Severity::Error,
                    doc,
                    key_span(doc, "implemented"),
                    format!(
                        "审核报告（{}）中的中/高费方案“{}”没有列入已实施方案",
                        rdoc.src.rel, name.value
                    ),
                )
                .with_label("已实施方案")
                .with_help("通知要求实施完成清洁生产方案后才能申请验收：实施后把它加入 implemented；尚未实施的，暂不申请验收"),
            );
        }
        prose_figures(
            doc,
            report,
            Some(&Accepted {
                report_rel: &rdoc.src.rel,
                implemented: &acc.implemented,
            }),
            out,
        );
        if let Some(eval) = &report.evaluation.date {
            let at = |path: &str| super::field_span(doc, path);
            if let Some(d) = &acc.evaluation_date
                && d.value.date_naive() != eval.value.date_naive()
            {
                out.push(
                    diag(
                        rule::ENTERPRISE_CONSISTENCY,
                        Severity::Error,
                        doc,
                        at("evaluation_date"),
                        format!(
                            "评估日期 {} 与审核报告（{}）的评估日期 {} 不同",
                            date_zh(&d.value),
                            rdoc.src.rel,
                            date_zh(&eval.value)
                        ),
                    )
                    .with_help("以评估意见上的日期为准，两份报告写同一天"),
                );
            } else if acc.evaluation_date.is_none()
                // (With its own evaluation date, the acceptance report's
                // date is held against it by `date/order`: once is enough.)
                && let Some(d) = &acc.date
                && d.value < eval.value
            {
                out.push(
                    diag(
                        rule::ENTERPRISE_CONSISTENCY,
                        Severity::Error,
                        doc,
                        at("date"),
                        format!(
                            "验收自评报告编制日期 {} 早于审核报告（{}）的评估日期 {}",
                            date_zh(&d.value),
                            rdoc.src.rel,
                            date_zh(&eval.value)
                        ),
                    )
                    .with_help("验收在审核报告通过评估、方案实施完成之后：核对两个日期"),
                );
            }
        }
    }
}
