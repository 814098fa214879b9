// %% [markdown]
// # Report (Deno kernel)
// A TypeScript notebook in the same pipeline: it receives the summary's values.

// %% tags=["parameters"]
const best_lr = 0.1; // from summary.best_lr
const total_score = 0; // from summary.total_score

// %%
const headline = `Best learning rate ${best_lr}; total regional score ${total_score.toFixed(2)}`;
console.log(headline);
headline;
