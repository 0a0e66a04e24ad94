//! Rules for the voluntary-audit application form (申请表), and the checks
//! on an enterprise's identity that the audit and acceptance reports share:
//! `form/uscc` (GB 32100 check character), `form/industry-code` (a GB/T
//! 4754 industrial division consistent with the industry named),
//! `form/conditional`, `form/ineligible`, `form/phone`, `form/email`,
//! `form/permit-prefix`.

use super::{Ctx, diag, field_span, label, unfilled};
use crate::call::{CreditCodeWaiver, industry};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::fields::Spanned;
use crate::document::voluntary::{Enterprise, FormMeta};
use crate::rule;

/// The GB 32100-2015 alphabet: digits and capitals without I, O, Z, S, V.
const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// 3^(i-1) mod 31 for positions 1..=17.
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a unified social credit code is not valid.
#[derive(Debug, PartialEq, Eq)]
pub enum UsccError {
    Length(usize),
    /// A character outside the alphabet among the first 17 (position, char).
    Character(usize, char),
    /// The check character written, and the one the others give (the
    /// written one may not be in the alphabet at all: `I`, `Z`, `*`).
    Check(char, char),
}

/// The check character for the first 17 characters (None if any is not
/// in the alphabet).
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    for (i, c) in first17.chars().enumerate().take(17) {
        let v = USCC_ALPHABET.find(c)? as u32;
        sum += v * USCC_WEIGHTS[i];
    }
    let idx = (31 - sum % 31) % 31;
    USCC_ALPHABET.chars().nth(idx as usize)
}

/// A credit code as `form/uscc` reads it: full width and lower case
/// folded, surrounding space trimmed.
pub fn fold_uscc(code: &str) -> String {
    crate::call::CreditCodeWaiver::folded(code)
}

/// Validate a unified social credit code (full-width characters and lower
/// case are folded first; spaces are not allowed inside).
pub fn validate_uscc(code: &str) -> Result<(), UsccError> {
    let code = fold_uscc(code);
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Err(UsccError::Length(chars.len()));
    }
    if let Some((i, c)) = chars[..17]
        .iter()
        .enumerate()
        .find(|(_, c)| !USCC_ALPHABET.contains(**c))
    {
        return Err(UsccError::Character(i + 1, *c));
    }
    let first17: String = chars[..17].iter().collect();
    let written = chars[17];
    match uscc_check_char(&first17) {
        Some(expected) if expected == written => Ok(()),
        Some(expected) => Err(UsccError::Check(written, expected)),
        None => Err(UsccError::Length(chars.len())),
    }
}

/// The region digits (3rd–8th) of a code whose first 8 characters are
/// there, as written.
pub fn uscc_region(code: &str) -> Option<String> {
    let code = fold_uscc(code);
    let region: String = code.chars().skip(2).take(6).collect();
    (region.chars().count() == 6 && region.chars().all(|c| c.is_ascii_digit())).then_some(region)
}

/// The division of an industry code such as `26`, `2614` or `C2614`.
pub fn division_of(code: &str) -> Option<u32> {
    let digits: String = code
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .chars()
        .map(crate::text::fold_width)
        .collect();
    if !(2..=4).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits[..2].parse().ok()
}

/// Whether an industry named in words belongs to a division.
pub fn industry_matches(division: u32, industry: &str) -> bool {
    let Some(d) = industry::division(division) else {
        return false;
    };
    let n = crate::text::normalize_title(industry);
    let name = crate::text::normalize_title(&d.name);
    n == name
        || name.contains(&n) && n.chars().count() >= 2
        || d.words.iter().any(|w| n.contains(w.as_str()))
        || shares_a_term(&n, &name)
}

/// Whether an industry as written and a division's name share a term of
/// two characters or more once the generic words go: a class's name
/// (铝压延加工, GB/T 4754 code 3252) within its division (有色金属冶炼和
/// 压延加工业) shares 压延.
fn shares_a_term(written: &str, division: &str) -> bool {
    const GENERIC: [&str; 9] = [
        "制造业",
        "加工业",
        "制造",
        "加工",
        "制品",
        "产品",
        "行业",
        "工业",
        "业",
    ];
    let strip = |s: &str| {
        let mut s = s.to_string();
        for g in GENERIC {
            s = s.replace(g, "|");
        }
        s
    };
    let (w, d) = (strip(written), strip(division));
    let w: Vec<char> = w.chars().collect();
    w.windows(2)
        .any(|p| !p.contains(&'|') && d.contains(&p.iter().collect::<String>()))
}

