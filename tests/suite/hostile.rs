//! Regression tests for the hostile inputs of issue 11: each case runs the
//! real binary with its time and output bounded (a case fails if it takes
//! longer than [`LIMIT`] or prints more than [`MAX_OUTPUT`] bytes).

use std::io::Read;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{bin, demo, json, rules_of, snapshot};

const LIMIT: Duration = Duration::from_secs(20);
const MAX_OUTPUT: usize = 16 * 1024;
const PLAN: &str = "content/伏牛经开区试点实施方案.md";

/// Run shenbao on `root` with `args`; kill it and fail past [`LIMIT`];
/// fail if it prints more than [`MAX_OUTPUT`].
pub(crate) fn run(root: &Path, args: &[&str]) -> Output {
    let start = Instant::now();
    let mut child = bin()
        .arg("--root")
        .arg(root)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("shenbao {args:?} took more than {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = t_out.join().unwrap();
    let stderr = t_err.join().unwrap();
    assert!(
        stdout.len() + stderr.len() <= MAX_OUTPUT,
        "shenbao {args:?} printed {} bytes",
        stdout.len() + stderr.len()
    );
    Output {
        status,
        stdout,
        stderr,
    }
}

pub(crate) fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub(crate) fn build(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", "--no-system-fonts", "--today", "2022-06-20"];
    args.extend_from_slice(extra);
    run(root, &args)
}

pub(crate) fn check(root: &Path) -> serde_json::Value {
    json(&run(
        root,
        &["check", "--format", "json", "--today", "2022-06-20"],
    ))
}

/// Replace (or add) one line of shenbao.yaml; "" restores the defaults
/// of output_dir, call and year.
fn set_config(root: &Path, extra: &str) {
    let c = std::fs::read_to_string(root.join("shenbao.yaml")).unwrap();
    let key = extra.split(':').next().unwrap_or("");
    let c: String = c
        .lines()
        .filter(|l| {
            let restored = extra.is_empty() && l.starts_with("call: call.yaml");
            let replaced = !key.is_empty() && l.starts_with(&format!("{key}:"));
            !(l.starts_with("output_dir") || restored || replaced)
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(root.join("shenbao.yaml"), format!("{c}{extra}\n")).unwrap();
}

// 1. Writes outside what is the user's.

#[cfg(unix)]
#[test]
fn a_symlinked_output_folder_never_writes_into_content() {
    let dir = demo();
    let root = dir.path();
    std::os::unix::fs::symlink("content", root.join("public")).unwrap();
    let before = snapshot(&root.join("content"));
    let o = build(root, &["--no-pdf"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("content"), "{}", text(&o));
    assert_eq!(snapshot(&root.join("content")), before);
    std::fs::remove_file(root.join("public")).unwrap();

    // A folder inside the output folder that leads into content/.
    assert_eq!(build(root, &["--no-pdf"]).status.code(), Some(0));
    std::fs::remove_dir_all(root.join("public/docs")).unwrap();
    std::os::unix::fs::symlink("../content", root.join("public/docs")).unwrap();
    let before = snapshot(&root.join("content"));
    let o = build(root, &["--no-pdf"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("符号链接"), "{}", text(&o));
    assert_eq!(snapshot(&root.join("content")), before);
}

#[test]
fn the_output_folder_stays_in_the_project_unless_named_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    crate::common::copy_dir(demo().path(), &root);
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("id_rsa"), "secret").unwrap();
    for out in ["../elsewhere", elsewhere.to_str().unwrap()] {
        set_config(&root, &format!("output_dir: {out}"));
        let o = build(&root, &["--no-pdf"]);
        assert_eq!(o.status.code(), Some(2), "{out}: {}", text(&o));
        assert!(text(&o).contains("项目之外"), "{}", text(&o));
        // serve refuses too, before serving anything.
        let o = run(&root, &["serve", "--port", "0", "--no-pdf"]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    }
    set_config(&root, "");
    // --out may leave the project, but never into a folder of others.
    let o = build(&root, &["--no-pdf", "--out", elsewhere.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("id_rsa"), "{}", text(&o));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 1);
    let fresh = dir.path().join("fresh");
    let o = build(&root, &["--no-pdf", "--out", fresh.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(fresh.join("index.html").is_file());
    assert!(fresh.join(".shenbao-output").is_file());
    // The project root and the sources are refused.
    for out in [".", "content/site", "themes"] {
        let o = build(
            &root,
            &["--no-pdf", "--out", root.join(out).to_str().unwrap()],
        );
        assert_eq!(o.status.code(), Some(2), "{out}: {}", text(&o));
    }
}

// 3. Only images are images; stale outputs go.

#[test]
fn only_images_are_copied_and_stale_outputs_are_removed() {
    let dir = demo();
    let root = dir.path();
    let plan = std::fs::read_to_string(root.join(PLAN)).unwrap();
    std::fs::write(
        root.join(PLAN),
        format!("{plan}\n![配置](../shenbao.yaml)\n"),
    )
    .unwrap();
    let v = check(root);
    let hits: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "attachment/format")
        .collect();
    assert_eq!(hits.len(), 1, "{v:#}");
    let o = build(root, &["--no-pdf"]);
    assert!(text(&o).contains("检查：1 个错误"), "{}", text(&o));
    assert!(!root.join("public/assets/files/shenbao.yaml").exists());
    // The page does not link it as an image either.
    let page =
        std::fs::read_to_string(root.join("public/docs/伏牛经开区试点实施方案.html")).unwrap();
    assert!(!page.contains("shenbao.yaml\""), "linked as an image");

    // Rename the document: its old page, shard and PDF go; a file the
    // author put into public/ stays.
    std::fs::write(root.join(PLAN), &plan).unwrap();
    assert_eq!(build(root, &[]).status.code(), Some(0));
    std::fs::write(root.join("public/mine.txt"), "x").unwrap();
    let old_page = root.join("public/docs/伏牛经开区试点实施方案.html");
    let old_pdf = root.join("public/pdf/伏牛经开区试点实施方案.pdf");
    assert!(old_page.is_file() && old_pdf.is_file());
    std::fs::rename(root.join(PLAN), root.join("content/改名.md")).unwrap();
    assert_eq!(build(root, &[]).status.code(), Some(0));
    assert!(!old_page.exists() && !old_pdf.exists());
    assert!(root.join("public/docs/改名.html").is_file());
    assert!(root.join("public/pdf/改名.pdf").is_file());
    assert!(root.join("public/mine.txt").is_file());
    // A site-only build keeps the PDFs.
    assert_eq!(build(root, &["--no-pdf"]).status.code(), Some(0));
    assert!(root.join("public/pdf/改名.pdf").is_file());
}

// 7. Inputs that hang: deep YAML.

#[test]
fn deeply_nested_yaml_is_refused_quickly_everywhere() {
    let dir = demo();
    let root = dir.path();
    let plan = std::fs::read_to_string(root.join(PLAN)).unwrap();
    let deep = "[".repeat(100_000);
    std::fs::write(
        root.join(PLAN),
        plan.replacen("---\n", &format!("---\nx: {deep}\n"), 1),
    )
    .unwrap();
    let t = Instant::now();
    let v = check(root);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert!(rules_of(&v).contains(&"frontmatter/limit".to_string()));
    std::fs::write(root.join(PLAN), &plan).unwrap();
    // A call file of 400 KB brackets.
    std::fs::write(
        root.join("call.yaml"),
        format!("x: {}", "[".repeat(400_000)),
    )
    .unwrap();
    set_config(root, "call: call.yaml");
    let o = run(root, &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("上限") || text(&o).contains("嵌套"),
        "{}",
        text(&o)
    );
}

// 6. A line full of placeholders is one finding, and long lines are shown
//    trimmed: the human output stays small (`run` fails past 16 KB).

#[test]
fn a_line_of_placeholders_is_one_finding_with_a_short_line_shown() {
    let dir = demo();
    let root = dir.path();
    let plan = std::fs::read_to_string(root.join(PLAN)).unwrap();
    let line = "××".repeat(20_000);
    std::fs::write(root.join(PLAN), format!("{plan}\n{line}\n")).unwrap();
    let t = Instant::now();
    let o = run(root, &["check"]);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    let out = text(&o);
    assert_eq!(out.matches("content/placeholder").count(), 1, "{out}");
    assert!(out.contains("本行另有 19999 处"), "{out}");
    assert!(out.contains('…'), "the long line is trimmed: {out}");
    // Deep YAML in human output: the 100,000-bracket line is trimmed too.
    std::fs::write(
        root.join(PLAN),
        plan.replacen("---\n", &format!("---\nx: {}\n", "[".repeat(100_000)), 1),
    )
    .unwrap();
    let o = run(root, &["check"]);
    assert!(text(&o).contains("frontmatter/limit"), "{}", text(&o));
}

// 8. Large documents stay linear in loading, checking and the site.

#[test]
fn huge_headings_and_many_headings_check_and_render_quickly() {
    for body in [
        format!("# 一、{}\n\n正文。\n", "字".repeat(350_000)),
        (0..10_000)
            .map(|i| format!("## （{i}）标题{i}\n\n内容{i}。\n\n"))
            .collect::<String>(),
    ] {
        let dir = crate::common::plan_project(&body);
        let t = Instant::now();
        let o = build(dir.path(), &["--no-pdf"]);
        assert!(o.status.code().is_some());
        assert!(t.elapsed() < Duration::from_secs(15), "{:?}", t.elapsed());
    }
}

// 9. Non-regular files.

#[cfg(unix)]
#[test]
fn fifos_are_refused_not_read() {
    let dir = demo();
    let root = dir.path();
    let fifo = root.join("call.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo not available; skipped");
        return;
    }
    set_config(root, "call: call.yaml");
    let o = run(root, &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("不是普通文件"), "{}", text(&o));
    set_config(root, "");
    std::fs::rename(&fifo, root.join("content/管道.md")).unwrap();
    let v = check(root);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["file"] == "content/管道.md" && d["rule"] == "document/unreadable"),
        "{v:#}"
    );
}

// 11. Collisions never overwrite.

#[test]
fn outputs_and_subjects_that_collide_are_errors_naming_both() {
    let dir = demo();
    let root = dir.path();
    let plan = std::fs::read_to_string(root.join(PLAN)).unwrap();
    std::fs::write(root.join("content/伏牛经开区试点实施方案.markdown"), &plan).unwrap();
    std::fs::write(root.join("content/副本.md"), &plan).unwrap();
    let v = check(root);
    let diags = v["diagnostics"].as_array().unwrap();
    let name = diags
        .iter()
        .find(|d| d["rule"] == "document/output-name")
        .unwrap_or_else(|| panic!("{v:#}"));
    // The later of the two is refused, naming the other.
    let other = if name["file"] == PLAN {
        "content/伏牛经开区试点实施方案.markdown"
    } else {
        PLAN
    };
    assert!(name["message"].as_str().unwrap().contains(other), "{name}");
    let subject = diags
        .iter()
        .find(|d| d["rule"] == "package/subject" && d["file"] == "content/副本.md")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert!(
        subject["message"]
            .as_str()
            .unwrap()
            .contains("content/伏牛经开区试点实施方案.m"),
        "{subject}"
    );
    let o = run(
        root,
        &[
            "pack",
            "--allow-errors",
            "--no-system-fonts",
            "--today",
            "2022-06-20",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("不覆盖"), "{}", text(&o));
    let zips = std::fs::read_dir(root.join("public/package"))
        .unwrap()
        .count();
    assert_eq!(zips, 1);
}

// 12. A build that produced no PDF says so.

#[test]
fn documents_without_a_pdf_are_named_and_fail_the_build() {
    let dir = demo();
    let root = dir.path();
    std::fs::write(root.join("content/空.md"), "").unwrap();
    let o = build(root, &["--jobs", "1"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("未生成 PDF content/空.md"), "{t}");
    assert!(t.contains("未全部完成"), "{t}");
}

#[cfg(unix)]
#[test]
fn content_symlinked_away_fails_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    crate::common::copy_dir(demo().path(), &root);
    std::fs::rename(root.join("content"), dir.path().join("away")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("away"), root.join("content")).unwrap();
    let o = build(&root, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("未生成 PDF"), "{}", text(&o));
    assert!(text(&o).contains("项目之外"), "{}", text(&o));
}

// 13. Values against type and range.

#[test]
fn out_of_range_values_fail_check() {
    let dir = demo();
    let root = dir.path();
    let plan = std::fs::read_to_string(root.join(PLAN)).unwrap();
    let bad = plan
        .replacen("category: 2", "category: -1", 1)
        .replacen("province: 河南省", "province: 123", 1)
        .replacen("date: 2022-06-20", "date: -2022-01-01", 1);
    assert_ne!(bad, plan);
    std::fs::write(root.join(PLAN), bad).unwrap();
    let v = check(root);
    let invalid: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "frontmatter/invalid-value")
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    for what in ["-1", "123", "-2022"] {
        assert!(
            invalid.iter().any(|m| m.contains(what)),
            "{what}: {invalid:?}"
        );
    }
    set_config(root, "year: 99999");
    let o = run(root, &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("99999"), "{}", text(&o));
}

// 14. A killed build's temporary files.

#[test]
fn temporary_files_of_killed_builds_are_removed() {
    let dir = demo();
    let root = dir.path();
    assert_eq!(build(root, &["--no-pdf"]).status.code(), Some(0));
    let dead = root.join("public/pdf/.shenbao-tmp-4000000000-abcdef.part");
    // A file of the author's that only looks like a temporary file stays.
    let old = root.join("public/docs/.tmpAbC123");
    std::fs::create_dir_all(dead.parent().unwrap()).unwrap();
    std::fs::write(&dead, "half").unwrap();
    std::fs::write(&old, "half").unwrap();
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    for p in [&dead, &old] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
    }
    assert_eq!(build(root, &["--no-pdf"]).status.code(), Some(0));
    assert!(!dead.exists() && old.exists());
}

// 15. Control characters never reach the terminal.

#[test]
fn escape_sequences_in_names_and_values_are_escaped() {
    let dir = demo();
    let root = dir.path();
    let plan = std::fs::read_to_string(root.join(PLAN)).unwrap();
    let evil = plan.replacen("version: 送审版", "version: \"\\e[31m红\\e[0m\"", 1);
    assert_ne!(evil, plan);
    std::fs::write(root.join("content/\u{1b}[31m坏.md"), "# 标题\n").unwrap();
    std::fs::write(root.join(PLAN), evil).unwrap();
    for args in [
        &["check", "--today", "2022-06-20"][..],
        &["build", "--no-pdf", "--today", "2022-06-20"][..],
    ] {
        let o = run(root, args);
        assert!(
            !o.stdout.contains(&0x1b) && !o.stderr.contains(&0x1b),
            "{args:?}: {}",
            text(&o)
        );
        if args[0] == "check" {
            assert!(text(&o).contains("\\u{1b}[31m坏.md"), "{}", text(&o));
            assert!(text(&o).contains("\\u{1b}[31m红"), "{}", text(&o));
        }
    }
}

/// File names that differ only in invalid UTF-8 would share one lossy
/// name (one page, one PDF): each is refused, none overwrites another.
#[cfg(target_os = "linux")]
#[test]
fn file_names_that_are_not_utf8_are_refused() {
    use std::os::unix::ffi::OsStrExt;
    let dir = demo();
    let root = dir.path();
    let plan = std::fs::read_to_string(root.join(PLAN)).unwrap();
    for name in [&b"\xff.md"[..], &b"\xfe.md"[..]] {
        let p = root.join("content").join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(p, &plan).unwrap();
    }
    let v = check(root);
    let refused = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "document/file-name")
        .count();
    assert_eq!(refused, 2, "{v:#}");
}
