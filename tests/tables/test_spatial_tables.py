"""Moran (paper 003 Table 9) and spatial-effects (Table 10) grids from plain inputs."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from regiometrics.errors import SpecError
from regiometrics.results import EffectEstimate, Result
from regiometrics.spec.spatial import MoranSpec, MoranTableSpec, SpatialEffectsTableSpec
from regiometrics.tables import render_latex, render_markdown
from regiometrics.tables.spatial import moran_table, spatial_effects_table


def _moran_rows() -> pd.DataFrame:
    rows = []
    for w, base in (("Wg", 0.10), ("We", 0.30)):
        for v, shift in (("DT", 0.0), ("ER", 0.05)):
            for k, t in enumerate((2013, 2014)):
                i = base + shift + 0.01 * k
                rows.append({"variable": v, "weights": w, "time": t, "I": i, "expected": -1 / 29,
                             "variance_norm": 0.01, "z_norm": 1.0 + i, "p_norm": 0.2 - i / 2,
                             "variance_rand": 0.011, "z_rand": 2.0 + i, "p_rand": 0.12 - i / 4,
                             "p_perm": 0.5 * i})
    return pd.DataFrame(rows)


ENTRY = MoranSpec(id="mi", variables=["DT", "ER"], weights=["Wg", "We"])


def test_moran_table9_layout():
    table = MoranTableSpec(id="t9", type="moran", moran="mi",
                           rename={"Wg": "Geographic distance matrix",
                                   "We": "Economic distance matrix"})
    grid = moran_table(_moran_rows(), table, entry=ENTRY)
    assert grid.header[0].cells == ("", "Geographic distance matrix", "",
                                    "Economic distance matrix", "")
    assert grid.header[1].cells == ("Year", "DT", "ER", "DT", "ER")
    body = [r.cells for r in grid.sections[0]]
    # I = 0.10: p_rand = 0.095 -> *; 0.15: 0.0825 -> *; 0.30: 0.045 -> **; 0.35: 0.0325 -> **
    assert body[0] == ("2013", "0.100*", "0.150*", "0.300**", "0.350**")
    assert body[1] == ("", "(2.100)", "(2.150)", "(2.300)", "(2.350)")
    assert body[2][0] == "2014" and len(body) == 4
    assert "randomisation assumption, one-sided, H1: positive" in grid.notes[0]
    assert grid.notes[1] == "*** p<0.01, ** p<0.05, * p<0.10."


def test_moran_table_options():
    table = MoranTableSpec(id="t9", type="moran", moran="mi", inference="norm", below="p",
                           variables=["ER"], weights=["We"], times=[2014], decimals=2)
    grid = moran_table(_moran_rows(), table, entry=ENTRY)
    body = [r.cells for r in grid.sections[0]]
    # I = 0.36: p_norm = 0.02 -> **
    assert body == [("2014", "0.36**", ), ("", "(0.02)")]
    table = table.replace(below="none", inference="perm")
    grid = moran_table(_moran_rows(), table, entry=ENTRY.replace(permutations=99, seed=7))
    assert [r.cells for r in grid.sections[0]] == [("2014", "0.36")]  # p_perm = 0.18: no star
    assert "random permutations (99, seed 7)" in grid.notes[0]
    with pytest.raises(SpecError, match=r"tables\.t9\.times: no Moran's I for \[1999\]"):
        moran_table(_moran_rows(), table.replace(times=[1999]), entry=ENTRY)


def _effects(scale: float, p: float) -> dict:
    return {kind: {"DT": EffectEstimate(estimate=scale * k, std_error=0.01 * k, pvalue=p),
                   "OPEN": EffectEstimate(estimate=-0.006, std_error=0.002, pvalue=0.5)}
            for k, kind in enumerate(("direct", "indirect", "total"), start=1)}


def _spatial(model_id: str, name: str, *, lee_yu: bool = False, method: str = "simulation",
             r2: float | None = None) -> Result:
    stats = {"loglik": 512.25, "sigma2": 0.01}
    if r2 is not None:
        stats["r2"] = r2
    return Result(
        model_id=model_id, type="sdm" if name == "rho" else "sem", dependent="ER", nobs=270,
        params={"DT": 0.5, name: 0.234}, std_errors={"DT": 0.03, name: 0.085},
        pvalues={"DT": 0.0, name: 0.006}, stats=stats,
        effects=_effects(0.5 if name == "rho" else 0.4, 0.004),
        info={"effects": ["entity", "time"], "weights": f"W_{model_id}",
              "effects_method": method, "effects_draws": 500, "effects_seed": 3,
              "bias_correction": "Lee-Yu (2010) correction." if lee_yu else "none"},
    )


def test_spatial_effects_table10_layout():
    results = [_spatial("geo", "rho"), _spatial("eco", "rho", r2=0.067)]
    table = SpatialEffectsTableSpec(
        id="t10", type="spatial_effects", models=["geo", "eco"],
        group_labels={"geo": "Geographic distance matrix"},
        row_labels={"entity_fe": "Province FE", "time_fe": "Year FE"}, rename={"DT": "Digital"},
        rows=["entity_fe", "time_fe", "rho", "loglik", "nobs", "r2"])
    grid = spatial_effects_table(results, table)
    assert grid.header[0].cells == ("", "(1)", "(2)", "(3)", "(4)", "(5)", "(6)")
    assert grid.header[1].cells == ("", "Geographic distance matrix", "", "", "W = W_eco", "", "")
    assert grid.header[2].cells[:4] == ("Variables", "Direct effect", "Indirect effect",
                                        "Total effect")
    coef = [r.cells for r in grid.sections[0]]
    assert coef[0] == ("Digital", "0.500***", "1.000***", "1.500***", "0.500***", "1.000***",
                       "1.500***")
    assert coef[1] == ("", "(0.010)", "(0.020)", "(0.030)", "(0.010)", "(0.020)", "(0.030)")
    assert coef[2] == ("OPEN",) + ("-0.006",) * 6
    assert next(r.cells for r in grid.sections[1]) == ("Province FE",) + ("YES",) * 6
    stats = [r.cells for r in grid.sections[2]]
    assert stats[0] == ("Spatial: rho", "0.234***", "", "", "0.234***", "", "")
    assert stats[1] == ("", "(0.085)", "", "", "(0.085)", "", "")
    assert stats[2] == ("Log likelihood", "512.250", "", "", "512.250", "", "")
    assert stats[3] == ("N", "270", "", "", "270", "", "")
    assert stats[4] == ("R²", "", "", "", "0.067", "", "")
    assert "simulation from the estimated asymptotic distribution (500 draws, seed 3)" \
        in grid.notes[0]


def test_spatial_effects_mixed_models_and_notes():
    results = [_spatial("lag", "rho", lee_yu=True), _spatial("err", "lambda", method="delta")]
    table = SpatialEffectsTableSpec(id="t10", type="spatial_effects", models=["lag", "err"],
                                    terms=["OPEN"], rows=["rho"])
    grid = spatial_effects_table(results, table)
    assert [r.cells[0] for r in grid.sections[0]] == ["OPEN", ""]
    assert [r.cells[0] for r in grid.sections[1]] == ["Spatial: rho / lambda", ""]
    assert "the delta method" in grid.notes[0] and "simulation" in grid.notes[0]
    assert grid.notes[1] == "W = W_lag: Lee-Yu (2010) correction."
    latex = render_latex(grid)
    assert r"0.234$^{***}$" in latex and r"Spatial: rho / lambda" in latex
    assert "0.234\\*\\*\\*" in render_markdown(grid)
    assert math.isclose(float(grid.sections[1][0].cells[1].rstrip("*")), 0.234)


@pytest.mark.parametrize(("keys", "message"), [
    ({"rows": ["nobs", "r2"]}, r"tables\.t10\.rows: no model in this table reports 'r2'"),
    ({"rows": ["nobs", "logilk"]}, r"tables\.t10\.rows: 'logilk' is not a row .*closest: loglik"),
    ({"terms": ["DTT"]}, r"tables\.t10\.terms: 'DTT' is not a regressor with effects; closest: DT"),
    ({"rename": {"OPNE": "x"}}, r"tables\.t10\.rename: 'OPNE' is not .*closest: OPEN"),
])
def test_spatial_effects_names_are_checked(keys, message):
    table = SpatialEffectsTableSpec(id="t10", type="spatial_effects", models=["geo"], **keys)
    with pytest.raises(SpecError, match=message):
        spatial_effects_table([_spatial("geo", "rho")], table)


@pytest.mark.parametrize(("keys", "message"), [
    ({"variables": ["DTT"]}, r"tables\.t9\.variables: 'DTT' is not a variable of moran\.mi; closest: DT"),
    ({"weights": ["Wgg"]}, r"tables\.t9\.weights: 'Wgg' is not a weights of moran\.mi; closest: Wg"),
    ({"rename": {"Wx": "Geo"}}, r"tables\.t9\.rename: 'Wx' is not a variable or weights name"),
])
def test_moran_table_names_are_checked(keys, message):
    table = MoranTableSpec(id="t9", type="moran", moran="mi", **keys)
    with pytest.raises(SpecError, match=message):
        moran_table(_moran_rows(), table, entry=ENTRY)


def test_spatial_effects_random_effects_and_hausman_rows():
    fe = _spatial("fe", "rho")
    fe = replace(fe, stats={**fe.stats, "hausman_chi2": 28.2, "hausman_df": 13.0,
                            "hausman_p": 0.0085})
    re = _spatial("re", "rho")
    re = replace(re, stats={**re.stats, "phi": 0.173},
                 info={**re.info, "effects": [], "random_effects": ["entity"]})
    table = SpatialEffectsTableSpec(
        id="t10", type="spatial_effects", models=["fe", "re"], terms=["OPEN"],
        rows=["entity_fe", "entity_re", "hausman_chi2", "hausman_df", "hausman_p", "phi"])
    grid = spatial_effects_table([fe, re], table)
    ind = [r.cells for r in grid.sections[1]]
    assert ind == [("Entity FE",) + ("YES",) * 3 + ("NO",) * 3,
                   ("Entity RE",) + ("NO",) * 3 + ("YES",) * 3]
    stats = [r.cells for r in grid.sections[2]]
    assert stats[0] == ("Hausman χ²", "28.200", "", "", "", "", "")
    assert stats[1] == ("hausman_df", "13", "", "", "", "", "")
    assert stats[2] == ("Hausman p-value", "0.009", "", "", "", "", "")
    assert stats[3] == ("phi", "", "", "", "0.173", "", "")
