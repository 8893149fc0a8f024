//! Fonts as the layout sees them: which embedded face covers each character, and how wide text is.
//!
//! The three styles (regular, bold, mono) come first; fallback faces (such as a CJK font) are parsed only when a
//! character needs one. A character no face covers is drawn as `<U+XXXX>` in the regular face and reported.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use printpdf::ParsedFont;

/// Which face a run of text uses. `Fallback(i)` is the i-th fallback face.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Face {
    Regular,
    Bold,
    Mono,
    Fallback(usize),
}

/// The text style a caller asks for; a fallback face stands in where the style's face lacks a glyph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    Regular,
    Bold,
    Mono,
}

impl Style {
    fn face(self) -> Face {
        match self {
            Style::Regular => Face::Regular,
            Style::Bold => Face::Bold,
            Style::Mono => Face::Mono,
        }
    }
}

/// A piece of a line drawn in one face.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub face: Face,
    pub text: String,
}

/// The font bytes a document may embed (the caller chooses them; this crate ships none).
#[derive(Clone, Copy, Debug)]
pub struct FontSet<'a> {
    pub regular: &'a [u8],
    pub bold: &'a [u8],
    pub mono: &'a [u8],
    /// Tried in order for characters the style's face lacks (e.g. a CJK face).
    pub fallbacks: &'a [&'a [u8]],
}

/// Parsed faces and their metrics.
pub struct Fonts<'a> {
    set: FontSet<'a>,
    faces: BTreeMap<Face, ParsedFont>,
    /// Fallbacks that failed to parse (reported once, then skipped).
    pub broken_fallbacks: BTreeSet<usize>,
    /// Characters no face covers.
    pub uncovered: BTreeSet<char>,
    /// Each character's width at size 1 in a style (fallbacks included): layout measures the same words many times.
    widths: HashMap<(Style, char), f32>,
}

/// A face that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontError(pub String);

fn parse(bytes: &[u8], what: &str) -> Result<ParsedFont, FontError> {
    let mut warnings = Vec::new();
    ParsedFont::from_bytes(bytes, 0, &mut warnings)
        .ok_or_else(|| FontError(format!("the {what} font is not a TrueType/OpenType font printpdf can read")))
}

impl<'a> Fonts<'a> {
    pub fn new(set: FontSet<'a>) -> Result<Fonts<'a>, FontError> {
        let mut faces = BTreeMap::new();
        faces.insert(Face::Regular, parse(set.regular, "regular")?);
        faces.insert(Face::Bold, parse(set.bold, "bold")?);
        faces.insert(Face::Mono, parse(set.mono, "mono")?);
        Ok(Fonts { set, faces, broken_fallbacks: BTreeSet::new(), uncovered: BTreeSet::new(), widths: HashMap::new() })
    }

    /// The parsed faces that text was laid out in (the regular, bold and mono ones always).
    pub fn faces(&self) -> &BTreeMap<Face, ParsedFont> {
        &self.faces
    }

    fn covers(&self, face: Face, c: char) -> bool {
        self.faces.get(&face).is_some_and(|f| f.lookup_glyph_index(c as u32).is_some_and(|g| g != 0))
    }

    fn fallback_for(&mut self, c: char) -> Option<Face> {
        for i in 0..self.set.fallbacks.len() {
            let face = Face::Fallback(i);
            if self.broken_fallbacks.contains(&i) {
                continue;
            }
            if !self.faces.contains_key(&face) {
                match parse(self.set.fallbacks[i], "fallback") {
                    Ok(f) => {
                        self.faces.insert(face, f);
                    }
                    Err(_) => {
                        self.broken_fallbacks.insert(i);
                        continue;
                    }
                }
            }
            if self.covers(face, c) {
                return Some(face);
            }
        }
        None
    }

    /// Splits `text` into runs of one face each. Spaces and line breaks never need a fallback; control
    /// characters are dropped only after being turned into spaces by the caller.
    pub fn runs(&mut self, style: Style, text: &str) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        let base = style.face();
        for c in text.chars() {
            let (face, piece) = if c == ' ' || self.covers(base, c) {
                (base, c.to_string())
            } else if let Some(face) = self.fallback_for(c) {
                (face, c.to_string())
            } else if self.covers(Face::Regular, c) {
                (Face::Regular, c.to_string())
            } else {
                self.uncovered.insert(c);
                (base, format!("<U+{:04X}>", c as u32))
            };
            match runs.last_mut() {
                Some(last) if last.face == face => last.text.push_str(&piece),
                _ => runs.push(Run { face, text: piece }),
            }
        }
        runs
    }

    /// Width of one run in points at `size`.
    pub fn run_width(&self, run: &Run, size: f32) -> f32 {
        let Some(font) = self.faces.get(&run.face) else { return 0.0 };
        let upem = f32::from(font.units_per_em.max(1));
        let units: f32 = run
            .text
            .chars()
            .map(|c| {
                font.lookup_glyph_index(c as u32).and_then(|g| font.get_glyph_width(g)).map_or(upem / 2.0, f32::from)
            })
            .sum();
        units / upem * size
    }

    /// Width of `text` in `style` at `size`, fallbacks included.
    pub fn width(&mut self, style: Style, text: &str, size: f32) -> f32 {
        let mut units = 0.0;
        let mut buf = [0u8; 4];
        for c in text.chars() {
            units += match self.widths.get(&(style, c)) {
                Some(w) => *w,
                None => {
                    let runs = self.runs(style, c.encode_utf8(&mut buf));
                    let w = runs.iter().map(|r| self.run_width(r, 1.0)).sum();
                    self.widths.insert((style, c), w);
                    w
                }
            };
        }
        units * size
    }
}
