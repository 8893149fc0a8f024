//! What the caller read from a DVC repository's git history, handed to the core as plain values (the core reads
//! no files): the commit that last changed `dvc.lock`, its author and date.

use serde::Serialize;

/// The git facts of one DVC repository folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GitFacts {
    /// The folder as the input files are named (the directory part of its `dvc.lock`'s name, `""` for none).
    pub folder: String,
    /// The last commit that changed `dvc.lock` (full hex).
    pub commit: String,
    pub author_name: String,
    pub author_email: String,
    /// The commit's author time: seconds since the epoch, and the author's UTC offset in seconds.
    pub time_seconds: i64,
    pub offset_seconds: i32,
    /// Its message's first line.
    pub summary: String,
    /// Whether the work tree's `dvc.lock` is that commit's (else it has uncommitted changes).
    pub lock_current: bool,
    /// The `origin` remote's URL, when the repository names one.
    pub remote_url: Option<String>,
}

impl GitFacts {
    /// The author time in the author's offset, ISO 8601 (`2026-03-14T09:12:05+01:00`).
    pub fn date(&self) -> String {
        let offset =
            chrono::FixedOffset::east_opt(self.offset_seconds).unwrap_or_else(|| chrono::Offset::fix(&chrono::Utc));
        match chrono::DateTime::from_timestamp(self.time_seconds, 0) {
            Some(t) => t.with_timezone(&offset).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            None => format!("{} seconds after the epoch", self.time_seconds),
        }
    }

    /// `Name <email>`.
    pub fn author(&self) -> String {
        match self.author_email.is_empty() {
            true => self.author_name.clone(),
            false => format!("{} <{}>", self.author_name, self.author_email),
        }
    }
}
