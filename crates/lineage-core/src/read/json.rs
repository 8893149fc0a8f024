//! Reading a JSON object field by field: each field an answer reads is type-checked at its JSON path
//! ([`At`]), and a wrong one is a [`FieldError`] naming the path and what was expected.

use serde_json::Value;

use crate::model::UserContext;
use crate::read::tree::{Tree, View};
use crate::time::{EpochUnit, Timestamp};

/// Whether any element of a list (or document of a file) was read, and the first one refused: a list none of whose
/// elements can be read is refused with the first one's error (it is not what it claims); otherwise each refused
/// element is skipped with a warning by its reader.
pub(crate) struct FirstRefusal<E> {
    read_any: bool,
    first: Option<E>,
}

impl<E> Default for FirstRefusal<E> {
    fn default() -> Self {
        FirstRefusal { read_any: false, first: None }
    }
}

impl<E: Clone> FirstRefusal<E> {
    /// `read`, noted: a value, or the first error kept.
    pub(crate) fn check<V>(&mut self, read: std::result::Result<V, E>) -> std::result::Result<V, E> {
        match &read {
            Ok(_) => self.read_any = true,
            Err(e) => {
                self.first.get_or_insert_with(|| e.clone());
            }
        }
        read
    }

    /// The list's error when elements were refused and none was read.
    pub(crate) fn refusal(self) -> Option<E> {
        self.first.filter(|_| !self.read_any)
    }
}

/// A field of the wrong shape: its JSON path and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub path: String,
    pub message: String,
}

pub(crate) type Result<T> = std::result::Result<T, FieldError>;

/// Elements of a list skipped because a reader refused them: each one's JSON path, and why with what was lost.
pub(crate) type Lost = Vec<(String, String)>;

/// An object being read, with its JSON path.
pub(crate) struct At<'t, T: Tree = Value> {
    pub map: &'t T::Object,
    pub path: String,
}

/// What a JSON value is, as an error message says it (`a string`, `an array`, …).
pub(crate) fn kind<T: Tree>(v: &T) -> &'static str {
    match v.view() {
        View::Null => "null",
        View::Bool(_) => "a boolean",
        View::Number(_) => "a number",
        View::Str(_) => "a string",
        View::Array(_) => "an array",
        View::Object(_) => "an object",
    }
}

