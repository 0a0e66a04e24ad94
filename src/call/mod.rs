//! The notice as data: a call definition holds the outline, categories,
//! industries, regions, applicant types, quota, milestones and package
//! limits. Shipped presets are embedded; a project may bring its own file.

pub mod industry;
pub mod spec;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use serde::{Deserialize, Serialize};
use serde_yaml::Value as Yaml;

use crate::text::normalize_title;

/// Beijing time, the zone of every date in the notices.
pub fn beijing() -> FixedOffset {
    // 8 hours is always a valid offset.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

pub const PRESETS: &[(&str, &str)] =
    &[("cn-2022-pilot", include_str!("presets/cn-2022-pilot.yaml"))];

pub const DEFAULT_PRESET: &str = "cn-2022-pilot";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub issuer: String,
    pub year: i32,
    pub document_kind: String,
    pub document_name: String,
    /// The province whose notice the call includes (the 2022 preset:
    /// Henan's): a new plan's `province` is written with it.
    #[serde(default)]
    pub province: Option<String>,
    #[serde(default)]
    pub required_version: Option<String>,
    pub outline: Vec<OutlineEntry>,
    pub categories: Vec<Category>,
    pub key_industries: Vec<String>,
    #[serde(default)]
    pub regions: Vec<Region>,
    #[serde(default)]
    pub pollutant_aliases: BTreeMap<String, Vec<String>>,
    pub applicant_types: Vec<ApplicantType>,
    pub quota_per_province: usize,
    /// The call's dates; a call that states none gets `deadline/unknown`.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// How long the pilot runs, when the call says (a plan's schedule is
    /// checked against it).
    #[serde(default)]
    pub pilot_period: Option<PilotPeriod>,
    pub package: Package,
    #[serde(default)]
    pub placeholders: Vec<String>,
    #[serde(default)]
    pub review_points: Vec<ReviewStage>,
    /// The voluntary-audit notice's facts (Henan 2018 unless the call
    /// file gives its own `voluntary:` section).
    #[serde(default = "Voluntary::builtin")]
    pub voluntary: Voluntary,
    /// Credit codes the project records as published with a wrong check
    /// character (from `shenbao.yaml`, not the call file): the call as
    /// this project answers it.
    #[serde(skip)]
    pub waivers: Vec<CreditCodeWaiver>,
}

/// A unified social credit code that government documents or the
/// licence itself publish with a wrong check character: `form/uscc`
/// reports it as info, with the reason, instead of as an error.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CreditCodeWaiver {
    #[serde(alias = "统一社会信用代码", alias = "信用代码")]
    pub credit_code: String,
    #[serde(alias = "理由", alias = "原因")]
    pub reason: String,
}

impl CreditCodeWaiver {
    /// The code folded as `form/uscc` reads it (full width, lower case).
    pub fn folded(code: &str) -> String {
        code.trim()
            .chars()
            .map(|c| crate::text::fold_width(c).to_ascii_uppercase())
            .collect()
    }
}

/// The voluntary cleaner-production audit notice as data: what the
/// `form/*` and `audit/*` rules and the yearly dates check against.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Voluntary {
    pub notice: String,
    pub authority: String,
    /// The province the notice covers: an enterprise registered elsewhere
    /// (credit-code region digits) gets a warning.
    #[serde(default)]
    pub province: Option<String>,
    pub report_sections: Vec<OutlineEntry>,
    pub stages: Vec<Mention>,
    pub balances: Vec<Mention>,
    /// Veto items of the provincial acceptance scoring a report must show
    /// (审核重点, a quantified 清洁生产目标): errors when missing.
    #[serde(default)]
    pub vetoes: Vec<Veto>,
    /// Which way an acceptance indicator should move.
    #[serde(default)]
    pub indicator_direction: IndicatorDirection,
    pub agency: AgencyMinimums,
    pub min_experts: usize,
    pub reaudit_years: u32,
    pub reaudit_warn_months: u32,
    /// Month-day, e.g. `03-15`.
    pub list_due: String,
    pub list_what: String,
    pub acceptance_due: String,
    pub acceptance_what: String,
}

/// Words in an indicator's name that say it is better higher (水重复利用率)
/// or better lower (单位产品综合能耗, 排放浓度).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDirection {
    #[serde(default)]
    pub higher: Vec<String>,
    #[serde(default)]
    pub lower: Vec<String>,
}

impl IndicatorDirection {
    /// `Some(true)` when the indicator named `name` is better higher,
    /// `Some(false)` when better lower, `None` when the words do not say.
    /// When words of both lists stand in the name, the one that ends last
    /// decides (a Chinese compound ends with its head: 能耗降低率 is a
    /// rate of reduction, better higher), and of those ending at the same
    /// place the longer (产品不合格率 is 不合格率, better lower, not 合格率).
    /// A note in brackets after the name (水重复利用率（含冷却耗水）) is
    /// not the name.
    pub fn higher_is_better(&self, name: &str) -> Option<bool> {
        let name = match name.find(['（', '(']) {
            Some(i) if i > 0 => &name[..i],
            _ => name,
        };
        let lists = [(true, &self.higher), (false, &self.lower)];
        lists
            .iter()
            .flat_map(|(higher, words)| {
                words.iter().filter(|w| !w.is_empty()).flat_map(move |w| {
                    name.match_indices(w.as_str())
                        .map(move |(i, _)| (i + w.len(), w.len(), *higher))
                })
            })
            .max_by_key(|&(end, len, higher)| (end, len, higher))
            .map(|(_, _, higher)| higher)
    }
}

/// Something a report must write about, and the words that show it did.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Mention {
    pub name: String,
    pub words: Vec<String>,
}

/// A veto item: words that show it, and whether a figure must stand in
/// the same sentence (a target is a number, not an intention).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Veto {
    pub name: String,
    pub words: Vec<String>,
    /// Words that show the report speaks of the item in a way the checker
    /// may not read (重点 alone; 目标 alone): without `words`, a warning
    /// rather than an error.
    #[serde(default)]
    pub hints: Vec<String>,
    #[serde(default)]
    pub quantified: bool,
    pub help: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyMinimums {
    pub staff: f64,
    pub senior: f64,
    pub intermediate: f64,
    pub industry_audits: f64,
    pub related_jobs: f64,
}

pub const VOLUNTARY_PRESET: &str = include_str!("presets/henan-2018-voluntary.yaml");

