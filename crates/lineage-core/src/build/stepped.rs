//! A large JSON file merged a few megabytes a step (the page's `Workspace`; see `read::sagemaker::stepped`): each
//! vertex, edge and page is merged as it is read, so no step parses the whole file and nothing of it is kept
//! but positions. The result is the whole read's (`Loader::begin_file`), by the same merge functions in the same
//! order. A file whose text asks for another order (its `Edges` before its `Vertices`, a list named twice, a page's
//! `NextToken` after its `Pages`) or is not valid JSON is [`Unread`]: the caller reads it whole instead, and
//! that read's error (line, column, JSON path) is the file's.

use std::ops::Range;
use std::sync::Arc;

use super::file::JsonFile;
use super::state::{FileLoad, Loader, PendingDescriptions};
use crate::model::ImportError;
use crate::read::dispatch::{check_strings, shape, stage, Shape, Staged};
use crate::read::sagemaker::lineage::{HeadField, ListKey, RawDoc};
pub(crate) use crate::read::sagemaker::stepped::Unread;
use crate::read::sagemaker::stepped::{DocCursor, Piece};

/// About how many bytes one [`Loader::step_file`] reads: a few tens of milliseconds in the browser.
const STEP_BYTES: usize = 4 << 20;

/// A file being read a step at a time.
pub struct SteppedFile {
    cursor: DocCursor,
    file: JsonFile,
    top: Top,
}

/// What the document's top level has said so far.
#[derive(Default)]
struct Top {
    /// The lists named so far, in order (one named twice is read whole: the whole read keeps the last).
    named: Vec<ListKey>,
    vertices: usize,
    /// Whether the document's own page rules were applied (at its `Pages`, or its end): no vertex, edge or
    /// `NextToken` of its own may follow.
    closed: bool,
    /// Its fields but the lists (`NextToken`, `StartArns`, a Describe response's body, …).
    head: RawDoc<'static>,
    descriptions: Option<Vec<Range<usize>>>,
    /// The descriptions of its `Pages`, in order.
    pages: Vec<PendingDescriptions>,
}

impl Loader {
    /// Whether [`Loader::begin_stepped`] can read the file `name`: a `.json` file that is one JSON object (no DVC
    /// file, audit export, CSV, JSON Lines or array, which have readers of their own).
    pub(super) fn steps_through(name: &str, bytes: &[u8]) -> bool {
        let other = crate::read::dvc::is_dvc_file(name)
            || crate::read::audit::is_export_data(name)
            || crate::read::audit::is_csv(name);
        let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
        !other
            && file.ends_with(".json")
            && shape(name, bytes) == Shape::One
            && bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
    }

    /// Begins reading `name` (one JSON object, see [`Loader::steps_through`]) a step at a time.
    pub(super) fn begin_stepped(&mut self, name: &str, bytes: &[u8]) -> Result<SteppedFile, ImportError> {
        self.inputs_named = Arc::from(name);
        check_strings(name, bytes, &self.limits)?;
        Ok(SteppedFile { cursor: DocCursor::new(), file: JsonFile::new(name, bytes), top: Top::default() })
    }

