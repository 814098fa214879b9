# %%
import os

here = os.path.basename(os.getcwd())
content = open("data.txt").read().strip()
