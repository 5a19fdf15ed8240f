"""Inputs that used to crash with a traceback end in one clear message and exit 2
(issue 11, section 4)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pandas as pd
import pytest

from tests.safety.helpers import PRODUC, base_spec, run_cli, snapshot, write_study


def test_one_entity_clustered_by_entity(tmp_path, capsys):
    one = pd.read_csv(PRODUC).query("state == 'ALABAMA'")
    spec = base_spec()
    spec["models"][0]["effects"] = ["time"]
    study = write_study(tmp_path, spec, data=one)
    code, out, err = run_cli(["run", study, "--out", tmp_path / "out"], capsys)
    assert (code, out) == (2, "")
    assert err == (f"error: {study}: models.m1.vcov.by: clustering by 'state' needs at least 2 "
                   "clusters, but the estimation sample (17 rows) has only one state (ALABAMA); "
                   "use vcov: robust, or cluster by another column\n")
    assert not (tmp_path / "out").exists()


def test_filter_comparing_a_text_column_with_a_number(tmp_path, capsys):
    data = pd.read_csv(PRODUC).assign(region=lambda d: "R" + d["region"].astype(str))
    spec = base_spec()
    spec["data"]["filter"] = "region > 5"
    study = write_study(tmp_path, spec, data=data)
    code, _, err = run_cli(["run", study, "--out", tmp_path / "out"], capsys)
    assert code == 2
    assert err == (f"error: {study}: data.filter: cannot compare column 'region' (text) > 5 "
                   "(a number) in 'region > 5'; compare text columns with quoted text "
                   "(region == 'West') and number columns with numbers (year >= 2010)\n")


def test_filter_type_mismatch_in_a_model_filter_names_the_model(tmp_path, capsys):
    spec = base_spec()
    spec["models"][0]["filter"] = "state >= 1980"
    study = write_study(tmp_path, spec)
    code, _, err = run_cli(["run", study, "--out", tmp_path / "out"], capsys)
    assert code == 2
    assert err.startswith(f"error: {study}: models.m1.filter: cannot compare column 'state' "
                          "(text) >= 1980 (a number)")


def test_latin1_spec_file(tmp_path, capsys):
    study = write_study(tmp_path, base_spec())
    text = "title: Région Auvergne\n" + study.read_text(encoding="utf-8")
    study.write_bytes(text.encode("latin-1"))
    for command in (["run", study, "--out", tmp_path / "out"], ["validate", study],
                    ["describe", study]):
        code, out, err = run_cli(command, capsys)
        assert (code, out) == (2, "")
        assert err == (f"error: {study}: not UTF-8 text: byte 0xe9 at offset 8 (line 1, "
                       "column 9) is not valid UTF-8; save the file as UTF-8 (it looks like "
                       "Latin-1 or another legacy encoding)\n")


@pytest.mark.parametrize("with_variant", [False, True])
def test_model_id_that_is_a_list(tmp_path, capsys, with_variant):
    spec = base_spec(tables=[])
    spec["models"][0]["id"] = ["a", "b"]
    if with_variant:
        spec["models"].append({"id": "v", "base": "a", "filter": "year > 1975"})
    study = write_study(tmp_path, spec)
    code, _, err = run_cli(["validate", study], capsys)
    assert code == 2
    assert err == (f"error: {study}: models[0].id: expected a model name (text, e.g. id: fe1); "
                   "got ['a', 'b']\n")


def test_aux_hausman_with_a_time_invariant_regressor(tmp_path, capsys):
    """Produc's region is constant within each state, as educ is in wooldridge's wagepan."""
    model = {"id": "re", "type": "re", "formula": "lgsp ~ lpcap + region", "hausman": "aux"}
    study = write_study(tmp_path, base_spec(models=[model], tables=[]))
    code, _, err = run_cli(["run", study, "--out", tmp_path / "out"], capsys)
    assert code == 2
    assert err == (f"error: {study}: models.re.hausman: 'region' is time-invariant (constant "
                   "within every entity); the auxiliary Hausman test compares within (FE) and RE "
                   "estimates and cannot include a regressor FE cannot estimate; drop it from "
                   "the formula or use hausman: classic, which tests the time-varying regressors "
                   "only\n")
    # the advice holds: without region the auxiliary test runs
    model["formula"] = "lgsp ~ lpcap"
    study = write_study(tmp_path, base_spec(models=[model], tables=[]))
    code, _, err = run_cli(["run", study, "--out", tmp_path / "out"], capsys)
    assert code == 0, err


class _GoneReader(io.StringIO):
    """A stdout whose reader has closed the pipe."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_describe_into_a_closed_pipe_in_process(tmp_path, capsys, monkeypatch):
    study = write_study(tmp_path, base_spec())
    monkeypatch.setattr(sys, "stdout", _GoneReader())
    code, _, err = run_cli(["describe", study], capsys)
    assert (code, err) == (141, "")


@pytest.mark.parametrize("buffered", [True, False])
def test_describe_piped_into_a_reader_that_quits(tmp_path, buffered):
    """`regiometrics describe X | head`, with the reader gone before the first write."""
    study = write_study(tmp_path, base_spec())
    before = snapshot(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.Popen([sys.executable, "-m", "regiometrics.cli", "describe", str(study)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader quits before the command has imported anything
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert err == ""
    assert snapshot(tmp_path) == before
