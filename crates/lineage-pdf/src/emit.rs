//! Writes a [`Layout`] as PDF with printpdf: fonts embedded and subset, an outline, metadata, and identifiers
//! derived from the content so that the same input always gives the same bytes.

use printpdf::{
    Color, Date, DateTime, FontId, Line, LineDashPattern, LinePoint, Mm, Offset, Op, PaintMode, PdfDocument, PdfFont,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb, TextItem, Time, WindingOrder,
};

use std::collections::{BTreeMap, BTreeSet};

use printpdf::ParsedFont;

use crate::fonts::{Face, Fonts, Run};
use crate::layout::{Bookmark, Item, Layout, Page, Rgb as Colour};

/// Document metadata.
pub struct Meta<'a> {
    pub title: &'a str,
    pub subject: &'a str,
    /// `YYYY-MM-DD`, used for the creation and modification dates.
    pub date: (i32, u8, u8),
    /// The associated files.
    pub attachments: &'a [crate::Attachment],
}

/// The sRGB profile of the PDF/A OutputIntent: Compact-ICC-Profiles' `sRGB-v2-micro.icc`, CC0 (see data/README.md).
const SRGB_ICC: &[u8] = include_bytes!("../data/sRGB-v2-micro.icc");

fn colour(c: Colour) -> Color {
    Color::Rgb(Rgb { r: c.0, g: c.1, b: c.2, icc_profile: None })
}

fn pt_mm(v: f32) -> Mm {
    Mm(v * 25.4 / 72.0)
}

fn face_id(face: Face) -> FontId {
    FontId(match face {
        Face::Regular => "FR".to_owned(),
        Face::Bold => "FB".to_owned(),
        Face::Mono => "FM".to_owned(),
        Face::Fallback(i) => format!("FX{i}"),
    })
}

/// The PDF bytes.
pub fn emit(layout: &Layout, fonts: &Fonts<'_>, meta: &Meta<'_>) -> Vec<u8> {
    let mut doc = PdfDocument::new(meta.title);
    set_metadata(&mut doc, meta);
    embed_fonts(&mut doc, layout, fonts);
    doc.pages = layout.pages.iter().map(pdf_page).collect();
    let mut warnings = Vec::new();
    let opts = PdfSaveOptions { optimize: true, subset_fonts: true, secure: true, image_optimization: None };
    // What `PdfDocument::save` does, with our outline added before compression: printpdf sorts bookmarks by page
    // and title and points each at the top of its page.
    let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
    add_outline(&mut lo, layout);
    archival(&mut lo, meta);
    attach(&mut lo, meta);
    lo.compress();
    let mut bytes = Vec::new();
    // Writing into a vector cannot fail.
    let _ = lo.save_to(&mut bytes);
    stable_ids(dated(bytes, meta.date))
}

/// The outline in document order, each entry pointing at its heading (`/XYZ 0 top null`).
fn add_outline(lo: &mut lopdf::Document, layout: &Layout) {
    use lopdf::{Dictionary, Object, StringFormat};
    let pages = lo.get_pages();
    let entries: Vec<(&Bookmark, lopdf::ObjectId)> =
        layout.outline.iter().filter_map(|b| Some((b, *pages.get(&u32::try_from(b.page).ok()?)?))).collect();
    if entries.is_empty() {
        return;
    }
    let root = lo.new_object_id();
    let ids: Vec<lopdf::ObjectId> = entries.iter().map(|_| lo.new_object_id()).collect();
    for (i, (b, page)) in entries.iter().enumerate() {
        let height = layout.pages.get(b.page - 1).map_or(0.0, |p| p.height);
        let dest = vec![Object::Reference(*page), "XYZ".into(), 0.into(), (height - b.top).into(), Object::Null];
        let title: Vec<u8> =
            [0xFE, 0xFF].into_iter().chain(b.title.encode_utf16().flat_map(u16::to_be_bytes)).collect();
        let mut item = Dictionary::new();
        item.set("Parent", Object::Reference(root));
        item.set("Title", Object::String(title, StringFormat::Hexadecimal));
        item.set("Dest", Object::Array(dest));
        if i > 0 {
            item.set("Prev", Object::Reference(ids[i - 1]));
        }
        if let Some(next) = ids.get(i + 1) {
            item.set("Next", Object::Reference(*next));
        }
        lo.set_object(ids[i], item);
    }
    let mut outlines = Dictionary::new();
    outlines.set("Type", Object::Name(b"Outlines".to_vec()));
    outlines.set("Count", Object::Integer(ids.len() as i64));
    outlines.set("First", Object::Reference(ids[0]));
    outlines.set("Last", Object::Reference(ids[ids.len() - 1]));
    lo.set_object(root, outlines);
    if let Ok(catalog) = lo.catalog_mut() {
        catalog.set("Outlines", Object::Reference(root));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }
}

