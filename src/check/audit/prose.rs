//! Reading sentences of a report: where a sentence starts and ends, whether
//! it affirms or denies, the figures stated after a keyword, whether it
//! states a quantity.

use std::ops::Range;

/// Warn for each item none of whose words appears in the headings or text.
/// Words that say a thing was not done, in the sentence that names it.
pub(super) const NEGATIONS: [&str; 10] = [
    "未开展",
    "尚未",
    "没有",
    "未建立",
    "未进行",
    "暂未",
    "未做",
    "未确定",
    "未能",
    "无法",
];

pub(super) const SENTENCE_ENDS: [char; 3] = ['。', '；', '\n'];

/// Where the sentence holding byte `i` of `body` starts (at its
/// preceding 。；or line end) and ends.
pub(crate) fn sentence_start(body: &str, i: usize) -> usize {
    body[..i].rfind(SENTENCE_ENDS).unwrap_or(0)
}

pub(super) fn sentence_end(body: &str, i: usize) -> usize {
    body[i..].find(SENTENCE_ENDS).map_or(body.len(), |k| i + k)
}

/// The sentences (split at 。；！？ and line ends) of the body in which a
/// clause (split at commas) names one of `words` without saying it was
/// not done.
pub(super) fn affirmed<'a>(body: &'a str, words: &[String]) -> Vec<&'a str> {
    affirmed_listed(body, words, &[])
}

/// As `affirmed`, with enumerations that share a head expanded first
/// (`建立物料、能量和水平衡` names 物料平衡, 能量平衡 and 水平衡 when 平衡
/// is one of `heads`). A word may hold `…`: its parts in order, at most
/// `GAP` characters apart within the clause (`审核…重点` is 审核重点 and
/// 本轮审核的重点). An occurrence is denied by a negation (尚未, 没有 …)
/// in the part of its clause it stands in (parts split at 、; an expanded
/// enumeration is one part: “尚未建立物料、能量和水平衡” denies all three).
pub(super) fn affirmed_listed<'a>(
    body: &'a str,
    words: &[String],
    heads: &[String],
) -> Vec<&'a str> {
    body.split(['。', '；', '！', '？', '\n'])
        .filter(|s| {
            s.split(['，', ','])
                .any(|clause| clause_affirms(&expand_enumerations(clause, heads), words))
        })
        .collect()
}

fn clause_affirms(clause: &str, words: &[String]) -> bool {
    words.iter().any(|w| {
        find_word(clause, w).into_iter().any(|r| {
            let from = clause[..r.start]
                .rfind('、')
                .map_or(0, |k| k + '、'.len_utf8());
            let to = clause[r.end..]
                .find('、')
                .map_or(clause.len(), |k| r.end + k);
            !NEGATIONS.iter().any(|n| clause[from..to].contains(n))
        })
    })
}

/// The most characters a word's `…` stands for.
pub(super) const GAP: usize = 4;

/// Where `word` occurs in `text`: its plain text, or (with `…`) its parts
/// in order, each at most `GAP` characters after the one before, with no
/// comma or sentence end between.
pub(super) fn find_word(text: &str, word: &str) -> Vec<Range<usize>> {
    let parts: Vec<&str> = word.split('…').filter(|p| !p.is_empty()).collect();
    let Some((first, rest)) = parts.split_first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    'occurrence: for (i, _) in text.match_indices(first) {
        let mut end = i + first.len();
        for part in rest {
            let mut found = None;
            for (n, (k, c)) in text[end..].char_indices().enumerate() {
                if text[end + k..].starts_with(part) {
                    found = Some(end + k + part.len());
                    break;
                }
                if n >= GAP || matches!(c, '，' | ',' | '。' | '；' | '！' | '？' | '\n') {
                    break;
                }
            }
            match found {
                Some(e) => end = e,
                None => continue 'occurrence,
            }
        }
        out.push(i..end);
    }
    out
}

/// Whether `text` holds `word` (with `…` as in `find_word`).
pub(super) fn names_word(text: &str, word: &str) -> bool {
    !find_word(text, word).is_empty()
}

/// The heads an enumeration of the items' words may share: the last two
/// characters that words of two or more items end with (平衡 of 物料平衡,
/// 能量平衡, 水平衡; none among the audit stages).
pub(crate) fn shared_heads(items: &[crate::call::Mention]) -> Vec<String> {
    let suffix = |w: &str| -> Option<String> {
        let cs: Vec<char> = w.chars().collect();
        (cs.len() >= 3).then(|| cs[cs.len() - 2..].iter().collect())
    };
    let mut heads: Vec<String> = Vec::new();
    for item in items {
        for h in item.words.iter().filter_map(|w| suffix(w)) {
            let others = items
                .iter()
                .filter(|o| {
                    o.words
                        .iter()
                        .any(|w| suffix(w).as_deref() == Some(h.as_str()))
                })
                .count();
            if others >= 2 && !heads.contains(&h) {
                heads.push(h);
            }
        }
    }
    heads
}

