//! Call files a staffer writes: `new call`, `extends`, the parts a call
//! must state, and the JSON Schemas editors validate against (checked by
//! an independent validator, Python's jsonschema).

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// Errors the independent validator (jsonschema, draft 2020-12) finds in
/// `docs` (YAML texts) against the schema `shenbao schema <what>` prints;
/// one list per document.
fn validate(root: &Path, what: &str, docs: &[&str]) -> Vec<Vec<String>> {
    let out = run(root, &["schema", what]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.json"), &out.stdout).unwrap();
    let as_json: Vec<serde_json::Value> = docs
        .iter()
        .map(|d| {
            let v: serde_yaml::Value = serde_yaml::from_str(d).unwrap();
            serde_json::to_value(v).unwrap()
        })
        .collect();
    std::fs::write(
        dir.path().join("docs.json"),
        serde_json::to_vec(&as_json).unwrap(),
    )
    .unwrap();
    let script = r#"
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema)
out = [[f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(d)]
       for d in json.load(open(sys.argv[2]))]
print(json.dumps(out, ensure_ascii=False))
"#;
    let mut cmd = Command::new("python3");
    if let Some(dir) = std::env::var_os("SHENBAO_OPENXML_AUDIT") {
        // tests/run installs jsonschema beside openxml-audit.
        cmd.env("PYTHONPATH", dir);
    }
    let o = cmd
        .arg("-c")
        .arg(script)
        .arg(dir.path().join("schema.json"))
        .arg(dir.path().join("docs.json"))
        .output()
        .expect("python3 is needed for the schema validator");
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "jsonschema gave no report (run the tests with tests/run, which installs it): {e}\n{}",
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn front_matter(md: &str) -> &str {
    let rest = md.strip_prefix("---\n").unwrap();
    &rest[..rest.find("\n---").unwrap()]
}

#[test]
fn shipped_files_validate_against_their_schemas_and_typos_do_not() {
    let dir = demo();
    let preset =
        std::fs::read_to_string(repo().join("src/call/presets/cn-2022-pilot.yaml")).unwrap();
    let extends = "extends: cn-2022-pilot\nyear: 2023\npackage:\n  warn_bytes: 40000000\n";
    let typo = preset.replacen("quota_per_province:", "quota_per_provice:", 1);
    let no_milestones = "id: x\nname: y\n";
    let r = validate(
        dir.path(),
        "call",
        &[&preset, extends, &typo, no_milestones],
    );
    assert!(r[0].is_empty(), "{:?}", r[0]);
    assert!(r[1].is_empty(), "{:?}", r[1]);
    assert!(
        r[2].iter().any(|e| e.contains("quota_per_provice")),
        "{:?}",
        r[2]
    );
    assert!(r[3].iter().any(|e| e.contains("milestones")), "{:?}", r[3]);

    let config = std::fs::read_to_string(dir.path().join("shenbao.yaml")).unwrap();
    let r = validate(dir.path(), "config", &[&config, "outdir: public\n"]);
    assert!(r[0].is_empty(), "{:?}", r[0]);
    assert!(!r[1].is_empty());

    let plan =
        std::fs::read_to_string(dir.path().join("content/伏牛经开区试点实施方案.md")).unwrap();
    let fm = front_matter(&plan);
    let r = validate(
        dir.path(),
        "pilot-plan",
        &[fm, &fm.replacen("applicant:", "applicent:", 1)],
    );
    assert!(r[0].is_empty(), "{:?}", r[0]);
    assert!(r[1].iter().any(|e| e.contains("applicent")), "{:?}", r[1]);
    // The enterprise documents of the voluntary fixture, by their kinds.
    let fx = repo().join("tests/fixtures/voluntary/content");
    for entry in std::fs::read_dir(&fx).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let fm = front_matter(&text);
        let kind: serde_yaml::Value = serde_yaml::from_str(fm).unwrap();
        let kind = kind["kind"].as_str().unwrap().to_string();
        let r = validate(dir.path(), &kind, &[fm]);
        assert!(r[0].is_empty(), "{}: {:?}", path.display(), r[0]);
    }
}

