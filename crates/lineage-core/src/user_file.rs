//! A JSON file users write themselves (a role table, a `lineage check` policy): read with serde, unknown keys
//! refused, every error naming the JSON path where it is.

use std::fmt;

use serde::de::DeserializeOwned;

/// A user's file that cannot be used: where in it, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFileError {
    /// The JSON path (`rules[0].when.status[1]`); empty for the file as a whole.
    pub path: String,
    pub message: String,
}

impl fmt::Display for UserFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at {}: {}", self.path, self.message)
        }
    }
}

/// Reads `bytes` as a `T`; a failure names the JSON path it happened at.
pub fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, UserFileError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| UserFileError {
        path: if e.path().to_string() == "." { String::new() } else { e.path().to_string() },
        message: e.inner().to_string(),
    })
}
