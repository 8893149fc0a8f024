//! Comparisons as documents: two versions' differences (`lineage diff`, and a report's "Changes since the previous
//! version"), and a source's impact (`lineage impact`), laid out once in the blocks every face walks.

use super::blocks::{Block, DocSection, Document, Field, Inline, NoteKind, Section, Span};
use crate::impact::{AffectedModel, Impact};
use crate::narrative::changes::{Change, Diff, NotRecorded};
use crate::text::count;

fn text(s: impl Into<String>) -> Inline {
    vec![Span::Text(s.into())]
}

fn field(label: &str, value: Inline) -> Field {
    Field { label: label.to_owned(), value, source: None }
}

// ---- two versions ----

/// `9 facts differ, 21 are the same, 2 are recorded on one side only.`
fn diff_counts(d: &Diff) -> String {
    let one_sided = d.gaps.from.len() + d.gaps.to.len();
    let mut s = match d.changes.len() {
        0 => "No recorded fact differs".to_owned(),
        1 => "1 fact differs".to_owned(),
        n => format!("{} facts differ", n),
    };
    s.push_str(&match d.unchanged {
        1 => ", 1 is the same".to_owned(),
        n => format!(", {} are the same", n),
    });
    match one_sided {
        0 => {}
        1 => s.push_str(", 1 is recorded on one side only"),
        n => s.push_str(&format!(", {} are recorded on one side only", n)),
    }
    s.push('.');
    s
}

/// What a change did to the fact, with a metric's delta: `changed`, `added`, `+0.006`.
fn change_word(c: &Change) -> String {
    match c.delta {
        Some(d) if d > 0.0 => format!("{} (+{d})", c.verb()),
        Some(d) => format!("{} ({d})", c.verb()),
        None => c.verb().to_owned(),
    }
}

fn value(v: &Option<String>, absent: &str) -> Inline {
    match v {
        Some(v) => vec![Span::Code(v.clone())],
        None => vec![Span::Emphasis(absent.to_owned())],
    }
}

/// The differences as blocks (a report's "Changes since the previous version"): what was compared with the counts,
/// then [`table_and_notes`].
pub fn blocks(d: &Diff) -> Vec<Block> {
    let mut out = vec![Block::Paragraph(vec![
        Span::Text(format!("{} compared with {} (", d.to.name, d.from.name)),
        Span::Code(d.from.arn.clone()),
        Span::Text(format!("): {}", diff_counts(d))),
    ])];
    out.extend(table_and_notes(d));
    out
}

/// A table of the facts that differ, and a note per fact one side does not record.
fn table_and_notes(d: &Diff) -> Vec<Block> {
    let mut out = Vec::new();
    if !d.changes.is_empty() {
        let header = ["Question", "Fact", d.from.name.as_str(), d.to.name.as_str(), "Change"];
        let rows = d
            .changes
            .iter()
            .map(|c| {
                vec![
                    text(c.question.label()),
                    text(&c.field),
                    value(&c.from, "absent"),
                    value(&c.to, "absent"),
                    text(change_word(c)),
                ]
            })
            .collect();
        out.push(Block::Table { header: header.iter().map(|h| (*h).to_owned()).collect(), rows });
    }
    let one_sided = |side: &str, other: &str, facts: &[NotRecorded]| {
        facts
            .iter()
            .map(|f| Block::Note {
                kind: NoteKind::Note,
                text: vec![
                    Span::Strong(format!("Not recorded for {side}: ")),
                    Span::Text(format!("{} {}", f.question.label().to_lowercase(), f.field)),
                ],
                detail: Some(vec![Span::Text(format!("{other} records ")), Span::Code(f.recorded.clone())]),
            })
            .collect::<Vec<_>>()
    };
    out.extend(one_sided(&d.from.name, &d.to.name, &d.gaps.from));
    out.extend(one_sided(&d.to.name, &d.from.name, &d.gaps.to));
    out
}

