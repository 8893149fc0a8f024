"""Lineage Audit's SageMaker exporter: one complete lineage bundle from a model package or an endpoint."""

__version__ = "0.1.0"
