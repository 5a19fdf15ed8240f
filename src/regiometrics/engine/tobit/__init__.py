"""Tobit models censored at known limits: pooled and random effects."""
