//! `audit/options`: the options as data and as the report's option tables
//! (class, investment, benefit, status) and their totals.

use super::super::{diag, key_span};
use super::*;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::voluntary::{AuditMeta, CpOption, OptionClass, Totals, number};
use crate::rule;
use std::ops::Range;

/// The options summary as text: the same figures the site and the printed
/// table show.
pub fn totals_text(report: &AuditMeta) -> String {
    let part = |t: Totals, name: &str| {
        format!(
            "{name} {} 项，投资 {} 万元，年经济效益 {} 万元",
            t.count,
            number(t.investment),
            number(t.economic_benefit)
        )
    };
    let unclassed = report
        .options
        .iter()
        .filter(|o| o.class().is_none())
        .count();
    let unclassed = if unclassed > 0 {
        format!("；类别待定 {unclassed} 项")
    } else {
        String::new()
    };
    format!(
        "{}；{}{unclassed}；合计 {}",
        part(report.totals(Some(OptionClass::Low)), "无/低费"),
        part(report.totals(Some(OptionClass::High)), "中/高费"),
        part(report.totals(None), "").trim_start()
    )
}

pub(super) fn options(doc: &Document, report: &AuditMeta, out: &mut Vec<Diagnostic>) {
    if report.options.is_empty() {
        return;
    }
    for o in &report.options {
        let name = o
            .name
            .as_ref()
            .map_or_else(|| o.path.clone(), |n| format!("“{}”", n.value));
        // A value not written is reported at the option's item (its first
        // line), not at `options:`.
        let item = item_span(doc, &o.path);
        match &o.class {
            None => out.push(
                diag(
                    rule::AUDIT_OPTIONS,
                    Severity::Error,
                    doc,
                    item.clone(),
                    format!("方案{name}没有写类别"),
                )
                .with_help("class: 无/低费 或 class: 中/高费"),
            ),
            Some(c) if o.class().is_none() => out.push(
                diag(
                    rule::AUDIT_OPTIONS,
                    Severity::Error,
                    doc,
                    c.span.clone(),
                    format!("方案{name}的类别“{}”不对", c.value),
                )
                .with_help("类别只有 无/低费 和 中/高费 两种；改正之前，正文中按类别的方案数和分类方案表不作比对"),
            ),
            _ => {}
        }
        if let Some(st) = &o.status
            && o.status().is_none()
        {
            out.push(
                diag(
                    rule::AUDIT_OPTIONS,
                    Severity::Warning,
                    doc,
                    st.span.clone(),
                    format!(
                        "方案{name}的实施状态“{}”不是 已实施、实施中、计划实施 之一",
                        st.value
                    ),
                )
                .with_label("实施状态")
                .with_help(
                    "status: 已实施、实施中 或 计划实施（已完成、已投运 视同已实施，建设中 视同实施中，拟实施 视同计划实施；可在后面括注日期，如 已实施（2022年12月））",
                ),
            );
        }
        if o.investment.is_none() {
            out.push(
                diag(
                    rule::AUDIT_OPTIONS,
                    Severity::Error,
                    doc,
                    item.clone(),
                    format!("方案{name}没有写投资（万元）"),
                )
                .with_help("investment: 投资额，单位万元；无费方案写 0"),
            );
        }
        if o.economic_benefit.is_none() && !o.has_environmental_benefit() {
            out.push(
                diag(rule::AUDIT_OPTIONS, Severity::Error, doc, item.clone(), format!("方案{name}没有写效益"))
                    .with_help("写 economic_benefit（万元/年），和/或 environmental_benefit（一句话，或分写 energy、water、pollutants）"),
            );
        }
    }
    out.push(
        diag(
            rule::AUDIT_OPTIONS,
            Severity::Info,
            doc,
            key_span(doc, "options"),
            format!("清洁生产方案汇总：{}", totals_text(report)),
        )
        .with_help("这些合计由 shenbao 从各方案计算，印在报告的方案汇总表中"),
    );
    for table in option_tables(doc, report) {
        if table.class.is_some() && !report.classes_known() {
            continue;
        }
        // A table of the options it names (some of them: still to do, or
        // done) is compared with those; else a table of one class's
        // options with that class, else with all.
        let all = table.named.unwrap_or_else(|| report.totals(table.class));
        // The options the table stands for: a figure one of them does not
        // write is already reported at that option (one missing value,
        // one finding), and its total is not compared.
        let set: Vec<&CpOption> = match &table.named_options {
            Some(at) => at.iter().filter_map(|&i| report.options.get(i)).collect(),
            None => report
                .options
                .iter()
                .filter(|o| table.class.is_none() || o.class() == table.class)
                .collect(),
        };
        let investment_known = set.iter().all(|o| o.investment.is_some());
        let benefit_known = set
            .iter()
            .all(|o| o.economic_benefit.is_some() || o.has_environmental_benefit());
        // The rows against the options. The 合计 row against the rows is
        // `numbers/total`'s (at its cell): here only when the table has no
        // rows to add, so one slip is one finding.
        let mut stated = Vec::new();
        let rows_or_total =
            |rows: Option<f64>, total: Option<f64>, r: &'static str, t: &'static str| match (
                rows.filter(|v| v.abs() > 0.005),
                total,
            ) {
                (Some(v), _) => Some((r, v)),
                (None, Some(v)) => Some((t, v)),
                (None, None) => None,
            };
        if investment_known
            && let Some((what, v)) = rows_or_total(
                Some(table.row_investment),
                table.total_investment,
                "投资各行之和",
                "投资合计行",
            )
        {
            stated.push((what, v, all.investment, "投资"));
        }
        if benefit_known
            && let Some((what, v)) = rows_or_total(
                table.row_benefit,
                table.total_benefit,
                "年经济效益各行之和",
                "年经济效益合计行",
            )
        {
            stated.push((what, v, all.economic_benefit, "经济效益"));
        }
        for (what, value, expected, field) in stated {
            if (value - expected).abs() > 0.005 {
                out.push(
                    diag(
                        rule::AUDIT_OPTIONS,
                        Severity::Error,
                        doc,
                        table.span.clone(),
                        format!(
                            "正文方案表的{what}为 {} 万元，与 front matter 中{}{field}合计 {} 万元不一致",
                            number(value),
                            match (table.named.is_some(), table.class) {
                                (true, _) => "表中所列各方案的",
                                (false, Some(OptionClass::Low)) => "无/低费各方案",
                                (false, Some(OptionClass::High)) => "中/高费各方案",
                                (false, None) => "各方案",
                            },
                            number(expected)
                        ),
                    )
                    .with_label("方案表")
                    .with_help(format!("以 front matter 的 options 为准改正表格，或改正 options 中的{field}")),
                );
            }
        }
    }
}

