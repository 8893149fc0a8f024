//! Where a command's output goes and in which format: `-o FILE` names both (the format from the file's
//! extension when `--format` is not given; an extension that contradicts `--format` is an error), and binary output
//! is never written to a terminal.

use std::io::{IsTerminal, Write};

use clap::ValueEnum;

use crate::Failure;

/// The format to write: `--format` when given (checked against `-o`'s extension), else the one `-o`'s extension
/// names in `by_extension`, else `default`. An extension outside the table names no format and is accepted.
pub fn format<F: ValueEnum + Copy + PartialEq>(
    given: Option<F>,
    output: &str,
    default: F,
    by_extension: &[(&str, F)],
) -> Result<F, Failure> {
    let extension = (output != "-")
        .then(|| std::path::Path::new(output).extension().and_then(|e| e.to_str()))
        .flatten()
        .map(str::to_ascii_lowercase);
    let implied = extension.as_deref().and_then(|x| by_extension.iter().find(|(e, _)| *e == x)).map(|(_, f)| *f);
    match (given, implied) {
        (Some(f), Some(i)) if f != i => Err(Failure::input(format!(
            "-o {output}: its extension means --format {}, but --format {} was given (drop one, or make them agree)",
            name(i),
            name(f)
        ))),
        (Some(f), _) => Ok(f),
        (None, Some(i)) => Ok(i),
        (None, None) => Ok(default),
    }
}

/// A format's name as `--format` spells it.
pub fn name<F: ValueEnum>(f: F) -> String {
    f.to_possible_value().map(|v| v.get_name().to_owned()).unwrap_or_default()
}

/// Refuses to write binary output to a terminal (it would print as garbage).
pub fn refuse_binary_to_terminal(output: &str, what: &str, extension: &str) -> Result<(), Failure> {
    if output == "-" && std::io::stdout().is_terminal() {
        return Err(Failure::input(format!(
            "refusing to write {what} to a terminal: pass -o FILE.{extension} (or redirect standard output)"
        )));
    }
    Ok(())
}

/// Writes `bytes` to `output` (`-`: standard output).
pub fn write(output: &str, bytes: &[u8]) -> Result<(), Failure> {
    let result = if output == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes).and_then(|()| out.flush())
    } else {
        std::fs::write(output, bytes)
    };
    result.map_err(|e| Failure { code: 1, message: format!("{output}: cannot write: {e}") })
}
