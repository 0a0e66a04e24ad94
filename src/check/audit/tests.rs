use super::*;
use crate::check::testutil::{Fixture, rules};

pub const GOOD_AUDIT: &str = "---
kind: audit-report
title: 伏牛新材料有限公司清洁生产审核报告
enterprise:
  name: 伏牛新材料有限公司
  uscc: \"91410700MA45F8K2X5\"
  industry: 化学原料和化学制品制造业
  industry_code: \"2614\"
agency:
  name: 伏牛绿源环保咨询有限公司
  staff: 12
  senior: 3
  intermediate: 7
  industry_audits: 5
  related_jobs: 8
period:
  start: 2022-09-01
  end: 2023-02-28
evaluation:
  experts: [张华, 李明, 王强]
  date: 2023-03-20
  result: 通过
options:
  - name: 蒸汽冷凝水回收
    class: 无/低费
    investment: 12
    economic_benefit: 30.5
  - name: 循环水系统改造
    class: 中/高费
    investment: 260
    economic_benefit: 85
    environmental_benefit:
      water: 12万立方米/年
date: 2023-03-01
---

# 企业基本情况

企业位于伏牛经开区。

# 清洁生产审核过程和结果

审核准备阶段成立审核小组；预审核阶段开展现状调查，确定审核重点；清洁生产目标为单位产品水耗降低10%；建立物料平衡、能量平衡和水平衡；方案的产生和筛选；方案的确定经可行性分析。

# 清洁生产方案汇总和效益预测分析

| 序号 | 方案名称 | 类别 | 投资（万元） | 经济效益（万元/年） |
|---|---|---|---:|---:|
| 1 | 蒸汽冷凝水回收 | 无/低费 | 12 | 30.5 |
| 2 | 循环水系统改造 | 中/高费 | 260 | 85 |
| | 合计 | | 272 | 115.5 |

# 清洁生产方案实施计划

2023年完成全部方案。
";

fn check(text: &str, today: &str) -> Vec<Diagnostic> {
    let mut f = Fixture::new();
    f.opts.today = crate::call::parse_datetime(today, false).unwrap();
    f.check(text)
}

#[test]
fn a_title_naming_another_enterprise_is_two_identities() {
    let two = GOOD_AUDIT.replace("  name: 伏牛新材料有限公司", "  name: 伏牛化工有限公司");
    let d = check(&two, "2023-04-01");
    let found: Vec<_> = d
        .iter()
        .filter(|x| x.rule == rule::AUDIT_IDENTITY)
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Error);
    assert_eq!(found[0].line, Some(3));
    // Near misses: a shortened name, and a title without one.
    for ok in [
        GOOD_AUDIT.replace(
            "  name: 伏牛新材料有限公司",
            "  name: 河南伏牛新材料有限公司",
        ),
        GOOD_AUDIT.replace(
            "title: 伏牛新材料有限公司清洁生产审核报告",
            "title: 清洁生产审核报告",
        ),
    ] {
        let d = check(&ok, "2023-04-01");
        assert!(!d.iter().any(|x| x.rule == rule::AUDIT_IDENTITY), "{d:#?}");
    }
}

#[test]
fn a_complete_report_passes_every_audit_rule() {
    let d = check(GOOD_AUDIT, "2023-04-01");
    let bad: Vec<_> = d.iter().filter(|x| x.severity != Severity::Info).collect();
    assert!(bad.is_empty(), "{bad:#?}");
    let total = d.iter().find(|x| x.rule == rule::AUDIT_OPTIONS).unwrap();
    assert!(
        total
            .message
            .contains("无/低费 1 项，投资 12 万元，年经济效益 30.5 万元")
            && total.message.contains("中/高费 1 项，投资 260 万元")
            && total
                .message
                .contains("合计 2 项，投资 272 万元，年经济效益 115.5 万元"),
        "{}",
        total.message
    );
    let due = d
        .iter()
        .find(|x| x.rule == rule::AUDIT_REAUDIT_DUE)
        .unwrap();
    assert_eq!(due.severity, Severity::Info);
    assert!(due.message.contains("2027年3月20日"), "{}", due.message);
}

