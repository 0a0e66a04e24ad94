//! The voluntary cleaner-production audit documents of the Henan notice
//! (domain.md §5): the application form (申请表), the audit report (审核
//!报告) and the acceptance self-evaluation (验收自评报告). Their fields are
//! data, like the plan's: English keys, the notice's Chinese names as
//! aliases, a Chinese comment for the scaffold.

use chrono::{DateTime, FixedOffset};

use super::fields::{Reader, Spanned};
use super::schema::{FieldSpec, Ty, f};

/// The form in the notice's annex, field by field, in its order.
pub const FORM_FIELDS: &[FieldSpec] = &[
    f(
        "kind",
        &["类型", "文档类型"],
        Ty::Str,
        true,
        "文档类型：application-form 表示自愿性清洁生产审核申请表",
        "application-form",
    ),
    f(
        "enterprise",
        &["企业名称"],
        Ty::Str,
        true,
        "企业名称（与营业执照一致；打印后加盖公章）",
        "待补充",
    ),
    f(
        "address",
        &["注册地址"],
        Ty::Str,
        true,
        "注册地址",
        "待补充",
    ),
    f(
        "legal_representative",
        &["法定代表人"],
        Ty::Str,
        true,
        "法定代表人",
        "待补充",
    ),
    f(
        "uscc",
        &["社会统一信用代码", "统一社会信用代码", "信用代码"],
        Ty::Str,
        true,
        "统一社会信用代码（18位）",
        "\"待补充\"",
    ),
    f(
        "industry",
        &["所属行业"],
        Ty::Str,
        true,
        "所属行业（按照《国民经济行业分类》GB/T 4754），如 化学原料和化学制品制造业",
        "待补充",
    ),
    f(
        "industry_code",
        &["行业代码"],
        Ty::Str,
        true,
        "行业代码（GB/T 4754，工业为 06–46 大类，可写到小类，如 2614）",
        "\"待补充\"",
    ),
    f(
        "output_value",
        &["企业上一年工业产值", "上一年工业产值", "工业产值"],
        Ty::Str,
        true,
        "企业上一年工业产值（万元），只写数字",
        "\"\"",
    ),
    f(
        "energy_use",
        &["企业上一年用能总量", "上一年用能总量", "用能总量"],
        Ty::Str,
        true,
        "企业上一年用能总量（吨标煤），只写数字",
        "\"\"",
    ),
    f(
        "emissions",
        &[
            "企业上一年主要污染物排放量",
            "上一年主要污染物排放量",
            "主要污染物排放量",
        ],
        Ty::Str,
        true,
        "企业上一年主要污染物排放量，如 化学需氧量12.5吨、氨氮1.2吨",
        "待补充",
    ),
    f(
        "products",
        &["主要产品及产量"],
        Ty::Str,
        true,
        "主要产品及产量",
        "待补充",
    ),
    f("contact", &["联系人"], Ty::Str, true, "联系人", "待补充"),
    f(
        "position",
        &["职务"],
        Ty::Str,
        false,
        "联系人职务",
        "待补充",
    ),
    f(
        "mobile",
        &["手机"],
        Ty::Str,
        true,
        "联系人手机（11位）",
        "\"待补充\"",
    ),
    f(
        "email",
        &["邮箱", "电子邮箱"],
        Ty::Str,
        true,
        "联系人邮箱",
        "待补充",
    ),
    f(
        "eia_approved",
        &[
            "是否已通过环评和环境保护设施竣工验收",
            "已通过环评和竣工验收",
        ],
        Ty::Bool,
        true,
        "是否已通过环评和环境保护设施竣工验收：是/否",
        "是",
    ),
    f(
        "eia_number",
        &["环评和环境保护设施竣工验收批文号", "环评批文号"],
        Ty::Str,
        false,
        "环评和环境保护设施竣工验收批文号（上一项为“是”时必填）",
        "待补充",
    ),
    f(
        "has_permit",
        &["是否已获得排污许可证", "已获得排污许可证"],
        Ty::Bool,
        true,
        "是否已获得排污许可证：是/否",
        "是",
    ),
    f(
        "permit_number",
        &["排污许可证编号"],
        Ty::Str,
        false,
        "排污许可证编号（上一项为“是”时必填；通常以统一社会信用代码开头）",
        "\"待补充\"",
    ),
    f(
        "has_agency",
        &["是否已与第三方审核机构有合同意向", "已有第三方审核机构意向"],
        Ty::Bool,
        true,
        "是否已与第三方审核机构有合同意向：是/否",
        "否",
    ),
    f(
        "agency",
        &["有意向的第三方审核机构名称", "第三方审核机构名称"],
        Ty::Str,
        false,
        "有意向的第三方审核机构名称（上一项为“是”时必填）",
        "\"\"",
    ),
    f(
        "restructuring",
        &[
            "近两年内是否列入区县关停并转等结构调整计划",
            "是否列入关停并转计划",
        ],
        Ty::Bool,
        true,
        "近两年内是否列入区县关停并转等结构调整计划：是/否（“是”则不能申请）",
        "否",
    ),
    f(
        "mandatory_audit",
        &["是否已列入强制性清洁生产审核名单", "强制性审核"],
        Ty::Bool,
        false,
        "是否已列入强制性清洁生产审核名单：是/否（“是”则应开展强制性审核，不能申请自愿性审核）",
        "否",
    ),
    f("filled_by", &["填表人"], Ty::Str, true, "填表人", "待补充"),
    f(
        "filled_on",
        &["填表日期"],
        Ty::Date,
        true,
        "填表日期，如 2023-03-01",
        "待补充",
    ),
];

