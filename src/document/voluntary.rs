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
    /// The class as authors write it: the two words of a class in either
    /// order, each with or without its 费, joined by a slash, 、 or
    /// nothing, or one in brackets (无/低费, 低/无费, 无费/低费, 无（低）费,
    /// 无低费, 低费方案; 中/高费, 高费/中费, 中(高)费 …), full-width
    /// characters and spaces allowed; or one word alone with its 费 (低费).
    pub fn parse(s: &str) -> Option<OptionClass> {
        let s: String = s
            .chars()
            .map(crate::text::fold_width)
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        match s.as_str() {
            "low" => return Some(OptionClass::Low),
            "high" => return Some(OptionClass::High),
            _ => {}
        }
        let s = s.strip_suffix("方案").unwrap_or(&s);
        let s = s.strip_suffix("类").unwrap_or(s);
        let s = s.strip_suffix("型").unwrap_or(s);
        // What is left once the joints (slashes, 、, brackets, 和/或) and
        // 费 go: the class's words, each at most once.
        let fee = s.contains('费');
        let mut words: Vec<char> = Vec::new();
        for c in s.chars() {
            match c {
                '/' | '\\' | '、' | '(' | ')' | '|' | '或' | '和' | '及' | '与' | '费' => {}
                '无' | '低' | '中' | '高' if !words.contains(&c) => words.push(c),
                _ => return None,
            }
        }
        let low = words.iter().all(|c| matches!(c, '无' | '低'));
        let high = words.iter().all(|c| matches!(c, '中' | '高'));
        // One word needs its 费 (无 alone is “none”, not a class).
        if words.len() == 2 || (words.len() == 1 && fee) {
            if low {
                return Some(OptionClass::Low);
            }
            if high {
                return Some(OptionClass::High);
            }
        }
        None
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
    /// The words authors use for each: done (已实施, 已完成, 实施完毕,
    /// 已投运, 已投入使用, 已建成投运 …), underway (实施中, 正在建设,
    /// 建设中, 调试中 …) or planned (计划实施, 拟实施, 待实施 …). 已经 is
    /// 已, and a trailing note in brackets (已实施（2022年12月）) is kept
    /// in the text but not read.
    pub fn parse(s: &str) -> Option<OptionStatus> {
        let s: String = s
            .chars()
            .map(crate::text::fold_width)
            .filter(|c| !c.is_whitespace())
            .collect();
        let s = strip_trailing_note(&s).trim_end_matches(['.', '。']);
        let s = s.replacen("已经", "已", 1);
        // Done: 已 and a verb of completion, or a verb of completion
        // alone; what is done may be said in several ways.
        const DONE: [&str; 18] = [
            "实施",
            "完成",
            "实施完成",
            "实施完毕",
            "完毕",
            "落实",
            "投运",
            "投用",
            "投产",
            "投入使用",
            "投入运行",
            "建成",
            "建成投运",
            "建成投产",
            "建成使用",
            "完工",
            "改造完成",
            "运行",
        ];
        const DONE_ALONE: [&str; 6] = [
            "完成",
            "实施完成",
            "实施完毕",
            "投入使用",
            "投入运行",
            "建成投运",
        ];
        if s.strip_prefix('已').is_some_and(|v| DONE.contains(&v))
            || DONE_ALONE.contains(&s.as_str())
        {
            return Some(OptionStatus::Done);
        }
        match s.as_str() {
            "实施中" | "正在实施" | "在实施" | "部分实施" | "实施过程中" | "正在建设"
            | "建设中" | "在建" | "施工中" | "正在施工" | "安装中" | "正在安装" | "调试中"
            | "正在调试" => Some(OptionStatus::Underway),
            "计划实施" | "拟实施" | "待实施" | "未实施" | "计划" | "尚未实施" | "计划建设"
            | "拟建" | "待建" => Some(OptionStatus::Planned),
            // 拟于2023年实施, 计划2023年底前完成: a plan with its date.
            t if (t.starts_with("拟") || t.starts_with("计划"))
                && ["实施", "建设", "完成", "投运"]
                    .iter()
                    .any(|v| t.ends_with(v)) =>
            {
                Some(OptionStatus::Planned)
            }
            _ => None,
        }
    }
}

