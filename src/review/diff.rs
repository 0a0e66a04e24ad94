//! The revision comparison (修改对照表): both versions read as blocks of
//! plain text (headings, paragraphs, list items, table rows), the blocks
//! matched, and each changed block diffed by characters. Chinese has no
//! spaces between words: a diff by words would mark whole sentences.

use std::time::Duration;

use pulldown_cmark::{Event, Tag, TagEnd};
use similar::{Algorithm, DiffOp, DiffTag, TextDiff};

use crate::document::Document;

/// How a piece of text fares between the versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Same,
    Deleted,
    Inserted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seg {
    pub text: String,
    pub mark: Mark,
}

/// One block as text, and the section (heading index) it stands in.
#[derive(Debug, Clone)]
pub struct Block {
    pub text: String,
    /// Index into the document's headings of the heading this block is
    /// (or stands under); None before the first heading.
    pub section: Option<usize>,
    /// Heading level (1 for a chapter); 0 for a block that is no heading.
    pub level: usize,
    pub heading: bool,
    /// Byte offset of the block in its file.
    pub at: usize,
    /// For a table row: its table's header row (what the cells are).
    pub columns: Option<String>,
}

/// One changed block: its text before (deletions marked) and after
/// (insertions marked). A block added has no `before`; one removed no
/// `after`.
#[derive(Debug, Clone)]
pub struct Change {
    pub before: Vec<Seg>,
    pub after: Vec<Seg>,
    /// Both in one run of text, in reading order: what a tracked change
    /// shows (kept, deleted and inserted text interleaved).
    pub unified: Vec<Seg>,
    /// The block's heading level (0: not a heading).
    pub level: usize,
    /// For a table row: its table's header row.
    pub columns: Option<String>,
    /// The section of the revised document the change stands in.
    pub section: Option<usize>,
    pub heading: bool,
    /// Byte offset in the revised file (of the block after, or of the
    /// block the removed one stood before).
    pub at: usize,
}

