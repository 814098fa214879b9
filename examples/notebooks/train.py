# %% [markdown]
# # Train
# Fits a one-parameter model by gradient descent on the rows `ingest` produced;
# one instance runs per learning rate (the pipeline's `matrix`).

# %% tags=["parameters"]
lr = 0.1  # learning rate
rows = 0  # number of rows, from ingest.n_rows
target = 3.0  # the value the model should learn

# %%
import random

random.seed(int(lr * 1000) + rows)
data = [target + random.gauss(0, 0.5) for _ in range(rows)]
w = 0.0
for _ in range(50):
    grad = sum(2 * (w - y) for y in data) / len(data)
    w -= lr * grad

# %%
loss = round(sum((w - y) ** 2 for y in data) / len(data), 6)
print(f"lr={lr}: w={w:.4f} loss={loss}")
loss
