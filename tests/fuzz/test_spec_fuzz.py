"""Generated inputs (hypothesis): mutated spec keys, value types, formulas, data cells and
raw spec bytes. Every input must exit 0, or exit 2 with a message naming the file and a key
path or column; never a traceback; nothing written outside ``--out``; inputs unchanged.

The examples are derandomised (the same inputs on every run, no example database written);
``REGIOMETRICS_FUZZ=N`` multiplies the number of examples and draws fresh ones, for a longer
local hunt.
"""

from __future__ import annotations

import copy
import csv
import io
import os
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.harness import BASE, BASE_STUDY, PANEL, check, sandbox

_SCALE = int(os.environ.get("REGIOMETRICS_FUZZ", "0"))


def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=examples * max(_SCALE, 1), deadline=None, database=None,
                    derandomize=_SCALE == 0, suppress_health_check=list(HealthCheck))


COLUMNS = list(PANEL.columns)
MODEL_IDS = [m["id"] for m in BASE["models"] + BASE_STUDY["models"]]
TYPES = ["ols", "fe", "re", "iv", "tobit", "moderation"]
#: Strings a user might put anywhere: names that exist, option values, paths, odd text.
WORDS = (COLUMNS + MODEL_IDS + [
    "entity", "time", "cluster", "robust", "unadjusted", "fe", "ols", "re", "iv", "sar",
    "tobit", "markdown", "latex", "html", "docx", "classic", "aux", "DEV", "W", "t1",
    "summary", "nobs", "r2", "../escaped", "sub/t1", "{OUTSIDE}/abs", "data/panel.csv",
    "data/coords.csv", "study.yaml", "indices.csv", "results.json", "", " ", "~", "`",
    "x y", "Bevölkerung", "人均GDP", "1e309", "-1", "null", "year > 1975", "state == 'x'",
])

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 40), st.sampled_from([0, -1, 2**31, 10**20]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(WORDS), _text,
)
#: Any value of any type.
VALUES = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(WORDS) | _text, inner, max_size=3)),
    max_leaves=6,
)

# ----------------------------------------------------------------------------- formulas
_NAMES = ["lgsp", "lpcap", "lpc", "lemp", "unemp", "hwy", "DEV", "nope", "`lpcap`",
          "`gdp growth`", "Bevölkerung", "state", "year", "region"]
_REAL = ["lgsp", "lpcap", "lpc", "lemp", "unemp", "hwy", "water", "DEV"]
_OPS = ["", "", "", "", "L.", "L2.", "F.", "D.", "LD.", "X."]
_variable = st.builds(lambda op, name: op + name, st.sampled_from(_OPS),
                      st.sampled_from(_REAL) | st.sampled_from(_NAMES))
_term = st.lists(_variable, min_size=1, max_size=2).map(":".join)
_item = st.lists(_term, min_size=1, max_size=3).map("*".join)
_rhs = st.lists(_item | st.sampled_from(["0", "1", "-1"]), min_size=1, max_size=4).map(" + ".join)
_iv = st.builds(lambda e, i: f" + [{e} ~ {i}]", _rhs, _rhs)
WELL_FORMED = st.builds(lambda y, rhs, iv: f"{y} ~ {rhs}{iv}", _variable, _rhs,
                        st.just("") | st.just("") | _iv)
TOKENS = st.lists(st.sampled_from(_NAMES + _OPS[4:] + [
    "~", "+", "*", ":", "-", "[", "]", "(", ")", "`", " ", "0", "1", "-1", "log(", ".", ",",
]), max_size=12).map("".join)

