//! How SQLite stores a document: compressed with zstd and a dictionary made from Portico's own documents
//! (`documents.dict`, see `scripts/document-dictionary`). Stripe objects repeat their field names, nulls and
//! nested shapes in every copy, and the dictionary holds them once: documents shrink about sixfold, and with them
//! what every write costs in WAL frames, checkpoint copies and page-cache copies in the kernel. On the 2-core
//! machine those copies were the largest single cost of a renewal (the checkpointer alone used 38% of the CPU
//! time); compressing a document costs about 1 µs per KiB, reading one back a fifth of that.
//!
//! Rows written before documents were compressed hold JSON text and are read as they are: JSON text starts with
//! `{`, a zstd frame with its magic number. SQL reads documents through the function `portico_document(data)`,
//! which every connection of the process has (`register`), and the view `objects` shows them decoded.
//!
//! The dictionary is part of the file format: a frame names its dictionary's id, and a dictionary once shipped
//! must stay readable. A better one later gets a new id and is added beside it.

use std::cell::RefCell;
use std::sync::{LazyLock, Once};

use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use zstd::bulk::{Compressor, Decompressor};
use zstd::dict::{DecoderDictionary, EncoderDictionary};

use crate::{Result, StoreError};

/// The SQL function that turns a stored document into JSON text.
const FUNCTION: &str = "portico_document";
/// A row's document as JSON text, in SQL.
pub(super) const DATA: &str = "portico_document(data)";

static DICTIONARY: &[u8] = include_bytes!("documents.dict");
/// With a dictionary, level 3 compresses as fast as level 1 and a tenth smaller.
pub const LEVEL: i32 = 3;
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

static ENCODER: LazyLock<EncoderDictionary<'static>> = LazyLock::new(|| EncoderDictionary::copy(DICTIONARY, LEVEL));
static DECODER: LazyLock<DecoderDictionary<'static>> = LazyLock::new(|| DecoderDictionary::copy(DICTIONARY));
static DICTIONARY_ID: LazyLock<u32> =
    LazyLock::new(|| zstd::zstd_safe::get_dict_id_from_dict(DICTIONARY).map_or(0, |id| id.get()));

thread_local! {
    static COMPRESSOR: RefCell<Compressor<'static>> =
        RefCell::new(Compressor::with_prepared_dictionary(&ENCODER).expect("zstd compressor"));
    static DECOMPRESSOR: RefCell<Decompressor<'static>> =
        RefCell::new(Decompressor::with_prepared_dictionary(&DECODER).expect("zstd decompressor"));
}

/// A document's JSON text as stored.
pub(super) fn encode(json: &str) -> Result<Vec<u8>> {
    COMPRESSOR
        .with(|compressor| compressor.borrow_mut().compress(json.as_bytes()))
        .map_err(|error| StoreError::Undecodable(format!("compressing a document: {error}")))
}

/// A document column's value as JSON text: `None` for SQL `NULL`.
pub(super) fn decode_value(value: ValueRef<'_>) -> Result<Option<String>> {
    match value {
        ValueRef::Null => Ok(None),
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => decode(bytes).map(Some),
        _ => Err(StoreError::Undecodable("a document is text or a blob".into())),
    }
}

/// A stored document's JSON text.
pub fn decode(stored: &[u8]) -> Result<String> {
    let bytes = if stored.starts_with(&ZSTD_MAGIC) { decompress(stored)? } else { stored.to_vec() };
    String::from_utf8(bytes).map_err(|_| StoreError::Undecodable("not UTF-8".into()))
}

fn decompress(frame: &[u8]) -> Result<Vec<u8>> {
    let id = zstd::zstd_safe::get_dict_id_from_frame(frame).map_or(0, |id| id.get());
    if id != *DICTIONARY_ID {
        return Err(StoreError::Undecodable(format!(
            "compressed with dictionary {id}, this build has {}",
            *DICTIONARY_ID
        )));
    }
    let size = match zstd::zstd_safe::get_frame_content_size(frame) {
        Ok(Some(size)) => usize::try_from(size).map_err(|_| StoreError::Undecodable("frame too large".into()))?,
        _ => return Err(StoreError::Undecodable("a frame without its size".into())),
    };
    DECOMPRESSOR
        .with(|decompressor| decompressor.borrow_mut().decompress(frame, size))
        .map_err(|error| StoreError::Undecodable(format!("decompressing a document: {error}")))
}

