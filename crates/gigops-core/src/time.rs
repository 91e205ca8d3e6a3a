//! Instants as gigops reads them from users: RFC 3339, or a bare date meaning midnight UTC.

use jiff::Timestamp;
use jiff::civil::Date;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a date: expected RFC 3339 (2025-03-01T09:30:00Z) or YYYY-MM-DD")]
pub struct InstantError {
    pub text: String,
}

/// Parses RFC 3339 (`2025-03-01T09:30:00+08:00`) or `YYYY-MM-DD` (midnight UTC).
pub fn parse_instant(text: &str) -> Result<Timestamp, InstantError> {
    let err = || InstantError {
        text: text.to_string(),
    };
    if text.len() == 10 {
        let date: Date = text.parse().map_err(|_| err())?;
        return date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(|_| err());
    }
    text.parse::<Timestamp>().map_err(|_| err())
}

/// Formats an instant as RFC 3339 in UTC, the form gigops writes everywhere.
pub fn format_instant(instant: Timestamp) -> String {
    instant.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_forms() {
        assert_eq!(
            parse_instant("2025-03-01").unwrap(),
            "2025-03-01T00:00:00Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(
            parse_instant("2025-03-01T09:30:00+08:00").unwrap(),
            "2025-03-01T01:30:00Z".parse::<Timestamp>().unwrap()
        );
        for bad in [
            "2025-13-01",
            "2025-02-30",
            "01/03/2025",
            "",
            "2025-03-01 09:30",
        ] {
            assert!(parse_instant(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn formats_in_utc() {
        let t = parse_instant("2025-03-01T09:30:00+08:00").unwrap();
        assert_eq!(format_instant(t), "2025-03-01T01:30:00Z");
    }
}