# ----------------------------------------------------------------------------- spec values
_columns = st.sampled_from(COLUMNS + ["DEV", "nope", "`lpcap`"])
_expr = st.sampled_from([
    "year >= 1972", "state != 'ALABAMA'", "year in [1971, 1972, 1973]", "not (year > 1975)",
    "region > 5", "state > 5", "lpcap > 9 and unemp < 8", "nope == 1", "year >",
    "__import__('os')", "year >= 1990", "state == 'ALABAMA'", "region in ['a', 1]",
    "x.y == 1", "1", "True",
])
#: Values a user could plausibly write for a key (by key name), right or slightly wrong.
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "type": st.sampled_from(TYPES + ["sem", "sdm", "mediation", "regression", "theil", "knn",
                                     "inverse_distance", "adjacency", "bogus"]),
    "effects": st.sampled_from([[], ["entity"], ["time"], ["entity", "time"], ["time", "entity"],
                                ["entity", "entity"], "entity", ["region"]]),
    "vcov": st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["unadjusted", "robust", "cluster", "hac"]),
        "by": st.sampled_from(["entity", "time", ["entity", "time"], "region", "year", [],
                               ["entity", "time", "region"], "nope"]),
        "correction": st.sampled_from(["fixest", "stata_xtreg", "none", "bogus"])}),
    "by": st.sampled_from(["entity", "time", ["entity", "time"], "region", [], "nope"]),
    "formula": WELL_FORMED,
    "controls": st.lists(_term, max_size=3),
    "filter": _expr,
    "hausman": st.sampled_from([True, False, "classic", "aux", {"method": "aux"}, "bogus"]),
    "singletons": st.sampled_from(["keep", "drop"]),
    "label": st.sampled_from(["(1)", "", "Ünïcode & $\\"]),
    "title": st.sampled_from(["A title", "", "$x_1$ & 100% #1", None]),
    "models": st.lists(st.sampled_from(MODEL_IDS + ["nope"]), max_size=5),
    "stats": st.lists(st.sampled_from(["nobs", "r2", "adj_r2", "r2_within", "adj_r2_within",
                                       "n_clusters", "hausman_chi2", "hausman_p", "theta",
                                       "loglik", "rho", "bogus"]), max_size=4),
    "formats": st.lists(st.sampled_from(["latex", "markdown", "html", "docx", "pdf"]),
                        max_size=3),
    "keep": st.lists(_columns, max_size=3),
    "drop": st.lists(_columns, max_size=3),
    "order": st.lists(_columns, max_size=3),
    "rename": st.dictionaries(_columns, st.sampled_from(["Log K", "", "α & β"]), max_size=2),
    "decimals": st.integers(-1, 9),
    "stars": st.sampled_from([[0.1, 0.05, 0.01], [0.05], [], [2], [-1], [0.01, 0.1]]),
    "variables": st.lists(_columns, max_size=3),
    "path": st.sampled_from(["data/panel.csv", "data/coords.csv", "data/nope.csv",
                             "{OUTSIDE}/x.csv", "../study/data/panel.csv", "data", "",
                             "data/panel.xlsx", "study.yaml"]),
    "coords": st.sampled_from(["data/coords.csv", "data/panel.csv", "data/nope.csv", "data"]),
    "entity": st.sampled_from(["state", "region", "year", "nope", ""]),
    "time": st.sampled_from(["year", "state", "region", None, "nope"]),
    "k": st.integers(-1, 14),
    "weights": st.sampled_from(["W", "nope", None]),
    "id": st.sampled_from(MODEL_IDS + ["t1", "summary", "new_id", "../escaped", "a b", "W",
                                       "{OUTSIDE}/abs", "sub/t1", ".hidden", "é"]),
    "base": st.sampled_from(MODEL_IDS + ["nope"]),
    "swap": st.dictionaries(_columns, _columns, max_size=2),
    "lag_regressors": st.integers(-1, 3),
    "method": st.sampled_from(["entropy", "critic", "cv", "equal", "topsis", "pca", "delta",
                               "simulation", "bogus"]),
    "indicators": st.dictionaries(_columns, st.sampled_from(["+", "-", "?", 1]), max_size=4),
    "effects_inference": st.fixed_dictionaries({"method": st.sampled_from(["delta", "bogus"])}),
    "treatment": _columns, "outcome": _columns, "moderator": _columns, "var": _columns,
    "variable": _columns, "per": _columns, "weight": _columns, "groups": _columns,
    "output": _columns, "capital": _columns, "labour": _columns,
    "mediators": st.lists(_columns, max_size=3),
    "industries": st.lists(_columns, max_size=3),
    "at": st.sampled_from([[], ["p25"], ["p50", "p99"], [0, 1e9], "median", ["mean"], [-1]]),
    "level": st.sampled_from(["entity", "observation", "bogus"]),
    "reps": st.integers(-1, 30), "permutations": st.integers(-1, 30), "seed": st.integers(-1, 9),
    "left": st.sampled_from([0, 5, 100, -100, None]), "right": st.sampled_from([0, 5, 8, None]),
    "center": st.booleans(), "index": st.sampled_from(["INFRA", "DEV", "nope"]),
    "measure": st.sampled_from(["theil_r", "gini_i", "res", "nope"]),
    "model": st.sampled_from(["med", "mod", "b3", "nope"]),
    "moran": st.sampled_from(["mi", "nope"]),
    "kind": st.sampled_from(["T", "L", "bogus"]),
    "slopes": st.sampled_from(["common", "entity", "bogus"]),
    "scope": st.sampled_from(["pooled", "per_year", "base_year", "bogus"]),
    "shift": st.sampled_from([0, 0.0001, -1, 1e9]),
    "columns": st.sampled_from([{"krugman": "KSPEC"}, {"RM": "lgsp"}, {"RM": "RM"}, {}]),
}


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path (dict keys, list indices) in a spec tree."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _parent(spec: Any, path: tuple) -> Any:
    node = spec
    for key in path[:-1]:
        node = node[key]
    return node


