//! `numbers/balance`: material, water and energy balances in every layout
//! real reports use — rows (输入合计, 输出合计, 损失, 误差), side by side
//! (输入项 | 数量 | 输出项 | 数量), 项目 | 名称 | 数量 with 差值/偏差率/损失率,
//! and one sentence of prose — input − output = loss, loss ÷ input = rate.

use super::super::diag;
use super::*;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::markdown::{Cell, Table};
use crate::rule;

/// What a balance row or clause states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BalanceRole {
    Input,
    Output,
    Loss,
    Deviation,
}

/// The role a label (a row's first cells, or the words before a figure)
/// names in a balance, if any.
pub(super) fn balance_role(label: &str) -> Option<BalanceRole> {
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
    // 输入物料总计, 输出水量合计: a side, a few words, a total's word.
    let side_total = |sides: &[&str]| {
        sides.iter().any(|side| {
            t.strip_prefix(side).is_some_and(|rest| {
                ["合计", "总计", "总量"]
                    .iter()
                    .any(|k| rest.ends_with(k) && rest.chars().count() <= 6)
            })
        })
    };
    if INPUT.iter().any(|w| t.starts_with(w)) || side_total(&["输入", "投入", "收入"]) {
        Some(BalanceRole::Input)
    } else if OUTPUT.iter().any(|w| t.starts_with(w)) || side_total(&["输出", "产出", "支出"])
    {
        Some(BalanceRole::Output)
    } else if LOSS.iter().any(|w| t.starts_with(w)) {
        Some(BalanceRole::Loss)
    } else {
        None
    }
}

/// A stated balance: input, output, and the loss and deviation as far as
/// stated, each with where it stands.
pub(super) struct Balance {
    input: Num,
    output: Num,
    loss: Option<(Num, std::ops::Range<usize>)>,
    deviation: Option<(Num, std::ops::Range<usize>)>,
}

/// Judge a stated balance; push an error at each figure that disagrees.
pub(super) fn judge_balance(doc: &Document, b: &Balance, out: &mut Vec<Diagnostic>) {
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
pub(super) fn balance_side_by_side(doc: &Document, t: &Table, out: &mut Vec<Diagnostic>) {
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
pub(super) fn loss_below_totals(label: &str) -> Option<BalanceRole> {
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
pub(super) fn balance_table(doc: &Document, t: &Table, out: &mut Vec<Diagnostic>) {
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
pub(super) fn figure_after(s: &str, from: usize) -> Option<(Num, std::ops::Range<usize>, &str)> {
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
pub(super) fn figures_after(s: &str, from: usize) -> Option<(Num, std::ops::Range<usize>, &str)> {
    let (mut total, first, unit) = figure_after(s, from)?;
    let mut span = first.clone();
    let mut at = first.end + s[first.end..].find(unit).unwrap_or(0) + unit.len();
    // The next item: after 、, or after a comma when the clause names no
    // other role (输出产品8163 t，副产物335 t，损失22 t: 副产物 is output).
    loop {
        let here = s[at..].trim_start_matches([' ', '\u{a0}']);
        let (rest, comma) = if let Some(r) = here.strip_prefix('、') {
            (r, false)
        } else if let Some(r) = here.strip_prefix(['，', ',']) {
            (r, true)
        } else {
            break;
        };
        let next_from = s.len() - rest.len();
        let Some((n, r, u)) = figure_after(s, next_from) else {
            break;
        };
        // Not a part (其中原料8000 t) or a total (合计8498 t) of what
        // came before.
        let words = &s[next_from..r.start];
        if comma
            && (prose_keys().is_match(words)
                || ["其中", "合计", "共", "总", "累计", "约"]
                    .iter()
                    .any(|w| words.contains(w)))
        {
            break;
        }
        if u != unit || n.percent != total.percent {
            // After a comma, a figure in another unit is another clause
            // (损失6807 tce，能量利用率78.5%); in an enumeration it makes
            // the sum unclear.
            if comma {
                break;
            }
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
pub(super) const PROSE_KEYS: [(&str, BalanceRole); 17] = [
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
pub(super) fn prose_keys() -> &'static aho_corasick::AhoCorasick {
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
pub(super) fn balance_prose(doc: &Document, out: &mut Vec<Diagnostic>) {
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
