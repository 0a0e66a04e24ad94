//! `shenbao serve` as a user runs it: the real binary on a copy of the demo,
//! on an ephemeral loopback port, edited on disk while a reload channel is
//! open. Every wait is bounded.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use crate::common::serve::*;
use crate::common::*;

const DOC: &str = "content/伏牛经开区试点实施方案.md";
const PAGE: &str = "docs/伏牛经开区试点实施方案.html";
const PDF: &str = "pdf/伏牛经开区试点实施方案.pdf";

fn lists(v: &serde_json::Value, key: &str, item: &str) -> bool {
    v[key]
        .as_array()
        .is_some_and(|a| a.iter().any(|p| p == item || p == "*"))
}

fn hello(rx: &Receiver<serde_json::Value>) {
    wait_for(rx, "hello", |v| v["type"] == "hello");
}

/// Write as editors do: a temporary file, then a rename over the original.
fn save(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn pdf_from(addr: &str, dir: &Path) -> String {
    let (status, _, body) = request(addr, "GET", &format!("/{}", enc(PDF)));
    assert_eq!(status, 200);
    let file = dir.join("got.pdf");
    std::fs::write(&file, body).unwrap();
    pdf_text(&file, None, None, false)
}

#[test]
fn an_edit_reaches_the_page_and_the_pdf_after_the_files_are_written() {
    let dir = demo();
    let server = start(dir.path(), &[]);
    let rx = events(&server.addr);
    hello(&rx);

    let md = dir.path().join(DOC);
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("氨氮"));
    // Several writes in a burst, as some editors do: one rebuild follows.
    std::fs::write(&md, text.replacen("氨氮", "氨氮（预览甲）", 1)).unwrap();
    std::fs::write(&md, text.replacen("氨氮", "氨氮（预览乙）", 1)).unwrap();

    let reload = wait_for(&rx, "reloading the page", |v| {
        v["type"] == "reload" && lists(v, "pages", PAGE)
    });
    assert_eq!(reload["errors"], serde_json::json!([]));
    // The event came after the page was written: it is already there.
    let (status, page) = get(&server.addr, &format!("/{}", enc(PAGE)));
    assert_eq!(status, 200);
    assert!(page.contains("预览乙"), "the new text is in the page");
    assert!(
        page.contains("/__shenbao/live.js"),
        "the page loads the reload script"
    );
    let pdf = wait_for(&rx, "a new PDF", |v| {
        v["type"] == "pdf" && lists(v, "pdfs", PDF)
    });
    assert!(pdf["build"].as_u64() > reload["build"].as_u64());
    let printed = pdf_from(&server.addr, dir.path());
    assert!(printed.contains("预览乙"), "the new text is in the PDF");
    assert!(!printed.contains("预览甲"));
    // The PDF preview page frames the PDF and loads the script.
    let (status, preview) = get(
        &server.addr,
        &format!("/__shenbao/preview?pdf={}", enc(PDF)),
    );
    assert_eq!(status, 200);
    assert!(preview.contains(r#"id="shenbao-pdf""#) && preview.contains("live.js"));

    // One terminal line per rebuild: what changed, how long, the counts.
    let end = Instant::now() + WAIT;
    loop {
        let lines = server.lines.lock().unwrap().clone();
        if let Some(l) = lines
            .iter()
            .find(|l| l.contains(DOC) && l.contains("PDF 1 份"))
        {
            assert!(
                l.contains("ms") && l.contains("错误") && l.contains("警告"),
                "{l}"
            );
            break;
        }
        assert!(Instant::now() < end, "no rebuild line: {lines:#?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Nothing was written into the sources.
    assert!(
        std::fs::read_dir(dir.path().join("content"))
            .unwrap()
            .all(|e| !e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".shenbao")),
    );
}

#[test]
fn files_deleted_recreated_and_moved_in_come_and_go() {
    let dir = demo();
    let server = start(dir.path(), &["--no-pdf"]);
    let rx = events(&server.addr);
    hello(&rx);
    let md = dir.path().join(DOC);
    let text = std::fs::read_to_string(&md).unwrap();

    std::fs::remove_file(&md).unwrap();
    wait_for(&rx, "the dashboard without it", |v| {
        lists(v, "pages", "index.html")
    });
    assert_eq!(get(&server.addr, &format!("/{}", enc(PAGE))).0, 404);
    let (_, index) = get(&server.addr, "/index.html");
    assert!(!index.contains("伏牛经开区试点实施方案.html"));

    save(&md, &text);
    wait_for(&rx, "the page back", |v| lists(v, "pages", PAGE));
    assert_eq!(get(&server.addr, &format!("/{}", enc(PAGE))).0, 200);

    // A folder with a document, moved in from outside content/.
    let outside = dir.path().join("草稿箱");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(
        outside.join("第二份.md"),
        text.replace("伏牛经济技术开发区工业园区", "桐柏产业集聚区"),
    )
    .unwrap();
    std::fs::rename(&outside, dir.path().join("content/草稿箱")).unwrap();
    let moved = "docs/草稿箱/第二份.html";
    wait_for(&rx, "the moved-in document", |v| lists(v, "pages", moved));
    let (status, page) = get(&server.addr, &format!("/{}", enc(moved)));
    assert_eq!(status, 200);
    assert!(page.contains("桐柏产业集聚区"));
    // And moved out again.
    std::fs::rename(dir.path().join("content/草稿箱"), &outside).unwrap();
    wait_for(&rx, "the moved-out document gone", |v| {
        lists(v, "pages", "index.html")
    });
    assert_eq!(get(&server.addr, &format!("/{}", enc(moved))).0, 404);
}

#[test]
fn a_yaml_error_shows_over_the_last_good_page_until_fixed() {
    let dir = demo();
    let server = start(dir.path(), &[]);
    let rx = events(&server.addr);
    hello(&rx);
    let md = dir.path().join(DOC);
    let good = std::fs::read_to_string(&md).unwrap();
    let (_, before) = get(&server.addr, &format!("/{}", enc(PAGE)));

    let broken = good.replacen(
        "kind: pilot-plan\n",
        "kind: pilot-plan\ntitle: [未闭合\n",
        1,
    );
    save(&md, &broken);
    let ev = wait_for(&rx, "the overlay", |v| {
        v["errors"].as_array().is_some_and(|a| !a.is_empty())
    });
    let err = &ev["errors"][0];
    assert_eq!(err["file"], DOC);
    assert!(err["line"].as_u64().is_some(), "{err}");
    assert!(err["message"].as_str().unwrap().contains("YAML"), "{err}");
    // The last good page stays.
    let (status, during) = get(&server.addr, &format!("/{}", enc(PAGE)));
    assert_eq!(status, 200);
    // (Only the build stamp on the reload script differs.)
    let unstamped = |page: &str| page.split("data-build=").next().unwrap_or("").to_string();
    assert!(
        unstamped(&during) == unstamped(&before),
        "the last good render is kept"
    );
    // A page opened now gets the overlay at once.
    let late = events(&server.addr);
    let h = wait_for(&late, "hello", |v| v["type"] == "hello");
    assert_eq!(h["errors"][0]["file"], DOC);

    save(&md, &good.replacen("氨氮", "氨氮（修好了）", 1));
    let fixed = wait_for(&rx, "the overlay gone", |v| {
        v["errors"].as_array().is_some_and(Vec::is_empty) && lists(v, "pages", PAGE)
    });
    assert_eq!(fixed["type"], "reload");
    let (_, after) = get(&server.addr, &format!("/{}", enc(PAGE)));
    assert!(after.contains("修好了"));
}

#[test]
fn only_the_output_folder_is_served() {
    let dir = demo();
    let server = start(dir.path(), &["--no-pdf"]);
    let a = &server.addr;
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("shenbao.yaml"),
        dir.path().join("public/leak.yaml"),
    )
    .unwrap();
    for path in [
        "/../shenbao.yaml",
        "/docs/../../shenbao.yaml",
        "/%2e%2e/shenbao.yaml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fshenbao.yaml",
        "/docs%2f..%2f..%2fshenbao.yaml",
        "/..%5cshenbao.yaml",
        "//etc/passwd",
        "/leak.yaml",
    ] {
        let (status, body) = get(a, path);
        assert!(
            status == 403 || status == 400,
            "{path} gave {status}: {body}"
        );
        assert!(!body.contains("call:"), "{path} leaked the project");
    }
    let (status, headers, _) = request(a, "GET", "/index.html");
    assert_eq!(status, 200);
    let ctype = |h: &Vec<(String, String)>| {
        h.iter()
            .find(|(k, _)| k == "content-type")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(ctype(&headers), "text/html; charset=utf-8");
    let (_, headers, _) = request(a, "GET", "/assets/style.css");
    assert_eq!(ctype(&headers), "text/css; charset=utf-8");
    let (status, _, body) = request(a, "HEAD", "/index.html");
    assert_eq!((status, body.len()), (200, 0));
    assert_eq!(request(a, "POST", "/index.html").0, 405);
    assert_eq!(get(a, "/nothing-here.html").0, 404);
    assert_eq!(
        get(a, "/__shenbao/preview?pdf=..%2Fshenbao.yaml").0,
        403,
        "the preview page is held to the same rules"
    );
}

#[test]
fn a_hundred_connections_are_all_served() {
    let dir = demo();
    let server = start(dir.path(), &["--no-pdf"]);
    let addr = server.addr.clone();
    // 100 open reload channels (open preview tabs)…
    let channels: Vec<Receiver<serde_json::Value>> = (0..100).map(|_| events(&addr)).collect();
    for rx in &channels {
        hello(rx);
    }
    // …while 100 page and file requests arrive at once.
    let started = Instant::now();
    let handles: Vec<_> = (0..100)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let path = if i % 2 == 0 {
                    "/index.html"
                } else {
                    "/assets/style.css"
                };
                request(&addr, "GET", path).0
            })
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert!(started.elapsed() < WAIT);
    // And every channel still hears the next rebuild.
    let md = dir.path().join(DOC);
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, text.replacen("氨氮", "氨氮（百）", 1)).unwrap();
    for rx in &channels {
        wait_for(rx, "the reload on every channel", |v| {
            lists(v, "pages", PAGE)
        });
    }
}