#[test]
fn subtotal_rows_and_tables_of_one_class_are_read_as_written() {
    // 小计 rows are not options; the total is the sum of both classes.
    let with_subtotals = GOOD_AUDIT.replace(
            "| 2 | 循环水系统改造 | 中/高费 | 260 | 85 |\n",
            "| | 小计 | | 12 | 30.5 |\n| 2 | 循环水系统改造 | 中/高费 | 260 | 85 |\n| | 小计 | | 260 | 85 |\n",
        );
    assert_ne!(with_subtotals, GOOD_AUDIT);
    let d = check(&with_subtotals, "2023-04-01");
    let bad: Vec<_> = d.iter().filter(|x| x.severity != Severity::Info).collect();
    assert!(bad.is_empty(), "{bad:#?}");
    // A table of the 无/低费 options alone is compared with them alone.
    let low_only = GOOD_AUDIT.replace(
        "| 2 | 循环水系统改造 | 中/高费 | 260 | 85 |\n| | 合计 | | 272 | 115.5 |\n",
        "| | 合计 | | 12 | 30.5 |\n",
    );
    assert_ne!(low_only, GOOD_AUDIT);
    let d = check(&low_only, "2023-04-01");
    let bad: Vec<_> = d.iter().filter(|x| x.severity != Severity::Info).collect();
    assert!(bad.is_empty(), "{bad:#?}");
    // …and a wrong figure in it is still found, against its class.
    let wrong = low_only.replace(
        "| 12 | 30.5 |\n| | 合计 | | 12 |",
        "| 14 | 30.5 |\n| | 合计 | | 14 |",
    );
    assert_ne!(wrong, low_only);
    let d = check(&wrong, "2023-04-01");
    let e: Vec<_> = d
        .iter()
        .filter(|x| x.rule == rule::AUDIT_OPTIONS && x.is_error())
        .collect();
    assert!(
        !e.is_empty() && e[0].message.contains("表中所列各方案的投资合计 12 万元"),
        "{e:#?}"
    );
    // A table of some of the options (those still to do) is compared
    // with them, not with their class.
    let some = GOOD_AUDIT.replace("| 1 | 蒸汽冷凝水回收 | 无/低费 | 12 | 30.5 |\n", "");
    assert_ne!(some, GOOD_AUDIT);
    let some = some.replace("| | 合计 | | 272 | 115.5 |", "| | 合计 | | 260 | 85 |");
    let d = check(&some, "2023-04-01");
    let bad: Vec<_> = d
        .iter()
        .filter(|x| x.rule == rule::AUDIT_OPTIONS && x.severity != Severity::Info)
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn counts_and_totals_in_the_text_match_the_options() {
    let said = GOOD_AUDIT.replace(
            "2023年完成全部方案。",
            "共提出清洁生产方案2项，其中无/低费方案1项，中/高费方案1项，总投资272万元，年经济效益115.5万元。2023年完成全部方案。",
        );
    assert_ne!(said, GOOD_AUDIT);
    let d = check(&said, "2023-04-01");
    assert!(!rules(&d).contains(&rule::AUDIT_PROSE_FIGURES), "{d:#?}");
    let wrong = said
        .replace("无/低费方案1项", "无/低费方案9项")
        .replace("总投资272万元", "总投资300万元");
    let d = check(&wrong, "2023-04-01");
    let p: Vec<_> = d
        .iter()
        .filter(|x| x.rule == rule::AUDIT_PROSE_FIGURES)
        .collect();
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(
        p.iter()
            .any(|x| x.is_error() && x.message.contains("无/低费方案 9 项")),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|x| x.severity == Severity::Warning && x.message.contains("300")),
        "{p:#?}"
    );
}

#[test]
fn amounts_as_reports_write_them_are_not_flagged() {
    let quiet = |text: &str| {
        let p: Vec<_> = check(text, "2023-04-01")
            .into_iter()
            .filter(|x| x.rule == rule::AUDIT_PROSE_FIGURES)
            .collect();
        assert!(p.is_empty(), "{text}\n{p:#?}");
    };
    let with = |sentence: &str| {
        let t = GOOD_AUDIT.replace("2023年完成全部方案。", sentence);
        assert_ne!(t, GOOD_AUDIT);
        t
    };
    // Rounded as written, or said to be about.
    quiet(&with("2项方案总投资约272万元，年经济效益116万元。"));
    // Another investment than the options'.
    quiet(&with("公司一期工程总投资58600万元。"));
    // Candidates, of which the options were kept.
    quiet(&with(
        "共提出清洁生产方案23项，经合并同类项、剔除不可行方案后，筛选出可行方案2项。",
    ));
    // “once all are done”.
    quiet(&with("2项方案全部实施后，预计年经济效益115.5万元。"));
    // The report's count and amounts of the options done, by status.
    let done = with("已实施方案1项，累计投资12万元，取得年经济效益30.5万元。").replacen(
        "    economic_benefit: 30.5\n",
        "    economic_benefit: 30.5\n    status: 已实施\n",
        1,
    );
    let done = done.replacen(
        "    economic_benefit: 85\n",
        "    economic_benefit: 85\n    status: 实施中\n",
        1,
    );
    assert!(done.contains("status: 实施中"));
    quiet(&done);
    let d: Vec<_> = check(
        &done.replace("已实施方案1项", "已实施方案2项"),
        "2023-04-01",
    )
    .into_iter()
    .filter(|x| x.rule == rule::AUDIT_PROSE_FIGURES)
    .collect();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        d[0].message.contains("options 的 status 中有 1 项"),
        "{}",
        d[0].message
    );
}