impl Voluntary {
    /// The shipped Henan 2018 notice.
    pub fn builtin() -> Voluntary {
        static BUILTIN: std::sync::OnceLock<Voluntary> = std::sync::OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                // The embedded file is checked by a unit test; a broken
                // build of it is a bug, not user input.
                serde_yaml::from_str(VOLUNTARY_PRESET).expect("embedded voluntary preset parses")
            })
            .clone()
    }

    /// A month-day field as (month, day).
    pub fn month_day(s: &str) -> Option<(u32, u32)> {
        let (m, d) = s.trim().split_once('-')?;
        let (m, d) = (m.parse().ok()?, d.parse().ok()?);
        NaiveDate::from_ymd_opt(2024, m, d).map(|_| (m, d))
    }

    /// The first yearly `due` (`MM-DD`, end of the day, Beijing time) on or
    /// after `from`.
    pub fn next_due(due: &str, from: &DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
        let (month, day) = Voluntary::month_day(due)?;
        let local = from.with_timezone(&beijing());
        // (29 February comes back within four years.)
        for year in local.year()..=local.year() + 4 {
            let Some(d) =
                NaiveDate::from_ymd_opt(year, month, day).and_then(|d| d.and_hms_opt(23, 59, 59))
            else {
                continue;
            };
            let due = beijing().from_local_datetime(&d).single()?;
            if due >= local {
                return Some(due);
            }
        }
        None
    }

    /// The notice as the site names it: 自愿性清洁生产审核（豫工信办节〔2018〕24号）.
    pub fn title(&self) -> String {
        if self.notice.is_empty() {
            "自愿性清洁生产审核".to_string()
        } else {
            format!("自愿性清洁生产审核（{}）", self.notice)
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutlineEntry {
    pub title: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub min_chars: usize,
    #[serde(default)]
    pub guidance: String,
    #[serde(default)]
    pub children: Vec<OutlineEntry>,
    /// Chapters that cover this part in documents organised another way
    /// (an audit report by audit stage): any one set whose titles all
    /// stand as headings covers it.
    #[serde(default)]
    pub covered_by: Vec<Vec<String>>,
}

impl OutlineEntry {
    /// Normalised forms of the title and every alias.
    pub fn names(&self) -> impl Iterator<Item = String> + '_ {
        std::iter::once(&self.title)
            .chain(self.aliases.iter())
            .map(|s| normalize_title(s))
    }
}

/// What a category's plan must state besides the common fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Key industries (`industries`).
    Industry,
    /// A park or industry cluster (`park`: boundary, management body).
    Park,
    /// A region or basin and its pollutants (`region`, `pollutants`).
    Region,
    /// Nothing beyond the common fields.
    General,
}

