# %% [markdown]
# First of the chain: adds x and y.

# %% tags=["parameters"]
x = 1
y = 2

# %%
z = x + y
label = f"sum={z}"
