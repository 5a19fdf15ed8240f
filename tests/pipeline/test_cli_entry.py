"""The process-level entry (``python -m regiometrics``, the console script) keeps main's
exit codes and output; only it freezes the garbage collector before exiting."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from regiometrics.cli import main

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "produc.yaml"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, check=False)


def test_entry_keeps_exit_codes_and_output(tmp_path):
    ok = _run("regiometrics", "validate", str(SPEC))
    assert (ok.returncode, ok.stdout.startswith(f"{SPEC}: OK")) == (0, True)
    bad = _run("regiometrics.cli", "validate", str(tmp_path / "missing.yaml"))
    assert bad.returncode == 2
    assert bad.stderr == f"error: spec file {tmp_path / 'missing.yaml'} does not exist\n"


def test_main_in_process_leaves_the_collector_alone(capsys):
    before = gc.get_freeze_count()
    assert main(["validate", str(SPEC)]) == 0
    assert gc.get_freeze_count() == before
    assert "OK" in capsys.readouterr().out
