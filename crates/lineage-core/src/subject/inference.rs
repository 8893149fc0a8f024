//! From one inference to the model package that served it: finds the data-capture record, reads the endpoint's
//! deployment history ([`crate::deployments::history`]) and picks the deployment in effect at the inference time.
//! Never guesses: an inference in a traffic-shifting window, before the first deployment or without a record is an
//! error that says so, unless `--start` chose one of the packages that may have served it.

use std::collections::BTreeSet;

use petgraph::graph::NodeIndex;

use super::error::NarrativeError;
use super::resolved::{InferenceAnswer, InferenceEvidence, InferenceQuery, Resolved};
use crate::deployments::{history, Deployment, History, InferenceError, Overlap};
use crate::model::records::CaptureRecord;
use crate::model::{resource_name, Lineage};
use crate::time::Timestamp;

/// The subject of a report asked by inference: the model package that served it, and (when `start` chose among
/// the packages that may have served it) what the gap about that choice says.
pub(super) fn of_inference(
    lineage: &Lineage,
    query: &InferenceQuery,
    start: Option<&str>,
) -> Result<Resolved, NarrativeError> {
    let (answer, chosen_gap) = served_by(lineage, query, start)?;
    let mut vertices: Vec<NodeIndex> =
        lineage.graph.package_of.iter().filter(|(_, arn)| **arn == answer.model_package).map(|(ix, _)| *ix).collect();
    lineage.graph.sort_by_arn(&mut vertices);
    let Some(&vertex) = vertices.first() else {
        return Err(NarrativeError::PackageNotInLineage { id: answer.id.clone(), arn: answer.model_package.clone() });
    };
    let mut subject = Resolved::of_start(lineage, vertex)?;
    subject.inference = Some(answer);
    subject.chosen_gap = chosen_gap;
    Ok(subject)
}

/// The deployment that served the inference, and (when `start` chose among overlapping packages) what the gap
/// about that choice says.
fn served_by(
    lineage: &Lineage,
    query: &InferenceQuery,
    start: Option<&str>,
) -> Result<(InferenceAnswer, Option<String>), NarrativeError> {
    match resolve_inference(lineage, query) {
        Ok(a) => {
            if let Some(s) = start.filter(|s| !package_matches(lineage, &a.model_package, s)) {
                let candidates = vec![a.model_package.clone()];
                return Err(NarrativeError::NotACandidate { start: s.to_owned(), candidates });
            }
            Ok((a, None))
        }
        Err(InferenceError::Overlap(o)) if start.is_some() => {
            let packages = o.packages;
            let s = start.unwrap_or_default();
            let Some(chosen) = packages.iter().find(|p| package_matches(lineage, p, s)).cloned() else {
                return Err(NarrativeError::NotACandidate { start: s.to_owned(), candidates: packages });
            };
            let a = resolve_inference_choosing(lineage, query, &chosen).map_err(NarrativeError::Inference)?;
            let detail = a.overlap.clone().map(|o| format!("{o} This report follows {chosen}, as --start asked."));
            Ok((a, detail))
        }
        Err(e) => Err(NarrativeError::Inference(e)),
    }
}

/// Whether `start` (an ARN, a `GROUP/VERSION` or a name) names model package `arn`.
fn package_matches(lineage: &Lineage, arn: &str, start: &str) -> bool {
    arn == start
        || resource_name(arn) == start
        || lineage.graph.resolve(start).iter().any(|ix| lineage.graph.package_of.get(ix).is_some_and(|p| p == arn))
}

/// Finds the capture record of `q.id` and the model package that served it.
pub fn resolve_inference(lineage: &Lineage, q: &InferenceQuery) -> Result<InferenceAnswer, InferenceError> {
    resolve(lineage, q, None)
}

/// [`resolve_inference`] for an inference that fell in a switch ([`InferenceError::Overlap`]): follows `package`,
/// one of the packages that may have served it, and says so in [`InferenceAnswer::overlap`].
pub fn resolve_inference_choosing(
    lineage: &Lineage,
    q: &InferenceQuery,
    package: &str,
) -> Result<InferenceAnswer, InferenceError> {
    resolve(lineage, q, Some(package))
}

