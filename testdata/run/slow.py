# %%
print("started", flush=True)

# %%
import time

time.sleep(60)
