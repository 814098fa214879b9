# %% [markdown]
# # Score one region
# Runs once per region that `ingest` listed (the pipeline's `foreach`).

# %% tags=["parameters"]
region = "eu"  # one region from ingest.regions
base = 1.0  # baseline score

# %%
weights = {"eu": 1.2, "us": 0.9, "apac": 1.05, "latam": 0.8}
score = round(base * weights.get(region, 1.0) * len(region), 3)
print(f"{region}: {score}")
