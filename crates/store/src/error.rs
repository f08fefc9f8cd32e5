#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("an object with this id already exists")]
    Conflict,
    #[error("no such object")]
    NotFound,
    /// A document the transaction read from a node's copy (`Tx::get_json_committed`) had changed by its commit;
    /// nothing was written. Running the request again reads it afresh.
    #[error("a document this transaction relied on changed before it committed")]
    Stale,
    /// A `starting_after` / `ending_before` / search page cursor that names no object in the list.
    #[error("no such cursor object: {0}")]
    CursorNotFound(String),
    #[error("stored document could not be read: {0}")]
    Corrupt(#[from] serde_json::Error),
    /// A stored document that is neither JSON text nor a frame this build can decompress.
    #[error("stored document could not be decoded: {0}")]
    Undecodable(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}