impl<'t, T: Tree + 't> At<'t, T> {
    pub(crate) fn key_path(&self, key: &str) -> String {
        // Pushed, not formatted: every object a reader enters makes one, a bundle's responses a million.
        let mut path = String::with_capacity(self.path.len() + key.len() + 1);
        path.push_str(&self.path);
        if !self.path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
        path
    }

    /// `key[i]` under this object's path.
    fn index_path(&self, key: &str, i: usize) -> String {
        let mut path = self.key_path(key);
        path.push('[');
        path.push_str(&i.to_string());
        path.push(']');
        path
    }

    pub(crate) fn get(&self, key: &str) -> Option<&'t T> {
        T::get(self.map, key)
    }

    fn wrong(&self, key: &str, expected: &str, found: &T) -> FieldError {
        FieldError { path: self.key_path(key), message: format!("expected {expected}, found {}", kind(found)) }
    }

    pub(crate) fn child(&self, key: &str, v: &'t T) -> Result<At<'t, T>> {
        match v.view() {
            View::Object(map) => Ok(At { map, path: self.key_path(key) }),
            _ => Err(self.wrong(key, "an object", v)),
        }
    }

    pub(crate) fn index(&self, key: &str, i: usize, v: &'t T) -> Result<At<'t, T>> {
        match v.view() {
            View::Object(map) => Ok(At { map, path: self.index_path(key, i) }),
            _ => Err(FieldError {
                path: self.index_path(key, i),
                message: format!("expected an object, found {}", kind(v)),
            }),
        }
    }

    /// Each object of the list at `key`, read by `read`; an element that is no object or that `read` refuses is
    /// skipped into `lost` (its path, and the reader's message followed by `skipped`, what is lost) and the others
    /// are read: one odd element never sinks a response. A list that is not a list, or none of whose elements
    /// can be read, is an error (the first element's): the response is not what it claims.
    pub(crate) fn each_element<V>(
        &self,
        key: &str,
        lost: &mut Lost,
        skipped: &str,
        mut read: impl FnMut(&At<'t, T>) -> Result<V>,
    ) -> Result<Vec<V>> {
        let items = self.array(key)?;
        let mut out = Vec::with_capacity(items.len());
        let mut refusals = FirstRefusal::default();
        for (i, item) in items.into_iter().enumerate() {
            match refusals.check(self.index(key, i, item).and_then(|at| read(&at))) {
                Ok(v) => out.push(v),
                Err(e) => lost.push((e.path, format!("{}: {skipped}", e.message))),
            }
        }
        refusals.refusal().map_or(Ok(out), Err)
    }

    pub(crate) fn str(&self, key: &str) -> Result<Option<String>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        match v.view() {
            View::Null => Ok(None),
            View::Str(s) => Ok(Some(s.to_owned())),
            _ => Err(self.wrong(key, "a string", v)),
        }
    }

    pub(crate) fn req_str(&self, key: &str) -> Result<String> {
        match self.str(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            Some(_) => Err(FieldError {
                path: self.key_path(key),
                message: "expected a non-empty ARN string, found an empty string".into(),
            }),
            None => Err(FieldError {
                path: self.key_path(key),
                message: "required field is missing (expected a string)".into(),
            }),
        }
    }

    pub(crate) fn obj(&self, key: &str) -> Result<Option<At<'t, T>>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if matches!(v.view(), View::Null) => Ok(None),
            Some(v) => self.child(key, v).map(Some),
        }
    }

    pub(crate) fn array(&self, key: &str) -> Result<Vec<&'t T>> {
        let Some(v) = self.get(key) else { return Ok(Vec::new()) };
        match v.view() {
            View::Null => Ok(Vec::new()),
            View::Array(items) => Ok(items.iter().collect()),
            _ => Err(self.wrong(key, "an array", v)),
        }
    }

    pub(crate) fn f64(&self, key: &str) -> Result<Option<f64>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        match v.view() {
            View::Null => Ok(None),
            View::Number(n) => Ok(n.as_f64()),
            _ => Err(self.wrong(key, "a number", v)),
        }
    }

    pub(crate) fn u64(&self, key: &str) -> Result<Option<u64>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        match v.view() {
            View::Null => Ok(None),
            View::Number(n) if n.as_u64().is_some() => Ok(n.as_u64()),
            _ => Err(self.wrong(key, "a whole number", v)),
        }
    }

    /// Epoch seconds or an ISO 8601 string.
    pub(crate) fn time(&self, key: &str) -> Result<Option<Timestamp>> {
        let bad = |found: &str| FieldError {
            path: self.key_path(key),
            message: format!("expected a timestamp (epoch seconds or milliseconds, or ISO 8601), found {found}"),
        };
        let Some(v) = self.get(key) else { return Ok(None) };
        match v.view() {
            View::Null => Ok(None),
            // serde_json prints a number as the shortest text that reads back the same, which is the text the
            // input had (up to 17 significant digits): read those digits, not the f64.
            View::Number(n) => {
                // Written on the stack: a number's shortest text is at most 24 bytes.
                let mut buf = [0u8; 40];
                let text = number_text(n, &mut buf);
                Timestamp::from_epoch_text(text, EpochUnit::Guess).map(Some).ok_or_else(|| bad(text))
            }
            View::Str(s) => Timestamp::parse(s)
                .or_else(|| Timestamp::from_epoch_text(s, EpochUnit::Guess))
                .map(Some)
                .ok_or_else(|| bad(&format!("{s:?}"))),
            _ => Err(bad(kind(v))),
        }
    }

    /// A string-valued map; numbers and booleans are kept as their text, nested values as JSON.
    pub(crate) fn str_map(&self, key: &str) -> Result<crate::model::TextMap> {
        let Some(obj) = self.obj(key)? else {
            return Ok(Default::default());
        };
        Ok(T::members(obj.map)
            .map(|(k, v)| {
                let text = match v.view() {
                    View::Str(s) => s.to_owned(),
                    View::Null => String::new(),
                    _ => crate::read::tree::to_json_text(v),
                };
                (k.to_owned(), text)
            })
            .collect())
    }

    pub(crate) fn user(&self, key: &str) -> Result<Option<UserContext>> {
        let Some(u) = self.obj(key)? else {
            return Ok(None);
        };
        let ctx = UserContext {
            iam_arn: u.obj("IamIdentity")?.map(|i| i.str("Arn")).transpose()?.flatten(),
            user_profile: u.str("UserProfileName")?,
            user_profile_arn: u.str("UserProfileArn")?,
        };
        Ok((!ctx.is_empty()).then_some(ctx))
    }
}

/// `n` as serde_json writes it, into `buf` (no allocation).
pub(crate) fn number_text<'b>(n: &serde_json::Number, buf: &'b mut [u8; 40]) -> &'b str {
    use std::io::Write;
    let mut rest: &mut [u8] = &mut buf[..];
    let ok = write!(rest, "{n}").is_ok();
    let written = if ok { 40 - rest.len() } else { 0 };
    std::str::from_utf8(&buf[..written]).unwrap_or("")
}
