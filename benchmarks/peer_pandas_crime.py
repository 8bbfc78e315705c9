"""The analyst's script scrutiny is measured against: the crime table of a quarter from the raw
Datastore CSVs with pandas (every borough × category; quarter and rolling 12 months with their
changes). ``benchmarks/startup.py`` times it beside ``scrutiny crime``.

    python benchmarks/peer_pandas_crime.py [DATA_FOLDER] > table.csv
"""

import sys
from pathlib import Path

import pandas as pd

folder = Path(sys.argv[1] if len(sys.argv) > 1 else "src/scrutiny/demo/data/crime")
frames = [pd.read_csv(f) for f in sorted(folder.glob("MPS Borough Level Crime*.csv"))]
keys = ["MajorText", "MinorText", "LookUp_BoroughName"]
long = pd.concat([f.melt(id_vars=keys, var_name="month", value_name="n") for f in frames])
long = long.drop_duplicates([*keys, "month"], keep="last")  # the newer file wins on overlap
long["month"] = pd.to_datetime(long["month"].astype(str), format="%Y%m")
by = long.pivot_table(index=keys[1:], columns="month", values="n", aggfunc="sum").fillna(0)


def window(last: str, months: int) -> pd.Series:
    end = pd.Timestamp(last)
    inside = (by.columns > end - pd.DateOffset(months=months)) & (by.columns <= end)
    return by.loc[:, inside].sum(axis=1)


t = pd.DataFrame({"quarter": window("2023-06", 3), "previous_quarter": window("2023-03", 3)})
t["same_quarter_last_year"] = window("2022-06", 3)
t["same_quarter_baseline"] = window("2019-06", 3)
t["r12"], t["previous_r12"] = window("2023-06", 12), window("2022-06", 12)
t["baseline_r12"] = window("2020-02", 12)
for c, base in [*((c, "quarter") for c in t.columns[1:4]), ("previous_r12", "r12")]:
    t[f"change_{c}"] = (t[base] - t[c]) / t[c] * 100
t["change_baseline_r12"] = (t["r12"] - t["baseline_r12"]) / t["baseline_r12"] * 100
t.round(2).to_csv(sys.stdout)
