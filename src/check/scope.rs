//! `scope/key-industry`, `scope/region-pollutants`, `scope/park-boundary`:
//! what the chosen category requires (通知 一、（二）与（四））;
//! `scope/province`: a plan of another province than the call's.

use super::{Ctx, diag, field_span, scope_of};
use crate::call::Scope;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::plan::PlanMeta;
use crate::rule;
use crate::text::{closest, normalize_title};

pub fn check(ctx: &Ctx<'_>, doc: &Document, plan: &PlanMeta, out: &mut Vec<Diagnostic>) {
    let call = ctx.call;
    province(ctx, doc, plan, out);
    let is_key = |s: &str| {
        call.key_industries
            .iter()
            .any(|k| normalize_title(k) == normalize_title(s))
    };
    for ind in &plan.industries {
        if !is_key(&ind.value) {
            let mut d = diag(
                rule::SCOPE_KEY_INDUSTRY,
                Severity::Warning,
                doc,
                ind.span.clone(),
                format!(
                    "“{}”不在通知列出的{}个重点行业中",
                    ind.value,
                    call.key_industries.len()
                ),
            )
            .with_label("非重点行业");
            d = match closest(&ind.value, call.key_industries.iter().map(String::as_str)) {
                Some(s) => d.with_help(format!(
                    "是否指“{s}”？重点行业：{}",
                    call.key_industries.join("、")
                )),
                None => d.with_help(format!(
                    "重点行业：{}。非重点行业可以涉及，但应说明与试点目标的关系",
                    call.key_industries.join("、")
                )),
            };
            out.push(d);
        }
    }
    match scope_of(ctx, plan) {
        Some(Scope::Industry) if plan.industries.is_empty() => out.push(
            diag(
                rule::SCOPE_KEY_INDUSTRY,
                Severity::Error,
                doc,
                field_span(doc, "category"),
                "重点行业整体审核创新须写明试点的重点行业",
            )
            .with_help(format!(
                "加一行 `industries: [行业]`，从以下选择：{}",
                call.key_industries.join("、")
            )),
        ),
        Some(Scope::Region) => region(ctx, doc, plan, out),
        Some(Scope::Park) => park(doc, plan, out),
        _ => {}
    }
}

fn region(ctx: &Ctx<'_>, doc: &Document, plan: &PlanMeta, out: &mut Vec<Diagnostic>) {
    let call = ctx.call;
    let Some(r) = &plan.region else {
        let names: Vec<&str> = call.regions.iter().map(|r| r.name.as_str()).collect();
        out.push(
            diag(
                rule::SCOPE_REGION_POLLUTANTS,
                Severity::Error,
                doc,
                field_span(doc, "category"),
                "重点区域和流域协同审核创新须写明区域或流域",
            )
            .with_help(format!(
                "加一行 `region: 区域或流域`，可选：{}",
                names.join("、")
            )),
        );
        return;
    };
    // An unknown region is reported by frontmatter/invalid-value.
    let Some(region) = call.region(&r.value) else {
        return;
    };
    if plan.pollutants.is_empty() {
        out.push(
            diag(
                rule::SCOPE_REGION_POLLUTANTS,
                Severity::Error,
                doc,
                r.span.clone(),
                format!(
                    "协同审核须写明特征污染物（{}应首选{}）",
                    region.name,
                    region.pollutants.join("、")
                ),
            )
            .with_help(format!(
                "加一行 `pollutants: [{}]`",
                region.pollutants.join(", ")
            )),
        );
        return;
    }
    let official: Vec<String> = region
        .pollutants
        .iter()
        .map(|p| call.canonical_pollutant(p))
        .collect();
    let mut any_official = false;
    for p in &plan.pollutants {
        if official.contains(&call.canonical_pollutant(&p.value)) {
            any_official = true;
        } else if plan
            .pollutants_in_local_tasks
            .as_ref()
            .is_none_or(|b| !b.value)
        {
            out.push(
                diag(rule::SCOPE_REGION_POLLUTANTS, Severity::Error, doc, p.span.clone(), format!("“{}”不是{}的特征污染物（{}），自行选取的须已纳入地方重点工作任务", p.value, region.name, region.pollutants.join("、")))
                    .with_label("自选污染物")
                    .with_help("如其减排工作已纳入地方重点工作任务，写 `pollutants_in_local_tasks: 是` 并在正文说明依据；否则改选通知所列污染物"),
            );
        }
    }
    if !any_official {
        out.push(
            diag(
                rule::SCOPE_REGION_POLLUTANTS,
                Severity::Warning,
                doc,
                field_span(doc, "pollutants"),
                format!(
                    "通知要求协同审核首选{}的特征污染物：{}",
                    region.name,
                    region.pollutants.join("、")
                ),
            )
            .with_help("说明为何不选通知所列污染物，或将其加入 pollutants"),
        );
    }
    for ind in &plan.industries {
        if !region
            .industries
            .iter()
            .any(|i| normalize_title(i) == normalize_title(&ind.value))
        {
            out.push(
                diag(
                    rule::SCOPE_KEY_INDUSTRY,
                    Severity::Warning,
                    doc,
                    ind.span.clone(),
                    format!(
                        "{}重点实施的行业是{}，不含“{}”",
                        region.name,
                        region.industries.join("、"),
                        ind.value
                    ),
                )
                .with_help("核对行业，或在正文说明纳入该行业的理由"),
            );
        }
    }
}

