//! Single-pass serde readers for one export document: QueryLineage pages, bundles and everything else kept as JSON.
//!
//! Strings borrow from the input bytes where the JSON has no escapes, so a million-vertex page is read without
//! copying every ARN twice. Enum-like fields are checked while they are read, so an error carries its exact JSON path.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::model::{AssociationType, LineageType};
use crate::read::tree::CowStr;

/// A non-empty ARN string.
struct ArnStr<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for ArnStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = CowStr::deserialize(d)?.0;
        if s.trim().is_empty() {
            return Err(de::Error::custom("expected a non-empty ARN string, found an empty string"));
        }
        Ok(ArnStr(s))
    }
}

struct LineageTypeField(LineageType);

impl<'de> Deserialize<'de> for LineageTypeField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = CowStr::deserialize(d)?.0;
        LineageType::parse(&s).map(LineageTypeField).ok_or_else(|| {
            de::Error::custom(format!(
                "expected one of Artifact, Action, Context, TrialComponent, found {:?}",
                s.as_ref()
            ))
        })
    }
}

/// One `Vertex` of a QueryLineage response.
#[derive(Debug)]
pub(crate) struct RawVertex<'a> {
    pub arn: Cow<'a, str>,
    pub entity_type: Option<Cow<'a, str>>,
    pub lineage_type: Option<LineageType>,
}

impl<'de: 'a, 'a> Deserialize<'de> for RawVertex<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawVertex<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a vertex object {\"Arn\", \"Type\", \"LineageType\"}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut arn = None;
                let mut entity_type = None;
                let mut lineage_type = None;
                while let Some(key) = map.next_key::<CowStr<'de>>()? {
                    match key.0.as_ref() {
                        "Arn" => arn = Some(map.next_value::<ArnStr<'de>>()?.0),
                        "Type" => entity_type = map.next_value::<Option<CowStr<'de>>>()?.map(|s| s.0),
                        "LineageType" => lineage_type = map.next_value::<Option<LineageTypeField>>()?.map(|t| t.0),
                        // A field the API does not document is checked as JSON; nothing reads it.
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let arn = arn.ok_or_else(|| de::Error::missing_field("Arn"))?;
                Ok(RawVertex { arn, entity_type, lineage_type })
            }
        }
        d.deserialize_map(V)
    }
}

/// One `Edge` of a QueryLineage response.
#[derive(Debug)]
pub(crate) struct RawEdge<'a> {
    pub source: Cow<'a, str>,
    pub destination: Cow<'a, str>,
    pub association_type: Option<AssociationType>,
}

impl<'de: 'a, 'a> Deserialize<'de> for RawEdge<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawEdge<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an edge object {\"SourceArn\", \"DestinationArn\", \"AssociationType\"}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut source = None;
                let mut destination = None;
                let mut association_type = None;
                while let Some(key) = map.next_key::<CowStr<'de>>()? {
                    match key.0.as_ref() {
                        "SourceArn" => source = Some(map.next_value::<ArnStr<'de>>()?.0),
                        "DestinationArn" => destination = Some(map.next_value::<ArnStr<'de>>()?.0),
                        "AssociationType" => {
                            association_type =
                                map.next_value::<Option<CowStr<'de>>>()?.map(|s| AssociationType::parse(&s.0))
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let source = source.ok_or_else(|| de::Error::missing_field("SourceArn"))?;
                let destination = destination.ok_or_else(|| de::Error::missing_field("DestinationArn"))?;
                Ok(RawEdge { source, destination, association_type })
            }
        }
        d.deserialize_map(V)
    }
}

/// One JSON document of an export, before interpretation.
#[derive(Debug, Default)]
pub(crate) struct RawDoc<'a> {
    pub vertices: Option<Vec<RawVertex<'a>>>,
    pub edges: Option<Vec<RawEdge<'a>>>,
    pub next_token: Option<String>,
    pub start_arns: Option<Vec<String>>,
    pub direction: Option<String>,
    pub pages: Option<Vec<RawDoc<'a>>>,
    /// Each response's text, read when the document is staged: one response's tree at a time, never all.
    pub descriptions: Option<Vec<&'a serde_json::value::RawValue>>,
    /// Every other top-level field: a Describe response's body, `AssociationSummaries`, `ResponseMetadata`, ….
    pub rest: BTreeMap<String, Value>,
}

