//! An endpoint's deployment history: which model packages it served from when, read from every source (lineage
//! ModelDeployment actions, CloudTrail CreateEndpoint/UpdateEndpoint, DescribeEndpoint, endpoint configs and
//! models), with the switches that took time (a traffic shift, sources that disagree) kept as windows, and what a
//! config or model runs. [`crate::subject::inference`] picks the deployment that served one inference from it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde::Serialize;
use serde_json::Value;

use crate::model::records::{field, TrailEvent, VariantSpec};
use crate::model::resource_name;
use crate::model::roles::Role;
use crate::model::Lineage;
use crate::text::Asker;
use crate::time::Timestamp;

/// One switch of the endpoint to a set of model packages, as the sources record it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deployment {
    /// The earliest time a source records for the switch.
    pub from: Timestamp,
    /// When the switch was over, if it took time: the latest time another source records for it, or the end of
    /// a blue/green traffic shift. Between `from` and `until` the previous deployment may still have served.
    pub until: Option<Timestamp>,
    /// Endpoint configuration it deployed, when known.
    pub config: Option<String>,
    /// The model behind the variant, when known.
    pub model: Option<String>,
    /// Model package ARNs serving the variant after the switch.
    pub model_packages: Vec<String>,
    /// A blue/green traffic-routing policy (`LINEAR 20% every 300 s`), when the update named one.
    pub traffic_shift: Option<String>,
    /// Why it names no model package for the variant (the variant is not in its config, a model is not
    /// described, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unresolved: Option<String>,
    /// Every record of the switch: `CloudTrail UpdateEndpoint event … (file)`, `lineage ModelDeployment action …`.
    pub sources: Vec<String>,
}

/// An inference inside a switch: the window, why it is a window, and the packages that may have served it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overlap {
    pub id: String,
    pub time: Timestamp,
    pub endpoint: String,
    pub from: Timestamp,
    pub until: Timestamp,
    pub why: String,
    pub packages: Vec<String>,
}

/// Why an inference could not be tied to one model package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InferenceError {
    NoCaptureRecord {
        id: String,
        records: usize,
        endpoints: Vec<String>,
    },
    SeveralRecords {
        id: String,
        candidates: Vec<String>,
    },
    NoEndpoint {
        id: String,
        origin: String,
    },
    /// Records of the ID exist, but for another endpoint or variant than the flags name.
    Mismatch {
        id: String,
        asked: String,
        found: Vec<String>,
    },
    NoHistory {
        endpoint: String,
    },
    BeforeFirstDeployment {
        id: String,
        time: Timestamp,
        endpoint: String,
        first: Timestamp,
    },
    VariantUnknown {
        endpoint: String,
        config: String,
        variants: Vec<String>,
    },
    VariantNotDeployed {
        endpoint: String,
        variant: String,
        config: String,
        variants: Vec<String>,
    },
    Unresolved {
        endpoint: String,
        what: String,
        closes_with: String,
    },
    /// The inference fell in a switch where two packages may have served it.
    Overlap(Box<Overlap>),
}

impl fmt::Display for InferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_words(Asker::Cli, f)
    }
}

impl InferenceError {
    /// The error as `asker` reads it (the page names its fields where the command line names its flags).
    pub fn words(&self, asker: Asker) -> String {
        let mut s = String::new();
        let _ = self.write_words(asker, &mut s);
        s
    }

