//! Stripe's search query language (`GET /v1/customers/search?query=…`), as a syntax tree the store runs.
//! https://docs.stripe.com/search#search-query-language

/// A scalar as it appears in a stored document.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Str(String),
    Int(i64),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchOp {
    /// `field:value`: exact match.
    Eq,
    /// `field~"value"`: substring match, case-insensitive.
    Contains,
    Gt,
    Gte,
    Lt,
    Lte,
}

/// One `field:value` term; `path` is the document path (`["metadata", "plan"]`).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchClause {
    pub path: Vec<String>,
    pub op: SearchOp,
    pub value: Scalar,
    /// A leading `-` negates the term.
    pub negated: bool,
}

/// Terms joined all by `AND` or all by `OR`: Stripe does not allow mixing them in one query.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchExpr {
    pub clauses: Vec<SearchClause>,
    pub any: bool,
}

/// What kind of values a searchable field holds; decides how query values are read and which operators apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// Numbers and timestamps (`created`): range operators allowed, values unquoted.
    Number,
    /// `active:'true'`: Stripe quotes booleans like strings; they are matched as JSON booleans.
    Boolean,
}

/// A searchable field of a resource.
#[derive(Debug, Clone, Copy)]
pub struct SearchField {
    pub name: &'static str,
    pub kind: FieldKind,
}

impl SearchField {
    pub const fn text(name: &'static str) -> Self {
        Self { name, kind: FieldKind::Text }
    }
    pub const fn number(name: &'static str) -> Self {
        Self { name, kind: FieldKind::Number }
    }
    pub const fn boolean(name: &'static str) -> Self {
        Self { name, kind: FieldKind::Boolean }
    }
}

/// Parses a query such as `email:"ann@example.com" AND metadata['plan']:'pro' AND created>1700000000`.
/// `fields` are the resource's searchable fields; `metadata['key']` is always allowed.
pub fn parse(query: &str, fields: &[SearchField]) -> Result<SearchExpr, String> {
    let mut lexer = Lexer { rest: query.trim() };
    let mut clauses = Vec::new();
    let mut joiner: Option<bool> = None;
    loop {
        clauses.push(lexer.clause(fields)?);
        lexer.skip_spaces();
        if lexer.rest.is_empty() {
            break;
        }
        let any = if lexer.keyword("AND") {
            false
        } else if lexer.keyword("OR") {
            true
        } else {
            // Stripe reads terms separated by spaces alone as AND.
            false
        };
        if joiner.is_some_and(|previous| previous != any) {
            return Err("Cannot mix AND and OR in the same query.".into());
        }
        joiner = Some(any);
    }
    if clauses.len() > 10 {
        return Err("A search query can have at most 10 clauses.".into());
    }
    Ok(SearchExpr { clauses, any: joiner.unwrap_or(false) })
}

struct Lexer<'q> {
    rest: &'q str,
}

impl<'q> Lexer<'q> {
    fn skip_spaces(&mut self) {
        self.rest = self.rest.trim_start();
    }

    fn keyword(&mut self, word: &str) -> bool {
        if let Some(after) = self.rest.strip_prefix(word)
            && after.starts_with(char::is_whitespace)
        {
            self.rest = after;
            self.skip_spaces();
            return true;
        }
        false
    }

    fn clause(&mut self, fields: &[SearchField]) -> Result<SearchClause, String> {
        self.skip_spaces();
        let negated = if let Some(after) = self.rest.strip_prefix('-') {
            self.rest = after;
            true
        } else {
            false
        };
        let (path, kind) = self.field(fields)?;
        let op = self.operator()?;
        let value = self.value(kind)?;
        if op == SearchOp::Contains && !matches!(&value, Scalar::Str(s) if s.chars().count() >= 3) {
            return Err("Substring matches (~) need a value of at least 3 characters.".into());
        }
        if matches!(op, SearchOp::Gt | SearchOp::Gte | SearchOp::Lt | SearchOp::Lte) && kind != FieldKind::Number {
            return Err(format!("Field '{}' does not support range comparisons.", path.join(".")));
        }
        Ok(SearchClause { path, op, value, negated })
    }

