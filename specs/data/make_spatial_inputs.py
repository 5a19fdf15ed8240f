"""Write the weights inputs of specs/spatial.yaml with the state names of produc.csv.

Run from the repository root:  python specs/data/make_spatial_inputs.py

* us_states_coords.csv      -- state, lon, lat: the centroid (degrees) of each of the 48
  contiguous states in libpysal's example ``us48.shp`` (as written to
  tests/fixtures/moran/us_states.csv by tests/fixtures/moran/make_inputs.py).
* us_states_contiguity.csv  -- from, to: queen-contiguity pairs (from < to) of the 48 states,
  from spData::us_states via spdep::poly2nb (US Census Bureau cartographic boundaries), as
  written to tests/fixtures/spatial_panel/us_states_adjacency.csv by make_fixtures.R there.

State names become plm's Produc spelling (upper case, words joined by ``_``, and plm's
``TENNESSE``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def produc_name(name: str) -> str:
    out = name.upper().replace(" ", "_")
    return "TENNESSE" if out == "TENNESSEE" else out


def main() -> None:
    states = set(pd.read_csv(HERE / "produc.csv")["state"])
    coords = pd.read_csv(ROOT / "tests/fixtures/moran/us_states.csv")
    coords["state"] = coords["state"].map(produc_name)
    assert set(coords["state"]) == states, "coordinate names differ from produc.csv"
    coords.sort_values("state").to_csv(HERE / "us_states_coords.csv", index=False)

    adj = pd.read_csv(ROOT / "tests/fixtures/spatial_panel/us_states_adjacency.csv")
    pairs = sorted({
        tuple(sorted((a, b)))
        for a, nbs in zip(adj["entity"], adj["neighbours"], strict=True)
        for b in str(nbs).split(";")
    })
    frame = pd.DataFrame(pairs, columns=["from", "to"])
    assert set(frame["from"]) | set(frame["to"]) == states, "adjacency names differ"
    frame.to_csv(HERE / "us_states_contiguity.csv", index=False)


if __name__ == "__main__":
    main()