    pub(crate) fn write_words(&self, a: Asker, f: &mut impl fmt::Write) -> fmt::Result {
        match self {
            InferenceError::NoCaptureRecord { id, records, endpoints } => {
                write!(f, "no data-capture record has inferenceId or eventId {id:?} ({records} capture record(s) read")?;
                if !endpoints.is_empty() {
                    write!(f, " for endpoint(s) {}", endpoints.join(", "))?;
                }
                f.write_str("); add the capture .jsonl file of that day from the endpoint's DataCaptureConfig.DestinationS3Uri")
            }
            InferenceError::SeveralRecords { id, candidates } => write!(
                f,
                "{id:?} matches capture records of different endpoints or variants; {}:{}",
                a.pick_record(),
                candidates.iter().map(|c| format!("\n  {c}")).collect::<String>()
            ),
            InferenceError::Mismatch { id, asked, found } => write!(
                f,
                "the capture record(s) of {id:?} are not for {asked}{}:{}",
                a.asked_in(),
                found.iter().map(|c| format!("\n  {c}")).collect::<String>()
            ),
            InferenceError::NoEndpoint { id, origin } => write!(
                f,
                "the capture record of {id:?} ({origin}) does not say which endpoint served it: its file does not keep the S3 key layout …/ENDPOINT/VARIANT/yyyy/mm/dd/hh/FILE.jsonl; {}",
                a.give_endpoint()
            ),
            InferenceError::NoHistory { endpoint } => write!(
                f,
                "no deployment of endpoint {endpoint} is recorded: expected CloudTrail CreateEndpoint/UpdateEndpoint records, a DescribeEndpoint response, or the endpoint's lineage context with its ModelDeployment actions (DescribeAction for their times)"
            ),
            InferenceError::BeforeFirstDeployment { id, time, endpoint, first } => write!(
                f,
                "inference {id} at {time} is before the first recorded deployment of endpoint {endpoint} ({first}); the deployment that served it is missing from the export (add the CloudTrail records of that period)"
            ),
            InferenceError::VariantUnknown { endpoint, config, variants } => write!(
                f,
                "endpoint {endpoint} (config {config}) has variants {}, and the capture record does not say which served it; {}",
                variants.join(", "),
                a.give_variant()
            ),
            InferenceError::VariantNotDeployed { endpoint, variant, config, variants } => write!(
                f,
                "variant {variant} is not in endpoint {endpoint}'s configuration {config} in effect then (variants: {})",
                variants.join(", ")
            ),
            InferenceError::Unresolved { endpoint, what, closes_with } => {
                write!(f, "endpoint {endpoint}: {what}; add {}", a.flag(closes_with))
            }
            InferenceError::Overlap(o) => write!(
                f,
                "inference {} at {} falls in a switch of endpoint {} between {} and {} ({}): both {} may have served it, and the capture record does not say which; {}",
                o.id,
                o.time,
                o.endpoint,
                o.from,
                o.until,
                o.why,
                o.packages.join(" and "),
                a.pick_overlap()
            ),
        }
    }
}

impl std::error::Error for InferenceError {}

/// What one record says the endpoint switched to.
#[derive(Clone, Debug)]
enum Target {
    Config(String),
    Packages(Vec<String>),
}

/// One record of a switch, before records of the same switch are merged.
struct Switch {
    at: Timestamp,
    target: Target,
    shift: Option<(String, i64)>,
    source: String,
    /// A DescribeEndpoint's current state: used only when no other record names its config.
    fallback: bool,
}

/// An endpoint's deployment history for one variant.
#[derive(Clone, Debug)]
pub struct History {
    /// Oldest first; consecutive records that serve the same packages are one deployment.
    pub deployments: Vec<Deployment>,
    /// Records that could not be placed in the history.
    pub notes: Vec<String>,
    /// Per deployment: why it names no package for the variant, as the error to give if it served.
    pub unresolved: Vec<Option<InferenceError>>,
}

/// The deployments of `endpoint` for `variant`, from every source in the export.
pub fn history(lineage: &Lineage, endpoint: &str, variant: Option<&str>) -> Result<History, InferenceError> {
    history_with(lineage, &EndpointContexts::new(lineage), endpoint, variant)
}

/// The lineage's endpoint contexts by the endpoint they stand for (lower case): built once when many histories
/// are read (`lineage impact` reads every endpoint's), instead of a scan of the graph per endpoint.
pub struct EndpointContexts(BTreeMap<String, Vec<NodeIndex>>);

impl EndpointContexts {
    pub fn new(lineage: &Lineage) -> EndpointContexts {
        let g = &lineage.graph;
        let mut by_name: BTreeMap<String, Vec<NodeIndex>> = BTreeMap::new();
        for ix in g.node_indices().filter(|&ix| g.node(ix).role == Role::Endpoint) {
            let n = g.node(ix);
            let from_uri =
                n.source_uri().and_then(|u| u.rsplit_once(":endpoint/")).map(|(_, name)| name.to_ascii_lowercase());
            // SageMaker names the context ENDPOINT-EPOCH-aws-endpoint.
            let lower = n.name().to_ascii_lowercase();
            let from_name = lower.strip_suffix("-aws-endpoint").and_then(|stem| {
                stem.rsplit_once('-')
                    .filter(|(_, epoch)| epoch.bytes().all(|b| b.is_ascii_digit()))
                    .map(|(name, _)| name.to_owned())
            });
            let mut names: Vec<String> = from_uri.into_iter().chain(from_name).collect();
            names.dedup();
            for name in names {
                by_name.entry(name).or_default().push(ix);
            }
        }
        EndpointContexts(by_name)
    }

