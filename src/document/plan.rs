//! The pilot implementation plan (试点实施方案): typed front matter.

use chrono::{DateTime, FixedOffset};

use super::fields::{Reader, Spanned};
use super::schema;

#[derive(Debug, Clone, Default)]
pub struct Contact {
    pub name: Option<Spanned<String>>,
    pub position: Option<Spanned<String>>,
    pub phone: Option<Spanned<String>>,
    pub email: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct Park {
    pub name: Option<Spanned<String>>,
    pub boundary: Option<Spanned<String>>,
    pub crosses_prefecture: Option<Spanned<bool>>,
    pub management_body: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct Eligibility {
    pub no_major_violation: Option<Spanned<bool>>,
    pub managers: Option<Spanned<String>>,
    pub rules: Option<Spanned<String>>,
    pub funding_source: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentKind {
    RecommendationLetter,
    Other,
}

#[derive(Debug, Clone)]
pub struct Attachment {
    pub kind: AttachmentKind,
    pub file: Spanned<String>,
    pub title: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct Submission {
    /// The milestone as the author named it (id or Chinese name).
    pub milestone: Spanned<String>,
    /// When written as a day without a time (`2022-06-30`), `at` is that
    /// day's 23:59:59; the author planned the day, not a time in it.
    pub day_only: bool,
    pub at: Spanned<DateTime<FixedOffset>>,
}

#[derive(Debug, Clone, Default)]
pub struct PlanMeta {
    /// The call this plan answers, when not the project's (`call:`).
    pub call: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub applicant: Option<Spanned<String>>,
    pub applicant_type: Option<Spanned<String>>,
    pub implementer: Option<Spanned<String>>,
    pub category: Option<Spanned<String>>,
    pub province: Option<Spanned<String>>,
    pub city: Option<Spanned<String>>,
    pub industries: Vec<Spanned<String>>,
    pub region: Option<Spanned<String>>,
    pub pollutants: Vec<Spanned<String>>,
    pub pollutants_in_local_tasks: Option<Spanned<bool>>,
    pub park: Park,
    pub eligibility: Eligibility,
    pub contact: Contact,
    pub version: Option<Spanned<String>>,
    pub date: Option<Spanned<DateTime<FixedOffset>>>,
    pub submissions: Vec<Submission>,
    pub attachments: Vec<Attachment>,
}

impl PlanMeta {
    pub fn read(r: &mut Reader<'_>) -> PlanMeta {
        for spec in crate::kinds::plan::KIND.fields() {
            r.expect_shape(&spec.key, &spec.ty);
        }
        let mut submissions = Vec::new();
        for key in r.keys("submissions") {
            let path = format!("submissions.{key}");
            if let Some(at) = r.date(&path, true) {
                let loc = r.fm.loc(&path);
                // A day alone reads differently at the start and the end
                // of the day; a time does not.
                let day_only = r.fm.get(&path).and_then(|v| v.as_str()).is_some_and(|v| {
                    crate::call::parse_datetime(v, false) != crate::call::parse_datetime(v, true)
                });
                submissions.push(Submission {
                    milestone: Spanned {
                        value: key,
                        span: loc.key.clone(),
                        key: loc.key,
                    },
                    day_only,
                    at,
                });
            }
        }
        let mut attachments = Vec::new();
        for i in 0..r.len("attachments") {
            let base = format!("attachments[{i}]");
            if !matches!(r.fm.get(&base), Some(serde_yaml::Value::Mapping(_))) {
                // A bare path is accepted as an “other” attachment.
                if let Some(file) = r.str(&base) {
                    attachments.push(Attachment {
                        kind: AttachmentKind::Other,
                        file,
                        title: None,
                    });
                }
                continue;
            }
            let item = schema::resolve(crate::kinds::plan::KIND.fields(), "attachments")
                .map(|s| s.ty.children());
            for spec in item.unwrap_or_default() {
                r.expect_shape(&format!("{base}.{}", spec.key), &spec.ty);
            }
            let kind = match r.str(&format!("{base}.type")) {
                Some(t) if is_recommendation_letter(&t.value) => {
                    AttachmentKind::RecommendationLetter
                }
                _ => AttachmentKind::Other,
            };
            let title = r.str(&format!("{base}.title"));
            let kind = if kind == AttachmentKind::Other
                && title.as_ref().is_some_and(|t| t.value.contains("推荐函"))
            {
                AttachmentKind::RecommendationLetter
            } else {
                kind
            };
            if let Some(file) = r.str(&format!("{base}.file")) {
                attachments.push(Attachment { kind, file, title });
            }
        }
        PlanMeta {
            call: r.str("call"),
            title: r.str("title"),
            applicant: r.str("applicant"),
            applicant_type: r.str("applicant_type"),
            implementer: r.str("implementer"),
            category: r.str("category"),
            province: r.str("province"),
            city: r.str("city"),
            industries: r.list("industries"),
            region: r.str("region"),
            pollutants: r.list("pollutants"),
            pollutants_in_local_tasks: r.bool("pollutants_in_local_tasks"),
            park: Park {
                name: r.str("park.name"),
                boundary: r.str("park.boundary"),
                crosses_prefecture: r.bool("park.crosses_prefecture"),
                management_body: r.str("park.management_body"),
            },
            eligibility: Eligibility {
                no_major_violation: r.bool("eligibility.no_major_violation"),
                managers: r.str("eligibility.managers"),
                rules: r.str("eligibility.rules"),
                funding_source: r.str("eligibility.funding_source"),
            },
            contact: Contact {
                name: r.str("contact.name"),
                position: r.str("contact.position"),
                phone: r.str("contact.phone"),
                email: r.str("contact.email"),
            },
            version: r.str("version"),
            date: r.date("date", false),
            submissions,
            attachments,
        }
    }
}

fn is_recommendation_letter(t: &str) -> bool {
    matches!(
        t.trim(),
        "recommendation-letter" | "recommendation_letter" | "推荐函" | "省级推荐函"
    )
}
