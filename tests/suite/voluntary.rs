//! The voluntary-audit documents through the real binary: a valid project
//! (application form, audit report, acceptance report) checks clean, each
//! rule fires on its broken variant at the right line, the scaffolds parse,
//! and the site carries the three kinds.

use std::path::Path;

use crate::common::*;

const FORM: &str = "content/申请表.md";
const AUDIT: &str = "content/审核报告.md";
const ACCEPTANCE: &str = "content/验收自评报告.md";

fn check_json(root: &Path) -> (i32, serde_json::Value) {
    let out = run(
        root,
        &["check", "--format", "json", "--today", "2023-03-10"],
    );
    (out.status.code().unwrap_or(-1), json(&out))
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The line of the first occurrence of `needle` in a fixture file.
fn line_of(root: &Path, rel: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let at = text.find(needle).unwrap();
    text[..at].matches('\n').count() as u64 + 1
}

fn find<'a>(v: &'a serde_json::Value, rule: &str, file: &str) -> Option<&'a serde_json::Value> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == rule && d["file"] == file && d["severity"] != "info")
}

#[test]
fn the_voluntary_fixture_checks_clean_and_shows_the_totals() {
    let dir = fixture("voluntary");
    let (code, v) = check_json(dir.path());
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["documents"], 3);
    assert_eq!(v["summary"]["errors"], 0, "{v:#}");
    let totals = finding(&v, "audit/options").expect("the options summary");
    assert!(
        totals["message"]
            .as_str()
            .unwrap()
            .contains("合计 2 项，投资 272 万元，年经济效益 115.5 万元"),
        "{totals}"
    );
}

#[test]
fn each_rule_fires_at_its_line() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            FORM,
            "uscc: \"91410700MA45F8K2X5\"",
            "uscc: \"91410700MA45F8K2X4\"",
            "form/uscc",
        ),
        (
            FORM,
            "industry_code: \"2614\"",
            "industry_code: \"5211\"",
            "form/industry-code",
        ),
        (
            FORM,
            "agency: 伏牛绿源环保咨询有限公司\n",
            "",
            "form/conditional",
        ),
        (
            FORM,
            "restructuring: 否",
            "restructuring: 是",
            "form/ineligible",
        ),
        (
            FORM,
            "mobile: \"13937100000\"",
            "mobile: \"1393710000\"",
            "form/phone",
        ),
        (
            FORM,
            "email: hb@funiu-xcl.example.cn",
            "email: hb@",
            "form/email",
        ),
        (
            FORM,
            "permit_number: 91410700MA45F8K2X5001P",
            "permit_number: 91410100MA00000000001P",
            "form/permit-prefix",
        ),
        (
            AUDIT,
            "# 清洁生产方案实施计划",
            "# 下一步安排",
            "audit/required-sections",
        ),
        (
            AUDIT,
            "审核准备阶段成立审核小组并开展培训",
            "前期开展摸底",
            "audit/stages",
        ),
        (AUDIT, "能量平衡", "能耗情况", "audit/balances"),
        // The table's rows against the options.
        (
            AUDIT,
            "| 260 | 85 |\n| | 合计 | | 272 |",
            "| 258 | 85 |\n| | 合计 | | 270 |",
            "audit/options",
        ),
        // A 合计 that does not add its rows.
        (
            AUDIT,
            "| | 合计 | | 272 |",
            "| | 合计 | | 270 |",
            "numbers/total",
        ),
        (
            AUDIT,
            "  experts: [张华, 李明, 王强]",
            "  experts: [张华, 李明]",
            "audit/expert-group",
        ),
        (AUDIT, "  senior: 3", "  senior: 1", "audit/agency"),
        (
            ACCEPTANCE,
            "experts: [张华, 李明, 王强]",
            "experts: [张华]",
            "audit/expert-group",
        ),
        // One enterprise, two names across its documents.
        (
            ACCEPTANCE,
            "  name: 伏牛新材料有限公司",
            "  name: 伏牛新材料股份有限公司",
            "enterprise/consistency",
        ),
    ];
    for (file, from, to, rule) in cases {
        let dir = fixture("voluntary");
        edit(dir.path(), file, from, to);
        let (code, v) = check_json(dir.path());
        let d = find(&v, rule, file).unwrap_or_else(|| panic!("{rule} for {to:?}: {v:#}"));
        let severity = d["severity"].as_str().unwrap();
        assert_eq!(code, i32::from(severity == "error"), "{rule}: exit code");
        // Where the author changed a field, the finding points at it.
        let changed = to.lines().next().unwrap_or("");
        if changed.contains(':') && !changed.starts_with('|') && !changed.starts_with('#') {
            let key = changed.split(':').next().unwrap();
            assert_eq!(d["line"], line_of(dir.path(), file, key), "{rule}: {d}");
        }
    }
}

