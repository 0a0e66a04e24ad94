//! Text helpers for Chinese official writing: heading numbers in the four
//! official styles (full- or half-width), Chinese numerals, title
//! normalisation and similarity.

/// Remove white space and punctuation, fold full-width ASCII, lower-case.
/// `（一） 试点对象范围与区位。` and `试点对象范围与区位` compare equal.
pub fn normalize_title(s: &str) -> String {
    s.chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace() && !is_punct(*c))
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Characters a terminal would act on rather than show: C0 and C1
/// controls (an escape sequence recolours or rewrites the screen) and the
/// bidirectional overrides (which reorder what is shown).
fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters that hide text or reorder it without being controls:
/// zero-width marks and the Arabic letter mark.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{061c}' | '\u{feff}')
}

/// A character no file name should carry: controls, bidirectional
/// overrides, invisible marks.
pub fn is_deceptive(c: char) -> bool {
    c.is_control() || is_hostile(c) || is_invisible(c)
}

/// A file name or path for a message: every control (a newline too, so
/// that one name is one line), bidirectional override and invisible
/// character written as `\u{…}`, so `gpj.exe` cannot pass for `exe.jpg`.
pub fn escape_name(s: &str) -> std::borrow::Cow<'_, str> {
    escape_where(s, is_deceptive)
}

/// Text for human output: controls written as `\u{1b}`, so a file name
/// or a field value cannot drive the terminal. Line breaks and tabs stay.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    escape_where(s, is_hostile)
}

/// `s` with each character that `bad` picks written as `\u{…}`.
fn escape_where(s: &str, bad: fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Source text to show in a terminal: each hostile character replaced by
/// as many `?` as it has bytes, so byte offsets (underlines) still fit.
pub fn mask_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| is_hostile(c) && c != '\r') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_hostile(c) && c != '\r' {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Full-width ASCII forms (`（`, `１`, `Ａ`) to their half-width letters.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

pub fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '、' | '，'
                | '。'
                | '；'
                | '：'
                | '？'
                | '！'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '《'
                | '》'
                | '（'
                | '）'
                | '【'
                | '】'
                | '—'
                | '…'
                | '·'
                | '〔'
                | '〕'
        )
}

/// Count the characters that carry content: letters, digits and CJK, not
/// white space or punctuation. A proxy for length in 字.
pub fn content_chars(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            // ASCII: letters and digits count, spaces and punctuation not.
            n += usize::from(b.is_ascii_alphanumeric());
            i += 1;
        } else if (0xE4..=0xE9).contains(&b) {
            // Lead byte of U+4000..U+9FFF: CJK ideographs, the bulk of
            // Chinese prose, never punctuation.
            n += 1;
            i += 3;
        } else {
            // Anything else: decode the one character and classify it.
            let c = s[i..].chars().next().unwrap_or(' ');
            if !c.is_whitespace() && !is_punct(fold_width(c)) {
                n += 1;
            }
            i += c.len_utf8().max(1);
        }
    }
    n
}

/// An image's caption and the author's own number in it. A number by
/// chapter (`图2-1`, `图 3.2`) is the author's and is kept as written:
/// reports are numbered so, and their text says 见图2-1. A plain `图1`
/// is dropped, since shenbao numbers figures in order (`图1　图1 区位图`
/// would print it twice). Returns (own number, caption text).
///
/// ```
/// use shenbao::text::split_figure_number;
///
/// assert_eq!(split_figure_number("图 2-1：工艺流程"), (Some("2-1"), "工艺流程"));
/// assert_eq!(split_figure_number("图1 区位图"), (None, "区位图"));
/// assert_eq!(split_figure_number("图书馆位置"), (None, "图书馆位置"));
/// assert_eq!(split_figure_number("图1"), (None, "图1"));
/// ```
pub fn split_figure_number(caption: &str) -> (Option<&str>, &str) {
    let caption = caption.trim();
    let Some(rest) = caption.strip_prefix('图') else {
        return (None, caption);
    };
    let rest = rest.trim_start_matches([' ', '　']);
    if !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return (None, caption);
    }
    let end = rest
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || matches!(c, '-' | '.' | '—' | '－' | '．'))
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    // A trailing separator is not part of the number (`图1. 区位图`).
    let number = rest[..end].trim_end_matches(['-', '.', '—', '－', '．']);
    let body = rest[number.len()..].trim_start_matches([' ', '　', '：', ':', '、', '.', '．']);
    if body.is_empty() {
        return (None, caption);
    }
    let own = number.contains(|c: char| !c.is_ascii_digit());
    (own.then_some(number), body)
}

