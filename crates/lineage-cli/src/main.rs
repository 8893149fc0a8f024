//! `lineage`: the command-line shell around lineage-core. The only crate that reads or writes files.

mod compare;
mod fleet;
mod git;
mod inputs;
mod output;
mod pdf;
mod seal;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use lineage_core::query::{self, Direction, QueryOptions};
use lineage_core::read::limits::{Limits, RaiseWith};
use lineage_core::{render, LineageType, RoleTable};

/// Answers a regulator's five questions about a model from the lineage your systems already export: which model
/// version served an inference, which training data produced it, which feature-store versions and exclusion list
/// went into that data, its hyperparameters and metrics, and who approved it and when — each answer with the file
/// and JSON path it rests on, and every link that was never recorded named as a gap.
///
/// Reads SageMaker exports (QueryLineage, Describe*, data capture, CloudTrail, EventBridge, Pipelines, the
/// exporter's bundle) and OpenLineage events.
#[derive(Parser, Debug)]
#[command(name = "lineage", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    limits: LimitArgs,
}

/// The bounds every input file is held to (a file past one is refused, exit 2, naming the flag that raises it).
#[derive(Args, Debug)]
struct LimitArgs {
    /// Most documents (JSON Lines lines, array elements) one file may hold.
    #[arg(long, global = true, value_name = "N", default_value_t = Limits::default().documents)]
    max_documents: u64,
    /// Longest JSON string, in megabytes (10^6 bytes).
    #[arg(long, global = true, value_name = "MB", default_value_t = Limits::default().string_bytes / 1_000_000)]
    max_string_mb: u64,
    /// Largest gunzipped size of one gzip file (a DynamoDB export's data file), in megabytes.
    #[arg(long, global = true, value_name = "MB", default_value_t = Limits::default().gunzipped_bytes / 1_000_000)]
    max_gunzipped_mb: u64,
}

impl From<&LimitArgs> for Limits {
    fn from(a: &LimitArgs) -> Limits {
        Limits {
            documents: a.max_documents,
            string_bytes: a.max_string_mb.saturating_mul(1_000_000),
            gunzipped_bytes: a.max_gunzipped_mb.saturating_mul(1_000_000),
            input_bytes: u64::MAX,
            raise_with: RaiseWith::Flag,
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The five answers, the provenance sentence, the ancestry tree and the gaps for one model.
    Report(ReportArgs),
    /// For every model package in the export: which answers it has, and whether a policy's required ones are
    /// all there. Exit 0 when every package passes, 1 when some fails the policy, 2 on bad input or when the
    /// files hold no model package at all.
    Check {
        /// Export files or directories (a directory: every file in it and its subdirectories, in path order; .json,
        /// .jsonl and .ndjson are read, and an audit table's .csv and .json.gz; anything else is listed as skipped).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The policy (JSON, the shape of crates/lineage-core/data/policy.json; default: that built-in one).
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Extra role rules (JSON, tried before the built-in table).
        #[arg(long)]
        roles: Option<PathBuf>,
        /// The audit table's column map (JSON: {"table", "key", "columns"}), for an audit table among the files: a
        /// DynamoDB Scan response, an export's data files (*.json.gz) or a CSV file.
        #[arg(long, value_name = "FILE")]
        audit_map: Option<PathBuf>,
        /// Output format (default: from -o's extension — .json, .xml for JUnit, .md, .txt —, else text).
        #[arg(long, value_enum)]
        format: Option<CheckFormat>,
        /// Output file, or - for standard output.
        #[arg(short, long, default_value = "-")]
        output: String,
    },
    /// What changed between two model versions: training data, upstream sources, hyperparameters, metrics, code,
    /// approval and pipeline, fact by fact. Exit 2 when the two name the same version or one names nothing.
    Diff(compare::DiffArgs),
    /// Everything a source touched: the datasets, jobs and model versions downstream of it, their deployments,
    /// and the captured inferences they served (CSV for the remediation team). A source nothing used gives an
    /// empty result that says so; one the export does not hold is exit 2.
    Impact(compare::ImpactArgs),
    /// Ancestors, descendants or both of a vertex; or the shortest path to another (--to).
    Query(QueryArgs),
    /// Counts by lineage and entity type, duplicates merged, joins made, warnings.
    Inspect {
        /// Export files or directories (a directory: every file in it and its subdirectories, in path order; .json,
        /// .jsonl and .ndjson are read, and an audit table's .csv and .json.gz; anything else is listed as skipped).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The audit table's column map (JSON: {"table", "key", "columns"}), for an audit table among the files: a
        /// DynamoDB Scan response, an export's data files (*.json.gz) or a CSV file.
        #[arg(long, value_name = "FILE")]
        audit_map: Option<PathBuf>,
        /// Output format (default: from -o's extension — .json, .txt —, else text).
        #[arg(long, value_enum)]
        format: Option<DataFormat>,
        /// Output file, or - for standard output.
        #[arg(short, long, default_value = "-")]
        output: String,
    },
    /// Checks a sealed report PDF: the attachments' checksums, the attached inputs against the manifest, the report
    /// regenerated from them against the attached report.json, and its sentence on page 1. Exit 0 when all hold,
    /// 1 when one fails, 2 when the file is not a sealed report or unreadable.
    Verify {
        /// The PDF `lineage report --format pdf` wrote.
        file: PathBuf,
        /// A root certificate (PEM) the signer's and the timestamp authority's chains may end at (repeatable);
        /// without one a signature's chain is verified but not anchored, and the output says so.
        #[arg(long, value_name = "ROOT.pem")]
        trust: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DataFormat::Text)]
        format: DataFormat,
    },
    /// Writes a deterministic synthetic export (weekly retrains of many model groups) for benchmarks.
    Synth {
        /// How many model package groups (each retrained weekly).
        #[arg(long, default_value_t = 3)]
        models: usize,
        /// How many weekly retrains (model package versions) per group.
        #[arg(long, default_value_t = 4)]
        weeks: usize,
        /// How many raw data partitions feed each week's feature-store versions.
        #[arg(long, default_value_t = 16)]
        raw_partitions: usize,
        /// Describe only the start package's lineage (a lineage-only export); by default every vertex other than
        /// the raw partitions, and every job and package, is described, as lineage-export-sagemaker does.
        #[arg(long)]
        lineage_only: bool,
        /// Output file (the export is one JSON file).
        #[arg(short, long)]
        output: String,
    },
}

