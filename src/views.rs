//! What a document shows, in one place for every view: the PDF, the site
//! and the Word export all read these. A view is plain data (labels and
//! texts); the labels of front-matter fields come from the field specs
//! (`src/call/presets/fields/*.yaml`), so a field is named the same way on
//! paper, on the site, in Word and in the diagnostics.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::document::fields::Spanned;
use crate::document::voluntary::{
    AcceptanceMeta, AuditMeta, Enterprise, FormMeta, OptionClass, date_zh, number,
};
use crate::document::{DocKind, Document};

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

impl AuditMeta {
    /// The options summary with the totals shenbao computes. Figures show
    /// as the author wrote them in `source` (the document's text: 2.0 stays
    /// 2.0), and each total with as many decimals as its column's figures.
    pub fn summary_tables(&self, source: &str) -> Vec<SummaryTable> {
        let r = self;
        if r.options.is_empty() {
            return Vec::new();
        }
        let s =
            |v: &Option<Spanned<String>>| v.as_ref().map_or_else(String::new, |x| x.value.clone());
        let written = |x: &Spanned<f64>| -> String {
            let t = source
                .get(x.span.clone())
                .unwrap_or("")
                .trim()
                .trim_matches(['"', '\'']);
            let figure = !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == ',');
            if figure && crate::document::fields::parse_number(t) == Some(x.value) {
                t.to_string()
            } else {
                number(x.value)
            }
        };
        let n = |v: &Option<Spanned<f64>>| v.as_ref().map_or_else(String::new, written);
        // Decimals a column's figures are written with, for its totals.
        let decimals =
            |pick: fn(&crate::document::voluntary::CpOption) -> &Option<Spanned<f64>>| {
                r.options
                    .iter()
                    .filter_map(|o| pick(o).as_ref())
                    .map(|x| written(x).split_once('.').map_or(0, |(_, d)| d.len()))
                    .max()
                    .unwrap_or(0)
            };
        let (inv_d, ben_d) = (
            decimals(|o| &o.investment),
            decimals(|o| &o.economic_benefit),
        );
        let total = |v: f64, d: usize| {
            if d == 0 {
                number(v)
            } else {
                format!("{v:.d$}")
            }
        };
        let mut rows: Vec<Vec<String>> = r
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                vec![
                    (i + 1).to_string(),
                    s(&o.name),
                    o.class()
                        .map_or_else(|| s(&o.class), |c| c.name_zh().to_string()),
                    n(&o.investment),
                    n(&o.economic_benefit),
                    o.environmental_benefit(),
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
                total(t.investment, inv_d),
                total(t.economic_benefit, ben_d),
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
    /// Compiled by, authors, reviewer, approver.
    pub management: &'a crate::document::voluntary::Management,
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
    // The labels are the printed form's wording, from the field specs.
    let l = |key: &str| crate::document::schema::annex_label("application-form", key);
    vec![
        wide(l("enterprise"), s(&e.name)),
        wide(l("address"), s(&e.address)),
        pair(
            l("legal_representative"),
            s(&e.legal_representative),
            l("uscc"),
            s(&e.uscc),
        ),
        pair(
            l("industry"),
            s(&e.industry),
            l("industry_code"),
            s(&e.industry_code),
        ),
        pair(
            l("output_value"),
            n(&f.output_value),
            l("energy_use"),
            n(&f.energy_use),
        ),
        wide(l("emissions"), s(&f.emissions)),
        wide(l("products"), s(&f.products)),
        pair(l("contact"), s(&f.contact), l("position"), s(&f.position)),
        pair(l("mobile"), s(&f.mobile), l("email"), s(&f.email)),
        yesno(l("eia_approved"), yes(&f.eia_approved)),
        wide(l("eia_number"), s(&f.eia_number)),
        yesno(l("has_permit"), yes(&f.has_permit)),
        wide(l("permit_number"), s(&f.permit_number)),
        yesno(l("has_agency"), yes(&f.has_agency)),
        wide(l("agency"), s(&f.agency)),
        yesno(l("restructuring"), yes(&f.restructuring)),
    ]
}
/// A document's own report: an audit or acceptance report's cover data
/// and the tables shenbao computes.
pub fn report(doc: &Document) -> Option<ReportView<'_>> {
    let (enterprise, management, title, date, tables) = if let Some(m) = doc.audit() {
        (
            &m.enterprise,
            &m.management,
            m.title.as_ref(),
            m.date.as_ref(),
            m.summary_tables(&doc.src.text),
        )
    } else {
        let m = doc.acceptance()?;
        (
            &m.enterprise,
            &m.management,
            m.title.as_ref(),
            m.date.as_ref(),
            m.summary_tables(),
        )
    };
    Some(ReportView {
        enterprise,
        management,
        title,
        date,
        tables,
    })
}

