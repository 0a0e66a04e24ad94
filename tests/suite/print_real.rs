//! Print on a real-shaped plan (tests/fixtures/real-plan: seven chapters,
//! twelve tables — one of 41 rows, one of 9 columns — a figure, nested
//! lists, footnotes, a quote, a code block, bold lead-ins, a long title),
//! read back from the PDF with poppler's word boxes.

use std::path::{Path, PathBuf};

use crate::common::*;

const PDF: &str = "public/pdf/鹤阳市试点实施方案.pdf";
const HTML: &str = "public/docs/鹤阳市试点实施方案.html";

/// The text block of the default theme, in points from the top: 37 mm and
/// 297 − 35 mm.
const AREA_TOP: f64 = 104.9;
const AREA_BOTTOM: f64 = 742.7;

#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

/// Words of every page, from `pdftotext -bbox`.
fn words(pdf: &Path) -> Vec<Vec<Word>> {
    let xml = tool("pdftotext", &["-bbox", &pdf.to_string_lossy(), "-"]);
    let mut pages = Vec::new();
    for page in xml.split("<page ").skip(1) {
        let mut ws = Vec::new();
        for w in page.split("<word ").skip(1) {
            let attr = |name: &str| -> f64 {
                let key = format!("{name}=\"");
                let start = w.find(&key).map(|i| i + key.len()).unwrap_or(0);
                let end = w[start..].find('"').map_or(start, |e| start + e);
                w[start..end].parse().unwrap_or(f64::NAN)
            };
            let text = w
                .split_once('>')
                .and_then(|(_, rest)| rest.split_once("</word>"))
                .map(|(t, _)| {
                    t.replace("&amp;", "&")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                })
                .unwrap_or_default();
            ws.push(Word {
                x0: attr("xMin"),
                y0: attr("yMin"),
                x1: attr("xMax"),
                y1: attr("yMax"),
                text,
            });
        }
        pages.push(ws);
    }
    pages
}

fn is_footer(w: &Word) -> bool {
    w.y0 > AREA_BOTTOM
}

struct Built {
    _dir: tempfile::TempDir,
    root: PathBuf,
    pages: Vec<Vec<Word>>,
}

fn built() -> Built {
    let dir = fixture("real-plan");
    let out = build(dir.path(), &[]);
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{log}");
    let root = dir.path().to_path_buf();
    let pages = words(&root.join(PDF));
    Built {
        _dir: dir,
        root,
        pages,
    }
}

