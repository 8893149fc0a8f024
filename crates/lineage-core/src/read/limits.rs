//! The bounds a load holds a file to: documents in one file, one string's length, a gzip file's gunzipped size
//! (the page adds the total input size). Each has a default that no export we know comes near, and a name by
//! which the caller raises it (`--max-documents` on the command line, `?max-documents=` in the page's address);
//! a file past one is an error naming the file, the limit and how to raise it. The JSON nesting depth is the
//! parser's own fixed 128 levels (see [`DEPTH`]).

/// One bound of [`Limits`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Documents (JSON Lines lines, array elements) in one file.
    Documents,
    /// Bytes of one JSON string (before unescaping).
    StringBytes,
    /// Bytes of a gzip file once gunzipped (a DynamoDB export's data file).
    GunzippedBytes,
    /// Bytes of all the files given at once (the page; the command line has the machine's memory).
    InputBytes,
}

impl Limit {
    /// The name the caller raises it by: a flag `--NAME` or an address parameter `?NAME=`.
    pub fn name(self) -> &'static str {
        match self {
            Limit::Documents => "max-documents",
            Limit::StringBytes => "max-string-mb",
            Limit::GunzippedBytes => "max-gunzipped-mb",
            Limit::InputBytes => "max-input-mb",
        }
    }

    /// Whether the limit is given in megabytes (10^6 bytes) rather than as a count.
    pub fn in_megabytes(self) -> bool {
        !matches!(self, Limit::Documents)
    }
}

/// How the user raises a limit, for the error's last words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RaiseWith {
    /// A command-line flag (`--max-documents N`).
    #[default]
    Flag,
    /// A parameter of the page's address (`?max-documents=N`).
    AddressParameter,
}

/// The JSON nesting depth past which a document is refused: serde_json's own limit, which keeps a hostile file
/// from exhausting the stack (a browser tab's is small). No AWS, OpenLineage or MLflow document nests past 30.
pub const DEPTH: usize = 128;

/// The bounds of one load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub documents: u64,
    pub string_bytes: u64,
    pub gunzipped_bytes: u64,
    /// All the files of one load together (the page's tab; unbounded on the command line).
    pub input_bytes: u64,
    pub raise_with: RaiseWith,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            // A busy endpoint's data capture for a day is a few million lines.
            documents: 10_000_000,
            // The largest strings AWS returns (a pipeline definition, a captured payload) are a few megabytes.
            string_bytes: 64_000_000,
            gunzipped_bytes: 2_000_000_000,
            input_bytes: u64::MAX,
            raise_with: RaiseWith::Flag,
        }
    }
}

impl Limits {
    /// The value of `limit`.
    pub fn get(&self, limit: Limit) -> u64 {
        match limit {
            Limit::Documents => self.documents,
            Limit::StringBytes => self.string_bytes,
            Limit::GunzippedBytes => self.gunzipped_bytes,
            Limit::InputBytes => self.input_bytes,
        }
    }

    /// The error's text for a file past `limit`: `what` it holds (`value`, or `None` when only "more than the
    /// limit" is known: reading stopped there), the limit, and how to raise it.
    pub fn exceeded(&self, limit: Limit, what: &str, value: Option<u64>) -> String {
        // Megabytes: whole ones, but tenths under ten and hundredths under a tenth (a 200 kB file is "0.2 MB", not
        // "1 MB"); the value to raise to is whole.
        let shown = |n: u64| match limit.in_megabytes() {
            true if n < 100_000 => format!("{:.2} MB", n as f64 / 1e6),
            true if n < 10_000_000 => format!("{:.1} MB", n as f64 / 1e6),
            true => format!("{} MB", n.div_ceil(1_000_000)),
            false => n.to_string(),
        };
        let whole = |n: u64| if limit.in_megabytes() { n.div_ceil(1_000_000) } else { n };
        let max = self.get(limit);
        let (now, raised) = match value {
            Some(v) => (shown(v), whole(v)),
            None => (format!("more than {}", shown(max)), whole(max.saturating_mul(2))),
        };
        let how = match self.raise_with {
            RaiseWith::Flag => format!("--{} {raised}", limit.name()),
            RaiseWith::AddressParameter => format!("?{}={raised} in the page's address", limit.name()),
        };
        format!(
            "{what} ({now}) is past the limit of {} ({}); if the file is what you meant to give, raise it with {how}",
            shown(max),
            limit.name()
        )
    }
}

