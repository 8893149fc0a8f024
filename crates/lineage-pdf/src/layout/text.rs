//! Text: words measured for textwrap, over-long words broken where they fit, wrapped lines of styled runs,
//! paragraphs and the shaded boxes of paragraphs that split across pages.

use lineage_core::document::Span;
use lineage_core::text::one_line;
use textwrap::core::Fragment;

use super::{Builder, Item, Rgb, BODY, LEADING, MARGIN, TOP};
use crate::fonts::Style;

/// Wrapped text: lines of runs, each run one style.
pub(super) type Lines = Vec<Vec<(Style, String)>>;

/// The face a span is drawn in.
pub(super) fn span_style(span: &Span, base: Style) -> Style {
    match span {
        Span::Code(_) => Style::Mono,
        Span::Strong(_) => Style::Bold,
        Span::Text(_) | Span::Emphasis(_) | Span::Link { .. } | Span::Report { .. } => base,
    }
}

/// A wrapped line's words as runs of one style each, spaces kept where the text has them.
fn segments(line: &[Word]) -> Vec<(Style, String)> {
    let mut out: Vec<(Style, String)> = Vec::new();
    for (i, w) in line.iter().enumerate() {
        let mut text = w.text.clone();
        if w.space > 0.0 && i + 1 < line.len() {
            text.push(' ');
        }
        match out.last_mut() {
            Some((style, t)) if *style == w.style => t.push_str(&text),
            _ => out.push((w.style, text)),
        }
    }
    out
}

/// A word (or a piece of an over-long word) for textwrap, measured in points.
#[derive(Debug)]
struct Word {
    text: String,
    width: f64,
    space: f64,
    style: Style,
}

impl Fragment for Word {
    fn width(&self) -> f64 {
        self.width
    }
    fn whitespace_width(&self) -> f64 {
        self.space
    }
    fn penalty_width(&self) -> f64 {
        0.0
    }
}