#[test]
fn the_real_plan_prints_whole_and_readable() {
    let b = built();
    let pdf = b.root.join(PDF);
    let pages = &b.pages;
    assert!(pages.len() >= 30, "{} pages", pages.len());
    let info = pdf_info(&pdf);
    assert!(info["Page size"].contains("(A4)"), "{info:?}");

    // 1. No two words print over each other (the 41-row table used to
    //    draw rows 15–41 on one baseline at the foot of a page).
    for (i, ws) in pages.iter().enumerate() {
        for (a, wa) in ws.iter().enumerate() {
            for wb in &ws[a + 1..] {
                let h = (wa.y1 - wa.y0).min(wb.y1 - wb.y0);
                let dx = wa.x1.min(wb.x1) - wa.x0.max(wb.x0);
                let dy = wa.y1.min(wb.y1) - wa.y0.max(wb.y0);
                // Neighbours on one line: CJK punctuation pairs (。《) are
                // set closer than their glyph boxes, by up to one em.
                let (l, r) = if wa.x0 <= wb.x0 { (wa, wb) } else { (wb, wa) };
                // Digits and Latin letters are set in the Latin font, whose
                // boxes sit a little lower than the Chinese font's: one line
                // is the same baseline within a quarter of the size.
                let size = (wa.y1 - wa.y0).max(wb.y1 - wb.y0);
                let neighbours =
                    (wa.y1 - wb.y1).abs() < 0.25 * h && r.x0 - l.x0 > 0.5 * h && dx <= 1.05 * size;
                // A superscript (a footnote number) touches the box of the
                // bracket after it; rows drawn over each other have one size.
                let same_size = h / (wa.y1 - wa.y0).max(wb.y1 - wb.y0) > 0.85;
                assert!(
                    neighbours || !same_size || !(dx > 0.3 * h && dy > 0.5 * h),
                    "page {}: “{}” overprints “{}”",
                    i + 1,
                    wa.text,
                    wb.text
                );
            }
        }
        // Nothing but the page number below the text block.
        for w in ws.iter().filter(|w| is_footer(w)) {
            assert!(
                w.text.chars().all(|c| c.is_ascii_digit() || c == '—'),
                "page {}: “{}” below the text block",
                i + 1,
                w.text
            );
        }
    }

    // 2. The 41-row table breaks: its caption on the first part, 续表3 and
    //    the repeated column headers on the next.
    let text_of = |ws: &Vec<Word>| ws.iter().map(|w| w.text.as_str()).collect::<String>();
    let first = pages
        .iter()
        .position(|ws| {
            ws.iter().any(|w| w.text == "表3") && text_of(ws).contains("试点重点企业清单")
        })
        .expect("caption of 表3");
    let cont = &pages[first + 1];
    let cont_text = text_of(cont);
    assert!(
        cont_text.contains("续表3"),
        "page {}: {cont_text}",
        first + 2
    );
    // (A header may wrap between its words: 审核 / 类型.)
    assert!(
        cont_text.contains("企业名称") && cont_text.contains("审核") && cont_text.contains("类型"),
        "header not repeated: {cont_text}"
    );
    // The caption row comes before the header on the continuation page.
    let y = |t: &str| cont.iter().find(|w| w.text.contains(t)).map(|w| w.y0);
    assert!(y("续表3") < y("企业名称"), "{cont_text}");
    // The first, a middle and the last of the 41 rows are there, once
    // each (names wrap inside their cells, so their first words count).
    let all: String = pdf_text(&pdf, None, None, false)
        .split_whitespace()
        .collect();
    for n in ["淇川县金焰", "浚阳县豫丰"] {
        assert_eq!(all.matches(n).count(), 1, "{n}");
    }

    // 3. The code block prints, line by line.
    let plain = pdf_text(&pdf, None, None, false);
    assert!(
        plain.contains("统一社会信用代码,企业名称,报送期,指标代码"),
        "code block missing"
    );
    assert!(plain.contains("GT-A03,烧结机头"), "code block missing");

    // 4. Bold lead-ins are bold, not asterisks, in print and on the site.
    assert!(!plain.contains("**"), "asterisks printed");
    assert!(plain.contains("一是能源结构偏煤"), "lead-in text missing");
    let html = std::fs::read_to_string(b.root.join(HTML)).unwrap();
    assert!(!html.contains("**"), "asterisks on the site");
    assert!(
        html.contains("<strong>一是能源结构偏煤，能效水平不均衡。</strong>"),
        "lead-in not bold on the site"
    );

    // 5. Every heading is 三号 like the body: a CJK character advances
    //    the same 15.8 pt (16 pt on the 28-character grid) as in the body;
    //    the title (二号, 22 pt) is larger.
    let advance = |needle: &str| -> f64 {
        let w = pages
            .iter()
            .skip(4)
            .flatten()
            .find(|w| w.text.ends_with(needle))
            .unwrap_or_else(|| panic!("no word “{needle}”"));
        // The heading as printed, its number included (“1.” in the Latin
        // font: a digit is half an em, the full stop a quarter).
        let ems: f64 = w
            .text
            .chars()
            .map(|c| match c {
                '.' => 0.25,
                c if c.is_ascii() => 0.5,
                _ => 1.0,
            })
            .sum();
        (w.x1 - w.x0) / ems
    };
    for heading in [
        "试点对象基本概况",
        "试点对象范围与区位",
        "行政区域与自然地理",
    ] {
        let a = advance(heading);
        assert!((a - 15.8).abs() < 0.4, "{heading}: {a:.2} pt per character");
    }

    // 6. No body page is more than half empty, except the last before
    //    the bound letter; blank pages carry no number. The letter's pages
    //    are numbered on (GB/T 9704 §8), under the label 附件.
    // (The contents page names it too: the last page with the label.)
    let letter = pages
        .iter()
        .rposition(|ws| ws.iter().any(|w| w.text == "附件"))
        .expect("the letter's page carries the label 附件");
    assert!(
        pages[letter]
            .iter()
            .any(|w| is_footer(w) && w.text.chars().any(|c| c.is_ascii_digit())),
        "the letter's page is numbered"
    );
    // The label on the text block's first line, the title centred on its
    // third (GB/T 9704 §8).
    let pitch = 225.0 / 22.0 / 25.4 * 72.0;
    let label = pages[letter].iter().find(|w| w.text == "附件").unwrap();
    let title = pages[letter]
        .iter()
        .filter(|w| w.y0 > label.y1 && (w.y1 - w.y0) > 18.0)
        .map(|w| w.y1)
        .fold(f64::MAX, f64::min);
    let lines = (title - label.y1) / pitch;
    assert!(
        (lines - 2.0).abs() < 0.3,
        "the attachment's title is {lines:.2} lines under its label"
    );
    let numbered: Vec<usize> = (0..letter)
        .filter(|i| {
            pages[*i]
                .iter()
                .any(|w| is_footer(w) && w.text.chars().any(|c| c.is_ascii_digit()))
        })
        .collect();
    assert!(numbered.len() >= 30, "{numbered:?}");
    let last = *numbered.last().unwrap();
    let mut worst = 0f64;
    for &i in &numbered {
        let low = pages[i]
            .iter()
            .filter(|w| !is_footer(w))
            .map(|w| w.y1)
            .fold(AREA_TOP, f64::max);
        let empty = 1.0 - (low - AREA_TOP) / (AREA_BOTTOM - AREA_TOP);
        if i != last {
            assert!(empty < 0.5, "page {} is {:.0}% empty", i + 1, empty * 100.0);
            worst = worst.max(empty);
        }
    }
    eprintln!(
        "largest empty fraction of a body page: {:.0}%",
        worst * 100.0
    );
    for (i, ws) in pages.iter().enumerate() {
        if ws.iter().all(is_footer) {
            assert!(
                ws.is_empty(),
                "blank page {} carries “{}”",
                i + 1,
                ws[0].text
            );
        }
    }

    // 6a. Full-width punctuation is never squeezed to justify a line: a
    //    run of 三号 Chinese text (with its punctuation, no two marks side
    //    by side, which Chinese typesetting sets closer) advances at least
    //    a whole character per character.
    let punct = |c: char| "，。、；：？！“”‘’（）《》〔〕".contains(c);
    for (i, ws) in pages.iter().enumerate().skip(4) {
        for w in ws {
            let chars: Vec<char> = w.text.chars().collect();
            let cjk = chars.iter().all(|c| !c.is_ascii());
            let pairs = chars.windows(2).any(|p| punct(p[0]) && punct(p[1]));
            if !cjk || pairs || chars.len() < 8 || !chars.iter().any(|c| punct(*c)) {
                continue;
            }
            if (w.y1 - w.y0 - 16.0).abs() > 0.5 || chars.last().is_some_and(|c| punct(*c)) {
                continue;
            }
            let per = (w.x1 - w.x0) / chars.len() as f64;
            assert!(
                per > 15.6,
                "page {}: “{}” set at {per:.2} pt a character (punctuation squeezed)",
                i + 1,
                w.text
            );
        }
    }

    // 6b. Every line of 三号 Chinese text in the body stands on the
    //    22-line grid (225 mm / 22 from the top of the text block):
    //    after a block quote, a table, a code block or a figure, the text
    //    goes on on the grid as on a page of plain text. Before, the text
    //    after a table was 4–13 pt off on 10 of the 57 body pages.
    let pitch = 225.0 / 22.0 / 25.4 * 72.0;
    let body = pages
        .iter()
        .position(|ws| text_of(ws).contains("鹤阳市位于河南省北部"))
        .expect("the body's first page");
    let quote = pages
        .iter()
        .position(|ws| text_of(ws).contains("探索按行业组织清洁生产审核"))
        .expect("the quote's page");
    assert!(quote > body);
    let cjk = |w: &Word| w.text.chars().all(|c| !c.is_ascii()) && w.text.chars().count() >= 4;
    // The grid's first line, from a page that starts with plain text.
    let origin = pages[body + 1]
        .iter()
        .filter(|w| !is_footer(w) && (w.y1 - w.y0 - 16.0).abs() < 0.5 && cjk(w))
        .map(|w| w.y1)
        .fold(f64::MAX, f64::min);
    let mut off = Vec::new();
    for (i, ws) in pages.iter().enumerate().skip(body) {
        for w in ws
            .iter()
            .filter(|w| !is_footer(w) && (w.y1 - w.y0 - 16.0).abs() < 0.5 && cjk(w))
        {
            let k = (w.y1 - origin) / pitch;
            if (k - k.round()).abs() * pitch > 1.5 {
                off.push(format!(
                    "page {}: “{}” {:.1} pt off",
                    i + 1,
                    w.text,
                    (k - k.round()) * pitch
                ));
                break;
            }
        }
    }
    assert!(off.is_empty(), "lines off the grid: {off:#?}");

    // 7. No fallback font: Chinese in the theme's CJK fonts, Latin letters
    //    and digits (10⁶, CO₂) in its Times-metric serif, as Word sets
    //    them in Times New Roman (the code block has its own).
    let fonts = tool("pdffonts", &[&pdf.to_string_lossy()]);
    for row in fonts.lines().skip(2) {
        assert!(
            row.contains("Fandol") || row.contains("Mono") || row.contains("LiberationSerif"),
            "fallback font: {row}"
        );
    }
    assert!(
        fonts.contains("LiberationSerif"),
        "digits not in the Latin font: {fonts}"
    );
    assert!(plain.contains("2.6×107吨"), "superscript digits missing");

    // 8. Footnote numbers run 1…8 on the site.
    for n in 1..=8 {
        assert!(
            html.contains(&format!("href=\"#u-fn-{n}\"")),
            "site footnote {n}"
        );
    }
}

