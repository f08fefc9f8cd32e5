use super::*;
use crate::ParamCode;

fn usd(amount: i64) -> PriceCreate {
    PriceCreate { currency: "usd".into(), unit_amount: Some(amount), ..Default::default() }
}

fn monthly() -> Option<RecurringParams> {
    Some(RecurringParams {
        interval: Interval::Month,
        interval_count: None,
        meter: None,
        trial_period_days: None,
        usage_type: None,
    })
}

fn create(params: PriceCreate) -> Result<Price, ParamError> {
    Price::create(params, "prod_1".into(), "", false, 1_700_000_000)
}

fn tier(up_to: UpTo, unit_amount: i64) -> TierParams {
    TierParams {
        flat_amount: None,
        flat_amount_decimal: None,
        unit_amount: Some(unit_amount),
        unit_amount_decimal: None,
        up_to,
    }
}

#[test]
fn one_time_prices_fill_the_decimal_beside_the_integer_amount() {
    let price = create(PriceCreate { currency: "USD".into(), ..usd(2000) }).unwrap();
    assert!(price.id.starts_with("price_"));
    assert_eq!(price.kind, PriceType::OneTime);
    assert_eq!(price.currency, "usd");
    assert_eq!(price.unit_amount_decimal.as_deref(), Some("2000"));
    assert_eq!(price.tax_behavior, Some(TaxBehavior::Unspecified));
    let json = serde_json::to_value(&price).unwrap();
    assert_eq!(json["type"], "one_time");
    assert!(json["recurring"].is_null());
    assert!(json.get("tiers").is_none() && json.get("currency_options").is_none());
}

#[test]
fn recurring_params_make_a_recurring_price_with_stripe_defaults() {
    let price = create(PriceCreate { recurring: monthly(), ..usd(1000) }).unwrap();
    assert_eq!(price.kind, PriceType::Recurring);
    let recurring = price.recurring.unwrap();
    assert_eq!((recurring.interval_count, recurring.usage_type), (1, UsageType::Licensed));
}

