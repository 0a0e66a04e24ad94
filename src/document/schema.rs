//! Front-matter fields as data: canonical English key, accepted Chinese
//! names, type, whether required, and the Chinese comment the scaffold
//! writes above each field.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Str,
    Bool,
    /// A list of short texts; a single text separated by 、，, also works.
    StrList,
    Date,
    Map(&'static [FieldSpec]),
    /// A list of maps.
    Items(&'static [FieldSpec]),
    /// Free keys (milestone ids) with dates as values.
    DateMap,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub key: &'static str,
    pub zh: &'static [&'static str],
    pub ty: Ty,
    pub required: bool,
    /// Chinese explanation, written as a comment by `shenbao new`.
    pub comment: &'static str,
    /// Value the scaffold writes (YAML text).
    pub example: &'static str,
}

pub(crate) const fn f(
    key: &'static str,
    zh: &'static [&'static str],
    ty: Ty,
    required: bool,
    comment: &'static str,
    example: &'static str,
) -> FieldSpec {
    FieldSpec {
        key,
        zh,
        ty,
        required,
        comment,
        example,
    }
}

pub const KIND_KEYS: &[&str] = &["kind", "类型", "文档类型"];

pub const PARK_FIELDS: &[FieldSpec] = &[
    f(
        "name",
        &["园区名称", "名称"],
        Ty::Str,
        false,
        "园区或产业集群名称",
        "待补充",
    ),
    f(
        "boundary",
        &["园区边界", "边界", "四至范围"],
        Ty::Str,
        false,
        "明确的园区边界（四至范围、面积）；类别2必填",
        "待补充",
    ),
    f(
        "crosses_prefecture",
        &["是否跨地市", "跨地市"],
        Ty::Bool,
        false,
        "园区是否跨地市行政区域（原则上不跨）：是/否",
        "否",
    ),
    f(
        "management_body",
        &["管理机构", "组织管理机构"],
        Ty::Str,
        false,
        "园区组织管理机构",
        "待补充",
    ),
];

pub const ELIGIBILITY_FIELDS: &[FieldSpec] = &[
    f(
        "no_major_violation",
        &[
            "三年内无重大环境违法事件",
            "3年内无重大环境违法事件",
            "无重大环境违法",
        ],
        Ty::Bool,
        false,
        "试点对象所在区域3年内未发生重大环境违法事件：是/否",
        "是",
    ),
    f(
        "managers",
        &["清洁生产管理人员", "管理人员"],
        Ty::Str,
        false,
        "清洁生产管理人员（机构、人数）",
        "待补充",
    ),
    f(
        "rules",
        &["管理制度", "管理制度和机制"],
        Ty::Str,
        false,
        "清洁生产管理制度和机制安排",
        "待补充",
    ),
    f(
        "funding_source",
        &["资金来源", "资金支持来源"],
        Ty::Str,
        false,
        "明确的资金支持来源",
        "待补充",
    ),
];

pub const CONTACT_FIELDS: &[FieldSpec] = &[
    f("name", &["姓名"], Ty::Str, true, "联系人姓名", "待补充"),
    f("position", &["职务"], Ty::Str, false, "职务", "待补充"),
    f(
        "phone",
        &["电话", "手机", "联系电话"],
        Ty::Str,
        true,
        "手机（11位）或座机（如 0371-66309308）",
        "\"待补充\"",
    ),
    f(
        "email",
        &["邮箱", "电子邮箱"],
        Ty::Str,
        true,
        "电子邮箱",
        "待补充",
    ),
];

pub const ATTACHMENT_FIELDS: &[FieldSpec] = &[
    f(
        "type",
        &["类型"],
        Ty::Str,
        false,
        "recommendation-letter（省级推荐函）或 other（其他附件）",
        "recommendation-letter",
    ),
    f(
        "file",
        &["文件", "路径"],
        Ty::Str,
        true,
        "相对项目根目录的文件路径（PDF 或图片），不能在项目之外",
        "attachments/推荐函.pdf",
    ),
    f(
        "title",
        &["名称", "标题"],
        Ty::Str,
        false,
        "附件名称，印在目录和书签中",
        "河南省清洁生产审核创新试点项目推荐函",
    ),
];

