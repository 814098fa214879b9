# %% [markdown]
# # Summary
# Fan-in: receives the losses of every `train` instance and the scores of every
# `score` instance as lists, picks the best learning rate and draws a chart.

# %% tags=["parameters"]
losses = []  # from train.loss, one per learning rate
rates = []  # from train.lr
scores = []  # from score.score, one per region
regions = []  # from ingest.regions

# %%
best = min(range(len(losses)), key=lambda i: losses[i])
best_lr = rates[best]
total_score = round(sum(scores), 3)
print(f"best lr {best_lr} (loss {losses[best]}), total score {total_score}")

# %%
from IPython.display import SVG, display


def bar_chart(labels, values, title):
    width, height, pad = 360, 200, 30
    top = max(values) or 1
    bar = (width - 2 * pad) / len(values)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">',
             f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="13">{title}</text>']
    for i, (label, value) in enumerate(zip(labels, values)):
        h = (height - 2 * pad) * value / top
        x = pad + i * bar
        parts.append(f'<rect x="{x + 4}" y="{height - pad - h}" width="{bar - 8}" height="{h}" fill="#4c78a8"/>')
        parts.append(f'<text x="{x + bar / 2}" y="{height - pad + 14}" text-anchor="middle" font-size="11">{label}</text>')
    parts.append("</svg>")
    return SVG("".join(parts))


display(bar_chart([str(r) for r in rates], losses, "loss by learning rate"))
display(bar_chart(regions, scores, "score by region"))
