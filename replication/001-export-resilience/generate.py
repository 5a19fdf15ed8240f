"""Seeded synthetic panel of the shape of He, Xia and Li (2019), seed 001: China's 31
provinces x 43 export products (HS-2 chapters in 15 HS sections) x 2007-2011, with the
national exports of each product (its reference path), the export-tax-rebate change of
2008-2009 and the shares of foreign-invested firms and of processing trade.

``generate(seed)`` returns ``{"data/panel.csv": frame}``. The numbers are invented: national
exports of every product fall in 2009 and recover by 2011 (the financial crisis); each
province spreads its exports of a section over the section's chapters more or less evenly,
and the more even the spread (the related variety the spec measures), the less the
province's products of that section fall in the crisis and the faster they recover; the
rebate softens the fall only. One
``numpy.random.Generator(PCG64(seed))`` draws everything in a fixed order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

YEARS = [2007, 2008, 2009, 2010, 2011]
PROVINCES = [
    "Beijing", "Tianjin", "Hebei", "Shanxi", "Inner Mongolia", "Liaoning", "Jilin",
    "Heilongjiang", "Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi",
    "Shandong", "Henan", "Hubei", "Hunan", "Guangdong", "Guangxi", "Hainan", "Chongqing",
    "Sichuan", "Guizhou", "Yunnan", "Tibet", "Shaanxi", "Gansu", "Qinghai", "Ningxia",
    "Xinjiang",
]
#: HS sections (the sector level of related variety) and some of their HS-2 chapters
#: (the products)
SECTIONS = {
    "animals": ["01", "02", "03"], "vegetables": ["07", "08", "12"],
    "foodstuffs": ["16", "20", "21"], "minerals": ["25", "26", "27"],
    "chemicals": ["28", "29", "30"], "plastics": ["39", "40"],
    "leather": ["41", "42", "43"], "wood": ["44", "45", "46"], "paper": ["47", "48", "49"],
    "textiles": ["52", "61", "62"], "footwear": ["64", "65", "66"],
    "stone_glass": ["68", "69", "70"], "metals": ["72", "73", "76"],
    "machinery": ["84", "85"], "vehicles": ["86", "87", "89"],
}
#: national growth of every product: 2008 peak, 2009 trough, recovery to 2011
NATIONAL_GROWTH = {2008: 0.17, 2009: -0.16, 2010: 0.31, 2011: 0.20}


def _entropy_bits(weights: np.ndarray) -> float:
    p = weights / weights.sum()
    return float(-(p * np.log2(p)).sum())


def generate(seed: int) -> dict[str, pd.DataFrame]:
    """The synthetic ``data/panel.csv`` for ``seed``."""
    rng = np.random.Generator(np.random.PCG64(seed))
    products = [(sec, f"HS{ch}") for sec, chapters in SECTIONS.items() for ch in chapters]
    n_p, n_g = len(PROVINCES), len(products)
    coast = rng.uniform(0, 1, n_p)
    product_shock = rng.uniform(0.6, 1.4, n_g)
    rebate = np.round(rng.choice([0.0, 2.0, 4.0, 6.0], n_g), 1)   # pp, 2008-2009
    national = np.exp(rng.normal(8.0, 0.8, n_g))[:, None] * np.ones((1, len(YEARS)))
    for k, y in enumerate(YEARS[1:], start=1):
        national[:, k] = national[:, k - 1] * (1 + product_shock * NATIONAL_GROWTH[y])
    rows = []
    for i, p in enumerate(PROVINCES):
        for sec, chapters in SECTIONS.items():
            size = np.exp(rng.normal(3.0 + 2.0 * coast[i], 1.0))
            # evenness of the province's chapters in the section: the concentration of
            # the Dirichlet split (high: near-equal shares, high related variety)
            weights = rng.dirichlet(np.full(len(chapters), np.exp(rng.normal(0.5, 1.0))))
            weights = np.maximum(weights, 0.01)
            related = _entropy_bits(weights) / np.log2(len(chapters))   # 0..1
            for ch, w in zip(chapters, weights, strict=True):
                g = products.index((sec, f"HS{ch}"))
                foreign = float(np.clip(0.2 + 0.5 * coast[i] + rng.normal(0, 0.1), 0.01, 0.95))
                processing = float(np.clip(0.1 + 0.4 * coast[i] + rng.normal(0, 0.1), 0.0,
                                           0.9))
                beta = 1.0 + rng.normal(0, 0.3)
                value = size * w
                for k, y in enumerate(YEARS):
                    if k:
                        growth = NATIONAL_GROWTH[y]
                        # related variety softens the fall and speeds the recovery; the
                        # rebate softens the fall only
                        tilt = (-0.5 if growth < 0 else 0.4) * (related - 0.7) \
                            - (0.03 * rebate[g] if y == 2009 else 0.0)
                        value *= 1 + (beta + tilt) * product_shock[g] * growth \
                            + rng.normal(0, 0.04)
                    rows.append((p, f"HS{ch}", sec, y, round(float(value), 3),
                                 round(float(national[g, k]), 2),
                                 rebate[g] if y in (2008, 2009) else 0.0,
                                 round(float(np.clip(foreign + rng.normal(0, 0.01), 0, 1)), 4),
                                 round(float(np.clip(processing + rng.normal(0, 0.01), 0, 1)),
                                       4)))
    columns = ["province", "product", "section", "year", "exports", "national_exports",
               "rebate_change", "foreign_share", "processing_share"]
    return {"data/panel.csv": pd.DataFrame(rows, columns=columns)}
