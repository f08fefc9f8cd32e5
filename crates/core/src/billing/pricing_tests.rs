use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::objects::price::PriceCreate;

fn price(fields: Value) -> Price {
    let mut params = json!({ "currency": "usd", "recurring": { "interval": "month" } });
    params.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
    let params: PriceCreate = serde_json::from_value(params).unwrap();
    Price::create(params, "prod_A".into(), "", false, 1_793_491_200).unwrap()
}

/// Stripe's example tiers: 1–5 at $7, 6–10 at $6.50, 11+ at $6.
fn fonts(mode: &str) -> Price {
    price(json!({
        "billing_scheme": "tiered", "tiers_mode": mode,
        "tiers": [
            { "up_to": 5, "unit_amount": 700 },
            { "up_to": 10, "unit_amount": 650 },
            { "up_to": "inf", "unit_amount": 600 },
        ],
    }))
}

#[test]
fn volume_bills_every_unit_at_the_tier_the_quantity_falls_in() {
    // Stripe's table for volume-based pricing.
    for (quantity, total) in [(1, 700), (5, 3500), (6, 3900), (20, 12000), (25, 15000)] {
        assert_eq!(amount(&fonts("volume"), quantity), total, "{quantity} fonts");
    }
    let [charge] = &charges(&fonts("volume"), 6)[..] else { panic!("one line") };
    assert_eq!((charge.tier, charge.quantity, charge.rate), (Some(2), 6, Rate::whole(650)));
}

#[test]
fn graduated_bills_each_tiers_units_at_its_own_rate() {
    // 5 × $7 + 5 × $6.50 + 2 × $6, as in Stripe's graduated example.
    assert_eq!(amount(&fonts("graduated"), 12), 3500 + 3250 + 1200);
    let lines: Vec<_> = charges(&fonts("graduated"), 6).iter().map(|c| (c.tier, c.quantity, c.amount)).collect();
    assert_eq!(lines, [(Some(1), 5, 3500), (Some(2), 1, 650)], "tiers above the quantity are not billed");
}

#[test]
fn a_first_tier_flat_fee_is_a_base_fee_even_without_units() {
    let base = price(json!({
        "billing_scheme": "tiered", "tiers_mode": "graduated",
        "tiers": [
            { "up_to": 1000, "flat_amount": 900, "unit_amount": 0 },
            { "up_to": "inf", "unit_amount_decimal": "3.6", "flat_amount": 0 },
        ],
    }));
    assert_eq!(amount(&base, 0), 900);
    // The lines of Stripe's invoice for 1,031 units: 1000 at $0, the $9 fee, 31 at 3.6¢ (111.6¢ → 112¢), $0.
    let lines: Vec<_> = charges(&base, 1031).iter().map(|c| (c.kind, c.tier, c.quantity, c.amount)).collect();
    assert_eq!(
        lines,
        [
            (Kind::Units, Some(1), 1000, 0),
            (Kind::Flat, Some(1), 0, 900),
            (Kind::Units, Some(2), 31, 112),
            (Kind::Flat, Some(2), 0, 0),
        ]
    );
}

#[test]
fn a_tier_with_only_a_flat_fee_bills_one_line() {
    let flat = price(json!({
        "billing_scheme": "tiered", "tiers_mode": "volume",
        "tiers": [{ "up_to": 10, "flat_amount": 5000 }, { "up_to": "inf", "flat_amount": 9000 }],
    }));
    let lines: Vec<_> = charges(&flat, 11).iter().map(|c| (c.kind, c.tier, c.amount)).collect();
    assert_eq!(lines, [(Kind::Flat, Some(2), 9000)]);
}

#[test]
fn packages_round_as_the_price_says() {
    let up = price(json!({ "unit_amount": 500, "transform_quantity": { "divide_by": 100, "round": "up" } }));
    let down = price(json!({ "unit_amount": 500, "transform_quantity": { "divide_by": 100, "round": "down" } }));
    assert_eq!((amount(&up, 101), amount(&down, 101)), (1000, 500));
    assert_eq!((amount(&up, 100), amount(&down, 99)), (500, 0));
    assert_eq!(charges(&up, 250)[0].quantity, 3, "the line counts packages");
}

