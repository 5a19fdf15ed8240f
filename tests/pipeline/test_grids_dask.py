"""Specification grids on a real Dask cluster (worker processes): identical rows.

Needs dask[distributed] (the ``test`` and ``dask`` extras); skipped without it.
"""

from __future__ import annotations

import copy
import json

import pytest

distributed = pytest.importorskip("distributed")

from regiometrics.cli import main
from regiometrics.data import Panel
from regiometrics.pipeline.executor import DaskExecutor
from regiometrics.pipeline.grids import run_grid
from regiometrics.spec.models import StudySpec
from tests.pipeline.test_grids import GRID
from tests.pipeline.test_run import edit, study  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as c:
        yield c


def _spec() -> StudySpec:
    grid = copy.deepcopy(GRID)
    grid["base"] = "b"
    return StudySpec(
        data={"path": "x.csv", "entity": "state", "time": "year"},
        models=[{"id": "b", "type": "fe", "formula": "lgsp ~ lpcap", "effects": ["entity"],
                 "vcov": {"type": "cluster", "by": "region"},
                 "wild_bootstrap": {"cluster": "region", "draws": 999, "weights": "webb"}}],
        grids=[grid],
    )


def test_dask_rows_identical_to_in_process(cluster, produc):
    spec = _spec()
    panel = Panel(produc, "state", "year")
    local = run_grid(spec.grids[0], spec, panel)
    executor = DaskExecutor(scheduler=cluster.scheduler_address)
    try:
        remote = run_grid(spec.grids[0], spec, panel, executor=executor)
        workers = {w for w in executor.client.run(lambda: 1)}  # both workers answered
    finally:
        executor.close()
    assert len(workers) == 2
    assert json.dumps(remote.records()) == json.dumps(local.records())
    assert all("wild_pvalue" in r for r in remote.records())


def _with_grid(raw: dict) -> None:
    raw["grids"] = [copy.deepcopy(GRID)]


def test_cli_workers_and_scheduler_give_the_same_results(study, tmp_path, cluster):  # noqa: F811
    path = edit(study, _with_grid)
    runs = {"local": [], "workers": ["--workers", "2"],
            "scheduler": ["--scheduler", cluster.scheduler_address]}
    grids = {}
    for name, extra in runs.items():
        out = tmp_path / name
        assert main(["run", str(path), "--out", str(out), *extra]) == 0
        grids[name] = json.loads((out / "results.json").read_text())["grids"]
    assert grids["workers"] == grids["local"] == grids["scheduler"]
    assert len(grids["local"]["robust"]) == 18


def test_unreachable_scheduler_is_a_clear_error(study, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "out"
    code = main(["run", str(edit(study, _with_grid)), "--out", str(out),
                 "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2 and "--scheduler tcp://127.0.0.1:9: cannot connect" in err
    assert "Traceback" not in err and not (out / "results.json").exists()