/// Words that join the items of an enumeration; 以及 before 及.
const JOINS: [&str; 6] = ["、", "以及", "和", "与", "及", "或"];

/// The most characters an item of an enumeration has before its head
/// (物料, 原辅材料): a longer one is a clause of its own.
const ITEM: usize = 4;

/// A clause with its enumerations sharing a head written out: `建立物料、
/// 能量和水平衡` → `建立物料平衡/能量平衡和水平衡`, `物料、水、能量平衡` →
/// `物料平衡/水平衡/能量平衡`. The 、 within an enumeration becomes `/`, so
/// that the enumeration is one part of its clause. Items are short (at most
/// `ITEM` characters before the head), but the first may carry what comes
/// before it in the clause (建立物料); an item that already has its head
/// keeps it.
pub(super) fn expand_enumerations(clause: &str, heads: &[String]) -> String {
    let mut out = clause.to_string();
    if heads.is_empty() {
        return out;
    }
    let mut at: Vec<(usize, &str)> = heads
        .iter()
        .flat_map(|h| clause.match_indices(h.as_str()))
        .collect();
    at.sort_unstable_by_key(|a| std::cmp::Reverse(a.0));
    // Rightmost first, so a rewrite leaves what stands before it in place;
    // a head within an enumeration already written out is skipped.
    let mut done_from = clause.len();
    for (p, head) in at {
        let e = p + head.len();
        if e > done_from {
            continue;
        }
        // Items right to left: (start, end of the stem, has its head,
        // the join after it).
        let mut items: Vec<(usize, usize, bool, &str)> = Vec::new();
        let (mut end, mut has_head, mut join_after) = (p, true, "");
        loop {
            // Back to the join before this item, or to a mark or the start.
            let mut start = 0;
            let mut join: Option<(usize, &str)> = None;
            for (k, c) in clause[..end].char_indices().rev() {
                if let Some(j) = JOINS
                    .iter()
                    .find(|j| clause[..k + c.len_utf8()].ends_with(**j))
                {
                    let js = k + c.len_utf8() - j.len();
                    join = Some((js, j));
                    start = k + c.len_utf8();
                    break;
                }
                if crate::text::is_punct(c) || c.is_whitespace() {
                    start = k + c.len_utf8();
                    break;
                }
            }
            items.push((start, end, has_head, join_after));
            let stem = clause[start..end].chars().count();
            let member = (1..=ITEM).contains(&stem)
                && !NEGATIONS.iter().any(|n| clause[start..end].contains(n));
            let Some((js, j)) = join else { break };
            if !member {
                break;
            }
            let before = &clause[..js];
            match heads.iter().find(|h| before.ends_with(h.as_str())) {
                Some(h) => {
                    end = js - h.len();
                    has_head = true;
                }
                None => {
                    end = js;
                    has_head = false;
                }
            }
            join_after = j;
        }
        if items.len() < 2 {
            continue;
        }
        let chain_start = items.last().map_or(p, |i| i.0);
        let mut text = String::new();
        for &(start, stem_end, has, join) in items.iter().rev() {
            text.push_str(&clause[start..stem_end]);
            // Its own head where it has one, else the enumeration's.
            let own = heads
                .iter()
                .find(|h| has && clause[stem_end..].starts_with(h.as_str()));
            text.push_str(own.map_or(head, |h| h.as_str()));
            text.push_str(if join == "、" { "/" } else { join });
        }
        out.replace_range(chain_start..e, &text);
        done_from = chain_start;
    }
    out
}