pub const ENTERPRISE_FIELDS: &[FieldSpec] = &[
    f(
        "name",
        &["企业名称", "名称"],
        Ty::Str,
        true,
        "企业名称",
        "待补充",
    ),
    f(
        "uscc",
        &["统一社会信用代码", "社会统一信用代码", "信用代码"],
        Ty::Str,
        true,
        "统一社会信用代码（18位）",
        "\"待补充\"",
    ),
    f(
        "industry",
        &["所属行业", "行业"],
        Ty::Str,
        true,
        "所属行业（GB/T 4754）",
        "待补充",
    ),
    f(
        "industry_code",
        &["行业代码"],
        Ty::Str,
        true,
        "行业代码（GB/T 4754，工业为 06–46 大类）",
        "\"待补充\"",
    ),
    f(
        "address",
        &["地址", "注册地址"],
        Ty::Str,
        false,
        "地址",
        "待补充",
    ),
    f(
        "legal_representative",
        &["法定代表人"],
        Ty::Str,
        false,
        "法定代表人",
        "待补充",
    ),
];

pub const MEMBER_FIELDS: &[FieldSpec] = &[
    f("name", &["姓名"], Ty::Str, true, "姓名", "待补充"),
    f(
        "role",
        &["职责", "分工"],
        Ty::Str,
        false,
        "在审核小组中的职责",
        "组长",
    ),
    f(
        "title",
        &["职称", "资格"],
        Ty::Str,
        false,
        "职称或资格",
        "高级工程师",
    ),
    f(
        "unit",
        &["单位"],
        Ty::Str,
        false,
        "所在单位（企业或咨询机构）",
        "待补充",
    ),
];

pub const AGENCY_FIELDS: &[FieldSpec] = &[
    f(
        "name",
        &["名称", "机构名称"],
        Ty::Str,
        true,
        "第三方服务机构名称",
        "待补充",
    ),
    f(
        "staff",
        &["专职技术人员", "专职技术人员数"],
        Ty::Str,
        true,
        "专职技术人员人数（不少于7人）",
        "\"\"",
    ),
    f(
        "senior",
        &["高级职称", "高级职称人数"],
        Ty::Str,
        true,
        "其中高级职称人数（不少于2人）",
        "\"\"",
    ),
    f(
        "intermediate",
        &["中级职称", "中级职称人数", "中级职称或注册资格人数"],
        Ty::Str,
        true,
        "中级职称（或注册能源、环境类资格）人数（不少于5人）",
        "\"\"",
    ),
    f(
        "industry_audits",
        &["本行业审核业绩", "服务行业审核数"],
        Ty::Str,
        false,
        "在所服务行业完成的清洁生产审核数（不少于3家，或相关咨询业绩不少于5项）",
        "\"\"",
    ),
    f(
        "related_jobs",
        &["相关咨询业绩", "相关业绩"],
        Ty::Str,
        false,
        "环评、能源审计、能评、能源规划等相关咨询业绩项数",
        "\"\"",
    ),
];