impl Limits {
    /// The page's bounds: the defaults, a total input size that leaves the tab room to work (a load peaks at about
    /// three times its input; a 32-bit WebAssembly memory ends at 4 GiB, and `device_memory_gb`, what the browser
    /// says the machine has, may be less), and what the page's address raises.
    pub fn for_page(device_memory_gb: Option<f64>, raised: impl Fn(Limit) -> Option<u64>) -> Limits {
        let memory = device_memory_gb.filter(|g| g.is_finite() && *g > 0.0).map_or(4.0, |g| g.min(4.0));
        let mut limits = Limits {
            input_bytes: (memory * 250_000_000.0) as u64,
            raise_with: RaiseWith::AddressParameter,
            ..Limits::default()
        };
        let mb = |n: u64| n.saturating_mul(1_000_000);
        if let Some(n) = raised(Limit::Documents) {
            limits.documents = n;
        }
        if let Some(n) = raised(Limit::StringBytes) {
            limits.string_bytes = mb(n);
        }
        if let Some(n) = raised(Limit::GunzippedBytes) {
            limits.gunzipped_bytes = mb(n);
        }
        if let Some(n) = raised(Limit::InputBytes) {
            limits.input_bytes = mb(n);
        }
        limits
    }

    /// Whether `more` bytes may be loaded beside `loaded`: the error's text when they would pass the page's total.
    pub fn admit(&self, loaded: u64, more: u64, name: &str) -> Result<(), String> {
        let total = loaded.saturating_add(more);
        if total <= self.input_bytes {
            return Ok(());
        }
        let what = if loaded == 0 {
            format!("{name}: the input")
        } else {
            format!("{name}: the input with the files already loaded")
        };
        Err(self.exceeded(Limit::InputBytes, &what, Some(total)))
    }
}

/// The first JSON string in `text` longer than `max` bytes: its start offset and length (escapes counted as
/// written). Only a text longer than `max` can hold one, so shorter texts cost nothing. A longer text is first
/// checked cheaply: a string of more than `max` bytes holds a whole window `[k·max/2, (k+1)·max/2)` with no
/// unescaped quote, while in any export every such window holds one within its first few bytes; only a text
/// with such a window is scanned quote to quote ([`long_string_scan`]).
pub(crate) fn long_string(text: &[u8], max: u64) -> Option<(usize, usize)> {
    if (text.len() as u64) <= max {
        return None;
    }
    let step = usize::try_from(max / 2).unwrap_or(usize::MAX).max(1);
    let mut windows = (0..text.len()).step_by(step).filter(|c| c + step <= text.len());
    let quiet = windows.any(|c| !memchr::memchr_iter(b'"', &text[c..c + step]).any(|i| unescaped(text, c + i)));
    if quiet {
        long_string_scan(text, max)
    } else {
        None
    }
}

/// Whether the quote at `q` ends or starts a string: an even run of backslashes before it.
fn unescaped(text: &[u8], q: usize) -> bool {
    text[..q].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 0
}

/// [`long_string`] by walking every quote.
fn long_string_scan(text: &[u8], max: u64) -> Option<(usize, usize)> {
    let mut open: Option<usize> = None;
    for q in memchr::memchr_iter(b'"', text).filter(|&q| unescaped(text, q)) {
        match open.take() {
            None => open = Some(q),
            Some(start) if (q - start - 1) as u64 > max => return Some((start, q - start - 1)),
            Some(_) => {}
        }
    }
    // An unclosed string: the parser names it; a long one is past the limit all the same.
    open.filter(|&start| (text.len() - start - 1) as u64 > max).map(|start| (start, text.len() - start - 1))
}