def _resolve(value: Any, outside: str) -> Any:
    """``{OUTSIDE}`` in any string replaced by a folder beside the study (checked empty)."""
    if isinstance(value, str):
        return value.replace("{OUTSIDE}", outside)
    if isinstance(value, list):
        return [_resolve(v, outside) for v in value]
    if isinstance(value, dict):
        return {_resolve(k, outside): _resolve(v, outside) for k, v in value.items()}
    return value


def mutate(spec: dict[str, Any], data: st.DataObject) -> None:
    """One change at a random key path: a plausible value for its key (so the run gets past
    validation), any value of any type, delete or rename it, add a key, duplicate an entry."""
    path = data.draw(st.sampled_from(_paths(spec)), label="path")
    parent, key = _parent(spec, path), path[-1]
    name = next((k for k in reversed(path) if isinstance(k, str)), "")
    ops = ["delete", "value", "rename", "add", "duplicate"] + ["plausible"] * 5
    op = data.draw(st.sampled_from(ops), label="op")
    # values are copied: sampled_from hands out the same list or dict object every time
    if op == "plausible" and name in PLAUSIBLE:
        parent[key] = copy.deepcopy(data.draw(PLAUSIBLE[name], label="plausible value"))
    elif op == "delete":
        del parent[key]
    elif op == "rename" and isinstance(parent, dict):
        new = data.draw(st.sampled_from(WORDS + sorted(PLAUSIBLE)) | _text, label="new key")
        parent[new] = parent.pop(key)
    elif op == "add" and isinstance(parent[key], dict):
        new = data.draw(st.sampled_from(sorted(PLAUSIBLE)) | st.sampled_from(WORDS), label="key")
        parent[key][new] = copy.deepcopy(data.draw(PLAUSIBLE.get(new, VALUES), label="value"))
    elif op == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))
    else:
        parent[key] = data.draw(VALUES, label="value")


