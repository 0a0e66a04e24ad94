//! The response to the expert review (修改说明): which document was
//! revised, which version the experts read, and each comment with its
//! answer. What the response is checked for and prints lives in
//! `crate::review`.

use chrono::{DateTime, FixedOffset};

use super::fields::{Reader, Spanned};

/// One expert comment and how it was answered.
#[derive(Debug, Clone, Default)]
pub struct ReviewComment {
    /// Where the comment's entry starts (`comments[i]`), for findings
    /// about the entry as a whole.
    pub at: std::ops::Range<usize>,
    pub id: Option<Spanned<String>>,
    pub by: Option<Spanned<String>>,
    pub text: Option<Spanned<String>>,
    /// The sections of the revised document it concerns, as written
    /// (a title, a number such as 一（一）, several split by ；).
    pub section: Option<Spanned<String>>,
    pub response: Option<Spanned<String>>,
}

impl ReviewComment {
    /// The comment's number as written, else its place in the list.
    pub fn label(&self, index: usize) -> String {
        self.id
            .as_ref()
            .map_or_else(|| (index + 1).to_string(), |v| v.value.clone())
    }
}

#[derive(Debug, Clone, Default)]
pub struct ResponseMeta {
    pub title: Option<Spanned<String>>,
    /// The revised document, a path in the project (`content/…md`).
    pub revised: Option<Spanned<String>>,
    /// The version the experts read: a git revision or a kept file.
    pub reviewed: Option<Spanned<String>>,
    pub applicant: Option<Spanned<String>>,
    pub date: Option<Spanned<DateTime<FixedOffset>>>,
    pub comments: Vec<ReviewComment>,
}

impl ResponseMeta {
    pub fn read(r: &mut Reader<'_>) -> ResponseMeta {
        for spec in crate::kinds::response::KIND.fields() {
            r.expect_shape(&spec.key, &spec.ty);
        }
        let comments = (0..r.len("comments"))
            .map(|i| {
                let base = format!("comments[{i}]");
                let p = |k: &str| format!("{base}.{k}");
                ReviewComment {
                    at: r.fm.loc(&base).key,
                    id: r.str(&p("id")),
                    by: r.str(&p("by")),
                    text: r.str(&p("text")),
                    section: r.str(&p("section")),
                    response: r.str(&p("response")),
                }
            })
            .collect();
        ResponseMeta {
            title: r.str("title"),
            revised: r.str("for"),
            reviewed: r.str("reviewed"),
            applicant: r.str("applicant"),
            date: r.date("date", false),
            comments,
        }
    }
}

/// Whether a response says something was changed (补充, 修改, 删除 …)
/// rather than explained or declined (未采纳, 不作修改, 已说明理由).
pub fn claims_a_change(response: &str) -> bool {
    const DECLINED: &[&str] = &[
        "未修改",
        "不修改",
        "无需修改",
        "不需修改",
        "未作修改",
        "不作修改",
        "未采纳",
        "不采纳",
        "暂不",
        "不予",
        "保持不变",
        "维持原",
        "仅说明",
        "作出说明",
        "予以说明",
    ];
    const CHANGED: &[&str] = &[
        "补充", "修改", "增加", "增补", "新增", "删除", "删去", "调整", "完善", "更新", "修订",
        "改为", "更正", "修正", "细化", "充实", "重写", "改写", "统一",
    ];
    // Checked and found right (经核实，数据无误) is no change; a response
    // still to write (待补充) claims nothing yet.
    const CHECKED_ONLY: &[&str] = &["无误", "准确无", "一致，", "一致。", "待补充", "待填写"];
    let r: String = response.chars().filter(|c| !c.is_whitespace()).collect();
    let r = format!("{r}。");
    !DECLINED.iter().any(|w| r.contains(w))
        && !CHECKED_ONLY.iter().any(|w| r.contains(w))
        && CHANGED.iter().any(|w| r.contains(w))
}

#[cfg(test)]
mod tests {
    use super::claims_a_change;

    #[test]
    fn a_response_claims_a_change_only_when_it_says_one() {
        for r in [
            "已在一（一）中补充园区四至",
            "已将表1中的产量修改为9868吨",
            "删除了重复的段落",
            "经核实，已将数据更正为统计报表数",
        ] {
            assert!(claims_a_change(r), "{r}");
        }
        for r in [
            "经核实，表1数据与企业统计报表一致，数据无误。",
            "未采纳：该指标已在第三章说明",
            "待补充",
            "已作出说明",
            "经核对，数据一致",
        ] {
            assert!(!claims_a_change(r), "{r}");
        }
    }
}
