# %% tags=["parameters"]
losses = []
rates = []
labels = []

# %%
total = sum(losses) + len(labels)
