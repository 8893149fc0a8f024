//! The audit-table section: the subject's row, fact by fact (confirmed, conflict, filled from the table, or a
//! missing row), conflicts shown loudly with both values and both sources, and the gaps manual records closed.

use super::{code, para, table, text, Block, Inline, NoteKind, Span};
use crate::narrative::report::{ReconcileStatus, Reconciled, Report};

/// The section's blocks (the section is shown only when a table was read and reconciled).
pub(super) fn section(r: &Report) -> Vec<Block> {
    let facts = &r.reconciliation;
    let mut out = Vec::new();
    if let Some(missing) = facts.iter().find(|f| f.status == ReconcileStatus::MissingRow) {
        let key = missing.lineage_value.clone().unwrap_or_default();
        out.push(Block::Note {
            kind: NoteKind::Conflict,
            text: text(format!("No audit-table row: the model is approved, and the table has no row for {key}.")),
            detail: None,
        });
        return out;
    }
    if let Some(row) = facts.iter().find_map(|f| f.row.as_ref()) {
        out.push(para(format!("Checked against {}.", row.cite())));
    }
    out.extend(facts.iter().filter(|f| f.status == ReconcileStatus::Conflict).map(conflict_note));
    let rows = facts.iter().map(fact_row).collect();
    out.push(table(&["Fact", "Result", "Audit table", "Lineage"], rows));
    out
}

fn value(v: &Option<String>) -> Inline {
    match v {
        Some(v) => code(v.clone()),
        None => text(super::NOT_RECORDED),
    }
}

fn fact_row(f: &Reconciled) -> Vec<Inline> {
    let result = match f.status {
        ReconcileStatus::Confirmed => text("confirmed"),
        ReconcileStatus::Conflict => vec![Span::Strong("CONFLICT".into())],
        ReconcileStatus::Filled => text("filled from the table (manual)"),
        ReconcileStatus::MissingRow => vec![Span::Strong("no row".into())],
    };
    vec![code(f.field.clone()), result, value(&f.table_value), value(&f.lineage_value)]
}

fn conflict_note(f: &Reconciled) -> Block {
    let row = f.row.as_ref().map(|r| r.cite()).unwrap_or_default();
    Block::Note {
        kind: NoteKind::Conflict,
        text: vec![
            Span::Strong(format!("The audit table and the lineage disagree on {}: ", f.field)),
            Span::Text(format!(
                "the table says {}, the lineage says {}.",
                f.table_value.as_deref().unwrap_or(super::NOT_RECORDED),
                f.lineage_value.as_deref().unwrap_or(super::NOT_RECORDED)
            )),
        ],
        detail: Some(text(format!("Table: {row}. Lineage: the answer to {} above.", f.question.words()))),
    }
}

/// The conflicts (and a missing row) as the summary at the top lists gaps.
pub(super) fn conflict_titles(r: &Report) -> Vec<String> {
    r.reconciliation
        .iter()
        .filter_map(|f| match f.status {
            ReconcileStatus::Conflict => Some(format!(
                "audit table conflict: {} is {} in the table, {} in the lineage",
                f.field,
                f.table_value.as_deref().unwrap_or(super::NOT_RECORDED),
                f.lineage_value.as_deref().unwrap_or(super::NOT_RECORDED)
            )),
            ReconcileStatus::MissingRow => Some("audit table: no row for this approved model".into()),
            _ => None,
        })
        .collect()
}

/// The gaps a manual record closed, after the open ones.
pub(super) fn closed_gaps(r: &Report) -> Vec<Block> {
    r.closed_gaps
        .iter()
        .map(|c| Block::Note {
            kind: NoteKind::Note,
            text: vec![
                Span::Strong(format!("Closed by a manual record ({}): ", c.gap.question.words())),
                Span::Text(c.gap.detail.clone()),
            ],
            detail: Some(text(format!("Closed by {}.", c.by))),
        })
        .collect()
}
