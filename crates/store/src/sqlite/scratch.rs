//! For unit tests that need a real SQLite file (WAL behaviour shows only across connections to one file).

use rusqlite::Connection;

/// A fresh WAL database with one table `t (x)`, in a directory of its own that is removed when dropped.
pub(super) struct Scratch(std::path::PathBuf);

impl Scratch {
    pub(super) fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("portico-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let conn = Connection::open(dir.join("test.db")).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (x)").unwrap();
        Self(dir)
    }

    /// The file's `sqlite://` URL.
    pub(super) fn url(&self) -> String {
        format!("sqlite://{}", self.0.join("test.db").display())
    }

    /// Another connection to the file.
    pub(super) fn open(&self) -> Connection {
        Connection::open(self.0.join("test.db")).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
