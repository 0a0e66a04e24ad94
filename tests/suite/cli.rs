//! The command line speaks Chinese: every help page and every argument
//! error of the real binary, with clap's English words replaced, and the
//! exit codes (0 for help and version, 2 for usage errors).

use crate::common::*;
use std::process::Output;

/// clap's own English, as it would appear in help pages and errors.
const CLAP_ENGLISH: &[&str] = &[
    "Usage",
    "Options",
    "Arguments",
    "Commands",
    "Print help",
    "Print version",
    "Print this message",
    "error:",
    "tip:",
    "unrecognized",
    "unexpected argument",
    "invalid value",
    "possible values",
    "Possible values",
    "[default",
    "[OPTIONS]",
    "<COMMAND>",
    "For more information",
    "required arguments",
    "were not provided",
    "a similar",
    "cannot be used",
    "no more were expected",
    "invalid digit",
];

fn shenbao(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn assert_chinese(what: &str, s: &str) {
    for w in CLAP_ENGLISH {
        assert!(!s.contains(w), "{what}: clap's “{w}” is left in:\n{s}");
    }
}

/// A help page: exit 0, on stdout, in Chinese, with the usage line.
fn help(args: &[&str]) -> String {
    let out = shenbao(args);
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    assert!(out.stderr.is_empty(), "{args:?}: {}", text(&out.stderr));
    let s = text(&out.stdout);
    assert_chinese(&format!("{args:?}"), &s);
    assert!(s.contains("用法：shenbao"), "{args:?}:\n{s}");
    assert!(s.contains("选项："), "{args:?}:\n{s}");
    assert!(s.contains("-h, --help") && s.contains("显示本说明"), "{s}");
    s
}

/// A usage error: exit 2, nothing on stdout, a Chinese message on stderr.
fn usage_error(args: &[&str]) -> String {
    let out = shenbao(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    assert!(out.stdout.is_empty(), "{args:?}: {}", text(&out.stdout));
    let s = text(&out.stderr);
    assert_chinese(&format!("{args:?}"), &s);
    assert!(s.starts_with("错误："), "{args:?}:\n{s}");
    assert!(s.contains("--help` 查看说明"), "{args:?}:\n{s}");
    s
}

/// The subcommands listed in the top-level help.
fn subcommands(top: &str) -> Vec<String> {
    top.split("命令：\n")
        .nth(1)
        .expect("a 命令 section")
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

#[test]
fn every_help_page_is_chinese() {
    let top = help(&["--help"]);
    assert!(top.contains("用法：shenbao [选项] <命令>"), "{top}");
    assert!(top.contains("-V, --version") && top.contains("显示版本号"));
    assert_eq!(help(&["-h"]), top);
    assert_eq!(help(&["help"]), top);
    let subs = subcommands(&top);
    for s in [
        "init", "new", "import", "check", "build", "serve", "pack", "help",
    ] {
        assert!(subs.iter().any(|x| x == s), "{s} not listed: {subs:?}");
    }
    for sub in &subs {
        let page = help(&[sub, "--help"]);
        assert!(page.contains(&format!("用法：shenbao {sub}")), "{page}");
        // `help <command>` shows the same page.
        if sub != "help" {
            assert_eq!(help(&["help", sub]), page);
        }
    }
}

#[test]
fn defaults_and_choices_are_written_in_chinese() {
    let check = help(&["check", "--help"]);
    assert!(check.contains("--format <格式>"), "{check}");
    assert!(check.contains("可选 human（"), "{check}");
    assert!(check.contains("json（"), "{check}");
    assert!(check.contains("默认为 human"), "{check}");
    let new = help(&["new", "--help"]);
    assert!(new.contains("参数："), "{new}");
    assert!(new.contains("<类型>") && new.contains("<名称>"), "{new}");
    assert!(new.contains("audit-report（清洁生产审核报告）"), "{new}");
    let init = help(&["init", "--help"]);
    assert!(init.contains("默认为当前目录"), "{init}");
    let serve = help(&["serve", "--help"]);
    assert!(serve.contains("默认为 3000"), "{serve}");
    // The site exists: --no-site is not described as unfinished.
    let build = help(&["build", "--help"]);
    let no_site = build
        .lines()
        .find(|l| l.contains("--no-site"))
        .expect("--no-site");
    assert!(no_site.contains("不生成网站"), "{no_site}");
    assert!(!build.contains("尚在开发"), "{build}");
}

#[test]
fn version_exits_0() {
    for flag in ["--version", "-V"] {
        let out = shenbao(&[flag]);
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            text(&out.stdout).trim(),
            format!("shenbao {}", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn no_command_shows_the_help_as_an_error() {
    let out = shenbao(&[]);
    assert_eq!(out.status.code(), Some(2));
    let s = text(&out.stderr);
    assert_chinese("no command", &s);
    assert!(s.starts_with("错误：缺少命令"), "{s}");
    assert!(s.contains("用法：shenbao [选项] <命令>"), "{s}");
}

#[test]
fn unknown_commands_are_named_with_suggestions() {
    let s = usage_error(&["bogus"]);
    assert!(s.contains("没有“bogus”这个命令"), "{s}");
    assert!(
        s.contains("可用的命令：init、new、schema、import、check、build"),
        "{s}"
    );
    assert!(!s.contains("是否想写"), "{s}");
    let s = usage_error(&["chek"]);
    assert!(s.contains("没有“chek”这个命令"), "{s}");
    assert!(s.contains("是否想写") && s.contains("check？"), "{s}");
    let s = usage_error(&["help", "bogus"]);
    assert!(s.contains("没有“bogus”这个命令"), "{s}");
    assert!(!s.contains("是否想写"), "{s}");
    // `help` suggests as the command line does.
    let s = usage_error(&["help", "biuld"]);
    assert!(s.contains("是否想写 build？"), "{s}");
}

#[test]
fn bad_values_name_the_option_and_the_choices() {
    let s = usage_error(&["check", "--format", "xml"]);
    assert!(s.contains("--format 的值“xml”无效"), "{s}");
    assert!(s.contains("可选的值：human、json"), "{s}");
    assert!(s.contains("用法：shenbao check [选项]"), "{s}");
    assert!(s.contains("运行 `shenbao check --help` 查看说明"), "{s}");

    let s = usage_error(&["check", "--format", "jsn"]);
    assert!(s.contains("是否想写 json？"), "{s}");

    let s = usage_error(&["check", "--format"]);
    assert!(s.contains("--format 后面缺少值"), "{s}");

    let s = usage_error(&["new", "pla", "甲"]);
    assert!(s.contains("类型“pla”无效"), "{s}");
    assert!(s.contains("是否想写 plan？"), "{s}");
    assert!(s.contains("acceptance-report"), "{s}");

    // Our own parsers explain in Chinese.
    let s = usage_error(&["check", "--today", "昨天"]);
    assert!(s.contains("--today 的值“昨天”无效：无法识别的日期"), "{s}");
    let s = usage_error(&["serve", "--port", "abc"]);
    assert!(s.contains("--port 的值“abc”无效"), "{s}");
    assert!(s.contains("0–65535"), "{s}");
    let s = usage_error(&["serve", "--bind", "localhost:80"]);
    assert!(s.contains("不是 IP 地址"), "{s}");
    let s = usage_error(&["--root", "x", "build", "--jobs", "0"]);
    assert!(s.contains("--jobs 的值“0”无效"), "{s}");
    assert!(s.contains("shenbao build --help"), "{s}");
}

#[test]
fn missing_and_extra_arguments_are_named() {
    let s = usage_error(&["new"]);
    assert!(s.contains("缺少必须提供的参数：<类型>、<名称>"), "{s}");
    assert!(s.contains("用法：shenbao new [选项] <类型> <名称>"), "{s}");
    let s = usage_error(&["new", "plan"]);
    assert!(s.contains("缺少必须提供的参数：<名称>"), "{s}");
    assert!(!s.contains("<类型>、"), "{s}");

    let s = usage_error(&["check", "--tody", "2022-06-01"]);
    assert!(s.contains("shenbao check 没有“--tody”这个选项"), "{s}");
    assert!(s.contains("是否想写 --today？"), "{s}");
    let s = usage_error(&["check", "--zzz"]);
    assert!(s.contains("可用的选项：--format、"), "{s}");
    assert!(s.contains("--today"), "{s}");

    let s = usage_error(&["init", "甲", "乙"]);
    assert!(s.contains("多余的参数“乙”"), "{s}");

    let s = usage_error(&["check", "--format", "json", "--format", "human"]);
    assert!(s.contains("--format 只能写一次"), "{s}");
}

#[test]
fn init_creates_and_names_content() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("我的申报");
    let out = shenbao(&["init", root.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    for made in ["shenbao.yaml", "content", "attachments"] {
        assert!(root.join(made).exists(), "{made} not created");
    }
    assert!(root.join("content").is_dir());
    assert!(s.contains("content/"), "{s}");
    assert!(s.contains("shenbao.yaml"), "{s}");
}

#[test]
fn rules_are_listed_and_explained_with_their_examples() {
    let out = bin().arg("rules").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("numbers/total") && text.contains("共 "),
        "{text}"
    );
    let out = bin().args(["rules", "--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = v.as_array().unwrap();
    assert!(rules.len() >= 90);
    for r in rules {
        for key in ["id", "severity", "description", "examples"] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
    }
    let rate = rules.iter().find(|r| r["id"] == "numbers/rate").unwrap();
    assert_eq!(rate["blocks_pack"], true);
    assert!(rate["examples"].as_array().unwrap().len() >= 2);
    let out = bin().args(["explain", "numbers/rate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("示例（会报告）") && text.contains("不会报告"),
        "{text}"
    );
    let out = bin().args(["explain", "numbers/rat"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("numbers/rate"));
}

/// A reader that goes away (`shenbao check --format json | head -c 1`)
/// ends the output quietly: no panic, exit code as usual.
#[test]
fn a_closed_pipe_is_not_a_crash() {
    let dir = demo();
    for args in [
        vec!["check", "--format", "json", "--today", "2022-06-20"],
        vec!["rules"],
        vec!["rules", "--format", "json"],
    ] {
        let mut child = bin()
            .arg("--root")
            .arg(dir.path())
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the output is written.
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
    }
}