/// `enterprise/consistency`: the documents of one enterprise (its form,
/// audit report, acceptance report) name it alike: documents with the
/// same name have the same credit code, and the same code the same name.
/// Where they differ, the value most of them write is taken as right (for
/// a code, one whose check character is right comes first; on a tie, the
/// earliest document's): an error at each document that differs from it,
/// naming those that agree, so a slip in one document is not also blamed
/// on the correct ones.
pub fn enterprise_consistency(docs: &[Document], out: &mut Vec<Diagnostic>) {
    struct Entry<'a> {
        doc: &'a Document,
        name: &'a Spanned<String>,
        code: &'a Spanned<String>,
        /// Name and code as compared: width-folded, upper case, no spaces.
        n: String,
        c: String,
    }
    let norm = |s: &str| -> String {
        s.chars()
            .map(|c| crate::text::fold_width(c).to_ascii_uppercase())
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let entries: Vec<Entry> = docs
        .iter()
        .filter_map(|doc| {
            let e = doc.enterprise()?;
            let (name, code) = (e.name.as_ref()?, e.uscc.as_ref()?);
            let (n, c) = (norm(&name.value), norm(&code.value));
            (!n.is_empty() && !c.is_empty()).then_some(Entry {
                doc,
                name,
                code,
                n,
                c,
            })
        })
        .collect();
    // Documents already marked: one finding per document is enough.
    let mut marked = vec![false; entries.len()];
    // First the codes written under one name, then the names under one code.
    for is_code in [true, false] {
        // (what documents are grouped by, the value they must agree on)
        let side = |e: &Entry| -> (String, String) {
            if is_code {
                (e.n.clone(), e.c.clone())
            } else {
                (e.c.clone(), e.n.clone())
            }
        };
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let k = side(e).0;
            match groups.iter_mut().find(|(g, _)| *g == k) {
                Some((_, members)) => members.push(i),
                None => groups.push((k, vec![i])),
            }
        }
        for (_, members) in groups {
            // The values written, each with its documents, first seen first.
            let mut values: Vec<(String, Vec<usize>)> = Vec::new();
            for &i in &members {
                let v = side(&entries[i]).1;
                match values.iter_mut().find(|(x, _)| *x == v) {
                    Some((_, at)) => at.push(i),
                    None => values.push((v, vec![i])),
                }
            }
            if values.len() < 2 {
                continue;
            }
            let valid = |v: &str| !is_code || validate_uscc(v).is_ok();
            // Most documents, then a valid code, then the earliest.
            let Some(best) = (0..values.len())
                .max_by_key(|&k| (values[k].1.len(), valid(&values[k].0), std::cmp::Reverse(k)))
            else {
                continue;
            };
            let agree: Vec<&str> = values[best]
                .1
                .iter()
                .map(|&i| entries[i].doc.src.rel.as_str())
                .collect();
            let right = &entries[values[best].1[0]];
            for (k, (_, at)) in values.iter().enumerate() {
                if k == best {
                    continue;
                }
                for &i in at {
                    if marked[i] {
                        continue;
                    }
                    marked[i] = true;
                    let e = &entries[i];
                    let (span, message) = if is_code {
                        (
                            e.code.span.clone(),
                            format!(
                                "统一社会信用代码 {} 与 {} 中同名企业的代码 {} 不同",
                                e.code.value,
                                agree.join("、"),
                                right.code.value
                            ),
                        )
                    } else {
                        (
                            e.name.span.clone(),
                            format!(
                                "企业名称“{}”与 {} 中同一信用代码的企业名称“{}”不同",
                                e.name.value,
                                agree.join("、"),
                                right.name.value
                            ),
                        )
                    };
                    out.push(
                        diag(rule::ENTERPRISE_CONSISTENCY, Severity::Error, e.doc, span, message)
                            .with_label(if is_code { "代码不一致" } else { "名称不一致" })
                            .with_help("同一企业的申请表、审核报告和验收报告应写同一名称和同一信用代码（以营业执照为准）"),
                    );
                }
            }
        }
    }
}