fn producer() -> String {
    format!("lineage-pdf {} (printpdf 0.12.8)", env!("CARGO_PKG_VERSION"))
}

const CREATOR: &str = "Lineage Audit";

/// A PDF text string: ASCII as it is, anything else as UTF-16BE with a byte order mark.
fn text_string(s: &str) -> lopdf::Object {
    if s.is_ascii() {
        lopdf::Object::String(s.as_bytes().to_vec(), lopdf::StringFormat::Literal)
    } else {
        let bytes = [0xFE, 0xFF].into_iter().chain(s.encode_utf16().flat_map(u16::to_be_bytes)).collect();
        lopdf::Object::String(bytes, lopdf::StringFormat::Hexadecimal)
    }
}

fn pdf_date((y, m, d): (i32, u8, u8)) -> lopdf::Object {
    lopdf::Object::String(format!("D:{y:04}{m:02}{d:02}000000+00'00'").into_bytes(), lopdf::StringFormat::Literal)
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// PDF/A-3b: PDF 1.7, the document information rewritten to match an XMP metadata stream (`pdfaid` part 3,
/// conformance B) on the catalog, and an sRGB OutputIntent (`GTS_PDFA1`).
fn archival(lo: &mut lopdf::Document, meta: &Meta<'_>) {
    use lopdf::{Dictionary, Object, Stream};
    lo.version = "1.7".to_owned();
    let (y, m, d) = meta.date;
    let mut info = Dictionary::new();
    info.set("Title", text_string(meta.title));
    info.set("Subject", text_string(meta.subject));
    info.set("Creator", text_string(CREATOR));
    info.set("Producer", text_string(&producer()));
    info.set("CreationDate", pdf_date(meta.date));
    info.set("ModDate", pdf_date(meta.date));
    let info_id = lo.add_object(info);
    lo.trailer.set("Info", Object::Reference(info_id));

    let date = format!("{y:04}-{m:02}-{d:02}T00:00:00+00:00");
    let xmp = format!(
        r#"<?xpacket begin="﻿" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>3</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>{producer}</pdf:Producer>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        title = xml_escape(meta.title),
        subject = xml_escape(meta.subject),
        creator = CREATOR,
        producer = xml_escape(&producer()),
    );
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Metadata".to_vec()));
    dict.set("Subtype", Object::Name(b"XML".to_vec()));
    // PDF/A wants the metadata readable without decompression.
    let metadata = lo.add_object(Stream::new(dict, xmp.into_bytes()).with_compression(false));

    let mut icc = Dictionary::new();
    icc.set("N", Object::Integer(3));
    icc.set("Alternate", Object::Name(b"DeviceRGB".to_vec()));
    let icc = lo.add_object(Stream::new(icc, SRGB_ICC.to_vec()));
    let mut intent = Dictionary::new();
    intent.set("Type", Object::Name(b"OutputIntent".to_vec()));
    intent.set("S", Object::Name(b"GTS_PDFA1".to_vec()));
    intent.set("OutputConditionIdentifier", text_string("sRGB IEC61966-2.1"));
    intent.set("RegistryName", text_string("http://www.color.org"));
    intent.set("Info", text_string("sRGB IEC61966-2.1"));
    intent.set("DestOutputProfile", Object::Reference(icc));
    if let Ok(catalog) = lo.catalog_mut() {
        catalog.set("Metadata", Object::Reference(metadata));
        catalog.set("OutputIntents", Object::Array(vec![Object::Dictionary(intent)]));
    }
}

/// The associated files: each an `/EmbeddedFile` stream (MIME subtype, size, date, MD5) with a file
/// specification naming its relationship, listed in the catalog's `/AF` and its `/EmbeddedFiles` name tree.
fn attach(lo: &mut lopdf::Document, meta: &Meta<'_>) {
    use lopdf::{Dictionary, Object, Stream, StringFormat};
    use md5::Digest as _;
    if meta.attachments.is_empty() {
        return;
    }
    let mut specs = Vec::new();
    for a in meta.attachments {
        let mut params = Dictionary::new();
        params.set("Size", Object::Integer(a.bytes.len() as i64));
        params.set("ModDate", pdf_date(meta.date));
        params.set("CheckSum", Object::String(md5::Md5::digest(&a.bytes).to_vec(), StringFormat::Hexadecimal));
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
        dict.set("Subtype", Object::Name(a.mime.as_bytes().to_vec()));
        dict.set("Params", Object::Dictionary(params));
        let file = lo.add_object(Stream::new(dict, a.bytes.clone()));
        let mut ef = Dictionary::new();
        ef.set("F", Object::Reference(file));
        ef.set("UF", Object::Reference(file));
        let mut spec = Dictionary::new();
        spec.set("Type", Object::Name(b"Filespec".to_vec()));
        spec.set("F", text_string(&a.name));
        spec.set("UF", text_string(&a.name));
        spec.set("Desc", text_string(&a.name));
        spec.set("AFRelationship", Object::Name(a.relationship.name().as_bytes().to_vec()));
        spec.set("EF", Object::Dictionary(ef));
        specs.push((a.name.clone(), lo.add_object(spec)));
    }
    let af: Vec<Object> = specs.iter().map(|(_, id)| Object::Reference(*id)).collect();
    // A name tree's keys are sorted by their bytes.
    let mut sorted = specs.clone();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut names = Vec::new();
    for (name, id) in sorted {
        names.push(text_string(&name));
        names.push(Object::Reference(id));
    }
    let mut tree = Dictionary::new();
    tree.set("Names", Object::Array(names));
    let mut catalog_names = Dictionary::new();
    catalog_names.set("EmbeddedFiles", Object::Dictionary(tree));
    if let Ok(catalog) = lo.catalog_mut() {
        catalog.set("AF", Object::Array(af));
        catalog.set("Names", Object::Dictionary(catalog_names));
    }
}

/// The document information: subject, producer, creator, and the generation date (at midnight UTC) as every date.
fn set_metadata(doc: &mut PdfDocument, meta: &Meta<'_>) {
    let (y, m, d) = meta.date;
    let date = DateTime {
        date: Date { year: y, month: m, day: d },
        time: Time { hour: 0, minute: 0, second: 0, millisecond: 0 },
        offset: Offset { hours: 0, minutes: 0, seconds: 0, milliseconds: 0 },
    };
    let info = &mut doc.metadata.info;
    info.subject = meta.subject.to_owned();
    info.producer = producer();
    info.creator = CREATOR.to_owned();
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
}

/// Only the faces some text uses are embedded, each subset to the characters it draws.
fn embed_fonts(doc: &mut PdfDocument, layout: &Layout, fonts: &Fonts<'_>) {
    let mut used: BTreeMap<Face, BTreeSet<char>> = BTreeMap::new();
    for page in &layout.pages {
        for item in &page.items {
            if let Item::Text { runs, .. } = item {
                for r in runs {
                    used.entry(r.face).or_default().extend(r.text.chars());
                }
            }
        }
    }
    for (face, parsed) in fonts.faces() {
        if let Some(chars) = used.get(face) {
            let font = subset(parsed, chars).unwrap_or_else(|| parsed.clone());
            doc.resources.fonts.map.insert(face_id(*face), PdfFont::new(font));
        }
    }
}

/// One page's operators. Layout coordinates run down from the top; PDF's run up from the bottom.
fn pdf_page(page: &Page) -> PdfPage {
    let mut out = PageOps { height: page.height, ops: Vec::new(), text_fill: None, text_font: None };
    for item in &page.items {
        match item {
            Item::Text { x, y, size, color, runs } => out.text(*x, *y, *size, *color, runs),
            Item::Rect { x, y, w, h, fill, stroke, line } => out.rect((*x, *y, *w, *h), *fill, *stroke, *line),
            Item::Path { points, color, width, dashed } => out.path(points, *color, *width, *dashed),
            Item::Triangle { points, color } => out.triangle(points, *color),
        }
    }
    PdfPage::new(pt_mm(page.width), pt_mm(page.height), out.ops)
}

/// The operators of one page as they are written.
struct PageOps {
    height: f32,
    ops: Vec<Op>,
    // Text colour and font are graphics state that lasts across text sections (every other item draws inside
    // save/restore), so each is set only when it changes: a table of a thousand rows stays small.
    text_fill: Option<Colour>,
    text_font: Option<(Face, f32)>,
}

impl PageOps {
    /// A layout point (from the top-left corner) as a PDF point (from the bottom-left).
    fn at(&self, x: f32, y: f32) -> Point {
        Point { x: Pt(x), y: Pt(self.height - y) }
    }

    fn line_points(&self, points: &[(f32, f32)]) -> Vec<LinePoint> {
        points.iter().map(|&(px, py)| LinePoint { p: self.at(px, py), bezier: false }).collect()
    }

    fn text(&mut self, x: f32, y: f32, size: f32, color: Colour, runs: &[Run]) {
        self.ops.push(Op::StartTextSection);
        if self.text_fill != Some(color) {
            self.ops.push(Op::SetFillColor { col: colour(color) });
            self.text_fill = Some(color);
        }
        let pos = self.at(x, y);
        self.ops.push(Op::SetTextCursor { pos });
        for run in runs {
            if self.text_font != Some((run.face, size)) {
                let font = PdfFontHandle::External(face_id(run.face));
                self.ops.push(Op::SetFont { font, size: Pt(size) });
                self.text_font = Some((run.face, size));
            }
            self.ops.push(Op::ShowText { items: vec![TextItem::Text(run.text.clone())] });
        }
        self.ops.push(Op::EndTextSection);
    }

    /// A rectangle, `(x, y, w, h)` with (x, y) its top-left corner.
    fn rect(&mut self, (x, y, w, h): (f32, f32, f32, f32), fill: Option<Colour>, stroke: Option<Colour>, line: f32) {
        let mode = match (fill, stroke) {
            (Some(_), Some(_)) => PaintMode::FillStroke,
            (Some(_), None) => PaintMode::Fill,
            _ => PaintMode::Stroke,
        };
        self.ops.push(Op::SaveGraphicsState);
        if let Some(f) = fill {
            self.ops.push(Op::SetFillColor { col: colour(f) });
        }
        if let Some(s) = stroke {
            self.ops.push(Op::SetOutlineColor { col: colour(s) });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(line) });
        }
        let corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)];
        let polygon = self.polygon(&corners, mode);
        self.ops.push(Op::DrawPolygon { polygon });
        self.ops.push(Op::RestoreGraphicsState);
    }

    fn path(&mut self, points: &[(f32, f32)], color: Colour, width: f32, dashed: bool) {
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetOutlineColor { col: colour(color) });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        if dashed {
            self.ops.push(Op::SetLineDashPattern { dash: LineDashPattern::new(0.0, &[3.0, 2.0]) });
        }
        let line = Line { points: self.line_points(points), is_closed: false };
        self.ops.push(Op::DrawLine { line });
        self.ops.push(Op::RestoreGraphicsState);
    }

    fn triangle(&mut self, points: &[(f32, f32); 3], color: Colour) {
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetFillColor { col: colour(color) });
        let polygon = self.polygon(points, PaintMode::Fill);
        self.ops.push(Op::DrawPolygon { polygon });
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// A closed polygon through `points`, filled by the non-zero rule.
    fn polygon(&self, points: &[(f32, f32)], mode: PaintMode) -> Polygon {
        Polygon {
            rings: vec![PolygonRing { points: self.line_points(points) }],
            mode,
            winding_order: WindingOrder::NonZero,
        }
    }
}

