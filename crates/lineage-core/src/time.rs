//! Timestamps as exports carry them: epoch seconds, ISO 8601 with `T` or a space, with or without fraction and offset.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::Serialize;

/// An instant in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// Epoch seconds, possibly fractional (the awsJson wire format). Prefer [`Timestamp::from_epoch_text`]: an
    /// `f64` cannot hold `1764510534.461` exactly.
    pub fn from_epoch_seconds(secs: f64) -> Option<Timestamp> {
        if !secs.is_finite() {
            return None;
        }
        // The shortest decimal that reads back as this f64 is the text the exporter wrote (up to 17 digits).
        Timestamp::from_epoch_text(&format!("{secs}"), EpochUnit::Seconds)
    }

    /// Epoch time from its decimal text (`1764510534.461`, `1764510534461`, `1.764510534461e9`), read exactly:
    /// digits, not an `f64`, so `.461` is 461 ms. `unit` says what a whole number counts; with
    /// [`EpochUnit::Guess`] a number above 10^11 is taken as milliseconds (EventBridge writes those), below as
    /// seconds. Fractions finer than a nanosecond are rounded to the nearest nanosecond.
    pub fn from_epoch_text(text: &str, unit: EpochUnit) -> Option<Timestamp> {
        let (negative, digits, exponent) = decimal_parts(text.trim())?;
        // value = digits × 10^exponent, in the unit; turn it into whole nanoseconds.
        let magnitude_digits = digits.len() as i64 + exponent;
        let unit = match unit {
            EpochUnit::Guess if magnitude_digits > 11 => EpochUnit::Milliseconds,
            EpochUnit::Guess => EpochUnit::Seconds,
            u => u,
        };
        let scale: i64 = if unit == EpochUnit::Milliseconds { 6 } else { 9 };
        let shift = exponent + scale;
        // Out-of-range values (beyond year ±262143) are rejected, not wrapped.
        if digits.len() as i64 + shift > 23 {
            return None;
        }
        let mut nanos: i128 = 0;
        for d in digits.bytes().take((digits.len() as i64 + shift.min(0)).max(0) as usize) {
            nanos = nanos * 10 + i128::from(d - b'0');
        }
        if shift > 0 {
            nanos *= 10i128.pow(shift as u32);
        } else if shift < 0 {
            // Round half up on the first dropped digit.
            let kept = (digits.len() as i64 + shift).max(0) as usize;
            if digits.as_bytes().get(kept).is_some_and(|d| *d >= b'5') {
                nanos += 1;
            }
        }
        if negative {
            nanos = -nanos;
        }
        let secs = i64::try_from(nanos.div_euclid(1_000_000_000)).ok()?;
        let sub = u32::try_from(nanos.rem_euclid(1_000_000_000)).ok()?;
        DateTime::from_timestamp(secs, sub).map(Timestamp)
    }

    /// ISO 8601 / RFC 3339 with `T` or a space between date and time; an absent offset means UTC.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let t = text.trim();
        if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
            return Some(Timestamp(dt.with_timezone(&Utc)));
        }
        let with_t = t.replacen(' ', "T", 1);
        if let Ok(dt) = DateTime::parse_from_rfc3339(&with_t) {
            return Some(Timestamp(dt.with_timezone(&Utc)));
        }
        for fmt in ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z"] {
            if let Ok(dt) = DateTime::parse_from_str(&with_t, fmt) {
                return Some(Timestamp(dt.with_timezone(&Utc)));
            }
        }
        for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(&with_t, fmt) {
                return Some(Timestamp(naive.and_utc()));
            }
        }
        if let Ok(date) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return date.and_hms_opt(0, 0, 0).map(|n| Timestamp(n.and_utc()));
        }
        None
    }

    /// `2027-03-08T09:42:00Z` (fraction only when present).
    pub fn iso(&self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }

    /// `2027-03-08 09:42 UTC`, as the article prints times.
    pub fn minute_utc(&self) -> String {
        self.0.format("%Y-%m-%d %H:%M UTC").to_string()
    }

    /// `2027-03-08`.
    pub fn date(&self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
}

/// A calendar date written `YYYY-MM-DD` (exactly that shape) that exists: `2026-02-30` and `2026-13-01` do not.
/// The one date check of every option that takes a date (`--date`, `--period`, the page's fields).
pub fn calendar_date(s: &str) -> Option<(i32, u8, u8)> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().filter(|_| shaped)?;
    Some((date.year(), date.month() as u8, date.day() as u8))
}

