//! `frontmatter/missing-field` and `frontmatter/invalid-value`: required
//! fields present, enumerations within the call's values, contact details
//! well-formed.

use super::{Ctx, diag, field_span, key_span};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::plan::PlanMeta;
use crate::document::schema::{FieldSpec, Ty};
use crate::rule;
use crate::text::closest;

/// The provincial-level divisions a plan may come from.
pub const PROVINCES: &[&str] = &[
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "新疆生产建设兵团",
];

/// GB/T 2260 province-level codes: the first two digits of an
/// administrative division code (and of a credit code's digits 3–8).
/// 新疆生产建设兵团 has no code of its own and is not listed.
pub const PROVINCE_CODES: &[(&str, &str)] = &[
    ("北京市", "11"),
    ("天津市", "12"),
    ("河北省", "13"),
    ("山西省", "14"),
    ("内蒙古自治区", "15"),
    ("辽宁省", "21"),
    ("吉林省", "22"),
    ("黑龙江省", "23"),
    ("上海市", "31"),
    ("江苏省", "32"),
    ("浙江省", "33"),
    ("安徽省", "34"),
    ("福建省", "35"),
    ("江西省", "36"),
    ("山东省", "37"),
    ("河南省", "41"),
    ("湖北省", "42"),
    ("湖南省", "43"),
    ("广东省", "44"),
    ("广西壮族自治区", "45"),
    ("海南省", "46"),
    ("重庆市", "50"),
    ("四川省", "51"),
    ("贵州省", "52"),
    ("云南省", "53"),
    ("西藏自治区", "54"),
    ("陕西省", "61"),
    ("甘肃省", "62"),
    ("青海省", "63"),
    ("宁夏回族自治区", "64"),
    ("新疆维吾尔自治区", "65"),
    ("台湾省", "71"),
    ("香港特别行政区", "81"),
    ("澳门特别行政区", "82"),
];

/// The two-digit code of a province named in full or short form.
pub fn province_code(value: &str) -> Option<&'static str> {
    let name = province(value)?;
    PROVINCE_CODES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
}

/// The province whose two-digit code `code` is.
pub fn province_of_code(code: &str) -> Option<&'static str> {
    PROVINCE_CODES
        .iter()
        .find(|(_, c)| *c == code)
        .map(|(n, _)| *n)
}

/// The division a value names: its full name or its short form (河南,
/// 内蒙古, 新疆).
pub fn province(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    PROVINCES.iter().copied().find(|p| {
        *p == v
            || p.strip_suffix('省')
                .or_else(|| p.strip_suffix('市'))
                .is_some_and(|short| short == v)
            || (v.chars().count() >= 2
                && p.ends_with("自治区")
                && p.starts_with(v)
                && !p.starts_with("新疆生产"))
    })
}

/// `frontmatter/missing-field` for any kind of document, from its schema.
pub fn required_fields(doc: &Document, out: &mut Vec<Diagnostic>) {
    if let Some(kind) = doc.kind() {
        required(doc, kind.fields(), "", out);
    }
}

