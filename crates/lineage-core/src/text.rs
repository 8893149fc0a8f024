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
