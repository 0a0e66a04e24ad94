//! The numbers a reviewer adds up, for every kind of document:
//! `numbers/total` — a 合计/总计 row against the rows above it and a 小计
//! row against its group, in every numeric column of a body table;
//! `numbers/percentage` — a share column (占比, 比例, %) against its part
//! and the whole, where the table states both (its total row says 100);
//! `date/impossible` — dates in the text that do not exist (4月31日,
//! 2023年2月29日); `text/doc-number` — a 文号 that does not follow
//! 机关代字〔YYYY〕N号 (a warning, in the text and in field values);
//! `numbers/balance` — a material, water or energy balance that states its
//! input, output and loss or deviation, in a table (rows 输入合计, 输出合计,
//! 损失, 误差) or in one sentence of a paragraph about a balance: input −
//! output = loss, loss ÷ input = the percentage.
//!
//! Sums are compared with the tolerance of the numbers' own rounding: each
//! number written with d decimals may be off by half a unit in its last
//! place, so a total of ten one-decimal figures may differ from their sum
//! by up to 0.55 and still be right.

use super::diag;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::markdown::{Cell, Table};
use crate::rule;

pub fn check(doc: &Document, out: &mut Vec<Diagnostic>) {
    for t in &doc.body.table_data {
        table(doc, t, out);
        balance_table(doc, t, out);
        balance_side_by_side(doc, t, out);
    }
    balance_prose(doc, out);
    dates(doc, out);
    doc_numbers(doc, out);
}

fn doc_numbers(doc: &Document, out: &mut Vec<Diagnostic>) {
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

/// A number as written: value and decimals, and whether it is a percentage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Num {
    pub(crate) value: f64,
    pub(crate) decimals: u32,
    pub(crate) percent: bool,
}

/// What a cell holds, for arithmetic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Val {
    Num(Num),
    /// Empty, or a dash for “none”: counts as nothing.
    Blank,
    Text,
}

pub(crate) fn value(cell: &str) -> Val {
    let t = cell
        .trim()
        .trim_matches(|c: char| c == '*' || c.is_whitespace());
    if t.is_empty() || matches!(t, "—" | "——" | "-" | "－" | "/" | "／" | "–" | "无") {
        return Val::Blank;
    }
    let (t, percent) = match t.strip_suffix(['%', '％']) {
        Some(rest) => (rest.trim_end(), true),
        None => (t, false),
    };
    let (negative, t) = match t.strip_prefix(['-', '－', '−']) {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if t.is_empty() || !t.starts_with(|c: char| c.is_ascii_digit()) {
        return Val::Text;
    }
    // Thousands separators only between groups of three digits.
    let mut digits = String::with_capacity(t.len());
    for (i, part) in t.split(',').enumerate() {
        let head = part.split('.').next().unwrap_or("");
        if i > 0 && head.len() != 3 {
            return Val::Text;
        }
        digits.push_str(part);
    }
    if !digits.chars().all(|c| c.is_ascii_digit() || c == '.') || digits.matches('.').count() > 1 {
        return Val::Text;
    }
    let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len() as u32);
    match digits.parse::<f64>() {
        Ok(v) => Val::Num(Num {
            value: if negative { -v } else { v },
            decimals,
            percent,
        }),
        Err(_) => Val::Text,
    }
}

/// Half a unit in the last place of a number written with `d` decimals.
pub(crate) fn half_unit(d: u32) -> f64 {
    0.5 * 10f64.powi(-(d.min(12) as i32))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowKind {
    Data,
    Subtotal,
    Total,
    /// Neither added nor checked: a breakdown (其中：生产用电) or a total
    /// of some rows only (水泥合计 under a 熟料 row), whose group cannot be
    /// told from the table.
    Aside,
}

/// The kinds of a table's rows, read together: a row is classed by its
/// label ([`row_kind`]); the rows right under a 其中 row whose 序号 is
/// blank (`||　　集中供热管网改造|3,900|`) are part of that 其中, not
/// figures of their own.
pub(crate) fn row_kinds(rows: &[Vec<Cell>]) -> Vec<RowKind> {
    let mut kinds: Vec<RowKind> = rows.iter().map(|r| row_kind(r)).collect();
    // Only in a table whose rows are numbered: a blank 序号 means
    // something there.
    let numbered = rows
        .iter()
        .zip(&kinds)
        .filter(|(_, k)| **k == RowKind::Data)
        .filter(|(r, _)| r.first().is_some_and(|c| !c.text.trim().is_empty()))
        .count()
        >= 2;
    let mut in_aside = false;
    for (i, row) in rows.iter().enumerate() {
        let aside_start = kinds[i] == RowKind::Aside
            && row
                .iter()
                .take(3)
                .any(|c| c.text.trim().starts_with("其中"));
        if aside_start {
            in_aside = true;
            continue;
        }
        let blank_number = row.first().is_some_and(|c| c.text.trim().is_empty());
        let indented = row
            .get(1)
            .is_some_and(|c| c.text.starts_with(['　', ' ', '\u{a0}']));
        if in_aside && kinds[i] == RowKind::Data && blank_number && (numbered || indented) {
            kinds[i] = RowKind::Aside;
        } else {
            in_aside = false;
        }
    }
    kinds
}

/// A label standing alone in a later column (`|||小计|42.9|`): exactly a
/// total's word, or a short 某某小计/合计.
fn lone_label(t: &str) -> Option<RowKind> {
    let t = t.trim_matches(|ch: char| {
        ch.is_whitespace() || ch == '*' || ch == '　' || ch == '：' || ch == ':'
    });
    let compact: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '　')
        .collect();
    match compact.as_str() {
        "小计" => Some(RowKind::Subtotal),
        "合计" | "总计" | "总合计" => Some(RowKind::Total),
        c if c.chars().count() <= 8 && (c.ends_with("小计") || c.ends_with("合计")) => {
            Some(RowKind::Subtotal)
        }
        _ => None,
    }
}

pub(crate) fn row_kind(row: &[Cell]) -> RowKind {
    // A label alone in a later column (序号 and name blank).
    if row.len() > 2
        && row.iter().take(2).all(|c| c.text.trim().is_empty())
        && let Some(k) = row.iter().skip(2).find_map(|c| lone_label(&c.text))
    {
        return k;
    }
    // The label stands in one of the first two columns (no allocation:
    // this runs for every row of every table).
    for c in row.iter().take(2) {
        let t = c
            .text
            .trim_matches(|ch: char| ch.is_whitespace() || ch == '*');
        let t = t.trim_start_matches(['　']);
        if t.starts_with("小计") || t.starts_with("小　计") || t.starts_with("小 计") {
            return RowKind::Subtotal;
        }
        if ["合计", "总计", "总合计", "合　计", "合 计", "总　计"]
            .iter()
            .any(|k| t.starts_with(k))
        {
            return RowKind::Total;
        }
        if t.starts_with("其中") {
            return RowKind::Aside;
        }
        // 输入合计, 输出合计, 无/低费小计: the total of the group above it.
        // Another 某某合计 may total only some of the rows above (水泥合计
        // under 熟料): not checked, and not added.
        // (A char test first: a substring searcher for every row costs.)
        if t.contains('计') && (t.contains("合计") || t.contains("小计")) {
            const GROUPS: [&str; 9] = [
                "输入",
                "输出",
                "投入",
                "产出",
                "收入",
                "支出",
                "无/低费",
                "中/高费",
                "无低费",
            ];
            return if GROUPS.iter().any(|g| t.starts_with(g)) || t.contains("小计") {
                RowKind::Subtotal
            } else {
                RowKind::Aside
            };
        }
    }
    RowKind::Data
}