/// A text without its trailing note in brackets (`已实施(2022年12月)`,
/// width already folded): the text itself when there is no note or
/// nothing before it.
fn strip_trailing_note(s: &str) -> &str {
    match (s.strip_suffix(')'), s.rfind('(')) {
        (Some(_), Some(i)) if i > 0 => &s[..i],
        _ => s,
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
        for spec in crate::kinds::audit::KIND.fields() {
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
                experts: names(r.list("evaluation.experts")),
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
        for spec in crate::kinds::acceptance::KIND.fields() {
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
            experts: names(r.list("experts")),
            management: Management::read(r),
            date: r.date("date", false),
        }
    }
}

/// Titles written after a name with a space (张华 教授级高工): part of
/// that name, not a person.
const TITLES: [&str; 12] = [
    "教授",
    "高工",
    "工程师",
    "研究员",
    "博士",
    "主任",
    "院长",
    "所长",
    "总工",
    "经济师",
    "会计师",
    "专家",
];

/// The people of a list of names (an expert group): the list's items,
/// each line of an item a person (`experts: |` with a name a line); and
/// when that leaves a single item, its words separated by spaces
/// (ASCII or U+3000: `张华 李明 王强`) — a note in brackets (`张华
/// （教授级 高工）`) or a title (`张华 高工`) stays with its name, and a
/// split that leaves a word of one character or of Latin letters alone
/// (`王 强`, a name spaced to align) is not made.
fn names(items: Vec<Spanned<String>>) -> Vec<Spanned<String>> {
    let lines: Vec<Spanned<String>> = items
        .into_iter()
        .flat_map(|item| {
            item.value
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Spanned {
                    value: l.to_string(),
                    span: item.span.clone(),
                    key: item.key.clone(),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let [one] = lines.as_slice() else {
        return lines;
    };
    let mut words: Vec<String> = Vec::new();
    let mut depth = 0i32;
    let mut word = String::new();
    for c in one.value.chars() {
        match crate::text::fold_width(c) {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ => {}
        }
        if c.is_whitespace() && depth <= 0 {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut people: Vec<String> = Vec::new();
    for w in words {
        let note = w.starts_with(['(', '（', '[', '【']) || TITLES.iter().any(|t| w.ends_with(t));
        match people.last_mut() {
            Some(last) if note => {
                last.push(' ');
                last.push_str(&w);
            }
            _ => people.push(w),
        }
    }
    let names_alike = people
        .iter()
        .all(|p| p.chars().count() >= 2 && !p.is_ascii());
    if people.len() < 2 || !names_alike {
        return lines;
    }
    people
        .into_iter()
        .map(|p| Spanned {
            value: p,
            span: one.span.clone(),
            key: one.key.clone(),
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_classes_in_every_order_and_bracket() {
        for low in [
            "无/低费",
            "低/无费",
            "无费/低费",
            "低费/无费",
            "无（低）费",
            "无(低)费",
            "低（无）费",
            "无低费",
            "无、低费",
            "无费",
            "低费",
            "低费方案",
            "无／低费",
            "无/低",
            "low",
        ] {
            assert_eq!(OptionClass::parse(low), Some(OptionClass::Low), "{low}");
        }
        for high in [
            "中/高费",
            "高/中费",
            "中费/高费",
            "高费/中费",
            "中（高）费",
            "中(高)费",
            "中高费方案",
            "中费",
            "高费",
            "high",
        ] {
            assert_eq!(OptionClass::parse(high), Some(OptionClass::High), "{high}");
        }
        // Not a class: none, one word without its 费, the two mixed, a type.
        for bad in [
            "无",
            "低",
            "无/高费",
            "低/中费",
            "技术改造",
            "大额",
            "无低低费",
            "",
        ] {
            assert_eq!(OptionClass::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn statuses_as_authors_write_them() {
        use OptionStatus::*;
        for (s, want) in [
            ("已实施", Done),
            ("已投运", Done),
            ("已投入使用", Done),
            ("已建成投运", Done),
            ("实施完毕", Done),
            ("已实施完毕", Done),
            ("已经实施", Done),
            ("已实施（2022年12月）", Done),
            ("已完成 (2023.03)", Done),
            ("正在建设", Underway),
            ("建设中", Underway),
            ("调试中", Underway),
            ("拟实施", Planned),
            ("拟于2023年实施", Planned),
            ("计划2023年底前完成", Planned),
            ("计划实施（2024年）", Planned),
        ] {
            assert_eq!(OptionStatus::parse(s), Some(want), "{s}");
        }
        for s in ["未投运", "暂缓实施", "（2022年12月）", "已", "投运"] {
            assert_eq!(OptionStatus::parse(s), None, "{s}");
        }
    }

    fn people(items: &[&str]) -> Vec<String> {
        let items = items
            .iter()
            .map(|v| Spanned {
                value: v.to_string(),
                span: 0..0,
                key: 0..0,
            })
            .collect();
        names(items).into_iter().map(|p| p.value).collect()
    }

    #[test]
    fn names_split_at_spaces_and_lines_but_not_within_a_title() {
        assert_eq!(people(&["张华 李明 王强"]), ["张华", "李明", "王强"]);
        assert_eq!(people(&["张华\u{3000}李明\u{3000}王强"]).len(), 3);
        assert_eq!(people(&["张华\n李明\n王强\n"]).len(), 3);
        assert_eq!(
            people(&["张华（教授级 高工） 李明 高级工程师"]),
            ["张华（教授级 高工）", "李明 高级工程师"]
        );
        assert_eq!(people(&["张华 （教授） 李明"]), ["张华 （教授）", "李明"]);
        // A name spaced to align, and Latin names, stay whole.
        assert_eq!(people(&["王 强"]), ["王 强"]);
        assert_eq!(people(&["Zhang Hua"]), ["Zhang Hua"]);
        // Items separated otherwise keep their spaces.
        assert_eq!(people(&["张华 教授", "李明 高工"]).len(), 2);
    }
}