impl<'de: 'a, 'a> Deserialize<'de> for RawDoc<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDoc<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a JSON object (a QueryLineage response, a Describe* response, a ListAssociations response or a bundle)",
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut doc = RawDoc::default();
                while let Some(key) = map.next_key::<CowStr<'de>>()? {
                    match ListKey::of(&key.0) {
                        Some(ListKey::Vertices) => doc.vertices = Some(map.next_value::<Seq<RawVertex<'de>>>()?.0),
                        Some(ListKey::Edges) => doc.edges = Some(map.next_value::<Seq<RawEdge<'de>>>()?.0),
                        Some(ListKey::Pages) => doc.pages = Some(map.next_value::<Seq<RawDoc<'de>>>()?.0),
                        Some(ListKey::Descriptions) => doc.descriptions = map.next_value()?,
                        None => map.next_value_seed(HeadSeed(&key.0))?.set(&mut doc),
                    }
                }
                Ok(doc)
            }
        }
        d.deserialize_map(V)
    }
}

/// A document's top-level field other than its four lists (see [`ListKey`]), read as [`RawDoc`] reads it.
#[derive(Debug)]
pub(crate) enum HeadField {
    NextToken(Option<String>),
    StartArns(Vec<String>),
    Direction(Option<String>),
    /// Any other field: a Describe response's body, `AssociationSummaries`, `ResponseMetadata`, ….
    Other(String, Value),
}

impl HeadField {
    /// Sets the field in `doc`; a repeated key's last value wins, as in JavaScript (the EventBridge documentation
    /// repeats one).
    pub(crate) fn set(self, doc: &mut RawDoc<'_>) {
        match self {
            HeadField::NextToken(t) => doc.next_token = t,
            HeadField::StartArns(a) => doc.start_arns = Some(a),
            HeadField::Direction(d) => doc.direction = d,
            HeadField::Other(key, value) => {
                doc.rest.insert(key, value);
            }
        }
    }
}

/// Reads the value of the top-level field named `.0` (not one of the four lists) as a [`HeadField`].
pub(crate) struct HeadSeed<'k>(pub &'k str);

impl<'de> de::DeserializeSeed<'de> for HeadSeed<'_> {
    type Value = HeadField;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<HeadField, D::Error> {
        Ok(match self.0 {
            "NextToken" => HeadField::NextToken(Deserialize::deserialize(d)?),
            "StartArns" => HeadField::StartArns(Deserialize::deserialize(d)?),
            "Direction" => HeadField::Direction(Deserialize::deserialize(d)?),
            other => HeadField::Other(other.to_owned(), Value::deserialize(d)?),
        })
    }
}

/// The four lists of a document that can be long: read an element at a time by a stepped read
/// (`read::sagemaker::stepped`), the rest of the document as [`HeadField`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListKey {
    Vertices,
    Edges,
    Pages,
    Descriptions,
}

impl ListKey {
    pub(crate) fn of(key: &str) -> Option<ListKey> {
        Some(match key {
            "Vertices" => ListKey::Vertices,
            "Edges" => ListKey::Edges,
            "Pages" => ListKey::Pages,
            "Descriptions" => ListKey::Descriptions,
            _ => return None,
        })
    }
}

/// A JSON array read element by element (a `null` is an empty array, as boto3 never writes one).
struct Seq<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Seq<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Seq<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
                while let Some(item) = seq.next_element::<T>()? {
                    out.push(item);
                }
                Ok(Seq(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Seq(Vec::new()))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl RawDoc<'_> {
    /// A QueryLineage page, or a bundle of them.
    pub(crate) fn is_page(&self) -> bool {
        self.vertices.is_some() || self.edges.is_some() || self.pages.is_some()
    }
}

