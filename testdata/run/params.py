# %% [markdown]
# A percent-format script run as a notebook.

# %% tags=["parameters"]
i = 0
f = 0.0
b = False
n = "x"
s = "x"
q = "x"
r = 0
from_file = 0
from_yaml = 0
over = "default"

# %%
import os

cwd = os.getcwd()
print("log line", i)
total = i + f