/// A copy of `font` holding only the glyphs of `chars` (and `.notdef`), renumbered, with a Unicode cmap for
/// them; `None` if allsorts cannot subset it (then the whole font is embedded).
fn subset(font: &ParsedFont, chars: &BTreeSet<char>) -> Option<ParsedFont> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile};

    let mut gids: Vec<u16> =
        chars.iter().filter_map(|c| font.lookup_glyph_index(*c as u32)).filter(|g| *g != 0).collect();
    gids.sort_unstable();
    gids.dedup();
    gids.insert(0, 0);
    let scope = ReadScope::new(&font.original_bytes);
    let data = scope.read::<FontData<'_>>().ok()?;
    let provider = data.table_provider(font.font_index as usize).ok()?;
    let bytes = allsorts::subset::subset(&provider, &gids, &SubsetProfile::Pdf, CmapTarget::Unicode).ok()?;
    let mut warnings = Vec::new();
    let sub = ParsedFont::from_bytes(&bytes, 0, &mut warnings)?;
    // Every character must still map to a glyph in the subset, or the full font is safer.
    chars
        .iter()
        .filter(|c| **c != ' ')
        .all(|c| sub.lookup_glyph_index(*c as u32).is_some_and(|g| g != 0))
        .then_some(sub)
}

