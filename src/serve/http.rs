//! The preview's HTTP side: the output folder (and nothing else), the
//! reload channel (Server-Sent Events), the live-reload script and a PDF
//! preview page.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Response, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::Stream;
use tokio::sync::{broadcast, watch};

/// The script every served page loads.
pub const LIVE_JS: &str = include_str!("live.js");
/// Where the server's own resources live (never a file of the site).
pub const PREFIX: &str = "/__shenbao/";

/// State shared by the rebuild thread and the request handlers.
pub struct Hub {
    tx: broadcast::Sender<Arc<str>>,
    /// Builds published so far and the overlay's errors (JSON), sent first
    /// on every new reload channel.
    status: Mutex<(u64, Arc<str>)>,
}

impl Hub {
    pub fn new() -> Arc<Hub> {
        let (tx, _) = broadcast::channel(64);
        Arc::new(Hub {
            tx,
            status: Mutex::new((0, Arc::from("[]"))),
        })
    }

    /// Tell every open page what was rebuilt. Called only after the files
    /// are in place, so a page that reloads finds them complete.
    pub fn publish(&self, kind: &str, pages: &[String], pdfs: &[String], errors_json: &str) {
        let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        status.0 += 1;
        status.1 = Arc::from(errors_json);
        let msg = serde_json::json!({
            "type": kind,
            "build": status.0,
            "pages": pages,
            "pdfs": pdfs,
            "errors": serde_json::from_str::<serde_json::Value>(errors_json)
                .unwrap_or(serde_json::Value::Null),
        });
        // No receiver is not an error: no page is open.
        let _ = self.tx.send(Arc::from(msg.to_string()));
    }

    fn hello(&self) -> (u64, String) {
        let status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        let msg = format!(
            r#"{{"type":"hello","build":{},"errors":{}}}"#,
            status.0, status.1
        );
        (status.0, msg)
    }

    pub fn build(&self) -> u64 {
        self.status.lock().unwrap_or_else(|e| e.into_inner()).0
    }
}

/// The names a request may address the preview by. Anything else is
/// refused: a page on another site that points a name of its own at
/// 127.0.0.1 (DNS rebinding) must not read the drafts.
#[derive(Debug, Clone)]
pub struct Allowed {
    port: u16,
    /// Host names and addresses (lower case, IPv6 in brackets), no port.
    names: Vec<String>,
    /// Bound to every address (`--bind 0.0.0.0`): any IP address (never a
    /// name) is accepted, since the author chose to be reachable.
    any_ip: bool,
}

impl Allowed {
    pub fn new(bound: std::net::SocketAddr) -> Allowed {
        let ip = match bound.ip() {
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
            v4 => v4.to_string(),
        };
        let mut names: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        if !names.contains(&ip) {
            names.push(ip);
        }
        Allowed {
            port: bound.port(),
            names,
            any_ip: bound.ip().is_unspecified(),
        }
    }

    /// Whether a `Host` header value (`127.0.0.1:3000`) names this server.
    pub fn host(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = match host.rsplit_once(':') {
            // `[::1]` alone has colons but no port.
            Some((n, p)) if !p.contains(']') => (n.to_string(), p.parse::<u16>().ok()),
            _ => (host.clone(), Some(80)),
        };
        if port != Some(self.port) {
            return false;
        }
        if self.names.contains(&name) {
            return true;
        }
        let bare = name.trim_start_matches('[').trim_end_matches(']');
        self.any_ip && bare.parse::<std::net::IpAddr>().is_ok()
    }

    /// Whether an `Origin` header value (`http://127.0.0.1:3000`) is this
    /// server.
    pub fn origin(&self, origin: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|h| !h.contains('/') && self.host(h))
    }
}

#[derive(Clone)]
struct AppState {
    /// The output folder, canonical.
    out_dir: Arc<PathBuf>,
    hub: Arc<Hub>,
    shutdown: watch::Receiver<bool>,
    allowed: Arc<Allowed>,
}

