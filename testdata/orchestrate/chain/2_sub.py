# %% tags=["parameters"]
z = 0  # from 1_add
y = 0

# %%
assert y != 13, "unlucky y"
w = z - y
