//! What the printed page looks like, checked before a PDF is written, and
//! the few layout decisions made before typst runs.
//!
//! typst lays out whatever it is given: an unbreakable block taller than
//! the page runs off its foot and draws its lines over each other, and
//! nothing warns. [`faults`] walks the laid-out pages (like the missing
//! glyph check) and finds text that leaves the page's text area or prints
//! over other text, with the source span of its first glyph so the fault
//! can be reported at the author's Markdown line.

use typst::layout::{Abs, Em, Frame, FrameItem, Point, Transform};
use typst::syntax::Span;
use typst_layout::PagedDocument;

/// The theme's text area, from its `<shenbao-geometry>` metadata: margins
/// in points. A theme without it is checked against the paper's edges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub top: f64,
    pub bottom: f64,
    /// The narrower of the inside (binding) and outside margins.
    pub side: f64,
}

/// One run of text as placed on a page, in points from the top left.
#[derive(Debug, Clone)]
pub struct Run {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub size: f64,
    /// Not turned or skewed (a table set across the page is).
    pub upright: bool,
    pub span: Span,
    /// For text typst made from a value (no span of its own): the span of
    /// the nearest text above it that has one.
    pub near: Span,
    pub text: String,
}

#[derive(Debug, Clone)]
pub enum Fault {
    /// Text outside the text area (or off the paper).
    Overflow { page: usize, run: Run },
    /// Two runs of text drawn over each other.
    Overprint { page: usize, a: Run, b: Run },
}

impl Fault {
    pub fn page(&self) -> usize {
        match self {
            Fault::Overflow { page, .. } | Fault::Overprint { page, .. } => *page,
        }
    }

    /// The run whose source the fault is reported at.
    pub fn run(&self) -> &Run {
        match self {
            Fault::Overflow { run, .. } => run,
            Fault::Overprint { b, .. } => b,
        }
    }
}

