"""Benchmark: whole-process time of ``regiometrics run`` against importing its base libraries.

Times, as separate processes in interleaved rounds (medians), after one untimed warm-up run
of each so that bytecode caches exist (``PYTHONDONTWRITEBYTECODE`` is removed from the
child environment: an installed package has its ``.pyc`` files):

* ``python -c "import numpy, pandas, scipy.stats"`` (the floor every run pays);
* ``regiometrics run SPEC --out TMP`` for each spec in ``SPECS`` (whole process: imports,
  spec loading, estimation, tables in every requested format, results.json, manifest).

It then lists, from ``python -X importtime``, the modules a run imports beyond the base
libraries, grouped by top-level package with their self times (importtime's overhead
inflates them; they are for ranking, not adding).

Run from the repository root:  PYTHONPATH=src python benchmarks/startup.py
Writes the table to benchmarks/results/startup.txt.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import _timing  # the shared loop: medians of interleaved rounds, one warm-up each

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "startup.txt"
SPECS = ("specs/produc.yaml", "specs/iv.yaml")
ROUNDS = 9
BASE = [sys.executable, "-c", "import numpy, pandas, scipy.stats"]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT / "src")
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    return env


def _run_cmd(spec: str, out: Path) -> list[str]:
    return [sys.executable, "-m", "regiometrics.cli", "run", spec, "--out", str(out)]


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, cwd=ROOT, env=_env(), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def _importtimes(cmd: list[str]) -> dict[str, int]:
    proc = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], cwd=ROOT, env=_env(),
                          check=True, capture_output=True, text=True)
    out: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)", line)
        if m:
            out[m[3]] = int(m[1])
    return out


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rm-startup-"))
    cmds = {"base: import numpy, pandas, scipy.stats": BASE}
    for spec in SPECS:
        cmds[f"regiometrics run {spec}"] = _run_cmd(spec, tmp / Path(spec).stem)
    # the warm-up run of each writes the bytecode caches
    med = _timing.median_rounds({k: (lambda cmd=cmd: _run(cmd)) for k, cmd in cmds.items()},
                                ROUNDS)
    base = med["base: import numpy, pandas, scipy.stats"]
    lines = [
        "Whole-process time of `regiometrics run SPEC` vs importing numpy, pandas, scipy.stats",
        f"medians of {ROUNDS} interleaved rounds of separate processes, after one warm-up each",
        "command: PYTHONPATH=src python benchmarks/startup.py",
        _timing.machine_line(),
        "",
        f"{'process':<48}{'seconds':>9}{'ratio to base':>15}",
    ]
    for k, v in med.items():
        lines.append(f"{k:<48}{v:>8.3f}s{v / base:>14.2f}x")
    base_mods = _importtimes(BASE)
    for spec in SPECS:
        extra: dict[str, int] = {}
        for mod, us in _importtimes(_run_cmd(spec, tmp / "imp")).items():
            if mod in base_mods:
                continue
            parts = mod.split(".")
            top = ".".join(parts[:2]) if parts[0] == "regiometrics" else parts[0]
            extra[top] = extra.get(top, 0) + us
        ranked = sorted(extra.items(), key=lambda kv: -kv[1])[:10]
        lines += ["", f"imports beyond the base for {spec} (self time, importtime):"]
        lines += [f"  {mod:<32}{us / 1e6:>7.3f}s" for mod, us in ranked]
    shutil.rmtree(tmp, ignore_errors=True)
    text = "\n".join(lines) + "\n"
    print(text, end="")
    OUT.write_text(text)


if __name__ == "__main__":
    main()