fn park(doc: &Document, plan: &PlanMeta, out: &mut Vec<Diagnostic>) {
    let p = &plan.park;
    let at = field_span(doc, "park");
    if p.boundary.is_none() {
        out.push(
            diag(
                rule::SCOPE_PARK_BOUNDARY,
                Severity::Error,
                doc,
                at.clone(),
                "工业园区（产业集群）试点须有明确的园区边界",
            )
            .with_help("在 park 下写 `boundary: 四至范围及面积`（通知 一、（四）3）"),
        );
    }
    if p.management_body.is_none() {
        out.push(
            diag(
                rule::SCOPE_PARK_BOUNDARY,
                Severity::Error,
                doc,
                at.clone(),
                "工业园区（产业集群）试点须有组织管理机构",
            )
            .with_help("在 park 下写 `management_body: 机构名称`"),
        );
    }
    match &p.crosses_prefecture {
        None => out.push(
            diag(
                rule::SCOPE_PARK_BOUNDARY,
                Severity::Error,
                doc,
                at,
                "未声明园区是否跨地市行政区域",
            )
            .with_help("在 park 下写 `crosses_prefecture: 否`（原则上不跨地市）"),
        ),
        Some(b) if b.value => out.push(
            diag(
                rule::SCOPE_PARK_BOUNDARY,
                Severity::Warning,
                doc,
                b.span.clone(),
                "试点园区原则上不跨地市行政区域",
            )
            .with_label("跨地市")
            .with_help("在正文说明跨地市的管理协调机制，或调整试点范围"),
        ),
        Some(_) => {}
    }
}

