//! One JSON file's account as its documents are staged and merged: the kinds of document it held, the fields no
//! reader took, what it skipped; then its entry in the evidence list ([`JsonFile::finish`]). The whole read
//! (`Loader::begin_file`) and the stepped one (`stepped`) keep it the same way.

use std::collections::BTreeMap;

use super::state::{FileLoad, Loader, Skips};
use crate::model::InputFile;
use crate::read::dispatch::{Skip, Staged};

pub(super) struct JsonFile {
    input: InputFile,
    first_is_page: Option<bool>,
    skips: Skips,
}

impl JsonFile {
    pub(super) fn new(name: &str, bytes: &[u8]) -> JsonFile {
        let input = InputFile {
            name: name.to_owned(),
            sha256: String::new(),
            bytes: bytes.len() as u64,
            kinds: BTreeMap::new(),
            other_fields: BTreeMap::new(),
            skipped: Vec::new(),
        };
        JsonFile { input, first_is_page: None, skips: Skips::default() }
    }

    /// Counts one staged document of the file (`name`, `bytes`); returns it when it is to be merged, or `None`
    /// when it was skipped (and noted as such).
    pub(super) fn note<'a>(
        &mut self,
        loader: &mut Loader,
        name: &str,
        bytes: &[u8],
        mut s: Staged<'a>,
    ) -> Option<Staged<'a>> {
        self.first_is_page.get_or_insert(s.doc.is_page());
        *self.input.kinds.entry(s.kind.to_owned()).or_default() += 1;
        self.input.other_fields.append(&mut s.other_fields);
        let Some(what) = s.skipped.take() else { return Some(s) };
        if matches!(what, Skip::NotUsed(_)) {
            loader.dvc.unclaimed(name, s.line, bytes);
        }
        self.skips.add(what, s.line);
        None
    }

    /// The file is read: its SHA-256 (`sha256`), its skips as warnings, its place in the page order, its entry.
    pub(super) fn finish(mut self, loader: &mut Loader, load: &mut FileLoad, sha256: impl FnOnce() -> String) {
        let name = &load.name;
        self.input.sha256 = sha256();
        self.skips.finish(name, &mut loader.warnings, &mut self.input.skipped);
        load.total = load.pending.iter().map(|p| p.texts.len()).sum();
        load.done = load.pending.iter().map(|p| p.next).sum();
        // Whether this file's last page is continued is decided in `finish`, in name order, not load order.
        let trailing_token = loader.unfinished_page.take();
        loader.page_files.push((name.clone(), self.first_is_page.unwrap_or(false), trailing_token));
        loader.stats.files += 1;
        loader.inputs.push(self.input);
    }
}
