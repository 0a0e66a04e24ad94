//! `shenbao pack`: the e-mail package, its name, contents and limits.

use std::io::Read;
use std::path::Path;

use crate::common::*;

const SUBJECT: &str =
    "2022+伏牛经济技术开发区工业园区清洁生产整体审核创新试点+伏牛经济技术开发区管理委员会";

fn pack(dir: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["pack", "--no-system-fonts", "--today", "2022-06-20"];
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A project whose call has other package limits.
fn with_limits(limit: u64, warn: u64) -> tempfile::TempDir {
    let dir = demo();
    let preset =
        std::fs::read_to_string(repo().join("src/call/presets/cn-2022-pilot.yaml")).unwrap();
    let call = preset
        .replace("limit_bytes: 52428800", &format!("limit_bytes: {limit}"))
        .replace("warn_bytes: 50000000", &format!("warn_bytes: {warn}"));
    std::fs::write(dir.path().join("call.yaml"), call).unwrap();
    std::fs::write(
        dir.path().join("shenbao.yaml"),
        "call: call.yaml\nyear: 2022\n",
    )
    .unwrap();
    dir
}

#[test]
fn demo_package_is_named_by_the_subject_and_holds_the_pdf() {
    let dir = demo();
    let (code, log) = pack(dir.path(), &[]);
    assert_eq!(code, Some(0), "{log}");
    assert!(log.contains(&format!("邮件题目：{SUBJECT}")), "{log}");
    assert!(
        log.contains("kjcqjsc@126.com") && log.contains("touzichu@mee.gov.cn"),
        "{log}"
    );
    assert!(log.contains("base64"), "{log}");
    assert!(
        log.contains("一式5份") && log.contains("合订胶装成册") && log.contains("还有 10 天"),
        "{log}"
    );

    let zip_path = dir.path().join(format!("public/package/{SUBJECT}.zip"));
    let bytes = std::fs::read(&zip_path).unwrap();
    assert!(log.contains(&format!("{} 字节", bytes.len())), "{log}");
    // The first local header: the UTF-8 flag (bit 11) is set.
    assert_eq!(&bytes[0..4], b"PK\x03\x04");
    let flags = u16::from_le_bytes([bytes[6], bytes[7]]);
    assert_ne!(flags & 0x0800, 0, "UTF-8 flag not set");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(archive.len(), 1);
    let mut entry = archive.by_index(0).unwrap();
    assert_eq!(
        entry.name().unwrap(),
        "伏牛经济技术开发区工业园区清洁生产整体审核创新试点.pdf"
    );
    let mut pdf = Vec::new();
    entry.read_to_end(&mut pdf).unwrap();
    assert_eq!(
        pdf,
        std::fs::read(dir.path().join("public/pdf/伏牛经开区试点实施方案.pdf")).unwrap()
    );
}

#[test]
fn over_the_limit_is_an_error_that_names_the_largest_files() {
    let dir = with_limits(100_000, 50_000);
    let (code, log) = pack(dir.path(), &[]);
    assert_eq!(code, Some(1), "{log}");
    assert!(
        log.contains("错误[package/size]") && log.contains("推荐函（样例）.png"),
        "{log}"
    );
    assert!(log.contains("压缩"), "{log}");
    assert!(
        !dir.path()
            .join(format!("public/package/{SUBJECT}.zip"))
            .exists(),
        "an oversize package must not be written"
    );
}

#[test]
fn between_the_warning_and_the_limit_is_a_warning() {
    let dir = with_limits(50 * 1024 * 1024, 100_000);
    let (code, log) = pack(dir.path(), &[]);
    assert_eq!(code, Some(0), "{log}");
    assert!(log.contains("警告[package/size]"), "{log}");
    assert!(
        dir.path()
            .join(format!("public/package/{SUBJECT}.zip"))
            .exists()
    );
}

#[test]
fn check_errors_stop_the_package_unless_allowed() {
    let dir = demo();
    let md = dir.path().join("content/伏牛经开区试点实施方案.md");
    std::fs::write(
        &md,
        std::fs::read_to_string(&md).unwrap() + "\n数据待补充。\n",
    )
    .unwrap();
    let (code, log) = pack(dir.path(), &[]);
    assert_eq!(code, Some(1), "{log}");
    assert!(
        log.contains("content/placeholder") && log.contains("--allow-errors"),
        "{log}"
    );
    assert!(!dir.path().join("public/package").exists());
    let (code, log) = pack(dir.path(), &["--allow-errors"]);
    assert_eq!(code, Some(0), "{log}");
    assert!(
        dir.path()
            .join(format!("public/package/{SUBJECT}.zip"))
            .exists()
    );
}

/// The line that names the recipients of the package.
fn recipients_line(log: &str) -> &str {
    log.lines()
        .find(|l| l.starts_with("收件人："))
        .unwrap_or_else(|| panic!("no recipients line in {log}"))
}

#[test]
fn pack_prepares_the_next_email_stage_and_says_what_follows_from_the_call() {
    let dir = demo();
    // 20 June: the provincial e-mail only; the ministry's address comes
    // later, under 之后, with the paper stages as the call words them.
    let (code, log) = pack(dir.path(), &[]);
    assert_eq!(code, Some(0), "{log}");
    assert!(
        log.contains("报送阶段：省级电子件报送（henan-email）"),
        "{log}"
    );
    let to = recipients_line(&log);
    assert!(
        to.contains("kjcqjsc@126.com") && !to.contains("touzichu"),
        "{to}"
    );
    let after = log.split("之后：").nth(1).expect("之后 section");
    assert!(after.contains("省级纸质件寄送") && after.contains("touzichu@mee.gov.cn"));
    // The 2022 notice says nothing about binding the provincial copies.
    assert!(!log.contains("不装订"), "{log}");
    // 12 July: the provincial e-mail is past; the ministry's is next.
    let out = run(
        dir.path(),
        &["pack", "--no-system-fonts", "--today", "2022-07-12"],
    );
    let log = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{log}");
    let to = recipients_line(&log);
    assert!(
        to.contains("touzichu@mee.gov.cn") && !to.contains("kjcqjsc"),
        "{to}"
    );
    // Asked for by id; a paper stage is no e-mail package (exit 2).
    let (code, log) = pack(dir.path(), &["--milestone", "national-email"]);
    assert_eq!(code, Some(0), "{log}");
    assert!(recipients_line(&log).contains("touzichu@mee.gov.cn"));
    let (code, log) = pack(dir.path(), &["--milestone", "henan-post"]);
    assert_eq!(code, Some(2), "{log}");
    assert!(
        log.contains("纸质件") && log.contains("henan-email"),
        "{log}"
    );
}

#[test]
fn a_stage_that_requires_the_letter_refuses_a_plan_without_one() {
    let dir = demo();
    let preset =
        std::fs::read_to_string(repo().join("src/call/presets/cn-2022-pilot.yaml")).unwrap();
    // The ministry's e-mail asks for the letter too (a later call might).
    let call = preset.replacen(
        "    address: touzichu@mee.gov.cn\n    copies: 0\n    bound: false\n",
        "    address: touzichu@mee.gov.cn\n    copies: 0\n    bound: false\n    includes: [plan, recommendation-letter]\n",
        1,
    );
    assert_ne!(call, preset);
    std::fs::write(dir.path().join("call.yaml"), call).unwrap();
    std::fs::write(
        dir.path().join("shenbao.yaml"),
        "call: call.yaml\nyear: 2022\n",
    )
    .unwrap();
    let md = dir.path().join("content/伏牛经开区试点实施方案.md");
    let text = std::fs::read_to_string(&md).unwrap();
    let start = text.find("attachments:\n").unwrap();
    let end = text[start..].find("---").unwrap() + start;
    std::fs::write(&md, format!("{}{}", &text[..start], &text[end..])).unwrap();
    // The provincial stage holds the plan alone, and says the letter comes later.
    let (code, log) = pack(dir.path(), &[]);
    assert_eq!(code, Some(0), "{log}");
    assert!(log.contains("须附推荐函"), "{log}");
    // The ministry's stage cannot be met: no zip, exit 1, said why.
    let (code, log) = pack(dir.path(), &["--milestone", "national-email"]);
    assert_eq!(code, Some(1), "{log}");
    assert!(log.contains("错误[package/missing]"), "{log}");
    assert!(
        !dir.path()
            .join(format!("public/package/{SUBJECT}.zip"))
            .exists(),
        "{log}"
    );
}

#[test]
fn nothing_to_pack_is_said_and_fails() {
    let dir = demo();
    std::fs::remove_file(dir.path().join("content/伏牛经开区试点实施方案.md")).unwrap();
    let (code, log) = pack(dir.path(), &[]);
    assert_eq!(code, Some(1), "{log}");
    assert!(log.contains("没有可打包的实施方案"), "{log}");
}

fn zip_of(dir: &Path) -> std::path::PathBuf {
    dir.join(format!("public/package/{SUBJECT}.zip"))
}

/// A refused pack leaves no older package behind to be sent by mistake,
/// says so, and leaves files shenbao did not write alone.
#[test]
fn a_refused_pack_removes_the_older_package_and_says_so() {
    let dir = demo();
    let (code, log) = pack(dir.path(), &[]);
    assert_eq!(code, Some(0), "{log}");
    assert!(zip_of(dir.path()).is_file());
    let own = dir.path().join("public/package/寄送清单.txt");
    std::fs::write(&own, "作者自己的文件").unwrap();

    let md = dir.path().join("content/伏牛经开区试点实施方案.md");
    std::fs::write(
        &md,
        std::fs::read_to_string(&md).unwrap() + "\n数据待补充。\n",
    )
    .unwrap();
    let (code, log) = pack(dir.path(), &[]);
    assert_eq!(code, Some(1), "{log}");
    assert!(log.contains("未打包"), "{log}");
    assert!(
        !zip_of(dir.path()).exists(),
        "the old package is still there"
    );
    assert!(
        log.contains(&format!(
            "已删除上一次生成的电子件 public/package/{SUBJECT}.zip"
        )),
        "{log}"
    );
    assert_eq!(std::fs::read_to_string(&own).unwrap(), "作者自己的文件");
    // content/ is untouched.
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .ends_with("数据待补充。\n")
    );

    // Allowed: the package is written, and the errors are pointed out.
    let (code, log) = pack(dir.path(), &["--allow-errors"]);
    assert_eq!(code, Some(0), "{log}");
    assert!(zip_of(dir.path()).is_file());
    assert!(
        log.contains("检查有 1 个错误，按 --allow-errors 照样打包"),
        "{log}"
    );
    assert!(!log.contains("已删除"), "{log}");
}

