//! MLflow 3.x REST responses read into typed values.