/// Where an option of `options` is written: its first line (`- name:
/// …`), found from the fields it has; `options:` when it has none.
fn item_span(doc: &Document, path: &str) -> Range<usize> {
    let inside = format!("{path}.");
    doc.front
        .as_ref()
        .and_then(|fm| {
            fm.locs
                .iter()
                .filter(|(p, _)| p.starts_with(&inside))
                .map(|(_, l)| l.key.start..l.value.end.max(l.key.end))
                .min_by_key(|r| r.start)
        })
        .unwrap_or_else(|| key_span(doc, path))
}

/// An options table found in the body, with the figures it states.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionTable {
    pub span: Range<usize>,
    /// The class of every option it lists, when it lists only one class.
    pub class: Option<OptionClass>,
    pub row_investment: f64,
    pub total_investment: Option<f64>,
    pub row_benefit: Option<f64>,
    pub total_benefit: Option<f64>,
    /// The totals of the options its rows name, when every row names one
    /// (a table of the options still to do, or of those done).
    pub named: Option<Totals>,
    /// The options its rows name (indices into `options`), when every
    /// row names one.
    pub named_options: Option<Vec<usize>>,
}

/// Tables whose header names options (方案) and investment (投资), from
/// the body's one parse. 小计 rows are subtotals, not options; a table
/// whose options are all of one class (by its 类别 column, or by the
/// options it names) is that class's table.
pub fn option_tables(doc: &Document, report: &AuditMeta) -> Vec<OptionTable> {
    doc.body
        .table_data
        .iter()
        .filter_map(|t| read_table(t, report))
        .collect()
}

