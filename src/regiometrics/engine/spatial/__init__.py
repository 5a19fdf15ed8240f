"""Spatial panel econometrics: ML estimators with fixed effects, LeSage-Pace effects, tests.

Import from the submodules, e.g.
``from regiometrics.engine.spatial.panel_ml import fit_spatial_panel``.
"""
