"""Outputs stay inside --out and never replace an input (issue 11, section 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.safety.helpers import CONTIGUITY, COORDS, base_spec, run_cli, snapshot, write_study

RULE = "use letters, digits, '_', '-', '.' only, no path separators"


@pytest.mark.parametrize("bad", ["../escaped", "/tmp/regiometrics-abs", "sub/t1", "..", ".t1",
                                 "t1\\x", "t 1", ""])
@pytest.mark.parametrize("block", ["tables", "figures", "descriptives"])
def test_ids_used_as_file_names_must_be_plain_names(tmp_path, capsys, block, bad):
    entries = {
        "tables": {"tables": [{"id": bad, "models": ["m1"]}]},
        "figures": {"figures": [{"id": bad, "type": "kde", "variable": "lgsp"}]},
        "descriptives": {"descriptives": [{"id": bad, "variables": ["lgsp"]}]},
    }[block]
    study = tmp_path / "study"
    spec = write_study(study, base_spec(**entries))
    before = snapshot(tmp_path)
    code, out, err = run_cli(["run", spec, "--out", study / "out"], capsys)
    assert code == 2 and out == ""
    assert err == (f"error: {spec}: {block}[0].id: {bad!r} is not a plain name; {RULE}; "
                   f"the id names the output files ({bad}.tex ...)\n")
    assert snapshot(tmp_path) == before  # nothing written anywhere, above --out included
    assert not Path("/tmp/regiometrics-abs.tex").exists()


def test_unicode_letters_and_dots_make_plain_ids(tmp_path, capsys):
    spec = write_study(tmp_path, base_spec(tables=[{"id": "表4.baseline-v2", "models": ["m1"],
                                                      "formats": ["markdown"]}]))
    code, _, err = run_cli(["run", spec, "--out", tmp_path / "out"], capsys)
    assert code == 0, err
    assert (tmp_path / "out" / "表4.baseline-v2.md").is_file()


def _indices_block() -> dict:
    return {"DEV": {"method": "equal", "indicators": {"hwy": "+", "unemp": "-"}}}


@pytest.mark.parametrize("role", ["data.path", "weights.W.coords", "weights.W.path"])
def test_no_output_overwrites_an_input_when_out_is_the_spec_folder(tmp_path, capsys, role):
    """An input named like an output (indices.csv) in the spec's folder, --out that folder."""
    spec = base_spec(models=[], tables=[], indices=_indices_block())
    if role == "data.path":
        spec["data"]["path"] = "indices.csv"
        study = write_study(tmp_path, spec, data_name="indices.csv")
    else:
        study = write_study(tmp_path, spec)
        if role == "weights.W.coords":
            shutil.copy(COORDS, tmp_path / "indices.csv")
            spec["weights"] = {"W": {"type": "inverse_distance", "coords": "indices.csv"}}
        else:
            shutil.copy(CONTIGUITY, tmp_path / "indices.csv")
            spec["weights"] = {"W": {"type": "adjacency", "path": "indices.csv"}}
        study = write_study(tmp_path, spec)
    before = snapshot(tmp_path)
    code, out, err = run_cli(["run", study, "--out", tmp_path], capsys)
    assert code == 2 and out == ""
    target = (tmp_path / "indices.csv").resolve()
    assert err == (f"error: {study}: {role}: the output indices.csv would overwrite this input "
                   f"file ({target}); write the outputs to another folder (--out) or rename the "
                   "input\n")
    assert snapshot(tmp_path) == before  # input byte-identical, no results.json either


def test_the_spec_file_itself_is_guarded(tmp_path, capsys):
    spec = base_spec(tables=[{"id": "study", "models": ["m1"], "formats": ["markdown"]}])
    study = write_study(tmp_path, spec, name="study.md")
    before = snapshot(tmp_path)
    code, _, err = run_cli(["run", study, "--out", tmp_path], capsys)
    assert code == 2
    assert f"error: {study}: the spec file: the output study.md would overwrite" in err
    assert snapshot(tmp_path) == before


def test_out_in_the_spec_folder_without_clash_still_works(tmp_path, capsys):
    study = write_study(tmp_path, base_spec())
    code, out, err = run_cli(["run", study, "--out", tmp_path], capsys)
    assert code == 0, err
    assert out.splitlines() == [str(tmp_path / name) for name in
                                ("results.json", "t1.md", "manifest.json")]


def test_out_is_an_existing_file(tmp_path, capsys):
    study = write_study(tmp_path, base_spec())
    blocker = tmp_path / "taken.txt"
    blocker.write_text("keep me")
    for out_dir, message in [
        (blocker, f"error: --out {blocker}: is a file, not a folder; give a folder (it is "
                  "created if it does not exist)\n"),
        (blocker / "sub" / "deeper", f"error: --out {blocker / 'sub' / 'deeper'}: {blocker} is a "
                                     "file, so no folder can be made under it; give another "
                                     "folder\n"),
    ]:
        before = snapshot(tmp_path)
        code, out, err = run_cli(["run", study, "--out", out_dir], capsys)
        assert (code, out, err) == (2, "", message)
        assert snapshot(tmp_path) == before


def test_a_failed_write_leaves_no_folder_behind(tmp_path, capsys, monkeypatch):
    study = write_study(tmp_path, base_spec())
    before = snapshot(tmp_path)

    def disk_full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", disk_full)
    out = tmp_path / "new" / "deeper" / "out"
    code, out_text, err = run_cli(["run", study, "--out", out], capsys)
    assert (code, out_text) == (2, "")
    assert err == f"error: --out {out}: cannot write the outputs: No space left on device\n"
    assert not (tmp_path / "new").exists()
    assert snapshot(tmp_path) == before