#[test]
fn dates_out_of_order_are_errors_at_the_later_one() {
    let d = check(GOOD_AUDIT, "2023-04-01");
    assert!(!rules(&d).contains(&rule::DATE_ORDER));
    // Evaluated on the day the audit ended: in order.
    let same_day = GOOD_AUDIT.replace("  end: 2023-02-28", "  end: 2023-03-20");
    assert_ne!(same_day, GOOD_AUDIT);
    let d = check(&same_day, "2023-04-01");
    assert!(!rules(&d).contains(&rule::DATE_ORDER), "{d:#?}");
    let bad = GOOD_AUDIT.replace("  end: 2023-02-28", "  end: 2022-08-31");
    let d = check(&bad, "2023-04-01");
    let o: Vec<_> = d.iter().filter(|x| x.rule == rule::DATE_ORDER).collect();
    assert_eq!(o.len(), 1, "{o:#?}");
    assert!(
        o[0].message
            .contains("审核结束日期（2022年8月31日）早于审核开始日期"),
        "{}",
        o[0].message
    );
    let line = bad
        .lines()
        .position(|l| l.contains("end: 2022-08-31"))
        .unwrap()
        + 1;
    assert_eq!(o[0].line, Some(line));
}

#[test]
fn mentioned_is_not_done_and_vetoes_are_errors() {
    let d = check(GOOD_AUDIT, "2023-04-01");
    assert!(!rules(&d).contains(&rule::AUDIT_VETO), "{d:#?}");
    let negated = GOOD_AUDIT.replace(
        "建立物料平衡、能量平衡和水平衡",
        "物料平衡已建立，能量平衡已建立，企业尚未建立水平衡",
    );
    assert_ne!(negated, GOOD_AUDIT);
    let d = check(&negated, "2023-04-01");
    let b: Vec<_> = d
        .iter()
        .filter(|x| x.rule == rule::AUDIT_BALANCES)
        .collect();
    assert_eq!(b.len(), 1, "{b:#?}");
    assert!(b[0].message.contains("水平衡"), "{}", b[0].message);
    // No 审核重点 at all, and a target without a figure: two vetoes; the
    // first certain (an error), the second read from prose (a warning).
    let vague = GOOD_AUDIT.replace("确定审核重点", "分析问题").replace(
        "清洁生产目标为单位产品水耗降低10%",
        "清洁生产目标为持续改进",
    );
    let d = check(&vague, "2023-04-01");
    let v: Vec<_> = d.iter().filter(|x| x.rule == rule::AUDIT_VETO).collect();
    assert_eq!(v.len(), 2, "{v:#?}");
    assert!(
        v[0].is_error() && v[0].message.contains("审核重点"),
        "{v:#?}"
    );
    assert_eq!(v[1].severity, Severity::Warning, "{v:#?}");
    // No target named anywhere: an error.
    let none = GOOD_AUDIT.replace("清洁生产目标为单位产品水耗降低10%；", "");
    assert_ne!(none, GOOD_AUDIT);
    let d = check(&none, "2023-04-01");
    let v: Vec<_> = d.iter().filter(|x| x.rule == rule::AUDIT_VETO).collect();
    assert_eq!(v.len(), 1, "{v:#?}");
    assert!(v[0].is_error(), "{v:#?}");
}

#[test]
fn a_quantified_target_needs_a_number_with_a_unit() {
    for yes in [
        "清洁生产目标：单位产品水耗降低5%",
        "清洁生产目标为综合能耗下降至 95 kgce/t",
        "清洁生产目标：颗粒物削减 12 吨",
        "近期清洁生产目标（2025年6月底前）单位熟料煤耗由108.5千克标准煤/吨降至105.0千克标准煤/吨",
        "清洁生产目标是煤耗降低2个百分点",
        "| 清洁生产目标 | 单位熟料煤耗 | 108.5 | 105.0 |",
    ] {
        assert!(has_quantity(yes), "{yes}");
    }
    for no in [
        "## 2.5 设置清洁生产目标",
        "## 2.5设置清洁生产目标",
        "| 预审核 | 现状调查、确定审核重点和清洁生产目标 | 2024年4月1日—4月30日 | 生产技术部 |",
        "| 2 | 清洁生产目标 | 2024 |",
        "审核小组于2024-04-30 设置了清洁生产目标",
        "14:30 讨论清洁生产目标",
        "1. 设置清洁生产目标",
        "（3）清洁生产目标按第4章确定",
        "按GB/T 24001 设置清洁生产目标",
        "3年内完成清洁生产目标",
    ] {
        assert!(!has_quantity(no), "{no}");
    }
}