#[test]
fn the_long_title_breaks_between_words() {
    let b = built();
    let cover = pdf_text(&b.root.join(PDF), Some(1), Some(1), false);
    let lines: Vec<&str> = cover
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // 鹤阳市钢铁、焦化、有色金属三大重点行业清洁生产整体审核创新试点实施方案:
    // no line ends inside 清洁生产, 审核, 试点 or 实施方案.
    for l in lines.iter().take(3) {
        for bad in ['清', '洁', '审', '试', '实', '施'] {
            assert!(!l.ends_with(bad), "cover line “{l}” in {lines:?}");
        }
    }
}

/// The default theme with its tables made unbreakable again, as they were
/// when the 41-row table overprinted: the layout check must catch it.
#[test]
fn a_table_that_overflows_fails_the_document_at_its_line() {
    let dir = fixture("real-plan");
    let theme = std::fs::read_to_string(repo().join("themes/default/print/plan.typ")).unwrap();
    let broken = theme.replace(
        "    block(width: 100%, below: 0pt, align(center, body))\n",
        "    block(breakable: false, width: 100%, below: 0pt, align(center, body))\n",
    );
    assert_ne!(
        broken, theme,
        "the theme's table placement changed: update this test"
    );
    std::fs::create_dir_all(dir.path().join("templates/print")).unwrap();
    std::fs::write(dir.path().join("templates/print/plan.typ"), broken).unwrap();
    let out = build(dir.path(), &["--no-site", "--emit-typst"]);
    let log =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("print/overflow") || log.contains("print/overprint"),
        "{log}"
    );
    // At the table's line in the Markdown (表3 starts at line 116).
    let md = std::fs::read_to_string(dir.path().join("content/鹤阳市试点实施方案.md")).unwrap();
    let table_line = md
        .lines()
        .position(|l| l.starts_with("| 序号 | 企业名称"))
        .unwrap()
        + 1;
    assert!(
        log.contains(&format!("鹤阳市试点实施方案.md:{table_line}:")),
        "not at line {table_line}: {log}"
    );
    assert!(!dir.path().join(PDF).exists(), "a broken PDF was written");
    // The source is there to look at, as the message says.
    assert!(dir.path().join(PDF).with_extension("typ").exists());
}