pub fn router(
    out_dir: PathBuf,
    hub: Arc<Hub>,
    shutdown: watch::Receiver<bool>,
    allowed: Allowed,
) -> Router {
    let state = AppState {
        out_dir: Arc::new(out_dir),
        hub,
        shutdown,
        allowed: Arc::new(allowed),
    };
    Router::new()
        .route("/__shenbao/events", get(events))
        .route("/__shenbao/live.js", get(live_js))
        .route("/__shenbao/preview", get(preview))
        // Browsers ask for it on every page; the site has none.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .fallback(static_file)
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Every request: the `Host` must name this server (403 otherwise), the
/// reload channel's `Origin` must be this server, and every answer says it
/// may not be framed by another site nor sniffed as another type.
async fn guard(
    State(st): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response<Body> {
    let headers = req.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    let mut r = if !host.as_deref().is_some_and(|h| st.allowed.host(h)) {
        plain(
            StatusCode::FORBIDDEN,
            "只接受以 127.0.0.1、localhost 或监听地址访问的请求",
        )
    } else if cross_site_subresource(headers) {
        // Another site's page may link to the preview (a navigation) but
        // never load its pages, scripts or search data into itself: a
        // `<script src>` of a search shard would read the whole draft.
        plain(StatusCode::FORBIDDEN, "不接受其他网站页面对预览内容的引用")
    } else if req.uri().path().starts_with("/assets/search/")
        && headers
            .get_all("sec-fetch-dest")
            .iter()
            .any(|v| v.to_str().map_or(true, |v| v != "empty"))
    {
        // The search page fetches its data; nothing of the preview's ever
        // loads it as a script, which is how another page would read it.
        plain(StatusCode::FORBIDDEN, "搜索数据只供预览自己的搜索页读取")
    } else if req.uri().path() == "/__shenbao/events"
        && headers
            .get(header::ORIGIN)
            .is_some_and(|o| !o.to_str().is_ok_and(|o| st.allowed.origin(o)))
    {
        plain(StatusCode::FORBIDDEN, "只接受本预览页面打开的刷新通道")
    } else {
        next.run(req).await
    };
    let h = r.headers_mut();
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Browsers that send no Sec-Fetch-Site still refuse to hand this
    // answer to a page of another origin.
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Framing by the preview's own pages (the PDF preview) only; modern
    // browsers follow this over X-Frame-Options.
    let csp = match h
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
    {
        Some(own) => format!("{own}; frame-ancestors 'self'"),
        None => "frame-ancestors 'self'".to_string(),
    };
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    r
}

/// Whether a request comes from another site's page as a subresource
/// (script, image, fetch, frame): `Sec-Fetch-Site` other than
/// `same-origin` or `none` (typed in, bookmarked), unless it is a top-level
/// navigation. Another port of 127.0.0.1 is "same-site" but not this
/// origin, so it is refused too.
fn cross_site_subresource(headers: &axum::http::HeaderMap) -> bool {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let sites: Vec<&str> = headers
        .get_all("sec-fetch-site")
        .iter()
        .map(|v| v.to_str().unwrap_or("cross-site"))
        .collect();
    if sites.is_empty() {
        return false;
    }
    // Any value but this origin's (a header given twice counts each time).
    let foreign = sites.iter().any(|s| !matches!(*s, "same-origin" | "none"));
    let navigation = get("sec-fetch-mode") == Some("navigate")
        && matches!(get("sec-fetch-dest"), None | Some("document"));
    foreign && !navigation
}

/// Most connections served at once; more are answered 503 and closed, so
/// that half-open connections cannot exhaust the process's files.
pub const MAX_CONNECTIONS: usize = 256;
/// Connections past the limit being answered 503 at once.
pub const MAX_REFUSING: usize = 32;
/// A request's headers must arrive within this time.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Serve `app` on `listener` until `stop` turns true: HTTP/1.1 with a
/// header-read timeout and at most [`MAX_CONNECTIONS`] connections.
pub async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: Router,
    mut stop: watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let refusing = Arc::new(tokio::sync::Semaphore::new(MAX_REFUSING));
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.changed() => break,
        };
        let stream = match accepted {
            Ok((s, _)) => s,
            // Out of files or a connection reset before accept: go on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            // A few refusals at a time read the request and answer 503;
            // past those a connection is closed at once, so a flood holds
            // at most MAX_CONNECTIONS + MAX_REFUSING files.
            let Ok(refusal) = refusing.clone().try_acquire_owned() else {
                drop(stream);
                continue;
            };
            tokio::spawn(async move {
                let _refusal = refusal;
                // Read the request first (briefly, boundedly): a socket
                // closed with unread bytes is reset, and the client would
                // see a reset instead of the 503.
                let mut buf = [0u8; 8192];
                let mut read = 0usize;
                let _ = tokio::time::timeout(Duration::from_millis(500), async {
                    while read < 64 * 1024 {
                        if stream.readable().await.is_err() {
                            break;
                        }
                        match stream.try_read(&mut buf) {
                            Ok(0) => break,
                            Ok(n) => {
                                read += n;
                                if buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                                    break;
                                }
                            }
                            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                            Err(_) => break,
                        }
                    }
                })
                .await;
                let _ = stream.try_write(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n",
                );
            });
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .keep_alive(true);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_secs(1), conn).await;
                }
            }
            drop(slot);
        });
    }
}

