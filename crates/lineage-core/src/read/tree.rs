//! The JSON trees the Describe readers walk: `serde_json::Value` (a whole file, already parsed) or [`Json`], a
//! tree that borrows its strings from the input and keeps each object as one sorted vector. A bundle holds a
//! hundred thousand responses; reading each into `Json` costs a few allocations where a `Value` costs one per key
//! and string.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Number, Value};
use sha2::{Digest, Sha256};

/// A JSON tree as the readers see it.
pub(crate) trait Tree: Sized {
    /// What an object is in this tree.
    type Object: ?Sized;
    fn view(&self) -> View<'_, Self>;
    fn get<'t>(object: &'t Self::Object, key: &str) -> Option<&'t Self>;
    /// An object's members in key order (a repeated key: the last one).
    fn members<'t>(object: &'t Self::Object) -> Box<dyn Iterator<Item = (&'t str, &'t Self)> + 't>;
    fn len(object: &Self::Object) -> usize;
}

/// One node of a [`Tree`].
pub(crate) enum View<'t, T: Tree> {
    Null,
    Bool(bool),
    Number(&'t Number),
    Str(&'t str),
    Array(&'t [T]),
    Object(&'t T::Object),
}

impl Tree for Value {
    type Object = Map<String, Value>;
    fn view(&self) -> View<'_, Value> {
        match self {
            Value::Null => View::Null,
            Value::Bool(b) => View::Bool(*b),
            Value::Number(n) => View::Number(n),
            Value::String(s) => View::Str(s),
            Value::Array(a) => View::Array(a),
            Value::Object(m) => View::Object(m),
        }
    }
    fn get<'t>(object: &'t Map<String, Value>, key: &str) -> Option<&'t Value> {
        object.get(key)
    }
    fn members<'t>(object: &'t Map<String, Value>) -> Box<dyn Iterator<Item = (&'t str, &'t Value)> + 't> {
        // In key order whichever order the map keeps (a dependency may turn on serde_json's `preserve_order`).
        let mut members: Vec<(&str, &Value)> = object.iter().map(|(k, v)| (k.as_str(), v)).collect();
        members.sort_by(|a, b| a.0.cmp(b.0));
        Box::new(members.into_iter())
    }
    fn len(object: &Map<String, Value>) -> usize {
        object.len()
    }
}

