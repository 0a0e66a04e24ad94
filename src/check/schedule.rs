//! `date/schedule`: the months a plan's schedule names (in its 实施计划 /
//! 进度安排 sections, text and tables) fall inside the pilot period the
//! call sets. Past the end is an error; before the start, or a schedule
//! longer than a period given only as a duration, is a warning. A call
//! that sets no period is not checked.

use crate::rule;
use std::ops::Range;

use super::{Ctx, diag};
use crate::call::PilotPeriod;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::text::normalize_title;

/// A month named in the text: (year, month) and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MonthMention {
    pub year: i32,
    pub month: u32,
    pub span: Range<usize>,
}

fn zh_month(y: i32, m: u32) -> String {
    format!("{y}年{m}月")
}

pub fn check(ctx: &Ctx<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let Some(period) = &ctx.call.pilot_period else {
        return;
    };
    let mentions: Vec<MonthMention> = schedule_ranges(doc, period)
        .into_iter()
        .flat_map(|r| {
            let text = doc.src.text.get(r.clone()).unwrap_or("");
            months_in(text, r.start)
        })
        .collect();
    if mentions.is_empty() {
        return;
    }
    let (start, end) = period.bounds();
    let words = if period.text.is_empty() {
        String::new()
    } else {
        format!("（通知：{}）", period.text)
    };
    let range_zh = match (start, end) {
        (Some(s), Some(e)) => format!("{}—{}", zh_month(s.0, s.1), zh_month(e.0, e.1)),
        (Some(s), None) => format!("{}起", zh_month(s.0, s.1)),
        (None, Some(e)) => format!("{}止", zh_month(e.0, e.1)),
        (None, None) => String::new(),
    };
    for m in &mentions {
        let ym = (m.year, m.month);
        let written = doc.src.text.get(m.span.clone()).unwrap_or("");
        if let Some(e) = end
            && ym > e
        {
            out.push(
                diag(
                    rule::DATE_SCHEDULE,
                    Severity::Error,
                    doc,
                    m.span.clone(),
                    format!(
                        "进度安排中的“{written}”晚于试点期结束（{}）{words}",
                        zh_month(e.0, e.1)
                    ),
                )
                .with_label(format!("试点期 {range_zh}"))
                .with_help("试点工作须在试点期内完成：调整进度安排，把这项工作提前到试点期内"),
            );
        } else if let Some(s) = start
            && ym < s
        {
            out.push(
                diag(
                    rule::DATE_SCHEDULE,
                    Severity::Warning,
                    doc,
                    m.span.clone(),
                    format!(
                        "进度安排中的“{written}”早于试点期开始（{}）{words}",
                        zh_month(s.0, s.1)
                    ),
                )
                .with_label(format!("试点期 {range_zh}"))
                .with_help("进度安排应从试点期开始；已完成的前期工作写在“试点基础”中"),
            );
        }
    }
    // A period given only as a duration: the schedule's span.
    if let (None, None, Some(months)) = (start, end, period.months) {
        let idx = |m: &MonthMention| m.year as i64 * 12 + m.month as i64 - 1;
        let (Some(first), Some(last)) = (
            mentions.iter().min_by_key(|m| idx(m)),
            mentions.iter().max_by_key(|m| idx(m)),
        ) else {
            return;
        };
        let span = idx(last) - idx(first) + 1;
        if span > months as i64 {
            out.push(
                diag(
                    rule::DATE_SCHEDULE,
                    Severity::Warning,
                    doc,
                    last.span.clone(),
                    format!(
                        "进度安排从{}到{}，跨 {span} 个月，超过试点期 {months} 个月{words}",
                        zh_month(first.year, first.month),
                        zh_month(last.year, last.month)
                    ),
                )
                .with_help("压缩进度安排，使全部工作在试点期内完成"),
            );
        }
    }
}

