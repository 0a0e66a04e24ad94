//! No input makes shenbao panic: thousands of deterministic mutations of
//! the demo plan and of the voluntary-audit documents (truncations, deletions, and insertions of the characters
//! that matter to YAML, Markdown and Chinese numbering) go through the
//! whole parse and every rule.

use shenbao::call::{Call, DEFAULT_PRESET, parse_datetime};
use shenbao::check::{Ctx, Options, check_document};
use shenbao::corpus::Rng;
use shenbao::document;
use shenbao::markdown::placeholder_matcher;

const NASTY: &[&str] = &[
    "---",
    "\n---\n",
    "\n# ",
    "\n## ",
    "\n###### ",
    "（",
    "）",
    "(",
    "一、",
    "（一）",
    "十二、",
    "第三章",
    "1.",
    "（1）",
    ":",
    ": ",
    "：",
    "\u{3000}",
    "\u{feff}",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "\r",
    "\r\n",
    "\t",
    "#",
    "|",
    "\n|---|\n",
    "![图](",
    "](../../",
    "](/etc/passwd)",
    "XXX",
    "待补充",
    "- ",
    "\n  - file: ",
    "\n  - ",
    "\0",
    "\\",
    "`",
    "```\n",
    "> ",
    "* ",
    "1) ",
    "&amp;",
    "<script>",
    "é",
    "😀",
    "𠀀",
    "\n    ",
    "\u{3000}1.é",
    "\n# \u{3000}二、é",
    "kind: ",
    "title:",
    "category: 3\n",
    "year: ",
    "uscc: ",
    "9141",
    "options:\n  - ",
    "\n    investment: ",
    "class: 中/高费",
    "| 合计 | | 1e309 |",
    "|方案|投资|\n|---|---|\n|1|",
    "experts: [",
    "2023-02-30",
    "99999999999999999999",
    "-0",
    "NaN",
];

fn char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[test]
fn mutated_plans_never_panic() {
    let base =
        std::fs::read_to_string(crate::common::repo().join("content/伏牛经开区试点实施方案.md"))
            .unwrap();
    mutate_and_check(&base, 2022, 3000);
}

#[test]
fn mutated_voluntary_documents_never_panic() {
    for (i, name) in ["申请表.md", "审核报告.md", "验收自评报告.md"]
        .iter()
        .enumerate()
    {
        let base = std::fs::read_to_string(
            crate::common::repo()
                .join("tests/fixtures/voluntary/content")
                .join(name),
        )
        .unwrap();
        mutate_and_check(&base, 2018 + i as u64, 1500);
    }
}