pub const PERIOD_FIELDS: &[FieldSpec] = &[
    f(
        "start",
        &["开始", "起"],
        Ty::Date,
        true,
        "审核开始日期",
        "\"\"",
    ),
    f(
        "end",
        &["结束", "止"],
        Ty::Date,
        true,
        "审核结束日期",
        "\"\"",
    ),
];

pub const EVALUATION_FIELDS: &[FieldSpec] = &[
    f(
        "experts",
        &["专家组", "专家"],
        Ty::StrList,
        false,
        "评估专家组成员（不少于3人），如 [张三, 李四, 王五]",
        "[]",
    ),
    f(
        "date",
        &["日期", "评估日期"],
        Ty::Date,
        false,
        "评估日期",
        "\"\"",
    ),
    f(
        "result",
        &["结论", "评估结论"],
        Ty::Str,
        false,
        "评估结论：通过 / 不通过",
        "\"\"",
    ),
];

pub const BENEFIT_FIELDS: &[FieldSpec] = &[
    f(
        "energy",
        &["节能", "节能量"],
        Ty::Str,
        false,
        "年节能量，如 120吨标煤/年",
        "\"\"",
    ),
    f(
        "water",
        &["节水", "节水量"],
        Ty::Str,
        false,
        "年节水量，如 3000立方米/年",
        "\"\"",
    ),
    f(
        "pollutants",
        &["减排", "污染物减排"],
        Ty::Str,
        false,
        "年污染物减排量，如 化学需氧量2.1吨/年",
        "\"\"",
    ),
];

pub const OPTION_FIELDS: &[FieldSpec] = &[
    f(
        "name",
        &["名称", "方案名称"],
        Ty::Str,
        true,
        "方案名称",
        "待补充",
    ),
    f(
        "class",
        &["类别", "方案类别"],
        Ty::Str,
        false,
        "无/低费 或 中/高费",
        "无/低费",
    ),
    f(
        "investment",
        &["投资", "投资额"],
        Ty::Str,
        false,
        "投资（万元），只写数字",
        "0",
    ),
    f(
        "economic_benefit",
        &["经济效益"],
        Ty::Str,
        false,
        "年经济效益（万元/年），只写数字",
        "0",
    ),
    f(
        "environmental_benefit",
        &["环境效益"],
        Ty::Map(BENEFIT_FIELDS),
        false,
        "环境效益",
        "",
    ),
    f(
        "status",
        &["实施状态", "状态"],
        Ty::Str,
        false,
        "实施状态：已实施 / 实施中 / 计划实施",
        "计划实施",
    ),
];

pub const AUDIT_FIELDS: &[FieldSpec] = &[
    f(
        "kind",
        &["类型", "文档类型"],
        Ty::Str,
        true,
        "文档类型：audit-report 表示清洁生产审核报告",
        "audit-report",
    ),
    f(
        "title",
        &["报告名称", "名称"],
        Ty::Str,
        true,
        "报告名称，印在封面上",
        "待补充",
    ),
    f(
        "enterprise",
        &["企业"],
        Ty::Map(ENTERPRISE_FIELDS),
        true,
        "企业基本信息",
        "",
    ),
    f(
        "team",
        &["审核小组"],
        Ty::Items(MEMBER_FIELDS),
        false,
        "审核小组成员",
        "",
    ),
    f(
        "agency",
        &["第三方服务机构", "咨询机构"],
        Ty::Map(AGENCY_FIELDS),
        false,
        "第三方服务机构及其能力（没有委托机构可删去）",
        "",
    ),
    f(
        "period",
        &["审核期间", "审核时间"],
        Ty::Map(PERIOD_FIELDS),
        true,
        "审核期间",
        "",
    ),
    f(
        "evaluation",
        &["评估", "评估情况"],
        Ty::Map(EVALUATION_FIELDS),
        false,
        "专家评估情况（评估后填写）",
        "",
    ),
    f(
        "options",
        &["清洁生产方案", "方案"],
        Ty::Items(OPTION_FIELDS),
        true,
        "清洁生产方案，每个方案一项",
        "",
    ),
    f(
        "date",
        &["编制日期", "日期"],
        Ty::Date,
        true,
        "报告编制日期",
        "待补充",
    ),
];

