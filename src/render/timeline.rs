//! A person's mentions per month as an inline SVG bar chart, laid out at build time (no
//! script): one slot per calendar month from the first month with mentions to the last (at
//! least [`MIN_SLOTS`], ending at the last), a bar per month with mentions linked to the month's
//! page, and year ticks. `person.html` draws it from the numbers here.

use super::context::{month_dir, month_title};
use super::links::index_of;
use crate::site::MonthCount;
use serde::Serialize;

/// Fewest months a timeline shows.
pub const MIN_SLOTS: usize = 12;
/// Width of the drawing in user units.
pub const WIDTH: f64 = 480.0;
/// Height of the bar area in user units.
pub const BARS: f64 = 64.0;

/// One bar.
#[derive(Debug, Serialize)]
pub struct TimeBar {
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    pub count: usize,
    /// «Січень 2026: 3».
    pub title: String,
    /// The month's page.
    pub url: String,
}

/// A year mark under the bars.
#[derive(Debug, Serialize)]
pub struct Tick {
    pub x: String,
    pub label: String,
}

/// The chart: `width` × `height` user units, bars above `base`.
#[derive(Debug, Serialize)]
pub struct Timeline {
    pub width: u32,
    pub height: u32,
    pub base: u32,
    pub max: usize,
    pub bars: Vec<TimeBar>,
    pub ticks: Vec<Tick>,
    /// «Січень 2016 – Листопад 2026».
    pub range: String,
}

fn n(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// The timeline of `months` (oldest first), or none without mentions.
pub fn build(months: &[MonthCount], lang: &str) -> Option<Timeline> {
    let first = months.first()?;
    let last = months.last()?;
    let index = |y: i32, m: u32| y as i64 * 12 + m as i64 - 1;
    let end = index(last.year, last.month);
    let start = index(first.year, first.month).min(end - (MIN_SLOTS as i64 - 1));
    let slots = (end - start + 1).max(1) as f64;
    let slot = WIDTH / slots;
    let gap = if slot > 4.0 { slot * 0.2 } else { 0.0 };
    let max = months.iter().map(|m| m.count).max().unwrap_or(1).max(1);
    let bars = months
        .iter()
        .filter(|m| m.count > 0)
        .map(|m| {
            let i = (index(m.year, m.month) - start) as f64;
            let h = (m.count as f64 / max as f64 * BARS).max(2.0);
            TimeBar {
                x: n(i * slot + gap / 2.0),
                y: n(BARS - h),
                w: n((slot - gap).max(1.0)),
                h: n(h),
                count: m.count,
                title: format!("{}: {}", month_title(m.year, m.month, lang), m.count),
                url: index_of(&month_dir(m.year, m.month)),
            }
        })
        .collect();
    // Year ticks: every January in range (thinned to at most 8), else the first slot.
    let first_year = (start.div_euclid(12)) as i32;
    let last_year = (end.div_euclid(12)) as i32;
    // The first year is labelled only with room before the next January.
    let years: Vec<i32> = (first_year..=last_year)
        .filter(|&y| y > first_year || y == last_year || index(y + 1, 1) - start >= 4)
        .collect();
    let step = years.len().div_ceil(8).max(1);
    let ticks = years
        .iter()
        .enumerate()
        .filter(|(k, _)| k % step == 0)
        .map(|(_, &y)| {
            let i = (index(y, 1) - start).max(0) as f64;
            Tick {
                x: n(i * slot),
                label: y.to_string(),
            }
        })
        .collect();
    let sy = start.div_euclid(12) as i32;
    let sm = start.rem_euclid(12) as u32 + 1;
    Some(Timeline {
        width: WIDTH as u32,
        height: BARS as u32 + 20,
        base: BARS as u32,
        max,
        bars,
        ticks,
        range: format!(
            "{} – {}",
            month_title(sy, sm, lang),
            month_title(last.year, last.month, lang)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_at_least_ending_at_the_last_month() {
        let m = |year, month, count| MonthCount { year, month, count };
        let t = build(&[m(2026, 1, 1), m(2026, 3, 4)], "uk").unwrap();
        assert_eq!(t.bars.len(), 2);
        assert_eq!(t.range, "Квітень 2025 – Березень 2026");
        assert_eq!(t.bars[1].h, "64");
        assert_eq!(t.bars[1].url, "2026/03/index.html");
        assert_eq!(t.ticks.len(), 2);
        assert!(build(&[], "uk").is_none());
    }
}