pub fn check(ctx: &Ctx<'_>, doc: &Document, plan: &PlanMeta, out: &mut Vec<Diagnostic>) {
    let call = ctx.call;

    if let Some(c) = &plan.category
        && call.category(&c.value).is_none()
    {
        let allowed: Vec<String> = call
            .categories
            .iter()
            .map(|c| format!("{} {}", c.id, c.name))
            .collect();
        out.push(invalid(
            doc,
            c.span.clone(),
            format!("未知的试点类别“{}”", c.value),
            format!("可选：{}", allowed.join("；")),
        ));
    }
    if let Some(p) = &plan.province
        && !super::unfilled(ctx, p)
        && province(&p.value).is_none()
    {
        let mut help = format!("写省级行政区的全称，如“河南省”：{}", PROVINCES.join("、"));
        if let Some(s) = closest(&p.value, PROVINCES.iter().copied()) {
            help = format!("是否想写“{s}”？{help}");
        }
        out.push(invalid(
            doc,
            p.span.clone(),
            format!("“{}”不是省级行政区", p.value),
            help,
        ));
    }
    if let Some(r) = &plan.region
        && call.region(&r.value).is_none()
    {
        let names: Vec<&str> = call.regions.iter().map(|r| r.name.as_str()).collect();
        let mut help = format!("可选：{}", names.join("、"));
        if let Some(s) = closest(&r.value, names.iter().copied()) {
            help = format!("是否想写“{s}”？{help}");
        }
        out.push(invalid(
            doc,
            r.span.clone(),
            format!("未知的重点区域或流域“{}”", r.value),
            help,
        ));
    }
    if let (Some(v), Some(req)) = (&plan.version, &call.required_version)
        && !v.value.contains(req.as_str())
    {
        out.push(
            diag(
                rule::FRONTMATTER_INVALID_VALUE,
                Severity::Warning,
                doc,
                v.span.clone(),
                format!("版本为“{}”，通知要求报送{req}", v.value),
            )
            .with_help(format!("正式报送前把 version 改为“{req}”")),
        );
    }
    if let Some(p) = &plan.contact.phone
        && !super::unfilled(ctx, p)
        && !is_phone(&p.value)
    {
        out.push(invalid(
            doc,
            p.span.clone(),
            format!("联系电话“{}”格式不对", p.value),
            "手机写11位数字（1开头），座机写区号-号码，如 0371-66309308".into(),
        ));
    }
    if let Some(e) = &plan.contact.email
        && !super::unfilled(ctx, e)
        && !is_email(&e.value)
    {
        out.push(invalid(
            doc,
            e.span.clone(),
            format!("电子邮箱“{}”格式不对", e.value),
            "写成 name@example.cn 的形式".into(),
        ));
    }
    // A call that states no dates has no nodes to name (deadline/unknown
    // says so once, not once per planned submission).
    for s in plan
        .submissions
        .iter()
        .filter(|_| !call.milestones.is_empty())
    {
        if call.milestone(&s.milestone.value).is_none() {
            let ids: Vec<String> = call
                .milestones
                .iter()
                .map(|m| format!("{}（{}）", m.id, m.name))
                .collect();
            out.push(invalid(
                doc,
                s.milestone.span.clone(),
                format!("通知中没有“{}”这个报送节点", s.milestone.value),
                format!("可用节点：{}", ids.join("、")),
            ));
        }
    }
    if let Some(fm) = &doc.front {
        for i in 0..fm
            .get("attachments")
            .and_then(|v| v.as_sequence())
            .map_or(0, Vec::len)
        {
            let path = format!("attachments[{i}].type");
            if let Some(t) = fm.get(&path).and_then(|v| v.as_str())
                && !matches!(
                    t.trim(),
                    "recommendation-letter"
                        | "recommendation_letter"
                        | "推荐函"
                        | "省级推荐函"
                        | "other"
                        | "其他"
                )
            {
                out.push(invalid(
                    doc,
                    field_span(doc, &path),
                    format!("未知的附件类型“{t}”"),
                    "可选：recommendation-letter（省级推荐函）、other（其他）".into(),
                ));
            }
        }
    }
}

fn invalid(doc: &Document, span: std::ops::Range<usize>, msg: String, help: String) -> Diagnostic {
    diag(
        rule::FRONTMATTER_INVALID_VALUE,
        Severity::Error,
        doc,
        span,
        msg,
    )
    .with_label("取值不对")
    .with_help(help)
}

