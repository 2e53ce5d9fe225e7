//! Publication dates written in an article's own text: a date stamp line
//! ("Published: 14 August 2025") or a dateline with a year ("LONDON, Aug 14,
//! 2025 (Reuters) -").
//!
//! Only whole dates count: day, month and year. "Aug. 15 (UPI)" has no year
//! and "since 1967" no day, so neither gives a date; a missing date is
//! better than a wrong one.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;

const MONTH: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)? {MONTH},? (\d{{4}})\b"
    ))
    .expect("valid regex")
});
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{MONTH} (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b"
    ))
    .expect("valid regex")
});
static ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})(?:[^\d]|$)").expect("valid regex"));

/// A dateline opening a wire story: a place in capitals, a comma, a date.
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Z][A-Z .'’-]{1,40}(?:, [A-Z][A-Za-z .'-]{1,30})?, (.{6,30}?)(?: \([A-Za-z. ]{1,30}\))? ?(?:-|--|–|—) ").expect("valid regex")
});

fn month_number(name: &str) -> Option<i8> {
    let name = name.to_ascii_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months
        .iter()
        .position(|m| name.starts_with(m))
        .map(|i| i as i8 + 1)
}

/// The first whole date in `text`.
pub fn find(text: &str) -> Option<Date> {
    let build = |year: &str, month: i8, day: &str| -> Option<Date> {
        Date::new(year.parse().ok()?, month, day.parse().ok()?).ok()
    };
    let candidates = [
        DAY_MONTH_YEAR.captures(text).and_then(|c| {
            let at = c.get(0)?.start();
            Some((at, build(&c[3], month_number(&c[2])?, &c[1])?))
        }),
        MONTH_DAY_YEAR.captures(text).and_then(|c| {
            let at = c.get(0)?.start();
            Some((at, build(&c[3], month_number(&c[1])?, &c[2])?))
        }),
        ISO.captures(text).and_then(|c| {
            let at = c.get(0)?.start();
            Some((at, build(&c[1], c[2].parse().ok()?, &c[3])?))
        }),
    ];
    candidates
        .into_iter()
        .flatten()
        .min_by_key(|(at, _)| *at)
        .map(|(_, date)| date)
}

/// The date of a dateline that opens `paragraph`, when it has a year.
pub fn from_dateline(paragraph: &str) -> Option<Date> {
    let captures = DATELINE.captures(paragraph)?;
    find(captures.get(1)?.as_str())
}

/// Whether a date stamp line says when the article was changed rather than
/// first published.
pub fn is_update(line: &str) -> bool {
    let line = line.trim_start().to_ascii_lowercase();
    ["updated", "last updated", "last modified", "modified"]
        .iter()
        .any(|word| line.starts_with(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i16, m: i8, d: i8) -> Option<Date> {
        Some(Date::new(y, m, d).unwrap())
    }

    #[test]
    fn whole_dates_in_the_usual_forms() {
        assert_eq!(find("Published: 14 August 2025"), day(2025, 8, 14));
        assert_eq!(find("Thursday 14th Aug 2025, 10:32"), day(2025, 8, 14));
        assert_eq!(find("August 14, 2025"), day(2025, 8, 14));
        assert_eq!(find("Updated Sept. 3 2024 at 5pm"), day(2024, 9, 3));
        assert_eq!(find("2025-08-14T10:00"), day(2025, 8, 14));
    }

    #[test]
    fn partial_or_impossible_dates_are_not_dates() {
        assert_eq!(find("occupied by Israel since 1967"), None);
        assert_eq!(find("Aug. 15 (UPI) --"), None);
        assert_eq!(find("on 31 February 2025"), None);
        assert_eq!(find("14/08/2025"), None);
        assert_eq!(find("May 2025"), None);
    }

    #[test]
    fn datelines_with_a_year_give_a_date() {
        assert_eq!(
            from_dateline("LONDON, Aug 14, 2025 (Reuters) - Britain said on Thursday"),
            day(2025, 8, 14)
        );
        assert_eq!(
            from_dateline("WASHINGTON, 3 March 2024 - The senate"),
            day(2024, 3, 3)
        );
        assert_eq!(
            from_dateline("Aug. 15 (UPI) -- U.S. President Donald Trump"),
            None
        );
        assert_eq!(
            from_dateline("WASHINGTON -- The much-anticipated summit"),
            None
        );
        assert_eq!(
            from_dateline("Talks resumed on 14 August 2025 - officials said"),
            None
        );
    }
}
