//! `eligibility/violation` and `eligibility/basis` (通知 一、（四）1–2).

use super::{Ctx, diag, field_span};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::plan::PlanMeta;
use crate::rule;

pub fn check(_ctx: &Ctx<'_>, doc: &Document, plan: &PlanMeta, out: &mut Vec<Diagnostic>) {
    let e = &plan.eligibility;
    match &e.no_major_violation {
        None => out.push(
            diag(
                rule::ELIGIBILITY_VIOLATION,
                Severity::Error,
                doc,
                field_span(doc, "eligibility"),
                "未声明试点对象所在区域3年内是否发生重大环境违法事件",
            )
            .with_help("在 eligibility 下写 `no_major_violation: 是`（申报条件第1条）"),
        ),
        Some(b) if !b.value => out.push(
            diag(
                rule::ELIGIBILITY_VIOLATION,
                Severity::Error,
                doc,
                b.span.clone(),
                "所在区域3年内发生过重大环境违法事件，不符合申报条件",
            )
            .with_label("不符合申报条件")
            .with_help("申报条件第1条：试点对象所在区域3年内未发生重大环境违法事件"),
        ),
        Some(_) => {}
    }
    let basis = [
        ("managers", "清洁生产管理人员", e.managers.is_some()),
        ("rules", "管理制度和机制安排", e.rules.is_some()),
        (
            "funding_source",
            "明确的资金支持来源",
            e.funding_source.is_some(),
        ),
    ];
    for (key, zh, present) in basis {
        if !present {
            out.push(
                diag(rule::ELIGIBILITY_BASIS, Severity::Error, doc, field_span(doc, &format!("eligibility.{key}")), format!("未写明{zh}"))
                    .with_help(format!("在 eligibility 下写 `{key}: …`（申报条件第2条：具备清洁生产管理人员、管理制度和机制安排，以及明确的资金支持来源）")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use crate::rule;

    fn n(d: &[crate::diagnostic::Diagnostic], rule: crate::rule::RuleId) -> usize {
        problems(d).iter().filter(|r| **r == rule).count()
    }

    #[test]
    fn violation() {
        let f = Fixture::new();
        assert_eq!(n(&f.check(&good_plan()), rule::ELIGIBILITY_VIOLATION), 0);
        assert_eq!(
            n(
                &f.check(&good_plan().replace("no_major_violation: 是", "no_major_violation: 否")),
                rule::ELIGIBILITY_VIOLATION
            ),
            1
        );
        assert_eq!(
            n(
                &f.check(&good_plan().replace("  no_major_violation: 是\n", "")),
                rule::ELIGIBILITY_VIOLATION
            ),
            1
        );
    }

    #[test]
    fn basis() {
        let f = Fixture::new();
        assert_eq!(n(&f.check(&good_plan()), rule::ELIGIBILITY_BASIS), 0);
        let d = f.check(&good_plan().replace("  funding_source: 市级财政专项资金与企业自筹\n", ""));
        assert_eq!(n(&d, rule::ELIGIBILITY_BASIS), 1);
    }
}