/// Every run of text on a page, with transforms applied.
pub fn runs(frame: &Frame) -> Vec<Run> {
    fn walk(frame: &Frame, ts: Transform, out: &mut Vec<Run>) {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(g) => {
                    let inner = ts
                        .pre_concat(Transform::translate(pos.x, pos.y))
                        .pre_concat(g.transform);
                    walk(&g.frame, inner, out);
                }
                FrameItem::Text(t) => {
                    let size = t.size.to_pt();
                    // To the end of the last glyph's own advance: a
                    // justified line adds its stretch to every glyph's
                    // advance, the last one's too, and that space (beyond
                    // the last character's ink) may reach past the text
                    // block by a few points without anything printed there.
                    let w = match t.glyphs.split_last() {
                        Some((last, rest)) => {
                            let natural = t.font.x_advance(last.id).unwrap_or(last.x_advance);
                            (rest.iter().map(|g| g.x_advance).sum::<Em>()
                                + last.x_offset
                                + natural.min(last.x_advance))
                            .at(t.size)
                            .to_pt()
                        }
                        None => 0.0,
                    };
                    let (x, y) = (pos.x.to_pt(), pos.y.to_pt());
                    let corners = [
                        (x, y - 0.8 * size),
                        (x + w, y - 0.8 * size),
                        (x, y + 0.2 * size),
                        (x + w, y + 0.2 * size),
                    ]
                    .map(|(cx, cy)| {
                        let p = Point::new(Abs::pt(cx), Abs::pt(cy)).transform(ts);
                        (p.x.to_pt(), p.y.to_pt())
                    });
                    let min = |f: fn(&(f64, f64)) -> f64| {
                        corners.iter().map(f).fold(f64::INFINITY, f64::min)
                    };
                    let max = |f: fn(&(f64, f64)) -> f64| {
                        corners.iter().map(f).fold(f64::NEG_INFINITY, f64::max)
                    };
                    let span = t
                        .glyphs
                        .iter()
                        .map(|g| g.span.0)
                        .find(|s| !s.is_detached())
                        .unwrap_or_else(Span::detached);
                    out.push(Run {
                        x0: min(|p| p.0),
                        y0: min(|p| p.1),
                        x1: max(|p| p.0),
                        y1: max(|p| p.1),
                        size,
                        upright: ts.kx.get() == 0.0 && ts.ky.get() == 0.0,
                        span,
                        near: Span::detached(),
                        text: t.text.to_string(),
                    });
                }
                FrameItem::Image(_, size, span) => {
                    // An image is checked like text for leaving the page
                    // (never for overprinting: a caption may sit on it).
                    let (x, y) = (pos.x.to_pt(), pos.y.to_pt());
                    let (w, h) = (size.x.to_pt(), size.y.to_pt());
                    let corners =
                        [(x, y), (x + w, y), (x, y + h), (x + w, y + h)].map(|(cx, cy)| {
                            let p = Point::new(Abs::pt(cx), Abs::pt(cy)).transform(ts);
                            (p.x.to_pt(), p.y.to_pt())
                        });
                    let xs = corners.map(|c| c.0);
                    let ys = corners.map(|c| c.1);
                    out.push(Run {
                        x0: xs.iter().copied().fold(f64::INFINITY, f64::min),
                        y0: ys.iter().copied().fold(f64::INFINITY, f64::min),
                        x1: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                        y1: ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                        size: 0.0,
                        upright: false,
                        span: *span,
                        near: Span::detached(),
                        text: "［图片］".into(),
                    });
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(frame, Transform::identity(), &mut out);
    out
}

/// Where a span came from: the document's generated source, the theme,
/// or nowhere (text typst made from a value, which has no span).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Document,
    Theme,
    Unknown,
}

/// Faults on every page of a laid-out document. Only the theme's own text
/// may stand in the margins (the page number); everything else must stay
/// inside the text area, images and text alike, except an image that is
/// a whole page of its own (a bound letter). Nothing may print over other
/// text. A fault whose text has no span of its own is given the span of
/// the nearest text above it that has one (a table's cells share their
/// table's place).
pub fn faults(
    doc: &PagedDocument,
    geometry: Option<Geometry>,
    origin: impl Fn(Span) -> Origin,
) -> Vec<Fault> {
    let mut out = Vec::new();
    for (i, page) in doc.pages().iter().enumerate() {
        let n = i + 1;
        let (w, h) = (page.frame.width().to_pt(), page.frame.height().to_pt());
        let mut runs = runs(&page.frame);
        let area = match geometry {
            Some(g) => (g.side, g.top, w - g.side, h - g.bottom),
            None => (0.0, 0.0, w, h),
        };
        let first = out.len();
        for r in &runs {
            // A tolerance of a fifth of the size: glyph boxes are estimates.
            let tol = 0.2 * r.size + 1.0;
            let off_paper = r.x0 < -1.0 || r.y0 < -1.0 || r.x1 > w + 1.0 || r.y1 > h + 1.0;
            let baseline = r.y1 - 0.2 * r.size;
            let is_image = r.size == 0.0;
            let marginal = !is_image
                && origin(r.span) == Origin::Theme
                && (baseline > area.3 + 6.0 || r.y1 < area.1 - 6.0);
            let whole_page = is_image && r.x1 - r.x0 >= 0.8 * w && r.y1 - r.y0 >= 0.8 * h;
            // A line that ends in full-width punctuation carries the
            // justification space typst adds after its last glyph: no ink
            // beyond the text block, up to half a character.
            let trailing_space = r.text.trim_end().ends_with([
                '。', '，', '、', '；', '：', '？', '！', '）', '》', '”', '’', '」', '』',
            ]) && r.x1 <= area.2 + 0.6 * r.size;
            let out_of_area = !marginal
                && !whole_page
                && (r.x0 < area.0 - tol
                    || (r.x1 > area.2 + tol && !trailing_space)
                    || r.y0 < area.1 - r.size - 1.0
                    || baseline > area.3 + tol);
            if off_paper || out_of_area {
                out.push(Fault::Overflow {
                    page: n,
                    run: r.clone(),
                });
            }
        }
        overprints(n, &runs, &mut out);
        // Spans for faults whose text has none: the nearest text above
        // (in reading order) that came from the document.
        runs.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
        for f in &mut out[first..] {
            let run = match f {
                Fault::Overflow { run, .. } => run,
                Fault::Overprint { b, .. } => b,
            };
            if origin(run.span) == Origin::Document {
                continue;
            }
            let known = runs
                .iter()
                .rfind(|r| origin(r.span) == Origin::Document && r.y0 <= run.y0 + 0.5)
                .or_else(|| runs.iter().find(|r| origin(r.span) == Origin::Document));
            if let Some(k) = known {
                run.near = k.span;
            }
        }
    }
    out
}

/// Pairs of upright runs whose boxes overlap by more than a trace (kerning
/// and justification touch, they never cover a third of a character).
fn overprints(page: usize, runs: &[Run], out: &mut Vec<Fault>) {
    let mut order: Vec<&Run> = runs
        .iter()
        .filter(|r| r.upright && r.x1 > r.x0 && !r.text.trim().is_empty())
        .collect();
    order.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    let mut active: Vec<&Run> = Vec::new();
    for r in order {
        active.retain(|a| a.y1 > r.y0);
        for a in &active {
            let min = a.size.min(r.size);
            let dx = a.x1.min(r.x1) - a.x0.max(r.x0);
            let dy = a.y1.min(r.y1) - a.y0.max(r.y0);
            if dx > 0.3 * min && dy > 0.5 * min {
                out.push(Fault::Overprint {
                    page,
                    a: (*a).clone(),
                    b: r.clone(),
                });
                break;
            }
        }
        active.push(r);
    }
}

/// How wide a text is in ems of its size: CJK and other wide characters
/// one em, Latin capitals and m/w/%/@ about three quarters, narrow letters
/// and punctuation about two fifths, the rest a little over half. Used to
/// size table columns, break titles and lay out the Word file.
pub fn ems(s: &str) -> f32 {
    s.chars()
        .map(|c| {
            if unicode_width::UnicodeWidthChar::width(c).unwrap_or(1) >= 2 {
                1.0
            } else if let Some(w) = LATIN.get(c as usize).copied().filter(|w| *w > 0.0) {
                w
            } else if c.is_ascii_uppercase() || matches!(c, 'm' | 'w' | '%' | '@') {
                0.75
            } else if c.is_ascii_punctuation() || matches!(c, 'i' | 'l' | 'j' | 'f' | 't' | 'r') {
                0.4
            } else {
                0.56
            }
        })
        .sum()
}

/// The advance widths (ems) of printable ASCII in the bundled Latin font
/// (Liberation Serif, with the metrics of the Times New Roman Word uses):
/// letters and digits are set in it, in print and in Word alike.
static LATIN: std::sync::LazyLock<Vec<f32>> = std::sync::LazyLock::new(|| {
    let mut out = vec![0f32; 128];
    let Some(face) = super::fonts::bundled("LiberationSerif-Regular.ttf")
        .and_then(|d| ttf_parser::Face::parse(d, 0).ok())
    else {
        return out;
    };
    let per_em = f32::from(face.units_per_em().max(1));
    for (i, w) in out.iter_mut().enumerate().skip(32).take(95) {
        let Some(c) = char::from_u32(i as u32) else {
            continue;
        };
        if let Some(adv) = face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)) {
            *w = f32::from(adv) / per_em;
        }
    }
    out
});