/// `lineage diff` as a document: its title, the two sides, and the differences.
pub fn diff_document(d: &Diff) -> Document {
    let gap_titles = d
        .gaps
        .from
        .iter()
        .map(|f| (f, &d.from.name))
        .chain(d.gaps.to.iter().map(|f| (f, &d.to.name)))
        .map(|(f, side)| format!("{} {}: not recorded for {side}", f.question.label(), f.field))
        .collect();
    Document {
        title: format!("Changes from {} to {}", d.from.name, d.to.name),
        facts: vec![
            field("From", vec![Span::Text(format!("{} ", d.from.name)), Span::Code(d.from.arn.clone())]),
            field("To", vec![Span::Text(format!("{} ", d.to.name)), Span::Code(d.to.arn.clone())]),
        ],
        sentence: format!("From {} to {}: {}", d.from.name, d.to.name, diff_counts(d)),
        summary: vec![
            Span::Link { text: "Each fact that differs".into(), to: Section::Differences },
            Span::Text(" is listed with both values; unchanged facts are counted, not listed.".into()),
        ],
        gap_titles,
        sections: vec![DocSection { section: Section::Differences, blocks: table_and_notes(d) }],
    }
}

// ---- a source's impact ----

/// `fs-accounts-2027-W09 → dataset … → credit-xgb/73`.
fn path_text(m: &[crate::impact::Step]) -> Inline {
    let mut out = Vec::new();
    for (i, s) in m.iter().enumerate() {
        if i > 0 {
            out.push(Span::Text(" → ".into()));
        }
        out.push(Span::Code(s.name.clone()));
    }
    out
}

/// `2 model versions used accounts: credit-xgb/72, credit-xgb/73; they served 3 captured inferences.`
pub fn impact_sentence(i: &Impact) -> String {
    // One vertex named by its ARN reads better by its name.
    let what = match i.source.vertices.as_slice() {
        [one] if i.source.query == one.arn => &one.name,
        _ => &i.source.query,
    };
    if i.models.is_empty() && i.downstream.is_empty() {
        return format!("Nothing in the export used {what}: no dataset, job or model version is downstream of it.");
    }
    if i.models.is_empty() {
        return format!(
            "No model version used {what}; {} downstream of it, none of them a model version.",
            count(i.downstream.len(), "vertex")
        );
    }
    let names: Vec<&str> = i.models.iter().map(|m| m.name.as_str()).collect();
    let mut s = format!("{} used {what}: {}", count(i.models.len(), "model version"), names.join(", "));
    let deployed = i.models.iter().filter(|m| !m.deployments.is_empty()).count();
    match deployed {
        0 => s.push_str("; the export records no deployment of them."),
        _ if i.capture_records == 0 => s.push_str(&format!(
            "; {} of them deployed. The export holds no data-capture record, so no inference can be named.",
            deployed
        )),
        _ => {
            s.push_str(&format!(
                "; {} of them deployed, serving {}",
                deployed,
                count(i.inferences, "captured inference")
            ));
            if i.possible_inferences > 0 {
                s.push_str(&format!(
                    " ({} more fell in a switch and may have been served by one)",
                    i.possible_inferences
                ));
            }
            if let Some(w) = &i.window {
                let side = |t: &Option<crate::time::Timestamp>| t.map_or("…".to_owned(), |t| t.to_string());
                s.push_str(&format!(" between {} and {}", side(&w.from), side(&w.to)));
            }
            s.push('.');
        }
    }
    s
}

fn model_blocks(m: &AffectedModel) -> Vec<Block> {
    let mut out = vec![
        Block::Subheading(m.name.clone()),
        Block::Fields(vec![
            field("Model version", vec![Span::Code(m.arn.clone())]),
            field("Path from the source", path_text(&m.path)),
        ]),
    ];
    if m.deployments.is_empty() {
        out.push(Block::Paragraph(text("No recorded deployment served it.")));
        return out;
    }
    let rows = m
        .deployments
        .iter()
        .map(|d| {
            let mut served = count(d.inferences.len(), "inference");
            if !d.possibly.is_empty() {
                served.push_str(&format!(" (+{} in a switch)", d.possibly.len()));
            }
            vec![
                text(&d.endpoint),
                text(d.variant.as_deref().unwrap_or(super::NOT_RECORDED)),
                text(d.from.to_string()),
                text(d.to.map_or("still deployed at the last record".to_owned(), |t| t.to_string())),
                text(served),
            ]
        })
        .collect();
    let header = ["Endpoint", "Variant", "From", "To", "Captured inferences"];
    out.push(Block::Table { header: header.iter().map(|h| (*h).to_owned()).collect(), rows });
    out
}

