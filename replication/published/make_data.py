"""Write the public data of the published replications from linearmodels' bundled copies.

Run from the repository root:  python replication/published/make_data.py

- wooldridge-17-2-tobit/data/mroz.csv: Mroz (1987) married women's labour supply, the
  753 women of Wooldridge's MROZ data set (linearmodels.datasets.mroz); the columns of
  Example 17.2 plus a row id.
- wooldridge-15-4-card/data/card.csv: Card (1995) NLS Young Men, 3010 men, Wooldridge's
  CARD data set (linearmodels.datasets.card); the columns of Example 15.4 plus the id.

Numbers are written in Python's shortest round-trip form, so the doubles are recovered exactly.
"""

from __future__ import annotations

from pathlib import Path

from linearmodels.datasets import card, mroz

HERE = Path(__file__).resolve().parent

MROZ_COLUMNS = ["hours", "nwifeinc", "educ", "exper", "expersq", "age", "kidslt6", "kidsge6"]
CARD_COLUMNS = ["id", "lwage", "educ", "nearc4", "exper", "expersq", "black", "smsa", "south",
                "smsa66", *[f"reg66{k}" for k in range(2, 10)]]


def main() -> None:
    frame = mroz.load()[MROZ_COLUMNS]
    frame.insert(0, "id", range(1, len(frame) + 1))
    frame.to_csv(HERE / "wooldridge-17-2-tobit" / "data" / "mroz.csv", index=False)
    card.load()[CARD_COLUMNS].to_csv(HERE / "wooldridge-15-4-card" / "data" / "card.csv",
                                     index=False)


if __name__ == "__main__":
    main()
