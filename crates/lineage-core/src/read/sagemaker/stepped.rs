//! A document read a piece at a time: the page's merge of a large bundle stops between the elements of its lists
//! (a few megabytes a step) instead of parsing hundreds of megabytes in one task.
//!
//! [`DocCursor`] walks the top-level object itself (its braces, keys, colons and commas) and hands each element of
//! the four lists ([`ListKey`]) and each other field to serde_json, which reads it exactly as [`RawDoc`] does. It
//! keeps only a position and where it is, so it borrows nothing between pieces. It does not say why a text is not
//! what it expects: it stops ([`Unread`]) and the caller reads the file whole, whose error names the line, column
//! and JSON path. One difference from the whole read: serde_json's depth limit counts from each element, so an
//! element may nest two levels deeper than in the whole read (the limit guards the stack; both are bounded).

use serde::de::DeserializeSeed;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::lineage::{HeadField, HeadSeed, ListKey, RawDoc, RawEdge, RawVertex};
use crate::read::tree::CowStr;

/// One piece of a document, in the text's order.
pub(crate) enum Piece<'a> {
    /// A list's `[`: its elements follow, then [`Piece::End`].
    Begin(ListKey),
    Vertex(RawVertex<'a>),
    Edge(usize, RawEdge<'a>),
    Page(usize, RawDoc<'a>),
    Description(&'a RawValue),
    /// A list's `]`.
    End,
    /// A list given as `null` (as [`RawDoc`] reads it: no vertices, edges or pages; no descriptions at all).
    Null(ListKey),
    Head(HeadField),
    /// The document's closing brace, and nothing but whitespace after it.
    Done,
}

/// The text is not a document the cursor reads piece by piece (or not valid JSON): read it whole.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Unread;

/// Where a stepped read of a document is: a byte offset and what is expected there.
#[derive(Debug)]
pub(crate) struct DocCursor {
    at: usize,
    expect: Expect,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Open,
    FirstKey,
    NextKey,
    /// The `index`th element of a list (after a comma unless it is the first), or its `]`.
    Element {
        list: ListKey,
        index: usize,
    },
    Done,
}

impl DocCursor {
    pub(crate) fn new() -> DocCursor {
        DocCursor { at: 0, expect: Expect::Open }
    }

    /// How many bytes of the text are read.
    pub(crate) fn offset(&self) -> usize {
        self.at
    }

    /// The next piece of `text` (the same text every call).
    pub(crate) fn next<'a>(&mut self, text: &'a [u8]) -> Result<Piece<'a>, Unread> {
        self.skip_space(text);
        let next = text.get(self.at).copied();
        match (self.expect, next) {
            (Expect::Open, Some(b'{')) => {
                self.at += 1;
                self.expect = Expect::FirstKey;
                self.next(text)
            }
            (Expect::FirstKey | Expect::NextKey, Some(b'}')) => {
                self.at += 1;
                self.skip_space(text);
                if self.at != text.len() {
                    return Err(Unread);
                }
                self.expect = Expect::Done;
                Ok(Piece::Done)
            }
            (Expect::NextKey, Some(b',')) | (Expect::FirstKey, Some(b'"')) => {
                self.at += usize::from(next == Some(b','));
                self.field(text)
            }
            (Expect::Element { .. }, Some(b']')) => {
                self.at += 1;
                self.expect = Expect::NextKey;
                Ok(Piece::End)
            }
            (Expect::Element { list, index }, Some(b',')) if index > 0 => {
                self.at += 1;
                self.element(text, list, index)
            }
            (Expect::Element { list, index: 0 }, Some(_)) => self.element(text, list, 0),
            (Expect::Done, _) => Ok(Piece::Done),
            _ => Err(Unread),
        }
    }

    /// A key, its colon and the start of its value: a list's `[` (its elements follow), else the whole value.
    fn field<'a>(&mut self, text: &'a [u8]) -> Result<Piece<'a>, Unread> {
        let key: CowStr<'a> = self.value(text)?;
        self.skip_space(text);
        if text.get(self.at) != Some(&b':') {
            return Err(Unread);
        }
        self.at += 1;
        self.skip_space(text);
        let Some(list) = ListKey::of(&key.0) else {
            let raw: &RawValue = self.value(text)?;
            let mut de = serde_json::Deserializer::from_str(raw.get());
            let head = HeadSeed(&key.0).deserialize(&mut de).map_err(|_| Unread)?;
            self.expect = Expect::NextKey;
            return Ok(Piece::Head(head));
        };
        if text.get(self.at) == Some(&b'[') {
            self.at += 1;
            self.expect = Expect::Element { list, index: 0 };
            return Ok(Piece::Begin(list));
        }
        // Anything but an array or `null` is an error of the whole read.
        let raw: &RawValue = self.value(text)?;
        if raw.get() != "null" {
            return Err(Unread);
        }
        self.expect = Expect::NextKey;
        Ok(Piece::Null(list))
    }

    /// The `index`th element of `list`, read as [`RawDoc`] reads it.
    fn element<'a>(&mut self, text: &'a [u8], list: ListKey, index: usize) -> Result<Piece<'a>, Unread> {
        self.expect = Expect::Element { list, index: index + 1 };
        Ok(match list {
            ListKey::Vertices => Piece::Vertex(self.value(text)?),
            ListKey::Edges => Piece::Edge(index, self.value(text)?),
            ListKey::Pages => Piece::Page(index, self.value(text)?),
            ListKey::Descriptions => Piece::Description(self.value(text)?),
        })
    }

    /// One JSON value at the cursor, read by serde_json.
    fn value<'a, T: Deserialize<'a>>(&mut self, text: &'a [u8]) -> Result<T, Unread> {
        let rest = text.get(self.at..).ok_or(Unread)?;
        let mut values = serde_json::Deserializer::from_slice(rest).into_iter::<T>();
        let value = values.next().ok_or(Unread)?.map_err(|_| Unread)?;
        self.at += values.byte_offset();
        Ok(value)
    }

    fn skip_space(&mut self, text: &[u8]) {
        while text.get(self.at).is_some_and(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pieces of `text` as short words, or where the cursor stopped.
    fn pieces(text: &str) -> String {
        let mut cursor = DocCursor::new();
        let mut out = Vec::new();
        loop {
            let word = match cursor.next(text.as_bytes()) {
                Err(Unread) => format!("unread at {}", cursor.offset()),
                Ok(Piece::Begin(l)) => format!("[{l:?}"),
                Ok(Piece::End) => "]".to_owned(),
                Ok(Piece::Null(l)) => format!("{l:?}:null"),
                Ok(Piece::Vertex(v)) => format!("v={}", v.arn),
                Ok(Piece::Edge(i, e)) => format!("e{i}={}>{}", e.source, e.destination),
                Ok(Piece::Page(i, p)) => format!("p{i}({})", p.vertices.map_or(0, |v| v.len())),
                Ok(Piece::Description(d)) => format!("d={}", d.get()),
                Ok(Piece::Head(h)) => format!("{h:?}"),
                Ok(Piece::Done) => "done".to_owned(),
            };
            let end = word == "done" || word.starts_with("unread");
            out.push(word);
            if end {
                return out.join(" ");
            }
        }
    }

    #[test]
    fn a_document_is_read_piece_by_piece_and_anything_unexpected_stops_the_cursor() {
        let cases = [
            r#" { "StartArns" : ["a"], "Vertices":[{"Arn":"a"} , {"Arn":"b\u0063"}],"Edges":[],
                "Pages":[{"Vertices":[{"Arn":"c"}]}], "Descriptions":[ {"x":1},2 ], "X":{"y":[1]}, "Vertices":null } "#,
            r#"{}"#,
            r#"{"Vertices":[{"Arn":"a"},]}"#,
            r#"{"Vertices":[{"Arn":"a"}}"#,
            r#"{"Vertices":{"Arn":"a"}}"#,
            r#"{"Vertices":[{"Arn":""}]}"#,
            r#"{"Edges":[{"SourceArn":"a","DestinationArn":"b"}]} x"#,
            r#"{"NextToken":5}"#,
            r#"{"A":1,}"#,
            r#"{"A" 1}"#,
            r#"[{"A":1}]"#,
            r#"{"Descriptions":[1 2]}"#,
        ];
        let out: Vec<String> = cases.iter().map(|c| pieces(c)).collect();
        expect_test::expect![[r#"
            StartArns(["a"]) [Vertices v=a v=bc ] [Edges ] [Pages p0(1) ] [Descriptions d={"x":1} d=2 ] Other("X", Object {"y": Array [Number(1)]}) Vertices:null done
            done
            [Vertices v=a unread at 25
            [Vertices v=a unread at 24
            unread at 23
            [Vertices unread at 13
            [Edges e0=a>b ] unread at 51
            unread at 14
            Other("A", Number(1)) unread at 7
            unread at 5
            unread at 0
            [Descriptions d=1 unread at 19"#]]
        .assert_eq(&out.join("\n"));
    }
}
