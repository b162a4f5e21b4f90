//! Publication dates from metadata: many spellings in, one ISO 8601 form out.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat};

/// Normalises a date or date-time to ISO 8601: `2025-03-17` for a date alone,
/// `2025-03-17T10:00:00Z` / `2025-03-17T10:00:00+02:00` with a zone, `2025-03-17T10:00:00`
/// when the source gave a time without a zone (none is invented). `None` when the string is
/// not a recognisable date or the year is implausible for news (before 1800, after 2200).
pub fn normalise(raw: &str) -> Option<String> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    let zoned = DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z"))
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .or_else(|_| DateTime::parse_from_rfc2822(s));
    if let Ok(datetime) = zoned {
        return plausible(datetime.date_naive())
            .then(|| datetime.to_rfc3339_opts(SecondsFormat::Secs, true));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, format) {
            return plausible(naive.date()).then(|| naive.format("%Y-%m-%dT%H:%M:%S").to_string());
        }
    }
    const DATE_FORMATS: &[&str] = &[
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y.%m.%d",
        "%d %B %Y",
        "%d %b %Y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%B %d %Y",
        "%b. %d, %Y",
        "%A, %B %d, %Y",
        "%A %d %B %Y",
        "%e %B %Y",
    ];
    DATE_FORMATS
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(s, format).ok())
        .filter(|date| plausible(*date))
        .map(|date| date.format("%Y-%m-%d").to_string())
}

fn plausible(date: NaiveDate) -> bool {
    use chrono::Datelike;
    (1800..=2200).contains(&date.year())
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn spellings() {
        let cases = [
            ("2025-03-17", Some("2025-03-17")),
            (
                "2025-06-03T08:30:00+02:00",
                Some("2025-06-03T08:30:00+02:00"),
            ),
            ("2024-11-05T14:00:00.000Z", Some("2024-11-05T14:00:00Z")),
            ("2025-06-03T08:30+02:00", Some("2025-06-03T08:30:00+02:00")),
            (
                "Mon, 17 Mar 2025 07:45:00 +0000",
                Some("2025-03-17T07:45:00Z"),
            ),
            ("2025-03-17 10:00:00", Some("2025-03-17T10:00:00")),
            ("March 17, 2025", Some("2025-03-17")),
            ("17 March 2025", Some("2025-03-17")),
            ("2025/03/17", Some("2025-03-17")),
            ("2025-02-30", None),
            ("0001-01-01", None),
            ("yesterday", None),
            ("", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(normalise(raw).as_deref(), expected, "{raw}");
        }
    }
}
