//! `lineage`: the command-line shell around lineage-core. The only crate that reads or writes files.

mod fleet;
mod inputs;
mod pdf;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use lineage_core::query::{self, Direction, QueryOptions};
use lineage_core::{render, LineageType, RoleTable};

/// Turns SageMaker lineage exports into the regulator's answer.
#[derive(Parser, Debug)]
#[command(name = "lineage", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The five answers, the provenance sentence, the ancestry tree and the gaps for one model.
    Report(ReportArgs),
    /// For every model package in the export: which answers it has, and whether a policy's required ones are
    /// all there. Exit 0 when every package passes, 1 when some fails the policy, 2 on bad input.
    Check {
        /// Export files or directories (every .json/.jsonl/.ndjson in a directory, in name order).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The policy (JSON, the shape of crates/lineage-core/data/policy.json; default: that built-in one).
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Extra role rules (JSON, tried before the built-in table).
        #[arg(long)]
        roles: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Output file, or - for standard output.
        #[arg(short, long, default_value = "-")]
        output: String,
    },
    /// Ancestors, descendants or both of a vertex; or the shortest path to another (--to).
    Query(QueryArgs),
    /// Counts by lineage and entity type, duplicates merged, joins made, warnings.
    Inspect {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = DataFormat::Text)]
        format: DataFormat,
        #[arg(short, long, default_value = "-")]
        output: String,
    },
    /// Writes a deterministic synthetic export (weekly retrains of many model groups) for benchmarks.
    Synth {
        #[arg(long, default_value_t = 3)]
        models: usize,
        #[arg(long, default_value_t = 4)]
        weeks: usize,
        #[arg(long, default_value_t = 16)]
        raw_partitions: usize,
        /// Describe only the start package's lineage (a lineage-only export); by default every vertex other than
        /// the raw partitions, and every job and package, is described, as lineage-export-sagemaker does.
        #[arg(long)]
        lineage_only: bool,
        #[arg(short, long)]
        output: String,
    },
}

// `lineage report`'s arguments (a plain comment: clap would take a doc comment for the command's about).
#[derive(Args, Debug)]
struct ReportArgs {
    /// Export files or directories (every .json/.jsonl/.ndjson in a directory, in name order).
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
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
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
}

// `lineage query`'s arguments.
#[derive(Args, Debug)]
struct QueryArgs {
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Start vertex: ARN, name or source URI.
    #[arg(long)]
    from: String,
    /// Target vertex: print the shortest path from --from to it.
    #[arg(long)]
    to: Option<String>,
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
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    format: DataFormat,
    #[arg(short, long, default_value = "-")]
    output: String,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum ReportFormat {
    Text,
    Md,
    Html,
    Json,
    Pdf,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
    Junit,
    Md,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
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
    match cli.command {
        Command::Report(args) => run_report(args).map(|()| Fleet::Passes),
        Command::Check { files, policy, roles: roles_file, format, output } => {
            fleet::check(&files, policy.as_deref(), roles(roles_file.as_ref())?, format, &output)
        }
        Command::Query(args) => run_query(args).map(|()| Fleet::Passes),
        Command::Inspect { files, format, output } => run_inspect(&files, format, &output).map(|()| Fleet::Passes),
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
        format,
        output,
        date,
        period,
        fallback_fonts,
    } = args;
    let roles = roles(roles_file.as_ref())?;
    let lineage = inputs::load(&files, &roles)?;
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
        ReportFormat::Pdf => pdf::write(&doc(), date, period.as_deref(), &fallback_fonts)?,
    };
    exit_without_freeing(lineage);
    write_output(&output, &bytes)
}

/// `lineage query`: the shortest path from --from to --to, or else the walk from --from.
fn run_query(args: QueryArgs) -> Result<(), Failure> {
    let lineage = inputs::load(&args.files, &RoleTable::builtin())?;
    let g = &lineage.graph;
    // The one vertex an ARN, name or source URI names; none, or several, is bad input.
    let find = |id: &str| -> Result<_, Failure> {
        match g.resolve(id).as_slice() {
            [] => Err(Failure::input(format!("no vertex has ARN, name or source URI {id:?}"))),
            [one] => Ok(*one),
            many => Err(Failure::input(format!(
                "{id:?} names {} vertices; pass one ARN:{}",
                many.len(),
                many.iter().map(|&ix| format!("\n  {}", g.node(ix).arn)).collect::<String>()
            ))),
        }
    };
    let from_ix = find(&args.from)?;
    let text = if let Some(to) = &args.to {
        let to_ix = find(to)?;
        let path = query::shortest_path(g, from_ix, to_ix);
        let out = query::PathOutput::new(g, from_ix, to_ix, path.as_ref());
        match args.format {
            DataFormat::Text => render::path_text(&out),
            DataFormat::Json => json(&out)?,
        }
    } else {
        let opts = args.walk_options();
        let result = query::query(g, from_ix, &opts);
        let out = query::WalkOutput::new(g, &result, &opts);
        match args.format {
            DataFormat::Text => render::walk_text(&out),
            DataFormat::Json => json(&out)?,
        }
    };
    exit_without_freeing(lineage);
    write_output(&args.output, text.as_bytes())
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
fn run_inspect(files: &[PathBuf], format: DataFormat, output: &str) -> Result<(), Failure> {
    let lineage = inputs::load(files, &RoleTable::builtin())?;
    let text = match format {
        DataFormat::Text => render::inspect_text(&lineage),
        DataFormat::Json => json(&lineage_core::summary::Summary::new(&lineage))?,
    };
    exit_without_freeing(lineage);
    write_output(output, text.as_bytes())
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
    serde_json::to_string_pretty(value)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| Failure { code: 1, message: format!("cannot serialise JSON: {e}") })
}

fn write_output(output: &str, bytes: &[u8]) -> Result<(), Failure> {
    let result = if output == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes).and_then(|()| out.flush())
    } else {
        std::fs::write(output, bytes)
    };
    result.map_err(|e| Failure { code: 1, message: format!("{output}: cannot write: {e}") })
}