/// Why a request path is not served.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a well-formed path (bad escapes, not UTF-8, a NUL).
    BadRequest,
    /// Tries to leave the output folder.
    Forbidden,
    NotFound,
}

/// Map a request path (still percent-encoded) to a file inside `out_dir`
/// (canonical). Refuses `..` in any spelling, encoded slashes and
/// backslashes, absolute and drive paths, and symbolic links that lead
/// out of the folder.
pub fn resolve(out_dir: &Path, raw: &str) -> Result<PathBuf, Refusal> {
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") {
        return Err(Refusal::Forbidden);
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| Refusal::BadRequest)?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return Err(Refusal::Forbidden);
    }
    let Some(rest) = decoded.strip_prefix('/') else {
        return Err(Refusal::BadRequest);
    };
    let mut path = out_dir.to_path_buf();
    let segments: Vec<&str> = rest.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if seg.is_empty() {
            // `//etc/passwd` or `a//b`: an absolute path smuggled in. A
            // trailing slash (a folder) is fine.
            if last {
                continue;
            }
            return Err(Refusal::Forbidden);
        }
        if *seg == "." || *seg == ".." || seg.contains(':') {
            return Err(Refusal::Forbidden);
        }
        // Dot-files (the marker, a killed build's temporary files) are
        // never part of the site.
        if seg.starts_with('.') {
            return Err(Refusal::NotFound);
        }
        let mut comps = Path::new(seg).components();
        if !matches!(
            (comps.next(), comps.next()),
            (Some(Component::Normal(_)), None)
        ) {
            return Err(Refusal::Forbidden);
        }
        path.push(seg);
    }
    if path.is_dir() {
        path.push("index.html");
    }
    let real = path.canonicalize().map_err(|_| Refusal::NotFound)?;
    let Ok(inner) = real.strip_prefix(out_dir) else {
        return Err(Refusal::Forbidden);
    };
    if inner
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    {
        return Err(Refusal::NotFound);
    }
    if !real.is_file() {
        return Err(Refusal::NotFound);
    }
    Ok(real)
}

/// The content type for a file name.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "otf" => "font/otf",
        "ttf" => "font/ttf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "txt" | "typ" | "md" => "text/plain; charset=utf-8",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

