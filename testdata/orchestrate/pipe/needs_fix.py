# %% tags=["parameters"]
rows = 0

# %%
import os

if not os.path.exists("fixed.flag"):
    raise RuntimeError("not fixed yet: create fixed.flag")
doubled = rows * 2