/// `scope/province`: the call's provincial stages (where the provincial
/// e-mail and paper copies go, by when) are one province's: a plan of
/// another province would be sent there. A warning: the national stages
/// hold for every province, and the author may mean it.
fn province(ctx: &Ctx<'_>, doc: &Document, plan: &PlanMeta, out: &mut Vec<Diagnostic>) {
    let (Some(mine), Some(call_province)) = (&plan.province, ctx.call.province.as_deref()) else {
        return;
    };
    let base = |s: &str| {
        let s = s.trim();
        s.strip_suffix('省')
            .or_else(|| s.strip_suffix('市'))
            .unwrap_or(s)
            .to_string()
    };
    // Only a province the check knows (a typo is frontmatter/invalid-value).
    if !super::fields::PROVINCES.contains(&mine.value.trim())
        || base(&mine.value) == base(call_province)
    {
        return;
    }
    out.push(
        diag(
            rule::SCOPE_PROVINCE,
            Severity::Warning,
            doc,
            mine.span.clone(),
            format!(
                "方案的省份是{}，而所用通知中省级报送节点（收件单位、邮箱、地址和截止时间）是{call_province}的",
                mine.value.trim()
            ),
        )
        .with_label("省份")
        .with_help(format!(
            "按本省的通知写一份通知文件：shenbao new call 2022{0} 以内置通知为底稿，改省级节点的时间、收件单位、邮箱和地址，写 province: {0}，再在 shenbao.yaml 中写 call: calls/2022{0}.yaml",
            mine.value.trim()
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use crate::rule;

    fn region_plan(region: &str, pollutants: &str, extra: &str) -> String {
        good_plan()
            .replace(
                "category: 2",
                &format!("category: 3\nregion: {region}\npollutants: {pollutants}\n{extra}"),
            )
            .replace("industries: [石化化工, 建材]", "industries: [印染, 造纸]")
    }

    fn n(d: &[crate::diagnostic::Diagnostic], rule: crate::rule::RuleId) -> usize {
        problems(d).iter().filter(|r| **r == rule).count()
    }

    #[test]
    fn key_industry_warns_on_others() {
        let f = Fixture::new();
        let d = f.check(&good_plan().replace("[石化化工, 建材]", "[石化化工, 纺织服装]"));
        assert_eq!(n(&d, rule::SCOPE_KEY_INDUSTRY), 1);
        assert_eq!(n(&f.check(&good_plan()), rule::SCOPE_KEY_INDUSTRY), 0);
        let d = f.check(
            &good_plan()
                .replace("category: 2", "category: 1")
                .replace("industries: [石化化工, 建材]\n", ""),
        );
        assert_eq!(n(&d, rule::SCOPE_KEY_INDUSTRY), 1);
    }

    #[test]
    fn region_pollutants() {
        let f = Fixture::new();
        assert_eq!(
            n(
                &f.check(&region_plan("黄河流域", "[氨氮, 总磷]", "")),
                rule::SCOPE_REGION_POLLUTANTS
            ),
            0
        );
        // Self-chosen without the local-task declaration.
        let d = f.check(&region_plan("黄河", "[氨氮, COD]", ""));
        assert_eq!(n(&d, rule::SCOPE_REGION_POLLUTANTS), 1);
        // Declared as local key tasks: fine.
        let d = f.check(&region_plan(
            "黄河",
            "[氨氮, COD]",
            "pollutants_in_local_tasks: 是",
        ));
        assert_eq!(n(&d, rule::SCOPE_REGION_POLLUTANTS), 0);
        // Region's pollutants not chosen at all: warning.
        let d = f.check(&region_plan(
            "长三角地区",
            "[VOCs]",
            "pollutants_in_local_tasks: 是",
        ));
        assert_eq!(n(&d, rule::SCOPE_REGION_POLLUTANTS), 1);
        // No region at all.
        let d = f.check(&good_plan().replace("category: 2", "category: 3"));
        assert_eq!(n(&d, rule::SCOPE_REGION_POLLUTANTS), 1);
    }

    #[test]
    fn park_boundary() {
        let f = Fixture::new();
        assert_eq!(n(&f.check(&good_plan()), rule::SCOPE_PARK_BOUNDARY), 0);
        let no_boundary = good_plan().replace("  boundary: 东至滨河路，西至京港澳高速，南至纬五路，北至伏牛大道，规划面积18.6平方公里\n", "");
        assert_eq!(n(&f.check(&no_boundary), rule::SCOPE_PARK_BOUNDARY), 1);
        let crosses = good_plan().replace("crosses_prefecture: 否", "crosses_prefecture: 是");
        assert_eq!(n(&f.check(&crosses), rule::SCOPE_PARK_BOUNDARY), 1);
    }
}
