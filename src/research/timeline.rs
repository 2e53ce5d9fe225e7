//! Attention over time: how many articles match each of several queries in
//! each day, week or month, beside how many articles the filters leave in
//! that interval (the base), so that a query's count can be read as a share
//! of what the archive holds for the time.
//!
//! Every count comes from the `day` fast column: one pass over the base and
//! one over each query's matches, each reading one value a match. No stored
//! document is read, so the cost is bounded by the number of matches (at
//! most the archive, once for the base and once a query), by
//! [`MAX_QUERIES`] and by [`MAX_INTERVALS`].

use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::index::NewsIndex;
use crate::search::facets::{DayCollector, date};
use crate::search::{Check, Error, Filters, Valid, check_query, matching};

/// The most queries one timeline compares: more lines than this make a
/// chart nobody can read, and each costs a pass over its matches.
pub const MAX_QUERIES: usize = 10;
/// The most intervals one timeline holds: thirteen years by day, ninety by
/// week. A finer timeline is more numbers than a chart has pixels, so a
/// longer span is counted by the next longer interval instead (every date
/// an article may have, 1800 to 2200, fits by month).
pub const MAX_INTERVALS: usize = 5_000;

/// How long each interval of a timeline is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Interval {
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    #[default]
    Month,
}

impl Interval {
    pub fn parse(text: &str) -> Result<Interval, Error> {
        match text {
            "day" => Ok(Interval::Day),
            "week" => Ok(Interval::Week),
            "month" => Ok(Interval::Month),
            other => Err(Error::Invalid(format!(
                "interval {other:?} is not known: use day, week or month"
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
        }
    }

    /// The next longer interval, if any.
    fn longer(self) -> Option<Interval> {
        match self {
            Interval::Day => Some(Interval::Week),
            Interval::Week => Some(Interval::Month),
            Interval::Month => None,
        }
    }

    /// The interval a day (days since the epoch) falls in, as a number
    /// that grows by one a day (days), seven a week (the Monday's day) or
    /// one a month (months since year 0).
    fn key(self, day: i64) -> Option<i64> {
        match self {
            Interval::Day => Some(day),
            // The epoch, 1970-01-01, was a Thursday: three days after a
            // Monday.
            Interval::Week => Some(day - (day + 3).rem_euclid(7)),
            Interval::Month => {
                let date = date(day)?;
                Some(i64::from(date.year()) * 12 + i64::from(date.month()) - 1)
            }
        }
    }

    /// How many intervals apart two keys are.
    fn steps(self, first: i64, key: i64) -> i64 {
        match self {
            Interval::Week => (key - first) / 7,
            Interval::Day | Interval::Month => key - first,
        }
    }

    /// The key `steps` intervals after `first`.
    fn after(self, first: i64, steps: i64) -> i64 {
        match self {
            Interval::Week => first + steps * 7,
            Interval::Day | Interval::Month => first + steps,
        }
    }

    /// The first and last day of the interval of `key`.
    fn days(self, key: i64) -> Option<(Date, Date)> {
        match self {
            Interval::Day => date(key).map(|day| (day, day)),
            Interval::Week => Some((date(key)?, date(key + 6)?)),
            Interval::Month => {
                let year = i16::try_from(key.div_euclid(12)).ok()?;
                let month = i8::try_from(key.rem_euclid(12) + 1).ok()?;
                let first = Date::new(year, month, 1).ok()?;
                Some((first, first.last_of_month()))
            }
        }
    }

    /// How an interval starting on `start` is named: `2025-01-14`,
    /// `2025-W03` (its ISO week) or `2025-01`.
    fn label(self, start: Date) -> String {
        match self {
            Interval::Day => start.to_string(),
            Interval::Week => {
                let week = start.iso_week_date();
                format!("{:04}-W{:02}", week.year(), week.week())
            }
            Interval::Month => format!("{:04}-{:02}", start.year(), start.month()),
        }
    }
}

/// Several queries to count over time, under the filters of a search.
#[derive(Debug, Clone)]
pub struct TimelineRequest {
    /// Each a query in the query language; an empty one counts every
    /// article the filters leave.
    pub queries: Vec<String>,
    pub filters: Filters,
    pub interval: Interval,
}

impl Check for TimelineRequest {
    /// The number of queries, each query's size and the filters.
    fn check(&self) -> Result<(), Error> {
        if self.queries.is_empty() {
            return Err(Error::Invalid(
                "give at least one query to count over time".to_string(),
            ));
        }
        if self.queries.len() > MAX_QUERIES {
            return Err(Error::Invalid(format!(
                "{} queries were given; a timeline compares at most {MAX_QUERIES}: \
                 drop some, or join alternatives with OR inside one query",
                self.queries.len()
            )));
        }
        for query in &self.queries {
            check_query(query)?;
        }
        self.filters.check()
    }
}

/// One interval of a timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// Its first day.
    pub start: Date,
    /// Its last day.
    pub end: Date,
    pub label: String,
    /// The articles the filters leave in it: the base of every share.
    pub total: u64,
}

/// One query over time.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub query: String,
    /// Every article the query matches under the filters, undated ones too.
    pub total: u64,
    /// The matches with no publication day, in no interval.
    pub undated: u64,
    /// Matches a interval, in the order of the intervals.
    pub counts: Vec<u64>,
    /// Each count over its interval's total; 0 where the total is 0.
    pub shares: Vec<f64>,
}

#[derive(Debug, Clone)]
pub struct Timeline {
    pub interval: Interval,
    /// Every interval from the first to the last that holds an article the
    /// filters leave, empty ones too, oldest first.
    pub periods: Vec<Period>,
    /// Every article the filters leave, undated ones too.
    pub total: u64,
    /// Of those, the ones with no publication day.
    pub undated: u64,
    /// One a query, in the order asked.
    pub series: Vec<Series>,
    /// What the query parser had to repair or drop, each naming its query.
    pub warnings: Vec<String>,
    pub took: Duration,
}

/// Counts each query of `request` by interval against the last commit of
/// `index`.
///
/// The cost is one pass over the articles the filters leave and one over
/// each query's matches, reading the `day` fast column once a match, plus
/// the intervals (at most [`MAX_INTERVALS`]) a series.
pub fn timeline(index: &NewsIndex, request: &Valid<TimelineRequest>) -> Result<Timeline, Error> {
    let started = Instant::now();
    let snapshot = index.snapshot()?;
    let (searcher, people) = (&snapshot.searcher, &snapshot.people);

    let base = matching(index, people.clone(), "", &request.filters);
    let base = searcher.search(&*base.query, &DayCollector)?;
    let (axis, coarsened) = Axis::fitting(request.interval, &base.sorted_days())?;

    let mut warnings: Vec<String> = coarsened.into_iter().collect();
    let mut series = Vec::with_capacity(request.queries.len());
    for text in &request.queries {
        let matched = matching(index, people.clone(), text, &request.filters);
        warnings.extend(
            matched
                .warnings
                .into_iter()
                .map(|warning| format!("in {text:?}: {warning}")),
        );
        let counted = searcher.search(&*matched.query, &DayCollector)?;
        series.push(axis.series(text, &counted.sorted_days(), counted.undated));
    }
    Ok(Timeline {
        interval: axis.interval,
        total: base.undated + axis.periods.iter().map(|p| p.total).sum::<u64>(),
        undated: base.undated,
        periods: axis.periods,
        series,
        warnings,
        took: started.elapsed(),
    })
}

/// The intervals of a timeline, from the first that holds an article of
/// the base to the last, with the base's count in each.
#[derive(Debug)]
struct Axis {
    interval: Interval,
    /// The key of the first interval.
    first: i64,
    periods: Vec<Period>,
}

impl Axis {
    /// The axis over `days` by `interval`, or by the first longer interval
    /// that fits in [`MAX_INTERVALS`], with a warning that says so.
    fn fitting(interval: Interval, days: &[(i64, u64)]) -> Result<(Axis, Option<String>), Error> {
        let mut tried = interval;
        loop {
            match (Axis::of(tried, days), tried.longer()) {
                (Ok(axis), _) if tried == interval => return Ok((axis, None)),
                (Ok(axis), _) => {
                    let warning = format!(
                        "the articles span more than {MAX_INTERVALS} intervals of a {}, more \
                         than a timeline holds: counted by {} instead; narrow the dates with \
                         from and to to count by {0}",
                        interval.as_str(),
                        tried.as_str(),
                    );
                    return Ok((axis, Some(warning)));
                }
                (Err(_), Some(longer)) => tried = longer,
                (Err(err), None) => return Err(err),
            }
        }
    }