#[test]
fn a_busy_port_says_so_and_what_to_do() {
    let dir = demo();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = bin()
        .arg("--root")
        .arg(dir.path())
        .args(["serve", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("已被占用") && err.contains("--port"), "{err}");
    // It failed before building anything.
    assert!(!dir.path().join("public").exists());
}

#[test]
fn listening_beyond_this_machine_warns() {
    let dir = demo();
    let server = start(dir.path(), &["--no-pdf", "--bind", "0.0.0.0"]);
    let lines = server.lines.lock().unwrap().clone();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("警告") && l.contains("草稿")),
        "{lines:#?}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_with_pages_open() {
    let dir = demo();
    let mut server = start(dir.path(), &["--no-pdf"]);
    let rx = events(&server.addr);
    hello(&rx);
    let status = std::process::Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let end = Instant::now() + Duration::from_secs(20);
    let code = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s.code();
        }
        assert!(Instant::now() < end, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(0));
    std::thread::sleep(Duration::from_millis(100));
    let lines = server.lines.lock().unwrap().clone();
    assert!(lines.iter().any(|l| l == "已停止预览"), "{lines:#?}");
    // No temporary file left in the output.
    let leftovers: Vec<PathBuf> = walk(&dir.path().join("public"))
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with(".tmp") || name.starts_with(".shenbao-tmp-")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_templates_folder_created_while_serving_is_watched() {
    let dir = demo();
    let server = start(dir.path(), &["--no-pdf"]);
    let rx = events(&server.addr);
    hello(&rx);
    // A first override: the folder does not exist when serve starts.
    let base = std::fs::read_to_string(repo().join("templates/base.html")).unwrap();
    let marked = |m: &str| {
        base.replacen(
            "<main id=\"main\">",
            &format!("<main id=\"main\"><p>{m}</p>"),
            1,
        )
    };
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    save(&dir.path().join("templates/base.html"), &marked("模板甲"));
    wait_for(&rx, "a full rebuild", |v| lists(v, "pages", "index.html"));
    assert!(get(&server.addr, "/index.html").1.contains("模板甲"));
    // Edited again: seen because the new folder is watched now.
    save(&dir.path().join("templates/base.html"), &marked("模板乙"));
    wait_for(&rx, "the second rebuild", |v| {
        v["type"] == "reload" && lists(v, "pages", "index.html")
    });
    let (_, index) = get(&server.addr, "/index.html");
    assert!(
        index.contains("模板乙") && !index.contains("模板甲"),
        "{index}"
    );
}