/// Over the limit: the older package goes, and the size shown is not
/// presented as that of a package written.
#[test]
fn over_the_limit_removes_the_older_package_and_shows_no_written_size() {
    let dir = with_limits(100_000_000, 90_000_000);
    let call = dir.path().join("call.yaml");
    let roomy = std::fs::read_to_string(&call).unwrap();
    let tight = roomy
        .replace("limit_bytes: 100000000", "limit_bytes: 100000")
        .replace("warn_bytes: 90000000", "warn_bytes: 50000");
    let removed = format!("已删除上一次生成的电子件 public/package/{SUBJECT}.zip");
    for allow in [false, true] {
        std::fs::write(&call, &roomy).unwrap();
        let (code, log) = pack(dir.path(), &[]);
        assert_eq!(code, Some(0), "{log}");
        assert!(zip_of(dir.path()).is_file());
        // The same project, now over a lower limit: check refuses it, or
        // with --allow-errors pack finds it too big to write.
        std::fs::write(&call, &tight).unwrap();
        let extra: &[&str] = if allow { &["--allow-errors"] } else { &[] };
        let (code, log) = pack(dir.path(), extra);
        assert_eq!(code, Some(1), "{log}");
        assert!(!zip_of(dir.path()).exists(), "{log}");
        assert!(log.contains(&removed), "{log}");
        assert!(!log.contains("大小："), "{log}");
        if allow {
            assert!(log.contains("附件：    未写出（超过上限）"), "{log}");
            assert!(log.contains("打包后为："), "{log}");
            assert!(log.contains("错误[package/size]"), "{log}");
        }
    }
}