/// One labelled field as a page or cover shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub label: &'static str,
    pub value: String,
}

/// Collects non-empty fields under the labels the specs give.
struct Fields {
    kind: DocKind,
    out: Vec<FieldView>,
}

impl Fields {
    fn push(&mut self, path: &str, value: Option<String>) {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            self.out.push(FieldView {
                label: self.kind.label(path),
                value: v,
            });
        }
    }
}

fn text(f: &Option<Spanned<String>>) -> Option<String> {
    f.as_ref().map(|v| v.value.clone())
}

fn day(f: &Option<Spanned<DateTime<FixedOffset>>>) -> Option<String> {
    f.as_ref().map(|v| date_zh(&v.value))
}

fn joined(v: &[Spanned<String>]) -> Option<String> {
    (!v.is_empty()).then(|| {
        v.iter()
            .map(|x| x.value.as_str())
            .collect::<Vec<_>>()
            .join("、")
    })
}

/// The fields a document's page lists under its title: a plan's front
/// matter, or a report's enterprise, period, team and evaluation. The
/// application form shows as its own table (`form_rows`), not as fields.
/// `category` is the plan's category as the call names it.
pub fn fields(doc: &Document, category: &str) -> Vec<FieldView> {
    let Some(kind) = doc.kind() else {
        return Vec::new();
    };
    let mut f = Fields {
        kind,
        out: Vec::new(),
    };
    if let Some(p) = doc.plan() {
        f.push("applicant", text(&p.applicant));
        f.push("applicant_type", text(&p.applicant_type));
        f.push("implementer", text(&p.implementer));
        f.push("category", Some(category.to_string()));
        f.push("province", text(&p.province));
        f.push("city", text(&p.city));
        f.push("industries", joined(&p.industries));
        f.push("region", text(&p.region));
        f.push("pollutants", joined(&p.pollutants));
        f.push("park.boundary", text(&p.park.boundary));
        f.push("version", text(&p.version));
        f.push("date", day(&p.date));
        let contact = [
            text(&p.contact.name),
            text(&p.contact.phone),
            text(&p.contact.email),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("，");
        f.push("contact", Some(contact));
        // Attachments have their own section on the page.
        added(doc, &mut f);
        return f.out;
    }
    if doc.form().is_some() {
        return Vec::new();
    }
    let Some(e) = doc.enterprise() else {
        return Vec::new();
    };
    f.push("enterprise.name", text(&e.name));
    f.push("enterprise.uscc", text(&e.uscc));
    let industry = [
        text(&e.industry),
        text(&e.industry_code).map(|c| format!("（{c}）")),
    ]
    .into_iter()
    .flatten()
    .collect::<String>();
    f.push("enterprise.industry", Some(industry));
    f.push("enterprise.address", text(&e.address));
    if let Some(r) = doc.audit() {
        let period = match (day(&r.period_start), day(&r.period_end)) {
            (Some(a), Some(b)) => Some(format!("{a}至{b}")),
            (a, b) => a.or(b),
        };
        f.push("period", period);
        f.push("team", joined(&r.team));
        f.push("agency", r.agency.as_ref().and_then(|a| text(&a.name)));
        f.push("evaluation.date", day(&r.evaluation.date));
        f.push("evaluation.result", text(&r.evaluation.result));
        f.push("evaluation.experts", joined(&r.evaluation.experts));
        management_fields(&mut f, &r.management);
        f.push("date", day(&r.date));
    }
    if let Some(r) = doc.acceptance() {
        f.push("evaluation_date", day(&r.evaluation_date));
        f.push("implemented", joined(&r.implemented));
        f.push("experts", joined(&r.experts));
        management_fields(&mut f, &r.management);
        f.push("date", day(&r.date));
    }
    added(doc, &mut f);
    f.out
}

/// The fields a project added to the kind (`fields:` in shenbao.yaml),
/// shown after the built-in ones, as written.
fn added(doc: &Document, f: &mut Fields) {
    let Some(front) = &doc.front else { return };
    for spec in crate::document::schema::added_fields(f.kind.id()) {
        let text = front.get(&spec.key).and_then(value_text);
        f.push(&spec.key, text);
    }
}

/// A front-matter value as a line of text: lists joined with 、, yes/no
/// as 是/否; maps are not shown.
fn value_text(v: &serde_yaml::Value) -> Option<String> {
    use serde_yaml::Value;
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "是" } else { "否" }.to_string()),
        Value::Sequence(items) => Some(
            items
                .iter()
                .filter_map(value_text)
                .collect::<Vec<_>>()
                .join("、"),
        ),
        _ => None,
    }
}

