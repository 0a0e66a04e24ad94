//! The official outline (编制大纲): missing, misplaced, duplicated, empty,
//! misnumbered and misnamed sections, and sections far too short.

use super::{Ctx, diag};
use crate::call::OutlineEntry;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::rule;
use crate::text::{NumberStyle, normalize_title, similarity};

/// How a heading matched an outline entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Match {
    pub entry: usize,
    pub exact: bool,
    pub score: f64,
}

/// Normalised title and aliases of each entry, computed once per level.
pub(crate) fn entry_names(entries: &[OutlineEntry]) -> Vec<Vec<String>> {
    entries.iter().map(|e| e.names().collect()).collect()
}

/// Whether a title is exactly an entry's title or alias (once normalised):
/// what import needs, without the fuzzy comparison of every entry.
pub(crate) fn exact_match(names: &[Vec<String>], title: &str) -> bool {
    // No outline title is long: skip the normalising of body paragraphs.
    if title.len() > 200 {
        return false;
    }
    let n = normalize_title(title);
    !n.is_empty() && names.iter().any(|entry| entry.contains(&n))
}

/// The best outline entry for a heading title, if any is close enough.
pub(crate) fn best_match(names: &[Vec<String>], title: &str) -> Option<Match> {
    best_match_among(names, title, |_| true)
}

/// Whether a heading names the section whose names are `names` itself,
/// not merely one like it: exactly one of its names, that name with other
/// joining words (试点方法和技术路线 for 试点方法及技术路线), or that name
/// shortened — its characters in order, at least half of them
/// (试点预期效益 for 试点预期产出成果及效益). A title that adds words to
/// a name (试点内容小结) or changes some (试点工作组织 for 试点工作内容)
/// names another section.
pub(crate) fn same_section(names: &[String], title: &str) -> bool {
    let n = normalize_title(title);
    if n.is_empty() {
        return false;
    }
    let strip =
        |s: &str| -> String { s.chars().filter(|c| !"及与和、的".contains(*c)).collect() };
    let bare = strip(&n);
    names.iter().any(|name| {
        if *name == n || strip(name) == bare {
            return true;
        }
        let len = bare.chars().count();
        let name_len = strip(name).chars().count();
        len >= 4 && 2 * len >= name_len && is_subsequence(&bare, &strip(name))
    })
}

/// Whether the characters of `short` appear in `long` in order.
fn is_subsequence(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|l| l == c))
}

/// The best entry for a heading title among those `allowed` admits.
fn best_match_among(
    names: &[Vec<String>],
    title: &str,
    allowed: impl Fn(usize) -> bool,
) -> Option<Match> {
    let n = normalize_title(title);
    if n.is_empty() {
        return None;
    }
    // An exact match of a title or alias wins outright.
    if let Some(i) = (0..names.len()).find(|&i| allowed(i) && names[i].contains(&n)) {
        return Some(Match {
            entry: i,
            exact: true,
            score: 1.0,
        });
    }
    let n_len = n.chars().count();
    let mut best: Option<Match> = None;
    for (i, entry) in names.iter().enumerate() {
        if !allowed(i) {
            continue;
        }
        for name in entry {
            let (score, exact) = if *name == n {
                (1.0, true)
            } else {
                let mut s = similarity(&n, name);
                let name_len = name.chars().count();
                let (short, long, short_len) = if n_len < name_len {
                    (&n, name, n_len)
                } else {
                    (name, &n, name_len)
                };
                if short_len >= 4 && long.contains(short.as_str()) {
                    s = s.max(0.8);
                }
                (s, false)
            };
            if score >= 0.6 && best.is_none_or(|b| score > b.score) {
                best = Some(Match {
                    entry: i,
                    exact,
                    score,
                });
            }
        }
    }
    best
}

pub fn check(ctx: &Ctx<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let top: Vec<usize> = doc.body.top().collect();
    check_level(doc, &ctx.call.outline, &top, None, 1, out);
}

