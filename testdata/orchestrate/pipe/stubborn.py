# %% [markdown]
# Ignores interrupts, so only killing the kernel stops it.

# %%
import os
import signal
import time

signal.signal(signal.SIGINT, signal.SIG_IGN)
print(f"kernel pid {os.getpid()}", flush=True)
time.sleep(120)
