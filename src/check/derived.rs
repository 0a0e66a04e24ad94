//! Figures derived from other figures that the author also wrote down:
//!
//! - `numbers/rate` — a change rate column (降低率, 削减率, 下降率, 提高率,
//!   增长率) beside a 基准值 column and a 目标值 column: the rate is
//!   |目标值 − 基准值| ÷ 基准值. Exact arithmetic on columns whose roles
//!   the headers name: an error. Indicators that are themselves
//!   percentages are skipped (their change may be in percentage points).
//! - `numbers/table-count` — a count in the sentence that introduces a
//!   table (共有电镀企业38家，见表1) against that table: its total row in
//!   a column of the same unit (企业数（家）), or, for a list, its rows.
//!   Read from prose: a warning.

use crate::rule;
use std::ops::Range;

use super::diag;
use super::numbers::{Num, RowKind, Val, half_unit, row_kinds, show, value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::markdown::Table;

pub fn check(doc: &Document, out: &mut Vec<Diagnostic>) {
    for t in &doc.body.table_data {
        rates(doc, t, out);
    }
    table_counts(doc, out);
}

// ---------------------------------------------------------------------
// numbers/rate

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Base,
    Target,
    Rate,
}

fn role(header: &str) -> Option<Role> {
    let h: String = header.chars().filter(|c| !c.is_whitespace()).collect();
    const RATE: [&str; 7] = [
        "降低率",
        "削减率",
        "下降率",
        "减少率",
        "提高率",
        "增长率",
        "降幅",
    ];
    if RATE.iter().any(|w| h.contains(w)) {
        return Some(Role::Rate);
    }
    // Written either way round: 基准值（2021年）, 2021年基准值, 2024年目标值.
    // A target header may name the base year (目标值（较基准年）): the
    // target is asked first.
    if ["目标值", "目标年"].iter().any(|w| h.contains(w)) {
        return Some(Role::Target);
    }
    if ["基准值", "基准年", "现状值", "现状年"]
        .iter()
        .any(|w| h.contains(w))
        || h.starts_with("现状")
    {
        return Some(Role::Base);
    }
    None
}