/// A column whose figures are not added up: rates, coefficients, prices,
/// concentrations, payback periods (a 合计 row states its own, not a sum).
fn is_non_additive(header: &str) -> bool {
    // Installed power (功率, kW) adds up, though it ends in 率.
    if header.contains("功率") {
        return false;
    }
    // (Not 标准 alone: 折标准煤 is a column of figures that add up.)
    const WORDS: [&str; 17] = [
        "回收期",
        "系数",
        "单价",
        "价格",
        "浓度",
        "效率",
        "温度",
        "压力",
        "强度",
        "单耗",
        "密度",
        "含量",
        "平均",
        "限值",
        "标准值",
        "执行标准",
        "率",
    ];
    WORDS.iter().any(|w| header.contains(w))
}

/// The label of a total or subtotal row as written (输入合计, 小计).
fn row_label<'a>(row: &'a [Cell], or: &'a str) -> &'a str {
    row.iter()
        .take(2)
        .map(|c| c.text.trim())
        .find(|s| s.contains('计'))
        .unwrap_or(or)
}

fn is_share_header(h: &str) -> bool {
    // One pass over the header's characters before any substring search:
    // this runs for every column of every table.
    if !h.contains(['比', '构', '%', '％']) {
        return false;
    }
    ["占比", "比例", "比重", "百分比", "构成", "%", "％"]
        .iter()
        .any(|k| h.contains(k))
}

/// A number for a message: as many decimals as the figures it came from.
pub(crate) fn show(v: f64, decimals: u32) -> String {
    format!("{:.*}", decimals.min(6) as usize, v)
}

