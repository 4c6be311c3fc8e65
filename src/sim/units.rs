//! Decimal numbers without floating point: "1.500 s" from 1,500,000 µs, 12.5 ms into 12,500 µs.
//!
//! The browser bundle avoids Rust's float formatting and parsing code (tens of kilobytes of
//! wasm); everything shown or typed as a decimal goes through these instead.

/// `value / 10^scale`, written with exactly `decimals` digits after the point (rounded).
pub fn fixed(value: i128, scale: u32, decimals: u32) -> String {
    let neg = value < 0;
    let v = value.unsigned_abs();
    let drop = scale.saturating_sub(decimals);
    let div = 10u128.pow(drop);
    let mut v = if drop > 0 {
        (v + div / 2) / div
    } else {
        v * 10u128.pow(decimals - scale)
    };
    let unit = 10u128.pow(decimals);
    let int = v / unit;
    v %= unit;
    let sign = if neg && (int > 0 || v > 0) { "-" } else { "" };
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{v:0width$}", width = decimals as usize)
    }
}

/// Like [`fixed`], but without trailing zeros (and without the point if none remain).
pub fn short(value: i128, scale: u32) -> String {
    let s = fixed(value, scale, scale);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Parses a non-negative decimal ("12", "12.5", ".5") as an integer count of `10^-scale`
/// units, rounding extra digits. None for anything else (signs, exponents, garbage).
pub fn parse(s: &str, scale: u32) -> Option<u64> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut f: u64 = 0;
    let mut digits = 0;
    let mut round_up = false;
    for (i, b) in frac.bytes().enumerate() {
        if (i as u32) < scale {
            f = f * 10 + u64::from(b - b'0');
            digits += 1;
        } else {
            round_up = i as u32 == scale && b >= b'5';
            break;
        }
    }
    f *= 10u64.pow(scale - digits);
    int.checked_mul(10u64.pow(scale))?
        .checked_add(f)?
        .checked_add(u64::from(round_up))
}

/// Virtual time as seconds: "1.500 s".
pub fn secs(us: u64) -> String {
    format!("{} s", fixed(i128::from(us), 6, 3))
}

/// At most `max` characters of `s`, with "…" where it was cut: error messages quote what a
/// person typed or pasted, and a megabyte of it must not come back at them.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_rounding() {
        assert_eq!(fixed(1_500_000, 6, 3), "1.500");
        assert_eq!(fixed(14_999_999, 7, 3), "1.500");
        assert_eq!(fixed(-25, 1, 0), "-3");
        assert_eq!(fixed(7, 0, 2), "7.00");
        assert_eq!(fixed(0, 3, 1), "0.0");
        assert_eq!(short(12_500, 3), "12.5");
        assert_eq!(short(12_000, 3), "12");
        assert_eq!(secs(2_000_123), "2.000 s");
    }

    #[test]
    fn parses_decimals_exactly() {
        assert_eq!(parse("12.5", 3), Some(12_500));
        assert_eq!(parse("0.0004", 3), Some(0));
        assert_eq!(parse("0.0005", 3), Some(1));
        assert_eq!(parse(".5", 4), Some(5_000));
        assert_eq!(parse("30", 4), Some(300_000));
        for bad in ["", ".", "-1", "1e3", "abc", "1.2.3", " 4 5"] {
            assert_eq!(parse(bad, 3), None, "{bad}");
        }
        assert_eq!(parse("99999999999999999999", 3), None, "overflow");
    }
}
