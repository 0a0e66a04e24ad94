//! `quota/province`: each province recommends at most the call's quota.

use crate::rule;
use std::collections::BTreeMap;

use super::{Ctx, diag};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::text::normalize_title;

pub fn check(ctx: &Ctx<'_>, docs: &[&Document], out: &mut Vec<Diagnostic>) {
    let quota = ctx.call.quota_per_province;
    let mut by_province: BTreeMap<String, Vec<&Document>> = BTreeMap::new();
    for doc in docs.iter().copied() {
        if let Some(p) = doc.plan().and_then(|p| p.province.as_ref()) {
            let key = normalize_title(p.value.trim_end_matches(['省', '市']));
            by_province.entry(key).or_default().push(doc);
        }
    }
    for plans in by_province.values() {
        if plans.len() <= quota {
            continue;
        }
        for doc in &plans[quota..] {
            let Some(p) = doc.plan().and_then(|p| p.province.as_ref()) else {
                continue;
            };
            out.push(
                diag(
                    rule::QUOTA_PROVINCE,
                    Severity::Error,
                    doc,
                    p.span.clone(),
                    format!(
                        "项目中有 {} 份{}的方案，超过每省推荐不超过 {quota} 个的上限",
                        plans.len(),
                        p.value
                    ),
                )
                .with_label("超出名额")
                .with_help(format!(
                    "名额内的方案：{}。请与省级部门确认推荐名单，删去或移出多余的方案",
                    plans[..quota]
                        .iter()
                        .map(|d| d.src.rel.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::{Ctx, Options};
    use crate::document;

    #[test]
    fn sixth_plan_of_a_province_fires() {
        let f = Fixture::new();
        let root = f.root();
        let opts = Options::at(f.opts.today);
        let ctx = Ctx {
            root: &root,
            call: &f.call,
            opts: &opts,
            out_dir: root.join("public"),
            placeholders: None,
            others: None,
        };
        let docs: Vec<_> = (0..6)
            .map(|i| {
                let text = good_plan().replace(
                    "province: 河南省",
                    if i == 5 {
                        "province: 河南"
                    } else {
                        "province: 河南省"
                    },
                );
                document::parse(&format!("content/p{i}.md"), root.join("x"), text, None)
            })
            .collect();
        let mut out = Vec::new();
        super::check(&ctx, &docs.iter().take(5).collect::<Vec<_>>(), &mut out);
        assert!(out.is_empty());
        super::check(&ctx, &docs.iter().collect::<Vec<_>>(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].file, "content/p5.md");
    }
}
