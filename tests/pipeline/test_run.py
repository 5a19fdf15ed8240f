"""End to end: spec file -> results.json + tables; bad input writes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from regiometrics.cli import main

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "produc.yaml"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A copy of the bundled example in a scratch folder."""
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "specs" / "data" / "produc.csv", tmp_path / "data" / "produc.csv")
    shutil.copy(SPEC, tmp_path / "study.yaml")
    return tmp_path / "study.yaml"


def edit(spec_path: Path, change) -> Path:
    raw = yaml.safe_load(spec_path.read_text())
    change(raw)
    spec_path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return spec_path


def test_run_writes_results_and_tables(study, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(study), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json", "production.docx", "production.html", "production.md",
        "production.tex", "results.json", "summary.md", "summary.tex",
    ]
    doc = json.loads((out / "results.json").read_text())
    fe2 = doc["models"]["fe2"]
    assert fe2["type"] == "fe" and fe2["dependent"] == "lgsp" and fe2["nobs"] == 816
    assert set(fe2["params"]) == {"lpcap", "lpc", "lemp", "unemp", "_cons"}
    assert set(fe2["std_errors"]) == set(fe2["pvalues"]) == set(fe2["params"])
    assert {"r2_within", "adj_r2"} <= set(fe2["stats"])
    assert "hausman_chi2" in doc["models"]["re"]["stats"]
    # every printed coefficient is traceable to results.json
    tex = (out / "production.tex").read_text()
    assert f"{doc['models']['fe2']['params']['lpc']:.3f}" in tex
    assert f"({doc['models']['pooled']['std_errors']['lpcap']:.3f})" in tex
    assert f">{doc['models']['fe2']['params']['lpc']:.3f}" in (out / "production.html").read_text()
    assert (out / "production.docx").read_bytes()[:2] == b"PK"  # a zip container


def test_same_spec_same_numbers(study, tmp_path):
    for name in ("a", "b"):
        assert main(["run", str(study), "--out", str(tmp_path / name)]) == 0
    a = json.loads((tmp_path / "a" / "results.json").read_text())
    b = json.loads((tmp_path / "b" / "results.json").read_text())
    assert a["models"] == b["models"]


def test_input_data_untouched(study, tmp_path):
    data = study.parent / "data" / "produc.csv"
    before = data.read_bytes()
    main(["run", str(study), "--out", str(tmp_path / "out")])
    assert data.read_bytes() == before


def _assert_nothing_written(out: Path) -> None:
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["models"][2].update(formula="lgsp ~ lpcapp"),
         r"models.fe2.formula: unknown variable 'lpcapp'.*closest columns: lpcap"),
        (lambda r: r["data"].update(path="data/missing.csv"), r"missing.csv does not exist"),
        (lambda r: r["models"][0].update(clusterby="state"),
         r"models.pooled.clusterby: unknown key 'clusterby'; allowed keys: .*controls"),
        (lambda r: r["data"].update(filter="__import__('os').getcwd() == ''"), r"call is not allowed"),
    ],
)
def test_bad_input_is_reported_and_nothing_is_written(study, tmp_path, capsys, change, message):
    edit(study, change)
    out = tmp_path / "out"
    assert main(["run", str(study), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(study) in err
    import re
    assert re.search(message, err), err
    _assert_nothing_written(out)


def test_failure_in_a_later_model_writes_nothing(study, tmp_path, capsys):
    """The first models fit; the last one fails: no file may appear in DIR."""
    edit(study, lambda r: r["models"].append({"id": "bad", "type": "ols", "formula": "lgsp ~ nope"}))
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("user file")
    assert main(["run", str(study), "--out", str(out)]) == 2
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_duplicate_rows_in_data_are_listed(study, tmp_path, capsys):
    data = study.parent / "data" / "produc.csv"
    lines = data.read_text().splitlines()
    data.write_text("\n".join(lines + [lines[1]]) + "\n")
    assert main(["run", str(study), "--out", str(tmp_path / "out")]) == 2
    assert "(ALABAMA, 1970)" in capsys.readouterr().err


def test_non_numeric_regressor_is_named(study, tmp_path, capsys):
    data = study.parent / "data" / "produc.csv"
    lines = data.read_text().splitlines()
    fields = lines[3].split(",")
    fields[10] = "n.a."  # unemp
    lines[3] = ",".join(fields)
    data.write_text("\n".join(lines) + "\n")
    assert main(["run", str(study), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "column 'unemp' has non-numeric values" in err and "'n.a.'" in err


def test_validate_and_describe(study, capsys):
    assert main(["validate", str(study)]) == 0
    assert "OK (4 models, 1 tables, 0 figures)" in capsys.readouterr().out
    assert main(["describe", str(study)]) == 0
    out = capsys.readouterr().out
    assert "48 entities" in out and "17 periods" in out and "balanced: yes" in out


def test_cli_notes_only_the_package_own_warnings():
    import warnings

    from regiometrics.cli import _own_warnings
    from regiometrics.data.weights import IslandWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn_explicit("2 islands", IslandWarning, "elsewhere.py", 1)
        warnings.warn_explicit("2 islands", IslandWarning, "elsewhere.py", 2)
        warnings.warn_explicit("library chatter", UserWarning, "/site-packages/lib.py", 1)
        warnings.warn_explicit("divide by zero", RuntimeWarning, __file__, 1)
    assert _own_warnings(caught) == ["2 islands"]


@pytest.mark.parametrize("spec_path", sorted((ROOT / "specs").glob("*.yaml")), ids=lambda p: p.stem)
def test_validate_accepts_every_bundled_spec(spec_path, capsys):
    """Columns made by indices/measures and formula-less (mediation) models validate too."""
    assert main(["validate", str(spec_path)]) == 0
    assert f"{spec_path}: OK" in capsys.readouterr().out


def test_validate_names_a_missing_mediator(tmp_path, capsys):
    raw = yaml.safe_load((ROOT / "specs" / "mechanisms.yaml").read_text())
    raw["data"]["path"] = str(ROOT / "specs" / raw["data"]["path"])
    raw["models"][0]["mediators"] = ["lemp", "lpcc"]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(raw))
    assert main(["validate", str(tmp_path / "s.yaml")]) == 2
    err = capsys.readouterr().err
    assert "models.med" in err and "'lpcc'" in err and "lpc" in err
