// %%
console.log(1);