pub fn check(ctx: &Ctx<'_>, doc: &Document, form: &FormMeta, out: &mut Vec<Diagnostic>) {
    enterprise_identity(ctx, doc, &form.enterprise, "", out);
    // `date/order`: a form cannot be filled in on a day still to come.
    if let Some(d) = &form.filled_on
        && d.value.date_naive() > ctx.opts.today.date_naive()
    {
        out.push(
            diag(
                rule::DATE_ORDER,
                Severity::Error,
                doc,
                d.span.clone(),
                format!(
                    "填表日期 {} 晚于今天（{}）",
                    crate::document::voluntary::date_zh(&d.value),
                    crate::document::voluntary::date_zh(&ctx.opts.today)
                ),
            )
            .with_help("填表日期写实际填表的日子"),
        );
    }
    conditional(
        doc,
        &form.eia_approved,
        &form.eia_number,
        "eia_number",
        "环评和环境保护设施竣工验收批文号",
        out,
    );
    conditional(
        doc,
        &form.has_permit,
        &form.permit_number,
        "permit_number",
        "排污许可证编号",
        out,
    );
    conditional(
        doc,
        &form.has_agency,
        &form.agency,
        "agency",
        "有意向的第三方审核机构名称",
        out,
    );
    if let Some(r) = &form.restructuring
        && r.value
    {
        out.push(
            diag(
                rule::FORM_INELIGIBLE,
                Severity::Error,
                doc,
                r.span.clone(),
                "近两年内列入关停并转等结构调整计划的企业不能申请自愿性清洁生产审核",
            )
            .with_label("是")
            .with_help("通知规定：近两年内列入区县关停并转等结构调整计划的企业不予受理"),
        );
    }
    if let Some(m) = &form.mandatory_audit
        && m.value
    {
        out.push(
            diag(
                rule::FORM_INELIGIBLE,
                Severity::Error,
                doc,
                m.span.clone(),
                "已列入强制性清洁生产审核名单的企业应开展强制性审核，不能申请自愿性审核",
            )
            .with_label("是")
            .with_help("自愿性审核面向尚未纳入强制性审核的规上工业企业"),
        );
    }
    if let Some(p) = &form.mobile
        && !unfilled(ctx, p)
        && !is_mobile(&p.value)
    {
        out.push(
            diag(
                rule::FORM_PHONE,
                Severity::Error,
                doc,
                p.span.clone(),
                format!("手机号码“{}”不对：应为 1 开头的 11 位数字", p.value),
            )
            .with_help("申请表要求填写联系人手机，不要写座机或加区号"),
        );
    }
    if let Some(e) = &form.email
        && !unfilled(ctx, e)
        && !super::fields::is_email(&e.value)
    {
        out.push(
            diag(
                rule::FORM_EMAIL,
                Severity::Error,
                doc,
                e.span.clone(),
                format!("邮箱“{}”格式不对", e.value),
            )
            .with_help("写成 name@example.cn 的形式"),
        );
    }
    if let (Some(permit), Some(uscc)) = (&form.permit_number, &form.enterprise.uscc)
        && form.has_permit.as_ref().is_some_and(|h| h.value)
        && !says_none(&permit.value)
        && validate_uscc(&uscc.value).is_ok()
    {
        // Full-width letters and digits are folded, as in the credit code.
        let fold = |s: &str| -> String {
            s.trim()
                .chars()
                .map(|c| crate::text::fold_width(c).to_ascii_uppercase())
                .collect()
        };
        let code = fold(&uscc.value);
        if !fold(&permit.value).starts_with(&code) {
            out.push(
                diag(
                    rule::FORM_PERMIT_PREFIX,
                    Severity::Warning,
                    doc,
                    permit.span.clone(),
                    format!(
                        "排污许可证编号“{}”没有以本企业的统一社会信用代码 {code} 开头",
                        permit.value
                    ),
                )
                .with_help("排污许可证编号通常是“统一社会信用代码 + 3位顺序码”，请对照许可证正本核对两项是否填错"),
            );
        }
    }
}