impl Builder<'_, '_> {
    /// Wraps `text` to `width` points.
    pub(super) fn wrap(&mut self, style: Style, size: f32, text: &str, width: f32) -> Vec<String> {
        let text = one_line(text);
        let space = f64::from(self.fonts.width(style, " ", size));
        let mut words = Vec::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let w = self.fonts.width(style, word, size);
            if w <= width {
                words.push(Word { text: word.to_owned(), width: f64::from(w), space, style });
                continue;
            }
            // An over-long word (an ARN, a URI, CJK text) breaks where it fits, preferably after a separator.
            let pieces = self.split_long(style, size, word, width);
            let count = pieces.len();
            for (i, p) in pieces.into_iter().enumerate() {
                let pw = f64::from(self.fonts.width(style, &p, size));
                words.push(Word { text: p, width: pw, space: if i + 1 == count { space } else { 0.0 }, style });
            }
        }
        if words.is_empty() {
            return vec![String::new()];
        }
        let lines = textwrap::wrap_algorithms::wrap_first_fit(&words, &[f64::from(width)]);
        lines
            .iter()
            .map(|line| {
                let mut s = String::new();
                for (i, w) in line.iter().enumerate() {
                    s.push_str(&w.text);
                    if i + 1 < line.len() && w.space > 0.0 {
                        s.push(' ');
                    }
                }
                s
            })
            .collect()
    }

    fn split_long(&mut self, style: Style, size: f32, word: &str, width: f32) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest: Vec<char> = word.chars().collect();
        while !rest.is_empty() {
            // The longest prefix that fits (at least one character).
            let mut fit = 0;
            let mut acc = 0.0;
            for c in &rest {
                let cw = self.fonts.width(style, &c.to_string(), size);
                if acc + cw > width && fit > 0 {
                    break;
                }
                acc += cw;
                fit += 1;
            }
            let mut cut = fit;
            if fit < rest.len() {
                if let Some(p) = rest[..fit].iter().rposition(|c| matches!(c, '/' | ':' | '-' | '_' | '.' | ',' | '@'))
                {
                    if p + 1 >= fit / 2 {
                        cut = p + 1;
                    }
                }
            }
            out.push(rest[..cut].iter().collect());
            rest.drain(..cut);
        }
        out
    }

    /// A wrapped paragraph at the cursor.
    pub(super) fn paragraph(&mut self, text: &str, style: Style, size: f32, indent: f32, color: Rgb) {
        let width = self.width() - indent;
        let lh = size * LEADING;
        for line in self.wrap(style, size, text, width) {
            self.ensure(lh);
            let baseline = self.y + size;
            self.text(MARGIN + indent, baseline, style, size, color, &line);
            self.y += lh;
        }
    }

    /// Wraps styled spans to `width` points: each word keeps its span's style, and a space is kept only where the
    /// text has one, so `(` `code` `)` stay together.
    pub(super) fn wrap_spans(&mut self, spans: &[Span], base: Style, size: f32, width: f32) -> Lines {
        let mut words: Vec<Word> = Vec::new();
        for span in spans {
            let style = span_style(span, base);
            let text = one_line(span.text());
            let parts: Vec<&str> = text.split(' ').collect();
            for (k, part) in parts.iter().enumerate() {
                if part.is_empty() {
                    // A span that starts with a space: the word before it is followed by one.
                    if let (0, Some(last_style)) = (k, words.last().map(|w| w.style)) {
                        let sp = f64::from(self.fonts.width(last_style, " ", size));
                        if let Some(last) = words.last_mut() {
                            last.space = sp;
                        }
                    }
                    continue;
                }
                self.push_word(&mut words, style, size, part, width);
                if k + 1 < parts.len() {
                    let sp = f64::from(self.fonts.width(style, " ", size));
                    if let Some(last) = words.last_mut() {
                        last.space = sp;
                    }
                }
            }
        }
        if words.is_empty() {
            return vec![Vec::new()];
        }
        let lines = textwrap::wrap_algorithms::wrap_first_fit(&words, &[f64::from(width)]);
        lines.iter().map(|line| segments(line)).collect()
    }

    /// Adds a word, broken into pieces that fit when it is wider than the line (an ARN, a URI, CJK text).
    fn push_word(&mut self, words: &mut Vec<Word>, style: Style, size: f32, word: &str, width: f32) {
        let w = self.fonts.width(style, word, size);
        if w <= width {
            words.push(Word { text: word.to_owned(), width: f64::from(w), space: 0.0, style });
            return;
        }
        for p in self.split_long(style, size, word, width) {
            let pw = f64::from(self.fonts.width(style, &p, size));
            words.push(Word { text: p, width: pw, space: 0.0, style });
        }
    }

    /// One line of styled segments at (x, baseline).
    pub(super) fn draw_segments(&mut self, x: f32, baseline: f32, size: f32, color: Rgb, line: &[(Style, String)]) {
        let mut runs = Vec::new();
        for (style, text) in line {
            runs.extend(self.fonts.runs(*style, text));
        }
        if !runs.is_empty() {
            self.push(Item::Text { x, y: baseline, size, color, runs });
        }
    }

    pub(super) fn rich_paragraph(&mut self, spans: &[Span], size: f32, indent: f32) {
        let width = self.width() - indent;
        let lh = size * LEADING;
        for line in self.wrap_spans(spans, Style::Regular, size, width) {
            self.ensure(lh);
            let baseline = self.y + size;
            self.draw_segments(MARGIN + indent, baseline, size, Rgb::BLACK, &line);
            self.y += lh;
        }
        self.y += 3.0;
    }

    /// A shaded box of wrapped paragraphs that splits across pages.
    pub(super) fn boxed(&mut self, paragraphs: &[&[Span]], fill: Rgb, stroke: Rgb) {
        let pad = 7.0;
        let width = self.width() - 2.0 * pad;
        let lh = BODY * LEADING;
        let mut lines = Vec::new();
        for p in paragraphs {
            lines.extend(self.wrap_spans(p, Style::Regular, BODY, width));
        }
        // A box that fits on a page is never split: it moves whole to the next page, as a short table does.
        let whole = lines.len() as f32 * lh + 2.0 * pad;
        if whole <= self.bottom() - TOP {
            self.ensure(whole);
        }
        let mut i = 0;
        while i < lines.len() {
            self.ensure(lh + 2.0 * pad);
            let room = ((self.bottom() - self.y - 2.0 * pad) / lh).floor().max(1.0) as usize;
            let chunk: Vec<Vec<(Style, String)>> = lines[i..(i + room).min(lines.len())].to_vec();
            let h = chunk.len() as f32 * lh + 2.0 * pad;
            let top = self.y;
            let w = self.width();
            self.push(Item::Rect { x: MARGIN, y: top, w, h, fill: Some(fill), stroke: Some(stroke), line: 0.8 });
            for (k, line) in chunk.iter().enumerate() {
                self.draw_segments(MARGIN + pad, top + pad + BODY + k as f32 * lh, BODY, Rgb::BLACK, line);
            }
            self.y = top + h + 6.0;
            i += chunk.len();
        }
    }
}