/// Parses one document; on failure, parses again with path tracking so the error names the JSON path.
pub(crate) fn parse_doc(bytes: &[u8]) -> Result<RawDoc<'_>, DocError> {
    match serde_json::from_slice::<RawDoc<'_>>(bytes) {
        Ok(doc) => Ok(doc),
        Err(fast) => {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            match serde_path_to_error::deserialize::<_, RawDoc<'_>>(&mut de) {
                Ok(_) => Err(DocError::from_json(String::new(), &fast)),
                Err(tracked) => {
                    let path = tracked.path().to_string();
                    Err(DocError::from_json(path, tracked.inner()))
                }
            }
        }
    }
}

/// A parse error with its JSON path (empty for the document itself).
#[derive(Debug)]
pub(crate) struct DocError {
    pub path: String,
    pub message: String,
}

impl DocError {
    fn from_json(path: String, e: &serde_json::Error) -> DocError {
        let mut path = if path == "." { String::new() } else { path };
        let full = e.to_string();
        // serde_json appends " at line L column C"; keep the position but phrase the rest ourselves.
        let (text, position) = match full.rfind(" at line ") {
            Some(i) => (&full[..i], Some(&full[i + 4..])),
            None => (full.as_str(), None),
        };
        let mut message = if let Some(field) = text.strip_prefix("missing field `").and_then(|s| s.strip_suffix('`')) {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(field);
            "required field is missing (expected a string)".to_owned()
        } else if e.is_eof() && e.line() == 1 && e.column() == 0 {
            "the file is empty (expected a JSON object)".to_owned()
        } else if text == "recursion limit exceeded" {
            // serde_json's fixed depth: it keeps a hostile file from exhausting the stack.
            format!(
                "nested deeper than {} levels, the limit (it cannot be raised: no export nests past 30 levels, and deeper would risk the reader's stack)",
                crate::read::limits::DEPTH
            )
        } else if e.is_syntax() || e.is_eof() {
            format!("not valid JSON: {text}")
        } else {
            text.to_owned()
        };
        if let Some(pos) = position.filter(|_| !(e.is_eof() && e.line() == 1 && e.column() == 0)) {
            message.push_str(&format!(" ({pos})"));
        }
        DocError { path, message }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_doc;

    fn err(json: &str) -> String {
        match parse_doc(json.as_bytes()) {
            Ok(_) => "ok".into(),
            Err(e) => format!("{} | {}", e.path, e.message),
        }
    }

    #[test]
    fn errors_name_the_json_path() {
        let cases = [
            r#"{"Vertices":[{"Arn":"a"},{"Type":"DataSet"}]}"#,
            r#"{"Vertices":[{"Arn":5}]}"#,
            r#"{"Vertices":[{"Arn":"a","LineageType":"Trial"}]}"#,
            "",
            "[1]",
            "{\"Vertices\": [",
            r#"{"Edges":[{"SourceArn":"a","DestinationArn":""}]}"#,
            r#"{"Pages":[{"Edges":[{"SourceArn":"a"}]}]}"#,
            r#"{"Vertices":{"Arn":"a"}}"#,
        ];
        let out: Vec<String> = cases.iter().map(|c| err(c)).collect();
        expect_test::expect![[r#"
            Vertices[1].Arn | required field is missing (expected a string) (line 1 column 43)
            Vertices[0].Arn | invalid type: integer `5`, expected a string (line 1 column 21)
            Vertices[0].LineageType | expected one of Artifact, Action, Context, TrialComponent, found "Trial" (line 1 column 46)
             | the file is empty (expected a JSON object)
             | invalid type: sequence, expected a JSON object (a QueryLineage response, a Describe* response, a ListAssociations response or a bundle) (line 1 column 0)
            Vertices | not valid JSON: EOF while parsing a list (line 1 column 14)
            Edges[0].DestinationArn | expected a non-empty ARN string, found an empty string (line 1 column 47)
            Pages[0].Edges[0].DestinationArn | required field is missing (expected a string) (line 1 column 37)
            Vertices | invalid type: map, expected an array (line 1 column 13)"#]].assert_eq(&out.join("\n"));
    }

    #[test]
    fn borrowed_strings_and_escapes_both_parse() {
        let doc = parse_doc(br#"{"Vertices":[{"Arn":"a\/b","Type":null,"X":1}]}"#).ok();
        let v = doc.and_then(|d| d.vertices).unwrap_or_default();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].arn, "a/b");
        assert_eq!(v[0].entity_type, None);
    }
}