fn conditional(
    doc: &Document,
    answer: &Option<Spanned<bool>>,
    detail: &Option<Spanned<String>>,
    detail_key: &str,
    detail_name: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(a) = answer else { return };
    // “无”, “/”, “暂无”, “不适用”, “—”: the detail left empty, in words.
    let detail = detail.as_ref().filter(|d| !says_none(&d.value));
    match (a.value, detail) {
        (true, None) => out.push(
            diag(
                rule::FORM_CONDITIONAL,
                Severity::Error,
                doc,
                a.span.clone(),
                format!("回答“是”，但没有填写{detail_name}"),
            )
            .with_label("是")
            .with_help(format!(
                "在 {detail_key} 中填写{detail_name}；如果实际为“否”，改为 否"
            )),
        ),
        (false, Some(d)) => out.push(
            diag(
                rule::FORM_CONDITIONAL,
                Severity::Warning,
                doc,
                d.span.clone(),
                format!("上一项回答“否”，却填写了{detail_name}“{}”", d.value),
            )
            .with_help("两项互相矛盾：核实后把上一项改为 是，或删去这一项"),
        ),
        _ => {}
    }
}

/// Whether a detail (a number, a name) says there is none: 无, 暂无,
/// 没有, 不适用, 不涉及, a slash or a dash, N/A — a field left empty in
/// words, as paper forms are filled in.
pub(crate) fn says_none(s: &str) -> bool {
    let t: String = s
        .chars()
        .map(crate::text::fold_width)
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let t = t.trim_end_matches(['。', '.']);
    let t = t
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(t);
    matches!(
        t,
        "无" | "暂无"
            | "尚无"
            | "没有"
            | "空"
            | "不适用"
            | "不涉及"
            | "无此项"
            | "n/a"
            | "na"
            | "none"
    ) || (!t.is_empty()
        && t.chars()
            .all(|c| matches!(c, '/' | '\\' | '-' | '—' | '–' | '―' | '一')))
}

/// A mobile number as the form asks (1 and 10 more digits), written with
/// or without the country code (+86, 86-, (+86), 0086) and separators
/// (spaces, hyphens), and with or without a note in brackets after it
/// (13937100000（微信同号）).
fn is_mobile(s: &str) -> bool {
    let folded: String = s.trim().chars().map(crate::text::fold_width).collect();
    // A note after the number: the number is what stands before it.
    let number = match (folded.strip_suffix(')'), folded.rfind('(')) {
        (Some(_), Some(i)) if folded[..i].chars().any(|c| c.is_ascii_digit()) => &folded[..i],
        _ => folded.as_str(),
    };
    let compact: String = number
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '—'))
        .collect();
    let national = ["(+86)", "(86)", "+86", "0086", "86"]
        .iter()
        .find_map(|code| {
            compact
                .strip_prefix(code)
                .filter(|rest| rest.len() == 11 && rest.starts_with('1'))
        })
        .unwrap_or(&compact);
    national.len() == 11
        && national.starts_with('1')
        && national.chars().all(|c| c.is_ascii_digit())
}

/// `form/uscc` and `form/industry-code` for an enterprise; `prefix` is the
/// front-matter path of its fields (`enterprise.` in the reports, empty in
/// the form, whose fields are at the top).
pub fn enterprise_identity(
    ctx: &Ctx<'_>,
    doc: &Document,
    e: &Enterprise,
    prefix: &str,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(u) = e.uscc.as_ref().filter(|u| !unfilled(ctx, u)) {
        uscc(ctx, doc, u, out);
    }
    if let Some(code) = e.industry_code.as_ref().filter(|c| !unfilled(ctx, c)) {
        match division_of(&code.value) {
            None => out.push(
                diag(
                    rule::FORM_INDUSTRY_CODE,
                    Severity::Error,
                    doc,
                    code.span.clone(),
                    format!("行业代码“{}”不是 GB/T 4754 的代码", code.value),
                )
                .with_help("写 2 位大类代码或 4 位小类代码，如 26 或 2614"),
            ),
            Some(d) if !(6..=46).contains(&d) => out.push(
                diag(
                    rule::FORM_INDUSTRY_CODE,
                    Severity::Error,
                    doc,
                    code.span.clone(),
                    format!("行业代码大类 {d:02} 不属于工业（采矿业 06–12、制造业 13–43、电力热力燃气及水 44–46）"),
                )
                .with_help("自愿性清洁生产审核面向规上工业企业：核对行业代码"),
            ),
            Some(d) => {
                if let Some(ind) = &e.industry
                    && !industry_matches(d, &ind.value)
                {
                    let name = industry::division(d).map_or("", |x| x.name.as_str());
                    let at = field_span(doc, &format!("{prefix}industry"));
                    out.push(
                        diag(
                            rule::FORM_INDUSTRY_CODE,
                            Severity::Warning,
                            doc,
                            at,
                            format!(
                                "{}“{}”与{} {} 的大类 {d:02}（{name}）对不上",
                                label(doc, &format!("{prefix}industry")),
                                ind.value,
                                label(doc, &format!("{prefix}industry_code")),
                                code.value
                            ),
                        )
                        .with_help("按《国民经济行业分类》核对：所属行业写大类或小类名称，行业代码写对应代码"),
                    );
                }
            }
        }
    }
}