fn table(doc: &Document, t: &Table, out: &mut Vec<Diagnostic>) {
    // Most tables state no total: nothing to add up.
    if !t.rows.iter().any(|r| row_kind(r) != RowKind::Data) {
        return;
    }
    let kinds: Vec<RowKind> = row_kinds(&t.rows);
    // Rows after the first total row (“其中：…”, notes) are not summed.
    let Some(total_at) = kinds.iter().position(|k| *k == RowKind::Total).or_else(|| {
        kinds
            .iter()
            .rposition(|k| *k == RowKind::Subtotal)
            .map(|_| usize::MAX)
    }) else {
        return;
    };
    let end = total_at.min(t.rows.len());
    // The rows that take part in a sum: up to the total, or the last
    // subtotal when there is none (what follows — a balance's 损失 and
    // 误差 rows, notes — is not added up).
    let last = if total_at < t.rows.len() {
        total_at
    } else {
        kinds.iter().rposition(|k| *k != RowKind::Data).unwrap_or(0)
    };
    let cols = t
        .header
        .len()
        .max(t.rows.iter().map(Vec::len).max().unwrap_or(0));
    for j in 0..cols {
        let header = t.header.get(j).map_or("", |c| c.text.trim());
        let vals: Vec<Val> = t
            .rows
            .iter()
            .map(|r| r.get(j).map_or(Val::Blank, |c| value(&c.text)))
            .collect();
        // A column of figures: every row up to the total a number or blank.
        // (A percentage below the total — a balance's 损失率 — does not make
        // the column one of shares.)
        let summed = &vals[..(last + 1).min(vals.len())];
        if summed.contains(&Val::Text) {
            continue;
        }
        let share =
            is_share_header(header) || summed.iter().any(|v| matches!(v, Val::Num(n) if n.percent));
        if !share && is_non_additive(header) {
            continue;
        }
        if share {
            shares(doc, t, &kinds, end, j, header, out);
            continue;
        }
        // Subtotals against their groups.
        let mut group: Vec<Num> = Vec::new();
        for (i, kind) in kinds.iter().enumerate().take(end) {
            match (kind, vals[i]) {
                (RowKind::Data, Val::Num(n)) => group.push(n),
                (RowKind::Subtotal, Val::Num(stated)) => {
                    compare(
                        doc,
                        &t.rows[i][j],
                        header,
                        row_label(&t.rows[i], "小计"),
                        &group,
                        stated,
                        "本组各行之和",
                        out,
                    );
                    group.clear();
                }
                (RowKind::Subtotal, _) => group.clear(),
                _ => {}
            }
        }
        // The total against every data row above it.
        if total_at < t.rows.len()
            && let Val::Num(stated) = vals[total_at]
        {
            let parts: Vec<Num> = (0..total_at)
                .filter(|i| kinds[*i] == RowKind::Data)
                .filter_map(|i| match vals[i] {
                    Val::Num(n) => Some(n),
                    _ => None,
                })
                .collect();
            compare(
                doc,
                &t.rows[total_at][j],
                header,
                row_label(&t.rows[total_at], "合计"),
                &parts,
                stated,
                "上面各行之和",
                out,
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn compare(
    doc: &Document,
    cell: &Cell,
    header: &str,
    label: &str,
    parts: &[Num],
    stated: Num,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    if parts.is_empty() {
        return;
    }
    let sum: f64 = parts.iter().map(|n| n.value).sum();
    let tol: f64 = parts.iter().map(|n| half_unit(n.decimals)).sum::<f64>()
        + half_unit(stated.decimals)
        + 1e-9;
    let diff = (sum - stated.value).abs();
    let decimals = parts
        .iter()
        .map(|n| n.decimals)
        .max()
        .unwrap_or(0)
        .max(stated.decimals);
    // Within the rounding, but by more than one unit in the last decimal
    // place (18.6 against 18.9), or by a unit or more in whole numbers:
    // could still be rounded figures, far more often a slip. A warning.
    let unit = 10f64.powi(-(decimals.min(12) as i32));
    let slip = if decimals == 0 {
        diff >= 1.0 - 1e-9
    } else {
        diff > unit + 1e-9
    };
    let severity = if diff > tol {
        Severity::Error
    } else if slip {
        Severity::Warning
    } else {
        return;
    };
    let column = if header.is_empty() {
        String::new()
    } else {
        format!("“{header}”列")
    };
    out.push(
        diag(
            rule::NUMBERS_TOTAL,
            severity,
            doc,
            cell.at..cell.at + cell.text.len().max(1),
            format!(
                "“{label}”行{column}写的是 {}，{what}为 {}",
                cell.text.trim(),
                show(sum, decimals)
            ),
        )
        .with_label(format!("应为 {}", show(sum, decimals)))
        .with_help(if severity == Severity::Error {
            "核对各行数字和合计数（已按各数字的小数位数容许四舍五入的误差）"
        } else {
            "差额在整数四舍五入的误差之内，但多半是笔误：请核对"
        }),
    );
}

/// A share column: each row's share against its part in the nearest
/// figure column to the left and that column's total, where the table
/// states the whole (its total row's share is 100).
fn shares(
    doc: &Document,
    t: &Table,
    kinds: &[RowKind],
    total_at: usize,
    j: usize,
    header: &str,
    out: &mut Vec<Diagnostic>,
) {
    if total_at >= t.rows.len() {
        return;
    }
    let pct = |i: usize| t.rows[i].get(j).map(|c| value(&c.text));
    let Some(Val::Num(whole)) = pct(total_at) else {
        return;
    };
    if (whole.value - 100.0).abs() > half_unit(whole.decimals) + 1e-9 {
        return;
    }
    // The base: the nearest column to the left whose cells are figures,
    // not shares, with a total.
    let base = (0..j).rev().find(|&k| {
        let h = t.header.get(k).map_or("", |c| c.text.as_str());
        !is_share_header(h)
            && matches!(
                t.rows[total_at].get(k).map(|c| value(&c.text)),
                Some(Val::Num(n)) if !n.percent && n.value != 0.0
            )
            && (0..total_at)
                .all(|i| !matches!(t.rows[i].get(k).map(|c| value(&c.text)), Some(Val::Text)))
    });
    let Some(k) = base else { return };
    let Some(Val::Num(all)) = t.rows[total_at].get(k).map(|c| value(&c.text)) else {
        return;
    };
    let base_header = t.header.get(k).map_or("", |c| c.text.trim());
    for (i, kind) in kinds.iter().enumerate().take(total_at) {
        if *kind != RowKind::Data {
            continue;
        }
        let (Some(Val::Num(part)), Some(Val::Num(stated))) =
            (t.rows[i].get(k).map(|c| value(&c.text)), pct(i))
        else {
            continue;
        };
        let expected = part.value / all.value * 100.0;
        // The share's own rounding, and what the rounding of the part and
        // the whole can move it.
        let tol = half_unit(stated.decimals)
            + 100.0 * (half_unit(part.decimals) + half_unit(all.decimals)) / all.value.abs()
            + 1e-9;
        if (expected - stated.value).abs() <= tol {
            continue;
        }
        let cell = &t.rows[i][j];
        let shown = show(expected, stated.decimals.max(1));
        out.push(
            diag(
                rule::NUMBERS_PERCENTAGE,
                Severity::Error,
                doc,
                cell.at..cell.at + cell.text.len().max(1),
                format!(
                    "“{header}”列写的是 {}，按“{base_header}”{} ÷ 合计 {} 计算应为 {shown}%",
                    cell.text.trim(),
                    show(part.value, part.decimals),
                    show(all.value, all.decimals),
                ),
            )
            .with_label(format!("应为 {shown}%"))
            .with_help("核对占比：分项 ÷ 合计 × 100"),
        );
    }
}

/// What a balance row or clause states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BalanceRole {
    Input,
    Output,
    Loss,
    Deviation,
}

/// The role a label (a row's first cells, or the words before a figure)
/// names in a balance, if any.
fn balance_role(label: &str) -> Option<BalanceRole> {
    // No allocation: this runs for the first cells of every table row.
    let t = label.trim_matches(|c: char| c.is_whitespace() || c == '*' || c == '　');
    const DEVIATION: [&str; 7] = [
        "误差",
        "偏差",
        "损失率",
        "不平衡率",
        "差率",
        "漏损率",
        "漏失率",
    ];
    let after_balance = t.strip_prefix("平衡");
    if DEVIATION
        .iter()
        .any(|w| t.starts_with(w) || after_balance.is_some_and(|r| r.starts_with(w)))
        || t.starts_with("相对误差")
        // A char search first: building a substring searcher for every
        // cell of every table costs more than the rest of the test.
        || t.contains('衡') && (t.contains("平衡误差") || t.contains("平衡偏差"))
    {
        return Some(BalanceRole::Deviation);
    }
    const INPUT: [&str; 7] = [
        "输入合计",
        "投入合计",
        "总输入",
        "输入总量",
        "输入量合计",
        "收入合计",
        "热收入合计",
    ];
    const OUTPUT: [&str; 7] = [
        "输出合计",
        "产出合计",
        "总输出",
        "输出总量",
        "输出量合计",
        "支出合计",
        "热支出合计",
    ];
    const LOSS: [&str; 9] = [
        "损失",
        "差值",
        "差额",
        "不平衡量",
        "损耗",
        "漏损",
        "漏失",
        "平衡差",
        "未计量",
    ];
    if INPUT.iter().any(|w| t.starts_with(w)) {
        Some(BalanceRole::Input)
    } else if OUTPUT.iter().any(|w| t.starts_with(w)) {
        Some(BalanceRole::Output)
    } else if LOSS.iter().any(|w| t.starts_with(w)) {
        Some(BalanceRole::Loss)
    } else {
        None
    }
}

/// A stated balance: input, output, and the loss and deviation as far as
/// stated, each with where it stands.
struct Balance {
    input: Num,
    output: Num,
    loss: Option<(Num, std::ops::Range<usize>)>,
    deviation: Option<(Num, std::ops::Range<usize>)>,
}

/// Judge a stated balance; push an error at each figure that disagrees.
fn judge_balance(doc: &Document, b: &Balance, out: &mut Vec<Diagnostic>) {
    let diff = b.input.value - b.output.value;
    let decimals = b.input.decimals.max(b.output.decimals);
    if let Some((loss, span)) = &b.loss {
        let tol = half_unit(b.input.decimals)
            + half_unit(b.output.decimals)
            + half_unit(loss.decimals)
            + 1e-9;
        // Either sign convention (输入−输出 or 输出−输入).
        if (loss.value.abs() - diff.abs()).abs() > tol {
            let shown = show(diff, decimals.max(loss.decimals));
            out.push(
                diag(
                    rule::NUMBERS_BALANCE,
                    Severity::Error,
                    doc,
                    span.clone(),
                    format!(
                        "平衡的损失写的是 {}，输入 {} − 输出 {} = {shown}",
                        show(loss.value, loss.decimals),
                        show(b.input.value, b.input.decimals),
                        show(b.output.value, b.output.decimals)
                    ),
                )
                .with_label(format!("应为 {shown}"))
                .with_help("核对输入、输出和损失：损失 = 输入 − 输出（已按各数字的小数位数容许四舍五入的误差）"),
            );
        }
    }
    if let Some((dev, span)) = &b.deviation {
        if b.input.value == 0.0 {
            return;
        }
        let rel = |base: f64| diff.abs() / base.abs() * 100.0;
        let tol = |base: f64| {
            half_unit(dev.decimals)
                + 100.0 * (half_unit(b.input.decimals) + half_unit(b.output.decimals)) / base.abs()
                + 1e-9
        };
        // Relative to the input (as the audit guides define it), or to the
        // output as some reports do.
        let fits = |base: f64| base != 0.0 && (dev.value.abs() - rel(base)).abs() <= tol(base);
        // Or the stated loss ÷ input (the README's definition): a rate that
        // follows a wrong loss is that one mistake, reported at the loss.
        let follows_loss = b.loss.as_ref().is_some_and(|(loss, _)| {
            let r = loss.value.abs() / b.input.value.abs() * 100.0;
            let t = half_unit(dev.decimals)
                + 100.0 * (half_unit(loss.decimals) + half_unit(b.input.decimals))
                    / b.input.value.abs()
                + 1e-9;
            (dev.value.abs() - r).abs() <= t
        });
        if !fits(b.input.value) && !fits(b.output.value) && !follows_loss {
            let shown = show(rel(b.input.value), dev.decimals.max(2));
            out.push(
                diag(
                    rule::NUMBERS_BALANCE,
                    Severity::Error,
                    doc,
                    span.clone(),
                    format!(
                        "平衡的误差写的是 {}%，按（输入 {} − 输出 {}）÷ 输入计算为 {shown}%",
                        show(dev.value, dev.decimals),
                        show(b.input.value, b.input.decimals),
                        show(b.output.value, b.output.decimals)
                    ),
                )
                .with_label(format!("应为 {shown}%"))
                .with_help("误差 =（输入 − 输出）÷ 输入 × 100%：核对输入、输出和误差"),
            );
        }
    }
}

/// A balance table laid out side by side, as audit reports often draw
/// them: inputs on the left, outputs on the right, each a label column and
/// a figure column (| 输入项 | 水量 | 输出项 | 水量 |), a 合计 row under
/// each side, and the loss or deviation in a row below the totals.
fn balance_side_by_side(doc: &Document, t: &Table, out: &mut Vec<Diagnostic>) {
    let head = |j: usize| t.header.get(j).map_or("", |c| c.text.trim());
    let starts = |j: usize, words: &[&str]| words.iter().any(|w| head(j).starts_with(w));
    let Some(a) = (0..t.header.len()).find(|&j| starts(j, &["输入", "投入"])) else {
        return;
    };
    let Some(b) = (a + 2..t.header.len()).find(|&j| starts(j, &["输出", "产出"])) else {
        return;
    };
    if b + 1 >= t.header.len() {
        return;
    }
    let label = |i: usize, j: usize| t.rows[i].get(j).map_or("", |c| c.text.trim());
    let num = |i: usize, j: usize| match t.rows[i].get(j).map(|c| value(&c.text)) {
        Some(Val::Num(n)) if !n.percent => Some(n),
        _ => None,
    };
    let is_total = |s: &str| {
        let s = s.trim_matches(|c: char| c == '*' || c.is_whitespace());
        ["合计", "总计", "合　计", "合 计"]
            .iter()
            .any(|k| s.starts_with(k))
            || balance_role(s)
                .is_some_and(|r| matches!(r, BalanceRole::Input | BalanceRole::Output))
    };
    // The totals: the first total row of each side.
    let total_in = (0..t.rows.len()).find(|&i| is_total(label(i, a)));
    let total_out = (0..t.rows.len()).find(|&i| is_total(label(i, b)));
    let (Some(ti), Some(to)) = (total_in, total_out) else {
        return;
    };
    let (Some(input), Some(output)) = (num(ti, a + 1), num(to, b + 1)) else {
        return;
    };
    // Below both totals: a loss or a deviation, under either side's label.
    let mut loss = None;
    let mut deviation = None;
    for i in ti.max(to) + 1..t.rows.len() {
        for (l, v) in [(a, a + 1), (b, b + 1), (0, 1)] {
            let cell_span = |c: &Cell| c.at..c.at + c.text.len().max(1);
            let Some(cell) = t.rows[i].get(v) else {
                continue;
            };
            let Val::Num(n) = value(&cell.text) else {
                continue;
            };
            match balance_role(label(i, l)).or_else(|| loss_below_totals(label(i, l))) {
                Some(BalanceRole::Loss) if !n.percent && loss.is_none() => {
                    loss = Some((n, cell_span(cell)));
                }
                Some(BalanceRole::Deviation) if deviation.is_none() => {
                    deviation = Some((n, cell_span(cell)));
                }
                _ => {}
            }
        }
    }
    if loss.is_none() && deviation.is_none() {
        return;
    }
    judge_balance(
        doc,
        &Balance {
            input,
            output,
            loss,
            deviation,
        },
        out,
    );
}

/// Below a balance's totals every row speaks of the balance: a label that
/// names a loss anywhere in it (热损失, 水量损失率) says its role.
fn loss_below_totals(label: &str) -> Option<BalanceRole> {
    if ["率", "误差", "偏差", "%", "％"]
        .iter()
        .any(|w| label.contains(w))
    {
        Some(BalanceRole::Deviation)
    } else if ["损失", "漏损", "损耗", "漏失"]
        .iter()
        .any(|w| label.contains(w))
    {
        Some(BalanceRole::Loss)
    } else {
        None
    }
}

/// A balance table: rows labelled 输入合计, 输出合计 and 损失 or 误差 (in
/// one of the first two columns), judged in each column where the input
/// and output rows hold figures.
fn balance_table(doc: &Document, t: &Table, out: &mut Vec<Diagnostic>) {
    // Most tables are no balance: look for an input row first.
    if !t.rows.iter().any(|r| {
        r.iter()
            .take(2)
            .any(|c| balance_role(&c.text) == Some(BalanceRole::Input))
    }) {
        return;
    }
    let roles: Vec<Option<BalanceRole>> = t
        .rows
        .iter()
        .map(|r| r.iter().take(2).find_map(|c| balance_role(&c.text)))
        .collect();
    let find = |role: BalanceRole| -> Option<usize> {
        let mut at = roles.iter().enumerate().filter(|(_, r)| **r == Some(role));
        match (at.next(), at.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    };
    let (Some(i_in), Some(i_out)) = (find(BalanceRole::Input), find(BalanceRole::Output)) else {
        return;
    };
    let (i_loss, i_dev) = (find(BalanceRole::Loss), find(BalanceRole::Deviation));
    if i_loss.is_none() && i_dev.is_none() {
        return;
    }
    let cols = t.rows.iter().map(Vec::len).max().unwrap_or(0);
    let num = |i: usize, j: usize| match t.rows[i].get(j).map(|c| value(&c.text)) {
        Some(Val::Num(n)) => Some(n),
        _ => None,
    };
    let cell_span = |i: usize, j: usize| {
        let c = &t.rows[i][j];
        c.at..c.at + c.text.len().max(1)
    };
    for j in 0..cols {
        let (Some(input), Some(output)) = (num(i_in, j), num(i_out, j)) else {
            continue;
        };
        if input.percent || output.percent {
            continue;
        }
        let loss = i_loss.and_then(|i| {
            num(i, j)
                .filter(|n| !n.percent)
                .map(|n| (n, cell_span(i, j)))
        });
        let deviation = i_dev.and_then(|i| num(i, j).map(|n| (n, cell_span(i, j))));
        // A stated total that is not the sum of its rows is reported at
        // itself (numbers/total); the balance built on it is not judged
        // again, or a correct loss would be blamed for it.
        let sum_off = |from: usize, to: usize, stated: Num| {
            let parts: Vec<Num> = (from..to)
                .filter(|&i| roles[i].is_none())
                .filter_map(|i| num(i, j))
                .filter(|n| !n.percent)
                .collect();
            !parts.is_empty() && {
                let sum: f64 = parts.iter().map(|n| n.value).sum();
                let tol: f64 = parts.iter().map(|n| half_unit(n.decimals)).sum::<f64>()
                    + half_unit(stated.decimals)
                    + 1e-9;
                (sum - stated.value).abs() > tol
            }
        };
        if i_in < i_out && (sum_off(0, i_in, input) || sum_off(i_in + 1, i_out, output)) {
            continue;
        }
        judge_balance(
            doc,
            &Balance {
                input,
                output,
                loss,
                deviation,
            },
            out,
        );
    }
}

/// A figure stated after a keyword in a clause: a few words may stand
/// between (量为、总量：), then the number and its unit.
fn figure_after(s: &str, from: usize) -> Option<(Num, std::ops::Range<usize>, &str)> {
    let rest = &s[from..];
    // At most eight characters between the keyword and its figure.
    let mut skip = 0;
    for (k, (n, c)) in rest.char_indices().enumerate() {
        if c.is_ascii_digit() {
            skip = n;
            break;
        }
        if k >= 8 || matches!(c, '，' | '。' | '；' | '、' | ',' | ';' | '（' | '(' | '\n') {
            return None;
        }
        skip = n + c.len_utf8();
    }
    let start = from + skip;
    let tail = &s[start..];
    let len = tail
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ','))
        .map_or(tail.len(), |(i, _)| i);
    if len == 0 {
        return None;
    }
    let mut end = start + len;
    let after = &s[end..];
    let percent = after.starts_with(['%', '％']);
    if percent {
        end += after.chars().next().map_or(0, char::len_utf8);
    }
    let Val::Num(n) = value(&s[start..end]) else {
        return None;
    };
    // The unit: up to the next punctuation or space.
    let unit_start = end;
    let unit_len = s[unit_start..]
        .char_indices()
        .find(|(_, c)| {
            matches!(
                c,
                '，' | '。' | '；' | '、' | ',' | ';' | '（' | '(' | '）' | ')'
            ) || c.is_ascii_digit()
                || *c == '\n'
        })
        .map_or(s.len() - unit_start, |(i, _)| i);
    let unit = s[unit_start..unit_start + unit_len].trim();
    Some((n, start..end, unit))
}

/// A figure after a keyword, and the figures of an enumeration that
/// follows it in the same clause (产出合格型材36020吨、铝屑及废料2245吨):
/// the items add up. An item in another unit makes the sum unclear: None.
fn figures_after(s: &str, from: usize) -> Option<(Num, std::ops::Range<usize>, &str)> {
    let (mut total, first, unit) = figure_after(s, from)?;
    let mut span = first.clone();
    let mut at = first.end + s[first.end..].find(unit).unwrap_or(0) + unit.len();
    while let Some(rest) = s[at..].strip_prefix('、') {
        let next_from = at + (s[at..].len() - rest.len());
        let Some((n, r, u)) = figure_after(s, next_from) else {
            break;
        };
        if u != unit || n.percent != total.percent {
            return None;
        }
        total = Num {
            value: total.value + n.value,
            decimals: total.decimals.max(n.decimals),
            percent: total.percent,
        };
        span.end = r.end;
        at = r.end + s[r.end..].find(u).unwrap_or(0) + u.len();
    }
    Some((total, span, unit))
}

/// The words that name a figure's role in a balance sentence. Longest
/// first at one place (损失率 is a deviation, not a 损失).
const PROSE_KEYS: [(&str, BalanceRole); 17] = [
    // A heat balance's own words (热收入 and 热支出).
    ("热收入", BalanceRole::Input),
    ("热支出", BalanceRole::Output),
    ("误差", BalanceRole::Deviation),
    ("偏差", BalanceRole::Deviation),
    ("损失率", BalanceRole::Deviation),
    ("漏损率", BalanceRole::Deviation),
    ("漏失率", BalanceRole::Deviation),
    ("漏损", BalanceRole::Loss),
    ("漏失", BalanceRole::Loss),
    ("输入", BalanceRole::Input),
    ("投入", BalanceRole::Input),
    ("输出", BalanceRole::Output),
    ("产出", BalanceRole::Output),
    ("损失", BalanceRole::Loss),
    ("差值", BalanceRole::Loss),
    ("差额", BalanceRole::Loss),
    ("损耗", BalanceRole::Loss),
];

/// One automaton for every key: a paragraph is read once, not once per key
/// and sentence (building eleven substring searchers for each sentence was
/// the slowest part of check).
fn prose_keys() -> &'static aho_corasick::AhoCorasick {
    static KEYS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(PROSE_KEYS.iter().map(|(k, _)| k))
            .expect("fixed balance keywords build an automaton")
    })
}

