from regiometrics.cli import entry

entry()
