//! Running the `paxoscope` binary from integration tests: exit code, stdout, stderr.

/// Runs `paxoscope ARGS…` and returns (exit code, stdout, stderr); -1 if killed by a signal.
pub fn paxoscope(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_paxoscope"))
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
