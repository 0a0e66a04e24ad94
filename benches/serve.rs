//! Benchmark for the live preview (issue: serve).
//!
//! `shenbao serve` (the release binary) runs on a generated plan of about
//! 50 printed pages, on an ephemeral loopback port. The benchmark holds a
//! reload channel open, edits one paragraph, and times from the start of
//! the write to the reload event for the page and to the event for the
//! PDF. Targets: median of 20 edits, page within 150 ms, PDF within 500 ms.
//! Then it keeps editing (1,000 edits by default, each waiting for its
//! PDF) and compares the server's resident memory after the last edit with
//! that after the first. Target: no more than 1.5x.
//!
//! Run: `cargo bench --bench serve` (SHENBAO_BENCH_CHARS=N for the plan's
//! size, default 22,000 characters; SHENBAO_BENCH_EDITS=N, default 1000).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use shenbao::call::{Call, DEFAULT_PRESET};

const WAIT: Duration = Duration::from_secs(60);

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Events with the time each arrived.
fn events(addr: &str) -> Receiver<(Instant, serde_json::Value)> {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET /__shenbao/events HTTP/1.0\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("request");
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines().map_while(Result::ok) {
            if let Some(data) = line.strip_prefix("data: ")
                && let Ok(v) = serde_json::from_str(data)
                && tx.send((Instant::now(), v)).is_err()
            {
                return;
            }
        }
    });
    rx
}

fn lists(v: &serde_json::Value, key: &str, item: &str) -> bool {
    v[key]
        .as_array()
        .is_some_and(|a| a.iter().any(|p| p == item || p == "*"))
}

fn wait(
    rx: &Receiver<(Instant, serde_json::Value)>,
    pred: impl Fn(&serde_json::Value) -> bool,
) -> Instant {
    let end = Instant::now() + WAIT;
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok((t, v)) if pred(&v) => return t,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    panic!("no event within {WAIT:?}")
}

/// Resident and peak resident memory of a process, in MB.
fn rss(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let shenbao = PathBuf::from(env!("CARGO_BIN_EXE_shenbao"));
    let chars = env_num("SHENBAO_BENCH_CHARS", 22_000);
    let edits = env_num("SHENBAO_BENCH_EDITS", 1000);
    let dir = tempfile::tempdir().expect("tempdir");
    let call = Call::preset(DEFAULT_PRESET)
        .expect("preset")
        .expect("parses");
    shenbao::corpus::write_project(dir.path(), &call, 1, chars).expect("corpus");
    let md: PathBuf = walk_md(&dir.path().join("content"));
    let stem = md.file_stem().expect("stem").to_string_lossy().into_owned();
    let page = format!("docs/{stem}.html");
    let pdf = format!("pdf/{stem}.pdf");

    let mut child = Command::new(&shenbao)
        .arg("--root")
        .arg(dir.path())
        .args([
            "serve",
            "--port",
            "0",
            "--no-system-fonts",
            "--today",
            "2022-06-20",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start shenbao serve");
    let pid = child.id();
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let (tx, addr_rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("预览地址：http://") {
                let _ = tx.send(url.trim_end_matches('/').to_string());
            }
        }
    });
    let addr = addr_rx
        .recv_timeout(WAIT)
        .expect("serve printed its address");
    let rx = events(&addr);
    wait(&rx, |v| v["type"] == "hello");
    let pages = count_pages(&dir.path().join("public").join(&pdf));
    let original = std::fs::read_to_string(&md).expect("read plan");
    let (para_at, para_end) = paragraph(&original);
    println!(
        "plan: {} characters, {pages} printed pages; one paragraph edited per step",
        original.chars().count()
    );

    let edit = |k: usize| -> Instant {
        let text = format!(
            "{}本段第{k}次修改。{}",
            &original[..para_end],
            &original[para_end..]
        );
        debug_assert!(para_at < para_end);
        let t = Instant::now();
        std::fs::write(&md, text).expect("write plan");
        t
    };

    let mut html_ms = Vec::new();
    let mut pdf_ms = Vec::new();
    let mut first_rss = (0.0, 0.0);
    for k in 0..20 {
        let t0 = edit(k);
        let t1 = wait(&rx, |v| v["type"] == "reload" && lists(v, "pages", &page));
        let t2 = wait(&rx, |v| v["type"] == "pdf" && lists(v, "pdfs", &pdf));
        html_ms.push((t1 - t0).as_secs_f64() * 1e3);
        pdf_ms.push((t2 - t0).as_secs_f64() * 1e3);
        if k == 0 {
            first_rss = rss(pid);
        }
        // Let the watcher go quiet, as between a person's saves.
        std::thread::sleep(Duration::from_millis(150));
    }
    let (hmax, pmax) = (
        html_ms.iter().copied().fold(0.0, f64::max),
        pdf_ms.iter().copied().fold(0.0, f64::max),
    );
    println!(
        "edit -> page reload event: median {:6.1} ms  max {hmax:6.1} ms  (target median <= 150 ms)",
        median(&mut html_ms)
    );
    println!(
        "edit -> PDF event:         median {:6.1} ms  max {pmax:6.1} ms  (target median <= 500 ms)",
        median(&mut pdf_ms)
    );

    let t = Instant::now();
    for k in 20..edits.max(21) {
        edit(k);
        wait(&rx, |v| v["type"] == "pdf" && lists(v, "pdfs", &pdf));
        if k % 100 == 0 {
            let (now, peak) = rss(pid);
            println!("  after {k:4} edits: {now:6.1} MB (peak {peak:6.1} MB)");
        }
    }
    let last_rss = rss(pid);
    println!(
        "memory: after the first edit {:.1} MB, after {} edits {:.1} MB (peak {:.1} MB) -> {:.2}x (target <= 1.5x); {:.0} s",
        first_rss.0,
        edits.max(21),
        last_rss.0,
        last_rss.1,
        last_rss.0 / first_rss.0,
        t.elapsed().as_secs_f64()
    );
    drop(server);
}

/// The byte range of the first body paragraph long enough to be prose.
fn paragraph(text: &str) -> (usize, usize) {
    let body = text.find("\n---\n").map_or(0, |i| i + 5);
    let mut at = body;
    for line in text[body..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        if !trimmed.starts_with('#')
            && !trimmed.starts_with('|')
            && !trimmed.starts_with('-')
            && trimmed.chars().count() > 60
        {
            return (at, at + trimmed.len());
        }
        at += line.len();
    }
    panic!("no paragraph in the generated plan")
}

fn walk_md(dir: &Path) -> PathBuf {
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            return walk_md(&p);
        }
        if p.extension().is_some_and(|x| x == "md") {
            return p;
        }
    }
    panic!("no plan written")
}

fn count_pages(pdf: &Path) -> String {
    Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .find_map(|l| l.strip_prefix("Pages:").map(|v| v.trim().to_string()))
        })
        .unwrap_or_else(|| "?".to_string())
}
