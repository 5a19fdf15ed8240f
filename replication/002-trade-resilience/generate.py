"""Seeded synthetic panel of the shape of Wang's foreign-trade-resilience paper (seed 002):
31 provinces x 2010-2021, the 13 indicators of its Table 1, the four-region grouping and
urban employment (the Theil weight).

``generate(seed)`` returns ``{"data/panel.csv": frame}``. The numbers are invented; a
province's openness level ``u`` (highest on the coast) and a common upward trend drive every
indicator through a log-linear link with noise, so the index, its two dimension sub-indices,
the rank-band typology and the Theil decomposition have the paper's shape. Counts (ports,
pilot zones, bonded zones) are integers that only grow. One
``numpy.random.Generator(PCG64(seed))`` draws everything in a fixed order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

YEARS = list(range(2010, 2022))
#: province and region in the order of the paper's Table 3
PROVINCES = [
    ("Beijing", "East"), ("Tianjin", "East"), ("Hebei", "East"), ("Shanghai", "East"),
    ("Fujian", "East"), ("Shandong", "East"), ("Guangdong", "East"), ("Hainan", "East"),
    ("Jiangsu", "East"), ("Zhejiang", "East"), ("Liaoning", "Northeast"),
    ("Jilin", "Northeast"), ("Heilongjiang", "Northeast"), ("Anhui", "Central"),
    ("Shanxi", "Central"), ("Jiangxi", "Central"), ("Henan", "Central"), ("Hubei", "Central"),
    ("Hunan", "Central"), ("Inner Mongolia", "West"), ("Guangxi", "West"),
    ("Chongqing", "West"), ("Sichuan", "West"), ("Guizhou", "West"), ("Yunnan", "West"),
    ("Tibet", "West"), ("Shaanxi", "West"), ("Gansu", "West"), ("Qinghai", "West"),
    ("Ningxia", "West"), ("Xinjiang", "West"),
]
SHIFT = {"East": 0.9, "Northeast": 0.0, "Central": -0.1, "West": -0.6}
#: continuous indicators: column -> (log level, loading on openness, trend, noise sd)
CONTINUOUS = {
    "gdppc": (10.6, 0.35, 0.07, 0.05), "urban": (4.0, 0.12, 0.012, 0.03),
    "distance": (7.6, -0.25, 0.0, 0.10), "trade": (7.0, 1.40, 0.05, 0.25),
    "export_share": (-0.75, 0.08, 0.0, 0.10), "top3_share": (-0.9, -0.10, -0.01, 0.12),
    "fdi": (5.0, 1.10, 0.04, 0.35), "loans": (9.8, 0.80, 0.10, 0.12),
    "income": (9.8, 0.30, 0.08, 0.04), "scitech": (3.8, 0.95, 0.09, 0.20),
}


def generate(seed: int) -> dict[str, pd.DataFrame]:
    """The synthetic ``data/panel.csv`` for ``seed``."""
    rng = np.random.Generator(np.random.PCG64(seed))
    n, t = len(PROVINCES), len(YEARS)
    region = np.array([p[1] for p in PROVINCES])
    u = np.array([SHIFT[r] for r in region]) + rng.normal(0.0, 0.35, n)
    year = np.arange(t)[None, :]
    cols: dict[str, np.ndarray] = {}
    for name, (level, load, trend, sd) in CONTINUOUS.items():
        cols[name] = np.exp(level + load * u[:, None] + trend * year
                            + rng.normal(0.0, sd, (n, t)))
    cols["urban"] = np.minimum(cols["urban"], 90.0)
    cols["export_share"] = np.minimum(cols["export_share"], 0.95)
    cols["top3_share"] = np.minimum(cols["top3_share"], 0.95)
    cols["ports"] = np.maximum.accumulate(
        np.round(np.exp(1.2 + 0.6 * u)[:, None] + rng.poisson(0.3, (n, t)).cumsum(axis=1)
                 * 0.3), axis=1)
    # cross-border e-commerce pilot zones: none before 2015, then batches, coast first
    start = np.clip(np.round(6 - 3 * u + rng.normal(0, 1, n)), 5, 11).astype(int)
    zones = np.zeros((n, t))
    for i in range(n):
        zones[i, start[i]:] = np.arange(1, t - start[i] + 1) * (1 + (u[i] > 0.5))
    cols["cbec_zones"] = zones
    cols["bonded"] = np.maximum.accumulate(
        np.round(np.exp(0.5 + 0.8 * u)[:, None] * (1 + 0.08 * year)
                 + rng.normal(0, 0.3, (n, t))).clip(0), axis=1)
    cols["urban_emp"] = np.exp(5.6 + 0.3 * u + rng.normal(0, 0.6, n))[:, None] * np.exp(
        0.015 * year + rng.normal(0, 0.01, (n, t)))
    frame = pd.DataFrame({
        "province": np.repeat([p[0] for p in PROVINCES], t),
        "year": np.tile(YEARS, n),
        "region": np.repeat(region, t),
    })
    order = ["gdppc", "urban", "distance", "ports", "trade", "export_share", "top3_share",
             "fdi", "loans", "income", "cbec_zones", "bonded", "scitech", "urban_emp"]
    for name in order:
        frame[name] = np.round(cols[name].reshape(-1), 6)
    return {"data/panel.csv": frame}
