use super::*;
use crate::ParamCode;
use crate::objects::coupon::CouponCreate;

const NOW: Timestamp = 1_700_000_000;

fn coupon(redeem_by: Option<Timestamp>, max_redemptions: Option<i64>) -> Coupon {
    Coupon::create(
        CouponCreate { percent_off: Some(10.0), redeem_by, max_redemptions, ..Default::default() },
        false,
        NOW,
    )
    .unwrap()
}

fn params(code: Option<&str>) -> PromotionCodeCreate {
    PromotionCodeCreate {
        active: None,
        code: code.map(str::to_owned),
        customer: None,
        expires_at: None,
        max_redemptions: None,
        metadata: Patch::Absent,
        promotion: PromotionParams { coupon: Some("C".into()), kind: PromotionType::Coupon },
        restrictions: None,
    }
}

#[test]
fn generated_codes_are_eight_uppercase_alphanumerics() {
    for _ in 0..50 {
        let code = generate_code();
        assert_eq!(code.len(), 8);
        assert!(code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()), "{code}");
    }
    assert_ne!(generate_code(), generate_code());
}

#[test]
fn new_codes_nest_the_coupon_under_promotion_and_hide_currency_options() {
    let coupon = coupon(None, None);
    let promo = PromotionCode::create(params(Some("Fall-20_x")), &coupon, false, NOW).unwrap();
    assert!(promo.id.starts_with("promo_"));
    assert_eq!(promo.code, "Fall-20_x");
    let json = serde_json::to_value(&promo).unwrap();
    assert_eq!(json["promotion"], serde_json::json!({"coupon": coupon.id, "type": "coupon"}));
    assert_eq!(
        json["restrictions"],
        serde_json::json!({"first_time_transaction": false, "minimum_amount": null, "minimum_amount_currency": null})
    );
    assert!(json.get("coupon").is_none());
    assert!(json["customer_account"].is_null());
}

#[test]
fn codes_outside_stripes_pattern_are_refused_with_its_message() {
    let err = PromotionCode::create(params(Some("has spaces!")), &coupon(None, None), false, NOW).unwrap_err();
    assert_eq!(err.param.as_deref(), Some("code"));
    assert_eq!(
        err.message,
        "This value must match the regex pattern. (/\\A[a-zA-Z0-9\\-_]+\\z/ does not match for the value has spaces!)."
    );
}

#[test]
fn a_missing_promotion_coupon_names_the_dotted_param() {
    let mut without = params(None);
    without.promotion.coupon = None;
    let err = without.coupon().unwrap_err();
    assert_eq!(err.param.as_deref(), Some("promotion.coupon"));
    assert_eq!(err.message, "You must pass promotion.coupon when passing promotion");
}

#[test]
fn limits_cannot_exceed_the_coupons() {
    let coupon = coupon(Some(NOW + 1000), Some(5));
    let late = PromotionCodeCreate { expires_at: Some(NOW + 1001), ..params(None) };
    assert_eq!(PromotionCode::create(late, &coupon, false, NOW).unwrap_err().param.as_deref(), Some("expires_at"));
    let past = PromotionCodeCreate { expires_at: Some(2000), ..params(None) };
    assert!(PromotionCode::create(past, &coupon, false, NOW).unwrap_err().message.ends_with("which is in the past."));
    let many = PromotionCodeCreate { max_redemptions: Some(6), ..params(None) };
    assert_eq!(PromotionCode::create(many, &coupon, false, NOW).unwrap_err().param.as_deref(), Some("max_redemptions"));
    let fine = PromotionCodeCreate { max_redemptions: Some(5), expires_at: Some(NOW + 1000), ..params(None) };
    assert!(PromotionCode::create(fine, &coupon, false, NOW).is_ok());
}

#[test]
fn an_invalid_coupon_cannot_get_a_new_code() {
    let mut used_up = coupon(None, Some(1));
    used_up.record_redemption(NOW);
    assert_eq!(
        PromotionCode::create(params(None), &used_up, false, NOW).unwrap_err().param.as_deref(),
        Some("promotion[coupon]")
    );
}

#[test]
fn minimum_amounts_need_their_currency_and_vice_versa() {
    let restricted = |amount: Option<i64>, currency: Option<&str>| PromotionCodeCreate {
        restrictions: Some(RestrictionsParams {
            minimum_amount: amount,
            minimum_amount_currency: currency.map(str::to_owned),
            ..Default::default()
        }),
        ..params(None)
    };
    let coupon = coupon(None, None);
    assert!(PromotionCode::create(restricted(Some(1000), None), &coupon, false, NOW).is_err());
    assert!(PromotionCode::create(restricted(None, Some("usd")), &coupon, false, NOW).is_err());
    let ok = PromotionCode::create(restricted(Some(1000), Some("USD")), &coupon, false, NOW).unwrap();
    assert_eq!(ok.restrictions.minimum_amount_currency.as_deref(), Some("usd"));
    let options = BTreeMap::from([("usd".to_owned(), MinimumAmount { minimum_amount: 5 })]);
    let mut same = restricted(Some(1000), Some("usd"));
    same.restrictions.as_mut().unwrap().currency_options = Some(options);
    assert_eq!(
        PromotionCode::create(same, &coupon, false, NOW).unwrap_err().param.as_deref(),
        Some("restrictions[currency_options][usd]")
    );
}

#[test]
fn a_code_is_active_only_within_its_limits_and_its_coupons() {
    let coupon = coupon(None, None);
    let limited = PromotionCodeCreate { max_redemptions: Some(1), expires_at: Some(NOW + 100), ..params(None) };
    let mut promo = PromotionCode::create(limited, &coupon, false, NOW).unwrap();
    assert!(promo.active_at(NOW, true));
    assert!(!promo.active_at(NOW, false));
    assert!(!promo.active_at(NOW + 100, true));
    assert!(!promo.shown(NOW + 100, true, false).active);
    promo.record_redemption();
    assert!(!promo.active && !promo.active_at(NOW, true));
}

#[test]
fn a_code_cannot_be_reactivated_once_its_coupon_or_limits_end_it() {
    let coupon = coupon(None, None);
    let mut promo =
        PromotionCode::create(PromotionCodeCreate { active: Some(false), ..params(None) }, &coupon, false, NOW)
            .unwrap();
    let err = promo.update(PromotionCodeUpdate { active: Some(true), ..Default::default() }, false, NOW).unwrap_err();
    assert_eq!(err.param.as_deref(), Some("active"));
    assert!(!promo.active);
    promo.update(PromotionCodeUpdate { active: Some(true), ..Default::default() }, true, NOW).unwrap();
    assert!(promo.active);
    assert_eq!(err.code, ParamCode::InvalidRequest);
}

#[test]
fn codes_clash_case_insensitively_unless_restricted_to_different_customers() {
    let coupon = coupon(None, None);
    let open = PromotionCode::create(params(Some("NEWUSER")), &coupon, false, NOW).unwrap();
    assert!(open.clashes_with("newuser", None));
    assert!(open.clashes_with("NewUser", Some("cus_1")));
    assert!(!open.clashes_with("OTHER", None));
    let for_ann = PromotionCode::create(
        PromotionCodeCreate { customer: Some("cus_ann".into()), ..params(Some("VIP")) },
        &coupon,
        false,
        NOW,
    )
    .unwrap();
    assert!(!for_ann.clashes_with("vip", Some("cus_bob")));
    assert!(for_ann.clashes_with("vip", Some("cus_ann")));
    assert!(for_ann.clashes_with("vip", None));
}
