//! A large bundle's descriptions read on the second core while the first parses and merges its pages.
//!
//! The exporter writes `Descriptions` last; its array is found from the end of the text (the last
//! `"Descriptions"` key) without parsing what comes before, and its elements are read in chunks that either thread
//! claims. The find is a guess (the key could belong to an object nested after the array): the parse of the whole
//! file confirms it, by the very same places in the bytes, before anything read ahead is used. Nothing is merged
//! here; the results are merged in order afterwards, exactly as if they had been read a batch at a time.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use serde::Deserialize;

use super::state::{FileLoad, Loader, PendingDescriptions, Read};
use crate::model::ImportError;
use crate::read::dispatch::read_description;

/// Files smaller than this are parsed before their second core would have anything to do.
pub(crate) const MIN_BYTES: usize = if cfg!(test) { 1 } else { 16 << 20 };

/// Descriptions one claim reads: small enough that the two threads finish together.
const CHUNK: usize = 256;

#[cfg(test)]
thread_local! {
    /// How many files this thread loaded with their descriptions read ahead.
    static USED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The descriptions of one bundle, being read by whichever thread claims the next chunk.
pub(crate) struct ReadAhead<'a> {
    bytes: &'a [u8],
    /// Where the array of the last `"Descriptions"` key starts.
    array: usize,
    max_string: u64,
    /// The array's elements and their chunks, once the second thread has scanned it (empty when it is no array
    /// of at least two chunks, or an element is longer than `max_string`).
    found: OnceLock<Found>,
    next: AtomicUsize,
    stopped: AtomicBool,
}

struct Found {
    texts: Vec<Range<usize>>,
    chunks: Vec<Mutex<Option<Vec<Read>>>>,
}

impl<'a> ReadAhead<'a> {
    /// Where the last `"Descriptions"` key's array starts in a large JSON object's text (a search from the end,
    /// nothing parsed); an element longer than `max_string` stops the reading (the parse refuses the file, before
    /// any string that long is read).
    pub(crate) fn locate(bytes: &'a [u8], max_string: u64) -> Option<ReadAhead<'a>> {
        if bytes.len() < MIN_BYTES || bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return None;
        }
        let key = memchr::memmem::rfind(bytes, b"\"Descriptions\"")?;
        let mut at = key + "\"Descriptions\"".len();
        for expected in [b':', b'['] {
            at += bytes[at..].iter().position(|b| !b.is_ascii_whitespace())?;
            if bytes[at] != expected {
                return None;
            }
            at += usize::from(expected == b':');
        }
        let (next, stopped, found) = (AtomicUsize::new(0), AtomicBool::new(false), OnceLock::new());
        Some(ReadAhead { bytes, array: at, max_string, found, next, stopped })
    }

    /// The array's elements as places in the text (see `found`).
    fn scan(&self) -> Found {
        let mut de = serde_json::Deserializer::from_slice(&self.bytes[self.array..]);
        let items = Vec::<&serde_json::value::RawValue>::deserialize(&mut de).unwrap_or_default();
        let too_long = items.iter().any(|raw| raw.get().len() as u64 > self.max_string);
        if items.len() < 2 * CHUNK || too_long {
            return Found { texts: Vec::new(), chunks: Vec::new() };
        }
        let texts = super::state::places(self.bytes, &items);
        let chunks = (0..texts.len().div_ceil(CHUNK)).map(|_| Mutex::new(None)).collect();
        Found { texts, chunks }
    }

    /// Finds the elements, then claims and reads chunks until none is left or the guess was found wrong.
    pub(crate) fn work(&self) {
        if !self.stopped.load(Ordering::Relaxed) {
            self.found.get_or_init(|| self.scan());
            while self.read_one() {}
        }
    }

