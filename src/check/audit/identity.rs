//! `audit/identity`, `acceptance/identity`: the enterprise a report's title
//! names against the enterprise of its fields.

use super::super::diag;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::fields::Spanned;
use crate::text::normalize_title;

/// `audit/identity`, `acceptance/identity`: the enterprise a title names
/// (伏牛新材料有限公司清洁生产审核报告) is the enterprise of the fields —
/// two names in one document are two identities (an error: both are
/// structured data). A title that names no enterprise (审核报告) is fine,
/// and so is a shortened name (伏牛新材料 for 河南伏牛新材料有限公司).
pub(super) fn title_names_the_enterprise(
    doc: &Document,
    title: Option<&Spanned<String>>,
    e: &crate::document::voluntary::Enterprise,
    rule: crate::rule::RuleId,
    out: &mut Vec<Diagnostic>,
) {
    let (Some(title), Some(name)) = (title, e.name.as_ref()) else {
        return;
    };
    let t = title.value.trim();
    let Some(end) = ["自愿性清洁生产", "清洁生产", "审核报告", "验收"]
        .iter()
        .filter_map(|w| t.find(w))
        .min()
    else {
        return;
    };
    let named = t[..end].trim_end_matches(['（', '(', '“', '《']).trim();
    let legal = [
        "有限责任公司",
        "股份有限公司",
        "有限公司",
        "股份公司",
        "公司",
        "集团",
        "厂",
    ];
    if !legal.iter().any(|s| named.ends_with(s)) {
        return;
    }
    let core = |n: &str| {
        let mut n = normalize_title(n);
        for s in legal {
            if let Some(stripped) = n.strip_suffix(s) {
                n = stripped.to_string();
                break;
            }
        }
        n
    };
    let (a, b) = (core(named), core(&name.value));
    if a.is_empty() || b.is_empty() || a.contains(&b) || b.contains(&a) {
        return;
    }
    // A shortened name of the same enterprise (焦作沁北新材料公司 for
    // 焦作市沁北新材料有限公司): one identity, written short.
    if crate::check::applicant::abbreviates(&a, &b) || crate::check::applicant::abbreviates(&b, &a)
    {
        out.push(
            diag(
                rule,
                Severity::Warning,
                doc,
                title.span.clone(),
                format!("标题中的“{named}”看起来是企业名称“{}”的简称", name.value),
            )
            .with_label("简称")
            .with_help("正式报送的报告，标题宜写企业全称（与营业执照一致）"),
        );
        return;
    }
    out.push(
        diag(
            rule,
            Severity::Error,
            doc,
            title.span.clone(),
            format!(
                "标题写的是“{named}”，enterprise.name 写的是“{}”：一份文档只能是一家企业的",
                name.value
            ),
        )
        .with_label("与企业名称不同")
        .with_help("核对标题、企业名称和统一社会信用代码，改成同一家企业的正式名称"),
    );
}