/// One request with chosen headers over a raw socket: the status.
fn status_with(addr: &str, path: &str, headers: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let head = String::from_utf8_lossy(&raw).to_string();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head)
}

#[test]
fn only_this_machines_names_are_answered() {
    let dir = demo();
    let server = start(dir.path(), &["--no-pdf"]);
    let addr = &server.addr;
    let port = addr.rsplit(':').next().unwrap();
    for host in [
        "evil.example.com".to_string(),
        format!("evil.example.com:{port}"),
        // A DNS-rebinding name resolving to 127.0.0.1.
        format!("127.0.0.1.nip.io:{port}"),
        format!("127.0.0.1:{}", port.parse::<u16>().unwrap().wrapping_add(1)),
    ] {
        for path in ["/", "/__shenbao/events", &format!("/{}", enc(PAGE))] {
            let (status, _) = status_with(addr, path, &format!("Host: {host}\r\n"));
            assert_eq!(status, 403, "{host} {path}");
        }
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
    ] {
        let (status, head) = status_with(addr, "/", &format!("Host: {host}\r\n"));
        assert_eq!(status, 200, "{host}");
        let lower = head.to_ascii_lowercase();
        assert!(lower.contains("x-frame-options: deny"), "{head}");
        assert!(lower.contains("frame-ancestors 'self'"), "{head}");
        assert!(lower.contains("x-content-type-options: nosniff"), "{head}");
    }
    // No Host at all (HTTP/1.0) is refused too.
    let (status, _) = status_with(addr, "/", "");
    assert_eq!(status, 403);
    // The reload channel refuses a page of another origin.
    let (status, _) = status_with(
        addr,
        "/__shenbao/events",
        &format!("Host: {addr}\r\nOrigin: http://evil.example.com\r\n"),
    );
    assert_eq!(status, 403);
    // Another site's page (another port of 127.0.0.1 is another origin)
    // cannot load the preview's search data as a script, nor any page;
    // a link to the preview (a navigation) still opens it.
    let shard = std::fs::read_dir(dir.path().join("public/assets/search"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".js"))
        .expect("a search shard");
    let shard = format!("/assets/search/{}", enc(&shard));
    for site in ["cross-site", "same-site"] {
        let (status, _) = status_with(
            addr,
            &shard,
            &format!(
                "Host: {addr}\r\nSec-Fetch-Site: {site}\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Dest: script\r\n"
            ),
        );
        assert_eq!(status, 403, "{site} script");
    }
    let (status, _) = status_with(
        addr,
        "/",
        &format!(
            "Host: {addr}\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: document\r\n"
        ),
    );
    assert_eq!(status, 200);
    // Not even the preview's own pages load search data as a script: the
    // search page fetches it.
    let (status, _) = status_with(
        addr,
        &shard,
        &format!(
            "Host: {addr}\r\nSec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Dest: script\r\n"
        ),
    );
    assert_eq!(status, 403, "same-origin script");
    let (status, head) = status_with(
        addr,
        &shard,
        &format!(
            "Host: {addr}\r\nSec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: cors\r\nSec-Fetch-Dest: empty\r\n"
        ),
    );
    assert_eq!(status, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains("cross-origin-resource-policy: same-origin"),
        "{head}"
    );
    // Dot-files (the marker) are not part of the site.
    assert!(dir.path().join("public/.shenbao-output").is_file());
    assert_eq!(get(addr, "/.shenbao-output").0, 404);
}