pub(super) fn read_table(t: &crate::markdown::Table, report: &AuditMeta) -> Option<OptionTable> {
    let head: Vec<&str> = t.header.iter().map(|c| c.text.trim()).collect();
    if !head.iter().any(|h| h.contains("方案")) {
        return None;
    }
    let inv = head.iter().position(|h| h.contains("投资"))?;
    let ben = head
        .iter()
        .position(|h| h.contains("经济效益") || *h == "效益");
    let class_col = head
        .iter()
        .position(|h| h.contains("类别") || h.contains("类型"));
    let name_col = head
        .iter()
        .position(|h| h.contains("名称"))
        .or_else(|| head.iter().position(|h| h.contains("方案")));
    let num = |row: &[crate::markdown::Cell], i: usize| {
        row.get(i)
            .and_then(|c| crate::document::fields::parse_number(c.text.trim()))
    };
    let mut out = OptionTable {
        // The table's first line: the findings point at it, not all of it.
        span: t.span.start..t.span.start,
        class: None,
        row_investment: 0.0,
        total_investment: None,
        row_benefit: ben.map(|_| 0.0),
        total_benefit: None,
        named: None,
        named_options: None,
    };
    let mut classes: Vec<Option<OptionClass>> = Vec::new();
    // The options the rows name, in order; None for a row that names none.
    let mut named: Vec<Option<usize>> = Vec::new();
    let kinds = crate::check::numbers::row_kinds(&t.rows);
    for (row, &kind) in t.rows.iter().zip(&kinds) {
        // Rows are classified as the table arithmetic does.
        if kind == crate::check::numbers::RowKind::Total {
            out.total_investment = num(row, inv);
            out.total_benefit = ben.and_then(|b| num(row, b));
            continue;
        }
        if matches!(
            kind,
            crate::check::numbers::RowKind::Subtotal | crate::check::numbers::RowKind::Aside
        ) {
            continue;
        }
        // A row that only names a class (一、无/低费方案) is a heading row.
        if num(row, inv).is_none() && ben.is_none_or(|b| num(row, b).is_none()) {
            continue;
        }
        out.row_investment += num(row, inv).unwrap_or(0.0);
        if let (Some(b), Some(sum)) = (ben, out.row_benefit.as_mut()) {
            *sum += num(row, b).unwrap_or(0.0);
        }
        let by_column = class_col
            .and_then(|c| row.get(c))
            .and_then(|c| OptionClass::parse(c.text.trim()));
        let option = name_col.and_then(|c| row.get(c)).and_then(|cell| {
            let name = cell.text.trim();
            report
                .options
                .iter()
                .position(|o| o.name.as_ref().is_some_and(|n| n.value.trim() == name))
                .or_else(|| {
                    report
                        .options
                        .iter()
                        .position(|o| o.name.as_ref().is_some_and(|n| same_option(&n.value, name)))
                })
        });
        named.push(option);
        classes.push(by_column.or_else(|| option.and_then(|i| report.options[i].class())));
    }
    if !named.is_empty() && named.iter().all(Option::is_some) {
        let at: Vec<usize> = named.iter().flatten().copied().collect();
        let opts: Vec<&CpOption> = at.iter().map(|&i| &report.options[i]).collect();
        out.named_options = Some(at);
        out.named = Some(Totals {
            count: opts.len(),
            investment: opts
                .iter()
                .filter_map(|o| o.investment.as_ref().map(|v| v.value))
                .sum(),
            economic_benefit: opts
                .iter()
                .filter_map(|o| o.economic_benefit.as_ref().map(|v| v.value))
                .sum(),
        });
    }
    if let Some(first) = classes.first().copied().flatten()
        && classes.iter().all(|c| *c == Some(first))
        && report.options.iter().any(|o| o.class() != Some(first))
    {
        out.class = Some(first);
    }
    Some(out)
}