/// Gives every SQLite connection this process opens from now on the function `portico_document` (SQLite's
/// automatic extensions): the store's own connections and any a test or tool opens on the same file.
pub fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: `add_function` neither opens nor closes a database, nor changes the list of automatic extensions.
        unsafe { rusqlite::auto_extension::register_auto_extension(add_function) }
            .expect("register the SQLite document function");
    });
}

unsafe extern "C" fn add_function(
    db: *mut rusqlite::ffi::sqlite3,
    error: *mut *mut std::ffi::c_char,
    _: *const rusqlite::ffi::sqlite3_api_routines,
) -> std::ffi::c_int {
    let add = |conn: rusqlite::Connection| {
        let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_INNOCUOUS;
        conn.create_scalar_function(FUNCTION, 1, flags, |ctx| {
            decode_value(ctx.get_raw(0)).map_err(|error| rusqlite::Error::UserFunctionError(error.into()))
        })
    };
    // SAFETY: SQLite calls this with a connection it is opening, as `init_auto_extension` expects.
    unsafe { rusqlite::auto_extension::init_auto_extension(db, error, add) }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const INVOICE: &str = concat!(
        r#"{"id":"in_1","object":"invoice","amount_due":2000,"currency":"usd","#,
        r#""lines":{"object":"list","data":[]},"status":"draft"}"#
    );

    #[test]
    fn a_document_is_stored_compressed_and_read_back_as_written() {
        let stored = encode(INVOICE).unwrap();
        assert!(stored.starts_with(&ZSTD_MAGIC));
        assert!(stored.len() < INVOICE.len() / 2, "{} bytes for {}", stored.len(), INVOICE.len());
        assert_eq!(decode(&stored).unwrap(), INVOICE);
    }

    #[test]
    fn json_text_from_before_compression_is_read_as_it_is() {
        assert_eq!(decode(INVOICE.as_bytes()).unwrap(), INVOICE);
    }

    #[test]
    fn a_frame_of_another_dictionary_or_a_damaged_one_is_an_error() {
        // A raw-content dictionary: its frames name no dictionary id.
        let other = INVOICE.repeat(4);
        let frame = Compressor::with_dictionary(3, other.as_bytes()).unwrap().compress(INVOICE.as_bytes()).unwrap();
        assert!(matches!(decode(&frame), Err(StoreError::Undecodable(_))));
        let mut damaged = encode(INVOICE).unwrap();
        let middle = damaged.len() / 2;
        damaged.truncate(middle);
        assert!(matches!(decode(&damaged), Err(StoreError::Undecodable(_))));
        assert!(matches!(decode(&[0xff, 0xfe]), Err(StoreError::Undecodable(_))), "neither a frame nor UTF-8");
    }

    #[test]
    fn sql_reads_documents_through_the_function() {
        register();
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (data)").unwrap();
        conn.execute("INSERT INTO t VALUES (?), (?), (NULL)", (encode(INVOICE).unwrap(), INVOICE)).unwrap();
        let statuses: Vec<Option<String>> = conn
            .prepare(&format!("SELECT json_extract({DATA}, '$.status') FROM t ORDER BY rowid"))
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(statuses, [Some("draft".into()), Some("draft".into()), None]);
        conn.execute("INSERT INTO t VALUES (x'28b52ffd00')", []).unwrap();
        let damaged =
            conn.query_row(&format!("SELECT {DATA} FROM t WHERE rowid = 4"), [], |row| row.get::<_, String>(0));
        assert!(damaged.is_err(), "a damaged document fails the statement: {damaged:?}");
    }

    proptest! {
        #[test]
        fn every_text_survives_the_round_trip(text in "\\PC{0,2000}") {
            prop_assert_eq!(decode(&encode(&text).unwrap()).unwrap(), text);
        }
    }
}