/// Peak resident memory of a process, in KB (Linux).
fn peak_kb(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Open file descriptors of a process (Linux).
fn open_files(pid: u32) -> Option<usize> {
    Some(std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

#[cfg(target_os = "linux")]
#[test]
fn large_files_are_streamed_to_many_readers() {
    let dir = demo();
    // A 50 MB PNG (a real signature, then filler) shown by the plan.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(50 * 1024 * 1024, 7);
    std::fs::write(dir.path().join("content/big.png"), &png).unwrap();
    let plan = std::fs::read_to_string(dir.path().join(DOC)).unwrap();
    std::fs::write(dir.path().join(DOC), format!("{plan}\n![大图](big.png)\n")).unwrap();
    let server = start(dir.path(), &["--no-pdf"]);
    let pid = server.child.id();
    let url = "/assets/files/content/big.png";
    assert_eq!(request(&server.addr, "HEAD", url).0, 200);
    let readers: Vec<_> = (0..100)
        .map(|_| {
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut s = std::net::TcpStream::connect(&addr).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
                write!(
                    s,
                    "GET {url} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
                let mut total = 0usize;
                let mut buf = vec![0u8; 256 * 1024];
                loop {
                    match s.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => total += n,
                    }
                }
                total
            })
        })
        .collect();
    let mut got = Vec::new();
    for r in readers {
        got.push(r.join().unwrap());
    }
    assert!(
        got.iter().all(|n| *n > 50 * 1024 * 1024),
        "short reads: {:?}",
        got.iter()
            .filter(|n| **n <= 50 * 1024 * 1024)
            .collect::<Vec<_>>()
    );
    let peak = peak_kb(pid).unwrap();
    assert!(peak < 300 * 1024, "peak {peak} KB");
}

#[cfg(target_os = "linux")]
#[test]
fn slow_and_idle_connections_are_cut_and_capped() {
    use std::io::{Read, Write};
    let dir = demo();
    let server = start(dir.path(), &["--no-pdf"]);
    let pid = server.child.id();
    let before = open_files(pid).unwrap();
    // 400 connections sending half a request each: past the cap (256)
    // they are refused at once, the others time out; files stay bounded.
    let mut held = Vec::new();
    for _ in 0..400 {
        if let Ok(mut s) = std::net::TcpStream::connect(&server.addr) {
            let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: ");
            held.push(s);
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    let during = open_files(pid).unwrap();
    assert!(during < before + 300, "{before} -> {during} open files");
    // The slow ones are closed after the header timeout.
    let t = Instant::now();
    let mut first = held.remove(0);
    first
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut buf = [0u8; 64];
    let n = first.read(&mut buf).unwrap_or(0);
    let waited = t.elapsed();
    assert!(
        waited < Duration::from_secs(20),
        "a half-sent request was kept {waited:?}"
    );
    assert!(
        n == 0 || String::from_utf8_lossy(&buf[..n]).contains(" 408"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
    drop(held);
    // And the server still answers.
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, _) = get(&server.addr, "/");
        if status == 200 {
            break;
        }
        assert!(Instant::now() < end, "no 200 after the flood: {status}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Past 256 open connections a client is answered 503 (with Retry-After),
/// not reset; once the idle ones close, requests are served again.
#[test]
fn connections_past_the_limit_are_answered_503() {
    let dir = demo();
    let server = start(dir.path(), &["--no-pdf"]);
    let addr = &server.addr;
    // Idle connections that hold every slot (each would time out after
    // the header timeout; the test closes them long before).
    let idle: Vec<std::net::TcpStream> = (0..256)
        .map(|_| std::net::TcpStream::connect(addr.as_str()).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let (status, head) = status_with(addr, "/", &format!("Host: {addr}\r\n"));
    assert_eq!(status, 503, "{head}");
    assert!(head.contains("Retry-After: 1"), "{head}");
    drop(idle);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, _) = status_with(addr, "/", &format!("Host: {addr}\r\n"));
        if status == 200 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still {status} after the idle connections closed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
