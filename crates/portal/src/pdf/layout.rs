//! Measuring and wrapping text: shape with rustybuzz, then break lines greedily at spaces, or between any two
//! CJK characters (which have no spaces) unless that would start a line with closing punctuation.

use krilla::text::{Font, GlyphId, KrillaGlyph};

use super::fonts::Face;

/// One font made ready for shaping for the length of a render.
pub(super) struct Shaper<'a> {
    face: rustybuzz::Face<'a>,
    pub(super) font: Font,
    units_per_em: f32,
}

/// Shaped text: glyph advances are in em, so one run serves every font size.
#[derive(Clone)]
pub(super) struct Run {
    pub(super) text: String,
    pub(super) glyphs: Vec<KrillaGlyph>,
    width_em: f32,
}

impl Run {
    pub(super) fn width(&self, size: f32) -> f32 {
        self.width_em * size
    }
}

impl<'a> Shaper<'a> {
    pub(super) fn new(face: &'a Face) -> Option<Self> {
        let rb = rustybuzz::Face::from_slice(&face.data, 0)?;
        let units_per_em = rb.units_per_em() as f32;
        Some(Shaper { face: rb, font: face.font.clone(), units_per_em })
    }

    pub(super) fn shape(&self, text: &str) -> Run {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        let output = rustybuzz::shape(&self.face, &[], buffer);
        let infos = output.glyph_infos();
        let upem = self.units_per_em;
        let mut glyphs = Vec::with_capacity(infos.len());
        for (i, (info, pos)) in infos.iter().zip(output.glyph_positions()).enumerate() {
            let start = info.cluster as usize;
            // A cluster runs to the next cluster's start (left-to-right text only: invoices hold no RTL).
            let end = infos[i..].iter().map(|next| next.cluster as usize).find(|&c| c != start).unwrap_or(text.len());
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                pos.x_advance as f32 / upem,
                pos.x_offset as f32 / upem,
                pos.y_offset as f32 / upem,
                pos.y_advance as f32 / upem,
                start..end,
                None,
            ));
        }
        let width_em = glyphs.iter().map(|g| g.x_advance).sum();
        Run { text: text.to_owned(), glyphs, width_em }
    }

    /// Breaks `text` into lines no wider than `max_width` points; `\n` always breaks.
    pub(super) fn wrap(&self, text: &str, size: f32, max_width: f32) -> Vec<Run> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            for line in self.wrap_paragraph(paragraph, size, max_width) {
                lines.push(self.shape(line));
            }
        }
        lines
    }

    fn wrap_paragraph<'t>(&self, text: &'t str, size: f32, max_width: f32) -> Vec<&'t str> {
        let run = self.shape(text);
        // Advance of the cluster starting at each byte; other bytes stay 0.
        let mut advance = vec![0.0_f32; text.len() + 1];
        for glyph in &run.glyphs {
            advance[glyph.text_range.start] += glyph.x_advance * size;
        }
        let mut lines = Vec::new();
        let (mut start, mut width, mut brk) = (0, 0.0, None::<usize>);
        let mut prev: Option<char> = None;
        for (i, c) in text.char_indices() {
            if prev.is_some_and(|p| i > start && can_break(p, c)) {
                brk = Some(i);
            }
            prev = Some(c);
            width += advance[i];
            if width <= max_width || i == start || c.is_whitespace() {
                continue;
            }
            // Nothing to break at: cut the word, as a browser does with `overflow-wrap: anywhere`.
            let cut = brk.filter(|&b| b > start).unwrap_or(i);
            lines.push(text[start..cut].trim_end());
            start = cut + text[cut..].len() - text[cut..].trim_start().len();
            width = advance[start..i + c.len_utf8()].iter().sum();
            brk = None;
        }
        lines.push(text[start..].trim_end());
        lines
    }
}

fn can_break(before: char, after: char) -> bool {
    if after.is_whitespace() {
        return false;
    }
    if before.is_whitespace() {
        return true;
    }
    (is_cjk(before) || is_cjk(after)) && !NO_LINE_START.contains(after) && !NO_LINE_END.contains(before)
}

/// Kinsoku: characters that may not open a line, and those that may not close one.
const NO_LINE_START: &str = "、。，．・：；？！）」』】〕〉》ー～ぁぃぅぇぉっゃゅょァィゥェォッャュョ々,.:;?!)]}%";
const NO_LINE_END: &str = "（「『【〔〈《([{";

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF // Hangul Jamo
        | 0x2E80..=0x9FFF // radicals, CJK punctuation, kana, ideographs
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0xFF00..=0xFFEF // full-width forms
        | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::Shaper;
    use crate::pdf::Fonts;

    fn wrapped(text: &str, width: f32) -> Vec<(String, f32)> {
        let fonts = Fonts::discover().unwrap_or_else(|error| panic!("{error}"));
        let shaper = Shaper::new(&fonts.regular).unwrap();
        shaper.wrap(text, 10.0, width).into_iter().map(|run| (run.text.clone(), run.width(10.0))).collect()
    }

    #[test]
    fn wrapping_keeps_lines_inside_the_column_and_loses_no_text() {
        let text = "Enterprise support with a dedicated account manager and a four-hour response time; \
                    年間サポート契約（専任担当者付き）を含みます。東京都千代田区丸の内一丁目";
        let lines = wrapped(text, 150.0);
        assert!(lines.len() >= 4, "{lines:?}");
        for (line, width) in &lines {
            assert!(*width <= 150.0, "{line:?} is {width} pt wide");
            assert!(!line.starts_with(['、', '。', '）', ' ']), "{line:?} opens with a forbidden character");
        }
        let joined: String = lines.iter().map(|(line, _)| line.as_str()).collect::<Vec<_>>().join(" ");
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(squeeze(&joined), squeeze(text));
        assert!(
            lines.iter().any(|(line, _)| line.ends_with("with") || line.ends_with("a")),
            "breaks at spaces: {lines:?}"
        );
    }

    #[test]
    fn wrapping_cuts_a_word_longer_than_the_column_and_honours_newlines() {
        let lines = wrapped("https://billing.example.com/very/long/path/without/any/spaces\nsecond", 80.0);
        assert!(lines.len() >= 3, "{lines:?}");
        assert!(lines.iter().all(|(_, width)| *width <= 80.0), "{lines:?}");
        assert_eq!(lines.last().unwrap().0, "second");
    }
}
