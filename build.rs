//! Gives the binary an identity that names what it was built from (the
//! sources, the locked dependencies, the compiler and the profile), so
//! that a build keeps an output made by the same shenbao, however the
//! binary was copied or touched, and makes it again after any rebuild
//! from other sources.

use std::hash::{Hash, Hasher};
use std::path::Path;

fn main() {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for dir in ["src", "themes", "templates"] {
        println!("cargo:rerun-if-changed={dir}");
        let mut files: Vec<_> = walk(Path::new(dir));
        files.sort();
        for f in files {
            f.hash(&mut h);
            std::fs::read(&f).unwrap_or_default().hash(&mut h);
        }
    }
    for f in ["Cargo.toml", "Cargo.lock", "build.rs"] {
        println!("cargo:rerun-if-changed={f}");
        std::fs::read(f).unwrap_or_default().hash(&mut h);
    }
    for var in [
        "PROFILE",
        "OPT_LEVEL",
        "DEBUG",
        "TARGET",
        "CARGO_ENCODED_RUSTFLAGS",
    ] {
        std::env::var(var).unwrap_or_default().hash(&mut h);
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("-vV")
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    version.hash(&mut h);
    println!("cargo:rustc-env=SHENBAO_BUILD_ID={:016x}", h.finish());
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => out.extend(walk(&p)),
            Ok(t) if t.is_file() => out.push(p),
            _ => {}
        }
    }
    out
}
