//! `shenbao serve`: build once, serve the output folder on 127.0.0.1, watch
//! the sources, and after each edit rebuild only what it touched and tell
//! the open pages (Server-Sent Events) once the new files are in place.
//!
//! Three threads of work: the watcher (notify, debounced in `watch`), the
//! rebuild loop (owns the [`session::Session`]: one project, one live site,
//! one set of fonts, typst's memo cache kept warm), and the HTTP server
//! (tokio + axum in `http`).

pub mod http;
pub mod live;
pub mod session;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

/// How often an idle rebuild loop looks whether the server is stopping.
const STOP_POLL: Duration = Duration::from_millis(200);

use crate::build::BuildOptions;
use crate::config::Fatal;
use http::Hub;
use session::{Changes, OverlayItem, PrintStep, Session};

pub const DEFAULT_PORT: u16 = 3000;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
}

/// Where the terminal lines go (stdout in the binary; a buffer in tests).
pub trait Log: Send + 'static {
    fn line(&mut self, text: &str);
}

/// Standard output, one line per call.
pub struct Stdout;

impl Log for Stdout {
    fn line(&mut self, text: &str) {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        // File names and messages come from the project: no control
        // characters reach the terminal.
        let _ = writeln!(out, "{}", crate::text::escape_controls(text));
        let _ = out.flush();
    }
}

/// Run until Ctrl-C (or SIGTERM). Errors that stop the preview from
/// starting (a busy port, a project that cannot load) are returned.
pub fn serve(root: &Path, opts: ServeOptions, mut log: impl Log) -> Result<(), Fatal> {
    // Take the port first: a busy one should fail before a long build.
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = std::net::TcpListener::bind(addr).map_err(|e| bind_error(addr, &e))?;
    listener.set_nonblocking(true).map_err(|e| {
        Fatal::new(format!(
            "无法监听 {addr}：{}",
            crate::fsutil::io_message(&e)
        ))
    })?;
    let local = listener.local_addr().map_err(|e| {
        Fatal::new(format!(
            "无法监听 {addr}：{}",
            crate::fsutil::io_message(&e)
        ))
    })?;

    log.line("正在构建……");
    let (session, site, print) = Session::start(root, opts.build.clone())?;
    let (errors, warnings) = session.counts();
    log.line(&format!(
        "已构建 {} 份文档：网站 {} ms，PDF {} 份 {} ms；错误 {errors} 个，警告 {warnings} 个",
        session.project().documents.len(),
        site.millis,
        print.pdfs.len(),
        print.millis,
    ));
    let overlay = session.overlay();
    for item in &overlay {
        log.line(&overlay_line(item));
    }
    let out_dir = session.out_dir().canonicalize().map_err(|e| {
        Fatal::new(format!(
            "无法打开输出目录 {}：{}",
            session.out_dir().display(),
            crate::fsutil::io_message(&e)
        ))
    })?;
    let layout = watch::Layout {
        root: session.root().to_path_buf(),
        out_dir: session.out_dir().to_path_buf(),
        call_file: session.project().config.call_file(session.root()),
    };
    let hub = Hub::new();
    hub.publish(
        "reload",
        &["*".into()],
        &["*".into()],
        &errors_json(&overlay),
    );

    let (watcher, batches) = watch::start(&layout).map_err(|e| {
        Fatal::new(format!("无法监视项目文件的变化：{e}"))
            .with_help("Linux 上可能是 inotify 监视数达到上限：调高 fs.inotify.max_user_watches")
    })?;

    let url = format!("http://{local}/");
    if !local.ip().is_loopback() {
        log.line(&format!(
            "警告：正在 {} 上监听，同一网络中的任何人都能看到这些未提交的草稿。只在自己电脑上预览时请去掉 --bind。",
            local.ip()
        ));
    }
    log.line(&format!("预览地址：{url}"));
    log.line(
        "正在监视 content/、attachments/、templates/、themes/ 和 shenbao.yaml；按 Ctrl-C 停止",
    );
    if opts.open {
        open_browser(&url, &mut log);
    }

    let rebuild_hub = hub.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let rebuild_stop = stop.clone();
    let rebuilder = std::thread::Builder::new()
        .name("shenbao-rebuild".into())
        .spawn(move || {
            let mut watch = (watcher, batches);
            rebuild_loop(
                session,
                &layout,
                &mut watch,
                &rebuild_stop,
                &rebuild_hub,
                log,
            )
        })
        .map_err(|e| {
            Fatal::new(format!(
                "无法启动重建线程：{}",
                crate::fsutil::io_message(&e)
            ))
        })?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            Fatal::new(format!(
                "无法启动预览服务器：{}",
                crate::fsutil::io_message(&e)
            ))
        })?;
    let served: Result<(), Fatal> = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| {
            Fatal::new(format!(
                "无法监听 {addr}：{}",
                crate::fsutil::io_message(&e)
            ))
        })?;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let app = http::router(out_dir, hub, stop_rx.clone(), http::Allowed::new(local));
        tokio::spawn(async move {
            stop_signal().await;
            // Ends the accept loop and the reload channels, which would
            // otherwise keep the server waiting for ever.
            let _ = stop_tx.send(true);
        });
        http::serve_connections(listener, app, stop_rx).await;
        Ok(())
    });
    // The rebuild loop finishes the rebuild it is in (its files are
    // written atomically) and returns; the watcher ends with it.
    stop.store(true, Ordering::Relaxed);
    let mut log = rebuilder.join().ok();
    if let Some(log) = log.as_mut() {
        log.line("已停止预览");
    }
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    served
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn bind_error(addr: SocketAddr, e: &std::io::Error) -> Fatal {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => Fatal::new(format!(
            "端口 {} 已被占用（也许已经有一个 shenbao serve 在运行）",
            addr.port()
        ))
        .with_help(format!(
            "换一个端口：shenbao serve --port {}；或 --port 0 由系统挑一个空闲端口",
            addr.port().wrapping_add(1).max(1024)
        )),
        std::io::ErrorKind::PermissionDenied => Fatal::new(format!("没有权限监听 {addr}"))
            .with_help("1024 以下的端口需要管理员权限，换一个更大的端口，如 --port 3000"),
        std::io::ErrorKind::AddrNotAvailable => Fatal::new(format!("本机没有地址 {}", addr.ip()))
            .with_help("--bind 只能用本机的地址；默认的 127.0.0.1 只让本机访问"),
        _ => Fatal::new(format!("无法监听 {addr}：{}", crate::fsutil::io_message(e))),
    }
}