/// Words a line must not break inside that the Unicode dictionary splits or
/// does not know: the words Chinese pilot and audit titles are made of.
const NO_BREAK: [&str; 118] = [
    "降低率",
    "基准值",
    "目标值",
    "现状值",
    "完成率",
    "利用率",
    "回用率",
    "达标率",
    "合格率",
    "覆盖率",
    "削减率",
    "综合能耗",
    "能耗",
    "水耗",
    "物耗",
    "电耗",
    "煤耗",
    "新鲜水",
    "排放量",
    "产生量",
    "取水量",
    "用水量",
    "排放浓度",
    "热泵",
    "余热",
    "中水",
    "污泥",
    "废水",
    "废气",
    "固废",
    "危废",
    "万元",
    "万吨",
    "标准煤",
    "产值",
    "负责人",
    "联系人",
    "序号",
    "名称",
    "单位",
    "备注",
    "合计",
    "小计",
    "清洁生产",
    "审核",
    "试点",
    "实施方案",
    "方案",
    "创新",
    "开发区",
    "高新区",
    "经开区",
    "管委会",
    "委员会",
    "园区",
    "工业",
    "县域",
    "市域",
    "区域",
    "流域",
    "重点",
    "行业",
    "协同",
    "减污",
    "降碳",
    "增效",
    "整体",
    "产业",
    "集群",
    "经济",
    "技术",
    "人民政府",
    "政府",
    "黄河",
    "长江",
    "综合",
    "治理",
    "推进",
    "管理",
    "示范",
    "自愿",
    "验收",
    "报告",
    "评估",
    "有限公司",
    "有限责任公司",
    "股份有限公司",
    "集团",
    "农副食品",
    "食品",
    "加工",
    "化工",
    "印染",
    "纺织",
    "服饰",
    "面料",
    "化纤",
    "染整",
    "铸造",
    "余热",
    "冷凝水",
    "油烟",
    "资源化",
    "约束性",
    "预期性",
    "污水处理厂",
    "化学需氧量",
    "取水量",
    "用水量",
    "台账",
    "电镀",
    "制革",
    "造纸",
    "建材",
    "涂装",
    "生态环境",
    "申报书",
    "实施细则",
];