    /// Reads and merges about [`STEP_BYTES`] more of `file`; whether its text is all read (then
    /// [`Loader::finish_stepped`]). [`Unread`]: read the file whole instead (see the module's comment).
    pub(super) fn step_file(&mut self, file: &mut SteppedFile, name: &str, bytes: &[u8]) -> Result<bool, Unread> {
        let until = file.cursor.offset() + STEP_BYTES;
        while file.cursor.offset() < until {
            let piece = file.cursor.next(bytes)?;
            if self.take_piece(&mut file.top, name, bytes, piece)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// How far `file` is read, in bytes.
    pub(super) fn stepped_offset(file: &SteppedFile) -> usize {
        file.cursor.offset()
    }

    /// Merges one piece of the document; whether it was its end.
    fn take_piece(&mut self, top: &mut Top, name: &str, bytes: &[u8], piece: Piece<'_>) -> Result<bool, Unread> {
        match piece {
            Piece::Begin(list) | Piece::Null(list) => {
                self.open_list(top, name, list)?;
                if matches!((list, &piece), (ListKey::Descriptions, Piece::Begin(_))) {
                    top.descriptions = Some(Vec::new());
                }
            }
            Piece::Vertex(v) => {
                self.merge_vertex(&v);
                top.vertices += 1;
            }
            Piece::Edge(i, e) => self.merge_edge(&e, [None, None], None, "", i),
            Piece::Page(i, doc) => {
                let at: Arc<str> = Arc::from(name);
                top.pages.extend(self.merge_pages(name, None, &at, format!("Pages[{i}]."), doc, bytes));
            }
            Piece::Description(raw) => {
                top.descriptions.get_or_insert_with(Vec::new).extend(super::state::places(bytes, &[raw]));
            }
            Piece::End => {}
            Piece::Head(field) => {
                if top.closed && matches!(field, HeadField::NextToken(_)) {
                    return Err(Unread);
                }
                field.set(&mut top.head);
            }
            Piece::Done => return Ok(true),
        }
        Ok(false)
    }

    /// A list of the document begins (or is `null`): refused where the whole read would merge in another order.
    fn open_list(&mut self, top: &mut Top, name: &str, list: ListKey) -> Result<(), Unread> {
        let own = matches!(list, ListKey::Vertices | ListKey::Edges);
        let edges_first = list == ListKey::Vertices && top.named.contains(&ListKey::Edges);
        if top.named.contains(&list) || (own && top.closed) || edges_first {
            return Err(Unread);
        }
        top.named.push(list);
        if list == ListKey::Pages {
            self.close_top(top, name);
        }
        Ok(())
    }

    /// The document's own page rules (see `Loader::open_page`), once: at its `Pages`, or at its end.
    fn close_top(&mut self, top: &mut Top, name: &str) {
        if std::mem::replace(&mut top.closed, true) {
            return;
        }
        if top.named.iter().any(|l| matches!(l, ListKey::Vertices | ListKey::Edges)) {
            self.open_page(name, "", top.vertices, top.head.next_token.as_deref());
        }
    }

    /// The file is read: the document is staged (its own fields: a Describe response's body, …) and noted as the
    /// whole read notes it; its descriptions are left for [`Loader::continue_file`].
    pub(super) fn finish_stepped(
        &mut self,
        stepped: SteppedFile,
        name: &str,
        bytes: &[u8],
        sha256: impl FnOnce() -> String,
    ) -> Result<FileLoad, ImportError> {
        let SteppedFile { mut file, mut top, .. } = stepped;
        self.close_top(&mut top, name);
        let mut doc = std::mem::take(&mut top.head);
        let named = |list| top.named.contains(&list);
        doc.vertices = named(ListKey::Vertices).then(Vec::new);
        doc.edges = named(ListKey::Edges).then(Vec::new);
        doc.pages = named(ListKey::Pages).then(Vec::new);
        doc.descriptions = top.descriptions.as_ref().map(|_| Vec::new());
        let s = stage(doc, None).map_err(|(path, message)| ImportError {
            file: name.to_owned(),
            line: None,
            path,
            message,
        })?;
        let mut load = FileLoad { name: name.to_owned(), pending: Vec::new(), done: 0, total: 0, read_ahead: None };
        if let Some(Staged { doc, described, .. }) = file.note(self, name, bytes, s) {
            let at: Arc<str> = Arc::from(name);
            self.open_document(&doc);
            let texts = top.descriptions.unwrap_or_default();
            if !texts.is_empty() {
                load.pending.push(PendingDescriptions {
                    line: None,
                    at: at.clone(),
                    prefix: String::new(),
                    texts,
                    next: 0,
                });
            }
            load.pending.append(&mut top.pages);
            self.merge_all_described(described, name, None, &at);
        }
        file.finish(self, &mut load, sha256);
        Ok(load)
    }
}