/// `form/uscc` for one credit code: its form and check character (an
/// error, or info when `shenbao.yaml` waives a code published with a
/// wrong check character), and its region digits against the province
/// the notice covers (`form/uscc-region`, a warning).
fn uscc(ctx: &Ctx<'_>, doc: &Document, u: &Spanned<String>, out: &mut Vec<Diagnostic>) {
    let problem = match validate_uscc(&u.value) {
        Ok(()) => None,
        Err(UsccError::Length(n)) => Some((
            format!("统一社会信用代码“{}”有 {n} 位，应为 18 位", u.value),
            if n == 15 && fold_uscc(&u.value).chars().all(|c| c.is_ascii_digit()) {
                "15 位数字的是旧的工商注册号（营业执照号）：申请表要填 18 位的统一社会信用代码，见新版营业执照，或在国家企业信用信息公示系统查询"
                    .to_string()
            } else {
                "对照营业执照逐位核对".to_string()
            },
        )),
        Err(UsccError::Character(i, c)) => Some((
            format!("统一社会信用代码第 {i} 位“{c}”不是有效字符"),
            "代码只用数字和大写字母，不含 I、O、Z、S、V（容易与 1、0、2、5、U 混淆）".to_string(),
        )),
        Err(UsccError::Check(w, x)) => {
            let folded = fold_uscc(&u.value);
            if let Some(waiver) = ctx
                .call
                .waivers
                .iter()
                .find(|w| CreditCodeWaiver::folded(&w.credit_code) == folded)
            {
                out.push(
                    diag(
                        rule::FORM_USCC,
                        Severity::Info,
                        doc,
                        u.span.clone(),
                        format!(
                            "统一社会信用代码“{}”的校验位按前 17 位算应为“{x}”，已在 shenbao.yaml 中登记为例外：{}",
                            u.value,
                            waiver.reason.trim()
                        ),
                    )
                    .with_label("已登记的例外")
                    .with_help("按公布的代码照写；例外及理由见 shenbao.yaml 的 credit_code_waivers"),
                );
                None
            } else if USCC_ALPHABET.contains(w) {
                Some((
                    format!(
                        "统一社会信用代码“{}”的校验位不对：最后一位是“{w}”，按前 17 位算应为“{x}”",
                        u.value
                    ),
                    WAIVER_HELP.to_string(),
                ))
            } else {
                Some((
                    format!(
                        "统一社会信用代码“{}”的最后一位“{w}”不是有效的校验字符，按前 17 位算应为“{x}”",
                        u.value
                    ),
                    WAIVER_HELP.to_string(),
                ))
            }
        }
    };
    if let Some((m, h)) = problem {
        out.push(
            diag(rule::FORM_USCC, Severity::Error, doc, u.span.clone(), m)
                .with_label("统一社会信用代码")
                .with_help(h),
        );
    }
    region(ctx, doc, u, out);
}

const WAIVER_HELP: &str = "多半是某一位抄错了：对照营业执照逐位核对。如果营业执照上的代码本身如此（政府文件公布的代码有校验位错误的），在 shenbao.yaml 中登记例外：credit_code_waivers: [{credit_code: 代码, reason: 理由}]";

