"""Shared data for the IV tests: public data sets and the design matrices of the references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.engine.iv.iv_data import FIXTURES


@pytest.fixture(scope="session")
def griliches() -> pd.DataFrame:
    """Griliches (1976) wage data as used by ivreg2's certification script (758 rows)."""
    return pd.read_csv(FIXTURES / "griliches76.csv")


@pytest.fixture(scope="session")
def mroz() -> pd.DataFrame:
    """Wooldridge's MROZ, women with a wage (428 rows); lwage rounded to float32 like mroz.dta."""
    from linearmodels.datasets import mroz as mroz_data

    frame = mroz_data.load().dropna(subset=["lwage"]).reset_index(drop=True)
    frame["lwage"] = frame["lwage"].astype(np.float32).astype(np.float64)
    return frame


@pytest.fixture(scope="session")
def produc() -> pd.DataFrame:
    """plm's Produc, two-way (state, year) demeaned by make_produc_aer.R (816 rows)."""
    return pd.read_csv(FIXTURES / "produc_twoway.csv")
