//! Embeds every message file under `locales/{locale}/*.ftl` into the binary: a locale is shipped by adding its
//! folder, with no list to update. Generates `$OUT_DIR/locales.rs`, included by `src/i18n/bundles.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join("locales");
    // A directory is rescanned as a whole: new, removed and edited .ftl files all rebuild.
    println!("cargo::rerun-if-changed={}", root.display());

    assert!(root.join("en").is_dir(), "locales/en must exist: English is the portal's last resort");
    let mut out = String::from("pub(super) static SHIPPED: &[(&str, &[(&str, &str)])] = &[\n");
    for locale in sorted(&root, |p| p.is_dir()) {
        let name = file_name(&locale);
        writeln!(out, "    ({name:?}, &[").unwrap();
        for file in sorted(&locale, |p| p.extension().is_some_and(|e| e == "ftl")) {
            let path = file.to_str().expect("locale paths are UTF-8");
            writeln!(out, "        ({:?}, include_str!({path:?})),", file_name(&file)).unwrap();
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("locales.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}

fn sorted(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries.map(|e| e.expect("readable entry").path()).filter(|p| keep(p)).collect();
    paths.sort();
    paths
}

fn file_name(path: &Path) -> String {
    path.file_name().and_then(|n| n.to_str()).expect("locale names are UTF-8").to_owned()
}