@fuzz_settings(150)
@given(data=st.data())
def test_mutated_spec_keys_and_value_types(data):
    spec = copy.deepcopy(data.draw(st.sampled_from([BASE, BASE_STUDY]), label="base"))
    for _ in range(data.draw(st.integers(1, 3), label="changes")):
        if not _paths(spec):
            break
        mutate(spec, data)
    with sandbox() as box:
        box.write(_resolve(spec, str(box.outside)))
        check(box)
        assert not any(box.outside.iterdir())


@fuzz_settings(100)
@given(formula=WELL_FORMED | TOKENS, model_type=st.sampled_from(TYPES),
       controls=st.lists(_term | st.sampled_from(_NAMES), max_size=2),
       hausman=st.sampled_from([None, "classic", "aux"]))
def test_generated_formulas(formula, model_type, controls, hausman):
    model: dict[str, Any] = {"id": "m1", "type": model_type, "formula": formula}
    if controls:
        model["controls"] = controls
    if model_type == "fe":
        model["effects"] = ["entity", "time"]
    if model_type == "re" and hausman:
        model["hausman"] = hausman
    if model_type == "moderation":
        model.update(treatment="lpcap", moderator="unemp")
    spec = {"data": BASE["data"], "indices": BASE["indices"], "models": [model],
            "tables": [{"id": "t1", "models": ["m1"], "formats": ["markdown"]}]}
    with sandbox() as box:
        box.write(spec)
        check(box)


# ----------------------------------------------------------------------------- data cells
CELLS = ["", "NA", "nan", "inf", "-inf", "1e308", "-1e308", "0", "-1", "abc", "1,5", "é",
         " ", "ALABAMA", "1970", "1970.5", "TRUE", '"', "0x1F"]


@fuzz_settings(40)
@given(data=st.data(), spatial=st.booleans())
def test_mutated_data_cells(data, spatial):
    rows = list(csv.reader(io.StringIO(PANEL.to_csv(index=False))))
    for _ in range(data.draw(st.integers(1, 4), label="changes")):
        op = data.draw(st.sampled_from(["cell", "cell", "cell", "drop", "copy", "header"]))
        i = data.draw(st.integers(1, len(rows) - 1), label="row")
        if op == "cell":
            j = data.draw(st.integers(0, len(rows[0]) - 1), label="column")
            rows[i][j] = data.draw(st.sampled_from(CELLS) | _text, label="cell")
        elif op == "drop" and len(rows) > 2:
            del rows[i]
        elif op == "copy":
            rows.append(list(rows[i]))
        else:
            j = data.draw(st.integers(0, len(rows[0]) - 1), label="column")
            rows[0][j] = data.draw(st.sampled_from(CELLS + COLUMNS), label="header")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    spec = copy.deepcopy(BASE)
    if not spatial:  # a spatial panel needs every cell; without it missing cells are dropped
        spec["models"] = [m for m in spec["models"] if m.get("type") != "sar"]
    with sandbox() as box:
        box.write(spec, panel=buffer.getvalue())
        check(box, commands=("run", "describe"))


# ----------------------------------------------------------------------------- raw bytes
@fuzz_settings(50)
@given(data=st.data())
def test_mutated_spec_bytes(data):
    text = yaml.safe_dump(BASE, sort_keys=False).encode("utf-8")
    for _ in range(data.draw(st.integers(1, 3), label="changes")):
        at = data.draw(st.integers(0, len(text)), label="at")
        op = data.draw(st.sampled_from(["insert", "delete", "truncate"]), label="op")
        if op == "insert":
            text = text[:at] + data.draw(st.binary(min_size=1, max_size=4) | st.sampled_from(
                [b"\xe9", b"\t", b":", b"- ", b"\n  ", b"{", b"[", b"&a", b"*a", b"!!python/x",
                 b"\xef\xbb\xbf", b"\x00"]
            )) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 8)):]
        else:
            text = text[:at]
    with sandbox() as box:
        box.write(text)
        check(box, commands=("validate", "run"))
