//! Counts of an imported lineage (`lineage inspect`): by lineage, entity and association type.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::Join;
use crate::model::{ImportStats, InputFile, Lineage};

/// What `lineage inspect --format json` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub inputs: Vec<InputFile>,
    pub stats: ImportStats,
    pub vertices: usize,
    pub edges: usize,
    pub by_lineage_type: BTreeMap<String, usize>,
    pub by_entity_type: BTreeMap<String, usize>,
    pub by_association_type: BTreeMap<String, usize>,
    pub joins: Vec<Join>,
    pub training_jobs: usize,
    pub processing_jobs: usize,
    pub model_packages: usize,
    /// SageMaker Pipelines executions described, and their steps read.
    pub pipeline_executions: usize,
    pub pipeline_steps: usize,
    pub start_arns: Vec<String>,
    pub warnings: Vec<String>,
}

impl Summary {
    pub fn new(l: &Lineage) -> Summary {
        let g = &l.graph;
        let mut by_lineage_type = BTreeMap::new();
        let mut by_entity_type = BTreeMap::new();
        for ix in g.node_indices() {
            let n = g.node(ix);
            let lt = n.lineage_type.map_or("(unknown)", |t| t.as_str());
            *by_lineage_type.entry(lt.to_owned()).or_insert(0) += 1;
            *by_entity_type.entry(n.entity_type().unwrap_or("(none)").to_owned()).or_insert(0) += 1;
        }
        let mut by_association_type = BTreeMap::new();
        for e in g.edge_indices() {
            *by_association_type.entry(g.edge(e).type_str().to_owned()).or_insert(0) += 1;
        }
        Summary {
            inputs: l.inputs.clone(),
            stats: l.stats.clone(),
            vertices: g.node_count(),
            edges: g.edge_count(),
            by_lineage_type,
            by_entity_type,
            by_association_type,
            joins: g.joins.clone(),
            training_jobs: g.training_jobs.len(),
            pipeline_executions: g.records.pipelines.len(),
            pipeline_steps: g.records.pipelines.values().map(|e| e.steps().len()).sum(),
            processing_jobs: g.processing_jobs.len(),
            model_packages: g.model_packages.len(),
            start_arns: l.start_arns.clone(),
            warnings: l.warnings.clone(),
        }
    }
}
