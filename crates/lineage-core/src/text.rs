//! Text every face writes the same way: the report's title line, numbers as a person writes them, and input text
//! on one line (no control character can forge a line, no bidirectional override reorder one).

/// Renders a number the way a person writes it (`6`, `0.3`, `1e-7`).
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A count and its noun, singular for one: `1 file`, `2 files`, `1 vertex`, `3 vertices`, `2 SameAs twins`.
/// The noun is written singular; its plural is English's regular one, or the irregular ones this tool prints.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    let (head, last) = match noun.rsplit_once(' ') {
        Some((head, last)) => (format!("{head} "), last),
        None => (String::new(), noun),
    };
    let plural = match last {
        "vertex" => "vertices".to_owned(),
        "index" => "indices".to_owned(),
        w if w.ends_with('s') || w.ends_with('x') || w.ends_with("ch") || w.ends_with("sh") => format!("{w}es"),
        w if w.ends_with('y') && !w.ends_with("ay") && !w.ends_with("ey") && !w.ends_with("oy") => {
            format!("{}ies", &w[..w.len() - 1])
        }
        w => format!("{w}s"),
    };
    format!("{n} {head}{plural}")
}

/// Who reads an error, so that what it says to do next names that reader's own controls: the command line's flags
/// or the page's fields and picker. The rest of every message is the same for both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asker {
    Cli,
    Page,
}

/// The page's fields beside the inference box.
const PAGE_FIELDS: &str = "the Endpoint and Variant fields beside the inference ID";

impl Asker {
    /// How to pick a report's subject among those listed.
    pub fn pick_subject(self) -> &'static str {
        match self {
            Asker::Cli => "pass --start with one of",
            Asker::Page => "choose one in the Subject picker",
        }
    }

    /// How to say which endpoint (and variant) served an inference whose capture file does not.
    pub fn give_endpoint(self) -> String {
        match self {
            Asker::Cli => "pass --endpoint (and --variant)".into(),
            Asker::Page => format!(
                "load the capture folder (choose folder, or drop the folder) to keep that layout, or type the endpoint (and variant) in {PAGE_FIELDS}"
            ),
        }
    }

    /// How to say which variant served an inference.
    pub fn give_variant(self) -> String {
        match self {
            Asker::Cli => "pass --variant".into(),
            Asker::Page => format!("type the variant in {PAGE_FIELDS}"),
        }
    }

    /// How to pick one of several capture records.
    pub fn pick_record(self) -> String {
        match self {
            Asker::Cli => "pass --endpoint/--variant to pick one".into(),
            Asker::Page => format!("type the one you mean in {PAGE_FIELDS}"),
        }
    }

    /// Where the endpoint or variant asked for was given.
    pub fn asked_in(self) -> String {
        match self {
            Asker::Cli => String::new(),
            Asker::Page => format!(" (typed in {PAGE_FIELDS})"),
        }
    }

    /// The words that name the option a start was given with: `--start X` on the command line.
    pub fn start_named(self, start: &str) -> String {
        match self {
            Asker::Cli => format!("--start {start}"),
            Asker::Page => start.to_owned(),
        }
    }

    /// Where to explore a vertex no report starts from.
    pub fn explore_elsewhere(self) -> &'static str {
        match self {
            Asker::Cli => " (use `lineage query` to explore other vertices)",
            Asker::Page => ": choose one in the Subject picker (the graph explores the other vertices)",
        }
    }

    /// How to report on one of the packages that may have served an inference inside a switch.
    pub fn pick_overlap(self) -> &'static str {
        match self {
            Asker::Cli => "pass --start with one of them to report on it",
            Asker::Page => "open either package's report with the Subject picker",
        }
    }

    /// A command-line flag a message names (`--variant`), as this reader would give it.
    pub fn flag(self, text: &str) -> String {
        match self {
            Asker::Cli => text.to_owned(),
            Asker::Page => text.replace("--variant", "the variant (typed beside the inference ID)"),
        }
    }
}

/// Input text on one line: control characters (line breaks, escapes) become spaces, so they cannot forge lines,
/// and bidirectional overrides are shown as `<U+202E>`, so they cannot reorder what a reader sees.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if c.is_control() => out.push(' '),
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("<U+{:04X}>", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// The title every face puts on a report, with the document's title made safe by the face's own `escape`.
pub fn report_title(title: &str, escape: impl Fn(&str) -> String) -> String {
    format!("Lineage audit: {}", escape(title))
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_are_singular_for_one() {
        assert_eq!(count(1, "file"), "1 file");
        assert_eq!(count(2, "file"), "2 files");
        assert_eq!(count(0, "model package"), "0 model packages");
        assert_eq!(count(3, "vertex"), "3 vertices");
        assert_eq!(count(2, "CloudTrail record"), "2 CloudTrail records");
        assert_eq!(count(2, "question"), "2 questions");
        assert_eq!(count(2, "dependency"), "2 dependencies");
        assert_eq!(count(2, "key"), "2 keys");
        assert_eq!(count(2, "status"), "2 statuses");
    }
}
