"""Seeded synthetic panel of the shape of Wan and He (2024): 30 provinces x 2013-2021.

``generate(seed)`` returns the two input files the spec reads, as data frames:

- ``data/panel.csv``: one row per province-year with every raw column of ``columns.csv``
  (the 15 resilience and 19 digital-trade indicators, sector value added, output, capital
  and labour for the misallocation index, the consumption-upgrade share, the controls, the
  moderator, the instrument's 1984 telephone stock, the marketization index, the region);
- ``data/coords.csv``: longitude and latitude of each provincial capital (approximate
  public coordinates), for the geographic distance matrix.

The numbers are invented; only their shape follows the paper. Three latent factors drive
them: a province's development level ``u``, its digital-trade level ``g`` (growing over
time) and its resilience ``r``, which rises with ``u``, ``g``, the tertiary share and falling
capital distortion (the IS and RM channels; CU is unrelated to ``r``); each indicator is a positive
log-linear function of its factor with noise, so the entropy indices, the mechanisms and the
spatial pattern (``u`` varies smoothly with longitude) behave as in the paper. Every draw
comes from one ``numpy.random.Generator(PCG64(seed))`` in a fixed order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

YEARS = list(range(2013, 2022))
#: province, region, capital longitude, latitude (Tibet is not in the paper's sample)
PROVINCES = [
    ("Beijing", "East", 116.41, 39.90), ("Tianjin", "East", 117.20, 39.13),
    ("Hebei", "East", 114.51, 38.04), ("Shanxi", "Central", 112.55, 37.87),
    ("Inner Mongolia", "West", 111.75, 40.84), ("Liaoning", "East", 123.43, 41.80),
    ("Jilin", "Central", 125.32, 43.82), ("Heilongjiang", "Central", 126.53, 45.80),
    ("Shanghai", "East", 121.47, 31.23), ("Jiangsu", "East", 118.80, 32.06),
    ("Zhejiang", "East", 120.16, 30.27), ("Anhui", "Central", 117.23, 31.82),
    ("Fujian", "East", 119.30, 26.08), ("Jiangxi", "Central", 115.86, 28.68),
    ("Shandong", "East", 117.12, 36.65), ("Henan", "Central", 113.63, 34.75),
    ("Hubei", "Central", 114.31, 30.59), ("Hunan", "Central", 112.94, 28.23),
    ("Guangdong", "East", 113.26, 23.13), ("Guangxi", "West", 108.37, 22.82),
    ("Hainan", "East", 110.35, 20.02), ("Chongqing", "West", 106.55, 29.56),
    ("Sichuan", "West", 104.07, 30.57), ("Guizhou", "West", 106.63, 26.65),
    ("Yunnan", "West", 102.83, 24.88), ("Shaanxi", "West", 108.94, 34.34),
    ("Gansu", "West", 103.83, 36.06), ("Qinghai", "West", 101.78, 36.62),
    ("Ningxia", "West", 106.23, 38.49), ("Xinjiang", "West", 87.62, 43.82),
]
#: resilience indicators: column -> (log level, loading on the factor, noise sd, sign)
ER_INDICATORS = {
    "er_income": (10.2, 0.30, 0.05, 1), "er_gdppc": (10.8, 0.35, 0.06, 1),
    "er_socsec": (2.6, 0.10, 0.08, 1), "er_deposit": (0.6, 0.20, 0.10, 1),
    "er_schooling": (2.2, 0.05, 0.02, 1), "er_fiscal": (-1.4, -0.10, 0.12, 1),
    "er_selfsuff": (-0.7, 0.35, 0.10, 1), "er_consumption": (9.8, 0.30, 0.05, 1),
    "er_unemp": (1.2, -0.10, 0.08, -1), "er_gfcf": (9.7, 0.40, 0.15, 1),
    "er_scitech": (0.7, 0.45, 0.15, 1), "er_eduexp": (2.8, 0.05, 0.06, 1),
    "er_urban": (4.1, 0.12, 0.03, 1), "er_rd": (0.4, 0.50, 0.15, 1),
    "er_patent": (3.0, 0.90, 0.25, 1),
}
DT_INDICATORS = {
    "dt_mobile": (4.7, 0.15, 0.05), "dt_cable": (12.8, 0.40, 0.12),
    "dt_ports": (7.8, 0.45, 0.10), "dt_domains": (4.0, 1.00, 0.30),
    "dt_patents": (10.5, 0.90, 0.20), "dt_itemp": (2.5, 0.80, 0.20),
    "dt_scitech": (4.5, 0.80, 0.20), "dt_rd_ind": (5.8, 0.85, 0.20),
    "dt_ecom": (8.0, 1.00, 0.25), "dt_ecom_share": (2.3, 0.20, 0.10),
    "dt_broadband": (6.9, 0.45, 0.08), "dt_software": (5.5, 1.30, 0.35),
    "dt_telecom": (6.5, 0.55, 0.15), "dt_trade": (8.0, 1.10, 0.25),
    "dt_retail": (9.1, 0.55, 0.08), "dt_openness": (-1.6, 0.70, 0.20),
    "dt_postal": (11.5, 0.25, 0.12), "dt_express": (11.0, 1.00, 0.25),
    "dt_express_rev": (4.3, 1.00, 0.25),
}


def generate(seed: int) -> dict[str, pd.DataFrame]:
    """The synthetic ``data/panel.csv`` and ``data/coords.csv`` for ``seed``."""
    rng = np.random.Generator(np.random.PCG64(seed))
    n, t = len(PROVINCES), len(YEARS)
    lon = np.array([p[2] for p in PROVINCES])
    region = np.array([p[1] for p in PROVINCES])
    shift = np.select([region == "East", region == "Central"], [0.9, 0.0], -0.6)
    u = shift + 0.012 * (lon - lon.mean()) + rng.normal(0.0, 0.35, n)       # development
    trend = np.arange(t) / (t - 1)
    g_growth = rng.uniform(0.6, 1.4, n)
    g = 0.8 * u[:, None] + g_growth[:, None] * trend[None, :] + rng.normal(0, 0.12, (n, t))
    # industrial upgrading (the tertiary share) and factor distortion respond to digital trade
    s3 = np.clip(0.48 + 0.12 * g + rng.normal(0, 0.02, (n, t)), 0.3, 0.85)
    side = rng.choice([-1.0, 1.0], n) * rng.uniform(0.3, 0.7, n)   # over- or under-capitalised
    log_distortion = side[:, None] * np.exp(-0.8 * (g - g.min())) + rng.normal(0, 0.03, (n, t))
    r = (0.45 * u[:, None] + 0.40 * g + 1.2 * (s3 - 0.48) - 0.5 * np.abs(log_distortion)
         + rng.normal(0, 0.08, (n, t)))                                       # resilience
    cols: dict[str, np.ndarray] = {}

    def indicator(level: float, load: float, sd: float, factor: np.ndarray) -> np.ndarray:
        return np.exp(level + load * factor + rng.normal(0.0, sd, factor.shape))

    for name, (level, load, sd, _sign) in ER_INDICATORS.items():
        cols[name] = indicator(level, load, sd, r)
    for name, (level, load, sd) in DT_INDICATORS.items():
        cols[name] = indicator(level, load, sd, g)
    cols["er_urban"] = np.minimum(cols["er_urban"], 95.0)
    cols["dt_ecom_share"] = np.minimum(cols["dt_ecom_share"], 60.0)
    # three sectors' value added: the tertiary share rises with digital trade (IS channel)
    gdp_nominal = indicator(9.6, 0.55, 0.05, u[:, None] + 0.5 * trend[None, :])
    s1 = np.clip(0.10 - 0.03 * u[:, None] + rng.normal(0, 0.01, (n, t)), 0.01, 0.3)
    cols["va1"], cols["va3"] = gdp_nominal * s1, gdp_nominal * s3
    cols["va2"] = gdp_nominal - cols["va1"] - cols["va3"]
    # output, capital and labour for Hsieh-Klenow: province-specific capital elasticities,
    # capital deepening over time; misallocation falls as digital trade grows (RM channel)
    beta_k = rng.uniform(0.35, 0.6, n)
    labour = np.exp(7.5 + 0.6 * rng.normal(0, 1, n))[:, None] * np.exp(
        0.01 * np.arange(t) + rng.normal(0, 0.01, (n, t)))
    k_per_l = np.exp(1.5 + 0.35 * u[:, None] + 0.07 * np.arange(t)[None, :]
                     + rng.normal(0, 0.05, (n, t)))
    cols["labour"], cols["capital"] = labour, labour * k_per_l * np.exp(log_distortion)
    cols["gdp"] = np.exp(0.2 * u[:, None] + 0.03 * np.arange(t)[None, :]) * (
        cols["capital"] ** beta_k[:, None]) * labour ** (1 - beta_k[:, None]) * np.exp(
        rng.normal(0, 0.02, (n, t)))
    cols["CU"] = np.clip(0.86 + 0.02 * g + rng.normal(0, 0.04, (n, t)), 0.45, 0.98)
    cols["MEDICAL"] = np.exp(4.25 + 0.05 * u[:, None] + rng.normal(0, 0.3, n)[:, None]
                             + rng.normal(0, 0.03, (n, t)))
    cols["EC"] = np.exp(-2.4 - 0.3 * u[:, None] + rng.normal(0, 0.4, n)[:, None]
                        - 0.03 * np.arange(t)[None, :] + rng.normal(0, 0.04, (n, t)))
    cols["OPEN"] = np.exp(-2.4 + 0.4 * u[:, None] + rng.normal(0, 0.6, (n, t)))
    cols["TAX"] = np.exp(-2.55 + 0.15 * u[:, None] + rng.normal(0, 0.2, n)[:, None]
                         + rng.normal(0, 0.04, (n, t)))
    cols["CULTURE"] = np.exp(-0.45 + 0.35 * u[:, None] + rng.normal(0, 0.25, n)[:, None]
                             + 0.04 * np.arange(t)[None, :])
    cols["INF"] = np.exp(-4.6 + 0.2 * rng.normal(0, 1, n)[:, None] + 0.02 * np.arange(t)[None, :]
                         + rng.normal(0, 0.03, (n, t)))
    phones1984 = np.exp(3.5 + 0.6 * u + rng.normal(0, 0.3, n))
    market = 6.0 + 1.8 * u + rng.normal(0, 0.5, n)
    # resilience responds to INF x digital trade (the moderation of Table 7)
    cols["er_patent"] = cols["er_patent"] * np.exp(8.0 * (cols["INF"] - cols["INF"].mean()) * g)
    frame = pd.DataFrame({
        "province": np.repeat([p[0] for p in PROVINCES], t),
        "year": np.tile(YEARS, n),
        "region": np.repeat(region, t),
    })
    order = [*ER_INDICATORS, *DT_INDICATORS, "va1", "va2", "va3", "gdp", "capital", "labour",
             "CU", "MEDICAL", "EC", "OPEN", "TAX", "CULTURE", "INF"]
    for name in order:
        frame[name] = np.round(cols[name].reshape(-1), 6)
    frame["phones1984"] = np.round(np.repeat(phones1984, t), 4)
    frame["market"] = np.round(np.repeat(market, t) + np.tile(0.15 * np.arange(t), n), 4)
    coords = pd.DataFrame({"province": [p[0] for p in PROVINCES],
                           "lon": [p[2] for p in PROVINCES], "lat": [p[3] for p in PROVINCES]})
    return {"data/panel.csv": frame, "data/coords.csv": coords}
