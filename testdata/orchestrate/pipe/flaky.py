# %% [markdown]
# Fails the first time (leaving a marker next to itself), succeeds the second.

# %%
import os

if not os.path.exists("flaky.marker"):
    open("flaky.marker", "w").close()
    raise RuntimeError("first attempt fails on purpose")
outcome = "second time lucky"
