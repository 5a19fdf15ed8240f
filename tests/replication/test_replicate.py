"""`regiometrics replicate`: the list of papers, one-command runs on the seeded synthetic
panels (same seed, same bytes), the user's own data, the layout check and its report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from regiometrics.cli import main
from regiometrics.pipeline.layout_check import ExpectedLayout, compare_layout
from regiometrics.pipeline.replicate import find_paper, list_papers
from regiometrics.tables.grid import Row, TableGrid

PAPERS = {"002-trade-resilience", "003-digital-trade"}


def run(argv: list[str]) -> int:
    return main(["replicate", *argv])


@pytest.fixture(scope="module")
def out003(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rep") / "003"
    assert run(["003-digital-trade", "--out", str(out)]) == 0
    return out


def test_list_prints_one_paper_per_line_id_first(capsys):
    assert run([]) == 0
    lines = capsys.readouterr().out.splitlines()
    ids = [line.split()[0] for line in lines]
    assert PAPERS <= set(ids) and ids == sorted(ids)
    for paper in list_papers():
        assert f"{paper.id}  {paper.title}" in lines


def test_003_writes_every_table_and_figure(out003):
    paper = find_paper("003")
    tables = [f"table{i}" for i in range(1, 11)]
    for prefix in tables:
        assert len(list(out003.glob(f"{prefix}_*.tex"))) == 1, prefix
    for fig in paper.figures:
        assert (out003 / f"{fig}.pdf").stat().st_size > 1000
        assert (out003 / f"{fig}.png").read_bytes()[:4] == b"\x89PNG"
    doc = json.loads((out003 / "results.json").read_text())
    assert doc["models"]["t4_fe_controls"]["nobs"] == 270
    assert doc["models"]["t5_no_municipalities"]["nobs"] == 234   # 26 provinces x 9 years
    assert {r["n_periods"] for r in [doc["data"]]} == {9} and doc["data"]["n_entities"] == 30
    manifest = json.loads((out003 / "manifest.json").read_text())
    assert manifest["spec"]["path"] == "replication/003-digital-trade/spec.yaml"
    assert manifest["replication"]["data"] == "synthetic"
    assert manifest["replication"]["seed"] == paper.seed
    assert manifest["replication"]["layouts_checked"] == len(paper.layouts) == 10
    assert {i["path"] for i in manifest["inputs"]} == set(paper.inputs)
    report = (out003 / "layout_check.md").read_text()
    assert sum(line.startswith("## ") for line in report.splitlines()) == 14  # 10 tables, 4 figs
    assert "Table 3. Descriptive statistical results" in report


def test_003_every_printed_table_and_figure_matches(out003):
    report = (out003 / "layout_check.md").read_text()
    assert report.startswith("# Layout check: 14 of 14 printed tables and figures match")
    assert report.count("): matches") == 10 and report.count(": written") == 4


def test_same_seed_same_bytes(tmp_path):
    for name in ("a", "b"):
        assert run(["002", "--out", str(tmp_path / name)]) == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*")
                   if p.is_file())
    assert Path("input/data/panel.csv") in files and Path("results.json") in files
    for rel in files:
        a, b = (tmp_path / "a" / rel).read_bytes(), (tmp_path / "b" / rel).read_bytes()
        if rel.name == "manifest.json":  # differs only by the --out folder in the command
            ja, jb = json.loads(a), json.loads(b)
            assert ja.pop("command")[-1] != jb.pop("command")[-1]
            assert ja == jb
        else:
            assert a == b, rel


def test_user_data_replaces_the_synthetic_panel(tmp_path):
    assert run(["002", "--out", str(tmp_path / "syn")]) == 0
    mine = tmp_path / "mine"
    shutil.copytree(tmp_path / "syn" / "input", mine)
    assert run(["002", "--out", str(tmp_path / "user"), "--data", str(mine)]) == 0
    syn = json.loads((tmp_path / "syn" / "results.json").read_text())
    user = json.loads((tmp_path / "user" / "results.json").read_text())
    assert user == syn
    manifest = json.loads((tmp_path / "user" / "manifest.json").read_text())
    assert manifest["replication"]["data"] == "user" and manifest["replication"]["seed"] is None
    assert not (tmp_path / "user" / "input").exists()   # the user's data are not copied


def test_user_data_missing_a_column_is_refused(tmp_path, capsys):
    assert run(["002", "--out", str(tmp_path / "syn")]) == 0
    mine = tmp_path / "mine"
    shutil.copytree(tmp_path / "syn" / "input", mine)
    panel = mine / "data" / "panel.csv"
    lines = panel.read_text().splitlines()
    panel.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")  # drop urban_emp
    out = tmp_path / "user"
    assert run(["002", "--out", str(out), "--data", str(mine)]) == 2
    err = capsys.readouterr().err
    assert "missing column(s) urban_emp" in err and str(panel) in err and "columns.csv" in err
    assert not out.exists()


def test_user_data_missing_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert run(["003", "--out", str(tmp_path / "o"), "--data", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert "missing data/panel.csv, data/coords.csv" in err
    assert not (tmp_path / "o").exists()


def test_unknown_paper_and_missing_out(capsys):
    assert run(["999-nothing", "--out", "x"]) == 2
    err = capsys.readouterr().err
    assert "no replication '999-nothing'" in err and "003-digital-trade" in err
    assert run(["003"]) == 2
    assert "--out" in capsys.readouterr().err


def test_strict_exits_1_on_layout_differences(tmp_path, monkeypatch, capsys):
    root = tmp_path / "replication"
    shutil.copytree(find_paper("002").folder, root / "002-trade-resilience")
    layout = root / "002-trade-resilience" / "layouts" / "table4.yaml"
    layout.write_text(layout.read_text().replace("- Area", "- Region"))
    monkeypatch.setenv("REGIOMETRICS_REPLICATION", str(root))
    assert run(["002", "--out", str(tmp_path / "o"), "--strict"]) == 1
    report = (tmp_path / "o" / "layout_check.md").read_text()
    assert report.startswith("# Layout check: 4 of 5 printed tables and figures match")
    assert "printed ['Type', 'Region', 'explanation'], built ['Type', 'Area', 'explanation']" \
        in report
    assert "layout table4_typology: header row 1" in capsys.readouterr().err


def _grid() -> TableGrid:
    return TableGrid(
        id="t", header=(Row(("", "(1)", "(2)"), "header"), Row(("", "ER", "ER"), "header")),
        sections=((Row(("DT", "0.5", "0.4"), "coef"), Row(("", "(0.1)", "(0.1)"), "se")),
                  (Row(("Constant", "1", "2"), "coef"), Row(("N", "270", "270"), "stat"))))


def test_layout_match_and_each_kind_of_difference():
    header = (("", "(1)", "(2)"), ("", "ER", "ER"))
    same = ExpectedLayout("t", "Table", header, ("DT", "Constant", "N"))
    assert compare_layout(_grid(), same).matches
    other = ExpectedLayout("t", "Table", (("Variables", "(1)", "(2)"),), ("DT", "Constant", "R²"))
    diffs = compare_layout(_grid(), other).differences
    assert diffs == (
        "header: printed 1 row(s), built 2",
        "header row 1: printed ['Variables', '(1)', '(2)'], built ['', '(1)', '(2)']",
        "rows printed but not built: ['R²']",
        "rows built but not printed: ['N']",
    )
    swapped = ExpectedLayout("t", "Table", header, ("Constant", "DT", "N"))
    (diff,) = compare_layout(_grid(), swapped).differences
    assert diff.startswith("row order differs from row 1 of the rows both have")


def test_paper_yaml_errors_name_the_file_and_key(tmp_path, monkeypatch, capsys):
    root = tmp_path / "replication"
    folder = root / "009-broken"
    folder.mkdir(parents=True)
    (folder / "paper.yaml").write_text("title: A broken paper\nspec: spec.yaml\n"
                                       "generator: generate.py\nseed: x\ninputs: [data/p.csv]\n")
    monkeypatch.setenv("REGIOMETRICS_REPLICATION", str(root))
    assert run([]) == 2
    err = capsys.readouterr().err
    assert str(folder / "paper.yaml") in err and "seed: expected an integer" in err
    (folder / "paper.yaml").write_text("title: T\nspec: spec.yaml\ngenerator: generate.py\n"
                                       "seed: 1\ninputs: [data/p.csv]\nlayout: []\n")
    assert run(["009", "--out", str(tmp_path / "o")]) == 2
    assert "unknown key(s) ['layout']" in capsys.readouterr().err


@pytest.mark.parametrize("paper", [p.id for p in list_papers()])
def test_generator_writes_exactly_the_codebook_columns(paper):
    from regiometrics.pipeline.replicate import _generate, codebook_columns

    found = find_paper(paper)
    book = codebook_columns(found)
    assert set(book) == set(found.inputs)
    for name, content in _generate(found).items():
        header = content.decode().splitlines()[0].split(",")
        assert header == book[name], name


def test_errors_in_user_data_name_the_users_file(tmp_path, capsys):
    assert run(["002", "--out", str(tmp_path / "syn")]) == 0
    mine = tmp_path / "mine"
    shutil.copytree(tmp_path / "syn" / "input", mine)
    panel = mine / "data" / "panel.csv"
    lines = panel.read_text().splitlines()
    panel.write_text("\n".join([*lines, lines[1]]) + "\n")  # a duplicated province-year
    assert run(["002", "--out", str(tmp_path / "user"), "--data", str(mine)]) == 2
    err = capsys.readouterr().err
    assert str(panel) in err and "replication/002-trade-resilience/spec.yaml" in err
    assert not (tmp_path / "user").exists()
