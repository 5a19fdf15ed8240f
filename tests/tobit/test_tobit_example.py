"""The bundled example specs/tobit.yaml, run through the command line, against direct calls.

Data: Munnell (1990) US state production panel (R plm's Produc; 48 states, 1970-1986) with
the unemployment rate treated as censored at 4 (left) and 10 (right). Every number
results.json reports must equal the one from the likelihood kernels called directly
(``fit_pooled_tobit``, ``fit_re_tobit``) on arrays built here from the CSV: rtol=1e-8.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.cli import main
from regiometrics.engine.tobit.kernel import Censoring, fit_pooled_tobit, fit_re_tobit
from regiometrics.tables.latex import latex_document

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "tobit.yaml"
TERMS = ["lpcap", "lpc", "lemp", "_cons"]
RTOL = 1e-8


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("tobit_out")
    assert main(["run", str(SPEC), "--out", str(out)]) == 0
    return out, json.loads((out / "results.json").read_text())


@pytest.fixture(scope="module")
def arrays() -> dict:
    df = pd.read_csv(ROOT / "specs" / "data" / "produc.csv")
    y = df["unemp"].to_numpy(float)
    X = np.column_stack([df["lpcap"], df["lpc"], df["lemp"], np.ones(len(df))])
    entity = pd.factorize(df["state"], sort=True)[0]
    years = pd.get_dummies(df["year"], drop_first=True, dtype=float).to_numpy()
    return {"y": y, "X": X, "entity": entity, "years": years, "state": df["state"].to_numpy(),
            "cens": Censoring.of(y, 4.0, 10.0)}


def _se(theta_cov: np.ndarray, k: int) -> np.ndarray:
    return np.sqrt(np.diag(theta_cov))[:k]


def test_pooled_equals_direct_fit(run, arrays):
    _, doc = run
    fit = fit_pooled_tobit(arrays["y"], arrays["X"], arrays["cens"])
    V = np.linalg.inv(-fit.hessian)
    for model_id in ("tobit_pooled", "tobit_pooled_cl"):
        got = doc["models"][model_id]
        assert got["type"] == "tobit" and got["nobs"] == 816 and got["df_resid"] is None
        np.testing.assert_allclose([got["params"][t] for t in TERMS], fit.theta[:4], rtol=RTOL)
        np.testing.assert_allclose(got["stats"]["loglik"], fit.loglik, rtol=RTOL)
    got = doc["models"]["tobit_pooled"]
    np.testing.assert_allclose([got["std_errors"][t] for t in TERMS], _se(V, 4), rtol=1e-6)
    np.testing.assert_allclose(got["stats"]["sigma"], np.exp(fit.theta[4]), rtol=RTOL)
    assert got["stats"]["n_left_censored"] == 85 and got["stats"]["n_right_censored"] == 62
    cl = doc["models"]["tobit_pooled_cl"]
    sums = np.zeros((48, 5))
    np.add.at(sums, arrays["entity"], fit.scores)
    Vc = 48 / 47 * V @ sums.T @ sums @ V
    np.testing.assert_allclose([cl["std_errors"][t] for t in TERMS], _se(Vc, 4), rtol=1e-6)
    assert cl["info"]["vcov"] == "cluster" and cl["stats"]["n_clusters"] == 48


def test_random_effects_equal_direct_fit(run, arrays):
    _, doc = run
    y, cens, ent = arrays["y"], arrays["cens"], arrays["entity"]
    for model_id, X in (("tobit_re", arrays["X"]),
                        ("tobit_re_year", np.column_stack([arrays["X"][:, :3], arrays["years"],
                                                           np.ones(len(y))]))):
        got = doc["models"][model_id]
        k = X.shape[1]
        pooled = fit_pooled_tobit(y, X, cens)
        fit = fit_re_tobit(y, X, ent, cens, points=12, start=pooled.theta)
        V = np.linalg.inv(-fit.hessian)
        idx = [0, 1, 2, k - 1]
        np.testing.assert_allclose([got["params"][t] for t in TERMS], fit.theta[idx], rtol=RTOL)
        np.testing.assert_allclose([got["std_errors"][t] for t in TERMS],
                                   np.sqrt(np.diag(V))[idx], rtol=1e-6)
        s = got["stats"]
        np.testing.assert_allclose([s["sigma_u"], s["sigma_e"], s["loglik"]],
                                   [np.exp(fit.theta[k]), np.exp(fit.theta[k + 1]), fit.loglik],
                                   rtol=RTOL)
        np.testing.assert_allclose(s["lr_sigma_u"], 2 * (fit.loglik - pooled.loglik), rtol=1e-6)
        assert s["lr_sigma_u_p"] < 1e-10 and s["n_entities"] == 48
    dummies = doc["models"]["tobit_re_year"]["info"]["time_dummies"]
    assert list(dummies) == [f"year={y}" for y in range(1971, 1987)]
    assert "year=1971" not in doc["models"]["tobit_re_year"]["params"]


def test_table(run):
    out, _ = run
    md = (out / "tobit_table.md").read_text()
    assert "| Year dummies | NO | NO | YES |" in md
    assert "| State FEs | NO | NO | NO |" in md
    assert "Standard errors in parentheses." in md and "clustered" not in md
    assert "| LR test σ_u = 0 |" in md and "year=" not in md


@pytest.mark.latex
def test_table_compiles_with_pdflatex(run, tmp_path: Path):
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is not installed in CI; .ci/run installs texlive-latex-base")
        pytest.skip("pdflatex not installed")
    out, _ = run
    (tmp_path / "t.tex").write_text(latex_document((out / "tobit_table.tex").read_text()))
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"],
                          check=False, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:]
