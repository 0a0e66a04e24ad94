//! The site in a real browser: Debian's headless Chromium, driven by
//! playwright-core (tests/browser/site.mjs). Needs `chromium` and
//! `npm ci --prefix tests/browser`; .ci/run installs both.

use std::path::Path;
use std::process::Command;

use crate::common::*;

fn browse(site: &Path, query: &str) -> serde_json::Value {
    node("site.mjs", &[site.as_os_str(), query.as_ref()])
}

/// Browse and take screenshots at 390 and 1280 px into
/// `target/tmp/browser/<name>/`, kept after the test for a look.
fn browse_with_shots(site: &Path, query: &str, name: &str) -> serde_json::Value {
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("browser")
        .join(name);
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let v = node(
        "site.mjs",
        &[site.as_os_str(), query.as_ref(), shots.as_os_str()],
    );
    println!("screenshots: {}", shots.display());
    v
}

/// At a phone's and a desktop's width: no page scrolls sideways, no badge
/// spills out of its box or breaks its line, wide tables scroll inside
/// their wrapper with columns a few characters wide, and the dashboard's
/// columns read across (申报单位 used to stand one character a line).
fn assert_layout(v: &serde_json::Value) {
    let layout = v["layout"].as_array().expect("layout measured");
    assert_eq!(layout.len(), 8, "4 pages at 2 widths: {v:#}");
    let mut wide_tables = 0;
    for m in layout {
        let at = format!("{} at {} px", m["page"], m["width"]);
        assert!(
            std::path::Path::new(m["shot"].as_str().unwrap()).is_file(),
            "{at}: screenshot"
        );
        assert!(
            m["scrollWidth"].as_u64() <= m["innerWidth"].as_u64(),
            "{at}: the page scrolls sideways ({} > {})",
            m["scrollWidth"],
            m["innerWidth"]
        );
        for b in m["badges"].as_array().unwrap() {
            assert!(
                b["scrollWidth"].as_u64() <= b["clientWidth"].as_u64() && b["lines"] == 1,
                "{at}: badge overflows or wraps: {b}"
            );
        }
        for w in m["wraps"].as_array().unwrap() {
            if w["scrollWidth"].as_u64() > w["clientWidth"].as_u64() {
                wide_tables += 1;
                assert_eq!(w["overflowX"], "auto", "{at}: {w}");
                assert!(
                    w["scrolled"].as_f64().unwrap() > 0.0,
                    "{at}: a wide table scrolls in its box: {w}"
                );
            }
            assert!(
                w["narrowestCellEm"].as_f64().is_none_or(|e| e >= 3.0),
                "{at}: a table column collapsed: {w}"
            );
        }
        for c in m["dashCells"].as_array().unwrap() {
            assert!(
                c["em"].as_f64().unwrap() >= 3.0,
                "{at}: dashboard column {} is {:.1} characters wide",
                c["label"],
                c["em"]
            );
        }
    }
    assert!(
        layout
            .iter()
            .any(|m| m["page"] == "dashboard" && !m["badges"].as_array().unwrap().is_empty()),
        "the dashboard shows its badges: {v:#}"
    );
    assert!(wide_tables > 0, "a table wider than the phone: {v:#}");
}

/// A search for 推荐函 finds the plan's recommendation letter and leads
/// to it on the plan's page.
fn assert_letter_found(v: &serde_json::Value) {
    let results = v["letterResults"].as_array().unwrap();
    assert!(
        results.iter().any(|r| {
            let t = r["title"].as_str().unwrap();
            t.starts_with("附件：") && t.contains("推荐函")
        }),
        "{v:#}"
    );
    let target = &v["letterTarget"];
    assert!(
        target["text"].as_str().unwrap_or("").contains("推荐函"),
        "{v:#}"
    );
    assert_eq!(target["inView"], true, "{v:#}");
}

