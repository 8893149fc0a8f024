//! A start that names an endpoint: which of the model packages it served the report is about, and the sentence
//! that says so in section 1. The choice is the same whether the endpoint is a lineage context (whose ancestry may
//! hold every package it ever ran) or only described (its current config's package): the package of its latest
//! recorded deployment, from the deployment history every source in the export builds.

use crate::deployments::history;
use crate::model::{package_short_name, Lineage};

/// The package of `endpoint`'s latest recorded deployment, when that deployment names exactly one and it is among
/// `served` (package ARNs); with the sentence that says which was chosen, and what else the endpoint served.
pub(super) fn latest_deployed(lineage: &Lineage, endpoint: &str, served: &[String]) -> Option<(String, String)> {
    let h = history(lineage, endpoint, None).ok()?;
    let last = h.deployments.iter().rev().find(|d| !d.model_packages.is_empty())?;
    let [package] = last.model_packages.as_slice() else { return None };
    if !served.iter().any(|s| s == package) {
        return None;
    }
    let config = last.config.as_deref().map(|c| format!(", config {c}")).unwrap_or_default();
    let when = format!("{}{config}", last.from.iso());
    let chosen = package_short_name(package);
    let others: Vec<String> = served.iter().filter(|s| *s != package).map(|s| package_short_name(s)).collect();
    let sentence = if others.is_empty() {
        format!("Endpoint {endpoint} runs model package {chosen} (its latest recorded deployment: {when}).")
    } else {
        format!(
            "Endpoint {endpoint} has served model packages {} and {chosen}; this report is on {chosen}, the package \
             of its latest recorded deployment ({when}). Each of the others has a report of its own, and an inference \
             is answered for the package that served it.",
            others.join(", ")
        )
    };
    Some((package.clone(), sentence))
}