/// A JSON value whose strings borrow from the input where they have no escapes; an object is its members sorted
/// by key (the last of a repeated key kept), as `serde_json::Map` keeps them.
#[derive(Debug)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Tree for Json<'a> {
    type Object = [(Cow<'a, str>, Json<'a>)];
    fn view(&self) -> View<'_, Json<'a>> {
        match self {
            Json::Null => View::Null,
            Json::Bool(b) => View::Bool(*b),
            Json::Number(n) => View::Number(n),
            Json::Str(s) => View::Str(s),
            Json::Array(a) => View::Array(a.as_slice()),
            Json::Object(m) => View::Object(m.as_slice()),
        }
    }
    fn get<'t>(object: &'t [(Cow<'a, str>, Json<'a>)], key: &str) -> Option<&'t Json<'a>> {
        object.binary_search_by(|(k, _)| k.as_ref().cmp(key)).ok().map(|i| &object[i].1)
    }
    fn members<'t>(object: &'t [(Cow<'a, str>, Json<'a>)]) -> Box<dyn Iterator<Item = (&'t str, &'t Json<'a>)> + 't> {
        Box::new(object.iter().map(|(k, v)| (k.as_ref(), v)))
    }
    fn len(object: &[(Cow<'a, str>, Json<'a>)]) -> usize {
        object.len()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Json<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json<'de>, E> {
        // serde_json reads no NaN or infinity, so every f64 it hands over is a JSON number.
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element::<Json<'de>>()? {
            out.push(item);
        }
        Ok(Json::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let mut out: Vec<(Cow<'de, str>, Json<'de>)> = Vec::new();
        while let Some(key) = map.next_key::<CowStr<'de>>()? {
            out.push((key.0, map.next_value::<Json<'de>>()?));
        }
        // Sorted by key, stably, so that of a repeated key the last one read is the one kept.
        out.sort_by(|a, b| a.0.cmp(&b.0));
        if out.windows(2).all(|w| w[0].0 != w[1].0) {
            return Ok(Json::Object(out));
        }
        let mut kept: Vec<(Cow<'de, str>, Json<'de>)> = Vec::with_capacity(out.len());
        for member in out {
            match kept.last_mut() {
                Some(last) if last.0 == member.0 => *last = member,
                _ => kept.push(member),
            }
        }
        Ok(Json::Object(kept))
    }
}

/// A node written as compact JSON, members in key order, as `serde_json::Value` writes itself.
pub(crate) fn to_json_text<T: Tree>(node: &T) -> String {
    let mut out = String::new();
    write_json(node, &mut out);
    out
}

fn write_json<T: Tree>(node: &T, out: &mut String) {
    let quoted = |s: &str, out: &mut String| out.push_str(&serde_json::to_string(s).unwrap_or_default());
    match node.view() {
        View::Null => out.push_str("null"),
        View::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        View::Number(n) => out.push_str(&n.to_string()),
        View::Str(s) => quoted(s, out),
        View::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        View::Object(object) => {
            out.push('{');
            for (i, (k, v)) in T::members(object).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quoted(k, out);
                out.push(':');
                write_json(v, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_reads_as_value_does() {
        let text = r#"{"b":[1,-2,3.5,1e3,true,null,"x\"y"],"a":{"z":{},"y":[]},"b2":"\u00e9","a":7}"#;
        let json: Json = serde_json::from_str(text).unwrap_or(Json::Null);
        let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        assert_eq!(to_json_text(&json), value.to_string());
        let View::Object(object) = json.view() else { panic!("not an object") };
        assert!(matches!(Json::get(object, "a").map(Tree::view), Some(View::Number(n)) if n.as_u64() == Some(7)));
        assert!(Json::get(object, "c").is_none());
        assert_eq!(Json::len(object), 3);
    }
}
/// SHA-256 over a JSON object's structure (a tag, then lengths and bytes; members in key order), encoded into
/// one buffer and hashed once: the same digest for the same content whichever tree holds it and on every platform,
/// without writing the value out as JSON text (a large export holds a hundred thousand descriptions).
pub(crate) fn object_digest<T: Tree>(object: &T::Object) -> [u8; 32] {
    fn put(out: &mut Vec<u8>, tag: u8, b: &[u8]) {
        out.push(tag);
        out.extend_from_slice(&(b.len() as u64).to_le_bytes());
        out.extend_from_slice(b);
    }
    fn feed_object<T: Tree>(object: &T::Object, out: &mut Vec<u8>) {
        put(out, 5, &[]);
        out.extend_from_slice(&(T::len(object) as u64).to_le_bytes());
        for (k, x) in T::members(object) {
            put(out, 6, k.as_bytes());
            feed(x, out);
        }
    }
    fn feed<T: Tree>(v: &T, out: &mut Vec<u8>) {
        match v.view() {
            View::Null => out.push(0),
            View::Bool(b) => out.extend_from_slice(&[1, u8::from(b)]),
            View::Number(n) => {
                let mut buf = [0u8; 40];
                put(out, 2, crate::read::json::number_text(n, &mut buf).as_bytes())
            }
            View::Str(s) => put(out, 3, s.as_bytes()),
            View::Array(a) => {
                put(out, 4, &[]);
                out.extend_from_slice(&(a.len() as u64).to_le_bytes());
                a.iter().for_each(|x| feed(x, out));
            }
            View::Object(m) => feed_object::<T>(m, out),
        }
    }
    let mut buf = Vec::with_capacity(1024);
    feed_object::<T>(object, &mut buf);
    Sha256::digest(&buf).into()
}

/// SHA-256 of a text.
pub(crate) fn text_digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// A string that borrows from the input when it can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CowStr<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for CowStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CowStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}
