//! The voluntary cleaner-production audit documents of the Henan notice
//! (domain.md §5): the application form (申请表), the audit report (审核
//!报告) and the acceptance self-evaluation (验收自评报告). Their fields are
//! data (`src/call/presets/fields/voluntary.yaml`); this module reads them
//! into typed models.

use chrono::{DateTime, FixedOffset};

use super::fields::{Reader, Spanned};

/// The option class, as the notice names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionClass {
    /// 无/低费
    Low,
    /// 中/高费
    High,
}

impl OptionClass {
    /// The class as authors write it: 无/低费, 低/无费, 无低费, 低费方案,
    /// 中/高费, 高/中费, 中高费方案 …, full-width slashes and spaces allowed.
    pub fn parse(s: &str) -> Option<OptionClass> {
        let s: String = s
            .chars()
            .map(crate::text::fold_width)
            .filter(|c| !c.is_whitespace())
            .map(|c| {
                if matches!(c, '、' | '／' | '\\') {
                    '/'
                } else {
                    c
                }
            })
            .collect();
        let s = s.strip_suffix("方案").unwrap_or(&s);
        let s = s.strip_suffix("类").unwrap_or(s);
        match s.to_ascii_lowercase().as_str() {
            "无/低费" | "低/无费" | "无低费" | "低无费" | "无费" | "低费" | "无/低" | "低/无"
            | "low" => Some(OptionClass::Low),
            "中/高费" | "高/中费" | "中高费" | "高中费" | "中费" | "高费" | "中/高" | "高/中"
            | "high" => Some(OptionClass::High),
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

/// Where an option stands, as the report's summary table says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionStatus {
    /// 已实施
    Done,
    /// 实施中
    Underway,
    /// 计划实施
    Planned,
}

impl OptionStatus {
    /// The words authors use for each (已完成 is 已实施, 拟实施 is 计划实施).
    pub fn parse(s: &str) -> Option<OptionStatus> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        match s.as_str() {
            "已实施" | "已完成" | "完成" | "已实施完成" | "实施完成" | "已落实" => {
                Some(OptionStatus::Done)
            }
            "实施中" | "正在实施" | "在实施" | "部分实施" => {
                Some(OptionStatus::Underway)
            }
            "计划实施" | "拟实施" | "待实施" | "未实施" | "计划" | "尚未实施" => {
                Some(OptionStatus::Planned)
            }
            _ => None,
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
    /// The environmental benefit written as one text
    /// (`environmental_benefit: 节电约21万千瓦时/年`) rather than split
    /// into energy, water and pollutants.
    pub environmental: Option<Spanned<String>>,
    pub status: Option<Spanned<String>>,
}

impl CpOption {
    /// The environmental benefit as the summary table shows it: the text,
    /// or energy, water and pollutants joined.
    pub fn environmental_benefit(&self) -> String {
        [
            &self.environmental,
            &self.energy,
            &self.water,
            &self.pollutants,
        ]
        .into_iter()
        .filter_map(|v| v.as_ref().map(|x| x.value.clone()))
        .collect::<Vec<_>>()
        .join("；")
    }

    pub fn has_environmental_benefit(&self) -> bool {
        [
            &self.environmental,
            &self.energy,
            &self.water,
            &self.pollutants,
        ]
        .iter()
        .any(|v| v.is_some())
    }

    pub fn class(&self) -> Option<OptionClass> {
        self.class
            .as_ref()
            .and_then(|c| OptionClass::parse(&c.value))
    }

    /// Where the option stands, when its `status:` can be read.
    pub fn status(&self) -> Option<OptionStatus> {
        self.status
            .as_ref()
            .and_then(|s| OptionStatus::parse(&s.value))
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
    pub management: Management,
    pub date: Option<Spanned<DateTime<FixedOffset>>>,
}

/// A person who signs a report: name and title (职称 or 职务).
#[derive(Debug, Clone, Default)]
pub struct Signatory {
    pub name: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
}

impl Signatory {
    fn read(r: &mut Reader<'_>, path: &str) -> Signatory {
        Signatory {
            name: r.str(&format!("{path}.name")),
            title: r.str(&format!("{path}.title")),
        }
    }

    /// `张华（高级工程师）`, or the name alone.
    pub fn display(&self) -> Option<String> {
        let name = self.name.as_ref()?.value.trim();
        Some(match self.title.as_ref().map(|t| t.value.trim()) {
            Some(t) if !t.is_empty() => format!("{name}（{t}）"),
            _ => name.to_string(),
        })
    }
}

/// A report's cover and management information, as the provincial report
/// formats ask: who compiled it, its authors, reviewer and approver.
#[derive(Debug, Clone, Default)]
pub struct Management {
    pub compiled_by: Option<Spanned<String>>,
    pub authors: Vec<Signatory>,
    pub reviewer: Signatory,
    pub approver: Signatory,
}

impl Management {
    fn read(r: &mut Reader<'_>) -> Management {
        Management {
            compiled_by: r.str("compiled_by"),
            authors: (0..r.len("authors"))
                .map(|i| Signatory::read(r, &format!("authors[{i}]")))
                .collect(),
            reviewer: Signatory::read(r, "reviewer"),
            approver: Signatory::read(r, "approver"),
        }
    }
}

impl AuditMeta {
    pub fn read(r: &mut Reader<'_>) -> AuditMeta {
        for spec in super::DocKind::AuditReport.fields() {
            r.expect_shape(&spec.key, &spec.ty);
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
                // One text, or a map of energy, water and pollutants.
                let env = k("environmental_benefit");
                let environmental = match r.fm.get(&env) {
                    None | Some(serde_yaml::Value::Mapping(_) | serde_yaml::Value::Null) => None,
                    // A text is taken; a list or yes/no is reported.
                    Some(_) => r.str(&env),
                };
                CpOption {
                    environmental,
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
            management: Management::read(r),
            date: r.date("date", false),
        }
    }

    /// Whether every option's class can be read: until then, totals per
    /// class are not compared with the text (one bad `class:` would
    /// otherwise show as a wrong count and two wrong tables).
    pub fn classes_known(&self) -> bool {
        self.options.iter().all(|o| o.class().is_some())
    }

    /// Totals for one class (None: every option, whatever its class).
    pub fn totals(&self, class: Option<OptionClass>) -> Totals {
        let mut t = Totals::default();
        for o in &self.options {
            if class.is_some() && o.class() != class {
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
    pub management: Management,
    pub date: Option<Spanned<DateTime<FixedOffset>>>,
}

impl AcceptanceMeta {
    pub fn read(r: &mut Reader<'_>) -> AcceptanceMeta {
        for spec in super::DocKind::AcceptanceReport.fields() {
            r.expect_shape(&spec.key, &spec.ty);
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
            management: Management::read(r),
            date: r.date("date", false),
        }
    }
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