/// The label a figure is printed with: the author's own number by
/// chapter (`图2-1`), or the figure's place among the counted ones.
pub fn figure_label(own: Option<&str>, counted: usize) -> String {
    match own {
        Some(n) => format!("图{n}"),
        None => format!("图{counted}"),
    }
}

/// Text made safe to stand in HTML, as an element's content or a quoted
/// attribute.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The plain definition of [`content_chars`], for tests.
#[cfg(test)]
fn content_chars_naive(s: &str) -> usize {
    s.chars()
        .filter(|c| !c.is_whitespace() && !is_punct(fold_width(*c)))
        .count()
}

const CN_DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Parse 一 … 九十九 (also 〇 and 两). Returns None for anything else.
pub fn parse_cn_numeral(s: &str) -> Option<u32> {
    let digit = |c: char| -> Option<u32> {
        if c == '两' {
            return Some(2);
        }
        CN_DIGITS.iter().position(|d| *d == c).map(|p| p as u32)
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [] => None,
        ['十'] => Some(10),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        [d] => digit(*d).filter(|v| *v > 0),
        _ => None,
    }
}

/// 1 → 一, 12 → 十二, 21 → 二十一 (1–99).
pub fn cn_numeral(n: u32) -> String {
    let d = |v: u32| CN_DIGITS[v as usize].to_string();
    match n {
        0 => "〇".into(),
        1..=9 => d(n),
        10 => "十".into(),
        11..=19 => format!("十{}", d(n - 10)),
        _ if n.is_multiple_of(10) && n < 100 => format!("{}十", d(n / 10)),
        _ if n < 100 => format!("{}十{}", d(n / 10), d(n % 10)),
        _ => n.to_string(),
    }
}

/// The four numbering styles of Chinese official documents, by level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberStyle {
    /// 一、 (level 1)
    CnComma,
    /// （一） (level 2)
    CnParen,
    /// 1. (level 3)
    Arabic,
    /// （1） (level 4)
    ArabicParen,
    /// 1.1, 1.1.1: the decimal outline of reports written to a provincial
    /// format (the number's depth is its level). Never generated.
    Dotted,
}

impl NumberStyle {
    pub fn for_level(level: usize) -> Option<NumberStyle> {
        match level {
            1 => Some(NumberStyle::CnComma),
            2 => Some(NumberStyle::CnParen),
            3 => Some(NumberStyle::Arabic),
            4 => Some(NumberStyle::ArabicParen),
            _ => None,
        }
    }

    pub fn format(self, n: u32) -> String {
        match self {
            NumberStyle::CnComma => format!("{}、", cn_numeral(n)),
            NumberStyle::CnParen => format!("（{}）", cn_numeral(n)),
            NumberStyle::Arabic => format!("{n}."),
            NumberStyle::ArabicParen => format!("（{n}）"),
            NumberStyle::Dotted => format!("{n}"),
        }
    }
}

/// A number an author typed at the start of a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingNumber {
    pub style: NumberStyle,
    pub value: u32,
    /// Bytes the number (and the space after it) takes in the heading text.
    pub len: usize,
}