fn management_fields(f: &mut Fields, m: &crate::document::voluntary::Management) {
    f.push("compiled_by", text(&m.compiled_by));
    for (path, people) in signatures(m) {
        f.push(path, Some(people.join("、")));
    }
}

/// The report's signatures, as the back of its cover lists them: the
/// field path (for its label) and each person's name with their title.
pub fn signatures(m: &crate::document::voluntary::Management) -> Vec<(&'static str, Vec<String>)> {
    let authors: Vec<String> = m
        .authors
        .iter()
        .filter_map(crate::document::voluntary::Signatory::display)
        .collect();
    [
        ("authors", (!authors.is_empty()).then_some(authors)),
        ("reviewer", m.reviewer.display().map(|p| vec![p])),
        ("approver", m.approver.display().map(|p| vec![p])),
    ]
    .into_iter()
    .filter_map(|(p, v)| v.map(|v| (p, v)))
    .collect()
}

/// One line of a report's signatures: its label and each person (name and
/// title), kept whole when the line wraps.
pub struct Signature {
    pub label: &'static str,
    pub people: Vec<String>,
}

impl Signature {
    pub fn value(&self) -> String {
        self.people.join("、")
    }
}

/// Whether a cover needs the document kind under the title: not when the
/// title already says it (河南豫北新型建材有限公司清洁生产审核报告).
pub fn cover_subtitle(title: &str, kind: &str) -> bool {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let (title, kind) = (squash(title), squash(kind));
    // A title that ends as the kind's name ends (…自愿性清洁生产验收自评
    // 报告 for 清洁生产审核验收自评报告) names the document already.
    let tail: String = {
        let k: Vec<char> = kind.chars().collect();
        k[k.len().saturating_sub(4)..].iter().collect()
    };
    !kind.is_empty() && !title.contains(&kind) && !title.ends_with(&tail)
}

/// The label of the `i`-th (from 0) of `n` attachments (GB/T 9704 §8):
/// 附件 when there is one, 附件1, 附件2 … when there are more.
pub fn attachment_label(i: usize, n: usize) -> String {
    if n <= 1 {
        "附件".to_string()
    } else {
        format!("附件{}", i + 1)
    }
}

/// The label of the `i`-th (from 0) of `n` tables shenbao computes after a
/// report's body: 附表 when there is one, 附表1, 附表2 … when there are
/// more (as attachments are labelled).
pub fn appendix_label(i: usize, n: usize) -> String {
    if n <= 1 {
        "附表".to_string()
    } else {
        format!("附表{}", i + 1)
    }
}

/// A document's whole title, on its cover and over its first page: the
/// title with the kind it is, unless the title already says it, sharing
/// what they have in common (…创新试点 + 清洁生产审核创新试点实施方案 reads
/// …创新试点实施方案, not the words twice).
pub fn full_title(title: &str, kind: &str) -> String {
    let title = title.trim();
    if !cover_subtitle(title, kind) {
        return title.to_string();
    }
    let kind: Vec<char> = kind.chars().collect();
    let overlap = (1..kind.len())
        .rev()
        .find(|&k| title.ends_with(&kind[..k].iter().collect::<String>()))
        .unwrap_or(0);
    format!("{title}{}", kind[overlap..].iter().collect::<String>())
}