fn rates(doc: &Document, t: &Table, out: &mut Vec<Diagnostic>) {
    let roles: Vec<Option<Role>> = t.header.iter().map(|c| role(&c.text)).collect();
    let one = |r: Role| {
        let mut at = roles.iter().enumerate().filter(|(_, x)| **x == Some(r));
        match (at.next(), at.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    };
    // Exactly one column of each role: otherwise the roles are not certain.
    let (Some(b), Some(g), Some(r)) = (one(Role::Base), one(Role::Target), one(Role::Rate)) else {
        return;
    };
    // A column that says it is a percentage: (%) in its header.
    let rate_in_percent = t.header[r].text.contains('%') || t.header[r].text.contains('％');
    let unit_col = t.header.iter().position(|c| c.text.trim() == "单位");
    let kinds = row_kinds(&t.rows);
    for (row, kind) in t.rows.iter().zip(kinds) {
        if kind != RowKind::Data {
            continue;
        }
        let (Some(bc), Some(gc), Some(rc)) = (row.get(b), row.get(g), row.get(r)) else {
            continue;
        };
        let (Val::Num(base), Val::Num(target), Val::Num(rate)) =
            (value(&bc.text), value(&gc.text), value(&rc.text))
        else {
            continue;
        };
        // An indicator that is itself a percentage (综合利用率 85% → 95%):
        // its change may be in points; not judged.
        let unit_is_percent = unit_col
            .and_then(|u| row.get(u))
            .is_some_and(|c| c.text.contains('%') || c.text.contains('％'));
        if base.percent || target.percent || unit_is_percent || base.value <= 0.0 {
            continue;
        }
        if !(rate_in_percent || rate.percent) {
            continue;
        }
        let expected = (target.value - base.value).abs() / base.value * 100.0;
        if fits(rate, expected, base, target) {
            continue;
        }
        let shown = show(expected, rate.decimals.max(1));
        let over_target = target.value > 0.0
            && fits(
                rate,
                (target.value - base.value).abs() / target.value * 100.0,
                base,
                target,
            );
        let span = rc.at..rc.at + rc.text.trim_end().len().max(1);
        out.push(
            diag(
                rule::NUMBERS_RATE,
                Severity::Error,
                doc,
                span,
                format!(
                    "“{}”写的是 {}%，按（{} − {}）÷ 基准值 {} 计算为 {shown}%",
                    t.header[r].text.trim(),
                    show(rate.value, rate.decimals),
                    show(base.value.max(target.value), base.decimals.max(target.decimals)),
                    show(base.value.min(target.value), base.decimals.max(target.decimals)),
                    show(base.value, base.decimals),
                ),
            )
            .with_label(format!("应为 {shown}%"))
            .with_help(if over_target {
                "这个数是用目标值作分母算的：变化率 = |目标值 − 基准值| ÷ 基准值 × 100%"
            } else {
                "变化率 = |目标值 − 基准值| ÷ 基准值 × 100%：核对基准值、目标值和变化率（已容许四舍五入的误差）"
            }),
        );
    }
}

/// Whether a stated rate is `expected`, within the rounding of the rate
/// and of the two figures it comes from.
fn fits(rate: Num, expected: f64, base: Num, target: Num) -> bool {
    let spread = 100.0 * (half_unit(base.decimals) + half_unit(target.decimals)) / base.value;
    (rate.value.abs() - expected).abs() <= half_unit(rate.decimals) + spread + 1e-9
}

// ---------------------------------------------------------------------
// numbers/table-count

/// Units of a count of things a table lists.
const COUNT_UNITS: [char; 5] = ['家', '个', '座', '项', '台'];

fn table_counts(doc: &Document, out: &mut Vec<Diagnostic>) {
    let at = doc.body_start();
    let body = doc.body_text();
    // Each table by its caption's number (表1, 表4-1).
    let tables: Vec<(String, &Table)> = doc
        .body
        .table_data
        .iter()
        .filter(|t| !t.oversize)
        .filter_map(|t| caption_number(body, t.span.start.checked_sub(at)?).map(|n| (n, t)))
        .collect();
    if tables.is_empty() {
        return;
    }
    for (i, _) in body.match_indices("表") {
        // 见表1, 如表1, 详见表1, （表1）: a reference, not a caption line.
        let before = &body[..i];
        if !(before.ends_with('见') || before.ends_with('如') || before.ends_with('（')) {
            continue;
        }
        let num: String = body[i + '表'.len_utf8()..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '.')
            .collect();
        let num = num.trim_end_matches(['-', '.']).to_string();
        if num.is_empty() {
            continue;
        }
        let Some((_, table)) = tables.iter().find(|(n, _)| *n == num) else {
            continue;
        };
        let start = super::audit::sentence_start(body, i);
        let sentence = &body[start..i];
        let counts = counts_in(sentence);
        for (k, (range, n, unit)) in counts.iter().cloned().enumerate() {
            let Some((stated_in_table, how)) = table_count(table, unit) else {
                continue;
            };
            // Parts of the count (其中电镀14家、印染16家，名单见表1): the
            // sentence agrees when one count or the parts' sum is the
            // table's; a lone part after 其中 is not the total.
            let same: Vec<f64> = counts
                .iter()
                .filter(|(_, _, u)| *u == unit)
                .map(|(_, v, _)| *v)
                .collect();
            let agrees = same.iter().any(|v| (v - stated_in_table).abs() < 1e-9)
                || (same.len() > 1 && (same.iter().sum::<f64>() - stated_in_table).abs() < 1e-9);
            let part = sentence[..range.start].contains("其中");
            let first_of_unit = counts[..k].iter().all(|(_, _, u)| *u != unit);
            if agrees || part || !first_of_unit {
                continue;
            }
            if (stated_in_table - n).abs() > 1e-9 {
                let span = at + start + range.start..at + start + range.end;
                out.push(
                    diag(
                        rule::NUMBERS_TABLE_COUNT,
                        Severity::Warning,
                        doc,
                        span,
                        format!(
                            "正文写 {}{unit}，引出的表{num}{how}是 {}{unit}",
                            show(n, 0),
                            show(stated_in_table, 0)
                        ),
                    )
                    .with_label(format!("表{num}：{}{unit}", show(stated_in_table, 0)))
                    .with_help("正文中引出表格的数字应与表格一致：改正其中一处"),
                );
            }
        }
    }
}

/// The number of the caption line right above a table (`表1 …`, `表 4-1：…`).
fn caption_number(body: &str, table_start: usize) -> Option<String> {
    let above = body.get(..table_start)?.trim_end();
    let line = above.rsplit('\n').next()?.trim();
    let line = line.trim_matches('*');
    let rest = line.strip_prefix('表')?.trim_start();
    let num: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '.')
        .collect();
    let num = num.trim_end_matches(['-', '.']).to_string();
    (!num.is_empty()).then_some(num)
}

/// Whole counts with a unit in a sentence (45家, 12个): (range in the
/// sentence, value, unit). Not years, not parts of decimals.
fn counts_in(sentence: &str) -> Vec<(Range<usize>, f64, char)> {
    let mut out = Vec::new();
    let b = sentence.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_digit() || b[i - 1] == b'.')) {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if let Some(unit) = sentence[i..]
                .chars()
                .next()
                .filter(|c| COUNT_UNITS.contains(c))
                && let Ok(v) = sentence[start..i].parse::<f64>()
            {
                out.push((start..i, v, unit));
            }
            continue;
        }
        i += 1;
    }
    out
}

