# %% tags=["parameters"]
lr = 0.1
rows = 0

# %%
loss = rows * lr
