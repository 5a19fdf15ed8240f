"""A scratch study for the fuzz tests, and the check every generated input must pass.

For every input: ``regiometrics run`` (and ``validate``/``describe`` where asked) exits 0, or
exits 2 with one message that names the file and a key path (or a column); no exception
escapes (that would be a traceback); nothing is written outside ``--out``; on exit 2 nothing
is written at all; the input files are byte-identical afterwards.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hypothesis import event

from regiometrics.cli import main
from tests.safety.helpers import COORDS, PRODUC, snapshot

#: 12 states x 8 years of Produc and their centroids: small enough for ~0.3 s a run.
STATES = sorted(pd.read_csv(PRODUC)["state"].unique())[:12]
PANEL = pd.read_csv(PRODUC).query("state in @STATES and year <= 1977")
CENTROIDS = pd.read_csv(COORDS).query("state in @STATES")

#: The bundled-style spec the mutations start from (every block the fuzz exercises).
BASE: dict[str, Any] = yaml.safe_load("""
title: Fuzz study
data: {path: data/panel.csv, entity: state, time: year, filter: "year >= 1971"}
indices:
  DEV: {method: entropy, indicators: {hwy: "+", water: "+", unemp: "-"}}
weights:
  W: {type: knn, coords: data/coords.csv, k: 3}
defaults: {effects: [entity, time], vcov: {type: cluster, by: entity}}
models:
  - {id: pooled, type: ols, formula: "lgsp ~ lpcap + lpc"}
  - {id: fe2, type: fe, formula: "lgsp ~ lpcap + L.lpc", controls: [lemp]}
  - {id: re, type: re, formula: "lgsp ~ lpcap + lpc", hausman: classic}
  - {id: fe_dev, base: fe2, swap: {lpcap: DEV}}
  - {id: sar, type: sar, weights: W, formula: "lgsp ~ lpcap", effects: [entity],
     effects_inference: {method: delta}}
tables:
  - {id: t1, models: [pooled, fe2, re, fe_dev], stats: [nobs, r2], formats: [markdown, latex]}
descriptives:
  - {id: summary, variables: [lgsp, lpcap, DEV]}
""")

#: A whole paper's sequence: index, weights, Moran, measures, IV, variants, mechanisms,
#: Tobit, and a table of every kind they feed.
BASE_STUDY: dict[str, Any] = yaml.safe_load("""
title: Fuzz study, the full sequence
data: {path: data/panel.csv, entity: state, time: year}
indices:
  INFRA: {method: entropy, normalize: {scope: pooled, shift: 0.0001},
          indicators: {hwy: "+", water: "+", util: "+"}}
weights:
  W: {type: knn, coords: data/coords.csv, k: 3}
moran:
  - {id: mi, variables: [lgsp, INFRA], weights: [W], permutations: 19, seed: 1}
measures:
  - {id: theil_r, type: theil, variable: gsp, per: emp, weight: emp, groups: region}
  - {id: gini_i, type: gini, variable: INFRA}
  - {id: res, type: resilience, variable: gsp}
  - {id: mix, type: specialization, industries: [hwy, water, util], columns: {krugman: KSPEC}}
  - {id: mis, type: misallocation, output: gsp, capital: pc, labour: emp, slopes: common,
     columns: {RM: RM}}
defaults:
  effects: [entity, time]
  vcov: {type: cluster, by: entity}
  controls: [lpc, unemp]
models:
  - {id: b3, type: fe, formula: "lgsp ~ INFRA + RM"}
  - {id: iv, type: iv, formula: "lgsp ~ [INFRA ~ L2.INFRA]"}
  - {id: lagged, base: b3, lag_regressors: 1}
  - {id: med, type: mediation, treatment: INFRA, mediators: [lemp], outcome: lgsp,
     controls: [unemp], bootstrap: {reps: 19, seed: 2}}
  - {id: mod, type: moderation, formula: "lgsp ~ INFRA*unemp", treatment: INFRA,
     moderator: unemp, center: true, at: [p25, p75]}
  - {id: het, type: fe, formula: "lgsp ~ INFRA", split: {var: unemp, at: median, level: entity},
     permutations: 19, seed: 7}
  - {id: tob, type: tobit, formula: "unemp ~ lpcap", left: 5, effects: [], controls: []}
tables:
  - {id: t2, type: index_weights, index: INFRA}
  - {id: t5, models: [b3, iv, lagged], stats: [kp_rk_lm, kp_rk_lm_p, nobs], formats: [markdown]}
  - {id: fs, type: first_stage, models: [iv], formats: [markdown]}
  - {id: t6, type: mediation, model: med, formats: [markdown]}
  - {id: t7, type: marginal_effects, model: mod, formats: [markdown]}
  - {id: t8, type: subgroups, models: [het], formats: [markdown]}
  - {id: t9, type: moran, moran: mi, formats: [markdown]}
  - {id: th, type: theil, measure: theil_r, formats: [markdown]}
  - {id: tt, models: [tob], stats: [nobs], formats: [markdown]}