/// What a table says of a count in `unit`: its total row in the one
/// column whose header names the unit (企业数（家）), or, for a list whose
/// rows are numbered 1…N, N.
fn table_count(t: &Table, unit: char) -> Option<(f64, &'static str)> {
    let kinds = row_kinds(&t.rows);
    let unit_cols: Vec<usize> = t
        .header
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            let h = c.text.as_str();
            h.contains(&format!("（{unit}）")) || h.contains(&format!("({unit})"))
        })
        .map(|(j, _)| j)
        .collect();
    if let [j] = unit_cols[..]
        && let Some(total) = t
            .rows
            .iter()
            .zip(&kinds)
            .find(|(_, k)| **k == RowKind::Total)
            .and_then(|(r, _)| r.get(j))
        && let Val::Num(n) = value(&total.text)
    {
        return Some((n.value, "合计"));
    }
    if !unit_cols.is_empty() {
        return None;
    }
    // A list: a 序号 column numbered 1, 2, … N with no total row.
    let first = t.header.first()?.text.trim();
    if first != "序号" || kinds.iter().any(|k| *k != RowKind::Data) {
        return None;
    }
    let mut expected = 1.0;
    for r in &t.rows {
        match r.first().map(|c| value(&c.text)) {
            Some(Val::Num(n)) if (n.value - expected).abs() < 1e-9 => expected += 1.0,
            _ => return None,
        }
    }
    (expected > 1.0).then_some((expected - 1.0, "所列"))
}

#[cfg(test)]
mod tests {
    use crate::check::testutil::{Fixture, GOOD_FRONT};
    use crate::rule;

    fn rules(body: &str) -> Vec<(String, usize, crate::diagnostic::Severity)> {
        Fixture::new()
            .check(&format!("{GOOD_FRONT}{body}"))
            .into_iter()
            .filter(|d| d.rule == rule::NUMBERS_RATE || d.rule == rule::NUMBERS_TABLE_COUNT)
            .map(|d| (d.rule.to_string(), d.line.unwrap_or(0), d.severity))
            .collect()
    }

    #[test]
    fn a_reduction_rate_over_the_target_is_wrong_and_over_the_base_is_right() {
        let table = |rate: &str| {
            format!(
                "表3 试点主要指标\n\n|指标|单位|基准值（2021年）|目标值（2024年）|降低率（%）|\n|:--|:-:|--:|--:|--:|\n|熟料单位产品综合能耗|千克标准煤/吨|108.6|100.0|{rate}|\n|综合利用率|%|85|95|10|\n"
            )
        };
        assert_eq!(rules(&table("7.9")), vec![]);
        // 8.6 is (108.6 − 100.0) ÷ 100.0: the wrong denominator.
        let found = rules(&table("8.6"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, rule::NUMBERS_RATE.as_str());
        assert_eq!(found[0].2, crate::diagnostic::Severity::Error);
    }

    #[test]
    fn a_count_introducing_a_table_is_held_against_its_total() {
        let text = |n: u32| {
            format!(
                "全市共有电镀企业{n}家，按镀种分类见表1。\n\n表1 电镀企业按主要镀种分类\n\n|主要镀种|企业数（家）|年电镀面积（万平方米）|\n|:--|--:|--:|\n|镀锌|14|186.4|\n|镀铬|23|42.7|\n|合计|37|229.1|\n"
            )
        };
        assert_eq!(rules(&text(37)), vec![]);
        let found = rules(&text(38));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].2, crate::diagnostic::Severity::Warning);
        // A list numbered 1…3 counts its rows.
        let list = |n: u32| {
            format!(
                "试点企业共{n}家（见表2）。\n\n表2 企业名单\n\n|序号|企业名称|\n|:-:|:--|\n|1|甲|\n|2|乙|\n|3|丙|\n"
            )
        };
        assert_eq!(rules(&list(3)), vec![]);
        assert_eq!(rules(&list(4)).len(), 1);
        // Parts that add up to the list, or a part after 其中, agree.
        let parts = |a: u32, b: u32| {
            format!(
                "试点企业分两个行业，其中电镀企业{a}家、印染企业{b}家，名单见表2。\n\n表2 企业名单\n\n|序号|企业名称|\n|:-:|:--|\n|1|甲|\n|2|乙|\n|3|丙|\n"
            )
        };
        assert_eq!(rules(&parts(1, 2)), vec![]);
        assert_eq!(rules(&parts(1, 1)), vec![]);
        let sum = |a: u32, b: u32| {
            format!(
                "电镀企业{a}家、印染企业{b}家，名单见表2。\n\n表2 企业名单\n\n|序号|企业名称|\n|:-:|:--|\n|1|甲|\n|2|乙|\n|3|丙|\n"
            )
        };
        assert_eq!(rules(&sum(1, 2)), vec![]);
        assert_eq!(rules(&sum(2, 2)).len(), 1);
    }
}
