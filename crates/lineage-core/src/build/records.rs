//! Phase: the operational records sorted and their repeats dropped.

use super::state::Loader;
use crate::text::count;

/// Sorts the operational records and drops repeats: a capture record read twice (same `eventId`), an
/// EventBridge change sent twice (same package, status and time — AWS may send several events per change).
pub(super) fn dedupe_records(l: &mut Loader) {
    let r = &mut l.graph.records;
    r.captures.sort_by(|a, b| (a.time, &a.event_id, &a.origin).cmp(&(b.time, &b.event_id, &b.origin)));
    let before = r.captures.len();
    let mut seen = std::collections::BTreeSet::new();
    r.captures.retain(|c| seen.insert((c.event_id.clone(), c.endpoint.clone(), c.variant.clone())));
    l.stats.duplicate_capture_records = before - r.captures.len();
    r.package_events.sort_by(|a, b| {
        (&a.package_arn, a.at(), &a.approval_status, &a.origin).cmp(&(
            &b.package_arn,
            b.at(),
            &b.approval_status,
            &b.origin,
        ))
    });
    let before = r.package_events.len();
    r.package_events.dedup_by(|later, first| {
        later.package_arn == first.package_arn
            && later.approval_status == first.approval_status
            && later.at() == first.at()
    });
    l.stats.duplicate_package_state_events = before - r.package_events.len();
    if l.skipped_trail_records > 0 {
        l.warnings.push(format!(
            "{} of services other than SageMaker skipped",
            count(l.skipped_trail_records, "CloudTrail record")
        ));
    }
}