""")

#: A key path under a top-level block (``models.m1.formula``, ``tables[0].id``), possibly
#: with a remark (``models.sar (weights 'W')``) or quoted keys (``models.m1['x y']``).
_BLOCK_PATH = re.compile(
    r"^(data|models|tables|descriptives|indices|weights|defaults|figures|measures|moran|"
    r"title)([.\[]|$)"
)
#: Problems of a whole file, named by position (YAML, encoding) or by the data file.
_FILE_LEVEL = ("not valid YAML", "not UTF-8 text", "data file ")
_LOG = os.environ.get("REGIOMETRICS_FUZZ_LOG")  # one line per command, for tuning
_SECONDS = 30  # one input may not take longer than this


@dataclass
class Outcome:
    code: int
    out: str
    err: str


class Sandbox:
    """A folder holding ``study.yaml``, ``data/panel.csv`` and ``data/coords.csv``; ``out``
    is the output folder, ``outside`` a folder absolute-path mutations point into."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.study = root / "study"
        self.spec = self.study / "study.yaml"
        self.out = self.study / "out"
        self.outside = root / "outside"
        (self.study / "data").mkdir(parents=True)
        self.outside.mkdir()

    def write(self, spec: dict[str, Any] | str | bytes, *,
              panel: str | bytes | None = None) -> None:
        if isinstance(spec, dict):
            spec = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)
        self.spec.write_bytes(spec.encode("utf-8") if isinstance(spec, str) else spec)
        if panel is None:
            panel = PANEL.to_csv(index=False)
        data = self.study / "data"
        (data / "panel.csv").write_bytes(panel.encode("utf-8") if isinstance(panel, str)
                                         else panel)
        (data / "coords.csv").write_text(CENTROIDS.to_csv(index=False), encoding="utf-8")


@contextlib.contextmanager
def sandbox() -> Iterator[Sandbox]:
    with tempfile.TemporaryDirectory(prefix="regiometrics-fuzz-") as folder:
        yield Sandbox(Path(folder))


class _TooSlow(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _TooSlow


def run_command(args: list[str]) -> Outcome:
    """``regiometrics ARGS`` in-process; any exception escaping ``main`` fails the test."""
    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(_SECONDS)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    except _TooSlow:
        raise AssertionError(f"regiometrics {' '.join(args)} took more than {_SECONDS} s") from None
    except BaseException as exc:  # a traceback the user would have seen
        raise AssertionError(
            f"regiometrics {' '.join(args)} raised {type(exc).__name__}:\n"
            + "".join(traceback.format_exception(exc))
        ) from None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return Outcome(code, out.getvalue(), err.getvalue())


def check(box: Sandbox, *, commands: tuple[str, ...] = ("run",)) -> list[Outcome]:
    """Run ``commands`` on the sandbox's spec and assert the contract for each."""
    before = snapshot(box.root)
    outcomes = []
    for command in commands:
        args = [command, str(box.spec)] + (["--out", str(box.out)] if command == "run" else [])
        result = run_command(args)
        assert result.code in (0, 2), (result.code, result.err)
        event(f"{command}: exit {result.code}")
        if _LOG:
            with open(_LOG, "a", encoding="utf-8") as log:
                first = result.err.splitlines()[0] if result.err else ""
                log.write(f"{command} {result.code} {first}\n")
        if result.code == 2:
            assert result.out == "", result.out
            assert "Traceback" not in result.err, result.err
            start = result.err.find("error: ")  # after progress bars of earlier models
            assert start >= 0 and result.err[start - 1: start] in ("", "\n", "\r"), result.err
            message = result.err[start:]
            assert message.endswith("\n"), message
            prefix = f"error: {box.spec}: "
            assert message.startswith(prefix), f"the spec file is not named first: {message}"
            lines = message.removeprefix("error: ").rstrip("\n").split("\n")
            for line in lines:  # one line per problem, each with the file and its place
                assert line.startswith(prefix[7:]), message
                assert _names_place(line[len(prefix) - 7:]), f"no key path or column: {message}"
        after = snapshot(box.root, skip=box.out)
        assert after == before, _changed(before, after)
        if command == "run":
            if result.code == 2:
                assert not box.out.exists(), sorted(p.name for p in box.out.iterdir())
            else:
                written = sorted(p for p in box.out.rglob("*"))
                assert all(p.parent == box.out and p.is_file() for p in written), written
                assert (box.out / "results.json").is_file()
        outcomes.append(result)
    return outcomes


def _names_place(rest: str) -> bool:
    """Whether a message (after the file) starts with a key path or a file-level problem."""
    head = rest.split(": ", 1)[0]
    bare = re.sub(r"\[[^\]]*\]", "", head)
    return (" " not in bare or head == "(top level)" or _BLOCK_PATH.match(head) is not None
            or head.startswith(_FILE_LEVEL))


def _changed(before: dict[str, bytes], after: dict[str, bytes]) -> str:
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    modified = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    return f"outside --out: added {added}, removed {removed}, modified {modified}"