// `lineage report`'s arguments (a plain comment: clap would take a doc comment for the command's about).
#[derive(Args, Debug)]
struct ReportArgs {
    /// Export files or directories (a directory: every file in it and its subdirectories, in path order; .json,
    /// .jsonl and .ndjson are read, and an audit table's .csv and .json.gz; anything else is listed as skipped).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Model package, model artifact or endpoint: ARN, name, source URI, model-package ARN or GROUP/VERSION.
    /// Default: the export's StartArns, else the only model package.
    #[arg(long)]
    start: Option<String>,
    /// Report on the model package that served this inference: its data-capture inferenceId (else eventId).
    /// The inputs must hold the capture record and the endpoint's deployment history.
    #[arg(long, value_name = "ID")]
    inference: Option<String>,
    /// With --inference: the endpoint, when the capture file's path does not keep the S3 key layout
    /// …/ENDPOINT/VARIANT/yyyy/mm/dd/hh/FILE.jsonl.
    #[arg(long, requires = "inference")]
    endpoint: Option<String>,
    /// With --inference: the production variant, when the capture file's path does not say.
    #[arg(long, requires = "inference")]
    variant: Option<String>,
    /// Extra role rules (JSON, tried before the built-in table).
    #[arg(long)]
    roles: Option<PathBuf>,
    /// The audit table's column map (JSON: {"table", "key", "columns"}), for an audit table among the files: a
    /// DynamoDB Scan response, an export's data files (*.json.gz) or a CSV file.
    #[arg(long, value_name = "FILE")]
    audit_map: Option<PathBuf>,
    /// Output format (default: from -o's extension — .pdf, .md, .html, .json, .txt —, else text). A PDF is never
    /// written to a terminal.
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
    /// Output file, or - for standard output.
    #[arg(short, long, default_value = "-")]
    output: String,
    /// PDF: the generation date printed in it, YYYY-MM-DD (default: today, UTC).
    #[arg(long)]
    date: Option<String>,
    /// PDF: the period the question is about, FROM..TO (YYYY-MM-DD..YYYY-MM-DD), printed in the title block.
    #[arg(long)]
    period: Option<String>,
    /// PDF: another font (TTF/OTF) to try for characters the bundled fonts lack (repeatable).
    #[arg(long = "fallback-font", value_name = "FILE")]
    fallback_fonts: Vec<PathBuf>,
    /// PDF: attach the input files (with report.json and manifest.json, always attached): auto attaches them when
    /// together they are at most 64 MiB.
    #[arg(long, value_enum, default_value_t = seal::AttachInputs::Auto)]
    attach_inputs: seal::AttachInputs,
    /// PDF: sign it (PAdES baseline, an incremental update) with this private key (PEM: RSA of 2048 bits or more,
    /// or EC P-256; unencrypted). Needs --cert.
    #[arg(long, value_name = "KEY.pem", requires = "cert")]
    sign: Option<PathBuf>,
    /// PDF: the signer's certificate (PEM), for --sign.
    #[arg(long, value_name = "CERT.pem", requires = "sign")]
    cert: Option<PathBuf>,
    /// PDF: intermediate certificates (PEM) to include in the signature, for --sign.
    #[arg(long, value_name = "CHAIN.pem", requires = "sign")]
    chain: Option<PathBuf>,
    /// PDF: an RFC 3161 timestamp authority's URL (http://…): adds a signature timestamp (PAdES B-T), for --sign.
    #[arg(long, value_name = "URL", requires = "sign")]
    tsa: Option<String>,
}