fn open_browser(url: &str, log: &mut impl Log) {
    let result = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if let Err(e) = result {
        log.line(&format!("无法自动打开浏览器（{e}），请手动打开 {url}"));
    }
}

pub fn errors_json(items: &[OverlayItem]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_string())
}

fn overlay_line(item: &OverlayItem) -> String {
    match (item.file.as_str(), item.line) {
        ("", _) => format!("  错误 {}", item.message),
        (file, Some(l)) => format!("  错误 {file}:{l} {}", item.message),
        (file, None) => format!("  错误 {file} {}", item.message),
    }
}

/// The rebuild loop: one batch of changes at a time; the page step is
/// published at once, the print step only when no newer edit is waiting
/// (typing fast never queues PDFs behind each other).
fn rebuild_loop<L: Log>(
    mut session: Session,
    layout: &watch::Layout,
    (watching, batches): &mut (watch::Watching, Receiver<Vec<PathBuf>>),
    stop: &AtomicBool,
    hub: &Hub,
    mut log: L,
) -> L {
    let mut carried: Option<Vec<PathBuf>> = None;
    // What the pages step did since the last print, for the terminal line.
    let mut pending = Changes::default();
    let mut to_print = std::collections::BTreeSet::new();
    let mut site_millis = 0;
    let mut pages = 0;
    let mut last_overlay = session.overlay();
    loop {
        let first = match carried.take() {
            Some(b) => b,
            None => match batches.recv_timeout(STOP_POLL) {
                Ok(b) => b,
                Err(RecvTimeoutError::Timeout) if !stop.load(Ordering::Relaxed) => continue,
                Err(_) => break,
            },
        };
        // A source folder created since (a first templates/ override)
        // is watched from now on.
        if let Err(e) = watching.ensure() {
            log.line(&format!("{} 无法监视新建的目录：{e}", now()));
        }
        let mut changes = watch::classify(layout, &first);
        // Everything already waiting goes into this rebuild.
        while let Ok(more) = batches.try_recv() {
            changes.merge(watch::classify(layout, &more));
        }
        // Only scratch files changed; but a print may still be owed.
        if changes.is_empty() && to_print.is_empty() {
            continue;
        }
        if changes.full {
            let overlay;
            match session.full_rebuild() {
                Some((site, print)) => {
                    overlay = session.overlay();
                    hub.publish(
                        "reload",
                        &["*".into()],
                        &["*".into()],
                        &errors_json(&overlay),
                    );
                    log.line(&rebuild_line(
                        &session,
                        &changes,
                        site.millis,
                        None,
                        &print,
                        &overlay,
                    ));
                    to_print.clear();
                    pending = Changes::default();
                    site_millis = 0;
                    pages = 0;
                }
                None => {
                    overlay = session.overlay();
                    hub.publish("status", &[], &[], &errors_json(&overlay));
                    log.line(&format!(
                        "{} {} 有错误，预览保持上一次成功的结果",
                        now(),
                        changes.describe()
                    ));
                }
            }
            if overlay != last_overlay {
                for item in &overlay {
                    log.line(&overlay_line(item));
                }
            }
            last_overlay = overlay;
            continue;
        }
        let site = if changes.is_empty() {
            session::SiteStep::default()
        } else {
            session.apply_site(&changes)
        };
        let overlay = session.overlay();
        if !site.written.is_empty() || overlay != last_overlay {
            hub.publish("reload", &site.written, &[], &errors_json(&overlay));
        }
        to_print.extend(site.to_print.iter().cloned());
        site_millis += site.millis;
        pages += site.written.iter().filter(|p| p.ends_with(".html")).count();
        pending.merge(changes);
        // A newer edit is waiting: print after it.
        if let Ok(next) = batches.try_recv() {
            carried = Some(next);
            last_overlay = overlay;
            continue;
        }
        let print = session.apply_print(&to_print);
        let after = session.overlay();
        if !print.pdfs.is_empty() || !print.written.is_empty() || after != overlay {
            hub.publish("pdf", &print.written, &print.pdfs, &errors_json(&after));
        }
        log.line(&rebuild_line(
            &session,
            &pending,
            site_millis,
            Some(pages),
            &print,
            &after,
        ));
        if after != last_overlay {
            for item in &after {
                log.line(&overlay_line(item));
            }
        }
        last_overlay = after;
        to_print.clear();
        pending = Changes::default();
        site_millis = 0;
        pages = 0;
    }
    log
}