#[test]
fn fractions_of_a_minor_unit_are_rounded_per_line_half_away_from_zero() {
    let tenth = price(json!({ "unit_amount_decimal": "0.5" }));
    assert_eq!((amount(&tenth, 1), amount(&tenth, 2), amount(&tenth, 3)), (1, 1, 2));
    assert_eq!(Rate::parse("0.000000000001").text(), "0.000000000001");
    assert_eq!((Rate::parse("3.60").text(), Rate::parse("900").text()), ("3.6".to_owned(), "900".to_owned()));
}

fn tiers() -> impl Strategy<Value = (Vec<(i64, i64, i64)>, i64)> {
    // (width, unit rate in ten-thousandths of a minor unit, flat fee) per tier, and the last tier's rate.
    (prop::collection::vec((1i64..50, 0i64..2_000_000, 0i64..5_000), 0..5), 0i64..2_000_000)
}

fn tiered(mode: &str, bounded: &[(i64, i64, i64)], last: i64) -> Price {
    let mut up_to = 0;
    let mut list: Vec<Value> = bounded
        .iter()
        .map(|(width, rate, flat)| {
            up_to += width;
            json!({ "up_to": up_to, "unit_amount_decimal": Rate(i128::from(*rate) * 100_000_000).text(),
                    "flat_amount": flat })
        })
        .collect();
    list.push(json!({ "up_to": "inf", "unit_amount_decimal": Rate(i128::from(last) * 100_000_000).text() }));
    price(json!({ "billing_scheme": "tiered", "tiers_mode": mode, "tiers": list }))
}

proptest! {
    /// Graduated: unit by unit, each at the rate of the tier its position falls in, plus the flat fee of each
    /// tier reached, with each tier's lines rounded on their own.
    #[test]
    fn graduated_matches_a_unit_by_unit_reference((bounded, last) in tiers(), quantity in 0i64..300) {
        let price = tiered("graduated", &bounded, last);
        let mut expected = 0;
        let (mut start, mut first) = (0, true);
        for (width, rate, flat) in bounded.iter().copied().chain([(i64::MAX / 4, last, 0)]) {
            if !first && quantity <= start {
                break;
            }
            let units = (start + 1..=quantity.min(start + width)).count() as i128;
            expected += super::super::proration::divide_rounded(units * i128::from(rate), 10_000) + flat;
            start += width;
            first = false;
        }
        prop_assert_eq!(amount(&price, quantity), expected);
    }

    /// Volume: the whole quantity at one tier's rate plus that tier's fee; never more lines than two.
    #[test]
    fn volume_matches_the_tier_of_the_whole_quantity((bounded, last) in tiers(), quantity in 0i64..300) {
        let price = tiered("volume", &bounded, last);
        let mut up_to = 0;
        let tier = bounded.iter().copied().find(|(width, _, _)| { up_to += width; quantity <= up_to });
        let (rate, flat) = tier.map_or((last, 0), |(_, rate, flat)| (rate, flat));
        let expected = super::super::proration::divide_rounded(i128::from(quantity) * i128::from(rate), 10_000) + flat;
        prop_assert_eq!(amount(&price, quantity), expected);
        prop_assert!(charges(&price, quantity).len() <= 2);
    }

    #[test]
    fn packages_bill_whole_packages(divide_by in 1i64..1000, quantity in 0i64..100_000, unit in 0i64..100_000) {
        let up = price(json!({ "unit_amount": unit,
                               "transform_quantity": { "divide_by": divide_by, "round": "up" } }));
        let down = price(json!({ "unit_amount": unit,
                                 "transform_quantity": { "divide_by": divide_by, "round": "down" } }));
        prop_assert_eq!(amount(&up, quantity), (quantity + divide_by - 1) / divide_by * unit);
        prop_assert_eq!(amount(&down, quantity), quantity / divide_by * unit);
    }
}