/// A build after an edit says the package `pack` wrote before holds the
/// old PDF (on the terminal and on the dashboard); packing again, or a
/// build with nothing changed after it, says nothing of the sort.
#[test]
fn a_build_after_an_edit_marks_the_older_package() {
    let dir = demo();
    let (code, out) = pack(dir.path(), &[]);
    assert_eq!(code, Some(0), "{out}");
    let build = |dir: &Path| {
        let o = run(
            dir,
            &[
                "build",
                "--no-system-fonts",
                "--no-docx",
                "--today",
                "2022-06-20",
            ],
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let index = || std::fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    let out = build(dir.path());
    assert!(!out.contains("是之前打包的"), "{out}");
    assert!(!index().contains("旧压缩包"));
    // A paragraph changes: the PDF is made again, the zip is now old.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let md = dir.path().join("content/伏牛经开区试点实施方案.md");
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, text.replacen("。\n", "，另有说明。\n", 1)).unwrap();
    let out = build(dir.path());
    assert!(
        out.contains("是之前打包的") && out.contains(&format!("public/package/{SUBJECT}.zip")),
        "{out}"
    );
    assert!(index().contains("旧压缩包"));
    // Packed again: nothing old remains.
    let (code, out) = pack(dir.path(), &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("是之前打包的"), "{out}");
    let out = build(dir.path());
    assert!(!out.contains("是之前打包的"), "{out}");
    assert!(!index().contains("旧压缩包"));
}