fn inference_blocks(i: &Impact) -> Vec<Block> {
    let rows: Vec<Vec<Inline>> = i
        .inference_rows()
        .into_iter()
        .map(|r| {
            vec![
                vec![Span::Code(r.id)],
                text(r.time.to_string()),
                text(r.endpoint),
                text(r.variant.unwrap_or_else(|| super::NOT_RECORDED.to_owned())),
                vec![Span::Code(r.model_package)],
                text(if r.certain { "served" } else { "possibly (in a switch)" }),
            ]
        })
        .collect();
    if rows.is_empty() {
        return vec![Block::Paragraph(text("No captured inference was served by an affected version."))];
    }
    let header = ["Inference", "Time", "Endpoint", "Variant", "Model version", "Served"];
    vec![Block::Table { header: header.iter().map(|h| (*h).to_owned()).collect(), rows }]
}

/// The affected model versions, each with its path and deployments, and the notes on endpoints whose history could
/// not be read (the page shows these under a box's "What did this affect?").
pub fn affected_model_blocks(i: &Impact) -> Vec<Block> {
    let mut models: Vec<Block> = i.models.iter().flat_map(model_blocks).collect();
    if models.is_empty() {
        models.push(Block::Paragraph(text("None: no model version is downstream of the source.")));
    }
    models.extend(i.notes.iter().map(|n| Block::Note { kind: NoteKind::Note, text: text(n), detail: None }));
    models
}

/// `lineage impact` as a document: the source, the sentence, the affected versions with their deployments, the
/// inferences, and everything between.
pub fn impact_document(i: &Impact) -> Document {
    let mut facts = vec![
        field("Source", vec![Span::Code(i.source.query.clone())]),
        field("Matched", text(format!("{} by {}", count(i.source.vertices.len(), "vertex"), i.source.matched_by))),
    ];
    if let Some(w) = &i.window {
        let side = |t: &Option<crate::time::Timestamp>| t.map_or("open".to_owned(), |t| t.to_string());
        facts.push(field("Inferences between", text(format!("{} and {}", side(&w.from), side(&w.to)))));
    }
    let downstream = if i.downstream.is_empty() {
        vec![Block::Paragraph(text("Nothing is downstream of the source."))]
    } else {
        let names: std::collections::BTreeMap<&str, &str> = i
            .downstream
            .iter()
            .map(|r| (r.arn.as_str(), r.name.as_str()))
            .chain(i.source.vertices.iter().map(|v| (v.arn.as_str(), v.name.as_str())))
            .collect();
        let rows = i
            .downstream
            .iter()
            .map(|r| {
                let via = names.get(r.via.as_str()).copied().unwrap_or(r.via.as_str());
                vec![text(r.role.as_str()), vec![Span::Code(r.name.clone())], vec![Span::Code(via.to_owned())]]
            })
            .collect();
        vec![Block::Table { header: vec!["Role".into(), "Name".into(), "Reached from".into()], rows }]
    };
    let mut sources: Vec<Inline> = i
        .source
        .vertices
        .iter()
        .map(|v| vec![Span::Code(v.name.clone()), Span::Text(format!(" ({}) ", v.role)), Span::Code(v.arn.clone())])
        .collect();
    sources.truncate(50);
    let mut affected =
        vec![Block::Subheading("The source".into()), Block::List(sources), Block::Subheading("Model versions".into())];
    affected.extend(affected_model_blocks(i));
    Document {
        title: format!("Impact of {}", i.source.query),
        facts,
        sentence: impact_sentence(i),
        summary: text(format!(
            "{}, {}.",
            count(i.models.len(), "affected model version"),
            count(i.inferences, "captured inference")
        )),
        gap_titles: Vec::new(),
        sections: vec![
            DocSection { section: Section::AffectedModels, blocks: affected },
            DocSection { section: Section::AffectedInferences, blocks: inference_blocks(i) },
            DocSection { section: Section::Downstream, blocks: downstream },
        ],
    }
}
