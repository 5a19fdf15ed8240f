"""Publication figures (matplotlib ``Figure`` objects, never pyplot state) drawn from plain data.

Figure functions take DataFrames/arrays and return a standalone ``matplotlib.figure.Figure``;
the pipeline writes each as PDF and PNG. Like ``tables``, this layer knows no estimation.
"""