/// `form/uscc-region`: digits 3–8 of a credit code are the division code
/// of the registering authority; the voluntary notice asks for an
/// enterprise registered in its province.
fn region(ctx: &Ctx<'_>, doc: &Document, u: &Spanned<String>, out: &mut Vec<Diagnostic>) {
    let Some(notice_province) = ctx.call.voluntary.province.as_deref() else {
        return;
    };
    let Some(expected) = super::fields::province_code(notice_province) else {
        return;
    };
    // Positions 3–8 are a division code only in an 18-character code: a
    // code of another length (an old 15-digit registration number) has
    // its length reported, not a region read from the wrong digits.
    if fold_uscc(&u.value).chars().count() != 18 {
        return;
    }
    let Some(region) = uscc_region(&u.value) else {
        return;
    };
    let head = &region[..2];
    if head == expected {
        return;
    }
    let notice = &ctx.call.voluntary.notice;
    let (message, help) = match super::fields::province_of_code(head) {
        Some(p) => (
            format!(
                "统一社会信用代码第 3–8 位“{region}”是{p}的行政区划代码，不是{notice_province}（{expected}开头）"
            ),
            format!(
                "通知（{notice}）要求申请企业在{notice_province}注册：核对代码是否抄错；在外省注册的企业不在本通知范围内"
            ),
        ),
        None if head == "10" => (
            format!(
                "统一社会信用代码第 3–8 位“{region}”表示由国家登记机关登记，不是在{notice_province}注册"
            ),
            format!(
                "通知（{notice}）要求申请企业在{notice_province}注册：核对代码，或向主管部门确认能否申请"
            ),
        ),
        None => (
            format!(
                "统一社会信用代码第 3–8 位“{region}”不是行政区划代码（{notice_province}的代码以{expected}开头）"
            ),
            "第 3–8 位是登记机关所在地的行政区划代码：对照营业执照核对".to_string(),
        ),
    };
    out.push(
        diag(
            rule::FORM_USCC_REGION,
            Severity::Warning,
            doc,
            u.span.clone(),
            message,
        )
        .with_label(format!("第 3–8 位 {region}"))
        .with_help(help),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::{Fixture, rules};

    #[test]
    fn real_credit_codes_verify() {
        // Codes of well-known companies, as published on their licences.
        for code in [
            "914403001922038216", // 华为技术有限公司
            "91440300708461136T", // 深圳市腾讯计算机系统有限公司
            "91330100716105852F", // 阿里巴巴（中国）有限公司
            "91110108551385082Q", // 小米科技有限责任公司
            "91110000710926094P", // 中国石油化工股份有限公司
            "91440300192317458F", // 比亚迪股份有限公司
            "91110000710925243K", // 中国移动通信集团有限公司
        ] {
            assert_eq!(validate_uscc(code), Ok(()), "{code}");
        }
    }

    #[test]
    fn broken_credit_codes_say_what_is_wrong() {
        assert_eq!(
            validate_uscc("914403001922038217"),
            Err(UsccError::Check('7', '6'))
        );
        assert_eq!(
            validate_uscc("91440300192203821"),
            Err(UsccError::Length(17))
        );
        assert_eq!(
            validate_uscc("9144030019220382I6"),
            Err(UsccError::Character(17, 'I'))
        );
        // Full width and lower case are folded.
        assert_eq!(validate_uscc("９１４４０３００７０８４６１１３６t"), Ok(()));
    }

    #[test]
    fn industry_codes_and_names() {
        assert_eq!(division_of("2614"), Some(26));
        assert_eq!(division_of("C26"), Some(26));
        assert_eq!(division_of("6"), None);
        assert_eq!(division_of("化工"), None);
        assert!(industry_matches(26, "有机化学原料制造"));
        assert!(industry_matches(30, "水泥制造"));
        assert!(industry_matches(44, "电力、热力生产和供应业"));
        assert!(!industry_matches(26, "纺织业"));
    }

    const GOOD: &str = "---
kind: application-form
enterprise: 伏牛新材料有限公司
address: 河南省伏牛市经开区纬五路8号
legal_representative: 王建国
uscc: \"91410700MA45F8K2X5\"
industry: 化学原料和化学制品制造业
industry_code: \"2614\"
output_value: 52300
energy_use: 18600
emissions: 化学需氧量12.5吨、氨氮1.2吨、二氧化硫8.3吨、氮氧化物21.6吨
products: 乙二醇40万吨
contact: 李文华
position: 环保科长
mobile: \"13937100000\"
email: hb@funiu-xcl.example.cn
eia_approved: 是
eia_number: 豫环审〔2016〕88号
has_permit: 是
permit_number: 91410700MA45F8K2X5001P
has_agency: 否
restructuring: 否
filled_by: 李文华
filled_on: 2023-03-01
---
";

    fn check(text: &str) -> Vec<Diagnostic> {
        // The form is filled in on 2023-03-01: check it on a later day.
        let mut f = Fixture::new();
        f.opts.today = crate::call::parse_datetime("2023-04-01", false).unwrap();
        f.check(text)
    }

    #[test]
    fn a_correct_form_passes_every_form_rule() {
        let d = check(GOOD);
        let form: Vec<_> = d.iter().filter(|x| x.rule.family() == "form").collect();
        assert!(form.is_empty(), "{form:#?}");
        assert!(!d.iter().any(Diagnostic::is_error), "{d:#?}");
    }

    #[test]
    fn each_form_rule_fires() {
        let cases = [
            (
                "uscc: \"91410700MA45F8K2X5\"",
                "uscc: \"91410700MA45F8K2X4\"",
                rule::FORM_USCC,
            ),
            (
                "industry_code: \"2614\"",
                "industry_code: \"5211\"",
                rule::FORM_INDUSTRY_CODE,
            ),
            (
                "industry: 化学原料和化学制品制造业",
                "industry: 纺织业",
                rule::FORM_INDUSTRY_CODE,
            ),
            (
                "eia_number: 豫环审〔2016〕88号\n",
                "",
                rule::FORM_CONDITIONAL,
            ),
            (
                "has_agency: 否",
                "has_agency: 否\nagency: 某某环保咨询有限公司",
                rule::FORM_CONDITIONAL,
            ),
            (
                "restructuring: 否",
                "restructuring: 是",
                rule::FORM_INELIGIBLE,
            ),
            (
                "restructuring: 否",
                "restructuring: 否\nmandatory_audit: 是",
                rule::FORM_INELIGIBLE,
            ),
            (
                "mobile: \"13937100000\"",
                "mobile: \"0371-66309308\"",
                rule::FORM_PHONE,
            ),
            (
                "email: hb@funiu-xcl.example.cn",
                "email: hb.funiu",
                rule::FORM_EMAIL,
            ),
            (
                "permit_number: 91410700MA45F8K2X5001P",
                "permit_number: 91410000000000000X001P",
                rule::FORM_PERMIT_PREFIX,
            ),
        ];
        for (from, to, rule) in cases {
            assert!(GOOD.contains(from), "{from}");
            let d = check(&GOOD.replacen(from, to, 1));
            assert!(
                rules(&d).contains(&rule),
                "{rule} for {to:?}: {:#?}",
                rules(&d)
            );
        }
    }

    #[test]
    fn mobiles_with_country_codes_and_notes() {
        for ok in [
            "13937100000",
            "139-3710-0000",
            "+86 139 3710 0000",
            "+86-13937100000",
            "86-13937100000",
            "(+86)13937100000",
            "（+86）13937100000",
            "0086 13937100000",
            "8613937100000",
            "13937100000（微信同号）",
        ] {
            assert!(is_mobile(ok), "{ok}");
        }
        for bad in [
            "0371-66309308",
            "0371-66309308（办公室）",
            "1393710000",
            "+86-1393710000",
            "86123456789",
            "（微信同号）",
        ] {
            assert!(!is_mobile(bad), "{bad}");
        }
    }

    #[test]
    fn none_in_words_is_an_empty_detail() {
        for none in [
            "无",
            "暂无",
            "/",
            "／",
            "—",
            "——",
            "-",
            "不适用",
            "N/A",
            "（无）",
            "无。",
        ] {
            assert!(says_none(none), "{none}");
        }
        for some in [
            "豫环审〔2016〕88号",
            "无锡环保咨询有限公司",
            "91410700MA45F8K2X5001P",
        ] {
            assert!(!says_none(some), "{some}");
        }
    }

    #[test]
    fn a_form_filled_in_the_future_is_an_error() {
        let line = GOOD.lines().find(|l| l.starts_with("filled_on:")).unwrap();
        let d = check(&GOOD.replacen(line, "filled_on: 2099-01-01", 1));
        assert!(rules(&d).contains(&rule::DATE_ORDER), "{d:#?}");
        assert!(!rules(&check(GOOD)).contains(&rule::DATE_ORDER));
    }

    #[test]
    fn full_width_letters_in_a_permit_number_are_folded() {
        let d = check(&GOOD.replacen(
            "permit_number: 91410700MA45F8K2X5001P",
            "permit_number: ９１４１０７００ＭＡ４５Ｆ８Ｋ２Ｘ５００１Ｐ",
            1,
        ));
        assert!(!rules(&d).contains(&rule::FORM_PERMIT_PREFIX), "{d:#?}");
    }

    #[test]
    fn a_missing_detail_is_reported_at_the_answer() {
        let d = check(&GOOD.replacen("eia_number: 豫环审〔2016〕88号\n", "", 1));
        let c = d.iter().find(|x| x.rule == rule::FORM_CONDITIONAL).unwrap();
        assert_eq!(c.severity, Severity::Error);
        assert_eq!(c.line, Some(17));
    }

    #[test]
    fn the_expected_check_character_is_given_even_for_an_invalid_last_character() {
        assert_eq!(
            validate_uscc("91410700MA45F8K2XI"),
            Err(UsccError::Check('I', '5'))
        );
        let d = check(&GOOD.replacen("91410700MA45F8K2X5\"", "91410700MA45F8K2XZ\"", 1));
        let u = d.iter().find(|x| x.rule == rule::FORM_USCC).unwrap();
        assert_eq!(u.severity, Severity::Error);
        assert!(
            u.message.contains("“Z”不是有效的校验字符") && u.message.contains("应为“5”"),
            "{}",
            u.message
        );
    }

    #[test]
    fn a_code_registered_in_another_province_is_a_warning() {
        // 华为 (深圳 440300) applying under the Henan notice.
        let text = GOOD
            .replacen("91410700MA45F8K2X5\"", "914403001922038216\"", 1)
            .replacen("91410700MA45F8K2X5001P", "914403001922038216001P", 1);
        let d = check(&text);
        let r = d.iter().find(|x| x.rule == rule::FORM_USCC_REGION).unwrap();
        assert_eq!(r.severity, Severity::Warning);
        assert!(
            r.message.contains("广东省") && r.message.contains("河南省"),
            "{}",
            r.message
        );
        assert_eq!(r.line, Some(6));
        // A nationally registered code says so.
        assert_eq!(uscc_region("91100000100003962T").as_deref(), Some("100000"));
        // No province in the notice: nothing to compare.
        let mut f = Fixture::new();
        f.opts.today = crate::call::parse_datetime("2023-04-01", false).unwrap();
        f.call.voluntary.province = None;
        assert!(!rules(&f.check(&text)).contains(&rule::FORM_USCC_REGION));
    }

    #[test]
    fn a_waived_code_is_info_with_its_reason() {
        let bad = GOOD.replacen("91410700MA45F8K2X5\"", "91410700MA45F8K2X4\"", 1);
        let mut f = Fixture::new();
        f.opts.today = crate::call::parse_datetime("2023-04-01", false).unwrap();
        f.call.waivers = vec![CreditCodeWaiver {
            credit_code: "９１４１０７００ma45f8k2x4".into(),
            reason: "营业执照原件如此".into(),
        }];
        let d = f.check(&bad);
        let u: Vec<_> = d.iter().filter(|x| x.rule == rule::FORM_USCC).collect();
        assert_eq!(u.len(), 1, "{u:#?}");
        assert_eq!(u[0].severity, Severity::Info);
        assert!(u[0].message.contains("营业执照原件如此") && u[0].message.contains("应为“5”"));
        // A waiver covers that code only.
        let other = GOOD.replacen("91410700MA45F8K2X5\"", "91410700MA45F8K2X3\"", 1);
        let d = f.check(&other);
        assert!(
            d.iter()
                .any(|x| x.rule == rule::FORM_USCC && x.severity == Severity::Error)
        );
    }
}