/// Balances stated in prose: in a paragraph that speaks of a balance
/// (平衡), a sentence that states the input, the output (the same unit)
/// and a loss or a deviation, each once.
fn balance_prose(doc: &Document, out: &mut Vec<Diagnostic>) {
    let body = doc.body_text();
    let at = doc.body_start();
    let finder = memchr::memmem::Finder::new("平衡".as_bytes());
    if finder.find(body.as_bytes()).is_none() {
        return;
    }
    let keys = prose_keys();
    let mut para_start = 0;
    for para in body.split_inclusive('\n') {
        let p0 = para_start;
        para_start += para.len();
        if finder.find(para.as_bytes()).is_none() || para.trim_start().starts_with('|') {
            continue;
        }
        // A balance states an input and an output: most paragraphs that
        // speak of 平衡 state neither, and are not split into sentences.
        let all: Vec<aho_corasick::Match> = keys.find_iter(para).collect();
        let role = |m: &aho_corasick::Match| PROSE_KEYS[m.pattern().as_usize()].1;
        if !all.iter().any(|m| role(m) == BalanceRole::Input)
            || !all.iter().any(|m| role(m) == BalanceRole::Output)
        {
            continue;
        }
        let mut matches = all.into_iter().peekable();
        let mut sent_start = 0;
        for sent in para.split_inclusive(['。', '；', '！', '？']) {
            let s0 = sent_start;
            sent_start += sent.len();
            // [input, output, loss, deviation]: each figure with its span and unit.
            let mut found: [Vec<(Num, std::ops::Range<usize>, &str)>; 4] = Default::default();
            while let Some(m) = matches.next_if(|m| m.start() < sent_start) {
                let role = role(&m);
                let found_at = m.end() - s0;
                let figure = if role == BalanceRole::Deviation {
                    figure_after(sent, found_at)
                } else {
                    figures_after(sent, found_at)
                };
                let Some((n, r, unit)) = figure else {
                    continue;
                };
                // A deviation is a percentage, a loss is not.
                let (idx, fits) = match role {
                    BalanceRole::Input => (0, !n.percent),
                    BalanceRole::Output => (1, !n.percent),
                    BalanceRole::Loss => (2, !n.percent),
                    BalanceRole::Deviation => (3, n.percent),
                };
                if fits {
                    found[idx].push((n, at + p0 + s0 + r.start..at + p0 + s0 + r.end, unit));
                }
            }
            let one = |k: usize| (found[k].len() == 1).then(|| found[k][0].clone());
            let (Some(input), Some(output)) = (one(0), one(1)) else {
                continue;
            };
            // More than one loss or deviation: which is which is unclear.
            if found[2].len() > 1 || found[3].len() > 1 || input.2 != output.2 {
                continue;
            }
            let loss = one(2).filter(|l| l.2 == input.2).map(|l| (l.0, l.1));
            let deviation = one(3).map(|d| (d.0, d.1));
            if loss.is_none() && deviation.is_none() {
                continue;
            }
            judge_balance(
                doc,
                &Balance {
                    input: input.0,
                    output: output.0,
                    loss,
                    deviation,
                },
                out,
            );
        }
    }
}

