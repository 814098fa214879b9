// %%
const y = 2;