/// Run `f` with a check context on an empty project (the default call).
fn with_ctx(f: impl FnOnce(&Ctx<'_>, &std::path::Path)) {
    let call = Call::preset(DEFAULT_PRESET).unwrap().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let opts = Options::at(parse_datetime("2022-06-01", false).unwrap());
    let matcher = placeholder_matcher(&call.placeholders);
    let ctx = Ctx {
        root: &root,
        call: &call,
        opts: &opts,
        out_dir: root.join("public"),
        placeholders: matcher.as_ref(),
        others: None,
    };
    f(&ctx, &root);
}

/// Parse `text` and run every rule; every diagnostic's position must be
/// inside the file.
fn parse_and_check(
    ctx: &Ctx<'_>,
    root: &std::path::Path,
    text: String,
    case: usize,
) -> document::Document {
    let doc = document::parse(
        "content/m.md",
        root.join("content/m.md"),
        text,
        ctx.placeholders,
    );
    let mut out = doc.diagnostics.clone();
    check_document(ctx, &doc, &mut out);
    for d in &out {
        if let Some(line) = d.line {
            assert!(
                line >= 1 && line <= doc.src.line_count(),
                "case {case}: {d:?}"
            );
        }
    }
    doc
}

/// `rounds` mutations of `base` through the parse and every rule.
fn mutate_and_check(base: &str, seed: u64, rounds: usize) {
    with_ctx(|ctx, root| mutate_and_check_in(ctx, root, base, seed, rounds));
}

fn mutate_and_check_in(
    ctx: &Ctx<'_>,
    root: &std::path::Path,
    base: &str,
    seed: u64,
    rounds: usize,
) {
    let mut rng = Rng::new(seed);
    let mut checked = 0;
    for round in 0..rounds {
        let mut text = base.to_string();
        for _ in 0..(1 + rng.below(4)) {
            let at = char_boundary(&text, rng.below(text.len() + 1));
            match rng.below(4) {
                0 => text.truncate(at),
                1 => {
                    let end = char_boundary(&text, at + rng.below(200));
                    text.replace_range(at..end, "");
                }
                _ => text.insert_str(at, NASTY[rng.below(NASTY.len())]),
            }
        }
        parse_and_check(ctx, root, text, round);
        checked += 1;
    }
    assert_eq!(checked, rounds);
}

/// Author text that would be markup if it ever left a string literal.
const CANARY: &str = "#CANARY(";

/// One generated document: front matter from the schema's names with
/// values of every YAML shape, and a body of every Markdown construct,
/// hostile text mixed in.
fn generated(rng: &mut Rng) -> String {
    const KEYS: &[&str] = &[
        "kind",
        "title",
        "applicant",
        "applicant_type",
        "implementer",
        "category",
        "province",
        "city",
        "industries",
        "region",
        "pollutants",
        "park",
        "eligibility",
        "contact",
        "version",
        "date",
        "submissions",
        "attachments",
        "year",
        "项目名称",
        "申报单位",
        "联系人",
        "enterprise",
        "options",
        "indicators",
        "experts",
        "uscc",
    ];
    const WORDS: &[&str] = &[
        "试点",
        "园区",
        "#",
        "$",
        "@",
        "[",
        "]",
        "\\",
        "\"",
        "*",
        "_",
        "`",
        "<b>",
        "&amp;",
        "\u{1b}[31m",
        "\u{202e}",
        "é",
        "𠀀",
        "待补充",
        "XXX",
        "-1",
        "99999999999999999999",
        "2022-06-20",
        "-2022-01-01",
        "1e309",
        "NaN",
        ":",
        "：",
        "（一）",
        "一、",
        CANARY,
        "](../../etc/passwd)",
        "<script>",
        "\u{3000}",
        "~",
        "|",
        "^[x]",
        "{",
        "}",
    ];
    let word = |rng: &mut Rng| -> String {
        (0..1 + rng.below(4))
            .map(|_| *rng.pick(WORDS))
            .collect::<Vec<_>>()
            .concat()
    };
    let scalar = |rng: &mut Rng| -> String {
        match rng.below(7) {
            0 => format!("{:?}", word(rng)),
            1 => rng.below(1_000_000).to_string(),
            2 => format!("-{}", rng.below(100)),
            3 => ["是", "否", "true", "null", "~", "2022-06-20", "pilot-plan"][rng.below(7)]
                .to_string(),
            4 => format!("'{}'", word(rng).replace('\'', "''")),
            _ => word(rng).replace(
                [
                    '\n', '#', ':', '[', ']', '{', '}', '"', '\'', '`', '|', '>', '&', '*', '!',
                    '%', '@', '-', '?', ',',
                ],
                "字",
            ),
        }
    };
    let mut text = String::from("---\n");
    if rng.below(4) > 0 {
        text.push_str(
            [
                "kind: pilot-plan\n",
                "kind: application-form\n",
                "kind: audit-report\n",
                "kind: acceptance-report\n",
            ][rng.below(4)],
        );
    }
    for _ in 0..rng.below(12) {
        let key = *rng.pick(KEYS);
        match rng.below(5) {
            0 => text.push_str(&format!(
                "{key}:\n  name: {}\n  phone: {}\n",
                scalar(rng),
                scalar(rng)
            )),
            1 => text.push_str(&format!("{key}: [{}, {}]\n", scalar(rng), scalar(rng))),
            2 => text.push_str(&format!(
                "{key}:\n  - file: {}\n    type: {}\n",
                scalar(rng),
                scalar(rng)
            )),
            3 => text.push_str(&format!(
                "{key}: {}{}\n",
                "[".repeat(rng.below(40)),
                scalar(rng)
            )),
            _ => text.push_str(&format!("{key}: {}\n", scalar(rng))),
        }
    }
    text.push_str("---\n");
    for _ in 0..rng.below(30) {
        let w = word(rng);
        match rng.below(12) {
            0 => text.push_str(&format!("{} {w}\n\n", "#".repeat(1 + rng.below(6)))),
            1 => text.push_str(&format!(
                "| {w} | {} |\n|---|---|\n| {} | 1 |\n\n",
                word(rng),
                word(rng)
            )),
            2 => text.push_str(&format!("- {w}\n  - {}\n\n", word(rng))),
            3 => text.push_str(&format!("```\n{w}\n```\n\n")),
            4 => text.push_str(&format!(
                "![{w}]({})\n\n",
                [
                    "a.png",
                    "../shenbao.yaml",
                    "/etc/passwd",
                    "http://x/y.png",
                    ""
                ][rng.below(5)]
            )),
            5 => text.push_str(&format!("[{w}](#{})\n\n", word(rng))),
            6 => text.push_str(&format!(
                "{w}[^{}]\n\n[^{}]: {}\n\n",
                rng.below(3),
                rng.below(3),
                word(rng)
            )),
            7 => text.push_str(&format!("> {w}\n\n")),
            8 => text.push_str(&format!(
                "**{w}** *{}* ~~{}~~ `{}`\n\n",
                word(rng),
                word(rng),
                word(rng)
            )),
            9 => text.push_str(&format!("<div>{w}</div>\n\n")),
            _ => text.push_str(&format!("{w}\n\n")),
        }
    }
    text
}

/// Whether `code` has `needle` outside a typst string literal.
fn outside_strings(code: &str, needle: &str) -> bool {
    let bytes = code.as_bytes();
    let mut in_str = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            _ if !in_str && code[i..].starts_with(needle) => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// A bounded, deterministic fuzzer: 5,000 generated documents through
/// parse, every rule and the Markdown → typst converter. No case may
/// panic or take more than 2 s; author text never leaves a string literal.
#[test]
fn generated_documents_check_and_convert_safely() {
    with_ctx(fuzz_generated);
}

fn fuzz_generated(ctx: &Ctx<'_>, root: &std::path::Path) {
    use shenbao::render::pdf::convert::convert;
    // The scanner itself tells markup from a literal.
    assert!(outside_strings("text(#CANARY()", CANARY));
    assert!(!outside_strings("text(\"a \\\" #CANARY(\")", CANARY));
    let mut rng = Rng::new(11);
    let mut seen = 0;
    for case in 0..5000 {
        let text = generated(&mut rng);
        let t = std::time::Instant::now();
        let doc = parse_and_check(ctx, root, text.clone(), case);
        let converted = convert(&doc, root);
        seen += usize::from(converted.code.contains(CANARY));
        assert!(
            !outside_strings(&converted.code, CANARY),
            "case {case}: author text became markup\n{text}\n---\n{}",
            converted.code
        );
        assert!(
            t.elapsed() < std::time::Duration::from_secs(2),
            "case {case} took {:?}:\n{text}",
            t.elapsed()
        );
    }
    // The canary did reach the typst source, inside literals.
    assert!(seen > 100, "{seen}");
}