    /// Claims the next chunk and reads it; false when none is left (or the guess was found wrong).
    fn read_one(&self) -> bool {
        let Some(found) = self.found.get().filter(|_| !self.stopped.load(Ordering::Relaxed)) else { return false };
        let chunk = self.next.fetch_add(1, Ordering::Relaxed);
        let Some(slot) = found.chunks.get(chunk) else { return false };
        let first = chunk * CHUNK;
        let texts = &found.texts[first..(first + CHUNK).min(found.texts.len())];
        let read = texts.iter().enumerate().map(|(i, r)| read_description(&self.bytes[r.clone()], "", first + i));
        let read: Vec<Read> = read.collect();
        if let Ok(mut slot) = slot.lock() {
            *slot = Some(read);
        }
        true
    }

    /// Chunk `chunk`'s descriptions, taken, once they are read.
    fn take(&self, chunk: usize) -> Option<Vec<Read>> {
        self.found.get()?.chunks.get(chunk)?.lock().ok()?.take()
    }

    /// Whether the file's parse found exactly these descriptions (one document's, at its top level); if not (or
    /// the file did not parse: `None`), the reading stops and nothing read is used. The second thread's scan of
    /// the array is waited for while under way, or made here if it has not begun (a lent `join` may run the two
    /// one after the other).
    pub(crate) fn confirm(&self, pending: Option<&[PendingDescriptions]>) -> bool {
        let same = match pending {
            Some([p]) if p.prefix.is_empty() && p.next == 0 => {
                let found = self.found.get_or_init(|| self.scan());
                !found.texts.is_empty() && p.texts == found.texts
            }
            _ => false,
        };
        if !same {
            self.stopped.store(true, Ordering::Relaxed);
        }
        same
    }

    /// The descriptions from chunk `from` on, in order, once all were read and the guess confirmed.
    pub(crate) fn into_rest(self, from: usize) -> Option<Vec<Read>> {
        if self.stopped.into_inner() {
            return None;
        }
        let found = self.found.into_inner()?;
        let mut rest = Vec::with_capacity(found.texts.len().saturating_sub(from * CHUNK));
        for chunk in found.chunks.into_iter().skip(from) {
            rest.append(&mut chunk.into_inner().ok()??);
        }
        #[cfg(test)]
        USED.with(|used| used.set(used.get() + 1));
        Some(rest)
    }
}

impl Loader {
    /// Runs `stage` (parse the file, merge all but its descriptions); for a large bundle, with threads lent, its
    /// descriptions are meanwhile read on the second thread, and merged here once the parse confirms them.
    pub(super) fn stage_reading_ahead(
        &mut self,
        bytes: &[u8],
        load: &mut FileLoad,
        mut stage: impl FnMut(&mut Loader, &mut FileLoad) -> Result<(), ImportError> + Send,
    ) -> Result<(), ImportError> {
        let Some((join, ahead)) =
            self.join.and_then(|join| Some((join, ReadAhead::locate(bytes, self.limits.string_bytes)?)))
        else {
            return stage(self, load);
        };
        let mut staged = Ok(0);
        join(
            &mut || {
                staged = stage(self, load).map(|()| 0);
                if ahead.confirm(staged.as_ref().ok().map(|_| load.pending.as_slice())) {
                    staged = self.merge_ahead(&ahead, load);
                }
            },
            &mut || ahead.work(),
        );
        let merged = staged?;
        load.read_ahead = ahead.into_rest(merged).map(Vec::into_iter);
        Ok(())
    }

