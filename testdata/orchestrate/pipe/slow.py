# %% tags=["parameters"]
seconds = 0.3

# %%
import time

time.sleep(seconds)
slept = seconds
