"""Seeded synthetic panel of the shape of Li, Zhang, Yang and Chu (2024), seed 000: the ten
prefecture-level China-Russia border regions of Northeast China, 2004-2021, with foreign
trade by six product groups in two sectors and China's national trade (the reference path).

``generate(seed)`` returns ``{"data/panel.csv": frame}``. The numbers are invented. The
national path follows the turning years of China's trade (peak 2008, trough 2009, peak 2014,
trough 2016); each region's trade follows it with its own sensitivity and product mix, so
resistance, recovery, specialization and variety vary across regions and phases. One
``numpy.random.Generator(PCG64(seed))`` draws everything in a fixed order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

YEARS = list(range(2004, 2022))
REGIONS = ["Heihe", "Yichun", "Jiamusi", "Shuangyashan", "Jixi", "Mudanjiang", "Hegang",
           "Da Hinggan Ling", "Hulunbuir", "Yanbian"]
#: sector -> product groups (the columns trade_<product>)
SECTORS = {"resource": ["timber", "energy", "agri"],
           "manufactured": ["machinery", "textiles", "chemicals"]}
#: yearly growth of the national path: turning years 2008 (peak), 2009 (trough), 2014
#: (peak), 2016 (trough)
NATIONAL_GROWTH = {2005: 0.23, 2006: 0.24, 2007: 0.23, 2008: 0.18, 2009: -0.14, 2010: 0.35,
                   2011: 0.22, 2012: 0.06, 2013: 0.08, 2014: 0.03, 2015: -0.08, 2016: -0.07,
                   2017: 0.11, 2018: 0.13, 2019: 0.03, 2020: 0.02, 2021: 0.21}


def generate(seed: int) -> dict[str, pd.DataFrame]:
    """The synthetic ``data/panel.csv`` for ``seed``."""
    rng = np.random.Generator(np.random.PCG64(seed))
    national = [11548.0]   # USD 100 million, 2004
    for y in YEARS[1:]:
        national.append(national[-1] * (1 + NATIONAL_GROWTH[y]))
    products = [p for ps in SECTORS.values() for p in ps]
    rows = []
    for region in REGIONS:
        mix = rng.dirichlet(np.full(len(products), 0.8))
        beta = rng.uniform(0.5, 1.8)          # the region's sensitivity to the national cycle
        level = np.exp(rng.normal(3.0, 0.7))
        value = level
        for k, y in enumerate(YEARS):
            if k:
                value *= 1 + beta * NATIONAL_GROWTH[y] + rng.normal(0, 0.05)
            drift = np.exp(rng.normal(0, 0.15, len(products)))
            parts = value * mix * drift / (mix * drift).sum()
            rows.append((region, y, *np.round(parts, 3), round(float(parts.round(3).sum()), 3),
                         round(national[k], 1)))
    columns = ["region", "year", *(f"trade_{p}" for p in products), "trade", "national_trade"]
    return {"data/panel.csv": pd.DataFrame(rows, columns=columns)}
