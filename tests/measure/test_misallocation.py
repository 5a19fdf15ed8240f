"""Hsieh-Klenow misallocation with LSDV elasticities (003, eqs. 12-15)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st

from regiometrics.errors import DataError, IdentificationError, SpecError
from regiometrics.measure.misallocation import misallocation


def _worked_panel() -> pd.DataFrame:
    """Exact Cobb-Douglas data, A = 1, no province or year effects.

    a: beta_K = 1/2, Y = K^.5 L^.5: (K, L) = (4, 1), (8, 2), (9, 1) -> Y = 2, 4, 3.
    b: beta_K = 1/4, Y = K^.25 L^.75: (K, L) = (16, 1), (1, 1), (1, 16) -> Y = 2, 1, 8.
    """
    return pd.DataFrame(
        {
            "prov": ["a"] * 3 + ["b"] * 3,
            "year": [2013, 2014, 2015] * 2,
            "Y": [2.0, 4.0, 3.0, 2.0, 1.0, 8.0],
            "K": [4.0, 8.0, 9.0, 16.0, 1.0, 1.0],
            "L": [1.0, 2.0, 1.0, 1.0, 1.0, 16.0],
        }
    )


def test_worked_example_by_hand():
    """003's formulas by hand on the exact panel above.

    2013: s = (.5, .5), K shares (.2, .8), L shares (.5, .5);
    beta_K = .5*.5 + .5*.25 = .375, beta_L = .625.
    gamma_Ka = .2 / (.5*.5/.375) = .3 -> tau_Ka = 1/.3 - 1 = 7/3;
    gamma_Kb = .8 / (.5*.25/.375) = 2.4 -> tau_Kb = -7/12;
    gamma_La = .5 / (.5*.5/.625) = 1.25 -> tau_La = -.2;
    gamma_Lb = .5 / (.5*.75/.625) = 5/6 -> tau_Lb = .2;
    RM_a = 7/3 + .2, RM_b = 7/12 + .2.
    2015: s = (3/11, 8/11), K shares (.9, .1); beta_K = (1.5 + 2)/11 = 7/22;
    gamma_Ka = .9 / ((3/11*.5)/(7/22)) = 2.1 -> tau_Ka = 1/2.1 - 1 = -11/21.
    """
    res = misallocation(
        _worked_panel(), output="Y", capital="K", labour="L", entity="prov", time="year"
    )
    np.testing.assert_allclose(res.elasticities["beta_K"], [0.5, 0.25], rtol=1e-10)
    np.testing.assert_allclose(res.elasticities["beta_L"], [0.5, 0.75], rtol=1e-10)
    f = res.frame.set_index(["prov", "year"])
    np.testing.assert_allclose(
        f.loc[("a", 2013), ["beta_K_agg", "beta_L_agg"]], [0.375, 0.625], rtol=1e-10
    )
    np.testing.assert_allclose(f.loc[("a", 2013), ["gamma_K", "gamma_L"]], [0.3, 1.25], rtol=1e-10)
    np.testing.assert_allclose(
        f.loc[("a", 2013), ["tau_K", "tau_L", "RM"]], [7 / 3, -0.2, 7 / 3 + 0.2], rtol=1e-10
    )
    np.testing.assert_allclose(
        f.loc[("b", 2013), ["tau_K", "tau_L", "RM"]], [-7 / 12, 0.2, 7 / 12 + 0.2], rtol=1e-10
    )
    np.testing.assert_allclose(f.loc[("a", 2015), "beta_K_agg"], 7 / 22, rtol=1e-10)
    np.testing.assert_allclose(f.loc[("a", 2015), "tau_K"], -11 / 21, rtol=1e-10)
    assert res.nobs == 6 and res.df_resid == 0
    assert res.elasticities["std_error"].isna().all()


def _noisy_panel(seed: int, n_ent: int = 6, n_t: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ent = np.repeat([f"p{i:02d}" for i in range(n_ent)], n_t)
    year = np.tile(np.arange(2013, 2013 + n_t), n_ent)
    beta = np.repeat(rng.uniform(0.3, 0.7, n_ent), n_t)
    mu = np.repeat(rng.normal(0, 0.3, n_ent), n_t)
    lam = np.tile(np.linspace(0, 0.2, n_t), n_ent)
    lab = rng.uniform(100, 5000, n_ent * n_t)
    cap = lab * np.exp(rng.normal(1.0, 0.4, n_ent * n_t))
    out = np.exp(mu + lam + rng.normal(0, 0.02, n_ent * n_t)) * cap**beta * lab ** (1 - beta)
    return pd.DataFrame({"prov": ent, "year": year, "Y": out, "K": cap, "L": lab})


def test_lsdv_elasticities_match_statsmodels_formula():
    """The numpy LSDV design against statsmodels' formula interface (an independent design
    builder): ln(Y/L) ~ C(prov) + C(year) + C(prov):ln(K/L) - 1, OLS coefficients and
    conventional standard errors."""
    df = _noisy_panel(7)
    res = misallocation(df, output="Y", capital="K", labour="L", entity="prov", time="year")
    data = df.assign(lny=np.log(df["Y"] / df["L"]), lnk=np.log(df["K"] / df["L"]))
    ref = smf.ols("lny ~ C(prov) + C(year) + C(prov):lnk - 1", data=data).fit()
    slope_names = [n for n in ref.params.index if n.endswith(":lnk")]
    assert len(slope_names) == 6
    np.testing.assert_allclose(res.elasticities["beta_K"], ref.params[slope_names], rtol=1e-8)
    np.testing.assert_allclose(res.elasticities["std_error"], ref.bse[slope_names], rtol=1e-8)
    np.testing.assert_allclose(res.r2, ref.rsquared, rtol=1e-8)
    assert res.df_resid == int(ref.df_resid)
    common = misallocation(
        df, output="Y", capital="K", labour="L", entity="prov", time="year", slopes="common"
    )
    ref_c = smf.ols("lny ~ C(prov) + C(year) + lnk - 1", data=data).fit()
    np.testing.assert_allclose(common.elasticities["beta_K"], ref_c.params["lnk"], rtol=1e-8)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(0.15, 0.85), min_size=2, max_size=5),
    st.integers(0, 10_000),
    st.floats(0.01, 100.0),
)
def test_exact_cobb_douglas_recovered_and_output_scale_irrelevant(betas, seed, scale):
    """Exact CD data with province and year effects: LSDV recovers every beta_Ki; the
    efficient capital shares s_i beta_Ki / beta_K sum to one each year; multiplying all
    output by a constant leaves elasticities and tau unchanged."""
    rng = np.random.default_rng(seed)
    n_t = 5
    rows = []
    for i, b in enumerate(betas):
        mu = rng.normal(0, 0.5)
        for t in range(n_t):
            lab = rng.uniform(1, 100)
            cap = lab * np.exp(rng.normal(0, 1))
            rows.append((i, t, np.exp(mu + 0.1 * t) * cap**b * lab ** (1 - b), cap, lab))
    df = pd.DataFrame(rows, columns=["p", "t", "Y", "K", "L"])
    res = misallocation(df, output="Y", capital="K", labour="L", entity="p", time="t")
    np.testing.assert_allclose(res.elasticities["beta_K"], betas, rtol=1e-7)
    f = res.frame
    efficient = f["output_share"] * f["beta_K"] / f["beta_K_agg"]
    np.testing.assert_allclose(efficient.groupby(f["t"]).sum(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(f["capital_share"] / efficient, f["gamma_K"], rtol=1e-12)
    scaled = misallocation(
        df.assign(Y=df["Y"] * scale), output="Y", capital="K", labour="L", entity="p", time="t"
    )
    np.testing.assert_allclose(
        scaled.frame[["tau_K", "tau_L"]], f[["tau_K", "tau_L"]], rtol=1e-6, atol=1e-9
    )


def test_bad_input_messages():
    df = _worked_panel()
    with pytest.raises(
        DataError,
        match=r"'K' must be strictly positive \(logarithms are "
        r"taken\), but is non-positive at b 2014",
    ):
        misallocation(
            df.assign(K=[4.0, 8.0, 9.0, 16.0, 0.0, 1.0]),
            output="Y",
            capital="K",
            labour="L",
            entity="prov",
            time="year",
        )
    with pytest.raises(
        IdentificationError,
        match=r"capital elasticity of prov \['b'\] is not "
        r"identified",
    ):
        misallocation(
            df.assign(K=[4.0, 8.0, 9.0, 2.0, 2.0, 32.0]),
            output="Y",
            capital="K",
            labour="L",
            entity="prov",
            time="year",
        )
    with pytest.raises(IdentificationError, match=r"prov \['c'\] is not identified"):
        extra = pd.DataFrame({"prov": ["c"], "year": [2013], "Y": [1.0], "K": [1.0], "L": [1.0]})
        misallocation(
            pd.concat([df, extra]), output="Y", capital="K", labour="L", entity="prov", time="year"
        )
    with pytest.raises(DataError, match=r"column\(s\) 'GDP' not found"):
        misallocation(df, output="GDP", capital="K", labour="L", entity="prov", time="year")
    with pytest.raises(SpecError, match=r"'slopes' must be one of 'entity', 'common'"):
        misallocation(
            df, output="Y", capital="K", labour="L", entity="prov", time="year", slopes="province"
        )  # type: ignore[arg-type]


def test_elasticity_outside_unit_interval_warns():
    df = _worked_panel()
    b = df["prov"] == "b"
    df.loc[b, "Y"] = df.loc[b, "K"] ** 1.2 * df.loc[b, "L"] ** -0.2  # beta_K = 1.2
    with pytest.warns(RuntimeWarning, match=r"outside \(0, 1\) for prov \['b'\]"):
        res = misallocation(df, output="Y", capital="K", labour="L", entity="prov", time="year")
    np.testing.assert_allclose(res.elasticities["beta_K"], [0.5, 1.2], rtol=1e-10)