fn check_level(
    doc: &Document,
    entries: &[OutlineEntry],
    headings: &[usize],
    parent: Option<usize>,
    level: usize,
    out: &mut Vec<Diagnostic>,
) {
    let hs = &doc.body.headings;
    numbering(doc, headings, level, out);

    // Each heading's best entry; the first heading for an entry keeps it.
    let mut owner: Vec<Option<usize>> = vec![None; entries.len()];
    let mut matched: Vec<(usize, Match)> = Vec::new();
    let names = entry_names(entries);
    for &h in headings {
        // A heading whose closest entry is already taken is a duplicate
        // only when it names that same section (its title or alias, or
        // that title shortened: 试点预期效益 for 试点预期产出成果及效益);
        // one merely like it (试点工作组织 beside 试点工作内容) is another
        // section: it takes a free entry it resembles, or none.
        let found = best_match(&names, &hs[h].title).and_then(|m| {
            if owner[m.entry].is_none() || same_section(&names[m.entry], &hs[h].title) {
                Some(m)
            } else {
                best_match_among(&names, &hs[h].title, |i| owner[i].is_none())
            }
        });
        let Some(m) = found else {
            if level == 1 {
                out.push(
                    diag(
                        rule::OUTLINE_UNKNOWN_SECTION,
                        Severity::Warning,
                        doc,
                        heading_line(doc, h),
                        format!("“{}”不是编制大纲中的一级章节", hs[h].text.trim()),
                    )
                    .with_label("大纲外的章节")
                    .with_help(format!(
                        "编制大纲的一级章节为：{}。如属补充内容，可并入相近章节或作为下级标题",
                        official_list(entries)
                    )),
                );
            }
            continue;
        };
        let e = &entries[m.entry];
        if let Some(first) = owner[m.entry] {
            out.push(
                diag(
                    rule::OUTLINE_DUPLICATE,
                    Severity::Error,
                    doc,
                    heading_line(doc, h),
                    format!("章节“{}”重复出现", e.title),
                )
                .with_label("重复")
                .with_help(format!(
                    "第 {} 行已有此章节，请合并两处内容",
                    doc.src.line_col(hs[first].span.start).0
                )),
            );
            continue;
        }
        owner[m.entry] = Some(h);
        matched.push((h, m));
        if !m.exact {
            out.push(
                diag(
                    rule::OUTLINE_TITLE_MISMATCH,
                    Severity::Warning,
                    doc,
                    heading_line(doc, h),
                    format!("标题“{}”与编制大纲的“{}”不一致", hs[h].title, e.title),
                )
                .with_label("与大纲措辞不同")
                .with_help(format!("改为大纲原文“{}”", e.title)),
            );
        }
    }

    // Order: keep the longest run in outline order, report the rest.
    let seq: Vec<usize> = matched.iter().map(|(_, m)| m.entry).collect();
    let keep = longest_increasing(&seq);
    for (i, (h, m)) in matched.iter().enumerate() {
        if keep.contains(&i) {
            continue;
        }
        let e = &entries[m.entry];
        let after = (0..m.entry).rev().find(|j| owner[*j].is_some());
        let help = match after {
            Some(j) => format!("按编制大纲，应放在“{}”之后", entries[j].title),
            None => "按编制大纲，应放在本级第一个".to_string(),
        };
        out.push(
            diag(
                rule::OUTLINE_ORDER,
                Severity::Error,
                doc,
                heading_line(doc, *h),
                format!("章节“{}”的位置与编制大纲顺序不符", e.title),
            )
            .with_label("顺序不对")
            .with_help(help),
        );
    }

    // Missing entries: point where they belong.
    let depth = headings
        .first()
        .map(|&h| hs[h].depth as usize)
        .or_else(|| parent.map(|p| hs[p].depth as usize + 1))
        .unwrap_or(1);
    for (i, e) in entries.iter().enumerate() {
        if owner[i].is_some() {
            continue;
        }
        let next = (i + 1..entries.len()).find_map(|j| owner[j]);
        let prev = (0..i).rev().find_map(|j| owner[j].map(|h| (j, h)));
        let span = match (next, parent) {
            (Some(h), _) => heading_line(doc, h),
            (None, Some(p)) => heading_line(doc, p),
            (None, None) => match prev {
                Some((_, h)) => heading_line(doc, h),
                None => doc
                    .body
                    .headings
                    .first()
                    .map_or_else(|| body_start(doc), |h| h.span.clone()),
            },
        };
        let number =
            NumberStyle::for_level(level).map_or(String::new(), |s| s.format(i as u32 + 1));
        let place = match (prev, parent) {
            (Some((j, _)), _) => format!("在“{}”之后", entries[j].title),
            (None, Some(p)) => format!("在“{}”之下", hs[p].title),
            (None, None) => "在正文开头".to_string(),
        };
        let what = if level == 1 {
            "一级章节"
        } else {
            "下级章节"
        };
        out.push(
            diag(
                rule::OUTLINE_MISSING_SECTION,
                Severity::Error,
                doc,
                span,
                format!("缺少编制大纲要求的{what}“{number}{}”", e.title),
            )
            .with_label("缺少的章节应在附近")
            .with_help(format!(
                "{place}添加：{} {number}{}（{}）",
                "#".repeat(depth.min(6)),
                e.title,
                e.guidance
            )),
        );
    }

    // Content of matched sections, then their subsections.
    for (h, m) in &matched {
        let e = &entries[m.entry];
        let total = doc.body.total_chars(*h);
        if total == 0 {
            out.push(
                diag(
                    rule::OUTLINE_EMPTY_SECTION,
                    Severity::Error,
                    doc,
                    heading_line(doc, *h),
                    format!("章节“{}”没有内容", e.title),
                )
                .with_label("空章节")
                .with_help(e.guidance.clone()),
            );
        } else if e.children.is_empty() && e.min_chars > 0 && total < e.min_chars / 2 {
            // Sections with subsections are judged through them.
            out.push(
                diag(
                    rule::CONTENT_THIN_SECTION,
                    Severity::Warning,
                    doc,
                    heading_line(doc, *h),
                    format!(
                        "章节“{}”只有 {total} 字，远少于建议的 {} 字",
                        e.title, e.min_chars
                    ),
                )
                .with_label("内容偏少")
                .with_help(format!("形式校核看内容详实性：{}", e.guidance)),
            );
        }
        if !e.children.is_empty() {
            let kids = hs[*h].children.clone();
            check_level(doc, &e.children, &kids, Some(*h), level + 1, out);
        }
    }
}

