"""regiometrics: a panel-econometrics workbench for regional studies."""

__version__ = "0.1.0"
