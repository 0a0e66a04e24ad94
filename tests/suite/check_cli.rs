//! `shenbao check` end to end: the real binary on real projects.

use crate::common::*;

#[test]
fn demo_passes_with_no_errors_and_writes_nothing() {
    let dir = demo();
    let before = snapshot(dir.path());
    let out = run(
        dir.path(),
        &["check", "--format", "json", "--today", "2022-06-01"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = json(&out);
    assert_eq!(v["summary"]["errors"], 0, "{v:#}");
    assert_eq!(v["summary"]["documents"], 1);
    // Before the deadlines: one info per milestone, nothing passed.
    let rules = rules_of(&v);
    assert_eq!(
        rules.iter().filter(|r| *r == "deadline/upcoming").count(),
        4
    );
    assert!(!rules.contains(&"deadline/passed".to_string()));
    // Human output too, and neither run wrote a file.
    let out = run(dir.path(), &["check", "--today", "2022-06-01"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn demo_in_the_repository_passes_today() {
    // The README's first command, on the shipped content/, read in place.
    let out = run(&repo(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["summary"]["errors"], 0);
}

#[test]
fn human_output_names_file_line_and_underlines() {
    let dir = fixture("broken");
    let out = run(dir.path(), &["check", "--today", "2022-06-01"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    // rustc style: rule id, file:line:column, the source line, a caret, a help.
    assert!(text.contains("error[applicant/same-entity]"), "{text}");
    assert!(text.contains("content/问题方案.md:6:14"), "{text}");
    assert!(
        text.contains("6 │ implementer: 青石县生态环境分局"),
        "{text}"
    );
    assert!(text.contains("^^^^^^^^^^^^^^^^^^^^"), "{text}");
    assert!(text.contains("建议："), "{text}");
    assert!(text.contains("个错误"), "{text}");
}

#[test]
fn broken_fixture_matches_golden_json() {
    let dir = fixture("broken");
    let out = run(
        dir.path(),
        &["check", "--format", "json", "--today", "2022-06-01"],
    );
    assert_eq!(out.status.code(), Some(1));
    let got = String::from_utf8(out.stdout).unwrap();
    let golden = repo().join("tests/golden/broken.json");
    if std::env::var_os("SHENBAO_BLESS").is_some() {
        std::fs::write(&golden, &got).unwrap();
    }
    let want = std::fs::read_to_string(&golden)
        .expect("golden file; run with SHENBAO_BLESS=1 to create it");
    assert_eq!(
        got, want,
        "output changed; if intended, run with SHENBAO_BLESS=1 and review the diff"
    );
}

#[test]
fn broken_fixture_fires_the_expected_rules() {
    let dir = fixture("broken");
    let v = json(&run(
        dir.path(),
        &["check", "--format", "json", "--today", "2022-06-01"],
    ));
    let rules = rules_of(&v);
    for r in [
        "frontmatter/unknown-field",
        "frontmatter/invalid-value",
        "applicant/type",
        "applicant/same-entity",
        "scope/key-industry",
        "scope/region-pollutants",
        "eligibility/violation",
        "eligibility/basis",
        "deadline/planned-late",
        "attachment/outside-project",
        "outline/order",
        "outline/missing-section",
        "outline/empty-section",
        "outline/title-mismatch",
        "content/placeholder",
        "content/thin-section",
    ] {
        assert!(rules.iter().any(|x| x == r), "{r} did not fire: {rules:?}");
    }
    // Every diagnostic names a file relative to the root and, here, a line.
    for d in v["diagnostics"].as_array().unwrap() {
        assert_eq!(d["file"], "content/问题方案.md");
        assert!(d["line"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn finds_the_project_from_a_subfolder() {
    let dir = demo();
    let out = bin()
        .current_dir(dir.path().join("content"))
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["summary"]["documents"], 1);
}

#[test]
fn tool_failures_exit_2() {
    let empty = tempfile::tempdir().unwrap();
    let out = bin()
        .current_dir(empty.path())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("shenbao.yaml"));

    let dir = demo();
    assert_eq!(
        run(dir.path(), &["check", "--today", "昨天"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(dir.path(), &["check", "--format", "xml"]).status.code(),
        Some(2)
    );

    std::fs::write(dir.path().join("shenbao.yaml"), "call: cn-1999\n").unwrap();
    let out = run(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cn-2022-pilot"));

    std::fs::write(dir.path().join("shenbao.yaml"), "name: [\n").unwrap();
    let out = run(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("shenbao.yaml:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn year_moves_the_milestones() {
    let dir = demo();
    let cfg = std::fs::read_to_string(dir.path().join("shenbao.yaml"))
        .unwrap()
        .replace("year: 2022", "year: 2023");
    std::fs::write(dir.path().join("shenbao.yaml"), cfg).unwrap();
    let v = json(&run(
        dir.path(),
        &["check", "--format", "json", "--today", "2023-06-01"],
    ));
    let msgs: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert!(
        msgs.iter().any(|m| m.contains("2023年6月30日 18:00")),
        "{msgs:#?}"
    );
}

#[test]
fn a_project_call_file_is_used() {
    let dir = demo();
    let preset =
        std::fs::read_to_string(repo().join("src/call/presets/cn-2022-pilot.yaml")).unwrap();
    let custom = preset
        .replace("quota_per_province: 5", "quota_per_province: 0")
        .replace("id: cn-2022-pilot", "id: custom");
    std::fs::write(dir.path().join("call.yaml"), custom).unwrap();
    std::fs::write(dir.path().join("shenbao.yaml"), "call: call.yaml\n").unwrap();
    let v = json(&run(
        dir.path(),
        &["check", "--format", "json", "--today", "2022-06-01"],
    ));
    assert!(rules_of(&v).contains(&"quota/province".to_string()));
    // A call file outside the project is refused.
    std::fs::write(dir.path().join("shenbao.yaml"), "call: ../outside.yaml\n").unwrap();
    assert_eq!(run(dir.path(), &["check"]).status.code(), Some(2));
}

/// The demo with its call as a project file, edited by `edit`.
fn demo_with_call(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = demo();
    let preset =
        std::fs::read_to_string(repo().join("src/call/presets/cn-2022-pilot.yaml")).unwrap();
    std::fs::write(dir.path().join("通知.yaml"), edit(&preset)).unwrap();
    let config = dir.path().join("shenbao.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("call: cn-2022-pilot", "call: 通知.yaml"),
    )
    .unwrap();
    dir
}

fn line_of_text(root: &std::path::Path, rel: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let at = text.find(needle).unwrap();
    text[..at].matches('\n').count() as u64 + 1
}

#[test]
fn a_plans_schedule_is_checked_against_the_calls_pilot_period() {
    const PLAN: &str = "content/伏牛经开区试点实施方案.md";
    let with_period = |months: u32| {
        move |preset: &str| {
            format!(
                "{preset}\npilot_period:\n  start: 2022-09\n  months: {months}\n  text: 试点期{months}个月\n"
            )
        }
    };
    // 24 months from 2022-09 end in 2024-08; the demo runs to 2024年12月.
    let dir = demo_with_call(with_period(24));
    let out = run(
        dir.path(),
        &["check", "--format", "json", "--today", "2022-06-01"],
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let found: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "date/schedule")
        .collect();
    assert!(!found.is_empty(), "{v:#}");
    assert!(
        found
            .iter()
            .all(|d| d["severity"] == "error" && d["file"] == PLAN)
    );
    assert_eq!(
        found[0]["line"],
        line_of_text(dir.path(), PLAN, "试点周期为2022年9月至2024年12月")
    );
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("晚于试点期结束（2024年8月）"),
        "{}",
        found[0]
    );
    // 28 months reach 2024-12: the same schedule fits.
    let dir = demo_with_call(with_period(28));
    let out = run(
        dir.path(),
        &["check", "--format", "json", "--today", "2022-06-01"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!rules_of(&json(&out)).iter().any(|r| r == "date/schedule"));
}

#[test]
fn a_call_file_with_an_unknown_field_names_it_in_chinese_at_its_line() {
    let dir = demo_with_call(|p| {
        p.replacen(
            "    scope: park\n",
            "    scope: park\n    guidence: 园区\n",
            1,
        )
    });
    let out = run(dir.path(), &["check", "--today", "2022-06-01"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let line = line_of_text(dir.path(), "通知.yaml", "guidence");
    assert!(err.contains(&format!("通知.yaml:{line}:")), "{err}");
    assert!(err.contains("不认识的字段“guidence”"), "{err}");
    assert!(
        err.contains("是否想写 guidance") && err.contains("scope"),
        "{err}"
    );
    assert!(!err.contains("unknown field"), "{err}");
}

#[test]
fn a_call_with_no_dates_says_so() {
    let dir = demo_with_call(|p| {
        // An empty milestones block (`milestones: []`; leaving it out is
        // refused): its key and the indented lines under it.
        let mut out = String::new();
        let mut inside = false;
        for line in p.split_inclusive('\n') {
            if line.starts_with("milestones:") {
                inside = true;
                out.push_str("milestones: []\n");
                continue;
            }
            if inside && (line.starts_with(' ') || line.trim().is_empty()) {
                continue;
            }
            inside = false;
            out.push_str(line);
        }
        out
    });
    let out = run(
        dir.path(),
        &["check", "--format", "json", "--today", "2022-06-01"],
    );
    let v = json(&out);
    let rules = rules_of(&v);
    assert!(rules.contains(&"deadline/unknown".to_string()), "{v:#}");
    assert!(
        !rules
            .iter()
            .any(|r| r == "deadline/upcoming" || r == "deadline/passed")
    );
    assert_eq!(out.status.code(), Some(0), "{v:#}");
}