    fn of(&self, endpoint: &str) -> &[NodeIndex] {
        self.0.get(&endpoint.to_ascii_lowercase()).map_or(&[], Vec::as_slice)
    }
}

/// [`history`], with the endpoint contexts already indexed.
pub fn history_with(
    lineage: &Lineage,
    contexts: &EndpointContexts,
    endpoint: &str,
    variant: Option<&str>,
) -> Result<History, InferenceError> {
    let (mut switches, notes) = recorded_switches(lineage, contexts, endpoint);
    // A DescribeEndpoint only stands for a switch no other record names.
    let named: BTreeSet<String> = switches
        .iter()
        .filter(|s| !s.fallback)
        .filter_map(|s| match &s.target {
            Target::Config(c) => Some(c.clone()),
            Target::Packages(_) => None,
        })
        .collect();
    let mut confirmations = Vec::new();
    switches.retain(|s| match (&s.target, s.fallback) {
        (Target::Config(c), true) if named.contains(c) => {
            confirmations.push((c.clone(), s.source.clone()));
            false
        }
        _ => true,
    });
    if switches.is_empty() {
        return Err(InferenceError::NoHistory { endpoint: endpoint.to_owned() });
    }
    switches.sort_by(|a, b| (a.at, &a.source).cmp(&(b.at, &b.source)));
    attach_configs(lineage, &mut switches);
    let Merged { mut deployments, unresolved, first_by_kind } = merge(lineage, endpoint, variant, switches);
    for (d, kinds) in deployments.iter_mut().zip(&first_by_kind) {
        // Sources that disagree on when the switch happened make it a window, not an instant.
        if let Some(latest) = kinds.values().max().filter(|t| **t > d.from) {
            d.until = Some(d.until.map_or(*latest, |u| u.max(*latest)));
        }
        for (config, source) in &confirmations {
            if d.config.as_deref() == Some(config) {
                d.sources.push(source.clone());
            }
        }
        d.sources.sort();
        d.sources.dedup();
    }
    Ok(History { deployments, notes, unresolved })
}

/// Every record of a switch of `endpoint`: CloudTrail CreateEndpoint/UpdateEndpoint, DescribeEndpoint (a fallback)
/// and lineage ModelDeployment actions; with the records that could not be placed.
fn recorded_switches(lineage: &Lineage, contexts: &EndpointContexts, endpoint: &str) -> (Vec<Switch>, Vec<String>) {
    let records = &lineage.graph.records;
    let mut switches = Vec::new();
    for e in records.trail.values() {
        if !matches!(e.name.as_str(), "CreateEndpoint" | "UpdateEndpoint") || e.error_code.is_some() {
            continue;
        }
        if !e.param_str("endpointName").is_some_and(|n| n.eq_ignore_ascii_case(endpoint)) {
            continue;
        }
        let Some(config) = e.param_str("endpointConfigName") else { continue };
        switches.push(Switch {
            at: e.time,
            target: Target::Config(config.to_owned()),
            shift: traffic_shift(e),
            source: format!("CloudTrail {} event {} ({})", e.name, e.id, e.origin),
            fallback: false,
        });
    }
    if let Some(d) = records.endpoints.values().find(|d| d.name.eq_ignore_ascii_case(endpoint)) {
        if let (Some(config), Some(at)) = (&d.config_name, d.modified_at.or(d.created_at)) {
            switches.push(Switch {
                at,
                target: Target::Config(config.clone()),
                shift: None,
                source: format!("DescribeEndpoint {} (EndpointConfigName, LastModifiedTime) ({})", d.name, d.origin),
                fallback: true,
            });
        }
    }
    let (from_lineage, notes) = lineage_deployments(lineage, contexts.of(endpoint));
    switches.extend(from_lineage);
    (switches, notes)
}

