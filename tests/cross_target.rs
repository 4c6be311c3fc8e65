//! Native half of the cross-target check: every scenario × both profiles × 100 seeds matches
//! `tests/fixtures/cross-target.txt` (the browser half, `tests/web_cross_target.rs`, checks
//! the same file in Chromium). `PAXOSCOPE_REPIN=1` rewrites the file after a deliberate change
//! to the engine's behaviour.

#[path = "common/cross.rs"]
mod cross;

#[test]
fn every_scenario_profile_and_seed_matches_the_pinned_fingerprints() {
    if std::env::var_os("PAXOSCOPE_REPIN").is_some() {
        let lines: Vec<String> = cross::cases()
            .into_iter()
            .map(|c| {
                let (n, h) = cross::run_case(c).unwrap_or_else(|e| panic!("{c:?}: {e}"));
                cross::line(c, n, h)
            })
            .collect();
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/cross-target.txt"
        );
        std::fs::write(path, lines.join("\n") + "\n").expect("write the fixture");
        return;
    }
    let want = cross::expected().unwrap_or_else(|e| panic!("{e}"));
    let cases = cross::cases();
    let bad: Vec<String> = cases
        .iter()
        .zip(&want)
        .filter_map(|(c, w)| cross::check(*c, w))
        .collect();
    assert!(
        bad.is_empty(),
        "{} of {} cases differ (first ten):\n{}",
        bad.len(),
        cases.len(),
        bad[..bad.len().min(10)].join("\n")
    );
}