// `lineage query`'s arguments.
#[derive(Args, Debug)]
struct QueryArgs {
    /// Export files or directories (a directory: every file in it and its subdirectories, in path order; .json,
    /// .jsonl and .ndjson are read, and an audit table's .csv and .json.gz; anything else is listed as skipped).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Start vertex: ARN, name, source URI or GROUP/VERSION, as `report --start` takes (--from is the old name).
    #[arg(long, visible_alias = "from")]
    start: String,
    /// Target vertex: print the shortest path from --start to it (directed if one exists).
    #[arg(long)]
    to: Option<String>,
    /// Which way to walk from --start.
    #[arg(long, value_enum, default_value_t = DirectionArg::Ancestors)]
    direction: DirectionArg,
    /// Maximum number of associations from the start (default: unlimited).
    #[arg(long)]
    max_depth: Option<usize>,
    /// Keep vertices of this entity type (repeatable), e.g. DataSet, Model, TrainingJob.
    #[arg(long = "type", value_name = "TYPE")]
    types: Vec<String>,
    /// Keep vertices of this lineage type (repeatable).
    #[arg(long = "lineage-type", value_enum, value_name = "LINEAGE_TYPE", ignore_case = true)]
    lineage_types: Vec<LineageTypeArg>,
    /// The audit table's column map (JSON: {"table", "key", "columns"}), for an audit table among the files: a
    /// DynamoDB Scan response, an export's data files (*.json.gz) or a CSV file.
    #[arg(long, value_name = "FILE")]
    audit_map: Option<PathBuf>,
    /// Output format (default: from -o's extension — .json, .txt —, else text).
    #[arg(long, value_enum)]
    format: Option<DataFormat>,
    /// Output file, or - for standard output.
    #[arg(short, long, default_value = "-")]
    output: String,
}

/// What `-o`'s extension means for a report (and a diff, which has the same formats).
const REPORT_EXTENSIONS: [(&str, ReportFormat); 7] = [
    ("pdf", ReportFormat::Pdf),
    ("md", ReportFormat::Md),
    ("markdown", ReportFormat::Md),
    ("html", ReportFormat::Html),
    ("htm", ReportFormat::Html),
    ("json", ReportFormat::Json),
    ("txt", ReportFormat::Text),
];

#[derive(Copy, Clone, Debug, PartialEq, ValueEnum)]
enum ReportFormat {
    Text,
    Md,
    Html,
    Json,
    Pdf,
}

#[derive(Copy, Clone, Debug, PartialEq, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
    Junit,
    Md,
}