#[test]
fn a_target_without_a_quantity_is_a_veto_however_numbered_its_section() {
    let vague = GOOD_AUDIT.replace(
        "清洁生产目标为单位产品水耗降低10%",
        "清洁生产目标为持续改进",
    );
    assert_ne!(vague, GOOD_AUDIT);
    let numbered = format!(
        "{vague}\n## 2.5 设置清洁生产目标\n\n| 阶段 | 内容 | 时间 |\n|---|---|---|\n| 预审核 | 设置清洁生产目标 | 2024年4月1日—4月30日 |\n"
    );
    let d = check(&numbered, "2023-04-01");
    let v: Vec<_> = d.iter().filter(|x| x.rule == rule::AUDIT_VETO).collect();
    assert_eq!(v.len(), 1, "{v:#?}");
    assert!(
        v[0].message.contains("量化的清洁生产目标"),
        "{}",
        v[0].message
    );
}

#[test]
fn a_target_stated_under_its_title_or_in_its_table_counts() {
    let vague = GOOD_AUDIT.replace(
        "清洁生产目标为单位产品水耗降低10%",
        "清洁生产目标为持续改进",
    );
    let veto = |text: &str| {
        check(text, "2023-04-01")
            .into_iter()
            .filter(|x| x.rule == rule::AUDIT_VETO)
            .count()
    };
    assert_eq!(veto(&vague), 1);
    // The quantity in the section titled with the words.
    let titled = format!(
        "{vague}\n## 2.7 设置清洁生产目标\n\n针对审核重点，设置近期目标：单位产品综合能耗由94.9千克标准煤/吨降至88.0千克标准煤/吨。\n"
    );
    assert_eq!(veto(&titled), 0);
    // In a table captioned with them, or with a 目标 column.
    let table = "| 指标 | 单位 | 现状值 | 近期目标（2025年） |\n|---|---|--:|--:|\n| 单位产品综合能耗 | 千克标准煤/吨 | 94.9 | 88.0 |\n";
    assert_eq!(veto(&format!("{vague}\n表2-1 清洁生产目标\n\n{table}")), 0);
    assert_eq!(veto(&format!("{vague}\n表2-1 主要指标\n\n{table}")), 0);
    // Not a table of other figures, nor a titled section that says the
    // targets were not set.
    let other = table.replace("近期目标（2025年）", "2025年");
    assert_eq!(veto(&format!("{vague}\n表2-1 主要指标\n\n{other}")), 1);
    let not_set = format!(
        "{vague}\n## 2.7 清洁生产目标\n\n尚未确定目标，单位产品能耗为94.9千克标准煤/吨。\n"
    );
    assert_eq!(veto(&not_set), 1);
}

#[test]
fn a_report_organised_by_audit_stage_covers_the_required_parts() {
    let staged = GOOD_AUDIT
        .replace(
            "# 企业基本情况",
            "# 前言\n\n本报告按河南省清洁生产审核报告格式编写。\n\n# 第一章 筹划与组织",
        )
        .replace(
            "# 清洁生产审核过程和结果",
            "# 第二章 预审核\n\n## 2.1 企业概况\n\n企业概况。\n\n# 第三章 审核",
        )
        .replace(
            "# 清洁生产方案汇总和效益预测分析",
            "# 第四章 方案的产生和筛选",
        )
        .replace("# 清洁生产方案实施计划", "# 第五章 方案的实施");
    let d = check(&staged, "2023-04-01");
    assert!(
        !rules(&d).contains(&rule::AUDIT_REQUIRED_SECTIONS),
        "{d:#?}"
    );
    // Without the implementation chapter, that part is missing, and the
    // help says which chapter would cover it.
    let missing = staged.replace("# 第五章 方案的实施", "# 第五章 其他");
    let d = check(&missing, "2023-04-01");
    let r: Vec<_> = d
        .iter()
        .filter(|x| x.rule == rule::AUDIT_REQUIRED_SECTIONS)
        .collect();
    assert_eq!(r.len(), 1, "{r:#?}");
    assert!(
        r[0].message.contains("清洁生产方案实施计划"),
        "{}",
        r[0].message
    );
    assert!(
        r[0].help.as_deref().unwrap_or("").contains("方案的实施"),
        "{:?}",
        r[0].help
    );
}

#[test]
fn a_missing_balance_is_asked_for_in_the_chapter_the_report_has() {
    let no_balance = |t: &str| {
        t.replace("水平衡", "用水情况")
            .replace("物料平衡", "物料情况")
    };
    let d = check(&no_balance(GOOD_AUDIT), "2023-04-01");
    let help = |d: &[Diagnostic]| {
        d.iter()
            .find(|x| x.rule == rule::AUDIT_BALANCES)
            .and_then(|x| x.help.clone())
            .unwrap_or_default()
    };
    assert!(
        help(&d).contains("“清洁生产审核过程和结果”"),
        "{}",
        help(&d)
    );
    // A report organised by stage is told its own stage chapter.
    let staged = GOOD_AUDIT.replace("# 清洁生产审核过程和结果", "# 第三章 审核");
    let d = check(&no_balance(&staged), "2023-04-01");
    let h = help(&d);
    assert!(h.contains("审核”") && !h.contains("过程和结果"), "{h}");
}