/// Where a line of Chinese may break between words: `ok[i]` says a break
/// before the `i`-th character falls between two words. Words come from
/// the Unicode (ICU) dictionary segmenter, already built for typst, and
/// the domain words above are never split; a number stays with its unit
/// and a year range with its years (2022年8月—2022年10月 breaks only at
/// the dash).
pub fn word_breaks(text: &str) -> Vec<bool> {
    use icu_segmenter::WordSegmenter;
    use icu_segmenter::options::WordBreakInvariantOptions;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut ok = vec![false; chars.len() + 1];
    // Character index of each byte offset that starts a character.
    let mut char_at = vec![usize::MAX; text.len() + 1];
    for (i, (b, _)) in chars.iter().enumerate() {
        char_at[*b] = i;
    }
    char_at[text.len()] = chars.len();
    let segmenter = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
    for b in segmenter.segment_str(text) {
        if let Some(&i) = char_at.get(b).filter(|i| **i != usize::MAX) {
            ok[i] = true;
        }
    }
    ok[0] = false;
    ok[chars.len()] = true;
    for m in NO_BREAK_WORDS.find_overlapping_iter(text) {
        let (first, last) = (char_at[m.start()], char_at[m.end()]);
        for b in ok.iter_mut().take(last).skip(first + 1) {
            *b = false;
        }
    }
    // A number with what it counts or measures (12公里, 216家: the word
    // after it, as the dictionary reads it, stays whole too); 2022年8月
    // stays whole.
    let is_digit = |c: char| c.is_ascii_digit() || c == '.' || c == '%' || is_script(c);
    for i in 1..chars.len() {
        let (prev, next) = (chars[i - 1].1, chars[i].1);
        let unit = |c: char| {
            unicode_width::UnicodeWidthChar::width(c).unwrap_or(1) >= 2
                && !matches!(
                    c,
                    '—' | '，' | '。' | '、' | '；' | '：' | '（' | '）' | '～'
                )
        };
        if is_digit(prev) && (is_digit(next) || unit(next)) {
            ok[i] = false;
        }
        if matches!(prev, '年' | '月') && next.is_ascii_digit() {
            ok[i] = false;
        }
        // Latin runs (GB 18918, mg/L, CO₂, m³/d) break only at their
        // spaces; 万m³ stays whole.
        let latin = |c: char| c.is_ascii_alphanumeric() || is_script(c);
        if latin(prev) && (latin(next) || next == '/') {
            ok[i] = false;
        }
        if prev == '/' && latin(next) {
            ok[i] = false;
        }
        // A unit's Chinese denominator: tCO₂/万元, kg/吨.
        if prev == '/' && i >= 2 && latin(chars[i - 2].1) {
            ok[i] = false;
        }
        if matches!(prev, '万' | '千' | '亿') && next.is_ascii_alphabetic() {
            ok[i] = false;
        }
    }
    ok
}

/// A superscript or subscript character (m³, CO₂, 10⁶), as print sets them.
fn is_script(c: char) -> bool {
    super::convert::script(c).is_some()
}

/// [`NO_BREAK`] as one matcher (every text the converter prints is cut
/// by [`word_breaks`]): overlapping matches, so 有限责任公司 inside
/// 股份有限责任公司 counts as well.
static NO_BREAK_WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(NO_BREAK).expect("the words are plain literals")
    });

/// Split a title into balanced lines of at most `capacity` ems, breaking
/// only between words ([`word_breaks`]) and preferring where Chinese
/// titles break: after a place or body name (市、区、县、园、委员会…),
/// after 的、与、和、及, before 关于 and an opening bracket. A title that
/// fits stays whole.
pub fn title_lines(title: &str, capacity: f32) -> Vec<String> {
    let title = title.trim();
    let total = ems(title);
    if total <= capacity || capacity <= 1.0 {
        return vec![title.to_string()];
    }
    let fewest = (total / capacity).ceil().max(2.0) as usize;
    // The fewest lines that hold it: a break the words allow may leave
    // the last line longer than a line (typst would then wrap it, and
    // strand 说明 on a line of its own).
    let mut tried = Vec::new();
    for lines in fewest..fewest + 4 {
        let out = title_lines_in(title, capacity, lines);
        if out.iter().all(|l| ems(l) <= capacity + 0.01) {
            return out;
        }
        tried = out;
    }
    tried
}