#[test]
fn new_scaffolds_parse_and_list_what_is_left_to_fill() {
    let dir = fixture("voluntary");
    for (kind, name) in [
        ("form", "桐柏化工申请表"),
        ("audit-report", "桐柏化工审核报告"),
        ("acceptance-report", "桐柏化工验收报告"),
    ] {
        let out = run(dir.path(), &["new", kind, name]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let file = format!("content/{name}.md");
        let text = std::fs::read_to_string(dir.path().join(&file)).unwrap();
        assert!(
            text.contains("# 【必填】"),
            "{kind}: Chinese comments on fields"
        );
        let (code, v) = check_json(dir.path());
        assert_eq!(code, 1);
        let rules: Vec<&str> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == file.as_str())
            .map(|d| d["rule"].as_str().unwrap())
            .collect();
        assert!(rules.contains(&"content/placeholder"), "{kind}: {rules:?}");
        assert!(
            !rules.iter().any(|r| r.starts_with("frontmatter/syntax")
                || *r == "frontmatter/invalid-value"
                || *r == "frontmatter/unknown-field"),
            "{kind}: {rules:?}"
        );
        // Refuses to overwrite.
        let again = run(dir.path(), &["new", kind, name]);
        assert_eq!(again.status.code(), Some(2));
    }
}