#[test]
fn each_audit_rule_fires() {
    let cases: &[(&str, &str, crate::rule::RuleId)] = &[
        (
            "# 清洁生产方案实施计划",
            "# 下一步安排",
            rule::AUDIT_REQUIRED_SECTIONS,
        ),
        (
            "审核准备阶段成立审核小组",
            "前期摸底调研",
            rule::AUDIT_STAGES,
        ),
        ("水平衡", "用水情况", rule::AUDIT_BALANCES),
        ("    class: 中/高费\n", "", rule::AUDIT_OPTIONS),
        ("    class: 中/高费", "    class: 大额", rule::AUDIT_OPTIONS),
        ("    investment: 260\n", "", rule::AUDIT_OPTIONS),
        (
            "| 2 | 循环水系统改造 | 中/高费 | 260 |",
            "| 2 | 循环水系统改造 | 中/高费 | 200 |",
            rule::AUDIT_OPTIONS,
        ),
        // A 合计 row that does not add up: at its cell, once.
        (
            "| | 合计 | | 272 | 115.5 |",
            "| | 合计 | | 272 | 110 |",
            rule::NUMBERS_TOTAL,
        ),
        // The rows themselves against the options.
        (
            "| 2 | 循环水系统改造 | 中/高费 | 260 | 85 |\n| | 合计 | | 272 | 115.5 |",
            "| 2 | 循环水系统改造 | 中/高费 | 250 | 85 |\n| | 合计 | | 262 | 115.5 |",
            rule::AUDIT_OPTIONS,
        ),
        (
            "  experts: [张华, 李明, 王强]",
            "  experts: [张华, 李明]",
            rule::AUDIT_EXPERT_GROUP,
        ),
        ("  staff: 12", "  staff: 6", rule::AUDIT_AGENCY),
        ("  senior: 3", "  senior: 1", rule::AUDIT_AGENCY),
        ("  intermediate: 7", "  intermediate: 4", rule::AUDIT_AGENCY),
        (
            "  industry_audits: 5\n  related_jobs: 8",
            "  industry_audits: 2\n  related_jobs: 4",
            rule::AUDIT_AGENCY,
        ),
        (
            "  uscc: \"91410700MA45F8K2X5\"",
            "  uscc: \"91410700MA45F8K2X0\"",
            rule::FORM_USCC,
        ),
    ];
    for (from, to, rule) in cases {
        assert!(GOOD_AUDIT.contains(from), "{from}");
        let d = check(&GOOD_AUDIT.replacen(from, to, 1), "2023-04-01");
        let hit = d
            .iter()
            .any(|x| x.rule == *rule && x.severity != Severity::Info);
        assert!(hit, "{rule} for {to:?}: {:#?}", rules(&d));
    }
}

#[test]
fn the_minimums_and_dates_are_the_calls_data() {
    let mut f = Fixture::new();
    f.opts.today = crate::call::parse_datetime("2023-04-01", false).unwrap();
    assert!(!rules(&f.check(GOOD_AUDIT)).contains(&rule::AUDIT_EXPERT_GROUP));
    f.call.voluntary.min_experts = 5;
    f.call.voluntary.agency.senior = 4.0;
    let d = f.check(GOOD_AUDIT);
    let e = d
        .iter()
        .find(|x| x.rule == rule::AUDIT_EXPERT_GROUP)
        .unwrap();
    assert!(e.message.contains("不少于 5 人"), "{}", e.message);
    assert!(rules(&d).contains(&rule::AUDIT_AGENCY));
    f.call.voluntary.report_sections.pop();
    assert!(
        !rules(&f.check(&GOOD_AUDIT.replacen("# 清洁生产方案实施计划", "# 下一步安排", 1)))
            .contains(&rule::AUDIT_REQUIRED_SECTIONS)
    );
}

#[test]
fn a_call_file_may_override_the_voluntary_notice() {
    let base = crate::call::PRESETS[0].1;
    let call = crate::call::Call::from_yaml(base).unwrap();
    assert_eq!(call.voluntary.list_due, "03-15");
    assert_eq!(call.voluntary.report_sections.len(), 4);
    let mut custom = crate::call::Voluntary::builtin();
    custom.acceptance_due = "11-30".into();
    let yaml = format!(
        "{base}\nvoluntary:\n{}",
        serde_yaml::to_string(&custom)
            .unwrap()
            .lines()
            .map(|l| format!("  {l}\n"))
            .collect::<String>()
    );
    let call = crate::call::Call::from_yaml(&yaml).unwrap();
    assert_eq!(call.voluntary.acceptance_due, "11-30");
    custom.list_due = "13-45".into();
    let bad = format!(
        "{base}\nvoluntary:\n{}",
        serde_yaml::to_string(&custom)
            .unwrap()
            .lines()
            .map(|l| format!("  {l}\n"))
            .collect::<String>()
    );
    let err = crate::call::Call::from_yaml(&bad).unwrap_err();
    assert!(
        err.message.contains("voluntary.list_due"),
        "{}",
        err.message
    );
}