pub const PLAN_FIELDS: &[FieldSpec] = &[
    f(
        "kind",
        &["类型", "文档类型"],
        Ty::Str,
        true,
        "文档类型：pilot-plan 表示试点实施方案",
        "pilot-plan",
    ),
    f(
        "title",
        &["项目名称", "名称"],
        Ty::Str,
        true,
        "项目名称（用于封面和邮件题目）",
        "待补充",
    ),
    f(
        "applicant",
        &["申报单位", "申报主体"],
        Ty::Str,
        true,
        "申报单位全称",
        "待补充",
    ),
    f(
        "applicant_type",
        &["申报主体类型", "主体类型", "申报单位类型"],
        Ty::Str,
        true,
        "申报主体类型：市（县、区）政府 / 市级政府组成部门 / 园区管委会",
        "园区管委会",
    ),
    f(
        "implementer",
        &["实施主体", "实施单位"],
        Ty::Str,
        true,
        "实施主体，须与申报单位为同一主体",
        "待补充",
    ),
    f(
        "category",
        &["试点类别", "类别", "试点内容"],
        Ty::Str,
        true,
        "试点类别：1 重点行业 / 2 工业园区（产业集群）/ 3 重点区域和流域",
        "2",
    ),
    f(
        "province",
        &["省份", "所在省份"],
        Ty::Str,
        true,
        "所在省份（每省推荐不超过5个）",
        "河南省",
    ),
    f(
        "city",
        &["市县", "所在地", "所在市县", "地区"],
        Ty::Str,
        true,
        "所在市（县、区）",
        "待补充",
    ),
    f(
        "industries",
        &["重点行业", "涉及行业", "行业"],
        Ty::StrList,
        false,
        "涉及的重点行业，如 [石化化工, 建材]",
        "[]",
    ),
    f(
        "region",
        &["区域流域", "重点区域或流域", "区域", "流域"],
        Ty::Str,
        false,
        "类别3：重点区域（京津冀及周边、汾渭平原、长三角地区、珠三角地区、成渝地区）或流域（长江、黄河）",
        "\"\"",
    ),
    f(
        "pollutants",
        &["特征污染物", "污染物"],
        Ty::StrList,
        false,
        "类别3：特征污染物，如 [PM2.5, O3] 或 [氨氮, 磷]",
        "[]",
    ),
    f(
        "pollutants_in_local_tasks",
        &["自选污染物已纳入地方重点工作任务", "已纳入地方重点工作任务"],
        Ty::Bool,
        false,
        "自行选取的特征污染物减排工作是否已纳入地方重点工作任务：是/否",
        "否",
    ),
    f(
        "park",
        &["园区"],
        Ty::Map(PARK_FIELDS),
        false,
        "类别2：园区或产业集群",
        "",
    ),
    f(
        "eligibility",
        &["申报条件"],
        Ty::Map(ELIGIBILITY_FIELDS),
        false,
        "申报条件（通知 一、（四））",
        "",
    ),
    f(
        "contact",
        &["联系人"],
        Ty::Map(CONTACT_FIELDS),
        true,
        "联系人",
        "",
    ),
    f(
        "version",
        &["版本"],
        Ty::Str,
        true,
        "方案版本，报送时为“送审版”",
        "送审版",
    ),
    f(
        "date",
        &["编制日期", "日期"],
        Ty::Date,
        true,
        "编制日期，如 2022-06-20",
        "待补充",
    ),
    f(
        "submissions",
        &["计划报送", "计划报送时间"],
        Ty::DateMap,
        false,
        "计划报送时间，键为节点（henan-email、henan-post、national-post、national-email）",
        "",
    ),
    f(
        "attachments",
        &["附件"],
        Ty::Items(ATTACHMENT_FIELDS),
        false,
        "附件清单（省级推荐函等），按顺序装订在方案之后",
        "",
    ),
];

/// Find a field by canonical key or Chinese name.
pub fn find<'a>(specs: &'a [FieldSpec], key: &str) -> Option<&'a FieldSpec> {
    let k = key.trim();
    specs
        .iter()
        .find(|s| s.key.eq_ignore_ascii_case(k) || s.zh.contains(&k))
}

/// Every name a field may be written with, for “did you mean”.
pub fn all_names(specs: &[FieldSpec]) -> Vec<&'static str> {
    specs
        .iter()
        .flat_map(|s| std::iter::once(s.key).chain(s.zh.iter().copied()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_unique_within_a_map() {
        for specs in [
            PLAN_FIELDS,
            PARK_FIELDS,
            ELIGIBILITY_FIELDS,
            CONTACT_FIELDS,
            ATTACHMENT_FIELDS,
        ] {
            let names = all_names(specs);
            let mut seen = std::collections::HashSet::new();
            for n in names {
                assert!(seen.insert(n), "{n} is used twice");
            }
        }
    }

    #[test]
    fn finds_by_english_and_chinese() {
        assert_eq!(find(PLAN_FIELDS, "项目名称").unwrap().key, "title");
        assert_eq!(find(PLAN_FIELDS, "Title").unwrap().key, "title");
        assert!(find(PLAN_FIELDS, "nothing").is_none());
    }
}
