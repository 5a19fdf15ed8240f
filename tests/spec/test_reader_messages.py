"""Messages for the mistakes a first-time reader makes in a spec file: a scalar where a list
belongs, a word where a number belongs, an effect naming no column. Each names the file, the
key path, the wrong value and the fix; the run exits 2 and writes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

import regiometrics as rm
from regiometrics.errors import DataError, SpecError
from regiometrics.spec import load_spec
from tests.spec.test_loader import BASE, write

PRODUC = Path(__file__).parents[2] / "specs" / "data" / "produc.csv"


def _with(change) -> dict:
    raw = yaml.safe_load(yaml.safe_dump(BASE))
    change(raw)
    return raw


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: r["models"][1].update(effects="entity"),
     "models.fe2.effects: Input should be a valid list; got 'entity'; write a list, "
     "e.g. [entity]"),
    (lambda r: r["tables"][0].update(decimals="three"),
     "tables.t1.decimals: Input should be a valid integer, unable to parse string as an "
     "integer; got 'three'"),
    (lambda r: r["tables"][0].update(models="fe2"),
     "tables.t1.models: Input should be a valid list; got 'fe2'; write a list, e.g. [fe2]"),
])
def test_wrong_type_names_key_value_and_fix(tmp_path, change, message):
    path = write(tmp_path, _with(change))
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert str(err.value) == f"{path}: {message}"


def test_unknown_effect_says_what_an_effect_may_be():
    df = pd.read_csv(PRODUC)
    with pytest.raises(DataError) as err:
        rm.fit(df, entity="state", time="year", type="fe", formula="lgsp ~ lpcap",
               effects=["entty"])
    assert "effects: unknown variable 'entty': no such column" in str(err.value)
    assert str(err.value).endswith(
        "; an effect is entity, time, a column, 'a^b' or 'entity[time]'")
    with pytest.raises(DataError) as err:   # other keys keep the plain message
        rm.fit(df, entity="state", time="year", type="fe", formula="lgsp ~ lpcapp",
               effects=["entity"])
    assert "an effect is" not in str(err.value)


def test_cli_exits_2_and_writes_nothing_on_a_scalar_for_a_list(tmp_path):
    (tmp_path / "produc.csv").write_bytes(PRODUC.read_bytes())
    path = write(tmp_path, _with(lambda r: r["models"][1].update(effects="entity")))
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "regiometrics", "run", str(path), "--out",
                          str(out)], capture_output=True, text=True)
    assert run.returncode == 2
    assert "models.fe2.effects" in run.stderr and "write a list, e.g. [entity]" in run.stderr
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("kind", ["re", "tobit"])
def test_random_naming_the_entity_column_is_random_entity(tmp_path, kind):
    """``effects: [state]`` meant entity effects but ``random: [state]`` was refused."""
    raw = _with(lambda r: r.update(defaults={}))
    raw["models"] = [{"id": "m", "type": kind, "formula": "lgsp ~ lpcap", "random": ["state"]}]
    raw["tables"] = [{"id": "t1", "models": ["m"]}]
    assert load_spec(write(tmp_path, raw)).models[0].random == ["entity"]
    raw["models"][0]["random"] = ["year"]   # the time column stays refused, by its own name
    with pytest.raises(SpecError, match=r"models\.m\.random: .*\(got \['year'\]\); time "
                                        r"effects are fixed: effects: \[time\]"):
        load_spec(write(tmp_path, raw))
