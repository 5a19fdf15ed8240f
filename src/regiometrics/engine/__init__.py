"""Estimation engine: one registry from model type to estimator; numeric kernels."""

from regiometrics.engine.registry import MODEL_REGISTRY, EstimationContext, estimate

__all__ = ["MODEL_REGISTRY", "EstimationContext", "estimate"]
