//! Why the page could not answer, worded for the page: the core's errors keep the CLI's wording (its flags:
//! `--start`, `--endpoint`, `--variant`); here the ones that name a flag are worded by the control that does the
//! same on the page (the Subject picker, the Endpoint and Variant fields beside the inference ID, loading a folder).
//! Every other error is the core's own text.

use lineage_core::deployments::InferenceError;
use lineage_core::NarrativeError;

fn list(items: &[String]) -> String {
    items.iter().map(|s| format!("\n  {s}")).collect()
}

/// The error as the page shows it.
pub fn error(e: &NarrativeError) -> String {
    match e {
        NarrativeError::NoStart { candidates } if !candidates.is_empty() => format!(
            "the export has no StartArns and holds {} candidates; choose one in the Subject picker:{}",
            candidates.len(),
            list(candidates)
        ),
        NarrativeError::Ambiguous { id, candidates } => {
            format!("{id:?} names {} vertices; choose one in the Subject picker:{}", candidates.len(), list(candidates))
        }
        NarrativeError::SeveralPackages { arn, candidates } => format!(
            "endpoint {arn} has served {} model packages; choose one in the Subject picker:{}",
            candidates.len(),
            list(candidates)
        ),
        NarrativeError::NotACandidate { start, candidates } => {
            format!("{start} is not one of the model packages that may have served the inference:{}", list(candidates))
        }
        NarrativeError::WrongKind { arn, role } => format!(
            "{arn} is a {role} vertex; a report starts from a model package, a model artifact or an endpoint: choose one in the Subject picker (the graph explores the other vertices)"
        ),
        NarrativeError::Inference(i) => inference(i),
        other => other.to_string(),
    }
}

fn inference(e: &InferenceError) -> String {
    const FIELDS: &str = "the Endpoint and Variant fields beside the inference ID";
    match e {
        InferenceError::NoEndpoint { id, origin } => format!(
            "the capture record of {id:?} ({origin}) does not say which endpoint served it: its file was loaded without the S3 key layout …/ENDPOINT/VARIANT/yyyy/mm/dd/hh/FILE.jsonl. Load the capture folder (choose folder, or drop the folder) to keep that layout, or type the endpoint (and variant) in {FIELDS}."
        ),
        InferenceError::SeveralRecords { id, candidates } => format!(
            "{id:?} matches capture records of different endpoints or variants; type the one you mean in {FIELDS}:{}",
            list(candidates)
        ),
        InferenceError::Mismatch { id, asked, found } => {
            format!("the capture record(s) of {id:?} are not for {asked} (typed in {FIELDS}):{}", list(found))
        }
        InferenceError::VariantUnknown { endpoint, config, variants } => format!(
            "endpoint {endpoint} (config {config}) has variants {}, and the capture record does not say which served it; type the variant in {FIELDS}",
            variants.join(", ")
        ),
        InferenceError::Unresolved { endpoint, what, closes_with } => {
            let closes_with = closes_with.replace("--variant", "the variant (typed beside the inference ID)");
            format!("endpoint {endpoint}: {what}; add {closes_with}")
        }
        InferenceError::Overlap(o) => format!(
            "inference {} at {} falls in a switch of endpoint {} between {} and {} ({}): both {} may have served it, and the capture record does not say which; open either package's report with the Subject picker",
            o.id,
            o.time,
            o.endpoint,
            o.from,
            o.until,
            o.why,
            o.packages.join(" and ")
        ),
        other => other.to_string(),
    }
}