#[test]
fn the_reaudit_warns_within_six_months() {
    let d = check(GOOD_AUDIT, "2026-11-21");
    let due = d
        .iter()
        .find(|x| x.rule == rule::AUDIT_REAUDIT_DUE)
        .unwrap();
    assert_eq!(due.severity, Severity::Warning);
    assert!(due.message.contains("还有 119 天"), "{}", due.message);
}

#[test]
fn a_table_that_disagrees_is_found_at_its_line() {
    // Rows that disagree with the options: at the table.
    let text = GOOD_AUDIT.replacen(
        "| 260 | 85 |\n| | 合计 | | 272 |",
        "| 288 | 85 |\n| | 合计 | | 300 |",
        1,
    );
    assert_ne!(text, GOOD_AUDIT);
    let d = check(&text, "2023-04-01");
    let e = d
        .iter()
        .find(|x| x.rule == rule::AUDIT_OPTIONS && x.severity == Severity::Error)
        .unwrap();
    assert!(
        e.message.contains("300") && e.message.contains("272"),
        "{}",
        e.message
    );
    let line = text[..text.find("| 序号").unwrap()].lines().count() + 1;
    assert_eq!(e.line, Some(line));
    // A 合计 that does not add its rows: once, at its cell.
    let text = GOOD_AUDIT.replacen("| | 合计 | | 272 |", "| | 合计 | | 300 |", 1);
    let d = check(&text, "2023-04-01");
    let found: Vec<crate::rule::RuleId> = d
        .iter()
        .filter(|x| x.severity == Severity::Error)
        .map(|x| x.rule)
        .collect();
    assert_eq!(found, vec![rule::NUMBERS_TOTAL], "{d:#?}");
}

const GOOD_ACCEPTANCE: &str = "---
kind: acceptance-report
title: 伏牛新材料有限公司清洁生产审核验收自评报告
enterprise:
  name: 伏牛新材料有限公司
  uscc: \"91410700MA45F8K2X5\"
  industry: 有机化学原料制造
  industry_code: \"2614\"
evaluation_date: 2023-03-20
implemented: [蒸汽冷凝水回收, 循环水系统改造]
indicators:
  - name: 单位产品新鲜水耗
    unit: 立方米/吨
    before: 4.2
    after: 3.1
reports:
  - title: 环境监测报告
    issuer: 伏牛市环境监测站
experts: [张华, 李明, 王强]
date: 2023-11-20
---

# 验收自评

方案均已实施。
";

#[test]
fn acceptance_rules() {
    let d = check(GOOD_ACCEPTANCE, "2023-11-25");
    let bad: Vec<_> = d.iter().filter(|x| x.severity != Severity::Info).collect();
    assert!(bad.is_empty(), "{bad:#?}");
    let due = d
        .iter()
        .find(|x| x.rule == rule::DEADLINE_UPCOMING)
        .unwrap();
    assert!(due.message.contains("2023年12月15日"), "{}", due.message);
    let d = check(
        &GOOD_ACCEPTANCE.replace("experts: [张华, 李明, 王强]", "experts: [张华]"),
        "2023-11-25",
    );
    assert!(rules(&d).contains(&rule::AUDIT_EXPERT_GROUP));
    let d = check(
        &GOOD_ACCEPTANCE.replace(
            "    issuer: 伏牛市环境监测站",
            "    file: attachments/没有.pdf",
        ),
        "2023-11-25",
    );
    assert!(rules(&d).contains(&rule::AUDIT_REPORT_FILE));
    let d = check(
        &GOOD_ACCEPTANCE.replace("    after: 3.1\n", ""),
        "2023-11-25",
    );
    assert!(rules(&d).contains(&rule::FRONTMATTER_MISSING_FIELD));
    let d = check(GOOD_ACCEPTANCE, "2023-12-20");
    assert!(rules(&d).contains(&rule::DEADLINE_PASSED));
}

#[test]
fn the_form_deadline_is_the_next_fifteenth_of_march() {
    let form = "---\nkind: application-form\nfilled_on: 2023-03-01\n---\n";
    let d = check(form, "2023-03-10");
    let due = d
        .iter()
        .find(|x| x.rule == rule::DEADLINE_UPCOMING)
        .unwrap();
    assert!(
        due.message.contains("还有 5 天") && due.message.contains("2023年3月15日"),
        "{}",
        due.message
    );
    let d = check(&form.replace("2023-03-01", "2023-04-01"), "2023-04-02");
    let due = d
        .iter()
        .find(|x| x.rule == rule::DEADLINE_UPCOMING)
        .unwrap();
    assert!(due.message.contains("2024年3月15日"), "{}", due.message);
}