/// What a volume's cover says besides its title: who it is from, under
/// which label, and when.
pub struct Cover {
    /// 申报单位 for a plan, 企业名称 for a report (the field's label).
    pub applicant_label: &'static str,
    pub applicant: Option<String>,
    /// A report's 编制单位 (label, value), printed under the enterprise.
    pub compiled_by: Option<FieldView>,
    /// A report's 报告编制人员, 审核人, 批准人: the back of the cover.
    pub signatures: Vec<Signature>,
    pub version: Option<String>,
    pub date: Option<String>,
}

/// The version a plan's cover prints: its own, else the one its call
/// asks for (送审版 in 2022), never a word of shenbao's own. The PDF and
/// the Word file both ask here.
pub fn plan_version(plan: &crate::document::plan::PlanMeta, call: &crate::call::Call) -> String {
    text(&plan.version)
        .or_else(|| call.required_version.clone())
        .unwrap_or_default()
}

/// The cover of a plan or a report (a plan's with `call`, the one it
/// answers); None for the application form.
pub fn cover(doc: &Document, call: &crate::call::Call) -> Option<Cover> {
    let kind = doc.kind()?;
    if let Some(p) = doc.plan() {
        return Some(Cover {
            applicant_label: kind.label("applicant"),
            applicant: text(&p.applicant),
            compiled_by: None,
            signatures: Vec::new(),
            version: Some(plan_version(p, call)).filter(|v| !v.is_empty()),
            date: day(&p.date),
        });
    }
    let r = report(doc)?;
    Some(Cover {
        applicant_label: kind.label("enterprise.name"),
        applicant: text(&r.enterprise.name),
        compiled_by: text(&r.management.compiled_by).map(|v| FieldView {
            label: kind.label("compiled_by"),
            value: v,
        }),
        signatures: signatures(r.management)
            .into_iter()
            .map(|(p, people)| Signature {
                label: kind.label(p),
                people,
            })
            .collect(),
        version: None,
        date: r.date.map(|d| date_zh(&d.value)),
    })
}

/// A plan's attachment (a recommendation letter, …) as its page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentView {
    /// Anchor on the document page.
    pub id: String,
    pub title: String,
    /// What it is, in Chinese.
    pub kind: &'static str,
    /// The path as written.
    pub file: String,
    /// The file is there (and is bound into the PDF).
    pub found: bool,
}

/// A file a document binds after its body.
pub struct BoundFile<'d> {
    pub file: &'d Spanned<String>,
    /// The title it gives, if any (a recommendation letter without one is
    /// titled 省级推荐函).
    pub title: Option<String>,
    /// A plan's provincial recommendation letter (`type:
    /// recommendation-letter`).
    pub letter: bool,
}

/// What a document binds after its body: a plan's `attachments`, an
/// acceptance report's supporting reports with a `file` (the test report
/// it cites is bound with it). The PDF binds them, the Word file and the
/// site list them.
pub fn bound_files(doc: &Document) -> Vec<BoundFile<'_>> {
    doc.meta.fields().map_or_else(Vec::new, |f| f.bound())
}