fn plain(status: StatusCode, text: &str) -> Response<Body> {
    let mut r = Response::new(Body::from(text.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn with_headers(mut r: Response<Body>, ctype: &'static str) -> Response<Body> {
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    // A preview is always the latest build.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if ctype == "image/svg+xml" {
        // An image from the content must never run script.
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
        );
    }
    r
}

/// Add the live-reload script to a page, stamped with the build it was
/// read at, so the page reloads if a rebuild lands before its channel
/// opens.
pub fn inject(html: &str, build: u64) -> String {
    let tag = format!(r#"<script src="{PREFIX}live.js" data-build="{build}"></script>"#);
    match html.rfind("</body>") {
        Some(at) => format!("{}{tag}\n{}", &html[..at], &html[at..]),
        None => format!("{html}\n{tag}\n"),
    }
}

async fn static_file(State(st): State<AppState>, method: Method, uri: Uri) -> Response<Body> {
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "只支持 GET 和 HEAD");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let path = match resolve(&st.out_dir, uri.path()) {
        Ok(p) => p,
        Err(Refusal::BadRequest) => return plain(StatusCode::BAD_REQUEST, "请求路径无效"),
        Err(Refusal::Forbidden) => {
            return plain(StatusCode::FORBIDDEN, "只提供输出目录中的文件");
        }
        Err(Refusal::NotFound) => return plain(StatusCode::NOT_FOUND, "找不到这个页面或文件"),
    };
    let ctype = content_type(&path);
    // Stamp before reading: a rebuild finishing in between makes the page
    // reload once more, never miss an update.
    let build = st.hub.build();
    let Ok(file) = tokio::fs::File::open(&path).await else {
        return plain(StatusCode::NOT_FOUND, "找不到这个页面或文件");
    };
    let len = match file.metadata().await {
        Ok(m) if m.is_file() => m.len(),
        _ => return plain(StatusCode::NOT_FOUND, "找不到这个页面或文件"),
    };
    if ctype.starts_with("text/html") && len <= MAX_INJECTED_PAGE {
        // Pages are small: read whole, add the live-reload script.
        drop(file);
        let Ok(bytes) = tokio::fs::read(&path).await else {
            return plain(StatusCode::NOT_FOUND, "找不到这个页面或文件");
        };
        let page = inject(&String::from_utf8_lossy(&bytes), build);
        let len = page.len();
        let body = if method == Method::HEAD {
            Body::empty()
        } else {
            Body::from(page)
        };
        return with_length(with_headers(Response::new(body), ctype), len as u64);
    }
    // Everything else is streamed in chunks: memory per download stays
    // small however large the file (a 50 MB PDF, 100 readers).
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from_stream(file_stream(file))
    };
    with_length(with_headers(Response::new(body), ctype), len)
}

/// Pages larger than this are sent as they are (no live reload).
const MAX_INJECTED_PAGE: u64 = 16 * 1024 * 1024;
/// Bytes read per chunk of a streamed file.
const CHUNK: usize = 64 * 1024;

fn with_length(mut r: Response<Body>, len: u64) -> Response<Body> {
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    r
}

/// Read into `buf` once (tokio's `AsyncRead` without its io-util helpers).
async fn read_chunk(file: &mut tokio::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    std::future::poll_fn(|cx| {
        let mut rb = tokio::io::ReadBuf::new(buf);
        match tokio::io::AsyncRead::poll_read(std::pin::Pin::new(&mut *file), cx, &mut rb) {
            std::task::Poll::Ready(Ok(())) => std::task::Poll::Ready(Ok(rb.filled().len())),
            std::task::Poll::Ready(Err(e)) => std::task::Poll::Ready(Err(e)),
            std::task::Poll::Pending => std::task::Poll::Pending,
        }
    })
    .await
}

/// A file as a stream of chunks, read only as fast as the client takes
/// them.
fn file_stream(
    file: tokio::fs::File,
) -> impl Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send {
    futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buf = vec![0u8; CHUNK];
        match read_chunk(&mut file, &mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(axum::body::Bytes::from(buf)), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    })
}

async fn live_js() -> Response<Body> {
    with_headers(
        Response::new(Body::from(LIVE_JS)),
        "text/javascript; charset=utf-8",
    )
}

