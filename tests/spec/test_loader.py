"""The YAML loader: defaults, key paths in errors, immutability."""

from pathlib import Path

import pytest
import yaml

from regiometrics.errors import SpecError
from regiometrics.spec import load_spec

BASE = {
    "data": {"path": "produc.csv", "entity": "state", "time": "year"},
    "defaults": {"effects": ["entity", "time"], "vcov": {"type": "cluster", "by": "entity"}},
    "models": [
        {"id": "pooled", "type": "ols", "formula": "lgsp ~ lpcap"},
        {"id": "fe2", "type": "fe", "formula": "lgsp ~ lpcap"},
    ],
    "tables": [{"id": "t1", "models": ["pooled", "fe2"]}],
}


def write(tmp_path: Path, spec: dict) -> Path:
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def test_defaults_are_inherited_and_ols_keeps_no_effects(tmp_path):
    spec = load_spec(write(tmp_path, BASE))
    pooled, fe2 = spec.models
    assert pooled.effects == [] and fe2.effects == ["entity", "time"]
    assert fe2.vcov.type == "cluster" and fe2.vcov.by == ["entity"]
    assert fe2.vcov.correction == "fixest"


def test_model_vcov_merges_over_defaults(tmp_path):
    raw = yaml.safe_load(yaml.safe_dump(BASE))
    raw["models"][1]["vcov"] = {"by": ["entity", "time"]}
    fe2 = load_spec(write(tmp_path, raw)).models[1]
    assert fe2.vcov.type == "cluster" and fe2.vcov.by == ["entity", "time"]


def test_specs_are_frozen_and_replace_returns_a_new_value(tmp_path):
    fe2 = load_spec(write(tmp_path, BASE)).models[1]
    with pytest.raises(Exception):
        fe2.formula = "y ~ x"  # type: ignore[misc]
    variant = fe2.replace(filter="year > 1975")
    assert variant.filter == "year > 1975" and fe2.filter is None


def test_unknown_key_names_file_key_path_and_allowed_keys(tmp_path):
    raw = yaml.safe_load(yaml.safe_dump(BASE))
    raw["models"][1]["vcov"] = {"type": "cluster", "clusterby": "entity"}
    path = write(tmp_path, raw)
    with pytest.raises(SpecError) as err:
        load_spec(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "models.fe2.vcov.clusterby" in msg
    assert "allowed keys: by, correction, type" in msg


def test_unknown_top_level_key_suggests_the_closest(tmp_path):
    raw = {**BASE, "tabels": []}
    with pytest.raises(SpecError, match=r"tabels.*did you mean 'tables'"):
        load_spec(write(tmp_path, raw))


def test_unknown_default_key(tmp_path):
    raw = {**BASE, "defaults": {"efects": ["entity"]}}
    with pytest.raises(SpecError, match=r"defaults.efects: unknown key.*did you mean 'effects'"):
        load_spec(write(tmp_path, raw))


def test_wrong_literal_value_is_named(tmp_path):
    raw = yaml.safe_load(yaml.safe_dump(BASE))
    raw["models"][0]["type"] = "probit"
    with pytest.raises(SpecError, match=r"models\.pooled: unknown type 'probit'; available: "
                                        r"ols, fe, re, .* \(did you mean 'tobit'\?\)"):
        load_spec(write(tmp_path, raw))


def test_table_naming_an_unknown_model(tmp_path):
    raw = yaml.safe_load(yaml.safe_dump(BASE))
    raw["tables"][0]["models"] = ["pooled", "fe3"]
    with pytest.raises(SpecError, match=r"tables.t1.models: unknown model 'fe3'.*did you mean 'fe2'"):
        load_spec(write(tmp_path, raw))


def test_duplicate_model_ids(tmp_path):
    raw = yaml.safe_load(yaml.safe_dump(BASE))
    raw["models"][1]["id"] = "pooled"
    with pytest.raises(SpecError, match="duplicate model ids"):
        load_spec(write(tmp_path, raw))


def test_fe_without_effects_is_refused(tmp_path):
    raw = yaml.safe_load(yaml.safe_dump(BASE))
    raw["defaults"] = {}
    with pytest.raises(SpecError, match=r"models.fe2: type 'fe' needs effects"):
        load_spec(write(tmp_path, raw))


def test_yaml_tags_are_not_executed(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("data: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(SpecError, match="not valid YAML"):
        load_spec(path)


def test_missing_spec_file(tmp_path):
    with pytest.raises(SpecError, match="does not exist"):
        load_spec(tmp_path / "nope.yaml")
