//! Phase: cross-account `SameAs` twins merged into one vertex.

use petgraph::graph::NodeIndex;

use super::state::Loader;
use crate::model::{AssociationType, Node};

/// Cross-account `SameAs` twins (one artifact seen from two accounts) become one vertex, named by the least
/// ARN, the others kept as its aliases (and still found by `find_arn`); the SameAs edges between them go.
pub(super) fn merge_twins(l: &mut Loader) {
    let Some(same_as) = l.association_types.iter().position(|t| *t == Some(AssociationType::SameAs)) else {
        return;
    };
    let Some(roots) = twin_roots(l, same_as) else { return };
    let n = roots.len();
    let old = std::mem::take(&mut l.graph.graph);
    let mut new_index = vec![0u32; n];
    let mut aliases: Vec<(usize, Node)> = Vec::new();
    for (i, node) in old.into_nodes_edges().0.into_iter().map(|n| n.weight).enumerate() {
        if roots[i] as usize == i {
            new_index[i] = l.graph.graph.add_node(node).index() as u32;
        } else {
            aliases.push((i, node));
        }
    }
    for (i, twin) in aliases {
        let ix = NodeIndex::new(new_index[roots[i] as usize] as usize);
        new_index[i] = ix.index() as u32;
        l.graph.by_arn.insert(twin.arn.clone(), ix);
        let kept = &mut l.graph.graph[ix];
        let twin_described = twin.details.as_ref().is_some_and(|d| d.described);
        if twin_described && !kept.details.as_ref().is_some_and(|d| d.described) {
            let own = kept.details.take();
            kept.details = twin.details;
            if let (Some(d), Some(own)) = (kept.details.as_mut(), own) {
                d.same_as.extend(own.same_as);
            }
        }
        if kept.entity_type.is_none() {
            kept.entity_type = twin.entity_type;
        }
        kept.details.get_or_insert_with(Default::default).same_as.push(twin.arn.to_string());
    }
    // Sorted once each, after all its twins are in (sorting after every push made 10^5 twins take half a minute).
    for kept in roots.iter().enumerate().filter(|(i, r)| *i as u32 == **r).map(|(_, r)| new_index[*r as usize]) {
        if let Some(d) = l.graph.graph[NodeIndex::new(kept as usize)].details.as_mut() {
            d.same_as.sort();
        }
    }
    for ix in l.graph.graph.node_indices() {
        let arn = l.graph.graph[ix].arn.clone();
        l.graph.by_arn.insert(arn, ix);
    }
    let edges = std::mem::take(&mut l.edges);
    l.edges = edges
        .into_iter()
        .map(|(s, d, k)| (new_index[s as usize], new_index[d as usize], k))
        .filter(|(s, d, k)| !(s == d && usize::from(*k) == same_as))
        .collect();
    l.warnings.push(format!(
        "{} drawn and answered as one vertex each (both ARNs kept in its details)",
        crate::text::count(
            roots.iter().enumerate().filter(|(i, r)| *i as u32 != **r).count(),
            "cross-account SameAs twin"
        )
    ));
}

/// Each vertex's group (union-find over the `SameAs` edges, named by the least ARN); `None` without twins.
fn twin_roots(l: &Loader, same_as: usize) -> Option<Vec<u32>> {
    let n = l.graph.graph.node_count();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn root(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    for &(s, d, k) in &l.edges {
        if usize::from(k) == same_as {
            let (a, b) = (root(&mut parent, s), root(&mut parent, d));
            // The least ARN names the group.
            let (keep, other) =
                if l.graph.graph[NodeIndex::new(a as usize)].arn <= l.graph.graph[NodeIndex::new(b as usize)].arn {
                    (a, b)
                } else {
                    (b, a)
                };
            parent[other as usize] = keep;
        }
    }
    let roots: Vec<u32> = (0..n as u32).map(|x| root(&mut parent, x)).collect();
    (!roots.iter().enumerate().all(|(i, r)| i as u32 == *r)).then_some(roots)
}