/// [`title_lines`] with the number of lines given.
fn title_lines_in(title: &str, capacity: f32, lines: usize) -> Vec<String> {
    let total = ems(title);
    let chars: Vec<char> = title.chars().collect();
    let words = word_breaks(title);
    let target = total / lines as f32;
    // Score every break position (between chars[i-1] and chars[i]).
    let good = |i: usize| -> f32 {
        let (prev, next) = (chars[i - 1], chars[i]);
        let rest: String = chars[i..].iter().take(4).collect();
        if !words[i] {
            return -10.0;
        }
        if matches!(next, '（' | '(' | '“' | '《') || rest.starts_with("关于") {
            return 3.0;
        }
        if matches!(prev, '）' | ')' | '”' | '》' | '，' | '、' | '：') {
            return 3.0;
        }
        if matches!(prev, '的' | '与' | '和' | '及' | '于') {
            return 2.5;
        }
        if matches!(
            prev,
            '市' | '区' | '县' | '省' | '园' | '局' | '会' | '司' | '厂'
        ) {
            return 2.0;
        }
        if ["清洁生产", "重点", "实施方案", "创新试点"]
            .iter()
            .any(|w| rest.starts_with(w))
        {
            return 1.5;
        }
        0.0
    };
    // prefix[i]: width of the first i characters.
    let mut prefix = Vec::with_capacity(chars.len() + 1);
    prefix.push(0f32);
    for c in &chars {
        let w = prefix.last().copied().unwrap_or(0.0);
        prefix.push(w + ems(c.encode_utf8(&mut [0; 4])));
    }
    let mut out = Vec::new();
    let mut start = 0usize;
    for line in 1..lines {
        let want = target * line as f32;
        let mut best: Option<(f32, usize)> = None;
        for i in start + 1..chars.len() {
            if prefix[i] - prefix[start] > capacity {
                break;
            }
            // Closeness to the balanced point matters as much as a good
            // word boundary two characters away.
            let score = good(i) - (prefix[i] - want).abs();
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, i));
            }
        }
        let Some((_, cut)) = best else { break };
        out.push(chars[start..cut].iter().collect::<String>());
        start = cut;
    }
    out.push(chars[start..].iter().collect::<String>());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_line_of_a_title_is_longer_than_a_line() {
        let t = "关于《伏牛经济技术开发区工业园区清洁生产整体审核创新试点》专家意见的修改说明";
        let lines = title_lines(t, 20.0);
        assert_eq!(lines.concat(), t);
        assert!(lines.iter().all(|l| ems(l) <= 20.0), "{lines:?}");
        assert!(lines.iter().all(|l| l.chars().count() > 2), "{lines:?}");
    }

    #[test]
    fn short_titles_stay_whole() {
        assert_eq!(
            title_lines("伏牛经开区试点实施方案", 20.0),
            vec!["伏牛经开区试点实施方案"]
        );
    }

    #[test]
    fn long_titles_break_between_words_and_balance() {
        let t = "伏牛经济技术开发区工业园区清洁生产整体审核创新试点";
        let lines = title_lines(t, 20.0);
        assert_eq!(lines.concat(), t);
        assert_eq!(lines.len(), 2, "{lines:?}");
        // Never inside 审核 or 清洁生产; the two lines within three
        // characters of each other.
        assert!(
            !lines[0].ends_with('审') && !lines[0].ends_with('清'),
            "{lines:?}"
        );
        let (a, b) = (lines[0].chars().count(), lines[1].chars().count());
        assert!(a.abs_diff(b) <= 4, "{lines:?}");
        assert!(a <= 20 && b <= 20);
        // A county's title: never 县/域, nor any other listed word.
        let t = "河南省东岭县黄河流域重点行业县域清洁生产整体审核与减污降碳协同创新试点";
        let lines = title_lines(t, 20.0);
        assert_eq!(lines.concat(), t);
        let counts: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert!(
            counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 4,
            "{lines:?}"
        );
        for pair in lines.windows(2) {
            let joined = format!("{}|{}", pair[0], pair[1]);
            for w in NO_BREAK {
                for k in 1..w.chars().count() {
                    let head: String = w.chars().take(k).collect();
                    let tail: String = w.chars().skip(k).collect();
                    assert!(
                        !joined.contains(&format!("{head}|{tail}")),
                        "{w} split in {lines:?}"
                    );
                }
            }
        }
        let t = "鹤阳市人民政府关于鹤阳市重点行业清洁生产整体审核创新试点的实施方案";
        let lines = title_lines(t, 17.0);
        assert_eq!(lines.concat(), t);
        assert!(lines.iter().all(|l| ems(l) <= 17.0), "{lines:?}");
        assert!(lines.len() <= 3, "{lines:?}");
    }

    #[test]
    fn titles_never_break_inside_a_word_the_dictionary_knows() {
        // The plan: never 农副食品加 / 工行业.
        for t in [
            "澧河县农副食品加工行业清洁生产审核创新试点实施方案",
            "某某县农副食品加工行业清洁生产审核创新试点实施方案",
            "宛南县宏达农副食品加工有限责任公司清洁生产审核报告",
        ] {
            for cap in [17.0, 20.0] {
                let lines = title_lines(t, cap);
                assert_eq!(lines.concat(), t);
                for pair in lines.windows(2) {
                    let joined = format!("{}|{}", pair[0], pair[1]);
                    for bad in [
                        "加|工",
                        "农|副",
                        "食|品",
                        "试|点",
                        "实施|方案",
                        "有限|责任",
                        "公|司",
                    ] {
                        assert!(!joined.contains(bad), "{bad} in {lines:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn table_headers_and_units_stay_whole() {
        for (t, bad) in [
            ("降低率（%）", "降低|率"),
            ("单位产品综合能耗", "综合能|耗"),
            ("tCO₂/万元", "/|万"),
            ("改用热泵", "热|泵"),
        ] {
            let ok = word_breaks(t);
            let chars: Vec<char> = t.chars().collect();
            let cut: Vec<String> = (1..chars.len())
                .filter(|&i| ok[i])
                .map(|i| format!("{}|{}", chars[i - 1], chars[i]))
                .collect();
            let (a, b) = bad.split_once('|').unwrap();
            let joined = format!(
                "{}|{}",
                a.chars().last().unwrap(),
                b.chars().next().unwrap()
            );
            assert!(!cut.contains(&joined), "{t}: {cut:?}");
        }
    }

    #[test]
    fn word_breaks_keep_dates_numbers_and_codes_whole() {
        let t = "2022年8月—2022年10月";
        let ok = word_breaks(t);
        let chars: Vec<char> = t.chars().collect();
        let allowed: Vec<usize> = (1..chars.len()).filter(|&i| ok[i]).collect();
        // Only around the dash.
        assert!(
            allowed
                .iter()
                .all(|&i| chars[i] == '—' || chars[i - 1] == '—'),
            "{allowed:?}"
        );
        let t = "执行GB 18918标准，约12公里";
        let ok = word_breaks(t);
        let chars: Vec<char> = t.chars().collect();
        for i in 1..chars.len() {
            if chars[i - 1].is_ascii_digit() && chars[i].is_ascii_digit() {
                assert!(!ok[i]);
            }
        }
        let at = chars.iter().position(|&c| c == '公').unwrap();
        assert!(!ok[at], "12|公里");
        // A trial's table broke 服饰面/料 (the dictionary reads 饰面).
        let t = "周口银河服饰面料有限公司";
        let ok = word_breaks(t);
        let at = t.chars().position(|c| c == '料').unwrap();
        assert!(!ok[at], "面|料");
        for (t, c) in [("约束性", '性'), ("园区污水处理厂", '厂')] {
            let at = t.chars().position(|x| x == c).unwrap();
            assert!(!word_breaks(t)[at], "{t}");
        }
    }

    #[test]
    fn overprinted_runs_are_found_and_neighbours_are_not() {
        let run = |x0: f64, y0: f64, w: f64| Run {
            x0,
            y0,
            x1: x0 + w,
            y1: y0 + 16.0,
            size: 16.0,
            upright: true,
            span: Span::detached(),
            near: Span::detached(),
            text: "字".into(),
        };
        let mut out = Vec::new();
        // Side by side on one line, and one line below: fine.
        overprints(
            1,
            &[
                run(0.0, 0.0, 32.0),
                run(32.5, 0.0, 32.0),
                run(0.0, 28.9, 64.0),
            ],
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
        // Two runs on one baseline over each other: a fault.
        overprints(
            1,
            &[run(0.0, 100.0, 64.0), run(10.0, 101.0, 64.0)],
            &mut out,
        );
        assert_eq!(out.len(), 1);
    }
}
