"""bench/peers_pandas.py IN OUT - the formula of bench/peers.mission in pandas and numpy:
read_csv, numpy arithmetic column by column, to_csv."""
import sys

import numpy as np
import pandas as pd

df = pd.read_csv(sys.argv[1], dtype=np.float64, engine="c")
b, e, t = df["base"].to_numpy(), df["est"].to_numpy(), df["tgt"].to_numpy()
r, s, B = df["rate"].to_numpy(), df["spend"].to_numpy(), df["budget"].to_numpy()
with np.errstate(divide="ignore", invalid="ignore"):
    x = (b - e) / (b - t)
    m = np.where(0 > x, 0.0, x)
    clamp = np.where(1 < m, 1.0, m)
    q = r / 0.42
    mn = np.where(q < 1, q, 1.0)
    share = np.where(s > B, B / s, 1.0)
    fit = 0.4 * clamp + 0.3 * mn + 0.3 * share
pd.DataFrame({"fit": fit}).to_csv(sys.argv[2], index=False, float_format=None)
