//! `deadline/upcoming` (info), `deadline/passed` (warning) and
//! `deadline/planned-late` (error), from the call's milestones;
//! `deadline/unknown` (info) when the call states none.

use super::{Ctx, diag, key_span};
use crate::call::{Channel, format_zh};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::plan::PlanMeta;
use crate::rule;

pub(crate) use crate::call::days_left;

pub fn check(ctx: &Ctx<'_>, doc: &Document, plan: &PlanMeta, out: &mut Vec<Diagnostic>) {
    let call = ctx.call;
    let today = ctx.opts.today;
    if call.milestones.is_empty() {
        // Silence would read as “no deadline to worry about”.
        out.push(
            diag(
                rule::DEADLINE_UNKNOWN,
                Severity::Info,
                doc,
                key_span(doc, "submissions"),
                format!("申报通知“{}”没有写明报送时间节点，无法提醒截止时间", call.name),
            )
            .with_help("向通知发文单位确认截止时间，并写进通知定义文件的 milestones（id、name、due、what、to、channel）"),
        );
        return;
    }
    for m in &call.milestones {
        let Some(due) = call.due(m) else { continue };
        let planned = plan.submissions.iter().find(|s| {
            call.milestone(&s.milestone.value)
                .is_some_and(|x| x.id == m.id)
        });
        let span = match planned {
            Some(s) => s.milestone.span.clone(),
            None => key_span(doc, "submissions"),
        };
        let what = format!("“{}”", m.name);
        let detail = match (m.channel, m.address.is_empty()) {
            (_, true) => format!("{}；报送至{}", m.what, m.to),
            (Channel::Email, false) => format!("{}；发送至{}，邮箱 {}", m.what, m.to, m.address),
            (Channel::Post, false) => format!("{}；寄送至{}，地址：{}", m.what, m.to, m.address),
        };
        if today > due {
            let ago = -days_left(&today, &due);
            out.push(
                diag(
                    rule::DEADLINE_PASSED,
                    Severity::Warning,
                    doc,
                    span.clone(),
                    format!("{what}已于 {} 截止（{} 天前）", format_zh(&due), ago.max(0)),
                )
                .with_help(format!(
                    "{detail}。如是新一年的申报，在 shenbao.yaml 中设置 year 或换用新的通知定义"
                )),
            );
        } else {
            let left = days_left(&today, &due);
            let when = if left == 0 {
                "就在今天".to_string()
            } else {
                format!("还有 {left} 天")
            };
            out.push(
                diag(
                    rule::DEADLINE_UPCOMING,
                    Severity::Info,
                    doc,
                    span.clone(),
                    format!("距{what}截止{when}（{}）", format_zh(&due)),
                )
                .with_help(detail),
            );
        }
        // A day without a time is late only after the due day: the
        // author planned the day, not its last minute.
        let late = |s: &crate::document::plan::Submission| {
            if s.day_only {
                let beijing = crate::call::beijing();
                s.at.value.with_timezone(&beijing).date_naive()
                    > due.with_timezone(&beijing).date_naive()
            } else {
                s.at.value > due
            }
        };
        if let Some(s) = planned
            && late(s)
        {
            out.push(
                diag(
                    rule::DEADLINE_PLANNED_LATE,
                    Severity::Error,
                    doc,
                    s.at.span.clone(),
                    format!(
                        "计划报送时间 {} 晚于“{}”的截止时间 {}",
                        if s.day_only {
                            format_day_zh(&s.at.value)
                        } else {
                            format_zh(&s.at.value)
                        },
                        m.name,
                        format_zh(&due)
                    ),
                )
                .with_label("晚于截止时间")
                .with_help("提前计划报送时间；逾期材料不予受理"),
            );
        }
    }
}

/// A planned day without a time, as the author wrote it: `2022年7月11日`.
fn format_day_zh(dt: &chrono::DateTime<chrono::FixedOffset>) -> String {
    dt.with_timezone(&crate::call::beijing())
        .format("%Y年%-m月%-d日")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::call::parse_datetime;

    #[test]
    fn a_call_without_dates_says_so_once() {
        let mut f = Fixture::new();
        f.call.milestones.clear();
        let d = f.check(&good_plan());
        let u: Vec<_> = d.iter().filter(|x| x.rule.family() == "deadline").collect();
        assert_eq!(u.len(), 1, "{u:#?}");
        assert_eq!(u[0].rule, rule::DEADLINE_UNKNOWN);
        assert_eq!(u[0].severity, Severity::Info);
        assert!(u[0].message.contains("没有写明报送时间节点"));
        let line = good_plan()
            .lines()
            .position(|l| l.starts_with("submissions:"))
            .unwrap()
            + 1;
        assert_eq!(u[0].line, Some(line));
    }

    #[test]
    fn upcoming_passed_and_late() {
        let mut f = Fixture::new();
        let d = f.check(&good_plan());
        let up: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::DEADLINE_UPCOMING)
            .collect();
        assert_eq!(up.len(), 4);
        assert!(
            up.iter().any(|x| x.message.contains("还有 29 天")),
            "{up:#?}"
        );
        assert!(!rules(&d).contains(&rule::DEADLINE_PASSED));

        f.opts.today = parse_datetime("2022-07-01 09:00", false).unwrap();
        let d = f.check(&good_plan());
        assert_eq!(
            rules(&d)
                .iter()
                .filter(|r| **r == rule::DEADLINE_PASSED)
                .count(),
            1
        );

        let late = good_plan().replace(
            "henan-email: 2022-06-29 17:00",
            "henan-email: 2022-06-30 18:30",
        );
        let d = Fixture::new().check(&late);
        let e = d
            .iter()
            .find(|x| x.rule == rule::DEADLINE_PLANNED_LATE)
            .unwrap();
        assert_eq!(e.line, Some(27));
        let on_time = good_plan().replace(
            "henan-email: 2022-06-29 17:00",
            "henan-email: 2022-06-30 18:00",
        );
        assert!(!rules(&Fixture::new().check(&on_time)).contains(&rule::DEADLINE_PLANNED_LATE));
        // A day without a time: the due day is not late, the day after is,
        // and the message shows the day as written, not 23:59.
        let due_day =
            good_plan().replace("henan-email: 2022-06-29 17:00", "henan-email: 2022-06-30");
        assert!(!rules(&Fixture::new().check(&due_day)).contains(&rule::DEADLINE_PLANNED_LATE));
        let day_after =
            good_plan().replace("henan-email: 2022-06-29 17:00", "henan-email: 2022-07-01");
        let d = Fixture::new().check(&day_after);
        let e = d
            .iter()
            .find(|x| x.rule == rule::DEADLINE_PLANNED_LATE)
            .unwrap();
        assert!(e.message.contains("2022年7月1日 晚于"), "{}", e.message);
    }

    #[test]
    fn days_count_calendar_days_in_beijing() {
        let a = parse_datetime("2022-06-29 23:00", false).unwrap();
        let b = parse_datetime("2022-06-30 18:00", false).unwrap();
        assert_eq!(days_left(&a, &b), 1);
    }
}
