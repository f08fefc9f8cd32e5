//! How the portal looks like the merchant: name, icon, logo and colours from the account's settings (or the
//! connected account's, with `on_behalf_of`), with text colours computed for contrast rather than assumed.
//!
//! Contrast follows WCAG 2.1: relative luminance of sRGB colours, ratio (L1 + 0.05) / (L2 + 0.05). Text on a
//! brand-coloured button takes whichever of white or near-black reads better; a brand colour used as link or
//! accent text on the white page is darkened until it reaches 4.5:1 (AA for body text).

use portico_core::objects::account::Account;

/// Used when the merchant set no colour: a blue with AA contrast on white.
const DEFAULT_PRIMARY: Rgb = Rgb(0x0a, 0x5c, 0xc2);
const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
const INK: Rgb = Rgb(0x1a, 0x1f, 0x36);
/// WCAG AA for normal text.
const READABLE: f64 = 4.5;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb` or `#rgb`, as Stripe's branding settings take them.
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.trim().strip_prefix('#')?;
        let digits: Vec<u8> = hex.chars().map(|c| c.to_digit(16).map(|d| d as u8)).collect::<Option<_>>()?;
        match digits[..] {
            [r, g, b] => Some(Rgb(r * 17, g * 17, b * 17)),
            [r1, r2, g1, g2, b1, b2] => Some(Rgb(r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2)),
            _ => None,
        }
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// WCAG relative luminance.
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// WCAG contrast ratio, 1 to 21.
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// This colour moved toward black by `amount` (0 to 1).
    fn darken(self, amount: f64) -> Rgb {
        let scale = |c: u8| (f64::from(c) * (1.0 - amount)).round() as u8;
        Rgb(scale(self.0), scale(self.1), scale(self.2))
    }
}

/// Text colour for a surface of colour `background`: white or ink, whichever contrasts more.
pub fn text_on(background: Rgb) -> Rgb {
    if background.contrast(WHITE) >= background.contrast(INK) { WHITE } else { INK }
}

/// `colour`, darkened just enough to be readable as text on white.
pub fn readable_on_white(colour: Rgb) -> Rgb {
    let mut shade = colour;
    let mut amount = 0.0;
    while shade.contrast(WHITE) < READABLE && amount < 1.0 {
        amount += 0.05;
        shade = colour.darken(amount);
    }
    shade
}

/// Everything a page needs to look like the merchant.
#[derive(Debug, Clone)]
pub struct Brand {
    pub business_name: String,
    /// Image sources the page may load: only `data:` URLs, since the portal loads nothing from third parties
    /// and Portico has no file storage yet.
    pub icon: Option<String>,
    pub logo: Option<String>,
    /// Buttons and the header band.
    pub primary: String,
    pub on_primary: String,
    /// Links and focus rings: the accent colour (else the primary) made readable on white.
    pub accent: String,
}

impl Brand {
    pub fn of(account: Option<&Account>) -> Brand {
        let branding = account.map(|a| &a.settings.branding);
        let colour = |pick: fn(&portico_core::objects::account::Branding) -> &Option<String>| {
            branding.and_then(|b| pick(b).as_deref()).and_then(Rgb::parse)
        };
        let primary = colour(|b| &b.primary_color).unwrap_or(DEFAULT_PRIMARY);
        let accent = colour(|b| &b.secondary_color).unwrap_or(primary);
        let image = |pick: fn(&portico_core::objects::account::Branding) -> &Option<String>| {
            branding.and_then(|b| pick(b).clone()).filter(|src| src.starts_with("data:image/"))
        };
        Brand {
            business_name: account.and_then(business_name).unwrap_or_default(),
            icon: image(|b| &b.icon),
            logo: image(|b| &b.logo),
            primary: primary.hex(),
            on_primary: text_on(primary).hex(),
            accent: readable_on_white(accent).hex(),
        }
    }
}

/// The name customers know the merchant by: the dashboard's display name, else the business profile's.
fn business_name(account: &Account) -> Option<String> {
    [&account.settings.dashboard.display_name, &account.business_profile.name]
        .into_iter()
        .flatten()
        .find(|name| !name.trim().is_empty())
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_in_long_and_short_form() {
        assert_eq!(Rgb::parse("#0A5cC2"), Some(Rgb(0x0a, 0x5c, 0xc2)));
        assert_eq!(Rgb::parse("#fff"), Some(WHITE));
        assert_eq!(Rgb::parse("0a5cc2"), None);
        assert_eq!(Rgb::parse("#12345"), None);
        assert_eq!(Rgb::parse("#gggggg"), None);
    }

    #[test]
    fn contrast_matches_the_wcag_reference_values() {
        assert!((Rgb(0, 0, 0).contrast(WHITE) - 21.0).abs() < 1e-9);
        assert!((WHITE.contrast(WHITE) - 1.0).abs() < 1e-9);
        // #777777 on white is the classic 4.48:1, just short of AA.
        assert!((Rgb(0x77, 0x77, 0x77).contrast(WHITE) - 4.48).abs() < 0.01);
    }

    #[test]
    fn light_brand_colours_get_dark_text_and_dark_ones_white() {
        assert_eq!(text_on(Rgb::parse("#ffd400").unwrap()), INK);
        assert_eq!(text_on(Rgb::parse("#003366").unwrap()), WHITE);
    }

    #[test]
    fn a_pale_accent_is_darkened_until_readable_and_a_dark_one_is_kept() {
        let pale = Rgb::parse("#8fd3ff").unwrap();
        let fixed = readable_on_white(pale);
        assert!(fixed.contrast(WHITE) >= READABLE);
        assert_ne!(fixed, pale);
        let dark = Rgb::parse("#003366").unwrap();
        assert_eq!(readable_on_white(dark), dark);
    }
}
