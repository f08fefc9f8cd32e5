//! The shipped message bundles: one Fluent bundle per folder of `locales/`, built once per process from the
//! files `build.rs` embedded.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use unic_langid::LanguageIdentifier;

use super::numbers;

// `static SHIPPED: &[(locale, &[(file name, contents)])]`, sorted.
include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// The messages of one shipped locale.
pub(super) struct Messages {
    id: LanguageIdentifier,
    bundle: FluentBundle<FluentResource>,
}

impl fmt::Debug for Messages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Messages").field(&self.id.to_string()).finish()
    }
}

impl Messages {
    fn load(locale: &str, files: &[(&str, &str)]) -> Messages {
        let id: LanguageIdentifier = locale.parse().unwrap_or_else(|_| {
            tracing::error!(locale, "portal locale folder is not a language tag");
            LanguageIdentifier::default()
        });
        let mut bundle = FluentBundle::new_concurrent(vec![id.clone()]);
        // Fluent wraps every placeable in FSI/PDI (U+2068/U+2069) so right-to-left names cannot reorder the
        // text around them. The marks end up inside HTML, break tests that compare text, and show as boxes in
        // some fonts; the portal ships no right-to-left locale, and one that comes would isolate with `<bdi>`
        // in its templates instead.
        bundle.set_use_isolating(false);
        // Numbers in messages (`tn`) are written the way the request's locale writes them.
        bundle.set_formatter(Some(numbers::fluent_formatter));
        for (file, source) in files {
            let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(resource, errors)| {
                // Keep what did parse: one bad entry must not blank the portal. A test fails on this.
                tracing::error!(locale, file, ?errors, "portal message file has syntax errors");
                resource
            });
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(locale, file, ?errors, "portal message file defines a key twice");
            }
        }
        Messages { id, bundle }
    }

    /// The message `key` (or `message.attribute`) with `args`; `None` when there is no such message.
    pub(super) fn format(&self, key: &str, args: Option<&FluentArgs>) -> Option<String> {
        let (id, attribute) = key.split_once('.').map_or((key, None), |(id, attr)| (id, Some(attr)));
        let message = self.bundle.get_message(id)?;
        let pattern = match attribute {
            None => message.value()?,
            Some(attribute) => message.get_attribute(attribute)?.value(),
        };
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            warn_once(self, key, || tracing::warn!(locale = %self.id, key, ?errors, "portal message did not format"));
        }
        Some(text.into_owned())
    }
}

/// Every shipped locale, built on first use.
fn all() -> &'static [Messages] {
    static ALL: OnceLock<Vec<Messages>> = OnceLock::new();
    ALL.get_or_init(|| SHIPPED.iter().map(|(locale, files)| Messages::load(locale, files)).collect())
}

fn ids() -> &'static [LanguageIdentifier] {
    static IDS: OnceLock<Vec<LanguageIdentifier>> = OnceLock::new();
    IDS.get_or_init(|| all().iter().map(|m| m.id.clone()).collect())
}

/// The shipped locale that serves `candidate`: itself, or the same language in another region or none
/// (`en-GB` → `en`, `ja-JP` → `ja`). `None` when we ship nothing in its language.
pub(super) fn find(candidate: &icu_locale_core::LanguageIdentifier) -> Option<&'static Messages> {
    let requested: LanguageIdentifier = candidate.to_string().parse().ok()?;
    let matched = negotiate_languages(&[requested], ids(), None, NegotiationStrategy::Filtering);
    let best = matched.first()?;
    all().iter().find(|m| m.id == **best)
}

/// The English messages, always shipped (`build.rs` refuses to build without `locales/en`).
pub(super) fn english() -> &'static Messages {
    static EN: OnceLock<usize> = OnceLock::new();
    let index = *EN.get_or_init(|| all().iter().position(|m| m.id.language == "en").unwrap_or_default());
    &all()[index]
}

/// Logs, once per locale and key, that `key` has no message in `messages`.
pub(super) fn warn_missing(messages: &Messages, key: &str) {
    warn_once(messages, key, || tracing::warn!(locale = %messages.id, key, "portal message is missing"));
}