/// `/__shenbao/preview?pdf=pdf/甲.pdf`: the PDF in a frame that the live
/// script refreshes after each print.
async fn preview(State(st): State<AppState>, uri: Uri) -> Response<Body> {
    let wanted = uri
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("pdf="))
        .map(|v| v.replace('+', " "))
        .unwrap_or_default();
    let Ok(decoded) = percent_encoding::percent_decode_str(&wanted).decode_utf8() else {
        return plain(StatusCode::BAD_REQUEST, "请求路径无效");
    };
    let rel = decoded.trim_start_matches('/').to_string();
    let encoded: String = rel
        .split('/')
        .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/");
    match resolve(&st.out_dir, &format!("/{encoded}")) {
        Ok(p) if content_type(&p) == "application/pdf" => {}
        Ok(_) | Err(Refusal::BadRequest) => {
            return plain(StatusCode::BAD_REQUEST, "只能预览输出目录中的 PDF");
        }
        Err(Refusal::Forbidden) => return plain(StatusCode::FORBIDDEN, "只提供输出目录中的文件"),
        Err(Refusal::NotFound) => return plain(StatusCode::NOT_FOUND, "找不到这个 PDF"),
    }
    let name = escape(rel.rsplit('/').next().unwrap_or(&rel));
    let attr = escape(&rel);
    let url = escape(&encoded);
    let page = format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PDF 预览：{name}</title>
<style>
html, body {{ margin: 0; height: 100%; font-family: sans-serif; }}
body {{ display: flex; flex-direction: column; }}
header {{ padding: .5rem 1rem; border-bottom: 1px solid #ccc; display: flex; gap: 1rem; align-items: baseline; }}
iframe {{ border: 0; flex: 1; width: 100%; }}
</style>
</head>
<body>
<header><a href="/index.html">总览</a><strong>{name}</strong><a href="/{url}">单独打开 PDF</a><span id="shenbao-pdf-status" role="status"></span></header>
<iframe id="shenbao-pdf" data-pdf="{attr}" src="/{url}" title="PDF 预览：{name}"></iframe>
</body>
</html>
"#
    );
    with_headers(
        Response::new(Body::from(inject(&page, st.hub.build()))),
        "text/html; charset=utf-8",
    )
}

/// Characters escaped in one path segment of a URL.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

use crate::text::escape_html as escape;