fn resolve(lineage: &Lineage, q: &InferenceQuery, pick: Option<&str>) -> Result<InferenceAnswer, InferenceError> {
    let records = &lineage.graph.records;
    let (record, matched_by) = find_record(&records.captures, q)?;
    let (endpoint, location) = endpoint_of(record, q)?;
    let variant = q.variant.clone().or_else(|| record.variant.clone());
    let History { deployments: history, notes, unresolved } = history(lineage, &endpoint, variant.as_deref())?;
    let t = record.time;
    let Some(k) = history.iter().rposition(|d| d.from <= t) else {
        return Err(InferenceError::BeforeFirstDeployment {
            id: q.id.clone(),
            time: t,
            endpoint,
            first: history[0].from,
        });
    };
    let asked = Asked { id: &q.id, time: t, endpoint: &endpoint, pick };
    let (chosen, overlap) = in_effect(&asked, &history, &unresolved, k)?;
    if let Some(e) = &unresolved[chosen] {
        return Err(e.clone());
    }
    let deployment = history[chosen].clone();
    let model_package = served_package(&deployment, &endpoint, pick)?;
    Ok(InferenceAnswer {
        id: q.id.clone(),
        matched_by: matched_by.to_owned(),
        event_id: record.event_id.clone(),
        time: t,
        endpoint,
        variant,
        model_package,
        input: record.input.clone(),
        output: record.output.clone(),
        evidence: InferenceEvidence {
            capture_record: record.origin.clone(),
            location,
            deployment: deployment.sources.clone(),
        },
        deployment,
        history,
        overlap,
        notes,
    })
}

/// The endpoint that served a capture record, and where that was read.
fn endpoint_of(record: &CaptureRecord, q: &InferenceQuery) -> Result<(String, String), InferenceError> {
    match (&q.endpoint, &record.endpoint) {
        (Some(e), _) => Ok((e.clone(), "--endpoint".to_owned())),
        (None, Some(e)) => {
            Ok((e.clone(), format!("S3 key layout of {}", record.s3_uri.as_deref().unwrap_or(&record.origin.file))))
        }
        (None, None) => Err(InferenceError::NoEndpoint { id: q.id.clone(), origin: record.origin.to_string() }),
    }
}

/// The inference as asked: its ID, its time, the endpoint that served it and the package `--start` chose.
struct Asked<'a> {
    id: &'a str,
    time: Timestamp,
    endpoint: &'a str,
    pick: Option<&'a str>,
}

/// Which deployment served the inference (`k`: the last one begun by its time), and what the switch was when it
/// fell in one: the deployment before `k` when the chosen package is the previous one.
fn in_effect(
    q: &Asked,
    history: &[Deployment],
    unresolved: &[Option<InferenceError>],
    k: usize,
) -> Result<(usize, Option<String>), InferenceError> {
    let (Some(until), true) = (history[k].until, k > 0) else { return Ok((k, None)) };
    let (previous, current) = (&history[k - 1], &history[k]);
    // A previous deployment without this variant cannot have answered on it; one that is merely not
    // described might have.
    let previous_absent = matches!(unresolved[k - 1], Some(InferenceError::VariantNotDeployed { .. }));
    let t = q.time;
    if t >= until || previous_absent {
        return Ok((k, None));
    }
    if let Some(e) = &unresolved[k - 1] {
        return Err(e.clone());
    }
    let mut packages: Vec<String> = previous.model_packages.iter().chain(&current.model_packages).cloned().collect();
    packages.dedup();
    let why = match &current.traffic_shift {
        Some(s) => format!("blue/green traffic shift {s}"),
        None => "the sources record the switch at different times".to_owned(),
    };
    let (from, id, endpoint) = (current.from, q.id.to_owned(), q.endpoint.to_owned());
    let overlap = Some(format!(
        "Inference {id} at {t} falls in a switch of endpoint {endpoint} between {from} and {until} ({why}): {} may have served it.",
        packages.join(" or ")
    ));
    match q.pick {
        Some(p) if previous.model_packages.iter().any(|x| x == p) => Ok((k - 1, overlap)),
        Some(p) if current.model_packages.iter().any(|x| x == p) => Ok((k, overlap)),
        _ => {
            let o = Overlap { id, time: t, endpoint, from, until, why, packages };
            Err(InferenceError::Overlap(Box::new(o)))
        }
    }
}

