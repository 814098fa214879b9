# %% tags=["parameters"]
w = 0  # from 2_sub
label = "none"  # from 1_add, two notebooks up

# %%
v = w * 10
