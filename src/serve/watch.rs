//! Watching the sources with `notify`: events are gathered until the files
//! have been quiet for a moment (editors save in bursts: a temporary file,
//! a write, a rename), then turned into [`Changes`] by looking at where the
//! paths are, not at the event kinds, which differ between editors and
//! platforms.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::session::Changes;
use crate::project::{CONTENT_DIR, rel_path};

/// Quiet time that ends a burst of events.
pub const QUIET: Duration = Duration::from_millis(30);
/// A burst that never goes quiet is still handled after this long.
pub const MAX_WAIT: Duration = Duration::from_millis(300);

/// The folders at the root whose contents are sources.
const WATCHED_DIRS: &[&str] = &[CONTENT_DIR, "attachments", "templates", "themes"];

/// What `classify` needs to know about the project.
#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub out_dir: PathBuf,
    /// The call file when the project names its own (a path in the root).
    pub call_file: Option<PathBuf>,
}

/// Editors' temporary and backup files: never a source.
fn is_scratch(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
}

/// Sort one batch of changed paths into what must be rebuilt.
pub fn classify(layout: &Layout, paths: &[PathBuf]) -> Changes {
    let mut changes = Changes::default();
    for path in paths {
        if path.starts_with(&layout.out_dir) {
            continue;
        }
        let Ok(rel) = path.strip_prefix(&layout.root) else {
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if rel.components().any(|c| {
            let c = c.as_os_str().to_string_lossy();
            is_scratch(&c)
        }) {
            continue;
        }
        if rel == Path::new(crate::config::CONFIG_FILE)
            || layout.call_file.as_deref() == Some(path.as_path())
        {
            changes.full = true;
            continue;
        }
        let top = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        let nested = rel.components().count() > 1;
        match top.as_str() {
            "templates" | "themes" => changes.full = true,
            // The folder itself appeared or went.
            CONTENT_DIR if !nested => changes.rescan = true,
            "attachments" if !nested => changes.rescan = true,
            CONTENT_DIR => {
                let rel = rel_path(&layout.root, path);
                if crate::project::is_markdown(path) {
                    changes.docs.insert(rel);
                } else if path.is_dir() || !path.exists() && !name.contains('.') {
                    // A folder moved in, out or renamed.
                    changes.rescan = true;
                } else {
                    changes.assets.insert(rel);
                }
            }
            "attachments" => {
                changes.assets.insert(rel_path(&layout.root, path));
            }
            _ => {}
        }
    }
    changes
}

/// The watcher and the source folders it watches. A folder created after
/// `serve` started (templates/ for a first override, attachments/) is
/// watched from the next batch on; one removed is forgotten, so that it
/// is watched again if it comes back.
pub struct Watching {
    watcher: notify::RecommendedWatcher,
    layout: Layout,
    watched: BTreeSet<PathBuf>,
}

impl Watching {
    /// Watch every source folder that exists now and is not yet watched.
    pub fn ensure(&mut self) -> Result<(), notify::Error> {
        self.watched.retain(|p| p.is_dir());
        for dir in WATCHED_DIRS {
            let path = self.layout.root.join(dir);
            if path.is_dir() && !self.watched.contains(&path) {
                self.watcher.watch(&path, RecursiveMode::Recursive)?;
                self.watched.insert(path);
            }
        }
        Ok(())
    }
}

/// Start watching. Batches of changed paths arrive on the returned
/// receiver; the watching stops when the returned `Watching` is dropped.
pub fn start(layout: &Layout) -> Result<(Watching, Receiver<Vec<PathBuf>>), notify::Error> {
    let (raw_tx, raw_rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(move |ev| {
        let _ = raw_tx.send(ev);
    })?;
    // The root itself, not recursively: shenbao.yaml saved by rename, and
    // the source folders appearing.
    watcher.watch(&layout.root, RecursiveMode::NonRecursive)?;
    if let Some(parent) = layout.call_file.as_ref().and_then(|c| c.parent())
        && parent != layout.root
        && !WATCHED_DIRS
            .iter()
            .any(|d| parent.starts_with(layout.root.join(d)))
        && parent.is_dir()
    {
        watcher.watch(parent, RecursiveMode::NonRecursive)?;
    }
    let mut watching = Watching {
        watcher,
        layout: layout.clone(),
        watched: BTreeSet::new(),
    };
    watching.ensure()?;
    let (tx, rx) = std::sync::mpsc::channel();
    let root = layout.root.clone();
    std::thread::Builder::new()
        .name("shenbao-watch".into())
        .spawn(move || debounce(&raw_rx, &tx, &root))
        .map_err(|e| notify::Error::generic(&e.to_string()))?;
    Ok((watching, rx))
}

/// Gather events until quiet, then send the paths.
fn debounce(raw: &Receiver<notify::Result<notify::Event>>, tx: &Sender<Vec<PathBuf>>, root: &Path) {
    loop {
        let Ok(first) = raw.recv() else { return };
        let mut paths = Vec::new();
        let mut rescan = false;
        take(first, &mut paths, &mut rescan);
        let started = Instant::now();
        loop {
            let left = MAX_WAIT.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            match raw.recv_timeout(QUIET.min(left)) {
                Ok(ev) => take(ev, &mut paths, &mut rescan),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if rescan {
            // The watcher lost track (queue overflow): look at everything.
            paths.push(root.join(CONTENT_DIR));
        }
        paths.sort();
        paths.dedup();
        if tx.send(paths).is_err() {
            return;
        }
    }
}

fn take(ev: notify::Result<notify::Event>, paths: &mut Vec<PathBuf>, rescan: &mut bool) {
    match ev {
        Ok(ev) => {
            if ev.need_rescan() {
                *rescan = true;
            }
            if !matches!(ev.kind, notify::EventKind::Access(_)) {
                paths.extend(ev.paths);
            }
        }
        Err(_) => *rescan = true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            root: PathBuf::from("/p"),
            out_dir: PathBuf::from("/p/public"),
            call_file: Some(PathBuf::from("/p/calls/2023.yaml")),
        }
    }

    fn of(paths: &[&str]) -> Changes {
        classify(
            &layout(),
            &paths.iter().map(PathBuf::from).collect::<Vec<_>>(),
        )
    }

    #[test]
    fn markdown_under_content_is_a_document() {
        let c = of(&["/p/content/甲.md", "/p/content/sub/乙.markdown"]);
        assert_eq!(
            c.docs.into_iter().collect::<Vec<_>>(),
            ["content/sub/乙.markdown", "content/甲.md"]
        );
        assert!(!c.full && !c.rescan);
    }

    #[test]
    fn editor_scratch_files_and_output_are_ignored() {
        let c = of(&[
            "/p/content/.甲.md.swp",
            "/p/content/甲.md~",
            "/p/content/4913",
            "/p/content/#甲.md#",
            "/p/content/.git/index",
            "/p/public/index.html",
            "/p/target/x",
            "/elsewhere/content/a.md",
        ]);
        assert!(c.is_empty(), "{c:?}");
    }

    #[test]
    fn configuration_templates_and_theme_rebuild_everything() {
        for p in [
            "/p/shenbao.yaml",
            "/p/templates/base.html",
            "/p/themes/default/print/plan.typ",
            "/p/calls/2023.yaml",
        ] {
            assert!(of(&[p]).full, "{p}");
        }
    }

    #[test]
    fn images_and_letters_are_assets() {
        let c = of(&["/p/content/attachments/推荐函.png", "/p/attachments/函.pdf"]);
        assert_eq!(c.assets.len(), 2);
        assert!(c.docs.is_empty());
    }

    #[test]
    fn a_vanished_folder_asks_for_a_rescan() {
        // Not on disk and no extension: a folder moved out or renamed.
        assert!(of(&["/p/content/旧目录"]).rescan);
        assert!(of(&["/p/content"]).rescan);
    }
}