/// What a whole epoch number counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpochUnit {
    Seconds,
    Milliseconds,
    /// Milliseconds above 10^11, seconds below (no instant between 1973 and 5138 is ambiguous).
    Guess,
}

/// `-12.5e3` → (true, "125", 2): the sign, the significant digits without leading zeros, and the power of ten
/// they are multiplied by. `None` for anything that is not a plain decimal number.
fn decimal_parts(text: &str) -> Option<(bool, String, i64)> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) || exp.abs() > 400 {
        return None;
    }
    let mut digits: String = format!("{int}{frac}").trim_start_matches('0').to_owned();
    let mut exponent = exp - frac.len() as i64;
    while digits.ends_with('0') {
        digits.pop();
        exponent += 1;
    }
    if digits.is_empty() {
        return Some((false, "0".into(), 0));
    }
    Some((negative, digits, exponent))
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

#[cfg(test)]
mod tests {
    use super::{EpochUnit, Timestamp};

    fn iso(s: &str) -> String {
        Timestamp::parse(s).map(|t| t.iso()).unwrap_or_else(|| "none".into())
    }

    #[test]
    fn calendar_dates_exist() {
        assert_eq!(super::calendar_date("2026-11-28"), Some((2026, 11, 28)));
        assert_eq!(super::calendar_date("2028-02-29"), Some((2028, 2, 29)));
        for bad in ["2026-02-30", "2026-02-29", "2026-13-01", "2026-04-31", "26-1-1", "2026-11-28T00", "2026-1-01"] {
            assert_eq!(super::calendar_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn accepts_the_shapes_exports_use() {
        assert_eq!(iso("2027-03-08T09:42:00Z"), "2027-03-08T09:42:00Z");
        assert_eq!(iso("2027-03-08T09:42:00.123+00:00"), "2027-03-08T09:42:00.123Z");
        assert_eq!(iso("2021-07-14 23:19:46.123000+00:00"), "2021-07-14T23:19:46.123Z");
        assert_eq!(iso("2021-07-14 23:19:46+02:00"), "2021-07-14T21:19:46Z");
        assert_eq!(iso("2021-07-14 23:19:46"), "2021-07-14T23:19:46Z");
        assert_eq!(iso("2021-07-14T23:19:46.5"), "2021-07-14T23:19:46.500Z");
        assert_eq!(iso("2021-07-14T23:19:46+0200"), "2021-07-14T21:19:46Z");
        assert_eq!(iso("2027-03-08"), "2027-03-08T00:00:00Z");
        assert_eq!(iso("yesterday"), "none");
        assert_eq!(iso("2027-13-08T00:00:00Z"), "none");
    }

    #[test]
    fn epoch_seconds_keep_their_fraction() {
        let t = Timestamp::from_epoch_seconds(1_836_193_320.25).map(|t| t.iso());
        assert_eq!(t.as_deref(), Some("2028-03-09T05:42:00.250Z"));
        assert!(Timestamp::from_epoch_seconds(f64::NAN).is_none());
        assert!(Timestamp::from_epoch_seconds(1e300).is_none());
    }

    fn epoch(text: &str) -> String {
        Timestamp::from_epoch_text(text, EpochUnit::Guess).map(|t| t.iso()).unwrap_or_else(|| "none".into())
    }

    #[test]
    fn epoch_text_is_read_as_decimal_digits() {
        assert_eq!(epoch("1764510534.461"), "2025-11-30T13:48:54.461Z");
        assert_eq!(epoch("1764510534461"), "2025-11-30T13:48:54.461Z");
        assert_eq!(epoch("1764510534461.0"), "2025-11-30T13:48:54.461Z");
        assert_eq!(epoch("1.764510534461e9"), "2025-11-30T13:48:54.461Z");
        assert_eq!(epoch("1764510534.000000001"), "2025-11-30T13:48:54.000000001Z");
        assert_eq!(epoch("1764510534.0000000015"), "2025-11-30T13:48:54.000000002Z");
        assert_eq!(epoch("0"), "1970-01-01T00:00:00Z");
        assert_eq!(epoch("-1.5"), "1969-12-31T23:59:58.500Z");
        assert_eq!(epoch("1e30"), "none");
        assert_eq!(epoch("12a"), "none");
        assert_eq!(epoch("."), "none");
        assert_eq!(epoch(""), "none");
        assert_eq!(
            Timestamp::from_epoch_seconds(1764510534.461).map(|t| t.iso()).as_deref(),
            Some("2025-11-30T13:48:54.461Z")
        );
    }
}
