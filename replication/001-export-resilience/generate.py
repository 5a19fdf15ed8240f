"""Seeded synthetic panel of the shape of He, Xia and Li (2019), seed 001: China's 31
provinces x 15 export product groups x 2007-2011, with the national exports of each product
(its reference path), the export-tax-rebate change of 2008-2009, the shares of foreign-invested
firms and of processing trade, and each province's related variety.

``generate(seed)`` returns ``{"data/panel.csv": frame}``. The numbers are invented: national
exports of every product fall in 2009 and recover by 2011 (the financial crisis), each
province-product follows its product's path with its own sensitivity, which relatedness
and the rebate soften, so resistance and recovery vary across provinces and products. One
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
#: HS-section product groups
PRODUCTS = ["animals", "vegetables", "foodstuffs", "minerals", "chemicals", "plastics",
            "leather", "wood", "paper", "textiles", "footwear", "stone_glass", "metals",
            "machinery", "vehicles"]
#: national growth of every product: 2008 peak, 2009 trough, recovery to 2011
NATIONAL_GROWTH = {2008: 0.17, 2009: -0.16, 2010: 0.31, 2011: 0.20}


def generate(seed: int) -> dict[str, pd.DataFrame]:
    """The synthetic ``data/panel.csv`` for ``seed``."""
    rng = np.random.Generator(np.random.PCG64(seed))
    n_p, n_g = len(PROVINCES), len(PRODUCTS)
    coast = rng.uniform(0, 1, n_p)
    rv = {(p, y): 0.0 for p in PROVINCES for y in YEARS}
    rv_base = 1.0 + 1.2 * coast + rng.normal(0, 0.2, n_p)
    for i, p in enumerate(PROVINCES):
        for k, y in enumerate(YEARS):
            rv[(p, y)] = round(float(rv_base[i] + 0.02 * k + rng.normal(0, 0.03)), 4)
    product_shock = rng.uniform(0.6, 1.4, n_g)
    rebate = np.round(rng.choice([0.0, 2.0, 4.0, 6.0], n_g), 1)   # pp, 2008-2009
    national = np.exp(rng.normal(8.0, 0.8, n_g))[:, None] * np.ones((1, len(YEARS)))
    for k, y in enumerate(YEARS[1:], start=1):
        national[:, k] = national[:, k - 1] * (1 + product_shock * NATIONAL_GROWTH[y])
    rows = []
    for i, p in enumerate(PROVINCES):
        for g, prod in enumerate(PRODUCTS):
            level = np.exp(rng.normal(3.0 + 2.0 * coast[i], 1.0))
            foreign = float(np.clip(0.2 + 0.5 * coast[i] + rng.normal(0, 0.1), 0.01, 0.95))
            processing = float(np.clip(0.1 + 0.4 * coast[i] + rng.normal(0, 0.1), 0.0, 0.9))
            related = rv_base[i] + rng.normal(0, 0.3)   # the product's relatedness here
            beta = 1.0 + rng.normal(0, 0.3) - 0.2 * (related - 1.6) - 0.03 * rebate[g]
            value = level
            for k, y in enumerate(YEARS):
                if k:
                    value *= 1 + beta * product_shock[g] * NATIONAL_GROWTH[y] \
                        + rng.normal(0, 0.04)
                rows.append((p, prod, y, round(float(value), 3), round(float(national[g, k]), 2),
                             rebate[g] if y in (2008, 2009) else 0.0,
                             round(float(np.clip(foreign + rng.normal(0, 0.01), 0, 1)), 4),
                             round(float(np.clip(processing + rng.normal(0, 0.01), 0, 1)), 4),
                             round(float(related + rv[(p, y)] - rv_base[i]), 4)))
    columns = ["province", "product", "year", "exports", "national_exports", "rebate_change",
               "foreign_share", "processing_share", "relatedness"]
    return {"data/panel.csv": pd.DataFrame(rows, columns=columns)}