/// The one model package a deployment served: the chosen one, else its only one.
fn served_package(deployment: &Deployment, endpoint: &str, pick: Option<&str>) -> Result<String, InferenceError> {
    let chosen = pick.filter(|p| deployment.model_packages.iter().any(|x| x == p)).map(str::to_owned);
    let Some(model_package) = chosen.or_else(|| deployment.model_packages.first().cloned()) else {
        return Err(InferenceError::Unresolved {
            endpoint: endpoint.to_owned(),
            what: format!("the deployment of {} names no model package", deployment.from),
            closes_with: "the DescribeModel response of the variant's model (PrimaryContainer.ModelPackageName)".into(),
        });
    };
    if deployment.model_packages.len() > 1 && pick.is_none() {
        return Err(InferenceError::Unresolved {
            endpoint: endpoint.to_owned(),
            what: format!(
                "the deployment of {} serves several model packages ({}) and the record does not say which one answered",
                deployment.from,
                deployment.model_packages.join(", ")
            ),
            closes_with: "--variant, or an endpoint config whose variant runs one model package".into(),
        });
    }
    Ok(model_package)
}

fn find_record<'a>(
    captures: &'a [CaptureRecord],
    q: &InferenceQuery,
) -> Result<(&'a CaptureRecord, &'static str), InferenceError> {
    let fits = |c: &CaptureRecord| {
        q.endpoint.as_deref().is_none_or(|e| c.endpoint.as_deref().is_none_or(|ce| ce.eq_ignore_ascii_case(e)))
            && q.variant.as_deref().is_none_or(|v| c.variant.as_deref().is_none_or(|cv| cv == v))
    };
    let by_inference: Vec<&CaptureRecord> =
        captures.iter().filter(|c| c.inference_id.as_deref() == Some(q.id.as_str())).collect();
    let (all, how) = if by_inference.is_empty() {
        (captures.iter().filter(|c| c.event_id == q.id).collect::<Vec<_>>(), "eventId")
    } else {
        (by_inference, "inferenceId")
    };
    let hits: Vec<&CaptureRecord> = all.iter().copied().filter(|c| fits(c)).collect();
    if hits.is_empty() && !all.is_empty() {
        let asked = [("endpoint", &q.endpoint), ("variant", &q.variant)]
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {v}")))
            .collect::<Vec<_>>()
            .join(" ");
        return Err(InferenceError::Mismatch {
            id: q.id.clone(),
            asked,
            found: all.iter().map(|c| describe_record(c)).collect(),
        });
    }
    match hits.as_slice() {
        [] => {
            let endpoints: BTreeSet<String> = captures.iter().filter_map(|c| c.endpoint.clone()).collect();
            Err(InferenceError::NoCaptureRecord {
                id: q.id.clone(),
                records: captures.len(),
                endpoints: endpoints.into_iter().collect(),
            })
        }
        [one] => Ok((one, how)),
        many => {
            // The same call captured twice (two files of one variant) is one record; different places are not.
            let places: BTreeSet<(Option<&String>, Option<&String>)> =
                many.iter().map(|c| (c.endpoint.as_ref(), c.variant.as_ref())).collect();
            if places.len() == 1 {
                return Ok((many[0], how));
            }
            Err(InferenceError::SeveralRecords {
                id: q.id.clone(),
                candidates: many.iter().map(|c| describe_record(c)).collect(),
            })
        }
    }
}

/// `endpoint E variant V at T (file:line)` for error messages.
fn describe_record(c: &CaptureRecord) -> String {
    format!(
        "endpoint {} variant {} at {} ({})",
        c.endpoint.as_deref().unwrap_or("(not in its path)"),
        c.variant.as_deref().unwrap_or("(not in its path)"),
        c.time,
        c.origin
    )
}