/// A document's attachments, each with an anchor on its page (`att-1`, …).
pub fn attachments(root: &std::path::Path, doc: &Document) -> Vec<AttachmentView> {
    bound_files(doc)
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let file = b.file.value.clone();
            let title = b.title.unwrap_or_else(|| {
                // As the print names it.
                std::path::Path::new(&file)
                    .file_stem()
                    .map_or_else(|| file.clone(), |s| s.to_string_lossy().into_owned())
            });
            AttachmentView {
                id: format!("att-{}", i + 1),
                title,
                kind: if b.letter {
                    "省级推荐函"
                } else {
                    "附件"
                },
                found: crate::assets::resolve(root, root, &file).is_ok(),
                file,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computed_tables_are_numbered_when_there_are_several() {
        assert_eq!(appendix_label(0, 1), "附表");
        assert_eq!(appendix_label(0, 2), "附表1");
        assert_eq!(appendix_label(1, 2), "附表2");
        assert_eq!(attachment_label(0, 1), "附件");
        assert_eq!(attachment_label(1, 3), "附件2");
    }

    #[test]
    fn the_whole_title_says_the_kind_once() {
        assert_eq!(
            full_title("澧河县农副食品加工行业清洁生产审核创新试点", "试点实施方案"),
            "澧河县农副食品加工行业清洁生产审核创新试点实施方案"
        );
        assert_eq!(
            full_title("伏牛市清洁生产审核创新试点", "清洁生产审核创新试点实施方案"),
            "伏牛市清洁生产审核创新试点实施方案"
        );
        assert_eq!(
            full_title("伏牛市试点实施方案", "试点实施方案"),
            "伏牛市试点实施方案"
        );
        assert_eq!(
            full_title("伏牛市城市建设", "试点实施方案"),
            "伏牛市城市建设试点实施方案"
        );
        assert_eq!(
            full_title("甲公司清洁生产审核报告", "清洁生产审核报告"),
            "甲公司清洁生产审核报告"
        );
        // Worded otherwise but ending as the kind ends: not said twice
        // (the shared corpus's v3 printed 验收自评报告 over 验收自评报告).
        assert_eq!(
            full_title(
                "河南汴东精工汽车部件有限公司自愿性清洁生产验收自评报告",
                "清洁生产审核验收自评报告"
            ),
            "河南汴东精工汽车部件有限公司自愿性清洁生产验收自评报告"
        );
    }

    fn audit(options: &str) -> Document {
        let text = format!(
            "---\nkind: audit-report\ntitle: 甲公司清洁生产审核报告\noptions:\n{options}---\n\n# 前言\n\n正文\n"
        );
        crate::document::parse("content/a.md", std::path::PathBuf::from("a.md"), text, None)
    }

    fn env_column(doc: &Document) -> Vec<String> {
        let Some(m) = doc.audit() else {
            panic!("{:?}", doc.diagnostics)
        };
        let t = &m.summary_tables(&doc.src.text)[0];
        let col = t
            .header
            .iter()
            .position(|h| h.contains("环境效益"))
            .unwrap();
        t.rows.iter().map(|r| r[col].clone()).collect()
    }

    #[test]
    fn figures_show_as_written_and_totals_with_their_columns_decimals() {
        let doc = audit(
            "  - name: 甲\n    class: 无/低费\n    investment: 2.0\n    economic_benefit: 1\n  - name: 乙\n    class: 中/高费\n    investment: 86.0\n    economic_benefit: 30\n  - name: 丙\n    class: 中/高费\n    investment: 14.9\n    economic_benefit: 2.25\n",
        );
        let Some(m) = doc.audit() else {
            panic!("{:?}", doc.diagnostics)
        };
        let t = &m.summary_tables(&doc.src.text)[0];
        let col = |name: &str| t.header.iter().position(|h| h.contains(name)).unwrap();
        let (inv, ben) = (col("投资"), col("经济效益"));
        let column = |c: usize| t.rows.iter().map(|r| r[c].as_str()).collect::<Vec<_>>();
        assert_eq!(
            column(inv),
            ["2.0", "86.0", "14.9", "2.0", "100.9", "102.9"]
        );
        assert_eq!(column(ben), ["1", "30", "2.25", "1.00", "32.25", "33.25"]);
    }

    #[test]
    fn an_environmental_benefit_written_as_one_text_is_shown() {
        let doc = audit(
            "  - name: 生料磨漏风治理\n    class: 无/低费\n    investment: 4.8\n    environmental_benefit: 节电约21万千瓦时/年\n  - name: 余热发电\n    class: 中/高费\n    investment: 860\n    environmental_benefit:\n      energy: 折标煤约860吨/年\n      water: 节水1万立方米/年\n",
        );
        assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
        let env = env_column(&doc);
        assert_eq!(env[0], "节电约21万千瓦时/年");
        assert_eq!(env[1], "折标煤约860吨/年；节水1万立方米/年");
        // A list is neither a text nor the map: reported, not dropped.
        let doc = audit(
            "  - name: 甲\n    class: 无/低费\n    investment: 1\n    environmental_benefit: [节电, 节水]\n",
        );
        assert!(
            doc.diagnostics
                .iter()
                .any(|d| d.rule == crate::rule::FRONTMATTER_INVALID_VALUE
                    && d.message.contains("environmental_benefit")),
            "{:?}",
            doc.diagnostics
        );
    }
}
