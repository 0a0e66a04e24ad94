//! Reading and writing files safely: only regular files are read (a FIFO
//! or a device never blocks a command), and outputs are written to a
//! temporary file in the same folder, then renamed, so a reader never sees
//! half a file. Temporary files carry the writer's process id, so that a
//! later build can remove those a killed build left behind.

use std::io::{Read, Write};
use std::path::{Component, Path};
use std::time::{Duration, SystemTime};

/// Prefix of the temporary files shenbao writes beside its outputs.
pub const TEMP_PREFIX: &str = ".shenbao-tmp-";

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Not a regular file (a folder, a FIFO, a device, a socket).
    NotRegular,
    /// Larger than the caller's limit (its size in bytes).
    TooLarge(u64),
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular => write!(f, "不是普通文件（目录、管道或设备文件不能读取）"),
            ReadError::TooLarge(n) => write!(f, "文件过大（{n} 字节）"),
            ReadError::Io(e) => write!(f, "{}", io_message(e)),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<ReadError> for std::io::Error {
    fn from(e: ReadError) -> std::io::Error {
        match e {
            ReadError::Io(e) => e,
            other => std::io::Error::other(other.to_string()),
        }
    }
}

/// An I/O error in plain Chinese where the cause is common (a full disk,
/// no permission, a missing file); the system's text otherwise.
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::StorageFull | K::QuotaExceeded => "磁盘已满（或超出配额）".to_string(),
        K::PermissionDenied => "没有权限".to_string(),
        K::NotFound => "文件不存在（可能是失效的符号链接）".to_string(),
        K::ReadOnlyFilesystem => "文件系统是只读的".to_string(),
        K::InvalidFilename => "文件名过长或含有系统不接受的字符（改短文件名或标题）".to_string(),
        K::IsADirectory => "同名的目录已存在".to_string(),
        K::NotADirectory => "路径中有同名的文件挡住了目录".to_string(),
        K::AlreadyExists => "文件已存在".to_string(),
        K::DirectoryNotEmpty => "目录不是空的".to_string(),
        K::InvalidData => "数据已损坏".to_string(),
        K::UnexpectedEof => "文件不完整（读到一半就结束了）".to_string(),
        K::FileTooLarge => "文件过大".to_string(),
        K::ResourceBusy | K::ExecutableFileBusy => "文件正被其他程序占用".to_string(),
        K::TimedOut => "操作超时".to_string(),
        K::Unsupported => "系统不支持这个操作".to_string(),
        K::OutOfMemory => "内存不足".to_string(),
        K::CrossesDevices => "不能跨磁盘移动文件".to_string(),
        K::TooManyLinks => "符号链接层数过多".to_string(),
        // A message of shenbao's own (already Chinese) as it is.
        K::Other if e.get_ref().is_some() => e.to_string(),
        // The system's own words, after a Chinese lead so the line reads.
        _ => format!("读写失败（系统信息：{e}）"),
    }
}

/// Read a regular file of at most `limit` bytes. Anything else (a FIFO
/// would block for ever, a device never ends) is refused before it is
/// opened, and checked again on the open handle.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // One byte past the limit tells a file that grew since its stat.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A regular text file (UTF-8, a BOM dropped) of at most `limit` bytes.
pub fn read_regular_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_regular(path, limit)?;
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&bytes)
        .to_vec();
    String::from_utf8(bytes).map_err(|_| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "不是 UTF-8 编码的文本",
        ))
    })
}

/// Outputs are ordinary files (readable by a web server or a colleague),
/// not the private 0600 files `tempfile` creates.
fn make_readable(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// A temporary file beside `path` holding `bytes`, ready to be renamed.
/// The rename is what makes the write atomic; outputs can be regenerated,
/// so there is no fsync per file (a 1,000-page site would pay for it).
fn staged(path: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .rand_bytes(TEMP_RANDOM)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    make_readable(tmp.as_file())?;
    tmp.write_all(bytes)?;
    Ok(tmp)
}

/// Write `bytes` to `path` atomically, replacing what is there.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    staged(path, bytes)?.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Write `bytes` to a new file at `path` atomically; fail if it exists.
pub fn create_new_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    staged(path, bytes)?
        .persist_noclobber(path)
        .map_err(|e| e.error)?;
    Ok(())
}

