//! The acceptance self-evaluation (验收自评报告): its own fields, dates and
//! indicators (`acceptance/indicator-worse`).

use super::super::{Ctx, diag, key_span};
use super::*;
use crate::assets::{Resolve, resolve};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::voluntary::AcceptanceMeta;
use crate::rule;

pub fn check_acceptance(
    ctx: &Ctx<'_>,
    doc: &Document,
    report: &AcceptanceMeta,
    out: &mut Vec<Diagnostic>,
) {
    let v = &ctx.call.voluntary;
    crate::check::form::enterprise_identity(ctx, doc, &report.enterprise, "enterprise.", out);
    title_names_the_enterprise(
        doc,
        report.title.as_ref(),
        &report.enterprise,
        rule::ACCEPTANCE_IDENTITY,
        out,
    );
    experts(doc, v.min_experts, &report.experts, "experts", "验收", out);
    dates_in_order(
        doc,
        &[
            ("审核报告评估日期", &report.evaluation_date),
            ("验收自评报告编制日期", &report.date),
        ],
        out,
    );
    indicators(doc, &v.indicator_direction, report, out);
    for r in &report.reports {
        let Some(file) = &r.file else { continue };
        let problem = match resolve(ctx.root, ctx.root, &file.value) {
            Ok(_) => None,
            Err(Resolve::Missing) => Some(format!("证明材料文件 {} 不存在", file.value)),
            Err(Resolve::Outside) => Some(format!(
                "证明材料文件 {} 在项目目录之外，不会读取",
                file.value
            )),
        };
        if let Some(m) = problem {
            out.push(
                diag(
                    rule::AUDIT_REPORT_FILE,
                    Severity::Error,
                    doc,
                    file.span.clone(),
                    m,
                )
                .with_help(
                    "把有资质机构出具的报告放进项目（如 attachments/），写相对项目根目录的路径",
                ),
            );
        }
    }
    let base = report.date.as_ref().map_or(ctx.opts.today, |d| d.value);
    let span = key_span(doc, "date");
    yearly_deadline(
        ctx,
        doc,
        &v.acceptance_due,
        &v.acceptance_what,
        &base,
        span,
        out,
    );
}

/// The figure an indicator value starts with (`3.1`, `≤50`, `3.1 m³/t`,
/// `1,312` with thousands separators), after a year that labels it
/// (`2021年：4.2`, `2021年度 4.2`).
pub(super) fn leading_number(s: &str) -> Option<f64> {
    let folded: String = s.trim().chars().map(crate::text::fold_width).collect();
    let mut t = folded.as_str();
    // A year label: four digits of a year, then 年 (or 年度), then what
    // introduces the figure.
    if let Some(rest) = t
        .get(..4)
        .filter(|y| {
            (y.starts_with("19") || y.starts_with("20")) && y.bytes().all(|b| b.is_ascii_digit())
        })
        .and_then(|_| t[4..].strip_prefix('年'))
    {
        let rest = rest.strip_prefix('度').unwrap_or(rest);
        t = rest.trim_start_matches([':', ' ', '为', '是', '-']);
    }
    let t = t.trim_start_matches(['≤', '<', '≥', '>', '约', '~', '～', ' ']);
    let cs: Vec<char> = t.chars().collect();
    let mut n = String::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_ascii_digit() || c == '.' {
            n.push(c);
        } else if c == ','
            // A thousands separator: digits before (no decimal point yet)
            // and exactly three after.
            && !n.is_empty()
            && !n.contains('.')
            && cs.get(i + 1..i + 4).is_some_and(|g| g.iter().all(char::is_ascii_digit))
            && cs.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
        {
            // (the digits are taken on the next turns)
        } else {
            break;
        }
        i += 1;
    }
    n.trim_end_matches('.').parse().ok()
}

/// `acceptance/indicator-worse`: an indicator that got worse after the
/// options were implemented (its direction read from its name: 耗、排放
/// better lower, 利用率 better higher; a name that says neither is not
/// judged). A warning at the `after` value.
pub(super) fn indicators(
    doc: &Document,
    dir: &crate::call::IndicatorDirection,
    report: &AcceptanceMeta,
    out: &mut Vec<Diagnostic>,
) {
    for ind in &report.indicators {
        let (Some(name), Some(before), Some(after)) = (&ind.name, &ind.before, &ind.after) else {
            continue;
        };
        let (Some(b), Some(a)) = (leading_number(&before.value), leading_number(&after.value))
        else {
            continue;
        };
        let Some(higher) = dir.higher_is_better(&name.value) else {
            continue;
        };
        let worse = if higher { a < b } else { a > b };
        if !worse {
            continue;
        }
        let (way, should) = if higher {
            ("下降", "越高越好")
        } else {
            ("上升", "越低越好")
        };
        out.push(
            diag(
                rule::ACCEPTANCE_INDICATOR_WORSE,
                Severity::Warning,
                doc,
                after.span.clone(),
                format!(
                    "指标“{}”实施后（{}）比实施前（{}）{way}：这项指标{should}",
                    name.value, after.value, before.value
                ),
            )
            .with_label("实施后变差")
            .with_help("验收要复核清洁生产实施前后各项指标的提升情况：核对数值和前后顺序；确实变差的，在正文中说明原因"),
        );
    }
}