fn across(report: &str, acceptance: &str) -> Vec<Diagnostic> {
    let parse = |rel: &str, text: &str| {
        crate::document::parse(rel, std::path::PathBuf::from(rel), text.to_string(), None)
    };
    let docs = vec![
        parse("content/审核报告.md", report),
        parse("content/验收自评报告.md", acceptance),
    ];
    let mut out = Vec::new();
    across_documents(&docs, &mut out);
    out
}

#[test]
fn the_acceptance_report_implements_the_reports_options() {
    assert!(across(GOOD_AUDIT, GOOD_ACCEPTANCE).is_empty());
    // An implemented option the report does not have.
    let acc = GOOD_ACCEPTANCE.replace(
        "implemented: [蒸汽冷凝水回收, 循环水系统改造]",
        "implemented: [蒸汽冷凝水回收, 循环水系统改造, 锅炉烟气脱硝]",
    );
    let d = across(GOOD_AUDIT, &acc);
    assert_eq!(rules(&d), vec![rule::ACCEPTANCE_IMPLEMENTED], "{d:#?}");
    assert!(d[0].message.contains("锅炉烟气脱硝") && d[0].message.contains("审核报告.md"));
    assert_eq!(d[0].line, Some(10));
    // A shortened name is the same option (near miss).
    let acc = GOOD_ACCEPTANCE.replace(
        "[蒸汽冷凝水回收, 循环水系统改造]",
        "[冷凝水回收, 循环水系统改造]",
    );
    assert!(across(GOOD_AUDIT, &acc).is_empty());
    // The 中/高费 option not implemented.
    let acc = GOOD_ACCEPTANCE.replace("[蒸汽冷凝水回收, 循环水系统改造]", "[蒸汽冷凝水回收]");
    let d = across(GOOD_AUDIT, &acc);
    // (and its text's “方案均已实施” is no longer true)
    assert_eq!(
        rules(&d),
        vec![
            rule::ACCEPTANCE_PENDING_OPTION,
            rule::ACCEPTANCE_PROSE_FIGURES
        ],
        "{d:#?}"
    );
    assert!(d[0].message.contains("循环水系统改造"));
    // Another enterprise's acceptance report is not compared.
    let other = acc.replace("91410700MA45F8K2X5", "91410100MA44XN6E0Q");
    assert!(across(GOOD_AUDIT, &other).is_empty());
}

#[test]
fn evaluation_and_acceptance_dates_follow_the_report() {
    let acc = GOOD_ACCEPTANCE.replace("evaluation_date: 2023-03-20", "evaluation_date: 2023-03-02");
    let d = across(GOOD_AUDIT, &acc);
    assert_eq!(rules(&d), vec![rule::ENTERPRISE_CONSISTENCY], "{d:#?}");
    let acc = GOOD_ACCEPTANCE
        .replace("evaluation_date: 2023-03-20\n", "")
        .replace("date: 2023-11-20", "date: 2023-03-10");
    let d = across(GOOD_AUDIT, &acc);
    assert_eq!(rules(&d), vec![rule::ENTERPRISE_CONSISTENCY], "{d:#?}");
    assert!(d[0].message.contains("早于审核报告"), "{}", d[0].message);
    // Within the acceptance report: evaluation before acceptance.
    let acc = GOOD_ACCEPTANCE.replace("date: 2023-11-20", "date: 2023-03-10");
    let d = check(&acc, "2023-11-25");
    assert!(rules(&d).contains(&rule::DATE_ORDER), "{d:#?}");
    // …and then not a second time across the documents.
    let d = across(GOOD_AUDIT, &acc);
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn an_indicator_that_got_worse_is_a_warning_by_its_direction() {
    let worse = |name: &str, before: &str, after: &str| {
        let acc = GOOD_ACCEPTANCE
            .replace("单位产品新鲜水耗", name)
            .replace("before: 4.2", &format!("before: {before}"))
            .replace("after: 3.1", &format!("after: {after}"));
        check(&acc, "2023-11-25")
            .into_iter()
            .filter(|d| d.rule == rule::ACCEPTANCE_INDICATOR_WORSE)
            .collect::<Vec<_>>()
    };
    assert!(worse("单位产品新鲜水耗", "4.2", "3.1").is_empty());
    let d = worse("单位产品新鲜水耗", "3.1", "4.2");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].severity, Severity::Warning);
    assert!(d[0].message.contains("越低越好"), "{}", d[0].message);
    assert_eq!(d[0].line, Some(15));
    // Better higher: a rate that rises is better, one that falls worse.
    assert!(worse("水重复利用率", "85%", "96%").is_empty());
    assert_eq!(worse("水重复利用率", "96%", "85%").len(), 1);
    assert_eq!(worse("COD排放浓度", "45", "60").len(), 1);
    // A rate of reduction is better higher though its name holds 耗.
    assert!(worse("单位熟料综合能耗降低率", "0", "4.3").is_empty());
    assert_eq!(worse("单位熟料综合能耗降低率", "4.3", "0").len(), 1);
    assert!(worse("COD削减量", "10", "12").is_empty());
    assert!(worse("吨水泥电耗下降率", "1%", "3%").is_empty());
    // A name that says no direction is not judged.
    assert!(worse("产品产量", "100", "80").is_empty());
}

