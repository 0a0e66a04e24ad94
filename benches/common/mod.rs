//! Shared by the benchmarks: time a fresh process and read its peak RSS.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Best wall time (s) and highest peak RSS (MB, from GNU time) of `runs`
/// runs of a command in `cwd`. Exit codes up to `max_exit` count as
/// success (`build` exits 1 when it reports errors).
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
        let t = Instant::now();
        let out = Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%M")
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
        let kb: f64 = String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0.0);
        best = best.min(secs);
        peak = peak.max(kb / 1024.0);
    }
    (best, peak)
}