    /// The axis over `days` ((days since the epoch, articles), oldest
    /// first) of the base; an error past [`MAX_INTERVALS`].
    fn of(interval: Interval, days: &[(i64, u64)]) -> Result<Axis, Error> {
        let keys = (
            days.first().and_then(|&(day, _)| interval.key(day)),
            days.last().and_then(|&(day, _)| interval.key(day)),
        );
        let (Some(first), Some(last)) = keys else {
            return Ok(Axis {
                interval,
                first: 0,
                periods: Vec::new(),
            });
        };
        let len = usize::try_from(interval.steps(first, last) + 1).unwrap_or(usize::MAX);
        if len > MAX_INTERVALS {
            return Err(Error::Invalid(format!(
                "the articles span {len} intervals of a {}; a timeline holds at most \
                 {MAX_INTERVALS}: use a longer interval (week or month), or narrow the dates \
                 with from and to",
                interval.as_str()
            )));
        }
        let periods = (0..len as i64)
            .map(|steps| {
                let (start, end) = interval.days(interval.after(first, steps))?;
                Some(Period {
                    start,
                    end,
                    label: interval.label(start),
                    total: 0,
                })
            })
            .collect::<Option<Vec<Period>>>()
            .ok_or_else(|| {
                Error::Invalid(
                    "the articles' days lie outside the calendar a timeline can count: narrow \
                     the dates with from and to"
                        .to_string(),
                )
            })?;
        let mut axis = Axis {
            interval,
            first,
            periods,
        };
        let totals = axis.counts(days);
        for (period, total) in axis.periods.iter_mut().zip(totals) {
            period.total = total;
        }
        Ok(axis)
    }

