//! Shared by the benchmarks: time a fresh process and read its peak RSS.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// One run of a command: wall time (s), the child's own peak RSS (MB, from
/// GNU time, which reads it from wait4), and its standard output.
#[allow(dead_code)]
pub struct Run {
    pub secs: f64,
    pub peak_mb: f64,
    /// User + system CPU time (s): on a machine shared with other work,
    /// what the run itself cost, whatever the wall time.
    pub cpu: f64,
    pub stdout: String,
}

/// Run `program` once in `cwd` under GNU time. Exit codes up to
/// `max_exit` count as success (`build` exits 1 when it reports errors).
pub fn run_once(program: &Path, args: &[String], cwd: &Path, max_exit: i32) -> Run {
    let t = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M %U %S")
        .arg(program)
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run /usr/bin/time (apt-get install time)");
    let secs = t.elapsed().as_secs_f64();
    assert!(
        out.status
            .code()
            .is_some_and(|c| (0..=max_exit).contains(&c)),
        "{} failed:\n{}",
        program.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let figures: Vec<f64> = stderr
        .lines()
        .last()
        .map(|l| {
            l.split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let kb = figures.first().copied().unwrap_or(0.0);
    Run {
        secs,
        peak_mb: kb / 1024.0,
        cpu: figures.iter().skip(1).sum(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
    }
}

/// Best wall time (s) and highest peak RSS (MB) of `runs` runs of a
/// command in `cwd` (see [`run_once`]).
#[allow(dead_code)]
pub fn measure(
    program: &Path,
    args: &[String],
    cwd: &Path,
    runs: usize,
    max_exit: i32,
) -> (f64, f64) {
    let mut best = f64::MAX;
    let mut peak = 0f64;
    for _ in 0..runs {
        let r = run_once(program, args, cwd, max_exit);
        best = best.min(r.secs);
        peak = peak.max(r.peak_mb);
    }
    (best, peak)
}
