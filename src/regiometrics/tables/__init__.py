"""Publication tables: a format-neutral grid built from Results, and pure renderers."""
