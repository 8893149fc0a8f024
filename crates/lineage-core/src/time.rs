//! Timestamps as exports carry them: epoch seconds, ISO 8601 with `T` or a space, with or without fraction and offset.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::Serialize;

/// An instant in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// Epoch seconds, possibly fractional (the awsJson wire format).
    pub fn from_epoch_seconds(secs: f64) -> Option<Timestamp> {
        if !secs.is_finite() {
            return None;
        }
        let whole = secs.floor();
        let nanos = ((secs - whole) * 1e9).round().clamp(0.0, 999_999_999.0) as u32;
        // Out-of-range values (beyond year ±262143) are rejected, not wrapped.
        if whole.abs() > 8.0e12 {
            return None;
        }
        DateTime::from_timestamp(whole as i64, nanos).map(Timestamp)
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
    use super::Timestamp;

    fn iso(s: &str) -> String {
        Timestamp::parse(s).map(|t| t.iso()).unwrap_or_else(|| "none".into())
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
}