async fn events(State(st): State<AppState>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = st.hub.tx.subscribe();
    let (_, hello) = st.hub.hello();
    let state = (Some(hello), rx, st.shutdown.clone());
    let stream = futures_util::stream::unfold(state, |(hello, mut rx, mut stop)| async move {
        if let Some(h) = hello {
            let ev = Event::default().retry(Duration::from_millis(1000)).data(h);
            return Some((Ok(ev), (None, rx, stop)));
        }
        if *stop.borrow() {
            return None;
        }
        tokio::select! {
            msg = rx.recv() => match msg {
                Ok(m) => Some((Ok(Event::default().data(&*m)), (None, rx, stop))),
                // Fell behind: reload whatever is on screen.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let m = r#"{"type":"reload","build":0,"pages":["*"],"pdfs":["*"],"errors":[]}"#;
                    Some((Ok(Event::default().data(m)), (None, rx, stop)))
                }
                Err(broadcast::error::RecvError::Closed) => None,
            },
            _ = stop.changed() => None,
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("docs")).unwrap();
        std::fs::write(out.join("index.html"), "<body>总览</body>").unwrap();
        std::fs::write(out.join("docs/甲 方案.html"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        let out = out.canonicalize().unwrap();
        (dir, out)
    }

    #[test]
    fn serves_files_and_folder_indexes() {
        let (_d, out) = site();
        assert_eq!(resolve(&out, "/").unwrap(), out.join("index.html"));
        assert_eq!(
            resolve(&out, "/index.html").unwrap(),
            out.join("index.html")
        );
        let enc = "/docs/%E7%94%B2%20%E6%96%B9%E6%A1%88.html";
        assert_eq!(resolve(&out, enc).unwrap(), out.join("docs/甲 方案.html"));
        assert_eq!(resolve(&out, "/nope.html"), Err(Refusal::NotFound));
        // A folder without an index is not a file.
        assert_eq!(resolve(&out, "/docs/"), Err(Refusal::NotFound));
    }

    #[test]
    fn refuses_every_way_out() {
        let (_d, out) = site();
        for raw in [
            "/../secret.txt",
            "/docs/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/.%2e/secret.txt",
            "/..%2fsecret.txt",
            "/..%2Fsecret.txt",
            "/..%5csecret.txt",
            "/..\\secret.txt",
            "//etc/passwd",
            "/docs//etc/passwd",
            "/C:/Windows/win.ini",
            "/index.html%00.png",
            "/./index.html",
        ] {
            assert_eq!(resolve(&out, raw), Err(Refusal::Forbidden), "{raw}");
        }
        assert_eq!(resolve(&out, "/%ff%fe"), Err(Refusal::BadRequest));
        // Dot-files: the marker, a killed build's temporary files.
        std::fs::write(out.join(".shenbao-output"), "{}").unwrap();
        std::fs::write(out.join("docs/.tmpAbC123"), "half").unwrap();
        for raw in ["/.shenbao-output", "/docs/.tmpAbC123", "/%2Eshenbao-output"] {
            assert_eq!(resolve(&out, raw), Err(Refusal::NotFound), "{raw}");
        }
        assert_eq!(resolve(&out, "relative"), Err(Refusal::BadRequest));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_symlink_out_of_the_folder() {
        let (d, out) = site();
        std::os::unix::fs::symlink(d.path().join("secret.txt"), out.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(d.path(), out.join("up")).unwrap();
        assert_eq!(resolve(&out, "/leak.txt"), Err(Refusal::Forbidden));
        assert_eq!(resolve(&out, "/up/secret.txt"), Err(Refusal::Forbidden));
    }

    #[test]
    fn only_this_servers_names_are_allowed() {
        let local: std::net::SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let a = Allowed::new(local);
        for ok in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LocalHost:3000",
            "[::1]:3000",
        ] {
            assert!(a.host(ok), "{ok}");
        }
        for bad in [
            "evil.example.com",
            "evil.example.com:3000",
            "127.0.0.1.nip.io:3000",
            "127.0.0.1:3001",
            "127.0.0.1",
            "",
        ] {
            assert!(!a.host(bad), "{bad}");
        }
        assert!(a.origin("http://localhost:3000"));
        assert!(!a.origin("http://evil.example.com"));
        assert!(!a.origin("null"));
        assert!(!a.origin("http://localhost:3000/x"));
        // Bound to every address: any IP literal, still no names.
        let any = Allowed::new("0.0.0.0:80".parse().unwrap());
        assert!(any.host("192.168.1.5") && any.host("192.168.1.5:80"));
        assert!(!any.host("evil.example.com"));
    }

    #[test]
    fn content_types() {
        assert_eq!(
            content_type(Path::new("a.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("a.PDF")), "application/pdf");
        assert_eq!(content_type(Path::new("a.otf")), "font/otf");
        assert_eq!(content_type(Path::new("a")), "application/octet-stream");
    }

    #[test]
    fn the_script_goes_before_the_body_ends() {
        let html = inject("<html><body><p>x</p></body></html>", 7);
        assert!(html.contains(r#"<script src="/__shenbao/live.js" data-build="7"></script>"#));
        assert!(html.ends_with("</body></html>"));
        assert!(inject("<p>no body</p>", 1).contains("live.js"));
    }

    #[test]
    fn publishing_counts_builds_and_keeps_the_errors_for_new_pages() {
        let hub = Hub::new();
        let mut rx = hub.tx.subscribe();
        hub.publish("reload", &["index.html".into()], &[], r#"[{"file":"a"}]"#);
        assert_eq!(hub.build(), 1);
        let m: serde_json::Value = serde_json::from_str(&rx.try_recv().unwrap()).unwrap();
        assert_eq!(m["type"], "reload");
        assert_eq!(m["pages"][0], "index.html");
        assert_eq!(m["errors"][0]["file"], "a");
        let (b, hello) = hub.hello();
        assert_eq!(b, 1);
        assert!(hello.contains(r#""errors":[{"file":"a"}]"#));
    }
}
