use proptest::prelude::*;

use super::*;

fn ts(year: i64, month: u32, day: u32, seconds: i64) -> Timestamp {
    days_from_civil(year, month, day) * DAY + seconds
}

fn date(t: Timestamp) -> (i64, u32, u32) {
    civil_from_days(t.div_euclid(DAY))
}

#[test]
fn month_end_anchors_clamp_then_spring_back() {
    let monthly = Cadence::new(Interval::Month, 1);
    let anchor = ts(2027, 1, 31, 3600);
    let dates: Vec<_> = (0..4).map(|k| date(monthly.boundary(anchor, k))).collect();
    assert_eq!(dates, [(2027, 1, 31), (2027, 2, 28), (2027, 3, 31), (2027, 4, 30)]);
    let leap = ts(2028, 1, 31, 0);
    assert_eq!(date(monthly.boundary(leap, 1)), (2028, 2, 29));
    assert_eq!(monthly.boundary(anchor, 1).rem_euclid(DAY), 3600, "time of day kept");
}

#[test]
fn a_leap_day_yearly_anchor_lands_on_feb_28_then_back_on_the_29th() {
    let yearly = Cadence::new(Interval::Year, 1);
    let anchor = ts(2028, 2, 29, 0);
    assert_eq!(date(yearly.boundary(anchor, 1)), (2029, 2, 28));
    assert_eq!(date(yearly.boundary(anchor, 4)), (2032, 2, 29));
}

#[test]
fn interval_count_multiplies_the_step() {
    let quarterly = Cadence::new(Interval::Month, 3);
    let anchor = ts(2026, 11, 30, 0);
    assert_eq!(date(quarterly.boundary(anchor, 1)), (2027, 2, 28));
    assert_eq!(date(quarterly.boundary(anchor, 2)), (2027, 5, 30));
    let fortnightly = Cadence::new(Interval::Week, 2);
    assert_eq!(fortnightly.boundary(anchor, 1) - anchor, 14 * DAY);
}

#[test]
fn periods_before_the_anchor_exist_for_stub_periods() {
    let monthly = Cadence::new(Interval::Month, 1);
    let anchor = ts(2027, 3, 15, 0);
    let (start, end) = monthly.period_containing(anchor, ts(2027, 3, 1, 0));
    assert_eq!((date(start), date(end)), ((2027, 2, 15), (2027, 3, 15)));
}

#[test]
fn known_dates_round_trip() {
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    assert_eq!(civil_from_days(0), (1970, 1, 1));
    assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    assert_eq!(civil_from_days(-1), (1969, 12, 31));
}

fn cadence() -> impl Strategy<Value = Cadence> {
    (0..4usize, 1..=12i64).prop_map(|(i, count)| {
        let interval = [Interval::Day, Interval::Week, Interval::Month, Interval::Year][i];
        Cadence::new(interval, count)
    })
}

proptest! {
    #[test]
    fn civil_dates_round_trip(days in -1_000_000i64..1_000_000) {
        let (y, m, d) = civil_from_days(days);
        prop_assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
        prop_assert_eq!(days_from_civil(y, m, d), days);
    }

    #[test]
    fn boundaries_increase_and_keep_the_time_of_day(
        cadence in cadence(), anchor in 0i64..4_000_000_000, k in -40i64..40,
    ) {
        let a = cadence.boundary(anchor, k);
        let b = cadence.boundary(anchor, k + 1);
        prop_assert!(b > a);
        prop_assert_eq!(a.rem_euclid(DAY), anchor.rem_euclid(DAY));
    }

    #[test]
    fn monthly_boundaries_keep_the_anchor_day_or_the_months_last_day(
        anchor in 0i64..4_000_000_000, count in 1i64..=12, k in 0i64..100,
    ) {
        let cadence = Cadence::new(Interval::Month, count);
        let (_, _, anchor_day) = date(anchor);
        let (y, m, d) = date(cadence.boundary(anchor, k));
        prop_assert_eq!(d, anchor_day.min(days_in_month(y, m)));
        let (ay, am, _) = date(anchor);
        prop_assert_eq!((y * 12 + m as i64) - (ay * 12 + am as i64), k * count);
    }

    #[test]
    fn the_period_containing_t_contains_it(
        cadence in cadence(), anchor in 0i64..4_000_000_000, offset in -400_000_000i64..400_000_000,
    ) {
        let t = anchor + offset;
        let (start, end) = cadence.period_containing(anchor, t);
        prop_assert!(start <= t && t < end);
        prop_assert_eq!(cadence.next_after(anchor, t), end);
        prop_assert_eq!(cadence.end_after_periods(anchor, t, 1), end);
    }
}