/// Byte ranges of the sections holding the schedule: a heading whose
/// title contains one of the period's section words, up to the next
/// heading of the same or a higher level.
fn schedule_ranges(doc: &Document, period: &PilotPeriod) -> Vec<Range<usize>> {
    let words: Vec<String> = period.sections.iter().map(|w| normalize_title(w)).collect();
    let heads = &doc.body.headings;
    let mut out: Vec<Range<usize>> = Vec::new();
    for (i, h) in heads.iter().enumerate() {
        let t = normalize_title(&h.title);
        if !words
            .iter()
            .any(|w| !w.is_empty() && t.contains(w.as_str()))
        {
            continue;
        }
        // Inside a section already taken.
        if out.last().is_some_and(|r| r.end > h.span.start) {
            continue;
        }
        let end = heads[i + 1..]
            .iter()
            .find(|n| n.level <= h.level)
            .map_or(doc.src.text.len(), |n| n.span.start);
        out.push(h.span.end.min(end)..end);
    }
    out
}

/// Months named in `text` (which starts at byte `at` of the file):
/// `2022年9月`, `2022年9月15日`, `2022.09`, `2022-09`, `2022/9`,
/// `2023年底`; a bare `12月` after a dated month on the same line takes
/// that year (`2022年9月—12月`) when it does not go back.
pub(crate) fn months_in(text: &str, at: usize) -> Vec<MonthMention> {
    let b = text.as_bytes();
    let mut out: Vec<MonthMention> = Vec::new();
    let digits_at = |i: usize, max: usize| -> usize {
        let mut e = i;
        while e < b.len() && b[e].is_ascii_digit() && e - i < max {
            e += 1;
        }
        e
    };
    // The year last named on the current line, and the month after it.
    let mut line_year: Option<(i32, u32)> = None;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' {
            line_year = None;
            i += 1;
            continue;
        }
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let d_end = digits_at(i, 5);
        let n: u32 = text[i..d_end].parse().unwrap_or(0);
        let rest = &text[d_end..];
        if d_end - i == 4 && (2000..=2100).contains(&n) {
            let year = n as i32;
            // 2022年9月 / 2022年底
            if let Some(r) = rest.strip_prefix('年') {
                let m_at = d_end + '年'.len_utf8();
                if r.starts_with("底") || r.starts_with("年底") || r.starts_with("末") {
                    let len = if r.starts_with("年底") { 2 } else { 1 };
                    let end = m_at + len * '底'.len_utf8();
                    out.push(MonthMention {
                        year,
                        month: 12,
                        span: at + i..at + end,
                    });
                    line_year = Some((year, 12));
                    i = end;
                    continue;
                }
                let m_end = digits_at(m_at, 2);
                if m_end > m_at && text[m_end..].starts_with('月') {
                    let month: u32 = text[m_at..m_end].parse().unwrap_or(0);
                    let mut end = m_end + '月'.len_utf8();
                    let day_end = digits_at(end, 2);
                    if day_end > end && text[day_end..].starts_with('日') {
                        end = day_end + '日'.len_utf8();
                    }
                    if (1..=12).contains(&month) {
                        out.push(MonthMention {
                            year,
                            month,
                            span: at + i..at + end,
                        });
                        line_year = Some((year, month));
                    }
                    i = end;
                    continue;
                }
                line_year = None;
                i = m_at;
                continue;
            }
            // 2022.09 / 2022-09 / 2022/9 (not 2022-2023, not 2022.5万)
            if let Some(sep) = rest.chars().next()
                && matches!(sep, '.' | '-' | '/')
            {
                let m_at = d_end + 1;
                let m_end = digits_at(m_at, 3);
                let len = m_end - m_at;
                let after = &text[m_end..];
                let month: u32 = text[m_at..m_end].parse().unwrap_or(0);
                let unit_follows = after.starts_with(|c: char| {
                    !(c.is_whitespace()
                        || c.is_ascii_punctuation()
                        || crate::text::is_punct(c)
                        || c == '—'
                        || c == '至'
                        || c == '到'
                        || c == '|')
                });
                if (1..=2).contains(&len) && (1..=12).contains(&month) && !unit_follows {
                    // A full date (2022-09-15) keeps its day in the span.
                    let mut end = m_end;
                    if let Some(r) = after.strip_prefix(sep) {
                        let d_end2 = digits_at(m_end + 1, 2);
                        if d_end2 > m_end + 1
                            && !r[d_end2 - m_end - 1..].starts_with(|c: char| c.is_ascii_digit())
                        {
                            end = d_end2;
                        }
                    }
                    out.push(MonthMention {
                        year,
                        month,
                        span: at + i..at + end,
                    });
                    line_year = Some((year, month));
                    i = end;
                    continue;
                }
            }
            i = d_end;
            continue;
        }
        // A bare month (12月) continuing a dated one on the line.
        if (1..=2).contains(&(d_end - i))
            && rest.starts_with('月')
            && !(i > 0 && text[..i].ends_with('年'))
            && let Some((year, prev)) = line_year
            && (1..=12).contains(&n)
            && n >= prev
        {
            let end = d_end + '月'.len_utf8();
            out.push(MonthMention {
                year,
                month: n,
                span: at + i..at + end,
            });
            line_year = Some((year, n));
            i = end;
            continue;
        }
        i = d_end.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::call::PilotPeriod;

    fn months(t: &str) -> Vec<(i32, u32, String)> {
        months_in(t, 0)
            .into_iter()
            .map(|m| (m.year, m.month, t[m.span].to_string()))
            .collect()
    }

    #[test]
    fn months_are_read_as_schedules_write_them() {
        assert_eq!(
            months("2022年9月—12月完成调研；2023年1月15日评估"),
            vec![
                (2022, 9, "2022年9月".into()),
                (2022, 12, "12月".into()),
                (2023, 1, "2023年1月15日".into())
            ]
        );
        assert_eq!(
            months("| 2022.10—2023.08 | 2023-06-30 | 2023年底 |"),
            vec![
                (2022, 10, "2022.10".into()),
                (2023, 8, "2023.08".into()),
                (2023, 6, "2023-06-30".into()),
                (2023, 12, "2023年底".into())
            ]
        );
        // Years alone, ranges of years, amounts: no month.
        assert!(months("2022—2025年，2022-2023年度，产值2022.5万元，共12月").is_empty());
        // A bare month that goes back is not guessed.
        assert_eq!(months("2022年11月—3月").len(), 1);
    }

    fn plan_with_schedule(schedule: &str) -> String {
        good_plan().replace(
            "# 六、试点项目实施计划\n\n",
            &format!("# 六、试点项目实施计划\n\n{schedule}\n\n"),
        )
    }

    fn found(f: &Fixture, text: &str) -> Vec<Diagnostic> {
        f.check(text)
            .into_iter()
            .filter(|d| d.rule == rule::DATE_SCHEDULE)
            .collect()
    }

    #[test]
    fn a_schedule_outside_the_period_is_reported_at_its_month() {
        let mut f = Fixture::new();
        f.call.pilot_period = Some(PilotPeriod {
            start: Some("2022-09".into()),
            end: None,
            months: Some(12),
            sections: vec!["实施计划".into()],
            text: "试点期原则上为1年".into(),
        });
        let inside = plan_with_schedule("2022年9月—12月完成诊断，2023年8月底前验收。");
        assert!(found(&f, &inside).is_empty(), "{:#?}", found(&f, &inside));
        let late = plan_with_schedule("2022年9月启动，2023年12月完成验收。");
        let d = found(&f, &late);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Error);
        assert!(
            d[0].message
                .contains("“2023年12月”晚于试点期结束（2023年8月）"),
            "{}",
            d[0].message
        );
        assert!(d[0].message.contains("试点期原则上为1年"));
        let line = late.lines().position(|l| l.contains("2023年12月")).unwrap() + 1;
        assert_eq!(d[0].line, Some(line));
        let early = plan_with_schedule("2022年6月开展前期调研。");
        let d = found(&f, &early);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Warning);
        // Dates elsewhere in the plan are not the schedule.
        let background = good_plan().replace(
            "# 一、试点对象基本概况\n\n",
            "# 一、试点对象基本概况\n\n园区2019年6月获批，2024年3月到期。\n\n",
        );
        assert!(found(&f, &background).is_empty());
    }

    #[test]
    fn a_duration_bounds_the_schedules_span_and_no_period_checks_nothing() {
        let mut f = Fixture::new();
        let sched = plan_with_schedule("2022年9月启动，2024年3月验收。");
        assert!(found(&f, &sched).is_empty());
        f.call.pilot_period = Some(PilotPeriod {
            start: None,
            end: None,
            months: Some(12),
            sections: vec!["实施计划".into()],
            text: String::new(),
        });
        let d = found(&f, &sched);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].message.contains("跨 19 个月"), "{}", d[0].message);
        assert!(found(&f, &plan_with_schedule("2022年9月启动，2023年8月验收。")).is_empty());
    }
}