/// Authors' own numbers must match the style of the level and the
/// heading's position among its siblings.
fn numbering(doc: &Document, headings: &[usize], level: usize, out: &mut Vec<Diagnostic>) {
    let Some(style) = NumberStyle::for_level(level) else {
        return;
    };
    // Numbered as written (第一章, 1.1): the written numbers are kept and
    // checked for runs (`written_numbers`), not held to 一、（一）.
    if doc.body.numbers_as_written {
        return;
    }
    let level_zh = ["", "一级", "二级", "三级", "四级"][level.min(4)];
    // Every numbered heading of this level in one other style (二级标题
    // all “1.”): the author's consistent choice, said once, as a note.
    let at_level: Vec<usize> = (0..doc.body.headings.len())
        .filter(|&i| doc.body.headings[i].level == level && doc.body.headings[i].number.is_some())
        .collect();
    let uniform = at_level
        .first()
        .and_then(|&i| doc.body.headings[i].number.as_ref())
        .map(|n| n.style)
        .filter(|s| *s != style && at_level.len() >= 2)
        .filter(|s| {
            at_level.iter().all(|&i| {
                doc.body.headings[i]
                    .number
                    .as_ref()
                    .is_some_and(|n| n.style == *s)
            })
        });
    if let (Some(other), Some(&first)) = (uniform, at_level.first())
        && headings.contains(&first)
    {
        out.push(
            diag(
                rule::OUTLINE_NUMBERING,
                Severity::Info,
                doc,
                heading_line(doc, first),
                format!(
                    "{level_zh}标题都用“{}”式编号（方案通常用“{}”式）；排版时按位置编为“{}”“{}”……",
                    other.format(1),
                    style.format(1),
                    style.format(1),
                    style.format(2)
                ),
            )
            .with_help(format!(
                "要与印出的一致，可改为“{}”式，或删去手写编号",
                style.format(1)
            )),
        );
    }
    for (pos, &h) in headings.iter().enumerate() {
        let heading = &doc.body.headings[h];
        let Some(n) = &heading.number else { continue };
        let expected = style.format(pos as u32 + 1);
        // `n.len` counts bytes of the untrimmed heading text.
        let written = heading.text.get(..n.len).unwrap_or("").trim();
        if n.style != style && uniform != Some(n.style) {
            out.push(
                diag(
                    rule::OUTLINE_NUMBERING,
                    Severity::Warning,
                    doc,
                    heading_line(doc, h),
                    format!(
                        "{level_zh}标题应使用“{}”式编号，这里写的是“{}”",
                        style.format(1),
                        written.trim()
                    ),
                )
                .with_label("编号样式不对")
                .with_help(format!(
                    "改为“{expected}”，或删去手写编号（排版时按位置自动编号）"
                )),
            );
        } else if n.value as usize != pos + 1 {
            out.push(
                diag(
                    rule::OUTLINE_NUMBERING,
                    Severity::Warning,
                    doc,
                    heading_line(doc, h),
                    format!(
                        "编号“{}”与位置不符：这是第 {} 个{level_zh}标题",
                        written.trim(),
                        pos + 1
                    ),
                )
                .with_label("编号与位置不符")
                .with_help(format!(
                    "改为“{expected}”，或删去手写编号（排版时按位置自动编号）"
                )),
            );
        }
    }
}

