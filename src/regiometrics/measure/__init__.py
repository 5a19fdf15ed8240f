"""Measurement: composite indices, inequality, resilience, structure, Moran's I. Imports nothing from engine."""
