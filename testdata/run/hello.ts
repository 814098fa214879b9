// %% tags=["parameters"]
let who = "world";

// %%
const cwd = Deno.cwd();
const greeting = `hello ${who}`;
console.log(greeting);