impl Scope {
    /// What a plan of this scope must write, for the skeleton.
    pub fn needs_zh(self) -> &'static str {
        match self {
            Scope::Industry => "须写 industries（重点行业）",
            Scope::Park => "须写 park（园区边界、管理机构、是否跨地市）",
            Scope::Region => "须写 region（区域或流域）和 pollutants（特征污染物）",
            Scope::General => "",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: u32,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub scope: Scope,
    /// What a plan of this category writes about, shown in the skeleton.
    #[serde(default)]
    pub guidance: String,
}

impl Category {
    /// The ways the notice itself names the category, normalised: its
    /// full name (工业园区（产业集群）清洁生产整体审核创新), the name
    /// without “清洁生产” or the closing “创新” (工业园区（产业集群）整体审核),
    /// and what comes before “清洁生产”, by which the notice lists the
    /// categories (工业园区（产业集群）, 重点区域和流域).
    pub fn notice_names(&self) -> Vec<String> {
        let full = normalize_title(&self.name);
        let mut out = vec![full.clone()];
        let core = full.strip_suffix("创新").unwrap_or(&full).to_string();
        out.push(core.clone());
        for name in [full.as_str(), core.as_str()] {
            if let Some((stem, rest)) = name.split_once("清洁生产")
                && stem.chars().count() >= 2
            {
                out.push(stem.to_string());
                if !rest.is_empty() {
                    out.push(format!("{stem}{rest}"));
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// A pollutant's spelling for comparison: full-width forms and subscript
/// digits folded, spaces dropped, lower case (`臭氧（O₃）` → `臭氧(o3)`).
fn pollutant_key(s: &str) -> String {
    s.chars()
        .map(crate::text::fold_width)
        .map(|c| match c {
            '\u{2080}'..='\u{2089}' => char::from_u32(c as u32 - 0x2080 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// (year, month), ordered as time.
pub type YearMonth = (i32, u32);

/// The pilot period a call sets: fixed months (`start`, `end`, written
/// `2022-09` or `2022-09-01`), a duration in months, or both. The plan's
/// schedule (its sections named in `sections`) must fall inside it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PilotPeriod {
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
    #[serde(default)]
    pub months: Option<u32>,
    /// Words in the titles of the sections that hold the schedule.
    #[serde(default = "PilotPeriod::default_sections")]
    pub sections: Vec<String>,
    /// The notice's own words, quoted in messages.
    #[serde(default)]
    pub text: String,
}

impl PilotPeriod {
    fn default_sections() -> Vec<String> {
        ["实施计划", "进度安排", "时间安排", "工作计划"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// A month as `2022-09`, `2022-09-01` or `2022年9月`: (year, month).
    pub fn month(s: &str) -> Option<YearMonth> {
        let s = s.trim();
        let parts: Vec<&str> = s
            .split(['-', '/', '.', '年', '月', '日'])
            .filter(|p| !p.is_empty())
            .collect();
        let (y, m) = match parts.as_slice() {
            [y, m] | [y, m, _] => (y.parse().ok()?, m.parse().ok()?),
            _ => return None,
        };
        (Call::YEARS.contains(&y) && (1..=12).contains(&m)).then_some((y, m))
    }

    /// The first and last month of the period, where the call fixes them
    /// (an end follows from a start and a duration).
    pub fn bounds(&self) -> (Option<YearMonth>, Option<YearMonth>) {
        let start = self.start.as_deref().and_then(PilotPeriod::month);
        let end = self
            .end
            .as_deref()
            .and_then(PilotPeriod::month)
            .or_else(|| {
                let (y, m) = start?;
                let months = self.months?.checked_sub(1)?;
                let idx = y as i64 * 12 + (m as i64 - 1) + months as i64;
                Some(((idx / 12) as i32, (idx % 12) as u32 + 1))
            });
        (start, end)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionKind {
    Region,
    Basin,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub kind: RegionKind,
    pub industries: Vec<String>,
    pub pollutants: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicantType {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Words an applicant's name of this type usually contains.
    #[serde(default)]
    pub name_hints: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Post,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub id: String,
    pub name: String,
    /// `MM-DD`, `MM-DD HH:MM` (Beijing time, follows the call's year) or a
    /// full RFC 3339 date-time (fixed).
    pub due: String,
    pub what: String,
    pub to: String,
    pub channel: Channel,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub copies: u32,
    #[serde(default)]
    pub bound: bool,
    /// What this stage's e-mail package holds (`plan`,
    /// `recommendation-letter`); empty means `package.includes`. For a
    /// paper stage: what is printed and sent.
    #[serde(default)]
    pub includes: Vec<String>,
    /// This stage's e-mail subject, when it differs from
    /// `package.subject`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub limit_bytes: u64,
    pub warn_bytes: u64,
    pub subject: String,
    #[serde(default)]
    pub includes: Vec<String>,
}

impl Package {
    /// What a package may hold: the plan's PDF, its recommendation letters.
    pub const INCLUDES: &'static [&'static str] = &["plan", "recommendation-letter"];
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewStage {
    pub stage: String,
    pub items: Vec<ReviewItem>,
}

/// A review point; `rules` are the rule-id prefixes that check it. An item
/// without rules is for the experts to judge.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum ReviewItem {
    Name(String),
    Checked { name: String, rules: Vec<String> },
}

impl ReviewItem {
    pub fn name(&self) -> &str {
        match self {
            ReviewItem::Name(n) | ReviewItem::Checked { name: n, .. } => n,
        }
    }

    pub fn rules(&self) -> &[String] {
        match self {
            ReviewItem::Name(_) => &[],
            ReviewItem::Checked { rules, .. } => rules,
        }
    }
}

/// `over` merged onto `base`: maps key by key (recursively), anything
/// else (lists included) replaced whole.
pub fn merge(base: Yaml, over: Yaml) -> Yaml {
    match (base, over) {
        (Yaml::Mapping(mut b), Yaml::Mapping(o)) => {
            for (k, v) in o {
                let merged = match b.remove(&k) {
                    Some(old) => merge(old, v),
                    None => v,
                };
                b.insert(k, merged);
            }
            Yaml::Mapping(b)
        }
        (_, over) => over,
    }
}

/// The line (1-based) where `key: value` stands in `text` (the first
/// `key:` line holding the value), else where `key:` first stands.
fn value_line(text: &str, key: &str, value: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start().trim_start_matches("- ");
            t.starts_with(&format!("{key}:")) && l.contains(value.trim())
        })
        .map(|l| l + 1)
        .or_else(|| key_line(text, key))
}

/// What the spec finds wrong in a call's value.
enum SpecProblem {
    /// A key the spec does not know: it, its place, the keys allowed.
    Unknown(String, String, Vec<String>),
    /// A list item (lists are never merged) without a key it must state:
    /// the item's place and name, and the key's node.
    Missing(String, String, Box<spec::Node>),
}

/// The first key of `value` the spec does not know, or the first list
/// item without a key the spec marks required (an outline entry without
/// `min_chars`), as `spec` describes the value.
fn spec_problem(
    value: &Yaml,
    nodes: &[spec::Node],
    root: &[spec::Node],
    here: &str,
    prefix: &str,
    place: &str,
) -> Option<SpecProblem> {
    let Yaml::Mapping(m) = value else { return None };
    for (k, v) in m {
        let Some(k) = k.as_str() else { continue };
        let Some(node) = nodes.iter().find(|n| n.key == k) else {
            let allowed = nodes.iter().map(|n| n.key.clone()).collect();
            return Some(SpecProblem::Unknown(
                k.to_string(),
                place.to_string(),
                allowed,
            ));
        };
        let node = spec::resolve(node, root, here);
        let path = if place.is_empty() {
            k.to_string()
        } else {
            format!("{place} 的 {k}")
        };
        // The dotted path the spec knows it by (`voluntary.stages`).
        let spec_path = if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        };
        match (node.ty, v) {
            (spec::Ty::Object, Yaml::Mapping(_)) => {
                if let Some(u) = spec_problem(v, &node.fields, root, here, &spec_path, &path) {
                    return Some(u);
                }
            }
            (spec::Ty::List, Yaml::Sequence(items)) => {
                let Some(item) = node.item.as_deref() else {
                    continue;
                };
                let home = if item.ty == spec::Ty::SelfRef {
                    here
                } else {
                    &spec_path
                };
                let item = spec::resolve(item, root, home);
                let item = if item.ty == spec::Ty::OneOf {
                    match item.options.iter().find(|o| o.ty == spec::Ty::Object) {
                        Some(o) => std::borrow::Cow::Owned(o.clone()),
                        None => continue,
                    }
                } else {
                    item
                };
                if item.ty != spec::Ty::Object {
                    continue;
                }
                for (i, it) in items.iter().enumerate() {
                    let at = format!("{path} 第 {} 项", i + 1);
                    if let Some(u) = spec_problem(it, &item.fields, root, home, &spec_path, &at) {
                        return Some(u);
                    }
                    if let Some(f) = item
                        .fields
                        .iter()
                        .find(|f| f.required && it.is_mapping() && it.get(f.key.as_str()).is_none())
                    {
                        let name = ["title", "name", "id", "stage"]
                            .iter()
                            .find_map(|k| it.get(*k).and_then(Yaml::as_str))
                            .unwrap_or("")
                            .to_string();
                        return Some(SpecProblem::Missing(at, name, Box::new(f.clone())));
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// The line (1-based) where `key:` first stands in `text`.
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start().trim_start_matches("- ");
            t.starts_with(&format!("{key}:"))
        })
        .map(|l| l + 1)
}

/// Error in a call definition, with the YAML location when known.
#[derive(Debug, Clone)]
pub struct CallError {
    pub message: String,
    /// What to do, when known (the fields allowed where one was unknown).
    pub help: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl CallError {
    pub fn new(message: String) -> CallError {
        CallError {
            message,
            help: None,
            line: None,
            column: None,
        }
    }
}

impl Call {
    pub fn preset(id: &str) -> Option<Result<Call, CallError>> {
        PRESETS
            .iter()
            .find(|(pid, _)| *pid == id)
            .map(|(_, text)| Call::from_yaml(text))
    }

    /// A call file's text; `extends:` may name only a preset.
    pub fn from_yaml(text: &str) -> Result<Call, CallError> {
        Call::load(text, &|spec| {
            Err(CallError::new(format!(
                "extends 只能写内置预设（{}）：“{spec}”不是",
                PRESETS.iter().map(|p| p.0).collect::<Vec<_>>().join("、")
            )))
        })
    }

    /// A call file's text; `extends:` names a preset, or a file whose
    /// text `file` gives (the project resolves and reads it). What a file
    /// that extends nothing leaves out is refused, never defaulted away.
    pub fn load(
        text: &str,
        file: &dyn Fn(&str) -> Result<String, CallError>,
    ) -> Result<Call, CallError> {
        let mut seen = Vec::new();
        let (value, extends) = Call::merged_value(text, file, &mut seen)?;
        let mut value = value;
        // A partial `voluntary:` section keeps the shipped facts it does
        // not state.
        if let Yaml::Mapping(m) = &mut value
            && let Some(v) = m.get_mut("voluntary")
            && v.is_mapping()
        {
            let builtin = serde_yaml::to_value(Voluntary::builtin())
                .map_err(|e| CallError::new(format!("内置自愿性审核通知无法读取：{e}")))?;
            *v = merge(builtin, std::mem::take(v));
        }
        // A typo first: it is why a part seems missing (`extend:`,
        // `min_char:`), and a merged value has no lines of its own.
        match spec_problem(&value, spec::call(), spec::call(), "", "", "") {
            Some(SpecProblem::Unknown(key, place, allowed)) => {
                let hint = crate::text::closest(&key, allowed.iter().map(String::as_str))
                    .map_or_else(String::new, |c| format!("是否想写 {c}？"));
                let place = if place.is_empty() {
                    String::new()
                } else {
                    format!("（在 {place} 中）")
                };
                let line = key_line(text, &key);
                let column = line.and_then(|l| text.lines().nth(l - 1)).and_then(|l| {
                    l.find(&format!("{key}:"))
                        .map(|i| l[..i].chars().count() + 1)
                });
                return Err(CallError {
                    message: format!("不认识的字段“{key}”{place}"),
                    help: Some(format!("{hint}此处可用的字段：{}", allowed.join("、"))),
                    line,
                    column,
                });
            }
            Some(SpecProblem::Missing(place, name, node)) => {
                let named = if name.is_empty() {
                    String::new()
                } else {
                    format!("“{name}”")
                };
                let example = node
                    .example
                    .as_ref()
                    .map_or_else(String::new, |e| format!(" {}", spec::flow(e)));
                return Err(CallError {
                    message: format!("{place}{named}没有写 {}（{}）", node.key, node.title),
                    help: Some(format!(
                        "{}。在这一项下加 `{}:{example}`（列表整体替换，不从底稿继承）",
                        node.description, node.key
                    )),
                    line: (!name.is_empty())
                        .then(|| {
                            text.lines()
                                .position(|l| l.contains(':') && l.contains(name.as_str()))
                                .map(|l| l + 1)
                        })
                        .flatten(),
                    column: None,
                });
            }
            None => {}
        }
        Call::required_parts(&value, text, extends.as_deref())?;
        let call: Call = serde_yaml::from_value(value).map_err(|e| {
            // serde read straight from the text says where, and the
            // field's place (`categories[1]`); a merged value cannot.
            if extends.is_none()
                && let Err(e) = serde_yaml::from_str::<Call>(text)
            {
                let (message, help) = yaml_error_zh(&e);
                return CallError {
                    message,
                    help,
                    line: e.location().map(|l| l.line()),
                    column: e.location().map(|l| l.column()),
                };
            }
            let (message, help) = yaml_error_zh(&e);
            // The first line of this file that names the field, or
            // holds the value.
            let field = message.split(['“', '”']).nth(1).unwrap_or("").to_string();
            let line = (!field.is_empty())
                .then(|| {
                    key_line(text, &field)
                        .or_else(|| text.lines().position(|l| l.contains(&field)).map(|l| l + 1))
                })
                .flatten();
            CallError {
                message,
                help,
                line,
                column: None,
            }
        })?;
        call.validate(text)?;
        Ok(call)
    }

    /// The file's value with what it `extends` merged under it, and the
    /// name it extends.
    fn merged_value(
        text: &str,
        file: &dyn Fn(&str) -> Result<String, CallError>,
        seen: &mut Vec<String>,
    ) -> Result<(Yaml, Option<String>), CallError> {
        if let Err(e) = crate::frontmatter::check_bounds(text) {
            let (line, column) = crate::frontmatter::line_col(text, e.at);
            return Err(CallError {
                message: format!("{}，不予解析", e.message),
                help: None,
                line: Some(line),
                column: Some(column),
            });
        }
        let mut value: Yaml = serde_yaml::from_str(text).map_err(|e| {
            let (message, help) = yaml_error_zh(&e);
            CallError {
                message,
                help,
                line: e.location().map(|l| l.line()),
                column: e.location().map(|l| l.column()),
            }
        })?;
        let Some(map) = value.as_mapping_mut() else {
            return Ok((value, None));
        };
        let Some(spec) = map.remove("extends") else {
            return Ok((value, None));
        };
        let line = key_line(text, "extends");
        let Some(spec) = spec.as_str().map(|s| s.trim().to_string()) else {
            return Err(CallError {
                line,
                ..CallError::new(
                    "extends 应写一个预设名或文件路径，如 extends: cn-2022-pilot".into(),
                )
            });
        };
        if seen.contains(&spec) || seen.len() >= 8 {
            return Err(CallError {
                line,
                ..CallError::new(format!(
                    "extends 形成了循环或过深的继承：{} → {spec}",
                    seen.join(" → ")
                ))
            });
        }
        seen.push(spec.clone());
        let base_text = match PRESETS.iter().find(|(id, _)| *id == spec) {
            Some((_, t)) => t.to_string(),
            None => file(&spec).map_err(|e| CallError { line, ..e })?,
        };
        let (base, _) = Call::merged_value(&base_text, file, seen).map_err(|e| CallError {
            message: format!("继承的通知“{spec}”有误：{}", e.message),
            line,
            column: None,
            ..e
        })?;
        Ok((merge(base, value), Some(spec)))
    }

    /// Refuse a file that leaves out a part the call needs (nothing is
    /// switched off by omission): the keys `call-spec.yaml` marks
    /// required at the top and in merged sections (list items are held
    /// to theirs by [`spec_problem`]).
    fn required_parts(value: &Yaml, text: &str, extends: Option<&str>) -> Result<(), CallError> {
        let how_extend = |part: &str| match extends {
            Some(_) => String::new(),
            None => format!("；或在文件开头写 extends: {DEFAULT_PRESET}，沿用内置通知的 {part}"),
        };
        for (path, node) in spec::required_top(spec::call()) {
            let mut at = Some(value);
            let mut parent_line = Some(1);
            let keys: Vec<&str> = path.split('.').collect();
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    parent_line = key_line(text, keys[i - 1]).or(parent_line);
                }
                at = at.and_then(|v| v.get(*key));
            }
            if at.is_none_or(Yaml::is_null) {
                let example = node
                    .example
                    .as_ref()
                    .map_or_else(String::new, |e| format!(" {}", spec::flow(e)));
                return Err(CallError {
                    message: format!("通知文件缺少 {path}（{}）", node.title),
                    help: Some(format!(
                        "{}。加上 `{}:{example}`{}",
                        node.description,
                        keys.last().unwrap_or(&""),
                        how_extend(&path)
                    )),
                    line: parent_line,
                    column: Some(1),
                });
            }
        }
        Ok(())
    }

    fn validate(&self, text: &str) -> Result<(), CallError> {
        let err = |m: String| CallError {
            message: m,
            help: None,
            line: None,
            column: None,
        };
        // The line where `key:` first stands, for a message about it.
        let at = |key: &str, e: CallError| CallError {
            line: key_line(text, key),
            column: Some(1),
            ..e
        };
        if self.outline.is_empty() {
            return Err(err("outline 不能为空".into()));
        }
        for m in &self.milestones {
            if Due::parse(&m.due).is_none() {
                return Err(CallError {
                    message: format!("节点 {} 的 due 无法识别：{}", m.id, m.due),
                    help: Some(
                        "写作 \"06-30 18:00\" 或 \"06-30\"（月-日，北京时间，年份随 year），或完整的 2023-06-30T18:00:00+08:00"
                            .into(),
                    ),
                    line: value_line(text, "due", &m.due),
                    column: None,
                });
            }
        }
        for (name, v) in [
            ("voluntary.list_due", &self.voluntary.list_due),
            ("voluntary.acceptance_due", &self.voluntary.acceptance_due),
        ] {
            Voluntary::month_day(v)
                .ok_or_else(|| err(format!("{name} 应写成“月-日”，如 03-15：{v}")))?;
        }
        // A package that holds nothing would be written as an empty zip:
        // what it holds must be said, in names shenbao knows.
        let known = Package::INCLUDES.join("、");
        if self.package.includes.is_empty() {
            let mut e = at(
                "package",
                err("package.includes 为空：邮件压缩包中没有任何文件".into()),
            );
            e.help = Some(format!(
                "在 package: 下写 includes: [plan, recommendation-letter]（可用的有 {known}）"
            ));
            return Err(e);
        }
        for (place, list) in
            std::iter::once(("package.includes".to_string(), &self.package.includes)).chain(
                self.milestones
                    .iter()
                    .map(|m| (format!("节点 {} 的 includes", m.id), &m.includes)),
            )
        {
            if let Some(bad) = list
                .iter()
                .find(|i| !Package::INCLUDES.contains(&i.as_str()))
            {
                let mut e = at(
                    "includes",
                    err(format!("{place} 中的“{bad}”不是可打包的内容")),
                );
                e.help = Some(format!(
                    "可用的有 {known}（plan 是实施方案的 PDF，recommendation-letter 是推荐函）"
                ));
                return Err(e);
            }
        }
        check_subject("package.subject", &self.package.subject).map_err(|e| at("subject", e))?;
        for m in &self.milestones {
            if let Some(subject) = &m.subject {
                check_subject(&format!("节点 {} 的 subject", m.id), subject).map_err(|e| {
                    CallError {
                        line: value_line(text, "subject", subject),
                        column: Some(1),
                        ..e
                    }
                })?;
            }
        }
        if self.package.warn_bytes > self.package.limit_bytes {
            return Err(err("package.warn_bytes 不能大于 limit_bytes".into()));
        }
        if let Some(p) = &self.pilot_period {
            let help =
                "写成 start: 2022-09、end: 2023-08（或 2022-09-01），或写 months: 12（试点期月数）";
            for (key, v) in [("start", &p.start), ("end", &p.end)] {
                if let Some(v) = v
                    && PilotPeriod::month(v).is_none()
                {
                    let mut e = at(key, err(format!("pilot_period.{key} 无法识别：{v}")));
                    e.help = Some(help.into());
                    return Err(e);
                }
            }
            if p.start.is_none() && p.end.is_none() && p.months.is_none() {
                let mut e = at(
                    "pilot_period",
                    err("pilot_period 至少要写 start/end 或 months 之一".into()),
                );
                e.help = Some(help.into());
                return Err(e);
            }
            if p.months == Some(0) {
                return Err(at("months", err("pilot_period.months 不能为 0".into())));
            }
            if let (Some(s), Some(e)) = p.bounds()
                && e < s
            {
                return Err(at("end", err("pilot_period 的 end 早于 start".into())));
            }
            // start, end and months together must agree.
            if let (Some(s), Some(e), Some(months)) = (
                p.start.as_deref().and_then(PilotPeriod::month),
                p.end.as_deref().and_then(PilotPeriod::month),
                p.months,
            ) {
                let span = (e.0 - s.0) * 12 + e.1 as i32 - s.1 as i32 + 1;
                if span != months as i32 {
                    let mut e = at(
                        "months",
                        err(format!(
                            "pilot_period 的 start 到 end 是 {span} 个月，与 months: {months} 不一致"
                        )),
                    );
                    e.help = Some("只写 start 和 end，或只写 start 和 months".into());
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// The years a call, a date or `year:` may name: anything else is a
    /// typing mistake (`-2022`, `20222`).
    pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

    /// Move month-day milestones to another year.
    pub fn with_year(mut self, year: i32) -> Call {
        self.year = year;
        self
    }

    pub fn due(&self, m: &Milestone) -> Option<DateTime<FixedOffset>> {
        Due::parse(&m.due).and_then(|d| d.resolve(self.year))
    }

    pub fn category(&self, input: &str) -> Option<&Category> {
        // A number is an id exactly: `-1` is not category 1.
        let t = input.trim();
        if t.parse::<i64>().is_ok() || t.parse::<f64>().is_ok() {
            return self.categories.iter().find(|c| c.id.to_string() == t);
        }
        let n = normalize_title(input);
        self.categories.iter().find(|c| {
            c.id.to_string() == n
                || c.notice_names().contains(&n)
                || c.aliases.iter().any(|a| normalize_title(a) == n)
        })
    }

    pub fn applicant_type(&self, input: &str) -> Option<&ApplicantType> {
        let n = normalize_title(input);
        self.applicant_types.iter().find(|t| {
            t.id == input.trim()
                || normalize_title(&t.name) == n
                || t.aliases.iter().any(|a| normalize_title(a) == n)
        })
    }

    pub fn region(&self, input: &str) -> Option<&Region> {
        let n = normalize_title(input);
        self.regions.iter().find(|r| {
            normalize_title(&r.name) == n || r.aliases.iter().any(|a| normalize_title(a) == n)
        })
    }

    /// Canonical name of a pollutant (`臭氧` → `O3`), or the input trimmed.
    /// Spellings are compared with full-width letters, digits and brackets
    /// and subscript digits folded (`Ｏ₃` is `O3`); a pollutant written as
    /// name and formula (`细颗粒物（PM2.5）`, `NH3-N（氨氮）`) is known when
    /// either part is.
    pub fn canonical_pollutant(&self, input: &str) -> String {
        let t = input.trim();
        let key = pollutant_key(t);
        let known = |k: &str| {
            self.pollutant_aliases.iter().find_map(|(canon, aliases)| {
                (pollutant_key(canon) == k || aliases.iter().any(|a| pollutant_key(a) == k))
                    .then(|| canon.clone())
            })
        };
        if let Some(c) = known(&key) {
            return c;
        }
        // name(formula): the part outside the brackets, then inside.
        if let Some((name, rest)) = key.split_once('(')
            && let Some(formula) = rest.strip_suffix(')')
            && let Some(c) = known(name.trim()).or_else(|| known(formula.trim()))
        {
            return c;
        }
        t.to_string()
    }

    /// What a stage's package holds: its own `includes`, or the
    /// package's.
    pub fn includes_at<'a>(&'a self, stage: Option<&'a Milestone>) -> &'a [String] {
        match stage {
            Some(m) if !m.includes.is_empty() => &m.includes,
            _ => &self.package.includes,
        }
    }

    /// What a milestone sends: an e-mail stage's package (its own
    /// `includes`, or the package's); a paper stage's own `includes`.
    pub fn includes_of<'a>(&'a self, m: &'a Milestone) -> &'a [String] {
        match m.channel {
            Channel::Email => self.includes_at(Some(m)),
            Channel::Post => &m.includes,
        }
    }

    /// The e-mail milestones (with an address), in order of their dates.
    pub fn email_stages(&self) -> Vec<&Milestone> {
        let mut stages: Vec<&Milestone> = self
            .milestones
            .iter()
            .filter(|m| m.channel == Channel::Email && !m.address.trim().is_empty())
            .collect();
        stages.sort_by_key(|m| self.due(m));
        stages
    }

    /// The e-mail stage to prepare on `today`: the first not yet due, or
    /// (all past) the last, with `true` for "already past".
    pub fn next_email(&self, today: &DateTime<FixedOffset>) -> Option<(&Milestone, bool)> {
        let stages = self.email_stages();
        stages
            .iter()
            .find(|m| self.due(m).is_some_and(|d| d >= *today))
            .map(|m| (*m, false))
            .or_else(|| stages.last().map(|m| (*m, true)))
    }

    pub fn milestone(&self, key: &str) -> Option<&Milestone> {
        let k = key.trim();
        self.milestones
            .iter()
            .find(|m| m.id == k || normalize_title(&m.name) == normalize_title(k))
    }

    /// The e-mail subject from the call's pattern.
    pub fn subject(&self, title: &str, applicant: &str) -> String {
        self.subject_at(None, title, applicant)
    }

    /// The e-mail subject of a stage: its own pattern, or the package's.
    pub fn subject_at(&self, stage: Option<&Milestone>, title: &str, applicant: &str) -> String {
        stage
            .and_then(|m| m.subject.as_deref())
            .unwrap_or(&self.package.subject)
            .replace("{year}", &self.year.to_string())
            .replace("{title}", title.trim())
            .replace("{applicant}", applicant.trim())
    }
}

/// An e-mail subject pattern: only the placeholders `Call::subject`
/// fills (any other would stay in the subject and the file name as
/// written), and something visible besides.
fn check_subject(place: &str, subject: &str) -> Result<(), CallError> {
    let mut rest = subject;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let name = after.split('}').next().unwrap_or(after);
        if !["year", "title", "applicant"].contains(&name) {
            return Err(CallError {
                message: format!("{place} 中的“{{{name}}}”不是可用的占位符"),
                help: Some(
                    "可用的只有 {year}（年份）、{title}（方案标题）、{applicant}（申报单位）"
                        .into(),
                ),
                line: None,
                column: None,
            });
        }
        rest = &after[name.len().min(after.len())..];
    }
    let visible = subject
        .chars()
        .any(|c| !c.is_whitespace() && !crate::text::is_deceptive(c) && c != '.');
    if !visible {
        return Err(CallError {
            message: format!("{place} 为空：邮件题目和压缩包名由它生成"),
            help: Some("如 subject: \"{year}+{title}+{applicant}\"（{year} 年份、{title} 方案标题、{applicant} 申报单位）".into()),
            line: None,
            column: None,
        });
    }
    Ok(())
}

/// A serde_yaml error in Chinese, for call files and `shenbao.yaml`:
/// the message (with the field's place, e.g. `categories[0]`) and, for an
/// unknown field or value, what is allowed there. serde's own wording is
/// English; a message it does not recognise keeps serde's text.
pub fn yaml_error_zh(e: &serde_yaml::Error) -> (String, Option<String>) {
    let full = e.to_string();
    let text = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => full.as_str(),
    };
    // `categories[0]: unknown field …`: a path without spaces before `: `.
    let (path, msg) = match text.split_once(": ") {
        Some((p, m)) if !p.contains(' ') && !p.contains('`') => (Some(p), m),
        _ => (None, text),
    };
    // serde counts list items from 0; the author counts from 1.
    let place = path.map_or_else(String::new, |p| format!("（在 {} 中）", one_based(p)));
    let ticked = |s: &str| -> Vec<String> {
        s.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let type_zh = |t: &str| -> String {
        let t = t.trim();
        let zh = match t {
            "a string" => "文字",
            "a sequence" | "sequence" => "列表（- 项 或 [甲, 乙]）",
            "a map" | "map" => "字段组（键: 值）",
            "a boolean" | "boolean" => "true 或 false",
            "u32" | "u64" | "usize" | "i32" | "i64" | "an integer" => "整数",
            "f64" | "a float" | "floating point" => "数字",
            "unit value" => "空值",
            _ if t.starts_with("struct ") => "字段组（键: 值）",
            _ if t.starts_with("string ") => "文字",
            _ if t.starts_with("integer ") => "整数",
            _ if t.starts_with("floating point ") => "数字",
            _ => t,
        };
        zh.to_string()
    };
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let names = ticked(rest);
        let Some((field, allowed)) = names.split_first() else {
            return (format!("不认识的字段{place}"), None);
        };
        let hint = crate::text::closest(field, allowed.iter().map(String::as_str))
            .map_or_else(String::new, |c| format!("是否想写 {c}？"));
        let help = if allowed.is_empty() {
            "这里不能写字段".to_string()
        } else {
            format!("{hint}此处可用的字段：{}", allowed.join("、"))
        };
        return (format!("不认识的字段“{field}”{place}"), Some(help));
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let names = ticked(rest);
        if let Some((value, allowed)) = names.split_first() {
            // What each value means, where it is one of the call's.
            let meaning = |v: &str| -> String {
                let zh = match v {
                    "email" => "电子邮件",
                    "post" => "纸质件寄送",
                    "industry" => "重点行业",
                    "park" => "园区或产业集群",
                    "region" => "重点区域",
                    "basin" => "流域",
                    "general" => "无额外要求",
                    _ => return v.to_string(),
                };
                format!("{v}（{zh}）")
            };
            let allowed: Vec<String> = allowed.iter().map(|a| meaning(a)).collect();
            return (
                format!("“{value}”不是可选的值{place}"),
                Some(format!("可选：{}", allowed.join("、"))),
            );
        }
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        let names = ticked(rest);
        let field = names.first().map_or("", String::as_str);
        return (
            format!("缺少必填字段“{field}”{place}"),
            Some(format!("加上 {field}: …")),
        );
    }
    if let Some(rest) = msg.strip_prefix("duplicate field ") {
        let names = ticked(rest);
        let field = names.first().map_or("", String::as_str);
        return (
            format!("字段“{field}”写了两次{place}"),
            Some("删去其中一处".to_string()),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ")
        && let Some((got, want)) = rest.split_once(", expected ")
    {
        return (
            format!(
                "值的类型不对{place}：这里应为{}，写的是{}",
                type_zh(want),
                type_zh(got)
            ),
            None,
        );
    }
    (format!("YAML 有误：{text}"), None)
}

/// `categories[3].scope` as the author counts: `categories 第 4 项.scope`.
fn one_based(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        match rest[open + 1..close].parse::<usize>() {
            Ok(n) => out.push_str(&format!(" 第 {} 项", n + 1)),
            Err(_) => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out.replace('.', " 的 ")
}

/// A milestone's due time as written in the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    MonthDay {
        month: u32,
        day: u32,
        time: Option<NaiveTime>,
    },
    Fixed(DateTime<FixedOffset>),
}

impl Due {
    pub fn parse(s: &str) -> Option<Due> {
        let s = s.trim();
        if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            return Some(Due::Fixed(dt));
        }
        let (md, time) = match s.split_once([' ', 'T']) {
            Some((md, t)) => (md, Some(NaiveTime::parse_from_str(t.trim(), "%H:%M").ok()?)),
            None => (s, None),
        };
        let (m, d) = md.split_once('-')?;
        let month: u32 = m.parse().ok()?;
        let day: u32 = d.parse().ok()?;
        // Validate against a leap year so 02-29 is accepted.
        NaiveDate::from_ymd_opt(2000, month, day)?;
        Some(Due::MonthDay { month, day, time })
    }

    /// The instant, in Beijing time. A date without a time means the end of
    /// that day (“7月15日前” is met by a submission on the 15th).
    pub fn resolve(self, year: i32) -> Option<DateTime<FixedOffset>> {
        match self {
            Due::Fixed(dt) => Some(dt),
            Due::MonthDay { month, day, time } => {
                let date = NaiveDate::from_ymd_opt(year, month, day)?;
                let t = time.unwrap_or(NaiveTime::from_hms_opt(23, 59, 59)?);
                beijing().from_local_datetime(&date.and_time(t)).single()
            }
        }
    }
}

/// Parse a date or date-time as authors and `--today` write it:
/// `2022-06-28`, `2022-06-28 16:00`, `2022-06-28T16:00`, RFC 3339, or
/// `2022年6月28日`. Dates without a time mean the start of the day when
/// `end_of_day` is false, and its end when true.
pub fn parse_datetime(s: &str, end_of_day: bool) -> Option<DateTime<FixedOffset>> {
    use chrono::Datelike;
    parse_any_datetime(s, end_of_day).filter(|d| Call::YEARS.contains(&d.year()))
}

fn parse_any_datetime(s: &str, end_of_day: bool) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    // chrono reads a sign and more than four digits as a year (-2022,
    // +20220); nobody means that.
    if s.starts_with(['-', '+']) {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt);
    }
    let tz = beijing();
    for fmt in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(ndt) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return tz.from_local_datetime(&ndt).single();
        }
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y/%m/%d"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y年%m月%d日"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y.%m.%d"))
        .ok()?;
    let t = if end_of_day {
        NaiveTime::from_hms_opt(23, 59, 59)?
    } else {
        NaiveTime::from_hms_opt(0, 0, 0)?
    };
    tz.from_local_datetime(&date.and_time(t)).single()
}

/// Whole calendar days from `today` to `due`, in Beijing time.
pub fn days_left(today: &DateTime<FixedOffset>, due: &DateTime<FixedOffset>) -> i64 {
    let t = today.with_timezone(&beijing()).date_naive();
    let d = due.with_timezone(&beijing()).date_naive();
    (d - t).num_days()
}

/// What a package or a paper copy holds, in words (`plan` → 实施方案).
pub fn includes_zh(call: &Call, includes: &[String]) -> String {
    includes
        .iter()
        .map(|i| match i.as_str() {
            "plan" => call.document_name.clone(),
            "recommendation-letter" => "推荐函".to_string(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// When a milestone is due, from `today`: `2022年7月10日 23:59 截止，还有 20 天`.
pub fn due_words(call: &Call, m: &Milestone, today: &DateTime<FixedOffset>) -> Option<String> {
    let due = call.due(m)?;
    let left = days_left(today, &due);
    Some(if *today > due {
        format!("{} 截止，已过", format_zh(&due))
    } else if left == 0 {
        format!("{} 截止，就在今天", format_zh(&due))
    } else {
        format!("{} 截止，还有 {left} 天", format_zh(&due))
    })
}

/// A milestone from the call's data alone: what goes, to whom and how.
/// Nothing the call does not say (a paper stage that does not say
/// `bound: true` is not said to be unbound).
pub fn milestone_detail(call: &Call, m: &Milestone) -> String {
    let mut parts = vec![m.what.trim().to_string()];
    let includes = call.includes_of(m);
    if !includes.is_empty() {
        parts.push(format!("包括：{}", includes_zh(call, includes)));
    }
    match m.channel {
        Channel::Email => parts.push(format!("电子件发送至 {}（{}）", m.address, m.to)),
        Channel::Post => {
            let mut how = String::from("纸质件");
            if m.copies > 0 {
                how.push_str(&format!("一式{}份", m.copies));
            }
            if m.bound {
                how.push_str("，合订胶装成册");
            }
            how.push_str(&format!("，寄送至{}", m.to));
            if !m.address.is_empty() {
                how.push_str(&format!("，地址：{}", m.address));
            }
            parts.push(how);
        }
    }
    parts.retain(|p| !p.is_empty());
    parts.join("；")
}

/// Format as `2022年6月30日 18:00` (Beijing time).
pub fn format_zh(dt: &DateTime<FixedOffset>) -> String {
    let b = dt.with_timezone(&beijing());
    b.format("%Y年%-m月%-d日 %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line (1-based) of the first line of `text` holding `needle`.
    fn line_of(text: &str, needle: &str) -> usize {
        text.lines().position(|l| l.contains(needle)).unwrap() + 1
    }

    /// The line (1-based) of the first line of `text` starting with `head`.
    fn line_starting(text: &str, head: &str) -> usize {
        text.lines().position(|l| l.starts_with(head)).unwrap() + 1
    }

    #[test]
    fn preset_loads_and_has_the_notice_facts() {
        let call = Call::preset(DEFAULT_PRESET).unwrap().unwrap();
        assert_eq!(call.outline.len(), 7);
        assert_eq!(call.key_industries.len(), 13);
        assert_eq!(call.categories.len(), 3);
        assert_eq!(call.quota_per_province, 5);
        assert_eq!(call.package.limit_bytes, 50 * 1024 * 1024);
        let email = call.milestone("henan-email").unwrap();
        assert_eq!(
            call.due(email).unwrap().to_rfc3339(),
            "2022-06-30T18:00:00+08:00"
        );
    }

    #[test]
    fn year_moves_month_day_milestones() {
        let call = Call::preset(DEFAULT_PRESET)
            .unwrap()
            .unwrap()
            .with_year(2023);
        let m = call.milestone("national-post").unwrap();
        assert_eq!(
            call.due(m).unwrap().to_rfc3339(),
            "2023-07-15T23:59:59+08:00"
        );
        assert_eq!(call.subject("甲项目", "乙管委会"), "2023+甲项目+乙管委会");
    }

    #[test]
    fn lookups_accept_ids_names_and_aliases() {
        let call = Call::preset(DEFAULT_PRESET).unwrap().unwrap();
        assert_eq!(call.category("2").unwrap().scope, Scope::Park);
        assert_eq!(call.category("工业园区").unwrap().id, 2);
        // The notice's own names: as it lists them, in full, and without
        // its closing words.
        for (name, id) in [
            ("工业园区（产业集群）", 2),
            ("工业园区(产业集群)", 2),
            ("工业园区（产业集群）清洁生产整体审核创新", 2),
            ("工业园区（产业集群）整体审核", 2),
            ("重点区域和流域清洁生产协同审核", 3),
            ("重点行业清洁生产整体审核创新", 1),
        ] {
            assert_eq!(call.category(name).map(|c| c.id), Some(id), "{name}");
        }
        assert!(call.category("清洁生产").is_none());
        assert!(call.category("整体审核创新").is_none());
        assert_eq!(
            call.applicant_type("园区管委会").unwrap().id,
            "park-committee"
        );
        assert_eq!(
            call.applicant_type("park-committee").unwrap().id,
            "park-committee"
        );
        assert_eq!(call.region("黄河流域").unwrap().kind, RegionKind::Basin);
        assert_eq!(call.canonical_pollutant("臭氧"), "O3");
        assert_eq!(call.canonical_pollutant("PM₂.₅"), "PM2.5");
        assert_eq!(call.canonical_pollutant("细颗粒物（PM2.5）"), "PM2.5");
        assert_eq!(call.canonical_pollutant("臭氧（O₃）"), "O3");
        assert_eq!(call.canonical_pollutant("臭氧(O3)"), "O3");
        assert_eq!(call.canonical_pollutant("氨氮（NH3-N）"), "氨氮");
        assert_eq!(call.canonical_pollutant("总磷（TP）"), "磷");
        assert_eq!(call.canonical_pollutant("NH₃-N"), "氨氮");
        assert_eq!(
            call.canonical_pollutant("化学需氧量（COD）"),
            "化学需氧量（COD）"
        );
        assert_eq!(call.milestone("省级电子件报送").unwrap().id, "henan-email");
    }

    #[test]
    fn dates_parse_in_beijing_time() {
        let d = parse_datetime("2022-06-30 18:00", false).unwrap();
        assert_eq!(d.to_rfc3339(), "2022-06-30T18:00:00+08:00");
        let d = parse_datetime("2022年6月28日", true).unwrap();
        assert_eq!(d.to_rfc3339(), "2022-06-28T23:59:59+08:00");
        assert!(parse_datetime("六月", false).is_none());
        assert!(Due::parse("13-01").is_none());
        assert_eq!(format_zh(&d), "2022年6月28日 23:59");
    }

    #[test]
    fn a_bad_call_file_names_its_line() {
        let err = Call::from_yaml("id: x\nname: [\n").unwrap_err();
        assert!(err.line.is_some());
    }

    #[test]
    fn an_unknown_field_is_named_in_chinese_with_its_line_and_the_allowed_fields() {
        let text = PRESETS[0].1.replacen(
            "    scope: park\n",
            "    scope: park\n    guidence: 园区\n",
            1,
        );
        let err = Call::from_yaml(&text).unwrap_err();
        assert!(
            err.message.contains("不认识的字段“guidence”"),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("categories 第 2 项"),
            "{}",
            err.message
        );
        let line = line_of(&text, "guidence");
        assert_eq!(err.line, Some(line));
        let help = err.help.unwrap();
        assert!(
            help.contains("可用的字段") && help.contains("scope"),
            "{help}"
        );
        assert!(!help.contains("expected"), "{help}");
        // A missing field and a wrong type are said in Chinese too.
        let err = Call::from_yaml("id: x\n").unwrap_err();
        assert!(
            err.message.contains("缺少 name（通知名称）"),
            "{}",
            err.message
        );
        let err =
            Call::from_yaml(&PRESETS[0].1.replacen("id: cn-2022-pilot", "id: [1]", 1)).unwrap_err();
        assert!(err.message.contains("应为文字"), "{}", err.message);
    }

    #[test]
    fn a_call_that_extends_another_states_only_what_changed() {
        let text =
            "extends: cn-2022-pilot\nid: cn-2023\nyear: 2023\npackage:\n  warn_bytes: 40000000\n";
        let call = Call::from_yaml(text).unwrap();
        assert_eq!((call.id.as_str(), call.year), ("cn-2023", 2023));
        // A map merges key by key; the rest is the preset's.
        assert_eq!(call.package.warn_bytes, 40_000_000);
        assert_eq!(call.package.limit_bytes, 52_428_800);
        assert_eq!(call.milestones.len(), 4);
        assert_eq!(call.outline[0].min_chars, 600);
        // A list replaces the whole list.
        let text = "extends: cn-2022-pilot\nkey_industries: [钢铁]\n";
        assert_eq!(Call::from_yaml(text).unwrap().key_industries, ["钢铁"]);
        // An unknown key in the extending file is named at its line.
        let err = Call::from_yaml("extends: cn-2022-pilot\nid: x\nmilestone: []\n").unwrap_err();
        assert!(err.message.contains("milestone"), "{}", err.message);
        assert_eq!(err.line, Some(3));
        // Extending something unknown or itself is refused.
        assert!(Call::from_yaml("extends: cn-1999\n").is_err());
    }

    #[test]
    fn typos_and_bad_values_are_named_at_their_line_before_what_they_hide() {
        // `extend:` is a typo, not a call missing its parts.
        let err = Call::from_yaml("extend: cn-2022-pilot\nyear: 2023\n").unwrap_err();
        assert!(err.message.contains("“extend”"), "{}", err.message);
        assert!(err.help.unwrap().contains("是否想写 extends"));
        assert_eq!(err.line, Some(1));
        let preset = PRESETS[0].1;
        let text = preset.replacen("    min_chars: 300\n", "    min_char: 300\n", 1);
        let err = Call::from_yaml(&text).unwrap_err();
        assert!(
            err.message.contains("“min_char”（在 outline 第 3 项 中）"),
            "{}",
            err.message
        );
        assert!(err.help.unwrap().contains("是否想写 min_chars"));
        // A date that cannot be read: at its line, with the forms allowed.
        let text = preset.replacen("due: \"06-30 18:00\"", "due: 2023-08-31 17:00", 1);
        let err = Call::from_yaml(&text).unwrap_err();
        let line = line_of(&text, "2023-08-31 17:00");
        assert_eq!(err.line, Some(line), "{}", err.message);
        assert!(err.help.unwrap().contains("06-30 18:00"));
        // A pilot period whose parts disagree.
        let err = Call::from_yaml(
            "extends: cn-2022-pilot\npilot_period:\n  start: 2023-10\n  months: 12\n  end: 2025-06\n",
        )
        .unwrap_err();
        assert!(
            err.message.contains("21 个月") && err.message.contains("months: 12"),
            "{}",
            err.message
        );
        // A bad value in an extending file: at the line that holds it.
        let err = Call::from_yaml(
            "extends: cn-2022-pilot\nmilestones:\n  - id: a\n    name: b\n    due: \"08-31\"\n    what: c\n    to: d\n    channel: 邮件\n",
        )
        .unwrap_err();
        assert_eq!(err.line, Some(8), "{}", err.message);
    }

    #[test]
    fn a_call_that_extends_nothing_must_state_what_it_would_switch_off() {
        let preset = PRESETS[0].1;
        // No milestones: refused, not a call without deadlines.
        let start = preset.find("\nmilestones:").unwrap();
        let end = preset.find("\npackage:").unwrap();
        let text = format!("{}{}", &preset[..start], &preset[end..]);
        let err = Call::from_yaml(&text).unwrap_err();
        assert!(err.message.contains("缺少 milestones"), "{}", err.message);
        assert!(
            err.help
                .as_deref()
                .unwrap()
                .contains("extends: cn-2022-pilot")
        );
        // An outline entry without min_chars: refused at its line.
        let text = preset.replacen("    min_chars: 300\n", "", 1);
        let err = Call::from_yaml(&text).unwrap_err();
        assert!(
            err.message.contains("试点工作目标") && err.message.contains("min_chars"),
            "{}",
            err.message
        );
        let line = line_of(&text, "title: 试点工作目标");
        assert_eq!(err.line, Some(line));
        // Without package.includes: refused at `package:`.
        let text = preset.replacen("  includes: [plan]\n\n# Text left", "\n# Text left", 1);
        assert_ne!(text, preset);
        let err = Call::from_yaml(&text).unwrap_err();
        assert!(err.message.contains("package.includes"), "{}", err.message);
        let line = line_starting(&text, "package:");
        assert_eq!(err.line, Some(line));
    }
}