#[test]
fn the_site_has_a_page_for_each_kind_and_searches_them() {
    let dir = fixture("voluntary");
    let out = build(dir.path(), &["--no-pdf"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let public = dir.path().join("public");
    for page in [
        "docs/申请表.html",
        "docs/审核报告.html",
        "docs/验收自评报告.html",
    ] {
        assert!(public.join(page).is_file(), "{page}");
    }
    let index = std::fs::read_to_string(public.join("index.html")).unwrap();
    for kind in [
        "自愿性清洁生产审核申请表",
        "清洁生产审核报告",
        "清洁生产审核验收自评报告",
    ] {
        assert!(index.contains(kind), "the dashboard lists {kind}");
    }
    // The form as the annex's table: every answer ticked where it was given.
    let form = std::fs::read_to_string(public.join("docs/申请表.html")).unwrap();
    assert!(form.contains(r#"<table class="form-sheet">"#));
    assert!(form.contains("<th scope=\"row\">社会统一信用代码</th><td>91410700MA45F8K2X5</td>"));
    assert_eq!(form.matches('☑').count(), 4, "four yes/no answers");
    assert!(
        form.contains("☐</span> 是　<span class=\"box\">☑</span> 否"),
        "关停并转: 否"
    );
    // The report's options summary with the totals shenbao computed.
    let report = std::fs::read_to_string(public.join("docs/审核报告.html")).unwrap();
    let total = report
        .lines()
        .find(|l| l.contains(r#"<tr class="total">"#) && l.contains("合计"))
        .expect("a total row");
    assert!(
        total.contains(">272<") && total.contains(">115.5<") && total.contains("2 项"),
        "{total}"
    );
    assert!(report.contains("<dt>评估结论</dt><dd>通过</dd>"));
    let acceptance = std::fs::read_to_string(public.join("docs/验收自评报告.html")).unwrap();
    assert!(
        acceptance.contains("方案实施前后主要指标对比表")
            && acceptance.contains("单位产品新鲜水耗")
    );
    assert!(
        index.contains("伏牛新材料有限公司"),
        "the enterprise in the applicant column"
    );
    let shard = std::fs::read_to_string(public.join("assets/search/审核报告.js")).unwrap();
    assert!(shard.contains("清洁生产方案汇总和效益预测分析"));
}

/// Text without the spaces and line breaks pdftotext puts between
/// characters and table cells.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_application_form_prints_on_one_page_with_every_field() {
    let dir = fixture("voluntary");
    let out = build(dir.path(), &["--no-site"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let pdf = dir.path().join("public/pdf/申请表.pdf");
    let info = pdf_info(&pdf);
    assert_eq!(info["Pages"], "1", "one A4 page");
    assert!(
        info["Page size"].starts_with("595.276 x 841.89"),
        "{info:?}"
    );
    assert_eq!(info["Title"], "自愿性清洁生产审核申请表");
    let text = squeeze(&pdf_text(&pdf, None, None, false));
    for label in [
        "附件",
        "自愿性清洁生产审核申请表",
        "企业名称（加盖公章）",
        "注册地址",
        "法定代表人",
        "社会统一信用代码",
        "所属行业（按照《国民经济行业分类》）",
        "行业代码",
        "企业上一年工业产值（万元）",
        "企业上一年用能总量（吨标煤）",
        "企业上一年主要污染物排放量",
        "主要产品及产量",
        "联系人",
        "职务",
        "手机",
        "邮箱",
        "企业是否已通过当地环保部门组织的环评和环境保护设施竣工验收",
        "环评和环境保护设施竣工验收批文号",
        "企业是否已获得排污许可证",
        "排污许可证编号",
        "企业是否已与第三方审核机构有合同意向",
        "有意向的第三方审核机构名称",
        "近两年内是否列入区县关停并转等结构调整计划",
        "填表人：李文华",
        "填表日期：2023年3月1日",
        "企业（盖章）",
    ] {
        assert!(
            text.contains(&squeeze(label)),
            "label {label} missing:\n{text}"
        );
    }
    for value in [
        "伏牛新材料有限公司",
        "河南省伏牛市经济技术开发区纬五路8号",
        "王建国",
        "91410700MA45F8K2X5",
        "化学原料和化学制品制造业",
        "2614",
        "52300",
        "18600",
        "化学需氧量12.5吨、氨氮1.2吨、二氧化硫8.3吨、氮氧化物21.6吨",
        "乙二醇40万吨、碳酸二甲酯5万吨",
        "安全环保部部长",
        "13937100000",
        "hb@funiu-xcl.example.cn",
        "豫环审〔2016〕88号",
        "91410700MA45F8K2X5001P",
        "伏牛绿源环保咨询有限公司",
    ] {
        assert!(
            text.contains(&squeeze(value)),
            "value {value} missing:\n{text}"
        );
    }
}

#[test]
fn the_audit_report_prints_as_a_volume_with_the_computed_totals() {
    let dir = fixture("voluntary");
    let out = build(dir.path(), &["--no-site"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let pdf = dir.path().join("public/pdf/审核报告.pdf");
    let titles: Vec<String> = pdf_outline(&pdf)
        .into_iter()
        .map(|(_, t, _)| squeeze(&t))
        .collect();
    assert_eq!(
        titles,
        [
            "一、企业基本情况",
            "二、清洁生产审核过程和结果",
            "三、清洁生产方案汇总和效益预测分析",
            "四、清洁生产方案实施计划",
            "附表　清洁生产方案汇总表",
        ]
        .map(squeeze),
    );
    let text = pdf_text(&pdf, None, None, true);
    let cover = squeeze(&pdf_text(&pdf, Some(1), Some(1), false));
    assert!(cover.contains("企业名称：伏牛新材料有限公司") && cover.contains("清洁生产审核报告"));
    assert!(!cover.contains("申报单位"), "{cover}");
    // The totals row: 2 options, 272 万元, 115.5 万元/年, and per class.
    let line = |label: &str| {
        text.lines()
            .find(|l| squeeze(l).contains(label))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| panic!("no {label} row:\n{text}"))
    };
    assert!(
        line("合计2项").ends_with("2 项 272 115.5") || line("合计2项").contains("272 115.5"),
        "{}",
        line("合计2项")
    );
    assert!(
        line("无/低费小计").contains("12 30.5"),
        "{}",
        line("无/低费小计")
    );
    assert!(
        line("中/高费小计").contains("260 85"),
        "{}",
        line("中/高费小计")
    );

    let acceptance = dir.path().join("public/pdf/验收自评报告.pdf");
    let text = squeeze(&pdf_text(&acceptance, None, None, false));
    assert!(text.contains("方案实施前后主要指标对比表") && text.contains("单位产品新鲜水耗"));
    // More than one computed table: 附表1, 附表2 …, never two called 附表.
    if text.contains("证明材料清单") {
        assert!(text.contains("附表1") && text.contains("附表2"), "{text}");
    }
}

// The real-shaped audit documents (tests/fixtures/audit-real): a report
// organised by audit stage (前言, 第一章…第七章, 1.1, 2.1.1), ten options
// (9 无/低费 + 1 中/高费) in a table with 小计 rows, a water balance table,
// a material balance in prose, its application form and acceptance report.

const REAL_TODAY: &str = "2023-11-01";

fn check_real(root: &Path) -> (i32, serde_json::Value) {
    let out = run(root, &["check", "--format", "json", "--today", REAL_TODAY]);
    (out.status.code().unwrap_or(-1), json(&out))
}

#[test]
fn the_real_shaped_audit_documents_check_clean() {
    let dir = fixture("audit-real");
    let (code, v) = check_real(dir.path());
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["documents"], 3);
    assert_eq!(v["summary"]["errors"], 0, "{v:#}");
    // No warning: the form's 3月15日 round closed long ago, which for a
    // form sent in time is history, a note with the next round's date.
    assert_eq!(v["summary"]["warnings"], 0, "{v:#}");
    let passed = finding(&v, "deadline/passed").expect("the form's round");
    assert_eq!(
        (passed["severity"].as_str(), passed["file"].as_str()),
        (Some("info"), Some(FORM))
    );
    let message = passed["message"].as_str().unwrap();
    assert!(
        message.contains("2022年3月15日") && message.contains("下一次截止是 2024年3月15日"),
        "{message}"
    );
    let totals = finding(&v, "audit/options").expect("the options summary");
    assert!(
        totals["message"]
            .as_str()
            .unwrap()
            .contains("合计 10 项，投资 303.5 万元，年经济效益 147.6 万元"),
        "{totals}"
    );
}

#[test]
fn each_new_rule_fires_at_its_line_in_the_real_shaped_documents() {
    // (file, from, to, rule, the text on the line it must point at)
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            FORM,
            "uscc: \"91410700MA45F8K2X5\"",
            "uscc: \"91410700MA45F8K2XI\"",
            "form/uscc",
            "uscc:",
        ),
        (
            FORM,
            "uscc: \"91410700MA45F8K2X5\"",
            "uscc: \"914403001922038216\"",
            "form/uscc-region",
            "uscc:",
        ),
        (
            AUDIT,
            "| 损失 | 35 |",
            "| 损失 | 53 |",
            "numbers/balance",
            "| 损失 |",
        ),
        (
            AUDIT,
            "物料平衡误差为0.53%",
            "物料平衡误差为0.35%",
            "numbers/balance",
            "物料平衡误差",
        ),
        // The energy balance drawn side by side (inputs | outputs).
        (
            AUDIT,
            "| 热损失 | 2.3 | 热损失率（%） | 4.20 |",
            "| 热损失 | 2.3 | 热损失率（%） | 2.40 |",
            "numbers/balance",
            "| 热损失 |",
        ),
        (
            AUDIT,
            "| | 小计 | | 43.5 | 62.6 |",
            "| | 小计 | | 45.5 | 62.6 |",
            "numbers/total",
            "| | 小计 | | 45.5",
        ),
        (
            AUDIT,
            "中/高费方案1项",
            "中/高费方案2项",
            "audit/prose-figures",
            "中/高费方案2项",
        ),
        (
            ACCEPTANCE,
            "  - 完善能源计量器具\n",
            "  - 完善能源计量器具\n  - 锅炉烟气脱硝\n",
            "acceptance/implemented",
            "锅炉烟气脱硝",
        ),
        (
            ACCEPTANCE,
            "  - 循环水系统改造\n",
            "",
            "acceptance/pending-option",
            "implemented:",
        ),
        (
            ACCEPTANCE,
            "    before: 4.2\n    after: 3.1",
            "    before: 3.1\n    after: 4.2",
            "acceptance/indicator-worse",
            "after: 4.2",
        ),
        (
            ACCEPTANCE,
            "evaluation_date: 2023-01-16",
            "evaluation_date: 2023-01-06",
            "enterprise/consistency",
            "evaluation_date:",
        ),
        (
            ACCEPTANCE,
            "date: 2023-10-20",
            "date: 2022-10-20",
            "date/order",
            "date: 2022-10-20",
        ),
        // The acceptance report's text against its report and its list.
        (
            ACCEPTANCE,
            "已实施方案10项",
            "已实施方案8项",
            "acceptance/prose-figures",
            "已实施方案8项",
        ),
        (
            ACCEPTANCE,
            "其中无/低费方案9项",
            "其中无/低费方案8项",
            "acceptance/prose-figures",
            "其中无/低费方案8项",
        ),
        // “已全部实施” with an option left out of the list.
        (
            ACCEPTANCE,
            "  - 循环水系统改造\n",
            "",
            "acceptance/prose-figures",
            "已全部实施",
        ),
        // The count of an “all implemented” claim.
        (
            AUDIT,
            "9项无/低费方案已全部实施",
            "8项无/低费方案已全部实施",
            "audit/prose-figures",
            "8项无/低费方案已全部实施",
        ),
        (
            ACCEPTANCE,
            "审核提出的方案已全部实施",
            "审核提出的11项方案已全部实施",
            "acceptance/prose-figures",
            "11项方案已全部实施",
        ),
        // “已全部实施” while one option is still underway.
        (
            AUDIT,
            "9项无/低费方案已全部实施",
            "10项方案已全部实施",
            "audit/prose-figures",
            "10项方案已全部实施",
        ),
    ];
    for (file, from, to, rule, at) in cases {
        let dir = fixture("audit-real");
        edit(dir.path(), file, from, to);
        let (code, v) = check_real(dir.path());
        let d = find(&v, rule, file).unwrap_or_else(|| panic!("{rule} for {to:?}: {v:#}"));
        let severity = d["severity"].as_str().unwrap();
        if severity == "error" {
            assert_eq!(code, 1, "{rule}: exit code");
        }
        assert_eq!(d["line"], line_of(dir.path(), file, at), "{rule}: {d}");
        assert!(d["column"].as_u64().unwrap() >= 1, "{rule}: {d}");
    }
}

#[test]
fn near_misses_in_the_real_shaped_documents_do_not_fire() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // Another Henan code (郑州 410100): registered in the province.
        (
            FORM,
            "uscc: \"91410700MA45F8K2X5\"",
            "uscc: \"91410100MA44XN6E0X\"",
            "form/uscc-region",
        ),
        // An acceptance report states what was actually spent: not held
        // against the report's estimates.
        (
            ACCEPTANCE,
            "累计投资303.5万元",
            "累计投资330.5万元",
            "acceptance/prose-figures",
        ),
        // “尚未全部实施” says what the statuses say.
        (
            AUDIT,
            "9项无/低费方案已全部实施",
            "中/高费方案尚未全部实施",
            "audit/prose-figures",
        ),
        // A deviation rounded to one decimal is the same figure.
        (
            AUDIT,
            "物料平衡误差为0.53%",
            "物料平衡误差为0.5%",
            "numbers/balance",
        ),
        (
            AUDIT,
            "| 热损失率（%） | 4.20 |",
            "| 热损失率（%） | 4.2 |",
            "numbers/balance",
        ),
        // A shortened option name is the same option.
        (
            ACCEPTANCE,
            "  - 蒸汽冷凝水回收\n",
            "  - 冷凝水回收\n",
            "acceptance/implemented",
        ),
        // Output fell, but output is not an indicator with a direction.
        (
            ACCEPTANCE,
            "    before: 38.6\n    after: 37.9",
            "    before: 38.6\n    after: 30.2",
            "acceptance/indicator-worse",
        ),
        // A rate that rises is better.
        (
            ACCEPTANCE,
            "    before: 92.5\n    after: 96.8",
            "    before: 92.5\n    after: 99.1",
            "acceptance/indicator-worse",
        ),
        // A rate of reduction is better higher, though its name holds 耗.
        (
            ACCEPTANCE,
            "  - name: 单位产品综合能耗\n    unit: 千克标煤/吨\n    before: 482\n    after: 455",
            "  - name: 单位产品综合能耗降低率\n    unit: \"%\"\n    before: 0\n    after: 4.3",
            "acceptance/indicator-worse",
        ),
        // A year in brackets in a sentence, a reference: not 文号.
        (
            AUDIT,
            "共组织清洁生产培训3次",
            "共组织（2022年）清洁生产培训[1]3次",
            "text/doc-number",
        ),
    ];
    for (file, from, to, rule) in cases {
        let dir = fixture("audit-real");
        edit(dir.path(), file, from, to);
        let (_, v) = check_real(dir.path());
        assert!(
            !rules_of(&v).iter().any(|r| r == rule),
            "{rule} fired for {to:?}: {v:#}"
        );
    }
}

#[test]
fn a_code_published_with_a_wrong_check_character_can_be_waived_with_a_reason() {
    let dir = fixture("audit-real");
    for file in [FORM, AUDIT, ACCEPTANCE] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        std::fs::write(
            dir.path().join(file),
            text.replace("91410700MA45F8K2X5", "91410700MA45F8K2X4"),
        )
        .unwrap();
    }
    let (code, v) = check_real(dir.path());
    assert_eq!(code, 1);
    assert!(find(&v, "form/uscc", FORM).is_some_and(|d| d["severity"] == "error"));
    let config = dir.path().join("shenbao.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(
        "credit_code_waivers:\n  - credit_code: \"91410700MA45F8K2X4\"\n    reason: 营业执照原件如此，国家企业信用信息公示系统同\n",
    );
    std::fs::write(&config, &text).unwrap();
    let (code, v) = check_real(dir.path());
    assert_eq!(code, 0, "{v:#}");
    let infos: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "form/uscc")
        .collect();
    assert_eq!(infos.len(), 3, "{infos:#?}");
    assert!(
        infos.iter().all(|d| d["severity"] == "info"
            && d["message"].as_str().unwrap().contains("营业执照原件如此"))
    );
    // A waiver without a reason stops the tool, in Chinese, at its line.
    std::fs::write(
        &config,
        text.replace(
            "    reason: 营业执照原件如此，国家企业信用信息公示系统同\n",
            "    reason: \"\"\n",
        ),
    )
    .unwrap();
    let out = run(dir.path(), &["check", "--today", REAL_TODAY]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("没有写理由") && err.contains("shenbao.yaml:5"),
        "{err}"
    );
    // A misspelt key is named with the fields allowed.
    std::fs::write(&config, text.replace("    reason:", "    reson:")).unwrap();
    let out = run(dir.path(), &["check", "--today", REAL_TODAY]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("不认识的字段“reson”") && err.contains("reason") && !err.contains("expected"),
        "{err}"
    );
}

#[test]
fn a_reports_cover_and_management_fields_print_show_and_export() {
    let dir = fixture("audit-real");
    // Typed fields, not unknown ones.
    let (_, v) = check_real(dir.path());
    assert!(
        !rules_of(&v)
            .iter()
            .any(|r| r == "frontmatter/unknown-field"),
        "{v:#}"
    );
    let out = build(dir.path(), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = dir.path().join("public/pdf/审核报告.pdf");
    // The cover names the compiler; its back lists the signatures.
    let cover = pdf_text(&pdf, Some(1), Some(1), false);
    assert!(
        cover.contains("编制单位：伏牛绿源环保咨询有限公司"),
        "{cover}"
    );
    let back = pdf_text(&pdf, Some(2), Some(2), false);
    for s in [
        "报告编制人员：",
        "刘振华（高级工程师）",
        "陈静（工程师）",
        "审核人：",
        "孙立新（高级工程师）",
        "批准人：",
        "王建国（总经理）",
    ] {
        assert!(back.contains(s), "{s} not on the back of the cover: {back}");
    }
    // Headings as written: 第一章 and 1.1, 前言 unnumbered.
    let contents = pdf_text(&pdf, Some(3), Some(3), false);
    assert!(
        contents.contains("第一章 筹划与组织") && contents.contains("1.1 领导支持"),
        "{contents}"
    );
    assert!(!contents.contains("一、前言"), "{contents}");
    let page = std::fs::read_to_string(dir.path().join("public/docs/审核报告.html")).unwrap();
    assert!(
        page.contains("批准人") && page.contains("王建国（总经理）"),
        "site page"
    );
    let docx = dir.path().join("public/docx/审核报告.docx");
    let xml = tool(
        "unzip",
        &["-p", &docx.to_string_lossy(), "word/document.xml"],
    );
    assert!(
        xml.contains("审核人：")
            && xml.contains("孙立新（高级工程师）")
            && xml.contains("刘振华（高级工程师）")
            && xml.contains("陈静（工程师）"),
        "Word cover"
    );
}

/// The message and help of the first diagnostic of `rule` in `file`.
fn said<'a>(v: &'a serde_json::Value, rule: &str, file: &str) -> (&'a str, &'a str) {
    let d = find(v, rule, file).unwrap_or_else(|| panic!("no {rule}: {v:#}"));
    (
        d["message"].as_str().unwrap_or(""),
        d["help"].as_str().unwrap_or(""),
    )
}

#[test]
fn a_target_without_a_quantity_is_a_veto_though_its_section_is_numbered() {
    // The heading “2.4 设置清洁生产目标” and the schedule's dates are no
    // quantities: only the sentence that states the target counts. A
    // target named without a figure read is prose judged: a warning.
    let dir = fixture("audit-real");
    edit(
        dir.path(),
        AUDIT,
        "针对审核重点设置清洁生产目标：近期（2022年底前）合成工段吨产品蒸汽消耗降低8%，新鲜水消耗降低15%；中期（2024年底前）全厂单位产品综合能耗降低5%。",
        "针对审核重点设置清洁生产目标，持续降低消耗。\n\n| 阶段 | 内容 | 时间 |\n|---|---|---|\n| 预审核 | 设置清洁生产目标 | 2022年5月1日—5月31日 |",
    );
    let (_, v) = check_real(dir.path());
    let (message, _) = said(&v, "audit/veto", AUDIT);
    assert!(message.contains("量化的清洁生产目标"), "{message}");
    let veto = find(&v, "audit/veto", AUDIT).unwrap();
    assert_eq!(veto["severity"], "warning", "{veto}");
    // Stated with a unit, even after a space, it passes.
    let dir = fixture("audit-real");
    edit(
        dir.path(),
        AUDIT,
        "近期（2022年底前）合成工段吨产品蒸汽消耗降低8%，新鲜水消耗降低15%；中期（2024年底前）全厂单位产品综合能耗降低5%。",
        "近期（2022年底前）全厂单位产品综合能耗下降至 455 kgce/t。",
    );
    let (_, v) = check_real(dir.path());
    assert!(find(&v, "audit/veto", AUDIT).is_none(), "{v:#}");
}

#[test]
fn an_impossible_front_matter_date_says_why() {
    let dir = fixture("audit-real");
    edit(dir.path(), AUDIT, "  end: 2022-12-20", "  end: 2022-04-31");
    let (code, v) = check_real(dir.path());
    assert_eq!(code, 1, "{v:#}");
    let (message, help) = said(&v, "frontmatter/invalid-value", AUDIT);
    assert!(message.contains("4月只有30天"), "{message}");
    assert!(!message.contains("无法识别"), "{message}");
    assert_eq!(help, "改正日期");
}

#[test]
fn a_doc_number_in_other_brackets_is_warned_with_the_corrected_form() {
    let dir = fixture("audit-real");
    edit(
        dir.path(),
        AUDIT,
        "共组织清洁生产培训3次",
        "依据《河南省清洁生产审核实施细则》（豫环文[2019]233号）和安环（2021）56号，共组织清洁生产培训3次",
    );
    let (_, v) = check_real(dir.path());
    let found: Vec<(&str, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "text/doc-number")
        .map(|d| {
            (
                d["message"].as_str().unwrap_or(""),
                d["help"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{v:#}");
    assert!(found[0].0.contains("“豫环文[2019]233号”"), "{found:?}");
    assert!(
        found[0].1.contains("改为“豫环文〔2019〕233号”"),
        "{found:?}"
    );
    assert!(found[1].1.contains("改为“安环〔2021〕56号”"), "{found:?}");
}

#[test]
fn an_environmental_benefit_written_as_one_text_prints_and_shows() {
    let dir = fixture("audit-real");
    edit(
        dir.path(),
        AUDIT,
        "    environmental_benefit:\n      energy: 176吨标煤/年\n",
        "    environmental_benefit: 节电约21万千瓦时/年\n",
    );
    let (code, v) = check_real(dir.path());
    assert_eq!(code, 0, "{v:#}");
    let out = build(dir.path(), &["--no-docx"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = dir.path().join("public/pdf/审核报告.pdf");
    let text = squeeze(&pdf_text(&pdf, None, None, false));
    assert!(text.contains("节电约21万千瓦时/年"), "{text}");
    let page = std::fs::read_to_string(dir.path().join("public/docs/审核报告.html")).unwrap();
    assert!(page.contains("节电约21万千瓦时&#x2F;年"), "site page");
}

#[test]
fn a_cover_does_not_repeat_the_kind_and_names_do_not_break() {
    let dir = fixture("audit-real");
    // Enough authors for the line to wrap.
    edit(
        dir.path(),
        AUDIT,
        "  - name: 陈静\n    title: 工程师\n",
        "  - name: 陈静\n    title: 工程师\n  - name: 马俊杰\n    title: 注册环保工程师\n  - name: 欧阳晓峰\n    title: 高级工程师\n",
    );
    let out = build(dir.path(), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The title says 清洁生产审核报告: no subtitle repeats it.
    let pdf = dir.path().join("public/pdf/审核报告.pdf");
    let cover = squeeze(&pdf_text(&pdf, Some(1), Some(1), false));
    assert_eq!(cover.matches("清洁生产审核报告").count(), 1, "{cover}");
    let acceptance = dir.path().join("public/pdf/验收自评报告.pdf");
    let cover = squeeze(&pdf_text(&acceptance, Some(1), Some(1), false));
    assert_eq!(cover.matches("验收自评报告").count(), 1, "{cover}");
    // Each person whole on a line of their own.
    let back = pdf_text(&pdf, Some(2), Some(2), false);
    let lines: Vec<&str> = back.lines().map(str::trim).collect();
    for p in [
        "马俊杰（注册环保工程师）",
        "欧阳晓峰（高级工程师）",
        "陈静（工程师）",
    ] {
        assert!(lines.contains(&p), "{p} broken: {back}");
    }
    assert!(
        lines.contains(&"报告编制人员：刘振华（高级工程师）"),
        "{back}"
    );
    // Word's cover: the title, no subtitle of the kind alone.
    let xml = tool(
        "unzip",
        &[
            "-p",
            &dir.path()
                .join("public/docx/审核报告.docx")
                .to_string_lossy(),
            "word/document.xml",
        ],
    );
    assert!(
        xml.contains("伏牛新材料有限公司清洁生产审核报告"),
        "Word title"
    );
    assert!(!xml.contains(">清洁生产审核报告</w:t>"), "Word subtitle");
    // Word too: one person a line.
    assert!(
        xml.contains("<w:br w:type=\"textWrapping\" /><w:t xml:space=\"preserve\">马俊杰（注册环保工程师）</w:t>"),
        "Word signatures"
    );
}

#[test]
fn a_slip_in_one_document_is_blamed_on_that_document_only() {
    // The form's credit code has a typo; the two reports agree with each
    // other: only the form is wrong, and the finding says what the others
    // write.
    let dir = fixture("voluntary");
    edit(
        dir.path(),
        FORM,
        "uscc: \"91410700MA45F8K2X5\"",
        "uscc: \"91410700MA45F8K2Y5\"",
    );
    let (_, v) = check_json(dir.path());
    let found: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "enterprise/consistency")
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["file"], FORM);
    assert_eq!(found[0]["line"], line_of(dir.path(), FORM, "uscc:"));
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.contains(AUDIT)
            && message.contains(ACCEPTANCE)
            && message.contains("91410700MA45F8K2X5"),
        "{message}"
    );
}

/// The errors and warnings of a check, as (rule, file, line).
fn problems(v: &serde_json::Value) -> Vec<(String, String, u64)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error" || d["severity"] == "warning")
        .filter(|d| d["rule"] != "deadline/passed")
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn one_bad_option_class_is_one_finding_not_a_cascade() {
    // A class no one can read: the class is reported at its line, and the
    // per-class counts and tables wait for it instead of all going wrong.
    for class in ["    class: 中/高费", "    class: 无/低费"] {
        let dir = fixture("audit-real");
        edit(dir.path(), AUDIT, class, "    class: 大额投资");
        let (code, v) = check_real(dir.path());
        assert_eq!(code, 1);
        let line = line_of(dir.path(), AUDIT, "class: 大额投资");
        assert_eq!(
            problems(&v),
            vec![("audit/options".to_string(), AUDIT.to_string(), line)],
            "{class}: {v:#}"
        );
    }
    // The ways authors write the classes and statuses are read.
    let dir = fixture("audit-real");
    edit(
        dir.path(),
        AUDIT,
        "    class: 中/高费",
        "    class: 高/中费方案",
    );
    edit(
        dir.path(),
        AUDIT,
        "    class: 无/低费",
        "    class: 低／无费",
    );
    edit(
        dir.path(),
        AUDIT,
        "    status: 已实施",
        "    status: 已完成",
    );
    let (code, v) = check_real(dir.path());
    assert_eq!((code, problems(&v)), (0, vec![]), "{v:#}");
    // A status that is none of them is a warning at its line.
    edit(dir.path(), AUDIT, "    status: 实施中", "    status: 搁置");
    let (_, v) = check_real(dir.path());
    let line = line_of(dir.path(), AUDIT, "status: 搁置");
    assert_eq!(
        problems(&v),
        vec![("audit/options".to_string(), AUDIT.to_string(), line)],
        "{v:#}"
    );
}

#[test]
fn a_reports_numbers_as_written_are_checked_once_where_they_break() {
    let numbering = |from: &str, to: &str| {
        let dir = fixture("audit-real");
        edit(dir.path(), AUDIT, from, to);
        let (_, v) = check_real(dir.path());
        let found: Vec<(u64, String)> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "outline/numbering")
            .map(|d| {
                (
                    d["line"].as_u64().unwrap(),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        (line_of(dir.path(), AUDIT, to), found)
    };
    // A skipped section number: one warning, with the number it should be.
    let (line, found) = numbering("## 3.5 废物产生原因分析", "## 3.6 废物产生原因分析");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, line);
    assert!(found[0].1.contains("“3.5”"), "{}", found[0].1);
    // A doubled one.
    let (line, found) = numbering("## 3.3 水平衡", "## 3.2 水平衡");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, line);
    assert!(found[0].1.contains("重复"), "{}", found[0].1);
    // A chapter numbered wrong: the chapter, not every section under it.
    let (line, found) = numbering("# 第二章 ", "# 第三章 ");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, line);
    assert!(found[0].1.contains("“第二章”"), "{}", found[0].1);
    // A section under the wrong chapter.
    let (line, found) = numbering("## 3.1 审核重点概况", "## 2.1 审核重点概况");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, line);
    assert!(found[0].1.contains("应以“3.”开头"), "{}", found[0].1);
}

#[test]
fn pack_says_an_enterprise_s_documents_are_not_sent_by_e_mail() {
    let dir = fixture("voluntary");
    let out = run(dir.path(), &["pack", "--today", "2023-03-10"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("不通过电子邮件报送"), "{err}");
    assert!(err.contains("shenbao build"), "{err}");
    // Nothing was built or written.
    assert!(!dir.path().join("public").exists());
}
