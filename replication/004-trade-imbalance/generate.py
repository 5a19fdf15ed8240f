"""Seeded synthetic panel of the shape of Zhao's regional-imbalance paper (seed 004):
31 provinces x 2000-2019 with foreign trade (USD), GDP (CNY), the year's USD/CNY rate and
the paper's three regions.

``generate(seed)`` returns ``{"data/panel.csv": frame}``. The numbers are invented: each
province's trade and GDP grow log-linearly from a level set by its region (the East trades
most, as in the paper) with province noise; the exchange rate is the yearly average of the
People's Bank of China's central parity (rounded), the same for every province. One
``numpy.random.Generator(PCG64(seed))`` draws everything in a fixed order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

YEARS = list(range(2000, 2020))
#: the paper's grouping (section 1): East 11, Central 8, West 12 provinces
REGIONS = {
    "East": ["Beijing", "Tianjin", "Hebei", "Liaoning", "Shanghai", "Jiangsu", "Zhejiang",
             "Fujian", "Shandong", "Guangdong", "Hainan"],
    "Central": ["Shanxi", "Jilin", "Heilongjiang", "Anhui", "Jiangxi", "Henan", "Hubei",
                "Hunan"],
    "West": ["Inner Mongolia", "Guangxi", "Chongqing", "Sichuan", "Guizhou", "Yunnan",
             "Tibet", "Shaanxi", "Gansu", "Qinghai", "Ningxia", "Xinjiang"],
}
#: yearly average CNY per USD, 2000-2019 (rounded)
USD_CNY = [8.28, 8.28, 8.28, 8.28, 8.28, 8.19, 7.97, 7.60, 6.95, 6.83, 6.77, 6.46, 6.31,
           6.19, 6.14, 6.23, 6.64, 6.75, 6.62, 6.90]
#: region -> (log trade 2000 in USD 100 million, trade growth, log GDP 2000 in CNY 100
#: million, GDP growth)
LEVELS = {"East": (6.0, 0.115, 8.5, 0.12), "Central": (3.4, 0.17, 8.0, 0.13),
          "West": (3.2, 0.17, 7.6, 0.13)}


def generate(seed: int) -> dict[str, pd.DataFrame]:
    """The synthetic ``data/panel.csv`` for ``seed``."""
    rng = np.random.Generator(np.random.PCG64(seed))
    rows = []
    year = np.arange(len(YEARS))
    for region, provinces in REGIONS.items():
        lt, gt, lg, gg = LEVELS[region]
        for province in provinces:
            size = rng.normal(0.0, 0.6)
            trade = np.exp(lt + size + gt * year + rng.normal(0.0, 0.08, len(YEARS))
                           - 0.25 * (np.array(YEARS) == 2009))
            gdp = np.exp(lg + 0.5 * size + gg * year + rng.normal(0.0, 0.03, len(YEARS)))
            for k, y in enumerate(YEARS):
                rows.append((province, region, y, round(float(trade[k]), 2),
                             round(float(gdp[k]), 1), USD_CNY[k]))
    frame = pd.DataFrame(rows, columns=["province", "region", "year", "trade", "gdp",
                                        "usd_cny"])
    return {"data/panel.csv": frame.sort_values(["province", "year"], kind="stable")
            .reset_index(drop=True)}