/// Line and column (1-based) of byte `offset` in `text`, as the parser's errors say them.
pub(crate) fn position(text: &[u8], offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let column = before.len() - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_string_is_found_and_escaped_quotes_do_not_end_it() {
        assert_eq!(long_string(br#"{"a":"bcd"}"#, 100), None);
        assert_eq!(long_string(br#"{"a":"bcd"}"#, 3), None);
        assert_eq!(long_string(br#"{"a":"bcde"}"#, 3), Some((5, 4)));
        assert_eq!(long_string(br#"{"a":"b\"c"}"#, 3), Some((5, 4)));
        assert_eq!(long_string(br#"{"a":"b\\"}"#, 2), Some((5, 3)));
        assert_eq!(long_string(br#"{"a":"b\\"}"#, 3), None);
        assert_eq!(long_string(br#"{"a":"bcdefgh"#, 3), Some((5, 7)));
        assert_eq!(position(b"ab\ncd", 4), (2, 2));
    }

    #[test]
    fn the_cheap_check_finds_what_the_scan_finds() {
        // Texts of quotes, backslashes and letters from a fixed generator, every limit from 1 to 12.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut cases = 0;
        for _ in 0..3000 {
            let len = (next() % 40) as usize;
            let text: Vec<u8> =
                (0..len).map(|_| [b'"', b'\\', b'a', b'a', b'a', b'{'][(next() % 6) as usize]).collect();
            for max in 1..12 {
                let (fast, scan) = (long_string(&text, max), long_string_scan(&text, max));
                let scan = scan.filter(|_| text.len() as u64 > max);
                assert_eq!(fast, scan, "{:?} max {max}", String::from_utf8_lossy(&text));
                cases += usize::from(scan.is_some());
            }
        }
        assert!(cases > 1000, "{cases}");
    }

    #[test]
    fn the_error_names_the_limit_and_how_to_raise_it() {
        let limits = Limits { documents: 5, ..Limits::default() };
        let text = limits.exceeded(Limit::Documents, "the file's documents", Some(6));
        assert!(
            text.ends_with(
                "limit of 5 (max-documents); if the file is what you meant to give, raise it with --max-documents 6"
            ),
            "{text}"
        );
        let page = Limits { raise_with: RaiseWith::AddressParameter, ..Limits::default() };
        let text = page.exceeded(Limit::StringBytes, "a string", Some(70_000_001));
        assert!(text.contains("(71 MB) is past the limit of 64 MB (max-string-mb)"), "{text}");
        assert!(text.ends_with("?max-string-mb=71 in the page's address"), "{text}");
        let text = Limits::default().exceeded(Limit::GunzippedBytes, "the gunzipped data", None);
        assert!(text.contains("(more than 2000 MB) is past the limit of 2000 MB"), "{text}");
        assert!(text.ends_with("--max-gunzipped-mb 4000"), "{text}");
        let page = Limits::for_page(Some(2.0), |l| (l == Limit::Documents).then_some(9));
        assert_eq!((page.input_bytes, page.documents), (500_000_000, 9));
        assert_eq!(Limits::for_page(None, |_| None).input_bytes, 1_000_000_000);
        assert!(page.admit(400_000_000, 100_000_000, "a.json").is_ok());
        let text = page.admit(400_000_000, 100_000_001, "a.json").err().unwrap_or_default();
        assert!(
            text.starts_with(
                "a.json: the input with the files already loaded (501 MB) is past the limit of 500 MB (max-input-mb)"
            ),
            "{text}"
        );
        assert!(text.ends_with("?max-input-mb=501 in the page's address"), "{text}");
    }
}
