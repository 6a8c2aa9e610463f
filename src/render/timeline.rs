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

/// `v` with one decimal, without a trailing `.0` (`12.5`, `3`): what `{v:.1}` prints, the
/// `.0` cut. Numbers of the chart (non-negative, below a million) not within a hair of a
/// rounding tie are written from `v × 10` rounded; others go through `format!`
/// ([`n_reference`]), which rounds the exact binary value.
fn n(v: f64) -> String {
    let t = v * 10.0;
    let r = t.round();
    // `t` carries the rounding error of one multiplication: near a tie (x.x5) the rounded
    // product may differ from the exact value's rounding, so those take the slow path.
    if !(0.0..1e7).contains(&t) || t.is_sign_negative() || ((t - r).abs() - 0.5).abs() < 1e-6 {
        return n_reference(v);
    }
    // 0 ≤ r < 10⁷, a whole number.
    let tenths = r as u64;
    let mut s = (tenths / 10).to_string();
    if !tenths.is_multiple_of(10) {
        s.push('.');
        s.push(char::from(b'0' + (tenths % 10) as u8));
    }
    s
}

/// [`n`] the plain way.
fn n_reference(v: f64) -> String {
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

    /// The fast path of [`n`] against `format!`, on the chart's own numbers (every width
    /// from 12 to 600 months) and on random ones, ties and near-ties included.
    #[test]
    fn numbers_print_as_format_does() {
        let mut checked = 0;
        let mut check = |v: f64| {
            assert_eq!(n(v), n_reference(v), "{v:?}");
            checked += 1;
        };
        for slots in 12..=600u32 {
            let slot = WIDTH / f64::from(slots);
            let gap = if slot > 4.0 { slot * 0.2 } else { 0.0 };
            for i in 0..slots {
                check(f64::from(i) * slot + gap / 2.0);
                check(f64::from(i) * slot);
            }
            check((slot - gap).max(1.0));
            for max in 1..=40u32 {
                for c in 1..=max {
                    let h = (f64::from(c) / f64::from(max) * BARS).max(2.0);
                    check(h);
                    check(BARS - h);
                }
            }
        }
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            x = crate::testrand::xorshift(x);
            let whole = (x >> 40) % 100_000;
            let frac = (x & 0xFFFF) as f64 / 65536.0;
            check(whole as f64 + frac);
            // Ties and near-ties: k/20 and its neighbours.
            let k = (x >> 20) % 20_000;
            let tie = k as f64 / 20.0 + 0.05;
            check(tie);
            check(f64::from_bits(tie.to_bits() + 1));
            check(f64::from_bits(tie.to_bits() - 1));
        }
        for v in [
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.95,
            1e7,
            1e12,
            -3.25,
            f64::NAN,
            f64::INFINITY,
        ] {
            check(v);
        }
        assert!(checked > 1_000_000);
    }
}