/// Create `dir` and the folders above it up to `root` (which exists),
/// refusing to pass through a symbolic link or anything but a folder: an
/// output never lands outside the output folder (`public/docs ->
/// ../content` is refused, not followed).
pub fn create_dirs_within(root: &Path, dir: &Path) -> std::io::Result<()> {
    let rel = dir.strip_prefix(root).map_err(|_| {
        std::io::Error::other(format!(
            "{} 不在输出目录 {} 中",
            dir.display(),
            root.display()
        ))
    })?;
    let mut cur = root.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(n) => cur.push(n),
            _ => {
                return Err(std::io::Error::other(format!(
                    "输出路径 {} 不规范",
                    dir.display()
                )));
            }
        }
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(std::io::Error::other(format!(
                    "{} 是符号链接，为免写到别处，不经过它写入（删除这个链接）",
                    cur.display()
                )));
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(std::io::Error::other(format!(
                    "{} 是文件而不是目录",
                    cur.display()
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match std::fs::create_dir(&cur) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            },
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Write `bytes` to `path` inside the output folder `root` atomically,
/// creating folders on the way but never through a symbolic link.
pub fn write_within(root: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(root);
    create_dirs_within(root, dir)?;
    write_atomic(path, bytes)
}

/// How old a temporary file of a process that may still run must be
/// before it counts as left behind.
const STALE_AFTER: Duration = Duration::from_secs(600);

/// The random part and end of a temporary file's name (`tempfile`'s six
/// characters, then our suffix).
const TEMP_RANDOM: usize = 6;
const TEMP_SUFFIX: &str = ".part";

/// The writer's process id if `name` is exactly the name of a temporary
/// file shenbao writes (`.shenbao-tmp-<pid>-<six letters>.part`); a file
/// of the author's that merely starts the same way is not one.
fn temp_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    let (pid, random) = rest.split_once('-')?;
    let ok = !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && random.len() == TEMP_RANDOM
        && random.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then(|| pid.parse().ok()).flatten()
}

/// Remove the temporary files a killed build left under `root`: only
/// shenbao's own (see [`temp_owner`]), regular files reached without
/// following links, whose process is gone or that are old. Returns how
/// many were removed.
pub fn remove_stale_temps(root: &Path) -> usize {
    let mut removed = 0;
    let now = SystemTime::now();
    for entry in walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let name = entry.file_name().to_string_lossy();
        let Some(pid) = temp_owner(&name) else {
            continue;
        };
        let age = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| now.duration_since(t).ok())
            .unwrap_or_default();
        let stale = pid != std::process::id() && (!process_alive(pid) || age > STALE_AFTER);
        if stale && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// A new hidden folder in `dir`, named as shenbao's temporary files are.
pub fn temp_dir_in(dir: &Path) -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .rand_bytes(TEMP_RANDOM)
        .suffix(TEMP_SUFFIX)
        .tempdir_in(dir)
}

/// Remove the temporary folders (see [`temp_dir_in`]) a killed process
/// left directly in `dir`.
pub fn remove_stale_temp_dirs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(pid) = temp_owner(&name).filter(|_| is_dir)
            && pid != std::process::id()
            && !process_alive(pid)
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Whether a process runs (Linux: /proc; elsewhere assumed, so that only
/// age decides).
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert!(create_new_atomic(&p, b"three").is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o644
            );
        }
        write_atomic(&p, b"four").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"four");
        // No temporary files are left behind.
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("call.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(matches!(
                read_regular(&fifo, 1 << 20),
                Err(ReadError::NotRegular)
            ));
        }
        assert!(matches!(
            read_regular(dir.path(), 1 << 20),
            Err(ReadError::NotRegular)
        ));
        let f = dir.path().join("a.txt");
        std::fs::write(&f, "12345").unwrap();
        assert_eq!(read_regular(&f, 5).unwrap(), b"12345");
        assert!(matches!(read_regular(&f, 4), Err(ReadError::TooLarge(5))));
    }

    #[cfg(unix)]
    #[test]
    fn folders_are_not_created_through_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let content = dir.path().join("content");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::create_dir_all(&content).unwrap();
        std::os::unix::fs::symlink("../content", out.join("docs")).unwrap();
        let err = write_within(&out, &out.join("docs/a/甲.html"), b"x").unwrap_err();
        assert!(err.to_string().contains("符号链接"), "{err}");
        assert_eq!(std::fs::read_dir(&content).unwrap().count(), 0);
        write_within(&out, &out.join("pdf/a/甲.pdf"), b"x").unwrap();
        assert!(out.join("pdf/a/甲.pdf").is_file());
        assert!(write_within(&out, &dir.path().join("x"), b"x").is_err());
    }

    #[test]
    fn stale_temps_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir
            .path()
            .join(format!("{TEMP_PREFIX}{}-aB3dE6.part", std::process::id()));
        let dead = dir
            .path()
            .join(format!("{TEMP_PREFIX}4000000000-bBbbb1.part"));
        let old_live = dir.path().join(format!("{TEMP_PREFIX}1-cccccc.part"));
        // The author's files that only look like temporary files.
        let users = [
            ".tmpAbC123",
            ".tmp-notes.txt",
            ".shenbao-tmp-notes.md",
            ".shenbao-tmp-4000000000-b.part",
            ".shenbao-tmp-4000000000-bbbbbb",
        ];
        for p in [&mine, &dead, &old_live] {
            std::fs::write(p, "x").unwrap();
        }
        let old = SystemTime::now() - Duration::from_secs(3600);
        for u in users {
            let p = dir.path().join(u);
            std::fs::write(&p, "x").unwrap();
            let f = std::fs::File::options().write(true).open(&p).unwrap();
            f.set_modified(old).unwrap();
        }
        let f = std::fs::File::options()
            .write(true)
            .open(&old_live)
            .unwrap();
        f.set_modified(old).unwrap();
        let removed = remove_stale_temps(dir.path());
        let linux = cfg!(target_os = "linux");
        assert_eq!(removed, 1 + usize::from(linux));
        assert!(mine.exists() && !old_live.exists());
        assert_eq!(dead.exists(), !linux);
        for u in users {
            assert!(dir.path().join(u).exists(), "{u} was removed");
        }
    }

    #[test]
    fn temporary_files_are_named_as_the_cleaner_expects() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = staged(&dir.path().join("a.html"), b"x").unwrap();
        let name = tmp
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert_eq!(temp_owner(&name), Some(std::process::id()), "{name}");
    }
}
