#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("an object with this id already exists")]
    Conflict,
    #[error("no such object")]
    NotFound,
    /// A `starting_after` / `ending_before` / search page cursor that names no object in the list.
    #[error("no such cursor object: {0}")]
    CursorNotFound(String),
    #[error("stored document could not be read: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}
