//! The sealed PDF's evidence, pure (bytes in, values out; builds for wasm32 without the `sign` feature).
//!
//! - [`manifest`]: what a report PDF carries besides its pages (`report.json`, `manifest.json`, the inputs).
//! - [`open`]: a sealed PDF opened: its attachments and manifest.
//! - [`verify`]: `lineage verify`'s checks, each recomputed; [`signature`] checks a PAdES signature.
//! - `sign` (feature `sign`): a PAdES B-B/B-T signature added as an incremental update.

mod asn1;
pub mod evidence;
pub mod manifest;
pub mod open;
#[cfg(feature = "sign")]
pub mod sign;
pub mod signature;
pub mod verify;

pub use evidence::note_attachments;
pub use manifest::{attachments, AttachInputs, Input, InputKind, Manifest, ReportOptions};
pub use open::{NotSealed, Sealed};
pub use verify::{verify, Check, Status, Verification};
