//! `lineage diff` and `lineage impact`: the inputs read, the core's comparison or impact made, and written in the
//! format asked (the document faces, JSON, CSV for the inferences, PDF through the same Document).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use lineage_core::time::Timestamp;
use lineage_core::{render, Document};

use crate::{inputs, json, output, pdf, roles, Failure, ReportFormat, REPORT_EXTENSIONS};

/// The inputs every comparison reads.
#[derive(Args, Debug)]
pub struct CompareInputs {
    /// Export files or directories (a directory: every file in it and its subdirectories, in path order; .json,
    /// .jsonl and .ndjson are read, and an audit table's .csv and .json.gz; anything else is listed as skipped).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Extra role rules (JSON, tried before the built-in table).
    #[arg(long)]
    roles: Option<PathBuf>,
    /// The audit table's column map (JSON: {"table", "key", "columns"}), for an audit table among the files.
    #[arg(long, value_name = "FILE")]
    audit_map: Option<PathBuf>,
    /// Output file, or - for standard output.
    #[arg(short, long, default_value = "-")]
    output: String,
    /// PDF: the generation date printed in it, YYYY-MM-DD (default: today, UTC).
    #[arg(long)]
    date: Option<String>,
}

// `lineage diff`'s arguments.
#[derive(Args, Debug)]
pub struct DiffArgs {
    #[command(flatten)]
    inputs: CompareInputs,
    /// The earlier model version: anything `report --start` takes (a model package ARN or GROUP/VERSION, an
    /// MLflow version, an endpoint, …), taken to the model version it stands for.
    #[arg(long)]
    from: String,
    /// The later one (default: the version that replaced --from in its group, when the export holds it).
    #[arg(long)]
    to: Option<String>,
    /// Output format (default: from -o's extension — .pdf, .md, .html, .json, .txt —, else text).
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
}

// `lineage impact`'s arguments.
#[derive(Args, Debug)]
pub struct ImpactArgs {
    #[command(flatten)]
    inputs: CompareInputs,
    /// What was wrong: a vertex by ARN, name or source URI; an ARN or URI prefix (s3://bucket/train/); a feature
    /// group by name; each with @VERSION for one version only (accounts@2027-W09).
    #[arg(long)]
    source: String,
    /// Only inferences at or after this time (ISO 8601, or a date YYYY-MM-DD: from its start, UTC).
    #[arg(long, value_name = "TIME")]
    from: Option<String>,
    /// Only inferences at or before this time (ISO 8601, or a date YYYY-MM-DD: to its end, UTC).
    #[arg(long, value_name = "TIME")]
    to: Option<String>,
    /// Output format (default: from -o's extension — .pdf, .md, .html, .json, .csv, .txt —, else text). CSV: one
    /// row per affected inference (id, time, endpoint, variant, model package, served).
    #[arg(long, value_enum)]
    format: Option<ImpactFormat>,
}

#[derive(Copy, Clone, Debug, PartialEq, ValueEnum)]
pub enum ImpactFormat {
    Text,
    Md,
    Html,
    Json,
    Csv,
    Pdf,
}

impl CompareInputs {
    fn load(&self) -> Result<lineage_core::Lineage, Failure> {
        let files = inputs::Inputs { files: &self.files, audit_map: self.audit_map.as_deref() };
        inputs::load(&files, &roles(self.roles.as_ref())?)
    }
}

/// A document's bytes in one of the faces every comparison shares with the report (JSON is each one's own).
fn document_bytes(doc: &Document, face: ReportFormat, date: Option<String>) -> Result<Vec<u8>, Failure> {
    Ok(match face {
        ReportFormat::Text | ReportFormat::Json => render::text(doc).into_bytes(),
        ReportFormat::Md => render::markdown(doc).into_bytes(),
        ReportFormat::Html => render::html(doc).into_bytes(),
        ReportFormat::Pdf => pdf::write(doc, date, None, &[], Vec::new())?,
    })
}

fn checked_pdf(output: &str, date: Option<&str>, is_pdf: bool) -> Result<(), Failure> {
    if is_pdf {
        output::refuse_binary_to_terminal(output, "a PDF", "pdf")?;
        pdf::check_dates(date, None)?;
    } else if date.is_some() {
        eprintln!("warning: --date applies only to the PDF (--format pdf); ignored");
    }
    Ok(())
}

/// `lineage diff`.
pub fn run_diff(args: DiffArgs) -> Result<(), Failure> {
    let DiffArgs { inputs: i, from, to, format } = args;
    let format = output::format(format, &i.output, ReportFormat::Text, &REPORT_EXTENSIONS)?;
    checked_pdf(&i.output, i.date.as_deref(), format == ReportFormat::Pdf)?;
    let lineage = i.load()?;
    let diff =
        lineage_core::narrative::diff(&lineage, &from, to.as_deref()).map_err(|e| Failure::input(e.to_string()))?;
    let bytes = match format {
        ReportFormat::Json => json(&diff)?.into_bytes(),
        face => document_bytes(&lineage_core::document::changes::diff_document(&diff), face, i.date)?,
    };
    crate::exit_without_freeing(lineage);
    output::write(&i.output, &bytes)
}

/// `--from`/`--to` of `impact`: an instant, or a date (its first or last instant, UTC).
fn bound(flag: &str, text: &str, end_of_day: bool) -> Result<Timestamp, Failure> {
    if lineage_core::time::calendar_date(text).is_some() {
        let time = if end_of_day { "T23:59:59.999999999Z" } else { "T00:00:00Z" };
        if let Some(t) = Timestamp::parse(&format!("{text}{time}")) {
            return Ok(t);
        }
    }
    Timestamp::parse(text).ok_or_else(|| {
        Failure::input(format!(
            "{flag} {text:?}: expected a time as ISO 8601 (2027-03-12T09:30:00Z) or a date as YYYY-MM-DD that exists"
        ))
    })
}

/// `lineage impact`.
pub fn run_impact(args: ImpactArgs) -> Result<(), Failure> {
    let ImpactArgs { inputs: i, source, from, to, format } = args;
    let by_extension = [
        ("pdf", ImpactFormat::Pdf),
        ("md", ImpactFormat::Md),
        ("html", ImpactFormat::Html),
        ("json", ImpactFormat::Json),
        ("csv", ImpactFormat::Csv),
        ("txt", ImpactFormat::Text),
    ];
    let format = output::format(format, &i.output, ImpactFormat::Text, &by_extension)?;
    checked_pdf(&i.output, i.date.as_deref(), format == ImpactFormat::Pdf)?;
    let window = match (&from, &to) {
        (None, None) => None,
        _ => Some(lineage_core::impact::Window {
            from: from.as_deref().map(|t| bound("--from", t, false)).transpose()?,
            to: to.as_deref().map(|t| bound("--to", t, true)).transpose()?,
        }),
    };
    let lineage = i.load()?;
    let impact = lineage_core::impact::impact(&lineage, &source, window).map_err(|e| Failure::input(e.to_string()))?;
    let face = |f| document_bytes(&lineage_core::document::changes::impact_document(&impact), f, i.date.clone());
    let bytes = match format {
        ImpactFormat::Json => json(&impact)?.into_bytes(),
        ImpactFormat::Csv => render::impact_csv(&impact).into_bytes(),
        ImpactFormat::Text => face(ReportFormat::Text)?,
        ImpactFormat::Md => face(ReportFormat::Md)?,
        ImpactFormat::Html => face(ReportFormat::Html)?,
        ImpactFormat::Pdf => face(ReportFormat::Pdf)?,
    };
    crate::exit_without_freeing(lineage);
    output::write(&i.output, &bytes)
}
