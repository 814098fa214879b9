# %% tags=["parameters"]
n = 2
greeting = "hello"

# %%
n_rows = n * 10
files = [f"f{i}" for i in range(n)]
message = greeting + "!"
print(message)
