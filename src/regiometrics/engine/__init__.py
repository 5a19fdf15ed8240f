"""Estimation engine: one registry from model type to estimator; numeric kernels."""
