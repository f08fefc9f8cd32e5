//! Finding and loading the CJK-capable font every invoice PDF is set in.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::PdfError;

/// Names the directory searched first for the invoice font, before the system's font directories.
pub const FONT_DIR_ENV: &str = "PORTICO_PDF_FONT_DIR";

/// (regular, bold) file names, best first. Face 0 of Noto Sans CJK's collection is the Japanese one, which
/// also covers Chinese and Korean; the per-region faces only differ in the shape of some ideographs.
const CANDIDATES: &[(&str, &str)] = &[
    ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"),
    ("NotoSansCJKjp-Regular.otf", "NotoSansCJKjp-Bold.otf"),
    ("NotoSansCJK-Regular.otf", "NotoSansCJK-Bold.otf"),
];

/// Where distributions put Noto Sans CJK.
const SYSTEM_DIRS: &[&str] = &[
    "/usr/share/fonts/opentype/noto",              // Debian, Ubuntu: fonts-noto-cjk
    "/usr/share/fonts/google-noto-sans-cjk-fonts", // Fedora 36+: google-noto-sans-cjk-fonts
    "/usr/share/fonts/google-noto-cjk",            // older Fedora, RHEL: google-noto-sans-cjk-ttc-fonts
    "/usr/share/fonts/noto-cjk",                   // Arch: noto-fonts-cjk
    "/usr/share/fonts/noto",                       // Alpine: font-noto-cjk
    "/usr/local/share/fonts",
    "/Library/Fonts", // macOS, `brew install --cask font-noto-sans-cjk` for all users
];

/// The fonts invoice PDFs are set in. Loading reads about 40 MB, so load once at startup or on first use and
/// share the result (`Arc` or `OnceLock`); each PDF embeds only the glyphs it uses.
#[derive(Clone)]
pub struct Fonts {
    pub(super) regular: Face,
    pub(super) bold: Face,
}

#[derive(Clone)]
pub(super) struct Face {
    pub(super) data: Arc<Vec<u8>>,
    pub(super) font: krilla::text::Font,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts").finish_non_exhaustive()
    }
}

impl Fonts {
    /// Looks in `$PORTICO_PDF_FONT_DIR`, then in the usual places of Debian, Ubuntu, Fedora, Arch, Alpine and
    /// macOS, for Noto Sans CJK (`NotoSansCJK-Regular.ttc`, and `-Bold` beside it if there is one).
    pub fn discover() -> Result<Fonts, PdfError> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        if let Some(dir) = std::env::var_os(FONT_DIR_ENV).filter(|dir| !dir.is_empty()) {
            dirs.push(dir.into());
        }
        if let Some(home) = std::env::var_os("HOME") {
            dirs.push(Path::new(&home).join("Library/Fonts"));
            dirs.push(Path::new(&home).join(".local/share/fonts"));
        }
        dirs.extend(SYSTEM_DIRS.iter().map(PathBuf::from));
        for dir in &dirs {
            if let Some(fonts) = Self::from_dir(dir)? {
                return Ok(fonts);
            }
        }
        let searched = dirs.iter().map(|dir| dir.display().to_string()).collect::<Vec<_>>().join(", ");
        Err(PdfError::NoFont { searched })
    }

    /// Loads Noto Sans CJK from one directory; `None` if the directory holds no usable CJK font.
    pub fn from_dir(dir: &Path) -> Result<Option<Fonts>, PdfError> {
        for (regular, bold) in CANDIDATES {
            let path = dir.join(regular);
            if !path.is_file() {
                continue;
            }
            let Some(regular) = load(&path)? else { continue };
            // Without a bold file the headings are set in the regular weight rather than failing.
            let bold_path = dir.join(bold);
            let bold = if bold_path.is_file() { load(&bold_path)? } else { None };
            let bold = bold.unwrap_or_else(|| regular.clone());
            return Ok(Some(Fonts { regular, bold }));
        }
        Ok(None)
    }
}

/// `None` when the file parses but lacks kanji, kana or hangul: such a font would print customer names as tofu.
fn load(path: &Path) -> Result<Option<Face>, PdfError> {
    let data = std::fs::read(path).map_err(|source| PdfError::FontRead { path: path.to_owned(), source })?;
    let covers_cjk = match rustybuzz::ttf_parser::Face::parse(&data, 0) {
        Ok(face) => ['請', 'あ', '한'].iter().all(|&c| face.glyph_index(c).is_some()),
        Err(_) => false,
    };
    if !covers_cjk {
        return Ok(None);
    }
    let data = Arc::new(data);
    let Some(font) = krilla::text::Font::new(data.clone().into(), 0) else { return Ok(None) };
    Ok(Some(Face { data, font }))
}