fn warn_once(messages: &Messages, key: &str, warn: impl FnOnce()) {
    static WARNED: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let first = WARNED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get_or_insert_default()
        .insert(format!("{}:{key}", messages.id));
    if first {
        warn();
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use fluent_syntax::ast::Entry;

    use super::*;

    /// Every message key of a locale (`id`, and `id.attribute` for each attribute), by file.
    fn keys(locale: &str) -> BTreeSet<String> {
        let (_, files) = SHIPPED.iter().find(|(l, _)| *l == locale).expect("locale is shipped");
        let mut keys = BTreeSet::new();
        for (_, source) in *files {
            let resource = fluent_syntax::parser::parse(*source).unwrap_or_else(|(resource, _)| resource);
            for entry in resource.body {
                if let Entry::Message(message) = entry {
                    keys.insert(message.id.name.to_owned());
                    for attribute in message.attributes {
                        keys.insert(format!("{}.{}", message.id.name, attribute.id.name));
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn english_and_japanese_are_shipped() {
        let shipped: Vec<&str> = SHIPPED.iter().map(|(locale, _)| *locale).collect();
        assert!(shipped.contains(&"en") && shipped.contains(&"ja"), "{shipped:?}");
        assert_eq!(english().id.to_string(), "en");
    }

    #[test]
    fn every_message_file_parses_without_errors() {
        for (locale, files) in SHIPPED {
            assert!(locale.parse::<LanguageIdentifier>().is_ok(), "folder {locale} is not a language tag");
            for (file, source) in *files {
                if let Err((_, errors)) = fluent_syntax::parser::parse(*source) {
                    panic!("locales/{locale}/{file}: {errors:#?}");
                }
            }
        }
    }

    #[test]
    fn no_key_is_defined_twice_in_a_locale() {
        for (locale, files) in SHIPPED {
            let mut bundle = FluentBundle::new_concurrent(vec![LanguageIdentifier::default()]);
            for (file, source) in *files {
                let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(r, _)| r);
                assert!(bundle.add_resource(resource).is_ok(), "locales/{locale}/{file} repeats a key");
            }
        }
    }

    #[test]
    fn every_shipped_locale_has_exactly_the_keys_of_english() {
        let english = keys("en");
        for (locale, _) in SHIPPED {
            let theirs = keys(locale);
            let missing: Vec<_> = english.difference(&theirs).collect();
            let extra: Vec<_> = theirs.difference(&english).collect();
            assert!(missing.is_empty(), "locales/{locale} lacks {missing:?}");
            assert!(extra.is_empty(), "locales/{locale} has keys English does not: {extra:?}");
        }
    }

    #[test]
    fn every_shipped_locale_splits_its_keys_into_the_same_files_as_english() {
        let files = |locale: &str| -> Vec<&str> {
            let (_, files) = SHIPPED.iter().find(|(l, _)| *l == locale).expect("shipped");
            files.iter().map(|(name, _)| *name).collect()
        };
        for (locale, _) in SHIPPED {
            assert_eq!(files(locale), files("en"), "locales/{locale}");
        }
    }

    #[test]
    fn every_key_the_portal_uses_exists_in_english() {
        let english = keys("en");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        collect(&root.join("src"), "rs", &mut sources);
        collect(&root.join("templates"), "html", &mut sources);
        let (mut used, mut missing) = (0, Vec::new());
        for path in sources {
            let text = std::fs::read_to_string(&path).expect("readable source");
            for key in used_keys(&text) {
                used += 1;
                if !english.contains(key) {
                    missing.push(format!("{key} (in {})", path.strip_prefix(root).unwrap_or(&path).display()));
                }
            }
        }
        assert!(used > 0, "the scan found no message keys at all");
        assert!(missing.is_empty(), "messages used but missing in locales/en/*.ftl:\n{}", missing.join("\n"));
    }

    #[test]
    fn the_key_scan_finds_all_three_call_forms() {
        // Escaped quotes, so that scanning this file does not find these keys.
        let code =
            "lang.t(\"a\") + lang.t1( \"b-c\", \"x\", y) {{ lang.tn(\"d.e\", \"n\", 2) }} lang.t(key) x.tag(\"f\")";
        assert_eq!(used_keys(code), ["a", "b-c", "d.e"]);
        assert!(used_keys("  /// call `lang.t(\"key\")`").is_empty());
    }

    fn collect(dir: &Path, extension: &str, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                collect(&path, extension, out);
            } else if path.extension().is_some_and(|e| e == extension) {
                out.push(path);
            }
        }
    }

    /// The literal keys of `.t("…"`, `.t1("…"` and `.tn("…"` calls outside `//` comments: the pattern
    /// `\.(t|t1|tn)\(\s*"([^"]*)"`, scanned by hand to spare a regex dependency.
    fn used_keys(text: &str) -> Vec<&str> {
        let mut keys = Vec::new();
        let code = text.lines().filter(|line| !line.trim_start().starts_with("//"));
        for (line, at) in code.flat_map(|line| line.match_indices('.').map(move |(at, _)| (line, at))) {
            let rest = &line[at + 1..];
            let Some(rest) = ["t(", "t1(", "tn("].iter().find_map(|call| rest.strip_prefix(call)) else { continue };
            let Some(rest) = rest.trim_start().strip_prefix('"') else { continue };
            if let Some(end) = rest.find('"') {
                keys.push(&rest[..end]);
            }
        }
        keys
    }
}
