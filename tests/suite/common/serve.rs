//! Running `shenbao serve` from a test: the real binary on an ephemeral
//! loopback port, raw HTTP requests (so that `..` reaches the server as
//! typed) and a reader for its reload channel. Every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::bin;

pub const WAIT: Duration = Duration::from_secs(60);

/// A running `shenbao serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: String,
    pub lines: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(root: &Path, extra: &[&str]) -> Server {
    let mut child = bin()
        .arg("--root")
        .arg(root)
        .args([
            "serve",
            "--port",
            "0",
            "--no-system-fonts",
            "--today",
            "2022-06-01",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = channel();
    let keep = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("预览地址：http://") {
                let _ = tx.send(url.trim_end_matches('/').to_string());
            }
            keep.lock().unwrap().push(line);
        }
    });
    let addr = rx.recv_timeout(WAIT).unwrap_or_else(|_| {
        let mut err = String::new();
        let _ = child.stderr.take().unwrap().read_to_string(&mut err);
        panic!("serve did not start: {:?}\n{err}", lines.lock().unwrap())
    });
    Server { child, addr, lines }
}

/// One HTTP/1.1 request over a raw socket (so that `..` reaches the server
/// as typed): status, headers (lower-case names) and body.
pub fn request(addr: &str, method: &str, path: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, raw[split + 4..].to_vec())
}

pub fn get(addr: &str, path: &str) -> (u16, String) {
    let (status, _, body) = request(addr, "GET", path);
    (status, String::from_utf8_lossy(&body).into_owned())
}

pub fn enc(path: &str) -> String {
    path.split('/')
        .map(|s| {
            s.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A reload channel: the events it receives, parsed.
pub fn events(addr: &str) -> Receiver<serde_json::Value> {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /__shenbao/events HTTP/1.0\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines().map_while(Result::ok) {
            // Chunked framing lines are not `data:` lines; skip them.
            if let Some(data) = line.strip_prefix("data: ")
                && let Ok(v) = serde_json::from_str(data)
                && tx.send(v).is_err()
            {
                return;
            }
        }
    });
    rx
}

/// The next event that satisfies `pred`, within WAIT.
pub fn wait_for(
    rx: &Receiver<serde_json::Value>,
    what: &str,
    pred: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let end = Instant::now() + WAIT;
    let mut seen = Vec::new();
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(v) if pred(&v) => return v,
            Ok(v) => seen.push(v),
            Err(_) => break,
        }
    }
    panic!("no event {what} within {WAIT:?}; saw {seen:#?}")
}