fn dates(doc: &Document, out: &mut Vec<Diagnostic>) {
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

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    fn found(md: &str, rule: crate::rule::RuleId) -> Vec<Diagnostic> {
        let f = Fixture::new();
        f.check(&(good_plan() + "\n" + md))
            .into_iter()
            .filter(|d| d.rule == rule)
            .collect()
    }

    #[test]
    fn numbers_are_read_as_written() {
        assert!(
            matches!(value("1,234.5"), Val::Num(Num { value, decimals: 1, .. }) if (value - 1234.5).abs() < 1e-9)
        );
        assert!(matches!(
            value("12.5%"),
            Val::Num(Num { percent: true, .. })
        ));
        assert!(matches!(value("－3"), Val::Num(Num { value, .. }) if value == -3.0));
        assert_eq!(value("—"), Val::Blank);
        assert_eq!(value("2022.10—2023.12"), Val::Text);
        assert_eq!(value("12,34"), Val::Text);
        assert_eq!(value("约30"), Val::Text);
    }

    #[test]
    fn a_total_that_adds_up_passes_and_one_that_does_not_is_an_error_at_its_cell() {
        let ok = "| 产业 | 企业数 | 产值（亿元） |\n|---|--:|--:|\n| 石化 | 31 | 238.5 |\n| 建材 | 24 | 96.2 |\n| 装备 | 32 | 67.1 |\n| 合计 | 87 | 401.8 |\n";
        assert!(found(ok, rule::NUMBERS_TOTAL).is_empty());
        let bad = ok.replace("| 合计 | 87 | 401.8 |", "| 合计 | 87 | 400.8 |");
        let d = found(&bad, rule::NUMBERS_TOTAL);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(
            d[0].message.contains("写的是 400.8") && d[0].message.contains("401.8"),
            "{}",
            d[0].message
        );
        assert!(d[0].message.contains("产值（亿元）"), "{}", d[0].message);
        let line = good_plan().lines().count() + 1 + 6;
        assert_eq!(d[0].line, Some(line));
    }

    #[test]
    fn rounding_within_the_figures_own_precision_is_not_an_error() {
        // 33.3 + 33.3 + 33.3 = 99.9, written as 100.0 by whoever summed the
        // unrounded values: within 4 × 0.05.
        let t = "| 项 | 值 |\n|---|--:|\n| 甲 | 33.3 |\n| 乙 | 33.3 |\n| 丙 | 33.3 |\n| 合计 | 100.0 |\n";
        assert!(found(t, rule::NUMBERS_TOTAL).is_empty());
        // More than a unit off, though within the rounding of six figures:
        // a warning (a slip far more often than rounding).
        let six = "| 项 | 值 |\n|---|--:|\n| 甲 | 2.1 |\n| 乙 | 3.4 |\n| 丙 | 5.0 |\n| 丁 | 1.2 |\n| 戊 | 4.3 |\n| 己 | 2.9 |\n| 小计 | 18.6 |\n";
        let d = found(six, rule::NUMBERS_TOTAL);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(found(&six.replace("18.6", "18.8"), rule::NUMBERS_TOTAL).is_empty());
        let d = found(&six.replace("18.6", "18.4"), rule::NUMBERS_TOTAL);
        assert_eq!(d[0].severity, Severity::Error, "beyond the rounding");
    }

    #[test]
    fn subtotals_are_checked_against_their_group_and_not_counted_twice() {
        let t = "| 序号 | 方案 | 投资（万元） |\n|---|---|--:|\n| 1 | 甲 | 2 |\n| 2 | 乙 | 3 |\n| | 小计 | 5 |\n| 3 | 丙 | 100 |\n| 4 | 丁 | 160 |\n| | 小计 | 260 |\n| | 合计 | 265 |\n";
        assert!(
            found(t, rule::NUMBERS_TOTAL).is_empty(),
            "{:#?}",
            found(t, rule::NUMBERS_TOTAL)
        );
        let bad = t.replace("| | 小计 | 5 |", "| | 小计 | 9 |");
        let d = found(&bad, rule::NUMBERS_TOTAL);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(
            d[0].message.contains("小计") && d[0].message.contains("为 5"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].severity, Severity::Error);
        // Off by one in whole numbers: within rounding, so a warning.
        let slip = t.replace("| | 合计 | 265 |", "| | 合计 | 266 |");
        let d = found(&slip, rule::NUMBERS_TOTAL);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Warning);
    }

    #[test]
    fn text_columns_and_tables_without_totals_are_left_alone() {
        let t = "| 方案 | 实施时间 | 说明 |\n|---|---|---|\n| 甲 | 2022.10—2023.12 | 改造 |\n| 合计 | — | 2项 |\n";
        assert!(found(t, rule::NUMBERS_TOTAL).is_empty());
        let t = "| 年份 | 产值 |\n|---|--:|\n| 2020 | 1 |\n| 2021 | 2 |\n";
        assert!(found(t, rule::NUMBERS_TOTAL).is_empty());
    }

    #[test]
    fn shares_are_checked_where_the_table_states_the_whole() {
        let t = "| 行业 | 排放量（吨） | 占比（%） |\n|---|--:|--:|\n| 钢铁 | 600 | 60.0 |\n| 焦化 | 300 | 30.0 |\n| 有色 | 100 | 10.0 |\n| 合计 | 1000 | 100.0 |\n";
        assert!(found(t, rule::NUMBERS_PERCENTAGE).is_empty());
        let bad = t.replace("| 焦化 | 300 | 30.0 |", "| 焦化 | 300 | 35.0 |");
        let d = found(&bad, rule::NUMBERS_PERCENTAGE);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].message.contains("应为 30.0%"), "{}", d[0].message);
        // A change rate is not a share: no 100 in the total row.
        let rate = "| 指标 | 2021 | 变化率（%） |\n|---|--:|--:|\n| 甲 | 5 | 12.0 |\n| 乙 | 5 | 3.0 |\n| 合计 | 10 | 7.5 |\n";
        assert!(found(rate, rule::NUMBERS_PERCENTAGE).is_empty());
    }

    #[test]
    fn malformed_doc_numbers_are_warnings_at_their_place() {
        let ok = found(
            "依据豫工信办节〔2018〕24号和环办科财函〔2022〕178号。\n",
            rule::TEXT_DOC_NUMBER,
        );
        assert!(ok.is_empty(), "{ok:#?}");
        let d = found(
            "依据豫政〔2019233和豫政〔2021〕58、豫政〔21〕5号。\n",
            rule::TEXT_DOC_NUMBER,
        );
        assert_eq!(d.len(), 3, "{d:#?}");
        assert!(d[0].message.contains("四位年份"), "{}", d[0].message);
        assert!(d[1].message.contains("缺少“号”"), "{}", d[1].message);
        assert!(d.iter().all(|x| x.severity == Severity::Warning));
    }

    #[test]
    fn doc_numbers_in_other_brackets_are_warned_with_the_corrected_form() {
        let d = found(
            "公司依据《细则》（豫环文[2019]233号）、安阳市生态环境局文件（安环（2021）56号）和依据豫发改【2020】7号开展工作。\n",
            rule::TEXT_DOC_NUMBER,
        );
        let msgs: Vec<_> = d.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(d.len(), 3, "{d:#?}");
        assert!(msgs[0].contains("“豫环文[2019]233号”"), "{msgs:?}");
        assert!(msgs[1].contains("“安环（2021）56号”"), "{msgs:?}");
        assert!(msgs[2].contains("“豫发改【2020】7号”"), "{msgs:?}");
        assert_eq!(
            d[0].help.as_deref().unwrap_or(""),
            "改为“豫环文〔2019〕233号”：文号的年份用六角括号〔〕（GB/T 9704）"
        );
        assert!(
            d[1].help
                .as_deref()
                .unwrap_or("")
                .contains("安环〔2021〕56号")
        );
        // Not document numbers: a year in a sentence, a reference, a
        // bracket without issuer or 号.
        let none = found(
            "产量（2021年）增长，见文献[1]和[2019]，图(2021)中，第（2021）3项，编号（2021）12。\n",
            rule::TEXT_DOC_NUMBER,
        );
        assert!(none.is_empty(), "{none:#?}");
        // The issuer stops at the word that joins it to the sentence.
        let d = found("原环评批复为洛环审[2012]35号。\n", rule::TEXT_DOC_NUMBER);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(
            d[0].message.contains("“洛环审[2012]35号”"),
            "{}",
            d[0].message
        );
        // 〔2024〕第086号 is a 文号 as written.
        let d = found(
            "见洛节监字〔2024〕第086号和新发改备〔2020〕第17号。\n",
            rule::TEXT_DOC_NUMBER,
        );
        assert!(d.is_empty(), "{d:#?}");
    }

    #[test]
    fn impossible_dates_say_why() {
        let d = found(
            "会议于2022年4月31日召开，验收在2023年2月29日，检查在2024年2月29日。\n",
            rule::DATE_IMPOSSIBLE,
        );
        assert_eq!(d.len(), 2, "{d:#?}");
        assert!(d[0].message.contains("4月只有30天"), "{}", d[0].message);
        assert!(d[1].message.contains("2023年不是闰年"), "{}", d[1].message);
        assert!(found("13月5日和6月0日\n", rule::DATE_IMPOSSIBLE).len() == 2);
        assert!(found("2月29日，12月31日。\n", rule::DATE_IMPOSSIBLE).is_empty());
    }

    #[test]
    fn a_balance_table_adds_up_or_is_an_error_at_the_cell() {
        let ok = "| 项目 | 水量（m³/d） |\n|---|--:|\n| 新鲜水 | 1200 |\n| 输入合计 | 1200 |\n| 工艺消耗 | 520 |\n| 蒸发 | 250 |\n| 排污 | 395 |\n| 输出合计 | 1165 |\n| 损失 | 35 |\n| 误差（%） | 2.92 |\n";
        assert!(
            found(ok, rule::NUMBERS_BALANCE).is_empty(),
            "{:#?}",
            found(ok, rule::NUMBERS_BALANCE)
        );
        let bad = ok.replace("| 损失 | 35 |", "| 损失 | 53 |");
        let d = found(&bad, rule::NUMBERS_BALANCE);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(
            d[0].message.contains("1200 − 输出 1165 = 35"),
            "{}",
            d[0].message
        );
        let line = good_plan().lines().count() + 1 + 9;
        assert_eq!(d[0].line, Some(line));
        let bad = ok.replace("| 2.92 |", "| 3.92 |");
        let d = found(&bad, rule::NUMBERS_BALANCE);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].message.contains("2.92%"), "{}", d[0].message);
        // A rounded 2.9 (one decimal) is right, and so is a deviation
        // against the output (35 ÷ 1165 = 3.0%).
        assert!(found(&ok.replace("| 2.92 |", "| 2.9 |"), rule::NUMBERS_BALANCE).is_empty());
        assert!(found(&ok.replace("| 2.92 |", "| 3.0 |"), rule::NUMBERS_BALANCE).is_empty());
    }

    #[test]
    fn a_balance_drawn_side_by_side_is_judged_too() {
        let ok = "| 输入项 | 水量（m³/d） | 输出项 | 水量（m³/d） |\n|---|--:|---|--:|\n| 新鲜水 | 1200 | 产品带走 | 300 |\n| 蒸汽冷凝水 | 100 | 蒸发 | 500 |\n| | | 排水 | 450 |\n| 合计 | 1300 | 合计 | 1250 |\n| 漏损量 | 50 | 漏损率（%） | 3.85 |\n";
        let all = |md: &str| {
            let mut d = found(md, rule::NUMBERS_BALANCE);
            d.extend(found(md, rule::NUMBERS_TOTAL));
            d
        };
        assert!(all(ok).is_empty(), "{:#?}", all(ok));
        let bad = ok.replace("| 漏损量 | 50 |", "| 漏损量 | 60 |");
        let d = found(&bad, rule::NUMBERS_BALANCE);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(
            d[0].message.contains("1300 − 输出 1250 = 50"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].line, Some(good_plan().lines().count() + 1 + 7));
        let bad = ok.replace("| 3.85 |", "| 5.2 |");
        let d = found(&bad, rule::NUMBERS_BALANCE);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].message.contains("3.85%"), "{}", d[0].message);
        // Near misses: no loss row; a loss among the outputs (summed in
        // their total, so the table states no separate loss).
        let no_loss = ok.replace("| 漏损量 | 50 | 漏损率（%） | 3.85 |\n", "");
        assert!(all(&no_loss).is_empty());
        let loss_as_output = no_loss.replace(
            "| | | 排水 | 450 |",
            "| | | 排水 | 400 |\n| | | 漏损 | 50 |",
        );
        assert!(
            all(&loss_as_output).is_empty(),
            "{:#?}",
            all(&loss_as_output)
        );
    }

    #[test]
    fn a_balance_tables_totals_add_up_their_rows() {
        // 输入合计 and 输出合计 are the totals of the rows above each.
        let ok = "| 项目 | 水量（m³/d） |\n|---|--:|\n| 新鲜水 | 1200 |\n| 回用水 | 96.5 |\n| 输入合计 | 1296.5 |\n| 工艺消耗 | 520 |\n| 蒸发 | 250 |\n| 排污 | 491.5 |\n| 输出合计 | 1261.5 |\n| 损失 | 35 |\n| 误差（%） | 2.70 |\n";
        let all = |md: &str| {
            let mut d = found(md, rule::NUMBERS_TOTAL);
            d.extend(found(md, rule::NUMBERS_BALANCE));
            d
        };
        assert!(all(ok).is_empty(), "{:#?}", all(ok));
        let d = found(
            &ok.replace("| 回用水 | 96.5 |", "| 回用水 | 69.5 |"),
            rule::NUMBERS_TOTAL,
        );
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].message.contains("输入合计"), "{}", d[0].message);
        // The label in the first column, the item in the second, the 误差
        // as a percentage under the totals.
        let three = "| 类别 | 项目 | 水量（m³/d） |\n|---|---|--:|\n| 输入 | 市政自来水 | 152.0 |\n| 输入 | 自备井水 | 36.0 |\n| 输入合计 | | 188.0 |\n| 输出 | 废水排放 | 96.5 |\n| 输出 | 蒸发 | 84.9 |\n| 输出合计 | | 181.4 |\n| 损失 | | 6.6 |\n| 误差 | | 3.51% |\n";
        assert!(all(three).is_empty(), "{:#?}", all(three));
        let d = found(
            &three.replace("| 152.0 |", "| 125.0 |"),
            rule::NUMBERS_TOTAL,
        );
        assert_eq!(d.len(), 1, "{d:#?}");
        // Side by side, with a 损失率 in % under the totals: each side's
        // figures add up to its 合计.
        let side = "| 输入项 | 数量 | 输出项 | 数量 |\n|---|--:|---|--:|\n| 电力 | 1,236.5 | 加热有效热 | 1,562.4 |\n| 天然气 | 2,148.3 | 时效炉有效热 | 486.7 |\n| 柴油 | 32.2 | 氧化及整流 | 618.9 |\n| | | 动力及辅助 | 512.6 |\n| 合计 | 3,417.0 | 合计 | 3,180.6 |\n| 损失 | 236.4 | | |\n| 损失率 | 6.92% | | |\n";
        assert!(all(side).is_empty(), "{:#?}", all(side));
        let d = found(
            &side.replace("| 1,236.5 |", "| 1,263.5 |"),
            rule::NUMBERS_TOTAL,
        );
        assert_eq!(d.len(), 1, "{d:#?}");
    }

    #[test]
    fn breakdowns_partial_totals_and_rates_are_not_added() {
        let quiet = |md: &str| {
            let d = found(md, rule::NUMBERS_TOTAL);
            assert!(d.is_empty(), "{md}\n{d:#?}");
        };
        // 其中 rows break a row down: not added to the total.
        quiet(
            "| 能源 | 折标准煤（t） |\n|---|--:|\n| 电力 | 20,000.5 |\n| 其中：生产用电 | 15,264.18 |\n| 煤 | 100,000 |\n| 合计 | 120,000.5 |\n",
        );
        // A total of some rows only (水泥合计 under a 熟料 row).
        quiet(
            "| 产品 | 产量（万吨） |\n|---|--:|\n| 熟料 | 142.6 |\n| P·O42.5 | 120.0 |\n| P·O52.5 | 31.2 |\n| 水泥合计 | 151.2 |\n",
        );
        // Payback years and rates are not summed.
        quiet(
            "| 方案 | 投资 | 投资回收期（年） | 节能率 |\n|---|--:|--:|--:|\n| 甲 | 1000 | 2.5 | 3 |\n| 乙 | 561 | 1.4 | 2 |\n| 合计 | 1561 | 2.01 | 2.6 |\n",
        );
        // …while the columns that do add up are still checked, 功率 and
        // 折标准煤 among them.
        let d = found(
            "| 设备 | 功率（kW） |\n|---|--:|\n| 风机 | 250 |\n| 水泵 | 110 |\n| 合计 | 370 |\n",
            rule::NUMBERS_TOTAL,
        );
        assert_eq!(d.len(), 1, "{d:#?}");
        let d = found(
            "| 能源 | 折标系数 | 折标准煤（t） |\n|---|--:|--:|\n| 电力 | 0.1229 | 1,229 |\n| 煤 | 0.7143 | 7,143 |\n| 合计 | | 8,472 |\n",
            rule::NUMBERS_TOTAL,
        );
        assert_eq!(d.len(), 1, "{d:#?}");
        let d = found(
            "| 方案 | 投资 | 投资回收期（年） |\n|---|--:|--:|\n| 甲 | 1000 | 2.5 |\n| 乙 | 561 | 1.4 |\n| 合计 | 1661 | 2.01 |\n",
            rule::NUMBERS_TOTAL,
        );
        assert_eq!(d.len(), 1, "{d:#?}");
    }

    #[test]
    fn an_enumeration_of_outputs_adds_up() {
        let ok = "物料平衡：投入铝棒38460吨，产出合格型材36020吨、铝屑及几何废料2245吨，损失195吨，误差0.51%。\n";
        assert!(
            found(ok, rule::NUMBERS_BALANCE).is_empty(),
            "{:#?}",
            found(ok, rule::NUMBERS_BALANCE)
        );
        let d = found(&ok.replace("损失195吨", "损失295吨"), rule::NUMBERS_BALANCE);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].message.contains("输出 38265"), "{}", d[0].message);
        // An item in another unit: the sum is unclear, nothing is judged.
        let mixed = ok.replace("2245吨", "2245件");
        assert!(found(&mixed, rule::NUMBERS_BALANCE).is_empty());
    }

    #[test]
    fn a_heat_balance_in_its_own_words_is_judged() {
        let ok = "热平衡测试结果：热收入合计3265.4 MJ/t，热支出合计3198.7 MJ/t，热损失66.7 MJ/t，误差2.04%。\n";
        assert!(
            found(ok, rule::NUMBERS_BALANCE).is_empty(),
            "{:#?}",
            found(ok, rule::NUMBERS_BALANCE)
        );
        let d = found(&ok.replace("误差2.04%", "误差2.4%"), rule::NUMBERS_BALANCE);
        assert_eq!(d.len(), 1, "{d:#?}");
    }

    #[test]
    fn loss_words_of_real_reports_are_read_in_prose() {
        let ok =
            "水平衡测试表明，输入水量1300 m³/d，输出水量1250 m³/d，漏损量50 m³/d，漏损率3.85%。\n";
        assert!(found(ok, rule::NUMBERS_BALANCE).is_empty());
        let d = found(&ok.replace("漏损量50", "漏损量80"), rule::NUMBERS_BALANCE);
        assert_eq!(d.len(), 1, "{d:#?}");
        let d = found(
            &ok.replace("漏损率3.85%", "漏损率1.2%"),
            rule::NUMBERS_BALANCE,
        );
        assert_eq!(d.len(), 1, "{d:#?}");
    }

    #[test]
    fn a_balance_in_prose_is_judged_only_when_it_is_unambiguous() {
        let ok =
            "水平衡测试结果：输入新鲜水1200 m³/d，输出水量1165 m³/d，损失35 m³/d，误差2.92%。\n";
        assert!(found(ok, rule::NUMBERS_BALANCE).is_empty());
        let bad = ok.replace("误差2.92%", "误差1.5%");
        let d = found(&bad, rule::NUMBERS_BALANCE);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(
            d[0].message.contains("1.5%") && d[0].message.contains("2.92%"),
            "{}",
            d[0].message
        );
        let bad = ok.replace("损失35", "损失45");
        assert_eq!(found(&bad, rule::NUMBERS_BALANCE).len(), 1);
        // Near misses: different units, no balance in the paragraph, two
        // inputs in one sentence.
        for text in [
            "水平衡：输入1.2万m³/d，输出11650 m³/d，损失35 m³/d。\n",
            "输入新鲜水1200 m³/d，输出水量1165 m³/d，损失45 m³/d。\n",
            "水平衡：一期输入800 t/d、二期输入400 t/d，输出1165 t/d，损失45 t/d。\n",
            "能量平衡中，投入产出比为1.2，损失率较低。\n",
        ] {
            assert!(found(text, rule::NUMBERS_BALANCE).is_empty(), "{text}");
        }
    }
}
