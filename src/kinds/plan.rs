//! The pilot's implementation plan (试点实施方案): the pilot call's
//! outline, rules and deadlines; printed as a bound volume.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::json;

use super::{DocKind, Fields, Kind, NewOptions, Notice, PrintData, text};
use crate::call::Call;
use crate::check::{self, Ctx};
use crate::config::{Config, Fatal};
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::document::fields::{Reader, Spanned};
use crate::document::plan::{AttachmentKind, PlanMeta};
use crate::document::voluntary::date_zh;
use crate::render::pdf::Printer;
use crate::render::pdf::convert::Converted;
use crate::views::BoundFile;

pub struct Plan;

pub const KIND: DocKind = DocKind::new(&Plan);

impl Fields for PlanMeta {
    fn kind(&self) -> DocKind {
        KIND
    }
    fn title(&self) -> Option<&Spanned<String>> {
        self.title.as_ref()
    }
    fn date(&self) -> Option<&Spanned<chrono::DateTime<chrono::FixedOffset>>> {
        self.date.as_ref()
    }
    /// Its `attachments`; the provincial recommendation letter is titled
    /// 省级推荐函 when its title is not written.
    fn bound(&self) -> Vec<BoundFile<'_>> {
        self.attachments
            .iter()
            .map(|a| {
                let letter = a.kind == AttachmentKind::RecommendationLetter;
                let title = a
                    .title
                    .as_ref()
                    .map(|t| t.value.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .or_else(|| letter.then(|| "省级推荐函".to_string()));
                BoundFile {
                    file: &a.file,
                    title,
                    letter,
                }
            })
            .collect()
    }
}