    fn field(&mut self, fields: &[SearchField]) -> Result<(Vec<String>, FieldKind), String> {
        if let Some(after) = self.rest.strip_prefix("metadata[") {
            self.rest = after;
            let key = self.quoted()?.ok_or("Metadata keys must be quoted: metadata['key'].")?;
            self.rest = self.rest.strip_prefix(']').ok_or("Expected ']' after the metadata key.")?;
            return Ok((vec!["metadata".into(), key], FieldKind::Text));
        }
        let end =
            self.rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).unwrap_or(self.rest.len());
        let name = &self.rest[..end];
        let field = fields.iter().find(|f| f.name == name).ok_or_else(|| {
            let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
            format!(
                "Field '{name}' is not a supported search field. Supported fields are: {}, metadata.",
                names.join(", ")
            )
        })?;
        self.rest = &self.rest[end..];
        Ok((name.split('.').map(str::to_owned).collect(), field.kind))
    }

    fn operator(&mut self) -> Result<SearchOp, String> {
        for (token, op) in [
            (">=", SearchOp::Gte),
            ("<=", SearchOp::Lte),
            (":", SearchOp::Eq),
            ("~", SearchOp::Contains),
            (">", SearchOp::Gt),
            ("<", SearchOp::Lt),
        ] {
            if let Some(after) = self.rest.strip_prefix(token) {
                self.rest = after;
                return Ok(op);
            }
        }
        Err("Expected one of ':', '~', '>', '<', '>=', '<=' after the field name.".into())
    }

    fn quoted(&mut self) -> Result<Option<String>, String> {
        let Some(quote) = self.rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { return Ok(None) };
        let mut out = String::new();
        let mut chars = self.rest[1..].char_indices();
        while let Some((index, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        out.push(escaped);
                    }
                }
                c if c == quote => {
                    self.rest = &self.rest[1 + index + 1..];
                    return Ok(Some(out));
                }
                c => out.push(c),
            }
        }
        Err("Unterminated quoted string in the query.".into())
    }

    fn value(&mut self, kind: FieldKind) -> Result<Scalar, String> {
        if let Some(text) = self.quoted()? {
            return match (kind, text.as_str()) {
                (FieldKind::Boolean, "true") => Ok(Scalar::Bool(true)),
                (FieldKind::Boolean, "false") => Ok(Scalar::Bool(false)),
                (FieldKind::Boolean, other) => Err(format!("'{other}' is not a boolean: use 'true' or 'false'.")),
                _ => Ok(Scalar::Str(text)),
            };
        }
        let end = self.rest.find(char::is_whitespace).unwrap_or(self.rest.len());
        let word = &self.rest[..end];
        self.rest = &self.rest[end..];
        if word.is_empty() {
            return Err("Expected a value after the operator.".into());
        }
        if word == "null" {
            return Ok(Scalar::Null);
        }
        match kind {
            FieldKind::Number => {
                return word.parse().map(Scalar::Int).map_err(|_| format!("'{word}' is not a number."));
            }
            FieldKind::Boolean if word == "true" || word == "false" => return Ok(Scalar::Bool(word == "true")),
            _ => {}
        }
        Err(format!("String values must be quoted: \"{word}\"."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[SearchField] =
        &[SearchField::text("email"), SearchField::number("created"), SearchField::boolean("active")];

    #[test]
    fn parses_terms_metadata_and_ranges() {
        let expr = parse(r#"email:"a@b.co" AND metadata['plan']:'pro' AND created>=100"#, FIELDS).unwrap();
        assert!(!expr.any);
        assert_eq!(expr.clauses.len(), 3);
        assert_eq!(expr.clauses[1].path, ["metadata", "plan"]);
        assert_eq!(expr.clauses[2].value, Scalar::Int(100));
        assert_eq!(expr.clauses[2].op, SearchOp::Gte);
    }

    #[test]
    fn boolean_fields_match_true_or_false_quoted_or_not() {
        assert_eq!(parse("active:'true'", FIELDS).unwrap().clauses[0].value, Scalar::Bool(true));
        assert_eq!(parse("active:false", FIELDS).unwrap().clauses[0].value, Scalar::Bool(false));
        assert!(parse("active:'yes'", FIELDS).is_err());
    }

    #[test]
    fn mixing_and_with_or_is_rejected() {
        assert!(parse(r#"email:"a" OR email:"b" AND created>1"#, FIELDS).is_err());
    }

    #[test]
    fn negation_unknown_fields_and_short_substrings() {
        assert!(parse(r#"-email:"x@y.z""#, FIELDS).unwrap().clauses[0].negated);
        assert!(parse(r#"name:"x""#, FIELDS).is_err());
        assert!(parse(r#"email~"ab""#, FIELDS).is_err());
        assert!(parse(r#"email:unquoted"#, FIELDS).is_err());
    }
}