#[test]
fn enumerations_sharing_a_head_are_written_out() {
    let heads = vec!["平衡".to_string(), "衡算".to_string()];
    let x = |s: &str| expand_enumerations(s, &heads);
    assert_eq!(x("建立物料、能量和水平衡"), "建立物料平衡/能量平衡和水平衡");
    assert_eq!(
        x("建立了物料、水、能量平衡"),
        "建立了物料平衡/水平衡/能量平衡"
    );
    assert_eq!(x("物料、能量平衡及水平衡"), "物料平衡/能量平衡及水平衡");
    assert_eq!(
        x("建立物料平衡、能量平衡和水平衡"),
        "建立物料平衡/能量平衡和水平衡"
    );
    // A clause of its own is not an item of the list.
    assert_eq!(
        x("建立了物料平衡、尚未建立水平衡"),
        "建立了物料平衡、尚未建立水平衡"
    );
    assert_eq!(x("开展物料衡算和水平衡测试"), "开展物料衡算和水平衡测试");
    // The balances' words share 平衡 and 衡算; the stages' words nothing.
    let v = crate::call::Voluntary::builtin();
    assert_eq!(shared_heads(&v.balances), heads);
    assert!(
        shared_heads(&v.stages).is_empty(),
        "{:?}",
        shared_heads(&v.stages)
    );
    // Denied together, affirmed apart.
    let words = |w: &[&str]| w.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let b = words(&["水平衡"]);
    assert!(affirmed_listed("尚未建立物料、能量和水平衡", &b, &heads).is_empty());
    assert!(affirmed_listed("水平衡测试尚未开展", &b, &heads).is_empty());
    assert!(!affirmed_listed("建立了物料、水、能量平衡", &b, &heads).is_empty());
    let m = words(&["物料平衡"]);
    assert!(!affirmed_listed("建立了物料平衡、尚未建立水平衡", &m, &heads).is_empty());
}

#[test]
fn words_with_a_gap_and_quantities_in_chinese_numerals() {
    assert!(names_word("确定合成工段为本轮审核的重点", "审核…重点"));
    assert!(names_word("产生和筛选清洁生产方案", "产生…筛选"));
    assert!(names_word("进行技术、经济和环境评估", "技术…经济…环境"));
    // Not across a comma, nor further than the gap.
    assert!(!names_word("审核，重点", "审核…重点"));
    assert!(!names_word("审核报告中关于企业的重点", "审核…重点"));
    for yes in [
        "降低百分之十",
        "降低一成",
        "降低两成半",
        "提高十个百分点",
        "能耗减半",
    ] {
        assert!(has_quantity(yes), "{yes}");
    }
    assert!(!has_quantity("完成审核并组成审核小组"));
    assert!(!has_quantity("取得重点成果"));
}

#[test]
fn indicator_values_are_read_with_separators_and_year_labels() {
    assert_eq!(leading_number("1,312"), Some(1312.0));
    assert_eq!(leading_number("1,312.5 kgce/t"), Some(1312.5));
    assert_eq!(leading_number("１，３１２"), Some(1312.0));
    assert_eq!(leading_number("2,345,678"), Some(2_345_678.0));
    assert_eq!(leading_number("3,4"), Some(3.0));
    assert_eq!(leading_number("2021年：4.2"), Some(4.2));
    assert_eq!(leading_number("2021年度 4.2"), Some(4.2));
    assert_eq!(leading_number("≤50"), Some(50.0));
    assert_eq!(leading_number("—"), None);
    let dir = &crate::call::Voluntary::builtin().indicator_direction;
    assert_eq!(dir.higher_is_better("产品不合格率"), Some(false));
    assert_eq!(dir.higher_is_better("产品合格率"), Some(true));
    assert_eq!(dir.higher_is_better("单位产品取水量"), Some(false));
    assert_eq!(dir.higher_is_better("污泥产率"), None);
    assert_eq!(dir.higher_is_better("单位产品综合能耗降低率"), Some(true));
    assert_eq!(
        dir.higher_is_better("水重复利用率（含冷却耗水）"),
        Some(true)
    );
}
