# %%
raise RuntimeError("always fails")
