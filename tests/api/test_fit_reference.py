"""``regiometrics.fit`` on a DataFrame against R and pyfixest, the pandas views of a Result,
errors and the API's doctests."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import libpysal
import numpy as np
import pandas as pd
import pytest

import regiometrics as rm
import regiometrics.api

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "produc"
SLOPES = ["lpcap", "lpc", "lemp", "unemp"]
FORMULA = "lgsp ~ lpcap + lpc + lemp + unemp"


@pytest.fixture(scope="module")
def produc() -> pd.DataFrame:
    return pd.read_csv(ROOT / "specs" / "data" / "produc.csv")


def _series(values: dict[str, float]) -> np.ndarray:
    return np.array([values[t] for t in SLOPES])


def test_two_way_fe_matches_r_plm(produc: pd.DataFrame) -> None:
    """R plm 2.6.2, plm(fml, model = "within", effect = "twoways") (tests/fixtures/produc/
    make_plm.R): coefficients, classic SEs, t statistics and p-values."""
    ref = json.loads((FIXTURES / "plm.json").read_text())["models"]["within_twoways"]
    res = rm.fit(produc, entity="state", time="year", type="fe", formula=FORMULA,
                 effects=["entity", "time"], vcov={"type": "unadjusted"})
    assert isinstance(res.params, pd.Series) and list(res.params.index) == [*SLOPES, "_cons"]
    np.testing.assert_allclose(res.params[SLOPES].to_numpy(), _series(ref["coef"]), rtol=1e-8)
    np.testing.assert_allclose(res.std_errors[SLOPES].to_numpy(), _series(ref["se_classic"]),
                               rtol=1e-8)
    np.testing.assert_allclose(res.tstats[SLOPES].to_numpy(), _series(ref["stat_classic"]),
                               rtol=1e-8)
    np.testing.assert_allclose(res.pvalues[SLOPES].to_numpy(), _series(ref["p_classic"]),
                               rtol=1e-6)
    cov = res.cov.loc[SLOPES, SLOPES].to_numpy()
    want = np.array([[ref["vcov_classic"][a][b] for b in SLOPES] for a in SLOPES])
    np.testing.assert_allclose(cov, want, rtol=1e-8)
    assert res.nobs == ref["nobs"] and res.df_resid == ref["df_residual"]


def test_two_way_fe_clustered_matches_pyfixest(produc: pd.DataFrame) -> None:
    """pyfixest 0.60.0 feols(... | state + year, vcov={'CRV1': 'state'}) (tests/fixtures/
    produc/make_pyfixest.py): coefficients, SEs and the t-based confidence interval."""
    ref = json.loads((FIXTURES / "pyfixest.json").read_text())["models"]["twoway_fe"]
    fit = ref["fits"]["CRV1_state"]
    res = rm.fit(produc, entity="state", time="year", type="fe", formula=FORMULA,
                 effects=["entity", "time"], vcov={"type": "cluster", "by": "entity"})
    np.testing.assert_allclose(res.params[SLOPES].to_numpy(), _series(fit["coef"]), rtol=1e-10)
    np.testing.assert_allclose(res.std_errors[SLOPES].to_numpy(), _series(fit["se"]),
                               rtol=1e-8)
    np.testing.assert_allclose(res.pvalues[SLOPES].to_numpy(), _series(fit["p"]), rtol=1e-6)
    ci = res.conf_int(0.95)
    assert list(ci.columns) == ["lower", "upper"] and list(ci.index) == list(res.params.index)
    from scipy import stats

    q = stats.t.ppf(0.975, res.df_resid)  # the distribution the p-values use
    np.testing.assert_allclose(ci.loc[SLOPES, "lower"].to_numpy(),
                               _series(fit["coef"]) - q * _series(fit["se"]), rtol=1e-8)
    tidy = res.tidy()
    assert list(tidy.columns) == list(rm.results.TIDY_COLUMNS)
    np.testing.assert_allclose(tidy["ci_high"].to_numpy(), ci["upper"].to_numpy(), rtol=1e-15)
    np.testing.assert_allclose(tidy["statistic"].to_numpy()[:4], _series(fit["t"]), rtol=1e-8)


def test_summary_prints_a_stata_like_table(produc: pd.DataFrame) -> None:
    res = rm.fit(produc, entity="state", time="year", type="fe", formula=FORMULA,
                 effects=["entity", "time"], vcov={"type": "cluster", "by": "entity"})
    text = res.summary()
    assert str(res) == text and "Number of obs =        816" in text
    lines = {ln.split("|")[0].strip(): ln for ln in text.splitlines() if "|" in ln}
    row = lines["lemp"].split("|")[1].split()
    assert float(row[0]) == pytest.approx(res.params["lemp"], abs=5e-5)
    assert float(row[1]) == pytest.approx(res.std_errors["lemp"], abs=5e-5)
    assert float(row[2]) == pytest.approx(res.tstats["lemp"], abs=5e-5)
    assert row[3] == "0.0000"  # p = 7.4e-12 prints as Stata does
    assert float(row[4]) == pytest.approx(res.conf_int().loc["lemp", "lower"], abs=5e-5)
    assert float(lines["lpc"].split("|")[1].split()[3]) == pytest.approx(res.pvalues["lpc"],
                                                                          abs=5e-5)
    assert "P>|t|" in text and res._repr_html_().startswith("<pre>")


def test_effects_and_auxiliary_views() -> None:
    specs = ROOT / "specs"
    study = rm.run(specs / "tobit.yaml")
    tob = next(r for r in study.results.values() if "sigma_u" in r.stats)
    aux = tob.auxiliary
    assert list(aux.columns) == ["estimate", "std_error"]
    assert aux.loc["sigma_u", "estimate"] == tob.stats["sigma_u"]
    assert aux.loc["sigma_u", "std_error"] == tob.stats["sigma_u_se"]
    assert "Auxiliary parameters" in tob.summary()
    assert tob.diagnostics["sigma_u"] == tob.stats["sigma_u"]
    med = rm.run(specs / "mechanisms.yaml").results
    res = next(r for r in med.values() if r.type == "mediation")
    frame = res.effects_frame
    assert frame.index.names == ["kind", "term"]
    kind, term = frame.index[0]
    assert frame.loc[(kind, term), "estimate"] == res.effects[kind][term].estimate


def test_weights_as_array_libpysal_w_and_graph_give_the_same_fit(produc: pd.DataFrame) -> None:
    ents = sorted(produc["state"].unique())
    rng = np.random.default_rng(7)
    dense = (rng.random((len(ents), len(ents))) < 0.15).astype(float)
    dense = np.maximum(dense, dense.T)
    np.fill_diagonal(dense, 0.0)
    dense[np.arange(len(ents)), (np.arange(len(ents)) + 1) % len(ents)] = 1.0  # no islands
    frame_w = pd.DataFrame(dense, index=ents, columns=ents)
    w = libpysal.weights.full2W(dense, ids=ents)
    graph = libpysal.graph.Graph.from_W(w)
    fits = [rm.fit(produc, entity="state", time="year", type="sar", formula=FORMULA,
                   effects=["entity", "time"], weights=given)
            for given in (frame_w, dense, w, graph)]
    for other in fits[1:]:
        np.testing.assert_array_equal(other.params.to_numpy(), fits[0].params.to_numpy())
        np.testing.assert_array_equal(other.std_errors.to_numpy(), fits[0].std_errors.to_numpy())
    assert fits[0].effects_frame.loc[("direct", "lpcap"), "estimate"] == (
        fits[0].effects["direct"]["lpcap"].estimate)
    with pytest.raises(rm.DataError, match=r"fit\(\): weights: an array must be N x N"):
        rm.fit(produc, entity="state", time="year", type="sar", formula=FORMULA,
               effects=["entity"], weights=dense[:3, :3])


def test_unknown_variable_is_a_regiometrics_error_naming_it(produc: pd.DataFrame) -> None:
    with pytest.raises(rm.RegiometricsError, match=r"fit\(\): formula: unknown variable "
                                                   r"'lpcapp'"):
        rm.fit(produc, entity="state", time="year", type="fe", formula="lgsp ~ lpcapp",
               effects=["entity"])
    with pytest.raises(rm.SpecError, match=r"fit\(\): effectz: unknown key 'effectz'.*"
                                           r"did you mean 'effects'"):
        rm.fit(produc, entity="state", time="year", type="fe", formula=FORMULA,
               effectz=["entity"])
    with pytest.raises(rm.SpecError, match=r"^fit\(\): type 'fe' needs effects"):
        rm.fit(produc, entity="state", time="year", type="fe", formula=FORMULA)
    with pytest.raises(rm.DataError, match=r"entity column 'province' not found"):
        rm.fit(produc, entity="province", time="year", type="ols", formula=FORMULA)


@pytest.mark.parametrize("kind", ["ols", "re"])
def test_a_formula_without_intercept_is_refused_where_it_would_be_ignored(
        produc: pd.DataFrame, kind: str) -> None:
    """``0 +`` / ``- 1`` were silently ignored by ``re`` (the intercept stayed)."""
    with pytest.raises(rm.SpecError, match=rf"^fit\(\): type '{kind}' always estimates an "
                                           r"intercept.*remove '0' / '-1' from the formula"):
        rm.fit(produc, entity="state", time="year", type=kind, formula="lgsp ~ 0 + lpcap")


def test_a_base_level_not_in_the_data_names_the_levels_and_the_spelling(
        produc: pd.DataFrame) -> None:
    with pytest.raises(rm.SpecError, match=r"base level '10' of 'C\(region,base=10\)' is not "
                                           r"among its levels \(1, 2, .*, 9\).*e\.g\. "
                                           r"ib\(9\)\.region or C\(region, base='9'\)"):
        rm.fit(produc, entity="state", time="year", type="ols", formula="lgsp ~ ib10.region")
    last = rm.fit(produc, entity="state", time="year", type="ols",
                  formula="lgsp ~ ib(last).region + lpcap")
    nine = rm.fit(produc, entity="state", time="year", type="ols",
                  formula="lgsp ~ ib9.region + lpcap")
    np.testing.assert_array_equal(last.params.to_numpy(), nine.params.to_numpy())


def test_clustering_by_an_interaction_says_how_to_make_its_column(produc: pd.DataFrame) -> None:
    with pytest.raises(rm.SpecError, match=r"^fit\(\): vcov.by: 'region\^year': clustering by "
                                           r"an interaction of columns is not read; add a column "
                                           r"joining region and year"):
        rm.fit(produc, entity="state", time="year", type="fe", formula=FORMULA,
               effects=["entity"], vcov={"type": "cluster", "by": "region^year"})


def test_etable_validates_like_a_spec_table(produc: pd.DataFrame) -> None:
    res = rm.fit(produc, entity="state", time="year", type="ols", formula=FORMULA)
    with pytest.raises(rm.SpecError, match=r"etable\(\): decimalz: unknown key 'decimalz'"):
        rm.etable([res], decimalz=3)
    with pytest.raises(rm.SpecError, match=r"etable\(\): format must be one of"):
        rm.etable([res], format="pdf")
    with pytest.raises(rm.SpecError, match=r"duplicate model ids \['model'\]"):
        rm.etable([res, res])
    two = rm.etable({"a": res, "b": res}, format="markdown", decimals=2)
    assert two.count("0.") > 4 and "(2)" in two


def test_import_is_cheap_and_exports_the_api() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", ("import sys, regiometrics; print(any(m.startswith(("
                                "'pandas', 'numpy', 'regiometrics.api')) for m in sys.modules))")],
        capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert rm.fit is regiometrics.api.fit and rm.__version__
    assert issubclass(rm.DataError, rm.RegiometricsError)


def test_api_doctests_run() -> None:
    outcome = doctest.testmod(regiometrics.api, optionflags=doctest.ELLIPSIS)
    assert outcome.attempted >= 10 and outcome.failed == 0