    /// Merges the chunks `ahead` has read, in order, reading the next unclaimed one whenever the next in order is
    /// not ready, until every chunk is claimed; returns how many chunks were merged (the rest are taken with
    /// [`ReadAhead::into_rest`]). The first description that cannot be read is the file's error, as it would be
    /// read a batch at a time.
    pub(crate) fn merge_ahead(&mut self, ahead: &ReadAhead<'_>, file: &mut FileLoad) -> Result<usize, ImportError> {
        let Some(doc) = file.pending.first_mut() else { return Ok(0) };
        let mut merged = 0;
        loop {
            if let Some(read) = ahead.take(merged) {
                for d in read {
                    let d = d.map_err(|(path, message)| {
                        ahead.stopped.store(true, Ordering::Relaxed);
                        ImportError { file: file.name.clone(), line: doc.line, path, message }
                    })?;
                    self.merge_described(d, &file.name, doc.line, &doc.at);
                    doc.next += 1;
                }
                merged += 1;
            } else if !ahead.read_one() {
                return Ok(merged);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ReadAhead, USED};
    use crate::model::roles::RoleTable;
    use crate::Loader;

    fn both_at_once(a: &mut (dyn FnMut() + Send), b: &mut (dyn FnMut() + Send)) {
        std::thread::scope(|s| {
            s.spawn(b);
            a();
        })
    }

    /// The elements of the array found from the end of `bytes`.
    fn texts(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
        ReadAhead::locate(bytes, u64::MAX).map(|a| a.scan().texts).unwrap_or_default()
    }

    fn bundle() -> Vec<u8> {
        let opts = crate::synth::SynthOptions { models: 2, weeks: 26, raw_partitions: 1, described: true };
        let mut bundle = Vec::new();
        crate::synth::synth(&opts, &mut bundle).unwrap_or_else(|e| panic!("{e}"));
        let found = texts(&bundle).len();
        assert_eq!(found, opts.description_count(), "the Descriptions array is found from the end");
        bundle
    }

    /// The report of `bytes` loaded with two threads lent (descriptions read ahead) or none, or the error.
    fn load(bytes: &[u8], threads: bool) -> String {
        load_with(bytes, threads.then_some(both_at_once))
    }

    /// [`load`] with `join` lent, if any.
    fn load_with(bytes: &[u8], join: Option<crate::read::dispatch::BothAtOnce>) -> String {
        let mut loader = Loader::new();
        if let Some(join) = join {
            loader.lend_threads(join);
        }
        let lineage = loader.add_file("bundle.json", bytes).and_then(|()| loader.finish(&RoleTable::builtin()));
        match lineage {
            Ok(l) => {
                let r = crate::answer(&l, &crate::Query::Start(None)).unwrap_or_else(|e| panic!("{e}"));
                let counts = (l.graph.node_count(), l.graph.edge_count(), l.stats.descriptions);
                format!("{counts:?} {}", serde_json::to_string(&r).unwrap_or_default())
            }
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn descriptions_read_ahead_give_what_one_thread_gives() {
        let bundle = bundle();
        let one = load(&bundle, false);
        assert!(!one.starts_with("error"), "{one}");
        assert_eq!(USED.get(), 0);
        assert_eq!(load(&bundle, true), one);
        assert_eq!(USED.get(), 1, "the descriptions were read ahead");
        // The parse done before the second thread has scanned the array (here it has not even begun: a `join`
        // that runs one piece after the other): the first thread scans it, and the reading ahead is still used.
        let sequential = crate::read::dispatch::one_after_the_other;
        assert_eq!(load_with(&bundle, Some(sequential)), one);
        assert_eq!(USED.get(), 2, "read ahead when the parse finished first");
    }

    #[test]
    fn a_wrong_guess_is_found_out_and_nothing_read_ahead_is_used() {
        // The last "Descriptions" key belongs to an object after the real array: 600 numbers, not responses.
        let mut bundle = bundle();
        let end = bundle.iter().rposition(|b| *b == b'}').unwrap_or_default();
        let numbers = (0..600).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
        bundle.splice(end.., format!(r#","Extra":{{"Descriptions":[{numbers}]}}}}"#).into_bytes());
        assert_eq!(texts(&bundle).len(), 600);
        let one = load(&bundle, false);
        assert!(!one.starts_with("error"), "{one}");
        assert_eq!(load(&bundle, true), one);
        assert_eq!(USED.get(), 0, "nothing read ahead was used");
    }

    #[test]
    fn a_description_that_cannot_be_read_is_the_same_error_either_way() {
        for at in [3, 700] {
            let mut bundle = bundle();
            let texts = texts(&bundle);
            // The same length, so every other description stays where it was.
            let r = texts[at].clone();
            bundle[r.clone()].copy_from_slice(format!("{:<1$}", "[]", r.len()).as_bytes());
            let one = load(&bundle, false);
            assert!(one.contains(&format!("Descriptions[{at}]")), "{one}");
            assert_eq!(load(&bundle, true), one);
        }
    }
}
