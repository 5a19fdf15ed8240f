"""Mechanism analyses: mediation (with its entity bootstrap), moderation and subgroup fits."""