/// A lineage deployment action does not say which variant it deployed: when a config deployed within minutes runs
/// its packages, it is a record of that config's deployment.
fn attach_configs(lineage: &Lineage, switches: &mut [Switch]) {
    let configs: Vec<(Timestamp, String)> = switches
        .iter()
        .filter_map(|s| match &s.target {
            Target::Config(c) => Some((s.at, c.clone())),
            Target::Packages(_) => None,
        })
        .collect();
    for s in switches {
        let Target::Packages(packages) = &s.target else { continue };
        let near = configs.iter().filter(|(at, _)| (at.0 - s.at.0).num_seconds().abs() <= SAME_SWITCH_SECONDS);
        let matching = near.filter(|(_, c)| config_packages(lineage, c).iter().any(|p| packages.contains(p)));
        if let Some((_, c)) = matching.min_by_key(|(at, _)| (at.0 - s.at.0).num_seconds().abs()) {
            s.target = Target::Config(c.clone());
        }
    }
}

/// Switches merged into deployments, with what [`merge`] keeps beside each.
struct Merged {
    deployments: Vec<Deployment>,
    /// Per deployment: why it names no package for the variant.
    unresolved: Vec<Option<InferenceError>>,
    /// Per deployment: the earliest time each kind of source records it.
    first_by_kind: Vec<BTreeMap<String, Timestamp>>,
}

/// Consecutive records (oldest first) that serve the same packages as one deployment.
fn merge(lineage: &Lineage, endpoint: &str, variant: Option<&str>, switches: Vec<Switch>) -> Merged {
    let mut out = Merged { deployments: Vec::new(), unresolved: Vec::new(), first_by_kind: Vec::new() };
    for s in switches {
        let (config, model, packages, error) = match &s.target {
            Target::Packages(p) => (None, None, p.clone(), None),
            Target::Config(c) => match serve(lineage, endpoint, c, variant) {
                Ok((model, packages)) => (Some(c.clone()), model, packages, None),
                Err(e) => (Some(c.clone()), None, Vec::new(), Some(e)),
            },
        };
        let kind = s.source.split(' ').next().unwrap_or_default().to_owned();
        match out.deployments.last_mut() {
            Some(last) if last.model_packages == packages && *out.unresolved.last().unwrap_or(&None) == error => {
                last.sources.push(s.source);
                if last.config.is_none() {
                    last.config = config;
                }
                if last.model.is_none() {
                    last.model = model;
                }
                out.first_by_kind.last_mut().map(|m| m.entry(kind).or_insert(s.at));
            }
            _ => {
                let traffic_shift = s.shift.as_ref().map(|(text, _)| text.clone());
                let until = s
                    .shift
                    .as_ref()
                    .and_then(|(_, secs)| s.at.0.checked_add_signed(chrono::TimeDelta::seconds(*secs)).map(Timestamp));
                out.deployments.push(Deployment {
                    from: s.at,
                    until,
                    config,
                    model,
                    model_packages: packages,
                    traffic_shift,
                    unresolved: error.as_ref().map(|e| unresolved_text(lineage, e)),
                    sources: vec![s.source],
                });
                out.unresolved.push(error);
                out.first_by_kind.push(BTreeMap::from([(kind, s.at)]));
            }
        }
    }
    out
}

/// Why a deployment names no model package for the variant, as its `unresolved` says.
fn unresolved_text(lineage: &Lineage, e: &InferenceError) -> String {
    match e {
        InferenceError::VariantNotDeployed { variant, config, .. } => {
            format!("variant {variant} is not in config {config}; it ran {}", config_summary(lineage, config))
        }
        other => other.to_string(),
    }
}