#[test]
fn a_new_call_used_unchanged_checks_exactly_like_its_source() {
    for project in [demo(), fixture("voluntary")] {
        let root = project.path();
        let before = run(
            root,
            &["check", "--format", "json", "--today", "2022-06-20"],
        );
        let out = run(
            root,
            &["new", "call", "2023年第二批", "--from", "cn-2022-pilot"],
        );
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let path = root.join("calls/2023年第二批.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        // Every key explained in Chinese; the editor line points at the schema.
        assert!(text.starts_with("# yaml-language-server: $schema=../schemas/call.schema.json\n"));
        assert!(root.join("schemas/call.schema.json").is_file());
        assert!(text.contains("# 时间节点（必填）：") && text.contains("# 最少字数（必填）："));
        // Never over a file.
        let again = run(root, &["new", "call", "2023年第二批"]);
        assert_eq!(again.status.code(), Some(2));
        let config = std::fs::read_to_string(root.join("shenbao.yaml")).unwrap();
        let config = config.replace("call: cn-2022-pilot", "call: calls/2023年第二批.yaml");
        std::fs::write(root.join("shenbao.yaml"), &config).unwrap();
        let after = run(
            root,
            &["check", "--format", "json", "--today", "2022-06-20"],
        );
        assert_eq!(before.status.code(), after.status.code());
        let (before, after) = (json(&before), json(&after));
        assert!(
            before["diagnostics"]
                .as_array()
                .is_some_and(|d| !d.is_empty()),
            "{before}"
        );
        assert_eq!(before["diagnostics"], after["diagnostics"]);
    }
}

#[test]
fn a_call_that_leaves_out_a_part_is_refused_and_one_that_extends_states_only_changes() {
    let dir = demo();
    let root = dir.path();
    let config = std::fs::read_to_string(root.join("shenbao.yaml")).unwrap();
    // The project's year would override the call's: a new season drops it.
    let config: String = config
        .replace("call: cn-2022-pilot", "call: calls/2023.yaml")
        .lines()
        .filter(|l| !l.starts_with("year:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(root.join("shenbao.yaml"), config).unwrap();
    std::fs::create_dir_all(root.join("calls")).unwrap();
    // The 2023 call as a staffer writes it: what changed, nothing else.
    std::fs::write(
        root.join("calls/2023.yaml"),
        "extends: cn-2022-pilot\nid: cn-2023\nname: 2023年清洁生产审核创新试点项目申报\nyear: 2023\n",
    )
    .unwrap();
    // A section cut to one sentence: the thin-section check is still on
    // (the preset's min_chars hold), and the year is the new one.
    let md = root.join("content/伏牛经开区试点实施方案.md");
    let text = std::fs::read_to_string(&md).unwrap();
    let start = text.find("# 五、试点工作特色及主要创新点").unwrap();
    let end = text.find("# 六、试点项目实施计划").unwrap();
    std::fs::write(
        &md,
        format!(
            "{}# 五、试点工作特色及主要创新点\n\n创新点见第四章。\n\n{}",
            &text[..start],
            &text[end..]
        ),
    )
    .unwrap();
    let out = run(
        root,
        &["check", "--format", "json", "--today", "2023-06-20"],
    );
    let v = json(&out);
    let thin = finding(&v, "content/thin-section").expect("thin-section");
    assert!(
        thin["message"].as_str().unwrap().contains("试点工作特色"),
        "{thin}"
    );
    assert!(v.to_string().contains("2023年6月30日 18:00"), "{v}");
    let preset =
        std::fs::read_to_string(repo().join("src/call/presets/cn-2022-pilot.yaml")).unwrap();
    // A whole call without milestones: refused (exit 2), the part named.
    let start = preset.find("\nmilestones:").unwrap();
    let end = preset.find("\npackage:").unwrap();
    std::fs::write(
        root.join("calls/2023.yaml"),
        format!("{}{}", &preset[..start], &preset[end..]),
    )
    .unwrap();
    let out = run(root, &["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("缺少 milestones") && err.contains("extends"),
        "{err}"
    );
    assert!(err.contains("calls/2023.yaml"), "{err}");
}

/// A project holding a plan of the 2022 call and one of a 2023 call: each
/// is checked, printed, shown and packed by its own call.
#[test]
fn two_seasons_in_one_project_each_by_its_own_call() {
    let dir = demo();
    let root = dir.path();
    std::fs::create_dir_all(root.join("calls")).unwrap();
    std::fs::write(
        root.join("calls/2023.yaml"),
        "extends: cn-2022-pilot\nid: cn-2023-2\nname: 2023年第二批清洁生产审核创新试点项目申报\nyear: 2023\n\
         milestones:\n  - id: province-email\n    name: 省级电子件报送\n    due: \"08-31 17:00\"\n    what: 电子件发送至省厅邮箱\n    to: 省生态环境厅\n    channel: email\n    address: qjsc2023@example.gov.cn\n",
    )
    .unwrap();
    let plan = std::fs::read_to_string(root.join("content/伏牛经开区试点实施方案.md")).unwrap();
    let second = plan
        .replacen("kind: pilot-plan\n", "kind: pilot-plan\ncall: calls/2023.yaml\n", 1)
        .replace("伏牛经济技术开发区工业园区", "伏牛高新区")
        .replace("submissions:\n  henan-email: 2022-06-28 16:00\n  henan-post: 2022-07-08\n  national-post: 2022-07-13\n  national-email: 2022-07-13\n", "submissions:\n  province-email: 2023-08-30 10:00\n")
        .replace("date: 2022-06-20", "date: 2023-08-01");
    assert!(second.contains("call: calls/2023.yaml") && second.contains("province-email"));
    std::fs::write(root.join("content/伏牛高新区2023.md"), second).unwrap();

    let out = run(
        root,
        &["check", "--format", "json", "--today", "2022-06-20"],
    );
    let v = json(&out);
    let of = |file: &str| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == file && d["rule"].as_str().unwrap().starts_with("deadline/"))
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect()
    };
    let old = of("content/伏牛经开区试点实施方案.md");
    let new = of("content/伏牛高新区2023.md");
    assert!(old.iter().any(|m| m.contains("2022年6月30日")), "{old:?}");
    assert!(new.iter().all(|m| !m.contains("2022年")), "{new:?}");
    assert!(new.iter().any(|m| m.contains("2023年8月31日")), "{new:?}");
    assert!(!v.to_string().contains("frontmatter/call"), "{v}");

    // Packed for each call's own stage, to each call's own address.
    let out = run(
        root,
        &["pack", "--no-system-fonts", "--today", "2022-06-20"],
    );
    let log = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(
        log.contains("《2023年第二批清洁生产审核创新试点项目申报》"),
        "{log}"
    );
    assert!(log.contains("收件人：  qjsc2023@example.gov.cn"), "{log}");
    assert!(log.contains("收件人：  kjcqjsc@126.com"), "{log}");
    assert!(log.contains("邮件题目：2023+伏牛高新区"), "{log}");
    // A stage only one season's call has: that season is packed, the
    // other's plan is said not to be; a paper stage is no e-mail package.
    let pack_for = |milestone: &str| {
        let args = [
            "pack",
            "--no-system-fonts",
            "--today",
            "2022-06-20",
            "--milestone",
            milestone,
        ];
        run(root, &args)
    };
    let out = pack_for("province-email");
    let log = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(log.contains("收件人：  qjsc2023@example.gov.cn"), "{log}");
    assert!(
        log.contains("未打包 content/伏牛经开区试点实施方案.md"),
        "{log}"
    );
    let out = pack_for("henan-post");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("纸质件寄送，不打电子件包"), "{err}");
    // The dashboard shows each call's dates, named.
    build(root, &["--no-pdf", "--no-docx"]);
    let index = std::fs::read_to_string(root.join("public/index.html")).unwrap();
    assert!(index.contains("2023年8月31日 17:00"), "{index}");
    assert!(index.contains("2022年6月30日 18:00"), "{index}");

    // A call file with a typo: the error at the call file's line, and
    // no deadlines of the project's call on that plan.
    let good = std::fs::read_to_string(root.join("calls/2023.yaml")).unwrap();
    // Write `file` as `text`, check, and the frontmatter/call finding.
    let call_error = |file: &str, text: String| {
        std::fs::write(root.join(file), text).unwrap();
        let out = run(
            root,
            &["check", "--format", "json", "--today", "2022-06-20"],
        );
        assert_eq!(out.status.code(), Some(1));
        let v = json(&out);
        let bad = finding(&v, "frontmatter/call")
            .expect("frontmatter/call")
            .clone();
        (v, bad)
    };
    let (v, bad) = call_error("calls/2023.yaml", good.replace("extends:", "extend:"));
    assert_eq!(bad["file"], "calls/2023.yaml", "{bad}");
    assert_eq!(bad["line"], 1, "{bad}");
    assert!(
        !v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["file"] == "content/伏牛高新区2023.md"
                && d["rule"].as_str().unwrap().starts_with("deadline/")),
        "{v}"
    );
    std::fs::write(root.join("calls/2023.yaml"), good).unwrap();
    // A new plan of that season, made for it.
    let out = run(
        root,
        &["new", "plan", "伏牛新区2023", "--from", "calls/2023.yaml"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let made = std::fs::read_to_string(root.join("content/伏牛新区2023.md")).unwrap();
    assert!(made.contains("\ncall: \"calls/2023.yaml\"\n"), "{made}");
    assert!(made.contains("province-email"), "{made}");
    std::fs::remove_file(root.join("content/伏牛新区2023.md")).unwrap();

    // A plan naming a call that is not there: an error at its line.
    let text = std::fs::read_to_string(root.join("content/伏牛高新区2023.md")).unwrap();
    let (_, bad) = call_error(
        "content/伏牛高新区2023.md",
        text.replace("call: calls/2023.yaml", "call: calls/2024.yaml"),
    );
    let line = text.lines().position(|l| l.starts_with("call:")).unwrap() + 1;
    assert_eq!(bad["line"], line, "{bad}");
    assert!(
        bad["message"]
            .as_str()
            .unwrap()
            .contains("找不到申报通知文件 calls/2024.yaml"),
        "{bad}"
    );
    assert!(bad["help"].as_str().unwrap().contains("2023.yaml"), "{bad}");
}