pub const INDICATOR_FIELDS: &[FieldSpec] = &[
    f(
        "name",
        &["指标", "名称"],
        Ty::Str,
        true,
        "指标名称，如 单位产品综合能耗",
        "待补充",
    ),
    f("unit", &["单位"], Ty::Str, false, "单位", "\"\""),
    f(
        "before",
        &["审核前", "实施前"],
        Ty::Str,
        true,
        "方案实施前的数值",
        "待补充",
    ),
    f(
        "after",
        &["审核后", "实施后"],
        Ty::Str,
        true,
        "方案实施后的数值",
        "待补充",
    ),
];

pub const REPORT_FIELDS: &[FieldSpec] = &[
    f(
        "title",
        &["名称"],
        Ty::Str,
        true,
        "报告名称，如 节能审计报告、环境监测报告、在线监测数据",
        "待补充",
    ),
    f(
        "issuer",
        &["出具单位", "机构"],
        Ty::Str,
        false,
        "出具报告的有资质机构",
        "待补充",
    ),
    f(
        "file",
        &["文件", "路径"],
        Ty::Str,
        false,
        "报告文件（PDF 或图片）相对项目根目录的路径",
        "attachments/监测报告.pdf",
    ),
];

pub const ACCEPTANCE_FIELDS: &[FieldSpec] = &[
    f(
        "kind",
        &["类型", "文档类型"],
        Ty::Str,
        true,
        "文档类型：acceptance-report 表示清洁生产审核验收自评报告",
        "acceptance-report",
    ),
    f(
        "title",
        &["报告名称", "名称"],
        Ty::Str,
        true,
        "报告名称，印在封面上",
        "待补充",
    ),
    f(
        "enterprise",
        &["企业"],
        Ty::Map(ENTERPRISE_FIELDS),
        true,
        "企业基本信息",
        "",
    ),
    f(
        "evaluation_date",
        &["评估日期", "审核评估日期"],
        Ty::Date,
        false,
        "审核报告通过评估的日期",
        "\"\"",
    ),
    f(
        "implemented",
        &["已实施方案"],
        Ty::StrList,
        true,
        "已实施的清洁生产方案名称，如 [余热回收, 中水回用]",
        "[]",
    ),
    f(
        "indicators",
        &["实施前后指标", "指标"],
        Ty::Items(INDICATOR_FIELDS),
        true,
        "方案实施前后的主要指标",
        "",
    ),
    f(
        "reports",
        &["监测报告", "节能报告", "证明材料"],
        Ty::Items(REPORT_FIELDS),
        true,
        "有资质机构出具的节能审计报告、环境监测报告或在线监测数据",
        "",
    ),
    f(
        "experts",
        &["验收专家组", "专家组"],
        Ty::StrList,
        false,
        "验收专家组成员（不少于3人）",
        "[]",
    ),
    f(
        "date",
        &["编制日期", "日期"],
        Ty::Date,
        true,
        "报告编制日期",
        "待补充",
    ),
];

/// The option class, as the notice names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionClass {
    /// 无/低费
    Low,
    /// 中/高费
    High,
}