/// The blue/green traffic routing an UpdateEndpoint asked for, and how long both fleets served.
fn traffic_shift(e: &TrailEvent) -> Option<(String, i64)> {
    let routing = e
        .param("deploymentConfig")
        .and_then(|d| field(d, "blueGreenUpdatePolicy"))
        .and_then(|p| field(p, "trafficRoutingConfiguration"))?;
    let kind = field(routing, "type").and_then(Value::as_str)?;
    let wait = field(routing, "waitIntervalInSeconds").and_then(Value::as_i64).unwrap_or(0);
    let size = |key: &str| {
        let s = field(routing, key)?;
        Some((field(s, "type").and_then(Value::as_str)?.to_owned(), field(s, "value").and_then(Value::as_f64)?))
    };
    match kind {
        "CANARY" => {
            let text = match size("canarySize") {
                Some((t, v)) => format!("CANARY {} then the rest after {wait} s", size_text(&t, v)),
                None => format!("CANARY, the rest after {wait} s"),
            };
            Some((text, wait))
        }
        "LINEAR" => match size("linearStepSize") {
            Some((t, v)) if t == "CAPACITY_PERCENT" && v > 0.0 => {
                let steps = (100.0 / v).ceil() as i64;
                Some((format!("LINEAR {} every {wait} s", size_text(&t, v)), wait * (steps - 1).max(1)))
            }
            Some((t, v)) => {
                // Steps counted in instances: the shift's length depends on the fleet size; bound it by the
                // update's execution timeout when given.
                let timeout = e
                    .param("deploymentConfig")
                    .and_then(|d| field(d, "blueGreenUpdatePolicy"))
                    .and_then(|p| field(p, "maximumExecutionTimeoutInSeconds"))
                    .and_then(Value::as_i64)
                    .unwrap_or(wait);
                Some((format!("LINEAR {} every {wait} s", size_text(&t, v)), timeout))
            }
            None => Some((format!("LINEAR every {wait} s"), wait)),
        },
        _ => None,
    }
}

fn size_text(kind: &str, value: f64) -> String {
    match kind {
        "CAPACITY_PERCENT" => format!("{}%", crate::text::format_number(value)),
        _ => format!("{} instance(s)", crate::text::format_number(value)),
    }
}

/// Records of one switch further apart than this are taken for different switches.
const SAME_SWITCH_SECONDS: i64 = 600;

/// A config's variants: its DescribeEndpointConfig response, else its CloudTrail CreateEndpointConfig request.
fn config_variants(lineage: &Lineage, config: &str) -> Option<Vec<VariantSpec>> {
    match lineage.graph.records.endpoint_configs.get(config) {
        Some(c) => Some(c.variants.clone()),
        None => config_from_trail(lineage, config),
    }
}

/// The model packages a described model runs, as ARNs; `None` when the model is not described.
pub(crate) fn model_packages(lineage: &Lineage, model: &str) -> Option<Vec<String>> {
    let m = lineage.graph.records.models.get(model)?;
    Some(m.packages.iter().map(|p| package_arn(lineage, p)).collect())
}

/// Every model package a config runs, on any variant (what can be resolved).
pub(crate) fn config_packages(lineage: &Lineage, config: &str) -> Vec<String> {
    let variants = config_variants(lineage, config).unwrap_or_default();
    variants.iter().filter_map(|v| model_packages(lineage, v.model_name.as_deref()?)).flatten().collect()
}

/// `VARIANT → model M → PACKAGE` for each variant of a config, as far as the export tells.
fn config_summary(lineage: &Lineage, config: &str) -> String {
    let variants = config_variants(lineage, config).unwrap_or_default();
    let parts: Vec<String> = variants
        .iter()
        .map(|v| {
            let model = v.model_name.as_deref().unwrap_or("(no model)");
            let packages = v
                .model_name
                .as_deref()
                .and_then(|m| model_packages(lineage, m))
                .map(|p| p.join(", "))
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "(model not described)".into());
            format!("{} → model {model} → {packages}", v.name)
        })
        .collect();
    parts.join("; ")
}

