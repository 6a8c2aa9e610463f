//! Calendar dates (proleptic Gregorian, no time zone): parsing, ISO and Ukrainian formatting,
//! and conversion from file modification times. Small on purpose: the site only needs days.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::time::SystemTime;

/// Ukrainian month names in the genitive, as in «7 січня».
pub const MONTHS_GENITIVE: [&str; 12] = [
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
];

/// Ukrainian month names in the nominative, as in a month page title «Січень 2026».
pub const MONTHS_NOMINATIVE: [&str; 12] = [
    "січень",
    "лютий",
    "березень",
    "квітень",
    "травень",
    "червень",
    "липень",
    "серпень",
    "вересень",
    "жовтень",
    "листопад",
    "грудень",
];

/// English month names.
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in `month` of `year`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A valid date, or `None` (e.g. 31 February).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let y = s[0..4].parse().ok()?;
        let m = s[5..7].parse().ok()?;
        let d = s[8..10].parse().ok()?;
        Date::new(y, m, d)
    }

    /// The UTC day of a Unix timestamp (seconds).
    pub fn from_unix(secs: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Date {
            year: (if m <= 2 { y + 1 } else { y }) as i32,
            month: m,
            day: d,
        }
    }

    /// The UTC day of a file time.
    pub fn from_system_time(t: SystemTime) -> Date {
        let secs = match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => d.as_secs() as i64,
            Err(e) => -(e.duration().as_secs() as i64),
        };
        Date::from_unix(secs)
    }

    /// «7 січня 2026».
    pub fn format_uk(&self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTHS_GENITIVE[(self.month - 1) as usize],
            self.year
        )
    }

    /// «January 7, 2026».
    pub fn format_en(&self) -> String {
        format!(
            "{} {}, {}",
            MONTHS_EN[(self.month - 1) as usize],
            self.day,
            self.year
        )
    }

    /// `2026-01-07`.
    pub fn iso(&self) -> String {
        let mut s = String::with_capacity(10);
        self.push_ymd(&mut s, '-');
        s
    }

    /// Appends the year, month and day as `{:04}{sep}{:02}{sep}{:02}` would (`2026-01-07`
    /// with `-`, the folder `2026/01/07` with `/`), without the formatting machinery: pages
    /// write dates tens of thousands of times per build.
    pub fn push_ymd(&self, out: &mut String, sep: char) {
        if self.year < 0 {
            // `{:04}` writes the sign inside the padding; never a real article's date.
            out.push_str(&format!(
                "{:04}{sep}{:02}{sep}{:02}",
                self.year, self.month, self.day
            ));
            return;
        }
        push_padded(out, self.year as u32, 4);
        out.push(sep);
        push_padded(out, self.month, 2);
        out.push(sep);
        push_padded(out, self.day, 2);
    }

    /// Days since 1970-01-01 (for ordering and distances).
    pub fn days_since_epoch(&self) -> i64 {
        let y = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        } as i64;
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

/// Appends `n` in decimal, zero-padded to at least `width` digits, as `{:0width$}` writes it.
pub fn push_padded(out: &mut String, n: u32, width: usize) {
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(n);
    out.extend(std::iter::repeat_n('0', width.saturating_sub(digits.len())));
    out.push_str(digits);
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse_iso(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid date `{s}`: write it as YYYY-MM-DD, e.g. 2026-01-07"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_written_as_the_formatting_machinery_writes_them() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut dates: Vec<Date> = (0..20_000)
            .map(|_| Date::from_unix((next() % 800_000_000_000) as i64 - 400_000_000_000))
            .collect();
        // Field values no constructor makes (the fields are public).
        for (year, month, day) in [
            (0, 0, 0),
            (-1, 13, 99),
            (99_999, 123, 4_000_000_000),
            (7, 1, 2),
        ] {
            dates.push(Date { year, month, day });
        }
        assert!(dates.iter().any(|d| d.year < 0) && dates.iter().any(|d| d.year > 9999));
        for d in &dates {
            let want = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
            assert_eq!(d.iso(), want);
            assert_eq!(d.to_string(), want);
            let mut path = String::from("x/");
            d.push_ymd(&mut path, '/');
            assert_eq!(path, format!("x/{:04}/{:02}/{:02}", d.year, d.month, d.day));
        }
        for (n, w) in [
            (0, 0),
            (0, 2),
            (5, 4),
            (12345, 2),
            (u32::MAX, 4),
            (u32::MAX, 12),
            (7, 10),
        ] {
            let mut s = String::new();
            push_padded(&mut s, n, w);
            assert_eq!(s, format!("{n:0w$}"), "{n} {w}");
        }
    }

    use super::*;

    #[test]
    fn iso_round_trip_and_validation() {
        let d = Date::parse_iso("2026-01-07").unwrap();
        assert_eq!(d.iso(), "2026-01-07");
        assert!(Date::parse_iso("2026-02-29").is_none());
        assert!(Date::parse_iso("2024-02-29").is_some());
        assert!(Date::parse_iso("2026-13-01").is_none());
        assert!(Date::parse_iso("26-01-07").is_none());
    }

    #[test]
    fn unix_days_agree_both_ways() {
        assert_eq!(Date::from_unix(0), Date::new(1970, 1, 1).unwrap());
        // 2026-01-07T12:00:00Z
        assert_eq!(
            Date::from_unix(1_767_787_200),
            Date::new(2026, 1, 7).unwrap()
        );
        for days in [-1000i64, 0, 59, 60, 10_000, 20_454, 30_000] {
            let d = Date::from_unix(days * 86_400);
            assert_eq!(d.days_since_epoch(), days);
        }
    }

    #[test]
    fn ukrainian_format() {
        assert_eq!(Date::new(2026, 1, 7).unwrap().format_uk(), "7 січня 2026");
        assert_eq!(
            Date::new(2025, 11, 30).unwrap().format_uk(),
            "30 листопада 2025"
        );
    }
}