/// Run one of the scripts in tests/browser/ and parse what it printed.
fn node(script: &str, args: &[&std::ffi::OsStr]) -> serde_json::Value {
    let script = repo().join("tests/browser").join(script);
    assert!(
        repo()
            .join("tests/browser/node_modules/playwright-core")
            .is_dir(),
        "browser tests need: apt-get install chromium nodejs npm && npm ci --prefix tests/browser"
    );
    let out = Command::new("node")
        .arg(&script)
        .args(args)
        .output()
        .expect("node is needed for the browser tests (apt-get install nodejs)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert!(v.get("failure").is_none(), "browser run failed: {v:#}");
    v
}

#[test]
fn a_reader_finds_their_way_in_a_real_browser() {
    let dir = demo();
    // An error and a warning, so the findings filter has work to do.
    let md = dir.path().join("content/伏牛经开区试点实施方案.md");
    let text = std::fs::read_to_string(&md).unwrap().replacen(
        "kind: pilot-plan\n",
        "kind: pilot-plan\nremark: 备注\n",
        1,
    );
    std::fs::write(&md, text + "\n该数据待补充。\n").unwrap();
    let out = build(dir.path(), &["--no-pdf"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = browse_with_shots(&dir.path().join("public"), "氨氮", "demo");

    assert_eq!(v["lang"], "zh-CN");
    assert_eq!(
        v["firstTab"], "跳到正文",
        "the first Tab reaches the skip link"
    );
    assert!(
        v["docUrl"]
            .as_str()
            .unwrap()
            .ends_with("docs/伏牛经开区试点实施方案.html"),
        "{v:#}"
    );
    assert_eq!(
        v["docH1"],
        "伏牛经济技术开发区工业园区清洁生产整体审核创新试点"
    );
    assert_eq!(v["hash"], "#s2");
    assert_eq!(v["s2Heading"], "二、试点基础");
    assert_eq!(v["s2InView"], true);

    let results = v["results"].as_array().unwrap();
    assert!(!results.is_empty(), "{v:#}");
    assert_eq!(results[0]["title"], "（一）环境现状与主要问题");
    assert_eq!(results[0]["marks"][0], "氨氮");
    assert!(v["resultUrl"].as_str().unwrap().ends_with("#s2-1"), "{v:#}");
    assert_eq!(v["urlQueryResults"], results.len());

    let rows = v["findingRows"].as_u64().unwrap();
    let shown = v["infoRowsShown"].as_u64().unwrap();
    assert!(shown > 0 && shown < rows, "filter shows {shown} of {rows}");
    assert_eq!(v["errorRowsAllErrors"], true);

    assert_eq!(v["errors"], serde_json::json!([]), "console errors");
    assert_eq!(
        v["external"],
        serde_json::json!([]),
        "requests outside the site"
    );
    assert_eq!(v["dialogs"], serde_json::json!([]));
    assert_layout(&v);
    assert_letter_found(&v);
}

#[test]
fn a_real_shaped_plan_holds_on_a_phone_and_a_desktop() {
    // 63 pages, 12 tables (some ten columns wide), a recommendation letter.
    let dir = fixture("real-plan");
    let out = build(dir.path(), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = browse_with_shots(&dir.path().join("public"), "排放", "real-plan");
    assert_layout(&v);
    assert_letter_found(&v);
    assert_eq!(v["errors"], serde_json::json!([]), "console errors");
    assert_eq!(v["external"], serde_json::json!([]));
}

#[test]
fn author_scripts_never_run_in_a_real_browser() {
    let dir = demo();
    let md = dir.path().join("content/伏牛经开区试点实施方案.md");
    let text = std::fs::read_to_string(&md)
        .unwrap()
        .replace("title: 伏牛经济技术开发区工业园区清洁生产整体审核创新试点", "title: \"<script>alert('title')</script>氨氮试点\"")
        .replace(
            "# 二、试点基础",
            "<script>alert('body')</script>\n\n<img src=x onerror=\"alert('img')\">\n\n[链接](javascript:alert('link'))\n\n<svg onload=\"alert('svg')\"></svg>\n\n# 二、试点基础",
        );
    std::fs::write(&md, text).unwrap();
    let out = build(dir.path(), &["--no-pdf"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Search for the word in the malicious title, so its results render too.
    let v = browse(&dir.path().join("public"), "氨氮");
    assert_eq!(v["dialogs"], serde_json::json!([]), "a script ran: {v:#}");
    assert_eq!(v["errors"], serde_json::json!([]), "{v:#}");
    assert!(
        v["docH1"].as_str().unwrap().contains("<script>"),
        "the title shows as text: {v:#}"
    );
}

#[test]
fn a_served_page_follows_the_edits_by_itself() {
    let dir = demo();
    let server = crate::common::serve::start(dir.path(), &[]);
    let md = dir.path().join("content/伏牛经开区试点实施方案.md");
    let base = format!("http://{}", server.addr);
    let v = node("serve.mjs", &[base.as_ref(), md.as_os_str()]);

    assert!(
        v["pdfLink"]
            .as_str()
            .unwrap()
            .starts_with("/__shenbao/preview?pdf="),
        "PDF links open the live preview: {v:#}"
    );
    assert_eq!(v["reloadedText"], true);
    // The reader stays at the section they were reading (the edit is
    // above it, so the page offset itself may change).
    assert!(
        v["scrollBefore"].as_i64().unwrap() > 500,
        "the test scrolled down: {v:#}"
    );
    let (before, after) = (
        v["s5TopBefore"].as_i64().unwrap(),
        v["s5TopAfter"].as_i64().unwrap(),
    );
    assert!(
        (after - before).abs() <= 2,
        "place kept: {before} -> {after}"
    );
    let overlay = v["overlay"].as_str().unwrap();
    assert!(
        overlay.contains("content/伏牛经开区试点实施方案.md:") && overlay.contains("YAML"),
        "{overlay}"
    );
    assert_eq!(v["overlayRole"], "alert");
    assert_eq!(v["stillShowsLastGood"], true);
    assert_eq!(v["overlayAfterFix"], false);
    assert!(v["searchResults"].as_i64().unwrap() > 0, "{v:#}");
    assert_eq!(v["searchGlobal"], "undefined");
    assert_ne!(v["frameBefore"], v["frameAfter"]);
    assert!(v["frameAfter"].as_str().unwrap().contains("?v="), "{v:#}");
    assert!(v["frameStatus"].as_str().unwrap().contains("已更新"));
    assert_eq!(v["errors"], serde_json::json!([]), "console errors: {v:#}");
    assert_eq!(v["external"], serde_json::json!([]), "{v:#}");
}