/// Split an author's own number off a heading: `一、试点基础`,
/// `(一)范围`, `（一） 范围`, `1.目标`, `1、目标`, `（1）指标`, `第一章 概况`.
///
/// ```
/// use shenbao::text::{NumberStyle, split_heading_number};
///
/// let (n, title) = split_heading_number("(二) 试点对象产业概况");
/// let n = n.unwrap();
/// assert_eq!((n.style, n.value, title), (NumberStyle::CnParen, 2, "试点对象产业概况"));
/// // A decimal is not a heading number.
/// assert_eq!(split_heading_number("1.5万吨产能").0, None);
/// // A report's decimal outline is.
/// let (n, title) = split_heading_number("1.2.1 生产工艺流程");
/// assert_eq!((n.unwrap().style, title), (NumberStyle::Dotted, "生产工艺流程"));
/// ```
pub fn split_heading_number(text: &str) -> (Option<HeadingNumber>, &str) {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    let Some(first) = t.chars().next() else {
        return (None, text.trim());
    };
    let mut num: Option<(NumberStyle, u32, usize)> = None;
    if first == '(' || first == '（' {
        let open = first.len_utf8();
        if let Some(close_rel) = t[open..].find([')', '）']) {
            let inner = t[open..open + close_rel].trim();
            let close_len = t[open + close_rel..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            let end = open + close_rel + close_len;
            if let Some(v) = parse_cn_numeral(inner) {
                num = Some((NumberStyle::CnParen, v, end));
            } else if let Some(v) = parse_arabic(inner) {
                num = Some((NumberStyle::ArabicParen, v, end));
            }
        }
    } else if first == '第' {
        // 第一章 / 第一部分 / 第一节: a level-1 number in another style.
        let rest = &t['第'.len_utf8()..];
        let digits: String = rest
            .chars()
            .take_while(|c| parse_cn_numeral(&c.to_string()).is_some() || *c == '十')
            .collect();
        // 第1章 as well as 第一章.
        let digits = if digits.is_empty() {
            rest.chars().take_while(char::is_ascii_digit).collect()
        } else {
            digits
        };
        let value = parse_cn_numeral(&digits).or_else(|| digits.parse().ok().filter(|v| *v > 0));
        if let Some(v) = value {
            let after = &rest[digits.len()..];
            for unit in ["部分", "章", "节"] {
                if let Some(stripped) = after.strip_prefix(unit) {
                    let end = t.len() - stripped.len();
                    num = Some((NumberStyle::CnComma, v, end));
                    break;
                }
            }
        }
    } else if is_cn_digit(first) {
        let digits: String = t.chars().take_while(|c| is_cn_digit(*c)).collect();
        let after = &t[digits.len()..];
        if let (Some(v), Some(sep)) = (parse_cn_numeral(&digits), after.chars().next())
            && matches!(sep, '、' | '.' | '．' | ',' | '，' | ' ' | '\u{3000}')
        {
            num = Some((NumberStyle::CnComma, v, digits.len() + sep.len_utf8()));
        }
    } else if first.is_ascii_digit() || ('０'..='９').contains(&first) {
        let digits: String = t
            .chars()
            .take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
            .collect();
        let after = &t[digits.len()..];
        let mut it = after.chars();
        if let Some(end) = dotted_end(t) {
            // 1.1 目标 / 1.1.1目标: the last component is the value.
            let last = t[..end]
                .trim_end()
                .rsplit(['.', '．'])
                .next()
                .and_then(parse_arabic);
            if let Some(v) = last {
                num = Some((NumberStyle::Dotted, v, end));
            }
        } else if let (Some(v), Some(sep)) = (parse_arabic(&digits), it.next()) {
            let next_is_digit = it.next().is_some_and(|c| c.is_ascii_digit());
            // `1.目标`, `1、目标`, `1 目标`, but not `1.5万吨`.
            let is_sep = (matches!(sep, '.' | '．' | '、') && !next_is_digit)
                || matches!(sep, ' ' | '\u{3000}');
            if is_sep {
                num = Some((NumberStyle::Arabic, v, digits.len() + sep.len_utf8()));
            }
        }
    }
    match num {
        Some((style, value, end)) => {
            let rest = &t[end..];
            let trimmed = rest.trim_start();
            let len = lead + end + (rest.len() - trimmed.len());
            (
                Some(HeadingNumber { style, value, len }),
                trimmed.trim_end(),
            )
        }
        None => (None, t.trim_end()),
    }
}

/// `1.1 目标`, `1.2.3　目标`, `1.2.3目标`: two or more dot-separated numbers
/// followed by a space, or three or more followed directly by a CJK
/// character that is not a unit (`1.5万吨` and `2.1目标` are ambiguous with
/// prose and are not taken). Returns the byte length of the number and its
/// space.
fn dotted_end(t: &str) -> Option<usize> {
    let b = t.as_bytes();
    let mut i = 0;
    let mut parts = 0;
    loop {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i - start > 3 {
            return None;
        }
        parts += 1;
        if t[i..].starts_with('.') && t[i + 1..].starts_with(|c: char| c.is_ascii_digit()) {
            i += 1;
            continue;
        }
        break;
    }
    if parts < 2 {
        return None;
    }
    let rest = &t[i..];
    let space = rest.len() - rest.trim_start().len();
    let next = rest.trim_start().chars().next()?;
    let is_cjk = unicode_width::UnicodeWidthChar::width(next).unwrap_or(1) >= 2;
    // `1.5万吨` is a quantity; `1.1 概况` and `1.1.1概况` are numbers.
    let unit = matches!(
        next,
        '万' | '亿' | '吨' | '元' | '米' | '千' | '倍' | '个' | '%' | '％'
    );
    (space > 0 || (is_cjk && !unit && parts > 2)).then_some(i + space)
}

/// Whether a heading carries a number in the style of reports written to a
/// provincial format (第一章, 1.1, 1.1.1): such a document keeps its
/// numbers as written, in print and on the site.
pub fn is_written_number(n: &HeadingNumber, text: &str) -> bool {
    n.style == NumberStyle::Dotted || text.trim_start().starts_with('第')
}

/// Sections that stand before or after the numbered chapters and take no
/// number: 前言, 摘要, 附录…
pub fn is_unnumbered_section(title: &str) -> bool {
    let t: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(
        t.as_str(),
        "前言"
            | "摘要"
            | "引言"
            | "序言"
            | "概要"
            | "附录"
            | "附件"
            | "附表"
            | "附图"
            | "参考文献"
            | "致谢"
            | "后记"
    )
}

fn days_in_month(year: Option<i32>, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => match year {
            Some(y) if !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) => 28,
            _ => 29,
        },
        _ => 0,
    }
}

