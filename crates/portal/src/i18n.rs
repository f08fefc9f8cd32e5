//! Localization of every portal string, money amount and date. Placeholder API while the Fluent/ICU
//! implementation lands: pages and templates already call it as they will.

/// The locale one request is rendered in, negotiated once per request.
#[derive(Debug, Clone)]
pub struct Lang {
    tag: String,
}

impl Lang {
    pub fn negotiate(session_locale: Option<&str>, preferred_locales: &[String], accept_language: Option<&str>) -> Lang {
        let _ = (session_locale, preferred_locales, accept_language);
        Lang { tag: "en".into() }
    }

    pub fn tag(&self) -> &str {
        &self.tag
    }

    pub fn t(&self, key: &str) -> String {
        key.to_owned()
    }

    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        let _ = (name, value);
        key.to_owned()
    }

    pub fn tn(&self, key: &str, name: &str, value: i64) -> String {
        let _ = (name, value);
        key.to_owned()
    }

    pub fn money(&self, amount: i64, currency: &str) -> String {
        format!("{amount} {currency}")
    }

    pub fn date(&self, unix: i64) -> String {
        unix.to_string()
    }
}
