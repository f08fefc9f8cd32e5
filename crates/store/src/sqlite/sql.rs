//! A statement with its arguments, built once and run on either connection: the writer's rusqlite connection
//! (in the calling thread) or a sqlx reader (on sqlx's worker thread).

use rusqlite::ToSql;
use rusqlite::types::ToSqlOutput;
use sqlx::Sqlite;
use sqlx::sqlite::{SqliteArguments, SqliteRow};

use super::documents;
use crate::{Result, StoreError};

/// One argument, in the types SQLite stores.
#[derive(Debug, Clone)]
pub(super) enum Arg {
    Text(String),
    OptionalText(Option<String>),
    Int(i64),
    OptionalInt(Option<i64>),
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Arg::Text(text)
    }
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Arg::Text(text.to_owned())
    }
}

impl From<i64> for Arg {
    fn from(int: i64) -> Self {
        Arg::Int(int)
    }
}

impl From<bool> for Arg {
    fn from(flag: bool) -> Self {
        Arg::Int(flag.into())
    }
}

impl From<Option<String>> for Arg {
    fn from(text: Option<String>) -> Self {
        Arg::OptionalText(text)
    }
}

impl From<Option<i64>> for Arg {
    fn from(int: Option<i64>) -> Self {
        Arg::OptionalInt(int)
    }
}

impl ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Arg::Text(text) => text.to_sql(),
            Arg::OptionalText(text) => text.to_sql(),
            Arg::Int(int) => int.to_sql(),
            Arg::OptionalInt(int) => int.to_sql(),
        }
    }
}

/// SQL text with `?` placeholders and its arguments in order.
#[derive(Debug, Default)]
pub(super) struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Sql { text: text.to_owned(), args: Vec::new() }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder and its argument.
    pub fn bind(&mut self, arg: impl Into<Arg>) -> &mut Self {
        self.text.push('?');
        self.args.push(arg.into());
        self
    }

    /// The statement for a sqlx connection.
    pub fn into_sqlx(self) -> sqlx::query::Query<'static, Sqlite, SqliteArguments> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(self.text));
        for arg in self.args {
            query = match arg {
                Arg::Text(text) => query.bind(text),
                Arg::OptionalText(text) => query.bind(text),
                Arg::Int(int) => query.bind(int),
                Arg::OptionalInt(int) => query.bind(int),
            };
        }
        query
    }
}

/// A result row of either driver, read by column index.
pub(super) trait Cells {
    fn int(&self, index: usize) -> Result<i64>;
    fn text(&self, index: usize) -> Result<String>;
    fn optional_int(&self, index: usize) -> Result<Option<i64>>;
    fn optional_text(&self, index: usize) -> Result<Option<String>>;
    /// A stored document's JSON text (`documents.rs`).
    fn document(&self, index: usize) -> Result<String>;
}

impl Cells for rusqlite::Row<'_> {
    fn document(&self, index: usize) -> Result<String> {
        documents::decode_value(self.get_ref(index)?)?.ok_or_else(|| StoreError::Undecodable("NULL".into()))
    }
    fn int(&self, index: usize) -> Result<i64> {
        Ok(self.get(index)?)
    }
    fn text(&self, index: usize) -> Result<String> {
        Ok(self.get(index)?)
    }
    fn optional_int(&self, index: usize) -> Result<Option<i64>> {
        Ok(self.get(index)?)
    }
    fn optional_text(&self, index: usize) -> Result<Option<String>> {
        Ok(self.get(index)?)
    }
}

impl Cells for SqliteRow {
    fn document(&self, index: usize) -> Result<String> {
        // Unchecked: the column holds text (rows from before compression) or a blob, both read as bytes.
        documents::decode(sqlx::Row::try_get_unchecked::<&[u8], _>(self, index).map_err(StoreError::Database)?)
    }
    fn int(&self, index: usize) -> Result<i64> {
        sqlx::Row::try_get(self, index).map_err(StoreError::Database)
    }
    fn text(&self, index: usize) -> Result<String> {
        sqlx::Row::try_get(self, index).map_err(StoreError::Database)
    }
    fn optional_int(&self, index: usize) -> Result<Option<i64>> {
        sqlx::Row::try_get(self, index).map_err(StoreError::Database)
    }
    fn optional_text(&self, index: usize) -> Result<Option<String>> {
        sqlx::Row::try_get(self, index).map_err(StoreError::Database)
    }
}
