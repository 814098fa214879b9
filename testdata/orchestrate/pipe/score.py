# %% tags=["parameters"]
file = "none"

# %%
label = file.upper()