fn now() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

/// One terminal line per rebuild: what changed, what was rebuilt, how
/// long it took, errors and warnings.
fn rebuild_line(
    session: &Session,
    changes: &Changes,
    site_millis: u128,
    // None after a full rebuild.
    pages: Option<usize>,
    print: &PrintStep,
    overlay: &[OverlayItem],
) -> String {
    let (errors, warnings) = session.counts();
    let pages = match pages {
        None => "全部页面".to_string(),
        Some(n) => format!("页面 {n} 个"),
    };
    let mut line = format!(
        "{} {} → {pages} {site_millis} ms",
        now(),
        changes.describe()
    );
    if !print.pdfs.is_empty() || print.failed > 0 {
        line.push_str(&format!(
            "，PDF {} 份 {} ms",
            print.pdfs.len(),
            print.millis
        ));
    }
    if print.failed > 0 {
        line.push_str(&format!("（{} 份未能排版）", print.failed));
    }
    // The errors that keep the preview at its last good state (a broken
    // front matter) are not among the session's: the page shown is the
    // last good one. Both are errors the author has now.
    line.push_str(&format!(
        "；错误 {} 个，警告 {warnings} 个",
        errors + overlay.len()
    ));
    if !overlay.is_empty() {
        line.push_str(&format!(
            "（其中 {} 个使预览停在上一次成功的结果）",
            overlay.len()
        ));
    }
    line
}