/// The document's body as blocks of plain text, markup removed (the
/// reader of a comparison reads text, not `**`).
pub fn blocks(doc: &Document) -> Vec<Block> {
    let start = doc.body_start();
    let body = doc.body_text();
    let heading_starts: Vec<usize> = doc.body.headings.iter().map(|h| h.span.start).collect();
    let section_at = |at: usize| heading_starts.partition_point(|s| *s <= at).checked_sub(1);
    let mut out = Vec::new();
    // The open block: its text, where it began, whether a heading, and
    // the nesting depth it opened at.
    let mut open: Option<(String, usize, bool, usize)> = None;
    let level_at = |at: usize| {
        doc.body
            .headings
            .iter()
            .find(|h| h.span.start == at)
            .map_or(1, |h| h.level.max(1))
    };
    let mut depth = 0usize;
    let mut in_cell = false;
    // The current table's header row, and whether the open block is a
    // table's head (1) or body row (2).
    let mut columns: Option<String> = None;
    let mut row_kind = 0u8;
    let finish = |open: &mut Option<(String, usize, bool, usize)>,
                  out: &mut Vec<Block>,
                  columns: Option<String>| {
        if let Some((text, at, heading, _)) = open.take() {
            let text = text.trim().to_string();
            if !text.is_empty() {
                out.push(Block {
                    text,
                    section: section_at(at),
                    level: if heading { level_at(at) } else { 0 },
                    heading,
                    at,
                    columns,
                });
            }
        }
    };
    // As every view reads the body: CJK-friendly emphasis (`**一是……。**`
    // is bold, not asterisks), guidance left out.
    for (event, range) in crate::markdown::events(body) {
        let at = start + range.start;
        match event {
            Event::Start(tag) => {
                depth += 1;
                match tag {
                    Tag::Paragraph
                    | Tag::Heading { .. }
                    | Tag::Item
                    | Tag::TableHead
                    | Tag::TableRow
                    | Tag::CodeBlock(_)
                        if open.is_none() =>
                    {
                        let heading = matches!(tag, Tag::Heading { .. });
                        row_kind = match tag {
                            Tag::TableHead => 1,
                            Tag::TableRow => 2,
                            _ => 0,
                        };
                        open = Some((String::new(), at, heading, depth));
                    }
                    // A list inside an item: the item's own text is one
                    // block, each nested item another.
                    Tag::List(_) => finish(&mut open, &mut out, None),
                    Tag::Table(_) => columns = None,
                    Tag::TableCell => {
                        if let Some((t, ..)) = open.as_mut()
                            && in_cell
                        {
                            t.push_str(" | ");
                        }
                        in_cell = true;
                    }
                    Tag::Image { .. } => {
                        if let Some((t, ..)) = open.as_mut() {
                            t.push_str("［图：");
                        }
                    }
                    _ => {}
                }
            }
            Event::End(tag) => {
                if open.as_ref().is_some_and(|(_, _, _, d)| *d == depth) {
                    if row_kind == 1 {
                        columns = open.as_ref().map(|(t, ..)| t.trim().to_string());
                    }
                    let of_row = (row_kind == 2).then(|| columns.clone()).flatten();
                    finish(&mut open, &mut out, of_row);
                    row_kind = 0;
                }
                match tag {
                    TagEnd::TableHead | TagEnd::TableRow => in_cell = false,
                    TagEnd::Image => {
                        if let Some((t, ..)) = open.as_mut() {
                            t.push('］');
                        }
                    }
                    _ => {}
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((text, ..)) = open.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                // A line break inside a Chinese paragraph is no space.
                if let Some((text, ..)) = open.as_mut()
                    && text
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_ascii_alphanumeric())
                    && body[range.end..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric())
                {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
    finish(&mut open, &mut out, None);
    out
}

/// The front matter as blocks, one per field line (comments and blank
/// lines left out): what the cover and the tables made from the fields
/// (附表) print, compared as the body is.
pub fn field_blocks(doc: &Document) -> Vec<Block> {
    let Some(front) = doc.front.as_ref() else {
        return Vec::new();
    };
    let yaml = &doc.src.text[front.split.yaml.clone()];
    let mut at = front.split.yaml.start;
    let mut out = Vec::new();
    // The list item a line belongs to (`- name: 余热回收`): its indent and
    // its first value, so that `investment: 240` says whose it is.
    let mut item: Option<(usize, String)> = None;
    // The mapping keys above a line, with their indent.
    let mut parents: Vec<(usize, String)> = Vec::new();
    let fields = doc.kind().map_or(&[][..], |k| k.fields());
    for line in yaml.split_inclusive('\n') {
        let here = at;
        at += line.len();
        // The value without its trailing comment (a `#` after a space).
        let text = match line.find(" #") {
            Some(i) => &line[..i],
            None => line,
        };
        let text = text.trim_end();
        if text.trim().is_empty() || text.trim_start().starts_with('#') {
            continue;
        }
        let indent = text.len() - text.trim_start().len();
        let body = text.trim();
        if let Some(rest) = body.strip_prefix("- ") {
            let value = rest.split_once(':').map_or(rest, |(_, v)| v).trim();
            item = Some((indent, value.trim_matches(['"', '\'']).to_string()));
        } else if item.as_ref().is_some_and(|(i, _)| indent <= *i) {
            item = None;
        }
        // The key as the field's Chinese label (联系人姓名：周海燕, not
        // name: 周海燕), its path from the keys above it.
        let entry = body.strip_prefix("- ").unwrap_or(body);
        let dash = body.len() - entry.len();
        parents.retain(|(i, _)| *i < indent + dash);
        let labelled = entry.split_once(':').and_then(|(key, value)| {
            let key = key.trim();
            let path: String = parents
                .iter()
                .map(|(_, k)| k.as_str())
                .chain([key])
                .collect::<Vec<_>>()
                .join(".");
            if value.trim().is_empty() {
                parents.push((indent + dash, key.to_string()));
            }
            let spec = crate::document::schema::resolve(fields, &path)?;
            // Under a mapping, its label first (联系人 + 姓名); a list
            // item is named by its item already.
            let parent = path
                .rsplit_once('.')
                .filter(|_| item.is_none())
                .and_then(|(p, _)| crate::document::schema::resolve(fields, p))
                .map_or("", |p| p.label.as_str());
            Some(format!("{parent}{}：{}", spec.label, value.trim()))
        });
        let shown = labelled.unwrap_or_else(|| body.to_string());
        let text = match &item {
            Some((_, name)) if !body.starts_with("- ") && !name.is_empty() => {
                format!("{name}：{shown}")
            }
            _ => shown,
        };
        out.push(Block {
            text,
            section: None,
            level: 0,
            heading: false,
            at: here,
            columns: None,
        });
    }
    out
}

/// Longest a character diff may take per paragraph before it settles for
/// a coarser answer (a pathological pair, not a real paragraph).
const CHAR_DIFF_TIMEOUT: Duration = Duration::from_millis(100);

/// Every block that changed between `old` and `new`, in the revised
/// document's order.
pub fn compare(old: &[Block], new: &[Block]) -> Vec<Change> {
    diff_blocks(old, new, false)
}

/// The revised document whole, block by block, with the removed blocks
/// in their places: what a tracked-changes file shows.
pub fn walk(old: &[Block], new: &[Block]) -> Vec<Change> {
    diff_blocks(old, new, true)
}

/// What makes two blocks the same text: spaces (a Word file's full-width
/// space after 表1), a list number typed into the text (Word's `1．` where
/// Markdown has a list item) and a heading's number do not. A heading
/// renumbered because a section was inserted before it is the same
/// heading: the inserted section is the change (it showed as a rename).
fn key(block: &Block) -> String {
    let text = if block.heading {
        crate::text::split_heading_number(&block.text).1
    } else {
        strip_list_number(&block.text)
    };
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text after a list number typed at its start (`1．`, `2.`, `3、`);
/// a decimal (`1.5万吨`) is no list number.
fn strip_list_number(text: &str) -> &str {
    let t = text.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if (1..=2).contains(&digits)
        && t[digits..].starts_with(['.', '．', '、'])
        && !t[digits..]
            .chars()
            .nth(1)
            .is_some_and(|c| c.is_ascii_digit())
    {
        let mark = t[digits..].chars().next().map_or(1, char::len_utf8);
        t[digits + mark..].trim_start()
    } else {
        t
    }
}

fn diff_blocks(old: &[Block], new: &[Block], keep_equal: bool) -> Vec<Change> {
    let a: Vec<String> = old.iter().map(key).collect();
    let b: Vec<String> = new.iter().map(key).collect();
    let ops = similar::capture_diff_slices(Algorithm::Patience, &a, &b);
    // Each old heading's section in the revised document, where its
    // heading is kept: a block removed from the end of a section is shown
    // in that section, not in the one after.
    let mut moved: std::collections::HashMap<usize, usize> = Default::default();
    // Removed blocks: (index in `out`, their old section, the section of
    // the revised block before where they stood).
    let mut removed_at: Vec<(usize, Option<usize>, Option<usize>)> = Vec::new();
    let before = |new_index: usize| {
        new_index
            .checked_sub(1)
            .and_then(|k| new.get(k))
            .and_then(|b| b.section)
    };
    let mut out = Vec::new();
    // A removed block stands in the section of the block after it.
    let place = |new_index: usize| -> (Option<usize>, usize) {
        match new.get(new_index).or_else(|| new.last()) {
            Some(blk) => (blk.section, blk.at),
            None => (None, 0),
        }
    };
    for op in ops {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    let (o, n) = (&old[old_index + k], &new[new_index + k]);
                    if o.heading
                        && n.heading
                        && let (Some(os), Some(ns)) = (o.section, n.section)
                    {
                        moved.insert(os, ns);
                    }
                }
                if keep_equal {
                    for n in &new[new_index..new_index + len] {
                        let same = vec![Seg {
                            text: n.text.clone(),
                            mark: Mark::Same,
                        }];
                        out.push(Change {
                            before: same.clone(),
                            after: same.clone(),
                            unified: same,
                            level: n.level,
                            columns: n.columns.clone(),
                            section: n.section,
                            heading: n.heading,
                            at: n.at,
                        });
                    }
                }
            }
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => {
                for blk in &old[old_index..old_index + old_len] {
                    let (section, at) = place(new_index);
                    removed_at.push((out.len(), blk.section, before(new_index)));
                    out.push(removed(blk, section, at));
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for blk in &new[new_index..new_index + new_len] {
                    out.push(added(blk));
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let olds = &old[old_index..old_index + old_len];
                let news = &new[new_index..new_index + new_len];
                let mut j = 0;
                for (i, o) in olds.iter().enumerate() {
                    // Pair a block with the next revised one like it; the
                    // revised blocks passed over were added.
                    let pair = (j..news.len()).find(|&k| similar_enough(&o.text, &news[k].text));
                    match pair {
                        Some(k) => {
                            for n in &news[j..k] {
                                out.push(added(n));
                            }
                            if o.heading
                                && news[k].heading
                                && let (Some(os), Some(ns)) = (o.section, news[k].section)
                            {
                                moved.insert(os, ns);
                            }
                            out.push(changed(o, &news[k]));
                            j = k + 1;
                        }
                        None => {
                            let (section, at) = place(new_index + j.min(news.len()));
                            // The last old block of a run with revised ones
                            // left over pairs with the first of them.
                            if i + 1 == olds.len() && j < news.len() {
                                out.push(changed(o, &news[j]));
                                j += 1;
                            } else {
                                removed_at.push((out.len(), o.section, before(new_index + j)));
                                out.push(removed(o, section, at));
                            }
                        }
                    }
                }
                for n in &news[j..] {
                    out.push(added(n));
                }
            }
        }
    }
    for (i, section, prev) in removed_at {
        match section.and_then(|s| moved.get(&s)) {
            Some(&ns) => out[i].section = Some(ns),
            // Its heading went too: the section before where it stood.
            None => {
                if prev.is_some() {
                    out[i].section = prev;
                }
            }
        }
    }
    out
}

fn similar_enough(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.max(lb) > 4 * la.min(lb).max(1) {
        return false;
    }
    TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .timeout(CHAR_DIFF_TIMEOUT)
        .diff_chars(a, b)
        .ratio()
        >= 0.4
}

fn added(n: &Block) -> Change {
    let seg = vec![Seg {
        text: n.text.clone(),
        mark: Mark::Inserted,
    }];
    Change {
        before: Vec::new(),
        after: seg.clone(),
        unified: seg,
        level: n.level,
        columns: n.columns.clone(),
        section: n.section,
        heading: n.heading,
        at: n.at,
    }
}

fn removed(o: &Block, section: Option<usize>, at: usize) -> Change {
    let seg = vec![Seg {
        text: o.text.clone(),
        mark: Mark::Deleted,
    }];
    Change {
        before: seg.clone(),
        after: Vec::new(),
        unified: seg,
        level: o.level,
        columns: o.columns.clone(),
        section,
        heading: o.heading,
        at,
    }
}

fn changed(o: &Block, n: &Block) -> Change {
    // A list number Word typed into one side's text is no change.
    let (a, b) = if strip_list_number(&o.text).len() != o.text.trim_start().len()
        || strip_list_number(&n.text).len() != n.text.trim_start().len()
    {
        (strip_list_number(&o.text), strip_list_number(&n.text))
    } else {
        (o.text.as_str(), n.text.as_str())
    };
    let (before, after, unified) = char_diff(a, b);
    Change {
        before,
        after,
        unified,
        level: n.level.max(o.level),
        columns: n.columns.clone().or_else(|| o.columns.clone()),
        section: n.section,
        heading: n.heading || o.heading,
        at: n.at,
    }
}

/// A paragraph's units of comparison: a number, a code or a Latin word
/// whole (150 → 160 is one change, not 5 → 6), every other character
/// alone (Chinese has no spaces to split words at).
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '%' | '_');
    for (i, c) in text.char_indices() {
        if word(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(&text[s..i]);
        }
        out.push(&text[i..i + c.len_utf8()]);
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// Two texts diffed by characters: the old one with its deletions marked,
/// the new one with its insertions. An unchanged character alone between
/// two replacements is folded into them (`扩建为新建` reads better than a
/// change on each side of one kept character).
pub fn char_diff(old: &str, new: &str) -> (Vec<Seg>, Vec<Seg>, Vec<Seg>) {
    let (a, b) = (tokens(old), tokens(new));
    let deadline = std::time::Instant::now() + CHAR_DIFF_TIMEOUT;
    let found = similar::capture_diff_slices_deadline(Algorithm::Myers, &a, &b, Some(deadline));
    // (tag, old text, new text) per op.
    let mut ops: Vec<(DiffTag, String, String)> = found
        .iter()
        .map(|op| {
            let o: String = op.old_range().map(|i| a[i]).collect();
            let n: String = op.new_range().map(|i| b[i]).collect();
            (op.tag(), o, n)
        })
        .collect();
    for i in 1..ops.len().saturating_sub(1) {
        // Only between two replacements: a unit after a changed number
        // followed by an addition (9860→9868吨 + （…）) stays kept.
        if ops[i].0 == DiffTag::Equal
            && ops[i].1.chars().count() <= 1
            && ops[i - 1].0 == DiffTag::Replace
            && ops[i + 1].0 == DiffTag::Replace
        {
            ops[i].0 = DiffTag::Replace;
        }
    }
    let mut before: Vec<Seg> = Vec::new();
    let mut after: Vec<Seg> = Vec::new();
    let mut unified: Vec<Seg> = Vec::new();
    let push = |segs: &mut Vec<Seg>, text: &str, mark: Mark| {
        if text.is_empty() {
            return;
        }
        match segs.last_mut() {
            Some(last) if last.mark == mark => last.text.push_str(text),
            _ => segs.push(Seg {
                text: text.to_string(),
                mark,
            }),
        }
    };
    for (tag, o, n) in &ops {
        match tag {
            DiffTag::Equal => {
                push(&mut before, o, Mark::Same);
                push(&mut after, n, Mark::Same);
                push(&mut unified, n, Mark::Same);
            }
            _ => {
                push(&mut before, o, Mark::Deleted);
                push(&mut after, n, Mark::Inserted);
                push(&mut unified, o, Mark::Deleted);
                push(&mut unified, n, Mark::Inserted);
            }
        }
    }
    (before, after, unified)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> Document {
        crate::document::parse(
            "content/a.md",
            "a.md".into(),
            format!("---\nkind: pilot-plan\ntitle: 甲\n---\n{body}"),
            None,
        )
    }

    fn marked(segs: &[Seg]) -> String {
        segs.iter()
            .map(|s| match s.mark {
                Mark::Same => s.text.clone(),
                Mark::Deleted => format!("[-{}-]", s.text),
                Mark::Inserted => format!("{{+{}+}}", s.text),
            })
            .collect()
    }

    #[test]
    fn blocks_are_plain_text_under_their_heading() {
        let d = doc(
            "前言。\n\n# 一、总体要求\n\n园区**面积**12.5\n平方公里。\n\n- 甲项\n- 乙项\n\n| 项目 | 投资 |\n|---|---|\n| 余热 | 120 |\n",
        );
        let b = blocks(&d);
        let texts: Vec<&str> = b.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "前言。",
                "一、总体要求",
                "园区面积12.5平方公里。",
                "甲项",
                "乙项",
                "项目 | 投资",
                "余热 | 120"
            ]
        );
        assert_eq!(b[0].section, None);
        assert!(b[1].heading);
        assert_eq!(b[2].section, Some(0));
    }

    #[test]
    fn a_unit_after_a_changed_number_is_kept() {
        let (_, _, unified) = char_diff(
            "年产量9860吨，能耗下降。",
            "年产量9868吨（以统计报表为准），能耗下降。",
        );
        assert_eq!(
            marked(&unified),
            "年产量[-9860-]{+9868+}吨{+（以统计报表为准）+}，能耗下降。"
        );
    }

    #[test]
    fn a_changed_paragraph_is_marked_by_characters() {
        let (before, after, unified) = char_diff(
            "园区规划面积12.5平方公里。",
            "园区规划面积15.8平方公里，四至清楚。",
        );
        assert_eq!(
            marked(&unified),
            "园区规划面积[-12.5-]{+15.8+}平方公里{+，四至清楚+}。"
        );
        assert_eq!(marked(&before), "园区规划面积[-12.5-]平方公里。");
        assert_eq!(
            marked(&after),
            "园区规划面积{+15.8+}平方公里{+，四至清楚+}。"
        );
    }

    #[test]
    fn added_removed_and_changed_blocks_are_told_apart() {
        let old = doc("# 一、基础\n\n甲段不变。\n\n乙段将删除。\n\n丙段原文写法。\n");
        let new = doc("# 一、基础\n\n甲段不变。\n\n丙段修改后的写法。\n\n丁段是新增的。\n");
        let changes = compare(&blocks(&old), &blocks(&new));
        let shown: Vec<(String, String)> = changes
            .iter()
            .map(|c| (marked(&c.before), marked(&c.after)))
            .collect();
        assert_eq!(
            shown,
            [
                ("[-乙段将删除。-]".to_string(), String::new()),
                (
                    "丙段[-原文-]写法。".to_string(),
                    "丙段{+修改后的+}写法。".to_string()
                ),
                (String::new(), "{+丁段是新增的。+}".to_string()),
            ]
        );
        assert!(changes.iter().all(|c| c.section == Some(0)));
    }

    #[test]
    fn bold_closed_after_chinese_punctuation_is_bold_not_asterisks() {
        let d = doc("# 一、基础\n\n**一是蒸汽梯级利用不足。**园区现有热源3处。\n");
        let texts: Vec<String> = blocks(&d).into_iter().map(|b| b.text).collect();
        assert_eq!(
            texts,
            ["一、基础", "一是蒸汽梯级利用不足。园区现有热源3处。"]
        );
    }

    #[test]
    fn a_field_in_a_list_item_says_whose_it_is() {
        let d = |inv: &str| {
            crate::document::parse(
                "content/a.md",
                std::path::PathBuf::from("a.md"),
                format!(
                    "---\nkind: audit-report\ntitle: 甲\noptions:\n  - name: 余热回收\n    investment: {inv}\n  - name: 节水改造\n    investment: 12\ndate: 2022-06-01\n---\n\n# 一\n"
                ),
                None,
            )
        };
        let changes = compare(&field_blocks(&d("260")), &field_blocks(&d("240")));
        let shown: Vec<String> = changes.iter().map(|c| marked(&c.after)).collect();
        // Named by the option and by the field's label, not its YAML key.
        assert_eq!(shown, ["余热回收：投资：{+240+}"]);
        // A key after the list is nobody's item.
        let texts: Vec<String> = field_blocks(&d("1")).into_iter().map(|b| b.text).collect();
        let date = texts.iter().find(|t| t.contains("2022-06-01")).unwrap();
        assert!(
            !date.contains("节水改造") && !date.starts_with("date"),
            "{texts:?}"
        );
    }

    #[test]
    fn a_section_inserted_before_another_is_an_insertion_not_a_rename() {
        let old = doc("# 一、基础\n\n甲。\n\n## （四）原因分析\n\n乙。\n");
        let new = doc(
            "# 一、基础\n\n甲。\n\n## （四）审核重点能耗分析\n\n新增。\n\n## （五）原因分析\n\n乙。\n",
        );
        let shown: Vec<(String, String)> = compare(&blocks(&old), &blocks(&new))
            .iter()
            .map(|c| (marked(&c.before), marked(&c.after)))
            .collect();
        assert_eq!(
            shown,
            [
                (String::new(), "{+（四）审核重点能耗分析+}".to_string()),
                (String::new(), "{+新增。+}".to_string()),
            ]
        );
        // The same headings, numbered by hand in one and not in the other
        // (a Word file against its Markdown): no change.
        let typed = doc("# 一、基础\n\n甲。\n");
        let plain = doc("# 基础\n\n甲。\n");
        assert!(compare(&blocks(&typed), &blocks(&plain)).is_empty());
    }

    #[test]
    fn a_paragraph_removed_from_a_sections_end_stays_in_that_section() {
        let old = doc(
            "# 一、基础\n\n甲。\n\n乙段在本节末尾。\n\n# 二、目标\n\n丙。\n\n## （一）细目\n\n丁。\n\n# 三、内容\n\n戊。\n",
        );
        let new = doc("# 一、基础\n\n甲。\n\n# 二、目标\n\n丙。\n\n# 三、内容\n\n戊。\n");
        let changes = compare(&blocks(&old), &blocks(&new));
        let placed: Vec<(String, Option<usize>)> = changes
            .iter()
            .map(|c| (marked(&c.before), c.section))
            .collect();
        // 乙 in 一 (heading 0); the whole of 二（一） in 二 (heading 1),
        // not in 三 after them.
        assert_eq!(
            placed,
            [
                ("[-乙段在本节末尾。-]".to_string(), Some(0)),
                ("[-（一）细目-]".to_string(), Some(1)),
                ("[-丁。-]".to_string(), Some(1)),
            ]
        );
    }

    #[test]
    fn spacing_and_typed_list_numbers_are_no_change() {
        let old = doc("表1\u{3000}主要指标\n\n1．开展审核。\n\n2. 建立制度。\n");
        let new = doc("表1 主要指标\n\n1. 开展审核。\n2. 建立制度。\n");
        assert!(compare(&blocks(&old), &blocks(&new)).is_empty());
        let (before, after, _) = char_diff("投资3000万元", "投资3200万元");
        assert_eq!(
            (marked(&before), marked(&after)),
            ("投资[-3000-]万元".into(), "投资{+3200+}万元".into())
        );
    }

    #[test]
    fn identical_versions_have_no_changes() {
        let d = doc("# 一、基础\n\n甲。\n");
        assert!(compare(&blocks(&d), &blocks(&d)).is_empty());
    }
}