impl Kind for Plan {
    fn id(&self) -> &'static str {
        "pilot-plan"
    }

    fn read(&self, r: &mut Reader<'_>) -> Arc<dyn Fields> {
        Arc::new(PlanMeta::read(r))
    }

    fn notice(&self) -> Notice {
        Notice::Pilot
    }

    fn check(&self, ctx: &Ctx<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
        if let Some(plan) = doc.meta.get::<PlanMeta>() {
            check::plan_rules(ctx, doc, plan, out);
        }
    }

    fn print(
        &self,
        p: &Printer<'_>,
        doc: &Document,
        _body: &Converted,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<PrintData> {
        let plan = doc.meta.get::<PlanMeta>()?;
        let attachments = p.bound(doc, diags);
        // A plan of another season follows its own call.
        let call = p
            .others
            .and_then(|o| crate::project::other_call(o, plan))
            .map_or(p.call, |o| &o.call);
        let category = plan
            .category
            .as_ref()
            .and_then(|c| call.category(&c.value))
            .map_or_else(String::new, |c| c.name.clone());
        // The kind's own name (试点实施方案), as the Word file says it.
        let kind = KIND.name_zh();
        let title = text(plan.title.as_ref());
        let meta = Printer::volume_meta(
            &title,
            kind,
            json!({
                "title": crate::views::full_title(&title, kind),
                "applicant": text(plan.applicant.as_ref()),
                "applicant-label": KIND.label("applicant"),
                // An unset version prints the one the call asks for
                // (送审版 in 2022), not a word of shenbao's own.
                "version": crate::views::plan_version(plan, call),
                "date": plan.date.as_ref().map(|d| date_zh(&d.value)).unwrap_or_default(),
                // The title says the kind (see `Printer::volume_meta`).
                "document-name": "",
                "keywords": [call.document_name, category],
            }),
        );
        let mut args = serde_json::Map::new();
        args.insert("meta".into(), meta.into());
        args.insert("fonts".into(), p.fonts_json());
        args.insert(
            "attachments".into(),
            Printer::attachments_json(&attachments),
        );
        Some(PrintData {
            function: "volume",
            wraps_body: true,
            args,
            date: plan.date.as_ref().map(|d| d.value),
        })
    }

    fn skeleton(&self, call: &Call, title: &str) -> String {
        crate::scaffold::plan_skeleton(call, title)
    }

    /// A plan of another season answers the call `--from` names, written
    /// into its `call:`.
    fn create(
        &self,
        root: &Path,
        config: &Config,
        name: &str,
        opts: &NewOptions,
    ) -> Result<PathBuf, Fatal> {
        opts.refuse_review()?;
        match opts.from.as_deref().map(str::trim) {
            Some(spec) => {
                let call = Config::load_call(root, spec)?;
                crate::scaffold::new_document_for(root, KIND, &call, Some(spec), name)
            }
            None => crate::scaffold::new_document(root, KIND, &config.call(root)?, name),
        }
    }

    /// Not 试点 alone: an enterprise's report may say it is a pilot
    /// enterprise (试点企业); a plan is also the kind a cover naming none
    /// is taken as.
    fn cover_words(&self) -> &'static [&'static str] {
        &["实施方案"]
    }

    fn import_front(
        &self,
        cover: &crate::import::CoverFacts,
        front: &mut crate::import::FrontWriter,
    ) {
        front.field("title", cover.title.clone(), "");
        front.field("applicant", cover.applicant.clone(), "");
        // The kind of body the applicant is, from its name; the
        // implementer must be the applicant itself (the notice says so).
        let applicant_type = cover.applicant.as_deref().and_then(|a| {
            if a.ends_with("管理委员会") || a.ends_with("管委会") {
                Some("园区管委会")
            } else if a.ends_with("人民政府") {
                Some("市（县、区）政府")
            } else if a.ends_with('局') || a.ends_with("委员会") || a.ends_with('委') {
                Some("市级政府组成部门")
            } else {
                None
            }
        });
        if let Some(t) = applicant_type {
            front.note(
                "applicant_type",
                Some(t.to_string()),
                "   # 由申报单位名称推测，请核对",
            );
        }
        if let Some(a) = &cover.applicant {
            front.note(
                "implementer",
                Some(a.clone()),
                "   # 实施主体须与申报单位为同一主体：已按申报单位填写，请核对",
            );
        }
        // The title says the category first (…产业集群清洁生产审核创新试点);
        // the body names rivers and industries in passing.
        // The cover's 试点类别, then the title, then the body: a park's
        // body names its river basin in passing (淮河流域), so 园区 is
        // looked for before 流域.
        let guess = |t: &str| {
            if ["工业园区", "产业集群", "园区", "开发区"]
                .iter()
                .any(|w| t.contains(w))
            {
                Some("2")
            } else if ["流域", "区域", "协同审核"].iter().any(|w| t.contains(w)) {
                Some("3")
            } else if t.contains("行业") {
                Some("1")
            } else {
                None
            }
        };
        let category = [
            cover.category_text.as_deref(),
            cover.title.as_deref(),
            Some(&cover.all_text),
        ]
        .into_iter()
        .flatten()
        .find_map(guess);
        front.note(
            "category",
            category.map(str::to_string),
            "   # 由封面的试点类别、项目名称或正文推测：1 重点行业 / 2 工业园区（产业集群）/ 3 重点区域和流域，请核对",
        );
        let province_note = if cover.province_guessed {
            "   # 由正文中提到最多的省份推测（可能是相邻省份），请核对"
        } else {
            ""
        };
        front.field("province", cover.province.clone(), province_note);
        let city_note = if cover.city_guessed {
            "   # 由正文推测，请核对"
        } else {
            ""
        };
        front.field("city", cover.city.clone(), city_note);
        // The cover's contact lines, as one map; what they leave out,
        // check asks for.
        if let Some(c) = &cover.contact {
            let parts: Vec<String> = [("name", &c.name), ("phone", &c.phone), ("email", &c.email)]
                .into_iter()
                .filter_map(|(k, v)| {
                    v.as_ref()
                        .map(|v| format!("{k}: {}", crate::import::yaml_str(v)))
                })
                .collect();
            front.raw(&format!(
                "contact: {{ {} }}   # 由封面读出，请核对\n",
                parts.join(", ")
            ));
        }
        front.field("version", cover.version.clone(), "");
        front.field("date", cover.date.clone(), cover.date_note);
    }
}
