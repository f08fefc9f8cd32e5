//! Stripe's tax id types: which exist, what format Stripe accepts for the common ones, and which country each
//! belongs to (<https://docs.stripe.com/billing/customer/tax-ids>).
//!
//! Like Stripe, creation checks the *format* only: Stripe's own documented examples (`au_abn` 12345678912,
//! `br_cpf` 123.456.789-87) carry wrong check digits and are accepted. Whether the check digits add up is
//! reported separately in [`TaxIdFacts::checksum_valid`], for callers that want to warn or to decide a
//! test-mode `verification.status`.

mod checksums;
mod formats;

pub use checksums::{abn_valid, cnpj_valid, cpf_valid};

use crate::error::{ParamCode, ParamError};

/// Every `type` Stripe accepts when creating a tax id, in its documented order.
#[rustfmt::skip]
pub const TYPES: &[&str] = &[
    "ad_nrt", "ae_trn", "al_tin", "am_tin", "ao_tin", "ar_cuit", "au_abn", "au_arn", "aw_tin", "az_tin",
    "ba_tin", "bb_tin", "bd_bin", "bf_ifu", "bg_uic", "bh_vat", "bj_ifu", "bo_tin", "br_cnpj", "br_cpf",
    "bs_tin", "by_tin", "ca_bn", "ca_gst_hst", "ca_pst_bc", "ca_pst_mb", "ca_pst_sk", "ca_qst", "cd_nif", "ch_uid",
    "ch_vat", "cl_tin", "cm_niu", "cn_tin", "co_nit", "cr_tin", "cv_nif", "de_stn", "do_rcn", "ec_ruc",
    "eg_tin", "es_cif", "et_tin", "eu_oss_vat", "eu_vat", "fo_vat", "gb_vat", "ge_vat", "gi_tin", "gn_nif",
    "hk_br", "hr_oib", "hu_tin", "id_npwp", "il_vat", "in_gst", "is_vat", "it_cf", "jp_cn", "jp_rn",
    "jp_trn", "ke_pin", "kg_tin", "kh_tin", "kr_brn", "kz_bin", "la_tin", "li_uid", "li_vat", "lk_vat",
    "ma_vat", "md_vat", "me_pib", "mk_vat", "mr_nif", "mx_rfc", "my_frp", "my_itn", "my_sst", "ng_tin",
    "no_vat", "no_voec", "np_pan", "nz_gst", "om_vat", "pe_ruc", "ph_tin", "pl_nip", "py_ruc", "ro_tin",
    "rs_pib", "ru_inn", "ru_kpp", "sa_vat", "sg_gst", "sg_uen", "si_tin", "sn_ninea", "sr_fin", "sv_nit",
    "th_vat", "tj_tin", "tr_tin", "tw_vat", "tz_vat", "ua_vat", "ug_tin", "us_ein", "uy_ruc", "uz_tin",
    "uz_vat", "ve_rif", "vn_tin", "za_vat", "zm_tin", "zw_tin",
];

/// What validation learned about a tax id value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxIdFacts {
    /// The value to store and show: trimmed; VAT and GST numbers also upper-cased without spaces, so the
    /// same number typed two ways is stored one way.
    pub normalized_value: String,
    /// `tax_id.country` as Stripe reports it: the type's country, or for `eu_vat` the member state of its
    /// prefix (`EL` → GR, `XI` → GB); `None` for `eu_oss_vat`, which belongs to no single state.
    pub country: Option<String>,
    /// For types with check digits (`au_abn`, `br_cpf`, `br_cnpj`): whether they add up. `None` elsewhere.
    pub checksum_valid: Option<bool>,
}

/// Checks a tax id's `type` and `value`. An unknown type is refused on `type` listing the valid ones; a value
/// in the wrong format is `tax_id_invalid` on `value` with Stripe's message "Invalid value for {type}.".
pub fn validate(tax_type: &str, value: &str) -> Result<TaxIdFacts, ParamError> {
    if !TYPES.contains(&tax_type) {
        return Err(ParamError::invalid("type", format!("Invalid type: must be one of {}", one_of(TYPES))));
    }
    if value.is_empty() {
        return Err(crate::currency::empty_value("value"));
    }
    let invalid = || ParamError::new(ParamCode::TaxIdInvalid, "value", format!("Invalid value for {tax_type}."));
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(invalid());
    }
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let country = match tax_type {
        "eu_vat" => Some(formats::eu_vat_country(&compact).ok_or_else(invalid)?.to_owned()),
        "eu_oss_vat" => None,
        _ => Some(tax_type[..2].to_ascii_uppercase()),
    };
    if !formats::matches_type(tax_type, &compact) {
        return Err(invalid());
    }
    let digits: String = compact.chars().filter(char::is_ascii_digit).collect();
    let checksum_valid = match tax_type {
        "au_abn" => Some(abn_valid(&digits)),
        "br_cpf" => Some(cpf_valid(&digits)),
        "br_cnpj" => Some(cnpj_valid(&digits)),
        _ => None,
    };
    let normalized_value = match tax_type {
        "eu_vat" | "gb_vat" | "in_gst" | "eu_oss_vat" => compact,
        _ => trimmed.to_owned(),
    };
    Ok(TaxIdFacts { normalized_value, country, checksum_valid })
}

/// Stripe's enum listing: `a, b, or c`.
fn one_of(values: &[&str]) -> String {
    match values.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{}, or {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