    /// Counts by interval of `days` ((days since the epoch, articles)),
    /// which lie within the axis.
    fn counts(&self, days: &[(i64, u64)]) -> Vec<u64> {
        let mut counts = vec![0; self.periods.len()];
        for &(day, count) in days {
            let slot = self
                .interval
                .key(day)
                .and_then(|key| usize::try_from(self.interval.steps(self.first, key)).ok())
                .and_then(|position| counts.get_mut(position));
            if let Some(slot) = slot {
                *slot += count;
            }
        }
        counts
    }

    /// The series of a query whose matches fall on `days` and of which
    /// `undated` have no day.
    fn series(&self, query: &str, days: &[(i64, u64)], undated: u64) -> Series {
        let counts = self.counts(days);
        let shares = counts
            .iter()
            .zip(&self.periods)
            .map(|(&count, period)| share(count, period.total))
            .collect();
        Series {
            query: query.to_string(),
            total: undated + counts.iter().sum::<u64>(),
            undated,
            counts,
            shares,
        }
    }
}

/// `count` over `total`, or 0 when there is nothing to share.
fn share(count: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        count as f64 / total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{Article, ArticleId, PublicationDate};

    /// Days since the epoch of `YYYY-MM-DD`.
    fn day(text: &str) -> i64 {
        let date: Date = text.parse().unwrap();
        i64::from(date.since(Date::constant(1970, 1, 1)).unwrap().get_days())
    }

    fn labels(axis: &Axis) -> Vec<&str> {
        axis.periods.iter().map(|p| p.label.as_str()).collect()
    }

    #[test]
    fn iso_weeks_start_on_monday_and_cross_the_year_boundary() {
        let week = Interval::Week;
        // 2024-12-30 is a Monday, in ISO week 1 of 2025.
        let monday = week.key(day("2024-12-30")).unwrap();
        assert_eq!(monday, day("2024-12-30"));
        assert_eq!(
            week.key(day("2025-01-05")),
            Some(monday),
            "the Sunday after"
        );
        assert_eq!(
            week.key(day("2024-12-29")),
            Some(monday - 7),
            "the Sunday before"
        );
        let (start, end) = week.days(monday).unwrap();
        assert_eq!(
            (start.to_string(), end.to_string()),
            ("2024-12-30".into(), "2025-01-05".into())
        );
        assert_eq!(week.label(start), "2025-W01");
        // 2021-01-03, a Sunday, still belongs to 2020's week 53.
        let key = week.key(day("2021-01-03")).unwrap();
        let (start, _) = week.days(key).unwrap();
        assert_eq!(start.to_string(), "2020-12-28");
        assert_eq!(week.label(start), "2020-W53");
        // Before the epoch too.
        let (start, _) = week.days(week.key(day("1969-12-31")).unwrap()).unwrap();
        assert_eq!(start.to_string(), "1969-12-29");
    }

    #[test]
    fn months_run_from_their_first_to_their_last_day() {
        let month = Interval::Month;
        let key = month.key(day("2024-02-17")).unwrap();
        assert_eq!(month.key(day("2024-02-01")), Some(key));
        assert_eq!(month.key(day("2024-03-01")), Some(key + 1));
        assert_eq!(month.key(day("2023-12-31")), Some(key - 2));
        let (start, end) = month.days(key).unwrap();
        assert_eq!(
            (start.to_string(), end.to_string()),
            ("2024-02-01".into(), "2024-02-29".into())
        );
        assert_eq!(month.label(start), "2024-02");
        assert_eq!(Interval::Day.label(start), "2024-02-01");
    }

    #[test]
    fn the_axis_is_contiguous_and_zero_filled_with_shares_of_its_totals() {
        let base = [
            (day("2024-11-20"), 2),
            (day("2025-01-14"), 4),
            (day("2025-01-30"), 1),
        ];
        let axis = Axis::of(Interval::Month, &base).unwrap();
        assert_eq!(labels(&axis), ["2024-11", "2024-12", "2025-01"]);
        let totals: Vec<u64> = axis.periods.iter().map(|p| p.total).collect();
        assert_eq!(totals, [2, 0, 5]);

        let series = axis.series("wind", &[(day("2025-01-14"), 2), (day("2025-01-30"), 1)], 3);
        assert_eq!(series.counts, [0, 0, 3]);
        assert_eq!(series.shares, [0.0, 0.0, 0.6]);
        assert_eq!((series.total, series.undated), (6, 3));

        let weeks = Axis::of(Interval::Week, &base).unwrap();
        assert_eq!(weeks.periods.len(), 11);
        assert_eq!(weeks.periods.first().unwrap().label, "2024-W47");
        assert_eq!(weeks.periods.last().unwrap().label, "2025-W05");
        let days = Axis::of(Interval::Day, &base).unwrap();
        assert_eq!(days.periods.len(), 72);
        assert_eq!(days.periods[71].total, 1);
    }

    #[test]
    fn an_axis_with_no_dated_article_is_empty_and_a_too_long_one_is_refused() {
        let empty = Axis::of(Interval::Day, &[]).unwrap();
        assert!(empty.periods.is_empty());
        let series = empty.series("", &[], 4);
        assert!(series.counts.is_empty() && series.shares.is_empty());
        assert_eq!((series.total, series.undated), (4, 4));

        let span = [(day("1990-01-01"), 1), (day("2025-01-01"), 1)];
        let Err(Error::Invalid(message)) = Axis::of(Interval::Day, &span) else {
            panic!("35 years by day is too many intervals");
        };
        assert!(message.contains("week or month"), "{message}");
        assert_eq!(Axis::of(Interval::Month, &span).unwrap().periods.len(), 421);

        // Asked by day, counted by week, and told so.
        let (axis, warning) = Axis::fitting(Interval::Day, &span).unwrap();
        assert_eq!(axis.interval, Interval::Week);
        assert_eq!(axis.periods.len(), 1827);
        let warning = warning.expect("a warning");
        assert!(warning.contains("counted by week instead"), "{warning}");
        let (axis, warning) = Axis::fitting(Interval::Month, &span).unwrap();
        assert_eq!((axis.interval, warning), (Interval::Month, None));
        let ages = [(day("1800-01-01"), 1), (day("2200-12-31"), 1)];
        let (axis, _) = Axis::fitting(Interval::Day, &ages).unwrap();
        assert_eq!((axis.interval, axis.periods.len()), (Interval::Month, 4812));
    }

    fn article(id: &str, date: Option<&str>, outlet: &str, body: &str) -> Article {
        Article {
            id: ArticleId::parse(id).unwrap(),
            title: None,
            outlet: Some(outlet.to_string()),
            date: date.map(|d| PublicationDate::parse(d).unwrap()),
            url: None,
            people: Vec::new(),
            unconfirmed_people: Vec::new(),
            body: body.to_string(),
            parent: None,
            sources: Default::default(),
        }
    }

    fn archive() -> NewsIndex {
        let index = NewsIndex::in_memory().unwrap();
        let mut writer = index.test_writer();
        for article in [
            article(
                "a",
                Some("2025-01-02"),
                "Gazette",
                "The ceasefire held overnight.",
            ),
            article(
                "b",
                Some("2025-01-20"),
                "Times",
                "Talks on a truce resumed.",
            ),
            article(
                "c",
                Some("2025-01-21"),
                "Gazette",
                "The ceasefire talks stalled.",
            ),
            article("d", Some("2025-03-05"), "Times", "Ferry fares rise again."),
            article("e", None, "Gazette", "Letters on the ceasefire."),
        ] {
            writer.add(&article).unwrap();
        }
        writer.commit().unwrap();
        index
    }

    fn request(queries: &[&str]) -> TimelineRequest {
        TimelineRequest {
            queries: queries.iter().map(|q| q.to_string()).collect(),
            filters: Filters::default(),
            interval: Interval::Month,
        }
    }

    fn timeline(index: &NewsIndex, request: &TimelineRequest) -> Result<Timeline, Error> {
        super::timeline(index, &request.clone().validate()?)
    }

    #[test]
    fn each_query_is_counted_by_month_against_the_whole_archive() {
        let index = archive();
        let found = timeline(&index, &request(&["ceasefire", "truce OR fares", ""])).unwrap();
        let labels: Vec<&str> = found.periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2025-01", "2025-02", "2025-03"]);
        let totals: Vec<u64> = found.periods.iter().map(|p| p.total).collect();
        assert_eq!(totals, [3, 0, 1]);
        assert_eq!((found.total, found.undated), (5, 1));

        let [ceasefire, either, all] = &found.series[..] else {
            panic!("three series: {:?}", found.series);
        };
        assert_eq!(ceasefire.counts, [2, 0, 0]);
        assert_eq!((ceasefire.total, ceasefire.undated), (3, 1));
        assert!((ceasefire.shares[0] - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(either.counts, [1, 0, 1]);
        assert_eq!(either.shares[1..], [0.0, 1.0]);
        assert_eq!(all.counts, totals, "an empty query counts the base");
        assert!(found.warnings.is_empty(), "{:?}", found.warnings);
    }

    #[test]
    fn filters_narrow_the_base_and_the_axis_and_warnings_name_their_query() {
        let index = archive();
        let mut narrowed = request(&["ceasefire", "talks AND ("]);
        narrowed.filters.outlets = vec!["gazette".to_string()];
        narrowed.interval = Interval::Week;
        let found = timeline(&index, &narrowed).unwrap();
        let labels: Vec<&str> = found.periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2025-W01", "2025-W02", "2025-W03", "2025-W04"]);
        assert_eq!(found.periods[0].start.to_string(), "2024-12-30");
        assert_eq!((found.total, found.undated), (3, 1));
        assert_eq!(found.series[0].counts, [1, 0, 0, 1]);
        assert_eq!(found.series[1].counts, [0, 0, 0, 1]);
        assert!(
            found
                .warnings
                .iter()
                .all(|w| w.starts_with("in \"talks AND (\": "))
                && !found.warnings.is_empty(),
            "{:?}",
            found.warnings
        );

        let mut dated = request(&["ceasefire"]);
        dated.filters.from = Some(Date::constant(2025, 1, 10));
        dated.interval = Interval::Day;
        let found = timeline(&index, &dated).unwrap();
        assert_eq!(found.periods.first().unwrap().label, "2025-01-20");
        assert_eq!(found.periods.last().unwrap().label, "2025-03-05");
        assert_eq!((found.undated, found.series[0].total), (0, 1));
    }

    #[test]
    fn too_many_or_no_queries_are_refused_with_what_to_do() {
        let index = archive();
        let eleven = vec!["ferry"; MAX_QUERIES + 1];
        let Err(Error::Invalid(message)) = timeline(&index, &request(&eleven)) else {
            panic!("eleven queries");
        };
        assert!(message.contains("at most 10"), "{message}");
        assert!(matches!(
            timeline(&index, &request(&[])),
            Err(Error::Invalid(_))
        ));
        let mut backwards = request(&["ferry"]);
        backwards.filters.from = Some(Date::constant(2025, 2, 1));
        backwards.filters.to = Some(Date::constant(2025, 1, 1));
        assert!(matches!(
            timeline(&index, &backwards),
            Err(Error::Invalid(_))
        ));
        assert!(matches!(Interval::parse("year"), Err(Error::Invalid(_))));
        assert_eq!(Interval::parse("week").unwrap(), Interval::Week);
    }
}