/// Numbers stated right after `keyword` (a few characters such as 为、约、
/// 共 may stand between) and followed by `unit`: (byte range, value).
pub(super) fn stated_after(body: &str, keyword: &str, unit: &str) -> Vec<(Range<usize>, f64)> {
    let mut out = Vec::new();
    for (i, _) in body.match_indices(keyword) {
        let after = i + keyword.len();
        let rest = &body[after..];
        let skip: usize = rest
            .chars()
            .take_while(|c| matches!(c, '为' | '约' | '共' | '计' | '：' | ':' | ' ' | '达'))
            .map(char::len_utf8)
            .sum();
        let num_at = after + skip;
        let digits: String = body[num_at..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if digits.is_empty() || !body[num_at + digits.len()..].starts_with(unit) {
            continue;
        }
        if let Ok(v) = digits.trim_end_matches('.').parse::<f64>() {
            out.push((num_at..num_at + digits.len(), v));
        }
    }
    out
}

pub(super) const NOT_UNITS: &[char] = &[
    '年', '月', '日', '号', '时', '点', '分', '秒', '章', '节', '条', '款', '页', '期', '轮', '届',
    '版', '级', '批', '季', '周',
];

/// Units a quantity may take after a space (削减 12 吨): a space then any
/// other word is a list or section number (`2.5 设置清洁生产目标`).
pub(super) const SPACED_UNITS: &[char] = &[
    '吨', '千', '公', '克', '毫', '微', '米', '厘', '立', '平', '升', '度', '元', '万', '亿', '倍',
    '个', '台', '套', '项', '标', '瓦', '焦', '兆', '吉', '百', '次', '人', '天',
];

/// Whether a sentence (or table row) states a quantity: a number with a
/// unit or a percentage (降低5%, 降至 95 kgce/t, 削减 12 吨), or in a
/// table a cell that is a number (the unit in the header). Section and
/// list numbers, years, dates, times and standard numbers do not count.
pub(super) fn has_quantity(sentence: &str) -> bool {
    let mut s = sentence.trim_start();
    if s.starts_with('#') {
        // A heading's leading digits are its section number (2.5, 2.5设置).
        s = s
            .trim_start_matches('#')
            .trim_start()
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    }
    let row = s.starts_with('|');
    // In a row, a cell that is a number; not a year, nor the serial
    // number of the first column.
    if row
        && s.split('|').skip(1).enumerate().any(|(k, cell)| {
            let c: String = cell.trim().chars().map(crate::text::fold_width).collect();
            let c = c.trim_end_matches('%');
            let year = c.len() == 4 && (c.starts_with("19") || c.starts_with("20"));
            let serial = k == 0 && !c.contains('.');
            !c.is_empty()
                && !year
                && !serial
                && c.chars().all(|ch| ch.is_ascii_digit() || ch == '.')
                && c.chars().any(|ch| ch.is_ascii_digit())
        })
    {
        return true;
    }
    let cs: Vec<char> = s.chars().map(crate::text::fold_width).collect();
    let mut i = 0;
    while i < cs.len() {
        if !cs[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut dots = 0;
        while i < cs.len()
            && (cs[i].is_ascii_digit()
                || (cs[i] == '.' && cs.get(i + 1).is_some_and(char::is_ascii_digit)))
        {
            dots += usize::from(cs[i] == '.');
            i += 1;
        }
        // What stands before: 第3, 2024-06-30, 14:30, GB/T 9704, ISO14001.
        let before = cs[..start].iter().rev().find(|c| **c != ' ').copied();
        let glued = start > 0 && cs[start - 1] != ' ';
        if dots > 1
            || (glued && matches!(before, Some('第' | '-' | '/' | ':' | '.')))
            || before.is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
        {
            continue;
        }
        let mut j = i;
        while cs.get(j) == Some(&' ') {
            j += 1;
        }
        let spaced = j > i;
        let Some(&unit) = cs.get(j) else { continue };
        let quantity = match unit {
            '%' | '‰' => true,
            u if u.is_ascii_alphabetic() => true,
            u if NOT_UNITS.contains(&u) => false,
            u if spaced => SPACED_UNITS.contains(&u),
            u => !u.is_ascii() && !crate::text::is_punct(u),
        };
        if quantity {
            return true;
        }
    }
    chinese_quantity(&cs)
}

/// Chinese numerals, as quantities are written in words (百分之十五,
/// 两成, 十个百分点).
const NUMERALS: &[char] = &[
    '零', '〇', '一', '二', '两', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '万',
    '点', '半',
];

/// Whether a text states a share in Chinese numerals: 百分之十 (千分之、
/// 万分之), 一成 or 两成半, 十个百分点, or 一半 (减半).
fn chinese_quantity(cs: &[char]) -> bool {
    let s: String = cs.iter().collect();
    let numeral_at = |i: usize| {
        cs.get(i)
            .is_some_and(|c| NUMERALS.contains(c) || c.is_ascii_digit())
    };
    let after = |word: &str| {
        s.match_indices(word)
            .any(|(b, _)| numeral_at(s[..b].chars().count() + word.chars().count()))
    };
    // A numeral run ending right before `word`.
    let before = |word: &str| {
        s.match_indices(word).any(|(b, _)| {
            let i = s[..b].chars().count();
            i > 0 && "一二两三四五六七八九十".contains(cs[i - 1])
        })
    };
    after("百分之")
        || after("千分之")
        || after("万分之")
        || before("成")
        || before("个百分点")
        || s.contains("一半")
        || s.contains("减半")
}
