# %%
print("before the error")
partial = 1

# %%
raise ValueError("boom on purpose")

# %%
never = 2