/// The model and model packages a config serves on `variant`.
fn serve(
    lineage: &Lineage,
    endpoint: &str,
    config: &str,
    variant: Option<&str>,
) -> Result<(Option<String>, Vec<String>), InferenceError> {
    let variants = config_variants(lineage, config).ok_or_else(|| InferenceError::Unresolved {
        endpoint: endpoint.to_owned(),
        what: format!("endpoint config {config} is deployed, but what it runs is not in the export"),
        closes_with: format!(
            "`aws sagemaker describe-endpoint-config --endpoint-config-name {config}` or the CloudTrail CreateEndpointConfig record"
        ),
    })?;
    let names = || variants.iter().map(|v| v.name.clone()).collect::<Vec<_>>();
    let spec = match variant {
        Some(v) => variants.iter().find(|s| s.name == v).ok_or_else(|| InferenceError::VariantNotDeployed {
            endpoint: endpoint.to_owned(),
            variant: v.to_owned(),
            config: config.to_owned(),
            variants: names(),
        })?,
        None => match variants.as_slice() {
            [one] => one,
            _ => {
                return Err(InferenceError::VariantUnknown {
                    endpoint: endpoint.to_owned(),
                    config: config.to_owned(),
                    variants: names(),
                })
            }
        },
    };
    let Some(model_name) = &spec.model_name else {
        return Err(InferenceError::Unresolved {
            endpoint: endpoint.to_owned(),
            what: format!("variant {} of config {config} names no model", spec.name),
            closes_with: "the DescribeEndpointConfig response".into(),
        });
    };
    let Some(packages) = model_packages(lineage, model_name) else {
        return Err(InferenceError::Unresolved {
            endpoint: endpoint.to_owned(),
            what: format!("model {model_name} (variant {} of config {config}) is not described", spec.name),
            closes_with: format!("`aws sagemaker describe-model --model-name {model_name}`"),
        });
    };
    if packages.is_empty() {
        return Err(InferenceError::Unresolved {
            endpoint: endpoint.to_owned(),
            what: format!("model {model_name} runs no model package (its containers have no ModelPackageName)"),
            closes_with: "a model created from a registered model package".into(),
        });
    }
    Ok((Some(model_name.clone()), packages))
}

/// A config as its CloudTrail CreateEndpointConfig request gave it.
fn config_from_trail(lineage: &Lineage, config: &str) -> Option<Vec<VariantSpec>> {
    let e = lineage
        .graph
        .records
        .trail
        .values()
        .filter(|e| e.name == "CreateEndpointConfig" && e.error_code.is_none())
        .find(|e| e.param_str("endpointConfigName") == Some(config))?;
    let list = e.param("productionVariants")?.as_array()?;
    Some(
        list.iter()
            .filter_map(|v| {
                Some(VariantSpec {
                    name: field(v, "variantName")?.as_str()?.to_owned(),
                    model_name: field(v, "modelName").and_then(Value::as_str).map(str::to_owned),
                    weight: field(v, "initialVariantWeight").and_then(Value::as_f64),
                })
            })
            .collect(),
    )
}

/// A container's `ModelPackageName` (an ARN, or a name / `group/version`) as the described package's ARN.
fn package_arn(lineage: &Lineage, name: &str) -> String {
    if name.starts_with("arn:") {
        return name.to_owned();
    }
    lineage
        .graph
        .model_packages
        .values()
        .find(|p| p.name == name || resource_name(&p.arn) == name)
        .map(|p| p.arn.clone())
        .unwrap_or_else(|| name.to_owned())
}

/// ModelDeployment actions next to the endpoint's lineage context, with the packages upstream of each.
fn lineage_deployments(lineage: &Lineage, contexts: &[NodeIndex]) -> (Vec<Switch>, Vec<String>) {
    let g = &lineage.graph;
    let pg = g.petgraph();
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for &ctx in contexts {
        let actions: BTreeSet<NodeIndex> =
            pg.neighbors_undirected(ctx).filter(|&a| g.node(a).role == Role::Deployment).collect();
        for a in actions {
            let n = g.node(a);
            let Some(at) = n.details.as_ref().and_then(|d| d.created_at) else {
                notes.push(format!(
                    "lineage ModelDeployment action {} has no CreationTime (its DescribeAction response is not in the export): not placed in the history",
                    n.arn
                ));
                continue;
            };
            let mut packages: Vec<String> = pg
                .edges_directed(a, petgraph::Direction::Incoming)
                .map(|e| e.source())
                .chain(pg.edges_directed(a, petgraph::Direction::Outgoing).map(|e| e.target()))
                .filter(|&p| p != ctx)
                .filter_map(|p| g.package_of.get(&p).cloned())
                .collect();
            packages.sort();
            packages.dedup();
            if packages.is_empty() {
                notes.push(format!(
                    "lineage ModelDeployment action {} names no model package next to it: not placed in the history",
                    n.arn
                ));
                continue;
            }
            out.push(Switch {
                at,
                target: Target::Packages(packages),
                shift: None,
                source: format!("lineage ModelDeployment action {} (CreationTime)", n.arn),
                fallback: false,
            });
        }
    }
    notes.sort();
    (out, notes)
}
