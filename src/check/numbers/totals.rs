//! `numbers/total` and `numbers/percentage`: the kinds of a table's rows
//! (figures, 小计, 合计, 其中 and its breakdown, notes), sums of figure rows
//! against their 合计/小计 rows, and share columns against part ÷ whole.

use super::super::diag;
use super::*;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::markdown::{Cell, Table};
use crate::rule;

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
    // Group heads: in a table numbered 1, 2, 3 within groups 一, 二, the
    // rows numbered 一, 二 carry their group's amount (a subtotal above
    // its rows); the rows under them are the figures.
    // (No allocation: this runs for every row of every table.)
    fn first(r: &[Cell]) -> &str {
        r.first().map_or("", |c| c.text.trim())
    }
    let is_group_head = |t: &str| {
        !t.is_empty()
            && t.chars().count() <= 3
            && t.chars().all(|c| "一二三四五六七八九十".contains(c))
    };
    let arabic = rows
        .iter()
        .filter(|r| first(r).parse::<u32>().is_ok())
        .count();
    if arabic >= 2 {
        for (i, row) in rows.iter().enumerate() {
            if kinds[i] == RowKind::Data && is_group_head(first(row)) {
                kinds[i] = RowKind::Aside;
            }
        }
    }
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
pub(super) fn lone_label(t: &str) -> Option<RowKind> {
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
            // 合计/平均: a row of averages as much as of sums.
            if t.contains("平均") {
                return RowKind::Aside;
            }
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
pub(super) fn is_non_additive(header: &str) -> bool {
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
    // Per unit of product or output (kgce/t, m³/t, 吨/万元): an
    // intensity, whose 合计 row states an average.
    const PER: [&str; 7] = ["单位产品", "单位产值", "/t）", "/t)", "/吨", "/万元", "/件"];
    WORDS.iter().any(|w| header.contains(w)) || PER.iter().any(|w| header.contains(w))
}

/// The label of a total or subtotal row as written (输入合计, 小计).
pub(super) fn row_label<'a>(row: &'a [Cell], or: &'a str) -> &'a str {
    row.iter()
        .take(2)
        .map(|c| c.text.trim())
        .find(|s| s.contains('计'))
        .unwrap_or(or)
}

/// A column of shares of a whole: named so (占比, 比例, 比重, 百分比,
/// 构成), or in per cent without being a rate, a change or another figure
/// that is no part of a whole (达标率（%）, 增幅（%）, 浓度（%）).
pub(super) fn is_share_header(h: &str) -> bool {
    // One pass over the header's characters before any substring search:
    // this runs for every column of every table.
    if !h.contains(['比', '构', '%', '％']) {
        return false;
    }
    if ["占比", "比例", "比重", "百分比", "构成"]
        .iter()
        .any(|k| h.contains(k))
    {
        return true;
    }
    h.contains(['%', '％']) && !is_non_additive(h) && !is_change(h)
}

/// A column of changes (增幅, 同比), in per cent or not: no share.
fn is_change(h: &str) -> bool {
    [
        "增长", "增幅", "降幅", "下降", "提高", "降低", "减少", "增加", "同比", "环比", "变化",
        "变动",
    ]
    .iter()
    .any(|k| h.contains(k))
}

/// A header without what is in brackets (its unit), normalised:
/// `工业产值（亿元）` → `工业产值`.
fn header_words(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in h.chars() {
        match c {
            '（' | '(' | '【' | '[' => depth += 1,
            '）' | ')' | '】' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    crate::text::normalize_title(&out)
}

/// What a share column is a share of, by its header: `产值占比（%）` →
/// `产值`, `能耗构成` → `能耗`; empty for `占比（%）`, `比重`, `所占比例`.
fn share_stem(h: &str) -> String {
    let mut s = header_words(h);
    for w in ["百分比", "占比", "比例", "比重", "构成"] {
        s = s.replace(w, "");
    }
    s.trim_start_matches("所占")
        .trim_start_matches('占')
        .trim_end_matches('的')
        .to_string()
}

pub(super) fn table(doc: &Document, t: &Table, out: &mut Vec<Diagnostic>) {
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
        // Cells in per cent make a column of shares, unless it is named
        // a rate or a change (达标率 written 100%). A column in per cent
        // that is no share is not added up either.
        let percent_cells = summed.iter().any(|v| matches!(v, Val::Num(n) if n.percent));
        let share = is_share_header(header)
            || (percent_cells && !is_non_additive(header) && !is_change(header));
        let in_percent = percent_cells || header.contains(['%', '％']);
        if !share && (in_percent || is_non_additive(header)) {
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
pub(super) fn compare(
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
    // Counts (企业数（家）, 方案（项）, 人数) are exact whole numbers: no
    // rounding to allow for.
    let counted = is_count(header)
        && stated.decimals == 0
        && parts.iter().all(|n| n.decimals == 0 && !n.percent);
    let tol: f64 = if counted {
        1e-9
    } else {
        parts.iter().map(|n| half_unit(n.decimals)).sum::<f64>() + half_unit(stated.decimals) + 1e-9
    };
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

/// A column of counts of things, by its unit: （家）, （个）, （项）, （人）,
/// （台）, （套）, （座）, or 数量/个数 of such.
fn is_count(header: &str) -> bool {
    let h: String = header.chars().filter(|c| !c.is_whitespace()).collect();
    ["家", "个", "项", "人", "台", "套", "座", "处", "名"]
        .iter()
        .any(|u| h.contains(&format!("（{u}）")) || h.contains(&format!("({u})")))
        || h.ends_with("家数")
        || h.ends_with("企业数")
        || h.ends_with("人数")
}

/// A share column: each row's share against its part in a figure column
/// and that column's total, where the table states the whole (its total
/// row's share is 100). The figure column is the one the share's header
/// names (`产值占比` → `工业产值（亿元）`), else the only one with a total;
/// when several could be meant, the one most rows agree with — if more
/// than half do and no other as many. Otherwise nothing is judged: which
/// figure the shares are of cannot be told.
pub(super) fn shares(
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
    let cell = |i: usize, k: usize| t.rows[i].get(k).map(|c| value(&c.text));
    let Some(Val::Num(whole)) = cell(total_at, j) else {
        return;
    };
    if (whole.value - 100.0).abs() > half_unit(whole.decimals) + 1e-9 {
        return;
    }
    let header_of = |k: usize| t.header.get(k).map_or("", |c| c.text.trim());
    // The columns to the left that may be the base: figures (not shares,
    // rates or prices) with a total.
    let candidates: Vec<usize> = (0..j)
        .rev()
        .filter(|&k| {
            let h = header_of(k);
            !is_share_header(h)
                && !is_non_additive(h)
                && matches!(
                    cell(total_at, k),
                    Some(Val::Num(n)) if !n.percent && n.value != 0.0
                )
                && (0..total_at).all(|i| !matches!(cell(i, k), Some(Val::Text)))
        })
        .collect();
    // The data rows with a share and, in column k, a part.
    let rows: Vec<usize> = (0..total_at)
        .filter(|&i| kinds[i] == RowKind::Data && matches!(cell(i, j), Some(Val::Num(_))))
        .collect();
    // Row i's share against column k: None when it agrees, else what it
    // should be, with the part and the whole.
    let check = |i: usize, k: usize| -> Option<Option<(f64, Num, Num, Num)>> {
        let (Some(Val::Num(part)), Some(Val::Num(stated)), Some(Val::Num(all))) =
            (cell(i, k), cell(i, j), cell(total_at, k))
        else {
            return None;
        };
        let expected = part.value / all.value * 100.0;
        // The share's own rounding, and what the rounding of the part and
        // the whole can move it.
        let tol = half_unit(stated.decimals)
            + 100.0 * (half_unit(part.decimals) + half_unit(all.decimals)) / all.value.abs()
            + 1e-9;
        Some(((expected - stated.value).abs() > tol).then_some((expected, part, all, stated)))
    };
    let agreeing = |k: usize| {
        rows.iter()
            .filter(|&&i| matches!(check(i, k), Some(None)))
            .count()
    };
    let stem = share_stem(header);
    let named: Vec<usize> = if stem.chars().count() >= 2 {
        candidates
            .iter()
            .copied()
            .filter(|&k| {
                let words = header_words(header_of(k));
                words.contains(stem.as_str())
                    || (words.chars().count() >= 2 && stem.contains(words.as_str()))
            })
            .collect()
    } else {
        Vec::new()
    };
    let base = match (named.as_slice(), candidates.as_slice()) {
        // The column the header names.
        ([k], _) => Some(*k),
        // The only figure column, and the header names none.
        ([], [k]) if stem.is_empty() => Some(*k),
        // Several, or one the header does not name: the one most rows
        // agree with.
        (several, all) => {
            let pool = if several.len() >= 2 { several } else { all };
            let counts: Vec<(usize, usize)> = pool.iter().map(|&k| (k, agreeing(k))).collect();
            let best = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
            let leaders: Vec<usize> = counts
                .iter()
                .filter(|(_, n)| *n == best)
                .map(|(k, _)| *k)
                .collect();
            (leaders.len() == 1 && best >= 2 && 2 * best > rows.len()).then(|| leaders[0])
        }
    };
    let Some(k) = base else { return };
    let base_header = header_of(k);
    for &i in &rows {
        let Some(Some((expected, part, all, stated))) = check(i, k) else {
            continue;
        };
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
