//! No input makes shenbao panic: thousands of deterministic mutations of
//! the demo plan and of the voluntary-audit documents (truncations, deletions, and insertions of the characters
//! that matter to YAML, Markdown and Chinese numbering) go through the
//! whole parse and every rule.

mod common;

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
        std::fs::read_to_string(common::repo().join("content/伏牛经开区试点实施方案.md")).unwrap();
    mutate_and_check(&base, 2022, 3000);
}

#[test]
fn mutated_voluntary_documents_never_panic() {
    for (i, name) in ["申请表.md", "审核报告.md", "验收自评报告.md"]
        .iter()
        .enumerate()
    {
        let base = std::fs::read_to_string(
            common::repo()
                .join("tests/fixtures/voluntary/content")
                .join(name),
        )
        .unwrap();
        mutate_and_check(&base, 2018 + i as u64, 1500);
    }
}

/// `rounds` mutations of `base` through the parse and every rule.
fn mutate_and_check(base: &str, seed: u64, rounds: usize) {
    let call = Call::preset(DEFAULT_PRESET).unwrap().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let opts = Options {
        today: parse_datetime("2022-06-01", false).unwrap(),
    };
    let matcher = placeholder_matcher(&call.placeholders);
    let ctx = Ctx {
        root: &root,
        call: &call,
        opts: &opts,
        out_dir: root.join("public"),
        placeholders: matcher.as_ref(),
    };
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
        let doc = document::parse(
            "content/m.md",
            root.join("content/m.md"),
            text,
            ctx.placeholders,
        );
        let mut out = doc.diagnostics.clone();
        check_document(&ctx, &doc, &mut out);
        // Every diagnostic's position is inside the file.
        for d in &out {
            if let Some(line) = d.line {
                assert!(
                    line >= 1 && line <= doc.src.line_count(),
                    "round {round}: {d:?}"
                );
            }
        }
        checked += 1;
    }
    assert_eq!(checked, rounds);
}
