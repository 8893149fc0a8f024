//! What a report is about, resolved in one place, with the reason when it cannot be: the vertex a report starts
//! from ([`find`]: a name, `StartArns`, else the only model), the model it stands for ([`focus`]: the package an
//! endpoint served or a job produced), and for a report asked by inference the deployment that served it
//! ([`inference`]). The narrative receives a [`Resolved`] subject and never resolves one itself.

mod endpoint;
mod error;
pub mod find;
mod focus;
pub mod inference;
mod resolved;

use petgraph::graph::NodeIndex;

use crate::model::Lineage;
use crate::query::walk;

pub use error::NarrativeError;
pub use find::{candidates, find, resolve_start, search, Candidate, StartMiss};
pub use inference::{resolve_inference, resolve_inference_choosing};
pub use resolved::{InferenceAnswer, InferenceEvidence, InferenceQuery, Query, Resolved, SubjectKind};

impl Resolved {
    /// The subject of a report that starts from `start` (see [`resolve_start`]).
    pub fn of_start(lineage: &Lineage, start: NodeIndex) -> Result<Resolved, NarrativeError> {
        let g = &lineage.graph;
        let (kind, focus) = focus::focus_of(lineage, start)?;
        let ancestors = walk(g, focus, true, None).into_iter().map(|(ix, _)| ix).collect();
        let mut resolved = Resolved { start, kind, focus, ancestors, inference: None, chosen_gap: None, chosen: None };
        if kind == SubjectKind::Endpoint {
            let served = focus::packages_served(g, start);
            resolved.choose_by_endpoint(lineage, g.node(start).endpoint_name(), &served);
        }
        Ok(resolved)
    }

    /// Says in section 1 which of the packages `endpoint` served this report is about, when it is the package of
    /// the endpoint's latest recorded deployment.
    fn choose_by_endpoint(&mut self, lineage: &Lineage, endpoint: &str, served: &[String]) {
        let focus = lineage.graph.package_of.get(&self.focus);
        if let Some((arn, sentence)) = endpoint::latest_deployed(lineage, endpoint, served) {
            self.chosen = (focus == Some(&arn)).then_some(sentence);
        }
    }
}

/// The subject a [`Query`] asks about.
pub fn resolve(lineage: &Lineage, query: &Query) -> Result<Resolved, NarrativeError> {
    match query {
        Query::Start(id) => {
            let mut resolved = Resolved::of_start(lineage, resolve_start(lineage, id.as_deref())?)?;
            // A described endpoint without a lineage context resolves to its package: say so as for a context.
            if let Some((name, served)) = id.as_deref().and_then(|id| find::described_endpoint(lineage, id)) {
                resolved.choose_by_endpoint(lineage, &name, &served);
            }
            Ok(resolved)
        }
        Query::Inference { query, start } => inference::of_inference(lineage, query, start.as_deref()),
    }
}
