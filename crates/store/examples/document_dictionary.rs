//! Trains a zstd dictionary for SQLite documents (`src/sqlite/documents.rs`) on every document in a Portico SQLite
//! file, and prints how much it shrinks them. `scripts/document-dictionary` runs it on the file the stripe-python
//! suite leaves behind. Usage: `document_dictionary FILE.db OUTPUT`.

use std::time::Instant;

use portico_store::sqlite::documents;

const SIZE: usize = 16 * 1024;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, file, output] = args.as_slice() else {
        eprintln!("usage: document_dictionary FILE.db OUTPUT");
        std::process::exit(2);
    };
    documents::register();
    let conn = rusqlite::Connection::open(file).expect("open the SQLite file");
    let mut statement = conn.prepare("SELECT data FROM objects").expect("the objects view");
    let documents: Vec<String> =
        statement.query_map([], |row| row.get(0)).expect("read documents").map(Result::unwrap).collect();
    let samples: Vec<&[u8]> = documents.iter().map(String::as_bytes).collect();
    let dictionary = zstd::dict::from_samples(&samples, SIZE).expect("train the dictionary");
    std::fs::write(output, &dictionary).expect("write the dictionary");

    let mut compressor = zstd::bulk::Compressor::with_dictionary(documents::LEVEL, &dictionary).expect("compressor");
    let started = Instant::now();
    let compressed: usize = samples.iter().map(|sample| compressor.compress(sample).expect("compress").len()).sum();
    let plain: usize = samples.iter().map(|sample| sample.len()).sum();
    println!(
        "{} documents, {plain} bytes, {compressed} compressed with the new dictionary (×{:.1}) in {:.0} ms; \
         dictionary id {}, written to {output}",
        samples.len(),
        plain as f64 / compressed as f64,
        started.elapsed().as_secs_f64() * 1000.0,
        zstd::zstd_safe::get_dict_id_from_dict(&dictionary).map_or(0, |id| id.get()),
    );
}
