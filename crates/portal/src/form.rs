//! Portal form posts: `application/x-www-form-urlencoded` bodies read as name/value pairs, in order, with
//! the CSRF check every handler must pass before acting on one.

use axum::body::Bytes;

use crate::context::Visit;
use crate::csrf;
use crate::refusal::Refusal;

/// A submitted form.
#[derive(Debug, Default)]
pub struct Form {
    fields: Vec<(String, String)>,
}

impl Form {
    /// Null characters, which no one can type and PostgreSQL cannot store, are left out.
    pub fn parse(body: &[u8]) -> Form {
        let without_nul = |text: String| if text.contains('\0') { text.replace('\0', "") } else { text };
        let fields = form_urlencoded::parse(body).into_owned().map(|(n, v)| (without_nul(n), without_nul(v)));
        Form { fields: fields.collect() }
    }

    /// The first value of `name`, trimmed; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// The first value of `name` as typed (for showing it back), or empty.
    pub fn typed(&self, name: &str) -> &str {
        self.fields.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The form in `body`, if it carries the visit's CSRF token; otherwise the request is refused untouched.
pub fn checked(visit: &Visit, body: &Bytes) -> Result<Form, Refusal> {
    let form = Form::parse(body);
    if visit.csrf_ok(form.get(csrf::FIELD)) { Ok(form) } else { Err(Refusal::forged()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_decoded_trimmed_and_blank_ones_count_as_absent() {
        let form = Form::parse(b"name=+Jo%20Ann+&email=&tax_id=a&tax_id=b&city=%E6%9D%B1%E4%BA%AC");
        assert_eq!(form.get("name"), Some("Jo Ann"));
        assert_eq!(form.typed("name"), " Jo Ann ");
        assert_eq!(form.get("email"), None);
        assert_eq!(form.get("missing"), None);
        assert_eq!(form.all("tax_id").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(form.get("city"), Some("東京"));
    }

    #[test]
    fn null_characters_are_left_out_of_names_and_values() {
        let form = Form::parse(b"na%00me=Jenny%00+Rosen&email=a%40example.com");
        assert_eq!(form.get("name"), Some("Jenny Rosen"));
        assert_eq!(form.get("email"), Some("a@example.com"));
    }

    #[test]
    fn garbage_bodies_parse_to_something_without_panicking() {
        let form = Form::parse(b"%%%&&==&\xff\xfe=\x00");
        assert_eq!(form.get("name"), None);
    }
}
