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
    body.split(['。', '；', '！', '？', '\n'])
        .filter(|s| {
            s.split(['，', ',', '、'])
                .filter(|c| words.iter().any(|w| c.contains(w.as_str())))
                .any(|c| !NEGATIONS.iter().any(|n| c.contains(n)))
        })
        .collect()
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
    false
}
