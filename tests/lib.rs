//! Holder crate for the integration tests in `it/`; it has no code of its own.