#[test]
fn a_fractional_decimal_amount_leaves_unit_amount_null() {
    let price = create(PriceCreate {
        currency: "usd".into(),
        unit_amount_decimal: Some("123.45".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(price.unit_amount, None);
    assert_eq!(price.unit_amount_decimal.as_deref(), Some("123.45"));
}

#[test]
fn an_amount_is_required_and_amounts_are_bounded_per_currency() {
    let missing = create(PriceCreate { currency: "usd".into(), ..Default::default() }).unwrap_err();
    assert_eq!(missing.message, "Prices require an `unit_amount` or `unit_amount_decimal` parameter to be set.");
    assert!(create(PriceCreate { currency: "jpy".into(), ..usd(99_999_999) }).is_ok());
    let too_large = create(PriceCreate { currency: "jpy".into(), ..usd(100_000_000) }).unwrap_err();
    assert_eq!(too_large.param.as_deref(), Some("unit_amount"));
    assert!(create(usd(-1)).is_err());
    assert!(
        create(PriceCreate { currency: "zzz".into(), ..usd(1) }).unwrap_err().message.starts_with("Invalid currency")
    );
}

#[test]
fn tiered_prices_need_recurring_tiers_and_a_mode() {
    let tiers = || Some(vec![tier(UpTo::Count(5), 500), tier(UpTo::Inf, 400)]);
    let base = || PriceCreate {
        currency: "usd".into(),
        billing_scheme: Some(BillingScheme::Tiered),
        tiers: tiers(),
        tiers_mode: Some(TiersMode::Graduated),
        recurring: monthly(),
        ..Default::default()
    };
    let price = create(base()).unwrap();
    assert_eq!((price.unit_amount, price.unit_amount_decimal.as_deref()), (None, None));
    assert_eq!(price.tiers.as_ref().unwrap().len(), 2);

    let one_time = create(PriceCreate { recurring: None, ..base() }).unwrap_err();
    assert_eq!(one_time.param.as_deref(), Some("interval"));
    assert_eq!(create(PriceCreate { tiers_mode: None, ..base() }).unwrap_err().code, ParamCode::ParameterMissing);
    assert_eq!(create(PriceCreate { tiers: None, ..base() }).unwrap_err().param.as_deref(), Some("tiers"));
    assert_eq!(
        create(PriceCreate { unit_amount: Some(1), ..base() }).unwrap_err().param.as_deref(),
        Some("unit_amount")
    );
    let transform = Some(TransformQuantity { divide_by: 2, round: Round::Up });
    assert!(create(PriceCreate { transform_quantity: transform, ..base() }).is_err());
    assert!(create(PriceCreate { tiers: tiers(), ..usd(1) }).is_err());
}

#[test]
fn custom_unit_amounts_are_one_time_only_and_drop_enabled() {
    let custom =
        || Some(CustomUnitAmountParams { enabled: true, maximum: Some(10_000), minimum: Some(100), preset: Some(500) });
    let price =
        create(PriceCreate { currency: "usd".into(), custom_unit_amount: custom(), ..Default::default() }).unwrap();
    let json = serde_json::to_value(&price).unwrap();
    assert_eq!(json["custom_unit_amount"], serde_json::json!({"maximum": 10_000, "minimum": 100, "preset": 500}));
    assert!(json["unit_amount"].is_null());
    let recurring = PriceCreate {
        currency: "usd".into(),
        custom_unit_amount: custom(),
        recurring: monthly(),
        ..Default::default()
    };
    assert!(create(recurring).is_err());
    let preset_below = CustomUnitAmountParams { enabled: true, maximum: None, minimum: Some(100), preset: Some(50) };
    let err =
        create(PriceCreate { currency: "usd".into(), custom_unit_amount: Some(preset_below), ..Default::default() });
    assert_eq!(err.unwrap_err().param.as_deref(), Some("custom_unit_amount[preset]"));
}

#[test]
fn currency_options_exclude_the_own_currency_until_shown() {
    let mut options = BTreeMap::new();
    options.insert("eur".to_owned(), CurrencyOptionParams { unit_amount: Some(1800), ..Default::default() });
    let price = create(PriceCreate { currency_options: Some(options), ..usd(2000) }).unwrap();
    assert_eq!(price.currency_options.as_ref().unwrap().len(), 1);
    let shown = price.shown(false, true);
    let all = shown.currency_options.unwrap();
    assert_eq!(all["usd"].unit_amount, Some(2000));
    assert_eq!(all["eur"].unit_amount_decimal.as_deref(), Some("1800"));
    assert!(price.shown(false, false).currency_options.is_none());

    let mut own = BTreeMap::new();
    own.insert("usd".to_owned(), CurrencyOptionParams { unit_amount: Some(1), ..Default::default() });
    assert_eq!(
        create(PriceCreate { currency_options: Some(own), ..usd(2) }).unwrap_err().param.as_deref(),
        Some("currency_options[usd]")
    );
}

#[test]
fn tax_behavior_can_be_set_once_from_unspecified() {
    let mut price = create(usd(100)).unwrap();
    price.update(PriceUpdate { tax_behavior: Some(TaxBehavior::Exclusive), ..Default::default() }).unwrap();
    price.update(PriceUpdate { tax_behavior: Some(TaxBehavior::Exclusive), ..Default::default() }).unwrap();
    let err =
        price.update(PriceUpdate { tax_behavior: Some(TaxBehavior::Inclusive), ..Default::default() }).unwrap_err();
    assert_eq!(err.param.as_deref(), Some("tax_behavior"));
    assert_eq!(price.tax_behavior, Some(TaxBehavior::Exclusive));
}

#[test]
fn updates_change_only_the_mutable_fields_and_clear_a_lookup_key() {
    let mut price = create(PriceCreate { lookup_key: Some("gold".into()), ..usd(100) }).unwrap();
    price
        .update(PriceUpdate {
            active: Some(false),
            nickname: Patch::Set("Gold".into()),
            lookup_key: Patch::Clear,
            ..Default::default()
        })
        .unwrap();
    assert!(!price.active);
    assert_eq!(price.nickname.as_deref(), Some("Gold"));
    assert_eq!(price.lookup_key, None);
    assert_eq!(price.unit_amount, Some(100));
}

#[test]
fn exactly_one_of_product_and_product_data_is_required() {
    let mut both = PriceCreate { product: Some("prod_1".into()), product_data: Some(ProductData::default()), ..usd(1) };
    assert_eq!(both.take_product().unwrap_err().code, ParamCode::ParametersExclusive);
    let mut neither = usd(1);
    assert!(neither.take_product().unwrap_err().message.contains("`product` or `product_data`"));
}