/// printpdf fills the trailer's `/ID` with strings from a process-wide counter, so two calls in one process would
/// differ. Both strings are replaced, in place and at the same length, by a digest of the rest of the file.
/// printpdf writes every date as 1970-01-01 when built for WASM (it has no formatter there): the page's PDF
/// worker would carry that date in the document information. Each such stamp is overwritten in place by the
/// generation date, written the same way at the same length, so no offset moves.
fn dated(mut bytes: Vec<u8>, (y, m, d): (i32, u8, u8)) -> Vec<u8> {
    let stamps = [
        (&b"D:19700101000000+00'00'"[..], format!("D:{y:04}{m:02}{d:02}000000+00'00'")),
        (&b"D:1970-01-01T00:00:00+00'00'"[..], format!("D:{y:04}-{m:02}-{d:02}T00:00:00+00'00'")),
    ];
    for (placeholder, stamp) in stamps {
        if stamp.len() != placeholder.len() {
            continue;
        }
        let mut i = 0;
        while let Some(at) = bytes[i..].windows(placeholder.len()).position(|w| w == placeholder) {
            let at = i + at;
            bytes[at..at + placeholder.len()].copy_from_slice(stamp.as_bytes());
            i = at + placeholder.len();
        }
    }
    bytes
}

fn stable_ids(mut bytes: Vec<u8>) -> Vec<u8> {
    let Some(start) = find_last(&bytes, b"/ID") else { return bytes };
    let mut spans = Vec::new();
    let mut i = start;
    while spans.len() < 2 && i < bytes.len() {
        if bytes[i] == b'(' {
            let open = i + 1;
            if let Some(len) = bytes[open..].iter().position(|&b| b == b')') {
                spans.push((open, open + len));
                i = open + len;
            }
        }
        i += 1;
    }
    let mut digest = Fnv::default();
    let mut last = 0;
    for &(a, b) in &spans {
        digest.update(&bytes[last..a]);
        last = b;
    }
    digest.update(&bytes[last..]);
    for (k, &(a, b)) in spans.iter().enumerate() {
        let mut h = digest;
        h.update(&[k as u8]);
        let hex = h.hex();
        for (j, byte) in bytes[a..b].iter_mut().enumerate() {
            *byte = hex.as_bytes()[j % hex.len()];
        }
    }
    bytes
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// 128-bit FNV-1a: a stable content fingerprint for the file identifier (not a security hash).
#[derive(Clone, Copy)]
struct Fnv(u128);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0x6c62272e07bb014262b821756295c58d)
    }
}

impl Fnv {
    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(0x0000000001000000000000000000013B);
        }
    }

    fn hex(self) -> String {
        format!("{:032x}", self.0)
    }
}
