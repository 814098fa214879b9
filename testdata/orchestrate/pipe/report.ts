// %% tags=["parameters"]
const total = 0;

// %%
const headline = `total ${total}`;
console.log(headline);