impl OptionClass {
    pub fn parse(s: &str) -> Option<OptionClass> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        match s.as_str() {
            "无/低费" | "无低费" | "无费" | "低费" | "无/低" | "low" => {
                Some(OptionClass::Low)
            }
            "中/高费" | "中高费" | "中费" | "高费" | "中/高" | "high" => {
                Some(OptionClass::High)
            }
            _ => None,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            OptionClass::Low => "无/低费",
            OptionClass::High => "中/高费",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Enterprise {
    pub name: Option<Spanned<String>>,
    pub uscc: Option<Spanned<String>>,
    pub industry: Option<Spanned<String>>,
    pub industry_code: Option<Spanned<String>>,
    pub address: Option<Spanned<String>>,
    pub legal_representative: Option<Spanned<String>>,
}

impl Enterprise {
    fn read(r: &mut Reader<'_>, base: &str) -> Enterprise {
        let p = |k: &str| format!("{base}.{k}");
        Enterprise {
            name: r.str(&p("name")),
            uscc: r.str(&p("uscc")),
            industry: r.str(&p("industry")),
            industry_code: r.str(&p("industry_code")),
            address: r.str(&p("address")),
            legal_representative: r.str(&p("legal_representative")),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct FormMeta {
    pub enterprise: Enterprise,
    pub output_value: Option<Spanned<f64>>,
    pub energy_use: Option<Spanned<f64>>,
    pub emissions: Option<Spanned<String>>,
    pub products: Option<Spanned<String>>,
    pub contact: Option<Spanned<String>>,
    pub position: Option<Spanned<String>>,
    pub mobile: Option<Spanned<String>>,
    pub email: Option<Spanned<String>>,
    pub eia_approved: Option<Spanned<bool>>,
    pub eia_number: Option<Spanned<String>>,
    pub has_permit: Option<Spanned<bool>>,
    pub permit_number: Option<Spanned<String>>,
    pub has_agency: Option<Spanned<bool>>,
    pub agency: Option<Spanned<String>>,
    pub restructuring: Option<Spanned<bool>>,
    pub mandatory_audit: Option<Spanned<bool>>,
    pub filled_by: Option<Spanned<String>>,
    pub filled_on: Option<Spanned<DateTime<FixedOffset>>>,
}

impl FormMeta {
    pub fn read(r: &mut Reader<'_>) -> FormMeta {
        FormMeta {
            enterprise: Enterprise {
                name: r.str("enterprise"),
                uscc: r.str("uscc"),
                industry: r.str("industry"),
                industry_code: r.str("industry_code"),
                address: r.str("address"),
                legal_representative: r.str("legal_representative"),
            },
            output_value: r.num("output_value"),
            energy_use: r.num("energy_use"),
            emissions: r.str("emissions"),
            products: r.str("products"),
            contact: r.str("contact"),
            position: r.str("position"),
            mobile: r.str("mobile"),
            email: r.str("email"),
            eia_approved: r.bool("eia_approved"),
            eia_number: r.str("eia_number"),
            has_permit: r.bool("has_permit"),
            permit_number: r.str("permit_number"),
            has_agency: r.bool("has_agency"),
            agency: r.str("agency"),
            restructuring: r.bool("restructuring"),
            mandatory_audit: r.bool("mandatory_audit"),
            filled_by: r.str("filled_by"),
            filled_on: r.date("filled_on", false),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Agency {
    pub name: Option<Spanned<String>>,
    pub staff: Option<Spanned<f64>>,
    pub senior: Option<Spanned<f64>>,
    pub intermediate: Option<Spanned<f64>>,
    pub industry_audits: Option<Spanned<f64>>,
    pub related_jobs: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub experts: Vec<Spanned<String>>,
    pub date: Option<Spanned<DateTime<FixedOffset>>>,
    pub result: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct CpOption {
    /// `options[i]`, for diagnostics.
    pub path: String,
    pub name: Option<Spanned<String>>,
    pub class: Option<Spanned<String>>,
    pub investment: Option<Spanned<f64>>,
    pub economic_benefit: Option<Spanned<f64>>,
    pub energy: Option<Spanned<String>>,
    pub water: Option<Spanned<String>>,
    pub pollutants: Option<Spanned<String>>,
    pub status: Option<Spanned<String>>,
}

impl CpOption {
    pub fn class(&self) -> Option<OptionClass> {
        self.class
            .as_ref()
            .and_then(|c| OptionClass::parse(&c.value))
    }
}

/// Totals of the options, per class and overall.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub count: usize,
    pub investment: f64,
    pub economic_benefit: f64,
}

#[derive(Debug, Clone, Default)]
pub struct AuditMeta {
    pub title: Option<Spanned<String>>,
    pub enterprise: Enterprise,
    pub team: Vec<Spanned<String>>,
    pub agency: Option<Agency>,
    pub period_start: Option<Spanned<DateTime<FixedOffset>>>,
    pub period_end: Option<Spanned<DateTime<FixedOffset>>>,
    pub evaluation: Evaluation,
    pub options: Vec<CpOption>,
    pub date: Option<Spanned<DateTime<FixedOffset>>>,
}

impl AuditMeta {
    pub fn read(r: &mut Reader<'_>) -> AuditMeta {
        for spec in AUDIT_FIELDS {
            r.expect_shape(spec.key, spec.ty);
        }
        let team = (0..r.len("team"))
            .filter_map(|i| r.str(&format!("team[{i}].name")))
            .collect();
        let agency = r.fm.has("agency").then(|| Agency {
            name: r.str("agency.name"),
            staff: r.num("agency.staff"),
            senior: r.num("agency.senior"),
            intermediate: r.num("agency.intermediate"),
            industry_audits: r.num("agency.industry_audits"),
            related_jobs: r.num("agency.related_jobs"),
        });
        let options = (0..r.len("options"))
            .map(|i| {
                let p = format!("options[{i}]");
                let k = |key: &str| format!("{p}.{key}");
                CpOption {
                    name: r.str(&k("name")),
                    class: r.str(&k("class")),
                    investment: r.num(&k("investment")),
                    economic_benefit: r.num(&k("economic_benefit")),
                    energy: r.str(&k("environmental_benefit.energy")),
                    water: r.str(&k("environmental_benefit.water")),
                    pollutants: r.str(&k("environmental_benefit.pollutants")),
                    status: r.str(&k("status")),
                    path: p,
                }
            })
            .collect();
        AuditMeta {
            title: r.str("title"),
            enterprise: Enterprise::read(r, "enterprise"),
            team,
            agency,
            period_start: r.date("period.start", false),
            period_end: r.date("period.end", true),
            evaluation: Evaluation {
                experts: r.list("evaluation.experts"),
                date: r.date("evaluation.date", false),
                result: r.str("evaluation.result"),
            },
            options,
            date: r.date("date", false),
        }
    }

    /// Totals for one class (None: all options with a known class).
    pub fn totals(&self, class: Option<OptionClass>) -> Totals {
        let mut t = Totals::default();
        for o in &self.options {
            let c = o.class();
            if c.is_none() || (class.is_some() && c != class) {
                continue;
            }
            t.count += 1;
            t.investment += o.investment.as_ref().map_or(0.0, |v| v.value);
            t.economic_benefit += o.economic_benefit.as_ref().map_or(0.0, |v| v.value);
        }
        t
    }
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub path: String,
    pub name: Option<Spanned<String>>,
    pub unit: Option<Spanned<String>>,
    pub before: Option<Spanned<String>>,
    pub after: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct SupportingReport {
    pub path: String,
    pub title: Option<Spanned<String>>,
    pub issuer: Option<Spanned<String>>,
    pub file: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct AcceptanceMeta {
    pub title: Option<Spanned<String>>,
    pub enterprise: Enterprise,
    pub evaluation_date: Option<Spanned<DateTime<FixedOffset>>>,
    pub implemented: Vec<Spanned<String>>,
    pub indicators: Vec<Indicator>,
    pub reports: Vec<SupportingReport>,
    pub experts: Vec<Spanned<String>>,
    pub date: Option<Spanned<DateTime<FixedOffset>>>,
}

impl AcceptanceMeta {
    pub fn read(r: &mut Reader<'_>) -> AcceptanceMeta {
        for spec in ACCEPTANCE_FIELDS {
            r.expect_shape(spec.key, spec.ty);
        }
        let indicators = (0..r.len("indicators"))
            .map(|i| {
                let p = format!("indicators[{i}]");
                Indicator {
                    name: r.str(&format!("{p}.name")),
                    unit: r.str(&format!("{p}.unit")),
                    before: r.str(&format!("{p}.before")),
                    after: r.str(&format!("{p}.after")),
                    path: p,
                }
            })
            .collect();
        let reports = (0..r.len("reports"))
            .map(|i| {
                let p = format!("reports[{i}]");
                SupportingReport {
                    title: r.str(&format!("{p}.title")),
                    issuer: r.str(&format!("{p}.issuer")),
                    file: r.str(&format!("{p}.file")),
                    path: p,
                }
            })
            .collect();
        AcceptanceMeta {
            title: r.str("title"),
            enterprise: Enterprise::read(r, "enterprise"),
            evaluation_date: r.date("evaluation_date", false),
            implemented: r.list("implemented"),
            indicators,
            reports,
            experts: r.list("experts"),
            date: r.date("date", false),
        }
    }
}

/// A table shenbao computes from a report's fields: printed after the
/// report's body and shown on its page in the site.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SummaryTable {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// How many of the last rows are totals (printed in bold).
    pub totals: usize,
    /// Columns aligned right (0-based).
    pub numeric: Vec<usize>,
}

pub fn date_zh(d: &DateTime<FixedOffset>) -> String {
    d.with_timezone(&crate::call::beijing())
        .format("%Y年%-m月%-d日")
        .to_string()
}

/// 12, 12.5, 0.25: no trailing zeros.
pub fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl AuditMeta {
    /// The options summary with the totals shenbao computes.
    pub fn summary_tables(&self) -> Vec<SummaryTable> {
        let r = self;
        if r.options.is_empty() {
            return Vec::new();
        }
        let s =
            |v: &Option<Spanned<String>>| v.as_ref().map_or_else(String::new, |x| x.value.clone());
        let n = |v: &Option<Spanned<f64>>| v.as_ref().map_or_else(String::new, |x| number(x.value));
        let mut rows: Vec<Vec<String>> = r
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let env: Vec<String> = [&o.energy, &o.water, &o.pollutants]
                    .into_iter()
                    .filter_map(|v| v.as_ref().map(|x| x.value.clone()))
                    .collect();
                vec![
                    (i + 1).to_string(),
                    s(&o.name),
                    o.class()
                        .map_or_else(|| s(&o.class), |c| c.name_zh().to_string()),
                    n(&o.investment),
                    n(&o.economic_benefit),
                    env.join("；"),
                    s(&o.status),
                ]
            })
            .collect();
        for (label, class) in [
            ("无/低费小计", Some(OptionClass::Low)),
            ("中/高费小计", Some(OptionClass::High)),
            ("合计", None),
        ] {
            let t = r.totals(class);
            rows.push(vec![
                String::new(),
                label.to_string(),
                format!("{} 项", t.count),
                number(t.investment),
                number(t.economic_benefit),
                String::new(),
                String::new(),
            ]);
        }
        vec![SummaryTable {
            title: "清洁生产方案汇总表".to_string(),
            header: [
                "序号",
                "方案名称",
                "类别",
                "投资（万元）",
                "经济效益（万元/年）",
                "环境效益",
                "实施状态",
            ]
            .map(str::to_string)
            .to_vec(),
            rows,
            totals: 3,
            numeric: vec![3, 4],
        }]
    }
}

impl AcceptanceMeta {
    /// The indicators before and after, and the supporting reports.
    pub fn summary_tables(&self) -> Vec<SummaryTable> {
        let r = self;
        let s =
            |v: &Option<Spanned<String>>| v.as_ref().map_or_else(String::new, |x| x.value.clone());
        let mut out = Vec::new();
        if !r.indicators.is_empty() {
            out.push(SummaryTable {
                title: "方案实施前后主要指标对比表".to_string(),
                header: ["序号", "指标", "单位", "实施前", "实施后"]
                    .map(str::to_string)
                    .to_vec(),
                rows: r
                    .indicators
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        vec![
                            (i + 1).to_string(),
                            s(&x.name),
                            s(&x.unit),
                            s(&x.before),
                            s(&x.after),
                        ]
                    })
                    .collect(),
                totals: 0,
                numeric: vec![3, 4],
            });
        }
        if !r.reports.is_empty() {
            out.push(SummaryTable {
                title: "证明材料清单".to_string(),
                header: ["序号", "名称", "出具单位"].map(str::to_string).to_vec(),
                rows: r
                    .reports
                    .iter()
                    .enumerate()
                    .map(|(i, x)| vec![(i + 1).to_string(), s(&x.title), s(&x.issuer)])
                    .collect(),
                totals: 0,
                numeric: Vec::new(),
            });
        }
        out
    }
}

/// An audit or acceptance report's cover data and computed tables.
pub struct ReportView<'a> {
    pub enterprise: &'a Enterprise,
    pub title: Option<&'a Spanned<String>>,
    pub date: Option<&'a Spanned<DateTime<FixedOffset>>>,
    pub tables: Vec<SummaryTable>,
}

/// One row of the application form, as the annex lays it out.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FormRow {
    /// A label and a value across the other three columns.
    Wide { label: &'static str, value: String },
    /// Two label-value pairs.
    Pair {
        label: &'static str,
        value: String,
        label2: &'static str,
        value2: String,
    },
    /// A yes/no question (None: not answered).
    #[serde(rename = "yesno")]
    YesNo {
        label: &'static str,
        answer: Option<bool>,
    },
}

/// The form's rows in the annex's order, with the annex's labels.
pub fn form_rows(f: &FormMeta) -> Vec<FormRow> {
    let s = |v: &Option<Spanned<String>>| v.as_ref().map_or_else(String::new, |x| x.value.clone());
    let n = |v: &Option<Spanned<f64>>| v.as_ref().map_or_else(String::new, |x| number(x.value));
    let yes = |v: &Option<Spanned<bool>>| v.as_ref().map(|b| b.value);
    let e = &f.enterprise;
    let wide = |label, value| FormRow::Wide { label, value };
    let pair = |label, value, label2, value2| FormRow::Pair {
        label,
        value,
        label2,
        value2,
    };
    let yesno = |label, answer| FormRow::YesNo { label, answer };
    vec![
        wide("企业名称（加盖公章）", s(&e.name)),
        wide("注册地址", s(&e.address)),
        pair(
            "法定代表人",
            s(&e.legal_representative),
            "社会统一信用代码",
            s(&e.uscc),
        ),
        pair(
            "所属行业（按照《国民经济行业分类》）",
            s(&e.industry),
            "行业代码",
            s(&e.industry_code),
        ),
        pair(
            "企业上一年工业产值（万元）",
            n(&f.output_value),
            "企业上一年用能总量（吨标煤）",
            n(&f.energy_use),
        ),
        wide("企业上一年主要污染物排放量", s(&f.emissions)),
        wide("主要产品及产量", s(&f.products)),
        pair("联系人", s(&f.contact), "职务", s(&f.position)),
        pair("手机", s(&f.mobile), "邮箱", s(&f.email)),
        yesno(
            "企业是否已通过当地环保部门组织的环评和环境保护设施竣工验收",
            yes(&f.eia_approved),
        ),
        wide("环评和环境保护设施竣工验收批文号", s(&f.eia_number)),
        yesno("企业是否已获得排污许可证", yes(&f.has_permit)),
        wide("排污许可证编号", s(&f.permit_number)),
        yesno("企业是否已与第三方审核机构有合同意向", yes(&f.has_agency)),
        wide("有意向的第三方审核机构名称", s(&f.agency)),
        yesno(
            "近两年内是否列入区县关停并转等结构调整计划",
            yes(&f.restructuring),
        ),
    ]
}