/// The parts of a number as written: `第三章` → [3], `3.2.1` → [3, 2, 1];
/// None for other styles.
fn written_parts(doc: &Document, h: usize) -> Option<Vec<u32>> {
    let heading = &doc.body.headings[h];
    let n = heading.number.as_ref()?;
    if !crate::text::is_written_number(n, &heading.text) {
        return None;
    }
    if n.style != NumberStyle::Dotted {
        return Some(vec![n.value]);
    }
    let written = heading.text.get(..n.len)?.trim();
    written
        .split(['.', '．'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.chars()
                .map(crate::text::fold_width)
                .collect::<String>()
                .parse()
                .ok()
        })
        .collect()
}

/// `outline/numbering` in a report numbered as written (第一章, 1.1,
/// 1.1.1): each number follows the one before it among its siblings
/// (no number twice, none skipped), starts with its chapter's or
/// section's number, and has as many parts as its depth. One warning at
/// the heading that breaks the run, not one at every heading after it.
pub fn written_numbers(doc: &Document, out: &mut Vec<Diagnostic>) {
    if !doc.body.numbers_as_written {
        return;
    }
    let headings = &doc.body.headings;
    let roots: Vec<usize> = (0..headings.len())
        .filter(|&i| headings[i].parent.is_none())
        .collect();
    let mut groups: Vec<(Option<usize>, Vec<usize>)> = vec![(None, roots)];
    groups.extend(
        (0..headings.len())
            .filter(|&i| !headings[i].children.is_empty())
            .map(|i| (Some(i), headings[i].children.clone())),
    );
    let show = |p: &[u32]| p.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
    // Headings already warned about: their children are not also held
    // against a number that is itself wrong.
    let mut flagged = vec![false; headings.len()];
    for (parent, members) in groups {
        // The parent's parts, when it is numbered as written (and right).
        let prefix: Option<Vec<u32>> = parent
            .filter(|&p| !flagged[p])
            .and_then(|p| written_parts(doc, p));
        let mut prev: Option<Vec<u32>> = None;
        // Numbered siblings so far.
        let mut count: u32 = 0;
        for h in members {
            let Some(parts) = written_parts(doc, h) else {
                continue;
            };
            let chapter = headings[h]
                .number
                .as_ref()
                .is_some_and(|n| n.style != NumberStyle::Dotted);
            let written = headings[h]
                .text
                .get(..headings[h].number.as_ref().map_or(0, |n| n.len))
                .unwrap_or("")
                .trim()
                .to_string();
            let last = parts.last().copied().unwrap_or(0);
            let problem = match (&prefix, chapter) {
                // A dotted number under a numbered chapter or section.
                (Some(pre), false) if parts.len() != pre.len() + 1 => Some(format!(
                    "编号“{written}”的层级不对：它在“{}”之下，应有 {} 段数字",
                    show(pre),
                    pre.len() + 1
                )),
                (Some(pre), false) if parts[..pre.len()] != pre[..] => Some(format!(
                    "编号“{written}”不在它所属的“{}”之下：应以“{}.”开头",
                    show(pre),
                    show(pre)
                )),
                _ => None,
            }
            .or_else(|| {
                // Wrong only when it is neither its place among its
                // siblings nor the one after the number before it: a
                // skipped or doubled number is one warning, not a run.
                let position = count + 1;
                let after_prev = prev
                    .as_ref()
                    .map_or(1, |p| p.last().copied().unwrap_or(0) + 1);
                let same_shape = prev.as_ref().is_none_or(|p| p.len() == parts.len());
                // The number at `v`, written as the author writes it.
                let as_written = |v: u32| {
                    if chapter {
                        let unit =
                            written
                                .trim_start_matches('第')
                                .trim_start_matches(|c: char| {
                                    crate::text::parse_cn_numeral(&c.to_string()).is_some()
                                        || c == '十'
                                        || c.is_ascii_digit()
                                });
                        // In the author's digits: 第2章 or 第二章.
                        if written.contains(|c: char| c.is_ascii_digit()) {
                            format!("第{v}{unit}")
                        } else {
                            format!("第{}{unit}", crate::text::cn_numeral(v))
                        }
                    } else {
                        let mut p = parts.clone();
                        if let Some(l) = p.last_mut() {
                            *l = v;
                        }
                        show(&p)
                    }
                };
                let unit = if chapter { "章" } else { "节" };
                if !same_shape || last == position || last == after_prev {
                    return None;
                }
                let shown_prev = prev.as_ref().map(|p| {
                    if chapter {
                        as_written(p.last().copied().unwrap_or(0))
                    } else {
                        show(p)
                    }
                });
                Some(match shown_prev {
                    Some(_) if prev.as_ref() == Some(&parts) => format!(
                        "编号“{written}”与上一{unit}重复，按位置这里应为“{}”",
                        as_written(position)
                    ),
                    Some(pw) => format!(
                        "编号“{written}”不连续：上一{unit}是“{pw}”，按位置这里应为“{}”",
                        as_written(position)
                    ),
                    None => format!("编号“{written}”不连续：第一个应为“{}”", as_written(1)),
                })
            });
            if let Some(message) = problem {
                flagged[h] = true;
                out.push(
                    diag(
                        rule::OUTLINE_NUMBERING,
                        Severity::Warning,
                        doc,
                        heading_line(doc, h),
                        message,
                    )
                    .with_label("编号")
                    .with_help("报告按章节编号（第一章，1.1，1.1.1）时，同级标题依次编号、不重复不跳号，节号以所属章号开头：核对这一处和前后几节"),
                );
            }
            if prev.as_ref().is_none_or(|p| p.len() == parts.len()) {
                count += 1;
            }
            prev = Some(parts);
        }
    }
}