#[derive(Copy, Clone, Debug, PartialEq, ValueEnum)]
enum DataFormat {
    Text,
    Json,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum DirectionArg {
    Ancestors,
    Descendants,
    Both,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum LineageTypeArg {
    #[value(name = "Artifact")]
    Artifact,
    #[value(name = "Action")]
    Action,
    #[value(name = "Context")]
    Context,
    #[value(name = "TrialComponent", alias = "trial-component")]
    TrialComponent,
}

/// A failure and its exit code: 2 for bad input or usage, 1 for anything else (such as an unwritable output).
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn input(message: impl Into<String>) -> Failure {
        Failure { code: 2, message: message.into() }
    }
}

/// jemalloc rather than the system allocator: the import makes and frees millions of small strings and vectors,
/// and glibc's malloc/free took a tenth of a large report's time (perf, `bench/RESULTS.md`). The benchmark's
/// baselines (`lineage-bench`, bench/floor) use the same, so that `report` and the floor are measured alike.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(Fleet::Passes) => ExitCode::SUCCESS,
        Ok(Fleet::Fails(message)) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn roles(path: Option<&PathBuf>) -> Result<RoleTable, Failure> {
    let Some(path) = path else {
        return Ok(RoleTable::builtin());
    };
    let bytes = std::fs::read(path).map_err(|e| Failure::input(format!("{}: cannot read: {e}", path.display())))?;
    RoleTable::with_user_rules(&bytes).map_err(|e| Failure::input(format!("{}: {e}", path.display())))
}

/// How a command that ran ends: `check` fails when some package fails the policy (exit 1, after its output is
/// written); every other command passes when it ran.
enum Fleet {
    Passes,
    Fails(String),
}

/// Runs one subcommand, each in its own function (`check` in fleet.rs).
fn run(cli: Cli) -> Result<Fleet, Failure> {
    inputs::set_limits(Limits::from(&cli.limits));
    match cli.command {
        Command::Report(args) => run_report(args).map(|()| Fleet::Passes),
        Command::Check { files, policy, roles: roles_file, audit_map, format, output } => {
            let by_extension = [
                ("json", CheckFormat::Json),
                ("xml", CheckFormat::Junit),
                ("md", CheckFormat::Md),
                ("txt", CheckFormat::Text),
            ];
            let format = output::format(format, &output, CheckFormat::Text, &by_extension)?;
            let inputs = inputs::Inputs { files: &files, audit_map: audit_map.as_deref() };
            fleet::check(&inputs, policy.as_deref(), roles(roles_file.as_ref())?, format, &output)
        }
        Command::Diff(args) => compare::run_diff(args).map(|()| Fleet::Passes),
        Command::Impact(args) => compare::run_impact(args).map(|()| Fleet::Passes),
        Command::Query(args) => run_query(args).map(|()| Fleet::Passes),
        Command::Inspect { files, audit_map, format, output } => {
            let inputs = inputs::Inputs { files: &files, audit_map: audit_map.as_deref() };
            run_inspect(&inputs, format, &output).map(|()| Fleet::Passes)
        }
        Command::Verify { file, trust, format } => run_verify(&file, &trust, format),
        Command::Synth { models, weeks, raw_partitions, lineage_only, output } => {
            let opts = lineage_core::synth::SynthOptions { models, weeks, raw_partitions, described: !lineage_only };
            run_synth(&opts, &output).map(|()| Fleet::Passes)
        }
    }
}

/// `lineage report`: one model's answers, in one of the report's formats.
fn run_report(args: ReportArgs) -> Result<(), Failure> {
    let ReportArgs {
        files,
        start,
        inference,
        endpoint,
        variant,
        roles: roles_file,
        audit_map,
        format,
        output,
        date,
        period,
        fallback_fonts,
        attach_inputs,
        sign,
        cert,
        chain,
        tsa,
    } = args;
    let format = report_format(format, &output, date.as_deref(), period.as_deref())?;
    let signer = match (&sign, &cert) {
        (Some(key), Some(cert)) if format == ReportFormat::Pdf => {
            let args = seal::SignArgs { key, cert, chain: chain.as_deref() };
            Some(seal::signer(&args)?)
        }
        (Some(_), _) => return Err(Failure::input("--sign applies only to the PDF (--format pdf)".to_string())),
        _ => None,
    };
    let roles = roles(roles_file.as_ref())?;
    let lineage = inputs::load(&inputs::Inputs { files: &files, audit_map: audit_map.as_deref() }, &roles)?;
    let options = seal::ReportOptions {
        start: start.clone(),
        inference: inference.clone(),
        endpoint: endpoint.clone(),
        variant: variant.clone(),
        roles: roles_file.as_ref().map(|p| p.display().to_string()),
        audit_map: audit_map.as_ref().map(|p| p.display().to_string()),
        policy: None,
        date: date.clone().unwrap_or_else(pdf::today),
        period: period.clone(),
    };
    let query = match inference {
        Some(id) => {
            let query = lineage_core::subject::InferenceQuery { id, endpoint, variant };
            lineage_core::Query::Inference { query, start }
        }
        None => lineage_core::Query::Start(start),
    };
    let report = lineage_core::answer(&lineage, &query).map_err(|e| Failure::input(e.to_string()))?;
    let doc = || lineage_core::Document::new(&report);
    let bytes = match format {
        ReportFormat::Text => render::text(&doc()).into_bytes(),
        ReportFormat::Md => render::markdown(&doc()).into_bytes(),
        ReportFormat::Html => render::html(&doc()).into_bytes(),
        ReportFormat::Json => json(&report)?.into_bytes(),
        ReportFormat::Pdf => {
            let date = Some(options.date.clone());
            let attachments = seal::attachments(
                &files,
                roles_file.as_deref(),
                audit_map.as_deref(),
                options,
                attach_inputs,
                json(&report)?,
            )?;
            let mut document = doc();
            lineage_seal::note_attachments(&mut document, &attachments);
            let unsigned = pdf::write(&document, date, period.as_deref(), &fallback_fonts, attachments)?;
            match &signer {
                Some(signer) => seal::sign(&unsigned, signer, tsa.as_deref())?,
                None => unsigned,
            }
        }
    };
    exit_without_freeing(lineage);
    output::write(&output, &bytes)
}

/// The report's format (see [`output::format`]), checked before anything is read: a PDF is not written to a
/// terminal, and `--date`/`--period`, which only the PDF prints, are said to be ignored for other formats.
fn report_format(
    given: Option<ReportFormat>,
    output: &str,
    date: Option<&str>,
    period: Option<&str>,
) -> Result<ReportFormat, Failure> {
    let format = output::format(given, output, ReportFormat::Text, &REPORT_EXTENSIONS)?;
    if format == ReportFormat::Pdf {
        output::refuse_binary_to_terminal(output, "a PDF", "pdf")?;
        pdf::check_dates(date, period)?;
    } else {
        let ignored: Vec<&str> =
            [("--date", date), ("--period", period)].into_iter().filter_map(|(flag, v)| v.map(|_| flag)).collect();
        if !ignored.is_empty() {
            let verb = if ignored.len() == 1 { "applies" } else { "apply" };
            eprintln!(
                "warning: {} {verb} only to the PDF (--format pdf); ignored for --format {}",
                ignored.join(" and "),
                output::name(format)
            );
        }
    }
    Ok(format)
}

/// `lineage verify`: one line per check; exit 1 naming the checks that fail.
fn run_verify(file: &std::path::Path, trust: &[PathBuf], format: DataFormat) -> Result<Fleet, Failure> {
    let verification = seal::verify(file, trust)?;
    let text = match format {
        DataFormat::Text => verify_text(&verification),
        // The checks as an array, as the first `lineage verify` printed them (`status` added).
        DataFormat::Json => json(&verification.checks)?,
    };
    output::write("-", text.as_bytes())?;
    let failed = verification.failed();
    if failed.is_empty() {
        Ok(Fleet::Passes)
    } else {
        Ok(Fleet::Fails(format!("{}: verification failed: {}", file.display(), failed.join(", "))))
    }
}

fn verify_text(v: &lineage_seal::Verification) -> String {
    let mut text: String = v
        .checks
        .iter()
        .map(|c| {
            let mark = match c.status {
                lineage_seal::Status::Ok => "ok  ",
                lineage_seal::Status::Fail => "FAIL",
                lineage_seal::Status::NotChecked => "n/a ",
            };
            format!("{mark} {}: {}\n", c.name, c.detail)
        })
        .collect();
    if v.signatures.is_empty() {
        text.push_str("     (the PDF is not signed)\n");
    }
    text
}

/// `lineage query`: the shortest path from --from to --to, or else the walk from --from.
fn run_query(args: QueryArgs) -> Result<(), Failure> {
    let format = data_format(args.format, &args.output)?;
    let inputs = inputs::Inputs { files: &args.files, audit_map: args.audit_map.as_deref() };
    let lineage = inputs::load(&inputs, &RoleTable::builtin())?;
    let g = &lineage.graph;
    let find = |id: &str| one_vertex(&lineage, id);
    let from_ix = find(&args.start)?;
    let text = if let Some(to) = &args.to {
        let to_ix = find(to)?;
        let path = query::shortest_path(g, from_ix, to_ix);
        let out = query::PathOutput::new(g, from_ix, to_ix, path.as_ref());
        match format {
            DataFormat::Text => render::path_text(&out),
            DataFormat::Json => json(&out)?,
        }
    } else {
        let opts = args.walk_options();
        let result = query::query(g, from_ix, &opts);
        let out = query::WalkOutput::new(g, &result, &opts);
        match format {
            DataFormat::Text => render::walk_text(&out),
            DataFormat::Json => json(&out)?,
        }
    };
    exit_without_freeing(lineage);
    output::write(&args.output, text.as_bytes())
}

/// The one vertex `id` names, found as `report --start` finds one; nothing (with the nearest names), or several,
/// is bad input worded as the report words it.
fn one_vertex(lineage: &lineage_core::Lineage, id: &str) -> Result<petgraph::graph::NodeIndex, Failure> {
    use lineage_core::subject::StartMiss;
    use lineage_core::NarrativeError;
    let error = match lineage_core::subject::find(lineage, id) {
        Ok(hits) if hits.len() == 1 => return Ok(hits[0]),
        Ok(hits) if hits.is_empty() => NarrativeError::NotFound { id: id.to_owned(), nearest: Vec::new() },
        Ok(hits) => NarrativeError::Ambiguous {
            id: id.to_owned(),
            candidates: hits.iter().map(|&ix| lineage.graph.node(ix).arn.to_string()).collect(),
        },
        Err(StartMiss::Unknown { nearest }) => NarrativeError::NotFound { id: id.to_owned(), nearest },
        Err(StartMiss::NotLinked { what, expected }) => NarrativeError::NotLinked { what, expected },
    };
    Err(Failure::input(error.to_string()))
}

/// `query`'s and `inspect`'s format: `--format`, else `-o`'s extension, else text.
fn data_format(given: Option<DataFormat>, output: &str) -> Result<DataFormat, Failure> {
    output::format(given, output, DataFormat::Text, &[("json", DataFormat::Json), ("txt", DataFormat::Text)])
}

impl QueryArgs {
    /// The walk's options: direction, depth and the type filters.
    fn walk_options(&self) -> QueryOptions {
        QueryOptions {
            direction: match self.direction {
                DirectionArg::Ancestors => Direction::Ancestors,
                DirectionArg::Descendants => Direction::Descendants,
                DirectionArg::Both => Direction::Both,
            },
            max_depth: self.max_depth,
            entity_types: self.types.clone(),
            lineage_types: self
                .lineage_types
                .iter()
                .map(|l| match l {
                    LineageTypeArg::Artifact => LineageType::Artifact,
                    LineageTypeArg::Action => LineageType::Action,
                    LineageTypeArg::Context => LineageType::Context,
                    LineageTypeArg::TrialComponent => LineageType::TrialComponent,
                })
                .collect(),
        }
    }
}

/// `lineage inspect`: counts, merges, joins and warnings of the inputs.
fn run_inspect(files: &inputs::Inputs<'_>, format: Option<DataFormat>, output: &str) -> Result<(), Failure> {
    let format = data_format(format, output)?;
    let lineage = inputs::load(files, &RoleTable::builtin())?;
    let text = match format {
        DataFormat::Text => render::inspect_text(&lineage),
        DataFormat::Json => json(&lineage_core::summary::Summary::new(&lineage))?,
    };
    exit_without_freeing(lineage);
    output::write(output, text.as_bytes())
}

/// `lineage synth`: writes the synthetic export to `output` and says on stderr what it holds.
fn run_synth(opts: &lineage_core::synth::SynthOptions, output: &str) -> Result<(), Failure> {
    let file = std::fs::File::create(output)
        .map_err(|e| Failure { code: 1, message: format!("{output}: cannot create: {e}") })?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    lineage_core::synth::synth(opts, &mut w)
        .and_then(|()| w.flush())
        .map_err(|e| Failure { code: 1, message: format!("{output}: cannot write: {e}") })?;
    let (v, e, d) = (opts.vertex_count(), opts.edge_count(), opts.description_count());
    eprintln!("wrote {output}: {v} vertices, {e} edges, {d} Describe responses");
    Ok(())
}

/// The process ends right after its output is written: freeing a million-vertex graph piece by piece first
/// would only add time (about 0.1 s per million vertices), so the memory is left to the operating system.
fn exit_without_freeing(lineage: lineage_core::Lineage) {
    std::mem::forget(lineage);
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    render::json(value).map_err(|e| Failure { code: 1, message: format!("cannot serialise JSON: {e}") })
}
