use super::super::testutil::*;
use super::*;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule;

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
    let t =
        "| 项 | 值 |\n|---|--:|\n| 甲 | 33.3 |\n| 乙 | 33.3 |\n| 丙 | 33.3 |\n| 合计 | 100.0 |\n";
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
    let ok = "水平衡测试表明，输入水量1300 m³/d，输出水量1250 m³/d，漏损量50 m³/d，漏损率3.85%。\n";
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
    let ok = "水平衡测试结果：输入新鲜水1200 m³/d，输出水量1165 m³/d，损失35 m³/d，误差2.92%。\n";
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