/// Why a calendar date cannot exist (没有13月, 4月只有30天, 2023年不是闰年),
/// or `None` when it can. Without a year, 2月29日 may exist.
pub fn impossible_date(year: Option<i32>, month: u32, day: u32) -> Option<String> {
    if !(1..=12).contains(&month) {
        return Some(format!("没有{month}月"));
    }
    if day == 0 {
        return Some("没有0日".to_string());
    }
    if day <= days_in_month(year, month) {
        return None;
    }
    Some(match (month, year) {
        (2, Some(y)) if day == 29 => format!("{y}年不是闰年，2月只有28天"),
        (m, _) => format!("{m}月只有{}天", days_in_month(year, m)),
    })
}

/// Year, month and day of a date written 2024-04-31, 2024/4/31, 2024.4.31
/// or 2024年4月31日 (a time may follow after a space or `T`), read without
/// asking whether that day exists.
pub fn date_parts(s: &str) -> Option<(i32, u32, u32)> {
    let s = s.trim();
    let num = |s: &str, max: usize| -> Option<(u32, usize)> {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > max {
            return None;
        }
        Some((s[..n].parse().ok()?, n))
    };
    let (year, n) = num(s, 4)?;
    if n != 4 {
        return None;
    }
    let rest = &s[n..];
    let sep = rest.chars().next()?;
    let (msep, dsep) = match sep {
        '-' | '/' | '.' => (sep, sep),
        '年' => ('年', '月'),
        _ => return None,
    };
    let rest = rest.strip_prefix(msep)?;
    let (month, n) = num(rest, 2)?;
    let rest = rest[n..].strip_prefix(dsep)?;
    let (day, n) = num(rest, 2)?;
    let mut rest = &rest[n..];
    if msep == '年' {
        rest = rest.strip_prefix('日').unwrap_or(rest);
    }
    if !(rest.is_empty() || rest.starts_with([' ', 'T'])) {
        return None;
    }
    Some((i32::try_from(year).ok()?, month, day))
}

fn is_cn_digit(c: char) -> bool {
    CN_DIGITS.contains(&c) || c == '十' || c == '两'
}

fn parse_arabic(s: &str) -> Option<u32> {
    let folded: String = s.chars().map(fold_width).collect();
    if folded.is_empty() || !folded.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    folded.parse().ok()
}

/// Similarity of two normalised titles in 0..=1 (character Levenshtein).
pub fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(a, b)
}