fn required(doc: &Document, specs: &[FieldSpec], prefix: &str, out: &mut Vec<Diagnostic>) {
    let Some(fm) = &doc.front else { return };
    for spec in specs {
        let path = if prefix.is_empty() {
            spec.key.to_string()
        } else {
            format!("{prefix}.{}", spec.key)
        };
        let present = fm.has(&path);
        if spec.required && !present {
            let zh = &spec.label;
            let written = fm.locs.contains_key(&path);
            let msg = if written {
                format!("必填字段 {path}（{zh}）没有填写")
            } else {
                format!("缺少必填字段 {path}（{zh}）")
            };
            let span = if written {
                key_span(doc, &path)
            } else {
                field_span(doc, prefix)
            };
            out.push(
                diag(
                    rule::FRONTMATTER_MISSING_FIELD,
                    Severity::Error,
                    doc,
                    span,
                    msg,
                )
                .with_label(if written { "值为空" } else { "缺少字段" })
                .with_help(format!("{}：{}", spec.comment, example_line(spec))),
            );
            continue;
        }
        match &spec.ty {
            Ty::Map(children) if present => required(doc, children, &path, out),
            Ty::Items(children) => {
                let n = fm
                    .get(&path)
                    .and_then(|v| v.as_sequence())
                    .map_or(0, Vec::len);
                for i in 0..n {
                    let item = format!("{path}[{i}]");
                    if fm.get(&item).is_some_and(|v| v.is_mapping()) {
                        required(doc, children, &item, out);
                    }
                }
            }
            _ => {}
        }
    }
}

