//! How far each watched kind of document has changed: a counter per kind, raised after every commit that wrote a
//! document of that kind and before the committing request is answered. It lets a cache of committed documents
//! that almost never change (the webhook registry every event consults) skip the read: take the counter, then
//! read; the copy stays good while the counter stays where it was. Only kinds someone asked about are counted.
//!
//! Commits by another process on the same file are seen through the writer's `PRAGMA data_version` (which moves
//! only for other connections' commits) at this process's next commit, when every counter is raised.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use rusqlite::Connection;

#[derive(Default)]
pub(super) struct Versions {
    counters: RwLock<HashMap<String, Arc<AtomicU64>>>,
    /// The writer's `PRAGMA data_version` after its last commit.
    data_version: AtomicI64,
}

impl Versions {
    /// The counter of `kind`, watched from now on.
    pub(super) fn current(&self, kind: &str) -> u64 {
        if let Some(counter) = self.read().get(kind) {
            return counter.load(Ordering::SeqCst);
        }
        let mut counters = self.counters.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        counters.entry(kind.to_owned()).or_default().load(Ordering::SeqCst)
    }

    /// Raises the counters of `kinds` (all of them if another process wrote meanwhile), on the writer's
    /// connection right after its `COMMIT`.
    pub(super) fn committed<'k>(&self, conn: &Connection, kinds: impl IntoIterator<Item = &'k str>) {
        let counters = self.read();
        if counters.is_empty() {
            return;
        }
        let version = conn.query_row("PRAGMA data_version", [], |row| row.get::<_, i64>(0));
        let foreign = version.map_or(true, |version| self.data_version.swap(version, Ordering::SeqCst) != version);
        if foreign {
            counters.values().for_each(|counter| _ = counter.fetch_add(1, Ordering::SeqCst));
            return;
        }
        for kind in kinds {
            if let Some(counter) = counters.get(kind) {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<AtomicU64>>> {
        self.counters.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::super::scratch::Scratch;
    use super::*;

    #[test]
    fn only_a_watched_kind_that_was_written_moves() {
        let file = Scratch::new("versions-kinds");
        let writer = file.open();
        let versions = Versions::default();
        versions.committed(&writer, ["webhook_registry"]);
        let before = versions.current("webhook_registry");
        // The first commit after watching starts seeing data_version: it counts as foreign.
        versions.committed(&writer, ["customer"]);
        let settled = versions.current("webhook_registry");
        versions.committed(&writer, ["customer", "event"]);
        assert_eq!(versions.current("webhook_registry"), settled, "other kinds leave it alone");
        versions.committed(&writer, ["event", "webhook_registry"]);
        assert!(versions.current("webhook_registry") > settled);
        assert!(settled >= before);
    }

    #[test]
    fn a_commit_by_another_connection_moves_every_watched_kind() {
        let file = Scratch::new("versions-foreign");
        let (writer, other) = (file.open(), file.open());
        let versions = Versions::default();
        versions.current("webhook_registry");
        writer.execute("INSERT INTO t VALUES (1)", []).unwrap();
        versions.committed(&writer, ["customer"]);
        let settled = versions.current("webhook_registry");
        writer.execute("INSERT INTO t VALUES (2)", []).unwrap();
        versions.committed(&writer, ["customer"]);
        assert_eq!(versions.current("webhook_registry"), settled, "the writer's own commits are not foreign");
        other.execute("INSERT INTO t VALUES (3)", []).unwrap();
        writer.execute("INSERT INTO t VALUES (4)", []).unwrap();
        versions.committed(&writer, ["customer"]);
        assert!(versions.current("webhook_registry") > settled, "another connection wrote");
    }
}
