//! The numbers a reviewer adds up, for every kind of document:
//! `numbers/total` — a 合计/总计 row against the rows above it and a 小计
//! row against its group, in every numeric column of a body table;
//! `numbers/percentage` — a share column (占比, 比例, %) against its part
//! and the whole, where the table states both (its total row says 100);
//! `numbers/balance` — a material, water or energy balance that states its
//! input, output and loss or deviation, in a table (rows 输入合计, 输出合计,
//! 损失, 误差) or in one sentence of a paragraph about a balance: input −
//! output = loss, loss ÷ input = the percentage.
//!
//! Sums are compared with the tolerance of the numbers' own rounding: each
//! number written with d decimals may be off by half a unit in its last
//! place, so a total of ten one-decimal figures may differ from their sum
//! by up to 0.55 and still be right.

mod balance;
mod totals;

use balance::*;
pub(crate) use totals::*;

use crate::diagnostic::Diagnostic;
use crate::document::Document;

pub fn check(doc: &Document, out: &mut Vec<Diagnostic>) {
    for t in &doc.body.table_data {
        table(doc, t, out);
        balance_table(doc, t, out);
        balance_side_by_side(doc, t, out);
    }
    balance_prose(doc, out);
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

/// A number for a message: as many decimals as the figures it came from.
pub(crate) fn show(v: f64, decimals: u32) -> String {
    format!("{:.*}", decimals.min(6) as usize, v)
}

#[cfg(test)]
mod tests;