fn example_line(spec: &FieldSpec) -> String {
    match &spec.ty {
        Ty::Map(children) => format!(
            "`{}:` 下面缩进写 {}",
            spec.key,
            children
                .iter()
                .filter(|c| c.required)
                .map(|c| c.key.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ),
        _ => format!("`{}: {}`", spec.key, spec.example),
    }
}

/// An 11-digit mobile number starting with 1, or a landline with area
/// code and an optional extension (`0391-5612345转8012`,
/// `0391-5612345-8012`); several numbers separated by 、，；/ are each
/// such a number.
pub(crate) fn is_phone(s: &str) -> bool {
    // (A separator left at the end, `0391-5612345、`, leaves no number.)
    let parts: Vec<&str> = s
        .split(['、', '，', ',', '；', ';', '/'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    !parts.is_empty() && parts.iter().all(|p| one_phone(p))
}

fn one_phone(s: &str) -> bool {
    // An extension: 转8012, 分机8012, ext. 8012, or a third group after
    // the area code and number (0391-5612345-8012).
    let ext = |s: &str| -> Option<usize> {
        ["转", "分机", "ext.", "ext", "x"]
            .iter()
            .find_map(|k| s.rfind(k).map(|i| (i, k.len())))
            .filter(|(i, k)| {
                let tail = s[i + k..].trim();
                !tail.is_empty() && tail.len() <= 6 && tail.chars().all(|c| c.is_ascii_digit())
            })
            .map(|(i, _)| i)
    };
    if let Some(i) = ext(s) {
        return landline(&s[..i]);
    }
    let groups: Vec<&str> = s.trim().split(['-', '—']).collect();
    if groups.len() == 3
        && groups[0].trim().starts_with('0')
        && (1..=6).contains(&groups[2].trim().len())
        && groups[2].trim().chars().all(|c| c.is_ascii_digit())
        && landline(&format!("{}-{}", groups[0], groups[1]))
    {
        return true;
    }
    plain_phone(s)
}

fn landline(s: &str) -> bool {
    plain_phone(s) && s.trim().trim_start_matches(['(', '（']).starts_with('0')
}

fn plain_phone(s: &str) -> bool {
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '—' | '(' | ')' | '（' | '）' | '+'))
        .collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let d = digits
        .strip_prefix("86")
        .filter(|d| d.len() == 11)
        .unwrap_or(&digits);
    (d.len() == 11 && d.starts_with('1')) || (d.starts_with('0') && (10..=12).contains(&d.len()))
}

pub(crate) fn is_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == '，' || !c.is_ascii())
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn phones_and_emails() {
        assert!(is_phone("13812345678"));
        assert!(is_phone("0371-66309308"));
        assert!(is_phone("(010) 65645390"));
        assert!(is_phone("+86 138 1234 5678"));
        assert!(!is_phone("1381234567"));
        assert!(!is_phone("23812345678"));
        assert!(!is_phone("电话"));
        // Extensions and several numbers.
        assert!(is_phone("0391-5612345转8012"));
        assert!(is_phone("0391-5612345-8012"));
        assert!(is_phone("0391-5612345、13839112764"));
        assert!(is_phone("0391-5612345、"));
        assert!(!is_phone("、"));
        assert!(!is_phone("13839112764转8012"));
        assert!(!is_phone("0391-5612345、138391127"));
        assert!(is_email("kjcqjsc@126.com"));
        assert!(!is_email("kjcqjsc@126"));
        assert!(!is_email("王@126.com"));
        assert!(!is_email("a@b.com, c@d.com"));
    }

    #[test]
    fn values_are_checked_against_type_and_range() {
        let f = Fixture::new();
        let invalid = |text: &str| {
            f.check(text)
                .into_iter()
                .filter(|x| x.rule == rule::FRONTMATTER_INVALID_VALUE)
                .map(|x| x.message)
                .collect::<Vec<_>>()
        };
        assert!(invalid(&good_plan()).is_empty());
        let m = invalid(&good_plan().replace("category: 2", "category: -1"));
        assert!(m.iter().any(|x| x.contains("-1")), "{m:?}");
        let m = invalid(&good_plan().replace("province: 河南省", "province: 123"));
        assert!(m.iter().any(|x| x.contains("123")), "{m:?}");
        assert!(invalid(&good_plan().replace("province: 河南省", "province: 河南")).is_empty());
        let m = invalid(&good_plan().replace("date: 2022-06-20", "date: -2022-01-01"));
        assert!(m.iter().any(|x| x.contains("-2022")), "{m:?}");
        let m = invalid(&good_plan().replace("date: 2022-06-20", "date: 99999-01-01"));
        assert!(!m.is_empty());
        assert_eq!(province("内蒙古"), Some("内蒙古自治区"));
        assert_eq!(province("北京"), Some("北京市"));
        assert_eq!(province("123"), None);
    }

    #[test]
    fn missing_field_fires_and_names_the_field() {
        let f = Fixture::new();
        let text = good_plan().replace("title: 伏牛经开区清洁生产审核创新试点\n", "");
        let d = f.check(&text);
        let m: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::FRONTMATTER_MISSING_FIELD)
            .collect();
        assert_eq!(m.len(), 1, "{d:#?}");
        assert!(m[0].message.contains("title"));
        // An empty value is reported on its own line.
        let text = good_plan().replace("  phone: 13812345678", "  phone:");
        let d = f.check(&text);
        let m = d
            .iter()
            .find(|x| x.rule == rule::FRONTMATTER_MISSING_FIELD)
            .unwrap();
        assert_eq!(m.line, Some(22));
    }

    #[test]
    fn invalid_values_list_the_allowed_ones() {
        let f = Fixture::new();
        let d = f.check(&good_plan().replace("category: 2", "category: 9"));
        let m = d
            .iter()
            .find(|x| x.rule == rule::FRONTMATTER_INVALID_VALUE)
            .unwrap();
        assert!(m.help.as_ref().unwrap().contains("2 工业园区"));
        let d = f.check(&good_plan().replace("phone: 13812345678", "phone: 12345"));
        assert_eq!(
            problems(&d)
                .iter()
                .filter(|r| **r == rule::FRONTMATTER_INVALID_VALUE)
                .count(),
            1
        );
        let d = f.check(&good_plan().replace("henan-email:", "省里:"));
        assert!(
            d.iter()
                .any(|x| x.rule == rule::FRONTMATTER_INVALID_VALUE && x.message.contains("省里"))
        );
        let d = f.check(&good_plan().replace("version: 送审版", "version: 征求意见稿"));
        assert!(
            d.iter()
                .any(|x| x.rule == rule::FRONTMATTER_INVALID_VALUE
                    && x.severity == Severity::Warning)
        );
    }

    #[test]
    fn good_plan_has_no_field_problems() {
        let d = Fixture::new().check(&good_plan());
        assert!(
            !rules(&d).iter().any(|r| r.family() == "frontmatter"),
            "{d:#?}"
        );
    }
}
