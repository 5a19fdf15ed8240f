"""Spec objects, the formula parser and the YAML loader."""