fn heading_line(doc: &Document, h: usize) -> std::ops::Range<usize> {
    let span = &doc.body.headings[h].span;
    let line = doc.src.line_index(span.start);
    let r = doc.src.line_range(line);
    r.start.max(span.start)..r.end
}

fn body_start(doc: &Document) -> std::ops::Range<usize> {
    let start = doc.body_start();
    start..start
}

fn official_list(entries: &[OutlineEntry]) -> String {
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{}{}", NumberStyle::CnComma.format(i as u32 + 1), e.title))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Indices into `seq` of one longest strictly increasing subsequence.
fn longest_increasing(seq: &[usize]) -> Vec<usize> {
    let n = seq.len();
    let mut len = vec![1usize; n];
    let mut prev = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            if seq[j] < seq[i] && len[j] + 1 > len[i] {
                len[i] = len[j] + 1;
                prev[i] = j;
            }
        }
    }
    let Some(mut i) = (0..n).max_by_key(|&i| (len[i], std::cmp::Reverse(i))) else {
        return Vec::new();
    };
    let mut out = vec![i];
    while prev[i] != usize::MAX {
        i = prev[i];
        out.push(i);
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::rule;

    fn with_body(body: &str) -> Vec<Diagnostic> {
        Fixture::new().check(&format!("{GOOD_FRONT}{body}"))
    }

    fn count(d: &[Diagnostic], rule: crate::rule::RuleId) -> usize {
        d.iter().filter(|x| x.rule == rule).count()
    }

    #[test]
    fn complete_outline_passes_in_every_numbering_style() {
        let plain = good_body()
            .replace("# 一、", "# ")
            .replace("## （一）", "## (一)");
        for body in [good_body(), plain] {
            let d = with_body(&body);
            for r in [
                rule::OUTLINE_MISSING_SECTION,
                rule::OUTLINE_ORDER,
                rule::OUTLINE_NUMBERING,
                rule::OUTLINE_TITLE_MISMATCH,
                rule::OUTLINE_UNKNOWN_SECTION,
                rule::OUTLINE_DUPLICATE,
                rule::OUTLINE_EMPTY_SECTION,
                rule::CONTENT_THIN_SECTION,
            ] {
                assert_eq!(count(&d, r), 0, "{r}: {d:#?}");
            }
        }
    }

    #[test]
    fn missing_section_is_reported_where_it_belongs() {
        let body = good_body();
        let start = body.find("# 三、试点工作目标").unwrap();
        let end = body.find("# 四、").unwrap();
        let body = format!("{}{}", &body[..start], &body[end..]);
        let d = with_body(&body);
        let m: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::OUTLINE_MISSING_SECTION)
            .collect();
        assert_eq!(m.len(), 1, "{d:#?}");
        assert!(m[0].message.contains("三、试点工作目标"));
        assert!(m[0].help.as_ref().unwrap().contains("在“试点基础”之后"));
        // The numbers after the gap now disagree with their position.
        assert!(count(&d, rule::OUTLINE_NUMBERING) >= 1);
    }

    #[test]
    fn missing_subsection_points_at_its_parent() {
        let body = good_body().replace("## （二）试点对象产业概况", "## （二）其他情况");
        let d = with_body(&body);
        let m = d
            .iter()
            .find(|x| x.rule == rule::OUTLINE_MISSING_SECTION)
            .unwrap();
        assert!(m.message.contains("（二）试点对象产业概况"), "{m:?}");
    }

    #[test]
    fn order_duplicate_and_unknown() {
        let body = good_body();
        let a = body.find("# 六、").unwrap();
        let b = body.find("# 七、").unwrap();
        // Swap sections 6 and 7.
        let swapped = format!("{}{}{}", &body[..a], &body[b..], &body[a..b]);
        let d = with_body(&swapped);
        assert_eq!(count(&d, rule::OUTLINE_ORDER), 1, "{d:#?}");

        let dup = format!(
            "{body}# 八、试点工作目标\n\n重复的内容写在这里。\n\n# 九、附则\n\n说明文字。\n"
        );
        let d = with_body(&dup);
        assert_eq!(count(&d, rule::OUTLINE_DUPLICATE), 1);
        assert_eq!(count(&d, rule::OUTLINE_UNKNOWN_SECTION), 1);
    }

    #[test]
    fn empty_and_thin_sections() {
        let body = good_body();
        let s = body.find("# 五、").unwrap();
        let e = body.find("# 六、").unwrap();
        let emptied = format!(
            "{}# 五、试点工作特色及主要创新点\n\n{}",
            &body[..s],
            &body[e..]
        );
        let d = with_body(&emptied);
        assert_eq!(count(&d, rule::OUTLINE_EMPTY_SECTION), 1, "{d:#?}");
        let thin = format!(
            "{}# 五、试点工作特色及主要创新点\n\n创新点较少。\n\n{}",
            &body[..s],
            &body[e..]
        );
        let d = with_body(&thin);
        assert_eq!(count(&d, rule::CONTENT_THIN_SECTION), 1);
        assert_eq!(count(&d, rule::OUTLINE_EMPTY_SECTION), 0);
    }

    #[test]
    fn numbering_that_disagrees_with_position() {
        let body = good_body().replace("# 二、试点基础", "# 三、试点基础");
        let d = with_body(&body);
        let n: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::OUTLINE_NUMBERING)
            .collect();
        assert_eq!(n.len(), 1, "{d:#?}");
        assert!(n[0].help.as_ref().unwrap().contains("二、"));
        let wrong_style =
            good_body().replace("## （一）试点对象范围与区位", "## 1.试点对象范围与区位");
        assert_eq!(count(&with_body(&wrong_style), rule::OUTLINE_NUMBERING), 1);
    }

    #[test]
    fn near_titles_are_matched_with_a_warning() {
        let body = good_body().replace("试点工作特色及主要创新点", "试点工作特色和主要创新点");
        let d = with_body(&body);
        let w: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::OUTLINE_TITLE_MISMATCH)
            .collect();
        assert_eq!(w.len(), 1, "{d:#?}");
        assert!(
            w[0].help
                .as_ref()
                .unwrap()
                .contains("试点工作特色及主要创新点")
        );
        assert_eq!(count(&d, rule::OUTLINE_MISSING_SECTION), 0);
    }

    #[test]
    fn lis_keeps_the_longest_run() {
        assert_eq!(
            longest_increasing(&[0, 1, 2, 5, 3, 4, 6]),
            vec![0, 1, 2, 4, 5, 6]
        );
        assert_eq!(longest_increasing(&[]), Vec::<usize>::new());
    }
}

#[cfg(test)]
mod edge_tests {
    use super::super::testutil::*;
    use crate::rule;

    #[test]
    fn numbers_after_a_full_width_space_do_not_panic() {
        let body = good_body().replace("# 二、试点基础", "# \u{3000}1.éé试点基础");
        let d = Fixture::new().check(&format!("{GOOD_FRONT}{body}"));
        let n = d
            .iter()
            .find(|x| x.rule == rule::OUTLINE_NUMBERING)
            .unwrap();
        assert!(n.message.contains("“1.”"), "{n:?}");
    }
}
