//! `applicant/type` and `applicant/same-entity` (申报与实施主体为同一主体).

use super::{Ctx, diag};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::plan::PlanMeta;
use crate::rule;
use crate::text::normalize_title;

pub fn check(ctx: &Ctx<'_>, doc: &Document, plan: &PlanMeta, out: &mut Vec<Diagnostic>) {
    let call = ctx.call;
    let allowed = || {
        call.applicant_types
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    if let Some(t) = &plan.applicant_type {
        match call.applicant_type(&t.value) {
            None => out.push(
                diag(
                    rule::APPLICANT_TYPE,
                    Severity::Error,
                    doc,
                    t.span.clone(),
                    format!("申报主体类型“{}”不符合通知要求", t.value),
                )
                .with_label("不在通知范围内")
                .with_help(format!("申报与实施主体须为：{}", allowed())),
            ),
            Some(ty) => {
                // An enterprise's name (有限公司, 集团, 厂) is no eligible
                // applicant, whatever type is declared.
                if let Some(a) = &plan.applicant
                    && is_enterprise_name(&a.value)
                {
                    out.push(
                        diag(
                            rule::APPLICANT_TYPE,
                            Severity::Warning,
                            doc,
                            a.span.clone(),
                            format!("申报单位“{}”是企业的名称，类型却写作{}", a.value, ty.name),
                        )
                        .with_label("企业不是申报主体")
                        .with_help(format!(
                            "通知要求申报与实施主体为：{}；园区的投资、运营公司应由园区管委会申报",
                            allowed()
                        )),
                    );
                    return same_entity(doc, plan, out);
                }
                // The applicant's name should read like the declared type:
                // the type whose hint matches the longest part of the name.
                if let Some(a) = &plan.applicant {
                    let fit = |hints: &[String]| {
                        hints
                            .iter()
                            .filter(|h| a.value.contains(h.as_str()))
                            .map(|h| h.chars().count())
                            .max()
                            .unwrap_or(0)
                    };
                    let declared = fit(&ty.name_hints);
                    let apparent = call
                        .applicant_types
                        .iter()
                        .filter(|o| o.id != ty.id)
                        .max_by_key(|o| fit(&o.name_hints))
                        .filter(|o| fit(&o.name_hints) > declared);
                    if let Some(o) = apparent {
                        out.push(
                            diag(
                                rule::APPLICANT_TYPE,
                                Severity::Warning,
                                doc,
                                t.span.clone(),
                                format!(
                                    "申报单位“{}”看起来是{}，但类型写的是{}",
                                    a.value, o.name, ty.name
                                ),
                            )
                            .with_label("类型与名称不一致")
                            .with_help(format!(
                                "核对 applicant_type，或写全申报单位的正式名称（可选：{}）",
                                allowed()
                            )),
                        );
                    }
                }
            }
        }
    }
    same_entity(doc, plan, out);
}

/// Whether a name is an enterprise's (its legal form ends it).
fn is_enterprise_name(name: &str) -> bool {
    let n = name.trim().trim_end_matches(['）', ')']);
    ["有限公司", "有限责任公司", "股份公司", "集团", "公司", "厂"]
        .iter()
        .any(|s| n.ends_with(s))
        && !["管委会", "管理委员会", "人民政府", "局", "委员会"]
            .iter()
            .any(|g| n.contains(g))
}

/// The usual short forms of the words of a body's name, after their full
/// forms (伏牛经开区管委会 is 伏牛经济技术开发区管理委员会).
const SHORT_FORMS: [(&str, &str); 4] = [
    ("经济技术开发区", "经开区"),
    ("高新技术产业开发区", "高新区"),
    ("管理委员会", "管委会"),
    ("人民政府", "政府"),
];

/// A name with the words that have a usual short form written short.
fn contracted(name: &str) -> String {
    SHORT_FORMS
        .iter()
        .fold(normalize_title(name), |n, (full, short)| {
            n.replace(full, short)
        })
}

/// Whether `short` may be a shortened name of the body `full` names: its
/// characters appear in order in `full` (the usual short forms of both
/// alike), both end alike (the kind of body: 管委会, 政府, 局), and no
/// place is left out inside the name (伏牛市人民政府 is not
/// 伏牛市伏城区人民政府; a province before it, 河南省伏牛市人民政府, is).
pub(crate) fn abbreviates(short: &str, full: &str) -> bool {
    let (s, f) = (contracted(short), contracted(full));
    if s.chars().count() < 4 || s.chars().last() != f.chars().last() {
        return false;
    }
    // Match the short name's characters from the left; the runs of the
    // full name left out between them.
    let mut gaps: Vec<String> = vec![String::new()];
    let mut want = s.chars().peekable();
    for c in f.chars() {
        if want.peek() == Some(&c) {
            want.next();
            gaps.push(String::new());
        } else if let Some(g) = gaps.last_mut() {
            g.push(c);
        }
    }
    want.peek().is_none()
        && !gaps
            .iter()
            .skip(1)
            .any(|g| g.chars().count() >= 2 && g.ends_with(['省', '市', '区', '县', '镇', '乡']))
}

fn same_entity(doc: &Document, plan: &PlanMeta, out: &mut Vec<Diagnostic>) {
    if let (Some(a), Some(i)) = (&plan.applicant, &plan.implementer)
        && normalize_title(&a.value) != normalize_title(&i.value)
    {
        // One body written once in full and once shortened: a warning to
        // write the full name in both, not a second body.
        let len = |s: &str| contracted(s).chars().count();
        let one_body = if len(&i.value) <= len(&a.value) {
            abbreviates(&i.value, &a.value)
        } else {
            abbreviates(&a.value, &i.value)
        };
        if one_body {
            out.push(
                diag(
                    rule::APPLICANT_SAME_ENTITY,
                    Severity::Warning,
                    doc,
                    i.span.clone(),
                    format!(
                        "实施主体“{}”与申报单位“{}”写法不同，看起来是同一单位（一处为简称）",
                        i.value, a.value
                    ),
                )
                .with_label("简称")
                .with_help("通知要求申报与实施主体为同一主体（一、（三））：两处都写这个单位的全称，写法一致"),
            );
            return;
        }
        out.push(
            diag(
                rule::APPLICANT_SAME_ENTITY,
                Severity::Error,
                doc,
                i.span.clone(),
                format!("实施主体“{}”与申报单位“{}”不是同一主体", i.value, a.value),
            )
            .with_label("须与申报单位相同")
            .with_help("通知要求申报与实施主体为同一主体（一、（三））：两处写同一个单位的全称"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use crate::rule;

    #[test]
    fn an_enterprise_named_as_the_applicant_is_a_warning() {
        let f = Fixture::new();
        let plan = good_plan().replace(
            "伏牛经济技术开发区管理委员会",
            "宛南化工园区投资发展有限公司",
        );
        let d = f.check(&plan);
        let found: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::APPLICANT_TYPE)
            .collect();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].severity, crate::diagnostic::Severity::Warning);
        assert!(found[0].message.contains("企业"), "{}", found[0].message);
        // Near miss: a committee whose name holds 公司 nowhere at its end.
        let d = f.check(&good_plan());
        assert!(!d.iter().any(|x| x.rule == rule::APPLICANT_TYPE));
    }

    #[test]
    fn type_outside_the_notice_fires() {
        let f = Fixture::new();
        let d = f.check(&good_plan().replace("applicant_type: 园区管委会", "applicant_type: 企业"));
        assert_eq!(
            problems(&d)
                .iter()
                .filter(|r| **r == rule::APPLICANT_TYPE)
                .count(),
            1
        );
        let d = f.check(&good_plan().replace(
            "applicant_type: 园区管委会",
            "applicant_type: 市（县、区）政府",
        ));
        assert!(
            d.iter()
                .any(|x| x.rule == rule::APPLICANT_TYPE && x.message.contains("看起来是园区管委会")),
            "{d:#?}"
        );
        assert!(!problems(&f.check(&good_plan())).contains(&rule::APPLICANT_TYPE));
    }

    #[test]
    fn implementer_must_be_the_applicant() {
        let f = Fixture::new();
        let d = f.check(&good_plan().replace(
            "implementer: 伏牛经济技术开发区管理委员会",
            "implementer: 伏牛市环境咨询有限公司",
        ));
        assert_eq!(
            problems(&d)
                .iter()
                .filter(|r| **r == rule::APPLICANT_SAME_ENTITY)
                .count(),
            1
        );
        assert!(!problems(&f.check(&good_plan())).contains(&rule::APPLICANT_SAME_ENTITY));
    }

    #[test]
    fn a_short_name_of_the_same_body_is_a_warning_another_body_an_error() {
        use super::abbreviates;
        // Short forms of one body.
        for (short, full) in [
            ("伏牛经开区管委会", "伏牛经济技术开发区管理委员会"),
            ("伏牛经开区管委会", "河南伏牛经济技术开发区管理委员会"),
            ("伏牛高新区管委会", "伏牛高新技术产业开发区管理委员会"),
            ("伏牛市政府", "伏牛市人民政府"),
            ("伏牛市人民政府", "河南省伏牛市人民政府"),
        ] {
            assert!(abbreviates(short, full), "{short} / {full}");
        }
        // Other bodies: a department, a district, a unit under it.
        for (short, full) in [
            ("伏牛市生态环境局", "伏牛市人民政府"),
            ("伏牛市人民政府", "伏牛市伏城区人民政府"),
            (
                "伏牛经济技术开发区管理委员会",
                "伏牛经济技术开发区管理委员会生态环境局",
            ),
            ("伏牛经开区", "伏牛经济技术开发区管理委员会"),
            ("宛南经开区管委会", "伏牛经济技术开发区管理委员会"),
        ] {
            assert!(!abbreviates(short, full), "{short} / {full}");
        }
        let f = Fixture::new();
        let d = f.check(&good_plan().replace(
            "implementer: 伏牛经济技术开发区管理委员会",
            "implementer: 伏牛经开区管委会",
        ));
        let same: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::APPLICANT_SAME_ENTITY)
            .collect();
        assert_eq!(same.len(), 1, "{d:#?}");
        assert_eq!(same[0].severity, crate::diagnostic::Severity::Warning);
    }
}