/// The closest candidate, for “did you mean”, when it is close: fewer
/// edits than half the longer name's length (`applicnt` → `applicant`),
/// or half when one name holds the other (`石化` → `石化化工`). Unrelated
/// words that merely share letters (`remark`, `park`) get none.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let n = normalize_title(input);
    let mut best: Option<(&str, f64)> = None;
    for c in candidates {
        let cn = normalize_title(c);
        let s = similarity(&n, &cn);
        let close = s > 0.5 || (s >= 0.5 && (cn.contains(n.as_str()) || n.contains(cn.as_str())));
        if close && best.is_none_or(|(_, b)| s > b) {
            best = Some((c, s));
        }
    }
    best.map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_dates_and_their_reasons() {
        assert_eq!(date_parts("2024-04-31"), Some((2024, 4, 31)));
        assert_eq!(date_parts("2024年4月31日"), Some((2024, 4, 31)));
        assert_eq!(date_parts("2024/4/31 16:00"), Some((2024, 4, 31)));
        assert_eq!(date_parts("2024-04"), None);
        assert_eq!(date_parts("20240431"), None);
        assert_eq!(date_parts("2024-04-31号"), None);
        assert_eq!(
            impossible_date(Some(2024), 4, 31).as_deref(),
            Some("4月只有30天")
        );
        assert_eq!(
            impossible_date(Some(2023), 2, 29).as_deref(),
            Some("2023年不是闰年，2月只有28天")
        );
        assert_eq!(impossible_date(None, 2, 29), None);
        assert_eq!(
            impossible_date(Some(2024), 13, 1).as_deref(),
            Some("没有13月")
        );
        assert_eq!(impossible_date(Some(2024), 4, 30), None);
    }

    #[test]
    fn controls_are_escaped_for_terminals() {
        assert_eq!(escape_controls("甲\u{1b}[31m乙"), "甲\\u{1b}[31m乙");
        assert_eq!(escape_controls("a\nb\tc"), "a\nb\tc");
        assert_eq!(escape_controls("x\u{202e}y"), "x\\u{202e}y");
        let masked = mask_controls("a\u{1b}b\u{85}c\r\n");
        assert_eq!(masked, "a?b??c\r\n");
        assert_eq!(masked.len(), "a\u{1b}b\u{85}c\r\n".len());
    }

    #[test]
    fn numerals_round_trip() {
        for n in 1..=99 {
            assert_eq!(parse_cn_numeral(&cn_numeral(n)), Some(n), "{n}");
        }
        assert_eq!(parse_cn_numeral("两"), Some(2));
        assert_eq!(parse_cn_numeral("百"), None);
        assert_eq!(parse_cn_numeral("〇"), None);
    }

    fn num(s: &str) -> (Option<(NumberStyle, u32)>, &str) {
        let (n, rest) = split_heading_number(s);
        (n.map(|n| (n.style, n.value)), rest)
    }

    #[test]
    fn heading_numbers_in_every_style() {
        use NumberStyle::*;
        assert_eq!(
            num("一、试点对象基本概况"),
            (Some((CnComma, 1)), "试点对象基本概况")
        );
        assert_eq!(num("十二、其他"), (Some((CnComma, 12)), "其他"));
        assert_eq!(
            num("（一）试点对象范围与区位"),
            (Some((CnParen, 1)), "试点对象范围与区位")
        );
        assert_eq!(
            num("(二) 试点对象产业概况"),
            (Some((CnParen, 2)), "试点对象产业概况")
        );
        assert_eq!(num("3. 指标"), (Some((Arabic, 3)), "指标"));
        assert_eq!(num("3、指标"), (Some((Arabic, 3)), "指标"));
        assert_eq!(num("（4）分项"), (Some((ArabicParen, 4)), "分项"));
        assert_eq!(num("(４)分项"), (Some((ArabicParen, 4)), "分项"));
        assert_eq!(
            num("第三章 试点工作目标"),
            (Some((CnComma, 3)), "试点工作目标")
        );
        assert_eq!(num("试点基础"), (None, "试点基础"));
        // Not numbers: a decimal, a word that starts with a numeral.
        assert_eq!(num("1.5万吨产能"), (None, "1.5万吨产能"));
        assert_eq!(num("一体化方案"), (None, "一体化方案"));
        assert_eq!(num("（注）说明"), (None, "（注）说明"));
    }

    #[test]
    fn number_len_covers_the_space() {
        let (n, _) = split_heading_number("（一） 范围");
        assert_eq!(&"（一） 范围"[n.unwrap().len..], "范围");
    }

    #[test]
    fn normalisation_ignores_width_space_and_punctuation() {
        assert_eq!(
            normalize_title("试点对象范围 与 区位。"),
            normalize_title("试点对象范围与区位")
        );
        assert_eq!(normalize_title("ＰＭ２.５"), "pm25");
        assert_eq!(content_chars("试点，基础 ab 12。"), 8);
        assert_eq!(content_chars("（一）ＰＭ２.５：䶮㐀"), 7);
        assert_eq!(content_chars("“”—…　"), 0);
        for t in [
            "试点，基础 ab 12。",
            "（一）ＰＭ２.５：䶮㐀 ① α β é 😀 𠀀 한국 かな カナ ～ ¥ 　\t\n",
            "“引号”《书名》【括号】——破折号……省略号·间隔号〔2022〕178号",
            "",
        ] {
            assert_eq!(content_chars(t), content_chars_naive(t), "{t}");
        }
    }

    #[test]
    fn formats_official_numbers() {
        assert_eq!(NumberStyle::CnComma.format(7), "七、");
        assert_eq!(NumberStyle::CnParen.format(2), "（二）");
        assert_eq!(NumberStyle::Arabic.format(3), "3.");
        assert_eq!(NumberStyle::ArabicParen.format(4), "（4）");
    }

    #[test]
    fn closest_suggests_near_names() {
        assert_eq!(
            closest("applicnt", ["applicant", "title"]),
            Some("applicant")
        );
        assert_eq!(closest("zzz", ["applicant", "title"]), None);
        // Half the letters changed: unrelated, unless one holds the other.
        assert_eq!(closest("remark", ["park", "title"]), None);
        assert_eq!(closest("石化", ["石化化工", "建材"]), Some("石化化工"));
    }
}
